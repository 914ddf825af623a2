"""Incremental, idempotent ingest of a folder: hash → skip unchanged → parse → catalog → embed.

Stages, overlapped:
1. Registry files (OParl JSON, manifests, RIS indexes) are read as metadata for the files they
   describe; they are not documents and are not embedded. Two records are stored as documents
   of their own: a RIS agenda list's meetings (what bodies decided) and an OParl paper's own
   record (its files and Beratungsfolge, `ingest.registry.paper_record`).
2. Changed files are parsed in worker processes (read, council structure, chunks). Each parsed
   file is written to the catalog in one transaction: from then on it is searchable lexically.
3. A background thread embeds the chunks as they arrive, in batches, each distinct text once
   (a chunk's key is its normalised text, so duplicates across files share one vector).
4. The lexical index is re-analysed from the stored chunk texts when its analysis changed (first
   thing) or the corpus has doubled since its compound vocabulary was learned (`Catalog.reanalyse`).
5. At the end the vector collection is reconciled with the whole catalog: missing or stale
   vectors are computed, vectors of chunks that are gone are deleted. An interrupted run therefore loses
   nothing: the next run finds what is missing and finishes it.
"""

import fnmatch
import hashlib
import io
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from assistant.core.access import CLOSED, PUBLIC, AccessLevel, stricter
from assistant.core.documents import Chunk, CouncilDocument
from assistant.index.catalog import Catalog, StoredChunk
from assistant.index.vectors import StoreError, VectorStore
from ingest.chunking import chunk_document
from ingest.parse import Parsed, ParseJob, parse_file
from ingest.readers import OCR_SUFFIXES, SUPPORTED_SUFFIXES, cannot_read, unsupported
from ingest.readers.ocr import OcrOptions, tesseract_path
from ingest.registry import read_registries

# Part of every file's fingerprint: raise it when reading or chunking changes, and the next
# ingest re-parses every file (vectors of unchanged chunk texts are kept).
INGEST_VERSION = 19


class VectorsIncomplete(StoreError):
    """Ingest stopped before every vector was written (an embedding server failed:
    `EmbeddingServerError`); the catalog holds every file parsed, and the next run computes the
    missing vectors."""


@dataclass(frozen=True)
class FileNote:
    source: str
    reason: str


@dataclass
class IngestReport:
    files: int = 0  # files seen under the path
    indexed: int = 0  # files (re)indexed in this run
    unchanged: int = 0
    # documents a registry records as text (an agenda list's meetings, OParl papers): (re)indexed, unchanged
    records_indexed: int = 0
    unchanged_records: int = 0
    pages: int = 0  # pages of the files indexed in this run
    chunks: int = 0  # chunks of the files indexed in this run (a duplicate text counts per file)
    characters: int = 0  # characters of those chunks
    embedded: int = 0  # distinct texts embedded in this run (duplicates and unchanged texts reuse vectors)
    relabelled: int = 0  # vectors kept whose metadata was rewritten (their chunk's file or agenda item)
    index_chunks: int = 0  # distinct chunks in the index after the run
    reanalysed: int = 0  # chunks whose lexical terms were analysed again (see Catalog.reanalyse)
    closed: int = 0  # files indexed in this run as nichtöffentlich (`assistant.core.access`)
    metadata: list[FileNote] = field(default_factory=list)  # registry files read as metadata
    skipped: list[FileNote] = field(default_factory=list)
    failed: list[FileNote] = field(default_factory=list)
    warnings: list[FileNote] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # sources pruned from the index
    stale: list[str] = field(default_factory=list)  # sources in the index whose file is gone (no --prune)
    seconds: float = 0.0
    searchable_seconds: float = 0.0  # until every parsed file was in the catalog (lexical search)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # busy time per stage
    vectors_pending: bool = False  # ingested with `vectors_later`: `embed_pending` computes them

    @property
    def exit_code(self) -> int:
        """0: every file ingested; 2: some failed (the rest are in the index)."""
        return 2 if self.failed else 0


