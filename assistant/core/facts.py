"""What a chunk's text states, read once at ingest and stored with the chunk, so that answering
never parses chunk text again: the vote results it records (`find_votes`), where it records
votes and names times (marks), and the dates it names.

Worked example: "Abstimmungsergebnis:\nEinstimmige Zustimmung (43 Ja, 2 Enthaltungen)" gives one
vote (approved, 43 yes, 2 abstentions, unanimous), "vote" and "vote_count" marks over the result
line, and no dates; the answerer asks `marked("vote", start, end)` of a sentence instead of
running the vote grammar on it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant.core.dates import find_dates, time_phrases
from assistant.core.votes import VOTE_MARKS, FoundVote, VoteMarkKind, find_votes

MarkKind = VoteMarkKind | Literal["time"]


@dataclass(frozen=True)
class Mark:
    kind: MarkKind
    start: int
    end: int


@dataclass(frozen=True)
class TextFacts:
    votes: tuple[FoundVote, ...] = ()  # every vote or result phrase, in text order
    marks: tuple[Mark, ...] = ()  # in text order
    dates: tuple[date, ...] = ()  # every full date named, sorted

    @property
    def has_vote(self) -> bool:
        """The text records a vote or result (a chunk the vote-record search adds)."""
        return any(m.kind == "vote" for m in self.marks)

    def marked(self, kind: MarkKind, start: int, end: int) -> bool:
        """Whether text[start:end] holds a mark of this kind.

        >>> read_facts("Er tagt. Der Antrag wurde einstimmig angenommen.").marked("vote", 0, 8)
        False
        """
        return any(m.kind == kind and start <= m.start and m.end <= end for m in self.marks)

    def mark_starts(self, kind: MarkKind, start: int, end: int) -> list[int]:
        """Where the marks of this kind inside text[start:end] begin."""
        return [m.start for m in self.marks if m.kind == kind and start <= m.start and m.end <= end]

    def votes_in(self, start: int, end: int) -> list[FoundVote]:
        """The votes whose phrase begins inside text[start:end]."""
        return [v for v in self.votes if start <= v.start < end]


def read_facts(text: str) -> TextFacts:
    """
    >>> facts = read_facts("Einstimmige Zustimmung (43 Ja, 2 Enthaltungen) am 22.10.2024")
    >>> facts.votes[0].vote.yes, facts.has_vote, facts.dates
    (43, True, (datetime.date(2024, 10, 22),))
    """
    marks = [Mark(kind, m.start(), m.end()) for kind, p in VOTE_MARKS.items() for m in p.finditer(text)]
    marks += [Mark("time", a, b) for a, b in time_phrases(text)]
    return TextFacts(
        votes=tuple(find_votes(text)),
        marks=tuple(sorted(marks, key=lambda m: (m.start, m.end, m.kind))),
        dates=tuple(sorted(find_dates(text))),
    )
