"""`make run`: index the bundled sample corpus if the index is empty, then serve the web chat and the
HTTP API (`assistant/web.py`)."""

import sys
from pathlib import Path

from assistant.api import index_is_empty, ingest
from assistant.cli import format_report
from assistant.settings import Settings
from assistant.web import banner, serve

SAMPLE_CORPUS = Path(__file__).resolve().parent / "sample_corpus"


def main() -> int:
    settings = Settings()
    if index_is_empty(settings):
        print(
            f"Der Index in {settings.data_dir} ist leer; lese die Beispieldokumente aus {SAMPLE_CORPUS} ein."
        )
        print(format_report(ingest(settings, SAMPLE_CORPUS, exclude=("SOURCES.md",))))
    print(banner(settings), flush=True)
    serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
