"""Retrieval modes on the real small index: each finds a Vorlage by its number, BM25 alone ranks
as the catalog's BM25 does, and the fusion weight decides between the two rankings."""

import pytest

from assistant.core.settings import RetrievalSettings, Settings
from assistant.index.catalog import Catalog
from assistant.service.council import build_assistant
from tests.conftest import METTMANN

QUESTION = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt (Vorlage 50/004/2021)?"


def retrieve(small_index, question: str, **retrieval) -> list[str]:
    settings = Settings(data_dir=small_index, retrieval=RetrievalSettings(**retrieval))
    return [p.chunk_id for p in build_assistant(settings).retriever.passages(question)]


@pytest.mark.parametrize("mode", ["dense", "hybrid", "lexical"])
def test_every_mode_finds_the_vorlage_by_its_number(small_index, mode):
    settings = Settings(data_dir=small_index, retrieval=RetrievalSettings(mode=mode))
    assert build_assistant(settings).retriever.passages(QUESTION)[0].source == METTMANN


def test_lexical_mode_ranks_by_bm25_alone(small_index):
    bm25 = [key for key, _ in Catalog(small_index, create=False).lexical(QUESTION, 15)]
    assert retrieve(small_index, QUESTION, mode="lexical") == bm25


def test_the_fusion_weight_moves_between_the_two_rankings(small_index):
    dense = retrieve(small_index, QUESTION, mode="dense")
    assert retrieve(small_index, QUESTION, mode="hybrid", lexical_weight=0.0) == dense
    lexical = retrieve(small_index, QUESTION, mode="lexical")
    assert retrieve(small_index, QUESTION, mode="hybrid", lexical_weight=1000.0)[:3] == lexical[:3]
