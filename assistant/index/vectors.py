"""The Chroma collection that holds the chunks' vectors: embedded on disk under the data dir by
default, or a Chroma server (`chroma run`) when scaled out.

The catalog (`assistant/index/catalog.py`) is the source of truth for chunks and their metadata; this
collection is derived from it. Each vector's id is the chunk key and its metadata carries a
`version` (hash of the embedded input and the filter fields), so an ingest can tell which vectors
are missing or stale and which belong to chunks that are gone, and bring the collection in line.
The metadata also holds the chunk's primary council fields (source, committee, date, type, Vorlage)
for anyone reading the collection directly; filters are not evaluated on them but on the
catalog's facets, which cover every file a duplicated chunk stands in, and reach the vector
search as the ids it may return (`query(..., among=...)`) where they admit few chunks, else as the
best of a deeper unrestricted search (`assistant.answering.retrieval.nearest`). Chroma's own
`where` on metadata is no faster: 1.6 s for a committee at 100,000 chunks, against 70 ms for its
55,000 ids and 36 ms for the 3,000 nearest.

A collection of up to `StoreSettings.exact_up_to` vectors is searched exactly, over all its vectors
held in memory; a larger one by Chroma's HNSW graph. A local Chroma saves its graph only every 1,000
writes and replays the writes since into the graph at each start, and the graph (so the nearest
neighbours it finds) came out different in different processes: one question's top 15 held 3 of
the true 15 in one process and all 15 in another.

Every write of vectors stamps the collection (`_WRITTEN`), and each search first reads the stamp.
A new one makes it read the vectors in memory again; one from another process (`council ingest`
beside a running web server) makes a local Chroma open the collection afresh first: the open one
keeps the vectors as they were when it was opened and fails ("Error finding id") on those added
since.
"""

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.settings import StoreSettings


class StoreError(RuntimeError):
    """The index cannot be used as asked; the message says what to do."""


class IndexModelMismatch(StoreError):
    pass


class IndexEmpty(StoreError):
    @classmethod
    def in_dir(cls, data_dir: Path) -> "IndexEmpty":
        """Nothing ingested into `data_dir` yet."""
        return cls(
            f"Kein Index in {data_dir}. Bitte zuerst `council ingest ORDNER --data-dir {data_dir}` ausführen."
        )


# The collection's metadata key that every write of vectors sets anew: "<process> <write>".
_WRITTEN = "vectors_written"
_THIS_PROCESS = uuid.uuid4().hex


@dataclass(frozen=True)
class _Vectors:
    """Vectors in memory, each scaled to length 1, so that a product is the cosine similarity."""

    rows: dict[str, int]  # chunk key → its row
    matrix: np.ndarray  # float32, one row per key

    @classmethod
    def of(cls, keys: Sequence[str], vectors: Sequence[Sequence[float]]) -> "_Vectors":
        if not keys:  # an empty collection (vectors not computed yet) has no dimension to shape by
            return cls({}, np.zeros((0, 0), dtype=np.float32))
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(keys), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls({key: i for i, key in enumerate(keys)}, matrix / np.where(norms == 0, 1, norms))

    def nearest(
        self, vector: Sequence[float], k: int, among: Sequence[str] | None
    ) -> list[tuple[str, float]]:
        keys = list(self.rows) if among is None else [key for key in dict.fromkeys(among) if key in self.rows]
        if not keys:
            return []
        matrix = self.matrix if among is None else self.matrix[[self.rows[key] for key in keys]]
        # Not `matrix @ q`: BLAS spreads that over threads that keep spinning after it and take
        # the cores from what follows (e5 embedded the next question in 48 ms, not 20, on 2 cores).
        similarity = np.einsum("ij,j->i", matrix, _unit(vector))
        best = np.argpartition(-similarity, k)[:k] if k < len(keys) else np.arange(len(keys))
        best = best[np.lexsort((best, -similarity[best]))]  # ties by row: the same order every time
        return [(keys[i], float(similarity[i])) for i in best]

    def similarities(self, keys: Iterable[str], vector: Sequence[float]) -> dict[str, float]:
        query = _unit(vector)
        return {key: float(self.matrix[self.rows[key]] @ query) for key in keys if key in self.rows}


def _unit(vector: Sequence[float]) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


