"""Both embedding backends with their real models; the index refuses a model it was not built with."""

import numpy as np
import pytest

from assistant.api import build_assistant, ingest
from assistant.embeddings import build_embed_model
from assistant.settings import EmbeddingSettings, Settings
from assistant.store import IndexModelMismatch
from tests.conftest import METTMANN, mirror

QUESTION = "Which towns applied for integration funding?"
RELEVANT = "Erkrath, Heiligenhaus and Hilden applied for funds from the integration programme."
UNRELATED = "The swimming pool will be closed for repairs during the summer holidays."


@pytest.mark.parametrize("backend", ["e5", "sentence-transformers"])
def test_backend_ranks_the_relevant_passage_first(backend):
    model = build_embed_model(EmbeddingSettings(backend=backend))
    q = np.asarray(model.get_query_embedding(QUESTION))
    passages = np.asarray(model.get_text_embedding_batch([UNRELATED, RELEVANT]))
    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ q
    assert scores[1] > scores[0]


def test_e5_uses_its_query_and_passage_prefixes():
    model = build_embed_model(EmbeddingSettings(backend="e5"))
    text = "Sozialausschuss am 08.02.2021"
    assert not np.allclose(model.get_query_embedding(text), model.get_text_embedding(text))


def test_model_ids_differ_between_backends():
    e5 = build_embed_model(EmbeddingSettings(backend="e5"))
    st = build_embed_model(EmbeddingSettings(backend="sentence-transformers"))
    assert e5.model_id != st.model_id
    assert "all-MiniLM-L6-v2" in st.model_id


def test_sentence_transformers_index_answers_and_refuses_e5(tmp_path):
    folder = mirror([METTMANN], tmp_path / "corpus")
    st = Settings(embedding=EmbeddingSettings(backend="sentence-transformers"))
    assert ingest(st, folder, progress=False).exit_code == 0
    answer = build_assistant(st).ask("Which cities applied for KOMM-AN NRW funds in 2021?")
    assert answer.retrieved[0].source == METTMANN

    with pytest.raises(IndexModelMismatch, match="all-MiniLM-L6-v2"):
        build_assistant(Settings())
    with pytest.raises(IndexModelMismatch):
        ingest(Settings(), folder, progress=False)
