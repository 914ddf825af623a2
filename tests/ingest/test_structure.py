"""Council metadata, agenda items and votes parsed from real documents (table-driven)."""

from datetime import date

import pytest

from assistant.core.votes import find_votes, parse_vote
from ingest.readers import read_pages
from ingest.sections import section_text
from ingest.structure import build_document, parse_date
from tests.conftest import (
    CORPUS,
    ERLANGEN_NIEDERSCHRIFT,
    ERLANGEN_SATZUNG_2026,
    KARLSRUHE_TOP14,
    KENT_FEB,
    METTMANN,
)

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
    # a statute's current version: "vom 20.02.2020 i. d. F. vom 26.02.2026", and its first one
    (ERLANGEN_SATZUNG_2026, None, "2026-02-26", None, None),
    ("erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2020.pdf", None, "2020-02-20", None, None),
    # minutes that approve the previous meeting's ("Minutes of the meeting held on 29 October
    # 2024"), and an agenda that puts them on its list: each dated by its own meeting
    (
        "kent-county-council/full_council/2025-03-13/originals/CPP Minutes 10.12.24.pdf",
        None,
        "2024-12-10",
        None,
        None,
    ),
    (
        "kent-county-council/cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf",
        "Cabinet",  # "AGENDA / CABINET" heads the front sheet
        "2025-01-30",
        None,
        None,
    ),
]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "committee", "meeting_date", "vorlage", "subject"), CASES, ids=[c[0] for c in CASES]
)
def test_document_metadata(source, committee, meeting_date, vorlage, subject):
    pages, warnings = read_pages(CORPUS / source, 2**30)
    doc = build_document(source, pages, warnings)
    assert (doc.committee, doc.meeting_date, doc.vorlage, doc.subject) == (
        committee,
        meeting_date and date.fromisoformat(meeting_date),
        vorlage,
        subject,
    )
    assert doc.title


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("karlsruhe-oparl/docs/file-contents/660300.txt", "Anfrage"),
        ("karlsruhe-oparl/docs/file-contents/649280.txt", "Antrag"),
        ("karlsruhe-oparl/docs/file-contents/660212.txt", "Beschlussvorlage"),
    ],
)
def test_a_vorlage_is_titled_by_its_type_and_never_by_the_printers_note_or_a_header_field(source, title):
    """Karlsruhe's Vorlagen open with their type, a printer's note ("Gedruckt auf 100 Prozent
    Recyclingpapier"), "Vorlage Nr.: …" and fields such as "Verantwortlich: Dez. 4": the note is
    no title, and a field no subject. A council member reads both in every citation."""
    pages, warnings = read_pages(CORPUS / source, 2**30)
    doc = build_document(source, pages, warnings)
    assert doc.title == title
    assert not (doc.subject or "").startswith(("Verantwortlich", "Dienststelle", "Eingang"))


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "title"),
    [
        (
            "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2026.pdf",
            "Satzung der Stadt Erlangen über Orts- und Stadtteilbeiräte",
        ),
        (
            "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_plan_2026.pdf",
            "Anlage zu § 1 der Satzung der Stadt Erlangen über Orts- und Stadtteilbeiräte",
        ),
        # a short type heading does not displace a file name that says more
        (
            "kreis-mettmann/Beratungsergebnis_50-004-2021_Sozialausschuss_2021-02-08_TOP10.txt",
            "Beratungsergebnis 50-004-2021 Sozialausschuss 2021-02-08 TOP10",
        ),
    ],
)
def test_a_document_is_titled_by_the_full_title_it_opens_with_not_by_its_file_name(source, title):
    """A statute whose file is named "ortsbeiraete_140_00_satzung_2026.pdf" opens with its title,
    wrapped over two lines: that is what a citation shows and what its passages are found by."""
    pages, warnings = read_pages(CORPUS / source, 2**30)
    assert build_document(source, pages, warnings).title == title


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Sozialausschuss am 08.02.2021", "2021-02-08"),
        ("Erlangen, 20. Juli 2021\nBesprechung am: 08. Juli 2021", "2021-07-08"),
        ("meeting held on Thursday, 13th February, 2025", "2025-02-13"),
        ("WAS HELD THIS 12TH DAY OF JANUARY, 2011 AT 9:30 A.M.", "2011-01-12"),
        # a publication's masthead, in words (Cleveland's City Record)
        ("The City Record\nJune the Tenth, Nineteen Hundred and Ninety-Eight\nMayor", "1998-06-10"),
        ("April the Twenty-Seventh, Two Thousand and Sixteen", "2016-04-27"),
        ("June the Thirty-First, Two Thousand and Four", None),
        ("Sitzung vom 31.02.2021", None),
        ("kein Datum", None),
    ],
)
def test_dates(text, iso):
    assert parse_date(text) == (iso and date.fromisoformat(iso))


