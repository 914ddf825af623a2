"""What an OParl crawl did, for the German report `council ingest --oparl` prints."""

from dataclasses import dataclass, field

# OParl object types → how the report names them, in the order it lists them.
KIND_LABELS = {
    "Body": "Körperschaften",
    "Organization": "Gremien",
    "Person": "Personen",
    "Meeting": "Sitzungen",
    "Paper": "Vorlagen",
}


@dataclass
class KindCount:
    seen: int = 0
    new: int = 0
    changed: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class CrawlNote:
    what: str  # a list, or a file: "Datei 662263 „Protokoll GR 22.10.2024 TOP 14“ (URL)"
    reason: str


@dataclass
class CrawlReport:
    system: str
    run: int = 0
    resumed: bool = False  # this run continued one that was interrupted (the counts cover both)
    objects: dict[str, KindCount] = field(default_factory=dict)  # by OParl type
    lists_complete: int = 0
    lists_changes_only: int = 0  # of them, asked only for changes (modified_since, honoured by the server)
    lists_incomplete: list[CrawlNote] = field(default_factory=list)
    files_downloaded: int = 0
    files_current: int = 0  # files in the mirror that were up to date
    files_removed: int = 0  # no longer listed by any object (or the object was deleted)
    files_skipped: list[CrawlNote] = field(default_factory=list)
    files_failed: list[CrawlNote] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # mirror paths not ingested in this run
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    walk_seconds: float = 0.0  # reading the lists, in this process
    walked: int = 0  # objects read from the lists in this process

    @property
    def objects_per_second(self) -> float:
        return self.walked / self.walk_seconds if self.walk_seconds > 0 else 0.0

    @property
    def total(self) -> KindCount:
        total = KindCount()
        for c in self.objects.values():
            total.seen += c.seen
            total.new += c.new
            total.changed += c.changed
            total.deleted += c.deleted
        return total

    @property
    def failed(self) -> bool:
        return bool(self.files_failed or self.lists_incomplete)

    @classmethod
    def from_counters(cls, system: str, run: int, resumed: bool, counters: dict[str, int]) -> "CrawlReport":
        """The run's persisted counters ("Paper.new": 3, "files.downloaded": 12, …) as a report."""
        report = cls(system=system, run=run, resumed=resumed)
        for key, n in counters.items():
            kind, _, what = key.partition(".")
            if kind in KIND_LABELS:
                count = report.objects.setdefault(kind, KindCount())
                setattr(count, what, getattr(count, what) + n)
            elif key == "files.downloaded":
                report.files_downloaded = n
            elif key == "files.removed":
                report.files_removed = n
        return report
