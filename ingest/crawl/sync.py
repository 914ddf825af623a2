"""Mirror a council's OParl API into a folder that the ordinary ingest reads.

The walk: System → its body list → each Body → the body's organization, person, meeting and
paper lists, page by page along `links.next`; then every File the meetings and papers list is
downloaded (`accessUrl`, else `downloadUrl`). The mirror holds what the folder reader already
understands (ingest/registry/oparl.py), so a crawled council gets exactly the metadata a folder of
the same JSON and files gets:

    DATA_DIR/oparl/NAME/0001/papers/50796.json        the Paper, with its consultations and files
    DATA_DIR/oparl/NAME/0001/meetings/9532.json       the Meeting, with its agenda items
    DATA_DIR/oparl/NAME/0001/organizations/32130.json names the bodies of consultations
    DATA_DIR/oparl/NAME/0001/files/662263.pdf         a File, named by its id
    DATA_DIR/oparl/NAME/.oparl/                       system, bodies, persons, state.sqlite (not ingested)

A later run asks each list only for what changed since the last complete walk (`modified_since`,
less an hour for clocks that differ); objects are compared by content, so a server that ignores
the parameter (it answers with older objects too) costs time, not correctness: its listing is
complete, and what it no longer lists is removed as deleted. An object marked `deleted` is removed
with its JSON; a file no object lists any more is removed from the mirror, and the ingest that
follows prunes it from the index. Every `full_every_days` the lists are walked completely, for
servers that drop deleted objects without marking them.

Interrupted at any point, the next run continues the same run: each list from the page after the
last one committed (`state.py`), the files still pending, then the ingest. A list whose page
still failed after the retries is taken up at that page by the next run. What it ends with is
what a clean crawl ends with: the mirror is a function of the server's objects, and the ingest
of a folder is a function of the folder.
"""

import fcntl
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from ingest.crawl.client import ClientOptions, Downloaded, FetchError, OParlClient
from ingest.crawl.report import KIND_LABELS, CrawlNote, CrawlReport
from ingest.crawl.state import DONE, FAILED, PENDING, SKIPPED, CrawlState, FileRow, StoredObject
from ingest.pipeline import progress_bar
from ingest.readers import SUPPORTED_SUFFIXES, unsupported

log = logging.getLogger(__name__)

STATE_DIR = ".oparl"  # hidden: the ingest of the mirror does not read it
# The lists of a Body walked, in this order: meetings before papers, whose consultations name them.
BODY_LISTS = {"organization": "Organization", "person": "Person", "meeting": "Meeting", "paper": "Paper"}
# Where objects of each type lie in the mirror, below the body's folder; None: in STATE_DIR.
_FOLDERS = {"Organization": "organizations", "Meeting": "meetings", "Paper": "papers"}
# Keys whose value may be an object or only its URL (OParl 1.0 servers, some 1.1 ones); a URL is
# fetched and put in its place, so that the mirror always holds the objects themselves.
_REFERENCES = {
    "Paper": ("mainFile", "auxiliaryFile", "consultation"),
    "Meeting": ("invitation", "resultsProtocol", "verbatimProtocol", "auxiliaryFile", "agendaItem"),
    "AgendaItem": ("auxiliaryFile", "resolutionFile"),
}
_MIME_SUFFIXES = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/markdown": ".md",
}
CLOCK_MARGIN = timedelta(hours=1)  # modified_since is the last walk's start less this


class OParlError(Exception):
    """The system URL gives no OParl system; the message is German and names the fix."""


@dataclass(frozen=True)
class CrawlOptions:
    client: ClientOptions
    full: bool = False  # walk every list completely this time
    full_every_days: float = 7.0