def test_an_issue_of_the_city_record_is_dated_by_its_masthead():
    """The City Record prints its date in words only ("June the Tenth, Nineteen Hundred and
    Ninety-Eight"); undated, its issues could not be told apart by a question's "June 1998"."""
    source = "cleveland-city-record/1998/1998-06-10.txt"
    pages, warnings = read_pages(CORPUS / source, 2**30)
    assert build_document(source, pages, warnings).meeting_date == date(1998, 6, 10)


# --- document type, agenda items, votes ------------------------------------------------------

KARLSRUHE_TOP5 = "karlsruhe-oparl/docs/file-contents/662252.txt"
KARLSRUHE_TOP9 = "karlsruhe-oparl/docs/file-contents/662256.txt"
KENT_CABINET_JAN = (
    "kent-county-council/cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
)
ERLANGEN_NOV_2023 = (
    "erlangen-sbr-buechenbach/SBR/2023-11-15_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf"
)
PORTLAND = "portland-council-minutes/tests/resources/2011-1-19raw.txt"
CLEVELAND_2016 = "cleveland-city-record/2016/2016-04-27.txt"
KENT_COUNCIL = "kent-county-council/full_council"

DOC_TYPES = [
    (METTMANN, "Beratungsergebnis"),
    (KARLSRUHE_TOP14, "Niederschrift"),
    ("karlsruhe-oparl/docs/file-contents/660638.txt", "Vorlage"),  # Beschlussvorlage 2024/0868
    ("karlsruhe-oparl/docs/file-contents/660540.txt", "Vorlage"),  # Informationsvorlage
    ("karlsruhe-oparl/docs/file-contents/649280.txt", "Antrag"),
    ("karlsruhe-oparl/docs/file-contents/661395.txt", "Antrag"),  # Änderungsantrag
    ("karlsruhe-oparl/docs/file-contents/649426.txt", "Stellungnahme"),  # "Stellungnahme zum Antrag"
    ("karlsruhe-oparl/docs/file-contents/660300.txt", "Anfrage"),
    ("karlsruhe-oparl/docs/file-contents/661277.txt", "Anlage"),  # "Anlage 2 zur Vorlage 2024/0852"
    (ERLANGEN_NIEDERSCHRIFT, "Niederschrift"),
    ("erlangen-sbr-buechenbach/SBR/2023-11-15_Einladung_Einladung_2_Sitzung_Buechenbach.pdf", "Einladung"),
    (
        "erlangen-sbr-buechenbach/SBR/2022-11-17_Anhang_Praesentation_STBR_Buechenbach_OeffentlicheSitzung.pdf",
        "Anlage",
    ),
    (ERLANGEN_SATZUNG_2026, "Satzung"),
    (
        "erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_plan_2026.pdf",
        "Anlage",
    ),  # Anlage zu § 1 der Satzung
    (
        "erlangen-sbr-buechenbach/SBR/Anträge_Übersicht/STBR_Büchenbach_Antrag_BüchenbacherAnlage_Final.pdf",
        "Antrag",
    ),
    (
        "erlangen-sbr-buechenbach/SBR/Anträge_Übersicht/2024_März_Stellungnahme_Sportfläche_Holzweg-Adenauerring.pdf",
        "Stellungnahme",
    ),
    (KENT_FEB, "minutes"),
    (
        f"{KENT_COUNCIL}/2025-02-13/originals/Agenda frontsheet 13th-Feb-2025 09.30 County Council.pdf",
        "agenda",
    ),
    ("kent-county-council/full_council/2025-02-13/originals/section 25 statement - FINAL.pdf", "report"),
    (
        f"{KENT_COUNCIL}/2025-03-13/originals/Questions put and answers given - March 2025.pdf",
        "questions",
    ),
    (
        f"{KENT_COUNCIL}/2025-02-13/originals/3 - Amendment - Liberal Democrats - LEVI capital funding.pdf",
        "motion",
    ),
    (PORTLAND, "minutes"),
    (CLEVELAND_2016, "minutes"),
]


def _document(source):
    pages, warnings = read_pages(CORPUS / source, 200 * 2**20)
    return build_document(source, pages, warnings)


