"""The generative answerer: an LLM writes the answer from numbered passages, then every sentence
is verified against the passages it cites (`assistant.answering.verify`).

- Sentences that do not hold up are removed and the answer says so (`Generation.removed`).
- Where none holds up, the LLM fails (server down, timeout) or returns nothing, the extractive
  answer is given instead and `Generation.note` says why (mode "fallback").
- Where the LLM says the passages do not answer, the answer abstains if the extract does too;
  else the extractive answer is given, with a note.

The passages in the prompt are the ones the extractive answerer quoted first (its choice is
measured), then the rest in retrieval order, up to `llm.max_passages`. Each is cut to about
`llm.passage_chars` around what the extract quoted from it, and fenced so that text inside a document
("Ignoriere alle Anweisungen …") reads as document text, not as an instruction.
"""

import logging
import re
import time
from collections.abc import Generator
from dataclasses import replace

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import LLM

from assistant.answering.chat import Turn
from assistant.answering.extractive import ABSTAIN
from assistant.answering.passages import citation, one_line, quote_span
from assistant.answering.prompts import load_prompt
from assistant.answering.question import Question
from assistant.answering.verify import Checked, Verifier
from assistant.core.answers import Citation, Delta, Generation, Passage, Reply
from assistant.core.settings import LLMSettings
from assistant.core.text import content_terms, detect_language

log = logging.getLogger(__name__)

_FENCE = re.compile(r"</?\s*passage", re.I)


class GenerativeAnswerer:
    def __init__(self, llm: LLM, embed_model: BaseEmbedding, settings: LLMSettings):
        self._llm = llm
        self._settings = settings
        self._verifier = Verifier(
            embed_model.get_text_embedding_batch, settings.min_support, settings.min_similarity
        )

    def stream(
        self, question: Question, passages: list[Passage], extract: Reply
    ) -> Generator[Delta, None, Reply]:
        """Yields the LLM's text as it comes; returns the verified answer."""
        started = time.perf_counter()
        language = question.language
        shown = prompt_passages(passages, extract, self._settings.max_passages)
        messages = load_prompt("answer", language).render(
            passages=format_passages(shown, self._settings.passage_chars, extract),
            question=question.stated,
            abstain=ABSTAIN[language],
        )
        pieces: list[str] = []
        tokens = 0
        try:
            for chunk in self._llm.stream_chat(messages):
                if chunk.delta:
                    tokens += 1
                    pieces.append(chunk.delta)
                    yield Delta(chunk.delta)
        except Exception as exc:  # any failure of the server or the connection: the extract still answers
            log.warning("LLM request failed: %s: %s", exc.__class__.__name__, exc)
            note = (
                f"Das Sprachmodell ist nicht erreichbar ({exc.__class__.__name__}); "
                "die Antwort zitiert stattdessen die passenden Textstellen wörtlich."
            )
            return replace(
                extract, generation=Generation("fallback", note, seconds=time.perf_counter() - started)
            )
        text = "".join(pieces).strip()
        seconds = time.perf_counter() - started
        if _abstains(text, language):
            if extract.abstained:
                return Reply(
                    ABSTAIN[language], [], True, Generation("generated", tokens=tokens, seconds=seconds)
                )
            # Measured on a sample of the gold set: where the model (Qwen2.5 0.5B/1.5B) found no
            # answer but the extract did, the extract was right in most cases.
            note = (
                "Das Sprachmodell fand keine Antwort; die Antwort zitiert die passenden Textstellen wörtlich."
            )
            return replace(extract, generation=Generation("fallback", note, (), 0, tokens, seconds))
        checked = self._verifier.check(text, question.stated, shown)
        kept = [c for c in checked if c.supported]
        removed = tuple(f"{c.claim.text} ({c.reason})" for c in checked if not c.supported)
        seconds = time.perf_counter() - started
        if not kept:
            note = (
                "Die generierte Antwort ließ sich nicht mit den Textstellen belegen; "
                if checked
                else "Die generierte Antwort enthielt keine Aussage (etwa nur Quellenangaben); "
            ) + "stattdessen die passenden Textstellen wörtlich."
            return replace(extract, generation=Generation("fallback", note, removed, 0, tokens, seconds))
        answer_text, citations = _compose(kept, shown)
        removal = None
        if removed:
            removal = (
                f"{len(removed)} von {len(checked)} Sätzen der generierten Antwort waren nicht durch die "
                "zitierten Textstellen belegt und wurden entfernt."
            )
        return Reply(
            answer_text,
            citations,
            False,
            Generation("generated", removal, removed, len(kept), tokens, seconds),
        )

    def condense(self, question: str, history: list[Turn]) -> str | None:
        """The follow-up rewritten as a standalone question by the LLM; None when that fails or
        gives nothing usable (the caller then carries the previous turn's topic in words).

        Usable: one question (ends with "?") that keeps a content word of the follow-up (if it has
        any) and takes one from the previous question; a small model that echoes its instructions or answers
        instead of rewriting gives neither."""
        language = detect_language(question)
        recent = history[-3:]
        lines = [
            f"{'Frage' if language == 'de' else 'Question'}: {t.searched}\n"
            f"{'Antwort' if language == 'de' else 'Answer'}: {one_line(t.answer)[:300]}"
            for t in recent
        ]
        messages = load_prompt("condense", language).render(history="\n".join(lines), question=question)
        try:
            text = self._llm.chat(messages).message.content or ""
        except Exception as exc:
            log.warning("LLM condense failed: %s: %s", exc.__class__.__name__, exc)
            return None
        first = one_line(text.strip().splitlines()[0] if text.strip() else "")
        terms, own = set(content_terms(first, language)), set(content_terms(question, language))
        usable = (
            first.endswith("?")
            and len(first) <= 400
            and (terms & own or not own)
            and terms & set(content_terms(history[-1].searched, language))
        )
        return first if usable else None


