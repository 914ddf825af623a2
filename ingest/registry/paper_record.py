"""An OParl paper (Vorlage) → one document: what the registry records of the paper itself.

A paper JSON names the paper's type, number, date and title, each of its files (the Vorlage, its
Anlagen, the Stellungnahme, the protocols of the meetings that heard it) and its Beratungsfolge.
The files' texts are documents of their own; the paper's record is not in any of them, yet it is
what a council member asks about a Vorlage: which Anlagen it has, when it was filed, where it was
heard. Written so that each paragraph reads on its own when quoted:
    Beschlussvorlage 2024/0924 vom 16.08.2024: Vorentwurf Fortschreibung Lärmaktionsplan 4. Stufe

    Dokumente und Anlagen zu Beschlussvorlage 2024/0924 (Vorentwurf Fortschreibung …):
    - Anlage 1 Überprüfung Tempolimits (20.09.2024)
    - Protokoll GR 22.10.2024 TOP 17 (31.10.2024)

    Beratungsfolge zu Beschlussvorlage 2024/0924 (Vorentwurf Fortschreibung …):
    - Ausschuss für Umwelt und Gesundheit 15.10.2024 (Vorberatung), TOP 2
    - Gemeinderat 22.10.2024 (Entscheidung), TOP 17
Its source is the paper JSON and the paper ("papers/50852.json#Vorlage 2024/0924",
`recorded_source`); citations name the JSON file.
"""

from dataclasses import replace
from datetime import date

from assistant.core.access import PUBLIC
from assistant.core.dates import german
from assistant.core.doc_types import doc_type_for
from assistant.core.documents import Consultation, CouncilDocument, Page, SourceRecord, recorded_source


def paper_source(registry_file: str, reference: str) -> str:
    """Where a paper's own record is stored: "papers/50852.json#Vorlage 2024/0924"."""
    return recorded_source(registry_file, f"Vorlage {reference}")


def paper_document(
    source: str, record: SourceRecord, files: list[tuple[str, date | None]]
) -> CouncilDocument:
    """The document of the paper that `record` describes, stored as `source`, with its files as
    (registry name, date) in the registry's order; steps of the Beratungsfolge that name no body
    and no day ("Vorberatung") are left out."""
    number = record.paper_reference or ""
    kind = record.paper_type or "Vorlage"
    dated = f"vom {german(record.paper_date)}" if record.paper_date else ""
    head = " ".join(x for x in (kind, number, dated) if x)
    paragraphs = [f"{head}: {record.paper_title}" if record.paper_title else head]
    # Each paragraph names the paper, so that it reads on its own when quoted.
    of = " ".join(x for x in (kind, number, f"({record.paper_title})" if record.paper_title else "") if x)
    if files:
        lines = [f"- {name} ({german(day)})" if day else f"- {name}" for name, day in files]
        paragraphs.append("\n".join([f"Dokumente und Anlagen zu {of}:", *lines]))
    steps = [f"- {_step(c)}" for c in record.consultations if c.body or c.meeting_date]
    if steps:
        paragraphs.append("\n".join([f"Beratungsfolge zu {of}:", *steps]))
    doc_type = doc_type_for(record.paper_type) or "Vorlage"
    return CouncilDocument(
        source=source,
        title=f"{kind} {number}".strip(),
        committee=record.body,
        meeting_date=None,  # a paper is dated by itself, and heard in several meetings
        vorlage=record.paper_reference,
        subject=record.paper_title,
        pages=[Page(None, "\n\n".join(paragraphs))],
        doc_type=doc_type,
        # Its text holds the Beratungsfolge; the paper's files carry it as data
        # (`Catalog.consultations`), so that "Was ist aus der Vorlage geworden?" cites them.
        record=replace(record, doc_type=doc_type, file_name=None, consultations=()),
        access=record.access or PUBLIC,
    )


def _step(c: Consultation) -> str:
    """ "Gemeinderat 22.10.2024 (Entscheidung), TOP 17". Not its result: the protocol records the
    vote with its counts, and the registry's "mehrheitlich zugestimmt" would stand in for it."""
    return f"{c.label()}, TOP {c.agenda_item.number}" if c.agenda_item is not None else c.label()
