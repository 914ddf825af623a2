"""One process, one port: the HTTP API under /api and the web chat (Gradio) at "/".

    POST /api/ask     AskIn  {"question": "…", "filters": {…}}                  -> AnswerOut
    POST /api/chat    ChatIn {"question": "…", "filters": {…}, "history": [turn, …]} -> ChatOut
    GET  /api/health  index size, embedding model, LLM backend and whether it answers -> Health

and under /v1 an OpenAI-compatible chat endpoint (`openai_api.py`: /v1/models, /v1/chat/completions)
for chat front ends and the `openai` client, with the same sign-in, limits and audit.

The models are the service's wire shapes (`assistant/service/schema.py`), so `/api/ask` answers
exactly as `council ask --json` prints, and the OpenAPI schema (/api/openapi.json, /api/docs)
describes bodies and replies. `/api/chat` takes the conversation as the list of turns it returned
before (`TurnOut`), so a script keeps its own history and the server holds no session: append
each reply's "turn" and send the list with the next question.

Who asks is the user of the `Authorization: Bearer TOKEN` header (`council user add`); without one,
the public (role öffentlich), unless `access.require_sign_in`. Every endpoint, /api/health's counts
included, sees only what that role may read (`assistant.core.access`).

Errors carry a German `detail` for the user: 400 for a question or filter the assistant cannot use
(`QuestionError`, `FilterError`), 401 (with `WWW-Authenticate: Bearer`) for a wrong, revoked or
malformed token or a missing one where sign-in is required, 413 for a body over `ui.max_request_kb`,
422 for a request of the wrong shape or a body that is not UTF-8, 429 with Retry-After for a
client's question beyond `ui.rate_limit_per_minute`, 404/405 for another address or method under
/api, 503 when the index cannot be reached, 500 for anything else; never a traceback. 413, 429 and
the UTF-8 check come from `ApiGuard` (`api_guard.py`), middleware in front of /api that answers
before FastAPI reads a body: an oversized or endless body is never read into memory. "filters" may
be left out or null (no filters).

`serve(settings)` builds the assistant once, mounts the UI and runs uvicorn on settings.ui.host
and port; with `prevent_thread_lock=True` it runs in a background thread and returns at once with
a handle whose `close()` stops it (tests, notebooks).
"""

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant.answering.chat import Turn
from assistant.core.access import Viewer
from assistant.core.answers import Answer
from assistant.core.filters import FilterError, Filters, filters_from_input
from assistant.core.settings import Settings
from assistant.index.vectors import StoreError
from assistant.interfaces.api_guard import ApiGuard, QuestionLimiter, detail_body, too_many_failures
from assistant.interfaces.ports import bind_port
from assistant.interfaces.web_render import CSS
from assistant.interfaces.web_ui import TITLE, build_ui, upload_cap
from assistant.service.accounts import InvalidToken
from assistant.service.council import CouncilAssistant, QuestionError, SignInRequired, build_assistant
from assistant.service.schema import AnswerOut, AskIn, ChatIn, ChatOut, Health, TurnIn, typed_filters

log = logging.getLogger(__name__)

BEARER_EXPECTED = "Ungültige Anmeldung: Erwartet wird der Kopf „Authorization: Bearer ZUGANGSSCHLÜSSEL“."
STORE_DOWN = "Der Dokumentenindex ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."
INTERNAL = "Interner Fehler bei der Beantwortung. Bitte versuchen Sie es erneut."
ENDPOINTS = {"/api/ask": "POST", "/api/chat": "POST", "/api/health": "GET"}
QUESTIONS = ("/api/ask", "/api/chat")  # the endpoints the rate limit counts
API_CONCURRENCY = 2  # questions answered at once, by the API and by the chat each


