"""Agenda items (TOPs) of a document and the part of the text that belongs to each.

Councils print an item's heading in one of a few house styles; each is one `_Style` below:

    Karlsruhe   "Punkt 14 der Tagesordnung: Grundsteuerreform 2025 – Satzung …" (wraps)
    Mettmann    "Zu Punkt 10: Aktuelles aus dem Kreisintegrationszentrum (KI)"
    Erlangen    "TOP 1: Status unserer Anträge", "TOP 2 und 3: …", in 2021 also "1) Grün am …"
    Kent        "291.   Capital Programme 2025-35 …" (wraps) then "(Item 6)" on a line of its own
    Portland    "*42 Accept and appropriate a grant … (Ordinance)  (Y-5) 184349", items inline
    Cleveland   "Ord. No. 513-16." / "Res. No. 528-16 — Buddy Dotson." / "File No. 517-16."

A document uses one style: the style with the most headings wins, so a stray line in another
style ("TOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)" in a Karlsruhe result list) does not
open an item.

Agendas (Einladung, agenda front sheet) list their items as "1. Title" lines. No style
matches those on purpose: cut per item, an agenda would become one-line chunks without the
date and place that the page around them gives; kept whole, "was steht auf der Tagesordnung"
finds one chunk with all of it. Reports' numbered chapters ("1. Introduction") are likewise no
agenda items.
"""

import re
from dataclasses import dataclass

from assistant.core.documents import AgendaItem, Page, Section
from assistant.core.votes import find_decision, parse_vote

TITLE_CHARS = 200
# A sub-item heading ("Punkt 14.1 …") this close after its parent's heading is part of the
# parent's heading block, not an item of its own: Karlsruhe extracts list 14, 14.1, 14.2, 14.3
# and then give one Beschluss and one result list for all of them.
SUB_ITEM_GAP = 250


@dataclass(frozen=True)
class _Style:
    name: str
    pattern: re.Pattern[str]
    wraps: bool = False  # the title may continue on the next lines
    blocks: bool = False  # headings printed one under the other are one item treated jointly
    consecutive: bool = False  # numbers must run 1, 2, 3 … (for the weak "1) Title" style)
    fallback: bool = False  # used only where no other style finds a heading (Kent numbers paragraphs "1)")


@dataclass(frozen=True)
class _Heading:
    page_index: int
    start: int
    title_end: int
    item: AgendaItem


