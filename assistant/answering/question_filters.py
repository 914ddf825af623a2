"""Filters read from a question: "am 22.10.2024", "im Oktober 2024", "letzte Sitzung",
"im Haupt- und Finanzausschuss", "TOP 14", "Vorlage 2024/1049", "laut Niederschrift" — German
and English.

A wrong filter hides the answer, so the reading is conservative:
- A date filters only where it dates what the question asks about. A date after "bis", "ab",
  "seit", "until", "since" … is a fact asked about ("Bis wann galt der Vertrag …"), not the
  meeting's date, and is ignored. A question naming two dates that do not nest ("im Januar
  2020 … am 20. Oktober 2020") asks about two meetings and gets no date filter; nested ones
  ("for January 2011 at the January 12, 2011 session") give the narrower. Paired years
  ("Niederschriften 2020/2021") count against other dates but filter nothing themselves, and a
  bare year ("Grundsteuerreform 2025") is a name, not a date; only "im Jahr 2023" / "in 2012" is.
- A committee is taken only as the index spells it (inflected: "des Stadtteilbeirats
  Büchenbach", "Gemeinderatssitzung") and only where the question is about a meeting (it also
  names a date, "Sitzung" or "meeting"): "Aus wie vielen Mitgliedern besteht ein
  Stadtteilbeirat?" is about the body, and its answer stands in a Satzung of no committee. Two
  committees named: none.
- A document type only after "laut", "in der", "according to the" …: "mit dem Antrag X" names
  the topic, and its answer stands in the minutes.
- An agenda item or Vorlage number only after its keyword, and only when there is one.

`CouncilAssistant.ask` falls back to an unfiltered search when what the question names matches
nothing in the index (and says so), so a misread filter costs a note, not the answer.
"""

import re
from dataclasses import dataclass
from datetime import date

from assistant.core.dates import MONTH, MONTH_NAMES_DE, YEAR, date_mentions, month_of, month_period, read_date
from assistant.core.doc_types import QUESTION_TYPE_MARKER, asked_type
from assistant.core.filters import Filters, IndexFacets

