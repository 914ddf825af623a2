"""Answer drafts for inquiries, from the real index: every statement cited from the documents,
one numbering across the questions, the passages grouped by meeting, exports that open."""

import re
from datetime import date
from pathlib import Path

import docx
import pytest

from assistant.answering.draft import (
    MAX_INQUIRY_CHARS,
    MAX_QUESTIONS,
    NO_ANSWER,
    Draft,
    InquiryError,
    split_questions,
)
from assistant.core.filters import Filters
from assistant.core.settings import Settings
from assistant.interfaces.draft_export import draft_markdown, write_docx
from assistant.service.council import build_assistant
from assistant.service.inquiry import read_inquiry
from assistant.service.schema import DraftOut
from tests.conftest import CORPUS, ERLANGEN_IMAGE_ONLY, KARLSRUHE_TOP14, METTMANN

INQUIRY = """Sehr geehrter Herr Oberbürgermeister,

die Fraktion bittet um Beantwortung folgender Fragen:

1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?
2. Mit welchem Stimmenverhältnis wurde die Grundsteuerreform 2025 (TOP 14) beschlossen?

Mit freundlichen Grüßen
Fraktion Beispiel
"""
UNANSWERABLE = "Wie hoch sind die Kosten für den Neubau des Hallenbads?"


@pytest.fixture(scope="module")
def council(small_index):
    return build_assistant(Settings(data_dir=small_index))


@pytest.fixture(scope="module")
def draft(council) -> Draft:
    return council.draft(INQUIRY)


def markers(text: str) -> list[int]:
    return [int(n) for group in re.findall(r"\[([\d, ]+)\]", text) for n in group.split(",")]


def test_each_question_is_answered_in_its_own_paragraph(draft):
    assert draft.questions == [
        "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?",
        "Mit welchem Stimmenverhältnis wurde die Grundsteuerreform 2025 (TOP 14) beschlossen?",
    ]
    first, second = draft.paragraphs()
    assert first.startswith("Zu Frage 1: ") and second.startswith("Zu Frage 2: ")
    assert "Erkrath" in first and "Hilden" in first
    assert "25 Ja, 22 Nein" in second
    assert draft.notes == []


def test_citations_are_numbered_once_across_the_draft_and_quote_their_passage(draft):
    assert [c.n for c in draft.citations] == list(range(1, len(draft.citations) + 1))
    assert set(markers(draft.text)) == {c.n for c in draft.citations}  # none dangling, none unused
    for c in draft.citations:
        assert c.text and c.text in c.passage.text  # verbatim
    first, second = draft.paragraphs()
    by_n = {c.n: c for c in draft.citations}
    assert {by_n[n].source for n in markers(first)} == {METTMANN}
    assert {by_n[n].source for n in markers(second)} == {KARLSRUHE_TOP14}
    assert any("Erkrath, Heiligenhaus und Hilden" in by_n[n].text for n in markers(first))
    assert any("25 Ja, 22 Nein" in by_n[n].text for n in markers(second))


def test_the_same_quote_keeps_its_number_in_every_paragraph(council):
    result = council.draft(
        "1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?\n"
        "2. Welche Stadtverwaltungen beantragten im Förderjahr 2021 Fördermittel über KOMM-AN NRW?",
    )
    first, second = result.paragraphs()
    assert "Erkrath" in first and "Erkrath" in second
    quotes = [" ".join(c.text.split()) for c in result.citations]
    assert len(quotes) == len(set(quotes))
    assert set(markers(first)) & set(markers(second))


def test_passages_are_grouped_by_meeting_newest_first(draft):
    labels = [g.label for g in draft.groups]
    assert labels[:2] == ["Gemeinderat, 22.10.2024", "Sozialausschuss, 08.02.2021"]
    days = [g.meeting_date for g in draft.groups if g.meeting_date]
    assert days == sorted(days, reverse=True)
    for group in draft.groups[:2]:
        assert {(p.committee, p.meeting_date) for p in group.passages} == {
            (group.passages[0].committee, group.meeting_date)
        }
    listed = [p.chunk_id for g in draft.groups for p in g.passages]
    assert len(listed) == len(set(listed))  # each passage once
    assert {c.passage.chunk_id for c in draft.citations} <= set(listed)  # every cited one is listed
    first = draft.groups[0].passages[0]
    assert draft.cited_as(first)  # best first: the cited passage leads its meeting


