"""One file to a council document and its chunks: the CPU-bound part of ingest that runs in worker
processes beside the embedding. Kept free of heavy imports (no Chroma, no llama-index), so
workers start fast."""

from dataclasses import dataclass, replace
from pathlib import Path

from assistant.core.access import AccessLevel, level_of, stricter
from assistant.core.documents import Chunk, CouncilDocument, SourceRecord
from ingest.chunking import chunk_document
from ingest.readers import ReadError, read_pages
from ingest.readers.ocr import OcrOptions
from ingest.registry import apply_record
from ingest.structure import build_document


@dataclass(frozen=True)
class ParseJob:
    file: Path
    source: str  # path relative to the ingested folder
    file_hash: str
    record: SourceRecord | None  # registry metadata for this file, if any
    chunk_chars: int
    max_chunk_chars: int
    max_file_bytes: int
    ocr: OcrOptions | None  # None: no OCR, image-only pages are reported
    access: AccessLevel  # as the ingest call marks its files (`council ingest --access`)


@dataclass(frozen=True)
class Parsed:
    job: ParseJob
    doc: CouncilDocument | None  # None: the file could not be read, `failure` says why
    chunks: list[Chunk]
    failure: str | None = None


def parse_file(job: ParseJob) -> Parsed:
    try:
        pages, warnings = read_pages(job.file, job.max_file_bytes, job.ocr)
    except ReadError as exc:
        return Parsed(job, None, [], exc.reason)
    doc = build_document(job.source, pages, warnings)
    if job.record is not None:
        doc = apply_record(doc, job.record)
    doc = replace(doc, access=access_of(doc, job.access))
    return Parsed(job, doc, chunk_document(doc, job.chunk_chars, job.max_chunk_chars))


def access_of(doc: CouncilDocument, given: AccessLevel) -> AccessLevel:
    """The file's level: the stricter of what the ingest call gives, what the registry says and
    what the title says ("Niederschrift über die nichtöffentliche Sitzung"); see
    `assistant.core.access`."""
    registry = doc.record.access if doc.record else None
    return stricter(stricter(given, registry), level_of(doc.title))
