"""One reader per format: a file becomes pages of cleaned text, or a `ReadError` that says why not.

Every reason is one German line a council clerk can act on ("verschlüsseltes PDF (Passwort
nötig)", "keine Textebene (…); für OCR tesseract-ocr installieren (make ocr)"), a noun phrase that
reads both in the ingest report and after "Die Datei … kann nicht gelesen werden:"; the pipeline
reports it and goes on with the other files.

PDFs: text layer by pdfium with its layout (`ingest.readers.pdf`) → `clean_text` per page → running
heads and feet removed across the pages → OCR for image-only pages (`ingest.readers.ocr`) →
`mark_paragraphs`. The 111 corpus PDFs read in about 3.5 s without OCR (pypdf: 20 s).
"""

import logging
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from assistant.core.documents import Page
from ingest.readers.cleanup import clean_text, join_table_rows, mark_paragraphs, strip_running_lines
from ingest.readers.ocr import MAX_PIXELS, OcrError, OcrOptions, ocr_png, tesseract_path
from ingest.readers.pdf import PdfOpenError, read_pdf_pages, render_page_png

# Fewer letters and digits than this in a whole document means nothing readable came out of it.
MIN_DOCUMENT_CHARS = 40
# The start of the reason for a PDF without text (`council draft` gives its own fix after it).
NO_TEXT_LAYER = "keine Textebene (gescanntes oder Bild-PDF)"

logger = logging.getLogger(__name__)


class ReadError(Exception):
    """A file that cannot be ingested; `reason` is the one-line explanation for the report."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_pages(path: Path, max_bytes: int, ocr: OcrOptions | None = None) -> tuple[list[Page], list[str]]:
    """Pages of `path` and warnings about parts that could not be read (e.g. one broken page).

    `ocr` says how PDF pages without a text layer are read; the ingest passes
    `OcrOptions.from_settings(settings.ingest)` (Tesseract, German and English, on by default).
    Without it no OCR runs, and such pages get a warning each."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(
            path,
            f"Datei zu groß ({size / 2**20:.0f} MB, Grenze {max_bytes / 2**20:.0f} MB; "
            "anheben mit COUNCIL_INGEST__MAX_FILE_MB)",
        )
    if size == 0:
        raise ReadError(path, "leere Datei (0 Bytes)")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(path, unsupported(path.suffix))
    pages, warnings = reader.read(path, ocr or OcrOptions(enabled=False))
    if _alnum("".join(p.text for p in pages), MIN_DOCUMENT_CHARS) < MIN_DOCUMENT_CHARS:
        raise ReadError(path, "kein Text in der Datei")
    return pages, warnings


def unsupported(suffix: str) -> str:
    """The reason for a file no reader reads: "Dateityp .xlsx wird nicht gelesen (nur .txt, …)"."""
    return f"Dateityp {suffix or '(ohne Endung)'} wird nicht gelesen (nur {', '.join(READERS)})"


def cannot_read(exc: OSError) -> str:
    """The reason for a file the system refuses to open."""
    return f"Datei nicht lesbar ({exc.strerror or exc})"


