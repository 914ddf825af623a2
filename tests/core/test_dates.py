"""The one date grammar (`assistant.core.dates`) pinned on every date spelling the shared corpus
writes, and on the numbers in it that are no date: one row per spelling, each a snippet copied
from the file it names (`test_the_snippets_stand_in_the_corpus` checks them against
../shared/corpus; `eval/date_survey.py` counts the spellings). Every consumer must read a row as
the grammar does: the grammar itself (`date_mentions`, `find_dates`), the BM25 date terms, the
facts stored per chunk, a question's date filter, a date typed as a filter bound, and the
meeting date of a document head.
"""

import functools
from datetime import date
from typing import NamedTuple

import pytest

from assistant.answering.question_filters import filters_from_question
from assistant.core.dates import date_mentions, find_dates, month_end, read_date, time_phrases
from assistant.core.facts import read_facts
from assistant.core.filters import IndexFacets, parse_day
from assistant.index.lexical import date_terms
from ingest.readers import read_pages
from ingest.structure import parse_date
from tests.conftest import CORPUS, KENT_FEB, METTMANN


class Row(NamedTuple):
    source: str | None  # the corpus file the snippet is copied from; None: a spelling of the docstring
    text: str
    reads: str | None  # the day ("2024-10-22") or month ("2024-10") the text names; None: none
    question: str | None = None  # a question naming the date, where the generic one would not do


ERLANGEN = "erlangen-sbr-buechenbach/SBR"
KARLSRUHE = "karlsruhe-oparl/docs/file-contents"
KENT_CABINET = "kent-county-council/cabinet/2025-01-30/originals"
KENT_MINUTES_JAN = f"{KENT_CABINET}/Minutes of the meeting held on 9th January 2025.pdf"
KENT_AGENDA_JAN = f"{KENT_CABINET}/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"
KENT_EDUCATION = (
    f"{KENT_CABINET}/24-00096 - Commissioning Plan for Education Provision in Kent 2025-29 - Report.pdf"
)
CLEVELAND_1998 = "cleveland-city-record/1998/1998-06-10.txt"
CLEVELAND_2004 = "cleveland-city-record/2004/2004-06-09.txt"
CLEVELAND_2016 = "cleveland-city-record/2016/2016-04-27.txt"
CLEVELAND_2019 = "cleveland-city-record/2019/2019-06-05.txt"
PORTLAND = "portland-council-minutes/tests/resources"
ERLANGEN_PRESENTATION_2022 = (
    f"{ERLANGEN}/2022-11-17_Anhang_Praesentation_STBR_Buechenbach_OeffentlicheSitzung.pdf"
)
ERLANGEN_NIEDERSCHRIFT_2022_04 = (
    f"{ERLANGEN}/2022-04-05_Niederschrift_Niederschrift_1_Sitzung_Buechenbach.pdf"
)
ERLANGEN_NIEDERSCHRIFT_2022_11 = (
    f"{ERLANGEN}/2022-11-17_Niederschrift_Niederschrift_3_Sitzung_Buechenbach.pdf"
)

