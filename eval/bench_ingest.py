"""`make bench`, part 1: ingest the shared corpus into a fresh data dir and print what it cost:
files, pages, chunks, characters, seconds per stage, time until searchable (every parsed file in
the catalog, BM25 works), time until fully embedded, chunks/s, peak memory; then the embedding
model's own floor for the same distinct texts, measured in the same run, and a no-change re-run
(which must embed nothing). Figures, not pass/fail; targets: searchable within 3 minutes, fully
embedded within 1.2x the floor, re-run under 15 s."""

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.index.embeddings import build_embed_model
from assistant.service.council import ingest

EXCLUDE = ("SOURCES.md", "sources.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument(
        "--data-dir", type=Path, help="fresh dir for the index (default: a temp dir, removed)"
    )
    parser.add_argument(
        "--floor-sample",
        type=float,
        default=1.0,
        help="share of the distinct texts to time the floor on (1.0: all; less: scaled up by characters)",
    )
    args = parser.parse_args()
    tmp = None if args.data_dir else tempfile.mkdtemp(prefix="bench-ingest-")
    data_dir = args.data_dir or Path(str(tmp))
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty: the benchmark needs a fresh data dir")
    settings = Settings(data_dir=data_dir)
    try:
        run(settings, args.corpus, args.floor_sample)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(settings: Settings, corpus: Path, floor_sample: float) -> None:
    started = time.perf_counter()
    report = ingest(settings, corpus, exclude=EXCLUDE, progress=True)
    total = time.perf_counter() - started

    catalog = Catalog(settings.data_dir, create=False)
    texts = [c.embedding_input() for c in catalog.all_chunks()]
    model = build_embed_model(settings.embedding)
    model.get_text_embedding_batch(texts[:2])  # load the model outside the timing
    step = max(1, round(1 / floor_sample))
    sample = texts[::step]
    floor_started = time.perf_counter()
    for i in range(0, len(sample), model.embed_batch_size):
        model.get_text_embedding_batch(sample[i : i + model.embed_batch_size])
    floor = (time.perf_counter() - floor_started) * sum(map(len, texts)) / max(1, sum(map(len, sample)))

    rerun_started = time.perf_counter()
    rerun = ingest(settings, corpus, exclude=EXCLUDE, progress=False)
    rerun_seconds = time.perf_counter() - rerun_started

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\ncorpus {corpus}: {report.files} files")
    print(
        f"  indexed {report.indexed}, metadata {len(report.metadata)}, skipped {len(report.skipped)}, "
        f"failed {len(report.failed)}, warnings {len(report.warnings)}"
    )
    print(
        f"  {report.pages} pages, {report.chunks} chunks ({report.index_chunks} distinct), "
        f"{report.characters:,} characters"
    )
    for stage, seconds in report.stage_seconds.items():
        print(f"  stage {stage:<16} {seconds:8.1f} s")
    print(f"  searchable after   {report.searchable_seconds:8.1f} s   (target < 180 s)")
    print(
        f"  fully embedded     {total:8.1f} s   {report.embedded / total:6.2f} distinct chunks/s, "
        f"{report.embedded} embedded"
    )
    sampled = "" if step == 1 else f", measured on 1/{step} of them"
    print(f"  embedding floor    {floor:8.1f} s   (same {len(texts)} texts, model only{sampled})")
    print(f"  embedded / floor   {total / floor:8.2f}x  (target <= 1.2x)")
    print(f"  no-change re-run   {rerun_seconds:8.1f} s   ({rerun.embedded} embedded, target < 15 s)")
    print(f"  peak memory        {own:8.0f} MB (main process), {workers:.0f} MB (largest parse worker)")


if __name__ == "__main__":
    main()
