"""A polite HTTP client for a council's OParl API: one shared connection pool, at most
`concurrency` requests at a time, a timeout on every request, and retries with exponential
backoff (tenacity) where a retry can help: 429 and 5xx answers, timeouts, refused or broken
connections. A 429's or 503's Retry-After is honoured. Every request names the assistant in its
User-Agent, so that the council's IT can tell who is reading and ask.

Failures that stay after the retries become a `FetchError` whose reason is German and says what
happened, for the crawl report: "HTTP 500 (5 Versuche)", "keine Antwort nach 60 s (5 Versuche)".
"""

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

log = logging.getLogger(__name__)

MAX_RETRY_AFTER_S = 300.0  # a server asking for a longer pause is waited for this long, then asked again


@dataclass(frozen=True)
class ClientOptions:
    user_agent: str
    concurrency: int = 4
    timeout_s: float = 60.0
    retries: int = 4
    backoff_s: float = 2.0
    max_file_bytes: int = 100 * 2**20


class FetchError(Exception):
    """A request that failed for good; `reason` is German, for the report."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Downloaded:
    """A file fetched into `path` (a temporary name beside its final one)."""

    path: Path
    size: int
    sha256: str
    content_type: str | None


class _TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


class OParlClient:
    def __init__(self, options: ClientOptions, transport: httpx.BaseTransport | None = None) -> None:
        self.options = options
        self._http = httpx.Client(
            timeout=httpx.Timeout(options.timeout_s),
            headers={"User-Agent": options.user_agent, "Accept": "application/json"},
            follow_redirects=True,
            limits=httpx.Limits(max_connections=options.concurrency),
            transport=transport,
        )
        self._slots = threading.BoundedSemaphore(options.concurrency)
        self._lock = threading.Lock()
        self.requests = 0  # requests sent, retries among them
        self.retries = 0

    def close(self) -> None:
        self._http.close()

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        """The JSON `url` answers with; `FetchError` where it answers with none after the retries."""
        attempts = 0
        try:
            for attempt in self._retrying():
                with attempt:
                    attempts += 1
                    with self._slots:
                        self._count()
                        response = self._http.get(url, params=params)
                    response.raise_for_status()
                    return response.json()
        except ValueError as exc:  # json.JSONDecodeError
            raise FetchError(url, f"Antwort ist kein JSON ({exc})") from exc
        except (httpx.HTTPError, OSError) as exc:
            raise FetchError(url, self._reason(exc, attempts)) from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def download(self, url: str, dest: Path) -> Downloaded:
        """Stream `url` into `dest` (its directory must exist), at most `max_file_bytes`.
        `dest` is written from the start on each attempt and fsynced; renaming it into place is
        the caller's (a crash leaves at most this temporary file, which the next run deletes)."""
        limit = self.options.max_file_bytes
        attempts = 0
        try:
            for attempt in self._retrying():
                with attempt:
                    attempts += 1
                    with self._slots, self._http.stream("GET", url) as response:
                        self._count()
                        response.raise_for_status()
                        length = response.headers.get("content-length")
                        if length and length.isdigit() and int(length) > limit:
                            raise _TooLarge(int(length))
                        digest, size = hashlib.sha256(), 0
                        with dest.open("wb") as out:
                            for chunk in response.iter_bytes():
                                size += len(chunk)
                                if size > limit:
                                    raise _TooLarge(None)
                                out.write(chunk)
                                digest.update(chunk)
                            out.flush()
                            os.fsync(out.fileno())
                        return Downloaded(
                            dest, size, digest.hexdigest(), response.headers.get("content-type")
                        )
        except _TooLarge as exc:
            dest.unlink(missing_ok=True)
            mb = f"{exc.size / 2**20:.0f} MB, " if exc.size else ""
            raise FetchError(url, f"zu groß ({mb}höchstens {limit / 2**20:g} MB: oparl.max_file_mb)") from exc
        except (httpx.HTTPError, OSError) as exc:
            dest.unlink(missing_ok=True)
            raise FetchError(url, self._reason(exc, attempts)) from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.options.retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_transient),
            before_sleep=self._before_sleep,
            reraise=True,
        )

    def _wait(self, state: RetryCallState) -> float:
        """The server's Retry-After where a 429/503 gives one in seconds, else exponential backoff
        from `backoff_s` (doubling, at most 120 s) with jitter, so that parallel requests that
        failed together do not return together."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, httpx.HTTPStatusError):
            after = exc.response.headers.get("retry-after", "")
            if after.isdigit():
                return min(float(after), MAX_RETRY_AFTER_S)
        backoff = self.options.backoff_s
        return float(wait_exponential_jitter(initial=backoff, max=120, jitter=backoff / 2)(state))

    def _before_sleep(self, state: RetryCallState) -> None:
        with self._lock:
            self.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.info("Wiederholung %s nach %s", state.attempt_number, exc)

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _reason(self, exc: BaseException, attempts: int) -> str:
        tries = f" ({attempts} Versuche)" if attempts > 1 else ""
        if isinstance(exc, httpx.HTTPStatusError):
            return f"HTTP {exc.response.status_code}{tries}"
        if isinstance(exc, httpx.TimeoutException):
            return f"keine Antwort nach {self.options.timeout_s:g} s{tries}"
        if isinstance(exc, httpx.ConnectError):
            return f"keine Verbindung ({exc}){tries}"
        if isinstance(exc, httpx.HTTPError):
            return f"Übertragung abgebrochen ({type(exc).__name__}: {exc}){tries}"
        return f"Datei nicht schreibbar ({exc})"


def _transient(exc: BaseException) -> bool:
    """Worth another try: 429 and 5xx answers, timeouts, refused or dropped connections."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)
