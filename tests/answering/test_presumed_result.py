"""A question that presumes a body rejected something is corrected by the record where that
record shows the item approved: Kent's Cabinet agreed the Commissioning Plan for Education
Provision on 30 January 2025, Karlsruhe's Gemeinderat approved the Wirtschaftsplan 2025 of the
Wildparkstadion unanimously (TOP 21, 22.10.2024). Where the record of the item also rejected
something (TOP 14 of the same day: the Hebesatzsatzung passed, the amendments to it failed), it
does not contradict a rejection, and nothing is corrected. A question that states a body
approved something is corrected where the record shows it not approved: the Gemeinderat referred
the SPD's motion on its election helpers to the Haupt- und Finanzausschuss (TOP 28, 22.10.2024)
and the CDU's "Grüne Welle" to the Planungsausschuss (TOP 26); asking for the votes it passed
with presumes it passed. A party named in the question is no matter where it is not the one
deciding: the Gemeinderat approved the change of seats Volt asked for (TOP 3). A question that
states a body deferred something at a meeting is corrected where that meeting's record shows it
decided; a stated approval or deferral is checked against the record of the meeting it dates only."""

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
HELPERS_MINUTES = "karlsruhe-oparl/docs/file-contents/662111.txt"
GREEN_WAVE_MINUTES = "karlsruhe-oparl/docs/file-contents/662109.txt"
SEATS_MINUTES = "karlsruhe-oparl/docs/file-contents/662250.txt"


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    files = [
        CABINET_MINUTES,
        WILDPARK_MINUTES,
        HEBESATZ_MINUTES,
        HELPERS_MINUTES,
        GREEN_WAVE_MINUTES,
        SEATS_MINUTES,
    ]
    return build_assistant(Settings(data_dir=index_of(files, tmp_path_factory.mktemp("rejection"))))


@pytest.mark.parametrize(
    ("question", "correction", "record", "source"),
    [
        (  # a why-question on a rejection
            "Why did Kent's Cabinet reject the Commissioning Plan for Education Provision 2025-29 "
            "on 30 January 2025?",
            "The record shows no rejection (Cabinet, 30 January 2025, TOP 9",
            "RESOLVED that Cabinet agree the Commissioning Plan",
            CABINET_MINUTES,
        ),
        (  # a rejection stated before the question
            "Der Gemeinderat hat den Wirtschaftsplan 2025 des Eigenbetriebs Fußballstadion im Wildpark "
            "abgelehnt. Wie geht es jetzt weiter?",
            "Abgelehnt wurde das laut den Unterlagen nicht; festgehalten ist (Gemeinderat, 22.10.2024, "
            "TOP 21",
            "Einstimmige Zustimmung",
            WILDPARK_MINUTES,
        ),
        (  # an approval stated before the question, of a motion referred without debate
            "Der Karlsruher Gemeinderat hat den SPD-Antrag zur Wertschätzung der Wahlhelferinnen und "
            "Wahlhelfer am 22.10.2024 mehrheitlich beschlossen. Welche Maßnahmen stehen im Beschluss?",
            "Beschlossen wurde das laut den Unterlagen nicht; festgehalten ist (Gemeinderat, 22.10.2024, "
            "TOP 28",
            "Haupt- und Finanzausschuss",
            HELPERS_MINUTES,
        ),
        (  # a question for the votes of an approval, of a motion referred without debate
            "Mit wie vielen Ja-Stimmen hat der Gemeinderat am 22. Oktober 2024 den CDU-Antrag "
            "„Grüne Welle für Karlsruhe“ angenommen?",
            "Beschlossen wurde das laut den Unterlagen nicht; festgehalten ist (Gemeinderat, 22.10.2024, "
            "TOP 26: Grüne Welle",
            "Planungsausschuss",
            GREEN_WAVE_MINUTES,
        ),
        (  # an approval stated for a month, not a day
            "Der Gemeinderat hat im Oktober 2024 den CDU-Antrag „Grüne Welle für Karlsruhe“ beschlossen. "
            "Wann wird das umgesetzt?",
            "Beschlossen wurde das laut den Unterlagen nicht; festgehalten ist (Gemeinderat, 22.10.2024, "
            "TOP 26: Grüne Welle",
            "Planungsausschuss",
            GREEN_WAVE_MINUTES,
        ),
        (  # a deferral stated for a meeting whose record shows the item decided
            "Der Gemeinderat hat den Wirtschaftsplan 2025 des Eigenbetriebs Fußballstadion im Wildpark "
            "am 22.10.2024 vertagt. Wann wird erneut darüber beraten?",
            "Vertagt wurde das laut den Unterlagen nicht; festgehalten ist (Gemeinderat, 22.10.2024, TOP 21",
            "Einstimmige Zustimmung",
            WILDPARK_MINUTES,
        ),
        (  # a why-question naming a party that did not decide
            "Warum hat der Gemeinderat die von Volt gewünschte Umbesetzung im Ausschuss für Umwelt und "
            "Gesundheit im Oktober 2024 abgelehnt?",
            "Abgelehnt wurde das laut den Unterlagen nicht; festgehalten ist (Gemeinderat, 22.10.2024, TOP 3",
            "Einstimmige Zustimmung (44 Ja)",
            SEATS_MINUTES,
        ),
    ],
)
def test_a_presumed_result_is_corrected_by_the_record(council, question, correction, record, source):
    answer = council.ask(question)
    assert answer.abstained
    assert answer.text.startswith(correction)
    assert record in answer.text
    assert answer.citations[0].passage.source == source


def test_a_record_that_rejected_amendments_corrects_nothing(council):
    answer = council.ask(
        "Warum hat der Gemeinderat am 22.10.2024 den Änderungsantrag zur Hebesatzsatzung abgelehnt?"
    )
    assert not answer.text.startswith("Abgelehnt wurde das laut den Unterlagen nicht")


def test_a_stated_approval_at_another_meeting_than_the_record_corrects_nothing(council):
    # the record most on the topic is the referral of 22 October, not a record of November
    answer = council.ask(
        "Der Gemeinderat hat den CDU-Antrag „Grüne Welle für Karlsruhe“ im November 2024 beschlossen. "
        "Wann wird das umgesetzt?"
    )
    assert not answer.text.startswith("Beschlossen wurde das laut den Unterlagen nicht")


def test_a_stated_approval_the_record_holds_corrects_nothing(council):
    answer = council.ask(
        "Der Gemeinderat hat den Wirtschaftsplan 2025 des Eigenbetriebs Fußballstadion im Wildpark "
        "beschlossen. Wie fiel die Abstimmung aus?"
    )
    assert not answer.abstained
    assert "Einstimmige Zustimmung" in answer.text
