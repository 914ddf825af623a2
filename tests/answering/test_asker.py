"""Who asked something in a meeting is answered by the record of the request, which every other
answer passes over as a question asked in the documents: in the Sozialausschuss of the Kreis
Mettmann (08.02.2021, TOP 10) "KA Ernst bittet um Mitteilung …, wer Mitglied der Lenkungsgruppe
ist" and "SE Esser bittet um nähere Erläuterungen zum … Sachstand der Stellenausschreibungen";
Kreistag minutes abbreviate the members' roles (KA, SE)."""

import pytest

from assistant.answering.question import Question, named_persons
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

METTMANN = "kreis-mettmann/Beratungsergebnis_50-004-2021_Sozialausschuss_2021-02-08_TOP10.txt"


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    return build_assistant(Settings(data_dir=index_of([METTMANN], tmp_path_factory.mktemp("asker"))))


def test_who_wanted_to_know_is_answered_by_the_request(council):
    answer = council.ask(
        "Wer wollte im Sozialausschuss Mettmann wissen, wer in der KIM-Lenkungsgruppe sitzt?"
    )
    assert answer.text.startswith("KA Ernst bittet um Mitteilung")


def test_who_asked_is_answered_by_the_member_asking(council):
    answer = council.ask(
        "Wer hat im Sozialausschuss nach dem Stand der Stellenausschreibungen für das KIM gefragt?"
    )
    assert "SE Esser bittet" in answer.text.split("[1]")[0]


def test_questions_on_who_asked():
    assert "asker" in Question.read("Who asked about the pothole repairs in February?").kinds
    assert "asker" not in Question.read("Who asked to address Council on January 12, 2011?").kinds
    assert "asker" not in Question.read("Wer ist für die Lenkungsgruppe zuständig?").kinds
    assert named_persons("Was wollte KA Serag wissen, und was SE Esser?") == ("Serag", "Esser")