# One row per spelling class of `eval/date_survey.py` that names a day or a month.
DATED = {
    # numeric
    "dd.mm.yyyy": Row(METTMANN, "Sozialausschuss am 08.02.2021", "2021-02-08"),
    "d.m.yyyy": Row(ERLANGEN_PRESENTATION_2022, "Sitzung vom 29.6.2022]", "2022-06-29"),
    "weekday, dd.mm.yyyy, time": Row(
        f"{ERLANGEN}/2020-10-20_Einladung_Einladung_-oeffentlich-.pdf",
        "2. Sitzung \uf09f Dienstag, 20.10.2020 \uf09f 18:30 Uhr",
        "2020-10-20",
        "Was beschloss der Stadtteilbeirat am Dienstag, 20.10.2020?",
    ),
    "yyyy-mm-dd": Row(
        f"{ERLANGEN}/Anträge_Übersicht/Anlage 03.pdf", "- 2018-08-27 Antrag Stbr Büba", "2018-08-27"
    ),
    # German month names
    "d. Monat yyyy": Row(
        f"{ERLANGEN}/2020-01-22_Einladung_Einladung_-oeffentlich-.pdf",
        "Erlangen, den 9. Januar 2020",
        "2020-01-09",
    ),
    "d. Mon yyyy": Row(
        ERLANGEN_PRESENTATION_2022, "Öffentliche Sitzung 17. Nov 2022\n18:30 – 20:30", "2022-11-17"
    ),
    "weekday, d. Monat yyyy": Row(
        f"{ERLANGEN}/Anträge_Übersicht/Stadtteilbeirat-Stellungnahme_Beschlussvorlage_Ö23_StUB_Trassenführung_413.pdf",
        "Am Dienstag, 13. September 2022, fand",
        "2022-09-13",
        "Was wurde am Dienstag, 13. September 2022 beim Lokalforum besprochen?",
    ),
    "d.<line break>Monat yyyy": Row(
        "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2020.pdf",
        "Gesetzes vom 23.\nDezember 2019",
        "2019-12-23",
    ),
    "d.<line break>Monat yyyy (Karlsruhe)": Row(
        f"{KARLSRUHE}/649426.txt", "mit Stand 30.\nJuni 2023", "2023-06-30"
    ),
    # a day range: the grammar reads its last day
    "d./d. Monat yyyy": Row(f"{KARLSRUHE}/660372.txt", "am 21./22. November 2023", "2023-11-22"),
    # English day-month-year
    "d Month yyyy": Row(KENT_EDUCATION, "To:\tCabinet – 30 January 2025", "2025-01-30"),
    "dth Month yyyy": Row(KENT_AGENDA_JAN, "Minutes of the Meeting held on 9th January 2025", "2025-01-09"),
    "weekday, dth Month, yyyy": Row(
        KENT_AGENDA_JAN,
        "Thursday, 30th January, 2025, at 10.00 am",
        "2025-01-30",
        "What did the Cabinet decide on Thursday, 30th January, 2025?",
    ),
    "dth day of Month, yyyy": Row(CLEVELAND_1998, "on the\n15th day of December, 1997, duly", "1997-12-15"),
    "DTH DAY OF MONTH, YYYY": Row(
        f"{PORTLAND}/2011-1-19raw.txt", "WAS HELD THIS 12TH DAY OF JANUARY, 2011 AT 9:30 A.M.", "2011-01-12"
    ),
    # US month-day-year
    "Month d, yyyy": Row(CLEVELAND_1998, "Cleveland, Ohio June 8, 1998.", "1998-06-08"),
    "WEEKDAY, MONTH d, yyyy": Row(
        CLEVELAND_1998,
        "WEDNESDAY, JUNE 10, 1998",
        "1998-06-10",
        "What did the City Record of WEDNESDAY, JUNE 10, 1998 report?",
    ),
    "weekday,<line break>Month d, yyyy": Row(
        CLEVELAND_2019, "on Wednesday,\nJuly 24, 2019, in", "2019-07-24"
    ),
    "Mon. d, yyyy": Row(CLEVELAND_1998, "passed Oct. 13, 1997 —", "1997-10-13"),
    "Month dth, yyyy": Row(CLEVELAND_2016, "Clerk by April 29th, 2016.", "2016-04-29"),
    # a month with its year
    "Monat yyyy": Row(f"{KARLSRUHE}/660942.txt", "hat im Mai 2024 die gesetzliche", "2024-05"),
    "Monat<line break>yyyy": Row(ERLANGEN_NIEDERSCHRIFT_2022_04, "von Juli bis September\n2022.", "2022-09"),
    "Month yyyy": Row(KENT_MINUTES_JAN, "elections scheduled for May 2025\n", "2025-05"),
    "Month, yyyy": Row(CLEVELAND_1998, "for the period of\nJune, 1998 to", "1998-06"),
    # spellings the grammar's docstring names that this corpus does not write
    "d. m. yyyy": Row(None, "am 8. 2. 2021", "2021-02-08"),
    "d .m .yyyy (PDF spacing)": Row(None, "Sitzung vom 19 .11 .2024", "2024-11-19"),
    "d. Mon. yyyy": Row(None, "am 3. Okt. 2024", "2024-10-03"),
    "d. Jänner yyyy": Row(None, "am 12. Jänner 2021", "2021-01-12"),
    "Mon. d, yyyy (Sept.)": Row(None, "on Sept. 3, 2024", "2024-09-03"),
    "Mon. yyyy": Row(None, "im Okt. 2024", "2024-10"),
}

