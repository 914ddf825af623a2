"""A RIS agenda list → one document per meeting, each agenda item with its recorded result.

Erlangen's gremien_tops.json lists 4,097 agenda items (TOPs) of the Stadtrat and three
committees over a whole term, each with the meeting, its number, title and the result the RIS
records ("beschluss"):
    {"gremium": "Stadtrat", "datum": "2024-05-15", "ksinr": "2115703", "top": "Ö 22",
     "titel": "5. Deckblatt zum Bebauungsplan Nr. 402 – … hier: Satzungsbeschluss",
     "beschluss": "mehrheitlich angenommen", "url": "https://ratsinfo.erlangen.de/to0050.asp?…"}
It is the only record of what these bodies decided that the corpus holds, and it answers what
minutes cannot: which body heard a paper when, and what came of it in the end. Each meeting
becomes a document of type Beratungsergebnis, one paragraph per item, written so that it reads
on its own when quoted:
    Stadtrat, Sitzung vom 15.05.2024, TOP Ö 22: 5. Deckblatt zum Bebauungsplan Nr. 402 – …
    Beschluss: mehrheitlich angenommen
Its agenda items are the document's sections, with the result as the item's decision and vote,
so that the answerer treats them as it treats a protocol's. An item without a recorded result is
listed without a Beschluss line (the RIS leaves it empty for items only reported on or
pre-advised). A document's source is the list's source and the meeting, "gremien_tops.json#Stadtrat
2024-05-15" (`recorded_source`; citations name the list file, `file_of`). Its access is decided
per item by the item number ("NÖ 3"), as for any agenda item.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from assistant.core.dates import day_of, german
from assistant.core.documents import (
    AgendaItem,
    CouncilDocument,
    Page,
    Section,
    SourceRecord,
    recorded_source,
)
from assistant.core.votes import Vote, parse_vote

DOC_TYPE = "Beratungsergebnis"


@dataclass(frozen=True)
class _Item:
    body: str
    day: date
    meeting: str  # the RIS's meeting id, or body and day where it gives none
    number: str
    title: str
    result: str | None


def is_agenda_list(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("tops"), list)


def meeting_documents(source: str, data: dict[str, Any]) -> dict[str, CouncilDocument]:
    """The list's meetings as documents, keyed by their source ("LIST#BODY DAY"). Items without
    a body, a day or a title are left out; so is a list of no such item (an empty dict)."""
    meetings: dict[str, list[_Item]] = defaultdict(list)
    for entry in data["tops"]:
        item = _item(entry)
        if item is not None:
            meetings[item.meeting].append(item)
    names: dict[str, int] = defaultdict(int)
    for items in meetings.values():
        names[f"{items[0].body} {items[0].day.isoformat()}"] += 1
    registry = _text(data.get("quelle")) or "RIS"
    documents = {}
    for meeting, items in meetings.items():
        first = items[0]
        name = f"{first.body} {first.day.isoformat()}"
        if names[name] > 1:  # two meetings of one body on one day: the RIS's id tells them apart
            name = f"{name} ({meeting})"
        doc = _document(recorded_source(source, name), items, registry, source)
        documents[doc.source] = doc
    return documents


def _item(entry: object) -> _Item | None:
    if not isinstance(entry, dict):
        return None
    body, title = _text(entry.get("gremium")), _text(entry.get("titel"))
    day = day_of(_text(entry.get("datum")))
    if body is None or title is None or day is None:
        return None
    meeting = _text(entry.get("ksinr")) or f"{body} {day.isoformat()}"
    number = _text(entry.get("top")) or "?"
    return _Item(body, day, meeting, number, " ".join(title.split()), _text(entry.get("beschluss")))


def _document(source: str, items: list[_Item], registry: str, list_source: str) -> CouncilDocument:
    first = items[0]
    head = f"{first.body}, Sitzung vom {german(first.day)}"
    paragraphs: list[str] = []
    sections: list[Section] = []
    offset = 0
    for item in items:
        text = f"{head}, TOP {item.number}: {item.title}"
        if item.result:
            text += f"\nBeschluss: {item.result}"
        vote = _result_vote(item.result) if item.result else None
        sections.append(Section(0, offset, AgendaItem(item.number, item.title), item.result, vote))
        paragraphs.append(text)
        offset += len(text) + 2
    return CouncilDocument(
        source=source,
        title=f"Beschlussergebnisse {first.body} {german(first.day)} ({registry})",
        committee=first.body,
        meeting_date=first.day,
        vorlage=None,
        subject=None,
        pages=[Page(None, "\n\n".join(paragraphs))],
        doc_type=DOC_TYPE,
        sections=sections,
        record=SourceRecord(
            registry=registry,
            doc_type=DOC_TYPE,
            body=first.body,
            meeting_date=first.day,
            registry_file=list_source,
        ),
    )


@cache
def _result_vote(result: str) -> Vote | None:
    """The vote grammar's reading of a recorded result; a list holds a dozen distinct ones."""
    return parse_vote(f"Beschluss: {result}")


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