def test_a_question_the_documents_do_not_answer_is_said_so(council):
    result = council.draft(
        f"1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?\n2. {UNANSWERABLE}"
    )
    first, second = result.paragraphs()
    assert "Hilden" in first
    assert second == f"Zu Frage 2: {NO_ANSWER}"
    assert len(result.notes) == 1 and "Frage 2" in result.notes[0] and "Hallenbad" in result.notes[0]
    assert {c.source for c in result.citations} == {METTMANN}  # nothing cited for the unanswered one


def test_a_single_question_gets_no_question_number(council):
    result = council.draft(UNANSWERABLE)
    assert result.questions == [UNANSWERABLE]
    assert result.text == NO_ANSWER and result.citations == [] and result.groups == []
    assert result.notes and "Hallenbad" in result.notes[0]


def test_filters_that_match_no_document_are_noted_once(council):
    nothing = Filters(committee="Gemeinderat", date_from=date(2019, 1, 1), date_to=date(2019, 12, 31))
    result = council.draft(INQUIRY, nothing)
    assert result.paragraphs() == [f"Zu Frage 1: {NO_ANSWER}", f"Zu Frage 2: {NO_ANSWER}"]
    assert len(result.notes) == 1 and "gewählten Filtern" in result.notes[0]


def test_markdown_has_the_sections_in_order(draft):
    md = draft_markdown(draft)
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings[:5] == [
        "# Antwortentwurf zur Anfrage",
        "## Anfrage",
        "## Ergänzende Ausführungen der Verwaltung",
        "## Quellen",
        "## Fundstellen nach Sitzung",
    ]
    assert "### Gemeinderat, 22.10.2024" in headings and "### Sozialausschuss, 08.02.2021" in headings
    assert "> 1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?" in md  # the inquiry, quoted
    for paragraph in draft.paragraphs():
        assert paragraph in md
    for c in draft.citations:
        assert f"**[{c.n}]** `{c.source}`" in md and " ".join(c.text.split()) in md
    assert "Sozialausschuss, 08.02.2021, TOP 10" in md  # committee, date, TOP of the source


def test_markdown_lists_the_notes(council):
    md = draft_markdown(council.draft(UNANSWERABLE))
    assert "## Hinweise" in md and "Hallenbad" in md.split("## Hinweise")[1]


def test_docx_opens_and_holds_the_draft_and_the_sources(draft, tmp_path: Path):
    path = tmp_path / "entwurf.docx"
    write_docx(draft, path)
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for paragraph in draft.paragraphs():
        assert paragraph in texts
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings[:4] == [
        "Anfrage",
        "Ergänzende Ausführungen der Verwaltung",
        "Quellen",
        "Fundstellen nach Sitzung",
    ]
    assert "Gemeinderat, 22.10.2024" in headings
    for c in draft.citations:
        assert any(t.startswith(f"[{c.n}] {c.source}") for t in texts)
        assert f"„{' '.join(c.text.split())}“" in texts
    quoted = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Quote"]
    assert any("KOMM-AN NRW beantragt?" in q for q in quoted)  # the inquiry


def test_json_has_the_draft_and_the_groups(draft):
    data = DraftOut.of(draft).model_dump(mode="json")
    assert set(data) == {"inquiry", "questions", "text", "citations", "notes", "groups"}
    assert data["text"] == draft.text and len(data["citations"]) == len(draft.citations)
    group = data["groups"][0]
    assert group["label"] == "Gemeinderat, 22.10.2024" and group["meeting_date"] == "2024-10-22"
    assert group["passages"][0]["cited_as"] and group["passages"][0]["source"] == KARLSRUHE_TOP14