# Numbers that are no date, and dates the grammar leaves alone (see the report of the survey).
UNDATED = {
    "Vorlage number yyyy/nnnn": Row(
        f"{KARLSRUHE}/660638.txt", "Vorlage Nr.: 2024/0868\nVerantwortlich: Dez. 4", None
    ),
    "Vorlage number ending in a year": Row(METTMANN, "Beratungsergebnis zu Vorlage Nr. 50/004/2021", None),
    "a year in a name": Row(f"{KARLSRUHE}/660638.txt", "Grundsteuerreform 2025 – Satzung zur Änderung", None),
    "a year in an address": Row(CLEVELAND_1998, "Mural Building, 1925\nSt. Clair Avenue", None),
    "TOP n.n": Row(f"{KARLSRUHE}/662263.txt", "TOP 14.1 mehrheitliche Ablehnung (5 Ja, 42 Nein)", None),
    "§ n": Row(
        f"{ERLANGEN}/2020-10-20_Niederschrift_1023550012_-_-_STBR_Buechenbach_2020-2026_-_Niederschrift_2_Sitzung"
        "_STBR_Buechenbach_-_05112020.pdf",
        "§ 6 Abs.3 der Stadtteilsbeiratssatzung",
        None,
    ),
    "amount 1.204.621": Row(f"{KARLSRUHE}/660160.txt", "3. Arbeitsmarktes 1.204.621 Euro", None),
    "amount, year pair": Row(f"{KARLSRUHE}/661118.txt", "365.560,07 € im Jahr 2023/2024", None),
    "section number n.n.n": Row(CLEVELAND_2019, "UPHOLD OBC 903.2.8;", None),
    "IP address": Row(
        f"{ERLANGEN}/2021-04-14_Einladung_Einladung_-oeffentlich-.pdf", "auch 62.109.219.4 wählen", None
    ),
    "time hh:mm": Row(
        f"{ERLANGEN}/2022-06-29_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf",
        "Beginn:\t18:30 Uhr",
        None,
    ),
    "Dezernat 'Dez. n'": Row(f"{KARLSRUHE}/660212.txt", "Verantwortlich: Dez. 4\nDienststelle", None),
    "no such day (31.04.)": Row(f"{KARLSRUHE}/660160.txt", "Auswertung zum 31.04.2024.", None),
    # dates left alone: no year, a two-digit year, slashes and dashes (m/d in Cleveland, d/m in Kent)
    "dd.mm. (no year)": Row(ERLANGEN_NIEDERSCHRIFT_2022_11, "dass am 24.11., 19 Uhr,", None),
    "section number n.n.": Row(f"{KARLSRUHE}/660160.txt", "\n2.2. Angriffskrieg auf die Ukraine", None),
    "dd.mm.yy": Row(ERLANGEN_NIEDERSCHRIFT_2022_04, "am 14.05.22, 10 bis 12 Uhr", None),
    "m/d/yy": Row(CLEVELAND_2004, "appeal adopted on 6/2/04 (Doc. A-31-04)", None),
    "m-d-yy": Row(CLEVELAND_1998, ".5-1-98\nAsphalt Construction Foreman", None),
    "Month d-d, yyyy (day range)": Row(f"{PORTLAND}/minutes_list.html", "January 26-27, 2011", None),
    "d. Monat (no year)": Row(
        f"{ERLANGEN}/2023-11-15_Anhang_20231115_STBR_Buechenbach_OeffentlicheSitzung_Final.pdf",
        "am Donnerstag, 16. November",
        None,
    ),
    # the Cleveland City Record's masthead names its issue (a Wednesday), not the council meeting
    # (the Monday before): read as a meeting date it would date every passage wrongly
    "Month the Ordinal, Year in words": Row(
        CLEVELAND_2016, "April the Twenty-Seventh, Two Thousand and Sixteen", None
    ),
}

