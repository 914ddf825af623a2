"""Chunks re-cover the page text, keep offsets that point at their text, and never cut a sentence."""

import itertools

import pytest

from assistant.core.text import paragraph_spans, sentence_spans
from ingest.chunking import chunk_document
from ingest.readers import read_pages
from ingest.structure import build_document
from tests.conftest import CORPUS, ERLANGEN_SATZUNG_2026, KARLSRUHE_TOP14, KENT_FEB, METTMANN

pytestmark = pytest.mark.shared

TARGET, MAX = 1200, 2000


PORTLAND = "portland-council-minutes/tests/resources/2011-1-19raw.txt"  # items inline, mid-paragraph
ERLANGEN_NOV_2023 = (
    "erlangen-sbr-buechenbach/SBR/2023-11-15_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf"
)


@pytest.fixture(
    scope="module",
    params=[METTMANN, KARLSRUHE_TOP14, ERLANGEN_SATZUNG_2026, KENT_FEB, PORTLAND, ERLANGEN_NOV_2023],
)
def document(request):
    pages, warnings = read_pages(CORPUS / request.param, 2**30)
    return build_document(request.param, pages, warnings)


def test_offsets_point_at_the_chunk_text(document):
    pages = {p.number: p.text for p in document.pages}
    for chunk in chunk_document(document, TARGET, MAX):
        assert pages[chunk.page][chunk.start : chunk.end] == chunk.text


def test_chunks_cover_every_paragraph_once_in_order(document):
    chunks = chunk_document(document, TARGET, MAX)
    for page in document.pages:
        on_page = [c for c in chunks if c.page == page.number]
        covered = "".join(c.text for c in on_page)
        paragraphs = "".join(page.text[a:b] for a, b in paragraph_spans(page.text))
        assert "".join(covered.split()) == "".join(paragraphs.split())
        assert all(a.end <= b.start for a, b in itertools.pairwise(on_page))


def test_chunks_end_at_sentence_boundaries_and_respect_the_limit(document):
    for chunk in chunk_document(document, TARGET, MAX):
        assert len(chunk.text) <= MAX
        page_text = next(p.text for p in document.pages if p.number == chunk.page)
        paragraph = next((a, b) for a, b in paragraph_spans(page_text) if a <= chunk.start < b)
        ends = {paragraph[0] + e for _, e in sentence_spans(page_text[paragraph[0] : paragraph[1]])}
        inside_paragraph = chunk.end < paragraph[1]
        # a chunk may also end where the next agenda item starts (Portland prints items inline)
        item_starts = {
            s.start for s in document.sections if document.pages[s.page_index].number == chunk.page
        }
        next_start = chunk.end + len(page_text[chunk.end :]) - len(page_text[chunk.end :].lstrip())
        assert not inside_paragraph or chunk.end in ends or next_start in item_starts, chunk.text[-80:]


def test_paragraph_numbers_and_starts(document):
    for chunk in chunk_document(document, TARGET, MAX):
        assert chunk.paragraph >= 1
        assert chunk.paragraph_starts[0] == 0
        assert list(chunk.paragraph_starts) == sorted(set(chunk.paragraph_starts))


def test_the_komm_an_paragraph_is_one_chunk_with_its_heading():
    pages, _ = read_pages(CORPUS / METTMANN, 2**30)
    chunks = chunk_document(build_document(METTMANN, pages, []), TARGET, MAX)
    hit = [c for c in chunks if "Erkrath, Heiligenhaus und Hilden" in c.text]
    assert len(hit) == 1
    assert "Landesförderprogramm KOMM-AN NRW, antragstellende" in hit[0].text


def test_chunks_never_mix_two_agenda_items(document):
    """Every chunk lies inside one section, and says which: the section that starts at or
    before it and ends after it."""
    chunks = chunk_document(document, TARGET, MAX)
    if not document.sections:
        assert all(c.section is None for c in chunks)
        return
    bounds = [(s.page_index, s.start) for s in document.sections] + [(len(document.pages), 0)]
    index = {p.number: i for i, p in enumerate(document.pages)}
    for chunk in chunks:
        assert chunk.section is not None
        page = index[chunk.page]
        assert bounds[chunk.section] <= (page, chunk.start) and (page, chunk.end) <= bounds[chunk.section + 1]
    # every section with text on a page starts a chunk there
    starts = {(index[c.page], c.start) for c in chunks}
    for s in document.sections:
        text = document.pages[s.page_index].text[s.start :]
        if text.strip():
            offset = s.start + len(text) - len(text.lstrip())
            assert (s.page_index, offset) in starts, s


def test_portland_items_are_chunks_of_their_own():
    pages, _ = read_pages(CORPUS / PORTLAND, 2**30)
    doc = build_document(PORTLAND, pages, [])
    chunks = chunk_document(doc, TARGET, MAX)
    item_47 = [
        c
        for c in chunks
        if c.section is not None and (item := doc.sections[c.section].item) and item.number == "47"
    ]
    assert len(item_47) == 1
    assert item_47[0].text.startswith("*47 Authorize Intergovernmental Agreement with TriMet")
    assert "REFERRED TO COMMISSIONER OF FINANCE" in item_47[0].text
    assert "*48" not in item_47[0].text and "184352" not in item_47[0].text
