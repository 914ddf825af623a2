"""The web chat (Gradio, German). Callbacks call the assistant service only; they never touch
llama-index or Chroma. `assistant/interfaces/http.py` mounts it beside the HTTP API and serves both.

- Answers stream: the LLM's text shows as it comes (marked as not yet checked), then is replaced
  by the final answer (the verified text, or the extractive one with the reason).
- Follow-ups: the conversation's turns are derived from the chat history on every question, so
  undo, retry and "clear" keep them right. What a turn was about (its `focus`: committee, day,
  TOP of its first source) cannot be read back from the rendered message, so each answered turn
  is kept in a per-session cache keyed by its rendered text; messages not in it (errors, the
  "searching" placeholder) are no turns.
- Sources are chips: a `<details>` element per citation (plain HTML, no JS, kept by Gradio's
  sanitizer) whose summary names document type, committee, date and TOP and which opens to the
  quoted passage with its file, page and paragraph.
- Filters (Gremium, Zeitraum, Dokumenttyp, TOP, Vorlage) sit in a folded panel under the chat;
  the Gremium and Dokumenttyp lists are the index's own values, refreshed on each page load.

A second tab, "Anfrage beantworten", is for staff: an inquiry pasted or uploaded (.txt, .pdf) is
answered question by question (`assistant.answering.draft`); it shows the draft with its sources, every
relevant passage grouped by meeting, and offers the draft as Markdown and DOCX.
"""

import hashlib
import html
import logging
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answering.chat import Turn
from assistant.answering.draft import NO_ANSWER, Draft, InquiryError
from assistant.core.answers import Answer, Citation, Delta, Passage
from assistant.core.filters import FilterError, Filters, filters_from_input
from assistant.index.vectors import StoreError
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
QUOTE_CHARS = 1200
SUMMARY_CHARS = 110
ALL = ""  # the dropdown value for "no filter"
SEARCHING = "<div class='ca-pending'>Suche in den Ratsdokumenten …</div>"
STORE_DOWN = "Der Dokumentenindex ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."
INTERNAL = "Bei der Beantwortung ist ein interner Fehler aufgetreten. Bitte versuchen Sie es erneut."
INQUIRY_HELP = (
    "Fügen Sie eine Anfrage (etwa einer Fraktion) ein oder laden Sie sie als Datei hoch. Jede "
    "nummerierte Frage wird aus den Dokumenten beantwortet; Sie erhalten einen Antwortentwurf mit "
    "Quellen, die Fundstellen nach Sitzung geordnet und den Entwurf als Markdown und Word-Datei."
)
EXCERPT_CHARS = 400