_MARKED_YEAR = re.compile(rf"\b(?:im\s+Jahre?|in\s+the\s+year|in|during)\s+({YEAR})\b(?![-/–]\d)", re.I)
_YEAR_PAIR = re.compile(rf"\b({YEAR})\s*(?:/|-|–|und|bis|and|to)\s*({YEAR})\b", re.I)
# One end of a range: a full date, a month with or without its year, or a year.
_END = rf"(?:\d{{1,2}}\.\s?\d{{1,2}}\.\s?{YEAR}|(?:\d{{1,2}}\.?\s*)?(?:{MONTH})\b\.?(?:\s+{YEAR})?|{YEAR})"
_RANGE = re.compile(
    rf"\b(?:zwischen|between)\s+({_END})\s+(?:und|and)\s+({_END})\b"
    rf"|\b(?:von|vom|from)\s+({_END})\s+(?:bis(?:\s+(?:zum|einschließlich))?|to|until|till)\s+({_END})\b",
    re.I,
)
# The word before a date that makes it a fact asked about rather than the date of the meeting.
_FACT_WORD = re.compile(
    r"\b(?:bis|ab|seit|vor|nach|spätestens|frühestens|zum|für|until|till|by|before|after|since|from|for)"
    r"(?:\s+(?:dem|den|der|zum|the))?\s*$",
    re.I,
)
_LATEST = re.compile(
    r"\b(?:letzte[nmrs]?|jüngste[nmrs]?|neueste[nmrs]?)\s+(?:\w+\s+){0,2}?\w*[Ss]itzung"
    r"|\b(?:last|latest|most\s+recent)\s+(?:\w+\s+){0,3}?meeting",
    re.I,
)
_MEETING_WORD = re.compile(r"[Ss]itzung|\btagte\b|\bmeeting\b|\bsession\b", re.I)
# An agenda item or Vorlage number after its keyword, with the numbers listed after it ("TOP 11
# und 23", "TOP 9.1 bis 9.3", "Vorlagen 2024/0932 und 2024/0915"): more than one, no filter. Erlangen
# marks an item public or not before its number ("TOP Ö 22", "TOP NÖ 3").
_ITEM_NUMBER = r"\d{1,3}(?:\.\d{1,3})*"
_VORLAGE_NUMBER = r"\d{1,4}/\d{2,4}(?:/\d{1,4})?"
_LISTED = r"(?:\s*(?:,|und|and|bis|to|sowie|oder|or)\s*(?:TOP\s*)?{})*"
_ITEM = re.compile(
    rf"\b(?:TOP|Tagesordnungspunkte?s?|(?:agenda\s+)?items?)\s*(?:Nr\.?\s*|No\.?\s*)?(?:N?Ö\s+)?"
    rf"({_ITEM_NUMBER}{_LISTED.format(_ITEM_NUMBER)})\b"
    rf"|\bPunkt\s+({_ITEM_NUMBER})\s+der\s+Tagesordnung",
    re.I,
)
# An item named by its place on the agenda: "der erste Tagesordnungspunkt", "the second item".
_ORDINALS = tuple(
    zip(
        "erste zweite dritte vierte fünfte sechste siebte achte neunte zehnte".split(),
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
        strict=True,
    )
)
_ORDINAL_ITEM = re.compile(
    rf"\b({'|'.join(w for pair in _ORDINALS for w in pair)})[nmrs]?\s+"
    r"(?:TOP\b|Tagesordnungspunkt|Punkt\s+der\s+Tagesordnung|(?:agenda\s+)?item\b)",
    re.I,
)
_VORLAGE = re.compile(
    r"\b(?:(?:Beschluss|Informations)?[Vv]orlagen?|Drucksachen?)(?:\s*-?\s*Nr\.?)?\s*:?\s*"
    rf"({_VORLAGE_NUMBER}{_LISTED.format(_VORLAGE_NUMBER)})\b"
)
# Words of a committee's name that are not inflected.
_FIXED_WORDS = {"und", "für", "of", "the", "and", "city"}


@dataclass(frozen=True)
class Period:
    """A date expression in the question: where it stands and the days it covers."""

    start: int
    end: int
    first: date
    last: date
    filters: bool = True  # False: counts against other dates but filters nothing itself


def filters_from_question(question: str, facets: IndexFacets, explicit: Filters | None = None) -> Filters:
    """The filters a question states, in the index's values.

    `explicit` are the filters chosen in the UI or CLI: their committee decides which
    committee's latest meeting "letzte Sitzung" means.

    >>> facets = IndexFacets(committees=("Gemeinderat", "Haupt- und Finanzausschuss"))
    >>> filters_from_question("Wer leitete den Haupt- und Finanzausschuss am 5. November 2024?", facets)
    Filters(committee='Haupt- und Finanzausschuss', date_from=datetime.date(2024, 11, 5), \
date_to=datetime.date(2024, 11, 5), doc_type=None, agenda_item=None, vorlage=None, readable=None)
    """
    first, last = meeting_dates(question)
    committee = _committee(question, facets.committees)
    if committee and first is None and not _MEETING_WORD.search(question):
        committee = None
    if first is None and _LATEST.search(question):
        first = last = facets.latest(committee or (explicit.committee if explicit else None))
    return Filters(
        committee=committee,
        date_from=first,
        date_to=last,
        doc_type=_doc_type(question, facets.doc_types),
        agenda_item=named_item(question),
        vorlage=_single(n for m in _VORLAGE.finditer(question) for n in re.findall(_VORLAGE_NUMBER, m[1])),
    )


