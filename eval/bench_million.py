"""`make bench-million`: the index at a million chunks. Build time, disk, peak memory and query
latency (BM25, dense, hybrid, hybrid with a filter, a whole `ask`) in embedded Chroma and in a
`chroma run` server, and the gold set's hit@5 with the real corpus mixed into the million, against
the real corpus alone. Figures, not pass/fail; the target is hybrid-with-filter p95 <= 1 s.

    python -m eval.bench_million --real data/shared-corpus [--chunks 1000000] [--sample 500]

`--real` is a built index of the shared corpus (`make eval`); it is copied, never written. Its
chunks with their real e5 vectors are the part the gold set is asked about. The rest of the
million is synthetic:

- **Texts**: real corpus sentences recombined. Each synthetic chunk takes runs of consecutive
  sentences from two or three real chunks of one corpus family (so it stays in one language and
  municipality; one of them is from the real document its file is about, which 70 % of the next
  chunks keep), up to the length of a randomly drawn real chunk. Every sentence is a real
  council sentence, so BM25's term statistics and posting lists grow as they would; each is used
  about 200 times at a million. Left out of the pool are the sentences of a gold source that
  hold what one of its gold questions expects ("13,5", "Kenntnis"): a real million would add
  other papers on the same topics, which the rest of those sources stand for, not 200 copies of
  the fact asked about.
- **Metadata**: files of synthetic municipalities (500 files each), each modelled on one corpus
  family (Karlsruhe, Kent, ...; chosen in proportion to its files, so 80 % are German: Cleveland's
  nine city records hold half the corpus's chunks): that family's committees and document types in
  their real proportions (unqualified names, as the real index stores them: a "Gemeinderat" filter
  matches many municipalities, as it would in a shared index), meeting days 2005-2025, Vorlage
  numbers on German papers, agenda items, and access levels: 10 % of the files nichtöffentlich and
  a closed last item ("NÖ 4") in a fifth of the others. Files go through `Catalog.replace_file` and
  `Catalog.reanalyse`, the code ingest uses, with the facts of each text read by `read_facts` in
  worker processes as ingest's parse workers do: facets, filters and BM25 are the real ones.
- **Vectors**: real e5 vectors for `--sample` synthetic chunks (embedded by the model here); for
  the rest a deterministic stand-in: the mean of the real vectors of the chunks whose sentences it
  recombines, weighted by the characters taken from each, plus seeded Gaussian noise, normalised.
  A random vector would be wrong for nearest-neighbour search twice over: e5 vectors fill a
  narrow cone (cosines of unrelated passages are 0.7-0.8, not 0), so random vectors are neither as
  hard for HNSW nor near any question. The stand-in sits where e5 puts texts made of those
  sentences: near its sources' topic, as near the question as those are, and the noise keeps
  recombinations of the same sources apart. The noise (`NOISE`) is set so that stand-ins are as
  near to questions and to each other as e5 vectors of the same texts (measured on 120 synthetic
  chunks embedded by e5 and 80 gold questions: question cosine 0.791 to stand-ins, 0.792 to e5
  vectors; between chunks 0.806 and 0.815; at 0.45 stand-ins were 0.05 farther from questions,
  so dense search met weaker distractors than real ones). Every run measures it again on the
  sample and prints it.

Query figures are taken in a fresh process per store (`--measure`), so that their peak memory is a
server's, not the builder's; the Chroma server's own peak is read from /proc. The questions are
the gold set's (`--every N`: every Nth); the filter of "hybrid+filter" is the committee and year
(or the document type, or the year) of the question's gold source, asked as the public, so access
levels and filters both restrict the search.
"""

import argparse
import bisect
import contextlib
import hashlib
import json
import math
import multiprocessing
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.access import CLOSED, PUBLIC, AccessLevel
from assistant.core.documents import AgendaItem, Chunk, CouncilDocument, Section
from assistant.core.facts import read_facts
from assistant.core.filters import NO_FILTERS, Filters
from assistant.core.settings import Settings, StoreSettings
from assistant.core.text import sentence_spans
from assistant.index.catalog import Catalog, chunk_key
from assistant.index.vectors import VectorStore
from assistant.service.data_dir import copy_data_dir
from eval.metrics import GoldQuestion, Outcome, _contains, compute, load_gold
from ingest.pipeline import _version, vector_metadata