def ingest_path(
    path: Path,
    catalog: Catalog,
    vectors: VectorStore,
    embed_model: BaseEmbedding,
    *,
    chunk_chars: int,
    max_chunk_chars: int,
    max_file_bytes: int,
    ocr: OcrOptions | None = None,
    workers: int = 0,
    prune: bool = False,
    exclude: tuple[str, ...] = (),
    progress: bool | None = None,
    access: AccessLevel = PUBLIC,
    vectors_later: bool = False,
    source_prefix: str = "",
) -> IngestReport:
    """Bring the index in line with the files under `path` (a folder, or a single file).

    Sources are stored relative to `path`, so the same folder ingested from elsewhere gives the
    same index. A `source_prefix` names a collection of its own (an OParl mirror:
    "oparl://web1.karlsruhe.de/"): its sources are the prefix and the relative path, and `prune`
    removes only sources under it. A folder (no prefix) prunes only sources of no collection
    (none with "://", which no relative path holds), so `council ingest ORDNER --prune` leaves
    the documents of an OParl sync alone. `workers=0` parses with one process per CPU.
    `progress=None` shows bars only on a terminal. `access` marks every file of this call (a
    registry or the title can only make a file stricter, `ingest.parse.access_of`); a file
    ingested again with another level is re-placed (its vectors are kept). With `vectors_later`
    nothing is embedded: the files are searchable lexically when this returns (seconds, not
    minutes), and `embed_pending` computes the vectors afterwards, while the index is already
    being asked (`make run`).
    """
    started = time.monotonic()
    report = IngestReport()
    base, files = _list_files(path, exclude)
    report.files = len(files)
    registry = read_registries(base, files)
    report.metadata = [FileNote(source_prefix + s, d) for s, d in sorted(registry.used.items())]
    report.skipped = [FileNote(source_prefix + s, r) for s, r in sorted(registry.problems.items())]
    registry_files = set(registry.used) | set(registry.problems)
    known = catalog.file_hashes()
    # A file indexed before it was recognised as a registry or a listing of the folder goes.
    undocumented = sorted(source_prefix + s for s in registry_files if source_prefix + s in known)
    report.reanalysed = catalog.reanalyse()  # an index of an older analysis, before it is written to
    # A PDF read while Tesseract was missing has a fingerprint of its own, so that it is read
    # again once Tesseract is installed and its image-only pages get their text.
    ocr_missing = ocr is not None and ocr.enabled and tesseract_path(ocr) is None

    jobs: list[ParseJob] = []
    for file in files:
        relative = file.relative_to(base).as_posix()
        source = source_prefix + relative
        if relative in registry_files:
            continue
        if file.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.skipped.append(FileNote(source, unsupported(file.suffix)))
            continue
        record = registry.records.get(relative)
        try:
            # The level is part of the fingerprint where it is not the default, so that an index
            # written before levels existed is not parsed again.
            options = f"{record!r}{ocr!r}" + ("" if access == PUBLIC else access)
            if ocr_missing and file.suffix.lower() in OCR_SUFFIXES:
                options += ":ohne-ocr"
            file_hash = _fingerprint(file.read_bytes(), options, chunk_chars, max_chunk_chars)
        except OSError as exc:
            report.failed.append(FileNote(source, cannot_read(exc)))
            continue
        if known.get(source) == file_hash:
            report.unchanged += 1
            continue
        jobs.append(
            ParseJob(
                file, source, file_hash, record, chunk_chars, max_chunk_chars, max_file_bytes, ocr, access
            )
        )

    # What a registry records as text (a RIS agenda list's meetings, OParl papers) is stored as documents of
    # their own, beside the files; their fingerprint is their content.
    written: list[tuple[str, str, CouncilDocument, list[Chunk]]] = []
    for relative, doc in sorted(registry.documents.items()):
        source = source_prefix + relative
        doc = replace(doc, source=source, access=stricter(access, doc.access))
        doc_hash = _fingerprint(repr(doc).encode(), "", chunk_chars, max_chunk_chars)
        if known.get(source) == doc_hash:
            report.unchanged_records += 1
            continue
        written.append((source, doc_hash, doc, chunk_document(doc, chunk_chars, max_chunk_chars)))

    seen = {source_prefix + f.relative_to(base).as_posix() for f in files} | {
        source_prefix + s for s in registry.documents
    }
    gone = sorted(s for s in set(known) - seen if _in_collection(s, source_prefix)) if path.is_dir() else []
    embedder = None if vectors_later else _Embedder(vectors, embed_model, report, progress)
    try:
        if embedder is not None:
            embedder.start()
        parse_started = time.monotonic()
        parsed_files = _parse_all(jobs, workers)
        for parsed in progress_bar(progress, parsed_files, total=len(jobs), desc="Lesen", unit=" Datei"):
            _store(parsed, catalog, embedder, report)
        for source, doc_hash, doc, chunks in written:
            _write(source, doc_hash, doc, chunks, catalog, embedder, report)
            report.records_indexed += 1
        report.stage_seconds["parse+catalog"] = time.monotonic() - parse_started
        catalog.delete_sources(undocumented)
        if prune:
            catalog.delete_sources(gone)
            report.removed = gone
        else:
            report.stale = gone
        lexical_started = time.monotonic()
        report.reanalysed += catalog.reanalyse()
        report.stage_seconds["lexical"] = time.monotonic() - lexical_started
        report.searchable_seconds = time.monotonic() - started
        if embedder is not None:
            try:
                _reconcile(embedder, catalog, vectors, report)
            except StoreError as exc:  # an embedding server that is down or serves another model
                raise VectorsIncomplete(
                    f"{exc} Die gelesenen Dateien sind im Katalog; ihre Vektoren berechnet der nächste "
                    "Aufruf von `council ingest`, sobald der Server erreichbar ist."
                ) from exc
    finally:
        if embedder is not None:
            embedder.stop()
    report.vectors_pending = vectors_later
    report.index_chunks = catalog.count()
    report.seconds = time.monotonic() - started
    return report


