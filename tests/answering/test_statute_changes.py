"""What changed between the two Fassungen of the Erlangen Beiratssatzung, read from the two
compared sentence by sentence: the Fassung of 2026 gives Anger and Bruck a Stadtteilbeirat each
(2020: one for "Anger/Bruck"), adds a plan of the districts' borders, and comes into force on
1 May 2026; the number of a Stadtteilbeirat's members (9) stays. Most of the text is the same in
both, and such chunks are stored once: the comparison must still see each version whole."""

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import ERLANGEN_SATZUNG_2020, ERLANGEN_SATZUNG_2026


@pytest.fixture(scope="module")
def council(satzung_index):
    return build_assistant(Settings(data_dir=satzung_index))


def _cited(answer, text: str) -> str:
    """The source of the citation whose marker follows `text` in the answer."""
    rest = answer.text[answer.text.index(text) + len(text) :]
    n = int(rest[rest.index("[") + 1 : rest.index("]")])
    return next(c.passage.source for c in answer.citations if c.n == n)


def test_what_changed_lists_each_changed_provision_with_its_earlier_wording(council):
    answer = council.ask(
        "Was hat sich mit der Erlanger Satzung über Orts- und Stadtteilbeiräte von 2026 geändert?"
    )
    assert not answer.abstained
    assert answer.text.startswith("Die Fassung vom 26.02.2026 gegenüber der vom 20.02.2020:")
    assert (
        _cited(answer, "Anger, Bruck und Büchenbach besteht je ein Stadtteilbeirat.") == ERLANGEN_SATZUNG_2026
    )
    assert (
        _cited(answer, "Anger/Bruck und Büchenbach besteht je ein Stadtteilbeirat.") == ERLANGEN_SATZUNG_2020
    )
    assert "Neu: (3) Die jeweilige Begrenzung" in answer.text
    assert "In Kraft getreten am 01.05.2026" in answer.text
    # what both hold word for word is no change, though their pages and chunks break elsewhere,
    # nor is the running head that repeats the date of coming into force on every page
    assert "9 Mitgliedern" not in answer.text
    assert "Entfallen: Satzung der Stadt Erlangen" not in answer.text


def test_a_change_question_about_one_provision_is_answered_by_that_provision(council):
    answer = council.ask(
        "Hat Bruck nach der neuen Beiratssatzung einen eigenen Stadtteilbeirat, oder wie bisher mit Anger?"
    )
    lines = answer.text.splitlines()
    assert len(lines) == 2 and "Anger, Bruck" in lines[1] and "Anger/Bruck" in lines[1]


def test_a_provision_that_did_not_change_is_said_to_be_unchanged_in_both_versions(council):
    answer = council.ask(
        "Hat sich mit der neuen Erlanger Beiratssatzung von 2026 die Zahl der Mitglieder eines "
        "Stadtteilbeirats gegenüber der Fassung von 2020 geändert?"
    )
    assert answer.text.startswith("Unverändert in den Fassungen vom 20.02.2020 und 26.02.2026:")
    assert "Die Stadtteilbeiräte bestehen aus 9 Mitgliedern." in answer.text
    assert {c.passage.source for c in answer.citations} == {ERLANGEN_SATZUNG_2020, ERLANGEN_SATZUNG_2026}


def test_a_question_asking_no_change_is_answered_from_the_provision_in_force(council):
    answer = council.ask("Wie oft muss ein Erlanger Stadtteilbeirat mindestens tagen?")
    assert "gegenüber der vom" not in answer.text and "dreimal jährlich" in answer.text
