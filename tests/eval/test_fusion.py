"""The fusion weight chosen by cross-validation: on hand-made outcomes (no index needed)."""

from eval.fusion import FOLDS, cross_validated
from eval.metrics import GoldQuestion, Outcome


def outcomes(ranks: list[int]) -> list[Outcome]:
    """One answerable question per rank: its gold file retrieved at that rank."""
    out = []
    for i, rank in enumerate(ranks):
        gold = GoldQuestion(f"q{i}", "?", [], ["gold.txt"], True)
        retrieved = [("other.txt",)] * (rank - 1) + [("gold.txt",)]
        out.append(Outcome(gold, "", False, [], retrieved, 0.0))
    return out


def test_the_weight_best_on_the_other_folds_scores_each_held_out_fold():
    n = 4 * FOLDS
    by_weight = {1.0: outcomes([2] * n), 2.0: outcomes([1] * n), 4.0: outcomes([3] * n)}
    pooled, chosen = cross_validated(by_weight)
    assert chosen == [2.0] * FOLDS
    assert sorted(o.gold.id for o in pooled) == sorted(f"q{i}" for i in range(n))
    assert all(o.rank == 1 for o in pooled)


def test_ties_go_to_the_weight_closest_to_one():
    same = [1, 2] * (2 * FOLDS)
    _, chosen = cross_validated({0.5: outcomes(same), 1.0: outcomes(same), 4.0: outcomes(same)})
    assert chosen == [1.0] * FOLDS
