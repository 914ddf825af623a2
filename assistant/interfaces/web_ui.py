"""The web chat (Gradio, German): the wiring of components and callbacks. Callbacks call the
assistant service only; they never touch llama-index or Chroma. What they show is rendered by
`assistant/interfaces/web_render.py`; `assistant/interfaces/http.py` mounts the chat beside the
HTTP API and serves both.

- Answers stream: the LLM's text shows as it comes (marked as not yet checked), then is replaced
  by the final answer (the verified text, or the extractive one with the reason).
- Follow-ups: the conversation's turns are derived from the chat history on every question, so
  undo, retry and "clear" keep them right: whatever Gradio removed from the history is no longer
  a turn. What a turn was about (its `focus`: committee, day, TOP of its first source) cannot be
  read back from the rendered message, so the session keeps each answered `Turn` in a
  `ChatState` (a `gr.State`), and the answer's message carries the turn's number in an empty
  `<span class='ca-turn' data-turn='N'>`. A number, not the message's text: the text may change
  in transit (whitespace, content parts), and two answers may read alike. Messages without one
  (errors, a stopped answer) are no turns.
- Filters sit in a folded panel under the chat, one input per declared filter field
  (`assistant.core.filters.FILTER_FIELDS`), by name; the Gremium and Dokumenttyp lists are the
  index's own values, refreshed on each page load.

- Sign-in: a folded "Anmeldung" panel takes a user's token (`council user add`); the session keeps
  the token (a `gr.State`, on the server) and resolves it again for every question, so a removed
  user is refused at once. Signing in or out clears the conversation and refreshes the filter
  lists, which show only what the signed-in role may read. Without a token the chat answers as
  the public does (or, with `access.require_sign_in`, asks to sign in).

A second tab, "Anfrage beantworten", is for staff: an inquiry pasted or uploaded (the types ingest
reads, at most `ui.max_upload_mb`; `read_upload` reads only Gradio's copy) is answered question by
question (`assistant.answering.draft`); it shows the draft with its sources,
every relevant passage grouped by meeting, and offers the draft as Markdown and DOCX
(`assistant/interfaces/draft_export.py`).
"""

import inspect
import logging
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answering.chat import Turn
from assistant.answering.draft import NO_ANSWER, InquiryError
from assistant.core.access import ANONYMOUS, Viewer
from assistant.core.answers import Answer, Delta
from assistant.core.filters import (
    FILTER_FIELDS,
    Choices,
    FilterError,
    Filters,
    IndexFacets,
    filters_from_input,
)
from assistant.core.settings import UISettings
from assistant.index.vectors import StoreError
from assistant.interfaces.draft_export import draft_files
from assistant.interfaces.web_render import (
    SEARCHING,
    answer_as_text,
    render_answer,
    render_draft_answer,
    render_error,
    render_groups,
    render_status,
    render_streaming,
)
from assistant.service.accounts import AccountError
from assistant.service.council import CouncilAssistant, QuestionError
from assistant.service.inquiry import INQUIRY_SUFFIXES, read_inquiry

log = logging.getLogger(__name__)

TITLE = "Ratsinformations-Assistent"
DESCRIPTION = (
    "Fragen Sie in den Niederschriften, Beratungsergebnissen und Vorlagen des Rates. "
    "Jede Antwort nennt ihre Quellen mit Dokument, Seite und zitierter Textstelle; "
    "Anschlussfragen („Und wie wurde darüber abgestimmt?“) beziehen sich auf die vorige Antwort."
)
EXAMPLES = [
    "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?",
    "Was hat der Gemeinderat am 22.10.2024 zu TOP 14 beschlossen?",
    "Aus wie vielen Mitgliedern besteht ein Stadtteilbeirat in Erlangen?",
]
STORE_DOWN = "Der Dokumentenindex ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."
INTERNAL = "Bei der Beantwortung ist ein interner Fehler aufgetreten. Bitte versuchen Sie es erneut."
INQUIRY_HELP = (
    "Fügen Sie eine Anfrage (etwa einer Fraktion) ein oder laden Sie sie als Datei hoch. Jede "
    "nummerierte Frage wird aus den Dokumenten beantwortet; Sie erhalten einen Antwortentwurf mit "
    "Quellen, die Fundstellen nach Sitzung geordnet und den Entwurf als Markdown und Word-Datei."
)
ALL = ""  # the dropdown value for "no filter"
FIELDS_PER_ROW = 3  # the inquiry tab's filter panel, which has the page's width
_TURN = re.compile(r"<span class='ca-turn' data-turn='(\d+)'></span>")

