"""A question of two parts is answered for each part: where the sentence that leads the answer
to the first part also leads that of the second, the second part is answered by its own best
sentence besides it. On the two Fassungen of the Erlangen Beiratssatzung, "seit wann gilt die
neue Fassung" and "wann trat die erste in Kraft" both find the 2026 line first."""

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import ERLANGEN_SATZUNG_2026, index_of

pytestmark = pytest.mark.shared

ERLANGEN_SATZUNG_2020 = "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2020.pdf"


@pytest.fixture(scope="module")
def satzung_index(tmp_path_factory) -> Path:
    return index_of([ERLANGEN_SATZUNG_2020, ERLANGEN_SATZUNG_2026], tmp_path_factory.mktemp("satzung"))


def test_the_second_part_gets_its_own_sentence_where_both_parts_find_the_same_first(satzung_index):
    answer = build_assistant(Settings(data_dir=satzung_index)).ask(
        "Ab wann gilt die geänderte Fassung der Erlanger Beiratssatzung, und wann ist die erste Fassung "
        "in Kraft getreten?"
    )
    assert not answer.abstained
    assert "01.05.2026" in answer.text
    assert "06.03.2020" in answer.text
