"""What became of a paper, answered from its Beratungsfolge as data.

"Was ist aus der Vorlage 2024/0868 geworden?" asks for the paper's path through the bodies, and
the registry knows it: which body heard it in which meeting, in which role, under which agenda
item, and what the meeting record says came of it (`Catalog.consultations`). The answer lists
these steps, the latest first, each cited to the document it stands in: the Niederschrift of that
meeting where the index holds it (its Beschluss and vote result are quoted beside the registry's
result, so that where they differ both are seen), else the paper itself, whose registry record
gives the step. The paper's other documents follow as citations. Example (Karlsruhe):

    Beratungsfolge der Vorlage 2024/0868 „Grundsteuerreform 2025 – …“ (Informationsvorlage vom
    31.07.2024), die jüngste Beratung zuerst:
    1. 22.10.2024 Gemeinderat, TOP 14 (Entscheidung): mehrheitlich zugestimmt; laut Niederschrift:
       „Der Gemeinderat nimmt … Kenntnis und beschließt …“, mehrheitliche Zustimmung (25 Ja, 22 Nein) [1]
    2. 08.10.2024 Haupt- und Finanzausschuss, TOP 2 (Vorberatung): kein Ergebnis in den
       Sitzungsdaten; laut Niederschrift: „Kenntnisnahme im Rahmen der Vorberatung …“ [2]

Only steps and documents the viewer may read are used (`readable`); without a known step the
question goes to the ordinary answerer.
"""

import re
from dataclasses import dataclass
from datetime import date

from assistant.core.access import AccessLevel
from assistant.core.answers import Citation, Passage, Reply
from assistant.core.dates import german
from assistant.core.doc_types import MEETING_RECORDS
from assistant.core.documents import Consultation, CouncilDocument, SourceRecord
from assistant.core.filters import Filters
from assistant.index.catalog import Catalog, PaperConsultation, StoredChunk

# A question about what became of a paper (its Vorlage number is read by the question filters,
# or the best passages all belong to it: `paper_of`).
_ASKS = re.compile(
    r"\bwas\s+(?:ist|wurde)\s+(?:denn\s+)?aus\b|\bgeworden\b|\bwas\s+(?:geschah|passierte)\s+mit\b"
    r"|\b(?:stand|sachstand|verlauf|werdegang|beratungsfolge|beratungsweg|beratungsstand)\b"
    r"|\bwo\b.*\bberaten\b|\bwelche[nms]?\s+(?:gremien|gremium|ausschüsse?n?)\b.*\bberaten\b"
    r"|\bwie\s+ging\b.*\bweiter\b",
    re.I,
)
MAX_DOCUMENTS = 4  # the paper's own documents cited after the steps, at most
PAPER_PASSAGES = 3  # the best passages that must agree on the paper a question names none of
_QUOTE_CHARS = 400


def asks_for_consultations(question: str) -> bool:
    """
    >>> asks_for_consultations("Was ist aus der Vorlage 2024/0868 geworden?")
    True
    >>> asks_for_consultations("Wie wurde über die Vorlage 2024/0868 abgestimmt?")
    False
    """
    return bool(_ASKS.search(question))


def paper_of(passages: list[Passage]) -> str | None:
    """The paper the question is about where it names none: the one Vorlage that the best
    `PAPER_PASSAGES` passages all belong to ("Was ist aus dem SPD-Antrag zur Wertschätzung der
    Wahlhelfer geworden?" finds the Antrag, its Stellungnahme and the minutes of 2024/1075)."""
    best = passages[:PAPER_PASSAGES]
    papers = {p.vorlage for p in best}
    return next(iter(papers)) if len(best) == PAPER_PASSAGES and len(papers) == 1 else None


@dataclass(frozen=True)
class _Cited:
    chunk: StoredChunk
    start: int
    end: int


