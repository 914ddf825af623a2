"""The catalog: every indexed file, its council metadata, its chunks and a BM25 lexical index, in
one SQLite file under the data dir. It is the index's source of truth; the Chroma collection
(`assistant/index/vectors.py`) holds the vectors and is brought in line with the catalog by each ingest.

Why SQLite: a file's chunks, placements and lexical terms are replaced in one transaction, so a
crash or Ctrl-C leaves the previous or the new state of each file, never a mix; FTS5 gives BM25
that updates incrementally; and documents are searchable as soon as they are parsed, while their
vectors follow.

The lexical index is analysed as `assistant/index/lexical.py` describes; the compound part vocabulary
it uses is the `lexicon` table, learned from the stored passages (`Catalog.reanalyse`).

Every placement also has a row of facets (committee, meeting day, document type, agenda items,
Vorlage numbers, access level) that filters are evaluated on in SQL (`matching_keys`, `lexical`),
so that filtering happens inside the queries and a duplicated chunk matches through any of its
files. The access level is the one facet every query of a viewer who may not read everything is
restricted by (`Filters.readable`); `chunks(keys, readable)` gives a chunk only with the
placements the viewer may read, so a text stored once for a public and a closed file is cited
with the public one only.
Each filter field declares its condition on these columns (`assistant.core.filters.FILTER_FIELDS`);
`_insert_facets` writes the values they read.

A paper's Beratungsfolge (its consultations: body, meeting day, role, agenda item, result, as the
registry gives them) is stored per file the paper describes, in the `consultations` table, so
that "Was ist aus der Vorlage 2024/0868 geworden?" is answered from data (`consultations`), and
only from files the viewer may read: a consultation in a closed agenda item is nichtöffentlich.

Duplicates are stored once. A chunk's key is the hash of its normalised text, so the same text
in several files (Kent minutes reprinted in later agenda packs, the Karlsruhe Niederschrift
extract attached to several Vorlagen) is one chunk with several placements: one lexical entry,
one vector, cited with all its sources. Its primary placement (the first öffentlich source in
path order, else the first source) gives the metadata it is embedded with, so that the vector and
the lexical entry of a text that is also published never carry a closed file's title.
"""

import dataclasses
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from assistant.core.access import ACCESS_LEVELS, PUBLIC, AccessLevel, level_of, stricter
from assistant.core.answers import Passage
from assistant.core.dates import day_of
from assistant.core.doc_types import DECISION_RECORDS, MEETING_RECORDS
from assistant.core.documents import AgendaItem, Chunk, Consultation, CouncilDocument, Section
from assistant.core.facts import TextFacts, read_facts
from assistant.core.filters import (
    FEW_ADMITTED,
    NO_FILTERS,
    WIDER,
    Filters,
    IndexFacets,
    best_admitted,
    day_number,
    facet_condition,
)
from assistant.core.text import word_forms
from assistant.index.lexical import ANALYSIS_VERSION, FTS_TOKENIZER, Analyzer, corpus_part_counts
from assistant.index.vectors import IndexEmpty, StoreError