_NUMBER = r"\d{1,3}(?:\.\d{1,2})*"
_STYLES = [
    _Style(
        "punkt",
        re.compile(
            rf"^[ \t]*(?:(?:Sitzungseröffnung|Eröffnung)[ \t]+und[ \t]+)?"
            rf"(?:Punkt[ \t]+(?P<number>{_NUMBER})[ \t]+der[ \t]+Tagesordnung"
            rf"|Zu[ \t]+Punkt[ \t]+(?P<number2>{_NUMBER}))[ \t]*:[ \t]*(?P<title>.*)",
            re.M,
        ),
        wraps=True,
        blocks=True,
    ),
    _Style(
        "top",
        re.compile(
            r"^[ \t]*(?:TOP|Tagesordnungspunkt)[ \t]*"
            rf"(?P<number>{_NUMBER}(?:[ \t]*(?:und|u\.|,|&|/)[ \t]*{_NUMBER})*)"
            r"[ \t]*[:.)–-]?[ \t]*(?P<title>.*)",
            re.M,
        ),
    ),
    _Style(
        "kent",
        re.compile(
            r"^[ \t]*\d{1,4}\.[ \t]+(?P<title>\S[^\n]*(?:\n(?![ \t]*\(Item)[^\n]*){0,3})\n[ \t]*"
            rf"\(Item[ \t]+(?P<number>{_NUMBER})\)",
            re.M,
        ),
    ),
    _Style(
        "cleveland",
        re.compile(
            r"^[ \t]*(?P<kind>Ord|Res|File)\.[ \t]*No\.[ \t]*(?P<number>\d{1,5}-(?:\d{4}|\d{2}))\b"
            r"\.?[ \t]*(?:[—–-][ \t]*)?"
            r"(?P<title>[^\n]*)",
            re.M,
        ),
    ),
    _Style(
        "portland",
        re.compile(
            r"(?:^|(?<=\s))\*?(?:S-)?(?P<number>\d{2,4})[ \t]+(?P<title>[A-Z][a-z][^()]{3,500}?)\s+"
            r"\((?=(?:Ordinance|Report|Resolution|Communication|Emergency Ordinance"
            r"|Second Reading Agenda|Previous Agenda"
            r"|Non-Emergency Ordinance)\b)",
            re.M,
        ),
    ),
    _Style(
        "paren",
        re.compile(r"^[ \t]*(?P<number>\d{1,2})\)[ \t]+(?P<title>[A-ZÄÖÜ][^\n]*)", re.M),
        consecutive=True,
        fallback=True,
    ),
]
# Text after the last item that belongs to none: Portland's minutes end with "At 10:31 a.m.
# Council adjourned." and a closed-caption transcript of the whole meeting follows.
_END_OF_ITEMS = re.compile(r"\bAt \d{1,2}:\d{2} [ap]\.m\.,? Council adjourned\b")
# Fields under a wrapped heading that are not part of the title.
_TITLE_END = re.compile(
    r"^[ \t]*(?:Vorlage|Antrag|Änderungsantrag|Ergänzungsantrag|Anfrage|Beschluss|Abstimmungsergebnis"
    r"|Punkt|TOP"
    r"|\(Item)\b|^[^\n:]{0,40}\b(?:Antrag|Anfrage|Vorlage)[ \t]*:"
)
# A heading whose title is a result ("TOP 14.1 mehrheitliche Ablehnung") is a line of a result list.
_RESULT_TITLE = re.compile(
    r"(?i)^(?:Ziffer\b|einstimmig|mehrheitlich|vertagt|erledigt|keine Abstimmung|zustimmung)"
)


def agenda_sections(pages: list[Page]) -> list[Section]:
    """One Section per agenda item, in text order, plus one without item for text before the
    first item (and, where the minutes mark their end, after the last). Each section carries
    the decision and vote its text states. Empty where the document has no item headings.

    Worked example: a Karlsruhe Niederschrift-Auszug prints a head (body, date, chair), then
    "Punkt 14 der Tagesordnung: Grundsteuerreform …", its sub-items 14.1–14.3, the Beschluss and
    the result list. That is two sections: the head (item None), and TOP 14 with decision "Der
    Gemeinderat nimmt von den Ausführungen Kenntnis und beschließt …" and vote approved
    (25 Ja, 22 Nein).
    """
    headings = _headings(pages)
    if not headings:
        return []
    bounds: list[tuple[int, int, AgendaItem | None]] = []
    first = headings[0]
    if (
        any(p.text.strip() for p in pages[: first.page_index])
        or pages[first.page_index].text[: first.start].strip()
    ):
        bounds.append((0, 0, None))
    bounds += [(h.page_index, h.start, h.item) for h in headings]
    end = _end_of_items(pages, headings[-1])
    if end:
        bounds.append((*end, None))
    sections = []
    for i, (page_index, start, item) in enumerate(bounds):
        following = bounds[i + 1][:2] if i + 1 < len(bounds) else (len(pages), 0)
        text = _text_between(pages, (page_index, start), following)
        has_item = item is not None
        sections.append(
            Section(
                page_index,
                start,
                item,
                decision=find_decision(text) if has_item else None,
                vote=parse_vote(text) if has_item else None,
            )
        )
    return sections


def section_text(pages: list[Page], sections: list[Section], index: int) -> str:
    """The text of `sections[index]`, pages joined by a blank line."""
    s = sections[index]
    following = (
        (sections[index + 1].page_index, sections[index + 1].start)
        if index + 1 < len(sections)
        else (len(pages), 0)
    )
    return _text_between(pages, (s.page_index, s.start), following)


def _text_between(pages: list[Page], start: tuple[int, int], end: tuple[int, int]) -> str:
    parts = []
    for i in range(start[0], min(end[0], len(pages) - 1) + 1):
        text = pages[i].text
        a = start[1] if i == start[0] else 0
        b = end[1] if i == end[0] else len(text)
        parts.append(text[a:b])
    return "\n\n".join(parts)


