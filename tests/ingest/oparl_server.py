"""A local OParl server for the crawler's tests: the real Karlsruhe OParl objects of
../shared/corpus/karlsruhe-oparl (47 papers, the meeting of 22.10.2024) served on 127.0.0.1,
re-linked to its own URLs, with pagination of a few objects per page as the real systems page.

What it changes, and why:
- every URL https://web1.karlsruhe.de/oparl/… becomes http://127.0.0.1:PORT/oparl/…;
- the corpus holds the text the Karlsruhe repository extracted from each PDF, not the PDF, so a
  File is served as that text: its `fileName` and URLs end in .txt, its `mimeType` is text/plain.
  The 43 Files whose text the corpus lacks (image-only vote results, skipped when the corpus was
  assembled) are left out of the lists they stand in; the registry reader gives the other files
  the same metadata with or without them (tests/ingest/test_oparl_sync.py checks it);
- the organization list holds the one organization the meeting names (gr/32130, the
  Gemeinderat), named as the meeting names it; the person list is empty: the corpus has neither.

Tests change what it serves (`modify_paper`, `remove_file`, `delete_paper`, `corrupt`), make
requests fail (`fail`: HTTP 500 or 429, or an answer after the client's timeout) and count
requests (`requests`). Lists honour `modified_since` (with deleted objects as tombstones), or,
with `filters = False`, ignore it as some servers do (and drop deleted objects silently).
"""

import copy
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.conftest import CORPUS

KARLSRUHE = CORPUS / "karlsruhe-oparl"
ORIGIN = "https://web1.karlsruhe.de/oparl"
OPARL = "https://schema.oparl.org/1.1/"
BODY = "bodies/0001"


