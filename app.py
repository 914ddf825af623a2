"""`make run`: index the bundled sample corpus if the index is empty, then serve the web chat and the
HTTP API (`assistant/interfaces/http.py`) as soon as the index is searchable.

The first answer should not wait for vectors the index does not need to answer: the sample corpus
is ingested without them (its files are searchable by BM25 in seconds), the server starts, and
the vectors are computed on a background thread (`embed_pending`, which also completes an index
whose ingest was interrupted). Until they are in, `/api/health` reports "degraded" with the
vectors pending, and answers come from BM25 and the vectors already there."""

import sys
import threading
from pathlib import Path

from assistant.core.settings import Settings
from assistant.interfaces.cli import USER_ERRORS, error_message, format_report
from assistant.interfaces.http import banner, serve
from assistant.interfaces.ports import check_port
from assistant.service.council import embed_pending, index_is_empty, ingest

SAMPLE_CORPUS = Path(__file__).resolve().parent / "sample_corpus"


def main() -> int:
    settings = Settings()
    try:
        check_port(settings.ui.host, settings.ui.port)  # before the ingest, and before the banner
        if index_is_empty(settings):
            print(
                f"Der Index in {settings.data_dir} ist leer; lese die Beispieldokumente aus "
                f"{SAMPLE_CORPUS} ein (Vektoren folgen im Hintergrund)."
            )
            print(format_report(ingest(settings, SAMPLE_CORPUS, exclude=("SOURCES.md",), vectors_later=True)))
        threading.Thread(target=vectors_in_background, args=(settings,), name="vectors", daemon=True).start()
        print(banner(settings), flush=True)
        serve(settings)
    except USER_ERRORS as exc:
        print(f"Fehler: {error_message(exc)}", file=sys.stderr)
        return 1
    return 0


def vectors_in_background(settings: Settings) -> None:
    """Compute the vectors the index lacks while the server answers; says when they are done.
    A failure is reported and leaves the server answering by BM25 (health says "degraded")."""
    try:
        report = embed_pending(settings, progress=False)
    except Exception as exc:  # the server keeps running; the next start tries again
        print(f"Fehler beim Berechnen der Vektoren: {error_message(exc)}", file=sys.stderr, flush=True)
        return
    if report.embedded:
        print(f"Vektoren vollständig: {report.embedded} berechnet in {report.seconds:.0f} s.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
