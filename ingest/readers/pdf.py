"""The text layer of a PDF, page by page, with the layout that a reader sees.

pdfium (pypdfium2) reads the characters; this module puts back what plain extraction loses:

* a blank line where the vertical gap between two lines is clearly wider than the page's usual
  line pitch (a paragraph break; pdfium itself emits none);
* a tab where two words on one line stand far apart (table cells, "Beginn: 18:30 Uhr" beside
  "Besprechung am: 15.10.2025" in a letterhead);
* a space or line break between two characters that pdfium glued together although they stand
  apart on the page ("AngelegenheitenEmpfehlungen", "derGemeindesatzung");
* the hyphen and the line break of a word hyphenated at a line end, which pdfium reports as one
  marker character ("Barrington\\ufffeKing" → "Barrington-\\nKing"); `clean_text` joins it.

Measured over the 111 corpus PDFs (eval/pdf_extractors.py): pdfium reads them in about 1 s,
pypdf in 12 s, and pdfium has none of pypdf's "15 .10 .2025" / "18:3 0 Uhr" splits. pypdf stays
as the fallback for a file pdfium cannot open.
"""

import ctypes
import itertools
import logging
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

logging.getLogger("pypdf").setLevel(logging.ERROR)

# pdfium's marker for a hyphen at a line end (get_text_range: U+FFFE, get_text_bounded: U+0002).
_HYPHEN_MARKS = ("\ufffe", "\x02")
# A line is a new paragraph when its distance to the previous line exceeds this many times the
# page's median line pitch (1.5-spaced minutes: pitch 21 pt in a paragraph, 40 pt between).
_PARAGRAPH_PITCH = 1.4
# Two words on one line are separate cells when the gap between them is wider than this many
# line heights, or wider than `_WIDE_GAP` line heights and three times the line's usual gap.
_CELL_GAP = 2.5
_WIDE_GAP = 1.2
# Two glued characters are separate words when they stand this many line heights apart.
_WORD_GAP = 0.12