class VectorStore:
    def __init__(self, settings: StoreSettings, data_dir: Path, model_id: str, *, create: bool):
        import chromadb

        self._settings = settings
        self._data_dir = data_dir
        self._lock = threading.RLock()  # over the client, which a write of another process replaces
        # (the write stamp they were read at, every vector or None where HNSW searches); None: unread
        self._held: tuple[str | None, _Vectors | None] | None = None
        self._client: Any  # chromadb's Client (its `close` is not on the ClientAPI it is typed as)
        self._where = (
            f"{settings.host}:{settings.port} (Chroma-Server)" if settings.mode == "http" else str(data_dir)
        )
        try:
            if settings.mode == "http":
                self._client = chromadb.HttpClient(
                    host=settings.host, port=settings.port, settings=self._chroma_settings()
                )
                self._client.heartbeat()
            else:
                if not create and not (data_dir / "chroma").exists():
                    raise IndexEmpty.in_dir(data_dir)
                data_dir.mkdir(parents=True, exist_ok=True)
                self._client = self._local_client()
        except StoreError:
            raise
        except Exception as exc:
            hint = (
                "bitte den Server starten: "
                f"`chroma run --path DIR --host {settings.host} --port {settings.port}`"
                if settings.mode == "http"
                else "bitte prüfen, ob das Datenverzeichnis beschreibbar ist und nicht von einer anderen "
                "Chroma-Version stammt"
            )
            raise StoreError(
                f"Der Index unter {self._where} lässt sich nicht öffnen ({exc}); {hint}."
            ) from exc
        self._collection = self._open_collection(settings, model_id, create)
        self._opened_at = self._stamp()

    @staticmethod
    def _chroma_settings() -> Any:
        from chromadb.config import Settings as ChromaSettings

        return ChromaSettings(anonymized_telemetry=False)

    def _local_client(self) -> Any:
        import chromadb

        path = str(self._data_dir / "chroma")
        return chromadb.PersistentClient(path=path, settings=self._chroma_settings())

    def _open_collection(self, settings: StoreSettings, model_id: str, create: bool) -> Any:
        from chromadb.errors import NotFoundError

        try:
            collection = self._client.get_collection(settings.collection, embedding_function=None)
        except (NotFoundError, ValueError) as exc:
            if not create:
                raise IndexEmpty(
                    f"Der Index unter {self._where} hat keine Sammlung „{settings.collection}“. "
                    "Bitte zuerst `council ingest ORDNER` ausführen."
                ) from exc
            return self._client.create_collection(
                settings.collection,
                embedding_function=None,
                metadata={"embedding_model": model_id},
                configuration={
                    "hnsw": {
                        "space": "cosine",
                        "ef_search": settings.ef_search,
                        "ef_construction": settings.ef_construction,
                        "max_neighbors": settings.max_neighbors,
                    }
                },
            )
        built_with = (collection.metadata or {}).get("embedding_model")
        if built_with != model_id:
            raise IndexModelMismatch(
                f"Der Index unter {self._where} wurde mit dem Einbettungsmodell „{built_with}“ erstellt, "
                f"die Einstellungen wählen aber „{model_id}“. Bitte dasselbe Modell einstellen "
                "(COUNCIL_EMBEDDING__BACKEND / COUNCIL_EMBEDDING__MODEL; bei einem Einbettungsserver "
                "einen Server mit diesem Modell, COUNCIL_EMBEDDING__BASE_URLS) oder in ein neues "
                "Datenverzeichnis einlesen (--data-dir)."
            )
        return collection

    # --- reading ------------------------------------------------------------------------------

    def count(self, among: Sequence[str] | None = None) -> int:
        """Stored vectors; with `among`, of those chunks only."""
        keys = None if among is None else list(among)
        with self._lock:
            if keys is None:
                return int(self._collection.count())
            return sum(
                len(self._collection.get(ids=keys[i : i + 5000], include=[])["ids"])
                for i in range(0, len(keys), 5000)
            )

    def metadatas(self) -> dict[str, dict[str, Any]]:
        """The metadata of every stored vector (its `version` among it), by chunk key."""
        got = self._collection.get(include=["metadatas"])
        return {key: dict(meta or {}) for key, meta in zip(got["ids"], got["metadatas"] or [], strict=True)}

    def query(
        self, vector: Sequence[float], k: int, among: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk key, cosine similarity) of the k nearest vectors, best first; with `among`, the
        k nearest of those chunks only (the search itself is restricted to them, so k come back
        whenever k of them have vectors)."""
        if among is not None and not among:
            return []
        with self._lock:
            held = self._current()
            if held is None:
                return self._hnsw(vector, k, among)
        return held.nearest(vector, k, among)

    def _hnsw(self, vector: Sequence[float], k: int, among: Sequence[str] | None) -> list[tuple[str, float]]:
        from chromadb.errors import ChromaError

        # Not capped by count(): Chroma returns what it holds, and its count is a scan (20 ms at
        # 100,000 vectors) that every query paid.
        query = {"query_embeddings": [list(vector)], "n_results": k, "include": ["distances"]}
        try:
            got = self._collection.query(**query, ids=None if among is None else list(among))
        except ChromaError:
            if among is None:
                raise
            # Chroma refuses ids it does not hold: chunks whose vectors an ingest has not written yet.
            stored = self._collection.get(ids=list(among), include=[])["ids"]
            if not stored:
                return []
            got = self._collection.query(**query, ids=stored)
        return [(key, 1.0 - float(d)) for key, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    def similarities(self, keys: Sequence[str], vector: Sequence[float]) -> dict[str, float]:
        """Cosine similarity of `vector` to the stored vectors of these chunks; chunks without a
        vector yet are left out."""
        if not keys:
            return {}
        with self._lock:
            held = self._current()
            if held is None:
                got = self._collection.get(ids=list(dict.fromkeys(keys)), include=["embeddings"])
                held = _Vectors.of(got["ids"], got["embeddings"])
        return held.similarities(keys, vector)

    def all_vectors(self) -> tuple[list[str], list[list[float]]]:
        """Every chunk key with its vector (for exact-search checks of the HNSW index)."""
        got = self._collection.get(include=["embeddings"])
        return list(got["ids"]), [[float(x) for x in v] for v in got["embeddings"]]

    def _current(self) -> _Vectors | None:
        """Every stored vector, where the collection holds at most `exact_up_to` (else None: search
        by HNSW), as the last write left them. The stamp is read before the vectors, so a write
        that comes while they are read stamps anew and they are read once more."""
        stamp = self._stamp()
        if self._held is not None and self._held[0] == stamp:
            return self._held[1]
        if self._written_elsewhere(stamp):
            self._reopen(stamp)
        vectors = None
        if self._settings.exact_up_to and self._collection.count() <= self._settings.exact_up_to:
            got = self._collection.get(include=["embeddings"])
            vectors = _Vectors.of(got["ids"], got["embeddings"])
        self._held = (stamp, vectors)
        return vectors

    def _stamp(self) -> str | None:
        collection = self._client.get_collection(self._settings.collection, embedding_function=None)
        return (collection.metadata or {}).get(_WRITTEN)

    def _written_elsewhere(self, stamp: str | None) -> bool:
        """Another process wrote to the local collection since it was opened here (a server holds
        the one collection every client writes to)."""
        return (
            self._settings.mode == "embedded"
            and stamp != self._opened_at
            and stamp is not None
            and not stamp.startswith(_THIS_PROCESS)
        )

    def _reopen(self, stamp: str | None) -> None:
        """Chroma keeps one system per directory and process and stops it with its last client:
        the web server and each CLI command hold one store (a second store of this process on
        the same directory would keep the system, and its old vectors, open)."""
        self._client.close()
        self._client = self._local_client()
        self._collection = self._client.get_collection(self._settings.collection, embedding_function=None)
        self._opened_at = stamp

    # --- writing ------------------------------------------------------------------------------

    def upsert(
        self, keys: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]]
    ) -> None:
        """Store these vectors with exactly this metadata (a stored vector's is replaced whole)."""
        for i in range(0, len(keys), self._batch):
            part = list(keys[i : i + self._batch])
            self._collection.upsert(
                ids=part,
                embeddings=[list(v) for v in vectors[i : i + self._batch]],
                metadatas=self._whole(part, metadatas[i : i + self._batch]),
            )
            self._mark_written()

    def relabel(self, keys: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        """Replace the metadata of stored vectors whole, keeping the vectors."""
        for i in range(0, len(keys), self._batch):
            part = list(keys[i : i + self._batch])
            self._collection.update(ids=part, metadatas=self._whole(part, metadatas[i : i + self._batch]))

    @property
    def _batch(self) -> int:
        return max(1, min(self._client.get_max_batch_size(), 1000))

    def _whole(self, keys: list[str], metadatas: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The metadata to write so that each vector ends with exactly `metadatas`: Chroma's upsert
        and update merge into what is stored, and a key set to None is removed (as are Nones in
        `metadatas`, which Chroma does not store)."""
        stored = self._collection.get(ids=keys, include=["metadatas"])
        old = {key: meta or {} for key, meta in zip(stored["ids"], stored["metadatas"] or [], strict=True)}
        return [
            {k: None for k in old.get(key, {})} | {k: v for k, v in meta.items() if v is not None}
            for key, meta in zip(keys, metadatas, strict=True)
        ]

    def delete(self, keys: Iterable[str]) -> None:
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 1000):
            self._collection.delete(ids=unique[i : i + 1000])
            self._mark_written()

    def _mark_written(self) -> None:
        """Tell every process searching the collection that its vectors changed (`_current`);
        Chroma replaces a collection's metadata whole, so the model it was built with is kept."""
        kept = {k: v for k, v in (self._collection.metadata or {}).items() if k != _WRITTEN}
        self._collection.modify(metadata=kept | {_WRITTEN: f"{_THIS_PROCESS} {uuid.uuid4().hex}"})
