"""The web chat's port, checked before anything is printed or loaded: a port another program holds
is one German line that names the fix, not uvicorn's English log line and a traceback.

Kept apart from `http.py` so that the CLI can catch `PortInUse` without importing Gradio."""

import errno
import socket


class PortInUse(RuntimeError):
    """`ui.host:ui.port` cannot be opened; the message says which port to choose instead."""

    def __init__(self, host: str, port: int, exc: OSError):
        if exc.errno == errno.EADDRINUSE:
            what = "ist belegt"
        else:
            what = f"lässt sich nicht öffnen ({exc.strerror or exc})"
        super().__init__(
            f"Port {port} auf {host} {what}. Anderen Port wählen: council serve --port {port + 1} "
            "(oder COUNCIL_UI__PORT)."
        )


def bind_port(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host:port` as uvicorn binds one (SO_REUSEADDR, IPv6 where the host
    has a colon), not yet listening. Raises `PortInUse`."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortInUse(host, port, exc) from None
    return sock


def check_port(host: str, port: int) -> None:
    """Raise `PortInUse` unless `host:port` can be bound now (the socket is closed again)."""
    bind_port(host, port).close()
