"""Typed values that cross the assistant's boundaries: retrieved passages, citations, answers."""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistant.core.access import PUBLIC, AccessLevel
from assistant.core.dates import german
from assistant.core.documents import AgendaItem, Consultation, SourceRecord, file_of
from assistant.core.facts import TextFacts
from assistant.core.filters import AppliedFilters
from assistant.core.votes import Vote

_OUTCOME_DE = {
    "approved": "angenommen",
    "rejected": "abgelehnt",
    "noted": "zur Kenntnis genommen",
    "referred": "verwiesen",
    "deferred": "vertagt",
    "withdrawn": "zurückgezogen",
}


@dataclass(frozen=True)
class Passage:
    """A stored chunk as retrieval returns it, with everything a citation needs."""

    chunk_id: str
    source: str
    title: str
    committee: str | None
    meeting_date: date | None
    vorlage: str | None
    subject: str | None
    page: int | None
    paragraph: int
    paragraph_starts: tuple[int, ...]
    start: int  # offset of the chunk in its page's text
    text: str
    score: float | None  # cosine similarity to the question; None while the chunk has no vector yet
    doc_type: str | None = None
    agenda_item: AgendaItem | None = None  # the agenda item this chunk belongs to
    vote: Vote | None = None  # the vote result its agenda item records in this document
    decision: str | None = None  # the Beschluss of its agenda item, as printed
    also_in: tuple[str, ...] = ()  # other files with the same text (duplicates are stored once)
    record: SourceRecord | None = None  # registry metadata (OParl) of the primary file
    facts: TextFacts = field(default_factory=TextFacts)  # what `text` states, read at ingest
    access: AccessLevel = PUBLIC  # of this placement (`source`); `also_in` lists only readable ones
    # Where `text` goes on with list items of the next chunk (`continued`): they complete a list
    # the chunk announces, and are not sentences of their own. None: the chunk as stored.
    continuation: int | None = None

    @property
    def own_text(self) -> str:
        """The chunk's text as stored, without the list items that continue it."""
        return self.text[: self.continuation]

    def paragraph_at(self, offset: int) -> int:
        """Paragraph number (within the page) of the character at `offset` in this chunk."""
        index = sum(1 for s in self.paragraph_starts if s <= offset) - 1
        return self.paragraph + max(index, 0)

    @property
    def sources(self) -> tuple[str, ...]:
        """The files holding this text (`file_of`: one meeting of an agenda list is its file)."""
        return tuple(dict.fromkeys(file_of(s) for s in (self.source, *self.also_in)))

    @property
    def other_files(self) -> tuple[str, ...]:
        """The other files holding this text, as citations name them."""
        return self.sources[1:]


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage
    paragraph: int | None
    text: str  # the quoted passage, verbatim from the page text

    @property
    def source(self) -> str:
        """The cited file (`file_of`); the meeting, page and agenda item say where in it."""
        return file_of(self.passage.source)

    @property
    def page(self) -> int | None:
        return self.passage.page

    def location(self) -> list[str]:
        """Where the quote stands, for people: ['Niederschrift', 'Sozialausschuss', '08.02.2021',
        'TOP 10: …', 'Vorlage 50/004/2021', 'Seite 2', 'Absatz 7'] (only what is known), led by
        'nichtöffentlich' for a closed file, so that nobody forwards it unawares."""
        p = self.passage
        day = german(p.meeting_date) if p.meeting_date else None
        item = p.agenda_item.label() if p.agenda_item else p.subject
        parts = (
            p.access if p.access != PUBLIC else None,
            p.doc_type,
            p.committee,
            day,
            item,
            f"Vorlage {p.vorlage}" if p.vorlage else None,
            f"Seite {p.page}" if p.page else None,
            f"Absatz {self.paragraph}" if self.paragraph else None,
        )
        return [x for x in parts if x]

    def notes(self) -> list[str]:
        """What else a reader should know about this source: the recorded vote, what the
        registry says where it differs, and the other files holding the same text."""
        p = self.passage
        out = []
        if p.vote is not None:
            out.append(f"Abstimmungsergebnis laut {p.doc_type or 'Dokument'}: {vote_summary(p.vote)}")
        if p.record is not None and p.record.result:
            out.append(f"Ergebnis laut {p.record.registry}-Sitzungsdaten: {p.record.result}")
        if p.record is not None and (steps := beratungsfolge(p.record, p.access)):
            out.append(f"Beratungsfolge laut {p.record.registry}: {steps}")
        if p.other_files:
            out.append("Gleicher Text auch in: " + ", ".join(p.other_files))
        return out


