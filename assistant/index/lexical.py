"""Lexical analysis for the BM25 index, built for German council text. Passages and questions go
through the same `Analyzer`, so they always agree on the terms:

- the answerer's term analysis (`assistant.core.text.content_terms`): lower-cased, stopwords
  dropped, Snowball stems in the text's own language (German stems fold umlauts and ß: "Hebesätze"
  → "hebesatz"), numbers and identifiers kept whole ("50/004/2021", "2024/1049");
- umlauts and ß folded in the terms the stemmer does not touch ("Bürger-Haus" → "burger-haus");
- German compounds also split into their parts (`assistant.index.compounds`): "Förderprogramm" →
  "forderprogramm ford forder programm", so "Programm zur Förderung" finds it;
- agenda items and vote counts also kept as one term each, so that "TOP 14" does not match every
  passage with a "14" in it: "TOP 14" → "top:14", "25 Ja" → "ja:25", "Item 5" → "item:5";
- dates in any spelling of `assistant.core.dates` as one term, and their month: "3. Juni 2025",
  "03.06.2025", "June 3, 2025" and "2025-06-03" → "date:2025-06-03 month:2025-06".

The catalog indexes each passage under its document header (title, agenda item, body, meeting
date: `StoredChunk.embedding_input`), which is where most passages carry their date and body.

The part vocabulary of the splitter is learned from the indexed German passages and stored in
the catalog (`Catalog.reanalyse`). FTS5 tokenises the analysed string with `unicode61` plus the
characters that terms carry, so "50/004/2021", "komm-an" and "top:14" stay single terms.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from assistant.core.dates import date_mentions
from assistant.core.text import content_terms, detect_language, words
from assistant.index.compounds import Decompounder, fold, part_counts

# Raise when the analysis changes, or what `Catalog.reanalyse` learns with it (the word forms): the
# next ingest re-analyses the lexical index from the stored chunk texts (no re-parsing, no
# re-embedding).
ANALYSIS_VERSION = "5"
# Characters that occur inside analysed terms: they must not split a term.
FTS_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '-/.,:'"

_NUMBER = r"(\d{1,3}(?:\.\d{1,3})*[a-z]?)\b"
_IDENTIFIERS = (
    (re.compile(r"\b(?:TOP|Top|Tagesordnungspunkt|Punkt)\s*" + _NUMBER), "top"),
    (re.compile(r"\b[Ii]tem\s*" + _NUMBER), "item"),
    (re.compile(r"\b(\d{1,3})\s+(Ja|Nein|Enthaltung|Gegenstimme)(?:en|n)?\b", re.IGNORECASE), None),
)


def date_terms(text: str) -> list[str]:
    """Dates as "date:YYYY-MM-DD" and their months as "month:YYYY-MM", whatever the spelling, so
    that "am 3. Juni 2025" meets "03.06.2025" and a header's "2025-06-03"; a month and year alone
    ("im April 2022") gives the month.

    >>> date_terms("am 3. Juni 2025, 03.06.2025, June 3, 2025, im April 2022")
    ['date:2025-06-03', 'month:2025-06', 'date:2025-06-03', 'month:2025-06', 'date:2025-06-03', \
'month:2025-06', 'month:2022-04']
    """
    terms = []
    for m in date_mentions(text):
        if m.is_day:
            terms.append(f"date:{m.first.isoformat()}")
        terms.append(f"month:{m.first:%Y-%m}")
    return terms


def identifier_terms(text: str) -> list[str]:
    """Agenda items, vote counts and dates as single terms (their words and numbers are terms too).

    >>> identifier_terms("TOP 14: Zustimmung (25 Ja, 3 Nein, 2 Enthaltungen); Item 5, TOP 9.1")
    ['top:14', 'top:9.1', 'item:5', 'ja:25', 'nein:3', 'enthaltung:2']
    """
    terms = date_terms(text)
    for pattern, label in _IDENTIFIERS:
        for m in pattern.finditer(text):
            if label is None:
                terms.append(f"{fold(m.group(2).lower())}:{m.group(1)}")
            else:
                terms.append(f"{label}:{m.group(1)}")
    return terms


class Analyzer:
    """Terms of passages and questions; `part_counts` is the compound part vocabulary
    (`corpus_part_counts` of the indexed passages; empty: no compound splitting)."""

    def __init__(self, part_counts: Mapping[str, int]):
        self._decompounder = Decompounder(part_counts)

    def terms(self, text: str) -> list[str]:
        """
        >>> analyzer = Analyzer({"forder": 40, "programm": 12, "stadtteil": 9, "beirat": 30})
        >>> " ".join(analyzer.terms("Das Förderprogramm des Stadtteilbeirats zu TOP 14"))
        'forderprogramm forder programm stadtteilbeirat stadtteil beirat top 14 top:14'
        """
        language = detect_language(text)
        terms: list[str] = []
        for word in words(text):
            stems = content_terms(word, language)
            terms.extend(fold(stem) for stem in stems)
            if stems and language == "de":
                for part in word.lower().split("-"):
                    terms.extend(self._decompounder.split(part))
        return terms + identifier_terms(text)

    def index_terms(self, text: str) -> str:
        """The analysed form of a passage, as stored in the lexical index.

        >>> Analyzer({}).index_terms("Der Gemeinderat beschließt die Vorlage 50/004/2021.")
        'gemeinderat beschliesst vorlag 50/004/2021'
        """
        return " ".join(self.terms(text))

    def match_expression(self, question: str) -> str | None:
        """An FTS5 MATCH expression for a question: any of its terms (BM25 ranks by how many and
        how rare); None if the question has no content words.

        >>> Analyzer({}).match_expression("Wie wurde zu TOP 10 der Vorlage 50/004/2021 abgestimmt?")
        '"top" OR "10" OR "vorlag" OR "50/004/2021" OR "abgestimmt" OR "top:10"'
        """
        terms = list(dict.fromkeys(self.terms(question)))
        if not terms:
            return None
        return " OR ".join('"' + t.replace('"', "") + '"' for t in terms)


def corpus_part_counts(texts: Iterable[str]) -> Counter[str]:
    """The compound part vocabulary of a corpus: the stems of its German passages, counted."""
    return part_counts(
        stem for text in texts if detect_language(text) == "de" for stem in content_terms(text, "de")
    )
