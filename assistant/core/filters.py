"""Filters: what a search is restricted to (committee, meeting date range, document type, agenda
item, Vorlage), chosen in the UI or on the command line, or read from the question
(`assistant/answering/question_filters.py`).

Filters are applied inside the store queries (SQL over the catalog's facets, Chroma's `ids=`;
see `Catalog.matching_keys`), never by dropping results from an unfiltered top-k: a filter that
leaves 40 chunks of 5000 still gets the k best of those 40. A filter that admits many chunks (the
public's access level, a large committee) is not handed to the store as every key it admits:
`best_admitted` reads the unrestricted ranking deeper and keeps the k best it admits, which is the
same result (see there), and restricts the query itself only where that does not give k.

All given fields must hold for the same placement of a chunk; a chunk stored once for several
files (a reprinted Niederschrift extract) matches if any of its placements does.

Each field is declared once, in `FILTER_FIELDS`: its name (the `Filters` attribute, the JSON and
HTTP key), its German label in the web form, its CLI option, how a typed value is read, how it
is named in German and its SQL condition on the catalog's facets table. The CLI options, the HTTP
body, the web form, `filters_from_input`, `Filters.describe` and the catalog's queries are derived
from that table. A new field is: one `Filters` attribute, one `FilterField` entry, and its facet
column, written at ingest (`Catalog._insert_facets` and the facets schema in
`assistant/index/catalog.py`).
"""

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Literal, TypeVar

from assistant.core.access import AccessLevel
from assistant.core.dates import german, month_period, read_date

# An agenda item number as printed: "14", "15.1", "9.3.2".
_ITEM_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*")
# A filter that admits at most this many chunks is handed to the stores as its keys (Chroma's
# `ids=`, SQL `IN`): measured at 100,000 chunks, 4,000 ids cost Chroma 30 ms, but listing the
# 86,000 keys the public may read took the catalog 800 ms (8 s at a million), and even finding
# out that a filter admits more than 20,000 took 70 ms.
FEW_ADMITTED = 5_000
# Else the unrestricted ranking is read this many times k deep, in turn, before the search itself
# is restricted (`best_admitted`): Chroma's 3,000 nearest cost 36 ms against 24 ms for 15.
WIDER = (20, 200)
_Ranked = TypeVar("_Ranked", bound=tuple[str, Any])


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
    # The access levels the asking viewer may read (`assistant.core.access.Viewer.readable`); None:
    # all. Set by the service for every question, never from user input; not a filter field
    # (not offered, not described), but evaluated with them in every query.
    readable: frozenset[AccessLevel] | None = None

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
        """No restriction at all, the viewer's access levels included."""
        return all(getattr(self, f.name) is None for f in fields(self))

    @property
    def chosen(self) -> bool:
        """Some filter field is set (what `describe` names; the access levels are not)."""
        return any(getattr(self, f.name) is not None for f in FILTER_FIELDS)

    def overridden_by(self, other: "Filters") -> "Filters":
        """These filters with every field that `other` sets replaced; the date range counts as
        one field (an explicit "ab 2024" replaces the question's "im Oktober 2023" whole). The
        access levels only ever narrow: those both may read."""
        changes: dict[str, Any] = {
            f.name: getattr(other, f.name) for f in FILTER_FIELDS if getattr(other, f.name) is not None
        }
        if other.readable is not None:
            changes["readable"] = other.readable & (
                self.readable if self.readable is not None else other.readable
            )
        if "date_from" in changes or "date_to" in changes:
            changes.setdefault("date_from", None)
            changes.setdefault("date_to", None)
        return replace(self, **changes)

    def without(self, other: "Filters") -> "Filters":
        """These filters less the fields `other` sets (the date range again as one field); the
        access levels are kept."""
        dropped = {f.name: None for f in FILTER_FIELDS if getattr(other, f.name) is not None}
        if "date_from" in dropped or "date_to" in dropped:
            dropped.update(date_from=None, date_to=None)
        return replace(self, **dropped)

    def describe(self) -> str:
        """The filters in German, for messages: 'Ausschuss Gemeinderat, Datum 22.10.2024, TOP 14'.
        Each field as `FilterField.said` names it; the date range is one part (`_period`), where
        its start is declared."""
        parts = []
        for field in FILTER_FIELDS:
            if field.name == "date_from":
                parts.append(_period(self.date_from, self.date_to))
            elif field.said and (value := getattr(self, field.name)):
                parts.append(field.said.format(value))
        return ", ".join(p for p in parts if p)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class AppliedFilters:
    """What a search was restricted to, and why: `applied` is what the store queries used,
    `from_question` the part of it read from the question (the rest was chosen in the UI or
    CLI), and `dropped` what the question named but the search ran without, because no document
    matches it (`reason` "nothing"), because its documents are much farther from the question
    than others ("far"), or because they do not answer it ("unanswered"); `note()` says so."""

    applied: Filters = NO_FILTERS
    from_question: Filters = NO_FILTERS
    dropped: Filters = NO_FILTERS
    reason: Literal["nothing", "far", "unanswered"] | None = None

    def note(self) -> str | None:
        if self.dropped.empty:
            return None
        why = {
            "nothing": "kein Dokument im Index ist so verzeichnet",
            "far": "die so verzeichneten Dokumente passen deutlich schlechter zur Frage als andere",
            "unanswered": "die so verzeichneten Dokumente beantworten sie nicht",
        }[self.reason or "far"]
        return (
            f"Hinweis: Die Frage nennt {self.dropped.describe()}; {why}, "
            "daher wurde ohne diese Einschränkung gesucht."
        )


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


