"""Registry metadata (OParl JSON, the Karlsruhe manifest, the Erlangen RIS index) read from the
real corpus, and attached to documents read from the real files."""

import json
import shutil
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assistant.core.doc_types import DOC_TYPES, doc_type_for
from assistant.core.documents import AgendaItem
from ingest.readers import read_pages
from ingest.registry import apply_record, read_registries
from ingest.registry.ris import ris_file_name
from ingest.structure import build_document
from tests.conftest import CORPUS

KA = "karlsruhe-oparl"
TXT = f"{KA}/docs/file-contents"
SBR = "erlangen-sbr-buechenbach/SBR"


def _files(base: Path) -> list[Path]:
    return [f for f in sorted(base.rglob("*")) if f.is_file()]


@pytest.fixture(scope="module")
def corpus_registry():
    return read_registries(CORPUS, _files(CORPUS))


CASES = [
    # source, paper reference, doc type, agenda item number, result (meeting JSON), body
    (f"{TXT}/649280.txt", "2023/0835", "Antrag", "22", "Kenntnisnahme", "Gemeinderat"),
    (f"{TXT}/649426.txt", "2023/0835", "Stellungnahme", "22", "Kenntnisnahme", "Gemeinderat"),
    (f"{TXT}/660757.txt", "2023/0835/1", "Antrag", "22.1", "mehrheitlich zugestimmt", "Gemeinderat"),
    (f"{TXT}/662252.txt", "2024/1089", "Niederschrift", "5", "mehrheitlich zugestimmt", "Gemeinderat"),
    (f"{TXT}/660640.txt", "2024/0868", "Satzung", "14", "mehrheitlich zugestimmt", "Gemeinderat"),
    (f"{TXT}/660638.txt", "2024/0868", "Vorlage", "14", "mehrheitlich zugestimmt", "Gemeinderat"),
    (f"{TXT}/660300.txt", "2024/0933", "Anfrage", "32", "Kenntnisnahme", "Gemeinderat"),
    (f"{TXT}/660541.txt", "2024/0969", "Anlage", "11", "einstimmig zugestimmt", "Gemeinderat"),
    # one Niederschrift of TOP 9 is attached to each of the papers heard as TOP 9.1, 9.2, 9.3
    (f"{TXT}/662256.txt", "2024/0852", "Niederschrift", "9.1", "einstimmig zugestimmt", "Gemeinderat"),
    (f"{TXT}/662258.txt", "2024/0854", "Niederschrift", "9.3", "einstimmig zugestimmt", "Gemeinderat"),
    # "Protokoll GR 22.10.2024 TOP 11_TOP 23", attached to the papers of TOP 11 and of TOP 23
    (f"{TXT}/662260.txt", "2024/0969", "Niederschrift", "11", "einstimmig zugestimmt", "Gemeinderat"),
    (
        f"{TXT}/662273.txt",
        "2024/1043",
        "Niederschrift",
        "23",
        "mit Stellungnahme einverstanden",
        "Gemeinderat",
    ),
    # protocols of meetings whose JSON is not in the corpus: committee, date and TOP from the name
    (f"{TXT}/662628.txt", "2024/1061", "Niederschrift", "3", None, "Haupt- und Finanzausschuss"),
    (f"{TXT}/664110.txt", "2024/0924", "Niederschrift", "2", None, "Ausschuss für Umwelt und Gesundheit"),
    (f"{TXT}/651363.txt", "2023/0835", "Niederschrift", "27", None, "Gemeinderat"),
    # Erlangen RIS index: no paper, no agenda item
    (
        f"{SBR}/2021-07-08_Niederschrift_Protokoll_2_Sitzung_Buechenbach.pdf",
        None,
        "Niederschrift",
        None,
        None,
        None,
    ),
    (f"{SBR}/2022-04-05_Einladung_Einladung_1_Sitzung_Buechenbach.pdf", None, "Einladung", None, None, None),
    (f"{SBR}/2021-10-27_Anhang_Diakonische_Runde.pdf", None, "Anlage", None, None, None),
]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "reference", "doc_type", "top", "result", "body"), CASES, ids=[c[0] for c in CASES]
)
def test_record_per_file(corpus_registry, source, reference, doc_type, top, result, body):
    record = corpus_registry.records[source]
    assert (record.paper_reference, record.doc_type, record.result, record.body) == (
        reference,
        doc_type,
        result,
        body,
    )
    assert (record.agenda_item.number if record.agenda_item else None) == top