def mirror_name(system_url: str) -> str:
    """The default name of a council's mirror and source prefix: the system URL's host, with its
    port where one is given.

    >>> mirror_name("https://web1.karlsruhe.de/oparl/system"), mirror_name("http://127.0.0.1:8123/oparl")
    ('web1.karlsruhe.de', '127.0.0.1-8123')
    """
    parts = urlsplit(system_url)
    host = parts.hostname or "oparl"
    return f"{host}-{parts.port}" if parts.port else host


def crawl(
    system_url: str,
    mirror: Path,
    options: CrawlOptions,
    *,
    progress: bool | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> CrawlReport:
    """Bring the mirror in line with the API (or continue an interrupted run). The run stays
    open until `finish` is called after the mirror was ingested, so that a run interrupted during
    the ingest is continued (and reported) as one run."""
    client = OParlClient(options.client)
    state = CrawlState(mirror / STATE_DIR / "state.sqlite")
    try:
        return _Crawler(system_url, mirror, options, client, state, progress, say).run()
    finally:
        client.close()
        state.close()


@contextmanager
def locked(mirror: Path) -> Iterator[None]:
    """One run per mirror at a time: a run started while another is busy (last night's, still
    downloading) is refused rather than interleaved with it. The lock goes with the process, so
    a killed run leaves none behind."""
    path = mirror / STATE_DIR / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OParlError(
                f"Für {mirror} läuft bereits ein OParl-Abgleich; bitte warten, bis er fertig ist."
            ) from exc
        yield


def finish(mirror: Path, run: int) -> None:
    """The run is complete: the next one starts anew (asking only for changes)."""
    state = CrawlState(mirror / STATE_DIR / "state.sqlite")
    try:
        state.finish_run(run)
    finally:
        state.close()


@dataclass
class _Prepared:
    """An object of a list page, ready to be committed: its JSON is written beforehand."""

    url: str
    kind: str
    deleted: bool = False
    text: str = ""
    digest: str = ""
    path: str = ""
    modified: str | None = None
    status: str = "unchanged"  # new, changed, unchanged, deleted, unknown (deleted, never mirrored)
    files: list[tuple[str, str, dict[str, Any], str]] = field(default_factory=list)
    meetings: set[str] = field(default_factory=set)


class _ListFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Crawler:
    def __init__(
        self,
        system_url: str,
        mirror: Path,
        options: CrawlOptions,
        client: OParlClient,
        state: CrawlState,
        progress: bool | None,
        say: Callable[[str], None],
    ) -> None:
        self.system_url = system_url
        self.mirror = mirror
        self.options = options
        self.client = client
        self.state = state
        self.progress = progress
        self.say = say
        self.run_id = 0
        self.origin = 0  # the run that began the list walk under way (see state.ListWalk.origin)
        self.walked = 0
        self.walk_seconds = 0.0
        self.notes: list[CrawlNote] = []

    def run(self) -> CrawlReport:
        started = time.monotonic()
        self.run_id, resumed = self.state.begin_run()
        self.say(
            f"OParl-Abgleich mit {self.system_url}"
            + (" (setzt den unterbrochenen Lauf fort)" if resumed else "")
        )
        system = self._system()
        self._repair_mirror()
        walk_started = time.monotonic()
        self._walk(system["body"], "Body", None)
        for _, slug, path in self.state.bodies():
            body = self._read_json(self.mirror / path)
            for key, kind in BODY_LISTS.items():
                url = body.get(key) if isinstance(body, dict) else None
                if isinstance(url, str):
                    self._walk(url, kind, slug)
        self.walk_seconds = time.monotonic() - walk_started
        self._tidy_objects()
        self._download()
        report = CrawlReport.from_counters(
            self.system_url, self.run_id, resumed, self.state.counters(self.run_id)
        )
        self._finish_report(report)
        report.seconds = time.monotonic() - started
        return report

    # --- the system and its lists ---------------------------------------------------------------

    def _system(self) -> dict[str, Any]:
        try:
            system = self.client.get_json(self.system_url)
        except FetchError as exc:
            raise OParlError(
                f"Das OParl-System {self.system_url} ist nicht erreichbar: {exc.reason}. Bitte die Adresse "
                "des System-Objekts prüfen (oparl.system_url)."
            ) from exc
        kind = system.get("type") if isinstance(system, dict) else None
        if not (isinstance(kind, str) and kind.rstrip("/").endswith("/System")) or not isinstance(
            system.get("body"), str
        ):
            raise OParlError(
                f"{self.system_url} antwortet nicht mit einem OParl-System-Objekt (type …/System mit einer "
                "Liste `body`). Bitte die Adresse des System-Objekts angeben, z. B. …/oparl/v1/system."
            )
        _write_atomic(self.mirror / STATE_DIR / "system.json", _canonical(system))
        return system

    def _walk(self, list_url: str, kind: str, body: str | None) -> None:
        """Walk one list to its last page (from where an interrupted walk stopped)."""
        walk = self.state.walk(list_url)
        if walk is not None and walk.run == self.run_id and walk.done:
            return
        if walk is not None and walk.run != self.run_id and not walk.done and walk.cursor:
            self.state.continue_walk(list_url, self.run_id)  # an earlier run failed at a page
        elif walk is None or walk.run != self.run_id:
            self.state.start_walk(list_url, body, kind, self.run_id, self._since(walk))
        walk = self.state.walk(list_url)
        assert walk is not None and walk.origin is not None
        self.origin = walk.origin
        label = f"{KIND_LABELS[kind]}" + (f" ({body})" if body else "")
        changes = f", Änderungen seit {walk.since}" if walk.since else ""
        self.say(f"Liste {label}: {list_url}{changes}")
        bar = progress_bar(self.progress, total=None, desc=label, unit=" Seite")
        cursor, visited = walk.cursor, set()
        try:
            while cursor:
                if cursor in visited:
                    raise _ListFailed(
                        f"der Verweis links.next führt auf eine schon gelesene Seite ({cursor})"
                    )
                visited.add(cursor)
                cursor = self._page(list_url, cursor, walk.since, kind, body, bar)
            self._complete(list_url)
        except _ListFailed as exc:
            self.state.walk_failed(list_url, exc.reason)
            log.warning("Liste %s unvollständig: %s", list_url, exc.reason)
        finally:
            bar.close()

    def _since(self, walk: Any) -> str | None:
        """modified_since for a new walk of a list; None: walk it completely."""
        if self.options.full or walk is None or walk.last_complete is None:
            return None
        last_full = _parse_time(walk.last_full)
        every = timedelta(days=self.options.full_every_days)
        if last_full is None or datetime.now(UTC) - last_full >= every:
            return None
        since = _parse_time(walk.last_complete)
        return None if since is None else (since - CLOCK_MARGIN).isoformat()

    def _page(
        self, list_url: str, cursor: str, since: str | None, kind: str, body: str | None, bar: Any
    ) -> Any:
        """Read, mirror and commit one page; the next page's URL (None after the last)."""
        asked = parse_qs(urlsplit(cursor).query)
        params = {"modified_since": since} if since and "modified_since" not in asked else None
        started = time.monotonic()
        try:
            page = self.client.get_json(cursor, params)
        except FetchError as exc:
            raise _ListFailed(exc.reason) from exc
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list):
            raise _ListFailed("keine OParl-Liste (das Feld data fehlt)")
        links = page.get("links") if isinstance(page.get("links"), dict) else {}
        following = urljoin(cursor, links["next"]) if isinstance(links.get("next"), str) else None
        pagination = page.get("pagination")
        if (
            bar.total is None
            and isinstance(pagination, dict)
            and isinstance(pagination.get("totalPages"), int)
        ):
            bar.total = pagination["totalPages"]
        since_time = _parse_time(since)
        unfiltered = False
        prepared = []
        for obj in data:
            item = self._prepare(obj, kind, body)
            if item is None:
                continue
            prepared.append(item)
            modified = _parse_time(item.modified)
            unfiltered |= since_time is not None and modified is not None and modified < since_time
        for item in prepared:
            if item.status in ("new", "changed"):
                _write_atomic(self.mirror / item.path, item.text)
        removed: list[str] = []
        delta: dict[str, int] = {}
        with self.state.transaction():
            for item in prepared:
                removed += self._commit(item, list_url, body, delta)
            self.state.advance(list_url, following, unfiltered)
            self.state.add_counters(self.run_id, delta)
        for path in removed:
            (self.mirror / path).unlink(missing_ok=True)
        self.walked += len(prepared)
        self.walk_seconds += time.monotonic() - started
        bar.update(1)
        return following

    def _prepare(self, obj: Any, list_kind: str, body: str | None) -> _Prepared | None:
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            return None
        url = obj["id"]
        kind = _type_of(obj) or list_kind
        if kind not in KIND_LABELS:
            kind = list_kind
        stored = self.state.stored(url)
        if obj.get("deleted") is True:
            return _Prepared(url, kind, deleted=True, status="deleted" if stored else "unknown")
        self._embed_references(obj, kind)
        text = _canonical(obj)
        digest = hashlib.sha256(text.encode()).hexdigest()
        item = _Prepared(url, kind, text=text, digest=digest, modified=_str(obj.get("modified")))
        slug = _slug(url) if kind == "Body" else (body or "")
        item.path = stored.path if stored else self._path_for(kind, slug, url)
        item.status = "unchanged" if stored and stored.hash == digest else "changed" if stored else "new"
        item.files = [
            (f["id"], body or "", f, hashlib.sha256(_canonical(f).encode()).hexdigest())
            for f in _files_of(obj, kind)
        ]
        if kind == "Paper":
            item.meetings = {
                c["meeting"]
                for c in obj.get("consultation") or []
                if isinstance(c, dict) and isinstance(c.get("meeting"), str)
            }
        return item

    def _commit(self, item: _Prepared, list_url: str, body: str | None, delta: dict[str, int]) -> list[str]:
        """Record one object of a page; the mirror paths to delete once committed."""
        if item.status == "unknown":
            return []
        if item.deleted:
            delta[f"{item.kind}.deleted"] = delta.get(f"{item.kind}.deleted", 0) + 1
            path = self.state.remove_object(item.url)
            return [path] if path else []
        delta[f"{item.kind}.seen"] = delta.get(f"{item.kind}.seen", 0) + 1
        if item.status == "unchanged":
            self.state.see(item.url, self.origin)
            return []
        delta[f"{item.kind}.{item.status}"] = delta.get(f"{item.kind}.{item.status}", 0) + 1
        stored = StoredObject(
            item.url,
            list_url,
            item.kind,
            _slug(item.url) if item.kind == "Body" else body,
            item.path,
            item.digest,
        )
        self.state.put_object(stored, item.modified, self.origin, item.meetings, item.files)
        return []

    def _complete(self, list_url: str) -> None:
        """The list's last page is done. Where the listing was complete (no modified_since, or a
        server that ignored it), what it did not list is gone."""
        walk = self.state.walk(list_url)
        assert walk is not None
        complete_listing = walk.since is None or walk.unfiltered
        removed = []
        with self.state.transaction():
            if complete_listing:
                delta: dict[str, int] = {}
                for obj in self.state.unseen(list_url, self.origin):
                    delta[f"{obj.kind}.deleted"] = delta.get(f"{obj.kind}.deleted", 0) + 1
                    if path := self.state.remove_object(obj.url):
                        removed.append(path)
                self.state.add_counters(self.run_id, delta)
            self.state.finish_walk(list_url, full=complete_listing)
        for path in removed:
            (self.mirror / path).unlink(missing_ok=True)

    def _embed_references(self, obj: dict[str, Any], kind: str) -> None:
        """Objects given by URL only are fetched and put in place (see _REFERENCES); a failure
        fails the page, so that the next run reads it again."""
        for key in _REFERENCES.get(kind, ()):
            value = obj.get(key)
            if isinstance(value, str):
                obj[key] = self._fetch_object(value)
            elif isinstance(value, list):
                obj[key] = [self._fetch_object(v) if isinstance(v, str) else v for v in value]
            if key == "agendaItem":
                for item in obj.get(key) or []:
                    if isinstance(item, dict):
                        self._embed_references(item, "AgendaItem")

    def _fetch_object(self, url: str) -> Any:
        try:
            return self.client.get_json(url)
        except FetchError as exc:
            raise _ListFailed(f"Objekt {url}: {exc.reason}") from exc

    def _path_for(self, kind: str, body: str, url: str) -> str:
        """The object's path in the mirror, by the last part of its id: …/papers/vo/50803 →
        0001/papers/50803.json (a path another object has gets the id's hash appended)."""
        if kind == "Body":
            folder = f"{STATE_DIR}/bodies"
        elif kind in _FOLDERS:
            folder = f"{body}/{_FOLDERS[kind]}"
        else:
            folder = f"{STATE_DIR}/{kind.lower()}s/{body}"
        path = f"{folder}/{_slug(url)}.json"
        if self.state.path_taken(path, url):
            path = f"{folder}/{_slug(url)}-{_short_hash(url)}.json"
        return path

    # --- files --------------------------------------------------------------------------------

    def _download(self) -> None:
        """Remove the files no object lists, then fetch the new and changed ones (and retry those
        that failed before), `concurrency` at a time."""
        removed = []
        with self.state.transaction():
            for url, path in self.state.orphans():
                self.state.drop_file(url)
                if path:
                    removed.append(path)
            self.state.add_counters(self.run_id, {"files.removed": len(removed)} if removed else {})
        for path in removed:
            (self.mirror / path).unlink(missing_ok=True)
        self._tidy_files()

        rows = self.state.files([PENDING, FAILED])
        jobs: list[tuple[FileRow, str]] = []
        with self.state.transaction():
            for row in rows:
                suffix = _suffix_of(row.meta)
                size = row.meta.get("size")
                if suffix not in SUPPORTED_SUFFIXES:
                    reason = f"{unsupported(suffix)}; nicht heruntergeladen"
                    self.state.file_failed(row.url, SKIPPED, reason)
                elif isinstance(size, int) and size > self.options.client.max_file_bytes:
                    limit = self.options.client.max_file_bytes / 2**20
                    reason = f"zu groß ({size / 2**20:.0f} MB, höchstens {limit:g} MB: oparl.max_file_mb)"
                    self.state.file_failed(row.url, FAILED, reason)
                else:
                    jobs.append((row, self._file_path(row, suffix, {path for _, path in jobs})))
        if not jobs:
            return
        self.say(f"Dateien herunterladen: {len(jobs)} neu, geändert oder noch nicht geladen")
        bar = progress_bar(self.progress, total=len(jobs), desc="Dateien", unit=" Datei")
        pool = ThreadPoolExecutor(self.options.client.concurrency, thread_name_prefix="oparl-download")
        try:
            futures: dict[Future[tuple[str | None, Downloaded | None, str | None]], FileRow] = {
                pool.submit(self._fetch_file, row, path): row for row, path in jobs
            }
            for future in as_completed(futures):
                row = futures[future]
                path, got, failure = future.result()
                old = row.path
                with self.state.transaction():
                    if path is not None and got is not None:
                        self.state.file_done(row.url, path, got.sha256, got.size)
                        self.state.add_counters(self.run_id, {"files.downloaded": 1})
                    else:
                        self.state.file_failed(row.url, FAILED, failure or "unbekannt")
                if path is not None and old and old != path:
                    (self.mirror / old).unlink(missing_ok=True)
                bar.update(1)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()

    def _fetch_file(self, row: FileRow, final: str) -> tuple[str | None, Downloaded | None, str | None]:
        """(mirror path, download, None) once the file lies at `final`; (None, None, reason)
        where it could not be had."""
        meta = row.meta
        suffix = PurePosixPath(final).suffix
        target = self.mirror / final
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.part")
        urls = [u for u in (meta.get("accessUrl"), meta.get("downloadUrl")) if isinstance(u, str)]
        if not urls:
            return None, None, "weder accessUrl noch downloadUrl angegeben"
        reason = ""
        for url in dict.fromkeys(urls):
            try:
                got = self.client.download(url, part)
            except FetchError as exc:
                reason = exc.reason
                continue
            html = (got.content_type or "").split(";")[0].strip().lower() == "text/html"
            if html and suffix not in (".html", ".htm"):
                part.unlink(missing_ok=True)
                reason = (
                    f"der Server lieferte eine HTML-Seite statt {meta.get('mimeType') or suffix} "
                    "(eine Fehler- oder Anmeldeseite?)"
                )
                continue
            os.replace(part, target)
            return final, got, None
        return None, None, reason

    def _file_path(self, row: FileRow, suffix: str, planned: set[str]) -> str:
        """Where a file is stored: its old place where the suffix is the same, else by the last
        part of its id (with the id's hash where another file has that place)."""
        if row.path and row.path.endswith(suffix):
            return row.path
        path = f"{row.body}/files/{_slug(row.url)}{suffix}"
        if path in planned or self.state.path_taken(path, row.url):
            path = f"{row.body}/files/{_slug(row.url)}-{_short_hash(row.url)}{suffix}"
        return path

    def _tidy_files(self) -> None:
        """A mirror copy that is gone is fetched again; a file in a files folder that the state
        does not know (a download interrupted before it was recorded) is deleted."""
        known = self.state.file_paths()
        with self.state.transaction():
            for path, url in known.items():
                if not (self.mirror / path).is_file():
                    self.state.lost_file(url)
        for folder in self.mirror.glob("*/files"):
            for file in folder.iterdir():
                rel = file.relative_to(self.mirror).as_posix()
                if file.is_file() and rel not in known:
                    file.unlink()

    def _tidy_objects(self) -> None:
        """An object JSON the state does not know (its removal was committed, the process killed
        before the file was deleted; a temporary file of an interrupted write) is deleted."""
        known = self.state.object_paths()
        folders = [
            *(self.mirror.glob(f"*/{name}") for name in _FOLDERS.values()),
            (self.mirror / STATE_DIR).glob("*"),
        ]
        for folder in (f for group in folders for f in group if f.is_dir()):
            for file in folder.rglob("*"):
                if file.is_file() and file.relative_to(self.mirror).as_posix() not in known:
                    file.unlink()

    def _repair_mirror(self) -> None:
        """An object whose JSON is missing from the mirror (deleted by hand) is forgotten, and its
        list walked completely, which brings it back."""
        missing = [
            (path, url)
            for path, url in self.state.object_paths().items()
            if not (self.mirror / path).is_file()
        ]
        if not missing:
            return
        with self.state.transaction():
            lists = {s.list for _, url in missing if (s := self.state.stored(url))}
            self.state.forget_objects(url for _, url in missing)
            self.state.reset_walks(lists)

    # --- the report ---------------------------------------------------------------------------

    def _finish_report(self, report: CrawlReport) -> None:
        walks = self.state.walks(self.run_id)
        for walk in walks:
            if walk.done:
                report.lists_complete += 1
                report.lists_changes_only += bool(walk.since and not walk.unfiltered)
            else:
                report.lists_incomplete.append(
                    CrawlNote(
                        f"Liste {KIND_LABELS[walk.kind]} {walk.url}", walk.error or "nicht zu Ende gelesen"
                    )
                )
        for row in self.state.files([FAILED, SKIPPED]):
            note = CrawlNote(_file_label(row.url, row.meta), row.reason or "unbekannt")
            (report.files_failed if row.status == FAILED else report.files_skipped).append(note)
        report.files_current = len(self.state.files([DONE])) - report.files_downloaded
        report.held_back = self._held_back(walks)
        report.requests, report.retries = self.client.requests, self.client.retries
        report.walk_seconds, report.walked = self.walk_seconds, self.walked

    def _held_back(self, walks: list[Any]) -> list[str]:
        """Files not to ingest this run: those of papers consulted in a meeting the mirror lacks
        while the meeting list of their body is incomplete. That meeting may hold the agenda item
        marking them nichtöffentlich; they wait for the next run rather than be read as öffentlich."""
        bodies = {w.body for w in walks if w.kind == "Meeting" and not w.done}
        held = set()
        for body in bodies:
            for paper in self.state.unknown_meetings(body or ""):
                for url, path in self.state.files_of(paper):
                    if path and not any(kind == "Meeting" for _, kind in self.state.owners_of(url)):
                        held.add(path)
        return sorted(held)

    def _read_json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _files_of(obj: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The File objects a paper or meeting lists (those marked deleted left out)."""
    if kind == "Paper":
        found = [obj.get("mainFile"), *(obj.get("auxiliaryFile") or [])]
    elif kind == "Meeting":
        found = [obj.get(k) for k in ("invitation", "resultsProtocol", "verbatimProtocol")]
        found += obj.get("auxiliaryFile") or []
        for item in obj.get("agendaItem") or []:
            if isinstance(item, dict):
                found += [*(item.get("auxiliaryFile") or []), item.get("resolutionFile")]
    else:
        return []
    return [
        f
        for f in found
        if isinstance(f, dict) and isinstance(f.get("id"), str) and f.get("deleted") is not True
    ]


def _suffix_of(meta: dict[str, Any]) -> str:
    """The suffix a file is stored under, so that the reader for its format reads it: the file
    name's where a reader reads it, else the MIME type's, else the download URL's.

    >>> _suffix_of({"fileName": "00662263.PDF"}), _suffix_of({"fileName": "x", "mimeType": "text/plain"})
    ('.pdf', '.txt')
    >>> _suffix_of({"fileName": "Plan.dwg", "accessUrl": "https://ris/plan.dwg"})
    '.dwg'
    """
    candidates = [PurePosixPath(_str(meta.get("fileName")) or "").suffix.lower()]
    candidates.append(_MIME_SUFFIXES.get((_str(meta.get("mimeType")) or "").split(";")[0].lower(), ""))
    for key in ("downloadUrl", "accessUrl"):
        candidates.append(PurePosixPath(urlsplit(_str(meta.get(key)) or "").path).suffix.lower())
    return next((s for s in candidates if s in SUPPORTED_SUFFIXES), next((s for s in candidates if s), ""))


def _file_label(url: str, meta: dict[str, Any]) -> str:
    name = _str(meta.get("name")) or _str(meta.get("fileName"))
    return f"Datei {_slug(url)}" + (f" „{name}“" if name else "") + f" ({url})"


def _type_of(obj: dict[str, Any]) -> str | None:
    kind = obj.get("type")
    return kind.rstrip("/").rsplit("/", 1)[-1] if isinstance(kind, str) else None


def _slug(url: str) -> str:
    """The last part of an id, safe as a file name: …/papers/vo/50803 → 50803.

    >>> _slug("https://ris/oparl/bodies/0001/files/662263"), _slug("https://ris/o/p?id=7&x=..")
    ('662263', 'p_id_7_x_..')
    """
    parts = urlsplit(url)
    last = (parts.path.rstrip("/").rsplit("/", 1)[-1] + (f"?{parts.query}" if parts.query else "")) or "index"
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", last).lstrip(".")
    return slug[:100] or _short_hash(url)


def _short_hash(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:8]


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    """Write-then-rename: a reader (or a killed process) sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