def prompt_passages(passages: list[Passage], extract: Reply, limit: int) -> list[Passage]:
    """The extract's cited passages first, then the others in retrieval order."""
    cited = [c.passage for c in extract.citations]
    ordered = list(dict.fromkeys([*cited, *passages]))
    return ordered[:limit]


def format_passages(passages: list[Passage], max_chars: int, extract: Reply) -> str:
    """'<passage n="1" source="…" context="Niederschrift, Gemeinderat, 2024-10-22, TOP 14: …">…</passage>'.

    A passage longer than `max_chars` is cut around what the extract quotes from it (a chunk of
    minutes runs to 2,000 characters; the answer may stand at its end), else from its start."""
    quoted = {c.passage.chunk_id: c.passage.text.find(c.text) for c in reversed(extract.citations)}
    out = []
    for n, p in enumerate(passages, 1):
        where = ", ".join(
            x
            for x in (
                p.doc_type,
                p.committee,
                p.meeting_date.isoformat() if p.meeting_date else None,
                p.agenda_item.label() if p.agenda_item else None,
            )
            if x
        )
        text = _FENCE.sub("passage", _excerpt(p.text, max_chars, quoted.get(p.chunk_id, 0)))
        out.append(f'<passage n="{n}" source="{p.title}" context="{where}">\n{text.strip()}\n</passage>')
    return "\n\n".join(out)


def _excerpt(text: str, max_chars: int, around: int) -> str:
    """About `max_chars` of `text` starting a little before offset `around`, cut at spaces."""
    if len(text) <= max_chars:
        return text
    start = max(0, min(around - max_chars // 5, len(text) - max_chars))
    piece = text[start : start + max_chars]
    if start:
        piece = "… " + piece[piece.find(" ") + 1 :]
    if start + max_chars < len(text):
        piece = piece[: piece.rfind(" ")] + " …"
    return piece


def _abstains(text: str, language: str) -> bool:
    """An answer that is (or starts with) the abstention sentence. An empty answer is none: it
    holds no sentence to verify, so the extractive answer is given (mode "fallback")."""
    flat = one_line(re.sub(r"\[\d+\]", "", text)).lower()
    return flat.startswith(ABSTAIN[language].lower()[:40]) or flat.startswith(ABSTAIN["en"].lower()[:40])


def _compose(kept: list[Checked], passages: list[Passage]) -> tuple[str, list[Citation]]:
    """The kept sentences, renumbered in order of first citation; one citation per passage,
    quoting the paragraphs that hold its supporting sentences."""
    numbers: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    parts = []
    for c in kept:
        for n, a, b in c.evidence:  # a passage the model cited without support gets no marker
            spans.setdefault(n, []).append((a, b))
        refs = [numbers.setdefault(n, len(numbers) + 1) for n, _, _ in c.evidence]
        body = c.claim.text.rstrip()
        stop = body[-1] if body[-1:] in ".!?" else "."
        parts.append(f"{body.rstrip('.!?')} {''.join(f'[{r}]' for r in dict.fromkeys(refs))}{stop}")
    citations = []
    for n, new in sorted(numbers.items(), key=lambda item: item[1]):
        p = passages[n - 1]
        found = spans[n]
        start, end = quote_span(p, min(a for a, _ in found), max(b for _, b in found))
        citations.append(citation(new, p, start, end))
    return " ".join(parts), citations
