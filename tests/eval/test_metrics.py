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


def test_the_lead_is_the_answer_up_to_its_first_citation():
    from eval.metrics import lead_of

    assert lead_of("§ 7 Amtszeit [1] Er tagt dreimal. [2]") == "§ 7 Amtszeit [1]"
    assert lead_of("Er tagt dreimal. Er hat 9 Mitglieder.") == "Er tagt dreimal."
    gold = replace(GOLD, expected=["Erkrath"])
    late = replace(outcome([("a.txt",)], [(("a.txt",), "…")]), gold=gold, answer="Hilden [1] Erkrath [2]")
    first = replace(late, answer="Erkrath und Hilden [1]")
    assert (late.lead_carries, first.lead_carries) == (False, True)
    assert compute([late, first]).lead_accuracy == 0.5


def test_a_gold_set_splits_by_document_and_keeps_the_halves_it_has():
    from eval.split import assign

    rows = [{"id": f"q{i}", "sources": [f"doc{i % 7}.pdf"]} for i in range(60)]
    rows += [{"id": "bridge", "sources": ["doc1.pdf", "doc2.pdf"]}, {"id": "none", "sources": []}]
    halves = {r["id"]: r["split"] for r in assign(rows)}
    by_doc = {}
    for r in rows[:60]:
        by_doc.setdefault(r["sources"][0], set()).add(halves[r["id"]])
    assert all(len(h) == 1 for h in by_doc.values())  # one document's questions stay together
    assert by_doc["doc1.pdf"] == by_doc["doc2.pdf"] == {halves["bridge"]}  # linked by one question
    assert set(halves.values()) == {"tune", "test"}
    fixed = assign([{**r, "split": "test"} for r in rows[:3]] + rows[3:])
    assert [r["split"] for r in fixed[:3]] == ["test"] * 3