class OParlServer:
    def __init__(self, papers: list[str] | None = None, per_page: int = 3, meeting: bool = True) -> None:
        """`papers`: the paper JSON files to serve ("50796.json", …); None: all 47. `meeting`:
        serve the meeting of 22.10.2024 too."""
        self.per_page = per_page
        self.filters = True  # honour modified_since
        self.delay = 0.0  # seconds before each answer
        self.requests: list[str] = []  # the paths asked for
        self.urls: list[str] = []  # with their query: "/oparl/bodies/0001/papers?page=2"
        self.user_agents: set[str] = set()
        self._faults: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._http.server_address[1]}/oparl"
        self._texts = {int(p.stem): p for p in (KARLSRUHE / "docs/file-contents").glob("*.txt")}
        self._corrupt: set[int] = set()
        names = (
            papers
            if papers is not None
            else sorted(p.name for p in (KARLSRUHE / "docs/papers").glob("*.json"))
        )
        self.papers = {o["id"]: o for o in (self._load(KARLSRUHE / "docs/papers" / n) for n in names)}
        meetings = [self._load(KARLSRUHE / "docs/meetings/9532.json")] if meeting else []
        self.meetings = {o["id"]: o for o in meetings}
        self._tombstones: dict[str, dict[str, Any]] = {}
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    @property
    def system_url(self) -> str:
        return f"{self.base}/system"

    # --- what tests change ------------------------------------------------------------------

    def paper(self, reference: str) -> dict[str, Any]:
        return next(p for p in self.papers.values() if p.get("reference") == reference)

    def modify_paper(self, reference: str, **fields: Any) -> None:
        paper = self.paper(reference)
        paper.update(fields)
        paper["modified"] = _now()

    def remove_file(self, reference: str, file_id: int) -> None:
        """The paper no longer lists the file (modified now)."""
        paper = self.paper(reference)
        paper["auxiliaryFile"] = [
            f for f in paper.get("auxiliaryFile", []) if not f["id"].endswith(f"/{file_id}")
        ]
        paper["modified"] = _now()

    def delete_paper(self, reference: str) -> None:
        paper = self.paper(reference)
        del self.papers[paper["id"]]
        self._tombstones[paper["id"]] = {
            "id": paper["id"],
            "type": paper["type"],
            "deleted": True,
            "modified": _now(),
        }

    def close_agenda_item(self, number: str) -> None:
        """Mark a TOP of the meeting `public: false`."""
        for meeting in self.meetings.values():
            for item in meeting["agendaItem"]:
                if item.get("number") == number:
                    item["public"] = False
            meeting["modified"] = _now()

    def corrupt(self, file_id: int) -> None:
        """Serve the file as a PDF that is none (its File says application/pdf)."""
        self._corrupt.add(file_id)
        for f in self._all_files():
            if f["id"].endswith(f"/{file_id}"):
                f["fileName"] = f"{file_id:08d}.pdf"
                f["mimeType"] = "application/pdf"
                f["accessUrl"] = f["accessUrl"].removesuffix(".txt") + ".pdf"
                f["downloadUrl"] = f["downloadUrl"].removesuffix(".txt") + ".pdf"

    def fail(self, path: str, *actions: str) -> None:
        """The next requests of `path` (no host: "/oparl/bodies/0001/papers", every page; with its
        query: "/oparl/bodies/0001/papers?page=2", that page) answer with these actions in turn:
        "500", "429" (Retry-After: 0), "timeout" (an answer after 2 s); then normally again.
        "500!" / "timeout!" repeat forever."""
        self._faults[path] = list(actions)

    def file_path(self, file_id: int, access: bool = True) -> str:
        return f"/oparl/{BODY}/downloadfiles/{'a/' if access else ''}{file_id:08d}.txt"

    # --- serving ------------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict[str, str]]:
        with self._lock:
            self.requests.append(path)
            asked = f"{path}?{urlencode(query, doseq=True)}" if query else path
            self.urls.append(asked)
            faults = self._faults.get(asked, self._faults.get(path))
            action = faults[0] if faults else None
            if faults and not action.endswith("!"):
                faults.pop(0)
        if self.delay:
            time.sleep(self.delay)
        if action is not None:
            kind = action.rstrip("!")
            if kind == "500":
                return 500, "text/plain", b"Interner Fehler", {}
            if kind == "429":
                return 429, "text/plain", b"Zu viele Anfragen", {"Retry-After": "0"}
            if kind == "timeout":
                time.sleep(2.0)
        route = path.removeprefix("/oparl/").rstrip("/")
        if route == "system":
            return self._json(self._system())
        if route == "bodies":
            return self._json(self._page("bodies", [self._body()], query))
        if route == BODY:
            return self._json(self._body())
        lists = {
            f"{BODY}/papers": lambda: self._listed(self.papers),
            f"{BODY}/meetings": lambda: self._listed(self.meetings),
            f"{BODY}/organizations": self._organizations,
            f"{BODY}/people": list,
        }
        if route in lists:
            return self._json(self._page(route, lists[route](), query))
        if m := re.fullmatch(rf"{BODY}/downloadfiles/(?:a/)?0*(\d+)\.(txt|pdf)", route):
            file_id = int(m[1])
            if file_id in self._corrupt:
                return (
                    200,
                    "application/pdf",
                    b"%PDF-1.4\n%\xe2\xe3\n1 0 obj << /Type /Catalog >>\ntrailer\n",
                    {},
                )
            if file_id in self._texts:
                return 200, "text/plain; charset=utf-8", self._texts[file_id].read_bytes(), {}
        return 404, "text/plain", b"Nicht gefunden", {}

    def _json(self, data: Any) -> tuple[int, str, bytes, dict[str, str]]:
        return 200, "application/json", json.dumps(data, ensure_ascii=False).encode(), {}

    def _system(self) -> dict[str, Any]:
        return {
            "id": f"{self.base}/system",
            "type": f"{OPARL}System",
            "oparlVersion": OPARL,
            "name": "Ratsinformationssystem Stadt Karlsruhe (Testserver)",
            "body": f"{self.base}/bodies",
        }

    def _body(self) -> dict[str, Any]:
        url = f"{self.base}/{BODY}"
        return {
            "id": url,
            "type": f"{OPARL}Body",
            "system": f"{self.base}/system",
            "name": "Stadt Karlsruhe",
            "organization": f"{url}/organizations",
            "person": f"{url}/people",
            "meeting": f"{url}/meetings",
            "paper": f"{url}/papers",
            "modified": "2025-01-01T00:00:00+01:00",
        }

    def _organizations(self) -> list[dict[str, Any]]:
        orgs = {}
        for meeting in self.meetings.values():
            name = re.sub(r"\s*\(.*\)$", "", meeting["name"])
            for url in meeting.get("organization", []):
                orgs[url] = {
                    "id": url,
                    "type": f"{OPARL}Organization",
                    "body": f"{self.base}/{BODY}",
                    "name": name,
                    "modified": meeting["modified"],
                }
        return list(orgs.values())

    def _listed(self, objects: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        kind = next(iter(objects.values()))["type"] if objects else None
        tombs = [t for t in self._tombstones.values() if t["type"] == kind]
        return list(objects.values()) + tombs

    def _page(self, route: str, objects: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
        since = query.get("modified_since", [None])[0]
        if since and self.filters:
            limit = datetime.fromisoformat(since)
            objects = [o for o in objects if datetime.fromisoformat(o["modified"]) >= limit]
        else:
            objects = [o for o in objects if not o.get("deleted")]
        objects = sorted(objects, key=lambda o: o["id"])
        page = int(query.get("page", ["1"])[0])
        pages = max(1, -(-len(objects) // self.per_page))
        keep = {"modified_since": since} if since else {}

        def link(n: int) -> str:
            return f"{self.base}/{route}?{urlencode({**keep, 'page': n})}"

        links = {"first": link(1), "last": link(pages)}
        if page < pages:
            links["next"] = link(page + 1)
        return {
            "data": copy.deepcopy(objects[(page - 1) * self.per_page : page * self.per_page]),
            "pagination": {
                "totalElements": len(objects),
                "elementsPerPage": self.per_page,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }

    def _load(self, path: Path) -> dict[str, Any]:
        """An object re-linked to this server, its Files as the corpus has them (see the module)."""
        obj = json.loads(path.read_text(encoding="utf-8").replace(ORIGIN, self.base))
        for holder in [obj, *obj.get("agendaItem", [])]:
            for key in ("mainFile", "invitation", "resultsProtocol", "verbatimProtocol"):
                if isinstance(holder.get(key), dict):
                    if self._served(holder[key]):
                        self._as_text(holder[key])
                    else:
                        del holder[key]
            if "auxiliaryFile" in holder:
                holder["auxiliaryFile"] = [
                    self._as_text(f) for f in holder["auxiliaryFile"] if self._served(f)
                ]
        return obj

    def _served(self, file: dict[str, Any]) -> bool:
        return int(file["id"].rsplit("/", 1)[-1]) in self._texts

    def _as_text(self, file: dict[str, Any]) -> dict[str, Any]:
        file_id = int(file["id"].rsplit("/", 1)[-1])
        file["fileName"] = f"{file_id:08d}.txt"
        file["mimeType"] = "text/plain"
        file["accessUrl"] = f"{self.base}{self.file_path(file_id).removeprefix('/oparl')}"
        file["downloadUrl"] = f"{self.base}{self.file_path(file_id, access=False).removeprefix('/oparl')}"
        return file

    def _all_files(self) -> Iterator[dict[str, Any]]:
        for obj in [*self.papers.values(), *self.meetings.values()]:
            for holder in [obj, *obj.get("agendaItem", [])]:
                for key in ("mainFile", "invitation", "resultsProtocol", "verbatimProtocol"):
                    if isinstance(holder.get(key), dict):
                        yield holder[key]
                yield from holder.get("auxiliaryFile", [])


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _handler(server: OParlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            server.user_agents.add(self.headers.get("User-Agent", ""))
            status, ctype, body, headers = server.answer(parts.path, parse_qs(parts.query))
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
