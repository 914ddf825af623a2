"""Who signed a paper is answered by its signature block, however few of the question's words
that holds, where the paper is the one asked about (its passage holds half the question's words):
the AfD's Anfrage on France's decoupling from the German power market is "Unterzeichnet von: Dr.
Paul Schmidt / Oliver Schnell / …"; the FDP/FW's Anfrage on Wolfgang Rihm stands beside it."""

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

STROMMARKT = "karlsruhe-oparl/docs/file-contents/660300.txt"
RIHM = "karlsruhe-oparl/docs/file-contents/660853.txt"


@pytest.fixture(scope="module")
def anfragen_index(tmp_path_factory) -> Path:
    return index_of([STROMMARKT, RIHM], tmp_path_factory.mktemp("anfragen"))


def test_who_signed_a_paper_is_answered_by_its_signature_block(anfragen_index):
    answer = build_assistant(Settings(data_dir=anfragen_index)).ask(
        "Wer hat die AfD-Anfrage zu den Folgen einer Abkopplung Frankreichs vom deutschen Strommarkt "
        "unterzeichnet?"
    )
    assert not answer.abstained
    lead = answer.text.split("[1]")[0]
    assert lead.startswith("Unterzeichnet von:")
    assert all(name in lead for name in ("Schmidt", "Schnell", "Gottmann", "Stolz", "Seidler"))
    assert answer.citations[0].passage.source == STROMMARKT


def test_the_signature_block_of_another_paper_does_not_answer(anfragen_index):
    answer = build_assistant(Settings(data_dir=anfragen_index)).ask(
        "Wer hat die Anfrage zur Einrichtung neuer Hundewiesen in der Nordstadt unterzeichnet?"
    )
    assert answer.abstained
