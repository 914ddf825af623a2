"""A RIS document index (Erlangen SessionNet, SBR/index.json) → a SourceRecord per listed file.

Each entry names a document of a meeting and the file it was saved as, beside the index:
    {"doc_id": "18195634", "date": "2020-10-20", "category": "Niederschrift",
     "title": "Niederschrift 2. Sitzung STBR Büchenbach",
     "filename": "2020-10-20_Niederschrift_Niederschrift_2_Sitzung_STBR_Buechenbach.pdf",
     "href": "getfile.asp?id=18195634&type=do"}
The file name is date_category_title with umlauts spelled out, dots dropped and blanks as "_"
(see `ris_file_name`), so an entry without "filename" still finds its file. `date` is the
meeting's date (SessionNet lists documents under their meeting), also for a Niederschrift that
was written two weeks later.

A RIS agenda list (Erlangen gremien_tops.json: TOPs with Beschlussergebnis of other
committees) describes meetings, not files: each meeting becomes a document of its own
(`ingest.registry.agenda_list`). Its TOP URLs name the RIS host, which turns the index's
relative hrefs into download URLs.
"""

import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from assistant.core.dates import day_of
from assistant.core.doc_types import doc_type_for
from assistant.core.documents import SourceRecord
from ingest.registry.agenda_list import meeting_documents
from ingest.registry.records import Registry

_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def is_ris_index(data: object) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(e, dict) and ("filename" in e or "title" in e) and "date" in e for e in data)
    )


def ris_file_name(date: str, category: str, title: str) -> str:
    """The name SessionNet exports give a document.

    >>> ris_file_name("2021-04-14", "Anhang", "Erlangen-Maßnahmenplan 2035-5")
    '2021-04-14_Anhang_Erlangen-Massnahmenplan_2035-5.pdf'
    """
    slug = re.sub(r"\s+", "_", title.translate(_SPELLED).replace(".", "").strip())
    return f"{date}_{category}_{slug}.pdf"


def read_ris(
    indexes: list[tuple[str, list[Any]]],
    agenda_lists: list[tuple[str, dict[str, Any]]],
    sources: set[str],
) -> Registry:
    registry = Registry()
    hosts = {}  # folder of an agenda list → its RIS host
    for source, data in agenda_lists:
        tops = data["tops"]
        meetings = meeting_documents(source, data)
        if meetings:
            bodies = ", ".join(sorted({d.committee for d in meetings.values() if d.committee}))
            registry.documents.update(meetings)
            registry.used[source] = (
                f"RIS-Tagesordnungsliste ({len(tops)} TOPs in {len(meetings)} Sitzungen von {bodies}): "
                "je Sitzung ein Dokument mit den Beschlussergebnissen"
            )
        else:
            registry.problems[source] = (
                f"RIS-Tagesordnungsliste ohne lesbaren TOP ({len(tops)} Einträge; gelesen werden "
                "gremium, datum und titel)"
            )
        for t in tops:
            url = t.get("url") if isinstance(t, dict) else None
            if isinstance(url, str) and urlsplit(url).netloc:
                hosts[PurePosixPath(source).parent] = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
                break

    for source, entries in indexes:
        folder = PurePosixPath(source).parent
        host = next((h for f, h in hosts.items() if f == folder or f in folder.parents), None)
        found = 0
        for entry in entries:
            target = _target(folder, entry, sources)
            if target is None or target in registry.records:
                continue
            found += 1
            category = _str(entry.get("category"))
            title = _str(entry.get("title"))
            href = _str(entry.get("href"))
            registry.records[target] = SourceRecord(
                registry="RIS",
                file_name=title,
                doc_type=doc_type_for(category) or doc_type_for(title),
                meeting_date=day_of(_str(entry.get("date"))),
                url=urljoin(host, href) if href and host else href,
                registry_file=source,
            )
        if found:
            of = (
                f"{found} Dokument{'e' * (found != 1)}"
                if found == len(entries)
                else f"{found} von {len(entries)} Dokumenten"
            )
            registry.used[source] = f"RIS-Index ({of})"
        else:
            registry.problems[source] = (
                "RIS-Index: beschreibt keine Datei des Korpus "
                f"(keines seiner {len(entries)} Dokumente liegt hier)"
            )
    return registry


def _target(folder: PurePosixPath, entry: dict[str, Any], sources: set[str]) -> str | None:
    names = [_str(entry.get("filename"))]
    date, category, title = (_str(entry.get(k)) for k in ("date", "category", "title"))
    if date and category and title:
        names.append(ris_file_name(date, category, title))
    for name in names:
        if name and (path := (folder / name).as_posix().removeprefix("./")) in sources:
            return path
    return None


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
