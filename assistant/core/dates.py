"""Dates as council documents and questions write them, German and English. Inside the
assistant a day is a `datetime.date`; it becomes text only where people or files read it
(`german`, ISO in JSON).
"""

import re
from datetime import date, datetime

# Month names and abbreviations (German and English) → month number.
MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
    "dez": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    # 08.02.2021, 8. 2. 2021, and PDF spacing artifacts: "19 .11 .2024"
    (re.compile(r"\b(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?((?:19|20)\d{2})\b"), ("d", "m", "y")),
    # 22. Oktober 2024, "22 . Januar 2020"
    (re.compile(rf"\b(\d{{1,2}})\s?\.\s*({_MONTH})\s+((?:19|20)\d{{2}})\b", re.I), ("d", "M", "y")),
    # 13 February 2025, 13th February, 2025, 12TH DAY OF JANUARY, 2011
    (
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+day\s+of)?\s+({_MONTH}),?\s+((?:19|20)\d{{2}})\b", re.I
        ),
        ("d", "M", "y"),
    ),
    # February 13, 2025
    (
        re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b", re.I),
        ("M", "d", "y"),
    ),
    # 2021-02-08
    (re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
]

def find_dates(text: str) -> set[date]:
    """Every full date written in `text`, whatever its spelling.

    >>> sorted(find_dates("am 22.10.2024 und am 19. November 2024"))
    [datetime.date(2024, 10, 22), datetime.date(2024, 11, 19)]
    """
    return {day for _, day in dates_at(text)}


def dates_at(text: str) -> list[tuple[int, date]]:
    """(offset, day) of every full date in `text`."""
    found = []
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            day = _day(dict(zip(order, m.groups(), strict=True)))
            if day:
                found.append((m.start(), day))
    return found


def _day(parts: dict[str, str]) -> date | None:
    month = int(parts["m"]) if "m" in parts else MONTHS.get(parts["M"].lower())
    try:
        return date(int(parts["y"]), month or 0, int(parts["d"]))
    except ValueError:
        return None


def german(day: date) -> str:
    """The day as German documents write it.

    >>> german(date(2024, 10, 22))
    '22.10.2024'
    """
    return f"{day:%d.%m.%Y}"


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
