"""Chunks re-cover the page text, keep offsets that point at their text, and never cut a sentence."""

import itertools

import pytest

from assistant.text import paragraph_spans, sentence_spans
from ingest.chunking import chunk_document
from ingest.readers import read_pages
from ingest.structure import build_document
from tests.conftest import CORPUS, ERLANGEN_SATZUNG_2026, KARLSRUHE_TOP14, KENT_FEB, METTMANN

TARGET, MAX = 1200, 2000


@pytest.fixture(scope="module", params=[METTMANN, KARLSRUHE_TOP14, ERLANGEN_SATZUNG_2026, KENT_FEB])
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
        assert not inside_paragraph or chunk.end in ends, chunk.text[-80:]


def test_paragraph_numbers_and_starts(document):
    for chunk in chunk_document(document, TARGET, MAX):
        assert chunk.paragraph >= 1
        assert chunk.paragraph_starts[0] == 0
        assert list(chunk.paragraph_starts) == sorted(set(chunk.paragraph_starts))


def test_ids_are_stable_and_unique(document):
    first = [c.id for c in chunk_document(document, TARGET, MAX)]
    assert first == [c.id for c in chunk_document(document, TARGET, MAX)]
    assert len(set(first)) == len(first)


def test_the_komm_an_paragraph_is_one_chunk_with_its_heading():
    pages, _ = read_pages(CORPUS / METTMANN, 2**30)
    chunks = chunk_document(build_document(METTMANN, pages, []), TARGET, MAX)
    hit = [c for c in chunks if "Erkrath, Heiligenhaus und Hilden" in c.text]
    assert len(hit) == 1
    assert "Landesförderprogramm KOMM-AN NRW, antragstellende" in hit[0].text