def named_item(question: str) -> str | None:
    """The one agenda item the question names, by number or by its place on the agenda.

    >>> named_item("Was stand unter TOP 9.1 auf der Tagesordnung?"), named_item("Was war der dritte TOP?")
    ('9.1', '3')
    >>> named_item("Wie wurde zu TOP 11 und 23 abgestimmt?") is None
    True
    """
    return _single(
        [n for m in _ITEM.finditer(question) for n in re.findall(_ITEM_NUMBER, m[1] or m[2])]
        + [str(_ordinal(m[1])) for m in _ORDINAL_ITEM.finditer(question)]
    )


def _ordinal(word: str) -> int:
    """
    >>> _ordinal("Dritte"), _ordinal("first")
    (3, 1)
    """
    return next(n for n, pair in enumerate(_ORDINALS, 1) if word.lower() in pair)


def meeting_day(question: str) -> date | None:
    """The day of the meeting the question asks about, where it names one day (not a fact's date:
    "bis zum 31.12.2024").

    >>> meeting_day("Was hat der Gemeinderat in seiner Sitzung vom 29. Oktober 2024 beschlossen?")
    datetime.date(2024, 10, 29)
    >>> meeting_day("Was gilt bis zum 31.12.2024?"), meeting_day("Was geschah im Oktober 2024?")
    (None, None)
    """
    first, last = meeting_dates(question)
    return first if first is not None and first == last else None


def meeting_periods(question: str) -> list[Period]:
    """The meetings the question dates, where it dates two or more apart ("im November 2024 und im
    Juni 2025"): none where one date lies within another ("for January 2011 at the January 12,
    2011 session") or one is a fact's date ("bis zum 31.12.2024").

    >>> [(p.first.isoformat(), p.last.isoformat()) for p in meeting_periods(
    ...     "Wo tagte der Beirat im November 2024 und im Juni 2025?")]
    [('2024-11-01', '2024-11-30'), ('2025-06-01', '2025-06-30')]
    >>> meeting_periods("Was galt am 22.10.2024 bis zum 31.12.2024?")
    []
    """
    spans = [s for s in _date_spans(question) if s.filters]
    if len(spans) < 2 or any(_FACT_WORD.search(question[: s.start]) for s in spans):
        return []
    if any(a is not b and a.first <= b.first and b.last <= a.last for a in spans for b in spans):
        return []
    return sorted(spans, key=lambda s: s.start)


# A span of days longer than this names no one meeting ("2023", "im Herbst").
MEETING_SPAN_DAYS = 31


def names_meeting(first: date | None, last: date | None) -> bool:
    """The days from `first` to `last` are those of one meeting or of one month's meetings."""
    return first is not None and last is not None and (last - first).days <= MEETING_SPAN_DAYS


def meeting_dates(question: str) -> tuple[date, date] | tuple[None, None]:
    """The days the question's meeting date covers (see the module docstring).

    >>> meeting_dates("Wer war im Januar 2020 Vorsitzende des Stadtteilbeirats?")
    (datetime.date(2020, 1, 1), datetime.date(2020, 1, 31))
    >>> meeting_dates("Was gilt bis zum 31.12.2024?")
    (None, None)
    """
    spans = [s for s in _date_spans(question) if not _FACT_WORD.search(question[: s.start])]
    candidates = [s for s in spans if s.filters]
    if not candidates:
        return None, None
    narrowest = min(candidates, key=lambda s: s.last - s.first)
    if all(s.first <= narrowest.first and narrowest.last <= s.last for s in spans):
        return narrowest.first, narrowest.last
    return None, None


def _date_spans(question: str) -> list[Period]:
    """Every date expression, longest readings first: a range, then full dates, months, marked
    years and paired years, each only where no earlier reading covers its text."""
    found: list[Period] = []

    def free(m: re.Match) -> bool:
        return not any(s.start < m.end() and m.start() < s.end for s in found)

    for m in _RANGE.finditer(question):
        a, b = (m[1], m[2]) if m[1] else (m[3], m[4])
        end = _term(b, None)
        start = _term(a, end[1].year if end else None)
        if start and end and start[0] <= end[1]:
            found.append(Period(m.start(), m.end(), start[0], end[1]))
    for d in date_mentions(question):
        if not any(s.start < d.end and d.start < s.end for s in found):
            found.append(Period(d.start, d.end, d.first, d.last))
    for m in _MARKED_YEAR.finditer(question):
        if free(m):
            found.append(Period(m.start(1), m.end(), date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)))
    for m in _YEAR_PAIR.finditer(question):
        if free(m) and m[1] < m[2]:
            found.append(Period(m.start(), m.end(), date(int(m[1]), 1, 1), date(int(m[2]), 12, 31), False))
    return found


