"""One small SQLite file of the data dir that only its owner may read (the users' token hashes,
the audit log), shared by the threads of a long-running server.

Written once for both because both need the same care: a reader never creates the file (a data
dir without users has no `accounts.sqlite`), the file is created with mode 600, and a server
notices when the file is replaced or deleted behind it (an admin archiving the audit log, or
deleting the users file to start over): it opens the file that is there now instead of writing
into, or trusting, the one it opened at start.
"""

import os
import sqlite3
from pathlib import Path


class PrivateDb:
    """The file at `path` with `schema`, opened on first use. Not locked itself: callers hold
    their own lock around `connection()` and the statements they run on it."""

    def __init__(self, path: Path, schema: str, pragmas: tuple[str, ...] = ()):
        self.path = path
        self._schema = schema
        self._pragmas = ("journal_mode=WAL", *pragmas)
        self._db: sqlite3.Connection | None = None
        self._opened: tuple[int, int] | None = None  # (device, inode) of the file opened

    def connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The connection to the file now at `path`; None where there is none and `create` is
        False. Raises sqlite3.Error or OSError."""
        now = _identity(self.path)
        if self._db is not None and now != self._opened:
            self.close()  # replaced or deleted since it was opened
        if self._db is None:
            if now is None and not create:
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
            try:
                if now is None:
                    os.chmod(self.path, 0o600)
                for pragma in self._pragmas:
                    db.execute(f"PRAGMA {pragma}")
                db.executescript(self._schema)
            except BaseException:
                db.close()
                raise
            self._db, self._opened = db, _identity(self.path)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._opened = None, None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino
