"""The document type of a council file, read from the name a registry gives it.

A Karlsruhe paper lists its files as "Beschlussvorlage", "Stellungnahme Antrag",
"Protokoll GR 22.10.2024 TOP 22", "Anlage 2 Synopse"; the Erlangen RIS index files them under a
category ("Niederschrift", "Anhang"). Both map onto the labels the rest of the ingest uses.
"""

import re

# The labels CouncilDocument.doc_type uses for German documents.
DOC_TYPES = (
    "Niederschrift",
    "Beratungsergebnis",
    "Vorlage",
    "Antrag",
    "Anfrage",
    "Stellungnahme",
    "Satzung",
    "Einladung",
    "Anlage",
)

# Files that record a meeting (rather than a paper put before it): their registry date is the
# meeting's date.
MEETING_DOC_TYPES = frozenset({"Niederschrift", "Beratungsergebnis", "Einladung"})

# First match wins, so the order decides names that hold two words: "Stellungnahme Antrag" is a
# Stellungnahme, "Anlage 1 Richtlinien" an Anlage, "Protokoll GR … TOP 22" a Niederschrift even
# when the TOP is an Antrag. "TOP 14.2 Ziffer 1" is how Karlsruhe names a vote-result sheet.
_RULES = [
    (re.compile(r"protokoll|niederschrift", re.I), "Niederschrift"),
    (re.compile(r"abstimmungsergebnis|beratungsergebnis|^top\s*\d", re.I), "Beratungsergebnis"),
    (re.compile(r"stellungnahme", re.I), "Stellungnahme"),
    (re.compile(r"tagesordnung|einladung", re.I), "Einladung"),
    (re.compile(r"^(?:anlage|anhang)|präsentation|praesentation", re.I), "Anlage"),
    (re.compile(r"^satzung", re.I), "Satzung"),
    (re.compile(r"vorlage", re.I), "Vorlage"),
    (re.compile(r"antrag", re.I), "Antrag"),
    (re.compile(r"anfrage", re.I), "Anfrage"),
]


def doc_type_for(name: str | None) -> str | None:
    """The label for a registry's file name or category; None where the name says none.

    >>> doc_type_for("Stellungnahme Antrag"), doc_type_for("Protokoll GR 22.10.2024 TOP 22")
    ('Stellungnahme', 'Niederschrift')
    >>> doc_type_for("Änderungs-/Ergänzungsantrag"), doc_type_for("Förderrichtlinie")
    ('Antrag', None)
    """
    if not name:
        return None
    for pattern, label in _RULES:
        if pattern.search(name.strip()):
            return label
    return None
