"""Checks a generated answer sentence by sentence against the passages each sentence cites.

A sentence ends with its citation markers ("… beschlossen [2]." or "… [1][3]"); sentences
without markers directly before a cited one share its markers (a model often cites once after
two sentences). A sentence after the last marker (or in an answer without any) cites nothing.
A sentence its cited passages do not hold, or that cites nothing, is checked against every passage
of the prompt and, where one holds it, cited with that one: small instruct models (Qwen2.5 0.5B
and 1.5B) often leave out the markers or cite the wrong passage for a sentence that another
passage states word for word; the check decides support, not the model's marker.

A sentence is supported by its cited passages (their text plus metadata: title, committee,
meeting date, agenda item, Vorlage) when
- every number in it occurs there (digits compared without separators, dates in any spelling),
- every capitalised word occurs there or in the question (German capitalises nouns, so this
  holds the nouns and names of the sentence to the passage: a city the passage does not name
  fails however well the rest matches), and
- at least `min_support` of the content words it adds to the question occur in one place of a
  cited passage (a sentence with its neighbours and the passage's metadata), and its embedding
  is at least `min_similarity` near a sentence of that place: words and meaning both. Measured
  on the gold set with Gemma 3 270M, each alone let the model's echoes of its instructions
  through: words counted over a whole passage ("You are the council information assistant [1]."
  matched "council" in the question and "information" in a URL), and e5 alone (those echoes come
  to 0.86 and 0.87 cosine to a sentence of some minutes, where they share no word).

Worked example, passage [1] "Die Städte Erkrath, Heiligenhaus und Hilden haben Mittel
beantragt.": "Erkrath und Hilden haben Mittel beantragt [1]." is supported; "Ratingen hat
Mittel beantragt [1]." is not (Ratingen is not in [1]); "Es wurden 3 Anträge gestellt [1]." is
not (no 3 in [1]).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering.passages import dates_of, metadata_text, term_matches
from assistant.core.answers import Passage
from assistant.core.dates import find_dates
from assistant.core.text import Language, content_terms, detect_language, sentence_spans

_MARKERS = re.compile(r"(?:\s*\[\s*\d{1,2}(?:\s*[,;]\s*\d{1,2})*\s*\])+")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][\wÄÖÜäöüß-]*")

Embed = Callable[[list[str]], list[list[float]]]


@dataclass(frozen=True)
class Claim:
    """One sentence of a generated answer and the passage numbers (1-based) it cites."""

    text: str
    cited: tuple[int, ...]


@dataclass(frozen=True)
class Checked:
    claim: Claim
    reason: str | None  # why it is not supported (German); None: supported
    evidence: tuple[tuple[int, int, int], ...] = ()  # (passage number, start, end) of supporting sentences

    @property
    def supported(self) -> bool:
        return self.reason is None


def claims(answer: str) -> list[Claim]:
    """The sentences of `answer` with the markers that cite them, markers removed from the text.

    >>> answer = "Erkrath stellte einen Antrag [1]. Hilden auch. Ratingen nicht [2][3]."
    >>> [(c.text, c.cited) for c in claims(answer)]
    [('Erkrath stellte einen Antrag.', (1,)), ('Hilden auch.', (2, 3)), ('Ratingen nicht.', (2, 3))]
    """
    out: list[Claim] = []
    pos = 0
    for m in _MARKERS.finditer(answer):
        cited = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", m.group())))
        out += [Claim(s, cited) for s in _sentences(answer[pos : m.start()])]
        pos = m.end()
        if out and answer[pos : pos + 1] in (".", "!", "?") and out[-1].text[-1:] not in ".!?":
            out[-1] = Claim(out[-1].text + answer[pos], out[-1].cited)
            pos += 1
    out += [Claim(s, ()) for s in _sentences(answer[pos:])]
    return out


def _sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    found = [text[a:b].strip() for a, b in sentence_spans(text)]
    return [s for s in found if re.search(r"\w", s)]


class Verifier:
    def __init__(self, embed: Embed, min_support: float, min_similarity: float):
        self._embed = embed
        self._min_support = min_support
        self._min_similarity = min_similarity

    def check(self, answer: str, question: str, passages: Sequence[Passage]) -> list[Checked]:
        """Every sentence of `answer`, checked against the `passages` it cites (numbered from 1)."""
        return [self._check(claim, question, passages) for claim in claims(answer)]

    def _check(self, claim: Claim, question: str, passages: Sequence[Passage]) -> Checked:
        """Against the cited passages; where they do not hold the sentence (or it cites none),
        against every passage of the prompt, so that the passage which holds it is cited: the
        model's marker is a hint, the check decides."""
        every = tuple(range(1, len(passages) + 1))
        if not claim.cited:
            checked = self._check_cited(Claim(claim.text, every), question, passages)
            return replace(
                checked, claim=claim, reason=checked.reason and f"ohne Quellenangabe, {checked.reason}"
            )
        checked = self._check_cited(claim, question, passages)
        if checked.supported or set(every) <= set(claim.cited):
            return checked
        elsewhere = self._check_cited(Claim(claim.text, every), question, passages)
        return replace(elsewhere, claim=claim) if elsewhere.supported else checked

    def _check_cited(self, claim: Claim, question: str, passages: Sequence[Passage]) -> Checked:
        cited = [n for n in claim.cited if 1 <= n <= len(passages)]
        if not cited:
            return Checked(claim, f"zitiert eine nicht vorhandene Textstelle {list(claim.cited)}")
        sources = [passages[n - 1] for n in cited]
        context = "\n".join(f"{metadata_text(p)}\n{p.text}" for p in sources)
        if missing := _missing_numbers(claim.text, context, sources):
            return Checked(claim, f"Zahl {missing} steht nicht in {_refs(cited)}")
        language = detect_language(claim.text)
        context_terms = set(content_terms(context, language)) | set(content_terms(question, language))
        if missing := _missing_names(claim.text, context_terms, language):
            return Checked(claim, f"„{missing}“ steht nicht in {_refs(cited)}")
        terms = content_terms(claim.text, language)
        spans = [(n, a, b) for n, p in zip(cited, sources, strict=True) for a, b in sentence_spans(p.text)]
        if not terms or not spans:
            return Checked(claim, "enthält keine prüfbare Aussage")
        asked = set(content_terms(question, language))
        new = [t for t in terms if not term_matches(t, asked)] or terms  # what the sentence adds
        sentence_terms = [set(content_terms(passages[n - 1].text[a:b], language)) for n, a, b in spans]
        overlap = [_share(new, window) for window in _windows(spans, sentence_terms, passages, language)]
        own = [_share(new, terms) for terms in sentence_terms]
        vectors = np.asarray(self._embed([claim.text, *(passages[n - 1].text[a:b] for n, a, b in spans)]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        similarity = vectors[1:] @ vectors[0]
        near = [max(similarity[j] for j in _neighbours(spans, i)) for i in range(len(spans))]
        held = [
            i
            for i in range(len(spans))
            if overlap[i] >= self._min_support and near[i] >= self._min_similarity
        ]
        if held:
            # the sentence that holds the words itself, and means the same, not its neighbour
            best = max(held, key=lambda i: (own[i], similarity[i]))
            return Checked(claim, None, _evidence(spans, own, best))
        measured = f"Wortanteil {max(overlap):.2f}, Ähnlichkeit {max(similarity):.2f}"
        return Checked(claim, f"kaum durch {_refs(cited)} belegt ({measured})")


def _windows(
    spans: list[tuple[int, int, int]],
    sentence_terms: list[set[str]],
    passages: Sequence[Passage],
    language: Language,
) -> list[set[str]]:
    """Per passage sentence, the terms of it, its neighbours in the same passage and that
    passage's metadata: a claim must be supported where the passage says it, not by words
    scattered over a page of minutes."""
    metadata = {n: set(content_terms(metadata_text(passages[n - 1]), language)) for n, _, _ in spans}
    return [
        set().union(*(sentence_terms[j] for j in _neighbours(spans, i))) | metadata[spans[i][0]]
        for i in range(len(spans))
    ]


def _neighbours(spans: list[tuple[int, int, int]], i: int) -> list[int]:
    """Sentence i and the sentences before and after it in the same passage."""
    return [j for j in (i - 1, i, i + 1) if 0 <= j < len(spans) and spans[j][0] == spans[i][0]]


def _evidence(
    spans: list[tuple[int, int, int]], own: list[float], best: int
) -> tuple[tuple[int, int, int], ...]:
    """The best-matching sentence, and a neighbour of it in the same passage that holds nearly as
    many of the claim's words itself (`own`: that share per sentence)."""
    n = spans[best][0]
    near = [i for i in (best - 1, best + 1) if 0 <= i < len(spans) and spans[i][0] == n]
    also = [i for i in near if own[i] >= 0.8 * own[best] and own[i] > 0]
    return tuple(spans[i] for i in sorted([best, *also[:1]]))


def _share(terms: list[str], found: set[str]) -> float:
    return sum(term_matches(t, found) for t in terms) / len(terms) if terms else 0.0


def _missing_numbers(sentence: str, context: str, sources: list[Passage]) -> str | None:
    """The first number of `sentence` not in `context`. Separators do not matter ("994,287,655"
    = "994.287.655" = "994287655"); a date counts when the passage has that date in any spelling."""
    digits = {re.sub(r"\D", "", n) for n in _NUMBER.findall(context)}
    parts = {p for n in _NUMBER.findall(context) for p in re.split(r"\D+", n) if p}
    dates = set().union(*(dates_of(p) for p in sources))
    sentence_dates = find_dates(sentence)
    for number in _NUMBER.findall(sentence):
        if re.sub(r"\D", "", number) in digits or all(p in parts for p in re.split(r"\D+", number) if p):
            continue
        if sentence_dates and sentence_dates <= dates:
            continue
        return number
    return None


def _missing_names(sentence: str, known: set[str], language: Language) -> str | None:
    """The first capitalised word that is not among the passages' (or the question's) terms,
    compared as stems: "Städte" matches "Stadt", "Hildens" "Hilden". The first word of the
    sentence counts too (a sentence may start with a name); a capitalised function word ("Die",
    "Im") has no content term and passes."""
    for word in _WORD.findall(sentence):
        if not word[0].isupper():
            continue
        terms = content_terms(word, language)  # stopwords ("Die", "The") give none
        if terms and not any(term_matches(t, known) for t in terms):
            return word
    return None


def _refs(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)
