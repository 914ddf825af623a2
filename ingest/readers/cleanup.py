"""Clean-up of extracted text: line ends, hyphenation, page numbers, running heads and feet,
paragraph gaps and the extraction artifacts of the corpus's PDFs and text exports. Every reader
passes its pages through here before the document is structured."""

import math
import re
from collections import Counter

from assistant.core.text import FUNCTION_WORDS, LIST_ITEM

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|Seite \d{1,4}(?: von \d{1,4})?|Page \d{1,4}(?: of \d{1,4})?)\s*$"
)
# A word broken at a line end: "Sat-\nzung". Not "Grund-\nund" (a German elision before a
# conjunction: "Grund- und Gewerbesteuer", "Bau- oder Planungsrecht"). Only the second half of
# the word moves up; the rest of its line stays where it was, so line lengths (which
# `mark_paragraphs` reads) do not change.
_HYPHEN_BREAK = re.compile(
    r"([a-zäöüß])-\n[ \t]*(?!(?:und|oder|bzw|sowie|als|bis|noch|wie|and|or)\b)([a-zäöüß]\S*)([ \t]+(?=\S))?"
)
# A compound hyphenated at its own hyphen: "Heinrich-\nKirchner-Schule", "Barrington-\nKing".
# The hyphen stays; only the line break goes.
_HYPHEN_BREAK_CAPITAL = re.compile(r"([A-Za-zÄÖÜäöüß]{2})-\n[ \t]*(?=[A-ZÄÖÜ][a-zäöüß])")
# Extraction artifacts of pypdf and of the extractor behind the Karlsruhe .txt files: a space
# inside a date or number ("15 .10 .2025", "1 .2"), inside a time before "Uhr" ("18:3 0 Uhr",
# "20 :30 Uhr"), before the hyphen of a proper-name compound ("Heinrich -Kirchner -Schule").
_SPACE_DOT_DIGIT = re.compile(r"(?<=\d) \.(?=\d)")
_SPLIT_TIME = re.compile(
    r"\b([01]?\d|2[0-3])(?: :|: ?)([0-5]) ?(\d)(?=\s*Uhr\b)|\b([01]?\d|2[0-3]) :([0-5]\d)\b"
)
_SPACE_HYPHEN_NAME = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]+) -(?=([A-ZÄÖÜ][a-zäöüß]+)\b)")
# Typographic ligatures, as letters: the Unicode ones ("ﬁ" → "fi"), and the "ff" that pdfium
# reads from some fonts as "Ư" between a letter and a lower-case one ("öƯentlichen", "OƯene").
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
_FF_AS_U_HORN = re.compile(r"(?<=[A-Za-zÄÖÜäöüß])\u01af(?=[a-zäöüß])")


