"""Dates as council documents and questions write them, German and English: the one month table
and date grammar that ingest (meeting dates), the BM25 index (date terms), question filters and
answering all read. Inside the assistant a day is a `datetime.date`; it becomes text only where
people or files read it (`german`, ISO in JSON).

Spellings, each with or without the day (a month alone is a period):

    08.02.2021   8. 2. 2021   19 .11 .2024 (a PDF artifact)     2021-02-08
    22. Oktober 2024   3. Okt. 2024   13 February 2025   13th February, 2025
    12TH DAY OF JANUARY, 2011   February 13, 2025   Sept. 3, 2024
    Oktober 2024   June 2025   (months)

Years are 19xx or 20xx: council records name no other, and "31.12.9999" is a placeholder.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from assistant.core.text import Language

# Month names and abbreviations, German and English, lower case → month number.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "januar jänner january jan",
            "februar february feb",
            "märz maerz march mär mar",
            "april apr",
            "mai may",
            "juni june jun",
            "juli july jul",
            "august aug",
            "september sept sep",
            "oktober october okt oct",
            "november nov",
            "dezember december dez dec",
        ],
        start=1,
    )
    for name in names.split()
}
MONTH_NAMES_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
MONTH_NAMES_EN = (
    "January February March April May June July August September October November December".split()
)
# A month name or abbreviation as a whole word (regex alternation, longest first).
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
YEAR = r"(?:19|20)\d{2}"

# (pattern, order of its day/month/year groups); a month written as a word is "M". A day of 0
# means the pattern names a month, not a day. Earlier patterns win where readings overlap.
_PATTERNS = [
    # 08.02.2021, 8. 2. 2021, and PDF spacing artifacts: "19 .11 .2024"
    (re.compile(rf"\b(\d{{1,2}})\s?\.\s?(\d{{1,2}})\s?\.\s?({YEAR})\b"), "dmy"),
    # 22. Oktober 2024, 3. Okt. 2024, 13 February 2025, 13th February, 2025, 12TH DAY OF JANUARY, 2011
    (
        re.compile(
            rf"\b(\d{{1,2}})(?:\s?\.|st|nd|rd|th)?(?:\s+day\s+of)?\s*({MONTH})\.?,?\s+({YEAR})\b", re.I
        ),
        "dMy",
    ),
    # February 13, 2025
    (re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({YEAR})\b", re.I), "Mdy"),
    # 2021-02-08
    (re.compile(rf"\b({YEAR})-(\d{{2}})-(\d{{2}})\b"), "ymd"),
    # Oktober 2024, Okt. 2024 (a month)
    (re.compile(rf"\b({MONTH})\.?,?\s+({YEAR})\b", re.I), "My"),
]


@dataclass(frozen=True)
class DateMention:
    """A date or a month written in a text: where it stands and the days it covers (a day:
    `first == last`)."""

    start: int
    end: int
    first: date
    last: date

    @property
    def is_day(self) -> bool:
        return self.first == self.last


def date_mentions(text: str, *, months: bool = True) -> list[DateMention]:
    """Every date (and, with `months`, every month with its year) written in `text`, in text
    order; where two readings overlap, the longer spelling wins ("3. Juni 2025" is a day, not
    also the month "Juni 2025").

    >>> [(m.first.isoformat(), m.is_day) for m in date_mentions("am 3. Juni 2025, im April 2022")]
    [('2025-06-03', True), ('2022-04-01', False)]
    >>> [m.first.isoformat() for m in date_mentions("THIS 12TH DAY OF JANUARY, 2011")]
    ['2011-01-12']
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern, order in _PATTERNS:
        if order == "My" and not months:
            continue
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            period = _period(dict(zip(order, m.groups(), strict=True)))
            if period is None:
                continue
            taken.append(m.span())
            found.append(DateMention(m.start(), m.end(), *period))
    return sorted(found, key=lambda d: d.start)


def without_dates(text: str, *, months: bool = True) -> str:
    """`text` with every date it writes (and, with `months`, every month with its year) blanked.

    >>> without_dates("am 14.11.2024 oder im Mai 2025", months=False)
    'am   oder im Mai 2025'
    """
    for mention in reversed(date_mentions(text, months=months)):
        text = text[: mention.start] + " " + text[mention.end :]
    return text


def find_dates(text: str) -> set[date]:
    """Every full date written in `text`, whatever its spelling.

    >>> sorted(find_dates("am 22.10.2024 und am 19. November 2024"))
    [datetime.date(2024, 10, 22), datetime.date(2024, 11, 19)]
    """
    return {m.first for m in date_mentions(text, months=False)}


