"""A text that lists the folder's own files (a corpus's SOURCES.md) is no council document."""

from pathlib import Path

from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.council import ingest
from tests.conftest import CORPUS, mirror

TXT = "karlsruhe-oparl/docs/file-contents"


def _sources(catalog_dir: Path) -> set[str]:
    catalog = Catalog(catalog_dir, create=False)
    try:
        return set(catalog.file_hashes())
    finally:
        catalog.close()


def test_a_listing_of_the_folder_is_skipped_and_leaves_the_index_once_it_lists_enough(tmp_path):
    files = sorted(p.name for p in (CORPUS / TXT).glob("*.txt"))[:10]
    folder = mirror([f"{TXT}/{name}" for name in files[:9]], tmp_path / "corpus")
    listing = folder / "SOURCES.md"
    rows = [f"| `{TXT}/{name}` | Vorlage | de |" for name in files]
    # nine files of the folder named: a document like any other
    listing.write_text("# Quellen\n\n" + "\n".join(rows[:9]) + "\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data")
    report = ingest(settings, folder, progress=False, vectors_later=True)
    assert report.indexed == 10 and "SOURCES.md" in _sources(tmp_path / "data")

    # ten: a listing of the folder; skipped with its reason, and gone from the index
    mirror([f"{TXT}/{files[9]}"], folder)
    listing.write_text("# Quellen\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = ingest(settings, folder, progress=False, vectors_later=True)
    reason = (
        "Verzeichnis der Dateien dieses Ordners (10 Dateien genannt); kein Ratsdokument, nicht eingelesen"
    )
    assert [(n.source, n.reason) for n in report.skipped] == [("SOURCES.md", reason)]
    assert _sources(tmp_path / "data") == {f"{TXT}/{name}" for name in files}
