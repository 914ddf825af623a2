"""Retrieval signals on the real small index: each alone and both fused find a Vorlage by its
number, BM25 alone ranks as the catalog's BM25 does, and the weights decide between the rankings."""

import pytest

from assistant.core.settings import RetrievalSettings, Settings, SignalWeights
from assistant.index.catalog import Catalog
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import VectorStore
from assistant.service.council import build_assistant
from tests.conftest import METTMANN

QUESTION = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt (Vorlage 50/004/2021)?"


def retrieve(
    small_index, question: str, dense: float = 1.0, lexical: float = 2.0, kept: int = 2
) -> list[str]:
    weights = SignalWeights(dense=dense, lexical=lexical)
    retrieval = RetrievalSettings(weights=weights, kept_per_signal=kept)
    settings = Settings(data_dir=small_index, retrieval=retrieval)
    return [p.chunk_id for p in build_assistant(settings).retriever.passages(question)]


@pytest.mark.parametrize(("dense", "lexical"), [(1.0, 0.0), (1.0, 2.0), (0.0, 1.0)])
def test_each_signal_and_both_find_the_vorlage_by_its_number(small_index, dense, lexical):
    weights = SignalWeights(dense=dense, lexical=lexical)
    settings = Settings(data_dir=small_index, retrieval=RetrievalSettings(weights=weights))
    assert build_assistant(settings).retriever.passages(QUESTION)[0].source == METTMANN


def test_the_lexical_signal_alone_ranks_by_bm25(small_index):
    bm25 = [key for key, _ in Catalog(small_index, create=False).lexical(QUESTION, 15)]
    assert retrieve(small_index, QUESTION, dense=0.0, lexical=1.0) == bm25


def test_the_dense_signal_alone_ranks_by_the_vector_search(small_index):
    settings = Settings(data_dir=small_index)
    model = build_embed_model(settings.embedding)
    vectors = VectorStore(settings.store, small_index, model.model_id, create=False)
    nearest = [key for key, _ in vectors.query(model.get_query_embedding(QUESTION), 15)]
    assert retrieve(small_index, QUESTION, dense=1.0, lexical=0.0) == nearest


def test_the_weights_move_between_the_two_rankings(small_index):
    lexical = retrieve(small_index, QUESTION, dense=0.0, lexical=1.0)
    dense = retrieve(small_index, QUESTION, dense=1.0, lexical=0.0)
    assert lexical[:3] != dense[:3]
    assert retrieve(small_index, QUESTION, dense=1.0, lexical=1000.0)[:3] == lexical[:3]
    assert retrieve(small_index, QUESTION, dense=1000.0, lexical=1.0)[:3] == dense[:3]


def test_the_best_passages_of_each_signal_reach_the_answerer(small_index):
    """BM25 (weight 2) matches more than top_k chunks for this question, so without keeping each
    signal's best, the vector search's second passage is fused out of the top_k."""
    question = "Wie hoch ist der Hebesatz der Grundsteuer?"
    dense = retrieve(small_index, question, dense=1.0, lexical=0.0)[:2]
    lexical = retrieve(small_index, question, dense=0.0, lexical=1.0)
    assert len(lexical) == 15
    assert not set(dense) <= set(retrieve(small_index, question, kept=0))
    kept = retrieve(small_index, question, kept=2)
    assert len(kept) == 15 and set(dense) | set(lexical[:2]) <= set(kept)


def test_a_retrieval_without_any_signal_is_refused():
    with pytest.raises(ValueError, match="at least one retrieval signal"):
        SignalWeights(dense=0.0, lexical=0.0)
