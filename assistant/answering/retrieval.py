"""Retrieval: a list of signals, each ranking the chunks for a question, fused by reciprocal rank
with the weights of `retrieval.weights`, best passages first.

- `DenseSignal`: the question's vector against Chroma; finds paraphrases that share no word
  with the question.
- `LexicalSignal`: BM25 over the catalog (`assistant.index.lexical`); works as soon as a file
  is parsed, so documents are searchable before their vectors exist.

Reciprocal rank fusion needs no score calibration between the signals: a passage's fused score
is sum(weight / (RRF_K + rank)) over the rankings it appears in. With BM25's weight 2 and every
signal ranking top_k, a passage only the vector search finds could never reach the top_k (BM25's
last, 2/75, beats the vector search's first, 1/61), so each signal's best `kept_per_signal`
passages are kept in the top_k whatever their fused rank. A new signal is one `Signal`
subclass in `SIGNALS` and one weight field of the same name in `SignalWeights`.

Filters (committee, dates, type, TOP, Vorlage) and the viewer's access levels (`Filters.readable`)
restrict every signal inside its query (one that admits many chunks by reading the unrestricted
ranking deeper, `best_admitted`), and the chunks are read back with the placements the viewer may
read only. For a vote question the vote records of the best documents are added after the
fused ranking, and for a question on what was decided the records of the same agenda items in
other meetings (`CouncilRetriever._hearings`).

`CouncilRetriever` is a llama-index `BaseRetriever` (it implements `_retrieve` only), so
llama-index query engines can use it; our own services call `search()` and get typed
`Passage` values.
"""

import re
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import ClassVar

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.answering.passages import (
    CHAIR_LINE,
    OFFICE_LINE,
    SIGNATURE_LINE,
    STATUTE,
    VENUE_LINE,
    as_version,
    continued,
    ends_open,
    newer_version,
    same_item,
    shared_sentences,
    versions,
)
from assistant.answering.question import Question
from assistant.answering.question_filters import names_meeting
from assistant.core.answers import Passage
from assistant.core.documents import CouncilDocument
from assistant.core.filters import FEW_ADMITTED, NO_FILTERS, AppliedFilters, Filters, best_admitted
from assistant.core.settings import RetrievalSettings
from assistant.core.votes import printed_at
from assistant.index.catalog import Catalog, StoredChunk
from assistant.index.vectors import IndexEmpty, VectorStore

# Vote records, and the lines naming a meeting's chair or venue or opening a record's signature
# block, are added from this many of the best-ranked documents.
VOTE_RECORD_SOURCES = 3
# A list or roll call cut by chunk boundaries is completed from at most this many following chunks.
CONTINUED_CHUNKS = 2
# The header lines of a meeting's record or a paper that answer a kind of question (`Question.kinds`).
HEADER_LINES = {"chair": CHAIR_LINE, "venue": VENUE_LINE, "signature": SIGNATURE_LINE, "office": OFFICE_LINE}
# Agenda items of this many of the best passages are followed to their other meetings (`_hearings`),
# searched this deep by title; a title in more meetings than this is a recurring item.
HEARING_SOURCES = 3
HEARING_DEPTH = 30
MAX_HEARINGS_FOUND = 8
# A question for the items of a meeting that got one result reads the chunks of the meetings its
# filters admit, where they are at most this many (a meeting's protocol is a few hundred chunks).
MAX_MEETING_CHUNKS = 1500
# The usual constant of reciprocal rank fusion (Cormack et al. 2009): damps the head of each list.
RRF_K = 60
# Passage fields a llama-index node carries as metadata.
_NODE_METADATA = ("source", "page", "paragraph", "title", "committee", "meeting_date")


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]
    filters: AppliedFilters


@dataclass(frozen=True)
class Query:
    """What every signal ranks for: the question, its vector, and the filters it is restricted by."""

    question: Question
    vector: list[float]
    filters: Filters


class Signal(ABC):
    """One ranking of the chunks for a question. Signals read the index (catalog and vectors)."""

    name: ClassVar[str]  # also the name of its weight in `SignalWeights`

    def __init__(self, catalog: Catalog, vectors: VectorStore):
        self.catalog = catalog
        self.vectors = vectors

    @abstractmethod
    def rank(self, query: Query, k: int) -> list[tuple[str, float | None]]:
        """The k best chunks for the query: (key, cosine similarity to the question where the
        signal computes it, else None), best first."""


