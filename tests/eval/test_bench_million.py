"""`eval/bench_million.py` end to end at a tiny size, so that it cannot rot: the shared-corpus
index of the tests (`small_index`) grown to 2,000 chunks with synthetic files, embedded Chroma
only, three gold questions."""

import json

from assistant.core.settings import Settings
from assistant.index.embeddings import build_embed_model
from assistant.index.vectors import VectorStore
from eval.bench_million import build_pool, format_report, make_file, run
from tests.conftest import METTMANN

QUESTIONS = [
    ("mk-10", "Wie viele Stellen umfasst das Kommunale Integrationsmanagement (KIM) im Kreis Mettmann?"),
    ("mk-12", "Aus welchen kreisangehörigen Städten sind Vertreter in der Lenkungsgruppe des KIM?"),
    ("no-1", "Wann wurde das Hallenbad in Oberbach saniert?"),
]


def test_the_million_benchmark_runs_end_to_end_at_a_small_size(small_index, tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {
            "id": i,
            "question": q,
            "expected": [],
            "sources": [] if i == "no-1" else [METTMANN],
            "answerable": i != "no-1",
        }
        for i, q in QUESTIONS
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = run(
        small_index,
        tmp_path / "work",
        chunks=2000,
        sample=3,
        server=False,
        gold=gold,
        every=1,
        workers=1,
        progress=False,
    )
    assert report["embedded"]["chunks"] == report["embedded"]["vectors"] == 2000
    assert report["real"]["chunks"] < 2000 and report["sample"]["size"] == 3
    assert 0.5 < report["sample"]["stand_in"] <= 1.0  # stand-ins lie near the real e5 vectors
    for figures in (report["real"], report["embedded"]):
        assert figures["latency"]["hybrid+filter, public"]["n"] == 3
        assert figures["hit@5"]["hybrid"] == 1.0  # the Mettmann questions find their file
    assert "| hybrid+filter, public |" in format_report(report)


def test_synthetic_files_are_the_same_for_the_same_seed(small_index, tmp_path):
    settings = Settings(data_dir=small_index)
    store = VectorStore(
        settings.store, small_index, build_embed_model(settings.embedding).model_id, create=False
    )
    pool, _ = build_pool(small_index, set(store.all_vectors()[0]), [])
    a, b = make_file(pool, 14, 7, 12), make_file(pool, 14, 7, 12)
    assert a == b and len(a.chunks) == 12 and a.doc.source.startswith("synthetisch/")
    assert make_file(pool, 15, 7, 12).chunks != a.chunks