SCHEMA_VERSION = "5"
# The compound part vocabulary is learned again (and every passage re-analysed) once the index
# has grown to this many times the passages it was learned from: amortised linear work, and a
# vocabulary learned from the first few files does not stay.
LEXICON_GROWTH = 2
_MEETING_RECORDS = tuple(sorted(MEETING_RECORDS))  # the latest of them dates a committee's latest meeting

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY, file_hash TEXT NOT NULL, doc TEXT NOT NULL, pages INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    key TEXT PRIMARY KEY, text TEXT NOT NULL, facts TEXT NOT NULL DEFAULT '{{}}',
    has_vote INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS placements (
    source TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT NOT NULL, page INTEGER,
    paragraph INTEGER NOT NULL, paragraph_starts TEXT NOT NULL, start INTEGER NOT NULL, section INTEGER,
    PRIMARY KEY (source, idx)
);
CREATE INDEX IF NOT EXISTS placements_key ON placements (key);
CREATE TABLE IF NOT EXISTS facets (
    source TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT NOT NULL, committee TEXT, day INTEGER,
    doc_type TEXT, items TEXT NOT NULL, vorlagen TEXT NOT NULL, access TEXT NOT NULL DEFAULT '{PUBLIC}',
    PRIMARY KEY (source, idx)
);
CREATE INDEX IF NOT EXISTS facets_key ON facets (key);
CREATE INDEX IF NOT EXISTS facets_committee ON facets (committee, day);
CREATE INDEX IF NOT EXISTS facets_day ON facets (day);
-- for the rare level only (holds_beyond): every other condition reads "+access" (facet_condition)
CREATE INDEX IF NOT EXISTS facets_access ON facets (access);
CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5 (key UNINDEXED, terms, tokenize="{FTS_TOKENIZER}");
CREATE TABLE IF NOT EXISTS lexicon (term TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS word_forms (word TEXT PRIMARY KEY, form TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consultations (
    source TEXT NOT NULL, position INTEGER NOT NULL, paper TEXT NOT NULL, body TEXT, day INTEGER,
    role TEXT, item TEXT, item_title TEXT, result TEXT, meeting TEXT, authoritative INTEGER,
    access TEXT NOT NULL DEFAULT '{PUBLIC}',
    PRIMARY KEY (source, position)
);
CREATE INDEX IF NOT EXISTS consultations_paper ON consultations (paper);
"""


@dataclass(frozen=True)
class Placement:
    """Where a chunk's text stands in one file."""

    source: str
    index: int  # chunk position within the document
    page: int | None
    paragraph: int
    paragraph_starts: tuple[int, ...]
    start: int
    section: int | None
    access: AccessLevel = PUBLIC


@dataclass(frozen=True)
class StoredChunk:
    """A chunk with its document and where it stands; `placements[0]` is the primary one."""

    key: str
    text: str
    placements: tuple[Placement, ...]
    doc: CouncilDocument  # the primary placement's document (without pages)
    facts: TextFacts  # what the text states, read at ingest

    @property
    def primary(self) -> Placement:
        return self.placements[0]

    @property
    def section(self) -> Section | None:
        i = self.primary.section
        return self.doc.sections[i] if i is not None and i < len(self.doc.sections) else None

    def passage(self, score: float | None) -> Passage:
        p, doc, section = self.primary, self.doc, self.section
        return Passage(
            chunk_id=self.key,
            source=p.source,
            title=doc.title,
            committee=doc.committee,
            meeting_date=doc.meeting_date,
            vorlage=doc.vorlage,
            subject=doc.subject,
            page=p.page,
            paragraph=p.paragraph,
            paragraph_starts=p.paragraph_starts,
            start=p.start,
            text=self.text,
            score=score,
            doc_type=doc.doc_type,
            agenda_item=section.item if section else None,
            vote=section.vote if section else None,
            decision=section.decision if section else None,
            also_in=tuple(dict.fromkeys(x.source for x in self.placements[1:] if x.source != p.source)),
            record=doc.record,
            facts=self.facts,
            access=p.access,
        )

    def embedding_input(self) -> str:
        """What is embedded and indexed for BM25: the text under a short header naming the
        document and agenda item, so that a vote line ("Einstimmige Zustimmung (46 Ja)") is found
        by its agenda item."""
        section = self.section
        item = section.item.label() if section and section.item else self.doc.subject
        day = self.doc.meeting_date
        parts = (self.doc.title, item, self.doc.committee, day.isoformat() if day else None)
        header = " · ".join(dict.fromkeys(x for x in parts if x))
        return f"{header[:300]}\n\n{self.text}"


def chunk_key(text: str) -> str:
    """Content key of a chunk: the same words give the same key, whatever the file, the
    whitespace or the case (Kent's reprinted minutes differ only in bytes)."""
    normalised = " ".join(re.findall(r"\w+", text.lower()))
    return hashlib.sha1(normalised.encode()).hexdigest()[:20]


class Catalog:
    def __init__(self, data_dir: Path, *, create: bool):
        path = data_dir / "catalog.sqlite"
        if not create and not path.exists():
            raise IndexEmpty.in_dir(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(
                f"Der Katalog {path} lässt sich nicht öffnen ({exc}); bitte prüfen, ob das Datenverzeichnis "
                "beschreibbar ist."
            ) from exc
        # (the analysis stamp they were loaded at, the analyzer, the word forms: `word_forms`)
        self._vocab: tuple[str | None, Analyzer, dict[str, str]] | None = None
        self._writes = 0  # transactions committed through this catalog
        self._facets: dict[frozenset[AccessLevel] | None, IndexFacets] = {}  # by readable levels
        self._facets_stamp: tuple[int, int] | None = None  # (writes, data_version) they were read at
        version = self._meta("schema")
        if version is None:
            self._set_meta("schema", SCHEMA_VERSION)
            self._set_meta("analysis", f"{ANALYSIS_VERSION}:0")  # current, no vocabulary learned yet
        elif version in ("1", "2", "3", "4"):
            self._add_access()  # before facet rows are written again
            self._add_consultations()  # before any document is read: older ones hold texts
            if version == "1":
                self._add_facets()
            if version in ("1", "2"):
                self._add_facts()
            self._set_meta("schema", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise StoreError(
                f"Der Index in {data_dir} hat das Katalogschema {version}, diese Version braucht "
                f"{SCHEMA_VERSION}: bitte in ein neues Datenverzeichnis einlesen (--data-dir)."
            )

    def close(self) -> None:
        self._db.close()

    # --- reading ------------------------------------------------------------------------------

    def file_hashes(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT source, file_hash FROM files"))

    def empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None

    def count(self, readable: frozenset[AccessLevel] | None = None) -> int:
        """Distinct chunks (a duplicate text counts once), of those `readable` (None: all)."""
        if readable is None:
            return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
        condition, args = _readable(readable)
        return int(
            self._db.execute(f"SELECT COUNT(DISTINCT key) FROM facets WHERE {condition}", args).fetchone()[0]
        )

    def file_count(self, readable: frozenset[AccessLevel] | None = None) -> int:
        """Indexed files, of those with a placement `readable` (None: all, with empty files)."""
        if readable is None:
            return int(self._db.execute("SELECT COUNT(*) FROM files").fetchone()[0])
        condition, args = _readable(readable)
        query = f"SELECT COUNT(DISTINCT source) FROM facets WHERE {condition}"
        return int(self._db.execute(query, args).fetchone()[0])

    def keys(self) -> set[str]:
        return {k for (k,) in self._db.execute("SELECT key FROM chunks")}

    def chunks(
        self, keys: Sequence[str], readable: frozenset[AccessLevel] | None = None
    ) -> dict[str, StoredChunk]:
        """The chunks with these keys (unknown keys are left out), each with its placements of a
        level in `readable` (None: all); a chunk with none such is left out."""
        found: dict[str, StoredChunk] = {}
        docs: dict[str, CouncilDocument] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            marks = ",".join("?" * len(part))
            texts = {
                key: (text, facts)
                for key, text, facts in self._db.execute(
                    f"SELECT key, text, facts FROM chunks WHERE key IN ({marks})", part
                )
            }
            placements: dict[str, list[Placement]] = {}
            condition, args = _readable(readable)
            for key, *row in self._db.execute(
                "SELECT p.key, p.source, p.idx, p.page, p.paragraph, p.paragraph_starts, p.start, "
                "p.section, f.access FROM placements p "
                f"JOIN (SELECT source, idx, access FROM facets WHERE {condition}) f "
                f"ON f.source = p.source AND f.idx = p.idx WHERE p.key IN ({marks}) "
                "ORDER BY f.access != ?, p.source, p.idx",
                (*args, *part, PUBLIC),
            ):
                placements.setdefault(key, []).append(_placement(row))
            for key, (text, facts) in texts.items():
                where = placements.get(key)
                if not where:
                    continue
                source = where[0].source
                if source not in docs:
                    docs[source] = self._doc(source)
                found[key] = StoredChunk(key, text, tuple(where), docs[source], _FACTS.validate_json(facts))
        return found

    def following(
        self, source: str, key: str, readable: frozenset[AccessLevel] | None = None
    ) -> Passage | None:
        """The chunk `source` places right after the chunk `key`, as a passage of that placement;
        None at the file's end, or where it is not of a level in `readable`."""
        row = self._db.execute(
            "SELECT n.key, n.idx FROM placements p "
            "JOIN placements n ON n.source = p.source AND n.idx = p.idx + 1 "
            "WHERE p.source = ? AND p.key = ? ORDER BY p.idx LIMIT 1",
            (source, key),
        ).fetchone()
        stored = self.chunks([row[0]], readable).get(row[0]) if row else None
        if stored is None:
            return None
        here = [x for x in stored.placements if x.source == source and x.index == row[1]]
        return dataclasses.replace(stored, placements=(here[0],)).passage(None) if here else None

    def all_chunks(self) -> list[StoredChunk]:
        return list(self.chunks(sorted(self.keys())).values())

    def lexical(self, question: str, k: int, filters: Filters = NO_FILTERS) -> list[tuple[str, float]]:
        """(key, BM25 score) of the k best chunks for the question among those matching
        `filters`, best first (higher is better).

        FTS5 scores every chunk that holds a question term and sorts them; a restriction to the
        keys a filter admits made SQLite list those first (the public's levels at 100,000 chunks:
        650 ms against 120 ms unrestricted). So only a filter that admits few is written into the
        query; one that admits many is applied to the best of the unrestricted ranking
        (`best_admitted`)."""
        expression = self._analysis().match_expression(question)
        if expression is None:
            return []

        def ranking(n: int) -> list[tuple[str, float]]:
            rows = self._db.execute(
                "SELECT key, bm25(lexical) AS score FROM lexical WHERE lexical MATCH ? "
                "ORDER BY score LIMIT ?",
                (expression, n),
            )
            return [(key, -float(score)) for key, score in rows]

        def restricted() -> list[tuple[str, float]]:
            condition, args = facet_condition(filters)
            rows = self._db.execute(
                "SELECT key, bm25(lexical) AS score FROM lexical WHERE lexical MATCH ? "
                f"AND key IN (SELECT key FROM facets WHERE {condition}) ORDER BY score LIMIT ?",
                (expression, *args, k),
            )
            return [(key, -float(score)) for key, score in rows]

        if not self.restricts(filters):
            return ranking(k)
        if self.few_matching_keys(filters, FEW_ADMITTED) is not None:
            return restricted()
        # FTS5 scores every match whatever the limit: one deep read, not one per depth
        deepest = (max(WIDER),)
        return best_admitted(k, ranking, lambda keys: self.admitted(keys, filters), restricted, deepest)

    def keys_of_sources(
        self, sources: Iterable[str], filters: Filters = NO_FILTERS, *, recording_votes: bool = False
    ) -> list[str]:
        """The chunks these files place, in file order, where the placement matches `filters`;
        with `recording_votes`, only chunks whose text records a vote (`TextFacts.has_vote`)."""
        unique = list(dict.fromkeys(sources))
        if not unique:
            return []
        marks = ",".join("?" * len(unique))
        condition, args = facet_condition(filters)
        votes = "AND key IN (SELECT key FROM chunks WHERE has_vote) " if recording_votes else ""
        rows = self._db.execute(
            f"SELECT key FROM facets WHERE source IN ({marks}) AND {condition} {votes}ORDER BY source, idx",
            (*unique, *args),
        )
        return list(dict.fromkeys(k for (k,) in rows))

    def sources_of_type(self, doc_type: str, filters: Filters = NO_FILTERS) -> list[str]:
        """The files of this document type with a placement matching `filters`."""
        condition, args = facet_condition(filters)
        rows = self._db.execute(
            f"SELECT DISTINCT source FROM facets WHERE doc_type = ? AND {condition} ORDER BY source",
            (doc_type, *args),
        )
        return [source for (source,) in rows]

    def matching_keys(self, filters: Filters) -> list[str]:
        """Every chunk with a placement that matches `filters` (all its fields at once)."""
        condition, args = facet_condition(filters)
        return [k for (k,) in self._db.execute(f"SELECT DISTINCT key FROM facets WHERE {condition}", args)]

    def few_matching_keys(self, filters: Filters, at_most: int) -> list[str] | None:
        """`matching_keys`, where they are at most `at_most`; None where there are more (without
        listing them: a filter that admits most of a million chunks is not spelt out). Made
        distinct here, as the rows come: SQLite's DISTINCT walked the key index and looked up
        every row (50 ms for 5,000 keys at 100,000 chunks, against 5 ms)."""
        condition, args = facet_condition(filters)
        rows = self._db.execute(f"SELECT key FROM facets WHERE {condition}", args)
        keys: dict[str, None] = {}
        try:
            for (key,) in rows:
                keys[key] = None
                if len(keys) > at_most:
                    return None
        finally:
            rows.close()
        return list(keys)

    def admitted(self, keys: Sequence[str], filters: Filters) -> set[str]:
        """Those of `keys` with a placement that matches `filters` (looked up by key)."""
        condition, args = facet_condition(filters)
        found: set[str] = set()
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                "SELECT DISTINCT key FROM facets INDEXED BY facets_key "
                f"WHERE key IN ({marks}) AND {condition}",
                (*part, *args),
            )
            found.update(k for (k,) in rows)
        return found

    def restricts(self, filters: Filters) -> bool:
        """`filters` exclude something the index holds: a filter field is set, or the viewer may
        not read some placement (an index of published files only, the common case, is not
        restricted for the public)."""
        return filters.chosen or self.holds_beyond(filters.readable)

    def holds_beyond(self, readable: frozenset[AccessLevel] | None) -> bool:
        """Some placement has a level outside `readable` (None: all levels, so never). Asked of
        the levels that are not readable, so that the index on levels answers it."""
        beyond = sorted(set(ACCESS_LEVELS) - (readable if readable is not None else set(ACCESS_LEVELS)))
        if not beyond:
            return False
        marks = ",".join("?" * len(beyond))
        return (
            self._db.execute(f"SELECT 1 FROM facets WHERE access IN ({marks}) LIMIT 1", beyond).fetchone()
            is not None
        )

    def has_matches(self, filters: Filters) -> bool:
        condition, args = facet_condition(filters)
        return (
            self._db.execute(f"SELECT 1 FROM facets WHERE {condition} LIMIT 1", args).fetchone() is not None
        )

    def facets(self, readable: frozenset[AccessLevel] | None = None) -> IndexFacets:
        """The committees and document types in the index, and each committee's latest meeting,
        as far as placements of a level in `readable` (None: all) show them: a committee that
        meets only in closed session is not offered to the public.

        Every question reads them (its filters are matched against them) and they take a scan of
        every placement (360 ms at 100,000 chunks), so they are kept until the catalog changes:
        a write through this catalog, or a commit by another process (SQLite's data_version)."""
        stamp = (self._writes, int(self._db.execute("PRAGMA data_version").fetchone()[0]))
        if stamp != self._facets_stamp:
            self._facets, self._facets_stamp = {}, stamp
        if readable not in self._facets:
            self._facets[readable] = self._read_facets(readable)
        return self._facets[readable]

    def _read_facets(self, readable: frozenset[AccessLevel] | None) -> IndexFacets:
        condition, args = _readable(readable)
        committees = self._db.execute(
            f"SELECT DISTINCT committee FROM facets WHERE committee IS NOT NULL AND {condition} "
            "ORDER BY committee",
            args,
        )
        doc_types = self._db.execute(
            f"SELECT DISTINCT doc_type FROM facets WHERE doc_type IS NOT NULL AND {condition} "
            "ORDER BY doc_type",
            args,
        )
        marks = ",".join("?" * len(_MEETING_RECORDS))
        latest = self._db.execute(
            f"SELECT committee, MAX(day) FROM facets WHERE day IS NOT NULL AND doc_type IN ({marks}) "
            f"AND {condition} GROUP BY committee",
            (*_MEETING_RECORDS, *args),
        ).fetchall()
        by_committee = [(c, _date_of(day)) for c, day in latest if c is not None]
        overall = [(None, _date_of(max(day for _, day in latest)))] if latest else []
        return IndexFacets(
            committees=tuple(c for (c,) in committees),
            doc_types=tuple(t for (t,) in doc_types),
            latest_meeting=tuple(by_committee + overall),
        )

    def document(self, source: str) -> CouncilDocument | None:
        """The stored metadata of a file (its pages are not stored: the chunks hold the text)."""
        row = self._db.execute("SELECT doc FROM files WHERE source = ?", (source,)).fetchone()
        return None if row is None else _doc_from_json(row[0])

    def consultations(
        self, paper: str, readable: frozenset[AccessLevel] | None = None
    ) -> list["PaperConsultation"]:
        """The Beratungsfolge of paper `paper` ("2024/0868") in the registry's order, each step
        once with the files whose record gives it, as far as `readable` (None: all) admits both
        the step (its agenda item's level) and at least one of those files."""
        condition, args = _readable(readable)
        rows = self._db.execute(
            "SELECT source, position, body, day, role, item, item_title, result, meeting, authoritative, "
            f"access FROM consultations WHERE paper = ? AND {condition} "
            f"AND source IN (SELECT source FROM facets WHERE {condition}) ORDER BY position, source",
            (paper, *args, *args),
        )
        steps: dict[Consultation, list[str]] = {}
        for source, _, body, day, role, item, title, result, meeting, authoritative, access in rows:
            step = Consultation(
                body=body,
                meeting_date=_date_of(day) if day else None,
                role=role,
                agenda_item=None if item is None else AgendaItem(item, title or ""),
                result=result,
                meeting_name=meeting,
                authoritative=None if authoritative is None else bool(authoritative),
                access=access,
            )
            steps.setdefault(step, []).append(source)
        return [PaperConsultation(step, tuple(sources)) for step, sources in steps.items()]

    def meetings(
        self,
        committee: str,
        first: date | None = None,
        last: date | None = None,
        readable: frozenset[AccessLevel] | None = None,
    ) -> list[tuple[date, tuple[str, ...]]]:
        """The days from `first` to `last` (None: open) on which `committee` met, as far as the
        index holds a record of the meeting (minutes, an agenda, a vote record) that `readable`
        admits, each with the keys of the opening chunks of its records: of the first that
        records decisions (minutes) and of the first that announces the meeting (an invitation,
        an agenda), in path order, where it holds them."""
        condition, args = _readable(readable)
        marks = ",".join("?" * len(_MEETING_RECORDS))
        rows = self._db.execute(
            f"SELECT day, key, doc_type FROM facets WHERE committee = ? AND day BETWEEN ? AND ? "
            f"AND doc_type IN ({marks}) AND {condition} ORDER BY day, source, idx",
            (
                committee,
                day_number(first) if first else 0,
                day_number(last) if last else 99999999,
                *_MEETING_RECORDS,
                *args,
            ),
        )
        opening: dict[int, dict[bool, str]] = {}
        for day, key, doc_type in rows:
            opening.setdefault(day, {}).setdefault(doc_type in DECISION_RECORDS, key)
        return [
            (_date_of(day), tuple(keys[kind] for kind in (True, False) if kind in keys))
            for day, keys in sorted(opening.items())
        ]

    # --- writing ------------------------------------------------------------------------------

    def replace_file(self, doc: CouncilDocument, chunks: Sequence[Chunk], file_hash: str) -> None:
        """Make the catalog hold exactly `chunks` for this file, in one transaction."""
        self._reanalyse_if_outdated()
        with self._transaction():
            old = self._keys_of(doc.source)
            self._db.execute("DELETE FROM placements WHERE source = ?", (doc.source,))
            self._db.execute("DELETE FROM facets WHERE source = ?", (doc.source,))
            self._db.execute(
                "INSERT OR REPLACE INTO files (source, file_hash, doc, pages) VALUES (?, ?, ?, ?)",
                (doc.source, file_hash, _doc_json(doc), len(doc.pages)),
            )
            for chunk in chunks:
                key = chunk_key(chunk.text)
                self._db.execute(
                    "INSERT INTO placements VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.source,
                        chunk.index,
                        key,
                        chunk.page,
                        chunk.paragraph,
                        ",".join(map(str, chunk.paragraph_starts)),
                        chunk.start,
                        chunk.section,
                    ),
                )
                self._insert_facets(doc, chunk.index, key, chunk.section)
                # a text stored before keeps its key, and takes the facts read now (a file parsed
                # again after the reading changed, `INGEST_VERSION`)
                self._db.execute(
                    "INSERT INTO chunks (key, text, facts, has_vote) VALUES (?, ?, ?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET facts = excluded.facts, has_vote = excluded.has_vote",
                    (key, chunk.text, _FACTS.dump_json(chunk.facts).decode(), chunk.facts.has_vote),
                )
            self._insert_consultations(doc)
            self._drop_orphans(old)
            self._write_lexical(old | {chunk_key(chunk.text) for chunk in chunks})

    def delete_sources(self, sources: Iterable[str]) -> None:
        self._reanalyse_if_outdated()
        for source in sources:
            with self._transaction():
                old = self._keys_of(source)
                self._db.execute("DELETE FROM placements WHERE source = ?", (source,))
                self._db.execute("DELETE FROM facets WHERE source = ?", (source,))
                self._db.execute("DELETE FROM files WHERE source = ?", (source,))
                self._db.execute("DELETE FROM consultations WHERE source = ?", (source,))
                self._drop_orphans(old)
                self._write_lexical(old)  # a shared chunk may now have another primary file

    def word_forms(self) -> Mapping[str, str]:
        """How the stored passages write the words they capitalise (`assistant.core.text.word_forms`),
        learned with the compound vocabulary (`reanalyse`); empty before the first analysis."""
        return self._vocabulary()[1]

    def reanalyse(self) -> int:
        """Learn the compound part vocabulary from the stored passages and re-analyse the lexical
        index from them, when the analysis (`ANALYSIS_VERSION`) changed or the index has grown to
        `LEXICON_GROWTH` times the passages the vocabulary was learned from. Chunk texts are
        stored, so nothing is parsed or embedded again. Returns the passages re-analysed (0: the
        index was up to date). Between two re-analyses new passages are analysed with the stored
        vocabulary, and so are questions: index and questions always agree."""
        version, _, basis = (self._meta("analysis") or "").partition(":")
        count = self.count()
        if count == 0 or (version == ANALYSIS_VERSION and count < LEXICON_GROWTH * int(basis or 0)):
            return 0
        with self._transaction():
            chunks = self.all_chunks()
            counts = corpus_part_counts(chunk.text for chunk in chunks)
            analyzer = Analyzer(counts)
            rowids = dict(self._db.execute("SELECT key, rowid FROM chunks"))
            self._db.execute("DELETE FROM lexicon")
            self._db.executemany("INSERT INTO lexicon VALUES (?, ?)", counts.items())
            self._db.execute("DELETE FROM word_forms")
            self._db.executemany(
                "INSERT INTO word_forms VALUES (?, ?)", word_forms(c.text for c in chunks).items()
            )
            self._db.execute("DELETE FROM lexical")
            self._db.executemany(
                "INSERT INTO lexical (rowid, key, terms) VALUES (?, ?, ?)",
                ((rowids[c.key], c.key, analyzer.index_terms(c.embedding_input())) for c in chunks),
            )
            self._set_meta("analysis", f"{ANALYSIS_VERSION}:{len(chunks)}")
        return len(chunks)

    # --- internals ----------------------------------------------------------------------------

    def _analysis(self) -> Analyzer:
        return self._vocabulary()[0]

    def _vocabulary(self) -> tuple[Analyzer, dict[str, str]]:
        """The analyzer of the stored vocabulary and the stored word forms, loaded again only when
        an ingest (here or in another process) has re-analysed the index."""
        stamp = self._meta("analysis")
        if self._vocab is None or self._vocab[0] != stamp:
            counts = dict(self._db.execute("SELECT term, count FROM lexicon"))
            forms = dict(self._db.execute("SELECT word, form FROM word_forms"))
            self._vocab = (stamp, Analyzer(counts), forms)
        return self._vocab[1], self._vocab[2]

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._db, self._committed)

    def _committed(self) -> None:
        self._writes += 1

    def _keys_of(self, source: str) -> set[str]:
        return {k for (k,) in self._db.execute("SELECT key FROM placements WHERE source = ?", (source,))}

    def _write_lexical(self, keys: set[str]) -> None:
        """(Re)index these chunks for BM25 from what is also embedded: the text under its primary
        placement's header (title, agenda item, body, date), so that "Stadtteilbeirat am 24.04.2024"
        finds every passage of those minutes, not only the one that names the date. Chunks no
        longer stored are skipped."""
        analyzer = self._analysis()
        for key, chunk in self.chunks(sorted(keys)).items():
            rowid = self._rowid(key)
            self._db.execute("DELETE FROM lexical WHERE rowid = ?", (rowid,))
            terms = analyzer.index_terms(chunk.embedding_input())
            self._db.execute("INSERT INTO lexical (rowid, key, terms) VALUES (?, ?, ?)", (rowid, key, terms))

    def _rowid(self, key: str) -> int:
        """A chunk's lexical entry has the chunk's rowid, so it is found without scanning the
        index (`reanalyse` lays an index out so; an older one is re-analysed before any write)."""
        return int(self._db.execute("SELECT rowid FROM chunks WHERE key = ?", (key,)).fetchone()[0])

    def _reanalyse_if_outdated(self) -> None:
        if (self._meta("analysis") or "").partition(":")[0] != ANALYSIS_VERSION:
            self.reanalyse()

    def _insert_facets(self, doc: CouncilDocument, index: int, key: str, section: int | None) -> None:
        """The placement's facet row: the values the filter fields' conditions read. Agenda items
        and Vorlage numbers are stored space-delimited (" 15 15.1 "), so that a condition tests
        for a whole number. The access level is the document's, or nichtöffentlich where the
        agenda item's number or title says so ("NÖ 3", "Nichtöffentlicher Teil")."""
        item = doc.sections[section].item if section is not None and section < len(doc.sections) else None
        record = doc.record
        numbers = [
            item.number if item else None,
            record.agenda_item.number if record and record.agenda_item else None,
        ]
        items = dict.fromkeys(n for x in numbers if x for n in re.findall(r"\d+(?:[.\-/]\d+)*", x))
        vorlagen = dict.fromkeys(v for v in (doc.vorlage, record.paper_reference if record else None) if v)
        day = doc.meeting_date
        access = doc.access
        if item is not None:
            access = stricter(stricter(access, level_of(item.number)), level_of(item.title))
        self._db.execute(
            "INSERT INTO facets (source, idx, key, committee, day, doc_type, items, vorlagen, access) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.source,
                index,
                key,
                doc.committee,
                day_number(day) if day else None,
                doc.doc_type,
                f" {' '.join(items)} ",
                f" {' '.join(vorlagen)} ",
                access,
            ),
        )

    def _insert_consultations(self, doc: CouncilDocument) -> None:
        """The Beratungsfolge the file's registry record gives its paper (none without one)."""
        self._db.execute("DELETE FROM consultations WHERE source = ?", (doc.source,))
        record = doc.record
        if record is None or not record.paper_reference:
            return
        for position, c in enumerate(record.consultations):
            self._db.execute(
                "INSERT INTO consultations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.source,
                    position,
                    record.paper_reference,
                    c.body,
                    day_number(c.meeting_date) if c.meeting_date else None,
                    c.role,
                    c.agenda_item.number if c.agenda_item else None,
                    c.agenda_item.title if c.agenda_item else None,
                    c.result,
                    c.meeting_name,
                    None if c.authoritative is None else int(c.authoritative),
                    c.access,  # its own agenda item's; the file's level is checked where it is read
                ),
            )

    def _add_consultations(self) -> None:
        """Schema 4 → 5: documents stored their paper's consultations as texts ("Gemeinderat
        22.10.2024 (Entscheidung)"); they become `Consultation`s read back from those texts (body,
        day, role; the next ingest of the file adds agenda item and result), and the
        consultations table is filled from them. Nothing is parsed from files or embedded."""
        with self._transaction():
            for source, raw in self._db.execute("SELECT source, doc FROM files").fetchall():
                data = json.loads(raw)
                record = data.get("record")
                if not record or not any(isinstance(c, str) for c in record.get("consultations") or ()):
                    continue
                record["consultations"] = [
                    dataclasses.asdict(_from_label(c)) if isinstance(c, str) else c
                    for c in record["consultations"]
                ]
                converted = json.dumps(data, ensure_ascii=False, default=str)
                self._db.execute("UPDATE files SET doc = ? WHERE source = ?", (converted, source))
                self._insert_consultations(_doc_from_json(converted))

    def _add_facets(self) -> None:
        """Schema 1 → 2: facet rows for the placements of a catalog written before filters."""
        with self._transaction():
            self._db.execute("DELETE FROM facets")
            for source, raw in self._db.execute("SELECT source, doc FROM files").fetchall():
                doc = _doc_from_json(raw)
                rows = self._db.execute(
                    "SELECT idx, key, section FROM placements WHERE source = ?", (source,)
                )
                for index, key, section in rows.fetchall():
                    self._insert_facets(doc, index, key, section)
            self._set_meta("schema", "2")

    def _add_access(self) -> None:
        """Schema 3 → 4: every placement's access level; an index written before levels existed
        holds only what was published (öffentlich)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(facets)")}
        if "access" not in columns:
            self._db.execute(f"ALTER TABLE facets ADD COLUMN access TEXT NOT NULL DEFAULT '{PUBLIC}'")

    def _add_facts(self) -> None:
        """Schema 2 → 3: what each stored chunk text states (`TextFacts`), read from the texts;
        nothing is parsed from files or embedded again."""
        with self._transaction():
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(chunks)")}
            if "facts" not in columns:
                self._db.execute("ALTER TABLE chunks ADD COLUMN facts TEXT NOT NULL DEFAULT '{}'")
                self._db.execute("ALTER TABLE chunks ADD COLUMN has_vote INTEGER NOT NULL DEFAULT 0")
            for key, text in self._db.execute("SELECT key, text FROM chunks").fetchall():
                facts = read_facts(text)
                self._db.execute(
                    "UPDATE chunks SET facts = ?, has_vote = ? WHERE key = ?",
                    (_FACTS.dump_json(facts).decode(), facts.has_vote, key),
                )
            self._set_meta("schema", SCHEMA_VERSION)

    def _drop_orphans(self, candidates: set[str]) -> None:
        """Chunks no file places any more leave the catalog and the lexical index."""
        for key in candidates:
            if self._db.execute("SELECT 1 FROM placements WHERE key = ? LIMIT 1", (key,)).fetchone():
                continue
            self._db.execute("DELETE FROM lexical WHERE rowid = ?", (self._rowid(key),))
            self._db.execute("DELETE FROM chunks WHERE key = ?", (key,))

    def _doc(self, source: str) -> CouncilDocument:
        row = self._db.execute("SELECT doc FROM files WHERE source = ?", (source,)).fetchone()
        return _doc_from_json(row[0])

    def _meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, name: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))


class _Transaction:
    def __init__(self, db: sqlite3.Connection, committed: Callable[[], None]):
        self._db = db
        self._committed = committed

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        if not exc_type:
            self._committed()


@dataclass(frozen=True)
class PaperConsultation:
    """A step of a paper's Beratungsfolge and the indexed files whose registry record gives it."""

    consultation: Consultation
    sources: tuple[str, ...]