CSS = """
.ca-source { border: 1px solid var(--border-color-primary); border-radius: 8px; margin: 6px 0;
  background: var(--background-fill-secondary); }
.ca-source > summary { cursor: pointer; padding: 6px 10px; list-style: none; font-size: 0.92em; }
.ca-source > summary::-webkit-details-marker { display: none; }
.ca-source > summary::before { content: "▸ "; color: var(--body-text-color-subdued); }
.ca-source[open] > summary::before { content: "▾ "; }
.ca-source[open] > summary { border-bottom: 1px solid var(--border-color-primary); }
.ca-source-body { padding: 6px 12px 8px; font-size: 0.92em; }
.ca-source-body blockquote { margin: 6px 0; padding-left: 10px; border-left: 3px solid var(--color-accent);
  white-space: normal; }
.ca-field { font-weight: 600; }
.ca-note, .ca-standalone { color: var(--body-text-color); opacity: 0.75; font-size: 0.9em; }
.ca-pending { color: var(--body-text-color-subdued); font-size: 0.9em; }
.ca-sources-title { font-weight: 600; margin-top: 10px; }
.ca-draft p { margin: 0 0 0.8em; }
.ca-group > summary { font-weight: 600; }
.ca-finding { margin: 4px 0 8px; }
.ca-finding-head { margin-top: 8px; font-weight: 600; }
.ca-status { padding: 8px 12px; border-radius: 8px; background: var(--background-fill-secondary); }
.ca-finding blockquote { margin: 2px 0 0; }
.ca-cited { font-weight: 600; color: var(--color-accent); }
.ca-error { padding: 8px 12px; border-radius: 8px; border: 1px solid var(--error-border-color);
  background: var(--error-background-fill); color: var(--error-text-color); }
"""

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


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_answer(answer: Answer) -> str:
    """Markdown (with HTML chips) for one chat answer: the text, how the question was read,
    filter and generation notes, then each numbered source as a chip that opens to its quote."""
    parts = [html.escape(answer.text, quote=False)]
    notes = []
    if answer.standalone:
        notes.append(f"<div class='ca-standalone'>Verstanden als: {_e(answer.standalone)}</div>")
    applied = answer.filters.applied
    if answer.retrieved and not applied.empty:
        notes.append(f"<div class='ca-note'>Gefiltert: {_e(applied.describe())}</div>")
    if note := answer.filters.note():
        notes.append(f"<div class='ca-note'>{_e(note)}</div>")
    if answer.generation.note:
        notes.append(f"<div class='ca-note'>{_e(answer.generation.note)}</div>")
    if notes:
        parts.append("\n".join(notes))
    if answer.citations:
        chips = [f"<div class='ca-sources-title'>Quellen ({len(answer.citations)})</div>"]
        chips += [citation_chip(c) for c in answer.citations]
        parts.append("\n".join(chips))
    return "\n\n".join(parts)


def citation_chip(c: Citation) -> str:
    """One source as a `<details>` chip, on one line (a blank line would end Markdown's HTML block)."""
    where = [x for x in c.location() if not x.startswith(("Seite ", "Absatz "))]
    summary = " · ".join(where) or c.passage.title or c.source
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    quote = " ".join(c.text.split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    p = c.passage
    fields = [("Dokument", f"<code>{_e(c.source)}</code>")]
    if p.title and p.title != c.source:
        fields.append(("Titel", _e(p.title)))
    fields.append(("Fundstelle", _e(" · ".join(c.location()) or "–")))
    rows = "".join(f"<div><span class='ca-field'>{k}:</span> {v}</div>" for k, v in fields)
    notes = "".join(f"<div class='ca-note'>{_e(n)}</div>" for n in c.notes())
    return (
        f"<details class='ca-source'><summary><b>[{c.n}]</b> {_e(summary)}</summary>"
        f"<div class='ca-source-body'>{rows}<blockquote>{_e(quote)}</blockquote>{notes}</div></details>"
    )


def render_draft(text: str) -> str:
    """The LLM's text while it streams: shown, but marked as not yet checked."""
    return (
        f"{html.escape(text, quote=False)} ▍\n\n"
        "<div class='ca-pending'>Entwurf des Sprachmodells – wird noch gegen die Quellen geprüft …</div>"
    )


def answer_as_text(answer: Answer) -> str:
    """The answer with its sources as plain text (Markdown-compatible), for the copy button."""
    lines = [f"Frage: {answer.question}", "", answer.text]
    if answer.standalone:
        lines.append(f"(Verstanden als: {answer.standalone})")
    if note := answer.filters.note():
        lines.append(note)
    if answer.generation.note:
        lines.append(answer.generation.note)
    if answer.citations:
        lines += ["", "Quellen:"]
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.source} ({', '.join(c.location())})")
        lines.append(f"    „{' '.join(c.text.split())}“")
        lines += [f"    {n}" for n in c.notes()]
    return "\n".join(lines)


def message_text(content: Any) -> str:
    """A chat message's text, whether Gradio hands it over as a string or as content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, list | tuple):
        return "".join(message_text(part) for part in content)
    return ""


def answer_key(rendered: str) -> str:
    """What a rendered answer is known by in the session's cache (whitespace may change in transit)."""
    return hashlib.sha1(" ".join(rendered.split()).encode()).hexdigest()


