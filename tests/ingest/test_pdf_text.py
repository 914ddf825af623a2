"""PDF text as a reader sees it: dates and times whole, no running heads, hyphenated words
joined, paragraphs where the page has them, table rows on one line. Real corpus files, and
table-driven cases for the clean-up rules."""

import pytest

from assistant.core.text import paragraph_spans, sentence_spans
from ingest.chunking import chunk_document
from ingest.readers import pdf, read_pages
from ingest.readers.cleanup import clean_text, repair_artifacts, strip_running_lines
from ingest.structure import build_document
from tests.conftest import CORPUS, KARLSRUHE_TOP14, METTMANN

LIMIT = 2**30
NIEDERSCHRIFT_2025 = (
    "erlangen-sbr-buechenbach/SBR/2025-10-15_Niederschrift_Niederschrift_3_Sitzung_Buechenbach.pdf"
)
SATZUNG_2026 = "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2026.pdf"
ESTW_SLIDES = "erlangen-sbr-buechenbach/SBR/2023-06-15_Anhang_Stadtteilbeirat_Bue_ESTW-Stromnetz_15062023.pdf"
KENT_FEB = "kent-county-council/full_council/2025-02-13/originals/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"  # noqa: E501
KENT_QUESTIONS = (
    "kent-county-council/full_council/2025-03-13/originals/Questions put and answers given - March 2025.pdf"
)
KARLSRUHE_DURLACH = "karlsruhe-oparl/docs/file-contents/659957.txt"
CLEVELAND_1998 = "cleveland-city-record/CityRecordTextExtractor/june101998.pdf"
SOZIALES_WOHNEN = "erlangen-sbr-buechenbach/SBR/2021-10-27_Anhang_Soziales_Wohnen_in_Buechenbach.pdf"
SPORT_REQUESTS = "erlangen-sbr-buechenbach/SBR/Anträge_Übersicht/Anlage 03.pdf"


def _text(rel: str) -> list[str]:
    return [page.text for page in read_pages(CORPUS / rel, LIMIT)[0]]


def _paragraphs(text: str) -> list[str]:
    return [text[a:b] for a, b in paragraph_spans(text)]


@pytest.fixture(params=["pdfium", "pypdf"])
def niederschrift(request, monkeypatch) -> str:
    """Page 1 of the 2025-10-15 minutes, read by pdfium and by the pypdf fallback (which reads
    "15 .10 .2025", "18:3 0 Uhr", "20 :30 Uhr", "Heinrich -Kirchner -Schule")."""
    if request.param == "pypdf":

        def fail(path):
            raise pdf.PdfOpenError("pdfium switched off for this test")

        monkeypatch.setattr(pdf, "_read_with_pdfium", fail)
    return _text(NIEDERSCHRIFT_2025)[0]


@pytest.mark.shared
def test_dates_and_times_of_the_minutes_read_whole(niederschrift):
    for expected in ("15.10.2025", "18:30 Uhr", "20:30 Uhr", "03.11.2025", "Heinrich-Kirchner-Schule"):
        assert expected in niederschrift
    for artifact in ("15 .10", "18:3 0", "20 :30", "Heinrich -Kirchner"):
        assert artifact not in niederschrift


@pytest.mark.shared
def test_letterhead_columns_are_separated_by_tabs():
    assert "Besprechung am:\t15.10.2025\tBeginn:\t18:30 Uhr" in _text(NIEDERSCHRIFT_2025)[0]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("rel", "page", "expected"),
    [
        # pdfium runs these together ("MenschenDaneben", "AngelegenheitenEmpfehlungen"); the
        # characters stand on two lines / apart on the page.
        (SOZIALES_WOHNEN, 7, "benachteiligte Menschen\n\nDaneben plant das Sozialamt"),
        (SATZUNG_2026, 1, "wichtigen Angelegenheiten Empfehlungen\nabgeben"),
    ],
    ids=["line break", "space"],
)
def test_words_that_pdfium_glues_are_separated_by_their_position(rel, page, expected):
    assert expected in _text(rel)[page]


@pytest.mark.shared
def test_the_ff_ligature_that_pdfium_reads_as_another_letter_is_written_out():
    # pdfium reads this file's "ff" ligature as "Ư" (U+01AF): "öƯentlichen", "OƯene Anträge".
    text = "\n".join(_text(SPORT_REQUESTS))
    assert "rund 800m bis zu den öffentlichen Sportanlagen" in " ".join(text.split())
    assert "\u01af" not in text


