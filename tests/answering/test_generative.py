"""The generative path end to end against a real llama.cpp server (OpenAI-compatible, on
127.0.0.1) running the default bundled GGUF (Qwen2.5-Coder 0.5B Instruct): streaming, sentence
verification, the fallback to the extractive answer, follow-ups, a server that is down, and the
in-process mode."""

import pytest

from assistant.answering.chat import Turn
from assistant.answering.verify import claims
from assistant.core.answers import Answer, Delta
from assistant.core.settings import LLMSettings, Settings
from assistant.service.council import build_assistant
from tests.conftest import KARLSRUHE_TOP14, free_port

pytestmark = pytest.mark.slow

QUESTION = "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?"
# Short prompts and answers: the CI machine has two cores.
SMALL = {"max_tokens": 96, "max_passages": 3, "passage_chars": 700, "timeout_s": 300, "retries": 0}


@pytest.fixture(scope="module")
def extractive(small_index):
    return build_assistant(Settings(data_dir=small_index))


@pytest.fixture(scope="module")
def generative(small_index, llm_server):
    return build_assistant(
        Settings(data_dir=small_index, llm=LLMSettings(mode="openai", base_url=llm_server, **SMALL))
    )


def test_the_answer_streams_and_every_sentence_kept_is_verified(generative, extractive):
    events = list(generative.stream(QUESTION))
    deltas, answer = events[:-1], events[-1]
    assert isinstance(answer, Answer) and deltas and all(isinstance(d, Delta) for d in deltas)
    g = answer.generation
    assert g.tokens == len(deltas) and g.seconds > 0
    if g.mode == "generated":
        sentences = claims(answer.text)
        assert len(sentences) == g.kept and all(s.cited for s in sentences)
        numbers = {c.n for c in answer.citations}
        assert {n for s in sentences for n in s.cited} == numbers == set(range(1, len(numbers) + 1))
        for c in answer.citations:
            assert c.text in c.passage.text  # quotes stay verbatim
    else:
        assert g.mode == "fallback" and g.note and "wörtlich" in g.note
        assert answer.text == extractive.ask(QUESTION).text  # the verified extract, not the model's text
        assert all("(" in r for r in g.removed)  # each removed sentence says why
        assert g.removed or "keine Aussage" in g.note  # or the model wrote no sentence ("[1][2]")


def test_a_follow_up_after_top_14_is_answered_from_top_14(generative):
    first = generative.ask("Was hat der Gemeinderat am 22.10.2024 zur Grundsteuerreform beschlossen?")
    second = generative.ask("Und wie wurde darüber abgestimmt?", history=[Turn.of(first)])
    assert second.standalone is not None
    assert second.filters.applied.agenda_item == "14"
    assert second.citations and all(c.source == KARLSRUHE_TOP14 for c in second.citations)


def test_a_server_that_is_down_gives_the_extractive_answer_and_says_so(small_index, extractive):
    down = LLMSettings(mode="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", timeout_s=5, retries=0)
    answer = build_assistant(Settings(data_dir=small_index, llm=down)).ask(QUESTION)
    assert answer.generation.mode == "fallback" and "nicht erreichbar" in (answer.generation.note or "")
    assert answer.text == extractive.ask(QUESTION).text and "Hilden" in answer.text


def test_local_mode_runs_the_gguf_inside_the_process(small_index):
    local = LLMSettings(mode="local", **{**SMALL, "max_tokens": 24})
    answer = build_assistant(Settings(data_dir=small_index, llm=local)).ask(QUESTION)
    assert answer.generation.mode in ("generated", "fallback") and answer.generation.tokens > 0
    assert answer.citations  # either way the answer cites
