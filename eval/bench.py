"""`make bench`: ingest throughput on a fixed slice of the corpus (with the embedding model's own
floor for the same texts, measured in the same run) and `ask` latency over the gold questions
against an existing index. Figures, not pass/fail."""

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from assistant.api import build_assistant, ingest
from assistant.embeddings import build_embed_model
from assistant.settings import Settings
from eval.metrics import load_gold
from ingest.chunking import chunk_document
from ingest.readers import read_pages
from ingest.structure import build_document

SLICE = [
    "kreis-mettmann/Beratungsergebnis_50-004-2021_Sozialausschuss_2021-02-08_TOP10.txt",
    "karlsruhe-oparl/docs/file-contents/662263.txt",
    "kent-county-council/full_council/2025-02-13/originals/"
    "Printed minutes 13th-Feb-2025 09.30 County Council.pdf",
    "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2026.pdf",
    "erlangen-sbr-buechenbach/SBR/2021-10-27_Niederschrift_Niederschrift_3_Sitzung_Buechenbach.pdf",
]


def bench_ingest(corpus: Path) -> None:
    corpus = corpus.resolve()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        for rel in SLICE:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).symlink_to(corpus / rel)
        settings.data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        report = ingest(settings, folder, progress=False)
        seconds = time.perf_counter() - started
        rerun_started = time.perf_counter()
        rerun = ingest(settings, folder, progress=False)
        rerun_seconds = time.perf_counter() - rerun_started

    texts = []
    for rel in SLICE:
        pages, warnings = read_pages(corpus / rel, 2**30)
        doc = build_document(rel, pages, warnings)
        chunks = chunk_document(doc, settings.ingest.chunk_chars, settings.ingest.max_chunk_chars)
        texts += [c.embedding_input(doc) for c in chunks]
    model = build_embed_model(settings.embedding)
    model.get_text_embedding_batch(texts[:2])  # load the model outside the timing
    floor_started = time.perf_counter()
    model.get_text_embedding_batch(texts)
    floor = time.perf_counter() - floor_started

    print(
        f"ingest slice: {report.files} files, {report.pages} pages, {report.chunks} chunks, "
        f"{sum(map(len, texts))} characters"
    )
    print(f"  full ingest        {seconds:7.1f} s  {report.chunks / seconds:6.1f} chunks/s")
    print(
        f"  embedding floor    {floor:7.1f} s  {len(texts) / floor:6.1f} chunks/s  (same texts, model only)"
    )
    print(f"  ingest / floor     {seconds / floor:7.2f}x")
    print(f"  no-change re-run   {rerun_seconds:7.1f} s  ({rerun.embedded} texts embedded)")


def bench_ask(data_dir: Path, gold: Path) -> None:
    assistant = build_assistant(Settings(data_dir=data_dir))
    questions = [q.question for q in load_gold(gold)]
    assistant.warm_up()
    latencies = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"ask over {len(questions)} gold questions, index {data_dir} ({assistant.store.count()} chunks):")
    print(
        f"  p50 {statistics.median(latencies) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms   "
        f"max {latencies[-1] * 1000:6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--data-dir", type=Path, default=Path("data/shared-corpus"))
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"))
    args = parser.parse_args()
    bench_ingest(args.corpus)
    if (args.data_dir / "chroma").exists():
        bench_ask(args.data_dir, args.gold)
    else:
        print(f"no index at {args.data_dir}: run `make eval` first for the ask latency figures")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
