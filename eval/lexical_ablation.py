"""`python -m eval.lexical_ablation --data-dir DIR [--gold GOLD] [--changes]`: BM25 alone over an
existing index's passages, under each stage of the lexical analysis, on the gold questions. Each
analysis gets an in-memory FTS5 index of its own, so the index in DIR is only read.

Stages: the answerer's stemmed terms (the analysis before compound splitting), then with umlaut
folding and agenda items and vote counts as single terms, then also with compound splitting.
Retrieval metrics only (the ranking of the top 15 passages, as in `council eval`); answer
accuracy per retrieval mode comes from `council eval --compare retrieval.mode=lexical`.
"""

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

from assistant.catalog import Catalog
from assistant.intent import retrieval_query
from assistant.lexical import FTS_TOKENIZER, Analyzer, corpus_part_counts
from assistant.text import content_terms, detect_language
from eval.metrics import GoldQuestion, Outcome, compute, load_gold

TOP_K = 15
Analysis = Callable[[str], list[str]]
_QUERY = "SELECT key FROM lexical WHERE lexical MATCH ? ORDER BY bm25(lexical) LIMIT ?"


def stages(texts: list[str]) -> dict[str, Analysis]:
    return {
        "stems": lambda text: content_terms(text, detect_language(text)),
        "+ folding, identifiers": Analyzer({}).terms,
        "+ compound splitting": Analyzer(corpus_part_counts(texts)).terms,
    }


def bm25_outcomes(catalog: Catalog, gold: list[GoldQuestion], analysis: Analysis) -> list[Outcome]:
    chunks = catalog.all_chunks()
    db = sqlite3.connect(":memory:")
    db.execute(f'CREATE VIRTUAL TABLE lexical USING fts5 (key UNINDEXED, terms, tokenize="{FTS_TOKENIZER}")')
    db.executemany("INSERT INTO lexical VALUES (?, ?)", ((c.key, " ".join(analysis(c.text))) for c in chunks))
    sources = {c.key: c.passage(None).sources for c in chunks}
    outcomes = []
    for question in gold:
        terms = list(dict.fromkeys(analysis(retrieval_query(question.question))))
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
    catalog = Catalog(args.data_dir, create=False)
    gold = load_gold(args.gold)
    results = {
        name: bm25_outcomes(catalog, gold, analysis)
        for name, analysis in stages([c.text for c in catalog.all_chunks()]).items()
    }
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
