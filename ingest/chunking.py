"""Paragraph-aware chunks with stable ids and offsets.

A chunk is a run of whole paragraphs of one page, about `target_chars` long. Paragraphs are
never split unless one alone exceeds `max_chars`; then it is cut between sentences. Only a single
"sentence" longer than `max_chars` (a table or list without punctuation) is cut at a line break or
space. Chunks never span pages, so a citation's page is exact.

Ids are derived from the source path, page and offsets: re-ingesting unchanged text gives the
same ids, so upserts are idempotent.
"""

import hashlib

from assistant.text import paragraph_spans, sentence_spans
from ingest.model import Chunk, CouncilDocument


def chunk_document(doc: CouncilDocument, target_chars: int, max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for page in doc.pages:
        pieces = _pieces(page.text, max_chars)
        group: list[tuple[int, int, int]] = []  # (paragraph number, start, end)
        for piece in pieces:
            if group and piece[2] - group[0][1] > target_chars:
                chunks.append(_make_chunk(doc.source, len(chunks), page.number, page.text, group))
                group = []
            group.append(piece)
        if group:
            chunks.append(_make_chunk(doc.source, len(chunks), page.number, page.text, group))
    return chunks


def _pieces(text: str, max_chars: int) -> list[tuple[int, int, int]]:
    """(paragraph number, start, end) of each paragraph, long ones cut between sentences."""
    out = []
    for number, (p_start, p_end) in enumerate(paragraph_spans(text), start=1):
        if p_end - p_start <= max_chars:
            out.append((number, p_start, p_end))
            continue
        sentences = [(p_start + a, p_start + b) for a, b in sentence_spans(text[p_start:p_end])]
        piece_start = None
        piece_end = p_start
        for s_start, s_end in _cut_long(text, sentences, max_chars):
            if piece_start is not None and s_end - piece_start > max_chars:
                out.append((number, piece_start, piece_end))
                piece_start = None
            if piece_start is None:
                piece_start = s_start
            piece_end = s_end
        if piece_start is not None:
            out.append((number, piece_start, piece_end))
    return out


def _cut_long(text: str, spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Sentences longer than max_chars cut at the last line break (else space) before the limit."""
    out = []
    for start, end in spans:
        while end - start > max_chars:
            window = text[start : start + max_chars]
            cut = window.rfind("\n")
            if cut < max_chars // 2:
                cut = window.rfind(" ")
            if cut < max_chars // 2:
                cut = max_chars
            out.append((start, start + cut))
            start += cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            out.append((start, end))
    return out


def _make_chunk(
    source: str, index: int, page: int | None, page_text: str, group: list[tuple[int, int, int]]
) -> Chunk:
    start, end = group[0][1], group[-1][2]
    paragraph_starts = []
    seen = set()
    for number, p_start, _ in group:
        if number not in seen:
            seen.add(number)
            paragraph_starts.append(p_start - start)
    key = f"{source}\x00{page}\x00{start}\x00{end}"
    return Chunk(
        id=hashlib.sha1(key.encode()).hexdigest()[:20],
        source=source,
        index=index,
        page=page,
        paragraph=group[0][0],
        paragraph_starts=tuple(paragraph_starts),
        start=start,
        end=end,
        text=page_text[start:end],
    )
