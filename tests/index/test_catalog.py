"""The catalog (SQLite + FTS5) on real documents: documents round-trip with their council
structure, BM25 finds identifiers and German word forms, duplicates are one chunk with several
placements, replacing or deleting a file leaves no orphans, and the lexical index is re-analysed
from the stored texts when its analysis or its compound vocabulary is out of date."""

import dataclasses
import json
import re
import sqlite3
from datetime import date

import pytest

from assistant.answering.question import Question
from assistant.core.documents import Consultation, SourceRecord
from assistant.core.facts import TextFacts
from assistant.core.text import truecased
from assistant.index.catalog import LEXICON_GROWTH, Catalog, chunk_key
from tests.conftest import ERLANGEN_SATZUNG_2026, KARLSRUHE_TOP14, KENT_FEB, METTMANN, parsed


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


def test_bm25_finds_a_passage_by_its_documents_date_and_body(catalog):
    catalog.reanalyse()
    undated = {c.key for c in catalog.all_chunks() if c.primary.source == KARLSRUHE_TOP14} - _keys_with(
        catalog, r"22\.10\.2024|22\. Oktober 2024"
    )
    found = {key for key, _ in catalog.lexical("Gemeinderat am 22. Oktober 2024", 100)}
    assert undated and undated <= found  # the header (body, date) is indexed with each passage


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


def _keys_with(catalog: Catalog, pattern: str) -> set[str]:
    return {c.key for c in catalog.all_chunks() if re.search(pattern, c.text)}


def test_reanalysis_learns_the_compound_vocabulary_from_the_stored_passages(catalog):
    in_compound_only = _keys_with(catalog, "Grundsteuerreform") - _keys_with(catalog, r"\bReform\b")
    assert in_compound_only
    assert not in_compound_only & {key for key, _ in catalog.lexical("Reform", 100)}  # nothing learned yet

    assert catalog.reanalyse() == catalog.count()
    assert in_compound_only <= {key for key, _ in catalog.lexical("Reform", 100)}
    assert catalog.reanalyse() == 0  # up to date: nothing is analysed again


def test_a_catalog_with_an_older_analysis_is_reanalysed_before_it_is_written(catalog):
    # As catalogs of the first lexical index are: no analysis stamp, the lexical rows numbered on
    # their own, the terms of the text alone.
    catalog._db.execute("DELETE FROM meta WHERE name = 'analysis'")
    rows = catalog._db.execute("SELECT key, text FROM chunks").fetchall()
    catalog._db.execute("DELETE FROM lexical")
    catalog._db.executemany(
        "INSERT INTO lexical (rowid, key, terms) VALUES (?, ?, ?)",
        ((1000 + i, key, text.lower()) for i, (key, text) in enumerate(rows)),
    )
    doc, chunks = parsed(METTMANN)
    changed = [dataclasses.replace(c, text=c.text.replace("Heiligenhaus", "Velbert")) for c in chunks]
    catalog.replace_file(doc, changed, "hash-changed")
    assert catalog.reanalyse() == 0  # done before the write
    assert catalog.lexical("Heiligenhaus", 5) == [] and catalog.lexical("Velbert", 5)
    assert catalog._db.execute("SELECT COUNT(*) FROM lexical").fetchone()[0] == catalog.count()


@pytest.mark.shared
def test_the_vocabulary_is_learned_again_when_the_index_has_doubled(tmp_path):
    catalog = Catalog(tmp_path, create=True)
    sizes = []
    for source in (ERLANGEN_SATZUNG_2026, METTMANN, KENT_FEB):  # 7, then 12, then 51 chunks
        doc, chunks = parsed(source)
        catalog.replace_file(doc, chunks, f"hash-{source}")
        sizes.append(catalog.reanalyse())
    assert sizes == [7, 0, 51] and LEXICON_GROWTH == 2


