"""What the web chat shows, rendered: an answer as Markdown with HTML chips for its sources, the
LLM's text while it streams, the answer as plain text for copying, and an answer draft with its
sources and the passages grouped by meeting. Pure functions of the assistant's values, apart from
the Gradio wiring (`assistant/interfaces/web_ui.py`), so that they are tested without a server.

Sources are chips: a `<details>` element per citation (plain HTML, no JS, kept by Gradio's
sanitizer) whose summary names document type, committee, date and TOP and which opens to the
quoted passage with its file, page and paragraph. Document text is always escaped: it is never
markup. `CSS` styles the classes used here.
"""

import html

from assistant.answering.draft import Draft
from assistant.core.answers import Answer, Citation, Passage

QUOTE_CHARS = 1200
SUMMARY_CHARS = 110
EXCERPT_CHARS = 400
SEARCHING = "<div class='ca-pending'>Suche in den Ratsdokumenten …</div>"

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
    if answer.retrieved and applied.chosen:
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


def render_streaming(text: str) -> str:
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


def render_error(message: str) -> str:
    return f"<div class='ca-error'>{_e(message)}</div>"


def render_status(status: str) -> str:
    return f"<div class='ca-status'>{_e(status)}</div>"