def _headings(pages: list[Page]) -> list[_Heading]:
    best: list[_Heading] = []
    for style in _STYLES:
        found = [h for i, page in enumerate(pages) for h in _find(style, i, page.text)]
        if style.consecutive:
            found = _consecutive(found)
        found = _fold_sub_items(found, pages, style.blocks)
        if len(found) > len(best) and not (style.fallback and best):
            best = found
    return best


def _find(style: _Style, page_index: int, text: str) -> list[_Heading]:
    out = []
    for m in style.pattern.finditer(text):
        number = re.sub(r"\s+", " ", m.group("number") or m.groupdict().get("number2") or "")
        title, title_end = m.group("title").strip(), m.end()
        if _RESULT_TITLE.match(title):
            continue
        if style.wraps:
            title, title_end = _wrapped_title(text, m)
        if style.name == "cleveland" and len(re.findall(r"[^\W\d_]", title)) < 3:
            title = _cleveland_title(text[m.end() : m.end() + 600])
        title = re.sub(r"\s+", " ", title).strip(" .-–—:")
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        out.append(_Heading(page_index, start, title_end, AgendaItem(number, title[:TITLE_CHARS])))
    return out


def _wrapped_title(text: str, m: re.Match[str]) -> tuple[str, int]:
    """A heading's title with its continuation lines, up to a blank line or the next field."""
    lines = [m.group("title")]
    end = m.end()
    for line in text[m.end() :].split("\n")[1:4]:
        if not line.strip() or _TITLE_END.match(line):
            break
        lines.append(line)
        end += 1 + len(line)
    return " ".join(x.strip() for x in lines), end


def _cleveland_title(after: str) -> str:
    """Cleveland headings stand alone; the title is the first sentence after the sponsor line.
    "Ord. No. 513-16.\\nBy Council Member Keane.\\nAn emergency ordinance consenting …" → "An
    emergency ordinance consenting …"."""
    body = re.sub(r"\s+", " ", after).strip()
    body = re.sub(r"^By (?:Council Members?|Councilm[ae]n|Councilwoman|Mayor)\b.*?\.\s+(?=[A-Z])", "", body)
    return body[:TITLE_CHARS]


def _consecutive(found: list[_Heading]) -> list[_Heading]:
    """The run 1, 2, 3 … of a weak numbering style; anything else is an ordinary numbered list."""
    out: list[_Heading] = []
    for h in found:
        if h.item.number == str(len(out) + 1):
            out.append(h)
    return out if len(out) >= 2 else []


def _fold_sub_items(found: list[_Heading], pages: list[Page], blocks: bool) -> list[_Heading]:
    """Headings printed right under the previous one belong to it. A sub-item ("14.1" under
    "14") disappears into its parent; in a block style, other items treated jointly join its
    number: Karlsruhe "Punkt 11 …" directly followed by "Punkt 23 …" is one item "11, 23"."""
    out: list[_Heading] = []
    previous: _Heading | None = None  # the heading just before, folded or not
    for h in found:
        if out and previous:
            gap = _text_between(pages, (previous.page_index, previous.title_end), (h.page_index, h.start))
            close = len(gap.strip()) < SUB_ITEM_GAP
            parent = out[-1]
            numbers = parent.item.number.split(", ")
            if close and any(h.item.number.startswith(n + ".") for n in numbers):
                previous = h
                continue
            if close and blocks:
                item = AgendaItem(f"{parent.item.number}, {h.item.number}", parent.item.title)
                out[-1] = _Heading(parent.page_index, parent.start, parent.title_end, item)
                previous = h
                continue
        out.append(h)
        previous = h
    return out


def _end_of_items(pages: list[Page], last: _Heading) -> tuple[int, int] | None:
    for i in range(last.page_index, len(pages)):
        m = _END_OF_ITEMS.search(pages[i].text, last.start if i == last.page_index else 0)
        if m:
            return i, m.start()
    return None