def test_a_changed_file_changes_its_lexical_terms_only(catalog):
    catalog.reanalyse()
    doc, chunks = parsed(METTMANN)
    assert catalog.lexical("Heiligenhaus", 5) and not catalog.lexical("Lastenradförderung", 5)
    changed = [
        dataclasses.replace(c, text=c.text.replace("Heiligenhaus", "Lastenradförderung")) for c in chunks
    ]
    catalog.replace_file(doc, changed, "hash-changed")
    assert catalog.lexical("Heiligenhaus", 5) == []
    found = catalog.lexical("Lastenradförderung", 5)
    assert found and "Lastenradförderung" in catalog.chunks([found[0][0]])[found[0][0]].text
    assert catalog.lexical("Hebesätze der Grundsteuer", 3)  # the other file's terms stay


def test_a_file_parsed_again_gives_its_unchanged_texts_the_facts_read_now(catalog):
    """After the reading changed (`INGEST_VERSION`), a file is parsed again: its texts are the same,
    what is read from them may not be."""
    doc, chunks = parsed(KARLSRUHE_TOP14)
    voting = next(c for c in chunks if c.facts.has_vote)
    catalog.replace_file(
        doc, [dataclasses.replace(c, facts=TextFacts()) for c in chunks], "hash-older-reading"
    )
    assert not catalog.chunks([chunk_key(voting.text)])[chunk_key(voting.text)].facts.has_vote
    catalog.replace_file(doc, chunks, "hash-newer-reading")
    assert catalog.chunks([chunk_key(voting.text)])[chunk_key(voting.text)].facts == voting.facts


@pytest.mark.shared
def test_a_catalog_of_schema_4_gets_its_consultations_as_data_on_opening(tmp_path):
    """Schema 4 stored a paper's consultations as texts in each document; opened by this version
    they are read back into body, day and role, and the consultations table is filled."""
    doc, chunks = parsed(KARLSRUHE_TOP14)
    steps = (
        Consultation("Haupt- und Finanzausschuss", date(2024, 10, 8), "Vorberatung"),
        Consultation("Gemeinderat", date(2024, 10, 22), "Entscheidung"),
        Consultation(None, None, "Kenntnisnahme"),
    )
    record = SourceRecord("OParl", paper_reference="2024/0868", consultations=steps)
    catalog = Catalog(tmp_path, create=True)
    catalog.replace_file(dataclasses.replace(doc, record=record), chunks, "hash")
    catalog.close()
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    stored = json.loads(db.execute("SELECT doc FROM files").fetchone()[0])
    stored["record"]["consultations"] = [c.label() for c in steps]  # as schema 4 wrote them
    db.execute("UPDATE files SET doc = ?", (json.dumps(stored),))
    db.execute("DELETE FROM consultations")
    db.execute("UPDATE meta SET value = '4' WHERE name = 'schema'")
    db.commit()
    db.close()

    reopened = Catalog(tmp_path, create=False)
    found = reopened.consultations("2024/0868")
    assert [s.consultation for s in found] == list(steps)
    assert all(s.sources == (KARLSRUHE_TOP14,) for s in found)
    document = reopened.document(KARLSRUHE_TOP14)
    assert document is not None and document.record is not None
    assert document.record.consultations == steps
    reopened.close()


def test_the_word_forms_learned_with_the_vocabulary_read_a_question_typed_in_lower_case(small_index):
    """A question typed all in lower case names its places and bodies as one typed with capitals
    does, so its premises are checked alike (`Catalog.word_forms`, learned at ingest)."""
    forms = Catalog(small_index, create=False).word_forms()
    assert forms["erlangen"] == "Erlangen" and forms["komm-an"] == "KOMM-AN" and "die" not in forms
    cased = Question.read("Welche Städte im Kreis Mettmann haben Mittel aus KOMM-AN NRW beantragt?")
    typed = Question.read(truecased(cased.text.lower(), forms))
    assert (typed.places, typed.names) == (cased.places, cased.names) and cased.places
    assert Question.read(cased.text.lower()).places == ()
