"""Text rules shared by ingest and answering: paragraph and sentence spans, and the term analysis
used to match questions against sentences (German and English)."""

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

import Stemmer

Language = Literal["de", "en"]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of `text`: blocks separated by blank lines, whitespace trimmed."""
    spans = []
    for m in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    return spans


# --- sentences --------------------------------------------------------------------------------

_ABBREVIATIONS = {
    # German
    "abs",
    "abschn",
    "anl",
    "art",
    "bzw",
    "ca",
    "dez",  # Dezernat ("Verantwortlich: Dez. 6"), December ("15. Dez. 2024")
    "dipl",
    "dr",
    "evtl",
    "ggf",
    "gem",
    "hr",
    "fr",
    "ing",
    "inkl",
    "lfd",
    "max",
    "min",
    "mio",
    "mrd",
    "nr",
    "prof",
    "rd",
    "s",
    "sog",
    "staatl",
    "städt",
    "str",
    "tsd",
    "usw",
    "vgl",
    "z",
    "b",
    "d",
    "h",
    "i",
    "v",
    "m",
    "u",
    "a",
    "o",
    "ziff",
    "top",
    "bspw",
    "zzgl",
    "einschl",
    "jh",
    "kap",
    "ka",
    "se",
    "sb",
    "ob",
    "stv",
    "vors",
    "geb",
    "tel",
    "bzgl",
    "zb",
    "etc",
    # English
    "mr",
    "mrs",
    "ms",
    "st",
    "no",
    "ord",  # "Ord. No. 747-2019"
    "res",  # "Res. No. 131-16"
    "sec",
    "vs",
    "cllr",
    "jr",
    "sr",
    "co",
    "inc",
    "ltd",
    "dept",
    "approx",
    "rev",
    "hon",
    "gov",
    "sen",
    "rep",
    "capt",
    "lt",
    "sgt",
    "messrs",
}
# Longer "sentences" are document headers, tables or lists without punctuation; they are split
# into their lines, unless they end as a sentence does (`_PROSE_END`).
LONG_SENTENCE = 400
_PROSE_END = re.compile(r"[a-zäöüß)][.!?][\"'“”»)]*\s*$")
_SENTENCE_END = re.compile(r"[.!?](?:[\"'“”»)]*)(?=\s+[\"'„“»(]?[A-ZÄÖÜ0-9•–§-])")
# The start of a list item or agenda line. PDFs set bullets in symbol fonts that pypdf reads as
# private-use characters (U+F0B7 and kin).
LIST_ITEM = re.compile(
    r"\s*(?:[•▪●◦*–\-➢►✓\uf0a7\uf0b7\uf0d8\uf076\uf0fc]\s|\d{1,2}[.)]\s|[a-z][.)]\s|\(\d{1,2}\)|\([a-z]\)"
    r"|§\s*\d|TOP\b|Punkt \d|Ziffer \d)"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of `text`, whitespace trimmed.

    A sentence ends at `.`, `!` or `?` before an upper-case letter or digit, unless the word
    before the dot is an abbreviation ("Dr.", "Nr.", "z. B."), a one- or two-digit ordinal
    ("22. Oktober", "3. Plenarsitzung") or an initial ("Kevin J. Kelley"). A line break also ends
    a sentence after `:` `;` or `)`, before a list item or agenda line, around table rows (lines
    with tabs), and at a blank line unless the next paragraph starts in lower case: minutes put
    votes, tables and headings ("Erläuterungen") on lines of their own without a full stop. A run
    of more than `LONG_SENTENCE` characters without an end is split into its lines, unless it
    ends as prose does (a lower-case letter, then `.`, `!` or `?`): a decision's long sentence
    stays whole.

    >>> t = "Die Sitzung am 22. Oktober leitete Dr. Mentrup. Abstimmungsergebnis:\\nTOP 14: Zustimmung"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Die Sitzung am 22. Oktober leitete Dr. Mentrup.', 'Abstimmungsergebnis:', 'TOP 14: Zustimmung']
    >>> len(sentence_spans("Called to order with the President of Council, Kevin J. Kelley, in the Chair."))
    1
    >>> len(sentence_spans("Pursuant to Ordinance No. 2926-76, prayer was offered by Rev. Robert Jansany."))
    1
    >>> len(sentence_spans("How did Council vote on Ord. No. 978-98 and Res. No. 131-16?"))
    1
    """
    cuts = set()
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == ".":
            word = re.search(r"([\wäöüßÄÖÜ]+)$", text[max(0, m.start() - 20) : m.start()])
            if word and (
                word.group(1).lower() in _ABBREVIATIONS
                or re.fullmatch(r"\d{1,2}|[A-ZÄÖÜ]", word.group(1))  # an ordinal, an initial
            ):
                continue
        cuts.add(m.end())
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        pos += len(line) + 1
        stripped = line.rstrip()
        following = lines[i + 1]
        if (
            stripped.endswith((":", ";", ")"))
            or (not stripped and not following[:1].islower())  # a paragraph gap, not a page-layout break
            or "\t" in line
            or "\t" in following
            or LIST_ITEM.match(following)
        ):
            cuts.add(pos)
    start = 0
    for cut in [*sorted(cuts), len(text)]:
        if cut - start > LONG_SENTENCE and not _PROSE_END.search(text[start:cut]):
            # headers and tables run on without punctuation: one line each
            cuts.update(start + m.end() for m in re.finditer(r"\n", text[start:cut]))
        start = cut
    spans = []
    start = 0
    for cut in [*sorted(cuts), len(text)]:
        a, b = start, cut
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
        start = cut
    return spans