ENGLISH = ("kent", "cleveland", "portland")


def _reading(text: str | None) -> tuple[date, date] | None:
    """The days a row's reading covers."""
    if text is None:
        return None
    if len(text) == 7:
        first = date.fromisoformat(text + "-01")
        return first, month_end(first.year, first.month)
    return date.fromisoformat(text), date.fromisoformat(text)


def _question(row: Row, spelling: str) -> str:
    """A question that names the row's date as the date of a meeting."""
    if row.question:
        return row.question
    spelling = " ".join(spelling.split())
    english = (row.source or "").startswith(ENGLISH) or row.text.startswith("on ")
    if len(row.reads or "") == 7:
        return f"What was decided in {spelling}?" if english else f"Was wurde im {spelling} beschlossen?"
    return (
        f"What was decided at the meeting on {spelling}?"
        if english
        else f"Was wurde am {spelling} beschlossen?"
    )


def _readings(row: Row) -> dict[str, object]:
    """What each consumer reads in the row's text, in the shape of `_expected`."""
    mentions = date_mentions(row.text)
    found: dict[str, object] = {
        "date_mentions": [(m.first, m.last) for m in mentions],
        "find_dates": find_dates(row.text),
        "date_terms": date_terms(row.text),
        "read_facts": read_facts(row.text).dates,
    }
    if len(mentions) == 1:
        spelling = row.text[mentions[0].start : mentions[0].end]
        written = read_date(spelling)
        filters = filters_from_question(_question(row, spelling), IndexFacets())
        found |= {
            "read_date": written and (written.first, written.last),
            "parse_day": (parse_day(spelling, end=False), parse_day(spelling, end=True)),
            "question": (filters.date_from, filters.date_to),
            "time_phrase": (mentions[0].start, mentions[0].end) in time_phrases(row.text),
        }
    else:
        found["question"] = filters_from_question(row.text, IndexFacets()).date_from
    return found


def _expected(row: Row) -> dict[str, object]:
    days = _reading(row.reads)
    if days is None:
        return {
            "date_mentions": [],
            "find_dates": set(),
            "date_terms": [],
            "read_facts": (),
            "question": None,
        }
    first, last = days
    is_day = first == last
    return {
        "date_mentions": [days],
        "find_dates": {first} if is_day else set(),
        "date_terms": ([f"date:{first}"] if is_day else []) + [f"month:{first:%Y-%m}"],
        "read_facts": (first,) if is_day else (),
        "read_date": days,
        "parse_day": days,
        "question": days,
        "time_phrase": True,
    }


@pytest.mark.parametrize("row", DATED.values(), ids=DATED.keys())
def test_every_consumer_reads_the_date_as_the_grammar_does(row):
    assert _readings(row) == _expected(row)


@pytest.mark.parametrize("row", UNDATED.values(), ids=UNDATED.keys())
def test_no_consumer_reads_a_date_in_a_near_miss(row):
    assert _readings(row) == _expected(row)


class Times(NamedTuple):
    source: str | None
    text: str
    phrases: list[str]  # what `time_phrases` finds, in text order


def _no_time(row: Row) -> Times:
    return Times(row.source, row.text, [])


