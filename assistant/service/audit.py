"""The audit log: who asked what, through which channel, and what they were shown.

Once nichtöffentliche documents are in the index, a council has to be able to say afterwards who
read which closed passage. Every answered question is one `AuditEntry` in `audit.sqlite` in the
data dir, with the full answer and the passages shown, so that the log alone shows what left the
system. `council audit` reads it (admins only: the file is readable by its owner alone).

An entry is written in its own transaction with `synchronous=FULL` before `record` returns: a
server killed right after an answer (a crash, an OOM kill, a pulled plug) has still logged it.
"""

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import cast

from assistant.core.access import Role
from assistant.service.private_db import PrivateDb

FILE_NAME = "audit.sqlite"
# `read(user=ANONYMOUS_USER)` selects the entries of questions asked without signing in (their
# `user` is None). No user can be called "-": a name starts with a letter or digit
# (`assistant.service.accounts`).
ANONYMOUS_USER = "-"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,        -- ISO 8601 in UTC, microseconds: sorts as text
    user_name TEXT,            -- NULL: not signed in
    role TEXT NOT NULL,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    passages TEXT NOT NULL     -- JSON array of strings
);
CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
"""


class AuditError(RuntimeError):
    """The log cannot be read or written; the message is meant for the user (German)."""


@dataclass(frozen=True)
class AuditEntry:
    time: datetime  # UTC (a naive time is taken as UTC)
    user: str | None  # None: not signed in
    role: Role
    channel: str  # "api/ask", "api/chat", "web", "cli", "draft", "eval"
    question: str
    answer: str  # the full answer text
    abstained: bool
    passages: tuple[str, ...]  # the passages shown, e.g. "source.pdf S. 3 Abs. 2 #chunkid"


class AuditLog:
    """The audit log of one data dir. Safe to share between threads (one connection under a
    lock). Reading a data dir without the file finds no entries and creates nothing. A log moved
    away (archived) or deleted behind a running server is started anew at the next entry
    (`PrivateDb`), never written into the moved file."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / FILE_NAME
        self._lock = threading.Lock()
        # synchronous=FULL: each commit is synced to disk, not only handed to the OS.
        self._file = PrivateDb(self.path, _SCHEMA, ("synchronous=FULL",))

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def record(self, entry: AuditEntry) -> None:
        """Append one entry; when this returns it is on disk (committed, WAL synced)."""
        when = entry.time if entry.time.tzinfo else entry.time.replace(tzinfo=UTC)
        row = (
            _stamp(when),
            entry.user,
            entry.role,
            entry.channel,
            entry.question,
            entry.answer,
            int(entry.abstained),
            json.dumps(list(entry.passages), ensure_ascii=False),
        )
        with self._lock:
            db = self._connection(create=True)
            assert db is not None
            try:
                # Autocommit connection: this one statement is its own transaction, committed
                # (and with synchronous=FULL synced) before execute returns.
                db.execute(
                    "INSERT INTO audit (time, user_name, role, channel, question, answer, abstained, "
                    "passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    def read(self, since: date | None = None, user: str | None = None) -> list[AuditEntry]:
        """The entries, oldest first. `since`: from the start of that day in local time (the day
        an admin means when typing it). `user`: exactly that name; `ANONYMOUS_USER` ("-") for the
        entries without one."""
        where, args = [], []
        if since is not None:
            where.append("time >= ?")
            args.append(_stamp(datetime.combine(since, clock.min).astimezone()))
        if user == ANONYMOUS_USER:
            where.append("user_name IS NULL")
        elif user is not None:
            where.append("user_name = ?")
            args.append(user)
        sql = "SELECT time, user_name, role, channel, question, answer, abstained, passages FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            db = self._connection(create=False)
            try:
                rows = db.execute(sql + " ORDER BY time, id", args).fetchall() if db else []
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
        return [
            AuditEntry(
                time=datetime.fromisoformat(time),
                user=user_name,
                role=cast(Role, role),
                channel=channel,
                question=question,
                answer=answer,
                abstained=bool(abstained),
                passages=tuple(json.loads(passages)),
            )
            for time, user_name, role, channel, question, answer, abstained, passages in rows
        ]

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """None where there is no file yet and `create` is False. Call under the lock."""
        try:
            return self._file.connection(create=create)
        except (sqlite3.Error, OSError) as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> AuditError:
        return AuditError(f"Das Protokoll {self.path} kann nicht gelesen oder geschrieben werden ({exc}).")


def _stamp(when: datetime) -> str:
    """One fixed spelling in UTC, so that text order is time order.

    >>> _stamp(datetime(2024, 10, 22, 12, 0, tzinfo=UTC))
    '2024-10-22T12:00:00.000000+00:00'
    """
    return when.astimezone(UTC).isoformat(timespec="microseconds")
