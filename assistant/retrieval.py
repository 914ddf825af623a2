"""Retrieval: dense (the question's vector against Chroma) and lexical (BM25 over the catalog,
see `assistant.lexical`), fused by reciprocal rank, best passages first.

Lexical search works as soon as a file is parsed, so documents are searchable before their
vectors exist; dense search finds paraphrases that share no word with the question. In `hybrid`
mode (the default) both lists count; in `dense` mode BM25 only stands in for chunks that have no
vector yet; `lexical` mode ranks by BM25 alone (to measure its share). Reciprocal
rank fusion needs no score calibration between the two: a passage's fused score is
sum(weight / (RRF_K + rank)) over the lists it appears in, the BM25 list weighted by
`retrieval.lexical_weight`.

`CouncilRetriever` is a llama-index `BaseRetriever` (it implements `_retrieve` only), so
llama-index query engines can use it; our own services call `passages()` and get typed
`Passage` values.
"""

from dataclasses import asdict

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.catalog import Catalog
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

    def passages(self, question: str) -> list[Passage]:
        """The top-k passages; for a vote question also the vote records of the best documents,
        which dense search alone ranks below forty paragraphs of debate on the same item."""
        if self._catalog.count() == 0:
            raise IndexEmpty("The index is empty. Run `council ingest FOLDER` first.")
        k = self._settings.top_k
        vector = self._embed_model.get_query_embedding(retrieval_query(question))
        dense = self._vectors.query(vector, k)
        similarity = dict(dense)
        lexical = [key for key, _ in self._catalog.lexical(retrieval_query(question), k)]
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
        records = [
            c
            for c in self._catalog.chunks(self._catalog.keys_of_sources(best_sources)).values()
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
