"""The edges of the HTTP APIs that come before FastAPI reads a request (OWASP LLM top 10:
unbounded consumption): a body too large (413), a body that is not UTF-8 (422), a client asking
too many questions (429 with Retry-After). `http.create_app` puts `ApiGuard` in front of the app
with a `QuestionLimiter` made from settings.ui; every detail is German, as the APIs' others are.
Two APIs pass it, each answered in its own error shape: /api (`{"detail": "…"}`) and the
OpenAI-compatible /v1 (`{"error": {"message": "…", …}}`, `openai_api.py`).
"""

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

from fastapi.responses import JSONResponse
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOT_UTF8 = "Ungültige Anfrage: Der Inhalt ist nicht UTF-8-kodiert. Bitte senden Sie JSON in UTF-8."

# How an API writes an error: (status, German message) -> the JSON body.
ErrorBody = Callable[[int, str], dict[str, Any]]


def detail_body(status: int, detail: str) -> dict[str, Any]:
    """/api's error shape.

    >>> detail_body(413, "Die Anfrage ist zu groß (höchstens 256 KB).")
    {'detail': 'Die Anfrage ist zu groß (höchstens 256 KB).'}
    """
    return {"detail": detail}


class QuestionLimiter:
    """How many questions a client may ask: at most `per_minute` in any 60 seconds (a moving
    window, so a burst at the turn of a minute gets no second budget), counted in memory by the
    `limits` package; 0 means no limit. One process serves the API, so memory is the whole count.

    A client is its bearer token where the request sends one (scripts behind one proxy address
    keep their own budgets), else its IP address. A client that makes up a new token for each
    request gets a budget per token, but no answer: each is a 401, and `failed`/`refused` count
    those per address, so that after `per_minute` failed sign-ins an address is refused before
    its next token is checked (argon2 is slow on purpose). A token is kept only as a hash keyed
    with a secret of this process, never in clear:

    >>> limiter = QuestionLimiter(2)
    >>> scope = {"headers": [(b"authorization", b"Bearer geheim")], "client": ("10.0.0.1", 5)}
    >>> client = limiter.client(scope)
    >>> client.startswith("token:") and "geheim" not in client
    True
    >>> limiter.client({"headers": [], "client": ("10.0.0.1", 5)})
    'ip:10.0.0.1'
    >>> [limiter.wait(client) for _ in range(3)][:2], 55 <= limiter.wait(client) <= 60
    ([0, 0], True)
    """

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(per_minute) if per_minute else None
        self._window = MovingWindowRateLimiter(MemoryStorage()) if per_minute else None
        self._secret = secrets.token_bytes(32)

    def client(self, scope: Scope) -> str:
        """The key a request is counted under: "token:<keyed hash>" or "ip:<address>"."""
        scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            digest = hashlib.blake2b(token.strip().encode(), key=self._secret, digest_size=16)
            return f"token:{digest.hexdigest()}"
        address = scope.get("client")
        return f"ip:{address[0] if address else 'unbekannt'}"

    def wait(self, client: str) -> int:
        """0 when `client` may ask now (the question is counted); else the seconds until it may."""
        if self._item is None or self._window is None or self._window.hit(self._item, client):
            return 0
        return self._until(client)

    def failed(self, address: str) -> None:
        """Count a failed sign-in from this address."""
        if self._item is not None and self._window is not None:
            self._window.hit(self._item, f"failed:{address}")

    def refused(self, address: str) -> int:
        """0 when this address may try a token now (nothing is counted); else the seconds until."""
        if self._item is None or self._window is None or self._window.test(self._item, f"failed:{address}"):
            return 0
        return self._until(f"failed:{address}")

    def _until(self, key: str) -> int:
        assert self._item is not None and self._window is not None
        reset, _ = self._window.get_window_stats(self._item, key)
        return max(1, math.ceil(reset - time.time()))


