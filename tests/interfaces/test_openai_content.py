"""What /v1/chat/completions writes, without a server: the Markdown content with its footnotes,
read back as a turn's answer, and the SSE body of a stream with an LLM — whose unchecked text is
never sent, only the verified answer, and which frees its slot however it ends. The served
endpoint is in test_openai_api.py."""

import json
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from assistant.core.answers import Answer, Delta, Generation
from assistant.index.vectors import StoreError
from assistant.interfaces import openai_api
from assistant.interfaces.http import STORE_DOWN
from assistant.interfaces.openai_api import MODEL_ID, ChunkOut, as_markdown, footnote, read_back
from tests.interfaces.test_chat_rendering import CITATION, PASSAGE, answer


def test_the_content_is_the_answer_with_its_notes_then_a_footnote_per_source():
    fallback = Generation(mode="fallback", note="Das Sprachmodell ist nicht erreichbar.")
    content = as_markdown(
        answer(text="Mehrheitliche Zustimmung (25 Ja, 22 Nein) [1]. Anlage [3].", generation=fallback)
    )
    text, understood, note = content.split("\n\n")[:3]
    assert text == "Mehrheitliche Zustimmung (25 Ja, 22 Nein) [^1]. Anlage [3]."  # [3] cites nothing
    assert understood.startswith("Verstanden als: Und wie wurde darüber abgestimmt? (zu: TOP 14;")
    assert note == "Das Sprachmodell ist nicht erreichbar."
    assert content.endswith(
        "\n\n[^1]: Niederschrift · Gemeinderat · 22.10.2024 · TOP 14: Grundsteuerreform 2025 · Vorlage "
        "2024/0868 · Seite 3 · Absatz 7 — „Abstimmungsergebnis: TOP 14: mehrheitliche Zustimmung (25 Ja, "
        "22 Nein) &lt;script>alert(1)&lt;/script>“"  # shown as text, never run
    )
    assert read_back(content)[0].startswith("Mehrheitliche Zustimmung (25 Ja, 22 Nein) [1]. Anlage [3].")
    assert "[^1]:" not in read_back(content)[0]
    assert read_back(content)[1] == answer().standalone


def test_a_closed_source_is_marked_and_a_long_quote_shortened():
    closed = replace(PASSAGE, access="nichtöffentlich")
    long = replace(CITATION, passage=closed, text="Wort " * 200)
    line = footnote(long)
    assert line.startswith("[^1]: nichtöffentlich · Niederschrift · Gemeinderat · ")
    quote = line[line.index("„") + 1 : -1]
    assert quote.endswith(" …") and len(quote) <= openai_api.QUOTE_CHARS + 2


def test_a_source_without_type_committee_or_date_is_named_by_its_title():
    bare = replace(PASSAGE, doc_type=None, committee=None, meeting_date=None, agenda_item=None, vorlage=None)
    assert footnote(replace(CITATION, passage=bare)).startswith(
        "[^1]: Niederschrift 3. Plenarsitzung · Seite 3 · Absatz 7 — „"
    )


HEAD = ChunkOut(id="chatcmpl-test", created=0, model=MODEL_ID, choices=[])
VERIFIED = answer(text="Mehrheitliche Zustimmung (25 Ja, 22 Nein) [1].", standalone=None)


def _stream(events: Iterator[Delta | Answer], slot: threading.Semaphore) -> list[str]:
    slot.acquire()
    return list(openai_api._chunks(HEAD, next(events), events, slot))


def _data(sent: list[str]) -> list[str]:
    return [s.removeprefix("data: ").strip() for s in sent if s.startswith("data: ")]


def test_a_stream_sends_the_verified_answer_never_the_llms_unchecked_text(monkeypatch):
    monkeypatch.setattr(openai_api, "KEEPALIVE_S", 0)
    llm = (e for e in [Delta("Einstimmig beschlossen [1]."), Delta(" Mit 47 Ja."), VERIFIED])
    slot = threading.BoundedSemaphore(1)
    sent = _stream(llm, slot)
    assert openai_api.KEEPALIVE in sent  # the connection kept open while the LLM writes
    data = _data(sent)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    joined = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert joined == as_markdown(VERIFIED) and "Einstimmig" not in "".join(sent)
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    assert chunks[-1]["council"]["answer"] == VERIFIED.text
    assert all("council" not in c for c in chunks[:-1])
    assert slot.acquire(blocking=False)  # freed


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (StoreError("weg"), "index_unavailable", STORE_DOWN),
        (KeyError("x"), "internal_error", openai_api.INTERNAL),
    ],
)
def test_an_error_after_the_stream_began_is_one_error_event(failure, code, message):
    def failing() -> Iterator[Delta | Answer]:
        yield Delta("Der Rat")
        raise failure

    slot = threading.BoundedSemaphore(1)
    data = _data(_stream(failing(), slot))
    assert "[DONE]" not in data
    assert json.loads(data[-1]) == {
        "error": {"message": message, "type": "server_error", "param": None, "code": code}
    }
    assert slot.acquire(blocking=False)


def test_a_client_gone_mid_stream_closes_the_answer_and_frees_its_slot():
    closed = []

    def llm() -> Iterator[Delta | Answer]:
        try:
            yield Delta("Der Rat")
            yield Delta(" beschloss")
            yield VERIFIED
        finally:
            closed.append(True)

    slot = threading.BoundedSemaphore(1)
    slot.acquire()
    events = llm()
    body = openai_api._chunks(HEAD, next(events), events, slot)
    next(body)  # the role chunk; then the client goes
    body.close()
    assert closed == [True] and slot.acquire(blocking=False)
