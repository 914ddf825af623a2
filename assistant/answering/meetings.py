"""On which days a body met, answered from the index's meeting records as data.

"An welchen Tagen hat der Stadtteilbeirat Büchenbach im Jahr 2022 getagt?", "Wie oft hat der
Haupt- und Finanzausschuss 2024 getagt?" and "Wann hat der Beirat zuletzt getagt?" ask for a body's
meetings in a period, or its latest, not for a passage that happens to list them: the catalog
knows every meeting whose record (minutes, an agenda, a vote record) it holds (`Catalog.meetings`).
The answer lists them, each cited to the opening of its record (its minutes and its invitation or
agenda, where the index holds them), and says that it counts the meetings the documents hold:

    Sitzungen des Gremiums „Stadtteilbeirat Büchenbach“ vom 01.01.2022 bis 31.12.2022, soweit die
    Dokumente sie belegen (3): 05.04.2022 [1] [2], 29.06.2022 [3] [4], 17.11.2022 [5] [6]

"Wo tagt der Stadtteilbeirat Büchenbach?" and "Where did the County Council last meet?" ask where
it met: each meeting's venue, as its record's header gives it ("Ort: Mönauschule", "held in the
Council Chamber, Sessions House …"), the latest first.

Only a question that asks nothing but that is answered so: one body, perhaps the place it is of
("des Gemeinderats Karlsruhe", "der Karlsruher Gemeinderat": its records must name it), perhaps a
period, and the words of asking when, how often or where it met. "Wann hat der Beirat über die
Wendeschleife getagt?" asks for a topic and goes to the ordinary answerer.
"""

import re
from dataclasses import dataclass
from datetime import date

from assistant.answering.passages import VENUE_LINE, one_line, where_text
from assistant.answering.question import Place, Question, missing_places
from assistant.answering.question_filters import committee_patterns, meeting_dates
from assistant.core.access import AccessLevel
from assistant.core.answers import Citation, Passage, Reply
from assistant.core.dates import YEAR, find_dates, german, spoken, without_dates
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
        "insgesamt bisher Jahr im zuletzt letzte letzten Sitzung wo Ort Raum Saal Gebäude Stadt Gemeinde "
        "Kreis",
        "de",
    )
    + content_terms(
        "on which what days dates when how often many times meeting meetings met meet meets convened "
        "took place held in the year did does has have had was were so far altogether last latest most "
        "recent recently where",
        "en",
    )
)
# Asking for the latest meeting only: "Wann hat der Beirat zuletzt getagt?", "When did Cabinet last meet?"
_LATEST = re.compile(r"\b(?:zuletzt|letzte[nrs]?|last|latest|most\s+recent(?:ly)?)\b", re.I)
_YEAR = re.compile(rf"\b{YEAR}\b")
# A place named after the body: "des Gemeinderats Karlsruhe", "des Stadtteilbeirats in Erlangen".
_PLACE_AFTER = re.compile(r"\s+(?:(?:in|der\s+Stadt|of(?:\s+the\s+City\s+of)?)\s+)?([A-ZÄÖÜ][\wäöüß-]{3,})\b")
# Where a venue line's value starts: after its label, after the clock time of an invitation, after
# "held in" ("Ort:\tMönauschule", "18:30 Uhr  Mönauschule, Aula", "held in the Council Chamber").
_VENUE_VALUE = re.compile(
    r"[^:\d\n]*:\s*|.*?\bUhr[^\w\n]*\n?[^\w\n]*|.*?\b(?:held|convened|met)\s+(?:in|at)\s+"
)
# Where it ends: a blank line, the next field ("\tEnde: 20:40 Uhr", a line "Thema: …"), the day
# ("… Maidstone on Thursday, 13 February 2025"), the agenda.
_VENUE_END = re.compile(
    r"\n\s*\n|\t|\n[^\n:]{1,30}:|\s+on\s+\w+day\b|\n\s*(?:Öffentliche\s+)?Tagesordnung|\bAGENDA\b", re.I
)
_VENUE_CHARS = 120