@pytest.mark.shared
def test_a_file_of_the_meeting_json_gets_its_meeting_and_consultations(corpus_registry):
    record = corpus_registry.records[f"{TXT}/662272.txt"]
    assert record.registry == "OParl"
    assert record.file_name == "Protokoll GR 22.10.2024 TOP 22"
    assert (record.meeting_name, record.meeting_date) == (
        "Gemeinderat (öffentlich/nicht öffentlich)",
        date(2024, 10, 22),
    )
    assert record.agenda_item is not None and record.agenda_item.title.startswith("Attraktivität der Stellen")
    assert tuple(c.label() for c in record.consultations) == (
        "Gemeinderat (Kenntnisnahme)",
        "Gemeinderat (Behandlung)",
        "Gemeinderat 22.10.2024 (Entscheidung)",
    )
    assert record.paper_date == date(2024, 3, 27)
    assert record.url == "https://web1.karlsruhe.de/oparl/bodies/0001/downloadfiles/00662272.pdf"
    assert record.registry_file == f"{KA}/docs/papers/48935.json"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "consultations"),
    [
        # meetings 9520 and 9533 have no JSON here: paired with the paper's protocol files
        # "Protokoll_HA_05.11.2024_Sitzungseröffnung und TOP 1" and "Protokoll GR 19.11.2024 TOP 25"
        (
            f"{TXT}/661097.txt",
            (
                "Gemeinderat 22.10.2024 (Kenntnisnahme)",
                "Haupt- und Finanzausschuss 05.11.2024 (Vorberatung)",
                "Gemeinderat 19.11.2024 (Entscheidung)",
            ),
        ),
        # two meetings without JSON and one AUG protocol: ambiguous, so given by role only
        (f"{TXT}/660259.txt", ("Vorberatung", "Vorberatung", "Gemeinderat 22.10.2024 (Entscheidung)")),
        # 2024/0868/1 has no protocol of its own; its meeting 9519 was paired through 2024/0868
        (
            f"{TXT}/661395.txt",
            ("Haupt- und Finanzausschuss 08.10.2024 (Vorberatung)", "Gemeinderat 22.10.2024 (Entscheidung)"),
        ),
    ],
)
def test_consultations_read_as_committee_date_and_role(corpus_registry, source, consultations):
    assert tuple(c.label() for c in corpus_registry.records[source].consultations) == consultations


@pytest.mark.shared
def test_the_beratungsfolge_of_2024_0868_as_data(corpus_registry):
    """The meeting JSON gives the deciding consultation's TOP and result; the Vorberatung in the
    Haupt- und Finanzausschuss (no meeting JSON) its day and TOP from "Protokoll_HA_08.10.2024_TOP 2"."""
    steps = corpus_registry.records[f"{TXT}/660638.txt"].consultations
    assert [(c.body, c.meeting_date, c.role) for c in steps] == [
        ("Haupt- und Finanzausschuss", date(2024, 10, 8), "Vorberatung"),
        ("Gemeinderat", date(2024, 10, 22), "Entscheidung"),
    ]
    hfa, gr = steps
    assert (hfa.agenda_item, hfa.result, hfa.access) == (AgendaItem("2", ""), None, "öffentlich")
    assert gr.agenda_item is not None and gr.agenda_item.number == "14"
    assert gr.agenda_item.title.startswith("Grundsteuerreform 2025")
    assert (gr.result, gr.authoritative, gr.meeting_name) == (
        "mehrheitlich zugestimmt",
        True,
        "Gemeinderat (öffentlich/nicht öffentlich)",
    )


@pytest.mark.shared
def test_a_closed_agenda_item_closes_its_consultation_and_the_files_placed_there(tmp_path):
    base = _karlsruhe_copy(tmp_path / "ka", ["50796.json"])
    meeting = json.loads((base / "docs/meetings/9532.json").read_text())
    for item in meeting["agendaItem"]:
        if item.get("number") == "14":
            item["public"] = False
    (base / "docs/meetings/9532.json").write_text(json.dumps(meeting))
    registry = read_registries(base, _files(base))
    record = registry.records["docs/file-contents/662263.txt"]  # Protokoll GR 22.10.2024 TOP 14
    assert record.access == "nichtöffentlich"
    assert [c.access for c in record.consultations] == ["öffentlich", "nichtöffentlich"]


