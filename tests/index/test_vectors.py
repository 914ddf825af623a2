"""The Chroma collection: HNSW finds the true nearest neighbours, a search sees what another
process wrote since, and a real `chroma run` server serves the same answers as the embedded store."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.core.filters import Filters
from assistant.core.settings import Settings, StoreSettings
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import IndexEmpty, StoreError, VectorStore
from assistant.service.council import build_assistant, ingest
from tests.conftest import SMALL_SET, copy_index, free_port, mirror

QUESTIONS = [
    "Welche Städte haben Mittel aus KOMM-AN NRW beantragt?",
    "Wie wurde über den Hebesatz der Grundsteuer abgestimmt?",
    "Wer leitet die Lenkungsgruppe?",
    "Wie oft tritt der Stadtteilbeirat zusammen?",
    "What was the total Council Tax requirement?",
    "Who chaired the County Council meeting?",
    "Stellenausschreibungen für das Kommunale Integrationsmanagement",
    "Aufkommensneutralität der Grundsteuer",
]


def test_hnsw_search_equals_exact_search(small_index):
    """For collections above `exact_up_to`; this one is searched by HNSW only when told to."""
    settings = Settings(data_dir=small_index, store=StoreSettings(exact_up_to=0))
    model = build_embed_model(settings.embedding)
    store = VectorStore(settings.store, small_index, model.model_id, create=False)
    ids, vectors = store.all_vectors()
    matrix = np.asarray(vectors)
    k = 10
    recall = []
    for question in QUESTIONS:
        q = np.asarray(model.get_query_embedding(question))
        exact = {ids[i] for i in np.argsort(-(matrix @ q))[:k]}
        found = {key for key, _ in store.query(q, k)}
        recall.append(len(exact & found) / k)
    assert min(recall) == 1.0, recall


WRITE_IN_ANOTHER_PROCESS = """
import sys
from pathlib import Path
from assistant.core.settings import Settings
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import VectorStore

data, action, question = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
settings = Settings(data_dir=data)
model = build_embed_model(settings.embedding)
store = VectorStore(settings.store, data, model.model_id, create=True)
if action == "add":
    store.upsert(["neu"], [model.get_query_embedding(question)], [{"version": "1"}])
else:
    store.delete(["neu"])
"""


@pytest.mark.parametrize("exact_up_to", [StoreSettings().exact_up_to, 0], ids=["in-memory", "hnsw"])
def test_a_vector_another_process_writes_is_searched_by_the_next_question(small_index, tmp_path, exact_up_to):
    """An ingest in another process (the CLI beside the web server) changes what the next
    question finds, both ways: a local Chroma opened before it would keep the old vectors and
    fail on the new ones."""
    data = copy_index(small_index, tmp_path)
    settings = Settings(data_dir=data, store=StoreSettings(exact_up_to=exact_up_to))
    model = build_embed_model(settings.embedding)
    store = VectorStore(settings.store, data, model.model_id, create=False)
    question = "Wann wurde der Zwetschkenbaum im Rathaushof gefällt?"
    q = model.get_query_embedding(question)
    before = store.query(q, 3)
    assert "neu" not in dict(before)

    def in_another_process(action: str) -> None:
        command = [sys.executable, "-c", WRITE_IN_ANOTHER_PROCESS, str(data), action, question]
        subprocess.run(command, check=True)

    in_another_process("add")
    found = store.query(q, 3)
    assert found[0][0] == "neu" and found[0][1] == pytest.approx(1.0, abs=1e-5)
    assert store.similarities(["neu"], q)["neu"] == pytest.approx(1.0, abs=1e-5)
    in_another_process("delete")
    assert store.query(q, 3) == before


def test_asking_an_empty_data_dir_says_to_ingest_first(tmp_path):
    with pytest.raises(IndexEmpty, match="council ingest"):
        build_assistant(Settings(data_dir=tmp_path / "nothing"))


@pytest.fixture()
def chroma_server(tmp_path):
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    proc = subprocess.Popen(
        [
            str(chroma if chroma.exists() else shutil.which("chroma")),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    store = StoreSettings(mode="http", host="127.0.0.1", port=port)
    deadline = time.monotonic() + 60
    while True:
        try:
            import chromadb

            chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.5)
    yield store
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.slow
def test_chroma_server_serves_the_same_answers_as_the_embedded_store(tmp_path, chroma_server, small_index):
    folder = mirror(SMALL_SET, tmp_path / "corpus")
    server_settings = Settings(store=chroma_server)
    report = ingest(server_settings, folder, progress=False)
    assert report.exit_code == 0 and report.indexed == len(SMALL_SET)
    assert not (tmp_path / "data" / "chroma").exists()  # no vectors written locally, only the catalog

    over_http = build_assistant(server_settings)
    embedded = build_assistant(Settings(data_dir=small_index))
    for question in QUESTIONS[:4]:
        a, b = over_http.ask(question), embedded.ask(question)
        assert [p.chunk_id for p in a.retrieved] == [p.chunk_id for p in b.retrieved]
        assert a.text == b.text
    assert "Erkrath" in over_http.ask(QUESTIONS[0]).text

    # filters reach the server as the ids the search may return; ids without a vector are passed over
    chosen = Filters(committee="County Council")
    a, b = over_http.ask(QUESTIONS[1], chosen), embedded.ask(QUESTIONS[1], chosen)
    assert [p.chunk_id for p in a.retrieved] == [p.chunk_id for p in b.retrieved]
    assert {p.committee for p in a.retrieved} == {"County Council"}
    model = build_embed_model(server_settings.embedding)
    store = VectorStore(server_settings.store, server_settings.data_dir, model.model_id, create=False)
    keys = over_http.backends.catalog.matching_keys(chosen)
    q = model.get_query_embedding(QUESTIONS[1])
    assert store.query(q, 5, [*keys, "not-embedded-yet"]) == store.query(q, 5, keys)
    assert ingest(server_settings, folder, progress=False).embedded == 0


def test_unreachable_server_is_a_clear_error():
    store = StoreSettings(mode="http", host="127.0.0.1", port=free_port())
    with pytest.raises(StoreError, match="chroma run"):
        build_assistant(Settings(store=store))
