"""Incremental ingest against the real Chroma and the real e5 model: idempotent, follows changes,
prunes, reports bad files without losing the others, and survives being interrupted."""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.api import ingest
from assistant.embeddings import build_embed_model
from assistant.settings import Settings
from assistant.store import ChunkStore
from tests.conftest import (
    CORPUS,
    ERLANGEN_IMAGE_ONLY,
    ERLANGEN_NIEDERSCHRIFT,
    KARLSRUHE_TOP14,
    KENT_FEB,
    METTMANN,
)


def copy_files(files: list[str], dest: Path) -> Path:
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, dest / rel)
    return dest


def snapshot(data_dir: Path) -> tuple[dict, dict]:
    """(id → (text, metadata), id → vector) of everything in the index."""
    settings = Settings(data_dir=data_dir)
    store = ChunkStore(settings.store, data_dir, build_embed_model(settings.embedding).model_id, create=False)
    got = store._collection.get(include=["documents", "metadatas", "embeddings"])
    docs = {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}
    vectors = {i: np.asarray(v) for i, v in zip(got["ids"], got["embeddings"], strict=True)}
    return docs, vectors


def test_reingesting_unchanged_files_embeds_nothing(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    first = ingest(Settings(), folder, progress=False)
    assert (first.indexed, first.failed, first.exit_code) == (2, [], 0)
    assert first.chunks == first.index_chunks > 0
    before = snapshot(tmp_path / "data")[0]

    again = ingest(Settings(), folder, progress=False)
    assert (again.indexed, again.unchanged, again.chunks, again.embedded) == (0, 2, 0, 0)
    assert snapshot(tmp_path / "data")[0] == before


def test_sources_are_relative_to_the_ingested_path(tmp_path):
    folder = copy_files([METTMANN], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    sources = {m["source"] for _, m in snapshot(tmp_path / "data")[0].values()}
    assert sources == {METTMANN}


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
    assert (report.indexed, report.unchanged) == (1, 1)
    assert report.embedded < report.chunks  # unchanged paragraphs of the file reuse their vectors

    after = snapshot(tmp_path / "data")[0]
    mettmann_text = " ".join(d for d, m in after.values() if m["source"] == METTMANN)
    assert "Mettmann und Velbert" in mettmann_text and "Heiligenhaus" not in mettmann_text
    karlsruhe = {i: v for i, v in before.items() if v[1]["source"] == KARLSRUHE_TOP14}
    assert all(after[i] == v for i, v in karlsruhe.items())
    assert len({m["file_hash"] for _, m in after.values() if m["source"] == METTMANN}) == 1


def test_prune_removes_files_that_are_gone(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    (folder / KARLSRUHE_TOP14).unlink()

    kept = ingest(Settings(), folder, progress=False)
    assert kept.stale == [KARLSRUHE_TOP14] and kept.removed == []
    assert KARLSRUHE_TOP14 in {m["source"] for _, m in snapshot(tmp_path / "data")[0].values()}

    pruned = ingest(Settings(), folder, prune=True, progress=False)
    assert pruned.removed == [KARLSRUHE_TOP14]
    assert {m["source"] for _, m in snapshot(tmp_path / "data")[0].values()} == {METTMANN}


def test_bad_files_are_reported_and_the_rest_is_indexed(tmp_path):
    folder = copy_files([METTMANN, ERLANGEN_IMAGE_ONLY], tmp_path / "corpus")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    (folder / "bild.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (folder / "alt.txt").write_bytes(
        "Der Ausschuss für Umwelt beschließt die Änderung der Gebührensatzung.".encode("cp1252")
    )
    (folder / "daten.json").write_text("{}")

    report = ingest(Settings(), folder, progress=False)
    failed = {n.source: n.reason for n in report.failed}
    assert set(failed) == {ERLANGEN_IMAGE_ONLY, "kaputt.pdf", "bild.txt"}
    assert "no text layer" in failed[ERLANGEN_IMAGE_ONLY]
    assert [n.source for n in report.skipped] == ["daten.json"]
    assert report.indexed == 2 and report.exit_code == 2
    sources = {m["source"] for _, m in snapshot(tmp_path / "data")[0].values()}
    assert sources == {METTMANN, "alt.txt"}
    assert any("Gebührensatzung" in d for d, _ in snapshot(tmp_path / "data")[0].values())


def test_a_file_that_turns_corrupt_leaves_the_index(tmp_path):
    folder = copy_files([METTMANN, KARLSRUHE_TOP14], tmp_path / "corpus")
    ingest(Settings(), folder, progress=False)
    (folder / KARLSRUHE_TOP14).write_bytes(b"\x00\x01\x02" * 100)
    report = ingest(Settings(), folder, progress=False)
    assert [n.source for n in report.failed] == [KARLSRUHE_TOP14]
    assert {m["source"] for _, m in snapshot(tmp_path / "data")[0].values()} == {METTMANN}


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_ingest_then_rerun_equals_one_clean_run(tmp_path, how):
    files = [KENT_FEB, KARLSRUHE_TOP14, ERLANGEN_NIEDERSCHRIFT, METTMANN]
    folder = copy_files(files, tmp_path / "corpus")
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--quiet"]

    clean_dir, broken_dir = tmp_path / "clean", tmp_path / "broken"
    subprocess.run([*command, "--data-dir", str(clean_dir)], check=True, capture_output=True)

    proc = subprocess.Popen([*command, "--data-dir", str(broken_dir)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # Interrupt once Chroma has written something (vectors in flight), not before.
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