def read_date(text: str) -> DateMention | None:
    """`text` read as one date or month and nothing else ("22.10.2024", "Juni 2025"), or None.

    >>> read_date(" 13th February, 2025 ").first, read_date("Juni 2025").last, read_date("am 3.6.2025")
    (datetime.date(2025, 2, 13), datetime.date(2025, 6, 30), None)
    """
    text = text.strip()
    found = date_mentions(text)
    return found[0] if len(found) == 1 and (found[0].start, found[0].end) == (0, len(text)) else None


def month_of(name: str) -> int | None:
    """The number of a month named in any spelling of the table ("Okt", "März", "june")."""
    return MONTHS.get(name.lower().rstrip("."))


def month_end(year: int, month: int) -> date:
    """
    >>> month_end(2024, 2), month_end(2024, 12)
    (datetime.date(2024, 2, 29), datetime.date(2024, 12, 31))
    """
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def month_period(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), month_end(year, month)


# What makes a sentence name a time for the answerer: a date or month in any spelling, a day and
# month without the year ("am 22. Okt."), a date with a two-digit year, or a year after a word
# that makes it a point in time ("bis 2029", "seit 2020", "in 2012") or names a part of it
# ("Sommer 2026", "Ende 2025", "3. Quartal 2024", "spring 2025").
_TIME_PHRASE = re.compile(
    rf"\b\d{{1,2}}\.\s?\d{{1,2}}\.\s?\d{{2}}(?:\d{{2}})?\b|\b\d{{1,2}}\.?\s+{MONTH}"
    rf"|\b(?:Jahr(?:es)?|bis|ab|seit|in|until|since|by)\s+{YEAR}\b"
    rf"|\b(?:Frühjahr|Frühling|Sommer|Herbst|Winter|Anfang|Mitte|Ende|Quartal|Q[1-4]|Halbjahr|spring|summer"
    rf"|autumn|winter|early|mid|late|quarter)\s+{YEAR}\b",
    re.I,
)


def time_phrases(text: str) -> list[tuple[int, int]]:
    """Spans of the phrases that name a time (see `_TIME_PHRASE`) or a date or month.

    >>> t = "Eine Antragsstellung ist bis Ende Februar 2025 möglich, die Sitzung am 3. Okt."
    >>> [t[a:b] for a, b in time_phrases(t)]
    ['Februar 2025', '3. Okt']
    >>> t = "Die Eröffnung ist für Sommer 2026 geplant, der Umbau bis Ende 2027."
    >>> [t[a:b] for a, b in time_phrases(t)]
    ['Sommer 2026', 'Ende 2027']
    """
    spans = [(m.start, m.end) for m in date_mentions(text)]
    spans += [m.span() for m in _TIME_PHRASE.finditer(text)]
    return sorted(set(spans))


def german(day: date) -> str:
    """The day as German documents write it.

    >>> german(date(2024, 10, 22))
    '22.10.2024'
    """
    return f"{day:%d.%m.%Y}"


def spoken(day: date, language: Language) -> str:
    """The day as an answer in `language` says it: German as its documents write it, English as
    English minutes do ("13 March 2025", not "13.03.2025", which an English reader may take for
    another day).

    >>> spoken(date(2025, 3, 9), "de"), spoken(date(2025, 3, 9), "en")
    ('09.03.2025', '9 March 2025')
    """
    return german(day) if language == "de" else f"{day.day} {MONTH_NAMES_EN[day.month - 1]} {day.year}"


def german_long(day: date) -> str:
    """
    >>> german_long(date(2021, 2, 8))
    '8. Februar 2021'
    """
    return f"{day.day}. {MONTH_NAMES_DE[day.month - 1]} {day.year}"


def day_of(value: str | None, spelling: str = "%Y-%m-%d") -> date | None:
    """The day a registry field names, or None where it names none: "2024-10-22T15:30:00+02:00"
    → 2024-10-22; with `spelling` "%d.%m.%Y", "05.11.2024" → 2024-11-05.

    >>> day_of("2024-10-22T15:30:00+02:00"), day_of("05.11.2024", "%d.%m.%Y"), day_of("bald")
    (datetime.date(2024, 10, 22), datetime.date(2024, 11, 5), None)
    """
    if not value:
        return None
    length = len(datetime(2000, 1, 1).strftime(spelling))
    try:
        return datetime.strptime(value[:length], spelling).date()
    except ValueError:
        return None


def _period(parts: dict[str, str]) -> tuple[date, date] | None:
    month = int(parts["m"]) if "m" in parts else month_of(parts["M"])
    try:
        if "d" not in parts:
            return month_period(int(parts["y"]), month or 0)
        day = date(int(parts["y"]), month or 0, int(parts["d"]))
    except ValueError:
        return None
    return day, day