@dataclass(frozen=True)
class _Asked:
    """What a question on a body's meetings asks: of which body (as the index names it), of
    the body in which places, and whether where it met."""

    body: str
    places: tuple[Place, ...]
    venue: bool


def asks_for_meetings(question: Question) -> bool:
    """The question asks only on which days, how often or where the one body it names met.

    >>> from dataclasses import replace
    >>> asked = replace(Question.read("An welchen Tagen hat der Sportausschuss 2022 getagt?"),
    ...                 bodies=("Sportausschuss",))
    >>> asks_for_meetings(asked)
    True
    >>> asks_for_meetings(replace(asked, text="Wann hat der Sportausschuss über den Bolzplatz getagt?"))
    False
    >>> asks_for_meetings(replace(asked, text="Wo tagt der Sportausschuss der Stadt Erlangen?"))
    True
    """
    return _asked(question) is not None


def _asked(question: Question) -> _Asked | None:
    body = _body(question)
    venue = question.asks_where
    if body is None or not ((_WHEN.search(question.text) or venue) and _MET.search(question.text)):
        return None
    rest = _YEAR.sub(" ", without_dates(question.text))
    places = list(question.places)
    for pattern in committee_patterns(body):
        for m in reversed(list(pattern.finditer(rest))):
            end = m.end()
            if after := _PLACE_AFTER.match(rest, end):
                places.append(Place(after[1], after[1].lower()))
                end = after.end()
            rest = rest[: m.start()] + " " + rest[end:]
    named = {term for place in places for term in content_terms(place.name, question.language)}
    if set(content_terms(rest, question.language)) - _FRAME - named:
        return None
    return _Asked(body, tuple(dict.fromkeys(places)), venue)


def _body(question: Question) -> str | None:
    """The one body the question names: of "Stadtteilbeirat Büchenbach" and "Stadtteilbeirat",
    both read from the same words, the longer."""
    names = [b for b in question.bodies if not any(b != other and b in other for other in question.bodies)]
    return names[0] if len(names) == 1 else None


def meetings_reply(
    question: Question, catalog: Catalog, readable: frozenset[AccessLevel] | None
) -> Reply | None:
    """The days the body `question` names met in the period it names (`meeting_dates`; none: all
    the index holds), each cited, or where it met, or None where the question asks for something
    else or the index holds no meeting record of the body (of the place named) that the viewer may
    read, or, asked where, none that names its venue."""
    asked = _asked(question)
    if asked is None:
        return None
    first, last = meeting_dates(question.located)
    years = set(_YEAR.findall(question.located))
    if first is None and len(years) == 1:  # "Wie viele Sitzungen hatte der Gemeinderat 2024?"
        year = int(years.pop())
        first, last = date(year, 1, 1), date(year, 12, 31)
    meetings = catalog.meetings(asked.body, first, last, readable)
    chunks = catalog.chunks([key for _, keys in meetings for key in keys], readable)
    found = [(day, [chunks[key].passage(None) for key in keys if key in chunks]) for day, keys in meetings]
    # of the place named: "des Gemeinderats Karlsruhe" is not answered by another town's council
    found = [
        (day, records)
        for day, records in found
        if records and not missing_places(asked.places, where_text(records))
    ]
    english = question.language == "en"
    # each meeting: its day, and the passages quoted for it (start, end), with the venue they name
    rows: list[tuple[date, list[tuple[Passage, int, int]], str]] = []
    for day, records in found:
        if not asked.venue:
            rows.append((day, [(p, *_dated_line(p.text, day)) for p in records], ""))
        elif named := [(p, venue) for p in records if (venue := _venue_in(p.text))]:
            # the first record's venue (the minutes'), cited to each record that names it: not to
            # an invitation to "Aula Mönauschule" where the minutes say the meeting was "Digital"
            first_said = named[0][1][2]
            key = max(first_said.split(",")[0].split(), key=len)
            rows.append(
                (day, [(p, start, end) for p, (start, end, said) in named if key in said], first_said)
            )
    latest = bool(_LATEST.search(question.text))
    if latest:
        rows = rows[-1:]
    if not rows:
        return None
    citations: list[Citation] = []
    said: dict[str, list[str]] = {}  # by venue ("" when not asked), the days with their citations
    for day, quoted, where in reversed(rows) if asked.venue else rows:  # where it meets now, first
        marks = ""
        for passage, start, end in quoted:
            citations.append(
                Citation(len(citations) + 1, passage, passage.paragraph, passage.text[start:end])
            )
            marks += f" [{len(citations)}]"
        said.setdefault(where, []).append(spoken(day, question.language) + marks)
    listed = "; ".join(
        f"{where}: {', '.join(days)}" if where else ", ".join(days) for where, days in said.items()
    )
    # one meeting's venue is said as the latest one's is
    heading = _heading(asked, first, last, latest or (asked.venue and len(rows) == 1), english, len(rows))
    return Reply(heading + listed, citations, False)


