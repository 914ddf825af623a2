"""The combined server (web chat at "/", HTTP API under /api) on a free loopback port, for the
test modules that talk to it over a real socket."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings, UISettings
from assistant.interfaces.http import serve
from tests.conftest import free_port


@contextmanager
def running(data_dir: Path, **ui: Any) -> Iterator[str]:
    """The base URL ("http://127.0.0.1:PORT/") of a server over `data_dir`, stopped afterwards;
    `ui` sets other `UISettings` (rate_limit_per_minute=3)."""
    port = free_port()
    server = serve(Settings(data_dir=data_dir, ui=UISettings(port=port, **ui)), prevent_thread_lock=True)
    try:
        yield server.url
    finally:
        server.close()
