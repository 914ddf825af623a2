"""Retrieval: dense (the question's vector against Chroma) and lexical (BM25 over the catalog),
fused by reciprocal rank, best passages first.

Lexical search works as soon as a file is parsed, so documents are searchable before their
vectors exist; dense search finds paraphrases that share no word with the question. In `dense`
mode (the default) BM25 only stands in for chunks that have no vector yet; in `hybrid` mode
both lists always count. Reciprocal rank fusion needs no score calibration between the two: a
passage's fused score is sum(1 / (RRF_K + rank)) over the lists it appears in.

Filters (committee, dates, type, TOP, Vorlage) restrict both searches inside their queries.

`CouncilRetriever` is a llama-index `BaseRetriever` (it implements `_retrieve` only), so
llama-index query engines can use it; our own services call `passages()` and get typed
`Passage` values.
"""

from dataclasses import asdict

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.catalog import Catalog
from assistant.filters import NO_FILTERS, Filters
from assistant.intent import question_types, retrieval_query
from assistant.model import Passage
from assistant.settings import RetrievalSettings
from assistant.store import IndexEmpty, VectorStore
from ingest.structure import VOTE_RECORD

# Vote records are added from this many of the best-ranked documents.
VOTE_RECORD_SOURCES = 3
# The usual constant of reciprocal rank fusion (Cormack et al. 2009): damps the head of each list.
RRF_K = 60
# Passage fields a llama-index node carries as metadata.
_NODE_METADATA = ("source", "page", "paragraph", "title", "committee", "meeting_date")


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
        """The top-k passages among the chunks matching `filters`; for a vote question also the
        vote records of the best documents, which dense search alone ranks below forty
        paragraphs of debate on the same item.

        Filters restrict each search itself (Chroma's ids, SQL on the catalog), so k passages
        come back whenever k chunks match, however far down an unfiltered ranking they stand."""
        if self._catalog.count() == 0:
            raise IndexEmpty("The index is empty. Run `council ingest FOLDER` first.")
        k = self._settings.top_k
        vector = self._embed_model.get_query_embedding(retrieval_query(question))
        among = None if filters.empty else self._catalog.matching_keys(filters)
        dense = self._vectors.query(vector, k, among)
        similarity = dict(dense)
        lexical = [key for key, _ in self._catalog.lexical(retrieval_query(question), k, filters)]
        similarity.update(
            self._vectors.similarities([key for key in lexical if key not in similarity], vector)
        )
        if self._settings.mode == "dense":  # BM25 only stands in for chunks whose vectors are not in yet
            lexical = [key for key in lexical if key not in similarity]
        ranked = fuse([[key for key, _ in dense], lexical])[:k]
        chunks = self._catalog.chunks(ranked)
        found = [chunks[key].passage(similarity.get(key)) for key in ranked if key in chunks]
        if "vote" not in question_types(question):
            return found
        seen = {p.chunk_id for p in found}
        best_sources = list(dict.fromkeys(p.source for p in found))[:VOTE_RECORD_SOURCES]
        records = [
            c
            for c in self._catalog.chunks(self._catalog.keys_of_sources(best_sources, filters)).values()
            if c.key not in seen and VOTE_RECORD.search(c.text)
        ]
        scores = self._vectors.similarities([c.key for c in records], vector)
        extra = [c.passage(scores.get(c.key)) for c in records]
        return found + sorted(extra, key=lambda p: p.score or 0.0, reverse=True)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(
                node=TextNode(
                    id_=p.chunk_id,
                    text=p.text,
                    metadata={k: v for k, v in asdict(p).items() if k in _NODE_METADATA},
                ),
                score=p.score,
            )
            for p in self.passages(query_bundle.query_str)
        ]


def fuse(rankings: list[list[str]]) -> list[str]:
    """Reciprocal rank fusion of ranked key lists, best first.

    >>> fuse([["a", "b", "c"], ["c", "a"]])
    ['a', 'c', 'b']
    """
    score: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            score[key] = score.get(key, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(score, key=lambda key: score[key], reverse=True)
