"""On which days a body met, answered from the index's meeting records as data.

"An welchen Tagen hat der Stadtteilbeirat Büchenbach im Jahr 2022 getagt?", "Wie oft hat der
Haupt- und Finanzausschuss 2024 getagt?" and "Wann hat der Beirat zuletzt getagt?" ask for a body's
meetings in a period, or its latest, not for a passage that happens to list them: the catalog
knows every meeting whose record (minutes, an agenda, a vote record) it holds (`Catalog.meetings`).
The answer lists them, each cited to the opening of its record (its minutes and its invitation or
agenda, where the index holds them), and says that it counts the meetings the documents hold:

    Sitzungen des Gremiums „Stadtteilbeirat Büchenbach“ vom 01.01.2022 bis 31.12.2022, soweit die
    Dokumente sie belegen (3): 05.04.2022 [1] [2], 29.06.2022 [3] [4], 17.11.2022 [5] [6]

Only a question that asks nothing but that is answered so: one body, perhaps a period, and the
words of asking when or how often it met. "Wann hat der Beirat über die Wendeschleife getagt?"
asks for a topic and goes to the ordinary answerer.
"""

import re
from datetime import date

from assistant.answering.question import Question
from assistant.answering.question_filters import committee_patterns, meeting_dates
from assistant.core.access import AccessLevel
from assistant.core.answers import Citation, Reply
from assistant.core.dates import YEAR, date_mentions, find_dates, german
from assistant.core.text import content_terms
from assistant.index.catalog import Catalog

# Asking when or how often (not what or why) …
_WHEN = re.compile(
    r"\b(?:an\s+welchen\s+(?:Tagen|Terminen|Daten)|wann|wie\s+oft|wie\s+viele\s+(?:Sitzungen|Male?)"
    r"|on\s+(?:which|what)\s+(?:days|dates)|when|how\s+often|how\s+many\s+(?:times|meetings))\b",
    re.I,
)
# … a body met.
_MET = re.compile(
    r"\b(?:getagt|tagt(?:e|en)?|zusammengekommen|zusammengetreten|Sitzung(?:en)?|met|meet|meets|meetings?|convened)\b",
    re.I,
)
# The words of asking so, which name no topic.
_FRAME = frozenset(
    content_terms(
        "an welchen Tagen Terminen Daten wann wie oft viele Sitzungen Mal Male getagt tagte tagten tagt "
        "zusammengekommen zusammengetreten fand fanden statt stattgefunden war waren gab es hatte hatten "
        "insgesamt bisher Jahr im zuletzt letzte letzten Sitzung",
        "de",
    )
    + content_terms(
        "on which what days dates when how often many times meeting meetings met meet meets convened "
        "took place held in the year did does has have had was were so far altogether last latest most "
        "recent recently",
        "en",
    )
)
# Asking for the latest meeting only: "Wann hat der Beirat zuletzt getagt?", "When did Cabinet last meet?"
_LATEST = re.compile(r"\b(?:zuletzt|letzte[nrs]?|last|latest|most\s+recent(?:ly)?)\b", re.I)
_YEAR = re.compile(rf"\b{YEAR}\b")


def asks_for_meetings(question: Question) -> bool:
    """The question asks only on which days, or how often, the one body it names met.

    >>> from dataclasses import replace
    >>> asked = replace(Question.read("An welchen Tagen hat der Sportausschuss 2022 getagt?"),
    ...                 bodies=("Sportausschuss",))
    >>> asks_for_meetings(asked)
    True
    >>> asks_for_meetings(replace(asked, text="Wann hat der Sportausschuss über den Bolzplatz getagt?"))
    False
    """
    body = _body(question)
    if body is None or not (_WHEN.search(question.text) and _MET.search(question.text)):
        return False
    rest = question.text
    for pattern in committee_patterns(body):
        rest = pattern.sub(" ", rest)
    for mention in reversed(date_mentions(rest)):
        rest = rest[: mention.start] + " " + rest[mention.end :]
    rest = _YEAR.sub(" ", rest)
    return not set(content_terms(rest, question.language)) - _FRAME


def _body(question: Question) -> str | None:
    """The one body the question names: of "Stadtteilbeirat Büchenbach" and "Stadtteilbeirat",
    both read from the same words, the longer."""
    names = [b for b in question.bodies if not any(b != other and b in other for other in question.bodies)]
    return names[0] if len(names) == 1 else None


def meetings_reply(
    question: Question, catalog: Catalog, readable: frozenset[AccessLevel] | None
) -> Reply | None:
    """The days the body `question` names met in the period it names (`meeting_dates`; none: all
    the index holds), each cited, or None where the question asks for something else or the index
    holds no meeting record of the body that the viewer may read."""
    if not asks_for_meetings(question):
        return None
    body = _body(question)
    assert body is not None  # (asks_for_meetings)
    first, last = meeting_dates(question.located)
    years = set(_YEAR.findall(question.located))
    if first is None and len(years) == 1:  # "Wie viele Sitzungen hatte der Gemeinderat 2024?"
        year = int(years.pop())
        first, last = date(year, 1, 1), date(year, 12, 31)
    meetings = catalog.meetings(body, first, last, readable)
    latest = bool(_LATEST.search(question.text))
    if latest:
        meetings = meetings[-1:]
    chunks = catalog.chunks([key for _, keys in meetings for key in keys], readable)
    found = [(day, [chunks[key] for key in keys if key in chunks]) for day, keys in meetings]
    if not any(records for _, records in found):
        return None
    citations: list[Citation] = []
    days = []
    english = question.language == "en"
    for day, records in found:
        marks = ""
        for chunk in records:
            passage = chunk.passage(None)
            citations.append(
                Citation(len(citations) + 1, passage, passage.paragraph, _dated_line(passage.text, day))
            )
            marks += f" [{len(citations)}]"
        days.append(f"{day.isoformat() if english else german(day)}{marks}")
    period = f" vom {german(first)} bis {german(last)}" if first and last else ""
    listed = ", ".join(days)
    if english:
        period = f" from {first.isoformat()} to {last.isoformat()}" if first and last else ""
        text = (
            f"Latest meeting of the {body}{period} recorded in the documents: {listed}"
            if latest
            else f"Meetings of the {body}{period} recorded in the documents ({len(days)}): {listed}"
        )
    else:
        shown = f"„{body}“{period}, soweit die Dokumente sie belegen"
        text = (
            f"Letzte Sitzung des Gremiums {shown}: {listed}"
            if latest
            else f"Sitzungen des Gremiums {shown} ({len(days)}): {listed}"
        )
    return Reply(text=text, citations=citations, abstained=False)


def _dated_line(text: str, day: date) -> str:
    """The record's line that names the meeting's day ("Niederschrift … am 05.04.2022"), else its
    first line: what the citation quotes."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines if day in find_dates(line)), lines[0] if lines else text[:200])