# What names a time for the answerer ("when" questions): the phrases `time_phrases` finds.
TIMES = {
    "bis Ende Monat yyyy": Times(f"{KARLSRUHE}/661524.txt", "Bis Ende Mai 2024 fanden", ["Mai 2024"]),
    "Seit yyyy": Times(
        f"{ERLANGEN}/2021-07-08_Anhang_5220050016_-_-_Sportentwicklungsplanung_-_Stadteilbeirat_Buechenbach"
        "_08072021_-_07072021.pdf",
        "Seit 2018 Lenkungsgruppe",
        ["Seit 2018"],
    ),
    "bis zum Jahr yyyy": Times(
        f"{ERLANGEN}/2021-10-27_Niederschrift_Niederschrift_3_Sitzung_Buechenbach.pdf",
        "bis zum Jahr 2002 errichtet",
        ["Jahr 2002"],
    ),
    "im Jahr yyyy/yyyy": Times(f"{KARLSRUHE}/661118.txt", "365.560,07 € im Jahr 2023/2024", ["Jahr 2023"]),
    "since yyyy": Times(KENT_EDUCATION, "increased each year\nsince 2010.", ["since 2010"]),
    "in yyyy": Times(CLEVELAND_2016, "Whereas, in 2011, the Director", ["in 2011"]),
    "d. Monat (no year)": Times(
        f"{ERLANGEN}/2023-11-15_Anhang_20231115_STBR_Buechenbach_OeffentlicheSitzung_Final.pdf",
        "am Donnerstag, 16. November",
        ["16. November"],
    ),
    "d. Mon. (no year)": Times(None, "die Sitzung am 3. Okt.", ["3. Okt"]),
    # left alone (they would change which English sentences answer "when" questions; see
    # CHANGELOG): an English ordinal day without "of", a month before its day, a number before
    # the verb "may"
    "dth Month (no year)": Times(KENT_MINUTES_JAN, "consultation until 15th January.", []),
    "Month dth (no year)": Times(CLEVELAND_2016, "YMCA Firecracker Run — July 4th —", []),
    "Mon. d (no year)": Times(None, "due Sept. 3 at noon", []),
    "dd.mm.yy": Times(ERLANGEN_NIEDERSCHRIFT_2022_04, "am 14.05.22, 10 bis 12 Uhr", ["14.05.22"]),
    # a date and its day and month: both spans
    "d. Monat yyyy": Times(
        f"{ERLANGEN}/2020-01-22_Einladung_Einladung_-oeffentlich-.pdf",
        "Erlangen, den 9. Januar 2020",
        ["9. Januar", "9. Januar 2020"],
    ),
    # no time named
    "Vorlage number": _no_time(UNDATED["Vorlage number yyyy/nnnn"]),
    "a year in a name": _no_time(UNDATED["a year in a name"]),
    "TOP n.n": _no_time(UNDATED["TOP n.n"]),
    "§ n": _no_time(UNDATED["§ n"]),
    "time hh:mm": _no_time(UNDATED["time hh:mm"]),
    "Dezernat 'Dez. n'": _no_time(UNDATED["Dezernat 'Dez. n'"]),
    "n + modal 'may'": Times(
        f"{KENT_CABINET}/24-00109 - Transfer the 18-25 section of the Strengthening Independence Service"
        " - Report.pdf",
        "upon turning 18 may be eligible",
        ["18 may"],
    ),
    # left alone: 79 of the 82 "dd.mm." without a year in the corpus are section numbers ("2.2.")
    "dd.mm. (no year)": _no_time(UNDATED["dd.mm. (no year)"]),
    "section number n.n.": _no_time(UNDATED["section number n.n."]),
    "m/d/yy": _no_time(UNDATED["m/d/yy"]),
}


@pytest.mark.parametrize("row", TIMES.values(), ids=TIMES.keys())
def test_time_phrases(row):
    assert [row.text[a:b] for a, b in time_phrases(row.text)] == row.phrases


