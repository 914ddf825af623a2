"""Where a placement's access level comes from at ingest: the ingest call (`--access`), the
registry (an OParl agenda item `"public": false`), the document's title and its agenda items; the
stricter wins, and ingesting a folder again with another level re-places its files without
embedding anything again."""

import json
import shutil
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.council import ingest
from ingest.registry.paper_record import paper_source
from tests.conftest import ACCESS_DATA, CORPUS

CLOSED_MINUTES = """Niederschrift über die nichtöffentliche Sitzung

Bauausschuss am 01.02.2024

TOP 1: Vergabe der Rohbauarbeiten Grundschule Nord

Der Ausschuss vergibt die Rohbauarbeiten an die Firma Beispielbau zum Angebotspreis von 812.000 Euro.
"""

MIXED_MINUTES = """Niederschrift

Bauausschuss am 08.02.2024

TOP 1: Bericht der Verwaltung zum Radwegenetz

Die Verwaltung berichtet über den Ausbau des Radwegenetzes im Stadtteil Süd.
Der Ausschuss nimmt den Bericht zur Kenntnis.

TOP 2: Nichtöffentlicher Teil: Erwerb des Grundstücks Gartenweg 7

Der Ausschuss stimmt dem Erwerb des Grundstücks Gartenweg 7 zum Kaufpreis von 95.000 Euro zu.
"""


def levels(data_dir: Path) -> dict[str, set[str]]:
    """Each source's levels, over all its placements."""
    found: dict[str, set[str]] = {}
    for chunk in Catalog(data_dir, create=False).all_chunks():
        for p in chunk.placements:
            found.setdefault(p.source, set()).add(p.access)
    return found


def texts_of_level(data_dir: Path, level: str) -> str:
    chunks = Catalog(data_dir, create=False).all_chunks()
    return " ".join(c.text for c in chunks if any(p.access == level for p in c.placements))


def test_the_ingest_call_marks_its_files_and_a_second_call_changes_them_without_embedding(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(ACCESS_DATA / "public", folder)
    first = ingest(Settings(), folder, progress=False)
    assert first.closed == 0 and levels(Settings().data_dir) == {"hinweis_buergerbuero.txt": {"öffentlich"}}
    closed = ingest(Settings(), folder, progress=False, access="nichtöffentlich")
    assert (closed.indexed, closed.closed, closed.embedded) == (1, 1, 0)
    assert levels(Settings().data_dir) == {"hinweis_buergerbuero.txt": {"nichtöffentlich"}}
    again = ingest(Settings(), folder, progress=False, access="nichtöffentlich")
    assert (again.indexed, again.unchanged) == (0, 1)
    opened = ingest(Settings(), folder, progress=False)
    assert (opened.indexed, opened.embedded) == (1, 0)
    assert levels(Settings().data_dir) == {"hinweis_buergerbuero.txt": {"öffentlich"}}


def test_a_title_or_an_agenda_item_that_says_nichtoeffentlich_closes_it(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bau_2024-02-01.txt").write_text(CLOSED_MINUTES, encoding="utf-8")
    (folder / "bau_2024-02-08.txt").write_text(MIXED_MINUTES, encoding="utf-8")
    report = ingest(Settings(), folder, progress=False)
    assert report.closed == 1
    found = levels(Settings().data_dir)
    assert found["bau_2024-02-01.txt"] == {"nichtöffentlich"}
    assert found["bau_2024-02-08.txt"] == {"öffentlich", "nichtöffentlich"}
    closed = texts_of_level(Settings().data_dir, "nichtöffentlich")
    public = texts_of_level(Settings().data_dir, "öffentlich")
    assert "Gartenweg 7" in closed and "Gartenweg 7" not in public
    assert "Radwegenetz" in public and "Radwegenetz" not in closed


@pytest.mark.shared
def test_an_oparl_agenda_item_marked_not_public_closes_its_files(tmp_path):
    karlsruhe = CORPUS / "karlsruhe-oparl"
    folder = tmp_path / "ka"
    for rel in ("docs/file-contents/662252.txt", "docs/papers/51029.json", "docs/meetings/9532.json"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(karlsruhe / rel, folder / rel)
    meeting = folder / "docs/meetings/9532.json"
    data = json.loads(meeting.read_text(encoding="utf-8"))
    for item in data["agendaItem"]:
        if item.get("number") == "5":
            item["public"] = False
    meeting.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = ingest(Settings(), folder, progress=False)
    assert (report.indexed, report.closed) == (1, 2)
    # the paper's own record is closed with the agenda item that decides it
    assert levels(Settings().data_dir) == {
        "docs/file-contents/662252.txt": {"nichtöffentlich"},
        paper_source("docs/papers/51029.json", "2024/1089"): {"nichtöffentlich"},
    }