SEED = 14
# Stand-in noise: Gaussian with this standard deviation per unit vector (spread over the
# dimensions); a stand-in's cosine to the mean it is drawn around is about 0.98 (see above).
NOISE = 0.2
CLOSED_FILES = 0.10  # share of synthetic files ingested as nichtöffentlich
CLOSED_ITEM = 0.20  # share of the other files whose last agenda item is closed ("NÖ 4")
FIRST_DAY, LAST_DAY = date(2005, 1, 1), date(2025, 12, 31)
CHUNKS_PER_FILE = (1, 40)  # uniform; the shared corpus averages 20 placements a file
GERMAN_PAPERS = ("Vorlage", "Antrag", "Anfrage", "Stellungnahme", "Beratungsergebnis", "Anlage")
_PREFIXES = ("Ober", "Unter", "Neu", "Alt", "Groß", "Klein", "Hohen", "Nieder", "Wald", "Linden")
_SUFFIXES = ("bach", "dorf", "feld", "heim", "hausen", "berg", "stadt", "au", "burg", "ingen")
BATCH = 1000  # vectors per Chroma write, as `VectorStore.upsert` caps them


# --- the pool the synthetic chunks are drawn from ----------------------------------------------


@dataclass(frozen=True)
class Family:
    """One corpus family (the first folder of a source: karlsruhe-oparl, kent-county-council):
    what its files' metadata looks like, and the pool chunks of its real documents."""

    name: str
    committees: tuple[tuple[str | None, int], ...]  # (value, placements) as the real facets hold them
    doc_types: tuple[tuple[str | None, int], ...]
    documents: tuple[tuple[int, ...], ...]  # per real document, its pool chunks (indices into Pool)
    german: bool


@dataclass(frozen=True)
class Pool:
    """The real chunks synthetic ones are made from: their sentences, lengths and families."""

    sentences: tuple[tuple[str, ...], ...]  # per pool chunk
    lengths: tuple[int, ...]  # of the real chunk texts (all of them): the length distribution drawn from
    families: tuple[Family, ...]
    weights: tuple[int, ...]  # per family: its documents, to choose a municipality's model by


def build_pool(data_dir: Path, vector_keys: set[str], gold: list[GoldQuestion]) -> tuple[Pool, list[str]]:
    """The pool from the real catalog in `data_dir`, and the pool chunks' keys (their row order):
    every chunk with a vector, less the sentences that hold what a gold question whose source it
    is expects (`answers`)."""
    catalog = Catalog(data_dir, create=False)
    chunks = catalog.all_chunks()
    catalog.close()
    expected: dict[str, list[str | list[str]]] = defaultdict(list)
    for q in gold:
        for source in q.sources:
            expected[source] += q.expected
    lengths = tuple(len(c.text) for c in chunks)
    by_source: dict[str, list[int]] = defaultdict(list)
    sentences: list[tuple[str, ...]] = []
    keys: list[str] = []
    for chunk in chunks:
        if chunk.key not in vector_keys:
            continue
        answers = [e for p in chunk.placements for e in expected.get(p.source, [])]
        spans = [chunk.text[a:b] for a, b in sentence_spans(chunk.text) if b - a >= 20]
        said = tuple(x for x in spans if not any(_contains(x, e) for e in answers))
        if not said:
            continue
        by_source[chunk.primary.source].append(len(keys))
        sentences.append(said)
        keys.append(chunk.key)
    db = sqlite3.connect(f"file:{data_dir / 'catalog.sqlite'}?mode=ro", uri=True)
    facets: dict[str, dict[str, Counter[str | None]]] = defaultdict(lambda: defaultdict(Counter))
    for source, committee, doc_type in db.execute("SELECT source, committee, doc_type FROM facets"):
        family = facets[family_of(source)]
        family["committee"][committee] += 1
        family["doc_type"][doc_type] += 1
    db.close()
    families = []
    for name in sorted({family_of(s) for s in by_source}):
        documents = tuple(tuple(v) for s, v in sorted(by_source.items()) if family_of(s) == name)
        types = facets[name]["doc_type"]
        families.append(
            Family(
                name=name,
                committees=tuple(facets[name]["committee"].most_common()),
                doc_types=tuple(types.most_common()),
                documents=documents,
                german=any(t in GERMAN_PAPERS or t == "Niederschrift" for t in types),
            )
        )
    weights = tuple(len(f.documents) for f in families)
    return Pool(tuple(sentences), lengths, tuple(families), weights), keys


