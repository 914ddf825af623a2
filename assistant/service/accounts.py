"""Users and their access tokens: who may read nichtöffentliche documents.

An admin creates a user with a role (`council user add NAME --role mitglied`) and hands over the
token printed once; the HTTP API and the web chat turn the token a request carries into a
`Viewer` (`Accounts.viewer`), whose role decides which access levels a search may read
(`assistant.core.access`).

The token is `rat_<public id>_<secret>`: the public id (12 hex digits) finds the user's row, the
secret (32 random bytes) proves the holder. Only an argon2 hash of the whole token is stored, so
a copy of `accounts.sqlite` (a backup, a shared data dir) lets no one sign in. Argon2 is slow on
purpose (tens of milliseconds); a server that checked every request from scratch would spend
that on each question, so a successful check is remembered in memory, and each later call only
re-reads the user's row (one indexed query) to see that it still holds the same hash. Removing a
user deletes the row, and the next request with the token fails, in every process at once.
"""

import hashlib
import re
import secrets
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.core.access import ANONYMOUS, ROLES, Role, Viewer
from assistant.service.private_db import PrivateDb

FILE_NAME = "accounts.sqlite"
TOKEN_PREFIX = "rat_"

# A name as typed at the command line and shown in the audit log: letters (umlauts and other
# accented letters too), digits and . _ - @, starting with a letter or digit, so that it can never
# be "-", the audit log's mark for anonymous entries (`assistant.service.audit.ANONYMOUS_USER`).
_NAME = re.compile(r"[^\W_][\w.@-]{0,63}")
# rat_ + 12 hex digits + _ + the secret in URL-safe base64 (token_urlsafe(32): 43 characters).
_TOKEN = re.compile(TOKEN_PREFIX + r"([0-9a-f]{12})_([A-Za-z0-9_-]{20,200})")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    created TEXT NOT NULL,     -- ISO 8601, UTC
    public_id TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL   -- argon2id hash of the whole token; the token itself is never stored
);
"""


class AccountError(ValueError):
    """A user command that cannot be carried out; the message is meant for the user (German)."""


class InvalidToken(AccountError):
    """A token that signs no one in. One message for every reason (unknown, mistyped, revoked),
    so that a caller learns nothing about which tokens exist."""

    def __init__(self) -> None:
        super().__init__("Der Zugangsschlüssel ist ungültig oder wurde widerrufen.")


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    created: datetime  # UTC


@dataclass(frozen=True)
class _Verified:
    """A token that passed argon2 once: its row's public id and the hash it matched."""

    public_id: str
    token_hash: str


