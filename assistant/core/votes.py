"""Votes and decisions as council records print them, German and English.

A minute records a result in many spellings: Karlsruhe "Einstimmige Zustimmung (43 Ja,
2 Enthaltungen)", Erlangen "(Abstimmung 9:0 Stimmen)" or "einstimmig angenommen", Kent a roll
call spread over a page ("For (12)" … names … "Against (42)" … "Amendment lost."), Portland
"(Y-5) CONFIRMED", Cleveland "Passed. Yeas 15. Nays 0.". Each pattern below maps its phrase onto
the shared `Outcome` words and the counts it states, so "wie wurde abgestimmt" has one answer
shape whatever the council.

A section often states several results (amendments before the motion, a procedural vote
before the final one); `parse_vote` picks the one that decides the item, see its docstring.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# A recorded vote: counts ("25 Ja, 22 Nein", "For (12)", "mit 8 Stimmen") or a formal outcome
# ("einstimmig", "zur Kenntnis genommen", "Motion carried", Portland's "Y-5").
VOTE_RECORD = re.compile(
    r"\b\d+\s*(Ja|Nein)\b|\b\d+\s*Enthaltung|\b\d+\s+(Gegen)?[Ss]timmen|(einstimmig|mehrheitlich)e?\s+(Zustimmung|Ablehnung)"
    r"|\beinstimmig\b|\bmehrheitlich\b|zur Kenntnis genommen"
    r"|\b(For|Against|Abstain(ed)?)\b\W{0,3}\d+|\bcarried\b|\bunanimous|\bY-\d+|\b(Yeas|Nays)\s+\d+",
    re.I,
)
# Where a text records votes, by kind: a result or count in any council's spelling ("vote",
# VOTE_RECORD), counts as German and English minutes print them ("vote_count": "25 Ja",
# "For (12)"), one line of a roll call recorded line by line ("roll_call": "For (12)" … names …
# "Against (42)"), and the line that opens such a roll call ("roll_call_start").
VoteMarkKind = Literal["vote", "vote_count", "roll_call", "roll_call_start"]
VOTE_MARKS: dict[VoteMarkKind, re.Pattern[str]] = {
    "vote": VOTE_RECORD,
    "vote_count": re.compile(
        r"\b\d+\s*(?:Ja|Nein)\b|\b\d+\s*Enthaltung|\b\d+\s+(?:Gegen)?[Ss]timmen"
        r"|\b(?:For|Against|Abstain)\b\W{0,3}\d+|\b(?:Yeas|Nays)\s+\d+"
    ),
    "roll_call": re.compile(r"\b(?:For|Against|Abstain(?:ed)?)\b\W{0,3}\d+"),
    "roll_call_start": re.compile(r"^[ \t]*For\s*\(\d+\)", re.M),
}
DECISION_CHARS = 300

# What a vote or decision came to. German and English records map onto the same words:
# "Einstimmige Zustimmung" / "Motion carried" → approved, "zur Kenntnis genommen" → noted.
Outcome = Literal["approved", "rejected", "noted", "referred", "deferred", "withdrawn"]


@dataclass(frozen=True)
class Vote:
    """A decision or vote result stated in the text, e.g. "Einstimmige Zustimmung (43 Ja,
    2 Enthaltungen)" → Vote("approved", yes=43, abstain=2, unanimous=True, text=...).
    Counts are None where the text gives none."""

    outcome: Outcome
    text: str  # the phrase as printed
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    unanimous: bool = False


@dataclass(frozen=True)
class FoundVote:
    start: int
    vote: Vote
    strength: int  # 3: a stated result, 2: a result word, 1: inferred from the decision text
    amendment: bool = False  # Kent: a vote on an amendment, not on the substantive motion
    listed: bool = False  # one line of a German result list, where the main item comes first


def _counts(text: str) -> dict[str, int | None]:
    """Counts in German result brackets: "(43 Ja, 2 Enthaltungen)", "(5 Ja-Stimmen, 37 Nein-Stimmen)"."""

    def first(pattern: str) -> int | None:
        m = re.search(pattern, text, re.I)
        return int(m.group(1)) if m else None

    return {
        "yes": first(r"(\d+)\s*Ja\b"),
        "no": first(r"(\d+)\s*Nein\b"),
        "abstain": first(r"(\d+)\s*Enthaltung"),
    }


def _german_result(m: re.Match[str]) -> FoundVote:
    # "Einstimmige Zustimmung (43 Ja, 2 Enthaltungen)", "mehrheitliche Ablehnung (5 Ja, 42 Nein)"
    outcome: Outcome = "approved" if m.group("dir").lower() == "zustimmung" else "rejected"
    counts = _counts(m.group("tail"))
    unanimous = m.group("kind").lower().startswith("ein")
    return FoundVote(
        m.start(), Vote(outcome, _squash(m.group(0)), unanimous=unanimous, **counts), 3, listed=True
    )


def _ratio(m: re.Match[str]) -> FoundVote:
    # Erlangen "(Abstimmung 9:0 Stimmen)", "stellt mit 8 zu 0 Stimmen folgenden Antrag"
    yes, no = int(m.group(1)), int(m.group(2))
    return FoundVote(
        m.start(), Vote("approved" if yes > no else "rejected", _squash(m.group(0)), yes=yes, no=no), 3
    )


def _german_word(m: re.Match[str]) -> FoundVote:
    # "Der Antrag wird einstimmig angenommen.", "mehrheitlich abgelehnt", "mit 8 Stimmen einstimmig"
    phrase = m.group(0)
    rejected = re.search(r"abgelehnt|Ablehnung|dagegen", phrase, re.I)
    yes = re.search(r"mit (\d+) (?:Ja-)?Stimmen", phrase)
    vote = Vote(
        "rejected" if rejected else "approved",
        _squash(phrase),
        yes=int(yes.group(1)) if yes else None,
        unanimous=bool(re.search(r"einstimmig", phrase, re.I)),
    )
    return FoundVote(m.start(), vote, 2)


def _outcome_word(outcome: Outcome, strength: int) -> Callable[[re.Match[str]], FoundVote]:
    return lambda m: FoundVote(m.start(), Vote(outcome, _squash(m.group(0))), strength)


def _roll_call(m: re.Match[str], text: str, since: int) -> FoundVote:
    # Kent: "For (12)" … "Against (42)" … "Abstain (7)" … "Amendment lost." — the counts stand
    # before the result line, separated by the lists of names.
    window = text[max(since, m.start() - 4000) : m.start()]

    def count(word: str) -> int | None:
        found = re.findall(rf"^[ \t]*{word}\s*\((\d+)\)", window, re.M)
        return int(found[-1]) if found else None

    yes, no, abstain = count("For"), count("Against"), count(r"Abstain(?:ed|ing)?")
    outcome: Outcome = "approved" if m.group("res").lower() in ("carried", "agreed") else "rejected"
    parts = [f"{w} ({n})" for w, n in (("For", yes), ("Against", no), ("Abstain", abstain)) if n is not None]
    phrase = " … ".join([*parts, _squash(m.group(0))])
    unanimous = bool(re.search(r"unanimous", m.group(0), re.I))
    amendment = m.group("subject").lower().startswith("amendment")
    return FoundVote(m.start(), Vote(outcome, phrase, yes, no, abstain, unanimous), 3, amendment)


def _resolved(m: re.Match[str]) -> FoundVote:
    # Kent "RESOLVED that the Leader's report be noted." / "RESOLVED that Cabinet agree to …"
    noted = re.search(r"\bnote[sd]?\b", m.group(0)) and not re.search(r"\b(agree|approve|adopt)", m.group(0))
    return FoundVote(m.start(), Vote("noted" if noted else "approved", _squash(m.group(0))), 1)


_PORTLAND_DISPOSITION: list[tuple[str, Outcome]] = [
    (r"PASSED TO\s+SECOND READING", "deferred"),
    (r"REFERRED TO", "referred"),
    (r"PLACED ON FILE", "noted"),
    (r"CONTINUED|RESCHEDULED", "deferred"),
    (r"WITHDRAWN", "withdrawn"),
    (r"FAILED", "rejected"),
]


def _portland(m: re.Match[str]) -> FoundVote:
    # "(Y-5) CONFIRMED", "(Y-5) 184349" (the ordinance number it passed as), "(Y-4; N-1)"
    outcome: Outcome = "approved"
    for pattern, word in _PORTLAND_DISPOSITION:
        if re.search(pattern, m.group("disp") or ""):
            outcome = word
    yes = int(m.group("y")) if m.group("y") else None
    no = int(m.group("n")) if m.group("n") else (0 if yes is not None else None)
    strength = 3 if yes is not None else 2
    return FoundVote(m.start(), Vote(outcome, _squash(m.group(0)), yes=yes, no=no), strength)


def _cleveland(m: re.Match[str]) -> FoundVote:
    # "Passed. Yeas 15. Nays 0.", "Adopted.", "Received.", "Referred to Committee on Finance."
    word = m.group("word")
    outcomes: dict[str, Outcome] = {"Passed": "approved", "Adopted": "approved", "Received": "noted"}
    outcome = outcomes.get(word, "referred")
    yes = int(m.group("yeas")) if m.group("yeas") else None
    no = int(m.group("nays")) if m.group("nays") else None
    strength = 3 if yes is not None else 2
    return FoundVote(m.start(), Vote(outcome, _squash(m.group(0)), yes=yes, no=no), strength)


def _portland_bare(m: re.Match[str]) -> FoundVote:
    # A disposition without a roll call: "PASSED TO SECOND READING", "REFERRED TO COMMISSIONER …"
    outcome = next(o for p, o in _PORTLAND_DISPOSITION if re.match(p, m.group("disp")))
    return FoundVote(m.start(), Vote(outcome, _squash(m.group(0))), 2)


def _cleveland_any(m: re.Match[str]) -> FoundVote:
    if m.group("word2"):
        return FoundVote(m.start(), Vote("referred", _squash(m.group(0))), 2)
    return _cleveland(m)


# (pattern, handler). Handlers turn a match into a found vote.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], FoundVote]]] = [
    (
        re.compile(
            r"\b(?P<kind>einstimmige?|mehrheitliche?)\s+(?P<dir>Zustimmung|Ablehnung)\b\.?"
            r"(?P<tail>(?:[ \t]*\([^()\n]{0,60}\))*)",
            re.I,
        ),
        _german_result,
    ),
    (re.compile(r"\bAbstimmung:?\s*(\d{1,3})\s*:\s*(\d{1,3})(?:\s*Stimmen)?"), _ratio),
    (re.compile(r"\b(\d{1,3})\s+zu\s+(\d{1,3})\s+Stimmen\b"), _ratio),
    (
        re.compile(
            r"[^.\n]{0,60}?\b(?:einstimmig|mehrheitlich)\b[^.\n]{0,60}?"
            r"\b(?:beschlossen|angenommen|zugestimmt|abgelehnt|befürwortet|Beschluss gefasst"
            r"|dafür|für|an\b|folgenden)",
            re.I,
        ),
        _german_word,
    ),
    (re.compile(r"[^.\n]{0,60}?\bbefürwortet\b[^.\n]{0,40}?\beinstimmig\b"), _german_word),
    (
        re.compile(r"\bzur Kenntnis genommen|\bKenntnisnahme\b|\bnimmt\b[^.]{0,80}?\bKenntnis\b"),
        _outcome_word("noted", 1),
    ),
    (
        re.compile(r"\b(?:wird|wurde|ist)\s+vertagt\b|(?<=:)\s*vertagt\b|\bzurückgestellt\b"),
        _outcome_word("deferred", 2),
    ),
    (re.compile(r"\b(?:wird|wurde|ist)\s+zurückgezogen\b"), _outcome_word("withdrawn", 2)),
    # A RIS's result field: "Beschluss: angenommen mit Änderungen", "abgesetzt" (taken off the agenda)
    (
        re.compile(r"(?<=:)\s*angenommen(?:\s+mit\s+Änderungen)?\b|\bangenommen mit Änderungen\b"),
        _outcome_word("approved", 2),
    ),
    (
        re.compile(r"(?<=:)\s*abgesetzt\b|\b(?:wird|wurde|ist)\s+(?:von der Tagesordnung\s+)?abgesetzt\b"),
        _outcome_word("withdrawn", 2),
    ),
    (
        re.compile(r"\bverwiesen\b|^Beratung im [^\n]{0,80}?(?:[Aa]usschuss|[Bb]eirat)[^\n]{0,60}", re.M),
        _outcome_word("referred", 1),
    ),
    (
        re.compile(r"\bRESOLVED\b[^.]{0,200}"),
        _resolved,
    ),
    (
        re.compile(
            r"\b(?:carried|agreed)\s+unanimously\b|\bunanimously\s+(?:agreed|resolved|approved|carried)\b",
            re.I,
        ),
        lambda m: FoundVote(m.start(), Vote("approved", _squash(m.group(0)), unanimous=True), 2),
    ),
    (
        re.compile(
            r"\((?:Y-(?P<y>\d+)(?:;\s*N-(?P<n>\d+))?)\)(?:[ \t]*\(Y-\d+\))*[ \t]*"
            r"(?P<disp>PASSED TO\s+SECOND READING|REFERRED TO(?:\s+[A-Z&]+)*|PLACED ON FILE|CONFIRMED|ADOPTED"
            r"|ACCEPTED(?: AS AMENDED)?"
            r"|SUBSTITUTE PASSED TO\s+SECOND READING|CONTINUED|RESCHEDULED|WITHDRAWN|FAILED|\d{6})?"
        ),
        _portland,
    ),
    (
        re.compile(r"(?P<disp>PASSED TO\s+SECOND READING|REFERRED TO(?:\s+[A-Z&]+)*|PLACED ON FILE)\b"),
        _portland_bare,
    ),
    (
        re.compile(
            r"\b(?P<word>Passed|Adopted|Received)\.(?:\s+Yeas\s+(?P<yeas>\d+)\.\s+Nays\s+(?P<nays>\d+)\.)?"
            r"|\b(?P<word2>Referred) to (?:Committees? |Directors? )[^.\n]{0,80}\."
        ),
        _cleveland_any,
    ),
]

ROLL_CALL_RESULT = re.compile(
    r"(?P<subject>(?:Substantive\s+)?(?:Motion|Amendment|Recommendation)s?)(?:,?\s+as amended,?)?\s+"
    r"(?:was\s+|were\s+)?(?P<res>carried|lost|agreed|defeated|fell)\b(?:\s+unanimously)?",
    re.I,
)


def find_votes(text: str) -> list[FoundVote]:
    """Every vote or result phrase in `text`, in text order."""
    found = [handler(m) for pattern, handler in _PATTERNS for m in pattern.finditer(text)]
    previous = 0
    for m in ROLL_CALL_RESULT.finditer(text):
        found.append(_roll_call(m, text, previous))
        previous = m.end()
    # One phrase can match two patterns ("einstimmige Zustimmung" and the word pattern): keep
    # the stronger reading of each stretch of text.
    found.sort(key=lambda f: (f.start, -f.strength))
    out: list[FoundVote] = []
    for f in found:
        if out and f.start < out[-1].start + len(out[-1].vote.text) and f.strength <= out[-1].strength:
            continue
        out.append(f)
    return out


def parse_vote(text: str) -> Vote | None:
    """The result that decides the item `text` is about, or None where it states none.

    Which of several results counts: after a heading "Abstimmungsergebnis" the first one (the
    main item precedes its sub-items: "TOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)"
    before "TOP 14.1 mehrheitliche Ablehnung"); otherwise the last of the most explicit kind,
    votes on the substantive motion before votes on amendments (Kent votes on the amendments
    first and on the motion last; Cleveland suspends the rules, then passes).

    >>> vote = parse_vote("Abstimmungsergebnis:\\nEinstimmige Zustimmung (43 Ja, 2 Enthaltungen)")
    >>> vote.outcome, vote.yes, vote.abstain, vote.unanimous
    ('approved', 43, 2, True)
    >>> parse_vote("For (12)\\nMr Baldock\\nAgainst (42)\\nMr Baker\\nAbstain (7)\\nAmendment lost.").no
    42
    """
    found = find_votes(text)
    if not found:
        return None
    label = re.search(r"^[ \t]*Abstimmungsergebnis(?:se)?\s*:", text, re.M)
    if label:
        # The result list right under the label; where it says "Keine Abstimmung", what the
        # Beschluss above says (Kenntnisnahme, Beratung im Ausschuss). Never the debate below.
        listed = [f for f in found if label.end() <= f.start < label.end() + 300]
        if listed:
            return listed[0].vote
        found = [f for f in found if f.start < label.start()]
        if not found:
            return None
    best = max(f.strength for f in found)
    strongest = [f for f in found if f.strength == best]
    if all(f.listed for f in strongest):
        return strongest[0].vote
    substantive = [f for f in strongest if not f.amendment]
    return (substantive or strongest)[-1].vote


_DECISION_LABEL = re.compile(r"^[ \t]*Beschluss(?:[ \t]+[A-ZÄÖÜ][\wÄÖÜäöüß]*)?[ \t]*:[ \t]*", re.M)
_DECISION_SENTENCE = re.compile(
    r"(?:^|(?<=[.:]\s))(?:\(\d+\)\s*|\d+\)\s*|\d+\.\s*)?"
    r"(?:(?:Der|Die|Das)\s+[\wÄÖÜäöüß-]*(?:rat|ausschuss|[Bb]eirat|tag|StBR|mitglieder)\b[^.\n]{0,40}?\s+"
    r"(?:beschließt|beschließen|beschloss|hat\s+beschlossen|stimm(?:t|en)|nimmt|nehmen)\b|RESOLVED\b)",
    re.M,
)
_DECISION_END = re.compile(r"\n[ \t]*(?:Abstimmungsergebnis|Der Vorsitzende ruft)|\n[ \t]*\n[ \t]*\n")


def find_decision(text: str) -> str | None:
    r"""The decision (Beschluss) as printed, its first ~300 characters: the text after a
    "Beschluss:" label, else the sentence "Der Gemeinderat beschließt …" / "RESOLVED that …".

    >>> find_decision("Beschluss:\nDer Gemeinderat beschließt die Satzung.\n\nAbstimmungsergebnis:\n…")
    'Der Gemeinderat beschließt die Satzung.'
    """
    m = _DECISION_LABEL.search(text) or _DECISION_SENTENCE.search(text)
    if not m:
        return None
    start = m.end() if m.re is _DECISION_LABEL else m.start()
    rest = text[start : start + 3 * DECISION_CHARS]
    end = _DECISION_END.search(rest)
    if m.re is _DECISION_LABEL:
        # A labelled Beschluss is one paragraph ("Beschluss StBR: keiner, Information", then
        # the signatures); Kent's RESOLVED runs on over its numbered clauses.
        blank = re.search(r"\S\s*?\n[ \t]*\n", rest)
        if blank and (not end or blank.end() < end.start()):
            end = re.compile(r"\n[ \t]*\n").search(rest, blank.start())
    decision = re.sub(r"^\(?\d+[.)]\s*", "", _squash(rest[: end.start()] if end else rest))
    if len(decision) > DECISION_CHARS:
        cut = max(decision.rfind(". ", 0, DECISION_CHARS), decision.rfind("; ", 0, DECISION_CHARS))
        decision = (
            decision[: cut + 1] if cut > DECISION_CHARS // 2 else decision[:DECISION_CHARS].rstrip() + " …"
        )
    return decision or None


def printed_at(text: str, printed: str) -> tuple[int, int] | None:
    r"""Where a phrase read off the text (a Beschluss, whitespace squashed, perhaps cut with " …";
    a vote result) stands in `text`, across its line breaks; None where it is not printed there.

    >>> printed_at("Beschluss:\nDer Rat beschließt\ndie Satzung.", "Der Rat beschließt die Satzung.")
    (11, 42)
    """
    words = _squash(printed).removesuffix(" …").split(" ")[:40]
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