def consultation_reply(
    question: str, paper: str | None, catalog: Catalog, readable: frozenset[AccessLevel] | None
) -> Reply | None:
    """The Beratungsfolge of `paper` (the Vorlage number the question names and the index
    holds) as the answer to `question`, or None where the question does not ask for it or the
    index knows no step of it that the viewer may read."""
    if paper is None or not asks_for_consultations(question):
        return None
    steps = catalog.consultations(paper, readable)
    if not steps:
        return None
    sources = sorted({s for step in steps for s in step.sources})
    docs = {s: d for s in sources if (d := catalog.document(s)) is not None}
    record = next((d.record for d in docs.values() if d.record is not None), None)
    citations: list[Citation] = []
    numbers: dict[str, int] = {}  # chunk key and quote start → citation number

    def cite(found: _Cited | None) -> str:
        if found is None:
            return ""
        key = f"{found.chunk.key}:{found.start}"
        if key not in numbers:
            passage = found.chunk.passage(None)
            numbers[key] = len(citations) + 1
            text = found.chunk.text[found.start : found.end]
            citations.append(Citation(numbers[key], passage, passage.paragraph_at(found.start), text))
        return f" [{numbers[key]}]"

    papers_own = _papers_documents(docs)
    lines = [_heading(paper, record)]
    for n, step in enumerate(_latest_first(steps), 1):
        protocol = _protocol_of(step.consultation, docs)
        decision, vote = (
            _decision_in(protocol, step.consultation, catalog, readable) if protocol else (None, None)
        )
        line = f"{n}. {_step(step.consultation)}"
        if decision is not None and (section := decision.chunk.section) is not None:
            line += (
                f"; laut {decision.chunk.doc.doc_type or 'Niederschrift'}: „{_shortened(section.decision)}“"
            )
            line += cite(decision)
            if section.vote is not None and vote is not None:  # (None: the quote holds it)
                line += f", {section.vote.text}{cite(vote)}"
        elif papers_own:
            line += cite(_opening(papers_own[0], catalog, readable))
        lines.append(line)
    own = [c for d in papers_own[:MAX_DOCUMENTS] if (c := _opening(d, catalog, readable)) is not None]
    if own:
        titles = [f"{_title(c.chunk, docs)}{cite(c)}" for c in own]
        lines.append("Unterlagen der Vorlage: " + "; ".join(titles))
    return Reply(text="\n".join(lines), citations=citations, abstained=False)


def _heading(paper: str, record: SourceRecord | None) -> str:
    title, kind, day = (record.paper_title, record.paper_type, record.paper_date) if record else (None,) * 3
    about = f" „{title}“" if title else ""
    what = " ".join(x for x in (kind, f"vom {german(day)}" if day else None) if x)
    what = f" ({what})" if what else ""
    return f"Beratungsfolge der Vorlage {paper}{about}{what}, die jüngste Beratung zuerst:"


def _latest_first(steps: list[PaperConsultation]) -> list[PaperConsultation]:
    """Dated steps from the latest; undated ones after them, the registry's order reversed (it
    lists the Beratungsfolge oldest first)."""
    dated = sorted(
        (s for s in steps if s.consultation.meeting_date),
        key=lambda s: s.consultation.meeting_date or date.min,
    )
    undated = [s for s in steps if not s.consultation.meeting_date]
    return dated[::-1] + undated[::-1]


def _step(c: Consultation) -> str:
    """ "22.10.2024 Gemeinderat, TOP 14 (Entscheidung): mehrheitlich zugestimmt" """
    head = " ".join(x for x in (german(c.meeting_date) if c.meeting_date else None, c.body) if x)
    head = head or "Gremium und Sitzung nicht bekannt"
    if c.agenda_item is not None and c.agenda_item.number:
        head += f", TOP {c.agenda_item.number}"
    if c.access != "öffentlich":
        head += f" ({c.access})"
    role = f" ({c.role})" if c.role else ""
    if c.result:
        outcome = c.result
    elif c.meeting_date:
        outcome = "kein Ergebnis in den Sitzungsdaten"
    else:
        outcome = "Sitzung nicht bekannt"
    return f"{head}{role}: {outcome}"


