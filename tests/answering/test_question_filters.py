"""Filters read from questions (table-driven, German and English), and the many dates,
committee words and numbers in questions that must not become filters."""

from datetime import date

import pytest

from assistant.answering.question_filters import filters_from_question
from assistant.core.filters import Filters, IndexFacets

# The committees and types of the shared corpus's index, as `Catalog.facets()` reports them.
FACETS = IndexFacets(
    committees=(
        "Ausschuss für Umwelt und Gesundheit",
        "Cabinet",
        "Council of the City of Cleveland",
        "County Council",
        "Finanzausschuss",
        "Gemeinderat",
        "Haupt- und Finanzausschuss",
        "Sozialausschuss",
        "Stadtrat",
        "Stadtteilbeirat",
        "Stadtteilbeirat Büchenbach",
    ),
    doc_types=("Antrag", "Niederschrift", "Stellungnahme", "Vorlage", "minutes"),
    latest_meeting=(
        ("Gemeinderat", date(2024, 12, 17)),
        ("Stadtteilbeirat Büchenbach", date(2025, 10, 15)),
        (None, date(2025, 10, 15)),
    ),
)


def day(text: str) -> dict:
    d = date.fromisoformat(text)
    return {"date_from": d, "date_to": d}


def span(first: str, last: str) -> dict:
    return {"date_from": date.fromisoformat(first), "date_to": date.fromisoformat(last)}


READ = [
    # exact dates, German and English spellings
    ("Was beschloss der Gemeinderat am 22.10.2024?", {"committee": "Gemeinderat", **day("2024-10-22")}),
    (
        "Wie wurde am 8. 2. 2021 im Sozialausschuss abgestimmt?",
        {"committee": "Sozialausschuss", **day("2021-02-08")},
    ),
    ("Wer leitete die Sitzung am 22. Oktober 2024?", day("2024-10-22")),
    (
        "Who chaired the County Council meeting on 13 February 2025?",
        {"committee": "County Council", **day("2025-02-13")},
    ),
    ("What happened at the meeting of 13th February, 2025?", day("2025-02-13")),
    ("Who presided on April 25, 2016?", day("2016-04-25")),
    ("Was wurde am 2024-10-22 beraten?", day("2024-10-22")),
    # months and years
    (
        "Was hat der Stadtteilbeirat Büchenbach im Oktober 2021 finanziert?",
        {"committee": "Stadtteilbeirat Büchenbach", **span("2021-10-01", "2021-10-31")},
    ),
    (
        "What did the Cabinet discuss in January 2025 at its meeting?",
        {"committee": "Cabinet", **span("2025-01-01", "2025-01-31")},
    ),
    ("Welche Anträge gab es im Februar 2024?", span("2024-02-01", "2024-02-29")),
    ("Wer hatte im Jahr 2023 den Vorsitz?", span("2023-01-01", "2023-12-31")),
    ("Who was elected Mayor in 2012?", span("2012-01-01", "2012-12-31")),
    # ranges
    ("Was wurde zwischen März und Juni 2025 beschlossen?", span("2025-03-01", "2025-06-30")),
    (
        "Was beriet der Gemeinderat von Oktober 2024 bis Dezember 2024 in seinen Sitzungen?",
        {"committee": "Gemeinderat", **span("2024-10-01", "2024-12-31")},
    ),
    ("What was decided between 1 January 2025 and 13 March 2025?", span("2025-01-01", "2025-03-13")),
    # the latest meeting, of the committee named or of all
    (
        "Was hat der Gemeinderat in seiner letzten Sitzung beschlossen?",
        {"committee": "Gemeinderat", **day("2024-12-17")},
    ),
    ("Worüber wurde in der jüngsten Sitzung gesprochen?", day("2025-10-15")),
    ("What was decided at the latest meeting?", day("2025-10-15")),
    # committees as questions inflect them
    (
        "Wer eröffnete die Sitzung des Stadtteilbeirats Büchenbach am 29. Juni 2022?",
        {"committee": "Stadtteilbeirat Büchenbach", **day("2022-06-29")},
    ),
    (
        "Was geschah in der Stadtteilbeiratssitzung Büchenbach am 15.11.2023?",
        {"committee": "Stadtteilbeirat Büchenbach", **day("2023-11-15")},
    ),
    (
        "Wer hatte den Vorsitz in der Sitzung des Haupt- und Finanzausschusses am 5. November 2024?",
        {"committee": "Haupt- und Finanzausschuss", **day("2024-11-05")},
    ),
    (
        "Wer leitete die Sitzung des Ausschusses für Umwelt und Gesundheit am 15. Oktober 2024?",
        {"committee": "Ausschuss für Umwelt und Gesundheit", **day("2024-10-15")},
    ),
    (
        "Welches Amt hat er seit der Gemeinderatssitzung vom 22. Oktober 2024 inne?",
        {"committee": "Gemeinderat", **day("2024-10-22")},
    ),
    (
        "Who offered the prayer at the Cleveland City Council meeting on June 7, 2004?",
        {"committee": "Council of the City of Cleveland", **day("2004-06-07")},
    ),
    ("Was besprach der Finanzausschuss in seiner Sitzung?", {"committee": "Finanzausschuss"}),
    # agenda items and Vorlagen
    ("Was stand unter TOP 2 auf der Tagesordnung?", {"agenda_item": "2"}),
    ("Wie wurde zu Tagesordnungspunkt 14.1 abgestimmt?", {"agenda_item": "14.1"}),
    ("Was besagt Punkt 3 der Tagesordnung?", {"agenda_item": "3"}),
    ("How was agenda item 62 voted?", {"agenda_item": "62"}),
    ("Welches Thema stand als erster Tagesordnungspunkt auf der Einladung?", {"agenda_item": "1"}),
    ("What was the third agenda item?", {"agenda_item": "3"}),
    ("Was wurde zu TOP Ö 22 beschlossen?", {"agenda_item": "22"}),
    ("Was teilte die Verwaltung zu Vorlage 50/004/2021 mit?", {"vorlage": "50/004/2021"}),
    ("Von wem stammt die Beschlussvorlage Nr. 2024/1049?", {"vorlage": "2024/1049"}),
    # document types, only after "laut", "in der", "according to the" …
    ("Wie viele Brücken gibt es laut Stellungnahme zur Anfrage?", {"doc_type": "Stellungnahme"}),
    ("Was steht in der Niederschrift über den Haushalt?", {"doc_type": "Niederschrift"}),
    ("Laut Protokoll: wer fehlte?", {"doc_type": "Niederschrift"}),
    ("Wie viele Anbieter gibt es laut Informationsvorlage?", {"doc_type": "Vorlage"}),
    ("Who was absent according to the minutes?", {"doc_type": "minutes"}),
]