class Accounts:
    """The users of one data dir, in `accounts.sqlite` beside the index.

    Safe to share between threads (the HTTP server checks tokens from a thread pool): one
    connection, used under a lock; the slow argon2 work runs outside it. A data dir without the
    file has no users; the file is created by the first `add`, readable by its owner only
    (`PrivateDb`: a file deleted or replaced behind a running server is noticed on its next call).

    Database errors are raised as `AccountError` with a German message; `InvalidToken` is the
    only error `viewer` raises for a token that is wrong.
    """

    def __init__(self, data_dir: Path):
        self.path = data_dir / FILE_NAME
        self._hasher = PasswordHasher()  # argon2id, the library's recommended parameters
        self._lock = threading.Lock()
        self._file = PrivateDb(self.path, _SCHEMA)
        self._verified: dict[bytes, _Verified] = {}  # sha256(token) → what it matched
        self._dummy_hash: str | None = None

    def close(self) -> None:
        with self._lock:
            self._file.close()

    # --- managing users (the CLI) -----------------------------------------------------------

    def add(self, name: str, role: str) -> str:
        """Create a user and return their token: `rat_3f9c0a1b2c4d_…` (60 characters). Only its
        hash is stored, so this is the one moment it can be shown; a lost token is replaced by
        removing the user and adding them again."""
        name = _checked_name(name)
        if role not in ROLES:
            raise AccountError(f"Unbekannte Rolle „{role}“. Mögliche Rollen: {', '.join(ROLES)}.")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        while True:
            public_id = secrets.token_hex(6)
            token = f"{TOKEN_PREFIX}{public_id}_{secrets.token_urlsafe(32)}"
            token_hash = self._hasher.hash(token)  # before the lock: it takes tens of ms
            with self._lock:
                db = self._connection(create=True)
                assert db is not None
                try:
                    db.execute("BEGIN IMMEDIATE")  # the name check and the insert as one
                    if db.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                        raise AccountError(f"Einen Benutzer „{name}“ gibt es schon.")
                    if db.execute("SELECT 1 FROM accounts WHERE public_id = ?", (public_id,)).fetchone():
                        db.execute("ROLLBACK")
                        continue  # 1 in 2^48 per user: draw another id
                    db.execute(
                        "INSERT INTO accounts (name, role, created, public_id, token_hash) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (name, role, created, public_id, token_hash),
                    )
                    db.execute("COMMIT")
                except BaseException as exc:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.Error):
                        raise self._error(exc) from exc
                    raise
            return token

    def remove(self, name: str) -> None:
        """Delete a user. Their token fails from the next call on, in this process and in every
        other one using the same data dir (a running server included)."""
        key = unicodedata.normalize("NFC", name.strip())
        with self._lock:
            db = self._connection(create=False)
            try:
                deleted = db.execute("DELETE FROM accounts WHERE name = ?", (key,)).rowcount if db else 0
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            if not deleted:
                raise AccountError(f"Einen Benutzer „{key}“ gibt es nicht.")

    # --- signing in (the HTTP API, the web chat) --------------------------------------------

    def viewer(self, token: str | None) -> Viewer:
        """Who a request's token signs in: `ANONYMOUS` without a token (None, empty, only
        spaces), the user's `Viewer` for a valid one; `InvalidToken` for anything else.

        The first check of a token runs argon2 (constant-time comparison in the library); later
        checks of the same token read its row once more, so a removed user is refused at once.
        """
        if token is None or not token.strip():
            return ANONYMOUS
        token = token.strip()
        digest = hashlib.sha256(token.encode()).digest()
        with self._lock:
            known = self._verified.get(digest)
            if known is not None:
                row = self._row(known.public_id)
                if row is not None and row[2] == known.token_hash:
                    return _viewer(row[0], row[1])
                self._verified.pop(digest, None)  # revoked or re-issued: check from scratch (and fail)
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise InvalidToken()
        public_id = match[1]
        with self._lock:
            row = self._row(public_id)
        if row is None:
            self._verify(self._dummy(), token)  # the same time as a wrong secret: ids stay unknown
            raise InvalidToken()
        name, role, token_hash = row
        if not self._verify(token_hash, token):
            raise InvalidToken()
        viewer = _viewer(name, role)
        with self._lock:
            self._verified[digest] = _Verified(public_id, token_hash)
        return viewer

    def list(self) -> list[Account]:
        """All users, sorted by name (as Python sorts strings)."""
        with self._lock:
            db = self._connection(create=False)
            try:
                rows = db.execute("SELECT name, role, created FROM accounts").fetchall() if db else []
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
        accounts = [
            Account(name, cast(Role, role), datetime.fromisoformat(created)) for name, role, created in rows
        ]
        return sorted(accounts, key=lambda a: a.name)

    # --- storage ----------------------------------------------------------------------------

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """None where there is no file yet and `create` is False. Call under the lock."""
        try:
            return self._file.connection(create=create)
        except (sqlite3.Error, OSError) as exc:
            raise self._error(exc) from exc

    def _row(self, public_id: str) -> tuple[str, str, str] | None:
        """(name, role, token hash) of the user with this public id. Call under the lock."""
        db = self._connection(create=False)
        if db is None:
            return None
        try:
            row = db.execute(
                "SELECT name, role, token_hash FROM accounts WHERE public_id = ?", (public_id,)
            ).fetchone()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        return None if row is None else (row[0], row[1], row[2])

    def _verify(self, token_hash: str, token: str) -> bool:
        try:
            return self._hasher.verify(token_hash, token)
        except (VerificationError, InvalidHashError):
            return False

    def _dummy(self) -> str:
        """A hash no token matches, verified against when the public id is unknown."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))
        return self._dummy_hash

    def _error(self, exc: Exception) -> AccountError:
        return AccountError(
            f"Die Benutzerdatei {self.path} kann nicht gelesen oder geschrieben werden ({exc})."
        )


def _checked_name(name: str) -> str:
    """The name as stored (NFC, so that a typed "ü" and a pasted "u" + "¨" are one user), or a
    German error."""
    name = unicodedata.normalize("NFC", name.strip())
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"„{name}“ ist kein gültiger Benutzername: 1 bis 64 Zeichen, Buchstaben (auch Umlaute), "
            "Ziffern und . _ - @, am Anfang ein Buchstabe oder eine Ziffer."
        )
    return name


def _viewer(name: str, role: str) -> Viewer:
    """The viewer of a stored row; a role this version does not know (an edited file) signs no one in."""
    if role not in ROLES:
        raise InvalidToken()
    return Viewer(name, cast(Role, role))
