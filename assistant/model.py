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

    def location(self) -> list[str]:
        """Where the quote stands, for people: ['Sozialausschuss', '08.02.2021', 'TOP 10: …',
        'Vorlage 50/004/2021', 'Seite 2', 'Absatz 7'] (only what is known)."""
        day = ".".join(reversed(self.meeting_date.split("-"))) if self.meeting_date else None
        parts = (
            self.committee,
            day,
            self.subject,
            f"Vorlage {self.vorlage}" if self.vorlage else None,
            f"Seite {self.page}" if self.page else None,
            f"Absatz {self.paragraph}" if self.paragraph else None,
        )
        return [p for p in parts if p]


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