@pytest.mark.shared
def test_an_organization_names_the_body_of_a_consultation_in_an_unknown_meeting(tmp_path):
    base = _karlsruhe_copy(tmp_path / "ka", ["50803.json"], with_meeting=False)
    (base / "docs/organizations").mkdir()
    org = {  # made for the test: the corpus holds no organization objects
        "id": "https://web1.karlsruhe.de/oparl/bodies/0001/organizations/gr/34531",
        "type": "https://schema.oparl.org/1.1/Organization",
        "name": "Ortschaftsrat Durlach",
    }
    (base / "docs/organizations/34531.json").write_text(json.dumps(org))
    registry = read_registries(base, _files(base))
    steps = registry.records["docs/file-contents/659957.txt"].consultations
    assert [c.label() for c in steps] == ["Entscheidung", "Ortschaftsrat Durlach (Anhörung)"]
    assert registry.used["docs/organizations/34531.json"] == "OParl-Gremium Ortschaftsrat Durlach"


@pytest.mark.shared
def test_coverage_of_the_corpus(corpus_registry):
    karlsruhe = {s: r for s, r in corpus_registry.records.items() if s.startswith(KA)}
    assert set(karlsruhe) == {f"{TXT}/{p.name}" for p in (CORPUS / TXT).glob("*.txt")}
    assert len(karlsruhe) == 139
    assert sum(r.agenda_item is not None for r in karlsruhe.values()) == 139
    assert sum(r.result is not None for r in karlsruhe.values()) == 127  # 12 protocols of other meetings
    assert all(r.consultations for r in karlsruhe.values())
    erlangen = {s for s, r in corpus_registry.records.items() if r.registry == "RIS"}
    assert len(erlangen) == 46 and all(s.startswith(f"{SBR}/") for s in erlangen)
    assert set(corpus_registry.records) == set(karlsruhe) | erlangen


@pytest.mark.shared
def test_report_lines(corpus_registry):
    used, problems = corpus_registry.used, corpus_registry.problems
    assert used[f"{KA}/docs/papers/48935.json"] == "OParl-Vorlage 2023/0835 (4 Dateien)"
    assert used[f"{KA}/docs/papers/50349.json"] == "OParl-Vorlage 2024/0458 (5 von 6 Dateien)"
    assert used[f"{KA}/docs/meetings/9532.json"] == "OParl-Sitzung 9532 (56 TOPs)"
    assert used[f"{KA}/MANIFEST_karlsruhe.csv"] == "Manifest (139 Dateien: 139 wie im Vorlagen-JSON)"
    assert used[f"{SBR}/index.json"] == "RIS-Index (46 Dokumente)"
    assert len([s for s in used if "/docs/papers/" in s]) == 47
    assert used["erlangen-sbr-buechenbach/gremien_tops.json"] == (
        "RIS-Tagesordnungsliste (4097 TOPs in 191 Sitzungen von Jugendhilfeausschuss, Sportausschuss, "
        "Stadtrat, Umwelt-, Verkehrs- und Planungsausschuss): je Sitzung ein Dokument mit den "
        "Beschlussergebnissen"
    )
    assert len(corpus_registry.documents) == 191 + 47  # meetings of the agenda list, OParl papers
    assert "keine Registerdatei" in problems["sources.csv"]
    assert problems["SOURCES.md"] == (
        "Verzeichnis der Dateien dieses Ordners (309 Dateien genannt); kein Ratsdokument, nicht eingelesen"
    )
    assert not set(used) & set(problems)


@pytest.mark.shared
def test_fast_enough_for_every_ingest():
    files = _files(CORPUS)
    started = time.perf_counter()
    read_registries(CORPUS, files)
    assert time.perf_counter() - started < 2.0


@pytest.mark.shared
def test_base_is_the_karlsruhe_folder():
    base = CORPUS / KA
    registry = read_registries(base, _files(base))
    assert len(registry.records) == 139 and not registry.problems
    record = registry.records["docs/file-contents/662252.txt"]
    assert record.agenda_item is not None and record.agenda_item.number == "5"
    assert record.result == "mehrheitlich zugestimmt"
    assert registry.used["docs/meetings/9532.json"] == "OParl-Sitzung 9532 (56 TOPs)"


@pytest.mark.shared
@pytest.mark.parametrize("folder", ["kent-county-council", f"{KA}/docs/file-contents", "kreis-mettmann"])
def test_a_folder_without_registries_gives_an_empty_registry(folder):
    registry = read_registries(CORPUS / folder, _files(CORPUS / folder))
    assert (registry.records, registry.used, registry.problems) == ({}, {}, {})