@dataclass(frozen=True)
class Choices:
    """A field the web form offers as a list of the index's own values (`IndexFacets`)."""

    facet: Literal["committees", "doc_types"]
    everything: str  # the entry that sets no filter, e.g. "Alle Gremien"


@dataclass(frozen=True)
class FilterField:
    """One filter field, everything the interfaces and the catalog need of it."""

    name: str  # the `Filters` attribute; also the JSON/HTTP key and the web form's parameter
    label: str  # in the web form (German)
    option: str  # the CLI option
    metavar: str
    help: str  # CLI help (English, as all of the CLI's help)
    description: str  # of the HTTP body field, in the OpenAPI schema
    read: Callable[[str, "IndexFacets"], Any]  # a typed value (not blank) → the attribute, None: unset
    sql: Callable[[Any], tuple[str, list[Any]]]  # condition on the facets table, and its arguments
    said: str | None = None  # how `describe` names a value, "Ausschuss {}"; None: the date range
    placeholder: str = ""  # in the web form's text box
    choices: Choices | None = None  # a dropdown of the index's values instead of a text box
    json_type: Any = str  # what the HTTP body takes for it
    aliases: tuple[str, ...] = ()  # further CLI option strings, accepted but not the name shown first


def _agenda_item(text: str, facets: "IndexFacets") -> str | None:
    """'TOP 14', 'Tagesordnungspunkt 14' and '14' all mean item 14."""
    return re.sub(r"^(?:TOP|Tagesordnungspunkt)\s*", "", text.strip(), flags=re.I) or None


def _items_condition(item: str) -> tuple[str, list[Any]]:
    """The item, its sub-items, and the items above it, which hold it where a file is not divided
    finer ("TOP 22.1" stands in the minutes of TOP 22). Items are stored space-delimited
    (" 15 15.1 ", compound numbers such as Cleveland's "528-16" whole), so a match is a substring
    test on whole numbers: "15" matches a placement filed under "15" or "15.1"."""
    parts = item.split(".")
    above = [f" {'.'.join(parts[:i])} " for i in range(1, len(parts))]
    wanted = [f" {item} ", f" {item}.", *above]
    return "(" + " OR ".join("instr(items, ?) > 0" for _ in wanted) + ")", wanted


_DAY = "TT.MM.JJJJ, MM.JJJJ oder JJJJ"

# The filter fields, in the order the CLI, the web form and descriptions list them.
FILTER_FIELDS: tuple[FilterField, ...] = (
    FilterField(
        name="committee",
        label="Gremium",
        option="--committee",
        metavar="NAME",
        help="committee as in the index, e.g. Gemeinderat",
        description="Gremium as the index spells it, e.g. Gemeinderat",
        read=lambda text, facets: facets.committee(text),
        sql=lambda name: ("committee = ?", [name]),
        said="Ausschuss {}",
        choices=Choices("committees", "Alle Gremien"),
    ),
    FilterField(
        name="date_from",
        label="Sitzung von",
        option="--from",
        metavar="DATE",
        help="meetings on or after DATE",
        description="meetings on or after this day, month or year",
        read=lambda text, facets: parse_day(text, end=False),
        sql=lambda day: ("day >= ?", [day_number(day)]),
        placeholder=_DAY,
    ),
    FilterField(
        name="date_to",
        label="Sitzung bis",
        option="--to",
        metavar="DATE",
        help="meetings on or before DATE",
        description="meetings on or before this day, month or year",
        read=lambda text, facets: parse_day(text, end=True),
        sql=lambda day: ("day <= ?", [day_number(day)]),
        placeholder=_DAY,
    ),
    FilterField(
        name="doc_type",
        label="Dokumenttyp",
        option="--type",
        metavar="TYPE",
        help="document type, e.g. Niederschrift",
        description="document type, e.g. Niederschrift",
        read=lambda text, facets: facets.doc_type(text),
        sql=lambda doc_type: ("doc_type = ?", [doc_type]),
        said="Dokumenttyp {}",
        choices=Choices("doc_types", "Alle Dokumenttypen"),
    ),
    FilterField(
        name="agenda_item",
        label="TOP",
        # Not "--top": that reads as top-k. The old spelling stays accepted.
        option="--agenda-item",
        aliases=("--top",),
        metavar="N",
        help="agenda item (TOP), e.g. 14 or 15.1",
        description="TOP, e.g. 14 or 15.1 (also matches 14.1, 14.2)",
        read=_agenda_item,
        sql=_items_condition,
        said="TOP {}",
        placeholder="z. B. 14",
        json_type=str | int,
    ),
    FilterField(
        name="vorlage",
        label="Vorlage",
        option="--vorlage",
        metavar="NUMBER",
        help="Vorlage number, e.g. 2024/1049",
        description="Vorlage number, e.g. 2024/1049",
        read=lambda text, facets: text.strip(),
        sql=lambda number: ("instr(vorlagen, ?) > 0", [f" {number} "]),  # stored as " 2024/1049 "
        said="Vorlage {}",
        placeholder="z. B. 2024/1049",
    ),
)


