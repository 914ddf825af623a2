"""Retrieval: dense (the question's vector against Chroma) and lexical (BM25 over the catalog,
see `assistant.index.lexical`), fused by reciprocal rank, best passages first.

Lexical search works as soon as a file is parsed, so documents are searchable before their
vectors exist; dense search finds paraphrases that share no word with the question. In `hybrid`
mode (the default) both lists count; in `dense` mode BM25 only stands in for chunks that have no
vector yet; `lexical` mode ranks by BM25 alone (to measure its share). Reciprocal
rank fusion needs no score calibration between the two: a passage's fused score is
sum(weight / (RRF_K + rank)) over the lists it appears in, the BM25 list weighted by
`retrieval.lexical_weight`.

Filters (committee, dates, type, TOP, Vorlage) restrict both searches inside their queries.

`CouncilRetriever` is a llama-index `BaseRetriever` (it implements `_retrieve` only), so
llama-index query engines can use it; our own services call `passages()` and get typed
`Passage` values.
"""

from dataclasses import asdict, dataclass
from datetime import date

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.answering.question import question_types, retrieval_query
from assistant.core.answers import Passage
from assistant.core.filters import NO_FILTERS, AppliedFilters, Filters
from assistant.core.settings import RetrievalSettings
from assistant.index.catalog import Catalog
from assistant.index.vectors import IndexEmpty, VectorStore

# Vote records are added from this many of the best-ranked documents.
VOTE_RECORD_SOURCES = 3
# The usual constant of reciprocal rank fusion (Cormack et al. 2009): damps the head of each list.
RRF_K = 60
# Passage fields a llama-index node carries as metadata.
_NODE_METADATA = ("source", "page", "paragraph", "title", "committee", "meeting_date")


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]
    filters: AppliedFilters


class CouncilRetriever(BaseRetriever):
    def __init__(
        self, catalog: Catalog, vectors: VectorStore, embed_model: BaseEmbedding, settings: RetrievalSettings
    ):
        super().__init__()
        self._catalog = catalog
        self._vectors = vectors
        self._embed_model = embed_model
        self._settings = settings

    def passages(self, question: str, filters: Filters = NO_FILTERS) -> list[Passage]:
        """The top-k passages among the chunks matching `filters`."""
        return self.search(question, filters).passages

    def search(self, question: str, chosen: Filters = NO_FILTERS, stated: Filters = NO_FILTERS) -> Retrieved:
        """The top-k passages among the chunks matching the filters `chosen` in the UI or CLI
        and, where they hold up, those `stated` in the question (see `_settle`); for a vote
        question also the vote records of the best documents, which dense search alone ranks
        below forty paragraphs of debate on the same item.

        Filters restrict each search itself (Chroma's ids, SQL on the catalog), so k passages
        come back whenever k chunks match, however far down an unfiltered ranking they stand."""
        if self._catalog.count() == 0:
            raise IndexEmpty("The index is empty. Run `council ingest FOLDER` first.")
        vector = self._embed_model.get_query_embedding(retrieval_query(question))
        applied, among = self._settle(vector, chosen, stated.without(chosen))
        return Retrieved(self._passages(question, vector, applied.applied, among), applied)

    def _settle(
        self, vector: list[float], chosen: Filters, stated: Filters
    ) -> tuple[AppliedFilters, list[str] | None]:
        """The filters to search with, and the chunks they admit (None: all).

        The question's filters are a reading of it, and may be wrong or rest on a wrong premise.
        They are dropped where they match no document (a date that is a fact asked about, a
        person's title taken for a committee), and where the best chunk they admit is much
        farther from the question than the best one they exclude: "Wie hat der Gemeinderat am
        19. November 2024 den Lärmaktionsplan beschlossen?" when the plan was discussed on 22
        October. The search then runs as if they had not been read, and the answerer's own
        premise checks decide."""
        among = None if chosen.empty else self._catalog.matching_keys(chosen)
        if stated.empty:
            return AppliedFilters(applied=chosen), among
        combined = chosen.overridden_by(stated)
        narrowed = self._catalog.matching_keys(combined)
        if not narrowed:
            return AppliedFilters(applied=chosen, dropped=stated, reason="nothing"), among
        inside = self._vectors.query(vector, 1, narrowed)
        outside = self._vectors.query(vector, 1, among)
        if inside and outside and outside[0][1] - inside[0][1] > self._settings.filter_doubt_gap:
            return AppliedFilters(applied=chosen, dropped=stated, reason="far"), among
        return AppliedFilters(applied=combined, from_question=stated), narrowed

    def _passages(
        self, question: str, vector: list[float], filters: Filters, among: list[str] | None
    ) -> list[Passage]:
        k = self._settings.top_k
        dense = self._vectors.query(vector, k, among)
        similarity = dict(dense)
        lexical = [key for key, _ in self._catalog.lexical(retrieval_query(question), k, filters)]
        similarity.update(
            self._vectors.similarities([key for key in lexical if key not in similarity], vector)
        )
        rankings = [[key for key, _ in dense], lexical]
        match self._settings.mode:
            case "dense":  # BM25 only stands in for chunks whose vectors are not in yet
                rankings[1] = [key for key in lexical if key not in similarity]
            case "lexical":
                rankings[0] = []
        ranked = fuse(rankings, [1.0, self._settings.lexical_weight])[:k]
        chunks = self._catalog.chunks(ranked)
        found = [chunks[key].passage(similarity.get(key)) for key in ranked if key in chunks]
        if "vote" not in question_types(question):
            return found
        seen = {p.chunk_id for p in found}
        best_sources = list(dict.fromkeys(p.source for p in found))[:VOTE_RECORD_SOURCES]
        voting = self._catalog.keys_of_sources(best_sources, filters, recording_votes=True)
        records = [c for c in self._catalog.chunks(voting).values() if c.key not in seen]
        scores = self._vectors.similarities([c.key for c in records], vector)
        extra = [c.passage(scores.get(c.key)) for c in records]
        return found + sorted(extra, key=lambda p: p.score or 0.0, reverse=True)

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


def _plain(value: object) -> object:
    """A metadata value as llama-index nodes carry it: days as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


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