def turns_of(history: Sequence[dict], answered: dict[str, dict]) -> list[Turn]:
    """The conversation's turns: the assistant messages that are answers this session gave."""
    turns = []
    for message in history:
        if message.get("role") == "assistant":
            data = answered.get(answer_key(message_text(message.get("content"))))
            if data is not None:
                turns.append(Turn.from_json(data))
    return turns


def render_draft_answer(draft: Draft) -> str:
    """The draft (one paragraph per question), its notes and its sources as chips."""
    parts = [f"<p>{_e(p)}</p>" for p in draft.paragraphs()]
    if draft.notes:
        parts.append("<div class='ca-sources-title'>Hinweise</div>")
        parts += [f"<div class='ca-note'>{_e(n)}</div>" for n in draft.notes]
    if draft.citations:
        parts.append(f"<div class='ca-sources-title'>Quellen ({len(draft.citations)})</div>")
        parts += [citation_chip(c) for c in draft.citations]
    return f"<div class='ca-draft'>{''.join(parts)}</div>"


def render_groups(draft: Draft) -> str:
    """Every relevant passage, grouped by meeting (newest first); within a group, the document
    and agenda item are named once for the passages under them."""
    if not draft.groups:
        return "<div class='ca-note'>Keine Fundstellen.</div>"
    out = [f"<div class='ca-sources-title'>Fundstellen nach Sitzung ({len(draft.groups)})</div>"]
    for group in draft.groups:
        items, heading = [], None
        for p in group.passages:
            item = p.agenda_item.label() if p.agenda_item else p.subject
            head = (p.source, " · ".join(x for x in (p.doc_type, item) if x))
            if head != heading:
                heading = head
                items.append(f"<div class='ca-finding-head'><code>{_e(head[0])}</code> {_e(head[1])}</div>")
            items.append(_finding(draft, p))
        out.append(
            f"<details class='ca-source ca-group' open><summary>{_e(group.label)} "
            f"({len(group.passages)})</summary><div class='ca-source-body'>{''.join(items)}</div></details>"
        )
    return "".join(out)


def _finding(draft: Draft, p: Passage) -> str:
    where = [x for x in (f"Seite {p.page}" if p.page else None, f"ab Absatz {p.paragraph}") if x]
    cited = draft.cited_as(p)
    mark = f" <span class='ca-cited'>zitiert als {', '.join(f'[{n}]' for n in cited)}</span>" if cited else ""
    text = " ".join(p.text.split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return (
        f"<div class='ca-finding'><span class='ca-field'>{_e(' · '.join(where))}</span>{mark}"
        f"<blockquote>{_e(text)}</blockquote></div>"
    )


def draft_files(draft: Draft, directory: Path) -> tuple[Path, Path]:
    """The draft as Markdown and DOCX in a fresh folder under `directory`."""
    folder = Path(tempfile.mkdtemp(prefix="entwurf-", dir=directory))
    md, docx = folder / "Antwortentwurf.md", folder / "Antwortentwurf.docx"
    md.write_text(draft.to_markdown(), encoding="utf-8")
    draft.to_docx(docx)
    return md, docx


def build_ui(assistant: CouncilAssistant) -> gr.Blocks:
    """Both tabs; the committee and type lists of their filters are refreshed on each page load."""

    def refresh() -> list[gr.Dropdown]:
        facets = assistant.facets()
        committees = _choices("Alle Gremien", facets.committees)
        types = _choices("Alle Dokumenttypen", facets.doc_types)
        return [gr.Dropdown(choices=committees), gr.Dropdown(choices=types)] * 2

    with gr.Blocks(title=TITLE, delete_cache=(3600, 24 * 3600)) as demo:
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}", elem_id="ca-header")
        with gr.Tabs():
            with gr.Tab("Fragen", id="chat"):
                chat_lists = _chat_tab(assistant)
            with gr.Tab("Anfrage beantworten", id="anfrage"):
                inquiry_lists = _inquiry_tab(assistant)
        demo.load(refresh, outputs=[*chat_lists, *inquiry_lists], api_visibility="private")
    return demo


