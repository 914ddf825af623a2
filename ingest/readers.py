"""One reader per format: a file becomes pages of cleaned text, or a `ReadError` that says why not.

Every reason is one line a council clerk can act on ("verschlüsselt", "kein Textlayer"); the
pipeline reports it and goes on with the other files.
"""

import logging
import re
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from assistant.text import clean_text, mark_paragraphs
from ingest.model import Page

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".html", ".htm")
# Fewer letters and digits than this in a whole document means nothing readable came out of it.
MIN_DOCUMENT_CHARS = 40

logging.getLogger("pypdf").setLevel(logging.ERROR)


class ReadError(Exception):
    """A file that cannot be ingested; `reason` is the one-line explanation for the report."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_pages(path: Path, max_bytes: int) -> tuple[list[Page], list[str]]:
    """Pages of `path` and warnings about parts that could not be read (e.g. one broken page)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(path, f"file too large ({size / 2**20:.0f} MB, limit {max_bytes / 2**20:.0f} MB)")
    if size == 0:
        raise ReadError(path, "empty file (0 bytes)")
    readers: dict[str, Callable[[Path], tuple[list[Page], list[str]]]] = {
        ".pdf": _read_pdf,
        ".html": _read_html,
        ".htm": _read_html,
        ".txt": _read_text,
        ".md": _read_text,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ReadError(path, f"unsupported file type {path.suffix or '(none)'}")
    pages, warnings = reader(path)
    if sum(ch.isalnum() for p in pages for ch in p.text) < MIN_DOCUMENT_CHARS:
        if path.suffix.lower() == ".pdf":
            raise ReadError(path, "no text layer (image-only or scanned PDF); OCR is not available")
        raise ReadError(path, "no text in file")
    return pages, warnings


def decode_text(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252,
    which is what German office software writes and which covers Latin-1's letters.
    Bytes that are no text at all (NUL bytes, many control characters) are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise ReadError(path, "binary data, not text (wrong file extension?)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Inline markup that text exports of office documents leave behind ("<i>Schulamt</i>").
_INLINE_TAGS = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|span|font)(?:\s[^<>]*)?>", re.I)


def _read_text(path: Path) -> tuple[list[Page], list[str]]:
    text = _INLINE_TAGS.sub("", decode_text(path.read_bytes(), path))
    return [Page(None, clean_text(text))], []


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


def _read_html(path: Path) -> tuple[list[Page], list[str]]:
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
    return [Page(None, clean_text(soup.get_text("")))], []


def _read_pdf(path: Path) -> tuple[list[Page], list[str]]:
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(path, "encrypted PDF (password required)")
        n_pages = len(reader.pages)
    except ReadError:
        raise
    except FileNotDecryptedError as exc:
        raise ReadError(path, "encrypted PDF (password required)") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ReadError(path, f"corrupt or not a PDF ({_short(exc)})") from exc
    if n_pages == 0:
        raise ReadError(path, "PDF has no pages")
    pages, warnings, empty = [], [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many types on broken content streams
            warnings.append(f"page {number} unreadable ({_short(exc)})")
            text = ""
        text = mark_paragraphs(clean_text(text))
        if not text.strip():
            empty.append(number)
        pages.append(Page(number, text))
    if empty and len(empty) < n_pages:
        warnings.append(f"no text on page(s) {_ranges(empty)} (images only?)")
    return pages, warnings


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
