"""The typed values that cross the ingest stages: pages of a file, the council document, its chunks."""

from dataclasses import dataclass, field
from datetime import date

from assistant.core.access import PUBLIC, AccessLevel
from assistant.core.dates import german
from assistant.core.facts import TextFacts
from assistant.core.votes import Vote


def recorded_source(file: str, name: str) -> str:
    """The source of a document that a registry file records as text, one meeting of a RIS
    agenda list: the file and the meeting, "gremien_tops.json#Stadtrat 2024-05-15"."""
    return f"{file}#{name}"


def file_of(source: str) -> str:
    """The file a stored document comes from, as citations name it: its source, or for a
    document a registry file records (`recorded_source`) that file.

    >>> file_of("erlangen/gremien_tops.json#Stadtrat 2024-05-15"), file_of("Antrag #12.pdf")
    ('erlangen/gremien_tops.json', 'Antrag #12.pdf')
    """
    file, mark, _ = source.partition("#")
    return file if mark and file.lower().endswith(".json") else source


@dataclass(frozen=True)
class Page:
    """Text of one page after clean-up. `number` is 1-based for paged formats (PDF), None otherwise."""

    number: int | None
    text: str


@dataclass(frozen=True)
class AgendaItem:
    """An agenda item (TOP) as printed: number "14" or "3.1", and its title."""

    number: str
    title: str

    def label(self) -> str:
        return f"TOP {self.number}: {self.title}" if self.title else f"TOP {self.number}"


@dataclass(frozen=True)
class Section:
    """The part of a document that belongs to one agenda item: it starts at offset `start` of
    page `pages[page_index]` and runs to the start of the next section. `item` is None for text
    before the first agenda item (a header, the attendance list). `decision` is the Beschluss
    as printed (its first sentences), `vote` the result stated in this section."""

    page_index: int
    start: int
    item: AgendaItem | None
    decision: str | None = None
    vote: Vote | None = None


@dataclass(frozen=True)
class Consultation:
    """One step of a paper's Beratungsfolge as the registry gives it: which body heard it in which
    meeting, in which role, under which agenda item, and what the meeting record says came of it.
    Where the meeting's own data is not in the registry, the body and day may be known from the
    paper's protocol files ("Protokoll_HA_08.10.2024_TOP 2") and the result is unknown.

    >>> Consultation("Gemeinderat", date(2024, 10, 22), "Entscheidung").label()
    'Gemeinderat 22.10.2024 (Entscheidung)'
    >>> Consultation(None, None, "Anhörung").label(), Consultation("Gemeinderat", None, None).label()
    ('Anhörung', 'Gemeinderat')
    """

    body: str | None  # "Gemeinderat"
    meeting_date: date | None
    role: str | None  # "Entscheidung", "Vorberatung", "Kenntnisnahme", …
    agenda_item: AgendaItem | None = None
    result: str | None = None  # the agenda item's result in the meeting data: "mehrheitlich zugestimmt"
    meeting_name: str | None = None
    authoritative: bool | None = None  # OParl: this consultation decides the paper
    access: AccessLevel = PUBLIC  # nichtöffentlich: its agenda item or meeting is closed

    def label(self) -> str:
        """Body, day and role: "Gemeinderat 22.10.2024 (Entscheidung)"; what is unknown is left out."""
        head = " ".join(x for x in (self.body, german(self.meeting_date) if self.meeting_date else None) if x)
        if head:
            return f"{head} ({self.role})" if self.role else head
        return self.role or ""


@dataclass(frozen=True)
class SourceRecord:
    """What a registry (OParl paper/meeting JSON, a RIS index) says about one file, kept apart
    from what the file's own text says, so that both can be shown where they disagree."""

    registry: str  # e.g. "OParl", names the origin in citations
    paper_reference: str | None = None  # "2024/0868"
    paper_title: str | None = None
    paper_type: str | None = None  # "Beschlussvorlage", "Antrag", …
    paper_date: date | None = None
    file_name: str | None = None  # the registry's name of the file, e.g. "Protokoll GR 22.10.2024 TOP 22"
    doc_type: str | None = None  # the file's document type, derived from its registry name
    body: str | None = None  # "Gemeinderat"
    meeting_name: str | None = None  # "3. Plenarsitzung des Gemeinderates"
    meeting_date: date | None = None
    agenda_item: AgendaItem | None = None
    result: str | None = None  # the meeting record's result, e.g. "mehrheitlich zugestimmt"
    result_vote: Vote | None = None  # that result as the vote grammar reads it
    consultations: tuple[Consultation, ...] = ()  # the paper's Beratungsfolge, in the registry's order
    url: str | None = None  # where the original file can be downloaded
    registry_file: str | None = None  # the registry file it was read from, e.g. "docs/papers/48935.json"
    access: AccessLevel | None = None  # "nichtöffentlich": the registry says so (agenda item, meeting)


@dataclass(frozen=True)
class CouncilDocument:
    source: str  # path relative to the ingested folder, with forward slashes
    title: str
    committee: str | None
    meeting_date: date | None
    vorlage: str | None  # paper number as printed, e.g. "50/004/2021"
    subject: str | None  # agenda item or subject line, e.g. "TOP 14: Grundsteuerreform 2025 – …"
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
    # Niederschrift, Beratungsergebnis, Vorlage, Antrag, Anfrage, Stellungnahme, Satzung,
    # Einladung, Anlage; minutes, agenda, report for English documents
    doc_type: str | None = None
    sections: list[Section] = field(default_factory=list)  # in text order; empty: one undivided part
    record: SourceRecord | None = None  # registry metadata (OParl) for this file, if any
    # Who may read it (`assistant.core.access`); a section of a closed agenda item can be
    # stricter (`Catalog` facets).
    access: AccessLevel = PUBLIC


@dataclass(frozen=True)
class Chunk:
    """A run of whole paragraphs of one page. `start`/`end` are offsets into that page's text, so
    `page.text[start:end] == text`; `paragraph_starts` are the chunk-relative offsets of its
    paragraphs, numbered from `paragraph` (1-based within the page). `section` indexes
    `doc.sections` (the agenda item the chunk belongs to); None where the document has none."""

    source: str
    index: int  # position within the document
    page: int | None
    paragraph: int
    paragraph_starts: tuple[int, ...]
    start: int
    end: int
    text: str
    section: int | None = None  # index into the document's sections
    facts: TextFacts = field(default_factory=TextFacts)  # what `text` states (votes, dates)
