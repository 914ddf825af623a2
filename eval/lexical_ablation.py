"""`python -m eval.lexical_ablation --data-dir DIR [--gold GOLD] [--changes]`: BM25 alone over an
existing index's passages, under each stage of the lexical analysis, on the gold questions. Each
analysis gets an in-memory FTS5 index of its own, so the index in DIR is only read.

Stages: the answerer's stemmed terms of the passage text (the analysis before this one), then
with umlaut folding and agenda items, vote counts and dates as single terms, then also with
compound splitting, then over the text under its document header (what the catalog indexes);
last, that without compound splitting, to see what splitting adds to the whole.
Retrieval metrics only (the ranking of the top 15 passages, as in `council eval`); answer
accuracy per retrieval mode comes from `council eval --compare retrieval.mode=lexical`.
"""

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

from assistant.answering.question import Question
from assistant.core.text import content_terms, detect_language
from assistant.index.catalog import Catalog, StoredChunk
from assistant.index.lexical import FTS_TOKENIZER, Analyzer, corpus_part_counts
from eval.metrics import GoldQuestion, Outcome, compute, load_gold

TOP_K = 15
Analysis = Callable[[str], list[str]]
Stage = tuple[Analysis, Callable[[StoredChunk], str]]  # the analysis, what of a chunk it indexes
_QUERY = "SELECT key FROM lexical WHERE lexical MATCH ? ORDER BY bm25(lexical) LIMIT ?"


def stages(chunks: list[StoredChunk]) -> dict[str, Stage]:
    full = Analyzer(corpus_part_counts(c.text for c in chunks)).terms

    def text(chunk: StoredChunk) -> str:
        return chunk.text

    return {
        "stems": (lambda t: content_terms(t, detect_language(t)), text),
        "+ folding, identifiers": (Analyzer({}).terms, text),
        "+ compound splitting": (full, text),
        "+ document header": (full, StoredChunk.embedding_input),
        "  same, no compound split": (Analyzer({}).terms, StoredChunk.embedding_input),
    }


def bm25_outcomes(chunks: list[StoredChunk], gold: list[GoldQuestion], stage: Stage) -> list[Outcome]:
    analysis, indexed = stage
    db = sqlite3.connect(":memory:")
    db.execute(f'CREATE VIRTUAL TABLE lexical USING fts5 (key UNINDEXED, terms, tokenize="{FTS_TOKENIZER}")')
    db.executemany(
        "INSERT INTO lexical VALUES (?, ?)", ((c.key, " ".join(analysis(indexed(c)))) for c in chunks)
    )
    sources = {c.key: c.passage(None).sources for c in chunks}
    outcomes = []
    for question in gold:
        terms = list(dict.fromkeys(analysis(Question.read(question.question).search_text)))
        expression = " OR ".join('"' + t.replace('"', "") + '"' for t in terms) or '""'
        rows = db.execute(_QUERY, (expression, TOP_K))
        outcomes.append(Outcome(question, "", False, [], [sources[key] for (key,) in rows], 0.0))
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--gold", type=Path, default=Path(__file__).parent / "gold.jsonl")
    parser.add_argument("--changes", action="store_true", help="list questions whose rank changed")
    args = parser.parse_args()
    chunks = Catalog(args.data_dir, create=False).all_chunks()
    gold = load_gold(args.gold)
    results = {name: bm25_outcomes(chunks, gold, stage) for name, stage in stages(chunks).items()}
    print(f"BM25 alone, top {TOP_K}, {sum(q.answerable for q in gold)} answerable gold questions")
    print(f"{'analysis':<26}{'hit@1':>8}{'hit@5':>8}{'MRR':>8}{'nDCG@10':>9}")
    for name, outcomes in results.items():
        m = compute(outcomes)
        print(f"{name:<26}{m.hit_at_1:>8.3f}{m.hit_at_5:>8.3f}{m.mrr:>8.3f}{m.ndcg_at_10:>9.3f}")
    if args.changes:
        first, *rest = results.values()
        for name, outcomes in zip(list(results)[1:], rest, strict=True):
            print(f"\nrank changes, stems → {name}:")
            for a, b in zip(first, outcomes, strict=True):
                if a.gold.answerable and a.rank != b.rank:
                    print(f"  {a.gold.id:<8} {a.rank} → {b.rank}  {a.gold.question[:90]}")


if __name__ == "__main__":
    main()
