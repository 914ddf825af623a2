"""What a crawl knows between runs and within an interrupted one, in one SQLite file in the
mirror (`.oparl/state.sqlite`): each list's walk (where it stands, since when it asks for
changes), each object mirrored (its file, content hash, `modified`), each file to download (its
OParl metadata, where it lies, whether it is current) and which objects list which files.

Every page of a list is committed in one transaction together with the cursor to the next page,
after its objects' JSON files were written (each by write-then-rename): a process killed at any
point leaves either the page done and the cursor past it, or neither, and the next run fetches
that page again. Objects and files are compared by content, so a page done twice changes nothing.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, counters TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS lists (
    url TEXT PRIMARY KEY, body TEXT, kind TEXT NOT NULL, run INTEGER, origin INTEGER, cursor TEXT,
    since TEXT, started TEXT, done INTEGER NOT NULL DEFAULT 0, unfiltered INTEGER NOT NULL DEFAULT 0,
    error TEXT, last_complete TEXT, last_full TEXT
);
CREATE TABLE IF NOT EXISTS objects (
    url TEXT PRIMARY KEY, list TEXT NOT NULL, kind TEXT NOT NULL, body TEXT, path TEXT NOT NULL,
    hash TEXT NOT NULL, modified TEXT, seen_run INTEGER NOT NULL, meetings TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS objects_list ON objects (list, seen_run);
CREATE TABLE IF NOT EXISTS files (
    url TEXT PRIMARY KEY, body TEXT NOT NULL, meta TEXT NOT NULL, meta_hash TEXT NOT NULL,
    path TEXT, status TEXT NOT NULL, reason TEXT, sha256 TEXT, size INTEGER
);
CREATE TABLE IF NOT EXISTS owners (owner TEXT NOT NULL, file TEXT NOT NULL, PRIMARY KEY (owner, file));
CREATE INDEX IF NOT EXISTS owners_file ON owners (file);
"""

# A file's status: pending (new or changed, to download), done (current under `path`), failed
# (`reason`; tried again next run, an older version under `path` stays), skipped (not downloaded:
# a type no reader reads).
PENDING, DONE, FAILED, SKIPPED = "pending", "done", "failed", "skipped"


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class ListWalk:
    url: str
    body: str | None
    kind: str
    run: int | None  # the last run that read it
    origin: int | None  # the run that began this walk; objects it sees are marked with it
    cursor: str | None
    since: str | None
    started: str | None
    done: bool
    unfiltered: bool  # asked with modified_since, the server answered with older objects too
    error: str | None
    last_complete: str | None  # start of the last walk that reached the last page
    last_full: str | None  # start of the last complete walk without modified_since


@dataclass(frozen=True)
class StoredObject:
    url: str
    list: str
    kind: str
    body: str | None
    path: str
    hash: str


@dataclass(frozen=True)
class FileRow:
    url: str
    body: str
    meta: dict[str, Any]  # the OParl File object
    path: str | None
    status: str
    reason: str | None


