"""`make run`: index the bundled sample corpus if the index is empty, then serve the web chat and the
HTTP API (`assistant/interfaces/http.py`)."""

import sys
from pathlib import Path

from assistant.core.settings import Settings
from assistant.interfaces.cli import USER_ERRORS, error_message, format_report
from assistant.interfaces.http import banner, serve
from assistant.interfaces.ports import check_port
from assistant.service.council import index_is_empty, ingest

SAMPLE_CORPUS = Path(__file__).resolve().parent / "sample_corpus"


def main() -> int:
    settings = Settings()
    try:
        check_port(settings.ui.host, settings.ui.port)  # before minutes of ingest, and before the banner
        if index_is_empty(settings):
            print(
                f"Der Index in {settings.data_dir} ist leer; lese die Beispieldokumente aus "
                f"{SAMPLE_CORPUS} ein."
            )
            print(format_report(ingest(settings, SAMPLE_CORPUS, exclude=("SOURCES.md",))))
        print(banner(settings), flush=True)
        serve(settings)
    except USER_ERRORS as exc:
        print(f"Fehler: {error_message(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