class ApiGuard:
    """What must be checked before FastAPI reads a request to an API (each prefix in `apis`,
    /api unless told otherwise), as pure ASGI middleware:

    1. a request to one of the `questions` endpoints beyond its client's rate: 429 with
       Retry-After, nothing read;
    2. a body over `max_kb`: 413, at once when its Content-Length says so, else as soon as the
       bytes received pass the limit (a chunked body is never read further, and the connection is
       closed, so no client streams an unbounded body into memory);
    3. a body that is not UTF-8: 422 (FastAPI would answer an English 400, "There was an error
       parsing the body").

    Starlette's own `max_body_size` does not serve: where Content-Length is over the limit it
    replaces any response, ours too, by an English plain-text 413. A body that passes (at most
    `max_kb`) is handed on as it arrived. A refusal is written in the error shape of the API
    asked (`apis`: prefix -> `ErrorBody`). Everything outside the APIs — the web chat, and
    Gradio's uploads, which it limits itself — passes untouched.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_kb: int,
        limiter: QuestionLimiter,
        questions: Collection[str],
        apis: Mapping[str, ErrorBody] | None = None,
    ):
        self.app = app
        self.max_kb = max_kb
        self.limiter = limiter
        self.questions = frozenset(questions)
        self.apis = dict(apis or {"/api": detail_body})

    def _api(self, path: str) -> ErrorBody | None:
        """The error shape of the API `path` belongs to; None outside the APIs."""
        return next((body for p, body in self.apis.items() if path == p or path.startswith(p + "/")), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        shape = self._api(path)
        if shape is None:
            await self.app(scope, receive, send)
            return
        if path.rstrip("/") in self.questions and (wait := self.limiter.wait(self.limiter.client(scope))):
            detail = too_many(self.limiter.per_minute, wait)
            await _refusal(shape, 429, detail, {"Retry-After": str(wait)})(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_kb * 1024:
            await _refusal(shape, 413, too_large(self.max_kb, declared), CLOSE)(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client is gone; nobody reads an answer
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.max_kb * 1024:
                await _refusal(shape, 413, too_large(self.max_kb), CLOSE)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            await _refusal(shape, 422, NOT_UTF8)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


CLOSE = {"Connection": "close"}  # the rest of a refused body is not read; the connection goes


def too_large(limit_kb: int, size: int | None = None) -> str:
    """The 413 detail; the size where the request declared it.

    >>> too_large(256, 300 * 1024 + 1)
    'Die Anfrage ist zu groß (301 KB, höchstens 256 KB).'
    >>> too_large(256)
    'Die Anfrage ist zu groß (höchstens 256 KB).'
    """
    given = "" if size is None else f"{math.ceil(size / 1024)} KB, "
    return f"Die Anfrage ist zu groß ({given}höchstens {limit_kb} KB)."


def too_many(per_minute: int, wait: int) -> str:
    """The 429 detail.

    >>> too_many(30, 1)
    'Zu viele Fragen: höchstens 30 pro Minute. Bitte versuchen Sie es in 1 Sekunde erneut.'
    """
    seconds = "1 Sekunde" if wait == 1 else f"{wait} Sekunden"
    return f"Zu viele Fragen: höchstens {per_minute} pro Minute. Bitte versuchen Sie es in {seconds} erneut."


def too_many_failures(wait: int) -> str:
    """The 429 detail for an address whose tokens keep failing.

    >>> too_many_failures(42)
    'Zu viele ungültige Zugangsschlüssel. Bitte versuchen Sie es in 42 Sekunden erneut.'
    """
    seconds = "1 Sekunde" if wait == 1 else f"{wait} Sekunden"
    return f"Zu viele ungültige Zugangsschlüssel. Bitte versuchen Sie es in {seconds} erneut."


def _refusal(
    shape: ErrorBody, status: int, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(shape(status, detail), status_code=status, headers=headers)


def _content_length(scope: Scope) -> int | None:
    try:
        return int(Headers(scope=scope)["content-length"])
    except (KeyError, ValueError):
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body read before, then whatever comes (a disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
