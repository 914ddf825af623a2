"""Paragraph-aware chunks with offsets.

A chunk is a run of whole paragraphs of one page, about `target_chars` long. Paragraphs are
never split unless one alone exceeds `max_chars`; then it is cut between sentences. Only a single
"sentence" longer than `max_chars` (a table or list without punctuation) is cut at a line break or
space. Chunks never span pages, so a citation's page is exact, and never span two agenda items: a
chunk ends where the next section of `doc.sections` starts, even inside a paragraph (Portland
prints its items inline, "… (Y-5) CONFIRMED *42 Accept …"). Each chunk records its section.

A chunk's identity in the index is the hash of its text (`assistant.index.catalog.chunk_key`), so the
same text in two files is stored once.
"""

import bisect

from assistant.core.documents import Chunk, CouncilDocument
from assistant.core.facts import read_facts
from assistant.core.text import paragraph_spans, sentence_spans


def chunk_document(doc: CouncilDocument, target_chars: int, max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    starts = [(s.page_index, s.start) for s in doc.sections]
    for page_index, page in enumerate(doc.pages):
        cuts = [start for i, start in starts if i == page_index]
        group: list[tuple[int, int, int]] = []  # (paragraph number, start, end)
        group_section: int | None = None
        for piece in _pieces(page.text, max_chars, cuts):
            section = _section_at(starts, page_index, piece[1])
            if group and (piece[2] - group[0][1] > target_chars or section != group_section):
                chunks.append(
                    _make_chunk(doc.source, len(chunks), page.number, page.text, group, group_section)
                )
                group = []
            group.append(piece)
            group_section = section
        if group:
            chunks.append(_make_chunk(doc.source, len(chunks), page.number, page.text, group, group_section))
    return chunks


def _section_at(starts: list[tuple[int, int]], page_index: int, offset: int) -> int | None:
    """Index of the section that the text at (page_index, offset) belongs to; None where the
    document has no sections."""
    return bisect.bisect_right(starts, (page_index, offset)) - 1 if starts else None


def _pieces(text: str, max_chars: int, cuts: list[int] | None = None) -> list[tuple[int, int, int]]:
    """(paragraph number, start, end) of each paragraph, cut where a section starts, long
    pieces cut between sentences."""
    out: list[tuple[int, int, int]] = []
    for number, (p_start, p_end) in enumerate(paragraph_spans(text), start=1):
        for s_start, s_end in _split_at(text, p_start, p_end, cuts or []):
            out.extend((number, a, b) for a, b in _sentence_pieces(text, s_start, s_end, max_chars))
    return out


def _split_at(text: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """The span start..end cut at the offsets in `cuts`, whitespace at the cuts trimmed."""
    spans = []
    for cut in [c for c in cuts if start < c < end] + [end]:
        right = cut
        while right > start and text[right - 1].isspace():
            right -= 1
        if right > start:
            spans.append((start, right))
        start = cut
    return spans


def _sentence_pieces(text: str, p_start: int, p_end: int, max_chars: int) -> list[tuple[int, int]]:
    if p_end - p_start <= max_chars:
        return [(p_start, p_end)]
    out = []
    sentences = [(p_start + a, p_start + b) for a, b in sentence_spans(text[p_start:p_end])]
    piece_start = None
    piece_end = p_start
    for s_start, s_end in _cut_long(text, sentences, max_chars):
        if piece_start is not None and s_end - piece_start > max_chars:
            out.append((piece_start, piece_end))
            piece_start = None
        if piece_start is None:
            piece_start = s_start
        piece_end = s_end
    if piece_start is not None:
        out.append((piece_start, piece_end))
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
    source: str,
    index: int,
    page: int | None,
    page_text: str,
    group: list[tuple[int, int, int]],
    section: int | None,
) -> Chunk:
    start, end = group[0][1], group[-1][2]
    paragraph_starts = []
    seen = set()
    for number, p_start, _ in group:
        if number not in seen:
            seen.add(number)
            paragraph_starts.append(p_start - start)
    return Chunk(
        source=source,
        index=index,
        page=page,
        paragraph=group[0][0],
        paragraph_starts=tuple(paragraph_starts),
        start=start,
        end=end,
        text=page_text[start:end],
        section=section,
        facts=read_facts(page_text[start:end]),
    )