# --- terms ------------------------------------------------------------------------------------

_STOPWORDS_DE = set(
    """
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin bis bist
    da damit dann das dass daß dem den denen der deren des dessen die dies diese diesem diesen dieser
    dieses doch dort du durch ein eine einem einen einer eines er es etwas euch euer für gegen gewesen
    hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre im in indem ins ist
    jede jedem jeden jeder jedes jene jetzt kann kein keine können könnte machen man manche mein mit
    muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so solche
    soll sollte sondern sonst über um und uns unter viel vom von vor war waren warum was weg weil
    welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir wird wo wollen
    worden wurde wurden zu zum zur zwar zwischen wann wieso weshalb wofür wozu womit wodurch worauf
    wieviel wie viele gibt gab es ja nein bitte mir mich meine einmal hatte hätte wäre würde darüber
    mehr beide beiden genau laut etwa bzw sowie jeweils insgesamt
    """.split()
)
_STOPWORDS_EN = set(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you
    your yours many much did does tell please
    """.split()
)
# Function words of both languages, unstemmed: what `content_terms` drops.
FUNCTION_WORDS = frozenset(_STOPWORDS_DE | _STOPWORDS_EN)
_TOKEN = re.compile(r"\d+(?:[./,:-]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def detect_language(text: str) -> Language:
    """German or English by counting function words: questions are short, so this is enough."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    de = sum(w in _STOPWORDS_DE for w in words) + sum(ch in "äöüß" for ch in text.lower())
    en = sum(w in _STOPWORDS_EN for w in words)
    return "en" if en > de else "de"


def words(text: str) -> list[str]:
    """The tokens `content_terms` looks at, in order: words (hyphenated ones whole) and numbers
    with their separators ("50/004/2021").

    >>> words("Vorlage 50/004/2021: KOMM-AN NRW")
    ['Vorlage', '50/004/2021', 'KOMM-AN', 'NRW']
    """
    return _TOKEN.findall(text)


def word_forms(texts: Iterable[str]) -> dict[str, str]:
    """How a corpus writes its words that are not written in lower case: each word (lower-cased)
    whose most frequent spelling has capitals ("stadtteilbeirat": "Stadtteilbeirat", "nrw": "NRW",
    "komm-an": "KOMM-AN"), as `truecased` restores them in a question typed in lower case.

    >>> word_forms(["Der Stadtteilbeirat tagt. Die Stadt KOMM-AN NRW", "die Stadt, der Beirat"])
    {'stadtteilbeirat': 'Stadtteilbeirat', 'stadt': 'Stadt', 'komm-an': 'KOMM-AN', 'nrw': 'NRW', \
'beirat': 'Beirat'}
    """
    counts: Counter[str] = Counter(w for text in texts for w in _TOKEN.findall(text) if not w[0].isdigit())
    best: dict[str, tuple[int, bool, str]] = {}  # its most frequent form (lower case on a tie)
    for form, n in counts.items():
        word = form.lower()
        best[word] = max(best.get(word, (0, False, word)), (n, form == word, form))
    return {word: form for word, (_, _, form) in best.items() if form != word}


def truecased(text: str, forms: Mapping[str, str]) -> str:
    """A text typed all in lower case with its words spelled as the corpus spells them (`word_forms`),
    so that the names, places and bodies it names are read as in a text typed with capitals; any
    other text as it is.

    >>> forms = {"erlangen": "Erlangen", "mitglieder": "Mitglieder", "stadtteilbeirat": "Stadtteilbeirat"}
    >>> truecased("wie viele mitglieder hat ein stadtteilbeirat in erlangen?", forms)
    'wie viele Mitglieder hat ein Stadtteilbeirat in Erlangen?'
    >>> truecased("Wie viele mitglieder hat ein Stadtteilbeirat?", forms)
    'Wie viele mitglieder hat ein Stadtteilbeirat?'
    """
    if text != text.lower():
        return text
    return _TOKEN.sub(lambda m: forms.get(m.group(0), m.group(0)), text)


@functools.cache
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german" if language == "de" else "english")


def content_terms(text: str, language: Language) -> list[str]:
    """Stemmed content words of `text`, in order: stopwords dropped, numbers and identifiers
    ("50/004/2021", "25") kept whole, hyphenated words kept whole and also split.

    >>> content_terms("Welche Städte haben KOMM-AN NRW 2021 beantragt?", "de")
    ['stadt', 'komm-an', 'komm', 'nrw', '2021', 'beantragt']
    """
    stopwords = _stopwords(language)
    stem = _stemmer(language).stemWord
    terms = []
    for token in _TOKEN.findall(text):
        lower = token.lower()
        if lower[0].isdigit():
            terms.append(lower)
            continue
        if lower in stopwords or len(lower) < 2:
            continue
        if "-" in lower:
            terms.append(lower)
            terms.extend(stem(part) for part in lower.split("-") if len(part) > 1 and part not in stopwords)
        else:
            stemmed = stem(lower)
            if stemmed not in stopwords:
                terms.append(stemmed)
    return terms


# The endings of a German verb form ("führt", "gewählten", "eröffnete") and the separable
# prefixes before the participle's "ge" ("eingereicht", "aufgestellt"), longest first.
_VERB_ENDINGS = ("eten", "ten", "te", "et", "en", "st", "t")
_SEPARABLE = tuple("zurück durch nach fest auf aus bei ein mit vor weg ab an um zu".split())
_MIN_ROOT = 4
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})  # as the stemmer writes them