@pytest.mark.parametrize(("question", "expected"), READ, ids=[q[:50] for q, _ in READ])
def test_filters_are_read_from_the_question(question, expected):
    assert filters_from_question(question, FACETS) == Filters(**expected)


IGNORED = [
    # an ordinal of something else than an agenda item
    "Wer hat den ersten Antrag zur Grundsteuer gestellt?",
    # a date that is a fact asked about, not the meeting's date
    "Bis wann galt der Vertrag, der bis zum 31. Oktober 2024 lief?",
    "Welche Aufgabe hat Frau Eichinger seit Mai 2022?",
    "Ab 1. Januar 2025 gilt welcher Hebesatz?",
    "What must be delivered by April 2028?",
    # two meetings: no single date to filter by
    "Wer war im Januar 2020 Vorsitzende, und wer leitete die Sitzung am 20. Oktober 2020?",
    "Welche Funktion hatte Herr Beck 2020/2021, und welche hat er im November 2024?",
    "What position did he hold on June 9, 2004, and on April 27, 2016?",
    # years that name things
    "Wie hoch ist die Grundsteuer nach der Grundsteuerreform 2025?",
    "What does the Capital Programme 2025-35 contain?",
    "Wie viele Stadtteilbeiräte sieht die Satzung in der Fassung von 2020 vor?",
    "Was kostet der Doppelhaushalt 2026/27?",
    # a committee named as a body, not a meeting of it
    "Aus wie vielen Mitgliedern besteht ein Stadtteilbeirat in Erlangen?",
    "What is Kent County Council's current pay multiple?",
    "Welche Aufgaben hat der Gemeinderat?",
    # committees the index does not know, two committees, a committee only partly named
    "Was hat der Kreistag in seiner Sitzung entschieden?",
    "What did Kent County Council's Cabinet decide at its meeting?",
    "Was forderte der Stadtteilbeirat in seiner Sitzung?",
    # document types as the topic of the question
    "Was hat der Gemeinderat mit dem Antrag zu den Betreuungsvereinen gemacht?",
    "Wer unterzeichnete die Niederschrift?",
    # two agenda items or Vorlagen
    "Wie viele Stimmen erhielten TOP 11 und TOP 23?",
    "Mit wie vielen Ja-Stimmen wurden TOP 9.1 bis 9.3 beschlossen?",
    "Welche Vorlagen 2024/0932 und 2024/0915 gehören zusammen?",
    # numbers without a keyword
    "What grant was notified under File No. 693-2019?",
    "Was passierte mit 2024/1049?",
    "Wie hat die vorletzte Sitzung entschieden?",
]


@pytest.mark.parametrize("question", IGNORED, ids=[q[:50] for q in IGNORED])
def test_no_filter_is_read_where_the_question_does_not_state_one(question):
    assert filters_from_question(question, FACETS).empty


def test_a_date_of_fact_beside_the_meeting_date_leaves_the_meeting_date():
    question = "Welcher Vertrag bis zum 31.12.2025 wurde am 22.10.2024 im Gemeinderat beschlossen?"
    assert filters_from_question(question, FACETS) == Filters(committee="Gemeinderat", **day("2024-10-22"))


def test_nested_dates_give_the_narrower():
    question = "Who was honoured by the proclamation for January 2011 at the January 12, 2011 session?"
    assert filters_from_question(question, FACETS) == Filters(**day("2011-01-12"))


def test_latest_meeting_of_the_committee_chosen_in_the_ui():
    chosen = Filters(committee="Stadtteilbeirat Büchenbach")
    read = filters_from_question("Was wurde in der letzten Sitzung beschlossen?", FACETS, chosen)
    assert read == Filters(**day("2025-10-15"))
    unknown = filters_from_question(
        "Was wurde in der letzten Sitzung beschlossen?", FACETS, Filters(committee="Cabinet")
    )
    assert unknown.empty  # the index knows no meeting record of it
