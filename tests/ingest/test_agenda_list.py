"""A RIS agenda list (Erlangen gremien_tops.json) read as one document per meeting, ingested,
and answered from: the result each meeting recorded, the latest first."""

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.index.catalog import Catalog
from assistant.service.council import build_assistant, ingest
from ingest.chunking import chunk_document
from ingest.registry.agenda_list import meeting_documents
from tests.conftest import CORPUS

pytestmark = pytest.mark.shared

LIST = "erlangen-sbr-buechenbach/gremien_tops.json"
# The Stadtrat's Grundsteuer-Hebesatzsatzung: vertagt on 24.10.2024, decided on 04.11.2024; the
# 5. Deckblatt of Bebauungsplan 402: UVPA without a result, Stadtrat mehrheitlich angenommen.
MEETINGS = ("2024-10-24", "2024-11-04", "2024-05-07", "2024-05-15")


def _agenda_list() -> dict:
    return json.loads((CORPUS / LIST).read_text(encoding="utf-8"))


def _part(data: dict, days: tuple[str, ...] = MEETINGS) -> dict:
    return {**data, "tops": [t for t in data["tops"] if t["datum"] in days]}


def test_each_meeting_is_a_document_with_one_section_per_item():
    docs = meeting_documents(LIST, _agenda_list())
    assert len(docs) == 191
    doc = docs[f"{LIST}#Stadtrat 2024-11-04"]
    assert (doc.committee, doc.meeting_date, doc.doc_type) == (
        "Stadtrat",
        date(2024, 11, 4),
        "Beratungsergebnis",
    )
    assert doc.title == (
        "Beschlussergebnisse Stadtrat 04.11.2024 (Ratsinformationssystem der Stadt Erlangen (SessionNet))"
    )
    item = next(s for s in doc.sections if s.item and s.item.number == "Ö 2")
    assert item.item.title == "Neuerlass der Grundsteuer-Hebesatzsatzung"
    assert item.decision == "angenommen mit Änderungen"
    assert item.vote is not None and item.vote.outcome == "approved"
    # one chunk per item, each quoting the meeting, the item and its result
    chunks = chunk_document(doc, 1200, 2400)
    assert len(chunks) == len(doc.sections)
    texts = {doc.sections[c.section].item.number: c.text for c in chunks}
    assert texts["Ö 2"] == (
        "Stadtrat, Sitzung vom 04.11.2024, TOP Ö 2: Neuerlass der Grundsteuer-Hebesatzsatzung\n"
        "Beschluss: angenommen mit Änderungen"
    )
    # an item the RIS records no result for has no Beschluss line and no decision
    uvpa = docs[f"{LIST}#Umwelt-, Verkehrs- und Planungsausschuss 2024-05-07"]
    deckblatt = next(s for s in uvpa.sections if "Nr. 402" in s.item.title)
    assert deckblatt.decision is None and deckblatt.vote is None


def test_entries_without_body_day_or_title_are_left_out_and_two_meetings_of_a_day_kept_apart():
    tops = [
        {"gremium": "Stadtrat", "datum": "2024-01-10", "ksinr": "1", "top": "Ö 1", "titel": "Haushalt 2024"},
        {"gremium": "Stadtrat", "datum": "2024-01-10", "ksinr": "2", "top": "Ö 1", "titel": "Sondersitzung"},
        {"gremium": "Stadtrat", "datum": "kein Datum", "top": "Ö 2", "titel": "x"},
        {"datum": "2024-01-10", "titel": "ohne Gremium"},
        "kein Objekt",
    ]
    docs = meeting_documents("liste.json", {"tops": tops})
    assert sorted(docs) == ["liste.json#Stadtrat 2024-01-10 (1)", "liste.json#Stadtrat 2024-01-10 (2)"]
    assert meeting_documents("liste.json", {"tops": tops[2:]}) == {}


def _folder(path: Path, data: dict) -> Path:
    (path / "erlangen").mkdir(parents=True, exist_ok=True)
    (path / "erlangen" / "gremien_tops.json").write_text(
        json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )
    return path


def test_ingest_stores_the_meetings_once_and_follows_the_list(tmp_path):
    data, folder = tmp_path / "data", tmp_path / "corpus"
    agenda = _part(_agenda_list())
    settings = Settings(data_dir=data)
    report = ingest(settings, _folder(folder, agenda), progress=False, vectors_later=True)
    assert (report.records_indexed, report.indexed, report.chunks) == (4, 0, len(agenda["tops"]))
    assert report.metadata[0].reason.startswith(
        f"RIS-Tagesordnungsliste ({len(agenda['tops'])} TOPs in 4 Sitzungen"
    )

    report = ingest(settings, folder, progress=False, vectors_later=True)
    assert (report.records_indexed, report.unchanged_records, report.chunks) == (0, 4, 0)

    # one result changed in the RIS: only that meeting is written again
    changed = next(t for t in agenda["tops"] if t["datum"] == "2024-10-24" and t["top"] == "Ö 14")
    changed["beschluss"] = "abgesetzt"
    report = ingest(settings, _folder(folder, agenda), progress=False, vectors_later=True)
    assert (report.records_indexed, report.unchanged_records) == (1, 3)

    # a meeting gone from the list, then the list itself: their documents go with --prune
    report = ingest(settings, _folder(folder, _part(agenda, MEETINGS[1:])), prune=True, progress=False)
    assert report.removed == ["erlangen/gremien_tops.json#Stadtrat 2024-10-24"]
    (folder / "erlangen" / "gremien_tops.json").unlink()
    report = ingest(settings, folder, prune=True, progress=False)
    assert len(report.removed) == 3
    catalog = Catalog(data, create=False)
    assert catalog.count() == 0
    catalog.close()


