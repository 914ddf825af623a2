"""A question that presumes a body rejected something is corrected by the record where that
record shows the item approved: Kent's Cabinet agreed the Commissioning Plan for Education
Provision on 30 January 2025, Karlsruhe's Gemeinderat approved the Wirtschaftsplan 2025 of the
Wildparkstadion unanimously (TOP 21, 22.10.2024). Where the record of the item also rejected
something (TOP 14 of the same day: the Hebesatzsatzung passed, the amendments to it failed), it
does not contradict a rejection, and nothing is corrected."""

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

CABINET_MINUTES = (
    "kent-county-council/cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
)
WILDPARK_MINUTES = "karlsruhe-oparl/docs/file-contents/662271.txt"
HEBESATZ_MINUTES = "karlsruhe-oparl/docs/file-contents/662263.txt"


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    files = [CABINET_MINUTES, WILDPARK_MINUTES, HEBESATZ_MINUTES]
    return build_assistant(Settings(data_dir=index_of(files, tmp_path_factory.mktemp("rejection"))))


def test_a_presumed_rejection_is_corrected_by_the_record(council):
    answer = council.ask(
        "Why did Kent's Cabinet reject the Commissioning Plan for Education Provision 2025-29 "
        "on 30 January 2025?"
    )
    assert answer.abstained
    assert answer.text.startswith("The record shows no rejection")
    assert "RESOLVED that Cabinet agree the Commissioning Plan" in answer.text
    assert answer.citations[0].passage.source == CABINET_MINUTES


def test_a_rejection_stated_before_the_question_is_corrected_too(council):
    answer = council.ask(
        "Der Gemeinderat hat den Wirtschaftsplan 2025 des Eigenbetriebs Fußballstadion im Wildpark "
        "abgelehnt. Wie geht es jetzt weiter?"
    )
    assert answer.abstained
    assert answer.text.startswith("Abgelehnt wurde das laut den Unterlagen nicht")
    assert "Einstimmige Zustimmung" in answer.text
    assert "TOP 21" in answer.text
    assert answer.citations[0].passage.source == WILDPARK_MINUTES


def test_a_record_that_rejected_amendments_corrects_nothing(council):
    answer = council.ask(
        "Warum hat der Gemeinderat am 22.10.2024 den Änderungsantrag zur Hebesatzsatzung abgelehnt?"
    )
    assert not answer.text.startswith("Abgelehnt wurde das laut den Unterlagen nicht")
