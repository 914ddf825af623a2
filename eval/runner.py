"""`council eval GOLD --out RESULTS [--compare SETTING=VALUE ...]`: every gold question through the
assistant, one result line per question (the `ask --json` shape plus "id" and the "retrieved"
sources), then the metrics. With `--compare`, the same questions also run under the changed
settings (e.g. `retrieval.mode=dense`), their results go to RESULTS with `.compare` before the
suffix, and both configurations are printed side by side."""

import json
from collections import defaultdict
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from assistant.core.access import ANONYMOUS, Role, Viewer
from assistant.core.settings import Settings
from assistant.service.council import CouncilAssistant, build_assistant
from assistant.service.schema import AnswerOut
from eval.metrics import (
    GoldQuestion,
    Metrics,
    Outcome,
    compute,
    every,
    format_comparison,
    format_table,
    load_gold,
)


class CompareError(ValueError):
    """A `--compare` override that does not name a setting or has an invalid value."""


def run_eval(
    settings: Settings,
    gold_path: Path,
    out_path: Path,
    compare: list[str] | None = None,
    every_nth: int = 1,
    role: Role = "öffentlich",
) -> int:
    """Answer every gold question as a viewer of `role` (what that role may read is what is
    searched) and print the metrics."""
    gold = every(load_gold(gold_path), every_nth)
    variant = with_overrides(settings, compare) if compare else None  # a typo fails before the long run
    viewer = Viewer("eval", role)
    base = evaluate(build_assistant(settings), gold, out_path, viewer)
    if variant is None:
        print(format_table(*metrics_of(base)))
        if halves := by_split(base):
            print(
                "\n"
                + format_comparison(metrics_of(halves["tune"]), metrics_of(halves["test"]), "tune", "test")
            )
        return 0
    other = evaluate(
        build_assistant(variant),
        gold,
        out_path.with_name(f"{out_path.stem}.compare{out_path.suffix}"),
        viewer,
    )
    print(format_comparison(metrics_of(base), metrics_of(other), "current", " ".join(compare or [])))
    return 0


def evaluate(
    assistant: CouncilAssistant, gold: list[GoldQuestion], out_path: Path, viewer: Viewer = ANONYMOUS
) -> list[Outcome]:
    assistant.warm_up()  # latencies are per question, not model loading
    outcomes = []
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as out:
        for question in tqdm(gold, desc="Evaluation", unit=" Frage", disable=None):
            answer = assistant.ask(question.question, viewer=viewer, channel="eval")
            shown = AnswerOut.of(answer).model_dump(mode="json")
            row = {"id": question.id, **shown, "retrieved": [p.sources for p in answer.retrieved]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            outcomes.append(Outcome.of(question, answer))
    return outcomes


def with_overrides(settings: Settings, overrides: list[str]) -> Settings:
    """A copy of `settings` with dotted overrides applied and validated.

    >>> with_overrides(Settings(), ["retrieval.top_k=5", "retrieval.weights.lexical=0"]).retrieval.weights
    SignalWeights(dense=1.0, lexical=0.0)
    """
    data = settings.model_dump()
    for override in overrides:
        key, sep, value = override.partition("=")
        *parents, leaf = key.strip().split(".")
        node = data
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise CompareError(
                    f"--compare {override}: einen Einstellungsabschnitt „{part}“ gibt es nicht"
                )
            node = node[part]
        if not sep or leaf not in node:
            raise CompareError(
                f"--compare {override}: erwartet wird ABSCHNITT.NAME=WERT einer vorhandenen Einstellung"
            )
        node[leaf] = value
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise CompareError(f"--compare {' '.join(overrides)}: {exc.errors()[0]['msg']}") from exc


def by_split(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """The outcomes of the tuning half and of the test half, where the gold set is split."""
    halves = {name: [o for o in outcomes if o.gold.split == name] for name in ("tune", "test")}
    return halves if all(halves.values()) else {}


def metrics_of(outcomes: list[Outcome]) -> tuple[Metrics, dict[str, Metrics]]:
    groups = defaultdict(list)
    for o in outcomes:
        groups[o.gold.type or ("answerable" if o.gold.answerable else "unanswerable")].append(o)
    return compute(outcomes), {name: compute(group) for name, group in groups.items()}
