"""Compare PDF text extractors over every PDF under a corpus folder: extraction artifacts,
seconds, pages, letters and paragraphs. Figures, not pass/fail; they chose pdfium for
`ingest/readers/pdf.py`.

    python -m eval.pdf_extractors --corpus ../shared/corpus pypdf pypdf-layout pdfium ingest

`ingest` is what the readers make of a page (pdfium with layout repair, then `clean_text`),
the others are the raw output of one library. pdfminer.six is compared when it is installed.
"""

import argparse
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from assistant.core.text import paragraph_spans
from ingest.readers.cleanup import clean_text, mark_paragraphs

# Each pattern is an artifact seen in the corpus output of some extractor.
_NOT_CONJUNCTION = r"(?!(?:und|oder|bzw|sowie|als|bis|noch|wie)\b)"
ARTIFACTS = {
    "digit space dot (15 .10 .2025)": r"\d \.\d",
    "split time (18:3 0, 20 :30)": r"\b\d{1,2}:\d \d\b|\b\d{1,2} :\d{2}\b",
    "space before hyphen (Stadt -Teil)": r"[a-zäöüß] -[A-ZÄÖÜ]",
    "hyphen gap in word (Sat- zung)": r"[a-zäöüß]- " + _NOT_CONJUNCTION + "[a-zäöüß]",
    "unjoined line-end hyphen (Sat-\\nzung)": r"[a-zäöüß]-\n" + _NOT_CONJUNCTION + "[a-zäöüß]",
    "glued words (derGemeinde)": r"[a-zäöüß]{3,}[A-ZÄÖÜ][a-zäöüß]{3,}",
    "glued after punctuation (Vorlage.Der)": r"[a-zäöüß]{3,}[.;:][A-ZÄÖÜ][a-zäöüß]{2,}",
    "glued year (2023Soziale)": r"\b\d{4}[A-ZÄÖÜa-zäöüß]{3,}",
    "spaced letters (S i t z u n g)": r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)",
    "space before comma (Stadt ,)": r"[a-zäöüß] ,",
    "private-use or control chars": r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]",
}
_PATTERNS = {name: re.compile(p) for name, p in ARTIFACTS.items()}


def _pypdf(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def _pypdf_layout(path: Path) -> list[str]:
    import pypdf

    out = []
    for page in pypdf.PdfReader(path).pages:
        try:
            out.append(page.extract_text(extraction_mode="layout") or "")
        except Exception:  # layout mode fails on some fonts
            out.append("")
    return out


def _pdfium(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        # pdfium marks a hyphen at a line end with U+FFFE and drops the line break: put both back
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        return [t.replace("\r\n", "\n").replace("\ufffe", "-\n") for t in texts]
    finally:
        doc.close()


def _pdfminer(path: Path) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return [
        "".join(el.get_text() for el in layout if isinstance(el, LTTextContainer))
        for layout in extract_pages(path)
    ]


def _ingest(path: Path) -> list[str]:
    from ingest.readers.pdf import read_pdf_pages

    return [clean_text(page.text) for page in read_pdf_pages(path)]


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pypdf": _pypdf,
    "pypdf-layout": _pypdf_layout,
    "pdfium": _pdfium,
    "pdfminer": _pdfminer,
    "ingest": _ingest,
}


def measure(name: str, files: list[Path]) -> dict[str, object]:
    """Artifacts in the raw text and in what `clean_text` makes of it (the repair regexes)."""
    extract = EXTRACTORS[name]
    raw: Counter[str] = Counter()
    cleaned: Counter[str] = Counter()
    pages = letters = paragraphs = 0
    failures = []
    seconds = 0.0
    for path in files:
        started = time.perf_counter()
        try:
            texts = extract(path)
        except Exception as exc:
            failures.append(f"{path.name}: {exc}")
            texts = []
        seconds += time.perf_counter() - started
        pages += len(texts)
        for text in texts:
            clean = clean_text(text)
            letters += sum(ch.isalnum() for ch in text)
            for artifact, pattern in _PATTERNS.items():
                raw[artifact] += len(pattern.findall(text))
                cleaned[artifact] += len(pattern.findall(clean))
            paragraphs += len(paragraph_spans(mark_paragraphs(clean)))
    return {
        "seconds": round(seconds, 1),
        "pages": pages,
        "letters": letters,
        "paragraphs": paragraphs,
        "artifacts raw": sum(raw.values()),
        "after clean_text": sum(cleaned.values()),
        "raw by artifact": {k: v for k, v in raw.items() if v},
        "after clean_text by artifact": {k: v for k, v in cleaned.items() if v},
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument(
        "extractors", nargs="*", default=["pypdf", "pypdf-layout", "pdfium", "pdfminer", "ingest"]
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    files = sorted(args.corpus.rglob("*.pdf"))
    print(f"{len(files)} PDFs under {args.corpus}")
    for name in args.extractors:
        try:
            result = measure(name, files)
        except ImportError as exc:
            print(f"{name}: not installed ({exc})")
            continue
        print(f"{name}: {result}")


if __name__ == "__main__":
    main()
