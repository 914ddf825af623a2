"""German compound splitting for the lexical index, with a part vocabulary learned from the
corpus itself (no word list to download, and the council vocabulary is what matters here).

A compound is split into parts that occur as words of their own in the corpus, with the
linking elements German puts between them (Fugen: Verkehr-s-planung, Gemeinde-rat). Of the
splits into known parts, the one with the fewest parts wins ("Stadtteil beirat", not "Stadt teil
beirat"), and among those the one whose parts are most frequent (the geometric mean of their
counts, as in Koehn & Knight 2003, "Empirical methods for compound splitting"). A word no split
covers stays whole. The index keeps the whole compound as well, so splitting only adds terms:
"Lastenradförderung" is found by "Lastenrad", by "Förderung" and by itself.

Parts are emitted as the stems the same words get when they stand alone (German Snowball, as in
`assistant.core.text.content_terms`): the modifier "verwaltungs" of "Verwaltungskosten" becomes
"verwalt", the stem of "Verwaltung". A modifier that is a verb stem ("förder" in
"Förderprogramm") is emitted both as its own stem ("ford", as in "fördern") and folded as it is
("forder", the stem of "Förderung"), whichever of them the corpus knows.
"""

import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping

import Stemmer

# Linking elements between the parts of a German compound, the empty one first.
FUGEN = ("", "s", "es", "n", "en", "e", "er", "ens")
# Parts shorter than this are not split off ("be-schluss", "legende" = "leg-ende") ...
MIN_PART = 4
# ... except these three-letter nouns, common in council compounds ("Gemeinde-rat",
# "Rad-verkehr", "Bau-amt", "Alt-stadt"): most three-letter stems are verb stems or suffixes.
SHORT_PARTS = frozenset("alt amt bad bau bus hof neu ort rad rat see tag zug".split())
_SHORTEST = 3
# Words the corpus uses as suffixes more than as words of their own ("gesamt-haft").
NOT_PARTS = frozenset("haft heit keit lich ling schaft".split())
# A part must occur this often in the corpus.
MIN_COUNT = 2
# Shorter words are not looked at.
MIN_COMPOUND = 6

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


@functools.cache
def _stem(word: str) -> str:
    return str(Stemmer.Stemmer("german").stemWord(word))


def fold(word: str) -> str:
    """Umlauts and ß folded as the German stemmer folds them, so that unstemmed terms (hyphenated
    words, compound modifiers) meet the stems.

    >>> fold("förder-straße")
    'forder-strasse'
    """
    return word.translate(_FOLD)


def part_counts(terms: Iterable[str]) -> Counter[str]:
    """How often each alphabetic stem occurs: the vocabulary that compound parts are drawn from.

    >>> part_counts(["forder", "programm", "forder", "50/004/2021", "komm-an"])
    Counter({'forder': 2, 'programm': 1})
    """
    return Counter(t for t in terms if t.isalpha())


Split = tuple[tuple[tuple[str, ...], ...], float]  # the known stems of each part; sum of log counts


class Decompounder:
    """Splits lower-case German words into the stems of their known parts; `counts` maps stems
    to their occurrences in the corpus (`part_counts`).

    >>> d = Decompounder({"forder": 40, "programm": 12, "lastenrad": 3, "stadtteil": 9, "beirat": 30,
    ...                   "stadt": 80, "teil": 20})
    >>> d.split("förderprogramm"), d.split("lastenradförderung"), d.split("stadtteilbeirat")
    (('forder', 'programm'), ('lastenrad', 'forder'), ('stadtteil', 'beirat'))
    >>> d.split("beirat"), d.split("unbekanntwort")
    ((), ())
    """

    def __init__(self, counts: Mapping[str, int]):
        self._counts = counts
        # Per instance, so that a new vocabulary starts with empty caches.
        self.split = functools.lru_cache(maxsize=100_000)(self._split)
        self._splits = functools.lru_cache(maxsize=100_000)(self._all_splits)

    def _split(self, word: str) -> tuple[str, ...]:
        """The stems of the parts of a compound, or () when it is not a compound of known parts."""
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return ()
        best = min(
            (s for s in self._splits(word) if len(s[0]) > 1),
            key=lambda s: (len(s[0]), -s[1] / len(s[0])),
            default=None,
        )
        return tuple(dict.fromkeys(stem for part in best[0] for stem in part)) if best else ()

    def _all_splits(self, rest: str) -> list[Split]:
        """Every reading of `rest` as known parts joined by Fugen."""
        out: list[Split] = []
        whole = self._known(rest)
        if whole:
            out.append(((whole,), self._score(whole)))
        for i in range(_SHORTEST, len(rest) - _SHORTEST + 1):
            head = self._known(rest[:i])
            if not head:
                continue
            for fuge in FUGEN:
                if not rest.startswith(fuge, i) or len(rest) - i - len(fuge) < _SHORTEST:
                    continue
                for parts, score in self._splits(rest[i + len(fuge) :]):
                    out.append(((head, *parts), score + self._score(head)))
        return out

    def _known(self, part: str) -> tuple[str, ...]:
        """The stems under which `part` is a known word: its own stem ("verwaltungs" →
        "verwalt") and the part folded as it is ("förder" → "forder"); () if neither is known."""
        return tuple(c for c in dict.fromkeys((_stem(part), fold(part))) if self._enough(c))

    def _enough(self, stem: str) -> bool:
        if (len(stem) < MIN_PART and stem not in SHORT_PARTS) or stem in NOT_PARTS:
            return False
        return self._counts.get(stem, 0) >= MIN_COUNT

    def _score(self, stems: tuple[str, ...]) -> float:
        return math.log(max(self._counts[s] for s in stems))
