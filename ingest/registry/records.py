"""What the registry files under an ingested folder say, as `read_registries` collects it."""

from dataclasses import dataclass, field

from assistant.core.documents import CouncilDocument, SourceRecord


@dataclass(frozen=True)
class Registry:
    """The registry metadata found under an ingested folder (see ingest/registry/__init__.py).

    `records`: described file's source (path relative to the folder, as CouncilDocument.source)
    → its record. `used` and `problems`: registry file's source → a one-line description for the
    ingest report ("OParl-Vorlage 2023/0835 (4 Dateien)"), or the reason it could not be used.
    `documents`: what a registry itself records as text, by source ("LIST#BODY DAY"): a RIS
    agenda list's meetings with their results (`ingest.registry.agenda_list`), an OParl paper's
    own record ("papers/50852.json#Vorlage 2024/0924", `ingest.registry.paper_record`)."""

    records: dict[str, SourceRecord] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    documents: dict[str, CouncilDocument] = field(default_factory=dict)
