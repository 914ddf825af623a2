"""The `council` command as scripts use it: JSON shape and exit codes (run as a real process), and
as admins use it: users and the audit log (`main` called in this process)."""

import json
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import assistant.service.council
from assistant.core.access import Viewer
from assistant.interfaces.cli import format_report, main
from assistant.service.accounts import Accounts, InvalidToken
from assistant.service.audit import AuditEntry, AuditLog
from ingest.pipeline import FileNote, IngestReport
from ingest.readers import unsupported
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
        "--agenda-item",
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
    assert "  FEHLER       kaputt.pdf: beschädigt oder kein PDF (" in result.stdout
    assert "1 eingelesen" in result.stdout and "Sekunden:" in result.stdout

    (folder / "kaputt.pdf").unlink()
    again = council("ingest", str(folder), "--data-dir", str(tmp_path / "data"), "--quiet")
    assert again.returncode == 0 and "1 unverändert" in again.stdout


def test_ingest_report_gives_german_reasons_for_skipped_and_failed_files(tmp_path: Path, capsys):
    folder = tmp_path / "ordner"
    folder.mkdir()
    (folder / "tabelle.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    assert main(["ingest", str(folder), "--data-dir", str(tmp_path / "data"), "--quiet"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Dateien: 2 gefunden, 0 eingelesen, 0 unverändert, 0 als Metadaten gelesen, 1 übersprungen, "
        "1 fehlgeschlagen"
    )
    skipped = (
        "  übersprungen tabelle.xlsx: Dateityp .xlsx wird nicht gelesen (nur .txt, .md, .pdf, .html, .htm)"
    )
    assert skipped in lines
    failed = next(line for line in lines if "kaputt.pdf" in line)
    assert failed.startswith("  FEHLER       kaputt.pdf: beschädigt oder kein PDF (")
    assert failed.endswith("); neu herunterladen oder neu exportieren")
    assert lines[-1].startswith("Sekunden: ")


def test_many_notes_are_grouped_by_the_first_words_of_their_reason():
    skipped = [FileNote(f"t{i}.xlsx", unsupported(".xlsx")) for i in range(6)]
    metadata = [FileNote(f"p{i}.json", f"OParl-Vorlage 2024/00{i} ({i + 1} Dateien)") for i in range(6)]
    report = format_report(IngestReport(files=12, skipped=skipped, metadata=metadata))
    assert "  Metadaten    6 Datei(en): OParl-Vorlage" in report.splitlines()
    assert "  übersprungen 6 Datei(en): Dateityp .xlsx wird nicht gelesen" in report.splitlines()


def test_command_that_cannot_run_exits_1_with_one_german_line(tmp_path: Path):
    missing = council("ingest", str(tmp_path / "nope"), "--data-dir", str(tmp_path / "data"))
    assert missing.returncode == 1
    assert missing.stderr == (
        f"Fehler: {tmp_path / 'nope'} gibt es nicht. "
        "Bitte einen vorhandenen Ordner oder eine Datei angeben.\n"
    )
    data = tmp_path / "data"
    empty = council("ask", "Wer?", "--data-dir", str(data))
    assert empty.returncode == 1 and empty.stdout == ""
    assert empty.stderr == (
        f"Fehler: Kein Index in {data}. Bitte zuerst `council ingest ORDNER --data-dir {data}` ausführen.\n"
    )
    long = council("ask", "x" * 10_000, "--data-dir", str(tmp_path / "data"))
    assert long.returncode == 1 and "Traceback" not in long.stderr


