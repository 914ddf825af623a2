"""`python -m eval.fit_sentences GOLD [--data-dir D]`: fits the extractive answerer's sentence model
(`assistant/answering/sentence_model.py`) on the tuning half of a gold set and writes
`sentence_model.json`.

Each tuning question is asked as `council ask` asks it; every candidate sentence of its retrieved
passages becomes one example: positive when it comes from a gold source and carries an expected
element (a number as a whole number: "9" is not found in "2019"). A logistic regression with a
small L2 penalty (Newton's method, the features are few) gives the weights. Then the least
probability the best sentence must reach is set where the tuning questions are answered best:
an answerable question counts when its best sentence is a positive one above the threshold, an
unanswerable one when its best sentence is below it.

The test half is never read here: `council eval` reports both halves, and a change is kept only
where the test half agrees.
"""

import argparse
import json
import re
from importlib import resources
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.answering.question import Question
from assistant.answering.sentence_model import FEATURES
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from eval.metrics import GoldQuestion, load_tuning

L2 = 1.0


def carries(text: str, element: str | list[str]) -> bool:
    """
    >>> carries("im Jahr 2019", "9"), carries("9 Mitglieder", "9"), carries("dreimal", ["3-mal", "dreimal"])
    (False, True, True)
    """
    normal = " ".join(text.lower().split())
    for alternative in element if isinstance(element, list) else [element]:
        a = " ".join(alternative.lower().split())
        pattern = (
            rf"(?<![\d.,]){re.escape(a)}(?![\d])" if a[:1].isdigit() or a[-1:].isdigit() else re.escape(a)
        )
        if re.search(pattern, normal):
            return True
    return False


def examples(
    gold: list[GoldQuestion], settings: Settings
) -> list[tuple[GoldQuestion, np.ndarray, np.ndarray]]:
    """Per question: its candidates' feature rows and labels (all 0 for unanswerable ones)."""
    assistant = build_assistant(settings)
    assistant.warm_up()
    out = []
    for q in tqdm(gold, desc="Sätze bewerten", unit=" Frage", disable=None):
        answer = assistant.ask(q.question)
        sentences = assistant.answerer.sentences(Question.read(q.question), answer.retrieved)
        if not sentences:
            continue
        x = np.array([[s.features[f] for f in FEATURES] for s in sentences])
        y = np.array(
            [
                q.answerable
                and bool(set(s.passage.sources) & set(q.sources))
                and any(carries(s.text, e) for e in q.expected)
                for s in sentences
            ],
            dtype=float,
        )
        out.append((q, x, y))
    return out


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method with an L2 penalty (not on the intercept)."""
    a = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(a.shape[1])
    penalty = np.eye(a.shape[1]) * L2
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(a @ w, -30, 30)))
        gradient = a.T @ (p - y) + penalty @ w
        hessian = a.T @ (a * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def threshold(per_question: list[tuple[GoldQuestion, float, bool]]) -> tuple[float, int]:
    """The least best-sentence probability that answers the most tuning questions right."""

    def right(t: float) -> int:
        return sum((best >= t and hit) if q.answerable else best < t for q, best, hit in per_question)

    candidates = sorted({0.0, *(round(best, 4) for _, best, _ in per_question)})
    t = max(candidates, key=lambda t: (right(t), -t))
    return t, right(t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--data-dir", type=Path, help="the index to ask (default: the configured one)")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    tuning = load_tuning(args.gold)
    rows = examples(tuning, settings)
    fitted = [(x, y) for q, x, y in rows if y.any()]
    x, y = np.vstack([x for x, _ in fitted]), np.concatenate([y for _, y in fitted])
    weights, intercept = fit(x, y)

    def probability(x: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-np.clip(x @ weights + intercept, -30, 30)))

    per_question = []
    for q, x_q, y_q in rows:
        p = probability(x_q) * (
            x_q[:, FEATURES.index("lacks_kind")] == 0
        )  # the lead must be of the kind asked
        per_question.append((q, float(p.max()), bool(y_q[int(p.argmax())])))
    min_probability, right = threshold(per_question)
    target = resources.files("assistant.answering").joinpath("sentence_model.json")
    model = {
        "fitted_on": f"{args.gold.name}, tuning half: {len(rows)} questions, {len(fitted)} with a positive "
        f"sentence, {len(y)} sentences, {int(y.sum())} positive",
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in weights],
        "intercept": round(intercept, 4),
        "min_probability": min_probability,
    }
    Path(str(target)).write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, w in zip(FEATURES, weights, strict=True):
        print(f"{name:<12} {w:+.3f}")
    print(f"{'intercept':<12} {intercept:+.3f}")
    leads = sum(hit for q, _, hit in per_question if q.answerable)
    answerable = sum(q.answerable for q, _, _ in per_question)
    print(f"Bester Satz trägt die Antwort: {leads} von {answerable} beantwortbaren Anpassungsfragen")
    print(
        f"Mindestwahrscheinlichkeit {min_probability}: {right} von {len(per_question)} Anpassungsfragen "
        "richtig"
    )
    print(f"geschrieben: {target}")


if __name__ == "__main__":
    main()
