"""`make bench`, part 2: `ask` latency over the gold questions against an existing index (the
one `make eval` builds), model loaded. Figures, not pass/fail. Part 1 is `eval/bench_ingest.py`."""

import argparse
import resource
import statistics
import time
from pathlib import Path

from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.council import build_assistant
from eval.metrics import load_gold


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
    print(
        f"ask over {len(questions)} gold questions, index {data_dir} "
        f"({Catalog(data_dir, create=False).count()} chunks):"
    )
    print(
        f"  p50 {statistics.median(latencies) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms   "
        f"max {latencies[-1] * 1000:6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data/shared-corpus"))
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"))
    args = parser.parse_args()
    if (args.data_dir / "catalog.sqlite").exists():
        bench_ask(args.data_dir, args.gold)
    else:
        print(f"no index at {args.data_dir}: run `make eval` first for the ask latency figures")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