class PdfOpenError(Exception):
    """The PDF cannot be opened; `encrypted` says whether a password is the reason."""

    def __init__(self, reason: str, encrypted: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.encrypted = encrypted


# Pages with fewer letters and digits than this get their image area measured (OCR candidates).
_IMAGE_CHECK_BELOW = 1000


def _fewer_letters(text: str, limit: int) -> bool:
    count = 0
    for ch in text:
        if ch.isalnum():
            count += 1
            if count >= limit:
                return False
    return True


@dataclass(frozen=True)
class PdfPage:
    """One page's text layer (layout restored, not yet cleaned) and what OCR needs to decide."""

    number: int
    text: str
    image_share: float  # share of the page covered by images; 0 on pages with 1000+ letters
    error: str = ""  # why the text layer could not be read, if it could not


def read_pdf_pages(path: Path) -> list[PdfPage]:
    """Pages of `path` via pdfium, or via pypdf when pypdfium2 is missing or cannot open the file
    (pypdf then also tells an encrypted file from a corrupt one).

    Raises `PdfOpenError` when neither can open it.
    """
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return _read_with_pypdf(path)
    try:
        return _read_with_pdfium(path)
    except PdfOpenError:
        return _read_with_pypdf(path)


def render_page_png(path: Path, number: int, dpi: int, max_pixels: int) -> bytes:
    """Page `number` (1-based) as a greyscale PNG at `dpi`, scaled down to at most `max_pixels`
    (a 1:5000 plan on A0 would otherwise be a 100-megapixel image)."""
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        page = doc[number - 1]
        width, height = page.get_width(), page.get_height()
        scale = dpi / 72
        pixels = width * scale * height * scale
        if pixels > max_pixels:
            scale *= (max_pixels / pixels) ** 0.5
        image = page.render(scale=scale, grayscale=True).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        doc.close()


def _read_with_pdfium(path: Path) -> list[PdfPage]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        # pdfium's error code is a global that a failed open does not always reset (a zero-page
        # file after an encrypted one reads "Incorrect password"): pypdf says why instead.
        raise PdfOpenError(str(exc)) from exc
    try:
        pages = []
        for index in range(len(doc)):
            number = index + 1
            try:
                page = doc[index]
                textpage = page.get_textpage()
                text = _page_text(textpage)
                # Walking the page objects is slow on vector plans; only near-empty pages need it.
                share = _image_share(page) if _fewer_letters(text, _IMAGE_CHECK_BELOW) else 0.0
            except pdfium.PdfiumError as exc:
                pages.append(PdfPage(number, "", 0.0, str(exc) or "pdfium error"))
                continue
            pages.append(PdfPage(number, text, share))
        return pages
    finally:
        doc.close()


def _read_with_pypdf(path: Path) -> list[PdfPage]:
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfOpenError("encrypted PDF (password required)", encrypted=True)
        raw_pages = list(reader.pages)
    except PdfOpenError:
        raise
    except FileNotDecryptedError as exc:
        raise PdfOpenError("encrypted PDF (password required)", encrypted=True) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise PdfOpenError(str(exc) or type(exc).__name__) from exc
    pages = []
    for number, page in enumerate(raw_pages, start=1):
        try:
            pages.append(PdfPage(number, page.extract_text() or "", _pypdf_image_share(page)))
        except Exception as exc:  # pypdf raises many types on broken content streams
            pages.append(PdfPage(number, "", 0.0, str(exc) or type(exc).__name__))
    return pages


def _pypdf_image_share(page: object) -> float:
    """pypdf knows no image geometry: a page with any image counts as covered."""
    try:
        return 1.0 if page.images else 0.0  # type: ignore[attr-defined]
    except Exception:
        return 0.0


def _image_share(page: object) -> float:
    """Share of the page covered by image objects (capped at 1; overlapping images add up)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    assert isinstance(page, pdfium.PdfPage)
    width, height = page.get_width(), page.get_height()
    if width <= 0 or height <= 0:
        return 0.0
    area = 0.0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return min(1.0, area / (width * height))


@dataclass
class _Line:
    start: int  # index of the first character in the page's character list
    end: int  # index after the last character (before the line break)
    hyphen: bool  # the line ends in a hyphen that pdfium marked (word broken at the line end)
    bottom: float | None = None  # loose box of the first letter or digit; None: no such char
    top: float | None = None


def _page_text(textpage: object) -> str:
    """The text of one page with paragraph breaks, cell gaps and glued words repaired.

    Works on pdfium's character list, whose indices equal the positions in `get_text_range()`
    on every corpus page; where they do not, the plain text is returned with markers resolved.
    """
    import pypdfium2 as pdfium

    assert isinstance(textpage, pdfium.PdfTextPage)
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():
        for mark in _HYPHEN_MARKS:
            text = text.replace(mark, "-\n")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _lines(text)
    for line in lines:
        first = next((i for i in range(line.start, line.end) if text[i].isalnum()), None)
        if first is not None:
            _left, line.bottom, _right, line.top = textpage.get_charbox(first, loose=True)
    pitch = _median_pitch(lines)
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        if line.bottom is not None and line.top is not None:
            if previous is not None and _starts_paragraph(previous, line, pitch):
                out.append("\n")
            previous = line
        out.append(_line_text(textpage, text, line))
        out.append("-\n" if line.hyphen else "\n")
    return "".join(out)


def _lines(text: str) -> list[_Line]:
    """Lines of pdfium's text: ended by CR LF (or a lone CR / LF) or by a hyphen marker."""
    lines = []
    start = 0
    for m in _LINE_END.finditer(text):
        lines.append(_Line(start, m.start(), m.group(0) in _HYPHEN_MARKS))
        start = m.end()
    lines.append(_Line(start, len(text), False))
    return lines


_LINE_END = re.compile("\r\n|[\r\n" + "".join(_HYPHEN_MARKS) + "]")


def _median_pitch(lines: list[_Line]) -> float:
    bottoms = [line.bottom for line in lines if line.bottom is not None]
    pitches = [a - b for a, b in itertools.pairwise(bottoms) if a - b > 0]
    return statistics.median(pitches) if pitches else 0.0


def _starts_paragraph(previous: _Line, line: _Line, pitch: float) -> bool:
    """A wide vertical gap, or a jump upwards (the next column or text box), starts a paragraph."""
    assert previous.bottom is not None and line.bottom is not None and line.top is not None
    height = line.top - line.bottom
    step = previous.bottom - line.bottom
    return step < -height or step > _PARAGRAPH_PITCH * pitch or step > 2.2 * height


def _line_text(textpage: object, text: str, line: _Line) -> str:
    """The characters of one line; cell gaps at spaces become tabs, glued words get their space.

    "Besprechung am: 15.10.2025 <gap> Beginn: 18:30 Uhr" → "…am:\t15.10.2025\tBeginn:\t18:30 Uhr".
    """
    segment = text[line.start : line.end]
    if line.bottom is None or line.top is None or len(segment) < 3:
        return segment
    height = line.top - line.bottom
    gaps = {
        m.start(): _gap(textpage, line.start + m.start() - 1, line.start + m.start() + 1)
        for m in _WORD_SPACE.finditer(segment)
    }
    known = sorted(g for g in gaps.values() if g is not None)
    typical = known[len(known) // 2] if known else 0.0
    edits: dict[int, str] = {}
    for offset, gap in gaps.items():
        if gap is None or not _is_cell_gap(gap, height, typical):
            continue
        # A bullet or clause number before its indented text ("-", "(1)", "§ 1") is no cell.
        if sum(c.isalpha() for c in segment[:offset]) >= 2:
            edits[offset] = "\t"
    for m in _GLUE_CANDIDATE.finditer(segment):
        offset = m.start() + 1
        separator = _separator(textpage, line.start + offset - 1, line.start + offset, height)
        if separator:
            edits[offset] = separator + segment[offset]
    if not edits:
        return segment
    return "".join(edits.get(i, ch) for i, ch in enumerate(segment))


# A single space between two non-spaces: where a cell gap may hide.
_WORD_SPACE = re.compile(r"(?<=\S) (?=\S)")
# Pairs that are rarely inside one word: "nE" (camel case), ".D", ",a".
_GLUE_CANDIDATE = re.compile(r"(?=[a-zäöüßà-ÿ][A-ZÄÖÜÀ-Þ]|[.,;:!?)][^\W\d_])")


def _is_cell_gap(gap: float, height: float, typical: float) -> bool:
    """Wide against the font (2.5 line heights), or wide against the font and three times the
    line's usual word gap. Justified narrow columns (the Cleveland City Record) have word gaps
    of 1.2 line heights, but all of them alike."""
    return gap > _CELL_GAP * height or (gap > _WIDE_GAP * height and gap > 3 * typical)


def _gap(textpage: object, left_index: int, right_index: int) -> float | None:
    """Horizontal distance between two characters on one line; None if they are not."""
    _l1, b1, r1, t1 = _charbox(textpage, left_index)
    l2, b2, _r2, t2 = _charbox(textpage, right_index)
    if r1 == l2 == 0 or t2 < b1 or b2 > t1:  # a generated char without a box, or another line
        return None
    return l2 - r1


_BOX = tuple(ctypes.c_double() for _ in range(4))


def _charbox(textpage: object, index: int) -> tuple[float, float, float, float]:
    """Tight box (left, bottom, right, top) of a character; zeros where pdfium has none.

    The raw call with reused doubles: this runs for every space of the corpus (250,000)."""
    import pypdfium2.raw as raw

    left, right, bottom, top = _BOX
    if not raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
        return 0.0, 0.0, 0.0, 0.0
    return left.value, bottom.value, right.value, top.value


def _separator(textpage: object, left_index: int, right_index: int, height: float) -> str:
    """'' for characters that touch, ' ' for a gap, '\\n' when the second one is on a lower line."""
    l1, b1, r1, t1 = _charbox(textpage, left_index)
    l2, b2, _r2, t2 = _charbox(textpage, right_index)
    if t2 < b1 and l2 < l1:  # below and back to the left: a line break pdfium did not report
        return "\n"
    if t2 >= b1 and b2 <= t1 and l2 - r1 > _WORD_GAP * height:
        return " "
    return ""
