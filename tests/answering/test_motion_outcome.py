"""Whether a motion passed is answered by its recorded result: "Did the Labour motion … pass?" by
the roll call that ends "Motion lost" (Kent County Council, 19 December 2024), not by the motion's
own text, which the question repeats. The minutes of 9 January 2025 stand beside them."""

import pytest

from assistant.answering.question import Question
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

KENT = "kent-county-council/full_council/2025-02-13/originals/"
DECEMBER_MINUTES = KENT + "19 December 2024 - County Council minutes.pdf"
JANUARY_MINUTES = KENT + "9 January 2025 - County Council minutes.pdf"


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    files = [DECEMBER_MINUTES, JANUARY_MINUTES]
    return build_assistant(Settings(data_dir=index_of(files, tmp_path_factory.mktemp("motions"))))


def test_whether_a_motion_passed_is_answered_by_its_result(council):
    answer = council.ask(
        "Did the Labour motion asking that all decisions align with the Integrated Care Strategy pass "
        "at the 19 December 2024 council meeting?"
    )
    lead = answer.text.split("[1]")[0]
    assert lead.startswith("No.")
    assert "Motion lost" in lead
    assert answer.citations[0].passage.source == DECEMBER_MINUTES


@pytest.mark.parametrize(
    ("question", "yes_means_approved"),
    [
        ("Wurde der Antrag der SPD zum Radweg angenommen?", True),
        ("Ist die Hebesatzsatzung im Gemeinderat durchgekommen?", True),
        ("Ist der Dringlichkeitsantrag der ÖDP gescheitert?", False),
        ("Was the Liberal Democrat amendment carried?", True),
        ("Did the motion on the Climate and Nature Bill fail?", False),
        ("Mr Hood moved an amendment on devolution. Was it carried?", True),
        ("Die SPD hat einen Antrag zum Radweg gestellt. Wurde er angenommen?", True),
    ],
)
def test_whether_a_motion_passed_asks_its_vote(question, yes_means_approved):
    asked = Question.read(question)
    assert "vote" in asked.kinds
    assert asked.yes_no is yes_means_approved


def test_a_service_taken_up_well_is_no_motion():
    assert "vote" not in Question.read("Wie gut wurden die Hausbesuche für Senioren angenommen?").kinds


@pytest.mark.parametrize(
    "question",
    [
        "Wer hat sich bei TOP 5 enthalten?",
        "Wer enthielt sich?",
        "Which members abstained?",
        "Wer hat dagegen gestimmt?",
        "Wie hat die CDU gestimmt?",
    ],
)
def test_who_abstained_or_voted_how_asks_the_vote(question):
    assert "vote" in Question.read(question).kinds


def test_what_a_plan_contains_asks_no_vote():
    assert "vote" not in Question.read("Welche Maßnahmen sind im Lärmaktionsplan enthalten?").kinds
