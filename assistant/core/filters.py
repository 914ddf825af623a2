"""Filters: what a search is restricted to (committee, meeting date range, document type, agenda
item, Vorlage), chosen in the UI or on the command line, or read from the question
(`assistant/answering/question_filters.py`).

Filters are applied inside the store queries (SQL over the catalog's facets, Chroma's `ids=`;
see `Catalog.matching_keys`), never by dropping results from an unfiltered top-k: a filter that
leaves 40 chunks of 5000 still gets the k best of those 40.

All given fields must hold for the same placement of a chunk; a chunk stored once for several
files (a reprinted Niederschrift extract) matches if any of its placements does.
"""

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Literal

from assistant.core.dates import german, month_period, read_date

# An agenda item number as printed: "14", "15.1", "9.3.2".
_ITEM_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*")


class FilterError(ValueError):
    """A filter value that cannot be read; the message is meant for the user (German)."""


@dataclass(frozen=True)
class Filters:
    """Restrictions of a search; None leaves a field open.

    `agenda_item` "15" also matches the sub-items "15.1" and "15.2" (Karlsruhe files the two
    Vorlagen of TOP 15 as 15.1 and 15.2). `committee` and `doc_type` are the values the index
    holds (`IndexFacets`), compared exactly; `vorlage` is the paper number as printed."""

    committee: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    doc_type: str | None = None
    agenda_item: str | None = None
    vorlage: str | None = None

    def __post_init__(self) -> None:
        if self.agenda_item is not None and not _ITEM_NUMBER.fullmatch(self.agenda_item):
            raise FilterError(
                f"„{self.agenda_item}“ ist keine Nummer eines Tagesordnungspunkts (z. B. 14 oder 15.1)."
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            start, end = german(self.date_from), german(self.date_to)
            raise FilterError(f"Der Zeitraum beginnt nach seinem Ende ({start} bis {end}).")

    @property
    def empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def overridden_by(self, other: "Filters") -> "Filters":
        """These filters with every field that `other` sets replaced; the date range counts as
        one field (an explicit "ab 2024" replaces the question's "im Oktober 2023" whole)."""
        changes = {
            f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name) is not None
        }
        if "date_from" in changes or "date_to" in changes:
            changes.setdefault("date_from", None)
            changes.setdefault("date_to", None)
        return replace(self, **changes)

    def without(self, other: "Filters") -> "Filters":
        """These filters less the fields `other` sets (the date range again as one field)."""
        dropped = {f.name: None for f in fields(other) if getattr(other, f.name) is not None}
        if "date_from" in dropped or "date_to" in dropped:
            dropped.update(date_from=None, date_to=None)
        return replace(self, **dropped)

    def describe(self) -> str:
        """The filters in German, for messages: 'Ausschuss Gemeinderat, Datum 22.10.2024, TOP 14'."""
        parts = []
        if self.committee:
            parts.append(f"Ausschuss {self.committee}")
        if self.date_from and self.date_from == self.date_to:
            parts.append(f"Datum {german(self.date_from)}")
        elif self.date_from and self.date_to:
            parts.append(f"Zeitraum {german(self.date_from)} bis {german(self.date_to)}")
        elif self.date_from:
            parts.append(f"ab {german(self.date_from)}")
        elif self.date_to:
            parts.append(f"bis {german(self.date_to)}")
        if self.doc_type:
            parts.append(f"Dokumenttyp {self.doc_type}")
        if self.agenda_item:
            parts.append(f"TOP {self.agenda_item}")
        if self.vorlage:
            parts.append(f"Vorlage {self.vorlage}")
        return ", ".join(parts)

    @classmethod
    def from_json(cls, data: dict) -> "Filters":
        """What `to_json` wrote; an unknown field or a date that is not ISO is a `FilterError`."""
        names = {f.name for f in fields(cls)}
        if unknown := set(data) - names:
            raise FilterError(f"Unbekannte Filter: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {
            k: date.fromisoformat(v) if k.startswith("date_") and v else v for k, v in data.items()
        }
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise FilterError(f"Filter nicht lesbar: {exc}") from exc

    def to_json(self) -> dict:
        """Only the fields set; dates as ISO strings."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out


NO_FILTERS = Filters()


@dataclass(frozen=True)
class AppliedFilters:
    """What a search was restricted to, and why: `applied` is what the store queries used,
    `from_question` the part of it read from the question (the rest was chosen in the UI or
    CLI), and `dropped` what the question named but the search ran without, because no document
    matches it (`reason` "nothing") or because its documents are much farther from the question
    than others ("far"); `note()` says so."""

    applied: Filters = NO_FILTERS
    from_question: Filters = NO_FILTERS
    dropped: Filters = NO_FILTERS
    reason: Literal["nothing", "far"] | None = None

    def note(self) -> str | None:
        if self.dropped.empty:
            return None
        why = (
            "kein Dokument im Index ist so verzeichnet"
            if self.reason == "nothing"
            else "die so verzeichneten Dokumente passen deutlich schlechter zur Frage als andere"
        )
        return (
            f"Hinweis: Die Frage nennt {self.dropped.describe()}; {why}, "
            "daher wurde ohne diese Einschränkung gesucht."
        )

    def to_json(self) -> dict:
        return {
            "applied": self.applied.to_json(),
            "from_question": self.from_question.to_json(),
            "dropped": self.dropped.to_json(),
            "note": self.note(),
        }


def no_documents_message(filters: Filters) -> str:
    return f"Zu den gewählten Filtern ({filters.describe()}) gibt es keine Dokumente im Index."


@dataclass(frozen=True)
class IndexFacets:
    """The filter values the index holds: what the UI offers and what questions are matched
    against. `latest_meeting` is the date of the latest meeting record (minutes, vote result,
    invitation) per committee; the key None holds the latest over all committees."""

    committees: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    latest_meeting: tuple[tuple[str | None, date], ...] = ()

    def latest(self, committee: str | None) -> date | None:
        return dict(self.latest_meeting).get(committee)

    def committee(self, name: str) -> str:
        """The index's spelling of a committee typed by a user ("gemeinderat" → "Gemeinderat");
        the name as given if the index has none such (the filter then matches nothing and the
        answer says so)."""
        return _known(name, self.committees)

    def doc_type(self, name: str) -> str:
        return _known(name, self.doc_types)


def _known(name: str, values: tuple[str, ...]) -> str:
    wanted = " ".join(name.split()).casefold()
    return next((v for v in values if v.casefold() == wanted), " ".join(name.split()))


def filters_from_input(
    facets: IndexFacets,
    *,
    committee: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    doc_type: str | None = None,
    agenda_item: str | None = None,
    vorlage: str | None = None,
) -> Filters:
    """Filters as typed in the CLI or the web form (empty strings: not set), in the index's
    spelling. Raises `FilterError` with a German message for a value that cannot be read.

    >>> filters_from_input(IndexFacets(committees=("Gemeinderat",)), committee="gemeinderat",
    ...     date_from="2024", agenda_item="TOP 14").describe()
    'Ausschuss Gemeinderat, ab 01.01.2024, TOP 14'
    """
    item = (
        re.sub(r"^(?:TOP|Tagesordnungspunkt)\s*", "", agenda_item.strip(), flags=re.I) if agenda_item else ""
    )
    return Filters(
        committee=facets.committee(committee) if committee and committee.strip() else None,
        date_from=parse_day(date_from, end=False) if date_from and date_from.strip() else None,
        date_to=parse_day(date_to, end=True) if date_to and date_to.strip() else None,
        doc_type=facets.doc_type(doc_type) if doc_type and doc_type.strip() else None,
        agenda_item=item or None,
        vorlage=vorlage.strip() if vorlage and vorlage.strip() else None,
    )


def parse_day(text: str, *, end: bool) -> date:
    """A date bound as a user types it: a date in any spelling of `core.dates` ("22.10.2024",
    "2024-10-22", "22. Oktober 2024"), a month ("Oktober 2024", and as typed in forms: "2024-10",
    "10.2024") or a year ("2021"). A month or year is its first day as a start (`end=False`)
    and its last day as an end.

    >>> parse_day("2021", end=True), parse_day("10.2024", end=False), parse_day("22.10.2024", end=True)
    (datetime.date(2021, 12, 31), datetime.date(2024, 10, 1), datetime.date(2024, 10, 22))
    """
    value = text.strip()
    if written := read_date(value):
        return written.last if end else written.first
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})\.(\d{4})", value):
            year, month = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            first, last = month_period(year, month)
            return last if end else first
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 12, 31) if end else date(int(value), 1, 1)
    except ValueError:
        pass
    raise FilterError(f"„{text}“ ist kein Datum (z. B. 22.10.2024, 2024-10-22, 10.2024 oder 2024).")
