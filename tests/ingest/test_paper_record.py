"""An OParl paper's own record (its files with their dates, its Beratungsfolge) read as a document
of its own, ingested, and answered from: what only the registry knows of a Vorlage."""

import pytest

from assistant.core.documents import file_of
from assistant.core.settings import Settings
from assistant.service.council import build_assistant, ingest
from ingest.registry import read_registries
from ingest.registry.paper_record import paper_source
from tests.conftest import mirror

pytestmark = pytest.mark.shared

PAPER = "karlsruhe-oparl/docs/papers/51017.json"  # Anfrage 2024/1077 of the SPD (Spitalhof)
# Its Anfrage, Stellungnahme and protocol; its fourth file, the Mitzeichnung of the Ortsverwaltung
# Hohenwettersbach, is not in the corpus: only the paper JSON names it. The meeting JSON gives the
# deciding body.
FILES = [
    PAPER,
    "karlsruhe-oparl/docs/meetings/9532.json",
    *(f"karlsruhe-oparl/docs/file-contents/{n}.txt" for n in (661100, 661327, 662119)),
]


def test_the_record_of_a_paper_names_its_files_and_beratungsfolge(tmp_path):
    base = mirror(FILES, tmp_path / "corpus")
    registry = read_registries(base, [f for f in sorted(base.rglob("*")) if f.is_file()])
    doc = registry.documents[paper_source(PAPER, "2024/1077")]
    paragraphs = doc.pages[0].text.split("\n\n")
    assert paragraphs[0].startswith("Anfrage 2024/1077 vom 24.09.2024: Schnellstmögliche Umsetzung")
    assert paragraphs[1].startswith("Dokumente und Anlagen zu Anfrage 2024/1077 (Schnellstmögliche")
    assert "- Vorlage 2024-1077, Mitzeichnung AL Hohenwettersbach (18.10.2024)" in paragraphs[1]
    # the protocol records the vote; the record names body, day, role and TOP only
    assert paragraphs[2].splitlines()[1:] == ["- Gemeinderat 22.10.2024 (Kenntnisnahme), TOP 35"]
    assert (doc.vorlage, doc.doc_type, doc.committee, file_of(doc.source)) == (
        "2024/1077",
        "Anfrage",
        "Gemeinderat",
        PAPER,
    )


def test_what_only_the_registry_records_of_a_paper_is_answered_and_cited_from_it(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    report = ingest(settings, mirror(FILES, tmp_path / "corpus"), progress=False)
    assert (report.exit_code, report.indexed, report.records_indexed) == (0, 3, 1)
    answer = build_assistant(settings).ask(
        "Gab es zur Spitalhof-Anfrage der SPD noch eine Mitzeichnung aus Hohenwettersbach?"
    )
    assert "Mitzeichnung AL Hohenwettersbach" in answer.text
    assert PAPER in {file_of(c.passage.source) for c in answer.citations}