_LABEL = re.compile(r"^(?P<head>.*?)\s*\((?P<role>[^()]*)\)$")
_LABEL_DAY = re.compile(r"^(?P<body>.*?)\s*(?P<day>\d{2}\.\d{2}\.\d{4})$")


def _from_label(text: str) -> Consultation:
    """A consultation as catalog schema 4 stored it, read back.

    >>> _from_label("Haupt- und Finanzausschuss 08.10.2024 (Vorberatung)")
    Consultation(body='Haupt- und Finanzausschuss', meeting_date=datetime.date(2024, 10, 8), \
role='Vorberatung', agenda_item=None, result=None, meeting_name=None, authoritative=None, access='öffentlich')
    >>> [(c.body, c.role) for c in map(_from_label, ["Gemeinderat (Behandlung)", "Vorberatung"])]
    [('Gemeinderat', 'Behandlung'), (None, 'Vorberatung')]
    """
    m = _LABEL.match(text)
    head, role = (m["head"], m["role"]) if m else ("", text)
    dated = _LABEL_DAY.match(head)
    body, day = (dated["body"], day_of(dated["day"], "%d.%m.%Y")) if dated else (head, None)
    return Consultation(body=body or None, meeting_date=day, role=role or None)


def _date_of(day: int) -> date:
    """The inverse of `day_number`: 20241022 → 2024-10-22."""
    return date(day // 10000, day // 100 % 100, day % 100)


def _readable(readable: frozenset[AccessLevel] | None) -> tuple[str, list[Any]]:
    """An SQL condition on a facets row: its level is among `readable` ("1" for None: all)."""
    return facet_condition(Filters(readable=readable))


def _placement(row: Sequence[Any]) -> Placement:
    source, index, page, paragraph, starts, start, section, access = row
    return Placement(
        source=source,
        index=int(index),
        page=page,
        paragraph=int(paragraph),
        paragraph_starts=tuple(int(x) for x in str(starts).split(",")),
        start=int(start),
        section=section,
        access=access,
    )


# The one serialisation of the domain types: pydantic reads and writes the dataclasses as they are.
_DOCUMENT = TypeAdapter(CouncilDocument)
_FACTS = TypeAdapter(TextFacts)


def _doc_json(doc: CouncilDocument) -> str:
    """The document's metadata as JSON (its pages stay out: the chunks carry the text)."""
    return _DOCUMENT.dump_json(dataclasses.replace(doc, pages=[])).decode()


def _doc_from_json(raw: str) -> CouncilDocument:
    return _DOCUMENT.validate_json(raw)
