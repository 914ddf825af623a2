"""Whether anyone spoke on an item is answered by the record of its debate, not by what the item
says: the Niederschrift of TOP 33 (22.10.2024, the FDP/FW's Anfrage on honouring Wolfgang Rihm)
records "keine Wortmeldungen"; that of the Ausländerbehörde item records speakers' turns. The
Anfrage and the administration's Stellungnahme on Rihm stand beside them."""

import pytest

from assistant.answering.question import question_types
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

RIHM_ANFRAGE = "karlsruhe-oparl/docs/file-contents/660853.txt"
RIHM_STELLUNGNAHME = "karlsruhe-oparl/docs/file-contents/660915.txt"
RIHM_MINUTES = "karlsruhe-oparl/docs/file-contents/662117.txt"
AUSLAENDERBEHOERDE_MINUTES = "karlsruhe-oparl/docs/file-contents/662272.txt"


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    files = [RIHM_ANFRAGE, RIHM_STELLUNGNAHME, RIHM_MINUTES, AUSLAENDERBEHOERDE_MINUTES]
    return build_assistant(Settings(data_dir=index_of(files, tmp_path_factory.mktemp("debate"))))


def test_an_item_nobody_spoke_on_is_answered_by_its_record_of_no_debate(council):
    answer = council.ask(
        "Hat im Gemeinderat jemand zur FDP/FW-Anfrage über die Ehrung von Wolfgang Rihm das Wort ergriffen?"
    )
    assert "(keine Wortmeldungen)" in answer.text.split("[1]")[0]
    assert answer.citations[0].passage.source == RIHM_MINUTES


def test_an_item_debated_is_answered_by_a_speaker_s_turn(council):
    answer = council.ask(
        "Gab es im Gemeinderat Wortmeldungen zum Antrag über die Stellen der Ausländerbehörde?"
    )
    lead = answer.text.split("[1]")[0]
    assert answer.citations[0].passage.source == AUSLAENDERBEHOERDE_MINUTES
    assert lead.startswith(("Stadtrat", "Stadträtin", "Bürgermeister", "Oberbürgermeister"))


def test_only_questions_whether_anyone_spoke_ask_for_the_debate():
    assert "debate" in question_types("Gab es dazu eine Aussprache?")
    assert "debate" in question_types("Was the motion adopted without debate?")
    assert "debate" not in question_types("Worüber wurde im Gemeinderat diskutiert?")
