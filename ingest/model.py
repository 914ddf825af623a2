"""The typed values that cross the ingest stages: pages of a file, the council document, its chunks."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """Text of one page after clean-up. `number` is 1-based for paged formats (PDF), None otherwise."""

    number: int | None
    text: str


@dataclass(frozen=True)
class CouncilDocument:
    source: str  # path relative to the ingested folder, with forward slashes
    title: str
    committee: str | None
    meeting_date: str | None  # ISO yyyy-mm-dd
    vorlage: str | None  # paper number as printed, e.g. "50/004/2021"
    subject: str | None  # agenda item or subject line, e.g. "TOP 14: Grundsteuerreform 2025 – …"
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    """A run of whole paragraphs of one page. `start`/`end` are offsets into that page's text, so
    `page.text[start:end] == text`; `paragraph_starts` are the chunk-relative offsets of its
    paragraphs, numbered from `paragraph` (1-based within the page)."""

    id: str
    source: str
    index: int  # position within the document
    page: int | None
    paragraph: int
    paragraph_starts: tuple[int, ...]
    start: int
    end: int
    text: str

    def embedding_input(self, doc: CouncilDocument) -> str:
        """What is embedded for this chunk: its text under a short header naming the document,
        so that a vote line ("Einstimmige Zustimmung (46 Ja)") is found by its agenda item."""
        header = " · ".join(x for x in (doc.title, doc.subject, doc.committee, doc.meeting_date) if x)
        return f"{header[:300]}\n\n{self.text}"
