"""Which office of the administration is in charge of a paper is answered from the paper's header
field: a Karlsruhe Vorlage prints "Verantwortlich: Dez. 6 / Dienststelle: / Liegenschaftsamt" above
its title, the label and its value on lines of their own. The Stellungnahme on the posthumous honour
for Wolfgang Rihm (Liegenschaftsamt) and the Beschlussvorlage on the Zonta benches (Gartenbauamt),
with the minutes that decided on the benches beside them."""

from pathlib import Path

import pytest

from assistant.answering.question import question_types
from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

RIHM = "karlsruhe-oparl/docs/file-contents/660915.txt"
ZONTA = "karlsruhe-oparl/docs/file-contents/661373.txt"
MINUTES = "karlsruhe-oparl/docs/file-contents/662268.txt"


@pytest.fixture(scope="module")
def papers_index(tmp_path_factory) -> Path:
    return index_of([RIHM, ZONTA, MINUTES], tmp_path_factory.mktemp("papers"))


@pytest.mark.parametrize(
    ("question", "office", "paper"),
    [
        (
            "Welche Dienststelle hat die Stellungnahme zur Anfrage über Wolfgang Rihm verfasst?",
            "Liegenschaftsamt",
            RIHM,
        ),
        ("Welches Amt ist für die Vorlage zu den Zonta-Bänken zuständig?", "Gartenbauamt", ZONTA),
    ],
)
def test_the_office_in_charge_of_a_paper_leads_from_its_header(papers_index, question, office, paper):
    answer = build_assistant(Settings(data_dir=papers_index)).ask(question)
    assert not answer.abstained
    lead = answer.citations[0]
    assert office in answer.text.split("[1]")[0]
    assert lead.passage.source == paper and office in lead.text


def test_only_a_paper_s_office_is_asked_for_not_a_person_s():
    assert "office" in question_types("Welches Amt ist für die Vorlage zuständig?")
    assert "office" in question_types("Für welche Vorlagen war die Stadtkämmerei federführend?")
    assert "office" not in question_types("Welches Amt hat Thomas Jäger seit Oktober 2024 inne?")
