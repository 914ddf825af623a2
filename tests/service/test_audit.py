"""The audit log: what is recorded comes back whole, filters select, and a killed process has
lost nothing it reported as recorded."""

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from assistant.service.audit import ANONYMOUS_USER, AuditEntry, AuditLog
from tests.conftest import ROOT


def entry(when: datetime, user: str | None = "anna", question: str = "Wer?", **kw) -> AuditEntry:
    fields = {
        "time": when,
        "user": user,
        "role": "mitglied" if user else "öffentlich",
        "channel": "api/ask",
        "question": question,
        "answer": "Der Rat [1].",
        "abstained": False,
        "passages": ("a.pdf S. 3 Abs. 2 #k1",),
    }
    return AuditEntry(**(fields | kw))


def test_an_entry_comes_back_whole(tmp_path: Path):
    log = AuditLog(tmp_path / "data")
    assert log.read() == [] and not (tmp_path / "data").exists()  # reading creates nothing
    written = AuditEntry(
        time=datetime(2024, 10, 22, 18, 5, 3, 120000, tzinfo=UTC),
        user="Müller",
        role="verwaltung",
        channel="api/chat",
        question="Wie wurde über TOP NÖ 3 abgestimmt?\nUnd warum?",
        answer="Einstimmig beschlossen [1]; „Grundstück“ [2].\n\nQuellen …",
        abstained=True,
        passages=("niederschrift.pdf S. 3 Abs. 2 #abc", "vorlage.pdf #def", "ohne Seite"),
    )
    log.record(written)
    assert log.read() == [written]
    assert AuditLog(tmp_path / "data").read() == [written]  # another process, same file
    (back,) = log.read()
    assert back.time.utcoffset() == timedelta(0)
    assert (tmp_path / "data" / "audit.sqlite").stat().st_mode & 0o077 == 0


def test_times_in_other_zones_are_kept_as_utc_and_entries_read_oldest_first(tmp_path: Path):
    log = AuditLog(tmp_path)
    cest = datetime(2024, 10, 22, 22, 0, tzinfo=timezone(timedelta(hours=2)))  # 20:00 UTC
    log.record(entry(cest, question="später"))
    log.record(entry(datetime(2024, 10, 22, 17, 0, tzinfo=UTC), question="früher"))
    log.record(entry(datetime(2024, 10, 22, 16, 0), question="naiv, als UTC"))
    read = log.read()
    assert [e.question for e in read] == ["naiv, als UTC", "früher", "später"]
    assert read[2].time == datetime(2024, 10, 22, 20, 0, tzinfo=UTC)
    assert all(e.time.utcoffset() == timedelta(0) for e in read)


def test_since_and_user_select_entries(tmp_path: Path):
    log = AuditLog(tmp_path)
    log.record(entry(datetime(2024, 9, 30, 12, tzinfo=UTC), "anna", "alt"))
    log.record(entry(datetime(2024, 10, 22, 12, tzinfo=UTC), "anna", "neu"))
    log.record(entry(datetime(2024, 10, 23, 12, tzinfo=UTC), "bert", "bert"))
    log.record(entry(datetime(2024, 10, 24, 12, tzinfo=UTC), None, "anonym"))
    log.record(entry(datetime(2024, 10, 25, 12, tzinfo=UTC), "anna.b", "andere anna"))

    def questions(**kw) -> list[str]:
        return [e.question for e in log.read(**kw)]

    assert questions(since=date(2024, 10, 1)) == ["neu", "bert", "anonym", "andere anna"]
    assert questions(since=date(2024, 10, 23), user="anna") == []
    assert questions(user="anna") == ["alt", "neu"]  # exact: not "anna.b"
    assert questions(user="Anna") == []
    assert questions(user=ANONYMOUS_USER) == ["anonym"]
    assert log.read(user=ANONYMOUS_USER)[0].user is None
    assert questions(since=date(2025, 1, 1)) == []


def test_records_from_many_threads_are_all_kept(tmp_path: Path):
    log = AuditLog(tmp_path)
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def write(thread: int) -> None:
        for i in range(20):
            log.record(entry(start + timedelta(seconds=i), f"u{thread}", f"{thread}-{i}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(e.question for e in log.read()) == sorted(f"{n}-{i}" for n in range(4) for i in range(20))


# The child records entries as fast as it can and prints each one's number after `record` returned;
# it never closes the log. Killed with SIGKILL, it gets no chance to flush or checkpoint anything.
CHILD = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from assistant.service.audit import AuditEntry, AuditLog

log = AuditLog(Path(sys.argv[1]))
i = 0
while True:
    log.record(AuditEntry(datetime.now(UTC), "anna", "mitglied", "api/ask", f"Frage {i}", "A" * 2000,
                          False, (f"p{i}",)))
    print(i, flush=True)
    i += 1
"""


def test_a_killed_process_has_lost_no_entry_it_reported(tmp_path: Path):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    reported = []
    try:
        while len(reported) < 30:
            line = child.stdout.readline()
            assert line, "the child ended before recording"
            reported.append(int(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    stored = {e.question for e in AuditLog(tmp_path / "data").read()}
    assert {f"Frage {i}" for i in reported} <= stored
    assert len(stored) >= len(reported)


def test_a_log_archived_behind_a_running_server_is_started_anew(tmp_path: Path):
    server = AuditLog(tmp_path / "data")
    server.record(entry(datetime(2024, 10, 1, tzinfo=UTC), question="vorher"))
    archive = tmp_path / "archiv"
    archive.mkdir()
    for path in (tmp_path / "data").glob("audit.sqlite*"):
        path.rename(archive / path.name)
    server.record(entry(datetime(2024, 10, 2, tzinfo=UTC), question="nachher"))
    assert [e.question for e in AuditLog(tmp_path / "data").read()] == ["nachher"]
    assert [e.question for e in AuditLog(archive).read()] == ["vorher"]
