"""Incremental ingest against the real catalog, the real Chroma and the real e5 model: idempotent,
follows changes, prunes, stores duplicates once, is searchable before the vectors are in, reports
bad files without losing the others, and survives being interrupted."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import Settings
from assistant.core.votes import VOTE_RECORD
from assistant.index.catalog import Catalog
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import VectorStore
from assistant.service.council import build_assistant, ingest
from ingest.pipeline import vector_metadata
from tests.conftest import (
    CORPUS,
    ERLANGEN_IMAGE_ONLY,
    ERLANGEN_NIEDERSCHRIFT,
    ERLANGEN_SLIDES_ONE_IMAGE,
    KARLSRUHE_TOP14,
    KENT_FEB,
    METTMANN,
)

pytestmark = pytest.mark.shared


def copy_files(files: list[str], dest: Path) -> Path:
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, dest / rel)
    return dest


def vector_store(data_dir: Path) -> VectorStore:
    settings = Settings(data_dir=data_dir)
    return VectorStore(settings.store, data_dir, build_embed_model(settings.embedding).model_id, create=False)


def snapshot(data_dir: Path) -> tuple[dict, dict]:
    """(key → (text, placements), key → vector) of everything in the index."""
    chunks = {c.key: (c.text, c.placements) for c in Catalog(data_dir, create=False).all_chunks()}
    keys, vectors = vector_store(data_dir).all_vectors()
    return chunks, {k: np.asarray(v) for k, v in zip(keys, vectors, strict=True)}


def sources(data_dir: Path) -> set[str]:
    return {p.source for _, placements in snapshot(data_dir)[0].values() for p in placements}


def test_reingesting_unchanged_files_embeds_nothing(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    first = ingest(Settings(), folder, progress=False)
    assert (first.indexed, first.failed, first.exit_code) == (2, [], 0)
    assert first.chunks == first.index_chunks == first.embedded > 0
    assert first.reanalysed == first.index_chunks  # the compound vocabulary is learned at the end
    before = snapshot(tmp_path / "data")

    again = ingest(Settings(), folder, progress=False)
    assert (again.indexed, again.unchanged, again.chunks, again.embedded, again.reanalysed) == (0, 2, 0, 0, 0)
    after = snapshot(tmp_path / "data")
    assert after[0] == before[0] and set(after[1]) == set(before[1]) == set(before[0])


def test_an_index_of_the_previous_version_is_brought_up_to_date_without_embedding(tmp_path):
    """Before catalog schema 3 a vector's `version` hashed its text and its metadata, `has_vote`
    among it; such a vector is current where its text is, and only its metadata is rewritten. A
    vector whose stored version matches neither form is stale and embedded again."""
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    store = vector_store(tmp_path / "data")
    chunks = Catalog(tmp_path / "data", create=False).all_chunks()
    written = []
    for chunk in chunks:  # the metadata as the previous version wrote it
        old = vector_metadata(chunk) | {"has_vote": bool(VOTE_RECORD.search(chunk.text))}
        text = chunk.embedding_input()
        version = hashlib.sha1(f"{text}\x00{sorted(old.items())}".encode()).hexdigest()[:16]
        written.append({k: v for k, v in old.items() if v is not None} | {"version": version})
    written[0]["version"] = "stale"
    store.relabel([c.key for c in chunks], written)
    before = snapshot(tmp_path / "data")

    again = ingest(Settings(), folder, progress=False)
    assert (again.embedded, again.relabelled) == (1, len(chunks) - 1)
    after = snapshot(tmp_path / "data")
    assert set(after[1]) == set(before[1])
    assert all(np.allclose(after[1][k], before[1][k], atol=1e-6) for k in before[1])
    assert not any("has_vote" in meta for meta in store.metadatas().values())
    third = ingest(Settings(), folder, progress=False)
    assert (third.embedded, third.relabelled) == (0, 0)


def test_sources_are_relative_to_the_ingested_path(tmp_path):
    folder = copy_files([METTMANN], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    assert sources(tmp_path / "data") == {METTMANN}


def test_a_changed_file_replaces_its_chunks_only(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    before = snapshot(tmp_path / "data")[0]

    path = folder / METTMANN
    path.write_text(
        path.read_text(encoding="utf-8").replace("Erkrath, Heiligenhaus und Hilden", "Mettmann und Velbert"),
        encoding="utf-8",
    )
    report = ingest(Settings(), folder, progress=False)
    assert (report.indexed, report.unchanged, report.reanalysed) == (1, 1, 0)
    assert report.embedded < report.chunks  # unchanged paragraphs of the file reuse their vectors
    catalog = Catalog(tmp_path / "data", create=False)
    assert catalog.lexical("Heiligenhaus", 5) == [] and catalog.lexical("Velbert", 5)

    after, vectors = snapshot(tmp_path / "data")
    mettmann_text = " ".join(t for t, where in after.values() if where[0].source == METTMANN)
    assert "Mettmann und Velbert" in mettmann_text and "Heiligenhaus" not in mettmann_text
    karlsruhe = {k: v for k, v in before.items() if v[1][0].source == KARLSRUHE_TOP14}
    assert all(after[k] == v for k, v in karlsruhe.items())
    assert set(vectors) == set(after)  # the vectors of replaced paragraphs are gone


def test_prune_removes_files_that_are_gone(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    (folder / KARLSRUHE_TOP14).unlink()

    kept = ingest(Settings(), folder, progress=False)
    assert kept.stale == [KARLSRUHE_TOP14] and kept.removed == []
    assert KARLSRUHE_TOP14 in sources(tmp_path / "data")

    pruned = ingest(Settings(), folder, prune=True, progress=False)
    assert pruned.removed == [KARLSRUHE_TOP14]
    chunks, vectors = snapshot(tmp_path / "data")
    assert sources(tmp_path / "data") == {METTMANN} and set(vectors) == set(chunks)


def test_bad_files_are_reported_and_the_rest_is_indexed(tmp_path):
    folder = copy_files([METTMANN, ERLANGEN_IMAGE_ONLY], tmp_path / "corpus")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    (folder / "bild.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (folder / "alt.txt").write_bytes(
        "Der Ausschuss für Umwelt beschließt die Änderung der Gebührensatzung.".encode("cp1252")
    )
    (folder / "daten.json").write_text("{}")

    no_ocr = Settings()
    no_ocr.ingest.ocr = False
    report = ingest(no_ocr, folder, progress=False)
    failed = {n.source: n.reason for n in report.failed}
    assert set(failed) == {ERLANGEN_IMAGE_ONLY, "kaputt.pdf", "bild.txt"}
    assert "keine Textebene" in failed[ERLANGEN_IMAGE_ONLY]
    assert [n.source for n in report.skipped] == ["daten.json"]
    assert report.indexed == 2 and report.exit_code == 2
    assert sources(tmp_path / "data") == {METTMANN, "alt.txt"}
    assert any("Gebührensatzung" in t for t, _ in snapshot(tmp_path / "data")[0].values())


def test_a_file_that_turns_corrupt_leaves_the_index(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    (folder / KARLSRUHE_TOP14).write_bytes(b"\x00\x01\x02" * 100)
    report = ingest(Settings(), folder, progress=False)
    assert [n.source for n in report.failed] == [KARLSRUHE_TOP14]
    assert sources(tmp_path / "data") == {METTMANN}


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_ingest_then_rerun_equals_one_clean_run(tmp_path, how):
    files = [KENT_FEB, KARLSRUHE_TOP14, ERLANGEN_NIEDERSCHRIFT, METTMANN]
    folder = copy_files(files, tmp_path / "corpus")
    command = [sys.executable, "-m", "assistant.interfaces.cli", "ingest", str(folder), "--quiet"]

    clean_dir, broken_dir = tmp_path / "clean", tmp_path / "broken"
    subprocess.run([*command, "--data-dir", str(clean_dir)], check=True, capture_output=True)

    proc = subprocess.Popen([*command, "--data-dir", str(broken_dir)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # Interrupt once vectors are being written, not before.
    while not (broken_dir / "chroma" / "chroma.sqlite3").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(4)
    proc.send_signal(how)
    code = proc.wait(timeout=60)
    assert code in (0, 130, -signal.SIGKILL), proc.stderr.read() if proc.stderr else ""
    if how == signal.SIGINT and code == 130:
        assert b"Abgebrochen" in proc.stderr.read()

    rerun = subprocess.run([*command, "--data-dir", str(broken_dir)], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    clean_docs, clean_vectors = snapshot(clean_dir)
    broken_docs, broken_vectors = snapshot(broken_dir)
    assert broken_docs == clean_docs
    for chunk_id, vector in clean_vectors.items():
        assert np.allclose(vector, broken_vectors[chunk_id], atol=1e-4)


def test_the_same_text_in_two_files_is_stored_once_and_cited_with_both(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    copy = "anlagen/Auszug_Sozialausschuss.txt"
    (folder / copy).parent.mkdir()
    shutil.copy(folder / METTMANN, folder / copy)

    report = ingest(Settings(), folder, progress=False)
    assert report.indexed == 3
    chunks, vectors = snapshot(tmp_path / "data")
    mettmann = [where for _, where in chunks.values() if METTMANN in {p.source for p in where}]
    assert mettmann and all({p.source for p in where} == {METTMANN, copy} for where in mettmann)
    assert report.index_chunks == len(chunks) == len(vectors) < report.chunks
    assert report.embedded == len(chunks)  # each distinct text embedded once

    answer = build_assistant(Settings()).ask("Welche Städte haben Mittel aus KOMM-AN NRW beantragt?")
    sources_cited = [c.passage.sources for c in answer.citations]
    assert sources_cited and all(set(s) == {METTMANN, copy} for s in sources_cited)
    assert len({p.chunk_id for p in answer.retrieved}) == len(answer.retrieved)  # no duplicate crowding

    (folder / METTMANN).unlink()  # the copy keeps the shared chunks alive
    ingest(Settings(), folder, prune=True, progress=False)
    assert "Erkrath" in build_assistant(Settings()).ask("Welche Städte haben KOMM-AN NRW beantragt?").text
    assert sources(tmp_path / "data") == {copy, KARLSRUHE_TOP14}


def test_documents_are_searchable_before_their_vectors_exist(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    store = vector_store(tmp_path / "data")
    keys, _ = store.all_vectors()
    store.delete(keys)  # as after a crash between the catalog and the vectors

    answer = build_assistant(Settings()).ask("Wie wurde über die Grundsteuerreform abgestimmt?")
    assert answer.retrieved and not answer.abstained
    assert any("25 Ja" in c.text for c in answer.citations)

    rerun = ingest(Settings(), folder, progress=False)
    assert rerun.indexed == 0 and rerun.embedded == len(keys)
    assert set(vector_store(tmp_path / "data").all_vectors()[0]) == set(keys)


def test_oparl_json_is_metadata_and_a_conflicting_result_is_shown_beside_the_minutes(tmp_path):
    karlsruhe = "karlsruhe-oparl/"
    files = [
        f"{karlsruhe}docs/file-contents/662252.txt",  # Niederschrift TOP 5: "Einstimmige Zustimmung"
        f"{karlsruhe}docs/papers/51029.json",
        f"{karlsruhe}docs/meetings/9532.json",  # says "mehrheitlich zugestimmt"
        METTMANN,
    ]
    folder = copy_files(files, tmp_path / "corpus")
    report = ingest(Settings(), folder, progress=False)
    assert report.indexed == 2 and not report.skipped and not report.failed
    assert {n.source for n in report.metadata} == set(files[1:3])

    answer = build_assistant(Settings()).ask(
        "Wie wurde über die Wahl der Stellvertretung der Ortsvorsteherin in Hohenwettersbach abgestimmt?"
    )
    assert "43 Ja" in answer.text and "mehrheitlich zugestimmt" in answer.text
    cited = answer.citations[0].passage
    assert cited.vorlage == "2024/1089" and cited.record is not None and cited.record.registry == "OParl"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed (make ocr)")
def test_an_image_only_pdf_is_read_by_ocr_and_says_so(tmp_path):
    folder = copy_files([ERLANGEN_IMAGE_ONLY], tmp_path / "corpus")
    report = ingest(Settings(), folder, progress=False)
    assert report.indexed == 1 and not report.failed
    assert [n.reason for n in report.warnings] == ["Seite 1: Text per OCR erkannt"]
    text = " ".join(t for t, _ in snapshot(tmp_path / "data")[0].values())
    assert "Odenwaldallee" in text


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed (make ocr)")
def test_a_pdf_read_before_tesseract_was_installed_is_read_again_with_it(tmp_path, monkeypatch):
    folder = copy_files([ERLANGEN_SLIDES_ONE_IMAGE], tmp_path / "corpus")
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    before = ingest(Settings(), folder, progress=False)
    assert before.indexed == 1 and [n.reason[:24] for n in before.warnings] == ["Seite 3 ohne Textebene; "]
    assert "Mönauschule" not in " ".join(t for t, _ in snapshot(tmp_path / "data")[0].values())

    monkeypatch.setenv("PATH", path)
    after = ingest(Settings(), folder, progress=False)
    assert after.indexed == 1 and [n.reason for n in after.warnings] == ["Seite 3: Text per OCR erkannt"]
    assert "Mönauschule" in " ".join(t for t, _ in snapshot(tmp_path / "data")[0].values())
    assert ingest(Settings(), folder, progress=False).unchanged == 1
