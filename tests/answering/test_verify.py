"""Verification of generated sentences against the passages they cite, on real retrieved passages
and the real e5 model (the embedding path)."""

from datetime import date

import pytest

from assistant.answering.verify import Claim, Verifier, claims
from assistant.core.answers import Passage
from assistant.core.settings import EmbeddingSettings, LLMSettings, RetrievalSettings, Settings
from assistant.index.embeddings import build_embed_model
from assistant.service.council import build_assistant
from tests.conftest import METTMANN

QUESTION = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?"


def retrieved(small_index, kept_per_signal: int) -> list[Passage]:
    """The passages retrieved for the KOMM-AN question, the Mettmann passage first (number 1)."""
    retrieval = RetrievalSettings(kept_per_signal=kept_per_signal)
    settings = Settings(data_dir=small_index, retrieval=retrieval)
    passages = build_assistant(settings).retriever.passages(QUESTION)
    first = next(p for p in passages if p.source == METTMANN and "Erkrath" in p.text)
    return [first, *(p for p in passages if p != first)]


@pytest.fixture(scope="module")
def komm_an(small_index):
    """The passages as the fusion alone ranks them: without the vector search's kept best, which
    add the Mettmann member list naming Ratingen (see the xfail below)."""
    return retrieved(small_index, kept_per_signal=0)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Erkrath beantragte Mittel [1].", [Claim("Erkrath beantragte Mittel.", (1,))]),
        ("Erkrath beantragte Mittel. [2]", [Claim("Erkrath beantragte Mittel.", (2,))]),
        ("A ist so [1][3]. B auch [2, 4].", [Claim("A ist so.", (1, 3)), Claim("B auch.", (2, 4))]),
        ("A ist so. B auch [2].", [Claim("A ist so.", (2,)), Claim("B auch.", (2,))]),
        ("A ist so [1]. Ohne Beleg.", [Claim("A ist so.", (1,)), Claim("Ohne Beleg.", ())]),
        ("", []),
    ],
)
def test_claims_pair_sentences_with_their_markers(answer, expected):
    assert claims(answer) == expected


def _check(komm_an, answer):
    defaults = LLMSettings()
    embed = build_embed_model(EmbeddingSettings()).get_text_embedding_batch
    verifier = Verifier(embed, defaults.min_support, defaults.min_similarity)
    return verifier.check(answer, QUESTION, komm_an)


def test_a_sentence_the_cited_passage_states_is_supported_with_its_evidence(komm_an):
    [checked] = _check(komm_an, "Erkrath, Heiligenhaus und Hilden haben 2021 Fördermittel beantragt [1].")
    assert checked.supported, checked.reason
    n, start, end = checked.evidence[0]
    assert n == 1 and "Erkrath" in komm_an[0].text[start:end]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Ratingen hat 2021 Mittel aus KOMM-AN NRW beantragt [1].", "„Ratingen“ steht nicht in [1]"),
        ("Erkrath hat 2019 Mittel beantragt [1].", "Zahl 2019 steht nicht in [1]"),
        ("Ratingen hat Mittel beantragt.", "ohne Quellenangabe, „Ratingen“ steht nicht in [1]"),
        ("Ratingen hat Mittel beantragt [40].", "nicht vorhandene Textstelle"),
        ("Es regnete gestern sehr stark [1].", "Ähnlichkeit"),  # no name, no number: the embedding decides
        # the prompt's own instructions echoed by a small model (seen with Gemma 3 270M on the gold set)
        ("You are the council information assistant [1].", "kaum durch [1] belegt"),
        ("If two passages support a sentence, write [1].", "kaum durch [1] belegt"),
        ("Die Textstellen beantworten die Frage, wenn sie Angaben dazu enthalten [1].", ""),
    ],
)
def test_a_sentence_the_cited_passage_does_not_state_is_not_supported(komm_an, answer, reason):
    [checked] = _check(komm_an, answer)
    assert not checked.supported and reason in checked.reason


@pytest.mark.xfail(
    strict=True,
    reason="known weakness (issue 12): the words a sentence shares with the question need no support, "
    "so a line that names Ratingen in a member list of the KOMM-AN Beratungsergebnis holds "
    "'Ratingen hat 2021 Mittel aus KOMM-AN NRW beantragt'",
)
def test_a_city_named_only_in_a_member_list_does_not_support_that_it_applied(small_index):
    passages = retrieved(small_index, kept_per_signal=2)
    assert any("Stadt Ratingen: Dezernent" in p.text for p in passages)
    [checked] = _check(passages, "Ratingen hat 2021 Mittel aus KOMM-AN NRW beantragt [1].")
    assert not checked.supported


def test_a_sentence_without_marker_is_cited_with_the_passage_that_states_it(komm_an):
    # small instruct models often leave out the markers; the check finds the passage
    [checked] = _check(komm_an, "Erkrath, Heiligenhaus und Hilden haben Mittel beantragt.")
    assert checked.supported, checked.reason
    assert checked.evidence[0][0] == 1 and "Erkrath" in komm_an[0].text[slice(*checked.evidence[0][1:])]


def test_a_faithful_sentence_citing_the_wrong_passage_is_cited_with_the_one_that_states_it(komm_an):
    # a paraphrase of passage 1, cited [2] (Qwen2.5 1.5B does this): kept, with passage 1 as evidence
    [checked] = _check(komm_an, "Erkrath, Heiligenhaus und Hilden haben 2021 Fördermittel beantragt [2].")
    assert checked.supported, checked.reason
    assert checked.evidence[0][0] == 1
    # the same sentence with a changed number or name is in no passage: removed, saying why for [2]
    for wrong, reason in (
        ("Erkrath, Heiligenhaus und Hilden haben 2019 Fördermittel beantragt [2].", "steht nicht in [2]"),
        ("Erkrath, Heiligenhaus und Ratingen haben 2021 Fördermittel beantragt [2].", "steht nicht in [2]"),
    ):
        [checked] = _check(komm_an, wrong)
        assert not checked.supported and reason in checked.reason


def test_numbers_match_whatever_their_separators_and_dates_whatever_their_spelling(komm_an):
    assert komm_an[0].meeting_date == date(2021, 2, 8)
    sentence = "Der Sozialausschuss erfuhr am 8. Februar 2021, dass Hilden Mittel beantragt hat [1]."
    [checked] = _check(komm_an, sentence)
    assert checked.supported, checked.reason