def _filter_fields(assistant: CouncilAssistant, *, render: bool) -> list[gr.components.Component]:
    """Gremium, Sitzung von, Sitzung bis, Dokumenttyp, TOP, Vorlage (in `filters_from_input`'s order)."""
    facets = assistant.facets()
    day = "TT.MM.JJJJ, MM.JJJJ oder JJJJ"
    return [
        gr.Dropdown(_choices("Alle Gremien", facets.committees), value=ALL, label="Gremium", render=render),
        gr.Textbox("", label="Sitzung von", placeholder=day, render=render),
        gr.Textbox("", label="Sitzung bis", placeholder=day, render=render),
        gr.Dropdown(
            _choices("Alle Dokumenttypen", facets.doc_types), value=ALL, label="Dokumenttyp", render=render
        ),
        gr.Textbox("", label="TOP", placeholder="z. B. 14", render=render),
        gr.Textbox("", label="Vorlage", placeholder="z. B. 2024/1049", render=render),
    ]


def _filters(
    assistant: CouncilAssistant,
    committee: str,
    date_from: str,
    date_to: str,
    doc_type: str,
    agenda_item: str,
    vorlage: str,
) -> Filters:
    return filters_from_input(
        assistant.facets(),
        committee=committee,
        date_from=date_from,
        date_to=date_to,
        doc_type=doc_type,
        agenda_item=agenda_item,
        vorlage=vorlage,
    )


def _chat_tab(assistant: CouncilAssistant) -> list[gr.Dropdown]:
    """The chat; returns its committee and type dropdowns."""

    def respond(
        message: str,
        history: list,
        answered: dict | None,
        committee: str = ALL,
        date_from: str = "",
        date_to: str = "",
        doc_type: str = ALL,
        agenda_item: str = "",
        vorlage: str = "",
    ) -> Iterator[tuple[str, Any, Any]]:
        """Yields (message, answered turns, answer as text): a placeholder, the LLM's text as it
        comes, then the final answer."""
        answered = dict(answered or {})
        try:
            filters = _filters(assistant, committee, date_from, date_to, doc_type, agenda_item, vorlage)
            yield SEARCHING, gr.skip(), gr.skip()
            pieces: list[str] = []
            for event in assistant.stream(message, filters, turns_of(history, answered)):
                if isinstance(event, Delta):
                    pieces.append(event.text)
                    yield render_draft("".join(pieces)), gr.skip(), gr.skip()
                elif isinstance(event, Answer):
                    rendered = render_answer(event)
                    answered[answer_key(rendered)] = Turn.of(event).to_json()
                    yield rendered, answered, answer_as_text(event)
        except (QuestionError, FilterError) as exc:
            yield str(exc), gr.skip(), ""
        except StoreError as exc:
            log.error("store error: %s", exc)
            yield STORE_DOWN, gr.skip(), ""
        except Exception:
            log.exception("answering %r failed", message[:200])
            yield INTERNAL, gr.skip(), ""

    answered = gr.State({})
    copy_text = gr.Textbox(label="Antwort als Text", visible="hidden", elem_id="ca-copy-text")
    fields = _filter_fields(assistant, render=False)
    chat = gr.ChatInterface(
        respond,
        chatbot=gr.Chatbot(
            label="Verlauf",
            placeholder="Stellen Sie eine Frage zu den Ratsdokumenten.",
            height=540,
            buttons=[],  # Gradio's copy buttons would copy the chips' HTML; see "kopieren" below
            latex_delimiters=[],  # "$" in English minutes is money, not LaTeX
            feedback_options=None,
            elem_id="ca-chat",
        ),
        textbox=gr.Textbox(
            placeholder="Ihre Frage, z. B. „Wer ist Mitglied der Lenkungsgruppe?“",
            submit_btn="Fragen",
            stop_btn="Abbrechen",
            show_label=False,
            elem_id="ca-question",
        ),
        api_name="chat",
        fill_height=False,
        additional_inputs=[answered, *fields],
        additional_inputs_accordion=gr.Accordion("Filter", open=False, render=False),
        additional_outputs=[answered, copy_text],
    )
    copy = gr.Button("Antwort mit Quellen kopieren", size="sm", elem_id="ca-copy", scale=0, min_width=240)
    copy.click(None, [copy_text], None, js=COPY_JS, api_visibility="private")
    gr.Examples(
        [[q] for q in EXAMPLES],
        inputs=[chat.textbox],
        label="Beispielfragen (ein Klick übernimmt die Frage)",
        elem_id="ca-examples",
    )
    return [fields[0], fields[3]]  # type: ignore[list-item]


