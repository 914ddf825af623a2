"""Incremental, idempotent ingest of a folder: hash → skip unchanged → read → chunk → embed → store.

Two passes with a progress bar each: reading and chunking every changed file (fast), then
embedding and storing file by file (slow). Each file is committed on its own, so an interrupted
run loses at most the file in flight, and the next run finishes it.
"""

import fnmatch
import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from assistant.store import ChunkStore, input_sha
from ingest.chunking import chunk_document
from ingest.model import Chunk, CouncilDocument
from ingest.readers import SUPPORTED_SUFFIXES, ReadError, read_pages
from ingest.structure import build_document

# Part of every file's fingerprint: raise it when reading or chunking changes, and the next
# ingest re-chunks every file (vectors of unchanged chunk texts are reused, not recomputed).
INGEST_VERSION = 6


@dataclass(frozen=True)
class FileNote:
    source: str
    reason: str


@dataclass
class IngestReport:
    files: int = 0  # files seen under the path
    indexed: int = 0  # files (re)indexed in this run
    unchanged: int = 0
    pages: int = 0  # pages of the files indexed in this run
    chunks: int = 0  # chunks written in this run
    embedded: int = 0  # distinct embedding inputs computed in this run (the other chunks reused vectors)
    index_chunks: int = 0  # chunks in the index after the run
    skipped: list[FileNote] = field(default_factory=list)
    failed: list[FileNote] = field(default_factory=list)
    warnings: list[FileNote] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # sources pruned from the index
    stale: list[str] = field(default_factory=list)  # sources in the index whose file is gone (no --prune)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: every file ingested; 2: some failed (the rest are in the index)."""
        return 2 if self.failed else 0


@dataclass(frozen=True)
class _Parsed:
    doc: CouncilDocument
    chunks: list[Chunk]
    file_hash: str


def ingest_path(
    path: Path,
    store: ChunkStore,
    embed_model: BaseEmbedding,
    *,
    chunk_chars: int,
    max_chunk_chars: int,
    max_file_bytes: int,
    prune: bool = False,
    exclude: tuple[str, ...] = (),
    progress: bool | None = None,
) -> IngestReport:
    """Bring the index in line with the files under `path` (a folder, or a single file).

    Sources are stored relative to `path`, so the same folder ingested from elsewhere gives the
    same index. `progress=None` shows bars only on a terminal.
    """
    started = time.monotonic()
    report = IngestReport()
    base, files = _list_files(path, exclude)
    report.files = len(files)
    states = store.file_states()

    todo: list[_Parsed] = []
    for file in tqdm(files, desc="Lesen", unit=" Datei", disable=_hide(progress)):
        source = file.relative_to(base).as_posix()
        if file.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.skipped.append(FileNote(source, f"unsupported file type {file.suffix or '(none)'}"))
            continue
        try:
            file_hash = _fingerprint(file.read_bytes(), chunk_chars, max_chunk_chars)
        except OSError as exc:
            report.failed.append(FileNote(source, f"cannot read file ({exc.strerror or exc})"))
            continue
        state = states.get(source)
        if state is not None and state.is_current(file_hash):
            report.unchanged += 1
            continue
        try:
            pages, warnings = read_pages(file, max_file_bytes)
        except ReadError as exc:
            report.failed.append(FileNote(source, exc.reason))
            if state is not None:  # the index mirrors the folder: no stale text of a broken file
                store.delete_sources([source])
            continue
        doc = build_document(source, pages, warnings)
        report.warnings.extend(FileNote(source, w) for w in warnings)
        todo.append(_Parsed(doc, chunk_document(doc, chunk_chars, max_chunk_chars), file_hash))

    bar = tqdm(
        total=sum(len(p.chunks) for p in todo), desc="Einbetten", unit=" Abschnitt", disable=_hide(progress)
    )
    with bar:
        for parsed in todo:
            vectors = _vectors(parsed, store, embed_model, report, bar)
            store.replace_file(parsed.doc, parsed.chunks, vectors, parsed.file_hash)
            report.indexed += 1
            report.pages += len(parsed.doc.pages)
            report.chunks += len(parsed.chunks)

    seen = {f.relative_to(base).as_posix() for f in files}
    gone = sorted(set(states) - seen) if path.is_dir() else []
    if prune:
        store.delete_sources(gone)
        report.removed = gone
    else:
        report.stale = gone
    report.index_chunks = store.count()
    report.seconds = time.monotonic() - started
    return report


def _vectors(
    parsed: _Parsed, store: ChunkStore, embed_model: BaseEmbedding, report: IngestReport, bar: tqdm
) -> list[list[float]]:
    """Vectors for the chunks: reused where the same input is already stored, embedded otherwise
    (each distinct input once)."""
    inputs = [c.embedding_input(parsed.doc) for c in parsed.chunks]
    shas = [input_sha(text) for text in inputs]
    uses = Counter(shas)
    known = store.vectors_for_inputs(shas)
    missing = [sha for sha in uses if sha not in known]
    text_of = dict(zip(shas, inputs, strict=True))
    batch = max(1, embed_model.embed_batch_size)
    bar.update(sum(n for sha, n in uses.items() if sha in known))
    for i in range(0, len(missing), batch):
        part = missing[i : i + batch]
        for sha, vector in zip(
            part, embed_model.get_text_embedding_batch([text_of[s] for s in part]), strict=True
        ):
            known[sha] = vector
        report.embedded += len(part)
        bar.update(sum(uses[sha] for sha in part))
    return [known[sha] for sha in shas]


def _fingerprint(data: bytes, chunk_chars: int, max_chunk_chars: int) -> str:
    """The file's content hash, salted with what else decides its chunks."""
    salt = f"{INGEST_VERSION}:{chunk_chars}:{max_chunk_chars}:".encode()
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


def _hide(progress: bool | None) -> bool | None:
    return None if progress is None else not progress
