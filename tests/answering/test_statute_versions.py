"""A provision that two versions of a statute both hold is found in the newer one too, though
only the older one's chunk ranks among the best: the two files' pages and chunks break at other
places, so the chunk of the Erlangen Beiratssatzung of 2026 holding "mindestens jedoch dreimal
jährlich" has other neighbours than that of 2020, and the answer quotes the Fassung in force."""

import re

import pytest

from assistant.core.settings import Settings
from assistant.service.council import build_assistant
from tests.conftest import ERLANGEN_SATZUNG_2020, ERLANGEN_SATZUNG_2026

pytestmark = pytest.mark.shared

QUESTION = "Wie oft muss ein Erlanger Stadtteilbeirat mindestens tagen?"
PROVISION = "mindestens jedoch dreimal jährlich"


def _holding(passages) -> list[str]:
    return [p.source for p in passages if PROVISION in " ".join(p.text.split())]


def test_a_provision_found_in_an_older_version_is_also_found_in_the_newer_one(satzung_index):
    settings = Settings(data_dir=satzung_index)
    settings.retrieval.top_k = 2  # the two best chunks: the 2020 one holds the provision
    passages = build_assistant(settings).retriever.passages(QUESTION)
    best = passages[: settings.retrieval.top_k]
    assert _holding(best) == [ERLANGEN_SATZUNG_2020]
    assert _holding(passages) == [ERLANGEN_SATZUNG_2020, ERLANGEN_SATZUNG_2026]


def test_the_answer_quotes_the_provision_from_the_version_in_force(satzung_index):
    # "ein Erlanger Stadtteilbeirat" is any of them, not a body the answer must be about: in an
    # index of the two Satzungen, which no Stadtteilbeirat's record holds, it was one
    answer = build_assistant(Settings(data_dir=satzung_index)).ask(QUESTION)
    assert not answer.abstained
    assert "dreimal jährlich" in answer.text
    assert answer.citations[0].passage.source == ERLANGEN_SATZUNG_2026


@pytest.mark.parametrize(
    ("year", "source", "stadtteile"),
    [("2020", ERLANGEN_SATZUNG_2020, "Anger/Bruck"), ("2026", ERLANGEN_SATZUNG_2026, "Anger, Bruck")],
)
def test_a_question_naming_a_versions_year_is_answered_from_that_version_alone(
    satzung_index, year, source, stadtteile
):
    # 2020 had one Stadtteilbeirat for Anger/Bruck, 2026 has one each; the Fassung of 2026 does
    # not say what that of 2020 provided for, nor the reverse
    question = f"Für welche Stadtteile bestand nach der Erlanger Satzung von {year} je ein Stadtteilbeirat?"
    answer = build_assistant(Settings(data_dir=satzung_index)).ask(question)
    assert stadtteile in answer.text
    assert {c.passage.source for c in answer.citations} == {source}
    # the two versions' chunks overlap: what one quote said, the next does not say again
    sentences = [s.strip() for s in re.split(r"\[\d+\]|(?<=\.) ", answer.text) if len(s.strip()) > 30]
    assert len(sentences) == len(set(sentences))


def test_a_provision_both_versions_hold_word_for_word_answers_for_each(satzung_index):
    # the chunk holding it is stored once, under the Satzung of 2020 (`also_in` names 2026's)
    question = (
        "Innerhalb welcher Frist müssen Stadtrat oder Verwaltung nach der Satzung von 2026 die "
        "Empfehlungen der Beiräte behandeln?"
    )
    answer = build_assistant(Settings(data_dir=satzung_index)).ask(question)
    assert "innerhalb einer Frist von 3 Monaten" in answer.text
    assert {c.passage.source for c in answer.citations} == {ERLANGEN_SATZUNG_2026}
