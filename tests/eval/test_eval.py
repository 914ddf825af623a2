"""`council eval` on the dev gold questions over their documents plus a few dozen distractors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eval.metrics import load_gold
from tests.conftest import CORPUS, DEV_GOLD, mirror


def distractors() -> list[str]:
    """Small real documents from every council in the corpus (deterministic choice)."""
    karlsruhe = sorted(
        p for p in (CORPUS / "karlsruhe-oparl/docs/file-contents").glob("*.txt") if p.stat().st_size < 5000
    )
    erlangen = sorted((CORPUS / "erlangen-sbr-buechenbach/SBR").glob("*_Einladung_*.pdf"))
    kent = sorted((CORPUS / "kent-county-council").rglob("Agenda frontsheet*.pdf"))
    chosen = (
        karlsruhe[:14]
        + erlangen[:14]
        + kent
        + [CORPUS / "portland-council-minutes/tests/resources/minutes_list.html"]
    )
    return [p.relative_to(CORPUS).as_posix() for p in chosen]


@pytest.mark.shared
@pytest.mark.slow
def test_eval_over_dev_questions_prints_metrics_and_writes_results(tmp_path: Path):
    gold = load_gold(DEV_GOLD)
    files = sorted({s for q in gold for s in q.sources} | set(distractors()))
    assert len(files) >= 30
    folder = mirror(files, tmp_path / "corpus")
    data = str(tmp_path / "data")
    ingest = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.interfaces.cli",
            "ingest",
            str(folder),
            "--data-dir",
            data,
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr

    out = tmp_path / "results.jsonl"
    command = [
        sys.executable,
        "-m",
        "assistant.interfaces.cli",
        "eval",
        str(DEV_GOLD),
        "--out",
        str(out),
        "--data-dir",
        data,
    ]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    print(run.stdout)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [q.id for q in gold]
    for row in rows:
        assert {"id", "question", "answer", "abstained", "citations", "seconds", "retrieved"} <= set(row)

    summary = run.stdout.split("\n\n")[0].splitlines()
    metrics = {k.strip(): v for k, v in (line.rsplit("  ", 1) for line in summary)}
    assert float(metrics["retrieval hit@5"]) == 1.0
    assert float(metrics["answer accuracy"]) >= 0.75
    assert "latency p95 s" in metrics and float(metrics["citation precision"]) > 0.5
    assert 0 < float(metrics["retrieval nDCG@10"]) <= 1

    compared = subprocess.run(
        [*command, "--compare", "retrieval.top_k=5"],
        capture_output=True,
        text=True,
    )
    assert compared.returncode == 0, compared.stderr
    header = compared.stdout.splitlines()[0].split()
    assert header == ["current", "retrieval.top_k=5"]
    assert (tmp_path / "results.compare.jsonl").exists()
