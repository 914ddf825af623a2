"""Council metadata parsed from real documents (table-driven)."""

import pytest

from ingest.readers import read_pages
from ingest.structure import build_document, parse_date
from tests.conftest import CORPUS, ERLANGEN_NIEDERSCHRIFT, KARLSRUHE_TOP14, KENT_FEB, METTMANN

CASES = [
    # file, committee, meeting date, Vorlage, subject (agenda item)
    (
        METTMANN,
        "Sozialausschuss",
        "2021-02-08",
        "50/004/2021",
        "TOP 10: Aktuelles aus dem Kreisintegrationszentrum (KI)",
    ),
    (
        KARLSRUHE_TOP14,
        "Gemeinderat",
        "2024-10-22",
        "2024/0868",
        "TOP 14: Grundsteuerreform 2025 – Satzung zur Änderung der Satzung der Stadt Karlsruhe über die "
        "Erhebung der Grundsteuer und Gewerbesteuer (Hebesatzsatzung)",
    ),
    (
        "karlsruhe-oparl/docs/file-contents/649280.txt",
        "Gemeinderat",
        "2023-09-19",
        "2023/0835",
        "Attraktivität der Stellen der Ausländerbehörde: Lösungsansätze für Personalgewinnung und "
        "Personalbindung",
    ),
    (
        ERLANGEN_NIEDERSCHRIFT,
        "Stadtteilbeirat Büchenbach",
        "2021-07-08",
        None,
        "1. Sitzung des Stadtteilbeirates Büchenbach",
    ),
    (KENT_FEB, "County Council", "2025-02-13", None, None),
    (
        "portland-council-minutes/tests/resources/2011-1-19raw.txt",
        "Council of the City of Portland",
        "2011-01-12",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("source", "committee", "meeting_date", "vorlage", "subject"), CASES, ids=[c[0] for c in CASES]
)
def test_document_metadata(source, committee, meeting_date, vorlage, subject):
    pages, warnings = read_pages(CORPUS / source, 2**30)
    doc = build_document(source, pages, warnings)
    assert (doc.committee, doc.meeting_date, doc.vorlage, doc.subject) == (
        committee,
        meeting_date,
        vorlage,
        subject,
    )
    assert doc.title


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Sozialausschuss am 08.02.2021", "2021-02-08"),
        ("Erlangen, 20. Juli 2021\nBesprechung am: 08. Juli 2021", "2021-07-08"),
        ("meeting held on Thursday, 13th February, 2025", "2025-02-13"),
        ("WAS HELD THIS 12TH DAY OF JANUARY, 2011 AT 9:30 A.M.", "2011-01-12"),
        ("Sitzung vom 31.02.2021", None),
        ("kein Datum", None),
    ],
)
def test_dates(text, iso):
    assert parse_date(text) == iso
