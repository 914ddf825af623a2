"""The `council` command as scripts use it: JSON shape and exit codes (run as a real process)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import METTMANN, free_port, mirror


def council(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.interfaces.cli", *args], capture_output=True, text=True, timeout=600
    )


def test_ask_json_has_the_documented_shape(small_index: Path):
    result = council(
        "ask",
        "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?",
        "--json",
        "--data-dir",
        str(small_index),
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "question",
        "answer",
        "abstained",
        "citations",
        "seconds",
        "filters",
        "generation",
        "standalone_question",
    }
    assert data["generation"]["mode"] == "extractive" and data["standalone_question"] is None
    assert data["abstained"] is False and "Hilden" in data["answer"]
    citation = data["citations"][0]
    assert {"n", "source", "page", "paragraph", "text", "score"} <= set(citation)  # stable keys
    assert citation["committee"] == "Sozialausschuss" and citation["agenda_item"].startswith("TOP 10")
    assert citation["vote"]["outcome"] == "noted" and citation["also_in"] == []
    assert citation["n"] == 1 and citation["source"] == METTMANN
    assert isinstance(citation["paragraph"], int) and isinstance(citation["score"], float)


def test_ask_plain_text_lists_sources(small_index: Path):
    result = council(
        "ask", "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?", "--data-dir", str(small_index)
    )
    assert result.returncode == 0
    assert "Quellen:" in result.stdout and "[1] " + METTMANN in result.stdout


def test_ask_with_filters_reports_them_in_json(small_index: Path):
    result = council(
        "ask",
        "Welche Städte haben KOMM-AN NRW Mittel beantragt?",
        "--committee",
        "sozialausschuss",
        "--from",
        "2021",
        "--to",
        "28.02.2021",
        "--type",
        "Beratungsergebnis",
        "--top",
        "10",
        "--vorlage",
        "50/004/2021",
        "--json",
        "--data-dir",
        str(small_index),
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["filters"]["applied"] == {
        "committee": "Sozialausschuss",
        "date_from": "2021-01-01",
        "date_to": "2021-02-28",
        "doc_type": "Beratungsergebnis",
        "agenda_item": "10",
        "vorlage": "50/004/2021",
    }
    assert data["filters"]["from_question"] == {} and data["filters"]["note"] is None
    assert "Hilden" in data["answer"] and {c["source"] for c in data["citations"]} == {METTMANN}


def test_ask_says_when_the_filters_match_nothing(small_index: Path):
    result = council(
        "ask", "Wer leitete die Sitzung?", "--committee", "Kreistag", "--data-dir", str(small_index)
    )
    assert result.returncode == 0
    assert "Zu den gewählten Filtern (Ausschuss Kreistag) gibt es keine Dokumente im Index." in result.stdout
    question = council(
        "ask",
        "Was beschloss der Gemeinderat am 3. März 2022 zur Grundsteuer?",
        "--data-dir",
        str(small_index),
    )
    assert "Hinweis: Die Frage nennt Ausschuss Gemeinderat, Datum 03.03.2022; kein Dokument im Index" in (
        question.stdout
    )


def test_ask_with_an_unreadable_date_exits_1_with_one_line(small_index: Path):
    result = council("ask", "Wer?", "--from", "gestern", "--data-dir", str(small_index))
    assert result.returncode == 1 and result.stderr.startswith("Fehler: „gestern“ ist kein Datum")
    assert "Traceback" not in result.stderr


@pytest.mark.shared
def test_ingest_exit_codes_and_report(tmp_path: Path):
    folder = mirror([METTMANN], tmp_path / "corpus")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    result = council("ingest", str(folder), "--data-dir", str(tmp_path / "data"), "--quiet")
    assert result.returncode == 2
    assert "FAILED   kaputt.pdf: corrupt or not a PDF" in result.stdout
    assert "1 indexed" in result.stdout and "Seconds:" in result.stdout

    (folder / "kaputt.pdf").unlink()
    again = council("ingest", str(folder), "--data-dir", str(tmp_path / "data"), "--quiet")
    assert again.returncode == 0 and "1 unchanged" in again.stdout


def test_command_that_cannot_run_exits_1_with_one_line(tmp_path: Path):
    missing = council("ingest", str(tmp_path / "nope"), "--data-dir", str(tmp_path / "data"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    empty = council("ask", "Wer?", "--data-dir", str(tmp_path / "data"))
    assert empty.returncode == 1
    assert "council ingest" in empty.stderr and "Traceback" not in empty.stderr
    long = council("ask", "x" * 10_000, "--data-dir", str(tmp_path / "data"))
    assert long.returncode == 1 and "Traceback" not in long.stderr


def test_ask_with_the_llm_server_down_answers_from_the_quotes_and_says_so(small_index: Path, monkeypatch):
    monkeypatch.setenv("COUNCIL_LLM__MODE", "openai")
    monkeypatch.setenv("COUNCIL_LLM__BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("COUNCIL_LLM__TIMEOUT_S", "5")
    monkeypatch.setenv("COUNCIL_LLM__RETRIES", "0")
    result = council(
        "ask", "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?", "--data-dir", str(small_index)
    )
    assert result.returncode == 0, result.stderr
    assert "Hilden" in result.stdout and "Das Sprachmodell ist nicht erreichbar" in result.stdout
    assert "Traceback" not in result.stderr
