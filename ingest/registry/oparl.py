"""OParl Paper and Meeting JSON (and a manifest derived from them) → a SourceRecord per file.

An OParl paper lists its files with ids; Karlsruhe's extracted texts are named by that id:
    paper 2023/0835, auxiliaryFile id …/files/662272, name "Protokoll GR 22.10.2024 TOP 22"
    ↔ docs/file-contents/662272.txt
The paper's consultations link it to agenda items of meetings; where the meeting's JSON is in
the folder too (Karlsruhe: meeting 9532, the Gemeinderat of 22.10.2024) the agenda item's number,
title and `result` come from there:
    consultation …/consultations/32912 → agenda item 22 "Attraktivität der Stellen der
    Ausländerbehörde: …", result "Kenntnisnahme"

Which agenda item a file belongs to: a protocol file names its own meeting and TOP
("Protokoll GR 22.10.2024 TOP 22", "Protokoll_HA_05.11.2024_TOP 3"), and that wins, since a
paper is often heard in several meetings; every other file of the paper (Vorlage, Antrag,
Stellungnahme, Anlage) belongs to the paper's consultation in a meeting whose JSON is known.

The paper JSON is the primary source: it is the registry's own record, and only it carries the
consultations. The manifest (MANIFEST_karlsruhe.csv, txt → paper) was derived from the same
JSON when the corpus was assembled; it is read as a cross-check and as the fallback for a file
whose paper JSON is missing or broken.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from assistant.core.access import CLOSED, PUBLIC, AccessLevel, level_of
from assistant.core.dates import day_of
from assistant.core.doc_types import doc_type_for
from assistant.core.documents import AgendaItem, Consultation, SourceRecord
from assistant.core.votes import parse_vote
from ingest.registry.paper_record import paper_document, paper_source
from ingest.registry.records import Registry

# Committee abbreviations in Karlsruhe protocol file names, checked against the headings of the
# Niederschriften they name ("Protokoll_HA_05.11.2024_TOP 3" → "Niederschrift 3. Sitzung Haupt-
# und Finanzausschuss"; "Protokoll - AUG 15.10.2024 - TOP 2" → "Niederschrift Ausschuss für
# Umwelt und Gesundheit …").
COMMITTEE_ABBREVIATIONS = {
    "GR": "Gemeinderat",
    "HA": "Haupt- und Finanzausschuss",
    "HFA": "Haupt- und Finanzausschuss",
    "AUG": "Ausschuss für Umwelt und Gesundheit",
}

MANIFEST_COLUMNS = frozenset({"txt_file", "paper_json", "paper_reference", "file_name"})

_PROTOCOL = re.compile(
    r"^Protokoll[\s_\-]+(?P<abbr>[A-ZÄÖÜ]{2,5})(?![A-Za-z])[\s_\-]*(?P<date>\d{1,2}\.\d{1,2}\.\d{4})?"
)
_TOP = re.compile(r"TOP[\s_]*(\d+(?:\.\d+)*)", re.I)
_PUBLICITY = re.compile(r"\s*\((?:nicht\s*)?öffentlich[^)]*\)", re.I)


@dataclass(frozen=True)
class _ProtocolName:
    """What a protocol file's name says: "Protokoll GR 22.10.2024 TOP 11_TOP 23" →
    committee "Gemeinderat", day 2024-10-22, tops ("11", "23")."""

    committee: str | None
    day: date | None
    tops: tuple[str, ...]


@dataclass
class _Meeting:
    url: str
    source: str
    name: str | None
    day: date | None
    body: str | None  # the meeting name without "(öffentlich/nicht öffentlich)": "Gemeinderat"
    orgs: tuple[str, ...]
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # agenda item url → item
    by_number: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_consultation: dict[str, dict[str, Any]] = field(default_factory=dict)
    # its own files (invitation, protocols), with the agenda item a file hangs off, if any
    files: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    referenced: bool = False


def read_oparl(
    papers: list[tuple[str, dict[str, Any]]],
    meetings: list[tuple[str, dict[str, Any]]],
    manifests: list[tuple[str, str]],
    sources: set[str],
    organizations: Sequence[tuple[str, dict[str, Any]]] = (),
) -> Registry:
    """Records for the files the papers, meetings and manifests describe. `papers`/`meetings`/
    `organizations`: (registry file source, parsed JSON); `manifests`: (source, CSV text);
    `sources`: every file under the ingested folder. An organization's name names the body of a
    consultation whose meeting is not known (a meeting's own name wins where both are known)."""
    registry = Registry()
    files = _FileIndex(sources)
    known = _meetings(meetings)
    org_names = {org: m.body for m in known.values() for org in m.orgs if m.body}
    for source, org in organizations:
        name = _str(org.get("name")) or _str(org.get("shortName"))
        if url := _str(org.get("id")):
            if name:
                org_names.setdefault(url, name)
            registry.used[source] = f"OParl-Gremium {name or _last(url)}"
    learned = _learn_meetings([paper for _, paper in papers], known, org_names)

    for source, paper in papers:
        _read_paper(source, paper, known, learned, org_names, files, registry)
    for meeting in known.values():
        _read_meeting_files(meeting, files, registry)
    for source, text in manifests:
        _read_manifest(source, text, known, sources, registry)
    for meeting in known.values():
        n = len(meeting.items)
        if meeting.referenced:
            registry.used[meeting.source] = f"OParl-Sitzung {_last(meeting.url)} ({n} TOPs)"
        else:
            registry.problems[meeting.source] = (
                f"OParl-Sitzung {_last(meeting.url)}: beschreibt keine Datei des Korpus "
                "(keine Vorlage und keine Datei hier verweist darauf)"
            )
    return registry


def is_manifest(header: Iterable[str]) -> bool:
    return set(header) >= MANIFEST_COLUMNS


def _meetings(meetings: list[tuple[str, dict[str, Any]]]) -> dict[str, "_Meeting"]:
    known: dict[str, _Meeting] = {}
    for source, data in meetings:
        name = _str(data.get("name"))
        m = _Meeting(
            url=_str(data.get("id")) or source,
            source=source,
            name=name,
            day=day_of(_str(data.get("start"))),
            body=_PUBLICITY.sub("", name).strip() or None if name else None,
            orgs=tuple(o for o in _list(data.get("organization")) if isinstance(o, str)),
        )
        for key in ("invitation", "resultsProtocol", "verbatimProtocol"):
            if isinstance(data.get(key), dict):
                m.files.append((data[key], None))
        m.files += [(f, None) for f in _list(data.get("auxiliaryFile")) if isinstance(f, dict)]
        for item in _list(data.get("agendaItem")):
            if not isinstance(item, dict):
                continue
            m.files += [(f, item) for f in _list(item.get("auxiliaryFile")) if isinstance(f, dict)]
            if isinstance(item.get("resolutionFile"), dict):
                m.files.append((item["resolutionFile"], item))
            if url := _str(item.get("id")):
                m.items[url] = item
            if number := _str(item.get("number")):
                m.by_number.setdefault(number, item)
            if consultation := _str(item.get("consultation")):
                m.by_consultation[consultation] = item
        known.setdefault(m.url, m)
    return known


def _read_paper(
    source: str,
    paper: dict[str, Any],
    meetings: dict[str, _Meeting],
    learned: dict[str, tuple[str, date]],
    org_names: dict[str, str],
    files: "_FileIndex",
    registry: Registry,
) -> None:
    reference = _str(paper.get("reference")) or _last(_str(paper.get("id")) or source)
    consultations = [c for c in _list(paper.get("consultation")) if isinstance(c, dict)]
    linked = []  # (meeting, agenda item, consultation) for consultations in a known meeting
    for c in consultations:
        meeting = meetings.get(_str(c.get("meeting")) or "")
        if meeting is None:
            continue
        item = meeting.items.get(_str(c.get("agendaItem")) or "") or meeting.by_consultation.get(
            _str(c.get("id")) or ""
        )
        linked.append((meeting, item, c))
    # The meeting that decided the paper, where several known meetings heard it.
    linked.sort(key=lambda x: (x[2].get("role") == "Entscheidung", x[0].day or date.min), reverse=True)
    main = paper.get("mainFile")
    listed = ([main] if isinstance(main, dict) else []) + [
        f for f in _list(paper.get("auxiliaryFile")) if isinstance(f, dict)
    ]
    protocols = [p for f in listed if (p := _protocol_name(_str(f.get("name"))))]
    steps = tuple(
        step
        for c in consultations
        if (step := _consultation(c, meetings, learned, org_names, protocols)).label()
    )
    of_paper = SourceRecord(
        registry="OParl",
        paper_reference=reference,
        paper_title=_str(paper.get("name")),
        paper_type=_str(paper.get("paperType")),
        paper_date=day_of(_str(paper.get("date"))),
        consultations=steps,
        registry_file=source,
    )
    found = 0
    for file in listed:
        targets = [t for t in files.find(source, file) if t not in registry.records]
        if not targets:
            continue
        found += 1
        name = _str(file.get("name"))
        # A file whose name says nothing: the main file is the paper itself, any other an Anlage.
        doc_type = doc_type_for(name) or (doc_type_for(of_paper.paper_type) if file is main else "Anlage")
        meeting, item = _place(name, linked, meetings)
        if meeting is not None:
            meeting.referenced = True
        record = replace(
            of_paper,
            file_name=name,
            doc_type=doc_type,
            url=_str(file.get("downloadUrl")) or _str(file.get("accessUrl")),
            **_meeting_fields(name, meeting, item),
        )
        for target in targets:
            registry.records[target] = record
    if found:
        deciding = _meeting_fields(None, *linked[0][:2]) if linked else {}
        record_source = paper_source(source, reference)
        registry.documents[record_source] = paper_document(
            record_source,
            replace(of_paper, **{k: v for k, v in deciding.items() if k in ("body", "access")}),
            [(name, day_of(_str(f.get("date")))) for f in listed if (name := _str(f.get("name")))],
        )
        of = (
            f"{found} Datei{'en' * (found != 1)}"
            if found == len(listed)
            else f"{found} von {len(listed)} Dateien"
        )
        registry.used[source] = f"OParl-Vorlage {reference} ({of})"
    else:
        registry.problems[source] = (
            f"OParl-Vorlage {reference}: beschreibt keine Datei des Korpus (keine ihrer "
            f"{len(listed)} Dateien liegt hier)"
        )


def _place(
    name: str | None,
    linked: list[tuple[_Meeting, dict[str, Any] | None, dict[str, Any]]],
    meetings: dict[str, _Meeting],
) -> tuple[_Meeting | None, dict[str, Any] | None]:
    """The known meeting and agenda item a file of the paper belongs to.

    A protocol names its meeting by committee and date: it belongs there, to the paper's own
    agenda item when the TOPs in its name cover it ("Protokoll … TOP 9" is attached to each of the
    papers heard as TOP 9.1, 9.2, 9.3 and gets that paper's sub-item), else to the TOP it names.
    A protocol of a meeting without JSON gets no known meeting. Any other file belongs to the
    paper's deciding consultation in a known meeting."""
    protocol = _protocol_name(name)
    if protocol is None:
        return (linked[0][0], linked[0][1]) if linked else (None, None)
    meeting = _meeting_on(protocol, meetings)
    if meeting is None:
        return None, None
    for m, item, _ in linked:
        if m is meeting and item is not None and _covers(protocol.tops, _str(item.get("number")) or ""):
            return meeting, item
    item = next((meeting.by_number[t] for t in protocol.tops if t in meeting.by_number), None)
    return meeting, item


def _meeting_fields(
    name: str | None, meeting: _Meeting | None, item: dict[str, Any] | None
) -> dict[str, Any]:
    """body, meeting_name, meeting_date, agenda_item and result for a file; a protocol of a
    meeting without JSON still gives its committee, date and TOP from its name."""
    if meeting is not None:
        agenda = _agenda_item(item)
        if agenda is None:
            protocol = _protocol_name(name)
            if protocol and protocol.tops:
                agenda = AgendaItem(protocol.tops[0], "")
        result = _str(item.get("result")) if item is not None else None
        return dict(
            body=meeting.body,
            meeting_name=meeting.name,
            meeting_date=meeting.day,
            agenda_item=agenda,
            result=result,
            result_vote=parse_vote(result) if result else None,
            access=_access(meeting, item),
        )
    protocol = _protocol_name(name)
    if protocol is None:
        return {}
    return dict(
        body=protocol.committee,
        meeting_date=protocol.day,
        agenda_item=AgendaItem(protocol.tops[0], "") if protocol.tops else None,
    )


def _access(meeting: _Meeting, item: dict[str, Any] | None) -> AccessLevel | None:
    """nichtöffentlich where the agenda item says `"public": false` or is numbered as a closed
    item ("NÖ 3", "N 3"), or the meeting's name says "(nichtöffentlich)"; None where none says
    so (the ingest call's level then holds)."""
    if item is not None and (item.get("public") is False or level_of(_str(item.get("number"))) == CLOSED):
        return CLOSED
    return CLOSED if level_of(meeting.name) == CLOSED else None


def _read_meeting_files(meeting: _Meeting, files: "_FileIndex", registry: Registry) -> None:
    """Files hanging off the meeting itself (invitation, protocol, per-TOP protocol files), where
    no paper claimed them."""
    for file, item in meeting.files:
        targets = [t for t in files.find(meeting.source, file) if t not in registry.records]
        if not targets:
            continue
        meeting.referenced = True
        name = _str(file.get("name"))
        record = SourceRecord(
            registry="OParl",
            file_name=name,
            doc_type=doc_type_for(name) or "Anlage",
            url=_str(file.get("downloadUrl")) or _str(file.get("accessUrl")),
            registry_file=meeting.source,
            **_meeting_fields(name, meeting, item),
        )
        for target in targets:
            registry.records[target] = record


def _read_manifest(
    source: str, text: str, meetings: dict[str, _Meeting], sources: set[str], registry: Registry
) -> None:
    folder = PurePosixPath(source).parent
    rows = list(csv.DictReader(io.StringIO(text)))
    agree = differ = fallback = 0
    for row in rows:
        target = _join(folder, row.get("txt_file") or "")
        if target not in sources:
            continue
        known = registry.records.get(target)
        if known is not None:
            same = (known.paper_reference, known.file_name) == (
                row.get("paper_reference"),
                row.get("file_name"),
            )
            agree, differ = agree + same, differ + (not same)
            continue
        fallback += 1
        name = row.get("file_name") or None
        protocol = _protocol_name(name)
        meeting = _meeting_on(protocol, meetings) if protocol else None
        item = None
        if meeting is not None and protocol is not None:
            meeting.referenced = True
            item = next((meeting.by_number[t] for t in protocol.tops if t in meeting.by_number), None)
        registry.records[target] = SourceRecord(
            registry="OParl",
            paper_reference=row.get("paper_reference") or None,
            paper_title=row.get("paper_name") or None,
            paper_type=row.get("paper_type") or None,
            paper_date=day_of(row.get("paper_date")),
            file_name=name,
            doc_type=doc_type_for(name) or "Anlage",
            url=row.get("download_url") or None,
            registry_file=source,
            **_meeting_fields(name, meeting, item),
        )
    if not agree + differ + fallback:
        registry.problems[source] = f"Manifest: beschreibt keine Datei des Korpus ({len(rows)} Zeilen)"
        return
    notes = [f"{agree} wie im Vorlagen-JSON"] if agree else []
    notes += [f"{differ} abweichend vom Vorlagen-JSON, das gilt"] if differ else []
    notes += [f"{fallback} nur aus dem Manifest"] if fallback else []
    registry.used[source] = f"Manifest ({agree + differ + fallback} Dateien: {', '.join(notes)})"


def _meeting_on(protocol: _ProtocolName | None, meetings: dict[str, _Meeting]) -> _Meeting | None:
    if protocol is None or protocol.day is None:
        return None
    for m in meetings.values():
        if m.day == protocol.day and (protocol.committee is None or m.body in (None, protocol.committee)):
            return m
    return None


def _covers(tops: tuple[str, ...], number: str) -> bool:
    """Whether a protocol of `tops` covers agenda item `number`: "9" covers "9" and "9.1"."""
    return any(number == t or number.startswith(t + ".") for t in tops)


def _protocol_name(name: str | None) -> _ProtocolName | None:
    """What a protocol file's name says; None for any other name.

    >>> _protocol_name("Protokoll_HA_05.11.2024_Sitzungseröffnung und TOP 1")
    _ProtocolName(committee='Haupt- und Finanzausschuss', day=datetime.date(2024, 11, 5), tops=('1',))
    """
    m = _PROTOCOL.match(name or "")
    if m is None:
        return None
    day = day_of(m.group("date"), "%d.%m.%Y")
    return _ProtocolName(COMMITTEE_ABBREVIATIONS.get(m.group("abbr")), day, tuple(_TOP.findall(name or "")))


def _consultation(
    c: dict[str, Any],
    meetings: dict[str, _Meeting],
    learned: dict[str, tuple[str, date]],
    org_names: dict[str, str],
    protocols: list[_ProtocolName],
) -> Consultation:
    """One step of the Beratungsfolge. In a known meeting: its body, day, the agenda item and the
    item's result ("Gemeinderat 22.10.2024 (Entscheidung)", TOP 14, "mehrheitlich zugestimmt").
    In a meeting known only from the paper's protocol file: body, day and the TOP the protocol
    names, no result. Otherwise the body where the organization is known ("Gemeinderat
    (Behandlung)"), else the role alone."""
    url = _str(c.get("meeting")) or ""
    orgs = [o for o in _list(c.get("organization")) if isinstance(o, str)]
    role = _str(c.get("role"))
    authoritative = c.get("authoritative") if isinstance(c.get("authoritative"), bool) else None
    if meeting := meetings.get(url):
        item = meeting.items.get(_str(c.get("agendaItem")) or "") or meeting.by_consultation.get(
            _str(c.get("id")) or ""
        )
        return Consultation(
            body=meeting.body,
            meeting_date=meeting.day,
            role=role,
            agenda_item=_agenda_item(item),
            result=_str(item.get("result")) if item is not None else None,
            meeting_name=meeting.name,
            authoritative=authoritative,
            access=_access(meeting, item) or PUBLIC,
        )
    if url in learned:
        committee, day = learned[url]
        tops = next((p.tops for p in protocols if (p.committee, p.day) == (committee, day) and p.tops), ())
        named = AgendaItem(tops[0], "") if len(tops) == 1 else None
        return Consultation(committee, day, role, agenda_item=named, authoritative=authoritative)
    body = next((org_names[o] for o in orgs if o in org_names), None)
    return Consultation(body, None, role, authoritative=authoritative)


def _agenda_item(item: dict[str, Any] | None) -> AgendaItem | None:
    if item is None:
        return None
    return AgendaItem(_str(item.get("number")) or "", _str(item.get("name")) or "")


def _learn_meetings(
    papers: list[dict[str, Any]], known: dict[str, _Meeting], org_names: dict[str, str]
) -> dict[str, tuple[str, date]]:
    """Committee and date of meetings without JSON, paired from the papers' own data: a paper
    heard in meeting 9533 of organization gr/32130 (the Gemeinderat) that holds a file
    "Protokoll GR 19.11.2024 TOP 1" was heard there on 19.11.2024. Pairs are taken only where
    they are unique within a paper: by committee name, then the one meeting left with the one
    protocol left (which also names that organization: gr/28964 → Haupt- und Finanzausschuss,
    from "Protokoll_HA_08.10.2024_TOP 2"). `org_names` grows by what is learned; a meeting paired
    with two different protocols is dropped.

    Returns meeting url → (committee, day)."""
    open_papers = []
    for paper in papers:
        consults = {
            url: tuple(o for o in _list(c.get("organization")) if isinstance(o, str))
            for c in _list(paper.get("consultation"))
            if isinstance(c, dict) and (url := _str(c.get("meeting"))) and url not in known
        }
        protocols = {
            (p.committee, p.day)
            for f in [paper.get("mainFile"), *_list(paper.get("auxiliaryFile"))]
            if isinstance(f, dict)
            and (p := _protocol_name(_str(f.get("name"))))
            and p.committee
            and p.day
            and _meeting_on(p, known) is None
        }
        if consults and protocols:
            open_papers.append((consults, protocols))

    learned: dict[str, tuple[str, date]] = {}
    conflicts: set[str] = set()

    def learn(url: str, pair: tuple[str, date]) -> None:
        if learned.setdefault(url, pair) != pair:
            conflicts.add(url)

    changed = True
    while changed:
        changed = False
        for consults, protocols in open_papers:
            urls = [u for u in consults if u not in learned]
            left = [p for p in protocols if p not in learned.values()]
            for committee in {c for c, _ in left}:
                named = [u for u in urls if any(org_names.get(o) == committee for o in consults[u])]
                dated = [p for p in left if p[0] == committee]
                if len(named) == 1 and len(dated) == 1:
                    learn(named[0], dated[0])
                    changed = True
            urls = [u for u in consults if u not in learned]
            left = [p for p in protocols if p not in learned.values()]
            if len(urls) == 1 and len(left) == 1 and not any(o in org_names for o in consults[urls[0]]):
                learn(urls[0], left[0])
                org_names.update({o: left[0][0] for o in consults[urls[0]]})
                changed = True
    for url in conflicts:
        del learned[url]
    return learned


class _FileIndex:
    """Finds the corpus files an OParl file object stands for, by its id or file name:
    id …/files/649280 or fileName 00649280.pdf ↔ 649280.txt / 00649280.pdf."""

    def __init__(self, sources: set[str]) -> None:
        self._by_stem: dict[str, list[str]] = {}
        for s in sorted(sources):
            self._by_stem.setdefault(PurePosixPath(s).stem, []).append(s)

    def find(self, registry_source: str, file: dict[str, Any]) -> list[str]:
        """Files under the folder holding the registry's folder (docs/ for docs/papers/x.json),
        nearest to the registry file first; the nearest ones only."""
        stems = {_last(_str(file.get("id")) or "")}
        if file_name := _str(file.get("fileName")):
            stems.add(PurePosixPath(file_name).stem)
        home = PurePosixPath(registry_source).parent.parent.parts
        candidates = [
            s
            for stem in stems
            if stem
            for s in self._by_stem.get(stem, [])
            if PurePosixPath(s).parts[: len(home)] == home
        ]
        if not candidates:
            return []
        parts = PurePosixPath(registry_source).parts
        shared = {s: _shared(parts, PurePosixPath(s).parts) for s in candidates}
        best = max(shared.values())
        return sorted(s for s, n in shared.items() if n == best)


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _join(folder: PurePosixPath, rel: str) -> str:
    path = (folder / rel).as_posix()
    return path[2:] if path.startswith("./") else path


def _last(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
