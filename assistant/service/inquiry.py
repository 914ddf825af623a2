"""An inquiry (Anfrage) read from a file for `council draft` and the web chat's upload: .txt/.md as
UTF-8, .pdf and .html as ingest reads them."""

import re
from pathlib import Path

from assistant.answering.draft import MAX_INQUIRY_CHARS, InquiryError
from ingest.readers import READERS, SUPPORTED_SUFFIXES, ReadError, read_pages

MAX_FILE_BYTES = 20 * 2**20
INQUIRY_SUFFIXES = SUPPORTED_SUFFIXES  # what the ingest reads, an inquiry may be


def read_inquiry(path: Path) -> str:
    """The text of an inquiry file: .txt/.md as UTF-8, .pdf and .html as ingest reads them.
    Raises `InquiryError` with one German line saying what is wrong and what to do."""
    name = path.name
    if not path.is_file():
        raise InquiryError(f"Die Datei {path} gibt es nicht.")
    size = path.stat().st_size
    if size == 0:
        raise InquiryError(f"Die Datei {name} ist leer.")
    if size > MAX_FILE_BYTES:
        raise InquiryError(f"Die Datei {name} ist zu groß ({size / 2**20:.0f} MB) für eine Anfrage.")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        *most, last = INQUIRY_SUFFIXES
        raise InquiryError(
            f"Der Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt; möglich sind "
            f"{', '.join(most)} und {last}."
        )
    if reader.plain_text:
        text = _decode(path.read_bytes(), name)
    else:
        try:
            pages, _ = read_pages(path, MAX_FILE_BYTES)
        except ReadError as exc:
            raise InquiryError(
                f"Die Datei {name} kann nicht gelesen werden: {_german_reason(exc.reason)}."
            ) from None
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


# The readers' reasons (English, for the ingest report) in German, by their start.
_REASONS_DE = (
    ("empty file", "die Datei ist leer"),
    ("no text in file", "sie enthält keinen Text"),
    ("binary data", "sie enthält Binärdaten statt Text (falsche Dateiendung?)"),
    ("encrypted PDF", "das PDF ist verschlüsselt (Passwort nötig)"),
    ("corrupt or not a PDF", "die Datei ist beschädigt oder kein PDF"),
    ("PDF has no pages", "das PDF hat keine Seiten"),
    ("no text layer", "das PDF ist gescannt und hat keine Textebene; bitte den Text als .txt speichern"),
    ("file too large", "die Datei ist zu groß"),
)


def _german_reason(reason: str) -> str:
    return next((de for en, de in _REASONS_DE if reason.startswith(en)), reason)