@pytest.mark.shared
def test_justified_narrow_columns_get_no_tabs():
    # Word gaps of 1.2 line heights, but all alike on the line: prose, not table cells.
    assert "The meeting of the Council was\ncalled to order, the President, Jay" in _text(CLEVELAND_1998)[2]


@pytest.mark.shared
def test_paragraphs_come_from_the_gaps_on_the_page():
    page = _text(NIEDERSCHRIFT_2025)[1]
    paragraphs = _paragraphs(page)
    assert "TOP 1: Defibrillatoren retten Leben" in paragraphs
    assert "- Projekt „Erlangen schockt“ wird vorgestellt" in paragraphs
    assert "Seite 2" not in page
    kent = _paragraphs(_text(KENT_FEB)[0])
    assert "(2) Ms Meade declared an interest that she was a carer." in kent


@pytest.mark.shared
@pytest.mark.parametrize(
    ("rel", "page", "gone", "kept"),
    [
        # The title repeats as running head on every page: it stays on page 1 only.
        (SATZUNG_2026, 1, "Satzung der Stadt Erlangen über Orts- und Stadtteilbeiräte", "§ 3"),
        (SATZUNG_2026, 0, "Seite 1 von 3", "Satzung der Stadt Erlangen über Orts- und Stadtteilbeiräte"),
        # The classification label of the slides, and the slide number.
        (ESTW_SLIDES, 4, "C0 - öffentlich", "Ausbauplanung für Büchenbach"),
        # Even and odd pages of the City Record have running heads of their own, and page numbers.
        (CLEVELAND_1998, 3, "4 The City Record\tJune 10, 1998", "Cumulative Minimum"),
        (CLEVELAND_1998, 4, "June 10, 1998\tThe City Record\t5", "Director of"),
        (CLEVELAND_1998, 3, "\n912", "Cumulative Minimum"),
        # A question number at the top of most pages is content, not a running head.
        (KENT_QUESTIONS, 2, "Question 1\n", "Question 2"),
    ],
    ids=[
        "title as header",
        "page x of y",
        "label and slide number",
        "even page head",
        "odd page head",
        "gazette page number",
        "question numbers stay",
    ],
)
def test_running_heads_and_feet_go_content_stays(rel, page, gone, kept):
    pages = _text(rel)
    assert gone not in pages[page]
    assert kept in pages[page]


@pytest.mark.shared
def test_slide_numbers_are_removed():
    pages = _text(ESTW_SLIDES)
    assert not pages[4].startswith("5\n")
    assert pages[4].startswith("Ausbauplanung für Büchenbach")


@pytest.mark.shared
def test_words_hyphenated_at_line_ends_are_joined():
    text = _text(KARLSRUHE_TOP14)[0]
    assert "Satzung\nder Stadt Karlsruhe" in text  # "Sat-\nzung der Stadt Karlsruhe"
    assert "Vorberatung\nim Haupt- und Finanzausschuss" in text
    assert "Grund- und Gewerbesteuer" in text
    kent = _text(KENT_FEB)[0]
    assert "Mr Paul Barrington-King" in kent  # pdfium's line-end hyphen marker, capital after it


@pytest.mark.shared
def test_a_sentence_runs_on_across_a_page_footer_of_the_karlsruhe_text():
    text = _text(KARLSRUHE_DURLACH)[0]
    assert "– 3 –" not in text
    sentence = "Nach § 1 Abs. 1\nEingemeindungsvertrag gehen alle privatrechtlichen"
    assert sentence in text
    assert any(sentence in p for p in _paragraphs(text))


@pytest.mark.shared
def test_a_long_sentence_of_a_decision_stays_one_sentence():
    """Item 2 of the Beschluss on the Ehrenbürgerschaften (GR 22.10.2024, TOP 10) is one sentence
    of six lines, longer than a header or table runs before it is cut into lines."""
    text = "\n".join(_text("karlsruhe-oparl/docs/file-contents/662259.txt"))
    sentences = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
    item = next(s for s in sentences if "Hermann Göring" in s)
    assert item.startswith("2. Die Stadt Karlsruhe beschließt für sich")
    assert item.endswith("die an Paul von Hindenburg verliehen wurden.")


