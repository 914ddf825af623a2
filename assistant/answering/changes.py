"""What changed between two versions of a statute (`passages.versions`), for a question that asks
(`Question.asks_change`): the provisions the newer version words otherwise, those it adds and
those it drops, each quoted from the version holding it ("Geändert: … [1] (zuvor: … [2])", "Neu:
…", "Entfallen: …"); where the question names what it asks about ("die Zahl der Mitglieder"), that
provision alone, changed or not ("Unverändert …").

The versions are compared sentence by sentence, word for word, line breaks and hyphenation at
them aside (`passages.flat`): their pages break at other places, so their chunks differ even
where their text does not. Retrieval brings every chunk of both versions for such a question
(`CouncilRetriever._compared_versions`)."""

from dataclasses import dataclass
from datetime import date

from assistant.answering.passages import (
    SHARED_WORDS,
    STATUTE,
    citation,
    flat,
    quote_span,
    term_matches,
    versions,
)
from assistant.answering.question import Question
from assistant.core.answers import Citation, Passage, Reply
from assistant.core.dates import german
from assistant.core.text import Language, content_terms, sentence_spans

MAX_CHANGES = 5  # changes listed for a question about all of them
_SAME_PROVISION = 0.5  # share of its words a sentence keeps when a provision is worded anew
_COVERED = 0.5  # share of the question's own words a provision must hold to be the one asked about
# Words of asking about a change, not about a provision.
_CHANGE_WORDS: dict[Language, set[str]] = {
    "de": set(
        content_terms(
            "geändert Änderung Änderungen unterscheidet unterscheiden Unterschied Unterschiede bisher "
            "bisherige gegenüber Vergleich Fassung Fassungen Version neu neue neuen alte alten ursprünglich "
            "inzwischen",
            "de",
        )
    ),
    "en": set(
        content_terms(
            "changed change changes differ differs difference differences compared version versions new old "
            "original previous",
            "en",
        )
    ),
}
_LABELS = {
    "de": {
        "intro": "Die Fassung vom {new} gegenüber der vom {old}:",
        "changed": "Geändert: {new} (zuvor: {old})",
        "added": "Neu: {new}",
        "dropped": "Entfallen: {old}",
        "kept": "Unverändert in den Fassungen vom {old} und {new}: {text}",
    },
    "en": {
        "intro": "The version of {new} compared with that of {old}:",
        "changed": "Changed: {new} (before: {old})",
        "added": "New: {new}",
        "dropped": "Removed: {old}",
        "kept": "Unchanged in the versions of {old} and {new}: {text}",
    },
}


@dataclass(frozen=True)
class _Sentence:
    passage: Passage
    start: int
    end: int
    flat: str  # one line, hyphenation at line breaks joined (`passages.flat`)
    terms: frozenset[str]


@dataclass(frozen=True)
class _Version:
    day: date
    passages: list[Passage]


@dataclass(frozen=True)
class _Change:
    new: _Sentence | None  # None: dropped
    old: _Sentence | None  # None: added

    @property
    def terms(self) -> frozenset[str]:
        return frozenset().union(*(s.terms for s in (self.new, self.old) if s))


def compared(question: Question, passages: list[Passage]) -> Reply | None:
    """The answer from the comparison of the two versions the question asks about: those of the
    years it names, else the two newest among the passages. None where it asks no change (nor
    names both versions' years), the passages hold no two versions of a statute, or neither a
    change nor an unchanged provision is about what it names."""
    pair = _versions_asked(question, passages)
    if pair is None or not (question.asks_change or all(v.day.year in question.years for v in pair)):
        return None
    language = question.language
    earlier, later = pair
    old, new = _sentences(earlier, language), _sentences(later, language)
    old_text, new_text = (" ".join(flat(p.own_text) for p in v.passages) for v in pair)
    changes = _paired([s for s in new if s.flat not in old_text], [s for s in old if s.flat not in new_text])
    # what the question names that the statute words at all ("Mitglieder"; not "Beiratssatzung")
    own = [t for t in _own_terms(question, later.passages[0]) if any(_holds(s.terms, t) for s in old + new)]
    if not own:
        return _composed(changes[:MAX_CHANGES], pair, language) if changes else None
    if asked := [c for c in changes if _covers(own, c.terms)]:
        return _composed(asked[:MAX_CHANGES], pair, language)
    kept = [s for s in new if s.flat in old_text and _covers(own, s.terms)]
    # the provision holding most of the question's words ("Die Stadtteilbeiräte bestehen aus 9
    # Mitgliedern" for "die Zahl der Mitglieder eines Stadtteilbeirats")
    best = max(
        kept,
        key=lambda s: (sum(_holds(s.terms, t) for t in own), sum(_holds(s.terms, t) for t in question.terms)),
        default=None,
    )
    before = next((s for s in old if best and s.flat == best.flat), None)
    if best is None or before is None:  # (the older version may hold it inside a longer sentence)
        return None
    text = _LABELS[language]["kept"].format(
        old=german(earlier.day), new=german(later.day), text=f"{best.flat} [1] [2]"
    )
    return Reply(text, [_cited(1, before), _cited(2, best)], False)


