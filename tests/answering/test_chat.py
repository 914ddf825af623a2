"""Follow-up questions over several turns, without an LLM: the previous turn's topic and focus
(agenda item, committee, meeting day) are carried into a question that refers back."""

from datetime import date

import pytest

from assistant.answering.chat import Turn, condense, is_follow_up
from assistant.core.filters import Filters
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import KARLSRUHE_TOP14, KENT_FEB, METTMANN


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("Und wie wurde darüber abgestimmt?", True),
        ("Wer hat dagegen gestimmt?", True),
        ("Was kostet das?", True),
        ("Und wann?", True),
        ("What was the vote?", True),
        ("Who seconded it?", True),
        ("Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?", False),
        ("Wie wurde über die Grundsteuerreform 2025 abgestimmt?", False),
        ("What total Council Tax requirement did Kent agree?", False),
    ],
)
def test_a_follow_up_refers_back_or_names_no_topic(question, follow_up):
    assert is_follow_up(question) is follow_up


def test_without_history_or_with_its_own_topic_a_question_stays_as_asked():
    previous = Turn("Was wurde zu TOP 14 beschlossen?", "…", focus=Filters(agenda_item="14"))
    assert condense("Und wie wurde darüber abgestimmt?", []).question == "Und wie wurde darüber abgestimmt?"
    fresh = condense("Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?", [previous])
    assert not fresh.follow_up and fresh.focus.empty


def test_a_follow_up_carries_the_previous_topic_and_focus():
    day = date(2024, 10, 22)
    focus = Filters(committee="Gemeinderat", date_from=day, date_to=day, agenda_item="14")
    previous = Turn("Was wurde zur Grundsteuerreform beschlossen?", "…", focus=focus)
    condensed = condense("Und wie wurde darüber abgestimmt?", [previous])
    assert condensed.follow_up and condensed.focus == focus
    assert "TOP 14" in condensed.question and "Grundsteuerreform" in condensed.question


@pytest.fixture(scope="module")
def assistant(small_index):
    return build_assistant(Settings(data_dir=small_index))


def test_a_conversation_about_top_14_resolves_the_follow_up_to_its_vote(assistant):
    first = assistant.ask("Was hat der Gemeinderat am 22.10.2024 zur Grundsteuerreform beschlossen?")
    assert first.citations and first.citations[0].source == KARLSRUHE_TOP14
    history = [Turn.of(first)]
    assert history[0].focus.agenda_item == "14" and history[0].focus.committee == "Gemeinderat"

    second = assistant.ask("Und wie wurde darüber abgestimmt?", history=history)
    assert second.standalone is not None and "TOP 14" in second.standalone
    assert "25 Ja" in second.text and "22 Nein" in second.text
    assert second.citations[0].source == KARLSRUHE_TOP14
    assert second.filters.applied.agenda_item == "14"  # the carried focus restricted the search
    history.append(Turn.of(second))

    third = assistant.ask("Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?", history=history)
    assert third.standalone is None and third.filters.applied.agenda_item is None  # a new topic
    assert "Hilden" in third.text and third.citations[0].source == METTMANN


def test_an_english_follow_up_stays_with_the_meeting_it_follows(assistant):
    first = assistant.ask(
        "What total Council Tax requirement did Kent County Council agree on 13 February 2025?"
    )
    assert "994,287,655" in first.text
    second = assistant.ask("What was the vote?", history=[Turn.of(first)])
    assert second.standalone is not None and "Council Tax" in second.standalone
    assert not second.abstained and second.citations[0].source == KENT_FEB
