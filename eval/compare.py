"""`python -m eval.compare GOLD BEFORE.jsonl AFTER.jsonl`: two result files of `council eval` on the
same gold questions side by side, then every question whose outcome differs, question by
question. For a change that must not change answers (a restructuring), the second part is
empty; where it is not, it says what moved: correctness, abstention, the answer text, the
citations, the retrieved ranking.

The result files are what `council eval --out` writes (one `ask --json` object per line, with
"id" and "retrieved"), so runs of different versions of the code compare as long as that shape
holds (keys are only ever added).
"""

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.core.answers import Generation
from eval.metrics import GoldQuestion, Outcome, format_comparison, load_gold
from eval.runner import metrics_of


def outcomes(gold: list[GoldQuestion], results: Path) -> dict[str, Outcome]:
    """The outcome of each gold question in a result file, by question id."""
    by_id = {q.id: q for q in gold}
    found = {}
    for line in results.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in by_id:
            found[row["id"]] = _outcome(by_id[row["id"]], row)
    return found


def _outcome(gold: GoldQuestion, row: dict[str, Any]) -> Outcome:
    g = row["generation"]
    return Outcome(
        gold=gold,
        answer=row["answer"],
        abstained=row["abstained"],
        citations=[((c["source"], *c["also_in"]), c["text"]) for c in row["citations"]],
        retrieved=[tuple(sources) for sources in row["retrieved"]],
        seconds=row["seconds"],
        generation=Generation(
            g["mode"],
            g["note"],
            tuple(g["removed_sentences"]),
            g["kept_sentences"],
            g["tokens"],
            g["seconds"],
        ),
    )


def differences(before: Outcome, after: Outcome) -> list[str]:
    """What differs between two outcomes of one question, one line each (empty: the same)."""
    lines = []
    if before.correct != after.correct:
        lines.append(f"correct: {before.correct} -> {after.correct}")
    if before.abstained != after.abstained:
        lines.append(f"abstained: {before.abstained} -> {after.abstained}")
    if before.answer != after.answer:
        lines.append(f"answer: {before.answer[:300]!r}\n        -> {after.answer[:300]!r}")
    if before.citations != after.citations:
        lines.append(f"citations: {_cited(before)}\n        -> {_cited(after)}")
    if before.retrieved != after.retrieved:
        lines.append(f"retrieved: rank of a gold source {before.rank} -> {after.rank}")
    return lines


def _cited(outcome: Outcome) -> list[str]:
    return [f"{sources[0]}: {quote[:60]!r}" for sources, quote in outcome.citations]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--split", choices=["tune", "test"], help="only the questions of this half (tune while tuning)"
    )
    args = parser.parse_args()
    gold = [q for q in load_gold(args.gold) if args.split in (None, q.split)]
    before, after = outcomes(gold, args.before), outcomes(gold, args.after)
    common = [q.id for q in gold if q.id in before and q.id in after]
    print(
        format_comparison(
            metrics_of([before[i] for i in common]),
            metrics_of([after[i] for i in common]),
            args.before.name,
            args.after.name,
        )
    )
    changed = {i: differences(before[i], after[i]) for i in common}
    changed = {i: lines for i, lines in changed.items() if lines}
    print(f"\n{len(changed)} of {len(common)} questions differ")
    questions = {q.id: q.question for q in gold}
    for i, lines in changed.items():
        print(f"\n{i}: {questions[i]}")
        for line in lines:
            print(f"    {line}")


if __name__ == "__main__":
    main()
