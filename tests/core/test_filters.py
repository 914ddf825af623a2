"""The filter value: dates and names as users type them, German descriptions, how filters chosen
in the UI combine with those read from the question."""

from dataclasses import fields
from datetime import date

import pytest

from assistant.core.filters import (
    FILTER_FIELDS,
    AppliedFilters,
    FilterError,
    Filters,
    IndexFacets,
    facet_condition,
    filters_from_input,
    no_documents_message,
    parse_day,
)

FACETS = IndexFacets(committees=("Gemeinderat", "Stadtteilbeirat Büchenbach"), doc_types=("Niederschrift",))

DAYS = [
    ("2024-10-22", False, date(2024, 10, 22)),
    ("22.10.2024", True, date(2024, 10, 22)),
    ("1.2.2021", False, date(2021, 2, 1)),
    ("2024-02", True, date(2024, 2, 29)),
    ("10.2024", False, date(2024, 10, 1)),
    ("2021", False, date(2021, 1, 1)),
    (" 2021 ", True, date(2021, 12, 31)),
]


@pytest.mark.parametrize(("text", "end", "expected"), DAYS)
def test_dates_as_typed(text, end, expected):
    assert parse_day(text, end=end) == expected


@pytest.mark.parametrize("text", ["31.02.2024", "2024-13", "gestern", "24", "22.10."])
def test_a_date_that_cannot_be_read_says_how_to_write_one(text):
    with pytest.raises(FilterError, match=r"ist kein Datum \(z\. B\. 22\.10\.2024"):
        parse_day(text, end=False)


def test_input_is_read_in_the_index_spelling():
    filters = filters_from_input(
        FACETS,
        committee="stadtteilbeirat  büchenbach",
        date_from="2024",
        date_to="",
        doc_type="niederschrift",
        agenda_item="TOP 14.1",
        vorlage=" 2024/1049 ",
    )
    assert filters == Filters(
        committee="Stadtteilbeirat Büchenbach",
        date_from=date(2024, 1, 1),
        doc_type="Niederschrift",
        agenda_item="14.1",
        vorlage="2024/1049",
    )
    assert filters_from_input(FACETS, committee="", doc_type="").empty
    # a name the index does not know stays as typed: it matches nothing, and the answer says so
    assert filters_from_input(FACETS, committee="Kreistag").committee == "Kreistag"


def test_impossible_filters_are_refused_in_german():
    with pytest.raises(FilterError, match="beginnt nach seinem Ende"):
        filters_from_input(FACETS, date_from="2025", date_to="2024")
    with pytest.raises(FilterError, match="keine Nummer eines Tagesordnungspunkts"):
        filters_from_input(FACETS, agenda_item="vierzehn")


def test_descriptions_name_each_filter_in_german():
    assert Filters(
        committee="Gemeinderat", date_from=date(2024, 10, 22), date_to=date(2024, 10, 22)
    ).describe() == ("Ausschuss Gemeinderat, Datum 22.10.2024")
    assert Filters(date_from=date(2024, 10, 1), date_to=date(2024, 10, 31), agenda_item="14").describe() == (
        "Zeitraum 01.10.2024 bis 31.10.2024, TOP 14"
    )
    assert Filters(date_to=date(2020, 12, 31), doc_type="Niederschrift", vorlage="2024/1049").describe() == (
        "bis 31.12.2020, Dokumenttyp Niederschrift, Vorlage 2024/1049"
    )
    assert no_documents_message(Filters(committee="Sozialausschuss", date_from=date(2023, 1, 1))) == (
        "Zu den gewählten Filtern (Ausschuss Sozialausschuss, ab 01.01.2023) gibt es keine Dokumente "
        "im Index."
    )


def test_chosen_filters_win_over_the_question_and_dates_count_as_one_field():
    question = Filters(committee="Gemeinderat", date_from=date(2024, 10, 1), date_to=date(2024, 10, 31))
    chosen = Filters(date_from=date(2024, 1, 1), agenda_item="5")
    assert question.overridden_by(chosen) == Filters(
        committee="Gemeinderat", date_from=date(2024, 1, 1), agenda_item="5"
    )
    assert question.without(chosen) == Filters(committee="Gemeinderat")


def test_the_note_says_which_question_filters_were_dropped_and_why():
    dropped = Filters(committee="Stadtrat", date_from=date(2024, 10, 22), date_to=date(2024, 10, 22))
    assert AppliedFilters().note() is None
    nothing = AppliedFilters(dropped=dropped, reason="nothing").note()
    assert nothing == (
        "Hinweis: Die Frage nennt Ausschuss Stadtrat, Datum 22.10.2024; kein Dokument im Index ist so "
        "verzeichnet, daher wurde ohne diese Einschränkung gesucht."
    )
    far = AppliedFilters(dropped=dropped, reason="far").note()
    assert far is not None and "die so verzeichneten Dokumente passen deutlich schlechter zur Frage" in far


def test_every_filters_attribute_is_declared_once_in_order():
    """Every attribute but the viewer's access levels, which no user sets."""
    assert [f.name for f in FILTER_FIELDS] == [f.name for f in fields(Filters) if f.name != "readable"]


def test_the_viewers_levels_restrict_every_query_and_only_narrow():
    public = Filters(committee="Gemeinderat", readable=frozenset({"öffentlich"}))
    condition, args = facet_condition(public)
    assert condition == "+access IN (?) AND committee = ?" and args == ["öffentlich", "Gemeinderat"]
    assert not Filters(readable=frozenset({"öffentlich"})).empty
    assert not Filters(readable=frozenset({"öffentlich"})).chosen and public.chosen
    # Neither a question's filters nor dropping them loosens the levels.
    stated = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert public.overridden_by(stated).readable == frozenset({"öffentlich"})
    assert public.without(public).readable == frozenset({"öffentlich"})
    everything = Filters(readable=frozenset({"öffentlich", "nichtöffentlich"}))
    assert everything.overridden_by(public).readable == frozenset({"öffentlich"})
    assert public.overridden_by(everything).readable == frozenset({"öffentlich"})


@pytest.mark.parametrize(
    ("filters", "condition", "args"),
    [
        (Filters(), "1", []),
        (
            Filters(committee="Gemeinderat", doc_type="Niederschrift"),
            "committee = ? AND doc_type = ?",
            ["Gemeinderat", "Niederschrift"],
        ),
        (
            Filters(date_from=date(2024, 10, 1), date_to=date(2024, 10, 31)),
            "day >= ? AND day <= ?",
            [20241001, 20241031],
        ),
        (
            Filters(agenda_item="22.1"),
            "(instr(items, ?) > 0 OR instr(items, ?) > 0 OR instr(items, ?) > 0)",
            [" 22.1 ", " 22.1.", " 22 "],
        ),
        (Filters(vorlage="2024/1049"), "instr(vorlagen, ?) > 0", [" 2024/1049 "]),
    ],
)
def test_the_sql_condition_is_each_set_fields_declared_condition(filters, condition, args):
    assert facet_condition(filters) == (condition, args)


def test_input_names_only_declared_fields():
    with pytest.raises(TypeError, match="gremium"):
        filters_from_input(FACETS, gremium="Rat")
    assert filters_from_input(FACETS, agenda_item="TOP ").empty  # "TOP" alone names no item
