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