# The meeting date of a document head: after a word like "am", "Termin", "held", over a date
# printed before it.
HEADS = {
    "Erlangen Niederschrift, German long": Row(
        f"{ERLANGEN}/2022-06-29_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf",
        "Stadt Erlangen\nErlangen, 18. Juli 2022\n\nReferat:\tOBM\nAmt:\t13-2\n\nNiederschrift\n"
        "Besprechung am:\t29. Juni 2022\tBeginn:\t18:30 Uhr",
        "2022-06-29",
    ),
    "Erlangen Niederschrift, numeric": Row(
        f"{ERLANGEN}/2023-11-15_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf",
        "11.12.2023\nReferat:\tOBM\nAmt:\t13-2\n\nNiederschrift\n\n"
        "Besprechung am:\t15.11.2023\tBeginn:\t18:30 Uhr",
        "2023-11-15",
    ),
    "Karlsruhe Antrag, Gremien Termin": Row(
        f"{KARLSRUHE}/660864.txt",
        "Vorlage Nr.:  2024/1043\n\nEingang: 13.09.2024\n\nAbstellflächen für E-Scooter\nAntrag: CDU\n\n"
        "Gremien Termin TOP  Ö / N Zuständigkeit\nGemeinderat 22.10.2024 23 Ö Kenntnisnahme\n"
        "Planungsausschuss 14.11.2024  Ö Behandlung",
        "2024-10-22",
    ),
    "Mettmann Beratungsergebnis": Row(
        METTMANN,
        "Beratungsergebnis zu Vorlage Nr. 50/004/2021\n\nSozialausschuss am 08.02.2021",
        "2021-02-08",
    ),
    "Kent minutes": Row(
        KENT_FEB,
        "MINUTES of a meeting of the County Council held in the Council Chamber,\n"
        "Sessions House, County Hall, Maidstone on Thursday, 13 February 2025.",
        "2025-02-13",
    ),
}
# An agenda whose list names the minutes of the previous meeting ("3. Minutes of the Meeting held
# on 9th January 2025") is dated by its own meeting, printed first.
KENT_AGENDA_HEAD = Row(
    KENT_AGENDA_JAN,
    "AGENDA\n\nCABINET\n\nThursday, 30th January, 2025, at 10.00 am Ask for:\tGeorgina Little\n"
    "Council Chamber, Sessions House,\nCounty Hall, Maidstone\n\nTelephone:\tTel: 03000 414043\nEmail:\n\n"
    "georgina. little@kent\n.gov. uk\n.\n\nUNRESTRICTED ITEMS\n"
    "(During these items the meeting is likely to be open to the public)\n\n"
    "1. Apologies\n\n2. Declarations of Interest\n\n3. Minutes of the Meeting held on 9th January 2025",
    "2025-01-30",
)


@pytest.mark.parametrize(
    "row", [*HEADS.values(), KENT_AGENDA_HEAD], ids=[*HEADS.keys(), "Kent agenda frontsheet"]
)
def test_the_meeting_date_of_a_head(row):
    assert parse_date(row.text) == date.fromisoformat(row.reads)


@functools.cache
def _corpus_text(source: str) -> str:
    pages, _ = read_pages(CORPUS / source, 200 * 2**20)
    return " ".join(" ".join(p.text for p in pages).split())


ALL_ROWS = [
    (f"{table}: {name}", row)
    for table, rows in [("dated", DATED), ("undated", UNDATED), ("times", TIMES), ("heads", HEADS)]
    for name, row in rows.items()
    if row.source is not None
] + [("heads: Kent agenda frontsheet", KENT_AGENDA_HEAD)]


@pytest.mark.shared
@pytest.mark.parametrize("row", [row for _, row in ALL_ROWS], ids=[name for name, _ in ALL_ROWS])
def test_the_snippets_stand_in_the_corpus(row):
    assert " ".join(row.text.split()) in _corpus_text(row.source)
