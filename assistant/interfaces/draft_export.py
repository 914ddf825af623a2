"""An answer draft (`assistant.answering.draft.Draft`) as the files staff take away: Markdown
(`council draft --out`, printed without options) and a Word document (`--docx`, the web chat's
download). Both hold the same sections in the same order: the inquiry, the draft, notes, the
sources with their quotes, and the passages grouped by meeting.
"""

import re
import tempfile
from pathlib import Path

from assistant.answering.draft import BLANK_LINE, Draft, shorten
from assistant.answering.passages import one_line
from assistant.core.answers import Passage

TITLE = "Antwortentwurf zur Anfrage"
DRAFT_HEADING = "Ergänzende Ausführungen der Verwaltung"
DISCLAIMER = (
    "Entwurf, automatisch aus den Dokumenten im Index erstellt. Bitte vor der Weitergabe prüfen "
    "und ergänzen; jede Aussage ist mit ihrer Quelle [n] belegt."
)
EXCERPT_CHARS = 300
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def draft_markdown(draft: Draft) -> str:
    out = [f"# {TITLE}", "", f"*{DISCLAIMER}*", "", "## Anfrage", ""]
    out += [f"> {line}".rstrip() for line in draft.inquiry.splitlines()]
    out += ["", f"## {DRAFT_HEADING}", ""]
    for paragraph in draft.paragraphs():
        out += [paragraph, ""]
    if draft.notes:
        out += ["## Hinweise", ""]
        out += [f"- {note}" for note in draft.notes]
        out.append("")
    out += ["## Quellen", ""]
    if not draft.citations:
        out += ["Keine.", ""]
    for c in draft.citations:
        out += [
            f"**[{c.n}]** `{c.source}` – {', '.join(c.location())}",
            "",
            f"> „{one_line(c.text)}“",
            "",
        ]
        out += [f"{note}  " for note in c.notes()]
        if c.notes():
            out.append("")
    out += ["## Fundstellen nach Sitzung", ""]
    if not draft.groups:
        out += ["Keine.", ""]
    for group in draft.groups:
        out += [f"### {group.label}", ""]
        out += [f"- {_finding(draft, p)}" for p in group.passages]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_docx(draft: Draft, path: Path) -> None:
    """The same content as `draft_markdown`, as a Word document staff can edit further."""
    import docx  # python-docx; only needed here

    document = docx.Document()
    document.add_heading(TITLE, level=0)
    document.add_paragraph().add_run(DISCLAIMER).italic = True
    document.add_heading("Anfrage", level=1)
    for block in BLANK_LINE.split(draft.inquiry):
        if block.strip():
            document.add_paragraph(_xml(block.strip()), style="Quote")
    document.add_heading(DRAFT_HEADING, level=1)
    for paragraph in draft.paragraphs():
        document.add_paragraph(_xml(paragraph))
    if draft.notes:
        document.add_heading("Hinweise", level=1)
        for note in draft.notes:
            document.add_paragraph(_xml(note), style="List Bullet")
    document.add_heading("Quellen", level=1)
    if not draft.citations:
        document.add_paragraph("Keine.")
    for c in draft.citations:
        line = document.add_paragraph()
        line.add_run(f"[{c.n}] ").bold = True
        line.add_run(_xml(f"{c.source} – {', '.join(c.location())}"))
        document.add_paragraph(_xml(f"„{one_line(c.text)}“"), style="Quote")
        for note in c.notes():
            document.add_paragraph(_xml(note))
    document.add_heading("Fundstellen nach Sitzung", level=1)
    if not draft.groups:
        document.add_paragraph("Keine.")
    for group in draft.groups:
        document.add_heading(_xml(group.label), level=2)
        for p in group.passages:
            document.add_paragraph(_xml(_finding(draft, p, code=False)), style="List Bullet")
    document.save(str(path))


def draft_files(draft: Draft, directory: Path) -> tuple[Path, Path]:
    """The draft as Markdown and DOCX in a fresh folder under `directory` (the web chat's downloads)."""
    folder = Path(tempfile.mkdtemp(prefix="entwurf-", dir=directory))
    md, docx = folder / "Antwortentwurf.md", folder / "Antwortentwurf.docx"
    md.write_text(draft_markdown(draft), encoding="utf-8")
    write_docx(draft, docx)
    return md, docx


def _finding(draft: Draft, p: Passage, code: bool = True) -> str:
    """One passage of the grouped list: where it stands, whether the draft cites it, an excerpt."""
    item = p.agenda_item.label() if p.agenda_item else p.subject
    where = [
        p.doc_type,
        shorten(item, 90) if item else None,
        f"Seite {p.page}" if p.page else None,
        f"ab Absatz {p.paragraph}" if p.paragraph else None,
    ]
    cited = draft.cited_as(p)
    source = f"`{p.source}`" if code else p.source
    head = ", ".join([source, *(x for x in where if x)])
    if cited:
        head += " (zitiert als " + ", ".join(f"[{n}]" for n in cited) + ")"
    text = one_line(p.text)
    excerpt = text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")
    return f"{head}: „{excerpt}“"


def _xml(text: str) -> str:
    """Word refuses control characters in its XML."""
    return _NOT_XML.sub("", text)