class DenseSignal(Signal):
    name = "dense"

    def rank(self, query: Query, k: int) -> list[tuple[str, float | None]]:
        return list(nearest(self.catalog, self.vectors, query.vector, k, query.filters))


class LexicalSignal(Signal):
    name = "lexical"

    def rank(self, query: Query, k: int) -> list[tuple[str, float | None]]:
        return [(key, None) for key, _ in self.catalog.lexical(query.question.search_text, k, query.filters)]


# In this order they enter the fusion (it decides ties).
SIGNALS: tuple[type[Signal], ...] = (DenseSignal, LexicalSignal)


class CouncilRetriever(BaseRetriever):
    def __init__(
        self, catalog: Catalog, vectors: VectorStore, embed_model: BaseEmbedding, settings: RetrievalSettings
    ):
        super().__init__()
        self._catalog = catalog
        self._vectors = vectors
        self._embed_model = embed_model
        self._settings = settings
        self._signals = [signal(catalog, vectors) for signal in SIGNALS]

    def passages(self, question: str, filters: Filters = NO_FILTERS) -> list[Passage]:
        """The top-k passages for `question` among the chunks matching `filters`."""
        return self.search(Question.read(question), filters).passages

    def search(
        self, question: Question, chosen: Filters = NO_FILTERS, stated: Filters = NO_FILTERS
    ) -> Retrieved:
        """The top-k passages among the chunks matching the filters `chosen` in the UI or CLI
        and, where they hold up, those `stated` in the question (see `_settle`); for a vote
        question also the vote records of the best documents, which dense search alone ranks
        below forty paragraphs of debate on the same item.

        Filters restrict each search itself (Chroma's ids, SQL on the catalog), so k passages
        come back whenever k chunks match, however far down an unfiltered ranking they stand."""
        if self._catalog.empty():
            raise IndexEmpty("Der Index ist leer. Bitte zuerst `council ingest ORDNER` ausführen.")
        # Every search below sees only what the viewer may read: the levels travel in the filters.
        vector = self._embed_model.get_query_embedding(question.search_text)
        applied = self._settle(vector, chosen, stated.without(chosen))
        query = Query(question, vector, applied.applied)
        found = self._passages(query)
        extra = (
            self._agenda(query, found)
            + self._by_outcome(query, found)
            + self._hearings(replace(query, filters=chosen), found)
            + self._newer_versions(query, found)
        )
        extra += self._compared_versions(query, found + extra)
        return Retrieved(found + extra, applied)

    def _settle(self, vector: list[float], chosen: Filters, stated: Filters) -> AppliedFilters:
        """The filters to search with.

        The question's filters are a reading of it, and may be wrong or rest on a wrong premise.
        They are dropped where they match no document (a date that is a fact asked about, a
        person's title taken for a committee), and where the best chunk they admit is much
        farther from the question than the best one they exclude: "Wie hat der Gemeinderat am
        19. November 2024 den Lärmaktionsplan beschlossen?" when the plan was discussed on 22
        October. The search then runs as if they had not been read, and the answerer's own
        premise checks decide."""
        if stated.empty:
            return AppliedFilters(applied=chosen)
        combined = chosen.overridden_by(stated)
        if not self._catalog.has_matches(combined):
            return AppliedFilters(applied=chosen, dropped=stated, reason="nothing")
        inside = nearest(self._catalog, self._vectors, vector, 1, combined)
        outside = nearest(self._catalog, self._vectors, vector, 1, chosen)
        if inside and outside and outside[0][1] - inside[0][1] > self._settings.filter_doubt_gap:
            return AppliedFilters(applied=chosen, dropped=stated, reason="far")
        return AppliedFilters(applied=combined, from_question=stated)

    def _passages(self, query: Query) -> list[Passage]:
        k = self._settings.top_k
        rankings: list[list[str]] = []
        weights: list[float] = []
        similarity: dict[str, float] = {}
        for signal in self._signals:
            weight = getattr(self._settings.weights, signal.name)
            if weight > 0:
                ranked = signal.rank(query, k)
                similarity.update((key, score) for key, score in ranked if score is not None)
                rankings.append([key for key, _ in ranked])
                weights.append(weight)
        top = keeping_leads(fuse(rankings, weights), rankings, k, self._settings.kept_per_signal)
        missing = [key for key in top if key not in similarity]
        similarity.update(self._vectors.similarities(missing, query.vector))
        chunks = self._catalog.chunks(top, query.filters.readable)
        found = [
            self._continued(chunks[key].passage(similarity.get(key)), query) for key in top if key in chunks
        ]
        if lines := [HEADER_LINES[kind] for kind in query.question.kinds if kind in HEADER_LINES]:
            found += self._header_lines(query, found, lines)
        # (A question presuming a result is checked against the record: `presumed_result`.)
        if not (query.question.asks_decision or query.question.presumed_result):
            return found
        return found + self._records(query, found)

    def _continued(self, p: Passage, query: Query) -> Passage:
        """p with the rest of a list it announces or of a roll call, where chunk boundaries cut it
        (`continued`), from at most `CONTINUED_CHUNKS` chunks that follow it in its file."""
        last = p
        for _ in range(CONTINUED_CHUNKS):
            if not ends_open(p):
                break
            following = self._catalog.following(p.source, last.chunk_id, query.filters.readable)
            longer = continued(p, following, last) if following else p
            if longer is p or following is None:
                break
            p, last = longer, following
        return p

    def _header_lines(self, query: Query, found: list[Passage], lines: list[re.Pattern]) -> list[Passage]:
        """For a question on who chaired a meeting, where it took place or who signed its record,
        the chunks of the best `VOTE_RECORD_SOURCES` documents holding such a line (`HEADER_LINES`:
        "PRESENT: Mr G Cooke (Chairman)", "Ort: Mönauschule", "gez.") and not among `found`: a
        record's header and signature block are rarely near the question in either ranking."""
        seen = {p.chunk_id for p in found}
        best_sources = list(dict.fromkeys(p.source for p in found))[:VOTE_RECORD_SOURCES]
        keys = [k for k in self._catalog.keys_of_sources(best_sources, query.filters) if k not in seen]
        chunks = self._catalog.chunks(keys, query.filters.readable)
        header = [
            chunks[k].passage(None)
            for k in keys
            if k in chunks and any(line.search(chunks[k].text) for line in lines)
        ]
        scores = self._vectors.similarities([p.chunk_id for p in header], query.vector)
        return [replace(p, score=scores.get(p.chunk_id)) for p in header]

    def _records(self, query: Query, found: list[Passage]) -> list[Passage]:
        """For a question on what was decided, the chunks of the best `VOTE_RECORD_SOURCES`
        documents that record it and are not among `found`, nearest first: those recording a
        vote (`TextFacts.has_vote`, read at ingest; for vote questions) and those printing their
        agenda item's Beschluss. Dense search ranks the one result line or Beschluss below forty
        paragraphs of debate on the same item."""
        seen = {p.chunk_id for p in found}
        best_sources = list(dict.fromkeys(p.source for p in found))[:VOTE_RECORD_SOURCES]
        voting = "vote" in query.question.kinds
        keys = self._catalog.keys_of_sources(best_sources, query.filters, recording_votes=voting)
        records = [
            c
            for c in self._catalog.chunks(keys, query.filters.readable).values()
            if c.key not in seen and (voting or _prints_decision(c.passage(None)))
        ]
        scores = self._vectors.similarities([c.key for c in records], query.vector)
        extra = [c.passage(scores.get(c.key)) for c in records]
        return sorted(extra, key=lambda p: p.score or 0.0, reverse=True)

    def _agenda(self, query: Query, found: list[Passage]) -> list[Passage]:
        """For a question on a meeting's agenda: the other agenda items of the best passage's
        document, where it is divided into items (a protocol, a meeting of an agenda list), so
        that the answer lists all of them, not the fifteen retrieved."""
        if not query.question.asks_agenda:
            return []
        best = next((p for p in found if p.agenda_item), None)
        if best is None:
            return []
        seen = {p.chunk_id for p in found}
        keys = [k for k in self._catalog.keys_of_sources([best.source], query.filters) if k not in seen]
        chunks = self._catalog.chunks(keys, query.filters.readable)
        return [chunks[k].passage(None) for k in keys if k in chunks and chunks[k].section]

    def _by_outcome(self, query: Query, found: list[Passage]) -> list[Passage]:
        """For a question on the items of a meeting that got one result ("Welche Anträge hat der
        Gemeinderat am 22.10.2024 verwiesen?", `Question.asked_outcome`): the chunks of the items
        its filters admit that got it, so that the answer lists all of them, not those among the
        fifteen retrieved. None where the filters name no meeting (`names_meeting`)."""
        outcome, filters = query.question.asked_outcome, query.filters
        if outcome is None or not names_meeting(filters.date_from, filters.date_to):
            return []
        seen = {p.chunk_id for p in found}
        keys = [
            k for k in self._catalog.few_matching_keys(filters, MAX_MEETING_CHUNKS) or [] if k not in seen
        ]
        chunks = self._catalog.chunks(keys, filters.readable)
        passages = [chunks[k].passage(None) for k in keys if k in chunks]
        got = [p for p in passages if p.agenda_item and p.vote and p.vote.outcome == outcome]
        scores = self._vectors.similarities([p.chunk_id for p in got], query.vector)
        return [replace(p, score=scores.get(p.chunk_id)) for p in got]

    def _hearings(self, query: Query, found: list[Passage]) -> list[Passage]:
        """For a question on what was decided or came of something: the same agenda item (by its
        title, `same_item`) as heard in other meetings, where their records state a result:
        "Neuerlass der Grundsteuer-Hebesatzsatzung" vertagt on 24 October, decided on 4 November.
        Searched by the item's title among all the viewer may read and the filters chosen in the
        UI, not the question's (its "im Oktober 2024" may be a premise, not the meeting asked
        about). Items of the best `HEARING_SOURCES` passages are followed; a title heard in more
        than `MAX_HEARINGS_FOUND` meetings is a recurring item, not a matter."""
        if not query.question.asks_decision:
            return []
        seen = {p.chunk_id for p in found}
        items = list(dict.fromkeys(p.agenda_item for p in found[:HEARING_SOURCES] if p.agenda_item))
        extra: list[Passage] = []
        for item in items:
            keys = [key for key, _ in self._catalog.lexical(item.title, HEARING_DEPTH, query.filters)]
            chunks = self._catalog.chunks(keys, query.filters.readable)
            passages = [chunks[key].passage(None) for key in keys if key in chunks]
            heard = [p for p in passages if p.agenda_item and same_item(p.agenda_item, item)]
            if len({p.source for p in heard}) > MAX_HEARINGS_FOUND:
                continue
            new = [p for p in heard if p.chunk_id not in seen and _prints_decision(p)]
            seen.update(p.chunk_id for p in new)
            extra += new
        scores = self._vectors.similarities([p.chunk_id for p in extra], query.vector)
        return [replace(p, score=scores.get(p.chunk_id)) for p in extra]

    def _newer_versions(self, query: Query, found: list[Passage]) -> list[Passage]:
        """For a statute's passage stored once for several versions (`also_in`), that passage as
        one of each (`as_version`); and the chunk of each newer version of that statute (`versions`)
        holding the most of its sentences word for word (one at least: `shared_sentences`),
        where it is not among `found`: the answer then quotes the provision as it stands ("Stand
        26.02.2026"), not only as the older Satzung, which may rank higher, wrote it. The
        versions' pages break at other places, so their chunks have other neighbours and are
        rarely both among the best-ranked."""
        statutes = [p for p in found if p.doc_type == STATUTE]
        if not statutes:
            return []
        documents = self._statutes(query)
        chunks_of: dict[str, list[StoredChunk]] = {}
        seen = {p.chunk_id for p in found}
        present = {(p.chunk_id, p.source) for p in found}
        extra: list[Passage] = []
        for p in statutes:
            # a chunk stored once for several versions is found as a passage of each
            for doc in documents:
                if doc.source in p.also_in and versions(doc, p) and (p.chunk_id, doc.source) not in present:
                    extra.append(as_version(p, doc))
                    present.add((p.chunk_id, doc.source))
            for doc in documents:
                if not newer_version(doc, p):
                    continue
                if doc.source not in chunks_of:
                    keys = self._catalog.keys_of_sources([doc.source], query.filters)
                    chunks_of[doc.source] = list(self._catalog.chunks(keys, query.filters.readable).values())
                shared, best = max(
                    (
                        (shared_sentences(p.text, c.text), c)
                        for c in chunks_of[doc.source]
                        if c.key not in seen
                    ),
                    key=lambda pair: pair[0],
                    default=(0, None),
                )
                if shared and best is not None:
                    extra.append(best.passage(None))
                    seen.add(best.key)
        scores = self._vectors.similarities([p.chunk_id for p in extra], query.vector)
        return [replace(p, score=scores.get(p.chunk_id)) for p in extra]

    def _compared_versions(self, query: Query, found: list[Passage]) -> list[Passage]:
        """For a question asking what changed (`Question.asks_change`), or naming the years of two
        versions, that finds a statute's passage: every chunk of every version of that statute
        (`versions`), each as a passage of that version, where `found` lacks it. The answer
        compares the versions whole (`changes.compared`). A chunk both versions hold word for word
        is stored once (`also_in`); here it stands for each. Statutes are short."""
        statute = next((p for p in found if p.doc_type == STATUTE), None)
        # (versions are compared where the question asks what changed or names their years)
        if statute is None or not (query.question.asks_change or query.question.years):
            return []
        documents = [doc for doc in self._statutes(query) if versions(doc, statute)]
        named = [
            doc for doc in documents if doc.meeting_date and doc.meeting_date.year in query.question.years
        ]
        if not query.question.asks_change and len(named) < 2:
            return []
        keys = self._catalog.keys_of_sources([doc.source for doc in documents], query.filters)
        chunks = [
            chunk.passage(None) for chunk in self._catalog.chunks(keys, query.filters.readable).values()
        ]
        present = {(p.chunk_id, p.source) for p in found}
        extra = [
            p if p.source == doc.source else as_version(p, doc)
            for doc in documents
            for p in chunks
            if doc.source in (p.source, *p.also_in) and (p.chunk_id, doc.source) not in present
        ]
        scores = self._vectors.similarities([p.chunk_id for p in extra], query.vector)
        return [replace(p, score=scores.get(p.chunk_id)) for p in extra]

    def _statutes(self, query: Query) -> list[CouncilDocument]:
        """The statutes the query's filters admit (every version of each)."""
        return [
            doc
            for source in self._catalog.sources_of_type(STATUTE, query.filters)
            if (doc := self._catalog.document(source)) is not None
        ]

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(
                node=TextNode(
                    id_=p.chunk_id,
                    text=p.text,
                    metadata={k: _plain(v) for k, v in asdict(p).items() if k in _NODE_METADATA},
                ),
                score=p.score,
            )
            for p in self.passages(query_bundle.query_str)
        ]