def _karlsruhe_copy(dest: Path, papers: list[str], with_meeting: bool = True) -> Path:
    """A Karlsruhe folder with the manifest, the txt files and the given paper JSON."""
    shutil.copytree(CORPUS / TXT, dest / "docs/file-contents")
    shutil.copy(CORPUS / KA / "MANIFEST_karlsruhe.csv", dest)
    (dest / "docs/papers").mkdir()
    for name in papers:
        shutil.copy(CORPUS / KA / "docs/papers" / name, dest / "docs/papers")
    if with_meeting:
        (dest / "docs/meetings").mkdir()
        shutil.copy(CORPUS / KA / "docs/meetings/9532.json", dest / "docs/meetings")
    return dest


@pytest.mark.shared
def test_a_broken_paper_json_is_a_problem_and_the_manifest_stands_in(tmp_path):
    base = _karlsruhe_copy(tmp_path / "ka", ["48935.json"])
    (base / "docs/papers/50796.json").write_text(
        '{"type": "https://schema.oparl.org/1.1/Paper", "reference": '
    )
    registry = read_registries(base, _files(base))
    broken = registry.problems["docs/papers/50796.json"]
    assert broken.startswith("ungültiges JSON (Expecting value in Zeile 1")
    # a file of the broken paper: from the manifest, its TOP from the file name and the meeting JSON
    record = registry.records["docs/file-contents/662263.txt"]
    assert record.registry_file == "MANIFEST_karlsruhe.csv"
    assert (record.paper_reference, record.file_name, record.doc_type) == (
        "2024/0868",
        "Protokoll GR 22.10.2024 TOP 14",
        "Niederschrift",
    )
    assert record.agenda_item is not None and record.agenda_item.number == "14"
    assert (record.result, record.consultations) == ("mehrheitlich zugestimmt", ())
    # a file of the intact paper: from the paper JSON
    assert registry.records["docs/file-contents/662272.txt"].registry_file == "docs/papers/48935.json"
    assert registry.used["MANIFEST_karlsruhe.csv"] == (
        "Manifest (139 Dateien: 4 wie im Vorlagen-JSON, 135 nur aus dem Manifest)"
    )


@pytest.mark.shared
def test_json_that_is_no_registry_or_describes_nothing(tmp_path):
    (tmp_path / "papers").mkdir()
    shutil.copy(CORPUS / KA / "docs/papers/48935.json", tmp_path / "papers")
    shutil.copy(CORPUS / KA / "docs/meetings/9532.json", tmp_path / "papers")
    (tmp_path / "settings.json").write_text(json.dumps({"theme": "dark"}))
    (tmp_path / "latin1.csv").write_bytes("Gemeinde;Straße\n".encode("latin-1"))
    registry = read_registries(tmp_path, _files(tmp_path))
    assert registry.records == {} and registry.used == {}
    assert registry.problems["papers/48935.json"] == (
        "OParl-Vorlage 2023/0835: beschreibt keine Datei des Korpus (keine ihrer 4 Dateien liegt hier)"
    )
    assert "beschreibt keine Datei des Korpus" in registry.problems["papers/9532.json"]
    assert "keine lesbare Registerdatei" in registry.problems["settings.json"]
    assert registry.problems["latin1.csv"].startswith("kein UTF-8-Text")


def _doc(source: str):
    pages, warnings = read_pages(CORPUS / source, 2**30)
    return build_document(source, pages, warnings)


@pytest.mark.shared
def test_top5_keeps_both_the_text_and_the_meeting_record(corpus_registry):
    source = f"{TXT}/662252.txt"
    doc = _doc(source)
    applied = apply_record(doc, corpus_registry.records[source])
    text = "\n".join(p.text for p in applied.pages)
    assert "Einstimmige Zustimmung (43 Ja, 2 Enthaltungen)" in " ".join(text.split())
    assert applied.record is not None and applied.record.result == "mehrheitlich zugestimmt"
    # what the text says is kept as it was
    assert (applied.committee, applied.meeting_date, applied.vorlage, applied.subject) == (
        doc.committee,
        doc.meeting_date,
        doc.vorlage,
        doc.subject,
    )
    assert applied.pages == doc.pages and applied.sections == doc.sections