def _term(text: str, year: int | None) -> tuple[date, date] | None:
    """The days one end of a range covers; a month without a year takes the range's year
    ("zwischen März und Juni 2025")."""
    text = " ".join(text.split())
    if written := read_date(text):
        return written.first, written.last
    if m := re.fullmatch(rf"(?:\d{{1,2}}\.?\s*)?({MONTH})\.?(?:\s+({YEAR}))?", text, re.I):
        y = int(m[2]) if m[2] else year
        month = month_of(m[1])
        return month_period(y, month) if y is not None and month is not None else None
    if re.fullmatch(YEAR, text):
        return date(int(text), 1, 1), date(int(text), 12, 31)
    return None


def _committee(question: str, committees: tuple[str, ...]) -> str | None:
    """The one committee of the index the question names (`named_bodies`); a name that begins
    a longer one of the index is too vague to filter by."""
    named = named_bodies(question, committees)
    if len(named) != 1:
        return None
    name = named[0]
    return None if _generic(name, committees) else name


# A committee's name as one compound word ("Planungsausschuss", "Seniorenbeirats"), with the place
# it is of where one follows ("Ortsbeirat Tennenlohe"), which need not be a committee of the index.
_BODY_WORD = re.compile(
    r"(?<![\w-])([A-ZÄÖÜ][a-zäöüß]{2,}(?:ausschuss|beirat))(?:es|s)?(?![\w-])"
    rf"(?:\s+(?!(?:{'|'.join(MONTH_NAMES_DE)})\b)"
    r"([A-ZÄÖÜ][a-zäöüß]+)(?![\w-]|\s+\d))?"
)

_A_KIND = re.compile(
    r"\b(?:ein(?:e[mnrs]?)?|jede[mnrs]?|kein(?:e[mnrs]?)?)\s+"
    r"(?:(?!(?:der|den|dem|des|die|das)\b)\w+(?:e|er|en|em|es)\s+){0,2}$",  # "ein Erlanger", "eines neuen"
    re.I,
)


def _generic(name: str, committees: tuple[str, ...]) -> bool:
    """ "Stadtteilbeirat" alone, where the index also has "Stadtteilbeirat Büchenbach", is any of
    them: a kind of body, not one."""
    return any(other.startswith(name + " ") for other in committees)


def premise_bodies(text: str, committees: tuple[str, ...]) -> tuple[str, ...]:
    """The bodies `text` names that an answer must be about: the committees it names, kinds of
    body ("eines Stadtteilbeirats") left out, and a committee the index holds no records of
    whose name the documents may still print ("Beratung im Planungsausschuss am 14. November"), and
    the place a committee is of ("Ortsbeirat Tennenlohe").

    >>> premise_bodies("Was hat der Planungsausschuss im November beschlossen?", ("Gemeinderat",))
    ('Planungsausschuss',)
    >>> premise_bodies("Aus wie vielen Mitgliedern besteht ein Ortsbeirat?", ("Stadtrat",))
    ()
    >>> premise_bodies("Wie oft muss ein Erlanger Stadtteilbeirat mindestens tagen?", ("Stadtrat",))
    ()
    >>> premise_bodies("Was hat der Ortsbeirat Tennenlohe im Juli befürwortet?", ("Stadtrat",))
    ('Ortsbeirat', 'Tennenlohe')
    >>> premise_bodies("Was hat der UVPA beschlossen?", ("Umwelt-, Verkehrs- und Planungsausschuss",))
    ('Umwelt-, Verkehrs- und Planungsausschuss',)
    """
    named = [name for name in named_bodies(text, committees) if not _generic(name, committees)]
    patterns = [pattern for name in named for pattern in committee_patterns(name)]
    spans = [m.span() for pattern in patterns for m in pattern.finditer(text)]
    for m in _BODY_WORD.finditer(text):
        if _A_KIND.search(text[: m.start()]):  # "ein Ortsbeirat": any of them
            continue
        if not any(a <= m.start(1) and m.end(1) <= b for a, b in spans) and not _generic(m[1], committees):
            named.append(m[1])
        if m[2]:  # the place stands in the documents, not always right after the body's name
            named.append(m[2])
    return tuple(dict.fromkeys(named))


