"""Typed values that cross the assistant's boundaries: retrieved passages, citations, answers."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """A stored chunk as retrieval returns it, with everything a citation needs."""

    chunk_id: str
    source: str
    title: str
    committee: str | None
    meeting_date: str | None
    vorlage: str | None
    subject: str | None
    page: int | None
    paragraph: int
    paragraph_starts: tuple[int, ...]
    start: int  # offset of the chunk in its page's text
    text: str
    score: float  # cosine similarity to the question

    def paragraph_at(self, offset: int) -> int:
        """Paragraph number (within the page) of the character at `offset` in this chunk."""
        index = sum(1 for s in self.paragraph_starts if s <= offset) - 1
        return self.paragraph + max(index, 0)


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    committee: str | None
    meeting_date: str | None
    vorlage: str | None
    subject: str | None
    page: int | None
    paragraph: int | None
    text: str  # the quoted passage, verbatim from the page text
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    retrieved: list[Passage]  # everything retrieval returned, best first (for evaluation)
    seconds: float

    def to_json(self) -> dict:
        """The `council ask --json` shape, which evaluation scripts depend on."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "page": c.page,
                    "paragraph": c.paragraph,
                    "text": c.text,
                    "score": round(c.score, 4),
                }
                for c in self.citations
            ],
            "seconds": round(self.seconds, 3),
        }
