"""A copy of a data dir's index, for a benchmark or a test that must not write into the original.

The copy leaves out the deployment's private files (the users' token hashes, the audit log): it is
made to read or grow the index, and a benchmark's copy in a temp dir must not carry who asked what.

SQLite files are copied through SQLite's own backup, never read as plain files. A process that
holds a connection to a database loses all its SQLite locks on that file when it closes any other
handle on it (POSIX locks belong to the process, not the handle). The next connection of another
process then takes itself for the only one and resets the shared WAL index under this process's
connections, which from then on read "database disk image is malformed". The tests saw exactly
that: an in-process server's audit log broke after the shared test index was copied with
`shutil.copytree` and a CLI process had written to it.
"""

import shutil
import sqlite3
from pathlib import Path

from assistant.service import accounts, audit

_PRIVATE = (accounts.FILE_NAME, audit.FILE_NAME)
_SQLITE = (".sqlite", ".sqlite3")
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def copy_data_dir(source: Path, dest: Path) -> Path:
    """Copy the data dir `source` to `dest` (which must not exist) without its private files;
    returns `dest`."""

    def left_to_sqlite(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n.endswith(_SQLITE) or n.endswith(_SQLITE_SIDE_FILES)]

    shutil.copytree(source, dest, ignore=left_to_sqlite)
    for path in sorted(p for p in source.rglob("*") if p.suffix in _SQLITE and p.is_file()):
        if path.name in _PRIVATE:
            continue
        original = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(dest / path.relative_to(source))
        try:
            original.backup(copy)
        finally:
            copy.close()
            original.close()
    return dest
