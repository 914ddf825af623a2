"""A question of two parts is answered for each part: where the sentence that leads the answer
to the first part also leads that of the second, the second part is answered by its own best
sentence besides it. On the two Fassungen of the Erlangen Beiratssatzung, "seit wann gilt die
neue Fassung" and "wann trat die erste in Kraft" both find the 2026 line first. A later part's
answer sentence holds its own words, not only the topic it carries from the first part."""

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import index_of

pytestmark = pytest.mark.shared


def test_the_second_part_gets_its_own_sentence_where_both_parts_find_the_same_first(satzung_index):
    answer = build_assistant(Settings(data_dir=satzung_index)).ask(
        "Ab wann gilt die geänderte Fassung der Erlanger Beiratssatzung, und wann ist die erste Fassung "
        "in Kraft getreten?"
    )
    assert not answer.abstained
    assert "01.05.2026" in answer.text
    assert "06.03.2020" in answer.text


def test_a_later_part_with_one_word_of_its_own_is_a_question_of_its_own(satzung_index):
    # "mit welcher Mehrheit?" carries the first part's topic; read as one question with it, the
    # whole asked for a vote result that no sentence of the Satzung records, and was declined.
    answer = build_assistant(Settings(data_dir=satzung_index)).ask(
        "Wer wählt den Vorsitzenden eines Stadtteilbeirats in Erlangen, und mit welcher Mehrheit?"
    )
    assert not answer.abstained
    assert "einfacher Mehrheit" in answer.text


KENT_CABINET = "kent-county-council/cabinet/2025-01-30/originals/"


@pytest.fixture(scope="module")
def kent_cabinet_index(tmp_path_factory) -> Path:
    """The Kent Cabinet minutes of 9 January 2025, and the printed minutes of 30 January."""
    minutes = [
        "Minutes of the meeting held on 9th January 2025.pdf",
        "Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
    ]
    return index_of([KENT_CABINET + name for name in minutes], tmp_path_factory.mktemp("kent-cabinet"))


def test_a_later_part_is_answered_by_a_sentence_holding_its_own_words(kent_cabinet_index):
    # "who manages the scheme" carries the first part's topic (No Use Empty): the sentence that
    # names the scheme most often answers the first part; the second part's answer names the
    # manager, though it names the scheme only as "NUE".
    answer = build_assistant(Settings(data_dir=kent_cabinet_index)).ask(
        "How many empty properties did the No Use Empty scheme bring back into use in Q2, "
        "and who manages the scheme?"
    )
    assert not answer.abstained
    assert "119" in answer.text
    assert "Grimshaw" in answer.text
