"""A llama-index LLM that answers from a script, for deterministic tests of the generated-answer path.

Each `chat` or `stream_chat` call takes the next entry of the script:
- a text: returned (`chat`) or streamed in pieces of `piece_chars` characters (`stream_chat`), so
  that the caller sees several deltas and markers split across them ("… beantragt [", "1].");
- an exception: raised as a client raises it when the server is down (`stream_chat` raises it on
  the first read, as a streaming client does: the request is sent lazily);
- `Interrupted(text, error)`: streams `text`, then raises `error` (a connection lost mid-answer);
- a function of the messages sent, returning one of the above: a model that reads its prompt
  (an answer citing the passage the prompt numbers 3, whichever that is).

Every call records the messages it was sent (`sent`), so tests can check the prompt. A call past
the end of the script raises `ScriptExhausted`, a BaseException: the answerer's `except Exception`
(which turns a failing server into the extractive answer) cannot swallow it, so a test that
scripted too few answers fails loudly instead of passing through the fallback.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback
from pydantic import PrivateAttr


class ScriptExhausted(BaseException):
    """The code under test called the LLM more often than the test scripted."""


@dataclass(frozen=True)
class Interrupted:
    text: str  # streamed before the error
    error: Exception


Reply = str | Exception | Interrupted
Entry = Reply | Callable[[list[ChatMessage]], Reply]


class ScriptedLLM(CustomLLM):
    piece_chars: int = 6

    _script: list[Entry] = PrivateAttr(default_factory=list)
    _sent: list[list[ChatMessage]] = PrivateAttr(default_factory=list)

    def __init__(self, *script: Entry, **kwargs: Any):
        super().__init__(**kwargs)
        self.say(*script)

    def say(self, *script: Entry) -> "ScriptedLLM":
        """Replaces the script and forgets the messages sent so far."""
        self._script = list(script)
        self._sent = []
        return self

    @property
    def sent(self) -> list[list[ChatMessage]]:
        """The messages of every call, in call order."""
        return self._sent

    @property
    def left(self) -> list[Entry]:
        """The entries not yet used."""
        return list(self._script)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted", is_chat_model=True)

    def _next(self, messages: Sequence[ChatMessage]) -> Reply:
        self._sent.append(list(messages))
        if not self._script:
            raise ScriptExhausted(f"call {len(self._sent)}: the script has no entry left")
        entry = self._script.pop(0)
        return entry(list(messages)) if callable(entry) else entry

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        entry = self._next(messages)
        if isinstance(entry, Interrupted):
            raise entry.error
        if isinstance(entry, Exception):
            raise entry
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=entry))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        entry = self._next(messages)

        def pieces() -> ChatResponseGen:
            if isinstance(entry, Exception):
                raise entry
            text = entry.text if isinstance(entry, Interrupted) else entry
            so_far = ""
            for start in range(0, len(text), self.piece_chars):
                piece = text[start : start + self.piece_chars]
                so_far += piece
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=so_far), delta=piece
                )
            if isinstance(entry, Interrupted):
                raise entry.error

        return pieces()

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise NotImplementedError("the assistant chats; a completion call is a test error")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        raise NotImplementedError("the assistant chats; a completion call is a test error")
