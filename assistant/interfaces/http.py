"""One process, one port: the HTTP API under /api and the web chat (Gradio) at "/".

    POST /api/ask     {"question": "…", "filters": {…}}                 -> Answer.to_json()
    POST /api/chat    {"question": "…", "filters": {…}, "history": [turn, …]}
                                                                       -> Answer.to_json() + {"turn": …}
    GET  /api/health  index size, embedding model, LLM backend and whether it answers -> Health

`/api/ask` answers exactly as `council ask --json` prints. `/api/chat` takes the conversation as
the list of turns it returned before (`Turn.to_json`), so a script keeps its own history and the
server holds no session: append each reply's "turn" and send the list with the next question.

Errors carry a German `detail` for the user: 400 for a question or filter the assistant cannot use
(`QuestionError`, `FilterError`), 422 for a request of the wrong shape, 404/405 for another address
or method under /api, 503 when the index cannot be reached, 500 for anything else; never a
traceback.

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
from pydantic import BaseModel, ConfigDict, Field

from assistant.answering.chat import Turn
from assistant.core.answers import Answer
from assistant.core.filters import FilterError, Filters, filters_from_input
from assistant.core.settings import Settings
from assistant.index.vectors import StoreError
from assistant.interfaces.web_render import CSS
from assistant.interfaces.web_ui import TITLE, build_ui
from assistant.service.council import CouncilAssistant, QuestionError, build_assistant
from assistant.service.schema import Health

log = logging.getLogger(__name__)

STORE_DOWN = "Der Dokumentenindex ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."
INTERNAL = "Interner Fehler bei der Beantwortung. Bitte versuchen Sie es erneut."
ENDPOINTS = {"/api/ask": "POST", "/api/chat": "POST", "/api/health": "GET"}
API_CONCURRENCY = 2  # questions answered at once, by the API and by the chat each


class FilterInput(BaseModel):
    """Filters as the CLI takes them; dates as 2024-10-22, 22.10.2024, 10.2024 or 2024."""

    model_config = ConfigDict(extra="forbid")

    committee: str | None = Field(None, description="Gremium as the index spells it, e.g. Gemeinderat")
    date_from: str | None = Field(None, description="meetings on or after this day, month or year")
    date_to: str | None = Field(None, description="meetings on or before this day, month or year")
    doc_type: str | None = Field(None, description="document type, e.g. Niederschrift")
    agenda_item: str | int | None = Field(None, description="TOP, e.g. 14 or 15.1 (also matches 14.1, 14.2)")
    vorlage: str | None = Field(None, description="Vorlage number, e.g. 2024/1049")


class AskRequest(BaseModel):
    question: str = Field(description="the question, in German or English")
    filters: FilterInput = Field(default_factory=FilterInput)


class TurnInput(BaseModel):
    """One earlier turn, as a previous /api/chat reply's "turn" holds it."""

    question: str
    answer: str = ""
    standalone_question: str | None = None
    focus: dict[str, Any] | None = None


class ChatRequest(AskRequest):
    history: list[TurnInput] = Field(default_factory=list, description="earlier turns, oldest first")


class Problem(Exception):
    """An error with a status code and a German message for the response."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def create_app(assistant: CouncilAssistant) -> FastAPI:
    """The FastAPI app: /api routes first (they take precedence), then the web chat at "/"."""
    settings = assistant.settings
    app = FastAPI(
        title=f"{TITLE} – HTTP-API",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

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

    def answer(body: AskRequest, history: list[Turn]) -> Answer:
        try:
            with answering:
                return assistant.ask(body.question, _filters(assistant, body.filters), history)
        except (QuestionError, FilterError) as exc:
            raise Problem(400, str(exc)) from exc
        except StoreError as exc:
            log.error("store error: %s", exc)
            raise Problem(503, STORE_DOWN) from exc

    @app.post("/api/ask", summary="Eine Frage beantworten (wie `council ask --json`)")
    def ask(body: AskRequest) -> dict:
        return answer(body, []).to_json()

    @app.post("/api/chat", summary="Eine Frage im Gesprächsverlauf beantworten")
    def chat(body: ChatRequest) -> dict:
        """The answer plus "turn": append it to the history sent with the next question."""
        reply = answer(body, [_turn(n, t) for n, t in enumerate(body.history, 1)])
        return reply.to_json() | {"turn": Turn.of(reply).to_json()}

    @app.get("/api/health", summary="Zustand von Index und Sprachmodell")
    def health() -> Health:
        return assistant.health()

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


def _filters(assistant: CouncilAssistant, given: FilterInput) -> Filters:
    item = given.agenda_item
    return filters_from_input(
        assistant.facets(),
        committee=given.committee,
        date_from=given.date_from,
        date_to=given.date_to,
        doc_type=given.doc_type,
        agenda_item=None if item is None else str(item),
        vorlage=given.vorlage,
    )


def _turn(n: int, given: TurnInput) -> Turn:
    """A history entry as a Turn; a focus that cannot be read is a malformed request (422)."""
    try:
        return Turn.from_json(given.model_dump())
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
        f"HTTP-API: {base}/api/ask, {base}/api/chat, {base}/api/health (Beschreibung: {base}/api/docs)"
    )


def serve(settings: Settings, *, prevent_thread_lock: bool = False) -> WebServer:
    """Serve the web chat and the HTTP API on settings.ui.host:port. Raises `IndexEmpty` if
    nothing is ingested. Blocks until stopped, unless `prevent_thread_lock`."""
    assistant = build_assistant(settings)
    assistant.warm_up()
    app = create_app(assistant)
    config = uvicorn.Config(
        app, host=settings.ui.host, port=settings.ui.port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    url = f"http://{settings.ui.host}:{settings.ui.port}/"
    if not prevent_thread_lock:
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn stopped gracefully, then re-raised Ctrl-C
            server.run()
        return WebServer(url, server, None)
    thread = threading.Thread(target=server.run, name="council-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise OSError(f"Der Server konnte {settings.ui.host}:{settings.ui.port} nicht öffnen.")
        time.sleep(0.05)
    return WebServer(url, server, thread)
