"""The catalog (SQLite + FTS5) on real documents: documents round-trip with their council
structure, BM25 finds identifiers and German word forms, duplicates are one chunk with several
placements, and replacing or deleting a file leaves no orphans."""

import dataclasses

import pytest

from assistant.catalog import Catalog, chunk_key
from ingest.chunking import chunk_document
from ingest.model import CouncilDocument
from ingest.readers import read_pages
from ingest.structure import build_document
from tests.conftest import CORPUS, KARLSRUHE_TOP14, METTMANN


def parsed(source: str, as_source: str | None = None) -> tuple[CouncilDocument, list]:
    pages, warnings = read_pages(CORPUS / source, 2**30)
    doc = build_document(as_source or source, pages, warnings)
    return doc, chunk_document(doc, 1200, 2000)


@pytest.fixture()
def catalog(tmp_path):
    catalog = Catalog(tmp_path, create=True)
    for source in (METTMANN, KARLSRUHE_TOP14):
        doc, chunks = parsed(source)
        catalog.replace_file(doc, chunks, f"hash-{source}")
    yield catalog
    catalog.close()


def test_documents_round_trip_with_their_structure(catalog):
    doc, _ = parsed(KARLSRUHE_TOP14)
    stored = next(c for c in catalog.all_chunks() if c.primary.source == KARLSRUHE_TOP14)
    assert stored.doc == dataclasses.replace(doc, pages=[])
    assert any(s.vote is not None and s.vote.yes == 25 for s in stored.doc.sections)


def test_bm25_finds_identifiers_and_inflected_words(catalog):
    by_vorlage = catalog.lexical("Vorlage 50/004/2021", 3)
    assert by_vorlage and catalog.chunks([by_vorlage[0][0]])[by_vorlage[0][0]].primary.source == METTMANN
    best = catalog.lexical("Hebesätze der Grundsteuer", 3)[0][0]
    assert "Grundsteuer" in catalog.chunks([best])[best].text
    assert catalog.lexical("und oder die", 3) == []  # stopwords only: nothing to match


def test_the_embedded_header_names_the_chunks_agenda_item(catalog):
    chunk = next(c for c in catalog.all_chunks() if "25 Ja" in c.text)
    header = chunk.embedding_input().split("\n")[0]
    assert "TOP 14" in header and "Gemeinderat" in header and "2024-10-22" in header


def test_duplicates_are_one_chunk_with_all_placements(catalog):
    before = catalog.count()
    doc, chunks = parsed(METTMANN, as_source="kopie/Auszug.txt")
    catalog.replace_file(doc, chunks, "hash-copy")
    assert catalog.count() == before
    shared = catalog.chunks([chunk_key(chunks[0].text)])[chunk_key(chunks[0].text)]
    assert [p.source for p in shared.placements] == ["kopie/Auszug.txt", METTMANN]
    assert shared.passage(None).also_in == (METTMANN,)

    catalog.delete_sources([METTMANN, "kopie/Auszug.txt"])
    assert catalog.count() < before
    assert catalog.lexical("Erkrath Heiligenhaus", 5) == []  # no orphan left in the lexical index


def test_chunk_keys_ignore_case_whitespace_and_punctuation():
    assert chunk_key("Die  Sitzung\nwird eröffnet.") == chunk_key("die sitzung wird eröffnet")
    assert chunk_key("Die Sitzung wird eröffnet.") != chunk_key("Die Sitzung wird geschlossen.")