def filters_from_input(facets: IndexFacets, **typed: str | None) -> Filters:
    """Filters as typed in the CLI, the HTTP body or the web form, by field name (None or blank:
    not set), in the index's spelling. Raises `FilterError` with a German message for a value
    that cannot be read.

    >>> filters_from_input(IndexFacets(committees=("Gemeinderat",)), committee="gemeinderat",
    ...     date_from="2024", agenda_item="TOP 14").describe()
    'Ausschuss Gemeinderat, ab 01.01.2024, TOP 14'
    """
    if unknown := typed.keys() - {field.name for field in FILTER_FIELDS}:
        raise TypeError(f"no such filter field: {', '.join(sorted(unknown))}")
    values = {}
    for field in FILTER_FIELDS:
        text = typed.get(field.name)
        if text and text.strip() and (value := field.read(text, facets)) is not None:
            values[field.name] = value
    return Filters(**values)


def facet_condition(filters: Filters) -> tuple[str, list[Any]]:
    """An SQL condition on the catalog's facets table for `filters`, with its arguments ("1": no
    filter): the viewer's access levels and every set field's condition, all of which must hold."""
    clauses: list[str] = []
    args: list[Any] = []
    if filters.readable is not None:
        # "+access": never through the index on levels, which is there for the rare level only
        # (`Catalog.holds_beyond`); led to it, SQLite read every public placement to join 15
        # chunks' (200 ms instead of 0.6 ms at 100,000 chunks).
        clauses.append(f"+access IN ({','.join('?' * len(filters.readable))})")
        args += sorted(filters.readable)
    for field in FILTER_FIELDS:
        value = getattr(filters, field.name)
        if value is not None:
            clause, field_args = field.sql(value)
            clauses.append(clause)
            args += field_args
    return " AND ".join(clauses) or "1", args


def best_admitted(
    k: int,
    ranking: Callable[[int], Sequence[_Ranked]],
    admitted: Callable[[list[str]], Collection[str]],
    restricted: Callable[[], list[_Ranked]],
    depths: Sequence[int] = WIDER,
) -> list[_Ranked]:
    """The k best (key, score) of a ranking among the keys a filter admits, for a filter that
    admits many: `ranking(n)` gives the n best of all, `admitted(keys)` those of `keys` the filter
    admits, `restricted()` the k best admitted by a search restricted to them (slower).

    The n best of all are read for n = 20k, then 200k (`depths`). Where k of them are admitted,
    they are the k best admitted ones, exactly: an admitted key ranked better than the k-th would
    be among the n best too. Where fewer are, and the ranking had more than n, the admitted keys
    lie elsewhere (a question about what the filter leaves out), and `restricted()` answers.

    >>> ranking = lambda n: [(key, 1.0) for key in "abcdefghij"[:n]]
    >>> best_admitted(1, ranking, lambda keys: {"c", "d"}, lambda: [])
    [('c', 1.0)]
    >>> best_admitted(3, ranking, lambda keys: {"c", "d"}, lambda: [("never", 0.0)])
    [('c', 1.0), ('d', 1.0)]
    >>> best_admitted(1, ranking, lambda keys: set(), lambda: [("z", 0.5)])
    []
    >>> endless = lambda n: [(str(i), 1.0) for i in range(n)]
    >>> best_admitted(1, endless, lambda keys: set(), lambda: [("z", 0.5)])
    [('z', 0.5)]
    """
    for factor in depths:
        n = factor * k
        best = ranking(n)
        keep = admitted([key for key, _ in best])
        inside = [item for item in best if item[0] in keep]
        if len(inside) >= k or len(best) < n:
            return inside[:k]
    return restricted()


def day_number(day: date) -> int:
    """A day as the facets table stores it, comparable in SQL: 2024-10-22 → 20241022."""
    return day.year * 10000 + day.month * 100 + day.day


def _period(start: date | None, end: date | None) -> str | None:
    """The date range in German: 'Datum X' (one day), 'Zeitraum X bis Y', 'ab X', 'bis Y'."""
    if start and start == end:
        return f"Datum {german(start)}"
    if start and end:
        return f"Zeitraum {german(start)} bis {german(end)}"
    if start:
        return f"ab {german(start)}"
    if end:
        return f"bis {german(end)}"
    return None


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