def decode_text(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252,
    which is what German office software writes and which covers Latin-1's letters.
    Bytes that are no text at all (NUL bytes, many control characters) are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise ReadError(path, "Binärdaten statt Text (falsche Dateiendung?)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Inline markup that text exports of office documents leave behind ("<i>Schulamt</i>").
_INLINE_TAGS = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|span|font)(?:\s[^<>]*)?>", re.I)


def _read_text(path: Path, _: OcrOptions) -> tuple[list[Page], list[str]]:
    text = _INLINE_TAGS.sub("", decode_text(path.read_bytes(), path))
    return [Page(None, join_table_rows(clean_text(text)))], []


_BLOCK_TAGS = [
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
]


def _read_html(path: Path, _: OcrOptions) -> tuple[list[Page], list[str]]:
    """Visible text of an HTML page with block elements on lines of their own. Inline elements
    are joined without a separator, so pdf2htmlEX output (one span per few letters) reads as words."""
    soup = BeautifulSoup(decode_text(path.read_bytes(), path), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after("\t")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_after("\n")
    return [Page(None, join_table_rows(clean_text(soup.get_text(""))))], []


def _read_pdf(path: Path, ocr: OcrOptions) -> tuple[list[Page], list[str]]:
    """Text layer of every page (pdfium, pypdf as fallback), running headers and footers
    removed, paragraphs marked; pages without a text layer read by OCR where it is available."""
    try:
        raw = read_pdf_pages(path)
    except PdfOpenError as exc:
        if exc.encrypted:
            raise ReadError(
                path, "verschlüsseltes PDF (Passwort nötig); ohne Passwortschutz neu speichern"
            ) from exc
        raise ReadError(
            path, f"beschädigt oder kein PDF ({_short(exc)}); neu herunterladen oder neu exportieren"
        ) from exc
    if not raw:
        raise ReadError(path, "PDF ohne Seiten")
    warnings = [f"Seite {p.number} unlesbar ({p.error[:120]})" for p in raw if p.error]
    texts = strip_running_lines([clean_text(p.text) for p in raw])
    wanted = [
        p.number
        for p, text in zip(raw, texts, strict=True)
        if p.image_share and ocr.wants(_alnum(text, ocr.min_chars), p.image_share)
    ]
    ocr_texts, ocr_warnings = _ocr_pages(path, wanted, texts, ocr)
    warnings += ocr_warnings
    pages, empty = [], []
    for page, text in zip(raw, texts, strict=True):
        text = mark_paragraphs(ocr_texts.get(page.number, text))
        if not text.strip() and page.number not in wanted:
            empty.append(page.number)
        pages.append(Page(page.number, text))
    if _alnum("".join(p.text for p in pages), MIN_DOCUMENT_CHARS) < MIN_DOCUMENT_CHARS:
        if wanted and tesseract_path(ocr) is not None:
            raise ReadError(path, f"{NO_TEXT_LAYER}, und OCR fand keinen Text")
        raise ReadError(path, f"{NO_TEXT_LAYER}; {_no_ocr_hint(ocr)}")
    if empty:
        warnings.append(f"kein Text auf Seite(n) {_ranges(empty)}")
    return pages, warnings


@dataclass(frozen=True)
class Reader:
    read: Callable[[Path, OcrOptions], tuple[list[Page], list[str]]]
    plain_text: bool = False  # text as typed, no layout to read (an inquiry is taken as it is)
    reads_images: bool = False  # pages without text are read by OCR where Tesseract is installed


# The file formats, by suffix: the one table that the ingest, `council draft` and the web chat's
# inquiry upload read.
READERS: dict[str, Reader] = {
    ".txt": Reader(_read_text, plain_text=True),
    ".md": Reader(_read_text, plain_text=True),
    ".pdf": Reader(_read_pdf, reads_images=True),
    ".html": Reader(_read_html),
    ".htm": Reader(_read_html),
}
SUPPORTED_SUFFIXES = tuple(READERS)
OCR_SUFFIXES = tuple(suffix for suffix, reader in READERS.items() if reader.reads_images)


def _ocr_pages(
    path: Path, wanted: list[int], texts: list[str], ocr: OcrOptions
) -> tuple[dict[int, str], list[str]]:
    """OCR text of the `wanted` pages (by page number), and one warning per such page."""
    if not wanted:
        return {}, []
    if tesseract_path(ocr) is None:
        hint = _no_ocr_hint(ocr)
        return {}, [f"Seite {n} ohne Textebene; {hint}" for n in wanted]
    started = time.perf_counter()
    images: dict[int, bytes] = {}
    warnings = []
    for number in wanted:  # pdfium is not thread-safe: render here, run tesseract in parallel
        try:
            images[number] = render_page_png(path, number, ocr.dpi, MAX_PIXELS)
        except Exception as exc:
            warnings.append(f"Seite {number}: OCR fehlgeschlagen (Seite nicht darstellbar: {_short(exc)})")
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        results = dict(
            zip(images, pool.map(lambda png: _ocr_or_error(png, ocr), images.values()), strict=True)
        )
    out: dict[int, str] = {}
    for number, result in results.items():
        if isinstance(result, OcrError):
            warnings.append(f"Seite {number}: OCR fehlgeschlagen ({result.reason})")
        elif _alnum(result) > _alnum(texts[number - 1]):
            out[number] = result
            warnings.append(f"Seite {number}: Text per OCR erkannt")
        else:
            warnings.append(f"Seite {number}: keine Textebene, und OCR fand keinen Text")
    logger.info("OCR of %s: %d page(s) in %.1f s", path.name, len(wanted), time.perf_counter() - started)
    return out, sorted(warnings, key=_page_of)


def _ocr_or_error(png: bytes, ocr: OcrOptions) -> str | OcrError:
    try:
        return clean_text(ocr_png(png, ocr))
    except OcrError as exc:
        return exc


def _page_of(warning: str) -> int:
    return int(re.search(r"\d+", warning).group(0))  # type: ignore[union-attr]


def _no_ocr_hint(ocr: OcrOptions) -> str:
    if not ocr.enabled:
        return "OCR ist ausgeschaltet (einschalten: COUNCIL_INGEST__OCR=true)"
    return "für OCR tesseract-ocr installieren (make ocr)"


def _alnum(text: str, limit: int | None = None) -> int:
    """Letters and digits in `text`, counted up to `limit` (a page of minutes has thousands)."""
    if limit is None:
        return sum(map(str.isalnum, text))
    count = 0
    for ch in text:
        if ch.isalnum():
            count += 1
            if count >= limit:
                break
    return count


def _short(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120] or type(exc).__name__


def _ranges(numbers: list[int]) -> str:
    """Compact page list: [1, 2, 3, 7] → "1-3, 7"."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