class CrawlState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed page survives a power cut too
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- runs ---------------------------------------------------------------------------------

    def begin_run(self) -> tuple[int, bool]:
        """(run id, resumed): the unfinished run if there is one, else a new one."""
        row = self._db.execute(
            "SELECT id FROM runs WHERE finished IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return int(row[0]), True
        cursor = self._db.execute("INSERT INTO runs (started) VALUES (?)", (now(),))
        return int(cursor.lastrowid or 0), False

    def finish_run(self, run: int) -> None:
        self._db.execute("UPDATE runs SET finished = ? WHERE id = ?", (now(), run))

    def counters(self, run: int) -> dict[str, int]:
        row = self._db.execute("SELECT counters FROM runs WHERE id = ?", (run,)).fetchone()
        return dict(json.loads(row[0])) if row else {}

    def add_counters(self, run: int, delta: dict[str, int]) -> None:
        """Add to the run's counters (within the caller's transaction, so that a page's counts
        are kept exactly when the page is)."""
        if not delta:
            return
        counters = self.counters(run)
        for key, n in delta.items():
            counters[key] = counters.get(key, 0) + n
        self._db.execute("UPDATE runs SET counters = ? WHERE id = ?", (json.dumps(counters), run))

    # --- lists --------------------------------------------------------------------------------

    def walk(self, url: str) -> ListWalk | None:
        row = self._db.execute(
            "SELECT url, body, kind, run, origin, cursor, since, started, done, unfiltered, error, "
            "last_complete, last_full FROM lists WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        url, body, kind, run, origin, cursor, since, started, done, unfiltered, error, complete, full = row
        return ListWalk(
            url,
            body,
            kind,
            run,
            origin,
            cursor,
            since,
            started,
            bool(done),
            bool(unfiltered),
            error,
            complete,
            full,
        )

    def start_walk(self, url: str, body: str | None, kind: str, run: int, since: str | None) -> None:
        self._db.execute(
            "INSERT INTO lists (url, body, kind, run, origin, cursor, since, started, done, unfiltered, "
            "error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, NULL) ON CONFLICT (url) DO UPDATE SET "
            "body = excluded.body, kind = excluded.kind, run = excluded.run, origin = excluded.origin, "
            "cursor = excluded.cursor, since = excluded.since, started = excluded.started, done = 0, "
            "unfiltered = 0, error = NULL",
            (url, body, kind, run, run, url, since, now()),
        )

    def continue_walk(self, url: str, run: int) -> None:
        """Take up a walk an earlier run left at a page that failed, from that page."""
        self._db.execute("UPDATE lists SET run = ?, error = NULL WHERE url = ?", (run, url))

    def advance(self, url: str, cursor: str | None, unfiltered: bool) -> None:
        self._db.execute(
            "UPDATE lists SET cursor = ?, unfiltered = unfiltered OR ?, error = NULL WHERE url = ?",
            (cursor, unfiltered, url),
        )

    def walk_failed(self, url: str, reason: str) -> None:
        self._db.execute("UPDATE lists SET error = ? WHERE url = ?", (reason, url))

    def finish_walk(self, url: str, full: bool) -> None:
        self._db.execute(
            "UPDATE lists SET done = 1, cursor = NULL, last_complete = started, "
            "last_full = CASE WHEN ? THEN started ELSE last_full END WHERE url = ?",
            (full, url),
        )

    def walks(self, run: int) -> list[ListWalk]:
        urls = [u for (u,) in self._db.execute("SELECT url FROM lists WHERE run = ? ORDER BY rowid", (run,))]
        return [w for u in urls if (w := self.walk(u)) is not None]

    # --- objects ------------------------------------------------------------------------------

    def stored(self, url: str) -> StoredObject | None:
        row = self._db.execute(
            "SELECT url, list, kind, body, path, hash FROM objects WHERE url = ?", (url,)
        ).fetchone()
        return StoredObject(*row) if row else None

    def path_taken(self, path: str, url: str) -> bool:
        """Another object's or file's mirror path (two ids ending alike: …/gr/1 and …/at/1)."""
        taken = self._db.execute("SELECT 1 FROM objects WHERE path = ? AND url != ?", (path, url)).fetchone()
        return taken is not None or (
            self._db.execute("SELECT 1 FROM files WHERE path = ? AND url != ?", (path, url)).fetchone()
            is not None
        )

    def put_object(
        self,
        obj: StoredObject,
        modified: str | None,
        run: int,
        meetings: Iterable[str],
        files: list[tuple[str, str, dict[str, Any], str]],
    ) -> None:
        """The object as mirrored now, seen in `run`, and the files it lists: (url, body, File
        object, metadata hash) each. A file new or with other metadata is to be downloaded."""
        self._db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                obj.url,
                obj.list,
                obj.kind,
                obj.body,
                obj.path,
                obj.hash,
                modified,
                run,
                json.dumps(sorted(meetings)),
            ),
        )
        self._db.execute("DELETE FROM owners WHERE owner = ?", (obj.url,))
        for url, body, meta, meta_hash in files:
            self._db.execute("INSERT OR IGNORE INTO owners VALUES (?, ?)", (obj.url, url))
            row = self._db.execute("SELECT meta_hash FROM files WHERE url = ?", (url,)).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO files (url, body, meta, meta_hash, status) VALUES (?, ?, ?, ?, ?)",
                    (url, body, json.dumps(meta, ensure_ascii=False), meta_hash, PENDING),
                )
            elif row[0] != meta_hash:
                self._db.execute(
                    "UPDATE files SET meta = ?, meta_hash = ?, status = ?, reason = NULL WHERE url = ?",
                    (json.dumps(meta, ensure_ascii=False), meta_hash, PENDING, url),
                )

    def see(self, url: str, run: int) -> None:
        """An unchanged object, seen in `run` (a complete walk keeps what it has seen)."""
        self._db.execute("UPDATE objects SET seen_run = ? WHERE url = ?", (run, url))

    def remove_object(self, url: str) -> str | None:
        """Forget the object and which files it lists; its mirror path, to delete once committed."""
        row = self._db.execute("SELECT path FROM objects WHERE url = ?", (url,)).fetchone()
        self._db.execute("DELETE FROM objects WHERE url = ?", (url,))
        self._db.execute("DELETE FROM owners WHERE owner = ?", (url,))
        return None if row is None else str(row[0])

    def unseen(self, list_url: str, run: int) -> list[StoredObject]:
        rows = self._db.execute(
            "SELECT url, list, kind, body, path, hash FROM objects WHERE list = ? AND seen_run != ?",
            (list_url, run),
        )
        return [StoredObject(*r) for r in rows]

    def object_paths(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT path, url FROM objects"))

    def forget_objects(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.remove_object(url)

    def reset_walks(self, lists: Iterable[str]) -> None:
        """Walk these lists completely next time (their mirror lost objects)."""
        for url in lists:
            self._db.execute("UPDATE lists SET last_complete = NULL, last_full = NULL WHERE url = ?", (url,))

    def unknown_meetings(self, body: str) -> dict[str, set[str]]:
        """Papers of `body` consulted in meetings not mirrored: paper url → those meeting urls."""
        known = {u for (u,) in self._db.execute("SELECT url FROM objects WHERE kind = 'Meeting'")}
        found = {}
        for url, meetings in self._db.execute(
            "SELECT url, meetings FROM objects WHERE kind = 'Paper' AND body = ?", (body,)
        ):
            missing = set(json.loads(meetings)) - known
            if missing:
                found[url] = missing
        return found

    # --- files --------------------------------------------------------------------------------

    def files(self, statuses: Iterable[str]) -> list[FileRow]:
        wanted = list(statuses)
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT url, body, meta, path, status, reason FROM files WHERE status IN ({marks}) "
            "AND url IN (SELECT file FROM owners) ORDER BY url",
            wanted,
        )
        return [FileRow(u, b, json.loads(m), p, s, r) for u, b, m, p, s, r in rows]

    def orphans(self) -> list[tuple[str, str | None]]:
        """Files no object lists any more: (url, mirror path)."""
        return list(
            self._db.execute("SELECT url, path FROM files WHERE url NOT IN (SELECT file FROM owners)")
        )

    def drop_file(self, url: str) -> None:
        self._db.execute("DELETE FROM files WHERE url = ?", (url,))

    def file_done(self, url: str, path: str, sha256: str, size: int) -> None:
        self._db.execute(
            "UPDATE files SET path = ?, status = ?, reason = NULL, sha256 = ?, size = ? WHERE url = ?",
            (path, DONE, sha256, size, url),
        )

    def file_failed(self, url: str, status: str, reason: str) -> None:
        self._db.execute("UPDATE files SET status = ?, reason = ? WHERE url = ?", (status, reason, url))

    def file_paths(self) -> dict[str, str]:
        """Mirror path → file url, for every file that lies in the mirror."""
        return {p: u for u, p in self._db.execute("SELECT url, path FROM files WHERE path IS NOT NULL")}

    def lost_file(self, url: str) -> None:
        """A file whose mirror copy is gone: download it again."""
        self._db.execute("UPDATE files SET path = NULL, status = ? WHERE url = ?", (PENDING, url))

    def owners_of(self, file_url: str) -> list[tuple[str, str]]:
        """(owner url, owner kind) of the objects that list the file."""
        return list(
            self._db.execute(
                "SELECT o.url, o.kind FROM owners w JOIN objects o ON o.url = w.owner WHERE w.file = ?",
                (file_url,),
            )
        )

    def files_of(self, owner: str) -> list[tuple[str, str | None]]:
        """(url, mirror path) of the files an object lists."""
        return list(
            self._db.execute(
                "SELECT f.url, f.path FROM owners w JOIN files f ON f.url = w.file WHERE w.owner = ?",
                (owner,),
            )
        )

    def bodies(self) -> list[tuple[str, str, str]]:
        """(url, folder name, mirror path of its JSON) of each body mirrored."""
        return list(self._db.execute("SELECT url, body, path FROM objects WHERE kind = 'Body' ORDER BY url"))
