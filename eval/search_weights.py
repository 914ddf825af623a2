"""`python -m eval.search_weights GOLD [--data-dir D] [--sweeps N]`: searches the weights of the
extractive answerer's sentence model (`assistant/answering/sentence_model.json`) for the answerer's
own accuracy on the tuning half, and writes them back where they answer more tuning questions right.

`eval.fit_sentences` fits the weights to tell answer sentences from the others, which is not what
the answerer is judged by: refitted, they answered fewer questions right (docs/evaluation.md). This
search judges each weight as the evaluation does: every tuning question asked in full (retrieval,
answer, abstention), right when `Outcome.correct` says so. One weight at a time is raised, then
lowered, by 30 % of its size (at least 0.15; the least probability by 0.02); a step that answers
more questions right is kept, and the next weight is tried. A sweep tries every weight once; the
search stops after `--sweeps` sweeps or a sweep that kept nothing. One sweep asks each tuning
question about 40 times (an hour on two cores for 483 questions).

The test half is never read here: `council eval` reports both halves, and weights are kept only
where the test half agrees.
"""

import argparse
import json
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from tqdm import tqdm

from assistant.answering.sentence_model import FEATURES, SentenceModel
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from eval.metrics import Outcome, load_tuning

_NAMES = (*FEATURES, "intercept", "min_probability")


def search(
    start: Sequence[float], names: Sequence[str], right: Callable[[list[float]], int], sweeps: int
) -> tuple[list[float], int]:
    """Coordinate search: the parameters named `names` (weights, the intercept, the least
    probability) that `right` scores highest, from `start`, and their score.

    >>> search([0.0, 1.0, 0.1], ["a", "b", "min_probability"], lambda p: -round(abs(p[0] - 0.3) * 100), 3)
    ([0.3, 1.0, 0.1], 0)
    """
    best, score = list(start), right(list(start))
    for _ in range(sweeps):
        kept = False
        for i, name in enumerate(names):
            step = 0.02 if name == "min_probability" else 0.3 * max(abs(best[i]), 0.5)
            for trial in (
                [*best[:i], best[i] + step, *best[i + 1 :]],
                [*best[:i], best[i] - step, *best[i + 1 :]],
            ):
                if name == "min_probability" and trial[i] <= 0:
                    continue
                if (found := right(trial)) > score:
                    best, score, kept = [round(p, 4) for p in trial], found, True
                    break
        if not kept:
            break
    return best, score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--data-dir", type=Path, help="the index to ask (default: the configured one)")
    parser.add_argument("--sweeps", type=int, default=1, help="sweeps over all weights at most (default 1)")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    tuning = load_tuning(args.gold)
    assistant = build_assistant(settings)
    shipped = assistant.answerer.model
    progress = tqdm(desc="Gewichte prüfen", unit=" Durchlauf", disable=None)

    def right(parameters: list[float]) -> int:
        assistant.answerer.model = SentenceModel(tuple(parameters[:-2]), parameters[-2], parameters[-1])
        progress.update()
        return sum(Outcome.of(q, assistant.ask(q.question, channel="eval")).correct for q in tuning)

    start = [*shipped.weights, shipped.intercept, shipped.min_probability]
    before = right(start)
    found, after = search(start, _NAMES, right, args.sweeps)
    progress.close()
    print(f"Anpassungsfragen richtig: {before} → {after} von {len(tuning)}")
    for name, old, new in zip(_NAMES, start, found, strict=True):
        if old != new:
            print(f"{name:<16} {old:+.4f} → {new:+.4f}")
    if after <= before:
        print("keine besseren Gewichte gefunden; nichts geschrieben")
        return
    target = resources.files("assistant.answering").joinpath("sentence_model.json")
    model = json.loads(Path(str(target)).read_text(encoding="utf-8"))
    model.update(weights=found[:-2], intercept=found[-2], min_probability=found[-1])
    Path(str(target)).write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"geschrieben: {target}")


if __name__ == "__main__":
    main()
