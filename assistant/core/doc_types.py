"""The document types of council files: one vocabulary that ingest (a document's title lines and
file name, a registry's file names), question filters ("laut Niederschrift"), the catalog
(which files date a committee's meetings) and the answerer (where decisions are recorded) read.

A Karlsruhe paper lists its files as "Beschlussvorlage", "Stellungnahme Antrag",
"Protokoll GR 22.10.2024 TOP 22", "Anlage 2 Synopse"; the Erlangen RIS index files them under a
category ("Niederschrift", "Anhang"); a Kent file is "Printed minutes 13th-Feb-2025". All map
onto the labels below.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    label: str  # what CouncilDocument.doc_type holds
    in_text: str  # regex: how a document's title lines or its file name name the type
    in_registry: str | None = None  # regex (no case): how a registry's file name or category names it
    in_question: str | None = None  # regex: how a question names it after "laut", "in der" …
    meeting: bool = False  # a file of the meeting itself (not a paper put before it): dated by it
    decisions: bool = False  # records what was decided


# German types are capitalised nouns; English ones are matched without case ("MINUTES of a
# meeting", "Printed minutes"). In a registry's name the first type in this order wins, so the
# order decides names that hold two words: "Stellungnahme Antrag" is a Stellungnahme, "Anlage 1
# Richtlinien" an Anlage, "Protokoll GR … TOP 22" a Niederschrift even when the TOP is an
# Antrag; "TOP 14.2 Ziffer 1" is how Karlsruhe names a vote-result sheet. In a text the earliest
# type word wins ("Stellungnahme zum Antrag").
DOC_TYPES = (
    DocType(
        "Niederschrift",
        r"Niederschrift|Protokoll|Sitzungsprotokoll",
        r"protokoll|niederschrift",
        r"Niederschrift(?:en)?|(?:Sitzungs)?[Pp]rotokoll(?:s|en|e)?",
        meeting=True,
        decisions=True,
    ),
    DocType(
        "Beratungsergebnis",
        r"Beratungsergebnis",
        r"abstimmungsergebnis|beratungsergebnis|^top\s*\d",
        r"Beratungsergebnis(?:ses)?",
        meeting=True,
        decisions=True,
    ),
    DocType("Stellungnahme", r"Stellungnahme", r"stellungnahme", r"Stellungnahme"),
    DocType(
        "Einladung",
        r"Einladung|Tagesordnung\b",
        r"tagesordnung|einladung",
        r"Einladung|Tagesordnung",
        meeting=True,
    ),
    DocType("Anlage", r"Anlage|Anhang|Präsentation", r"^(?:anlage|anhang)|präsentation|praesentation"),
    DocType("Satzung", r"Satzung\b", r"^satzung"),
    DocType(
        "Vorlage",
        r"Beschlussvorlage|Informationsvorlage|Vorlage\b(?!\s*(?:Nr|:))",
        r"vorlage",
        r"(?:Beschluss|Informations)?[Vv]orlage",
    ),
    DocType(
        "Antrag", r"(?:Interfraktioneller\s+)?(?:Änderungs|Ergänzungs|Dringlichkeits)?[Aa]ntrag\b", r"antrag"
    ),
    DocType("Anfrage", r"Anfrage\b", r"anfrage", r"Anfrage"),
    DocType(
        "minutes", r"(?i:minutes\b|the city record\b)", in_question="minutes", meeting=True, decisions=True
    ),
    DocType("agenda", r"(?i:agenda\b|summons\b)", in_question="agenda", meeting=True),
    DocType("questions", r"(?i:questions?\b(?:\s+\d+|\s+put|\s+by))"),
    DocType("motion", r"(?i:(?:budget\s+)?amendment\b|motion\b)"),
    DocType("report", r"(?i:report\b|appendix\b|statement\b)"),
)
# Files of a meeting: their registry date is the meeting's, and the latest of them dates a
# committee's latest meeting.
MEETING_RECORDS = frozenset(t.label for t in DOC_TYPES if t.meeting)
# Papers in which a political group asks or moves (an Antrag, an Anfrage, a motion): the
# administration's answer to them stands in its own papers.
REQUESTS = frozenset({"Antrag", "Anfrage", "motion"})
# Where what a body decided is recorded (rather than proposed).
DECISION_RECORDS = frozenset(t.label for t in DOC_TYPES if t.decisions)
# Files of a meeting that only announce what it will take up: they never record a decision.
ANNOUNCEMENTS = MEETING_RECORDS - DECISION_RECORDS

_IN_TEXT = re.compile("|".join(rf"(?P<t{i}>\b(?:{t.in_text}))" for i, t in enumerate(DOC_TYPES)))
_IN_REGISTRY = [(re.compile(t.in_registry, re.I), t.label) for t in DOC_TYPES if t.in_registry]
_IN_QUESTION = [(t.in_question, t.label) for t in DOC_TYPES if t.in_question]
# A type named after "laut", "in der", "according to the" …: the document the question cites.
QUESTION_TYPE_MARKER = re.compile(
    r"\b(?i:laut|lt\.|gemäß|in|im|aus)\s+(?:de[rmn]|einer|einem)?\s*("
    + "|".join(p for p, _ in _IN_QUESTION)
    + r")\b"
    r"|\b(?i:according\s+to|in|from)\s+the\s+((?i:minutes|agenda))\b"
)


def type_named_in(text: str) -> str | None:
    """The type whose word stands first in `text` (a document's title lines or file name).

    >>> type_named_in("Stellungnahme zum Antrag"), type_named_in("Printed minutes 13th-Feb-2025")
    ('Stellungnahme', 'minutes')
    """
    m = _IN_TEXT.search(text)
    if not m:
        return None
    return next(DOC_TYPES[int(k[1:])].label for k, v in m.groupdict().items() if v is not None)


def doc_type_for(name: str | None) -> str | None:
    """The label for a registry's file name or category; None where the name says none.

    >>> doc_type_for("Stellungnahme Antrag"), doc_type_for("Protokoll GR 22.10.2024 TOP 22")
    ('Stellungnahme', 'Niederschrift')
    >>> doc_type_for("Änderungs-/Ergänzungsantrag"), doc_type_for("Förderrichtlinie")
    ('Antrag', None)
    """
    if not name:
        return None
    return next((label for pattern, label in _IN_REGISTRY if pattern.search(name.strip())), None)


def asked_type(word: str) -> str:
    """The label of a type word that `QUESTION_TYPE_MARKER` found in a question.

    >>> asked_type("Protokolls"), asked_type("Minutes")
    ('Niederschrift', 'minutes')
    """
    return next(label for pattern, label in _IN_QUESTION if re.fullmatch(pattern, word, re.I))
