"""Gold questions and the metrics of an evaluation run (format: ../shared/eval/README.md)."""

import json
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.core.answers import EXTRACTIVE, Answer, Generation

Expected = list[str | list[str]]


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    expected: Expected
    sources: list[str]
    answerable: bool
    type: str = ""
    split: str = ""  # "tune" or "test" (eval/split.py): rules are fitted on one half, judged on the other


@dataclass(frozen=True)
class Outcome:
    """What one question got, as far as the metrics need it."""

    gold: GoldQuestion
    answer: str
    abstained: bool
    citations: list[tuple[tuple[str, ...], str]]  # per citation: its files (a duplicate: all), the quote
    retrieved: list[tuple[str, ...]]  # sources of each retrieved passage, best first
    seconds: float
    generation: Generation = EXTRACTIVE  # how the answer text came about (LLM or extractive)

    @classmethod
    def of(cls, gold: GoldQuestion, answer: Answer) -> "Outcome":
        """What `gold`'s question got from `CouncilAssistant.ask`."""
        return cls(
            gold=gold,
            answer=answer.text,
            abstained=answer.abstained,
            citations=[(c.passage.sources, c.text) for c in answer.citations],
            retrieved=[p.sources for p in answer.retrieved],
            seconds=answer.seconds,
            generation=answer.generation,
        )

    @property
    def cited(self) -> set[str]:
        return {source for sources, _ in self.citations for source in sources}

    def supported_citations(self) -> list[bool]:
        """Per citation: does it support the answer? Its quote contains an expected element, or
        it comes from a gold source (an answer may quote the gold document's context)."""
        return [
            bool(set(sources) & set(self.gold.sources))
            or any(_contains(quote, element) for element in self.gold.expected)
            for sources, quote in self.citations
        ]

    def ndcg(self, k: int = 10) -> float:
        """nDCG@k with binary relevance (a passage from a gold source is relevant), normalised by
        the best order of the relevant passages that were retrieved.

        A question with one relevant passage at rank 2 scores 1/log2(3) ≈ 0.63."""
        relevant = [bool(set(sources) & set(self.gold.sources)) for sources in self.retrieved[:k]]
        dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(relevant) if r)
        ideal = sum(1 / math.log2(i + 2) for i in range(sum(relevant)))
        return dcg / ideal if ideal else 0.0

    @property
    def correct(self) -> bool:
        """Answerable: not abstained, every expected element present, a gold source cited.
        Unanswerable: abstained."""
        if not self.gold.answerable:
            return self.abstained
        return (
            not self.abstained
            and all(_contains(self.answer, element) for element in self.gold.expected)
            and bool(self.cited & set(self.gold.sources))
        )

    @property
    def lead_carries(self) -> bool:
        """Answerable, answered, and the lead of the answer (its text up to the first citation
        marker, else its first sentence) carries one of the expected elements: the answer comes
        first, not after a heading or a neighbouring fact.

        >>> g = GoldQuestion("q", "Wie oft?", ["dreimal", "9"], [], True)
        >>> Outcome(g, "§ 7 Amtszeit [1] Er tritt dreimal zusammen. [2]", False, [], [], 0.1).lead_carries
        False
        >>> Outcome(g, "Er tagt dreimal [1]; er hat 9 Mitglieder.", False, [], [], 0.1).lead_carries
        True
        """
        if not self.gold.answerable or self.abstained:
            return False
        return any(_contains(lead_of(self.answer), element) for element in self.gold.expected)

    @property
    def rank(self) -> int | None:
        """1-based rank of the first retrieved passage from a gold source."""
        return next(
            (i for i, sources in enumerate(self.retrieved, 1) if set(sources) & set(self.gold.sources)), None
        )