def nearest(
    catalog: Catalog, vectors: VectorStore, vector: list[float], k: int, filters: Filters
) -> list[tuple[str, float]]:
    """(key, cosine similarity) of the k chunks nearest to `vector` among those `filters` admit.

    Unrestricted where the filters exclude nothing the index holds (the public on an index of
    published files only, the common case). A filter that admits few chunks reaches Chroma as
    their ids; one that admits many (the public's levels on an index that also holds closed files,
    a committee of a shared index) as the best of the unrestricted nearest (`best_admitted`), not
    as hundreds of thousands of ids. Whatever comes back is read with readable placements only
    (`Catalog.chunks`), so a closed file ingested meanwhile is never shown."""
    if not catalog.restricts(filters):
        return vectors.query(vector, k)
    few = catalog.few_matching_keys(filters, FEW_ADMITTED)
    if few is not None:
        return vectors.query(vector, k, few)
    return best_admitted(
        k,
        lambda n: vectors.query(vector, n),
        lambda keys: catalog.admitted(keys, filters),
        lambda: vectors.query(vector, k, catalog.matching_keys(filters)),
    )


def _prints_decision(p: Passage) -> bool:
    """The passage prints its agenda item's Beschluss."""
    return p.decision is not None and printed_at(p.text, p.decision) is not None