def _heading(
    asked: _Asked, first: date | None, last: date | None, latest: bool, english: bool, n: int
) -> str:
    """What the list of `n` meetings is: "Sitzungen des Gremiums „Sozialausschuss“ vom 01.01.2021 bis
    31.12.2021, soweit die Dokumente sie belegen (1): "."""
    if english:
        period = f" from {spoken(first, 'en')} to {spoken(last, 'en')}" if first and last else ""
        period = f" on {spoken(first, 'en')}" if first and first == last else period
        shown = f"the {asked.body}{period} recorded in the documents"
        if latest:
            return f"Meeting of {shown}: " if first and first == last else f"Latest meeting of {shown}: "
        return f"Venues of {shown}, latest first ({n}): " if asked.venue else f"Meetings of {shown} ({n}): "
    period = f" vom {german(first)} bis {german(last)}" if first and last else ""
    period = f" am {german(first)}" if first and first == last else period
    shown = f"„{asked.body}“{period}, soweit die Dokumente sie belegen"
    if latest:
        return (
            f"Sitzung des Gremiums {shown}: "
            if first and first == last
            else f"Letzte Sitzung des Gremiums {shown}: "
        )
    if asked.venue:
        return f"Sitzungsorte des Gremiums {shown}, die letzte zuerst ({n}): "
    return f"Sitzungen des Gremiums {shown} ({n}): "


def _venue_in(text: str) -> tuple[int, int, str] | None:
    r"""Where a record's header says its meeting took place: the span to quote (the venue line),
    and the venue.

    >>> _venue_in("Beginn:\t18:30 Uhr\nOrt:\tMönauschule\nSteigerwaldallee 19, Erlangen\n\nEnde:")
    (18, 64, 'Mönauschule, Steigerwaldallee 19, Erlangen')
    >>> _venue_in("MINUTES of a meeting of the Cabinet held in the Council Chamber, Sessions\nHouse, "
    ...           "County Hall, Maidstone on Thursday, 9 January 2025.")[2]
    'the Council Chamber, Sessions House, County Hall, Maidstone'
    """
    if (m := VENUE_LINE.search(text)) is None:
        return None
    start = text.rfind("\n", 0, m.end() - 1) + 1  # the line naming the place
    value = _VENUE_VALUE.match(text, start)
    begin = value.end() if value else start
    stop = _VENUE_END.search(text, begin)
    end = min(stop.start() if stop else len(text), begin + _VENUE_CHARS)
    venue, before = "", ""
    for line in text[begin:end].splitlines():
        if line := one_line(line).strip(" \uf09f"):
            # lines of a field are its parts ("Mönauschule" / "Steigerwaldallee 19"); a line
            # broken in a sentence ("… Chamber, Sessions" / "House, …") goes on
            venue += (" " if "," in before else ", ") + line if venue else line
            before = line
    venue = venue.rstrip(",;")
    return (start, end, venue) if venue else None


def _dated_line(text: str, day: date) -> tuple[int, int]:
    """Where the record names the meeting's day ("Niederschrift … am 05.04.2022"): that line, else
    its first line; what the citation quotes."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"\S(?:[^\n]*\S)?", text)]
    if not lines:
        return 0, min(len(text), 200)
    return next(((a, b) for a, b in lines if day in find_dates(text[a:b])), lines[0])
