"""Metric definitions on hand-made outcomes (pure functions: no index needed)."""

import math
from dataclasses import replace

import pytest

from assistant.core.answers import Generation
from eval.metrics import GoldQuestion, Outcome, compute

GOLD = GoldQuestion(
    id="q",
    question="Wer?",
    expected=["Hilden", ["Erkrath", "Stadt Erkrath"]],
    sources=["a.txt"],
    answerable=True,
)


def outcome(retrieved: list[tuple[str, ...]], citations: list[tuple[tuple[str, ...], str]]) -> Outcome:
    return Outcome(
        gold=GOLD,
        answer="Hilden und Erkrath",
        abstained=False,
        citations=citations,
        retrieved=retrieved,
        seconds=0.1,
    )


def test_ndcg_rewards_relevant_passages_near_the_top():
    assert outcome([("a.txt",), ("b.txt",)], []).ndcg() == 1.0
    assert outcome([("b.txt",), ("a.txt",)], []).ndcg() == pytest.approx(1 / math.log2(3))
    assert outcome([("b.txt", "a.txt")], []).ndcg() == 1.0  # a duplicate counts for all its files
    assert outcome([("b.txt",)], []).ndcg() == 0.0


def test_citation_precision_counts_quotes_that_carry_an_answer_or_come_from_a_gold_source():
    o = outcome(
        [("a.txt",)],
        [(("c.txt",), "… die Stadt Erkrath …"), (("a.txt",), "Einleitung"), (("d.txt",), "nichts")],
    )
    assert o.supported_citations() == [True, True, False]
    metrics = compute([o])
    assert metrics.citation_precision == pytest.approx(2 / 3) and metrics.answer_accuracy == 1.0


def test_compare_overrides_are_validated_before_anything_runs():
    from assistant.core.settings import Settings
    from eval.runner import CompareError, with_overrides

    variant = with_overrides(Settings(), ["retrieval.weights.lexical=0.5", "retrieval.top_k=5"])
    assert (variant.retrieval.weights.lexical, variant.retrieval.top_k) == (0.5, 5)
    for bad in ("retrieval.top_k=many", "retrieval.nope=1", "nosection.x=1", "retrieval.top_k"):
        with pytest.raises(CompareError, match="--compare"):
            with_overrides(Settings(), [bad])


def test_generation_figures_count_kept_and_fallen_back_answers_removed_sentences_and_token_rate():
    base = outcome([("a.txt",)], [])
    runs = [
        replace(base, generation=Generation("generated", None, ("weg (ohne Quellenangabe)",), 3, 40, 2.0)),
        replace(base, generation=Generation("fallback", "…", ("a (x)", "b (y)"), 0, 60, 3.0)),
        base,  # extractive: no LLM figures
    ]
    metrics = compute(runs)
    assert metrics.generated == pytest.approx(1 / 3) and metrics.fallback == pytest.approx(1 / 3)
    assert metrics.removed_sentences == pytest.approx(3 / 6)  # 3 removed of 3 kept + 3 removed
    assert metrics.tokens_per_second == pytest.approx(100 / 5)
    assert compute([base]).tokens_per_second == 0.0 and compute([base]).removed_sentences == 0.0
