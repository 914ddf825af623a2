"""Retrieval: the question's vector against the Chroma collection, best passages first.

`CouncilRetriever` is a llama-index `BaseRetriever` (it implements `_retrieve` only), so
llama-index query engines can use it; our own services call `passages()` and get typed
`Passage` values.
"""

from dataclasses import asdict

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.intent import retrieval_query
from assistant.model import Passage
from assistant.store import ChunkStore


class CouncilRetriever(BaseRetriever):
    def __init__(self, store: ChunkStore, embed_model: BaseEmbedding, top_k: int):
        super().__init__()
        self._store = store
        self._embed_model = embed_model
        self._top_k = top_k

    def passages(self, question: str) -> list[Passage]:
        query = retrieval_query(question)
        return self._store.query(self._embed_model.get_query_embedding(query), self._top_k)

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
