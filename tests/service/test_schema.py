"""The JSON shapes users and scripts see: filters as the fields set (dates ISO), a chat turn that
survives the round trip through a client, and German messages for a focus that cannot be read."""

from datetime import date

import pytest

from assistant.answering.chat import Turn
from assistant.core.filters import AppliedFilters, FilterError, Filters
from assistant.service.schema import AppliedFiltersOut, TurnIn, TurnOut, filters_of


def test_applied_filters_hold_only_the_fields_set():
    applied = AppliedFilters(applied=Filters(vorlage="2024/1049"), from_question=Filters(vorlage="2024/1049"))
    assert AppliedFiltersOut.of(applied).model_dump(mode="json") == {
        "applied": {"vorlage": "2024/1049"},
        "from_question": {"vorlage": "2024/1049"},
        "dropped": {},
        "note": None,
    }


def test_a_turn_survives_json_as_the_http_api_passes_it():
    day = date(2024, 10, 22)
    turn = Turn("F?", "A.", "F? (zu: …)", Filters(committee="Gemeinderat", date_from=day, date_to=day))
    sent = TurnOut.of(turn).model_dump(mode="json")
    assert sent == {
        "question": "F?",
        "answer": "A.",
        "standalone_question": "F? (zu: …)",
        "focus": {"committee": "Gemeinderat", "date_from": "2024-10-22", "date_to": "2024-10-22"},
    }
    assert TurnIn(**sent).turn() == turn
    assert TurnIn(question="F?").turn() == Turn("F?", "")


@pytest.mark.parametrize(
    ("focus", "error", "message"),
    [
        ({"gremium": "Rat"}, FilterError, "Unbekannte Filter: gremium"),
        ({"agenda_item": "vierzehn"}, FilterError, "Filter nicht lesbar: „vierzehn“ ist keine Nummer"),
        ({"date_from": "gestern"}, ValueError, "date_from"),
    ],
)
def test_a_focus_that_cannot_be_read_says_why(focus, error, message):
    with pytest.raises(error, match=message):
        filters_of(focus)