def _versions_asked(question: Question, passages: list[Passage]) -> tuple[_Version, _Version] | None:
    """The older and the newer version compared, of the statute of the best statute passage:
    those of the years the question names where it names two, else its two newest versions."""
    statute = next((p for p in passages if p.doc_type == STATUTE and p.meeting_date), None)
    if statute is None:
        return None
    by_day: dict[date, list[Passage]] = {}
    for p in passages:
        if p.meeting_date and versions(p, statute):
            by_day.setdefault(p.meeting_date, []).append(p)
    days = sorted(by_day)
    named = [d for d in days if d.year in question.years]
    chosen = named if len(named) == 2 else days[-2:]
    if len(chosen) < 2:
        return None
    return _Version(chosen[0], by_day[chosen[0]]), _Version(chosen[1], by_day[chosen[1]])


def _sentences(version: _Version, language: Language) -> list[_Sentence]:
    """The version's sentences in the order of its text, each once (chunks overlap); short ones
    (headings, "(2) Neu.") and the running head of its pages ("Satzung … Inkrafttreten:
    06.03.2020" on every page) left out."""
    found: dict[str, _Sentence] = {}
    pages: dict[str, set[int | None]] = {}
    for p in sorted(version.passages, key=lambda p: (p.page or 0, p.start)):
        for start, end in sentence_spans(p.own_text):
            text = flat(p.text[start:end])
            if len(text.split()) >= SHARED_WORDS:
                found.setdefault(
                    text, _Sentence(p, start, end, text, frozenset(content_terms(text, language)))
                )
                pages.setdefault(text, set()).add(p.page)
    return [s for text, s in found.items() if len(pages[text]) < 2]


def _paired(added: list[_Sentence], dropped: list[_Sentence]) -> list[_Change]:
    """Each added sentence with the dropped one that shares most of its words (the provision
    worded anew), else alone; dropped sentences no added one rewords are changes of their own."""
    changes, rest = [], list(dropped)
    for s in added:
        old = max(rest, key=lambda o: len(o.terms & s.terms), default=None)
        if old is not None and len(old.terms & s.terms) >= _SAME_PROVISION * max(
            len(s.terms), len(old.terms)
        ):
            rest.remove(old)
            changes.append(_Change(s, old))
        else:
            changes.append(_Change(s, None))
    return changes + [_Change(None, o) for o in rest]


def _own_terms(question: Question, statute: Passage) -> list[str]:
    """The nouns and names of the question that name what in the statute it asks about ("die
    Zahl der Mitglieder"): not the statute's title, a year, a place, nor the words of asking
    about a change."""
    title = set(content_terms(statute.title, question.language))
    places = {p.stem.lower() for p in question.places}
    return [
        t
        for t in question.terms
        if t in question.names
        and not term_matches(t, title)
        and t not in _CHANGE_WORDS[question.language]
        and not t[:1].isdigit()
        and not any(t.startswith(place[:5]) for place in places)
    ]


def _covers(own: list[str], terms: frozenset[str]) -> bool:
    return sum(_holds(terms, t) for t in own) >= _COVERED * len(own)


def _holds(terms: frozenset[str], term: str) -> bool:
    """`terms` hold `term` itself or a compound of it ("stadtteilbeirat" holds "beirat"), not
    merely a part of it ("beirat" does not hold "beiratssatz", as `term_matches` would have it)."""
    return term in terms or (
        len(term) >= 5 and any(len(t) > len(term) and (t.startswith(term) or t.endswith(term)) for t in terms)
    )


def _cited(n: int, s: _Sentence) -> Citation:
    return citation(n, s.passage, *quote_span(s.passage, s.start, s.end))


def _composed(changes: list[_Change], pair: tuple[_Version, _Version], language: Language) -> Reply:
    """One line a change, each sentence quoted from its version, in the newer version's order."""
    labels = _LABELS[language]
    citations: list[Citation] = []

    def quoted(s: _Sentence) -> str:
        citations.append(_cited(len(citations) + 1, s))
        return f"{s.flat} [{len(citations)}]"

    lines = []
    for c in changes:
        if c.new and c.old:
            lines.append(labels["changed"].format(new=quoted(c.new), old=quoted(c.old)))
        elif c.new:
            lines.append(labels["added"].format(new=quoted(c.new)))
        elif c.old:
            lines.append(labels["dropped"].format(old=quoted(c.old)))
    intro = labels["intro"].format(old=german(pair[0].day), new=german(pair[1].day))
    return Reply("\n".join([intro, *(f"- {line}" for line in lines)]), citations, False)