def load_gold(path: Path) -> list[GoldQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                GoldQuestion(
                    id=str(row["id"]),
                    question=row["question"],
                    expected=row["expected"],
                    sources=row["sources"],
                    answerable=bool(row["answerable"]),
                    type=row.get("type", ""),
                    split=row.get("split", ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a gold question ({exc})") from exc
    return questions


def load_tuning(path: Path) -> list[GoldQuestion]:
    """The tuning half of a gold set (what rules and weights are fitted on); exits where it has none."""
    tuning = [q for q in load_gold(path) if q.split == "tune"]
    if not tuning:
        raise SystemExit(
            f'{path}: keine Fragen der Anpassungshälfte (split "tune"); erst python -m eval.split'
        )
    return tuning


_MARKER = re.compile(r"\[\d+\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\d])")


def lead_of(answer: str) -> str:
    """The lead of an answer: up to its first citation marker, or its first sentence."""
    marker = _MARKER.search(answer)
    if marker:
        return answer[: marker.end()]
    return _SENTENCE_END.split(answer, maxsplit=1)[0]


def every(gold: list[GoldQuestion], n: int) -> list[GoldQuestion]:
    """Every `n`th question of each type, in file order (the 1st, (n+1)th, …): a sample that keeps
    the types' shares, for runs too slow for the whole set (an LLM on 2 cores).

    >>> qs = [GoldQuestion(str(i), "?", [], [], True, "ab"[i % 2]) for i in range(7)]
    >>> [q.id for q in every(qs, 2)]
    ['0', '1', '4', '5']
    """
    seen: dict[str, int] = {}
    picked = []
    for q in gold:
        if seen.get(q.type, 0) % n == 0:
            picked.append(q)
        seen[q.type] = seen.get(q.type, 0) + 1
    return picked


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _contains(answer: str, element: str | list[str]) -> bool:
    alternatives = element if isinstance(element, list) else [element]
    return any(_normal(a) in _normal(answer) for a in alternatives)


@dataclass(frozen=True)
class Metrics:
    questions: int
    answerable: int
    accuracy: float  # all questions: right answer, or right abstention
    answer_accuracy: float  # answerable questions answered correctly with a gold source cited
    lead_accuracy: float  # answerable questions whose answer's lead carries an expected element
    abstention_accuracy: float  # abstained exactly when the question is unanswerable
    abstention_precision: float  # of the abstentions, share on unanswerable questions
    abstention_recall: float  # of the unanswerable questions, share abstained
    hit_at_1: float
    hit_at_5: float
    mrr: float
    ndcg_at_10: float
    citation_precision: float  # of the citations in answers to answerable questions, share that support them
    p50_seconds: float
    p95_seconds: float
    generated: float  # share of questions whose answer is the LLM's (verified) text
    fallback: float  # share where the LLM's answer did not hold up or failed: extractive answer instead
    removed_sentences: float  # of the generated sentences, share removed by verification
    tokens_per_second: float  # LLM tokens generated per second of generation (and verification)


def compute(outcomes: Sequence[Outcome]) -> Metrics:
    answerable = [o for o in outcomes if o.gold.answerable]
    unanswerable = [o for o in outcomes if not o.gold.answerable]
    abstained = [o for o in outcomes if o.abstained]
    ranks = [o.rank for o in answerable]
    seconds = sorted(o.seconds for o in outcomes)
    return Metrics(
        questions=len(outcomes),
        answerable=len(answerable),
        accuracy=_share(o.correct for o in outcomes),
        answer_accuracy=_share(o.correct for o in answerable),
        lead_accuracy=_share(o.lead_carries for o in answerable),
        abstention_accuracy=_share(o.abstained == (not o.gold.answerable) for o in outcomes),
        abstention_precision=_share(not o.gold.answerable for o in abstained),
        abstention_recall=_share(o.abstained for o in unanswerable),
        hit_at_1=_share(r == 1 for r in ranks),
        hit_at_5=_share(r is not None and r <= 5 for r in ranks),
        mrr=statistics.fmean(1 / r if r else 0.0 for r in ranks) if ranks else 0.0,
        ndcg_at_10=statistics.fmean(o.ndcg(10) for o in answerable) if answerable else 0.0,
        citation_precision=_share(flag for o in answerable for flag in o.supported_citations()),
        p50_seconds=_quantile(seconds, 0.5),
        p95_seconds=_quantile(seconds, 0.95),
        generated=_share(o.generation.mode == "generated" for o in outcomes),
        fallback=_share(o.generation.mode == "fallback" for o in outcomes),
        removed_sentences=_share(
            flag
            for o in outcomes
            for flag in [True] * len(o.generation.removed) + [False] * o.generation.kept
        ),
        tokens_per_second=_rate(
            sum(o.generation.tokens for o in outcomes), sum(o.generation.seconds for o in outcomes)
        ),
    )


def _rate(amount: float, seconds: float) -> float:
    return amount / seconds if seconds else 0.0


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


def _quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def _rows(metrics: Metrics) -> list[tuple[str, str]]:
    return [
        ("questions (answerable)", f"{metrics.questions} ({metrics.answerable})"),
        ("accuracy, all questions", f"{metrics.accuracy:.3f}"),
        ("answer accuracy", f"{metrics.answer_accuracy:.3f}"),
        ("lead carries an expected element", f"{metrics.lead_accuracy:.3f}"),
        ("abstention accuracy", f"{metrics.abstention_accuracy:.3f}"),
        ("abstention precision", f"{metrics.abstention_precision:.3f}"),
        ("abstention recall", f"{metrics.abstention_recall:.3f}"),
        ("retrieval hit@1", f"{metrics.hit_at_1:.3f}"),
        ("retrieval hit@5", f"{metrics.hit_at_5:.3f}"),
        ("retrieval MRR", f"{metrics.mrr:.3f}"),
        ("retrieval nDCG@10", f"{metrics.ndcg_at_10:.3f}"),
        ("citation precision", f"{metrics.citation_precision:.3f}"),
        ("latency p50 s", f"{metrics.p50_seconds:.3f}"),
        ("latency p95 s", f"{metrics.p95_seconds:.3f}"),
        ("LLM answers kept / fallback", f"{metrics.generated:.3f} / {metrics.fallback:.3f}"),
        ("generated sentences removed", f"{metrics.removed_sentences:.3f}"),
        ("LLM tokens/s", f"{metrics.tokens_per_second:.1f}"),
    ]


def format_table(metrics: Metrics, by_type: dict[str, Metrics]) -> str:
    rows = _rows(metrics)
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    if len(by_type) > 1:
        lines.append("")
        lines.append(f"{'type':<16} {'n':>4} {'accuracy':>9} {'lead':>6} {'hit@5':>6}")
        for name, m in sorted(by_type.items()):
            hit, lead = (f"{m.hit_at_5:.2f}", f"{m.lead_accuracy:.2f}") if m.answerable else ("-", "-")
            lines.append(f"{name:<16} {m.questions:>4} {m.accuracy:>9.2f} {lead:>6} {hit:>6}")
    return "\n".join(lines)


def format_comparison(
    a: tuple[Metrics, dict[str, Metrics]], b: tuple[Metrics, dict[str, Metrics]], label_a: str, label_b: str
) -> str:
    """Two runs (or two halves of a gold set) side by side: the metrics, then accuracy per type
    (a type one side lacks shows "-")."""
    rows_a, rows_b = _rows(a[0]), _rows(b[0])
    width = max(len(k) for k, _ in rows_a)
    col = max(12, len(label_a), len(label_b))
    lines = [f"{'':<{width}}  {label_a:>{col}}  {label_b:>{col}}"]
    lines += [
        f"{k:<{width}}  {va:>{col}}  {vb:>{col}}" for (k, va), (_, vb) in zip(rows_a, rows_b, strict=True)
    ]
    lines += ["", f"{'accuracy by type (n)':<{width}}  {label_a:>{col}}  {label_b:>{col}}"]
    for name in sorted(a[1].keys() | b[1].keys()):
        cells = [f"{m.accuracy:.2f} ({m.questions})" if (m := side[1].get(name)) else "-" for side in (a, b)]
        lines.append(f"{name:<{width}}  {cells[0]:>{col}}  {cells[1]:>{col}}")
    return "\n".join(lines)
