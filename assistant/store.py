"""The Chroma collection that holds chunks, their vectors and citation metadata: embedded on disk
under the data dir by default, or a Chroma server (`chroma run`) when scaled out.

Consistency without a separate manifest: every chunk carries its file's content hash and the
number of chunks that file produced. A file counts as indexed only when the store holds exactly
that many chunks with that hash, so a file whose ingest was interrupted is simply redone.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.model import Passage
from assistant.settings import StoreSettings
from ingest.model import Chunk, CouncilDocument
from ingest.structure import VOTE_RECORD


class StoreError(RuntimeError):
    """The index cannot be used as asked; the message says what to do."""


class IndexModelMismatch(StoreError):
    pass


class IndexEmpty(StoreError):
    pass


@dataclass(frozen=True)
class FileState:
    hashes: frozenset[str]
    chunks: int
    expected: int

    def is_current(self, file_hash: str) -> bool:
        return self.hashes == {file_hash} and self.chunks == self.expected


def input_sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


class ChunkStore:
    def __init__(self, settings: StoreSettings, data_dir: Path, model_id: str, *, create: bool):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        self._where = (
            f"{settings.host}:{settings.port} (Chroma server)" if settings.mode == "http" else str(data_dir)
        )
        try:
            if settings.mode == "http":
                self._client = chromadb.HttpClient(
                    host=settings.host, port=settings.port, settings=chroma_settings
                )
                self._client.heartbeat()
            else:
                if not create and not (data_dir / "chroma").exists():
                    raise IndexEmpty(
                        f"No index in {data_dir}. Run `council ingest FOLDER --data-dir {data_dir}`."
                    )
                data_dir.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(
                    path=str(data_dir / "chroma"), settings=chroma_settings
                )
        except StoreError:
            raise
        except Exception as exc:
            hint = (
                f"start it with `chroma run --path DIR --host {settings.host} --port {settings.port}`"
                if settings.mode == "http"
                else "check that the data dir is writable and not used by another Chroma version"
            )
            raise StoreError(f"Cannot open the index at {self._where}: {exc}; {hint}.") from exc
        self._collection = self._open_collection(settings, model_id, create)

    def _open_collection(self, settings: StoreSettings, model_id: str, create: bool) -> Any:
        from chromadb.errors import NotFoundError

        try:
            collection = self._client.get_collection(settings.collection, embedding_function=None)
        except (NotFoundError, ValueError) as exc:
            if not create:
                raise IndexEmpty(
                    f"The index at {self._where} has no collection '{settings.collection}'. "
                    "Run `council ingest FOLDER` first."
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
                f"The index at {self._where} was built with the embedding model '{built_with}', "
                f"but the settings select '{model_id}'. Use the same model "
                "(COUNCIL_EMBEDDING__BACKEND / COUNCIL_EMBEDDING__MODEL) or ingest into a new data dir."
            )
        return collection

    # --- reading ------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._collection.count())

    def file_states(self) -> dict[str, FileState]:
        """What the index holds per source file."""
        metadatas = self._collection.get(include=["metadatas"])["metadatas"] or []
        hashes: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        expected: dict[str, int] = {}
        for meta in metadatas:
            source = str(meta["source"])
            hashes.setdefault(source, set()).add(str(meta["file_hash"]))
            counts[source] = counts.get(source, 0) + 1
            expected[source] = int(meta["file_chunks"])
        return {s: FileState(frozenset(hashes[s]), counts[s], expected[s]) for s in hashes}

    def vectors_for_inputs(self, shas: Sequence[str]) -> dict[str, list[float]]:
        """Vectors already stored for these embedding inputs (by their `input_sha`: the same text
        under the same header in another file, or an earlier run): no need to embed them again."""
        found: dict[str, list[float]] = {}
        unique = list(dict.fromkeys(shas))
        for i in range(0, len(unique), 500):
            got = self._collection.get(
                where={"input_sha": {"$in": unique[i : i + 500]}}, include=["embeddings", "metadatas"]
            )
            for meta, vector in zip(got["metadatas"] or [], got["embeddings"], strict=True):
                found[str(meta["input_sha"])] = [float(x) for x in vector]
        return found

    def query(self, vector: Sequence[float], k: int) -> list[Passage]:
        n = self.count()
        if n == 0:
            raise IndexEmpty(f"The index at {self._where} is empty. Run `council ingest FOLDER` first.")
        got = self._collection.query(
            query_embeddings=[list(vector)],
            n_results=min(k, n),
            include=["documents", "metadatas", "distances"],
        )
        return [
            _passage(chunk_id, text, meta, 1.0 - float(distance))
            for chunk_id, text, meta, distance in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]

    def vote_records(self, sources: Sequence[str], vector: Sequence[float]) -> list[Passage]:
        """The chunks of these files that record a vote, scored against `vector` (all vectors are
        normalised, so the dot product is the cosine similarity)."""
        if not sources:
            return []
        got = self._collection.get(
            where={"$and": [{"source": {"$in": list(sources)}}, {"has_vote": True}]},
            include=["documents", "metadatas", "embeddings"],
        )
        query = np.asarray(vector)
        return [
            _passage(chunk_id, text, meta, float(np.dot(np.asarray(emb), query)))
            for chunk_id, text, meta, emb in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], got["embeddings"], strict=True
            )
        ]

    def all_vectors(self) -> tuple[list[str], list[list[float]]]:
        """Every chunk id with its vector (for exact-search checks of the HNSW index)."""
        got = self._collection.get(include=["embeddings"])
        return list(got["ids"]), [[float(x) for x in v] for v in got["embeddings"]]

    # --- writing ------------------------------------------------------------------------------

    def replace_file(
        self,
        doc: CouncilDocument,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        file_hash: str,
    ) -> None:
        """Make the index hold exactly `chunks` for this file. New chunks are written first and
        stale ones deleted after, so an interruption at any point leaves a state that the next
        run recognises as incomplete and repairs."""
        ids = [c.id for c in chunks]
        metadatas = [_metadata(doc, c, file_hash, len(chunks)) for c in chunks]
        batch = max(1, min(self._client.get_max_batch_size(), 1000))
        for i in range(0, len(chunks), batch):
            self._collection.upsert(
                ids=ids[i : i + batch],
                documents=[c.text for c in chunks[i : i + batch]],
                embeddings=[list(v) for v in vectors[i : i + batch]],
                metadatas=metadatas[i : i + batch],
            )
        self._collection.delete(where={"$and": [{"source": doc.source}, {"file_hash": {"$ne": file_hash}}]})

    def delete_sources(self, sources: Iterable[str]) -> None:
        for source in sources:
            self._collection.delete(where={"source": source})


def _metadata(doc: CouncilDocument, chunk: Chunk, file_hash: str, file_chunks: int) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "source": doc.source,
        "title": doc.title,
        "committee": doc.committee,
        "meeting_date": doc.meeting_date,
        "vorlage": doc.vorlage,
        "page": chunk.page,
        "paragraph": chunk.paragraph,
        "paragraph_starts": ",".join(map(str, chunk.paragraph_starts)),
        "start": chunk.start,
        "chunk_index": chunk.index,
        "file_hash": file_hash,
        "file_chunks": file_chunks,
        "subject": doc.subject,
        "has_vote": bool(VOTE_RECORD.search(chunk.text)),
        "input_sha": input_sha(chunk.embedding_input(doc)),
    }
    return {k: v for k, v in meta.items() if v is not None}


def _passage(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        committee=meta.get("committee"),
        meeting_date=meta.get("meeting_date"),
        vorlage=meta.get("vorlage"),
        subject=meta.get("subject"),
        page=meta.get("page"),
        paragraph=int(meta["paragraph"]),
        paragraph_starts=tuple(int(x) for x in str(meta["paragraph_starts"]).split(",")),
        start=int(meta["start"]),
        text=text,
        score=score,
    )