@dataclass(frozen=True)
class Generation:
    """How the answer text came about. `extractive`: quoted sentences, no LLM. `generated`: the
    LLM's answer, each sentence checked against the passages it cites; `removed` holds the
    sentences that did not hold up and were taken out. `fallback`: the LLM was asked but its
    answer did not hold up (or the server failed), so the extractive answer is given; `note`
    says why, in German, for the reader."""

    mode: Literal["extractive", "generated", "fallback"] = "extractive"
    note: str | None = None
    removed: tuple[str, ...] = ()
    kept: int = 0  # generated sentences kept
    tokens: int = 0  # tokens the LLM generated
    seconds: float = 0.0  # time spent generating (and verifying)


EXTRACTIVE = Generation()


@dataclass(frozen=True)
class Reply:
    """What an answerer gives, the answer part of an `Answer`: text with [n] markers and its
    citations, or an abstention, and how it came about (quoted, or generated and verified)."""

    text: str
    citations: list[Citation]
    abstained: bool
    generation: Generation = EXTRACTIVE


@dataclass(frozen=True)
class Answer:
    """An answered question. Users and scripts see it as JSON (`ask --json`, /api/ask), written by
    `assistant.service.schema.AnswerOut`: this type knows nothing of its wire shape."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    retrieved: list[Passage]  # everything retrieval returned, best first (for evaluation)
    seconds: float
    filters: AppliedFilters = field(default_factory=AppliedFilters)  # what the search was restricted to
    generation: Generation = EXTRACTIVE
    standalone: str | None = None  # a follow-up as it was searched, made standalone from the chat history


@dataclass(frozen=True)
class Delta:
    """A piece of answer text as the LLM streams it (before verification)."""

    text: str


def beratungsfolge(record: SourceRecord, access: AccessLevel = PUBLIC) -> str:
    """A paper's consultations in the registry's order, as far as a reader of a file of level
    `access` may see them (a step in a closed agenda item only beside a closed file).

    >>> hfa = Consultation("Haupt- und Finanzausschuss", date(2024, 10, 8), "Vorberatung")
    >>> gr = Consultation("Gemeinderat", date(2024, 10, 22), "Entscheidung", result="mehrheitlich zugestimmt")
    >>> beratungsfolge(SourceRecord("OParl", consultations=(hfa, gr)))
    'Haupt- und Finanzausschuss 08.10.2024 (Vorberatung) → Gemeinderat 22.10.2024 (Entscheidung): \
mehrheitlich zugestimmt'
    """
    return " → ".join(
        c.label() + (f": {c.result}" if c.result else "") for c in visible_steps(record, access)
    )


def visible_steps(record: SourceRecord, access: AccessLevel = PUBLIC) -> list[Consultation]:
    """The record's consultations a reader of a file of level `access` may see."""
    return [c for c in record.consultations if c.access == PUBLIC or access != PUBLIC]


def vote_summary(vote: Vote) -> str:
    """'einstimmig angenommen (43 Ja, 2 Enthaltungen)'."""
    counts = [
        f"{n} {label}"
        for n, label in ((vote.yes, "Ja"), (vote.no, "Nein"), (vote.abstain, "Enthaltungen"))
        if n is not None
    ]
    words = ("einstimmig " if vote.unanimous else "") + _OUTCOME_DE[vote.outcome]
    return f"{words} ({', '.join(counts)})" if counts else words
