"""Follow-up questions made standalone from the chat history.

"Und wie wurde darüber abgestimmt?" after "Was hat der Gemeinderat am 22.10.2024 zu TOP 14
beschlossen?" means TOP 14 of that meeting. A follow-up is recognised by its reference words
("darüber", "dazu", "das", "it", "that", …) or by naming no topic of its own ("What was the
vote?"); a question that brings its own subject starts afresh.

Two ways to condense, both keep the previous turn's *focus* (the filters its question stated
plus the agenda item, committee and meeting day of its first citation) as filters read from
the question, which retrieval drops again where they do not hold up:
- without an LLM, the previous question's topic is carried as words: the follow-up plus
  "(zu: Ausschuss Gemeinderat, Datum 22.10.2024, TOP 14; Was hat der Gemeinderat …)";
- with an LLM, the condense prompt rewrites the follow-up into a standalone question, and the
  carried words are the fallback when the LLM fails.
"""

import re
from dataclasses import dataclass

from assistant.core.answers import Answer
from assistant.core.filters import NO_FILTERS, Filters
from assistant.core.text import content_terms, detect_language

# Words that point back to something said before.
_REFERENCE = re.compile(
    r"\b(?:darüber|dazu|davon|dafür|dagegen|damit|daran|darauf|darin|dabei|dort|dies(?:e[mnrs]?)?|das|es|ihn|ihm|"
    r"ihr|jene[mnrs]?|derselbe|ebenda|"
    r"it|its|that|this|these|those|they|them|there|the same)\b",
    re.I,
)
# Question words and the words that name the kind of fact asked for, not a topic.
_FRAME = re.compile(
    r"^(?:und|and|also|auch|noch|wie|wann|wer|wen|wem|was|welch\w*|wo|warum|wieso|weshalb|wieviel\w*|viel\w*|"
    r"what|when|who|whom|which|where|why|how|many|much|about|"
    r"abstimm\w*|abgestimmt|stimm\w*|beschlo\w*|beschl\w*|ergebnis|result|vot\w*|decid\w*|entschied\w*|"
    r"kost\w*|cost\w*|datum|date|genau|detail\w*|mehr|more|sonst|else|gab|gibt|wurd\w*|war|was|were|did|does)$",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    """One question and answer of a chat, as far as a follow-up needs it."""

    question: str
    answer: str
    standalone: str | None = None  # the question as it was searched, where it was a follow-up
    focus: Filters = NO_FILTERS  # what the turn was about: carried into a follow-up as question filters

    @property
    def searched(self) -> str:
        return self.standalone or self.question

    @classmethod
    def of(cls, answer: Answer) -> "Turn":
        """The turn an answer makes: its focus is what its question stated, completed by the
        agenda item, committee and meeting day of the first citation."""
        focus = answer.filters.from_question
        if answer.citations and not answer.abstained:
            p = answer.citations[0].passage
            cited = Filters(
                committee=p.committee,
                date_from=p.meeting_date,
                date_to=p.meeting_date,
                agenda_item=p.agenda_item.number if p.agenda_item else None,
            )
            focus = cited.overridden_by(focus)
        return cls(answer.question, answer.text, answer.standalone, focus)


@dataclass(frozen=True)
class Condensed:
    question: str  # what is searched and answered
    focus: Filters  # the previous turn's focus, to be read as filters stated by the question
    follow_up: bool


def is_follow_up(question: str) -> bool:
    """Refers back, or names no topic of its own.

    >>> is_follow_up("Und wie wurde darüber abgestimmt?"), is_follow_up("What was the vote?")
    (True, True)
    >>> is_follow_up("Wer leitete die Sitzung des Gemeinderats am 22.10.2024?")
    False
    """
    if _REFERENCE.search(question):
        return True
    topic = [t for t in re.findall(r"[\wÄÖÜäöüß/.-]+", question) if not _FRAME.match(t)]
    return not content_terms(" ".join(topic), detect_language(question))


def carried(question: str, previous: Turn) -> str:
    """The follow-up with the previous turn's topic in words (the no-LLM condensing).

    >>> carried("Und wie wurde darüber abgestimmt?", Turn("Was kostet der Neubau der Schule?", "…"))
    'Und wie wurde darüber abgestimmt? (zu: Was kostet der Neubau der Schule?)'
    """
    about = [previous.focus.describe()] if previous.focus.agenda_item else []
    return f"{question} (zu: {'; '.join([*about, previous.searched])})"


def condense(question: str, history: list[Turn]) -> Condensed:
    """The question as it is searched, without an LLM. A question that is no follow-up (or has
    no history) stays as it is."""
    if not history or not is_follow_up(question):
        return Condensed(question, NO_FILTERS, follow_up=False)
    previous = history[-1]
    return Condensed(carried(question, previous), previous.focus, follow_up=True)