@pytest.fixture(scope="module")
def meetings_index(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("agenda")
    # and Antrag 400/2020: UVPA 11.05.2021 abgesetzt, Stadtrat 28.10.2021 (its title adds "Hier: …")
    folder = _folder(base / "corpus", _part(_agenda_list(), (*MEETINGS, "2021-05-11", "2021-10-28")))
    report = ingest(Settings(data_dir=base / "data"), folder, progress=False)
    assert report.records_indexed == 6
    return base / "data"


def test_the_latest_result_of_an_item_heard_twice_leads(meetings_index):
    # "im Oktober 2024" restricts the search to October, where the item was only vertagt; the
    # decision of 4 November is found by the item's title.
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(
        "Ist der Neuerlass der Grundsteuer-Hebesatzsatzung in Erlangen nach der Vertagung im Oktober 2024 "
        "beschlossen worden?"
    )
    lead, earlier = answer.text.split(" [1] ")[:2]
    assert lead == (
        "Ja. Stand 04.11.2024: Stadtrat, TOP Ö 2: Neuerlass der Grundsteuer-Hebesatzsatzung: "
        "angenommen mit Änderungen"
    )
    assert earlier == "Zuvor (24.10.2024): Stadtrat, TOP Ö 14: vertagt [2]"
    assert [c.passage.meeting_date for c in answer.citations] == [date(2024, 11, 4), date(2024, 10, 24)]
    assert all(c.text.endswith(c.passage.decision) for c in answer.citations)


@pytest.fixture(scope="module")
def statute_index(tmp_path_factory) -> Path:
    # The Zweckentfremdungsverbotssatzung: vertagt on 27.03.2025, adopted on 30.04.2025, under a
    # title of three words that names a statute, so it is one matter.
    base = tmp_path_factory.mktemp("statute")
    folder = _folder(base / "corpus", _part(_agenda_list(), ("2025-03-27", "2025-04-30")))
    ingest(Settings(data_dir=base / "data"), folder, progress=False)
    return base / "data"


@pytest.mark.parametrize(
    ("question", "begins"),
    [
        (  # the deferral scores best; the adoption leads as the latest state, and "Ja" follows it
            "Wurde die Zweckentfremdungsverbotssatzung in Erlangen beschlossen?",
            "Ja. Stand 30.04.2025",
        ),
        (  # the short title names a statute: the item is followed from its deferral to its adoption
            "Wann hat der Erlanger Stadtrat die neue Zweckentfremdungsverbotssatzung beschlossen?",
            "Stand 30.04.2025: Stadtrat, TOP Ö 26.1: Neuerlass der Zweckentfremdungsverbotssatzung: "
            "mehrheitlich angenommen [1] Zuvor (27.03.2025): Stadtrat, TOP Ö 18: vertagt [2]",
        ),
    ],
)
def test_a_statute_deferred_then_adopted_is_answered_by_its_adoption(statute_index, question, begins):
    assert build_assistant(Settings(data_dir=statute_index)).ask(question).text.startswith(begins)


def test_the_hearings_of_an_item_keep_their_dates(meetings_index):
    # a sentence on another matter would have left the hearings without their "Stand"/"Zuvor"
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(
        "Was ist im UVPA am 11. Mai 2021 mit dem Antrag 400/2020 des Stadtteilbeirats Büchenbach passiert?"
    )
    assert answer.text.startswith("Zuvor (11.05.2021): Umwelt-, Verkehrs- und Planungsausschuss, TOP Ö 29")
    assert "Stand 28.10.2021: Stadtrat, TOP Ö 37.6: mehrheitlich angenommen [2]" in answer.text


def test_the_meeting_the_question_names_leads(meetings_index):
    # its result first, then the later state, each marked with its date
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(
        "Was hat der Stadtrat am 24.10.2024 zum Neuerlass der Grundsteuer-Hebesatzsatzung beschlossen?"
    )
    assert answer.text == (
        "Zuvor (24.10.2024): Stadtrat, TOP Ö 14: Neuerlass der Grundsteuer-Hebesatzsatzung: vertagt [1] "
        "Stand 04.11.2024: Stadtrat, TOP Ö 2: angenommen mit Änderungen [2]"
    )


def test_the_last_state_of_a_plan_is_its_last_recorded_result(meetings_index):
    # the committee's hearing records no result; the council's decision is the last state
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(
        "Wie ist der letzte Stand beim 5. Deckblatt zum Bebauungsplan Nr. 402 "
        "(Nahversorgungszentrum Odenwaldallee)?"
    )
    assert answer.text == (
        "Stadtrat, 15.05.2024, TOP Ö 22: 5. Deckblatt zum Bebauungsplan Nr. 402 – Nahversorgungszentrum "
        "Odenwaldallee – hier: Satzungsgutachten/Satzungsbeschluss: mehrheitlich angenommen [1]"
    )
    assert answer.citations[0].passage.meeting_date == date(2024, 5, 15)


def test_an_item_whose_title_grew_is_followed_by_its_paper_number_and_said_once(meetings_index):
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(
        "Wie hat der Erlanger Stadtrat am 28. Oktober 2021 über die Wendeschleife (Antrag 400/2020 des "
        "Stadtteilbeirats Büchenbach) entschieden?"
    )
    assert answer.text == (
        "Stand 28.10.2021: Stadtrat, TOP Ö 37.6: Antrag 400/2020 des Stadtteilbeirats Büchenbach: Änderung "
        "der StUB-Vorzugstrasse auf den Adenauerring anstelle durch die Lindnerstraße. Hier: Führung der "
        "Wendeschleife in Büchenbach: mehrheitlich angenommen [1] Zuvor (11.05.2021): Umwelt-, Verkehrs- "
        "und Planungsausschuss, TOP Ö 29: abgesetzt [2]"
    )


@pytest.mark.parametrize("body", ["Umwelt-, Verkehrs- und Planungsausschuss", "UVPA"])
def test_a_body_that_did_not_hear_the_item_is_a_false_premise(meetings_index, body):
    # the index knows the UVPA (its meeting of 07.05.2024), but only the Stadtrat heard the item
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(
        f"Wie hat der {body} über den Neuerlass der Grundsteuer-Hebesatzsatzung abgestimmt?"
    )
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("Dazu finde ich in den vorliegenden Dokumenten keine Angabe.")
    answer = assistant.ask(
        "Wie hat der Stadtrat über den Neuerlass der Grundsteuer-Hebesatzsatzung abgestimmt?"
    )
    assert not answer.abstained and "angenommen mit Änderungen" in answer.text


def test_a_meetings_agenda_is_listed_from_its_items_in_order(meetings_index):
    # 20 TOPs; retrieval finds 15 of them, the answer lists all the public may read, each cited
    # where it stands: "Bericht aus nichtöffentlicher Sitzung" is closed by its title
    tops = [t for t in _agenda_list()["tops"] if t["datum"] == "2024-05-15" and t["gremium"] == "Stadtrat"]
    tops = [t for t in tops if "nichtöffentlich" not in t["titel"]]
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask("Welche Punkte standen am 15.05.2024 auf der Tagesordnung des Stadtrats?")
    lines = answer.text.splitlines()
    assert lines[0] == "Tagesordnung Stadtrat, 15.05.2024:"
    assert len(lines) == 1 + len(tops) == 1 + len(answer.citations)
    numbers = [line.split(":")[0].removeprefix("- TOP ") for line in lines[1:]]
    assert numbers[:3] == ["Ö 9", "Ö 11", "Ö 12"] and numbers[-2:] == ["Ö 23.3", "Ö 23.4"]
    assert "- TOP Ö 22: 5. Deckblatt zum Bebauungsplan Nr. 402" in answer.text
    assert "Satzungsbeschluss: mehrheitlich angenommen [" in answer.text
    assert all(c.passage.agenda_item.title in c.text for c in answer.citations)


@pytest.mark.parametrize("item", ["TOP 22", "TOP Ö 22"])
def test_one_named_item_is_answered_with_its_title_and_meeting(meetings_index, item):
    assistant = build_assistant(Settings(data_dir=meetings_index))
    answer = assistant.ask(f"Was stand am 15.05.2024 im Stadtrat unter {item} auf der Tagesordnung?")
    assert answer.text.startswith("Stadtrat, 15.05.2024, TOP Ö 22: 5. Deckblatt zum Bebauungsplan Nr. 402 –")
    assert answer.citations[0].passage.agenda_item.number == "Ö 22"
    assert "5. Deckblatt" in answer.citations[0].text


def test_the_items_of_a_meeting_rejected_are_those_of_the_party_named(tmp_path):
    # The Stadtrat of 22.09.2021 rejected three urgent motions of the Erlanger Linke (Ö 16-18)
    # and one of the Grünen (Ö 18.2); "Erlanger Linke" names the party.
    folder = _folder(tmp_path / "corpus", _part(_agenda_list(), ("2021-09-22",)))
    ingest(Settings(data_dir=tmp_path / "data"), folder, progress=False)
    assistant = build_assistant(Settings(data_dir=tmp_path / "data"))
    answer = assistant.ask(
        "Welche Dringlichkeitsanträge der Erlanger Linke hat der Stadtrat am 22. September 2021 abgelehnt?"
    )
    lines = answer.text.splitlines()
    assert lines[0] == "Stadtrat, 22.09.2021:"
    assert [line.split(":")[0] for line in lines[1:]] == ["- TOP Ö 16", "- TOP Ö 17", "- TOP Ö 18"]
    assert all("mehrheitlich abgelehnt" in c.text for c in answer.citations)
