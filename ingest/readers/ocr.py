"""Text for image-only PDF pages from Tesseract (the `tesseract` command, Debian package
`tesseract-ocr` with `tesseract-ocr-deu` and `tesseract-ocr-eng`).

The page is rendered by pdfium (no poppler needed) and piped to the tesseract CLI; no Python
wrapper is involved. Tesseract runs with one thread (`OMP_THREAD_LIMIT=1`): on a busy 2-core
machine its default thread pool made a poster page take 30 s instead of 6 s.

Which pages: a page whose text layer has fewer than `min_chars` letters and digits and whose
images cover at least `min_image_share` of it. On the corpus that is 27 of 731 PDF pages (the
Erlangen Maßnahmenplan poster, three scanned pages of a Stellungnahme, plans, slides that are
pictures), 26 of which yield text; about 33 s of OCR in all on the busy 2-core machine. An
empty page without images (a blank back side) is never sent to OCR. Lines that are no words
(map symbols, hatching) are dropped from the OCR output.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from assistant.core.settings import IngestSettings

# Past this many pixels a page is rendered smaller: an A1 poster at 200 dpi is 15 megapixels
# and reads as well as at 150 dpi; a larger image only costs time.
MAX_PIXELS = 16_000_000


@dataclass(frozen=True)
class OcrOptions:
    """How image-only pages are read. `enabled=False` or a missing `command` leaves them empty,
    with a warning per page."""

    enabled: bool = True
    languages: str = "deu+eng"
    command: str = "tesseract"
    dpi: int = 200
    timeout_s: float = 120.0
    min_chars: int = 20
    min_image_share: float = 0.3

    @classmethod
    def from_settings(cls, ingest: IngestSettings) -> "OcrOptions":
        """From the `ingest` section of the settings."""
        return cls(
            enabled=ingest.ocr,
            languages=ingest.ocr_languages,
            command=ingest.ocr_command,
            dpi=ingest.ocr_dpi,
            timeout_s=ingest.ocr_timeout_s,
            min_chars=ingest.ocr_min_chars,
        )

    def wants(self, text_chars: int, image_share: float) -> bool:
        """Whether a page with this much text layer and this much image area needs OCR."""
        return text_chars < self.min_chars and image_share >= self.min_image_share


class OcrError(Exception):
    """Tesseract is missing, failed or timed out; `reason` is one line for the report."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def tesseract_path(options: OcrOptions) -> str | None:
    """The tesseract executable, or None when it is not installed (or OCR is switched off)."""
    if not options.enabled:
        return None
    return shutil.which(options.command)


def ocr_png(png: bytes, options: OcrOptions) -> str:
    """Text of a PNG image, lines that are no words (map symbols, hatching) left out."""
    executable = tesseract_path(options)
    if executable is None:
        raise OcrError(f"{options.command} nicht gefunden")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [executable, "stdin", "stdout", "-l", options.languages],
            input=png,
            capture_output=True,
            timeout=options.timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError(
            f"nach {options.timeout_s:.0f} s abgebrochen (mehr Zeit: COUNCIL_INGEST__OCR_TIMEOUT_S)"
        ) from exc
    except OSError as exc:
        raise OcrError(f"{options.command} startet nicht ({exc.strerror or exc})") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(
            f"tesseract meldet einen Fehler ({(message or ['exit ' + str(done.returncode)])[-1][:120]})"
        )
    return keep_word_lines(done.stdout.decode("utf-8", "replace"))


_WORD = re.compile(r"[^\W\d_]{3,}|\d+(?:[.,:/]\d+)*")


def keep_word_lines(text: str) -> str:
    """Lines of OCR output that read as text: at least half of their characters belong to words
    of three or more letters or to numbers. Plans and maps give lines like "m ~ | | ° 2 ® a 5".

    >>> keep_word_lines("LEGENDE ZIEL- UND MASSNAHMENPLAN:\\n= nm © |\\n1a Quartier Odenwaldallee")
    'LEGENDE ZIEL- UND MASSNAHMENPLAN:\\n1a Quartier Odenwaldallee'
    """
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if kept and kept[-1]:
                kept.append("")
            continue
        covered = sum(len(m.group(0)) for m in _WORD.finditer(stripped))
        if covered >= 0.5 * len(stripped.replace(" ", "")):
            kept.append(stripped)
    return "\n".join(kept).strip()
