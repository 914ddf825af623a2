"""Who may read what: the access level of each passage and the role of each user.

Councils hold two kinds of documents: öffentlich (published, from öffentliche Sitzungen) and
nichtöffentlich (personnel, property, contracts). Every placement of a chunk in a file carries one
level (`Catalog` facets); every question is asked by a `Viewer` whose role reads some levels.
The levels a viewer may not read are excluded inside every query (`Filters.readable`, evaluated in
SQL and as Chroma's ids), never by dropping results afterwards, so a closed passage can neither be
cited nor shape an answer, and a question about a closed document is answered as one about
something the index does not hold.

Where a level comes from at ingest, the stricter one wins: `council ingest --access
nichtöffentlich`, the registry (an OParl agenda item with `"public": false`, a meeting named
"(nichtöffentlich)"), and the text (an agenda item numbered "NÖ 3"/"N 3", a part headed
"Nichtöffentlicher Teil"). A registry cannot make a file öffentlich that the ingest call marked
nichtöffentlich.
"""

import re
from dataclasses import dataclass
from typing import Literal, get_args

AccessLevel = Literal["öffentlich", "nichtöffentlich"]
PUBLIC: AccessLevel = "öffentlich"
CLOSED: AccessLevel = "nichtöffentlich"
ACCESS_LEVELS: tuple[AccessLevel, ...] = get_args(AccessLevel)

Role = Literal["öffentlich", "mitglied", "verwaltung", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

# The levels each role reads. Members and staff read both; the public only what is published.
# `admin` also manages users and reads the audit log (CLI), which no other role can.
READS: dict[Role, frozenset[AccessLevel]] = {
    "öffentlich": frozenset({PUBLIC}),
    "mitglied": frozenset(ACCESS_LEVELS),
    "verwaltung": frozenset(ACCESS_LEVELS),
    "admin": frozenset(ACCESS_LEVELS),
}

# An agenda item number or heading that marks the closed part of a meeting: "NÖ 3", "N 3",
# "Nichtöffentlicher Teil", "Nicht öffentliche Sitzung".
_CLOSED_NUMBER = re.compile(r"^\s*(?:NÖ|NOE|N)\s*\.?\s*\d", re.I)
_CLOSED_WORDS = re.compile(r"\bnicht[\s-]?öffentlich", re.I)
_OPEN_WORD = re.compile(r"(?<![\w-])öffentlich", re.I)


@dataclass(frozen=True)
class Viewer:
    """Who asks: a signed-in user's name and role, or nobody (`name` None), who reads as the
    public does."""

    name: str | None = None
    role: Role = "öffentlich"

    @property
    def readable(self) -> frozenset[AccessLevel] | None:
        """The levels this viewer may read; None: every level (no restriction to apply)."""
        levels = READS[self.role]
        return None if levels == frozenset(ACCESS_LEVELS) else levels

    def describe(self) -> str:
        """For the UI: 'Angemeldet als Müller (mitglied)' or 'Nicht angemeldet (öffentlich)'."""
        if self.name is None:
            return f"Nicht angemeldet (Rolle {self.role})"
        return f"Angemeldet als {self.name} (Rolle {self.role})"


ANONYMOUS = Viewer()


def stricter(a: AccessLevel, b: AccessLevel | None) -> AccessLevel:
    """The more restricted of two levels (None: no say).

    >>> stricter("öffentlich", "nichtöffentlich"), stricter("nichtöffentlich", None)
    ('nichtöffentlich', 'nichtöffentlich')
    """
    return CLOSED if CLOSED in (a, b) else a


def level_of(text: str | None) -> AccessLevel | None:
    """The level a registry value or an agenda item number/heading states, None where it states
    none: 'nichtöffentlich', 'NÖ 3', 'Nichtöffentlicher Teil' → nichtöffentlich. A text that
    names both parts, as Karlsruhe's OParl meeting "Gemeinderat (öffentlich/nicht öffentlich)",
    states none: its agenda items say which is which.

    >>> level_of("NÖ 3"), level_of("Nicht öffentliche Sitzung"), level_of("14.1"), level_of("öffentlich")
    ('nichtöffentlich', 'nichtöffentlich', None, 'öffentlich')
    >>> level_of("Gemeinderat (öffentlich/nicht öffentlich)"), level_of("öffentliche und nichtöffentliche")
    (None, None)
    """
    if not text:
        return None
    if _CLOSED_NUMBER.match(text):
        return CLOSED
    if _CLOSED_WORDS.search(text):
        return None if _OPEN_WORD.search(_CLOSED_WORDS.sub("", text)) else CLOSED
    if text.strip().casefold() == PUBLIC:
        return PUBLIC
    return None