@pytest.mark.shared
@pytest.mark.parametrize(("source", "doc_type"), DOC_TYPES, ids=[c[0][-50:] for c in DOC_TYPES])
def test_document_type(source, doc_type):
    assert _document(source).doc_type == doc_type


# file, committee, meeting date, agenda item numbers in text order
AGENDA = [
    (METTMANN, "Sozialausschuss", "2021-02-08", ["10"]),
    (KARLSRUHE_TOP14, "Gemeinderat", "2024-10-22", ["14"]),  # 14.1–14.3 are part of TOP 14's heading block
    (KARLSRUHE_TOP5, "Gemeinderat", "2024-10-22", ["5"]),
    (KARLSRUHE_TOP9, "Gemeinderat", "2024-10-22", ["9.1, 9.2, 9.3"]),  # treated jointly
    (ERLANGEN_NIEDERSCHRIFT, "Stadtteilbeirat Büchenbach", "2021-07-08", ["1", "2", "3", "4", "5", "6"]),
    (ERLANGEN_NOV_2023, "Stadtteilbeirat Büchenbach", "2023-11-15", ["1", "2 und 3", "4", "5", "6"]),
    (
        "erlangen-sbr-buechenbach/SBR/2023-11-15_Einladung_Einladung_2_Sitzung_Buechenbach.pdf",
        "Stadtteilbeirat Büchenbach",
        "2023-11-15",
        [],
    ),
    (KENT_FEB, "County Council", "2025-02-13", ["1", "2", "3", "4", "5", "6"]),
    (KENT_CABINET_JAN, "Cabinet", "2025-01-30", ["1", "2", "3", "4", "5", "6", "7", "8", "9"]),
    (PORTLAND, "Council of the City of Portland", "2011-01-12", [str(n) for n in range(38, 62)]),
]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "committee", "meeting_date", "numbers"), AGENDA, ids=[c[0][-50:] for c in AGENDA]
)
def test_agenda_items(source, committee, meeting_date, numbers):
    doc = _document(source)
    assert (doc.committee, doc.meeting_date) == (committee, meeting_date and date.fromisoformat(meeting_date))
    assert [s.item.number for s in doc.sections if s.item] == numbers
    if numbers:
        # the head before the first item is a section of its own, and sections are in text order
        assert doc.sections[0].item is None
        positions = [(s.page_index, s.start) for s in doc.sections]
        assert positions == sorted(positions) and len(set(positions)) == len(positions)


def _section(doc, number):
    return next(s for s in doc.sections if s.item and s.item.number == number)


# file, item number, outcome, yes, no, abstain, unanimous, start of the decision (None: none printed)
VOTES = [
    (METTMANN, "10", "noted", None, None, None, False, "Die Ausschussmitglieder nehmen die Inhalte"),
    (
        KARLSRUHE_TOP14,
        "14",
        "approved",
        25,
        22,
        None,
        False,
        "Der Gemeinderat nimmt von den Ausführungen Kenntnis",
    ),
    (KARLSRUHE_TOP5, "5", "approved", 43, None, 2, True, "Der Gemeinderat wählt auf Vorschlag"),
    (
        KARLSRUHE_TOP9,
        "9.1, 9.2, 9.3",
        "approved",
        46,
        None,
        None,
        True,
        "Punkt 9.1: Der Gemeinderat beschließt",
    ),
    (
        "karlsruhe-oparl/docs/file-contents/662107.txt",
        "24",
        "referred",
        None,
        None,
        None,
        False,
        "Beratung im Ausschuss",
    ),
    (ERLANGEN_NIEDERSCHRIFT, "2", "noted", None, None, None, False, "keiner, nur Kenntnisnahme"),
    (KENT_FEB, "5", "approved", 57, 0, 2, False, "RESOLVED that pursuant to section 25"),
    (
        KENT_FEB,
        "6",
        "approved",
        41,
        10,
        7,
        False,
        "RESOLVED that",
    ),  # the substantive motion, not the lost amendments
    (KENT_FEB, "3", "approved", None, None, None, False, "RESOLVED that the minutes"),
    (PORTLAND, "41", "approved", 5, 0, None, False, None),
    (PORTLAND, "45", "deferred", None, None, None, False, None),  # passed to second reading
    (PORTLAND, "47", "referred", None, None, None, False, None),
    (PORTLAND, "38", "noted", None, None, None, False, None),  # placed on file
    (CLEVELAND_2016, "513-16", "approved", 15, 0, None, False, None),
]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("source", "number", "outcome", "yes", "no", "abstain", "unanimous", "decision"),
    VOTES,
    ids=[f"{c[0][-30:]}-{c[1]}" for c in VOTES],
)
def test_votes_and_decisions(source, number, outcome, yes, no, abstain, unanimous, decision):
    section = _section(_document(source), number)
    assert section.vote is not None
    vote = section.vote
    assert (vote.outcome, vote.yes, vote.no, vote.abstain, vote.unanimous) == (
        outcome,
        yes,
        no,
        abstain,
        unanimous,
    )
    if decision is None:
        assert section.decision is None
    else:
        assert section.decision is not None and section.decision.startswith(decision)
        assert len(section.decision) <= 302