class Problem(Exception):
    """An error with a status code and a German message for the response."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def create_app(assistant: CouncilAssistant) -> FastAPI:
    """The FastAPI app: /api routes first (they take precedence), then the web chat at "/"."""
    # Here, not at the top: openai_api reuses this module's Problem and _viewer.
    from assistant.interfaces import openai_api

    settings = assistant.settings
    app = FastAPI(
        title=f"{TITLE} – HTTP-API",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    limiter = QuestionLimiter(settings.ui.rate_limit_per_minute)
    app.add_middleware(
        ApiGuard,
        max_kb=settings.ui.max_request_kb,
        limiter=limiter,
        questions=(*QUESTIONS, *openai_api.QUESTIONS),
        apis={"/api": detail_body, openai_api.PREFIX: openai_api.openai_error},
    )

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_message(exc.errors())}, status_code=422)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"detail": INTERNAL}, status_code=500)

    # FastAPI runs these handlers in a thread pool; like the chat's queue, answer two at a time
    # (each is CPU-bound: embedding, BM25, an in-process LLM).
    answering = threading.BoundedSemaphore(API_CONCURRENCY)

    def answer(request: Request, body: AskIn, history: list[Turn], channel: str) -> Answer:
        viewer = _viewer(assistant, request, limiter)
        try:
            with answering:
                filters = _filters(assistant, body.filters, viewer)
                return assistant.ask(body.question, filters, history, viewer, channel)
        except (QuestionError, FilterError) as exc:
            raise Problem(400, str(exc)) from exc
        except StoreError as exc:
            log.error("store error: %s", exc)
            raise Problem(503, STORE_DOWN) from exc

    @app.post("/api/ask", summary="Eine Frage beantworten (wie `council ask --json`)")
    def ask(request: Request, body: AskIn) -> AnswerOut:
        return AnswerOut.of(answer(request, body, [], "api/ask"))

    @app.post("/api/chat", summary="Eine Frage im Gesprächsverlauf beantworten")
    def chat(request: Request, body: ChatIn) -> ChatOut:
        """The answer plus "turn": append it to the history sent with the next question."""
        history = [_turn(n, t) for n, t in enumerate(body.history, 1)]
        return ChatOut.of(answer(request, body, history, "api/chat"))

    @app.get("/api/health", summary="Zustand von Index und Sprachmodell")
    def health(request: Request) -> Health:
        """Counts what the caller may read."""
        return assistant.health(_viewer(assistant, request, limiter))

    @app.api_route(
        "/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    def unknown(request: Request) -> None:
        """Anything else under /api (the mounted chat would answer it with its page's 404)."""
        path = request.url.path.rstrip("/")
        if path in ENDPOINTS:
            raise Problem(405, f"{path} erwartet {ENDPOINTS[path]}, nicht {request.method}.")
        known = ", ".join(f"{method} {path}" for path, method in ENDPOINTS.items())
        raise Problem(404, f"Diese Adresse gibt es nicht. Die API bietet {known}.")

    openai_api.add_openai_routes(app, assistant, limiter, answering)  # before "/" takes every path
    demo = build_ui(assistant)
    demo.queue(default_concurrency_limit=API_CONCURRENCY)
    return gr.mount_gradio_app(
        app,
        demo,
        path="/",
        server_name=settings.ui.host,
        server_port=settings.ui.port,
        footer_links=[],
        run_history=False,
        show_error=False,
        max_file_size=upload_cap(settings.ui),
        css=CSS,
    )


def validation_message(errors: Any) -> str:
    """FastAPI's validation errors in one German sentence: 'Ungültige Anfrage: „question“ fehlt.'"""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "Ungültige Anfrage: Der Inhalt ist kein gültiges JSON."
    if all(tuple(e.get("loc", ())) == ("body",) for e in errors):
        return "Ungültige Anfrage: Erwartet wird ein JSON-Objekt (Content-Type: application/json)."
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "Anfrage"
        match e.get("type"):
            case "missing":
                parts.append(f"„{where}“ fehlt")
            case "extra_forbidden":
                parts.append(f"„{where}“ ist kein bekanntes Feld")
            case _:
                parts.append(f"„{where}“ hat einen ungültigen Wert")
    return "Ungültige Anfrage: " + "; ".join(dict.fromkeys(parts)) + "."


def _filters(assistant: CouncilAssistant, given: BaseModel | None, viewer: Viewer) -> Filters:
    return filters_from_input(assistant.facets(viewer), **typed_filters(given))


def _viewer(assistant: CouncilAssistant, request: Request, limiter: QuestionLimiter) -> Viewer:
    """Who asks: the user of the `Authorization: Bearer TOKEN` header, the public without one.
    A header of another form, a wrong or revoked token, and no token where sign-in is required,
    are 401 with a German detail; never the public view instead. An address whose tokens failed
    `ui.rate_limit_per_minute` times in a minute gets 429 before its next token is checked."""
    header = request.headers.get("authorization")
    address = request.client.host if request.client else "unbekannt"
    token = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(401, BEARER_EXPECTED, {"WWW-Authenticate": "Bearer"})
        if wait := limiter.refused(address):
            raise Problem(429, too_many_failures(wait), {"Retry-After": str(wait)})
    try:
        return assistant.viewer(token)
    except InvalidToken as exc:
        limiter.failed(address)
        raise Problem(401, str(exc), {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from exc
    except SignInRequired as exc:
        raise Problem(401, str(exc), {"WWW-Authenticate": "Bearer"}) from exc


def _turn(n: int, given: TurnIn) -> Turn:
    """A history entry as a Turn; a focus that cannot be read is a malformed request (422)."""
    try:
        return given.turn()
    except FilterError as exc:
        raise Problem(422, f"Ungültige Anfrage: Verlauf, Eintrag {n}: {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise Problem(422, f"Ungültige Anfrage: Verlauf, Eintrag {n}, hat einen ungültigen Fokus.") from exc


@dataclass
class WebServer:
    """A running server; `close()` stops it (and waits for its thread)."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread | None

    def close(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=30)


def banner(settings: Settings) -> str:
    """Where to find the chat and the API, for `council serve` and `make run`."""
    base = f"http://{settings.ui.host}:{settings.ui.port}"
    return (
        f"Web-Chat: {base}/\n"
        f"HTTP-API: {base}/api/ask, {base}/api/chat, {base}/api/health (Beschreibung: {base}/api/docs)\n"
        f"OpenAI-kompatibel: {base}/v1 (Beschreibung: {base}/v1/docs)"
    )


def serve(settings: Settings, *, prevent_thread_lock: bool = False) -> WebServer:
    """Serve the web chat and the HTTP API on settings.ui.host:port. Raises `IndexEmpty` if
    nothing is ingested, `PortInUse` if the port is taken. Blocks until stopped, unless
    `prevent_thread_lock`."""
    assistant = build_assistant(settings)
    assistant.warm_up()
    app = create_app(assistant)
    config = uvicorn.Config(
        app, host=settings.ui.host, port=settings.ui.port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    url = f"http://{settings.ui.host}:{settings.ui.port}/"
    # Bound here and handed to uvicorn: a port taken since the CLI checked it (the model loads in
    # between) is `PortInUse` too, where uvicorn would log in English and exit.
    sockets = [bind_port(settings.ui.host, settings.ui.port)]
    if not prevent_thread_lock:
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn stopped gracefully, then re-raised Ctrl-C
            server.run(sockets)
        return WebServer(url, server, None)
    thread = threading.Thread(target=server.run, args=(sockets,), name="council-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise OSError(f"Der Server konnte {settings.ui.host}:{settings.ui.port} nicht öffnen.")
        time.sleep(0.05)
    return WebServer(url, server, thread)
