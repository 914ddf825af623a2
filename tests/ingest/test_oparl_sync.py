"""`council ingest --oparl`: the real Karlsruhe OParl objects served by a local OParl server on
127.0.0.1 (tests/ingest/oparl_server.py), crawled, mirrored and ingested. Nothing here reaches
beyond 127.0.0.1. The index is built without vectors (`vectors_later`: the catalog is the index's
source of truth, the vectors are reconciled with it by every later ingest), except where the CLI
runs end to end."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.answering.consultations import consultation_reply
from assistant.core.filters import Filters
from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.interfaces.cli import format_answer, format_crawl_report, format_report
from assistant.service.council import OParlSync, build_assistant, ingest, ingest_oparl
from assistant.service.schema import AnswerOut
from ingest.crawl import OParlError, locked
from ingest.registry.paper_record import paper_source
from tests.conftest import CORPUS, ROOT, copy_index
from tests.ingest.oparl_server import OParlServer

pytestmark = [pytest.mark.shared, pytest.mark.slow]

NAME = "karlsruhe"
PREFIX = f"oparl://{NAME}/0001/files/"
# Six small papers (14 files, 25 KB of text) for the tests that crawl several times.
SMALL = ["50987.json", "51019.json", "51029.json", "51141.json", "50780.json", "50973.json"]


def settings(data: Path, **oparl: Any) -> Settings:
    s = Settings(data_dir=data)
    s.ingest.workers = 1
    s.oparl.name = NAME
    s.oparl.backoff_s = 0.01
    for key, value in oparl.items():
        setattr(s.oparl, key, value)
    return s


def sync(data: Path, server: OParlServer, **oparl: Any) -> OParlSync:
    return ingest_oparl(settings(data, **oparl), server.system_url, progress=False, vectors_later=True)


def catalog_rows(data: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the catalog: what 'the same index' means here."""
    db = sqlite3.connect(data / "catalog.sqlite")
    tables = ["meta", "files", "chunks", "placements", "facets", "consultations", "lexicon"]
    rows = {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
    rows["lexical"] = sorted(db.execute("SELECT key, terms FROM lexical"))
    db.close()
    return rows


def mirror_files(data: Path) -> dict[str, bytes]:
    """The mirror as files and their bytes, without the crawl's own state."""
    base = data / "oparl" / NAME
    return {
        p.relative_to(base).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*"))
        if p.is_file() and not p.name.startswith("state.sqlite")
    }


@pytest.fixture(scope="module")
def server() -> Iterator[OParlServer]:
    served = OParlServer(per_page=3)
    yield served
    served.close()


@pytest.fixture(scope="module")
def crawled(server, tmp_path_factory) -> tuple[Path, OParlSync]:
    data = tmp_path_factory.mktemp("crawl") / "data"
    return data, sync(data, server)


# --- a full crawl ------------------------------------------------------------------------------


def test_a_full_crawl_mirrors_every_object_and_file(crawled, server):
    run = crawled[1]
    report = run.crawl
    counts = {kind: (c.seen, c.new, c.changed, c.deleted) for kind, c in report.objects.items()}
    assert counts == {
        "Body": (1, 1, 0, 0),
        "Organization": (1, 1, 0, 0),
        "Meeting": (1, 1, 0, 0),
        "Paper": (47, 47, 0, 0),
    }
    assert (report.files_downloaded, report.files_failed, report.lists_incomplete) == (139, [], [])
    assert report.lists_complete == 5 and not report.resumed
    assert run.ingest.indexed == 139 and run.exit_code == 0
    assert server.user_agents == {Settings().oparl.user_agent}
    # pagination: 47 papers at 3 per page
    assert server.requests.count("/oparl/bodies/0001/papers") == 16
    text = format_crawl_report(report)
    assert "Objekte: 50 gesehen, 50 neu, 0 geändert, 0 gelöscht" in text
    assert "Dateien: 139 heruntergeladen, 0 unverändert, 0 entfernt, 0 übersprungen, 0 fehlgeschlagen" in text
    print(f"\n{text}\n{format_report(run.ingest)}")


def test_a_full_crawl_equals_the_folder_ingest_of_the_same_documents(crawled, tmp_path):
    """Same chunks, same metadata, file by file: the folder holds the same paper and meeting
    JSON beside the same texts. Only what names the place differs: the source, the download URL
    and the registry file's path."""
    data, _ = crawled
    folder = tmp_path / "folder"
    report = ingest(settings(folder), CORPUS / "karlsruhe-oparl", progress=False, vectors_later=True)
    assert report.indexed == 139
    crawl, local = (
        _by_file_id(catalog_rows(data), PREFIX),
        _by_file_id(catalog_rows(folder), "docs/file-contents/"),
    )
    assert set(crawl["files"]) == set(local["files"]) and len(crawl["files"]) == 139
    for table in ("files", "placements", "facets", "consultations"):
        assert crawl[table] == local[table], table
    crawled_rows, folder_rows = catalog_rows(data), catalog_rows(folder)
    assert _file_chunks(crawled_rows) == _file_chunks(folder_rows)
    # Each paper's own record too; its text may differ: the folder's paper JSON also names a file
    # that the server does not serve, and the crawl does not list.
    assert _papers(crawled_rows) == _papers(folder_rows) and len(_papers(crawled_rows)) == 47


def _papers(rows: dict[str, list[tuple[Any, ...]]]) -> set[str]:
    """The papers whose own records the index holds ("48935.json#Vorlage 2023/0835")."""
    return {s.partition("papers/")[2] for s, *_ in rows["files"] if "#Vorlage " in s}


def _file_chunks(rows: dict[str, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """The chunks of the files, without those of the papers' own records."""
    records = {r[2] for r in rows["placements"] if "#Vorlage " in r[0]}
    return [r for r in rows["chunks"] if r[0] not in records]


def _by_file_id(rows: dict[str, list[tuple[Any, ...]]], prefix: str) -> dict[str, Any]:
    """Catalog rows keyed by the file id ("662263"), the source and what names the place left out."""

    def file_id(source: str) -> str:
        assert source.startswith(prefix), source
        return source.removeprefix(prefix).removesuffix(".txt")

    def doc(raw: str) -> dict[str, Any]:
        meta = json.loads(raw)
        del meta["source"]
        if meta.get("record"):
            del meta["record"]["url"], meta["record"]["registry_file"]
        return meta

    def of_files(table: str) -> list[tuple[Any, ...]]:
        return [r for r in rows[table] if "#Vorlage " not in r[0]]

    return {
        "files": {file_id(s): (doc(d), pages) for s, _, d, pages in of_files("files")},
        "placements": sorted((file_id(r[0]), *r[1:]) for r in of_files("placements")),
        "facets": sorted((file_id(r[0]), *r[1:]) for r in of_files("facets")),
        "consultations": sorted((file_id(r[0]), *r[1:]) for r in of_files("consultations")),
    }


def test_a_second_run_without_changes_changes_nothing(crawled, server, tmp_path):
    data = copy_index(crawled[0], tmp_path)
    before = catalog_rows(data)
    run = sync(data, server)
    assert run.crawl.total.seen == 0 and run.crawl.lists_changes_only == 5
    assert (run.crawl.files_downloaded, run.crawl.files_current) == (0, 139)
    assert (run.ingest.indexed, run.ingest.unchanged, run.ingest.removed) == (0, 139, [])
    assert catalog_rows(data) == before


def test_a_folder_ingested_with_prune_leaves_the_oparl_documents_alone(crawled, tmp_path):
    data = copy_index(crawled[0], tmp_path)
    folder = tmp_path / "ordner"
    folder.mkdir()
    shutil.copy(
        CORPUS / "kreis-mettmann" / next(p.name for p in (CORPUS / "kreis-mettmann").iterdir()), folder
    )
    report = ingest(settings(data), folder, prune=True, progress=False, vectors_later=True)
    assert report.indexed == 1 and report.removed == []
    catalog = Catalog(data, create=False)
    assert catalog.file_count() == 140 + 47  # the crawled files, the Mettmann file, the papers' records
    catalog.close()


def test_the_beratungsfolge_is_answered_latest_first(crawled):
    catalog = Catalog(crawled[0], create=False)
    reply = consultation_reply("Was ist aus der Vorlage 2024/0868 geworden?", "2024/0868", catalog, None)
    assert reply is not None
    lines = reply.text.splitlines()
    assert lines[1].startswith("1. 22.10.2024 Gemeinderat, TOP 14 (Entscheidung): mehrheitlich zugestimmt")
    assert lines[2].startswith("2. 08.10.2024 Haupt- und Finanzausschuss, TOP 2 (Vorberatung)")
    assert "laut Niederschrift: „Kenntnisnahme im Rahmen der Vorberatung für den Gemeinderat“" in lines[2]
    cited = {c.n: c for c in reply.citations}
    assert cited[1].source == f"{PREFIX}662263.txt" and cited[1].text.startswith("Beschluss:")
    assert cited[2].text == "TOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)"
    assert all(c.text in _page_text(catalog, c) for c in reply.citations)
    catalog.close()


def test_the_assistant_answers_what_became_of_a_paper_from_its_beratungsfolge(crawled, tmp_path):
    assistant = build_assistant(settings(copy_index(crawled[0], tmp_path)))
    answer = assistant.ask("Was ist aus der Vorlage 2024/0868 geworden?")
    assert answer.text.startswith("Beratungsfolge der Vorlage 2024/0868 „Grundsteuerreform 2025")
    assert not answer.abstained and len(answer.citations) == 6
    # every citation shows the paper's Beratungsfolge, in JSON too
    first = AnswerOut.of(answer).citations[0]
    assert [(c.body, c.role, c.result) for c in first.consultations] == [
        ("Haupt- und Finanzausschuss", "Vorberatung", None),
        ("Gemeinderat", "Entscheidung", "mehrheitlich zugestimmt"),
    ]
    text = format_answer(answer)
    assert (
        "Beratungsfolge laut OParl: Haupt- und Finanzausschuss 08.10.2024 (Vorberatung) → "
        "Gemeinderat 22.10.2024 (Entscheidung): mehrheitlich zugestimmt"
    ) in text
    print(f"\n{text}")


def test_a_paper_the_question_describes_without_its_number_is_followed_through_its_beratungsfolge(
    crawled, tmp_path
):
    # The best passages (the Antrag, its Stellungnahme, the minutes) all belong to 2024/1075.
    assistant = build_assistant(settings(copy_index(crawled[0], tmp_path)))
    answer = assistant.ask(
        "Was ist aus dem SPD-Antrag zur Wertschätzung der Wahlhelferinnen und Wahlhelfer geworden?"
    )
    lines = answer.text.splitlines()
    assert lines[0].startswith("Beratungsfolge der Vorlage 2024/1075 „Wertschätzung für Wahlhelferinnen")
    assert lines[1].startswith("1. 05.11.2024 Haupt- und Finanzausschuss, TOP 2")
    assert "„Mit Stellungnahme erledigt“" in lines[1]
    # a question on the same topic that does not ask what became of it is answered from the text
    answer = assistant.ask("Was schlägt die CDU für die Wahlhelferinnen und Wahlhelfer vor?")
    assert not answer.text.startswith("Beratungsfolge")


def _page_text(catalog: Catalog, citation: Any) -> str:
    keys = catalog.keys_of_sources([citation.source])
    return "".join(c.text for c in catalog.chunks(keys).values())


# --- incremental sync --------------------------------------------------------------------------


def test_a_second_run_changes_exactly_the_modified_paper_and_the_deleted_file(tmp_path):
    papers = ["50796.json", "48935.json", "50803.json", "51066.json", "50987.json"]
    server = OParlServer(papers=papers, per_page=2)
    try:
        data = tmp_path / "data"
        first = sync(data, server)
        assert first.exit_code == 0 and first.ingest.indexed == 15
        before = catalog_rows(data)
        server.modify_paper("2024/0868", name="Grundsteuerreform 2025 – Hebesatzsatzung (geändert)")
        server.remove_file("2023/0835", 651363)  # "Protokoll GR TOP 27"

        run = sync(data, server)
        c = run.crawl
        assert (c.objects["Paper"].seen, c.objects["Paper"].changed, c.total.new, c.total.deleted) == (
            2,
            2,
            0,
            0,
        )
        assert (c.files_downloaded, c.files_removed, c.files_current) == (0, 1, 14)
        assert run.ingest.removed == [f"{PREFIX}651363.txt"]
        before_files = {r[0]: r for r in before["files"]}
        after_files = {r[0]: r for r in catalog_rows(data)["files"]}
        assert set(before_files) - set(after_files) == {f"{PREFIX}651363.txt"}
        rewritten = {s for s in after_files if after_files[s] != before_files[s]}
        assert rewritten == {f"{PREFIX}{n}.txt" for n in (660638, 660640, 661438, 661797, 662263)} | {
            paper_source(f"oparl://{NAME}/0001/papers/50796.json", "2024/0868"),  # renamed
            paper_source(f"oparl://{NAME}/0001/papers/48935.json", "2023/0835"),  # a file fewer
        }
        assert run.ingest.indexed == 5
        title = Catalog(data, create=False).document(f"{PREFIX}660638.txt")
        assert title is not None and title.record is not None
        assert title.record.paper_title == "Grundsteuerreform 2025 – Hebesatzsatzung (geändert)"
        print(f"\n{format_crawl_report(c)}\n{format_report(run.ingest)}")

        # a paper deleted: listed as deleted since the last run (modified_since)
        server.delete_paper("2024/0875")
        run = sync(data, server)
        assert run.crawl.objects["Paper"].deleted == 1 and run.crawl.files_removed == 2
        assert sorted(run.ingest.removed) == [
            f"{PREFIX}659957.txt",
            f"{PREFIX}662259.txt",
            paper_source(f"oparl://{NAME}/0001/papers/50803.json", "2024/0875"),  # the paper's own record
        ]

        # a server that ignores modified_since (it lists 2024/1053, unchanged since 2024) and drops
        # deleted objects: its listing is complete, so what it no longer lists is gone; what it
        # lists unchanged is not counted as changed
        server.filters = False
        gone = server.paper("2024/0868/1")["id"]
        del server.papers[gone]
        run = sync(data, server)
        paper = run.crawl.objects["Paper"]
        assert (paper.seen, paper.new, paper.changed, paper.deleted) == (3, 0, 0, 1)
        assert sorted(run.ingest.removed) == [
            f"{PREFIX}661395.txt",
            f"{PREFIX}661403.txt",
            paper_source(f"oparl://{NAME}/0001/papers/{gone.rsplit('/', 1)[1]}.json", "2024/0868/1"),
        ]
    finally:
        server.close()


# --- interrupted runs --------------------------------------------------------------------------


KILLED_RUN = """
import sys
from pathlib import Path
from assistant.core.filters import Filters
from assistant.core.settings import Settings
from assistant.service.council import ingest_oparl
s = Settings(data_dir=Path(sys.argv[1]))
s.ingest.workers = 1
s.oparl.name = "karlsruhe"
ingest_oparl(s, sys.argv[2], progress=False, vectors_later=True)
"""


@pytest.fixture(scope="module")
def slow_server() -> Iterator[OParlServer]:
    served = OParlServer(papers=SMALL, per_page=2)
    served.delay = 0.05  # time to be killed mid-way
    yield served
    served.close()


@pytest.fixture(scope="module")
def clean(slow_server, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("clean") / "data"
    assert sync(data, slow_server).exit_code == 0
    return data


@pytest.mark.parametrize("kill_at", ["page 3", "download 5", "ingest"])
def test_a_crawl_killed_mid_way_resumes_to_the_index_of_a_clean_crawl(clean, slow_server, tmp_path, kill_at):
    """kill -9 while the lists are read, while files are downloaded, while the mirror is ingested;
    the next run continues that run and ends with the clean crawl's index and mirror, row by row."""
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    served = len(slow_server.requests)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(data), slow_server.system_url], env=env, cwd=tmp_path
    )
    deadline = time.monotonic() + 120
    while not _reached(kill_at, slow_server.requests[served:], data):
        assert process.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()

    run = sync(data, slow_server)
    assert run.crawl.resumed and run.exit_code == 0
    assert catalog_rows(data) == catalog_rows(clean)
    assert mirror_files(data) == mirror_files(clean)
    print(f"\nkilled at {kill_at}, resumed:\n{format_crawl_report(run.crawl)}\n{format_report(run.ingest)}")


def _reached(kill_at: str, requests: list[str], data: Path) -> bool:
    what, _, n = kill_at.partition(" ")
    if what == "page":
        return requests.count("/oparl/bodies/0001/papers") >= int(n)
    if what == "download":
        return sum("/downloadfiles/" in r for r in requests) >= int(n)
    catalog = data / "catalog.sqlite"
    if not catalog.exists():
        return False
    try:
        db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=0.1)
        try:
            return bool(db.execute("SELECT COUNT(*) FROM files").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return False


# --- a server that fails -----------------------------------------------------------------------


def test_failures_are_retried_then_reported_and_the_rest_is_ingested(tmp_path):
    server = OParlServer(papers=SMALL, per_page=2)
    try:
        server.fail("/oparl/bodies/0001/papers", "500", "timeout")  # the first page: retried twice
        server.fail("/oparl/bodies/0001/meetings", "429")
        for path in (server.file_path(661145), server.file_path(661145, access=False)):
            server.fail(path, "500!")  # the Beschlussvorlage of 2024/1089: always 500
        for path in (server.file_path(662252), server.file_path(662252, access=False)):
            server.fail(path, "timeout!")  # its Niederschrift: never in time
        server.fail(server.file_path(661102), "500", "500")  # recovers on the third try
        server.corrupt(662258)  # a PDF that is none
        data = tmp_path / "data"
        run = sync(data, server, timeout_s=0.5, retries=2)
        c = run.crawl
        assert c.lists_incomplete == [] and c.retries >= 5
        failed = {n.what.split()[1]: n.reason for n in c.files_failed}
        assert failed == {
            "661145": "HTTP 500 (3 Versuche)",
            "662252": "keine Antwort nach 0.5 s (3 Versuche)",
        }
        assert c.files_downloaded == 12
        assert [(f.source, f.reason.split(" (")[0]) for f in run.ingest.failed] == [
            (f"{PREFIX}662258.pdf", "beschädigt oder kein PDF")
        ]
        assert run.ingest.indexed == 11 and run.exit_code == 2
        text = f"{format_crawl_report(c)}\n{format_report(run.ingest)}"
        for file_id in ("661145", "662252", "662258"):
            assert file_id in text
        print(f"\n{text}")

        # the next run fetches what failed, now that the server answers
        for file_id in (661145, 662252):
            server.fail(server.file_path(file_id))
            server.fail(server.file_path(file_id, access=False))
        run = sync(data, server, timeout_s=0.5, retries=2)
        assert (run.crawl.files_downloaded, run.crawl.files_failed) == (2, [])
        assert run.ingest.indexed == 2
    finally:
        server.close()


def test_a_list_that_fails_is_taken_up_at_that_page_and_meanwhile_its_files_wait(tmp_path):
    """The meeting list and the paper list's second page answer 500 after every retry. The run
    reports both and holds back the files of papers heard in a meeting it could not read (that
    meeting might close them); the next run reads the paper list on from page 2."""
    server = OParlServer(papers=SMALL, per_page=2)
    try:
        server.fail("/oparl/bodies/0001/meetings", "500!")
        server.fail("/oparl/bodies/0001/papers?page=2", "500!")
        data = tmp_path / "data"
        run = sync(data, server, retries=1)
        c = run.crawl
        assert [(n.what.split()[1], n.reason) for n in c.lists_incomplete] == [
            ("Sitzungen", "HTTP 500 (2 Versuche)"),
            ("Vorlagen", "HTTP 500 (2 Versuche)"),
        ]
        assert c.objects["Paper"].new == 2 and c.files_downloaded == 5  # page 1: 2024/0854, 2024/1040
        assert sorted(c.held_back) == [
            f"0001/files/{n}.txt" for n in (660853, 660915, 661115, 662117, 662258)
        ]
        assert run.ingest.indexed == 0 and run.exit_code == 2
        assert "5 Datei(en) zurückgehalten" in format_crawl_report(c)

        server.fail("/oparl/bodies/0001/meetings")
        server.fail("/oparl/bodies/0001/papers?page=2")
        asked_before = len(server.urls)
        run = sync(data, server, retries=1)
        asked = server.urls[asked_before:]
        assert "/oparl/bodies/0001/papers?page=2" in asked and "/oparl/bodies/0001/papers" not in asked
        assert run.crawl.lists_incomplete == [] and run.crawl.held_back == []
        assert run.ingest.indexed == 14 and run.exit_code == 0
    finally:
        server.close()


# --- access from the source --------------------------------------------------------------------


def test_an_agenda_item_marked_not_public_closes_its_files_and_its_consultation(tmp_path):
    server = OParlServer(papers=["50796.json"])
    try:
        server.close_agenda_item("14")
        data = tmp_path / "data"
        run = sync(data, server)
        catalog = Catalog(data, create=False)
        public = frozenset({"öffentlich"})
        # the Niederschrift of TOP 14 and the files placed at the paper's deciding TOP 14 are
        # closed; the HFA protocol of 08.10.2024 (its meeting is not served) is not
        closed = {f"{PREFIX}{n}.txt" for n in (660638, 660640, 661438, 662263)}
        assert run.ingest.closed == 4 + 1  # and the paper's own record: its deciding TOP is closed
        for n in (660638, 660640, 661438, 661797, 662263):
            source = f"{PREFIX}{n}.txt"
            assert bool(catalog.keys_of_sources([source], Filters(readable=public))) == (source not in closed)
        steps = [s.consultation for s in catalog.consultations("2024/0868")]
        assert [(s.body, s.access) for s in steps] == [
            ("Haupt- und Finanzausschuss", "öffentlich"),
            ("Gemeinderat", "nichtöffentlich"),
        ]
        # the public is told of the public step only, a member of both
        question = "Was ist aus der Vorlage 2024/0868 geworden?"
        shown = consultation_reply(question, "2024/0868", catalog, public)
        assert shown is not None and "22.10.2024" not in shown.text and "08.10.2024" in shown.text
        assert all(c.passage.access == "öffentlich" for c in shown.citations)
        member = consultation_reply(question, "2024/0868", catalog, None)
        assert (
            member is not None
            and "22.10.2024 Gemeinderat, TOP 14 (nichtöffentlich) (Entscheidung)" in member.text
        )
        catalog.close()
    finally:
        server.close()


# --- the command line --------------------------------------------------------------------------


def test_council_ingest_oparl_end_to_end(tmp_path):
    """The CLI with vectors: one paper, two files."""
    server = OParlServer(papers=["50987.json"], meeting=False)
    try:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "COUNCIL_OPARL__NAME": NAME,
            "COUNCIL_INGEST__WORKERS": "1",
        }
        command = [sys.executable, "-m", "assistant.interfaces.cli", "ingest", "--oparl", server.system_url]
        done = subprocess.run(
            [*command, "--data-dir", str(tmp_path / "data")],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        assert "OParl-Abgleich http://127.0.0.1" in done.stdout
        assert "Vorlagen       1 gesehen, 1 neu, 0 geändert, 0 gelöscht" in done.stdout
        assert "Dateien: 2 heruntergeladen" in done.stdout
        assert "Liste Vorlagen (0001)" in done.stderr  # a line per stage
        catalog = Catalog(tmp_path / "data", create=False)
        assert catalog.file_count() == 2 + 1  # and the paper's own record
        catalog.close()
    finally:
        server.close()


def test_council_ingest_oparl_without_an_address_says_what_to_set(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "assistant.interfaces.cli", "ingest", "--oparl", "--data-dir", str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Fehler: Keine OParl-Adresse: `council ingest --oparl URL` angeben oder oparl.system_url setzen "
        "(COUNCIL_OPARL__SYSTEM_URL)."
    )


def test_a_run_while_another_is_busy_is_refused(tmp_path):
    data = tmp_path / "data"
    with locked(data / "oparl" / NAME), pytest.raises(OParlError, match="läuft bereits ein OParl-Abgleich"):
        ingest_oparl(settings(data), "http://127.0.0.1:9/oparl/system")
