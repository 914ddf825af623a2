"""An inquiry (Anfrage) read from a file for `council draft` and the web chat's upload: .txt/.md as
UTF-8, .pdf and .html as ingest reads them."""

import math
import re
from pathlib import Path

from assistant.answering.draft import MAX_INQUIRY_CHARS, InquiryError
from ingest.readers import NO_TEXT_LAYER, READERS, SUPPORTED_SUFFIXES, ReadError, read_pages

MAX_FILE_BYTES = 20 * 2**20
INQUIRY_SUFFIXES = SUPPORTED_SUFFIXES  # what the ingest reads, an inquiry may be


def read_inquiry(path: Path, *, max_bytes: int = MAX_FILE_BYTES, shown_as: str | None = None) -> str:
    """The text of an inquiry file: .txt/.md as UTF-8, .pdf and .html as ingest reads them.
    Raises `InquiryError` with one German line saying what is wrong and what to do. Messages name
    the file `shown_as` where given (an upload's name as the user knows it, not the server's
    path), else by its name."""
    name = shown_as or path.name
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:  # first: a file of the wrong type is not even looked at
        *most, last = INQUIRY_SUFFIXES
        raise InquiryError(
            f"Der Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt; möglich sind "
            f"{', '.join(most)} und {last}."
        )
    if not path.is_file():
        raise InquiryError(f"Die Datei {shown_as or path} gibt es nicht.")
    size = path.stat().st_size
    if size == 0:
        raise InquiryError(f"Die Datei {name} ist leer.")
    if size > max_bytes:
        raise InquiryError(
            f"Die Datei {name} ist für eine Anfrage zu groß ({megabytes(size)}, höchstens "
            f"{megabytes(max_bytes)})."
        )
    if reader.plain_text:
        text = _decode(path.read_bytes(), name)
    else:
        try:
            pages, _ = read_pages(path, max_bytes)
        except ReadError as exc:
            # No OCR here (an inquiry is read at once): the fix for a scan is its text as a file.
            reason = exc.reason
            if reason.startswith(NO_TEXT_LAYER):
                reason = f"{NO_TEXT_LAYER}; bitte den Text als .txt speichern"
            raise InquiryError(f"Die Datei {name} kann nicht gelesen werden: {reason}.") from None
        text = "\n\n".join(p.text for p in pages)
    text = text.strip()
    if not re.search(r"\w", text):
        raise InquiryError(f"Die Datei {name} enthält keinen Text.")
    if len(text) > MAX_INQUIRY_CHARS:
        raise InquiryError(
            f"Die Anfrage in {name} ist zu lang ({len(text)} Zeichen, höchstens {MAX_INQUIRY_CHARS}). "
            "Bitte speichern Sie nur den Text der Anfrage."
        )
    return text


def megabytes(size: int) -> str:
    """A file size as a German reads it, rounded up (a file just over a limit never reads as the
    limit itself).

    >>> megabytes(10 * 2**20), megabytes(10 * 2**20 + 1), megabytes(300 * 2**10)
    ('10 MB', '10,1 MB', '0,3 MB')
    """
    tenths = math.ceil(size * 10 / 2**20)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10} MB"


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InquiryError(f"Die Datei {name} ist UTF-16-kodiert. Bitte speichern Sie sie als UTF-8.")
    sample = data[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise InquiryError(
            f"Die Datei {name} enthält keinen Text, sondern Binärdaten (falsche Dateiendung?)."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InquiryError(
            f"Die Datei {name} ist nicht UTF-8-kodiert (etwa Windows-1252). Bitte speichern Sie sie als "
            "UTF-8."
        ) from None
