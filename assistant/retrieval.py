"""Retrieval: the question's vector against the Chroma collection, best passages first.

`CouncilRetriever` is a llama-index `BaseRetriever` (it implements `_retrieve` only), so
llama-index query engines can use it; our own services call `passages()` and get typed
`Passage` values.
"""

from dataclasses import asdict

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.intent import question_types, retrieval_query
from assistant.model import Passage
from assistant.store import ChunkStore

# Vote records are added from this many of the best-ranked documents.
VOTE_RECORD_SOURCES = 3


class CouncilRetriever(BaseRetriever):
    def __init__(self, store: ChunkStore, embed_model: BaseEmbedding, top_k: int):
        super().__init__()
        self._store = store
        self._embed_model = embed_model
        self._top_k = top_k

    def passages(self, question: str) -> list[Passage]:
        """The top-k passages; for a vote question also the vote records of the best documents,
        which dense search alone ranks below forty paragraphs of debate on the same item."""
        vector = self._embed_model.get_query_embedding(retrieval_query(question))
        found = self._store.query(vector, self._top_k)
        if "vote" not in question_types(question):
            return found
        seen = {p.chunk_id for p in found}
        best_sources = list(dict.fromkeys(p.source for p in found))[:VOTE_RECORD_SOURCES]
        records = [p for p in self._store.vote_records(best_sources, vector) if p.chunk_id not in seen]
        return found + sorted(records, key=lambda p: p.score, reverse=True)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(
                node=TextNode(
                    id_=p.chunk_id, text=p.text, metadata={k: v for k, v in asdict(p).items() if k != "text"}
                ),
                score=p.score,
            )
            for p in self.passages(query_bundle.query_str)
        ]