def test_serve_on_a_taken_port_says_so_in_one_german_line_before_the_banner(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = council("serve", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert result.stderr == (
        f"Fehler: Port {port} auf 127.0.0.1 ist belegt. Anderen Port wählen: council serve --port {port + 1} "
        "(oder COUNCIL_UI__PORT).\n"
    )
    assert "Web-Chat:" not in result.stdout


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


@pytest.fixture()
def no_index(monkeypatch):
    """User and audit commands must run without the index and never build the embedding model."""

    def refuse(*args, **kwargs):
        raise AssertionError("the index or the embedding model was built")

    monkeypatch.setattr(assistant.service.council, "build_backends", refuse)
    monkeypatch.setattr(assistant.service.council, "build_embed_model", refuse)


def test_user_add_list_remove_round_trip(tmp_path: Path, capsys, no_index):
    data = str(tmp_path / "data")
    assert main(["user", "list", "--data-dir", data]) == 0
    assert capsys.readouterr().out == "Keine Benutzer angelegt.\n"

    assert main(["user", "add", "Jörg.Müller", "--role", "mitglied", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    (token,) = [line for line in out.splitlines() if line.startswith("rat_")]
    assert out.count(token) == 1 and "nur dieses eine Mal angezeigt" in out
    assert "Authorization: Bearer" in out and "„Anmelden“" in out
    assert main(["user", "add", "anna", "--role", "admin", "--data-dir", data]) == 0
    capsys.readouterr()
    assert Accounts(tmp_path / "data").viewer(token) == Viewer("Jörg.Müller", "mitglied")

    assert main(["user", "list", "--data-dir", data]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["Name", "Rolle", "Angelegt"]
    assert [row.split()[:2] for row in rows] == [["Jörg.Müller", "mitglied"], ["anna", "admin"]]
    assert token not in "".join(rows)
    created = datetime.fromisoformat(rows[0].split()[2])
    assert created.tzinfo is not None and abs((datetime.now(UTC) - created).total_seconds()) < 120

    assert main(["user", "remove", "Jörg.Müller", "--data-dir", data]) == 0
    assert "entfernt" in capsys.readouterr().out
    with pytest.raises(InvalidToken):
        Accounts(tmp_path / "data").viewer(token)
    assert main(["user", "list", "--data-dir", data]) == 0
    assert [row.split()[0] for row in capsys.readouterr().out.splitlines()[1:]] == ["anna"]
    assert {p.name for p in (tmp_path / "data").iterdir()} <= {
        "accounts.sqlite",
        "accounts.sqlite-wal",
        "accounts.sqlite-shm",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["user", "add", "anna", "--role", "gast"],
            "Fehler: Unbekannte Rolle „gast“. Mögliche Rollen: öffentlich",
        ),
        (["user", "add", "anna", "--role", "admin"], "Fehler: Einen Benutzer „anna“ gibt es schon."),
        (
            ["user", "add", "anna müller", "--role", "admin"],
            "Fehler: „anna müller“ ist kein gültiger Benutzername",
        ),
        (["user", "remove", "bert"], "Fehler: Einen Benutzer „bert“ gibt es nicht."),
        (["audit", "--since", "gestern"], "Fehler: „gestern“ ist kein Datum"),
    ],
)
def test_user_and_audit_errors_are_one_german_line_and_exit_1(tmp_path: Path, capsys, args, message):
    data = str(tmp_path / "data")
    Accounts(tmp_path / "data").add("anna", "admin")
    assert main([*args, "--data-dir", data]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == ""


def test_audit_lists_entries_and_filters_them(tmp_path: Path, capsys, no_index):
    data = tmp_path / "data"
    assert main(["audit", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out == "Im Protokoll ist nichts aufgezeichnet.\n"

    log = AuditLog(data)
    first = datetime(2024, 10, 21, 12, 0, 5, tzinfo=UTC)
    log.record(
        AuditEntry(
            first,
            "anna",
            "mitglied",
            "api/ask",
            "Wer hat " + "sehr " * 30 + "lange gefragt?",
            "A [1].",
            False,
            ("a.pdf S. 3 Abs. 2 #k1", "b.pdf #k2"),
        )
    )
    log.record(
        AuditEntry(
            datetime(2024, 10, 22, 12, tzinfo=UTC),
            None,
            "öffentlich",
            "web",
            "Und\nwann?",
            "Dazu enthalten die Dokumente nichts.",
            True,
            (),
        )
    )
    log.record(
        AuditEntry(
            datetime(2024, 10, 23, 12, tzinfo=UTC),
            "bert",
            "verwaltung",
            "draft",
            "Wie viel?",
            "5 € [1].",
            False,
            ("c.pdf #k3",),
        )
    )

    assert main(["audit", "--data-dir", str(data)]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["Zeit", "Benutzer", "Rolle", "Kanal", "Ohne", "Antwort", "Fundstellen", "Frage"]
    assert len(rows) == 3
    assert rows[0].split()[:6] == [first.astimezone().isoformat(), "anna", "mitglied", "api/ask", "nein", "2"]
    assert rows[0].endswith("…") and len(rows[0].split("Wer hat ")[1]) < 70
    assert rows[1].split()[1:6] == ["(anonym)", "öffentlich", "web", "ja", "0"]
    assert rows[1].endswith("Und wann?")

    def users(*args: str) -> list[str]:
        assert main(["audit", *args, "--data-dir", str(data)]) == 0
        return [row.split()[1] for row in capsys.readouterr().out.splitlines()[1:]]

    assert users("--since", "22.10.2024") == ["(anonym)", "bert"]
    assert users("--since", "2024-10-23") == ["bert"]
    assert users("--since", "10.2024", "--user", "anna") == ["anna"]
    assert users("--user", "-") == ["(anonym)"]
    for chosen in (["--user", "niemand"], ["--since", "2025"]):
        assert main(["audit", *chosen, "--data-dir", str(data)]) == 0
        assert capsys.readouterr().out == "Keine Einträge für diese Auswahl.\n"

    assert main(["audit", "--json", "--user", "bert", "--data-dir", str(data)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line) == {
        "time": "2024-10-23T12:00:00+00:00",
        "user": "bert",
        "role": "verwaltung",
        "channel": "draft",
        "question": "Wie viel?",
        "answer": "5 € [1].",
        "abstained": False,
        "passages": ["c.pdf #k3"],
    }
    assert main(["audit", "--json", "--data-dir", str(data)]) == 0
    assert [json.loads(x)["user"] for x in capsys.readouterr().out.splitlines()] == ["anna", None, "bert"]
    assert main(["audit", "--json", "--since", "2030", "--data-dir", str(data)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "Keine Einträge für diese Auswahl.\n"
