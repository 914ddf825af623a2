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
from assistant.service.audit import AuditEntry, AuditError, AuditLog
from assistant.service.council import ingest
from assistant.service.data_dir import copy_data_dir
from tests.conftest import SAMPLE, user_token

# What a `council ask` beside a running server does to the log: its own AuditLog, entries, close.
WRITE_IN_ANOTHER_PROCESS = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from assistant.core.access import ANONYMOUS
from assistant.service.audit import AuditEntry, AuditLog
for _ in range(3):
    log = AuditLog(Path(sys.argv[1]))
    for _ in range(20):
        log.record(AuditEntry(datetime.now(UTC), None, ANONYMOUS.role, "cli", "q", "x" * 3000, False, ()))
    log.close()
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
    try:
        held.record(entry("vorher"))
        copy(live, tmp_path / "copy")
        subprocess.run([sys.executable, "-c", WRITE_IN_ANOTHER_PROCESS, str(live)], check=True)
        later = AuditLog(live)
        try:
            if copy is shutil.copytree:
                with pytest.raises(AuditError, match="malformed"):
                    later.record(entry("nachher"))
                return
            later.record(entry("nachher"))
            questions = [e.question for e in later.read()]
            assert questions.count("q") == 60 and [q for q in questions if q != "q"] == ["vorher", "nachher"]
        finally:
            later.close()
    finally:
        held.close()