@pytest.mark.parametrize(
    ("inquiry", "expected"),
    [
        (INQUIRY, ["1", "2"]),
        ("Wir fragen: 1. Wer leitete die Sitzung? 2. Wann war sie?", ["1", "2"]),
        ("Frage 1: Wer leitete die Sitzung?\nFrage 2: Wann war sie?", ["1", "2"]),
        ("(1) Die Zahl der Anträge.\n(2) Die Höhe der Mittel.", ["1", "2"]),
        ("a) Eins?\nb) Zwei?", ["a)", "b)"]),
        ("1. Zur Förderung:\na) Welche Städte?\nb) Wie viel?\n2) Wer hat am\n22. Oktober abgestimmt?", None),
        ("Wie wurde am 22.10.2024 abgestimmt? Das ist wichtig. Welche Städte? Danke.", ["1", "2"]),
        ("Bitte um Auskunft zur Grundsteuer.", ["1"]),
        ("Sehr geehrte Damen und Herren,\n\nMit freundlichen Grüßen\nX", []),
    ],
)
def test_questions_are_split_from_the_inquiry(inquiry, expected):
    found = split_questions(inquiry)
    if expected is not None:
        assert [label for label, _ in found] == expected
    else:
        assert found == [
            ("1 a)", "Zur Förderung: Welche Städte?"),
            ("1 b)", "Zur Förderung: Wie viel?"),
            ("2", "Wer hat am 22. Oktober abgestimmt?"),
        ]
    assert not any("geehrte" in q or "Grüßen" in q for _, q in found)


def test_items_end_at_a_blank_line():
    found = split_questions("1. Wer?\n2. Wann?\n\nBegründung: Der Rat hat 3. Mal vertagt.")
    assert found == [("1", "Wer?"), ("2", "Wann?")]


def test_inquiries_that_cannot_be_drafted_are_refused_in_german(council):
    with pytest.raises(InquiryError, match="leer"):
        council.draft("  \n ")
    with pytest.raises(InquiryError, match="keine Frage"):
        council.draft("Sehr geehrte Damen und Herren,\nMit freundlichen Grüßen")
    with pytest.raises(InquiryError, match="Frage 2 ist zu lang"):
        council.draft("1. Wer?\n2. " + "Warum " * 400 + "?")
    with pytest.raises(InquiryError, match="zu lang"):
        council.draft("x" * (MAX_INQUIRY_CHARS + 1))


def test_more_than_the_maximum_of_questions_are_left_out_with_a_note(council):
    inquiry = "\n".join(f"{i}. {UNANSWERABLE}" for i in range(1, MAX_QUESTIONS + 3))
    result = council.draft(inquiry)
    assert len(result.questions) == len(result.paragraphs()) == MAX_QUESTIONS
    assert f"{MAX_QUESTIONS + 2} Fragen" in result.notes[0]


@pytest.mark.shared
def test_read_inquiry_reads_text_html_and_pdf(tmp_path: Path):
    txt = tmp_path / "anfrage.txt"
    txt.write_bytes("\ufeff1. Welche Städte haben Mittel beantragt?\n".encode())
    assert read_inquiry(txt) == "1. Welche Städte haben Mittel beantragt?"
    html = tmp_path / "anfrage.html"
    html.write_text(
        "<html><body><h1>Anfrage</h1><p>Wie wurde über die Grundsteuerreform abgestimmt?</p></body></html>",
        encoding="utf-8",
    )
    assert "Wie wurde über die Grundsteuerreform abgestimmt?" in read_inquiry(html)
    pdf = CORPUS / "erlangen-sbr-buechenbach/SBR/Anträge_Übersicht/Anlage 01.pdf"
    assert "Ballfangzaun" in read_inquiry(pdf)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leer.txt", b"", "ist leer"),
        ("leer.md", b" \n\t\n", "enthält keinen Text"),
        ("bild.txt", bytes(range(256)) * 4, "Binärdaten"),
        ("ansi.txt", "Wie hoch sind die Gebühren für Müll?".encode("cp1252"), "nicht UTF-8"),
        ("utf16.txt", "Wie hoch?".encode("utf-16"), "UTF-16"),
        ("anfrage.docx", b"PK\x03\x04", "Dateityp .docx"),
        ("lang.txt", b"x" * (MAX_INQUIRY_CHARS + 1), "zu lang"),
        ("kaputt.pdf", b"%PDF-1.4 kaputt", "beschädigt"),
    ],
)
def test_read_inquiry_refuses_unreadable_files_in_german(tmp_path: Path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InquiryError, match=message) as info:
        read_inquiry(path)
    assert "\n" not in str(info.value)


@pytest.mark.shared
def test_read_inquiry_explains_scanned_pdfs_and_missing_files(tmp_path: Path):
    with pytest.raises(InquiryError, match="gescannt"):
        read_inquiry(CORPUS / ERLANGEN_IMAGE_ONLY)
    with pytest.raises(InquiryError, match="gibt es nicht"):
        read_inquiry(tmp_path / "fehlt.txt")