# Copies the hidden plain-text answer; the fallback serves pages served over plain HTTP to
# another host (no `navigator.clipboard` outside secure contexts).
COPY_JS = """
async (text) => {
  const button = document.querySelector('#ca-copy');
  const say = (label) => {
    if (!button) return;
    button.dataset.label ??= button.textContent;
    button.textContent = label;
    setTimeout(() => { button.textContent = button.dataset.label; }, 2000);
  };
  if (!text) { say('Noch keine Antwort'); return; }
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  say('Kopiert ✓');
}
"""


@dataclass
class ChatState:
    """The turns this session answered; a turn's number is its place in `turns`."""

    turns: list[Turn] = field(default_factory=list)

    def remember(self, answer: Answer) -> str:
        """Keep the turn `answer` makes; returns the marker its message carries."""
        self.turns.append(Turn.of(answer))
        return f"<span class='ca-turn' data-turn='{len(self.turns) - 1}'></span>"

    def turns_of(self, history: Sequence[dict]) -> list[Turn]:
        """The conversation's turns: the assistant messages of `history` that carry a turn's
        number, in order."""
        found = []
        for message in history:
            if message.get("role") == "assistant":
                marker = _TURN.search(message_text(message.get("content")))
                if marker and int(marker[1]) < len(self.turns):
                    found.append(self.turns[int(marker[1])])
        return found


def message_text(content: Any) -> str:
    """A chat message's text, whether Gradio hands it over as a string or as content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, list | tuple):
        return "".join(message_text(part) for part in content)
    return ""


def build_ui(assistant: CouncilAssistant) -> gr.Blocks:
    """Both tabs and the sign-in panel; the dropdowns of the filter panels are refreshed on each
    page load and on each sign-in or sign-out."""
    with gr.Blocks(title=TITLE, delete_cache=(3600, 24 * 3600)) as demo:
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}", elem_id="ca-header")
        session = gr.State(None)  # the signed-in user's token; None: not signed in
        signed_in = gr.Markdown(_who(assistant, None), elem_id="ca-signed-in")
        with gr.Accordion("Anmeldung", open=False, elem_id="ca-sign-in-panel"):
            token_box = gr.Textbox(
                label="Zugangsschlüssel", type="password", placeholder="rat_…", elem_id="ca-token"
            )
            with gr.Row():
                sign_in = gr.Button("Anmelden", variant="primary", size="sm", elem_id="ca-sign-in")
                sign_out = gr.Button("Abmelden", size="sm", elem_id="ca-sign-out")
        with gr.Tabs():
            with gr.Tab("Fragen", id="chat"):
                chat_fields, chat, chat_state = _chat_tab(assistant, session)
            with gr.Tab("Anfrage beantworten", id="anfrage"):
                inquiry_fields = _inquiry_tab(assistant, session)
        lists = [
            (f.choices, fields[f.name])
            for fields in (chat_fields, inquiry_fields)
            for f in FILTER_FIELDS
            if f.choices is not None
        ]

        def refresh(token: str | None) -> list[gr.Dropdown]:
            facets = assistant.facets(_viewer_or_public(assistant, token))
            return [gr.Dropdown(choices=_choices(choices, facets), value=ALL) for choices, _ in lists]

        def enter(typed: str) -> list[Any]:
            """(session, token box, who is signed in, the chat as shown and as the chat
            interface keeps it, its turns, the filter lists)."""
            try:
                viewer = assistant.viewer(typed)
            except AccountError as exc:
                return [gr.skip(), "", f"**{exc}**", *(gr.skip() for _ in range(3 + len(lists)))]
            token = typed.strip() if viewer.name else None
            return [token, "", _who(assistant, token), [], [], ChatState(), *refresh(token)]

        def leave() -> list[Any]:
            return [None, "", _who(assistant, None), [], [], ChatState(), *refresh(None)]

        chats = [chat.chatbot, chat.chatbot_state, chat_state]  # cleared: no answer outlives its reader
        outputs = [session, token_box, signed_in, *chats, *(c for _, c in lists)]
        sign_in.click(enter, [token_box], outputs, api_visibility="private")
        token_box.submit(enter, [token_box], outputs, api_visibility="private")
        sign_out.click(leave, None, outputs, api_visibility="private")
        demo.load(refresh, [session], [component for _, component in lists], api_visibility="private")
    return demo


def _viewer_or_public(assistant: CouncilAssistant, token: str | None) -> Viewer:
    """The session's viewer for what the page offers (filter lists); the public where the
    token no longer holds. Questions resolve the token themselves and say when it fails."""
    try:
        return assistant.viewer(token)
    except AccountError:  # a revoked token, or none where sign-in is required
        return ANONYMOUS


def _who(assistant: CouncilAssistant, token: str | None) -> str:
    viewer = _viewer_or_public(assistant, token)
    if viewer.name is None and assistant.settings.access.require_sign_in:
        return "Nicht angemeldet. Bitte melden Sie sich unter „Anmeldung“ an, um Fragen zu stellen."
    return viewer.describe()


def _filter_fields(assistant: CouncilAssistant) -> dict[str, gr.components.Component]:
    """The filter panel: one input per declared filter field, by field name, not yet rendered
    (the caller places them). A field with `choices` is a dropdown of the index's values."""
    facets = assistant.facets()
    fields: dict[str, gr.components.Component] = {}
    for f in FILTER_FIELDS:
        if f.choices is not None:
            fields[f.name] = gr.Dropdown(_choices(f.choices, facets), value=ALL, label=f.label, render=False)
        else:
            fields[f.name] = gr.Textbox("", label=f.label, placeholder=f.placeholder, render=False)
    return fields


