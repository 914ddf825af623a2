"""Registry metadata for the files of an ingested folder: OParl paper and meeting JSON, the
manifest derived from them, RIS document indexes, and RIS agenda lists, which are read as
documents of their own (one per meeting, `Registry.documents`). A text that lists the folder's
own files (a corpus's SOURCES.md) is no document either, and is reported as skipped.

A council's registry knows what a file's text often does not say: which paper it belongs to,
what kind of file it is, which agenda item it was heard under and what the meeting record says
came of it. `read_registries` reads every registry file under the folder and gives a
SourceRecord per described file; `apply_record` attaches it to the document read from that
file. The text stays the first source: a record only fills fields the text left empty, and it
stays attached, so where both speak and disagree both can be shown. Example (Karlsruhe TOP 5):
    Niederschrift text: "Einstimmige Zustimmung (43 Ja, 2 Enthaltungen)"
    record.result (meeting JSON): "mehrheitlich zugestimmt"

Registry files are recognised by content, not by name: OParl objects by their "type"
(https://schema.oparl.org/1.1/Paper, …/Meeting, …/Organization), a RIS index as a list of dated
document entries, the manifest by its columns. Any other .json/.csv gets a reason in `problems`,
never an error.
"""

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.core.doc_types import MEETING_RECORDS
from assistant.core.documents import CouncilDocument, SourceRecord
from ingest.readers import cannot_read
from ingest.registry.agenda_list import is_agenda_list
from ingest.registry.listing import LISTING_SUFFIXES, MAX_LISTING_BYTES, MIN_LISTED, listed_files
from ingest.registry.oparl import is_manifest, read_oparl
from ingest.registry.records import Registry
from ingest.registry.ris import is_ris_index, read_ris

__all__ = ["REGISTRY_SUFFIXES", "Registry", "apply_record", "read_registries"]

REGISTRY_SUFFIXES = frozenset({".json", ".csv"})
MAX_REGISTRY_BYTES = 64 * 2**20  # a registry export is a few MB; larger is some other data set


class _Unusable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_registries(base: Path, files: list[Path]) -> Registry:
    """The records of every registry file among `files` (all files found under `base`), keyed by
    the described file's path relative to `base` with forward slashes, as the pipeline names
    sources. Works on any folder: one without registries gives an empty Registry."""
    sources = {f.relative_to(base).as_posix() for f in files}
    problems: dict[str, str] = {}
    papers: list[tuple[str, dict[str, Any]]] = []
    meetings: list[tuple[str, dict[str, Any]]] = []
    organizations: list[tuple[str, dict[str, Any]]] = []
    manifests: list[tuple[str, str]] = []
    indexes: list[tuple[str, list[Any]]] = []
    agenda_lists: list[tuple[str, dict[str, Any]]] = []

    for file in files:
        if file.suffix.lower() in LISTING_SUFFIXES:
            if listed := _listing(file, sources):
                problems[file.relative_to(base).as_posix()] = (
                    f"Verzeichnis der Dateien dieses Ordners ({listed} Dateien genannt); kein Ratsdokument, "
                    "nicht eingelesen"
                )
            continue
        if file.suffix.lower() not in REGISTRY_SUFFIXES:
            continue
        source = file.relative_to(base).as_posix()
        try:
            if file.suffix.lower() == ".csv":
                text = _read_text(file)
                if not is_manifest(next(csv.reader(io.StringIO(text)), [])):
                    raise _Unusable(
                        "CSV ohne die Manifest-Spalten txt_file, paper_json, …; keine Registerdatei"
                    )
                manifests.append((source, text))
                continue
            data = _read_json(file)
        except _Unusable as exc:
            problems[source] = exc.reason
            continue
        for kind, obj in _oparl_objects(data):
            if kind == "Paper":
                papers.append((source, obj))
            elif kind == "Meeting":
                meetings.append((source, obj))
            elif kind == "Organization":
                organizations.append((source, obj))
            else:
                problems[source] = (
                    f"OParl-{kind}: nicht gelesen (gelesen werden nur Paper, Meeting und Organization)"
                )
        if source in problems or any(s == source for s, _ in papers + meetings + organizations):
            continue
        if is_ris_index(data):
            indexes.append((source, data))
        elif is_agenda_list(data):
            agenda_lists.append((source, data))
        else:
            problems[source] = (
                "JSON, aber keine lesbare Registerdatei (gelesen werden OParl Paper/Meeting/Organization, "
                "RIS-Index, RIS-Tagesordnungsliste)"
            )

    oparl = read_oparl(papers, meetings, manifests, sources, organizations)
    ris = read_ris(indexes, agenda_lists, sources)
    records = dict(ris.records)
    records.update(oparl.records)  # a file described by both: OParl's record is the richer one
    used = {**oparl.used, **ris.used}
    problems.update(oparl.problems)
    problems.update(ris.problems)
    for source in used:
        problems.pop(source, None)  # a paper JSON that also held an unread object was still used
    documents = {**ris.documents, **oparl.documents}
    return Registry(records=records, used=used, problems=problems, documents=documents)


def apply_record(doc: CouncilDocument, record: SourceRecord) -> CouncilDocument:
    """`doc` with `record` attached and the fields its text left empty filled from the record.

    The meeting date is taken only for a file of the meeting itself (protocol, vote result,
    invitation, or a file the registry lists under the meeting, not under a paper): a paper's
    Vorlage is dated by the paper and heard in several meetings. The subject is the agenda item
    where the registry gives its title, else the paper's title.
    """
    meeting_file = record.doc_type in MEETING_RECORDS or record.paper_reference is None
    item = record.agenda_item
    subject = item.label() if item is not None and item.title else record.paper_title
    return replace(
        doc,
        record=record,
        vorlage=doc.vorlage or record.paper_reference,
        committee=doc.committee or record.body,
        meeting_date=doc.meeting_date or (record.meeting_date if meeting_file else None),
        doc_type=doc.doc_type or record.doc_type,
        subject=doc.subject or subject,
    )


def _listing(file: Path, sources: set[str]) -> int:
    """How many of the folder's files `file` names, where it names enough to be a listing of
    them (`ingest.registry.listing`); else 0."""
    try:
        if file.stat().st_size > MAX_LISTING_BYTES:
            return 0
        text = file.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return 0  # the reader reports it
    listed = listed_files(text, sources - {file.name})
    return listed if listed >= MIN_LISTED else 0


def _read_text(file: Path) -> str:
    try:
        if file.stat().st_size > MAX_REGISTRY_BYTES:
            raise _Unusable(f"größer als {MAX_REGISTRY_BYTES // 2**20} MB; nicht als Registerdatei gelesen")
        return file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise _Unusable(cannot_read(exc)) from exc
    except UnicodeDecodeError as exc:
        raise _Unusable(f"kein UTF-8-Text (Byte {exc.start}); als UTF-8 speichern") from exc


def _read_json(file: Path) -> Any:
    text = _read_text(file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Unusable(f"ungültiges JSON ({exc.msg} in Zeile {exc.lineno}, Spalte {exc.colno})") from exc


def _oparl_objects(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """(type name, object) for an OParl object, or for each object of an OParl list page
    ({"data": [...]}): "https://schema.oparl.org/1.1/Paper" → "Paper"."""
    objects: list[Any] = [data]
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        objects = data["data"]
    found = []
    for obj in objects:
        kind = obj.get("type") if isinstance(obj, dict) else None
        if isinstance(kind, str) and "oparl.org" in kind:
            found.append((kind.rstrip("/").rsplit("/", 1)[-1], obj))
    return found