@pytest.mark.shared
def test_kent_amendment_votes_are_parsed_with_their_counts():
    """The lost Labour amendment of 13 Feb 2025: For (12) … Against (42) … Abstain (7), names between."""
    doc = _document(KENT_FEB)
    text = section_text(doc.pages, doc.sections, doc.sections.index(_section(doc, "6")))
    lost = [f.vote for f in find_votes(text) if f.vote.outcome == "rejected"]
    assert (lost[0].yes, lost[0].no, lost[0].abstain) == (12, 42, 7)
    assert lost[0].text.endswith("Amendment lost")


@pytest.mark.parametrize(
    ("text", "outcome", "yes", "no", "abstain", "unanimous"),
    [
        (
            "Abstimmungsergebnis:\nEinstimmige Zustimmung (43 Ja, 2 Enthaltungen)",
            "approved",
            43,
            None,
            2,
            True,
        ),
        ("TOP 14.1 mehrheitliche Ablehnung (5 Ja, 42 Nein)", "rejected", 5, 42, None, False),
        ("Mehrheitliche Zustimmung (43 JA-Stimmen, 5 Nein-Stimmen)", "approved", 43, 5, None, False),
        ("Ziffer 2: einstimmige Zustimmung (geänderter Text) (45 Ja)", "approved", 45, None, None, True),
        ("wird modifiziert nochmals gestellt (Abstimmung 9:0 Stimmen ).", "approved", 9, 0, None, False),
        ("Der Stadtteilbeirat stellt mit 8 zu 0 Stimmen folgenden Antrag:", "approved", 8, 0, None, False),
        ("Abstimmung: Antrag wurde einstimmig angenommen.", "approved", None, None, None, True),
        (
            "Der Stadtteilbeirat Büchenbach spricht sich mit 8 Stimmen einstimmig für die 3 Projekte aus.",
            "approved",
            8,
            None,
            None,
            True,
        ),
        ("Abstimmungsergebnis: zur Kenntnis genommen", "noted", None, None, None, False),
        (
            "Abstimmungsergebnis:\nTOP 16: Mehrheitliche Zustimmung\nTOP 16.1: vertagt",
            "approved",
            None,
            None,
            None,
            False,
        ),
        ("TOP 16.1: vertagt", "deferred", None, None, None, False),
        (
            "Beschluss:\nBeratung im Haupt- und Finanzausschuss am 5. November 2024\n\n"
            "Abstimmungsergebnis:\nKeine Abstimmung",
            "referred",
            None,
            None,
            None,
            False,
        ),
        (
            "For (39)\nMr A, Mr B\nAgainst (19)\nMr C\nAbstain (1)\nMr D\nSubstantive Motion carried.",
            "approved",
            39,
            19,
            1,
            False,
        ),
        ("The amendment was lost.", "rejected", None, None, None, False),
        ("(Ordinance)  (Y-5) 184349", "approved", 5, 0, None, False),
        ("(Y-5)  SUBSTITUTE PASSED TO  SECOND READING JANUARY 19, 2011", "deferred", 5, 0, None, False),
        (
            "The rules were suspended. Yeas\n15. Nays 0. Read second time. Read\n"
            "third time in full. Passed. Yeas\n15. Nays 0.",
            "approved",
            15,
            0,
            None,
            False,
        ),
        ("Read first time. Referred to Committee on Finance.", "referred", None, None, None, False),
    ],
)
def test_parse_vote(text, outcome, yes, no, abstain, unanimous):
    vote = parse_vote(text)
    assert vote is not None
    assert (vote.outcome, vote.yes, vote.no, vote.abstain, vote.unanimous) == (
        outcome,
        yes,
        no,
        abstain,
        unanimous,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Abstimmungsergebnis:\nKeine Abstimmung",
        "Der Vorsitzende ruft Tagesordnungspunkt 6 zur Behandlung auf.",
        "",
    ],
)
def test_no_vote(text):
    assert parse_vote(text) is None