def named_bodies(text: str, committees: tuple[str, ...]) -> tuple[str, ...]:
    """The committees of the index that `text` names, spelled or abbreviated ("UVPA"); a name
    inside a longer one that is also named ("Finanzausschuss" in "Haupt- und Finanzausschuss")
    does not count.

    >>> named_bodies("Was hat der UVPA am 11. Mai 2021 beschlossen?",
    ...              ("Stadtrat", "Umwelt-, Verkehrs- und Planungsausschuss"))
    ('Umwelt-, Verkehrs- und Planungsausschuss',)
    """
    found = []
    for name in committees:
        for pattern in committee_patterns(name):
            found += [(m.start(), m.end(), name) for m in pattern.finditer(text)]
    named = [
        name
        for start, end, name in found
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in found)
    ]
    return tuple(dict.fromkeys(named))


def committee_patterns(name: str) -> list[re.Pattern]:
    """How a text may write a committee's name: each word inflected ("Stadtteilbeirats",
    "Ausschusses", "Council's") or joined to "Sitzung" ("Gemeinderatssitzung"); English "Council
    of the City of Cleveland" also as "Cleveland City Council"; a name of three or more words'
    initials also as its abbreviation (`abbreviation`)."""
    words = []
    for word in name.split():
        if word.lower() in _FIXED_WORDS or word.endswith("-"):
            words.append(re.escape(word))
        else:
            words.append(re.escape(word) + r"(?:e?s|e|en|n|'s)?(?:-?sitzung(?:en)?)?")
    patterns = [r"\s+".join(words)]
    if m := re.fullmatch(r"Council of the City of (\w+)", name):
        patterns.append(rf"{re.escape(m[1])}\s+City\s+Council")
    compiled = [re.compile(rf"(?<![\w-]){p}(?![\w-])", re.I) for p in patterns]
    if short := abbreviation(name):
        compiled.append(re.compile(rf"(?<![\w-]){short}(?![\w-])"))
    return compiled


def abbreviation(name: str) -> str | None:
    """How German councils abbreviate a committee: the initials of its words, "Ausschuss" at
    the end of a compound counted as a word of its own; None below three letters ("BA" for
    Bauausschuss could be anything).

    >>> abbreviation("Haupt- und Finanzausschuss"), abbreviation("Umwelt-, Verkehrs- und Planungsausschuss")
    ('HFA', 'UVPA')
    >>> abbreviation("Sportausschuss"), abbreviation("Gemeinderat")
    (None, None)
    """
    words = [w for w in re.findall(r"\w+", name) if w.lower() not in _FIXED_WORDS]
    if not words or not all(w[0].isupper() for w in words):
        return None
    initials = "".join(w[0] for w in words)
    if words[-1].lower().endswith("ausschuss") and words[-1].lower() != "ausschuss":
        initials += "A"
    return initials if len(initials) >= 3 else None


def _doc_type(question: str, known: tuple[str, ...]) -> str | None:
    labels = set()
    for m in QUESTION_TYPE_MARKER.finditer(question):
        labels.add(asked_type(m[1] or m[2]))
    label = labels.pop() if len(labels) == 1 else None
    return label if label in known else None


def _single(values) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None
