"""A first answer in seconds: an index ingested without its vectors answers by BM25 at once,
`/api/health` says that vectors are pending, and `embed_pending` computes exactly the vectors a
normal ingest computes. `make run` itself, as a process, serves before its vectors are in."""

import os
import subprocess
import sys
import time

import httpx
import numpy as np
import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant, embed_pending, ingest
from tests.conftest import ROOT, SAMPLE, free_port
from tests.ingest.test_pipeline import snapshot

KOMM_AN = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?"


def test_an_index_without_vectors_answers_and_says_they_are_pending(tmp_path):
    settings = Settings(data_dir=tmp_path / "later")
    report = ingest(settings, SAMPLE / "kreis-mettmann", progress=False, vectors_later=True)
    assert report.vectors_pending and report.embedded == 0 and report.index_chunks > 0
    assistant = build_assistant(settings)
    health = assistant.health()
    assert health.status == "degraded" and health.index.vectors == 0
    assert f"Vektoren ausstehend ({report.index_chunks} von {report.index_chunks} Abschnitten)" in " ".join(
        health.problems
    )
    answer = assistant.ask(KOMM_AN)
    assert "Erkrath" in answer.text and answer.citations

    done = embed_pending(settings, progress=False)
    assert done.embedded == report.index_chunks
    assert assistant.health().status == "ok"
    assert embed_pending(settings, progress=False).embedded == 0  # nothing left to do

    at_once = Settings(data_dir=tmp_path / "at-once")
    ingest(at_once, SAMPLE / "kreis-mettmann", progress=False)
    (chunks_later, vectors_later), (chunks, vectors) = snapshot(settings.data_dir), snapshot(at_once.data_dir)
    assert chunks_later == chunks and vectors_later.keys() == vectors.keys()
    assert all(np.allclose(vectors_later[k], vectors[k], atol=1e-5) for k in vectors)


def test_progress_goes_to_a_log_as_plain_lines(tmp_path, capsys):
    ingest(Settings(data_dir=tmp_path / "data"), SAMPLE / "kreis-mettmann")  # progress=None, no terminal
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = [line for line in err.splitlines() if line.startswith(("Lesen", "Einbetten"))]
    assert any(line.startswith("Lesen") and "1/1" in line for line in lines)
    assert any(line.startswith("Einbetten") for line in lines)


@pytest.mark.slow
def test_make_run_serves_before_its_vectors_are_in(tmp_path):
    """`python app.py` on an empty data dir: it answers as soon as the sample corpus is
    searchable, and reports the vectors complete later."""
    port = free_port()
    env = {**os.environ, "COUNCIL_DATA_DIR": str(tmp_path / "data"), "COUNCIL_UI__PORT": str(port)}
    started = time.monotonic()
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        answer = None
        while answer is None:
            assert app.poll() is None, app.stdout.read() if app.stdout else ""
            assert time.monotonic() - started < 600, "no answer within 10 minutes"
            try:
                r = httpx.post(f"{base}/api/ask", json={"question": KOMM_AN}, timeout=120)
                answer = r.json()
            except httpx.TransportError:
                time.sleep(0.5)
        assert "Erkrath" in answer["answer"] and answer["citations"]
        while httpx.get(f"{base}/api/health", timeout=30).json()["status"] != "ok":
            assert time.monotonic() - started < 900, "vectors not complete within 15 minutes"
            time.sleep(2)
    finally:
        app.terminate()
        out, _ = app.communicate(timeout=60)
    assert "Vektoren folgen im Hintergrund" in out and "Vektoren vollständig:" in out