FILL_CASES = [
    # source, vorlage, committee, meeting date, doc type, subject prefix
    (
        f"{TXT}/662252.txt",
        "2024/1089",
        "Gemeinderat",
        "2024-10-22",
        "Niederschrift",
        "TOP 5: Wahl der Stellvertretung",
    ),
    # a paper's Vorlage: the meeting that decided it is not its date
    (f"{TXT}/660638.txt", "2024/0868", "Gemeinderat", None, "Vorlage", "TOP 14: Grundsteuerreform 2025"),
    # a protocol of a meeting without JSON: no agenda item title, so the paper's title
    (
        f"{TXT}/662628.txt",
        "2024/1061",
        "Haupt- und Finanzausschuss",
        "2024-11-05",
        "Niederschrift",
        "Erwerb des Areals C",
    ),
    # a RIS session attachment: listed under its meeting, so dated by it
    (f"{SBR}/2021-10-27_Anhang_Diakonische_Runde.pdf", None, None, "2021-10-27", "Anlage", None),
]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "vorlage", "committee", "meeting_date", "doc_type", "subject"), FILL_CASES
)
def test_apply_record_fills_what_the_text_left_empty(
    corpus_registry, source, vorlage, committee, meeting_date, doc_type, subject
):
    empty = replace(
        _doc(source), committee=None, meeting_date=None, vorlage=None, subject=None, doc_type=None
    )
    doc = apply_record(empty, corpus_registry.records[source])
    assert (doc.vorlage, doc.committee, doc.meeting_date, doc.doc_type) == (
        vorlage,
        committee,
        meeting_date and date.fromisoformat(meeting_date),
        doc_type,
    )
    assert (doc.subject or "").startswith(subject or "") and (doc.subject is None) == (subject is None)


@pytest.mark.shared
def test_text_values_win(corpus_registry):
    source = f"{TXT}/660638.txt"
    doc = replace(
        _doc(source), vorlage="2024/9999", committee="Hauptausschuss", doc_type="Anlage", subject="X"
    )
    applied = apply_record(doc, corpus_registry.records[source])
    assert (applied.vorlage, applied.committee, applied.doc_type, applied.subject) == (
        "2024/9999",
        "Hauptausschuss",
        "Anlage",
        "X",
    )
    assert applied.record is not None and applied.record.paper_reference == "2024/0868"


@pytest.mark.shared
def test_ris_file_names_follow_from_date_category_and_title():
    entries = json.loads((CORPUS / SBR / "index.json").read_text())
    assert len(entries) == 46
    for e in entries:
        assert ris_file_name(e["date"], e["category"], e["title"]) == e["filename"]


def test_ris_entry_without_filename_still_finds_its_file(tmp_path):
    name = "2021-04-14_Anhang_Erlangen-Massnahmenplan_2035-5.pdf"
    (tmp_path / name).write_bytes(b"%PDF-1.4")
    entry = {
        "doc_id": "18206577",
        "date": "2021-04-14",
        "category": "Anhang",
        "title": "Erlangen-Maßnahmenplan 2035-5",
    }
    (tmp_path / "index.json").write_text(json.dumps([entry]))
    registry = read_registries(tmp_path, _files(tmp_path))
    assert registry.records[name].doc_type == "Anlage"
    assert registry.records[name].url is None  # no href, and no RIS host known here
    assert registry.used == {"index.json": "RIS-Index (1 Dokument)"}


@pytest.mark.shared
def test_ris_urls_take_the_host_from_the_agenda_list(corpus_registry):
    record = corpus_registry.records[f"{SBR}/2021-10-27_Anhang_Diakonische_Runde.pdf"]
    assert record.url == "https://ratsinfo.erlangen.de/getfile.asp?id=18219419&type=do"
    assert (record.meeting_date, record.file_name) == (date(2021, 10, 27), "Diakonische Runde")


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Beschlussvorlage PA 01.10.2024 und GR 22.10.2024", "Vorlage"),
        ("Informationsvorlage", "Vorlage"),
        ("Änderungs-/Ergänzungsantrag", "Antrag"),
        ("Stellungnahme zum Antrag", "Stellungnahme"),
        ("Stellungnahme Anfrage", "Stellungnahme"),
        ("Protokoll_HA_05.11.2024_Sitzungseröffnung und TOP 1", "Niederschrift"),
        ("Anwesenheit (Protokoll)", "Niederschrift"),
        ("Abstimmungsergebnis TOP 9.1", "Beratungsergebnis"),
        ("TOP 14.2 Ziffer 1", "Beratungsergebnis"),
        ("Tagesordnung (öffentlich)", "Einladung"),
        ("Anlage 1 Richtlinien", "Anlage"),
        ("AUG - Präsentation Vorentwurf Fortschreibung LAP", "Anlage"),
        ("Anhang", "Anlage"),
        ("Satzung zur Änderung der Satzung der Stadt Karlsruhe", "Satzung"),
        ("Förderrichtlinie", None),
        (None, None),
    ],
)
def test_doc_type_from_registry_names(name, label):
    assert doc_type_for(name) == label
    assert label is None or label in {t.label for t in DOC_TYPES}
