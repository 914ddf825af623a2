"""`python -m eval.fusion --data-dir DIR [--gold GOLD] [--out-dir DIR]`: each retrieval part's share
on the gold set. The whole assistant runs under dense retrieval alone, BM25 alone, and the hybrid
with the BM25 ranking weighted 0.25 to 4 in the reciprocal rank fusion; one table of all metrics.

A weight picked on the same questions it is scored on flatters itself, so the weight is also
chosen by 5-fold cross-validation: on four fifths of the questions the weight with the best MRR
(ties: the one closest to 1), scored on the fifth left out; the pooled held-out outcomes give
the "hybrid, weight by CV" row.
"""

import argparse
import math
import tempfile
from pathlib import Path

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from eval.metrics import Metrics, Outcome, compute, load_gold
from eval.runner import evaluate, with_overrides

WEIGHTS = (0.25, 0.5, 1.0, 2.0, 4.0)
FOLDS = 5
_COLUMNS = (
    ("hit@1", "hit_at_1"),
    ("hit@5", "hit_at_5"),
    ("MRR", "mrr"),
    ("nDCG@10", "ndcg_at_10"),
    ("answer acc", "answer_accuracy"),
    ("abst P", "abstention_precision"),
    ("abst R", "abstention_recall"),
    ("p50 s", "p50_seconds"),
)


def cross_validated(by_weight: dict[float, list[Outcome]]) -> tuple[list[Outcome], list[float]]:
    """Held-out outcomes under the weight chosen on the other folds, and the chosen weights."""
    n = len(next(iter(by_weight.values())))
    pooled: list[Outcome] = []
    chosen = []
    for fold in range(FOLDS):
        train = [i for i in range(n) if i % FOLDS != fold]
        best = max(
            by_weight,
            key=lambda w: (compute([by_weight[w][i] for i in train]).mrr, -abs(math.log(w))),
        )
        chosen.append(best)
        pooled += [by_weight[best][i] for i in range(n) if i % FOLDS == fold]
    return pooled, chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--gold", type=Path, default=Path(__file__).parent / "gold.jsonl")
    parser.add_argument("--out-dir", type=Path, default=Path(tempfile.gettempdir()) / "council-fusion")
    args = parser.parse_args()
    gold = load_gold(args.gold)
    base = Settings(data_dir=args.data_dir)

    def run(name: str, overrides: list[str]) -> list[Outcome]:
        assistant = build_assistant(with_overrides(base, overrides))
        return evaluate(assistant, gold, args.out_dir / f"{name}.jsonl")

    rows: dict[str, Metrics] = {}
    rows["dense"] = compute(run("dense", ["retrieval.weights.lexical=0"]))
    rows["BM25"] = compute(run("lexical", ["retrieval.weights.dense=0"]))
    by_weight = {w: run(f"hybrid-{w}", [f"retrieval.weights.lexical={w}"]) for w in WEIGHTS}
    for w, outcomes in by_weight.items():
        rows[f"hybrid, weight {w:g}"] = compute(outcomes)
    pooled, chosen = cross_validated(by_weight)
    rows["hybrid, weight by CV"] = compute(pooled)

    print(f"{'retrieval':<22}" + "".join(f"{label:>11}" for label, _ in _COLUMNS))
    for name, m in rows.items():
        print(f"{name:<22}" + "".join(f"{getattr(m, field):>11.3f}" for _, field in _COLUMNS))
    print(f"weights chosen per fold (MRR on the other folds): {', '.join(f'{w:g}' for w in chosen)}")


if __name__ == "__main__":
    main()
