"""A council's Ratsinformationssystem read through its OParl API: mirrored into a folder of OParl
JSON and files (`sync.py`), with a polite HTTP client (`client.py`) and a crawl state that
survives interruption (`state.py`). The mirror is then ingested as any folder is, so the
registry reader gives crawled documents the same metadata as a folder of the same files."""

from ingest.crawl.client import ClientOptions, FetchError
from ingest.crawl.report import KIND_LABELS, CrawlNote, CrawlReport, KindCount
from ingest.crawl.sync import CrawlOptions, OParlError, crawl, finish, locked, mirror_name

__all__ = [
    "KIND_LABELS",
    "ClientOptions",
    "CrawlNote",
    "CrawlOptions",
    "CrawlReport",
    "FetchError",
    "KindCount",
    "OParlError",
    "crawl",
    "finish",
    "locked",
    "mirror_name",
]