def embed_pending(
    catalog: Catalog, vectors: VectorStore, embed_model: BaseEmbedding, *, progress: bool | None = None
) -> IngestReport:
    """The last stage of ingest on its own: embed every chunk whose vector is missing or stale,
    delete the vectors of chunks that are gone. For an index ingested with `vectors_later`, or
    one whose ingest was interrupted; reads no file. `embedded` says how many were computed."""
    started = time.monotonic()
    report = IngestReport()
    embedder = _Embedder(vectors, embed_model, report, progress)
    try:
        embedder.start()
        _reconcile(embedder, catalog, vectors, report)
    finally:
        embedder.stop()
    report.index_chunks = catalog.count()
    report.seconds = time.monotonic() - started
    return report


def _reconcile(embedder: "_Embedder", catalog: Catalog, vectors: VectorStore, report: IngestReport) -> None:
    """Bring the vectors in line with the whole catalog: what earlier runs left missing or stale
    is embedded, vectors of chunks no longer stored are deleted."""
    embedder.submit(catalog.all_chunks())
    embedder.finish()
    vectors.delete(embedder.stored_keys() - catalog.keys())
    report.stage_seconds["embed"] = embedder.busy_seconds


def _parse_all(jobs: list[ParseJob], workers: int) -> Iterator[Parsed]:
    """Parsed files in job order; in worker processes when there is more than one file."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 2:
        yield from map(parse_file, jobs)
        return
    # spawn, not fork: the parent runs threads (the embedder, Chroma's) that fork would copy mid-lock
    import multiprocessing

    with ProcessPoolExecutor(
        min(workers, len(jobs)), mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        yield from pool.map(parse_file, jobs, chunksize=1)


def _store(parsed: Parsed, catalog: Catalog, embedder: "_Embedder | None", report: IngestReport) -> None:
    job = parsed.job
    if parsed.doc is None:
        report.failed.append(FileNote(job.source, parsed.failure or "nicht lesbar"))
        catalog.delete_sources([job.source])  # the index mirrors the folder: no stale text of a broken file
        return
    _write(job.source, job.file_hash, parsed.doc, parsed.chunks, catalog, embedder, report)
    report.indexed += 1


def _write(
    source: str,
    file_hash: str,
    doc: CouncilDocument,
    chunks: list[Chunk],
    catalog: Catalog,
    embedder: "_Embedder | None",
    report: IngestReport,
) -> None:
    catalog.replace_file(doc, chunks, file_hash)
    report.warnings.extend(FileNote(source, w) for w in doc.warnings)
    report.closed += doc.access == CLOSED
    report.pages += len(doc.pages)
    report.chunks += len(chunks)
    report.characters += sum(len(c.text) for c in chunks)
    if embedder is not None:
        embedder.submit(list(catalog.chunks(catalog.keys_of_sources([source])).values()))


@dataclass(frozen=True)
class _Work:
    key: str
    text: str  # what is embedded
    meta: dict[str, Any]  # the vector's metadata, its `version` among it
    embed: bool  # False: the stored vector is current, only its metadata is rewritten


class _Embedder:
    """Embeds chunks on a background thread while files are still being parsed. Work arrives as
    stored chunks; those whose vector is missing or stale (by `version`, the hash of what is
    embedded) are embedded in batches of the model's batch size, each distinct key once. A
    current vector whose metadata changed (the chunk's primary file, its agenda item) keeps its
    vector and gets the new metadata."""

    def __init__(
        self, vectors: VectorStore, embed_model: BaseEmbedding, report: IngestReport, progress: bool | None
    ):
        self._vectors = vectors
        self._model = embed_model
        self._report = report
        self._stored = vectors.metadatas()
        self._queued: dict[str, dict[str, Any]] = {}  # key → metadata queued
        self._queue: queue.Queue[_Work | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="embedder", daemon=True)
        self._error: BaseException | None = None
        self._bar = progress_bar(progress, total=0, desc="Einbetten", unit=" Abschnitt")
        self.busy_seconds = 0.0

    def start(self) -> None:
        self._thread.start()

    def submit(self, chunks: list[StoredChunk]) -> None:
        work = []
        for chunk in chunks:
            text = chunk.embedding_input()
            meta = vector_metadata(chunk) | {"version": _version(text)}
            written = {k: v for k, v in meta.items() if v is not None}  # Chroma keeps no None values
            stored = self._stored.get(chunk.key)
            if self._queued.get(chunk.key, stored) == written:
                continue
            current = stored is not None and stored.get("version") in (
                meta["version"],
                _legacy_version(text, chunk),
            )
            self._queued[chunk.key] = written
            work.append(_Work(chunk.key, text, meta, embed=not current))
        embedding = sum(w.embed for w in work)
        if embedding:
            self._bar.total += embedding
            self._bar.refresh()
        for item in work:
            self._queue.put(item)

    def finish(self) -> None:
        """Wait until everything submitted is embedded (re-raises an error of the thread)."""
        self._queue.put(None)
        while self._thread.is_alive():
            self._thread.join(0.2)
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """End the thread without waiting for the rest of the queue (Ctrl-C, an error)."""
        self._stopping.set()
        self._queue.put(None)
        self._bar.close()

    def stored_keys(self) -> set[str]:
        return set(self._stored)

    def _run(self) -> None:
        batch_size = max(1, self._model.embed_batch_size)
        done = False
        try:
            while not done and not self._stopping.is_set():
                batch: list[_Work] = []
                item = self._queue.get()
                while item is not None:
                    batch.append(item)
                    if len(batch) >= batch_size:
                        break
                    try:
                        item = self._queue.get(timeout=0.05)
                    except queue.Empty:
                        break
                done = item is None
                if batch:
                    self._write(batch)
        except BaseException as exc:  # surfaced by finish()
            self._error = exc

    def _write(self, batch: list[_Work]) -> None:
        started = time.monotonic()
        embed = [w for w in batch if w.embed]
        relabel = [w for w in batch if not w.embed]
        if embed:
            vectors = self._model.get_text_embedding_batch([w.text for w in embed])
            self._vectors.upsert([w.key for w in embed], vectors, [w.meta for w in embed])
        if relabel:
            self._vectors.relabel([w.key for w in relabel], [w.meta for w in relabel])
        for w in batch:
            self._stored[w.key] = {k: v for k, v in w.meta.items() if v is not None}
        self.busy_seconds += time.monotonic() - started
        self._report.embedded += len(embed)
        self._report.relabelled += len(relabel)
        self._bar.update(len(embed))


def vector_metadata(chunk: StoredChunk) -> dict[str, Any]:
    """The council fields a vector carries for anyone reading the collection directly (its
    primary placement's document and section; filters are evaluated on the catalog)."""
    doc, section = chunk.doc, chunk.section
    return {
        "source": chunk.primary.source,
        "committee": doc.committee,
        "meeting_date": doc.meeting_date.isoformat() if doc.meeting_date else None,
        "doc_type": doc.doc_type,
        "vorlage": doc.vorlage,
        "agenda_item": section.item.number if section and section.item else None,
    }


def _version(text: str) -> str:
    """What a stored vector was computed from: the hash of the embedded text."""
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _legacy_version(text: str, chunk: StoredChunk) -> str:
    """The version an index written before catalog schema 3 stored: the hash of the embedded text
    and of the metadata then written (`has_vote` among it). Such a vector is current where its
    text is, so bringing an older index up to date rewrites metadata and embeds nothing."""
    meta = vector_metadata(chunk) | {"has_vote": chunk.facts.has_vote}
    return hashlib.sha1(f"{text}\x00{sorted(meta.items())}".encode()).hexdigest()[:16]


def _in_collection(source: str, prefix: str) -> bool:
    """Whether `source` belongs to the collection of `prefix` ("": the folders').

    >>> _in_collection("oparl://ka/0001/files/1.txt", "oparl://ka/"), _in_collection("a/b.pdf", "")
    (True, True)
    >>> _in_collection("oparl://ka/0001/files/1.txt", ""), _in_collection("a/b.pdf", "oparl://ka/")
    (False, False)
    """
    return source.startswith(prefix) if prefix else "://" not in source


def _fingerprint(data: bytes, options: str, chunk_chars: int, max_chunk_chars: int) -> str:
    """The file's content hash, salted with what else decides its document and chunks (its
    registry record, the OCR options)."""
    salt = f"{INGEST_VERSION}:{chunk_chars}:{max_chunk_chars}:{options}:".encode()
    return hashlib.sha256(salt + data).hexdigest()


def _list_files(path: Path, exclude: tuple[str, ...]) -> tuple[Path, list[Path]]:
    """(base for relative source paths, files to consider): hidden files and excluded globs
    (matched against the relative path and the file name) are left out."""
    if path.is_file():
        return path.parent, [path]
    files = []
    for file in sorted(path.rglob("*")):
        rel = file.relative_to(path)
        if not file.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if any(fnmatch.fnmatch(rel.as_posix(), pat) or fnmatch.fnmatch(file.name, pat) for pat in exclude):
            continue
        files.append(file)
    return path, files


def progress_bar(progress: bool | None, iterable: Any = None, **options: Any) -> tqdm:
    """A progress bar: on a terminal (`progress` None) or always (True) tqdm's bar; where output
    goes to a log or a pipe (None, not a terminal), a plain line every `_LINE_SECONDS`
    ("Einbetten:  40%|…| 51/127 …"), not a stream of carriage returns; none for False."""
    if progress is False:
        return tqdm(iterable, disable=True, **options)
    if progress or sys.stderr.isatty():
        return tqdm(iterable, **options)
    return tqdm(iterable, file=_Lines(sys.stderr), mininterval=_LINE_SECONDS, ascii=True, **options)


_LINE_SECONDS = 10


class _Lines(io.TextIOBase):
    """tqdm's refreshes as lines of their own (tqdm redraws its line with a carriage return)."""

    def __init__(self, out: Any):
        self._out = out

    def write(self, text: str) -> int:
        line = text.replace("\r", "").replace("\x1b[A", "").strip()
        if line:
            self._out.write(line + "\n")
            self._out.flush()
        return len(text)

    def flush(self) -> None:
        self._out.flush()
