"""A question for the agenda items of a meeting that got one result ("Welche Anträge hat der
Gemeinderat am 22.10.2024 verwiesen?") is answered from the stored structure: every item of that
meeting with that result, one line each, its result as printed, cited where it stands. The
Karlsruhe Gemeinderat referred nine motions without debate on 22.10.2024 (TOP 24 to 31.1, each
its own protocol file) and adopted the Hebesatzsatzung (TOP 14)."""

import re

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared

REFERRED = {
    "24": "662107",  # Kooperatives Krankenhausmodell (CDU) → Ausschuss für Umwelt und Gesundheit
    "25": "662108",
    "26": "662109",  # Grüne Welle (CDU) → Planungsausschuss
    "27": "662110",  # Bündnis für Demokratie (GRÜNE, CDU, SPD, KAL, Volt)
    "28": "662111",  # Wahlhelfer (SPD) → Haupt- und Finanzausschuss
    "29": "662112",  # Wettbewerb für Studierende → Planungsausschuss
    "30": "662113",  # Betreuungsvereine (SPD, FDP/FW, CDU)
    "31": "662114",  # Turnhallen-Dach (CDU) → Bauausschuss
    "31.1": "662115",  # Abschaltung von Ampeln (AfD)
}
ADOPTED = "karlsruhe-oparl/docs/file-contents/662263.txt"  # TOP 14, mehrheitlich angenommen


def _protocol(number: str) -> str:
    return f"karlsruhe-oparl/docs/file-contents/{REFERRED[number]}.txt"


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    files = [_protocol(n) for n in REFERRED] + [ADOPTED]
    return build_assistant(Settings(data_dir=index_of(files, tmp_path_factory.mktemp("outcomes"))))


def _listed(text: str) -> list[str]:
    return re.findall(r"^- TOP ([\d.]+):", text, re.M)


def test_every_referred_item_of_the_meeting_is_listed_in_its_order(council):
    answer = council.ask("Welche Anträge hat der Gemeinderat am 22.10.2024 ohne Aussprache verwiesen?")
    assert not answer.abstained
    assert answer.text.startswith("Gemeinderat, 22.10.2024:")
    assert _listed(answer.text) == list(REFERRED)
    # the result as printed in full: to which committee, when
    assert (
        "- TOP 26: Grüne Welle für Karlsruhe: Beratung im Planungsausschuss am 14. November 2024"
        in answer.text
    )
    assert [c.passage.source for c in answer.citations] == [_protocol(n) for n in REFERRED]


def test_the_items_are_those_of_the_committee_and_party_named(council):
    to_planning = council.ask(
        "Welche Anträge hat der Gemeinderat am 22.10.2024 an den Planungsausschuss verwiesen?"
    )
    assert _listed(to_planning.text) == ["26", "29", "31.1"]
    of_cdu = council.ask("Welche Anträge der CDU hat der Gemeinderat am 22.10.2024 verwiesen?")
    assert _listed(of_cdu.text) == ["24", "26", "27", "30", "31"]  # its own and its joint motions


def test_an_item_with_another_result_is_not_listed(council):
    answer = council.ask("Welche Vorlagen hat der Gemeinderat am 22.10.2024 abgelehnt?")
    assert "TOP 14:" not in answer.text
    assert _listed(answer.text) == []
