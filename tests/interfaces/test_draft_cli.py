"""`council draft FILE` as staff and scripts use it: files written, exit codes, one German line
per problem (run as a real process)."""

import json
import subprocess
import sys
from pathlib import Path

import docx

from tests.conftest import METTMANN

INQUIRY = """Sehr geehrte Damen und Herren,

1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?
2. Mit welchem Stimmenverhältnis wurde die Grundsteuerreform 2025 (TOP 14) beschlossen?

Mit freundlichen Grüßen
"""


def council(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.interfaces.cli", *args], capture_output=True, text=True, timeout=600
    )


def test_draft_writes_markdown_and_docx(small_index: Path, tmp_path: Path):
    inquiry = tmp_path / "anfrage.txt"
    inquiry.write_text(INQUIRY, encoding="utf-8")
    md, word = tmp_path / "entwurf.md", tmp_path / "entwurf.docx"
    result = council(
        "draft", str(inquiry), "--out", str(md), "--docx", str(word), "--data-dir", str(small_index)
    )
    assert result.returncode == 0, result.stderr
    assert f"Antwortentwurf gespeichert: {md}" in result.stdout
    text = md.read_text(encoding="utf-8")
    for section in ("## Anfrage", "## Ergänzende Ausführungen der Verwaltung", "## Quellen"):
        assert section in text
    assert "Zu Frage 1:" in text and "Erkrath" in text and "25 Ja, 22 Nein" in text
    assert "### Gemeinderat, 22.10.2024" in text
    paragraphs = [p.text for p in docx.Document(str(word)).paragraphs]
    assert any(p.startswith("Zu Frage 2:") and "25 Ja, 22 Nein" in p for p in paragraphs)
    assert any(p.startswith("[1] ") for p in paragraphs)


def test_draft_prints_markdown_without_output_files(small_index: Path, tmp_path: Path):
    inquiry = tmp_path / "anfrage.md"
    inquiry.write_text("Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?", encoding="utf-8")
    result = council("draft", str(inquiry), "--data-dir", str(small_index))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Antwortentwurf zur Anfrage")
    assert "Hilden" in result.stdout and f"`{METTMANN}`" in result.stdout


def test_draft_json_with_filters(small_index: Path, tmp_path: Path):
    inquiry = tmp_path / "anfrage.txt"
    inquiry.write_text(INQUIRY, encoding="utf-8")
    result = council(
        "draft", str(inquiry), "--json", "--committee", "Sozialausschuss", "--data-dir", str(small_index)
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["questions"]) == 2 and "Hilden" in data["text"]
    assert {c["source"] for c in data["citations"]} == {METTMANN}  # the vote is not in that committee
    assert [g["label"] for g in data["groups"]] == ["Sozialausschuss, 08.02.2021"]
    assert any("Frage 2" in note for note in data["notes"])


def test_unreadable_inquiries_exit_1_with_one_german_line(small_index: Path, tmp_path: Path):
    empty = tmp_path / "leer.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "bild.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    for path, message in (
        (empty, "ist leer"),
        (binary, "Binärdaten"),
        (tmp_path / "fehlt.txt", "gibt es nicht"),
    ):
        result = council("draft", str(path), "--data-dir", str(small_index))
        assert result.returncode == 1
        assert result.stderr.startswith("Fehler: Die Datei") and message in result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
        assert result.stdout == ""