def clean_text(text: str) -> str:
    """Normalise extracted text so paragraphs and sentences can be found.

    Line ends, soft hyphens and control characters are normalised; page-number lines ("– 2 –",
    "Seite 2 von 5") go, and where a sentence runs on across the page break the two halves are
    joined again; words hyphenated at a line end are joined ("Sat-\\nzung" → "Satzung", but
    "Haupt- und" stays); extraction artifacts in dates, times and compounds are repaired.

    >>> clean_text("Vorbera-\\ntung im Haupt- und\\n \\n– 2 –\\nFinanz-\\nund Bau")
    'Vorberatung\\nim Haupt- und\\nFinanz-\\nund Bau'
    >>> clean_text("Besprechung am:  15 .10 .2025  Beginn:  18:3 0 Uhr, Ende: 20 :30 Uhr")
    'Besprechung am:  15.10.2025  Beginn:  18:30 Uhr, Ende: 20:30 Uhr'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u00ad", "")
    text = _CONTROL_CHARS.sub("", text.replace("\f", "\n\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    lines = _drop_page_number_lines(lines)
    text = "\n".join(lines)
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    text = _HYPHEN_BREAK_CAPITAL.sub(r"\1-", text)
    text = repair_artifacts(text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def _join_hyphenated(m: re.Match[str]) -> str:
    """ "Sat-\\nzung der Stadt" → "Satzung\\nder Stadt"; "Bei-\\nrat." → "Beirat." """
    return m.group(1) + m.group(2) + ("\n" if m.group(3) else "")


def repair_artifacts(text: str) -> str:
    """Spaces that extractors put inside dates, times and name compounds, taken out again, and
    ligatures written out.

    >>> repair_artifacts("am 15 .10 .2025, Beginn: 18:3 0 Uhr, Ort: Heinrich -Kirchner -Schule")
    'am 15.10.2025, Beginn: 18:30 Uhr, Ort: Heinrich-Kirchner-Schule'
    >>> repair_artifacts("zu den öƯentlichen Sportanlagen, Ư-Turm, ﬁnanziert")
    'zu den öffentlichen Sportanlagen, Ư-Turm, finanziert'

    Left alone: "18.30 Uhr", "Haupt- und Finanzausschuss", "Kindergarten und -krippe", a dash
    before a sentence ("Rudeltplatzes -Der Stadtteilbeirat").
    """
    text = _FF_AS_U_HORN.sub("ff", text.translate(_LIGATURES))
    text = _SPACE_DOT_DIGIT.sub(".", text)
    text = _SPLIT_TIME.sub(_join_time, text)
    return _SPACE_HYPHEN_NAME.sub(_join_name, text)


def _join_time(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return f"{m.group(1)}:{m.group(2)}{m.group(3)}"
    return f"{m.group(4)}:{m.group(5)}"


def _join_name(m: re.Match[str]) -> str:
    """Join "Heinrich -Kirchner" to "Heinrich-Kirchner"; not when the right word is a function word
    ("Rudeltplatzes -Der Stadtteilbeirat": a dash that lost its line break)."""
    if m.group(2).lower() in FUNCTION_WORDS:
        return m.group(0)
    return f"{m.group(1)}-"


def _drop_page_number_lines(lines: list[str]) -> list[str]:
    """Page-number lines become blank lines, or vanish with the blank lines around them where a
    sentence runs on across the page break: a full-width line without a closing stop before it.

    "Nach § 1 Abs. 1 (full line)\\n\\n– 3 –\\nEingemeindungsvertrag gehen …" → one paragraph.
    """
    marks = [i for i, line in enumerate(lines) if _PAGE_NUMBER_LINE.match(line)]
    if not marks:
        return lines
    width = _line_width(lines)
    drop: set[int] = set()
    for i in marks:
        before = i - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        after = i + 1
        while after < len(lines) and not lines[after].strip():
            after += 1
        if before < 0 or after >= len(lines) or before in drop:
            continue
        previous = lines[before].rstrip()
        runs_on = not previous.endswith((".", ":", "!", "?", ";")) and len(previous) >= 0.7 * width
        if runs_on and not LIST_ITEM.match(lines[after]):
            drop.update(range(before + 1, after))
    return ["" if i in marks else line for i, line in enumerate(lines) if i not in drop]


def join_table_rows(text: str) -> str:
    """A single blank line between two tab-separated rows is dropped: one table, one paragraph.

    For text exports of office documents, where an empty table row becomes a blank line (the
    Mettmann member table). Not for PDFs: there a blank line is a real gap on the page.

    >>> join_table_rows("Funktion\\tBereich\\nAmt\\tAusländeramt /\\n\\nAmt 2\\tEinbürgerung\\n\\nText.")
    'Funktion\\tBereich\\nAmt\\tAusländeramt /\\nAmt 2\\tEinbürgerung\\n\\nText.'
    """
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if (
            not line.strip()
            and out
            and "\t" in out[-1]
            and i + 1 < len(lines)
            and "\t" in lines[i + 1]
            and lines[i + 1].strip()
        ):
            continue
        out.append(line)
    return "\n".join(out)


def _line_width(lines: list[str]) -> int:
    """The usual length of a full line: the 90th percentile of the line lengths."""
    lengths = sorted(len(line) for line in lines if line.strip())
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]


_RUNNING_WINDOW = 3  # lines at the top and at the bottom of a page that may be running heads
_RUNNING_SHARE = 0.8  # ... and the share of the other pages a line must repeat on


def strip_running_lines(pages: list[str]) -> list[str]:
    """Running headers and footers removed from the pages of one document.

    A line among the first or last three lines of a page is a running line when it repeats on
    as many pages as 80% of those after the first (three at least), compared case-insensitively
    with digits normalised. Digits that differ must count up with the page ("Erlangen schockt!
    15.10.2025 3", "12"): a question or item number ("Question 4", "(Item 5)") that does not
    step with the page stays. Even and odd pages of a gazette may have running heads of their
    own ("4 The City Record June 10, 1998" / "June 10, 1998 The City Record 5"): 80% of either
    suffice. A bare page number needs 40% of the pages, as slides leave it out here and there.
    The first page keeps a running line whose text never changes: there it is usually the title.

    >>> pages = ["Satzung über Beiräte\\n§ 1 Name", "Satzung über Beiräte\\n§ 2 Sitz\\n2",
    ...          "Satzung über Beiräte\\n§ 3 Wahl\\n3", "Satzung über Beiräte\\n§ 4 Amt\\n4"]
    >>> strip_running_lines(pages)
    ['Satzung über Beiräte\\n§ 1 Name', '§ 2 Sitz', '§ 3 Wahl', '§ 4 Amt']
    """
    n = len(pages)
    if n < 3:
        return pages
    page_lines = [page.split("\n") for page in pages]
    edge: dict[str, list[tuple[int, int, tuple[int, ...]]]] = {}  # in the top or bottom window
    inner: dict[str, list[tuple[int, int, tuple[int, ...]]]] = {}  # elsewhere on the page
    for p, lines in enumerate(page_lines):
        filled = [i for i, line in enumerate(lines) if line.strip()]
        window = {*filled[:_RUNNING_WINDOW], *filled[-_RUNNING_WINDOW:]}
        for i in filled:
            key = re.sub(r"\d+", "#", " ".join(lines[i].lower().split()))
            numbers = tuple(int(d) for d in re.findall(r"\d+", lines[i]))
            (edge if i in window else inner).setdefault(key, []).append((p, i, numbers))
    remove: set[tuple[int, int]] = set()
    for key, hits in edge.items():
        steady = _steady_hits(hits)
        changing = len({numbers for _, _, numbers in steady}) > 1
        if changing and key in inner:
            # A head with the page number in it is known by that number wherever the text
            # layer puts it (pdfium reads some gazette heads mid-page).
            steady = _steady_hits(hits + inner[key])
        if _is_running({p for p, _, _ in steady}, n, bare_number=changing and not key.strip("#-–—/|() ")):
            remove.update((p, i) for p, i, _ in steady if changing or p > 0)
    if not remove:
        return pages
    out = []
    for p, lines in enumerate(page_lines):
        kept = [line for i, line in enumerate(lines) if (p, i) not in remove]
        out.append(re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n"))
    return out


def _is_running(pages: set[int], n: int, bare_number: bool) -> bool:
    """On as many pages as 80% of those after the first (three at least), or on 80% of the even
    or of the odd pages after the first (gazettes set other heads on left and right pages); a
    bare page number on 40% (slides skip some)."""
    others = range(1, n)
    if len(pages) >= max(3, math.ceil(_RUNNING_SHARE * len(others))):
        return True
    for parity in (0, 1):
        group = {p for p in others if p % 2 == parity}
        if len(pages & group) >= max(3, math.ceil(_RUNNING_SHARE * len(group))):
            return True
    return bare_number and len(pages) >= max(3, math.ceil(0.4 * len(others)))


def _steady_hits(hits: list[tuple[int, int, tuple[int, ...]]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """The occurrences whose numbers are, at each position, either the same everywhere or the
    page index plus the most common offset (a page number)."""
    offsets: list[int | None] = []
    for position in range(len(hits[0][2])):
        values = [numbers[position] for _, _, numbers in hits]
        if len(set(values)) == 1:
            offsets.append(None)
        else:
            offsets.append(
                Counter(v - p for (p, _, _), v in zip(hits, values, strict=True)).most_common(1)[0][0]
            )
    return [
        (p, i, numbers)
        for p, i, numbers in hits
        if all(off is None or numbers[k] - p == off for k, off in enumerate(offsets))
    ]


def mark_paragraphs(text: str) -> str:
    r"""Blank lines between the paragraphs of PDF text, which pypdf runs together line by line.

    A line ends a paragraph when it ends a sentence and stops well short of the page's usual
    line width (the ragged last line of a paragraph), or when the next line starts a list item,
    a numbered clause "(2)" or a section "§ 6". Rows of a table (lines with tabs) stay together.

    >>> mark_paragraphs("§ 3 Sitz\n(1) Der Beirat hat neun Mitglieder, die der\nStadtrat beruft.\nEr tagt.")
    '§ 3 Sitz\n\n(1) Der Beirat hat neun Mitglieder, die der\nStadtrat beruft.\n\nEr tagt.'
    """
    lines = text.split("\n")
    width = _line_width(lines)
    if not width:
        return text
    out = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        out.append(line)
        if not line.strip() or not following.strip():
            continue
        if "\t" in line and "\t" in following:
            continue
        ends_short = line.rstrip().endswith((".", ":", "!", "?")) and len(line) < 0.8 * width
        if ends_short or LIST_ITEM.match(following):
            out.append("")
    return "\n".join(out)
