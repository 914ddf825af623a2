"""Copying a data dir: the copy holds the index and no private files, and copying a database
this process has open leaves that database usable here while another process writes to it."""

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.core.access import ANONYMOUS
from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.audit import FILE_NAME as AUDIT_FILE
from assistant.service.audit import AuditEntry, AuditError, AuditLog
from assistant.service.council import ingest
from assistant.service.data_dir import copy_data_dir
from tests.conftest import SAMPLE, user_token

WRITE_IN_ANOTHER_PROCESS = """
import sqlite3, sys
for _ in range(3):
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for _ in range(20):
        db.execute("INSERT INTO audit (time, role, channel, question, answer, abstained, passages) "
                   "VALUES ('2026-01-01', 'öffentlich', 'cli', 'q', ?, 0, '[]')", ("x" * 3000,))
    db.close()
"""


def entry(question: str) -> AuditEntry:
    return AuditEntry(datetime.now(UTC), None, ANONYMOUS.role, "test", question, "a", False, ())


def vector_files(data: Path) -> set[str]:
    """Chroma's files, without SQLite's side files (WAL, shared memory)."""
    files = (p for p in (data / "chroma").rglob("*") if p.is_file())
    return {p.relative_to(data / "chroma").as_posix() for p in files if not p.name.endswith(("-wal", "-shm"))}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("copied")
    report = ingest(Settings(data_dir=base / "data"), SAMPLE / "kreis-mettmann", progress=False)
    assert report.exit_code == 0
    return base / "data"


def test_the_copy_holds_the_index_and_not_the_users_or_the_audit_log(data, tmp_path):
    user_token(data, "rat", "mitglied")
    log = AuditLog(data)
    log.record(entry("Wer fragt?"))
    copy = copy_data_dir(data, tmp_path / "copy")
    assert not list(copy.glob("accounts.sqlite*")) and not list(copy.glob("audit.sqlite*"))
    original, copied = Catalog(data, create=False), Catalog(copy, create=False)
    assert copied.count() == original.count() > 0 and sorted(copied.keys()) == sorted(original.keys())
    assert vector_files(copy) == vector_files(data) and "chroma.sqlite3" in vector_files(copy)
    log.close()


@pytest.mark.parametrize("copy", [copy_data_dir, shutil.copytree], ids=["copy_data_dir", "copytree"])
def test_a_log_open_here_survives_a_copy_and_another_process_writing(data, tmp_path, copy):
    """The case the tests met: this process has the audit log open, copies the data dir, a CLI
    process writes entries, and a new connection here reads the log. With a plain file copy
    the last step finds the database malformed (SQLite's documented POSIX-lock hazard)."""
    live = copy_data_dir(data, tmp_path / "live")
    held = AuditLog(live)
    held.record(entry("vorher"))
    copy(live, tmp_path / "copy")
    subprocess.run([sys.executable, "-c", WRITE_IN_ANOTHER_PROCESS, str(live / AUDIT_FILE)], check=True)
    if copy is shutil.copytree:
        with pytest.raises(AuditError, match="malformed"):
            AuditLog(live).record(entry("nachher"))
        return
    later = AuditLog(live)
    later.record(entry("nachher"))
    assert [e.question for e in later.read() if e.channel == "test"] == ["vorher", "nachher"]
    held.close()
    later.close()