def verb_roots(text: str) -> dict[str, str]:
    """The root of each German verb form in `text` (a lower-case word past the first, ending as a
    verb does), by its content term: what its noun starts with ("eingereicht" and "Einreichung",
    "führt" and "Führung", "geplant" and "Planung", "least" and "Leasing"), which the stemmer
    leaves apart. Roots shorter than four letters ("tagen", "gibt") would match too much; the
    longest ending that leaves four is taken ("least": "leas").

    >>> verb_roots("Wann wurde der Antrag eingereicht, und wer führt die Geschäfte?")
    {'eingereicht': 'einreich', 'fuhrt': 'fuhr'}
    >>> verb_roots("Seit wann wird am Stadtteilhaus geplant, und wie viele Sitzungen gibt es?")
    {'geplant': 'plan'}
    """
    roots = {}
    for word in _TOKEN.findall(text)[1:]:
        terms = content_terms(word, "de")
        if not word.islower() or not terms:
            continue
        endings = [e for e in _VERB_ENDINGS if word.endswith(e) and len(word) - len(e) >= _MIN_ROOT]
        if not endings:
            continue
        root = word[: -len(endings[0])]
        prefix = next((p for p in ("", *_SEPARABLE) if root.startswith(f"{p}ge")), None)
        if prefix is not None and len(root) - len(prefix) - 2 >= _MIN_ROOT:
            root = prefix + root[len(prefix) + 2 :]
        root = root.translate(_UMLAUTS)
        if len(root) >= _MIN_ROOT and root != terms[0]:
            roots[terms[0]] = root
    return roots


@functools.cache
def _stopwords(language: Language) -> frozenset[str]:
    """Stopwords of both languages (questions mix them with English titles), plain and stemmed,
    so that inflected forms ("vielen", "welchem") are dropped too."""
    return frozenset(FUNCTION_WORDS | set(_stemmer(language).stemWords(list(FUNCTION_WORDS))))