@pytest.mark.shared
def test_mettmann_member_table_row_stays_one_line_in_one_paragraph_and_chunk():
    pages, warnings = read_pages(CORPUS / METTMANN, LIMIT)
    row = "Geschäftsleitung der Diakonie im Kirchenkreis Düsseldorf-Mettmann\tWohlfahrt, Struktur der Flüchtlingsberatung (MBE, JMD)"  # noqa: E501
    text = pages[0].text
    assert row in text.split("\n")
    table = next(p for p in _paragraphs(text) if row in p)
    assert table.startswith("Funktion\tBereich")  # header and all rows: one paragraph
    assert "Teamleitung Integration Point für den Bereich SGB III" in table
    assert row in [table[a:b] for a, b in sentence_spans(table)]
    chunks = chunk_document(build_document(METTMANN, pages, warnings), 1200, 2000)
    assert len([c for c in chunks if row in c.text]) == 1


CLEAN_CASES = [
    # (input, expected): repaired artifacts
    ("Besprechung am:  19 .11 .2024", "Besprechung am:  19.11.2024"),
    ("Beginn: 18:3 0 Uhr", "Beginn: 18:30 Uhr"),
    ("Ende: 20 :30 Uhr", "Ende: 20:30 Uhr"),
    ("Ort: Heinrich -Kirchner -Schule", "Ort: Heinrich-Kirchner-Schule"),
    ("im Stadt -Teil West", "im Stadt-Teil West"),
    ("Die Sat-\nzung der Stadt", "Die Satzung\nder Stadt"),
    ("im Orts-\nbeirat.", "im Ortsbeirat."),
    ("Heinrich-\nKirchner-Schule", "Heinrich-Kirchner-Schule"),
    # left alone
    ("im Haupt- und Finanzausschuss", "im Haupt- und Finanzausschuss"),
    ("im Haupt-\nund Finanzausschuss", "im Haupt-\nund Finanzausschuss"),
    ("Bau-\noder Planungsrecht", "Bau-\noder Planungsrecht"),
    ("§ 6 Geschäftsgang", "§ 6 Geschäftsgang"),
    ("1. Bürgermeister", "1. Bürgermeister"),
    ("Beginn 18.30 Uhr", "Beginn 18.30 Uhr"),
    ("Vorlage 50/004/2021 am 08.02.2021", "Vorlage 50/004/2021 am 08.02.2021"),
    ("Amt: 13-2, 2017 – 2022", "Amt: 13-2, 2017 – 2022"),
    ("Kindergarten und -krippe", "Kindergarten und -krippe"),
    ("Videogerät oder -anwendung", "Videogerät oder -anwendung"),
    ("des Rudeltplatzes -Der Stadtteilbeirat", "des Rudeltplatzes -Der Stadtteilbeirat"),
    ("Abstimmung: 12:3 Stimmen", "Abstimmung: 12:3 Stimmen"),
    ("A\tB\n\nC\tD", "A\tB\n\nC\tD"),  # in a PDF a blank line is a gap on the page
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES, ids=[c[0] for c in CLEAN_CASES])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.shared
def test_repair_leaves_clean_minutes_unchanged():
    text = (CORPUS / KARLSRUHE_TOP14).read_text(encoding="utf-8")
    assert repair_artifacts(text) == text


def test_page_number_line_between_sentences_is_a_paragraph_break():
    text = (
        "Der Beirat tagt öffentlich in jedem Quartal einmal im Bürgerhaus.\n\n– 2 –\n\nEr wählt den Vorsitz."
    )
    assert (
        clean_text(text)
        == "Der Beirat tagt öffentlich in jedem Quartal einmal im Bürgerhaus.\n\nEr wählt den Vorsitz."
    )


RUNNING_CASES = [
    (
        ["Titel\nText A", "Titel\nText B\n2", "Titel\nText C\n3", "Titel\nText D\n4"],
        ["Titel\nText A", "Text B", "Text C", "Text D"],
    ),
    # numbers that do not step with the page are content
    (
        ["Question 1\nA", "Question 1\nB", "Question 2\nC", "Question 2\nD", "Question 3\nE"],
        ["Question 1\nA", "Question 1\nB", "Question 2\nC", "Question 2\nD", "Question 3\nE"],
    ),
    # two pages are too few to tell a running head from a repeated heading
    (["Beschluss:\nA", "Beschluss:\nB"], ["Beschluss:\nA", "Beschluss:\nB"]),
]


@pytest.mark.parametrize(
    ("pages", "expected"), RUNNING_CASES, ids=["title+numbers", "questions", "two pages"]
)
def test_strip_running_lines(pages, expected):
    assert strip_running_lines(pages) == expected
