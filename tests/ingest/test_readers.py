"""Readers on real files, and every kind of bad input: one clear reason each."""

import io
import shutil
from pathlib import Path

import pypdf
import pytest

from assistant.core.settings import Settings
from ingest.readers import ReadError, read_pages
from ingest.readers.ocr import OcrOptions
from tests.conftest import CORPUS, ERLANGEN_IMAGE_ONLY, KENT_FEB, METTMANN, ROOT

ERLANGEN_STELLUNGNAHME = (
    "erlangen-sbr-buechenbach/SBR/Anträge_Übersicht/"
    "Stadtteilbeirat-Stellungnahme_Beschlussvorlage_Ö23_StUB_Trassenführung_413.pdf"
)
KENT_AGENDA = "kent-county-council/full_council/2025-02-13/originals/Agenda frontsheet 13th-Feb-2025 09.30 County Council.pdf"  # noqa: E501

LIMIT = 200 * 2**20
# KENT_FEB as the checkout ships it: the bad inputs made from it need no ../shared.
KENT_SAMPLE = ROOT / "sample_corpus/kent/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"


@pytest.mark.shared
def test_pdf_pages_are_numbered_and_cleaned():
    pages, _ = read_pages(CORPUS / KENT_FEB, LIMIT)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert len(pages) == 14
    assert "994,287,655" in "".join(p.text for p in pages)


@pytest.mark.shared
def test_text_file_is_one_page_without_inline_markup():
    pages, _ = read_pages(CORPUS / METTMANN, LIMIT)
    assert len(pages) == 1 and pages[0].number is None
    assert "Erkrath, Heiligenhaus und Hilden" in pages[0].text
    assert "<i>" not in pages[0].text


def test_html_inline_spans_read_as_words(tmp_path):
    page = tmp_path / "top.html"
    page.write_text(
        "<html><head><title>T</title><script>var x=1;</script></head><body>"
        "<h1>Niederschrift der Sitzung</h1>"
        "<div>Beschluss: <span>Der Gemein</span><span>derat</span> stimmt zu.</div>"
        "<table><tr><td>Ja</td><td>25</td></tr></table></body></html>",
        encoding="utf-8",
    )
    text = read_pages(page, LIMIT)[0][0].text
    assert "Der Gemeinderat stimmt zu." in text
    assert "var x" not in text
    assert "Ja\t25" in text


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        (
            "latin-1",
            "Die Stadtverwaltungen Düsseldorf und Gießen beantragen Fördermittel für Flüchtlingsberatung.",
        ),
        ("cp1252", "Die Kosten betragen 5.000 € – laut „Vorlage“ der Verwaltung für Straßenbau."),
        ("utf-16", "Übersicht der Beschlüsse des Ausschusses für Umwelt und Verkehr."),
    ],
)
def test_legacy_encodings_decode_to_the_same_text(tmp_path, encoding, text):
    path = tmp_path / "alt.txt"
    path.write_bytes(text.encode(encoding))
    assert read_pages(path, LIMIT)[0][0].text == text


def _encrypted_pdf(path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=KENT_SAMPLE)
    writer.encrypt(user_password="geheim", owner_password="geheim")
    writer.write(path)


def _empty_pdf(path: Path) -> None:
    buffer = io.BytesIO()
    pypdf.PdfWriter().write(buffer)
    path.write_bytes(buffer.getvalue())


BAD_INPUTS = [
    ("corrupt.pdf", lambda p: p.write_bytes(KENT_SAMPLE.read_bytes()[:4000]), "beschädigt oder kein PDF"),
    ("not-a-pdf.pdf", lambda p: p.write_text("Hallo, ich bin kein PDF."), "beschädigt oder kein PDF"),
    ("encrypted.pdf", _encrypted_pdf, "verschlüsseltes PDF (Passwort nötig)"),
    ("empty.pdf", _empty_pdf, "PDF ohne Seiten"),
    ("zero.txt", lambda p: p.write_bytes(b""), "leere Datei"),
    ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 40), "Binärdaten"),
    ("blank.md", lambda p: p.write_text("\n\n   \n"), "kein Text"),
    ("table.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"), "Dateityp .xlsx wird nicht gelesen"),
]


@pytest.mark.parametrize(("name", "make", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_a_one_line_reason(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    with pytest.raises(ReadError) as err:
        read_pages(path, LIMIT)
    assert reason in err.value.reason
    assert "\n" not in err.value.reason


# What the ingest passes by default: the settings' OCR knobs.
OCR = OcrOptions.from_settings(Settings().ingest)


def test_ocr_is_on_by_default_in_settings():
    assert OCR.enabled and OCR.languages == "deu+eng" and OCR.command == "tesseract"


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract-ocr is not installed (make ocr)"
)


@pytest.mark.shared
@needs_tesseract
def test_image_only_pdf_is_read_by_ocr():
    pages, warnings = read_pages(CORPUS / ERLANGEN_IMAGE_ONLY, LIMIT, OCR)
    text = pages[0].text
    # Words read off the rendered poster by eye: its legend and the quarters it names.
    for word in ("LEGENDE", "Handlungsfeld", "Quartier", "Büchenbach", "Schulstandort"):
        assert word in text
    assert warnings == ["Seite 1: Text per OCR erkannt"]


@pytest.mark.shared
@needs_tesseract
def test_scanned_pages_among_text_pages_get_ocr_text_and_a_warning_each():
    pages, warnings = read_pages(CORPUS / ERLANGEN_STELLUNGNAHME, LIMIT, OCR)
    assert "Variantenvergleich" in pages[4].text
    assert "Stadtteilbeirat" in pages[0].text  # the text layer of page 1 is kept as it is
    assert [w for w in warnings if "OCR" in w] == [f"Seite {n}: Text per OCR erkannt" for n in (3, 4, 5)]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("options", "hint"),
    [
        (OcrOptions(command="tesseract-not-installed"), "für OCR tesseract-ocr installieren (make ocr)"),
        (OcrOptions(enabled=False), "OCR ist ausgeschaltet (einschalten: COUNCIL_INGEST__OCR=true)"),
        (None, "OCR ist ausgeschaltet (einschalten: COUNCIL_INGEST__OCR=true)"),
    ],
    ids=["tesseract missing", "ocr off", "no ocr options"],
)
def test_without_ocr_an_image_only_pdf_is_a_read_error_not_an_empty_document(options, hint):
    with pytest.raises(ReadError) as err:
        read_pages(CORPUS / ERLANGEN_IMAGE_ONLY, LIMIT, options)
    assert err.value.reason == f"keine Textebene (gescanntes oder Bild-PDF); {hint}"


@pytest.mark.shared
def test_without_ocr_each_image_only_page_gets_a_warning():
    pages, warnings = read_pages(CORPUS / ERLANGEN_STELLUNGNAHME, LIMIT, OcrOptions(command="no-tesseract"))
    assert [w for w in warnings if "Textebene" in w] == [
        f"Seite {n} ohne Textebene; für OCR tesseract-ocr installieren (make ocr)" for n in (3, 4, 5)
    ]
    assert pages[2].text == ""


@pytest.mark.shared
def test_blank_page_without_images_is_not_sent_to_ocr():
    _, warnings = read_pages(CORPUS / KENT_AGENDA, LIMIT, OcrOptions(command="no-tesseract"))
    assert warnings == ["kein Text auf Seite(n) 2"]


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("Sitzung " * 2000)
    with pytest.raises(ReadError, match="zu groß"):
        read_pages(path, max_bytes=1000)