def family_of(source: str) -> str:
    return source.split("/", 1)[0]


# --- synthetic files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Synthetic:
    """One synthetic file: its document, chunks (with facts) and, per chunk, the pool chunks it
    recombines with the characters taken from each (what its stand-in vector is made of)."""

    doc: CouncilDocument
    chunks: list[Chunk]
    mixes: list[list[tuple[int, int]]]


_POOL: Pool | None = None


def _init_worker(pool: Pool) -> None:
    global _POOL
    _POOL = pool


def _make_file_job(job: tuple[int, int, int]) -> Synthetic:
    assert _POOL is not None
    return make_file(_POOL, *job)


def municipality(index: int) -> str:
    """A German-sounding place name per municipality number: Oberbach, Neufeld 2, ..."""
    name = _PREFIXES[index % 10] + _SUFFIXES[index // 10 % 10]
    return name if index < 100 else f"{name} {index // 100 + 1}"


def make_file(pool: Pool, seed: int, number: int, n_chunks: int) -> Synthetic:
    """Synthetic file `number` with `n_chunks` chunks; the same arguments give the same file."""
    rng = random.Random(f"{seed}:{number}")
    place = number // 500  # 500 files (about 10,000 chunks) a municipality
    family = pool.families[
        random.Random(f"{seed}:place:{place}").choices(range(len(pool.families)), weights=pool.weights)[0]
    ]
    committee = _draw(rng, family.committees)
    doc_type = _draw(rng, family.doc_types)
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    vorlage = f"{day.year}/{rng.randrange(1, 3000):04d}" if doc_type in GERMAN_PAPERS else None
    access: AccessLevel = CLOSED if rng.random() < CLOSED_FILES else PUBLIC
    closed_item = access == PUBLIC and rng.random() < CLOSED_ITEM
    document = family.documents[rng.randrange(len(family.documents))]

    texts: list[str] = []
    mixes: list[list[tuple[int, int]]] = []
    for _ in range(n_chunks):
        text, mix = _chunk_text(pool, family, document, rng)
        texts.append(text)
        mixes.append(mix)
        if rng.random() < 0.3:  # the next chunks recombine another document of the family
            document = family.documents[rng.randrange(len(family.documents))]

    n_items = min(n_chunks, rng.randint(1, 6))
    firsts = [i * n_chunks // n_items for i in range(n_items)]  # each item's first chunk
    sections = []
    for i in range(n_items):
        first = texts[firsts[i]].split()
        title = " ".join(first[:8]).strip(" ,.;:")
        label = f"NÖ {i + 1}" if closed_item and i == n_items - 1 and n_items > 1 else str(i + 1)
        sections.append(Section(page_index=0, start=0, item=AgendaItem(label, title)))
    slug = municipality(place).lower().replace(" ", "-").replace("ß", "ss").replace("ö", "oe")
    source = f"synthetisch/{slug}/{day.year}/{(doc_type or 'dokument').lower()}-{number:07d}.txt"
    title_parts = (doc_type or ("Dokument" if family.german else "Document"), committee, municipality(place))
    doc = CouncilDocument(
        source=source,
        title=" ".join(p for p in title_parts if p) + f" {day:%d.%m.%Y}",
        committee=committee,
        meeting_date=day,
        vorlage=vorlage,
        subject=None,
        pages=[],
        doc_type=doc_type,
        sections=sections,
        access=access,
    )
    chunks, start = [], 0
    for i, text in enumerate(texts):
        chunks.append(
            Chunk(
                source=source,
                index=i,
                page=None,
                paragraph=1,
                paragraph_starts=(0,),
                start=start,
                end=start + len(text),
                text=text,
                section=bisect.bisect_right(firsts, i) - 1,
                facts=read_facts(text),
            )
        )
        start += len(text) + 2
    return Synthetic(doc, chunks, mixes)


def _draw(rng: random.Random, counted: tuple[tuple[str | None, int], ...]) -> str | None:
    values = [v for v, _ in counted]
    return rng.choices(values, weights=[n for _, n in counted])[0] if values else None


def _chunk_text(
    pool: Pool, family: Family, document: tuple[int, ...], rng: random.Random
) -> tuple[str, list[tuple[int, int]]]:
    """Runs of consecutive sentences from two or three pool chunks, one of `document` and the
    others of any document of the family, up to the length of a random real chunk. (From one
    document alone, 5,000 real chunks gave too few distinct texts: at 100,000 chunks, half the
    draws repeated a text already drawn.)"""
    target = min(2000, max(200, pool.lengths[rng.randrange(len(pool.lengths))]))
    others = [family.documents[rng.randrange(len(family.documents))] for _ in range(rng.randint(1, 2))]
    sources = [rng.choice(document)] + [rng.choice(other) for other in others]
    parts: list[str] = []
    mix: list[tuple[int, int]] = []
    length = 0
    share = target // len(sources)
    for n, source in enumerate(sources):
        said = pool.sentences[source]
        i = rng.randrange(len(said))
        taken = 0
        limit = target - length if n == len(sources) - 1 else share
        while taken < limit and i < len(said):
            parts.append(said[i])
            taken += len(said[i]) + 1
            i += 1
        mix.append((source, taken))
        length += taken
    return " ".join(parts), mix


def mixed_mean(real: np.ndarray, mix: list[tuple[int, int]]) -> np.ndarray:
    """The real vectors of the pool chunks a chunk recombines (row, characters taken), weighted
    by the characters, normalised."""
    mean = sum(chars * real[row] for row, chars in mix)
    return np.asarray(mean / max(1e-9, float(np.linalg.norm(mean))), dtype=np.float32)


def stand_in(real: np.ndarray, mix: list[tuple[int, int]], rng: np.random.Generator) -> np.ndarray:
    """The stand-in vector of a chunk: `mixed_mean` plus seeded noise, normalised."""
    mean = mixed_mean(real, mix)
    noisy = mean + rng.standard_normal(real.shape[1]) * NOISE / math.sqrt(real.shape[1])
    return (noisy / np.linalg.norm(noisy)).astype(np.float32)


# --- building -----------------------------------------------------------------------------------


@dataclass
class Built:
    data_dir: Path
    synthetic_keys: list[str]  # distinct, in the order their vectors are stored
    vectors: np.ndarray  # rows aligned with synthetic_keys (a memmap under the work dir)
    # per sample chunk, the cosine of its real e5 vector to its stand-in, and to the stand-in's mean
    sample_cosines: list[tuple[float, float]]
    # mean cosine of the gold questions to the sample chunks' e5 vectors, and to their stand-ins
    question_cosines: tuple[float, float]
    seconds: dict[str, float]


def build_catalog(
    real: Path, work: Path, gold: Path, chunks: int, sample: int, seed: int, workers: int, progress: bool
) -> Built:
    """Copy the real index's catalog to `work/million`, add synthetic files until it holds
    `chunks` distinct chunks, re-analyse it as ingest does, and compute the real vectors of the
    sample and the stand-ins of the rest."""
    from assistant.index.embeddings import build_embed_model

    data = work / "million"
    data.mkdir(parents=True)
    seconds: dict[str, float] = {}
    source = sqlite3.connect(f"file:{real / 'catalog.sqlite'}?mode=ro", uri=True)
    target = sqlite3.connect(data / "catalog.sqlite")
    source.backup(target)
    source.close()
    target.close()
    settings = Settings(data_dir=real)
    model = build_embed_model(settings.embedding)
    real_store = VectorStore(settings.store, real, model.model_id, create=False)
    real_ids, real_vectors = real_store.all_vectors()
    row_of = {key: i for i, key in enumerate(real_ids)}
    pool, pool_keys = build_pool(real, set(row_of), load_gold(gold))
    catalog = Catalog(data, create=False)
    pool_vectors = np.asarray([real_vectors[row_of[k]] for k in pool_keys], dtype=np.float32)
    del real_vectors

    wanted = chunks - catalog.count()
    vectors = np.lib.format.open_memmap(
        work / "standin.npy", mode="w+", dtype=np.float32, shape=(max(1, wanted), pool_vectors.shape[1])
    )
    step = max(1, wanted // sample) if sample else 0  # every step-th synthetic chunk gets a real vector
    keys: list[str] = []
    means: dict[int, np.ndarray] = {}  # the sample rows' stand-ins without noise
    seen = set(catalog.keys())
    started = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(pool,)) as workers_pool:
        number = 0
        while len(keys) < wanted:  # a text drawn twice is one chunk: draw again for the rest
            jobs = [
                (seed, number + i, n) for i, n in enumerate(_file_sizes(seed, number, wanted - len(keys)))
            ]
            number += len(jobs)
            for (_, file_number, _), made in zip(
                jobs, workers_pool.imap(_make_file_job, jobs, chunksize=8), strict=True
            ):
                file_hash = hashlib.sha256(made.doc.source.encode()).hexdigest()
                catalog.replace_file(made.doc, made.chunks, file_hash)
                noise = np.random.default_rng([seed, file_number])
                for chunk, mix in zip(made.chunks, made.mixes, strict=True):
                    key = chunk_key(chunk.text)
                    if key in seen:  # the same text twice: one chunk, two placements, one vector
                        continue
                    seen.add(key)
                    row = len(keys)
                    vectors[row] = stand_in(pool_vectors, mix, noise)
                    if step and row % step == 0 and row // step < sample:
                        means[row] = mixed_mean(pool_vectors, mix)
                    keys.append(key)
                if progress and file_number % 5000 == 0:
                    print(
                        f"  {file_number:>7} files, {len(keys):>8} chunks, "
                        f"{time.perf_counter() - started:7.0f} s",
                        flush=True,
                    )
    seconds["catalog: files"] = time.perf_counter() - started
    started = time.perf_counter()
    catalog.reanalyse()
    seconds["catalog: re-analysis"] = time.perf_counter() - started

    started = time.perf_counter()
    rows = sorted(means)
    cosines: list[tuple[float, float]] = []
    near = (0.0, 0.0)
    if rows:
        stored = catalog.chunks([keys[row] for row in rows])
        texts = [stored[keys[row]].embedding_input() for row in rows]
        real_sample = np.asarray(model.get_text_embedding_batch(texts), dtype=np.float32)
        stand_ins = np.asarray(vectors[rows], dtype=np.float32)
        cosines = [
            (float(np.dot(r, s)), float(np.dot(r, means[row])))
            for row, r, s in zip(rows, real_sample, stand_ins, strict=True)
        ]
        # What the dense search sees: are stand-ins as near to questions as the texts' e5 vectors?
        questions = np.asarray([model.get_query_embedding(q.question) for q in load_gold(gold)[:50]])
        near = (float((questions @ real_sample.T).mean()), float((questions @ stand_ins.T).mean()))
        vectors[rows] = real_sample
    seconds["sample: e5 vectors"] = time.perf_counter() - started
    vectors.flush()
    catalog.close()
    return Built(data, keys, vectors, cosines, near, seconds)


def _file_sizes(seed: int, first: int, chunks: int) -> list[int]:
    """Chunks per synthetic file from file number `first` on, adding up to `chunks`."""
    rng = random.Random(f"{seed}:sizes:{first}")
    sizes: list[int] = []
    while sum(sizes) < chunks:
        sizes.append(min(rng.randint(*CHUNKS_PER_FILE), chunks - sum(sizes)))
    return sizes


def build_vectors(built: Built, real: Path, store: StoreSettings, progress: bool) -> float:
    """Write the real index's vectors (with their stored metadata) and the synthetic ones (with
    the metadata ingest gives them, `vector_metadata`) into a new collection; seconds taken."""
    from assistant.index.embeddings import build_embed_model

    real_settings = Settings(data_dir=real)
    model_id = build_embed_model(real_settings.embedding).model_id
    started = time.perf_counter()
    source = VectorStore(real_settings.store, real, model_id, create=False)
    target = VectorStore(store, built.data_dir, model_id, create=True)
    ids, vectors = source.all_vectors()
    metadatas = source.metadatas()
    target.upsert(ids, vectors, [metadatas[k] for k in ids])
    catalog = Catalog(built.data_dir, create=False)
    for i in range(0, len(built.synthetic_keys), BATCH):
        keys = built.synthetic_keys[i : i + BATCH]
        stored = catalog.chunks(keys)
        metas = [
            vector_metadata(stored[k]) | {"version": _version(stored[k].embedding_input())} for k in keys
        ]
        target.upsert(keys, built.vectors[i : i + len(keys)].tolist(), metas)
        if progress and i % (100 * BATCH) == 0:
            print(f"  {i:>8} vectors, {time.perf_counter() - started:7.0f} s", flush=True)
    catalog.close()
    return time.perf_counter() - started


# --- measuring ----------------------------------------------------------------------------------

GOLD = Path(__file__).parent / "gold.jsonl"


@dataclass(frozen=True)
class Asked:
    question: GoldQuestion
    filters: Filters  # the filter of "hybrid+filter": the gold source's committee and year, or less


def questions_with_filters(data_dir: Path, gold: list[GoldQuestion]) -> list[Asked]:
    """Each gold question with the filter its first gold source's facets give, asked as the
    public: committee and the year of its meeting, else document type and year, else the year."""
    db = sqlite3.connect(f"file:{data_dir / 'catalog.sqlite'}?mode=ro", uri=True)
    asked = []
    for q in gold:
        filters = Filters(readable=frozenset({PUBLIC}))
        row = (
            db.execute(
                "SELECT committee, day, doc_type FROM facets WHERE source = ? LIMIT 1", (q.sources[0],)
            ).fetchone()
            if q.sources
            else None
        )
        if row is not None:
            committee, day, doc_type = row
            if day:
                year = day // 10000
                filters = replace(filters, date_from=date(year, 1, 1), date_to=date(year, 12, 31))
            if committee:
                filters = replace(filters, committee=committee)
            elif doc_type:
                filters = replace(filters, doc_type=doc_type)
        asked.append(Asked(q, filters))
    db.close()
    return asked


def measure(settings: Settings, gold_path: Path, every: int) -> dict[str, Any]:
    """Latencies (seconds per question) of each kind of query, the hit@5 of the hybrid search
    with and without filter, and this process's peak memory."""
    from assistant.answering.question import Question
    from assistant.service.council import build_assistant

    assistant = build_assistant(settings)
    catalog, vectors = assistant.backends.catalog, assistant.backends.vectors
    model, retriever = assistant.backends.embed_model, assistant.retriever
    k = settings.retrieval.top_k
    assistant.warm_up()
    gold = load_gold(gold_path)[::every]
    asked = questions_with_filters(settings.data_dir, gold)
    public = Filters(readable=frozenset({PUBLIC}))
    times: dict[str, list[float]] = defaultdict(list)
    outcomes: dict[str, list[Outcome]] = defaultdict(list)

    def timed(name: str, call: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        result = call(*args)
        times[name].append(time.perf_counter() - started)
        return result

    for a in asked:
        question = Question.read(a.question.question)
        text = question.search_text
        vector = timed("e5 query vector", model.get_query_embedding, text)
        lexical = timed("BM25", catalog.lexical, text, k)
        timed("BM25, public", catalog.lexical, text, k, public)
        timed("BM25+filter, public", catalog.lexical, text, k, a.filters)
        dense = timed("dense (HNSW)", vectors.query, vector, k)
        for name, ranked in (("BM25", lexical), ("dense (HNSW)", dense)):  # each signal alone
            stored = catalog.chunks([key for key, _ in ranked])
            passages = [stored[key].passage(None) for key, _ in ranked if key in stored]
            outcomes[name].append(_outcome(a.question, passages))
        for name, filters in (
            ("hybrid", NO_FILTERS),
            ("hybrid, public", public),
            ("hybrid+filter, public", a.filters),
        ):
            found = timed(name, retriever.search, question, filters)
            outcomes[name].append(_outcome(a.question, found.passages))
        timed("ask, public", assistant.ask, a.question.question)
    latencies = {
        name: {"p50": _quantile(values, 0.5), "p95": _quantile(values, 0.95), "n": len(values)}
        for name, values in times.items()
    }
    hits = {name: compute(o).hit_at_5 for name, o in outcomes.items()}
    return {
        "chunks": catalog.count(),
        "vectors": vectors.count(),
        "latency": latencies,
        "hit@5": hits,
        "answerable": sum(q.answerable for q in gold),
        "peak_rss_mb": peak_rss_mb(),
    }


def _outcome(gold: GoldQuestion, passages: list[Any]) -> Outcome:
    return Outcome(gold, "", False, [], [p.sources for p in passages], 0.0)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory of a process (this one by default), from /proc (VmHWM: getrusage's
    maxrss would carry the parent's peak over into a child started by exec)."""
    status = Path(f"/proc/{pid or 'self'}/status")
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_in_process(
    data_dir: Path, store: StoreSettings, gold: Path, every: int, out: Path
) -> dict[str, Any]:
    """`measure` in a fresh Python process (its peak memory is the query side's alone)."""
    args = [sys.executable, "-m", "eval.bench_million", "--measure", str(out), "--data-dir", str(data_dir)]
    args += ["--gold", str(gold), "--every", str(every), "--store", store.model_dump_json()]
    # the same code as this process, wherever it is run from
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    subprocess.run(args, check=True, env={**os.environ, "PYTHONPATH": path})
    return dict(json.loads(out.read_text()))


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[tuple[StoreSettings, int]]:
    """A `chroma run` server on 127.0.0.1 for the duration; (its settings, its pid)."""
    import chromadb

    chroma = Path(sys.executable).parent / "chroma"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [str(chroma if chroma.exists() else shutil.which("chroma")), "run", "--path", str(path)]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.5)
        yield StoreSettings(mode="http", host="127.0.0.1", port=port), proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def disk_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- the run ------------------------------------------------------------------------------------


def run(
    real: Path,
    work: Path,
    *,
    chunks: int,
    sample: int,
    server: bool,
    gold: Path,
    every: int,
    seed: int = SEED,
    workers: int = 0,
    progress: bool = True,
) -> dict[str, Any]:
    """The whole benchmark in `work` (which it fills); the figures as a dict (also printed)."""
    workers = workers or os.cpu_count() or 1
    report: dict[str, Any] = {"chunks_asked": chunks, "load": {"start": load()}}
    alone = work / "real"
    copy_data_dir(real, alone)
    report["real"] = measure_in_process(alone, StoreSettings(), gold, every, work / "real.json")
    report["load"]["real measured"] = load()

    started_rss = peak_rss_mb()
    built = build_catalog(real, work, gold, chunks, sample, seed, workers, progress)
    report["build"] = dict(built.seconds)
    report["load"]["catalog built"] = load()
    cosines = built.sample_cosines
    report["sample"] = {
        "size": len(cosines),
        "stand_in": statistics.fmean(c for c, _ in cosines) if cosines else None,
        "mean": statistics.fmean(m for _, m in cosines) if cosines else None,
        "noise": NOISE,
        "question_e5": built.question_cosines[0],
        "question_stand_in": built.question_cosines[1],
    }
    report["build"]["vectors: embedded Chroma"] = build_vectors(built, real, StoreSettings(), progress)
    report["load"]["vectors built"] = load()
    report["disk_mb"] = {
        "catalog": sum(disk_mb(p) for p in built.data_dir.glob("catalog.sqlite*")),
        "embedded Chroma": disk_mb(built.data_dir / "chroma"),
    }
    report["build_peak_rss_mb"] = max(started_rss, peak_rss_mb())
    report["embedded"] = measure_in_process(
        built.data_dir, StoreSettings(), gold, every, work / "embedded.json"
    )
    report["load"]["embedded measured"] = load()
    if server:
        with chroma_server(work / "server") as (store, pid):
            report["build"]["vectors: Chroma server"] = build_vectors(built, real, store, progress)
            report["load"]["server built"] = load()
            report["server"] = measure_in_process(built.data_dir, store, gold, every, work / "server.json")
            report["server_peak_rss_mb"] = peak_rss_mb(pid)
        report["disk_mb"]["Chroma server"] = disk_mb(work / "server")
        report["load"]["server measured"] = load()
    print(format_report(report))
    return report


def format_report(report: dict[str, Any]) -> str:
    """The figures as Markdown tables."""
    stores = [s for s in ("real", "embedded", "server") if s in report]
    size = f"{report['embedded']['chunks']:,} chunks"
    heads = {"real": "real corpus alone", "embedded": f"{size}, embedded", "server": f"{size}, server"}
    lines = ["| query | " + " | ".join(f"{heads[s]} p50 / p95 ms" for s in stores) + " |"]
    lines.append("|---|" + "---|" * len(stores))
    for name in report["real"]["latency"]:
        cells = []
        for s in stores:
            lat = report[s]["latency"][name]
            cells.append(f"{lat['p50'] * 1000:.0f} / {lat['p95'] * 1000:.0f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| gold hit@5 | " + " | ".join(heads[s] for s in stores) + " |")
    lines.append("|---|" + "---|" * len(stores))
    for name in report["real"]["hit@5"]:
        lines.append(f"| {name} | " + " | ".join(f"{report[s]['hit@5'][name]:.3f}" for s in stores) + " |")
    lines.append("")
    lines.append(
        f"index: {report['embedded']['chunks']:,} chunks, {report['embedded']['vectors']:,} vectors "
        f"(real corpus: {report['real']['chunks']:,}); questions: {report['real']['latency']['hybrid']['n']}"
    )
    lines.append("build: " + ", ".join(f"{k} {v:.0f} s" for k, v in report["build"].items()))
    lines.append("disk: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in report["disk_mb"].items()))
    memory = [f"build {report['build_peak_rss_mb']:,.0f} MB"]
    memory += [f"queries {heads[s]} {report[s]['peak_rss_mb']:,.0f} MB" for s in stores]
    if "server_peak_rss_mb" in report:
        memory.append(f"chroma server {report['server_peak_rss_mb']:,.0f} MB")
    lines.append("peak RSS: " + ", ".join(memory))
    sample = report["sample"]
    if sample["size"]:
        lines.append(
            f"vectors: {sample['size']} synthetic chunks embedded by e5, the rest stand-ins; mean cosine "
            f"of a sample chunk's e5 vector to its stand-in {sample['stand_in']:.3f}, to the stand-in "
            f"without noise {sample['mean']:.3f} (noise {sample['noise']}); mean cosine of 50 gold "
            f"questions to them: e5 {sample['question_e5']:.3f}, stand-ins {sample['question_stand_in']:.3f}"
        )
    lines.append("load average (1, 5, 15 min): " + "; ".join(f"{k}: {v}" for k, v in report["load"].items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--real", type=Path, default=Path("data/shared-corpus"), help="built shared-corpus index"
    )
    parser.add_argument("--chunks", type=int, default=1_000_000, help="distinct chunks in the index built")
    parser.add_argument("--sample", type=int, default=500, help="synthetic chunks given real e5 vectors")
    parser.add_argument("--no-server", action="store_true", help="embedded Chroma only")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--every", type=int, default=1, help="ask every Nth gold question")
    parser.add_argument("--work", type=Path, help="work dir (default: a temp dir, removed)")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: one store's queries
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        store = StoreSettings.model_validate_json(args.store)
        figures = measure(Settings(data_dir=args.data_dir, store=store), args.gold, args.every)
        args.measure.write_text(json.dumps(figures))
        return
    if not (args.real / "catalog.sqlite").exists():
        raise SystemExit(f"no index at {args.real}: run `make eval` first")
    tmp = None if args.work else tempfile.mkdtemp(prefix="bench-million-")
    work = args.work or Path(str(tmp))
    if work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty: the benchmark needs a fresh work dir")
    try:
        report = run(
            args.real,
            work,
            chunks=args.chunks,
            sample=args.sample,
            server=not args.no_server,
            gold=args.gold,
            every=args.every,
            seed=args.seed,
        )
        if args.json:
            args.json.write_text(json.dumps(report, indent=1))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