def _plain(value: object) -> object:
    """A metadata value as llama-index nodes carry it: days as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def keeping_leads(fused: list[str], rankings: list[list[str]], k: int, leads: int) -> list[str]:
    """The first k of `fused`, except that the first `leads` keys of every ranking are kept:
    each takes the place of the last key that is not such a lead. Fused order is kept.

    >>> keeping_leads(["a", "b", "c", "d"], [["a", "b"], ["d", "c"]], 3, 1)
    ['a', 'b', 'd']
    """
    kept = {key for ranking in rankings for key in ranking[:leads]}
    others = [key for key in fused if key not in kept][: max(0, k - len(kept))]
    chosen = kept.union(others)
    return [key for key in fused if key in chosen][:k]


def fuse(rankings: list[list[str]], weights: list[float] | None = None) -> list[str]:
    """Reciprocal rank fusion of ranked key lists, best first; each list's terms times its weight.

    >>> fuse([["a", "b", "c"], ["c", "a"]])
    ['a', 'c', 'b']
    >>> fuse([["a", "b", "c"], ["c", "a"]], [1.0, 0.0])
    ['a', 'b', 'c']
    """
    score: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, key in enumerate(ranking, start=1):
            score[key] = score.get(key, 0.0) + weight / (RRF_K + rank)
    return sorted(score, key=lambda key: score[key], reverse=True)