def _inquiry_tab(assistant: CouncilAssistant) -> list[gr.Dropdown]:
    """Staff's tab: an inquiry in, a cited draft out; returns its committee and type dropdowns."""
    # Each draft's files go to a fresh folder in here; Gradio serves copies from its cache (which
    # `delete_cache` empties), this folder goes when the process ends.
    downloads_dir = tempfile.TemporaryDirectory(prefix="council-drafts-")
    downloads = Path(downloads_dir.name)

    def read_upload(path: str | None) -> tuple[Any, str]:
        """An uploaded inquiry's text into the text box, so staff see what will be answered."""
        if not path:
            return gr.skip(), ""
        try:
            return read_inquiry(Path(path)), ""
        except InquiryError as exc:
            return gr.skip(), _error(str(exc))

    def make_draft(
        inquiry_text: str,
        inquiry_file: str | None,
        committee: str = ALL,
        date_from: str = "",
        date_to: str = "",
        doc_type: str = ALL,
        agenda_item: str = "",
        vorlage: str = "",
    ) -> tuple[str, str, str, Any, Any]:
        """(status, draft, passages by meeting, Markdown download, DOCX download)."""
        hidden = gr.DownloadButton(visible=False)
        _ = downloads_dir  # kept alive as long as the UI
        text = inquiry_text or ""
        try:
            if not text.strip() and inquiry_file:
                text = read_inquiry(Path(inquiry_file))
            filters = _filters(assistant, committee, date_from, date_to, doc_type, agenda_item, vorlage)
            draft = assistant.draft(text, filters)
            md, docx = draft_files(draft, downloads)
        except (InquiryError, QuestionError, FilterError) as exc:
            return _error(str(exc)), "", "", hidden, hidden
        except StoreError as exc:
            log.error("store error: %s", exc)
            return _error(STORE_DOWN), "", "", hidden, hidden
        except Exception:
            log.exception("drafting failed")
            return _error(INTERNAL), "", "", hidden, hidden
        answered = sum(1 for p in draft.paragraphs() if not p.endswith(NO_ANSWER))
        status = (
            f"{len(draft.questions)} Frage(n) erkannt, {answered} aus den Dokumenten beantwortet, "
            f"{len(draft.citations)} Quelle(n). Bitte prüfen Sie den Entwurf vor der Weitergabe."
        )
        return (
            f"<div class='ca-status'>{_e(status)}</div>",
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
            label="… oder als Datei (.txt, .pdf)",
            file_types=list(INQUIRY_SUFFIXES),
            type="filepath",
            scale=2,
            elem_id="ca-inquiry-file",
        )
    with gr.Accordion("Filter (optional)", open=False):
        fields = _filter_fields(assistant, render=False)
        with gr.Row():
            for field in fields[:3]:
                field.render()
        with gr.Row():
            for field in fields[3:]:
                field.render()
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
    upload.upload(read_upload, [upload], [inquiry, status], api_visibility="private")
    run.click(
        make_draft,
        [inquiry, upload, *fields],
        [status, draft_view, groups_view, md_file, docx_file],
        api_name="anfrage",
    )
    return [fields[0], fields[3]]  # type: ignore[list-item]


def _error(message: str) -> str:
    return f"<div class='ca-error'>{_e(message)}</div>"


def _choices(everything: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(everything, ALL), *((v, v) for v in values)]