def _filters(assistant: CouncilAssistant, typed: dict[str, str], viewer: Viewer) -> Filters:
    return filters_from_input(assistant.facets(viewer), **typed)


def _with_filter_parameters(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, whose `*typed` takes the filter panel's values in `FILTER_FIELDS` order, with a
    signature that names them: Gradio names the /chat API's parameters after the callback's
    (committee, date_from, …), and `gr.ChatInterface` passes its inputs by position only."""
    signature = inspect.signature(fn)
    fixed = [p for p in signature.parameters.values() if p.kind is not p.VAR_POSITIONAL]
    named = [inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for f in FILTER_FIELDS]
    fn.__signature__ = signature.replace(parameters=[*fixed, *named])  # type: ignore[attr-defined]
    return fn


def _chat_tab(
    assistant: CouncilAssistant, session: gr.State
) -> tuple[dict[str, gr.components.Component], gr.ChatInterface, gr.State]:
    """The chat; returns its filter inputs by field name, the chat interface and its turns' state."""

    @_with_filter_parameters
    def respond(
        message: str, history: list, chat: ChatState, token: str | None, *typed: str
    ) -> Iterator[tuple[str, Any, Any]]:
        """Yields (message, chat state, answer as text): a placeholder, the LLM's text as it
        comes, then the final answer."""
        try:
            viewer = assistant.viewer(token)
            filters = _filters(
                assistant, dict(zip((f.name for f in FILTER_FIELDS), typed, strict=True)), viewer
            )
            yield SEARCHING, gr.skip(), gr.skip()
            pieces: list[str] = []
            for event in assistant.stream(message, filters, chat.turns_of(history), viewer, "web"):
                if isinstance(event, Delta):
                    pieces.append(event.text)
                    yield render_streaming("".join(pieces)), gr.skip(), gr.skip()
                elif isinstance(event, Answer):
                    yield render_answer(event) + chat.remember(event), chat, answer_as_text(event)
        except (QuestionError, FilterError, AccountError) as exc:
            yield str(exc), gr.skip(), ""
        except StoreError as exc:
            log.error("store error: %s", exc)
            yield STORE_DOWN, gr.skip(), ""
        except Exception:
            log.exception("answering %r failed", message[:200])
            yield INTERNAL, gr.skip(), ""

    chat_state = gr.State(ChatState())
    copy_text = gr.Textbox(label="Antwort als Text", visible="hidden", elem_id="ca-copy-text")
    fields = _filter_fields(assistant)
    chatbot = gr.Chatbot(
        label="Verlauf",
        placeholder="Stellen Sie eine Frage zu den Ratsdokumenten.",
        height=540,
        buttons=[],  # Gradio's copy buttons would copy the chips' HTML; see "kopieren" below
        latex_delimiters=[],  # "$" in English minutes is money, not LaTeX
        feedback_options=None,
        elem_id="ca-chat",
    )
    chat = gr.ChatInterface(
        respond,
        chatbot=chatbot,
        textbox=gr.Textbox(
            placeholder="Ihre Frage, z. B. „Wer ist Mitglied der Lenkungsgruppe?“",
            submit_btn="Fragen",
            stop_btn="Abbrechen",
            show_label=False,
            elem_id="ca-question",
        ),
        api_name="chat",
        fill_height=False,
        additional_inputs=[chat_state, session, *fields.values()],
        additional_inputs_accordion=gr.Accordion("Filter", open=False, render=False),
        additional_outputs=[chat_state, copy_text],
    )
    copy = gr.Button("Antwort mit Quellen kopieren", size="sm", elem_id="ca-copy", scale=0, min_width=240)
    copy.click(None, [copy_text], None, js=COPY_JS, api_visibility="private")
    gr.Examples(
        [[q] for q in EXAMPLES],
        inputs=[chat.textbox],
        label="Beispielfragen (ein Klick übernimmt die Frage)",
        elem_id="ca-examples",
    )
    return fields, chat, chat_state


def _inquiry_tab(assistant: CouncilAssistant, session: gr.State) -> dict[str, gr.components.Component]:
    """Staff's tab: an inquiry in, a cited draft out; returns its filter inputs by field name."""
    # Each draft's files go to a fresh folder in here; Gradio serves copies from its cache (which
    # `delete_cache` empties), this folder goes when the process ends.
    downloads_dir = tempfile.TemporaryDirectory(prefix="council-drafts-")
    downloads = Path(downloads_dir.name)

    max_bytes = assistant.settings.ui.max_upload_mb * 2**20

    def uploaded(path: str) -> str:
        return read_upload(path, max_bytes=max_bytes, uploads=Path(upload.GRADIO_CACHE))

    def show_upload(path: str | None) -> tuple[Any, str]:
        """An uploaded inquiry's text into the text box, so staff see what will be answered."""
        if not path:
            return gr.skip(), ""
        try:
            return uploaded(path), ""
        except InquiryError as exc:
            return gr.skip(), render_error(str(exc))

    def make_draft(
        inquiry_text: str, inquiry_file: str | None, token: str | None, **typed: str
    ) -> tuple[str, str, str, Any, Any]:
        """(status, draft, passages by meeting, Markdown download, DOCX download); `typed` holds
        the filter panel's values by field name."""
        hidden = gr.DownloadButton(visible=False)
        _ = downloads_dir  # kept alive as long as the UI
        text = inquiry_text or ""
        try:
            if not text.strip() and inquiry_file:
                text = uploaded(inquiry_file)
            viewer = assistant.viewer(token)
            draft = assistant.draft(text, _filters(assistant, typed, viewer), viewer, "web/draft")
            md, docx = draft_files(draft, downloads)
        except (InquiryError, QuestionError, FilterError, AccountError) as exc:
            return render_error(str(exc)), "", "", hidden, hidden
        except StoreError as exc:
            log.error("store error: %s", exc)
            return render_error(STORE_DOWN), "", "", hidden, hidden
        except Exception:
            log.exception("drafting failed")
            return render_error(INTERNAL), "", "", hidden, hidden
        answered = sum(1 for p in draft.paragraphs() if not p.endswith(NO_ANSWER))
        status = (
            f"{len(draft.questions)} Frage(n) erkannt, {answered} aus den Dokumenten beantwortet, "
            f"{len(draft.citations)} Quelle(n). Bitte prüfen Sie den Entwurf vor der Weitergabe."
        )
        return (
            render_status(status),
            render_draft_answer(draft),
            render_groups(draft),
            gr.DownloadButton(value=str(md), visible=True),
            gr.DownloadButton(value=str(docx), visible=True),
        )

    gr.Markdown(INQUIRY_HELP)
    with gr.Row():
        inquiry = gr.Textbox(
            label="Anfrage",
            placeholder="Sehr geehrte Damen und Herren,\n1. …?\n2. …?",
            lines=9,
            max_lines=30,
            scale=3,
            elem_id="ca-inquiry",
        )
        upload = gr.File(
            label=f"… oder als Datei ({', '.join(INQUIRY_SUFFIXES)}; höchstens {max_bytes // 2**20} MB)",
            # No `file_types`: Gradio would refuse another type in English before `read_upload`
            # says in German which types it reads (a .docx is the likely mistake).
            type="filepath",
            scale=2,
            elem_id="ca-inquiry-file",
        )
    with gr.Accordion("Filter (optional)", open=False):
        fields = _filter_fields(assistant)
        inputs = list(fields.values())
        for start in range(0, len(inputs), FIELDS_PER_ROW):
            with gr.Row():
                for component in inputs[start : start + FIELDS_PER_ROW]:
                    component.render()
    run = gr.Button("Antwortentwurf erstellen", variant="primary", elem_id="ca-draft-run")
    status = gr.HTML(label="Status", elem_id="ca-draft-status")
    with gr.Row():
        md_file = gr.DownloadButton("Entwurf als Markdown", visible=False, size="sm", elem_id="ca-draft-md")
        docx_file = gr.DownloadButton(
            "Entwurf als Word (DOCX)", visible=False, size="sm", elem_id="ca-draft-docx"
        )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            draft_view = gr.HTML(label="Entwurf", elem_id="ca-draft")
        with gr.Column(scale=2):
            groups_view = gr.HTML(label="Fundstellen", elem_id="ca-groups")
    upload.upload(show_upload, [upload], [inquiry, status], api_visibility="private")
    run.click(
        make_draft,
        [inquiry, upload, session],
        [status, draft_view, groups_view, md_file, docx_file],
        api_name="anfrage",
        inputs_kwargs=dict(fields.items()),  # typed as Gradio declares it (a dict of any block)
    )
    return fields


def upload_cap(settings: UISettings) -> int:
    """Bytes beyond which Gradio refuses any upload while it arrives, with its own (English)
    message: twice `ui.max_upload_mb`, so that a file a little too large still reaches
    `read_upload` and is refused in German, and nothing much larger reaches the disk."""
    return 2 * settings.max_upload_mb * 2**20


def read_upload(path: str, *, max_bytes: int, uploads: Path) -> str:
    """The text of an inquiry uploaded in the "Anfrage beantworten" tab; raises `InquiryError`
    with the German line for the status (a file too large, of another type, unreadable).

    Only `path` is read: Gradio's copy of the upload in its upload folder `uploads`. The name the
    file had on the user's computer is the path's last part (Gradio keeps only the last part of
    the name it was sent, without path separators: "../../etc/passwd.txt" arrives as
    "passwd.txt") and is only ever shown, cleaned by `shown_name`, never joined into a path. A path
    that leads out of `uploads` (Gradio hands over none; a link could) is refused unread.
    """
    file = Path(path)
    name = shown_name(file.name)
    real = file.resolve()
    if not real.is_relative_to(uploads.resolve()):
        log.warning("upload outside the upload folder %s refused: %r", uploads, path)
        raise InquiryError(f"Die Datei {name} kann nicht gelesen werden. Bitte laden Sie sie erneut hoch.")
    return read_inquiry(real, max_bytes=max_bytes, shown_as=name)


def shown_name(name: str, limit: int = 80) -> str:
    r"""A file's name as the status line shows it: one line, without control or formatting
    characters (a right-to-left override makes "anfrage\u202etxt.exe" look like a .txt file), at
    most `limit` characters with the ending kept. HTML is escaped where it is rendered.

    >>> shown_name("anfrage\u202etxt.exe"), shown_name("  Anfrage\n2024 .pdf")
    ('anfragetxt.exe', 'Anfrage 2024 .pdf')
    >>> shown_name("x" * 100 + ".pdf", limit=20)
    'xxxxxxxxxxxxxxx….pdf'
    """
    visible = (c for c in name if c.isspace() or unicodedata.category(c)[0] != "C")
    kept = " ".join("".join(visible).split())  # line breaks and tabs are spaces
    if len(kept) > limit:
        _, dot, suffix = kept.rpartition(".")
        ending = f".{suffix}" if dot and len(suffix) < 10 else ""
        kept = kept[: limit - len(ending) - 1] + "…" + ending
    return kept or "(ohne Namen)"


def _choices(choices: Choices, facets: IndexFacets) -> list[tuple[str, str]]:
    return [(choices.everything, ALL), *((v, v) for v in getattr(facets, choices.facet))]