def _protocol_of(c: Consultation, docs: dict[str, CouncilDocument]) -> CouncilDocument | None:
    """The paper's Niederschrift (or other record) of the step's meeting: same day and body."""
    if c.meeting_date is None:
        return None
    found = [
        d
        for d in docs.values()
        if d.doc_type in MEETING_RECORDS
        and d.meeting_date == c.meeting_date
        and d.committee in (None, c.body)
    ]
    return min(found, key=lambda d: d.source, default=None)


def _decision_in(
    doc: CouncilDocument, c: Consultation, catalog: Catalog, readable: frozenset[AccessLevel] | None
) -> tuple[_Cited | None, _Cited | None]:
    """Where the record gives the step's agenda item's Beschluss (from "Beschluss:" to the end
    of its sentence) and, where the vote result stands apart from it, the result's line."""
    chunks = _chunks_of(doc.source, catalog, readable)
    number = c.agenda_item.number if c.agenda_item else None
    for i, chunk in enumerate(chunks):
        section = chunk.section
        if section is None or section.decision is None:
            continue
        if number and section.item is not None and not _covers(section.item.number, number):
            continue
        text = chunk.text
        start = text.find("Beschluss")
        if start < 0:
            start = text.find(section.decision[:40])
        if start < 0:
            continue
        end = _sentence_end(text, start + len("Beschluss:") + len(section.decision), start + _QUOTE_CHARS)
        decision = _Cited(chunk, start, end)
        if section.vote is None:
            return decision, None
        for later in chunks[i:]:
            at = later.text.find(section.vote.text, start if later is chunk else 0)
            if at >= 0:
                if later is chunk and at < end:
                    return decision, None  # quoted with the decision
                line_start = later.text.rfind("\n", 0, at) + 1
                line_end = later.text.find("\n", at)
                return decision, _Cited(later, line_start, line_end if line_end >= 0 else len(later.text))
        return decision, None
    return None, None


def _shortened(text: str | None, limit: int = 160) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + " …"


def _papers_documents(docs: dict[str, CouncilDocument]) -> list[CouncilDocument]:
    """The paper's own documents (Vorlage, Antrag, Anlagen; not the meeting records), the
    Vorlage itself first."""
    own = [d for d in docs.values() if d.doc_type not in MEETING_RECORDS]
    paper_type = next((d.record.paper_type for d in own if d.record and d.record.paper_type), None)

    def rank(d: CouncilDocument) -> tuple[bool, str]:
        name = d.record.file_name if d.record else None
        return (name != paper_type, d.source)

    return sorted(own, key=rank)


def _opening(
    doc: CouncilDocument, catalog: Catalog, readable: frozenset[AccessLevel] | None
) -> _Cited | None:
    """The document's first passage, its first sentences quoted."""
    chunks = _chunks_of(doc.source, catalog, readable)
    if not chunks:
        return None
    text = chunks[0].text
    start = len(text) - len(text.lstrip())
    return _Cited(chunks[0], start, _sentence_end(text, start + 120, start + _QUOTE_CHARS))


def _chunks_of(source: str, catalog: Catalog, readable: frozenset[AccessLevel] | None) -> list[StoredChunk]:
    keys = catalog.keys_of_sources([source], Filters(readable=readable))
    found = catalog.chunks(keys, readable)
    return [found[k] for k in keys if k in found]


def _title(chunk: StoredChunk, docs: dict[str, CouncilDocument]) -> str:
    doc = docs.get(chunk.primary.source) or chunk.doc
    name = doc.record.file_name if doc.record and doc.record.file_name else doc.title
    return name


def _covers(item: str, number: str) -> bool:
    """A section of TOP "14" covers the step's TOP "14" and "14.1"; "9.1" covers "9.1"."""
    return number == item or number.startswith(item + ".") or item.startswith(number + ".")


def _sentence_end(text: str, at_least: int, at_most: int) -> int:
    """The end of the sentence running at `at_least` (or `at_most`, whichever comes first)."""
    at_least = min(at_least, len(text))
    m = re.compile(r"[.!?](?=\s)|\n\s*\n").search(text, at_least)
    end = m.end() if m else len(text)
    return min(end, at_most, len(text))
