"""The extractive answerer: no LLM. It picks the sentences of the retrieved passages that answer
the question, quotes them verbatim with numbered citations, and abstains when the passages do
not cover what was asked.

How a sentence is scored: the sentence model (`sentence_model.py`, a logistic regression fitted
on the tuning half of the gold set by `eval.fit_sentences`) weighs what `_features` reads off it:
- coverage: the weighted share of the question's content words found in the sentence. Weights
  are inverse document frequencies over all candidate sentences, so a rare word ("KOMM-AN",
  "Grundsteuerreform") counts more than one found everywhere ("Stadt"). German compounds match
  by their head or stem: "Städte" ↔ "Stadtverwaltungen", "Mittel" ↔ "Fördermittel". Words the
  passage's metadata already accounts for (committee, date, agenda item) do not count against
  a sentence: "am 22.10.2024 im Gemeinderat" locates the vote line, it is not repeated in it.
- context: the same share over the whole passage and its metadata; held names: the share of the
  question's capitalised words (names, bodies) the passage holds.
- nearness: how much less similar to the question than the nearest passage, in e5 cosine × 10;
  rank: the passage's retrieval rank.
- answer type: a question asking "how many", "when", "who/which" or "how was voted" prefers
  sentences carrying a number, a date, names or a vote result that the question does not; for
  vote, number and date questions the lead sentence must carry one.
- for decision and vote questions, minutes outrank the proposals that preceded them, and the
  printed Beschluss of the item counts.
- reported questions ("bittet um Mitteilung, welche …", "asked whether …"), headings, call-up
  formulas ("Der Vorsitzende ruft TOP 14 auf") and one speaker's view (first person) are marked;
  the last two never lead an answer to what was decided.
- the prior: the hand-set score used before the model (`_prior`), one feature among the others.

What the answer holds:
- the best sentence, widened by the sentence before or after it where that carries the kind of
  fact asked for or question words the answer lacks;
- further sentences that cover question words the first does not, or score nearly as well;
- for vote questions, the parsed result (`Passage.facts.votes`, read at ingest by
  `assistant.core.votes.find_votes`) of the best-matching agenda item, headed by that item: a
  whole result block ("TOP 14: … TOP 14.1: …") or a roll call ("For (57) … Against (0) …
  Abstain (2) … Motion carried", with the names of the side asked about), plus the decision
  sentence of the same item;
- for other questions on what was decided, the item's Beschluss and vote result from the stored
  structure, quoted where printed (`_recorded_decision`);
- for a question that asks two things ("Wann …, und welcher Termin …?", `Question.parts`), the
  answer to the whole, completed by the lead sentence of each part's own answer (from the
  passages of the meeting the part names, where it names one) where it lacks it; where the
  whole finds nothing, the parts' answers, one saying so for a part not found;
- for a question on two or more meetings ("im November 2024 und im Juni 2025"), the answer for
  each from its own passages, one line each, headed by the date as the question wrote it;
- for questions asking for several things, up to `max_list_sentences`, one line per document;
  from documents of different dates on one matter, each sentence says which state it gives.

The assistant abstains when no sentence carries the required kind of fact, when the best
sentence's probability is below the model's `min_probability`, when the best passage is far from
the question in the embedding space (`min_passage_score`), when the passages of the answer cover
less than `min_coverage` of the question, or when a date or number the question names (a year,
an item, a file number) is not in them: then it says so, names what is missing, and asserts
nothing. A vote question on an item only taken note of is corrected instead, and counts as
declined too.
"""

import dataclasses
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.answering.changes import compared
from assistant.answering.passages import (
    CHAIR_LINE,
    OFFICE_LINE,
    VENUE_LINE,
    announces_list,
    citation,
    dates_of,
    ends_in_field_label,
    in_signature_block,
    item_words,
    metadata_text,
    one_line,
    quote_span,
    same_item,
    term_matches,
    versions,
    where_text,
)
from assistant.answering.question import PERSON_TITLE, PresumedResult, Question, missing_places, party_pattern
from assistant.answering.question_filters import (
    Period,
    committee_patterns,
    meeting_dates,
    meeting_day,
    meeting_periods,
    named_item,
)
from assistant.answering.sentence_model import SentenceModel
from assistant.core.answers import Citation, Passage, Reply
from assistant.core.dates import YEAR, date_mentions, spoken, without_dates
from assistant.core.doc_types import ANNOUNCEMENTS, DECISION_RECORDS, MEETING_RECORDS, REQUESTS
from assistant.core.documents import AgendaItem
from assistant.core.settings import AnswerSettings
from assistant.core.text import LIST_ITEM, Language, content_terms, sentence_spans
from assistant.core.votes import FoundVote, printed_at

ABSTAIN = {
    "de": "Dazu finde ich in den vorliegenden Dokumenten keine Angabe.",
    "en": "The documents available to me do not answer this question.",
}

# A person named with a title or form of address: "Mr G Cooke", "Oberbürgermeister Dr. Frank Mentrup".
_TITLED_PERSON = rf"\b{PERSON_TITLE}\.?\s+(?:(?:Dr|Prof)\.\s+|[A-Z]\.?\s+){{0,3}}[A-ZÄÖÜ][a-zäöüß]+"
# What makes a sentence carry a number or names (votes and dates it carries are read at ingest:
# `Passage.facts`).
_SENTENCE_HAS = {
    "clock": re.compile(
        r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:Uhr\b|[ap]\.\s?m\.|[ap]m\b)|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b",
        re.I,
    ),
    "number": re.compile(
        r"\b(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|hundert)(?:mal|fach)?\b"
        r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|once|twice)\b",
        re.I,
    ),
    "amount": re.compile(
        r"(?:€|\bEUR\b|\bEuro\b|£|\$)\s*\d|\d[\d.,]*\s*(?:[kKmM]\b|T€|TEUR\b|Tsd\.|Mio\.?|Millionen|Mrd\.?|Milliarden"
        r"|million|billion)?\s*(?:€|\bEUR\b|\bEuro\b|\bCent\b|\bcents?\b|\bpence\b|\bpounds?\b|\bdollars?\b|£)"
    ),
    "reason": re.compile(
        r"\b(?:weil|da|denn|daher|deshalb|deswegen|darum|aufgrund|(?-i:wegen)|angesichts|zumal|sodass|Grund|Gründen?"
        r"|begründet|because|since|due\s+to|owing\s+to|therefore|as\s+a\s+result|reasons?)\b"
        r"|\bum\s+(?:\w+\s+){0,8}zu\s+\w+"
        # a constraint: what may not or cannot be done, what a rule provides or requires ("Der
        # Oberbürgermeister darf und kann in seiner Rolle … nicht … tätig werden", "Die Gemeindeordnung
        # sieht in § 40 vor, dass …", "there is no such requirement")
        r"|\b(?:darf|dürfen|durfte|kann|können|konnte)\b[^.]{0,80}\bnicht\b|\b(?:cannot|can\s*not|may\s+not|must\s+not)\b"
        r"|\bnicht\s+(?:möglich|zulässig|erlaubt|vorgesehen|sinnvoll|wirtschaftlich)\b|\bsieht\b[^.]{0,80}\bvor\b"
        r"|\bvorgeschrieben\b|\bverpflichtet\b|\berl[io]sch|\bnot\s+(?:possible|permitted|allowed|required|feasible)\b"
        r"|\bno\s+(?:such\s+)?requirement\b|\bis\s+required\b"
        # "Wegen" in capitals opens a sentence; within one it is the noun ("Straßen, Wegen und Plätzen")
        r"|^\s*Wegen\b",
        re.I,
    ),
    "chair": CHAIR_LINE,
    "venue": VENUE_LINE,
    "office": OFFICE_LINE,
    # the record of an item's debate: none held, or a speaker's turn ("Stadträtin Uysal (SPD): …")
    "debate": re.compile(
        r"Wortmeldung|\bAussprache\b|\bohne\s+(?:Diskussion|Debatte)\b|\bwithout\s+(?:debate|discussion)\b"
        rf"|\bspoke\b|^\s*{PERSON_TITLE}\s+[^:\n]{{2,60}}:",
        re.I | re.M,
    ),
    # a person asking ("SE Esser bittet um nähere Erläuterungen …", "Mr Hood asked whether …")
    "asker": re.compile(
        rf"\b{PERSON_TITLE}\.?\s+(?:[A-ZÄÖÜ][\w.-]*\s+){{0,3}}?(?:[A-ZÄÖÜ][\w-]+)[^.?!]{{0,40}}?"
        r"\b(?:bittet|bat|fragt|fragte|erkundigt|erkundigte|möchte\s+wissen|wollte\s+wissen|asked|enquired|queried)\b"
    ),
    # several names, a person named with a title ("Mr G Cooke", "Stadträtin Kögler"), or an office
    # of the administration ("Die Geschäftsführung obliegt dem Stadtplanungsamt.")
    "names": re.compile(
        rf"[A-ZÄÖÜ][\wäöüß.-]+(?:,\s*[A-ZÄÖÜ][\wäöüß.-]+)*,?\s+(und|and|sowie)\s+[A-ZÄÖÜ]|{_TITLED_PERSON}"
        r"|\b[A-ZÄÖÜ][\wäöüß-]*(?:amt|ämter|behörde|dezernat|referat|kämmerei)\b"
    ),
    # the holder of an office: a person named with a title ("Oberbürgermeister Dr. Frank Mentrup")
    "holder": re.compile(_TITLED_PERSON),
    # a role or office ("Amtsleiter des Amtes für Soziokultur", "Quartiersmanagerin", "President of
    # Council", "Director of Law")
    "function": re.compile(
        r"\w*(?:(?:leiter|manager|referent|direktor|sprecher|koordinator|präsident|bürgermeister|dezernent"
        r"|geschäftsführer|vorsteher)(?:in)?|leitung|beauftragter?|vorsitzender?|stadtr(?:at|ätin))\b"
        r"|\b(?:Director|President|Mayor|Clerk|Commissioner|Chief|Chair(?:man|woman|person)?|Manager|Officer"
        r"|Secretary|Treasurer|Councill?or|Council\s+Member|Leader|Head|Assistant|Administrator|Controller)\b",
        re.I,
    ),
}
# Words that name the kind of fact asked for, not the topic ("Stimmenverhältnis", "wie oft",
# "Anzahl", "wie viel Geld"): the answer-type check stands in for them, so they do not count in coverage.
_FRAME_TERM = re.compile(
    r"^(?:viel|oft|anzahl|hoch|hoh|betrag|summ|many|much|often|number|amount|stimm(?!engleich|recht|berecht|ung)|abstimm|abgestimmt"
    r"|stimmenverh|ja-stimm|nein-stimm|gegenstimm|vote|vot|beschl|ergebnis|result|datum|date|nam|geld$|money"
    # how a question says that something took place or what it was about ("Wann fand … statt?",
    # "… in der es um … ging", "Where was … held?")
    r"|fand$|find$|statt$|stattfind|stattgefund|ging$|geht$|worum$|held$)"
)
# How a vote question says that a motion got its votes ("Wie viele Ja-Stimmen bekam …?", "How many
# votes did … receive?") or how the vote turned out ("Wie fiel die Abstimmung aus?", "… ausgegangen?",
# "How did the vote go?"): the vote line answers it without the verb.
_VOTES_RECEIVED = re.compile(
    r"^(?:bekam|bekomm|erhielt|erhalt|receiv|got$|gained|fiel$|ausgefall|ausgegang|went$|go$|turn$)"
)
# Question types the lead sentence of an answer must satisfy, the first that applies: a vote
# question is not answered by a sentence without a vote result ("wie viele Ja-Stimmen" wants the
# vote line, not any number), a question on money not by one without an amount in a currency, a
# "how many" question not by one without a number, one on who chaired a meeting not by one that
# names no chair ("PRESENT: Mr G Cooke (Chairman)", `CHAIR_LINE`), one on who holds an office
# not by one naming no person with a title ("Der Oberbürgermeister kann …"), one on where it took place not
# by one that names no venue (`VENUE_LINE`), one on who signed a record not by a sentence outside
# its signature block (`in_signature_block`), one on the time of day not by one without a clock time
# ("15:30 Uhr"), a why-question not by one that gives no reason, one on the office in charge of a
# paper not by one without its header field (`OFFICE_LINE`), one whether anyone spoke on an item
# not by one that records no debate. Measured on the
# gold set: putting "number" first loses three vote questions to win one ("how many people voted").
_STRICT_TYPES = (
    "vote",
    "chair",
    "holder",
    "venue",
    "signature",
    "office",
    "debate",
    "asker",
    "clock",
    "amount",
    "number",
    "date",
    "reason",
)
# Kinds of fact that are quantities: a question on one is answered by it, not by the Beschluss
# that states it among much else ("What total Council Tax requirement did Kent agree?").
_QUANTITIES = ("amount", "number")
# Kinds of fact a meeting's record states in its header or signature block: who chaired it, where
# it took place, who signed the record.
_MEETING_HEADER = ("chair", "venue", "signature")
# Kinds of fact an invitation or agenda states of its meeting: when it begins and ends, where it is
# held, who chairs it.
_ANNOUNCED = ("chair", "venue", "clock")
MAX_LIST_ITEMS = 8
# How a vote result quoted apart from its Beschluss is introduced.
_RESULT = {"de": "Abstimmungsergebnis", "en": "Vote"}
# A meeting's agenda is listed from a document of at least this many items, at most this many lines.
MIN_AGENDA_ITEMS = 3
MAX_AGENDA_ITEMS = 30
_AGENDA = {"de": "Tagesordnung", "en": "Agenda"}
_RESULT_LABEL = re.compile(r"^Beschluss:\s*")
# Where an invitation's agenda starts ("Öffentliche Tagesordnung", "A G E N D A"), and its numbered
# lines, each with the line that continues it ("2. Declarations of … Other\nSignificant Interests …").
_AGENDA_HEADING = re.compile(r"Tagesordnung|\bA\s?G\s?E\s?N\s?D\s?A\b")
_AGENDA_LINE = re.compile(
    r"(?m)^[ \t]*(?:TOP[ \t]*)?\d{1,2}(?:\.\d{1,2})?[.)]?[ \t]+\S.*(?:\n(?![ \t]*[\d•–-])[ \t]*\S.*)?"
)
_AGENDA_GAP_CHARS = 40  # blank lines between items, more ends the list
_MORE_ITEMS = {"de": "… und {n} weitere Tagesordnungspunkte", "en": "… and {n} more items"}
# Meetings that heard one agenda item, whose results a decision answer gives (the latest first).
MAX_HEARINGS = 3
# A sentence sharing this much of its words with one said before adds nothing (`_repeats`).
REPEATED_SHARE = 0.8
_YES_NO_WORDS = {"de": ("Ja", "Nein"), "en": ("Yes", "No")}
# A part of a question the passages do not answer, in an answer to the other parts.
_NOT_ANSWERED = {"de": "Zu „{part}“: {reply}", "en": "On “{part}”: {reply}"}
_MARKER = re.compile(r"\[(\d+)\]")
# An answer's sentences: each ends with its citation marker (list lines end with one too).
_SEGMENT = re.compile(r"(?<=\])\s+(?=\S)")
# How a sentence from the newest (True) or an earlier (False) document on one matter is headed.
_STATE = {
    "de": {True: "Stand {day}", False: "Zuvor ({day})"},
    "en": {True: "As of {day}", False: "Earlier ({day})"},
}
# Cosine similarities of e5 to a question spread over about 0.1 among the retrieved passages:
# ten times the gap to the nearest passage puts nearness on the scale of word coverage (0–1).
_NEARNESS_SCALE = 10.0
# A title the question quotes ('den CDU-Antrag "Grüne Welle für Karlsruhe"'): its words are a
# premise. A title begins with a capital or a digit; 'Welche "weiteren Themen" …' only stresses words.
_QUOTED_TITLE = re.compile(
    r'["„“”«»]([A-ZÄÖÜ0-9][^"„“”«»]{2,99}?)["“”«»]'
    # in single quotes, which an apostrophe ("Kent's", "'s") never opens or closes
    r"|(?<!\w)['‚‘]([A-ZÄÖÜ0-9][^'‚‘’\n]{2,99}?)['‘’](?!\w)"
)
# A span of years a question names ("2020/2021") is one of its years where no longer than this.
_YEAR_SPAN = 10
# Numbers and identifiers as written in questions: "2023", "TOP 14", "50/004/2021", "518-16", and
# amounts with thousands separators, whole ("25.000", "1,530").
_NUMBER = re.compile(
    r"(?<![\d/.,-])[1-9]\d{0,2}(?:(?:\.\d{3})+|(?:,\d{3})+)(?![\d])|(?<![\d/-])[1-9]\d*(?:[/-]\d+)*(?![\d/-])"
)
# Which side of a roll call a question asks to be named: "Who voted against …", "Wer enthielt sich".
_ROLL_CALL_SIDES = {
    "Against": re.compile(r"\bagainst\b|\bdagegen\b|\bgegen\s+(?:den|die|das)\b|\bopposed\b", re.I),
    "Abstain": re.compile(r"\babstain|\benthalt|\benthielt", re.I),
    "For": re.compile(r"\bwho\b.*\bvoted\s+for\b|\bin favour\b|\bdafür\b", re.I),
}
# How a record that lists the voters after its result line names each side ("Those voting nay:").
_VOTING_SIDE = {"Against": "nay", "For": "yea"}
# A question about an amendment, not the motion it amends.
_AMENDMENT = re.compile(r"\bamendment|änderungsantrag|ergänzungsantrag", re.I)
# How far before a vote line the motion it decides is looked for.
_VOTE_CONTEXT_CHARS = 800
# A title line is at most this long.
_HEADING_CHARS = 120
# Lines of one result block follow each other closely.
_RESULT_LINE_CHARS = 200
# A sentence that opens by referring back ("Gleiches gilt für …", "Dies betrifft …", "Aus diesem
# Grund …", "They …") says nothing without the one before it.
_REFERS_BACK = re.compile(
    r"^(?:Gleiches|Dasselbe|Ebenso|Dies(?:e[rsnm]?)?|Hier(?:zu|für|bei|mit|durch)|Dafür|Dazu|Damit|Davon"
    r"|Daher|Deshalb|Deswegen|Darum|Folglich|Aus (?:diesem|diesen) Gr(?:und|ünden)|Er|Sie"
    r"|This|These|It|They|Such|The same|He|She|Therefore|Hence|Thus|For (?:this|these) reasons?)\b"
)
_REPORTED_QUESTION = re.compile(
    r"\?|\bbittet\b[^.]*\bum\b|\bfragt\b|\berkundigt sich\b|\bwelche[nmrs]?\b|\bwie viele\b|\bob\b"
    r"|\basked\b|\bwhether\b|\bhow many\b",
    re.I,
)
# The chair calling up an item or moving on: a formula, not what was decided.
_CALL_UP = re.compile(
    r"\bruft\b.{0,80}\bauf\b|\bkommen\s+(?:nun\s+)?zu(?:m|r)?\b|\bnächste[nr]?\s+(?:Punkt|Tagesordnungspunkt)"
    r"|\b(?:next|following)\s+item\b|\bitem\s+\d+\s+(?:was\s+)?(?:called|taken)\b|\bmoved\s+on\s+to\b",
    re.I,
)
# One speaker's view: first person, as speeches in minutes and verbatim transcripts are recorded.
_SPEAKER = re.compile(r"\b(?:(?i:ich|wir|uns|unsere?[nmrs]?|mein[enmrs]?|we|our|my|me)|I)\b")
# A number that counts: not an ordinal ("2. Sitzung", "3. Nachtrag" name which one, not how
# many), nor a clock time ("18:30 Uhr", "7 p.m.", "2pm": the group matches them and is empty),
# nor a part of a file number ("Vorlage 2024/1079").
_COUNT = re.compile(
    r"\b\d{1,2}(?:[:.]\d{2})?(?:\s*(?:Uhr\b|[ap]\.m\.)|[ap]m\b)|(?<![\d/])(\d+)(?!\d|/\d|\.\s+[A-Za-zÄÖÜäöü])",
    re.I,
)
# A number that labels an agenda item, a paragraph or an annex ("TOP Ö 17.2", "Punkt 8 der
# Tagesordnung", "§ 3", "Anlage 2"): no count.
_LABEL = re.compile(
    r"\b(?:TOP|Tagesordnungspunkt|Punkt|Item|Ziffer|Nr\.|No\.|Anlage|Appendix|Abbildung|Tabelle)\s*(?:[ÖN]\s+)?"
    r"\d+(?:\.\d+)*[a-z]?\b|§+\s*\d+[a-z]?\b",
)
# A year that names a time ("im Wintersemester 2021/22", "seit 2013"), not one of a file number
# ("Vorlage 2024/1059", "Antrag 400/2020").
_TIME_YEAR = re.compile(rf"(?<![\w/.-]){YEAR}(?![\w-]|[./]\d{{3}}|\.\d)")
# A question asked in reported speech: "fragt (einstimmig) an, warum", "asked whether".
_INDIRECT_QUESTION = re.compile(
    r"\b(?:fragt|fragen|fragte|erkundigt\s+sich|erkundigte\s+sich|möchte\s+wissen|asked|enquired|queried)\b"
    r"(?:\s+[\w-]+){0,4}?,?\s+(?:ob|warum|weshalb|wieso|wie|wann|wer|was|whether|why|if|how|when|who|what)\b",
    re.I,
)
# The preposition of a date in a question, and how many words may join two dates of one list
# ("im November 2024 und im Juni 2025", "on May 22, 2019 and who on May 29, 2019"): `_alone`.
_BEFORE_DATE = re.compile(r"(?:\b(?:im|am|vom|in|on|of)\s+)?$", re.I)
_LIST_GAP_WORDS = 3
_ENUMERATION = re.compile(r"^\s*(?:\(\d{1,2}\)|\d{1,2}[.)]|[a-z]\)|\([a-z]\)|§\s*\d+)\s*")


@dataclass
class _Candidate:
    passage: int  # index into the passages
    start: int
    end: int
    terms: set[str]
    score: float = 0.0
    typed: bool = True  # carries the kind of fact asked for (vote result, number, date)
    features: dict[str, float] = field(default_factory=dict)  # `sentence_model.FEATURES`
    summary: str | None = None  # shown instead of the quoted span (a roll call without its names)
    heads_list: bool = False  # a heading of the list items after it (`_Scoring.heads_list`)


@dataclass
class _Scoring:
    """The candidate sentences of one question, scored, with what scoring read off the passages."""

    question: Question
    passages: list[Passage]
    q_terms: list[str]
    candidates: list[_Candidate]
    weights: dict[str, float]  # idf of each question term over the candidate sentences
    context_terms: list[set[str]]  # per passage: its terms and its metadata's
    context: list[float]  # per passage: question coverage of its context terms
    nearness: list[float]  # per passage: e5 similarity relative to the nearest passage
    latest: set[int]  # the passages of the newest document on the question's topic
    names_held: list[float]  # per passage: share of the question's names its context holds

    @property
    def required(self) -> str | None:
        """The kind of fact the lead sentence must carry, the first of `_STRICT_TYPES` asked."""
        return next((t for t in _STRICT_TYPES if t in self.question.kinds), None)

    @property
    def q_numbers(self) -> set[str]:
        return set(re.findall(r"\d+", self.question.stated))

    def heads_list(self, c: _Candidate) -> bool:
        """Candidate `c` is a heading of list items ("Als Bausachverständige:" before "c) …"), and
        the question asks for several things or for names, which the items give."""
        asks_several = self.question.plural or "names" in self.question.kinds
        return asks_several and _heads_list(self.passages[c.passage].text, c.start, c.end)

    def features(self, c: _Candidate, coverage: float, has_kind: bool) -> dict[str, float]:
        """The sentence model's features of candidate `c` (a sentence or a composed vote)."""
        return _features(
            self.passages[c.passage],
            c,
            coverage=coverage,
            context=self.context[c.passage],
            nearness=self.nearness[c.passage],
            has_kind=has_kind,
            required=self.required,
            asks_decision=self.question.asks_decision,
            latest=c.passage in self.latest,
            held_names=self.names_held[c.passage],
            heads_list=c.heads_list,
        )


@dataclass(frozen=True)
class ScoredSentence:
    passage: Passage
    start: int
    end: int
    features: dict[str, float]
    score: float

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


class ExtractiveAnswerer:
    def __init__(self, settings: AnswerSettings, model: SentenceModel | None = None):
        self._settings = settings
        # which sentence answers (public: `eval.search_weights` tries other weights)
        self.model = model or SentenceModel.load()

    def sentences(self, question: Question, passages: list[Passage]) -> list[ScoredSentence]:
        """Every candidate sentence with its features and score, as the answerer weighs them
        (what `eval.fit_sentences` fits the sentence model on)."""
        scoring = self._score(question, passages)
        if scoring is None:
            return []
        return [
            ScoredSentence(passages[c.passage], c.start, c.end, c.features, c.score)
            for c in scoring.candidates
        ]

    def _score(self, question: Question, passages: list[Passage]) -> "_Scoring | None":
        language = question.language
        terms = list(question.terms)
        q_terms = [
            t
            for t in terms
            if not (_FRAME_TERM.match(t) or ("vote" in question.kinds and _VOTES_RECEIVED.match(t)))
        ] or terms
        if not passages or not q_terms:
            return None

        roots = question.roots
        compounds = _compounds(q_terms, language)

        def held(text: str) -> set[str]:
            return _with_compounds(_with_roots(set(content_terms(text, language)), roots), compounds)

        candidates = [
            _Candidate(i, a, b, held(p.text[a:b]))
            for i, p in enumerate(passages)
            for a, b in _sentences(p, "signature" in question.kinds)
        ]
        weights = _idf(q_terms, [c.terms for c in candidates])
        meta_terms = [held(metadata_text(p)) for p in passages]
        context_terms = [
            _with_compounds(held(p.own_text) | meta, compounds)
            for p, meta in zip(passages, meta_terms, strict=True)
        ]
        context = [_covered(q_terms, weights, terms) for terms in context_terms]
        # How much closer than the best passage each one is in the embedding space, on the scale
        # of question-word coverage: 0 for the nearest, -0.5 for one 0.05 further away.
        best_similarity = max((p.score for p in passages if p.score is not None), default=0.0)
        nearness = [
            _NEARNESS_SCALE * ((p.score if p.score is not None else best_similarity - 0.05) - best_similarity)
            for p in passages
        ]
        names = [t for t in q_terms if t in question.names]
        name_weights = {t: weights[t] for t in names}
        scoring = _Scoring(
            question,
            passages,
            q_terms,
            candidates,
            weights,
            context_terms,
            context,
            nearness,
            latest=_latest(passages, context),
            names_held=[_covered(names, name_weights, terms) if names else 1.0 for terms in context_terms],
        )
        required, q_numbers = scoring.required, scoring.q_numbers
        for c in candidates:
            p = passages[c.passage]
            # Words the passage's document already accounts for (committee, date, agenda item)
            # and a part's topic carried from the first part ("…, and who manages the scheme?")
            # locate the answer; the sentence itself must carry the rest of the question.
            rest = [
                t for t in q_terms if not term_matches(t, meta_terms[c.passage]) and t not in question.topic
            ] or q_terms
            # a heading carries what the list items after it carry ("Als Bausachverständige:")
            c.heads_list = scoring.heads_list(c)
            end = _with_announced_items(p.text, c.start, c.end) if c.heads_list else c.end
            c.typed = required is None or _answers_type(required, p, c.start, end, q_numbers)
            has_kind = any(_answers_type(t, p, c.start, end, q_numbers) for t in question.kinds)
            c.features = scoring.features(c, _covered(rest, weights, c.terms), has_kind)
            c.score = self.model.probability(c.features)
        # "Wie viele Ladepunkte …" is answered by a number that counts them ("54 Ladepunkte"),
        # where a candidate holds one: another number near the topic counts something else ("rund
        # 30 Mitarbeitende"). Where none does, the documents may count in other words ("maximal
        # 100" vehicles for "E-Scooter"), and any number of the passages may answer.
        if required in _QUANTITIES and (counted := question.counts) and "amount" not in question.kinds:
            counting = {
                id(c)
                for c in candidates
                if c.typed
                and _counts(passages[c.passage].text[c.start : c.end], counted, q_numbers, language)
            }
            if counting:
                for c in candidates:
                    c.typed = id(c) in counting
        return scoring

    def answer(self, question: Question, passages: list[Passage]) -> Reply:
        """The answer to the question; where it asks two or more (`Question.parts`: "Wann …, und
        welcher Termin …?"), each part is also answered on its own terms, from the passages of
        the meeting it names where it names one (`_of_its_meeting`), and the lead sentence of
        each part's answer completes the answer to the whole where it does not hold it yet. A
        part whose lead is an earlier part's lead ("Seit wann gilt die neue Fassung …, und wann
        trat die ursprüngliche in Kraft?" both find the newer line first) is answered by its best
        sentence not said yet, where one scores high enough. Where the whole question finds no
        answer, the parts' answers are joined, and a part the passages do not answer says so,
        unless the other parts' answers quote what it asks for (`_quoted_already`)."""
        # What changed between two versions of a statute is read from the two compared whole.
        if (changes := compared(question, passages)) and not _unfounded(
            question, [c.passage for c in changes.citations]
        ):
            return changes
        whole = self._answer_one(question, passages)
        parts = question.parts
        if len(parts) < 2:
            periods = meeting_periods(question.text)
            return (self._per_meeting(question, passages, periods) if len(periods) > 1 else None) or whole
        own = [_of_its_meeting(part, passages) for part in parts]
        replies = [self._answer_one(part, found) for part, found in zip(parts, own, strict=True)]
        if not whole.abstained:
            leads: list[Reply] = []
            for part, found, reply in zip(parts, own, replies, strict=True):
                if reply.abstained:
                    continue
                lead = _lead_of(reply)
                # (the same sentence, though headed by its version's date: "Zuvor (20.02.2020): …")
                if leads and any(_plain(earlier.text) in _plain(lead.text) for earlier in leads):
                    # Two parts led by one sentence: the later part's own best sentence besides it.
                    said = " ".join(_plain(earlier.text) for earlier in [whole, *leads])
                    other = self._answer_one(part, found, said)
                    if other.abstained:
                        continue
                    lead = _lead_of(other)
                leads.append(lead)
            return _joined([whole, *leads]) if leads else whole
        if all(r.abstained for r in replies):
            return whole
        said = " ".join(_plain(r.text) for r in replies if not r.abstained)
        return _joined(
            [
                Reply(_NOT_ANSWERED[question.language].format(part=part.text, reply=r.text), [], False)
                if r.abstained
                else r
                for part, found, r in zip(parts, own, replies, strict=True)
                if not (r.abstained and self._quoted_already(part, found, said))
            ]
        )

    def _quoted_already(self, part: Question, passages: list[Passage], said: str) -> bool:
        """Whether the answers to the other parts (`said`) quote the sentence that best carries the
        kind of fact `part` asks for, which scores too low to answer it alone: "wie viele davon
        stehen direkt im Straßenraum?" after "Der Bestand … beträgt etwa 430. Davon befinden sich
        54 Ladepunkte im öffentlichen Straßenraum …". The part is then not said to be unanswered;
        a part asking several kinds of fact ("Wie viele Wohnungen …, welche Gesellschaft …") is."""
        if len(part.kinds) != 1:
            return False
        scoring = self._score(part, passages)
        if scoring is None or scoring.required is None:
            return False
        typed = [c for c in scoring.candidates if c.typed]
        best = max(typed, key=lambda c: c.score, default=None)
        return best is not None and _plain(passages[best.passage].text[best.start : best.end]) in said

    def _per_meeting(
        self, question: Question, passages: list[Passage], periods: list[Period]
    ) -> Reply | None:
        """A question on two or more meetings ("In welcher Schule tagte der Beirat im November
        2024 und im Juni 2025?") answered for each from the passages of that meeting, as if it
        named that meeting alone: one line each, headed by the date as the question wrote it. None
        where one of them finds no answer (the whole question is answered as one then)."""
        lines = []
        for period in periods:
            own = [p for p in passages if _held_within(p, period.first, period.last)]
            text = _alone(question.text, period, periods)
            if text is None:
                return None
            alone = replace(Question.read(text), bodies=question.bodies)
            reply = self._answer_one(alone, own) if own else None
            if reply is None or reply.abstained:
                return None
            lead = _lead_of(reply)
            label = question.text[period.start : period.end]
            lines.append(Reply(f"{label}: {lead.text}", lead.citations, False))
        joined = _joined(lines)
        return replace(joined, text="\n".join(_segments(joined.text)))

    def _answer_one(self, question: Question, passages: list[Passage], said: str = "") -> Reply:
        """The answer to one question: for a meeting's agenda or one item of it, composed from the
        stored structure (what the item's text says follows its title); else from sentences,
        none of them one that `said` (an answer given already) holds."""
        if question.asked_outcome and (listed := self._by_outcome(question, passages)):
            return listed
        if question.asks_agenda:
            if item := _agenda_item(question, passages):
                told = self._from_sentences(question, passages, said)
                return item if told.abstained else _joined([item, told])
            # the agenda as the invitation prints it, else as the record of the meeting lists it
            if agenda := _announced_agenda(question, passages, question.language) or _agenda_of(
                question, passages
            ):
                return agenda
        return self._from_sentences(question, passages, said)

    def _by_outcome(self, question: Question, passages: list[Passage]) -> Reply | None:
        """The agenda items that got the result the question asks for ("Welche Anträge hat der
        Stadtrat am 14.01.2021 abgelehnt?", `Question.asked_outcome`), from the stored structure:
        one line each with its recorded result, the fullest one printed ("Beratung im
        Planungsausschuss am 14. November 2024" beside "verwiesen"), cited where it stands, in
        their meeting's order. Only items whose passages hold what the question presumes, name
        the parties and persons it names ("Anträge der CDU") and cover its words as an answer's
        passages must (`AnswerSettings.min_coverage`); None where fewer than two are
        left (one is answered from its sentences)."""
        scoring = self._score(question, passages)
        if scoring is None:
            return None
        outcome = question.asked_outcome
        items: dict[tuple[str, AgendaItem], int] = {}
        for i, p in enumerate(passages):
            if (
                p.agenda_item
                and p.vote
                and p.vote.outcome == outcome
                and scoring.context[i] >= self._settings.min_coverage
                and not _unfounded(question, [p])
                and not _unnamed(question, {0}, [p])
            ):
                items.setdefault((p.source, p.agenda_item), i)
        if len(items) < 2:
            return None
        order = sorted(
            items.values(), key=lambda i: (passages[i].meeting_date or date.min, _item_order(passages[i]))
        )
        meetings = {_meeting_label(passages[i], question.language) for i in order}
        lines = [f"{meetings.pop()}:"] if len(meetings) == 1 else []
        citations: list[Citation] = []
        for n, i in enumerate(order[:MAX_AGENDA_ITEMS], 1):
            p = passages[i]
            assert p.agenda_item is not None and p.vote is not None
            texts = [one_line(f.vote.text) for f in p.facts.votes if f.vote.outcome == outcome]
            result = max(texts, key=len, default=one_line(p.vote.text))
            label = p.agenda_item.label() if lines else _item_label(p, question.language)
            lines.append(f"- {label}: {result} [{n}]")
            span = printed_at(p.text, result)
            citations.append(
                citation(n, p, *quote_span(p, *span)) if span else _heading_citation(n, p, p.agenda_item)
            )
        return Reply("\n".join(lines), citations, False)

    def _from_sentences(self, question: Question, passages: list[Passage], said: str = "") -> Reply:
        language = question.language
        scoring = self._score(question, passages)
        if scoring is None:
            return Reply(ABSTAIN[language], [], True)
        q_terms, weights = scoring.q_terms, scoring.weights
        candidates = _of_named_version(question, scoring.candidates, passages)
        required, q_numbers, wanted = scoring.required, scoring.q_numbers, list(question.kinds)

        # The answer's lead sentence must be of the kind asked for (a vote result, a number);
        # further sentences may answer other parts of the question.
        # The lead comes from a passage that holds what the question presumes (its dates and
        # numbers), where one does: "Antrag 400/2020" is answered from the passage that names it.
        grounded = {i for i, p in enumerate(passages) if not _unfounded(question, [p])}
        # A question asked in the documents never leads or supports an answer; the chair calling
        # up an item or one speaker's view never leads an answer to what was decided.
        answers = [
            c
            for c in candidates
            if ("asker" in question.kinds or not _is_question(passages[c.passage], c))
            and not (said and one_line(passages[c.passage].text[c.start : c.end]) in said)
        ]
        # The administration's reasons stand in its own papers (a Stellungnahme, a Vorlage, the
        # minutes), not in the Antrag or Anfrage they answer, whose words the question repeats.
        if "reason" in question.kinds and question.asks_administration:
            answers = [c for c in answers if passages[c.passage].doc_type not in REQUESTS] or answers
        typed = [
            c
            for c in answers
            if c.typed
            and not (
                question.asks_decision
                # (an agenda's front sheet says when the meeting ends and where it is held)
                and required not in _ANNOUNCED
                and (
                    c.features["call_up"]
                    or c.features["speaker"]
                    or _is_heading(passages[c.passage], c)
                    or passages[c.passage].doc_type in ANNOUNCEMENTS
                )
            )
        ]
        best = max([c for c in typed if c.passage in grounded] or typed, key=lambda c: c.score, default=None)
        if best is not None:
            best = _current_version(best, typed, passages, question, self.model.min_probability)
        # Where no sentence naming a date answers when a body took a matter up, the record of the
        # meeting that took it up does: its header, not the sentence, gives the day ("1.
        # Stromversorgung in Büchenbach …" on the invitation of 15.06.2023), where its passage
        # holds half the question's words.
        by_meeting: _Candidate | None = None
        if question.asks_meeting_day and (best is None or best.score < self.model.min_probability):
            by_meeting = max(
                (
                    c
                    for c in answers
                    if c.passage in grounded
                    and _of_dated_meeting(passages[c.passage])
                    and c.features["context"] >= self._settings.min_coverage
                    and not c.features["call_up"]
                ),
                key=lambda c: c.score,
                default=None,
            )
            best = by_meeting or best
        # A rejection the question presumes that the record most on its topic contradicts: the
        # passage printing its result shows the item approved, and nothing there rejected (an
        # amendment, a sub-item).
        # So is an approval it states that the record shows referred, deferred, taken note of
        # or rejected, with nothing there approved, and a deferral it states that the record
        # shows decided or taken note of, each where the record is of the meeting the claim dates.
        if (presumed := question.presumed_result) and not self._far(passages):
            top = _topic_record(candidates, passages, grounded, self._settings.min_coverage, printed=True)
            if (
                top is not None
                and _contradicted(passages[top.passage], presumed)
                and (presumed == "rejected" or _held_within(passages[top.passage], *question.claimed_meeting))
            ):
                record = _compose(_result_block(top, candidates, passages), passages, language)
                return _premise_corrected(record, passages[top.passage], presumed, question.language)
        if required == "vote" and not self._far(passages):
            # The record most on the question's topic (covering what the coverage rule asks, and
            # holding what it presumes: a Stadtrat record does not say how the UVPA voted), of the
            # meeting the question dates, has no vote to report: the item was taken note of or
            # referred to a committee. Vote lines of other items, less on the topic or scoring too
            # low to answer, do not hide that.
            top = _topic_record(candidates, passages, grounded, self._settings.min_coverage)
            if (
                top is not None
                and _not_voted_on(passages[top.passage])
                and _of_day_asked(question, passages[top.passage])
                and (
                    best is None
                    or best.score < self.model.min_probability
                    or (
                        best.features["context"] < top.features["context"]
                        and passages[best.passage].source != passages[top.passage].source
                    )
                )
            ):
                record = _compose(_result_block(top, candidates, passages), passages, language)
                return _no_vote_taken(record, passages[top.passage], question)
        # The line naming the chair or the venue of the meeting the question dates, or the
        # signature block of its record, answers it, however few of the question's words it holds
        # ("RESOLVED that Mr Cooke be elected to Chair the meeting.", "Ort: Mönauschule"); so does
        # the signature block of a paper whose passage holds half the question's words ("Wer hat
        # die AfD-Anfrage zu … unterzeichnet?": "Unterzeichnet von: Dr. Paul Schmidt …").
        dated_header = (
            required in _MEETING_HEADER
            and best is not None
            and best.passage in grounded
            and (
                bool(question.dates)
                or _dates_meeting(question, passages[best.passage])
                or (required == "signature" and best.features["context"] >= self._settings.min_coverage)
            )
        )
        far = self._far(passages)
        if (
            best is None
            or (best.score < self.model.min_probability and not (dated_header or by_meeting))
            or far
        ):
            # what the question presumes that no passage found holds is the likeliest reason
            missing = [] if far else _unfounded(question, passages)
            return Reply(_declined(missing, language) if missing else ABSTAIN[language], [], True)
        chosen = self._choose(answers, best, q_terms, weights, question.plural)
        if by_meeting is not None:
            if not _answers_type("date", passages[best.passage], best.start, best.end, q_numbers):
                chosen[0] = _with_meeting_label(best, passages[best.passage], language)
            # "Wann und wo …": the line of that record naming where the meeting took place follows
            venue = _venue_line(best, candidates, passages) if question.asks_where else None
            if venue is not None and not _overlap(venue, best):
                rest = [c for c in chosen[1:] if not _overlap(c, venue)]
                chosen = [chosen[0], venue, *rest][: max(len(chosen), self._settings.max_sentences)]
        if required == "vote":
            # The parsed result (whole result block, agenda item) replaces a sentence that holds a
            # result too ("Das ist eine mehrheitliche Zustimmung."), and one that merely reads like
            # one unless that scores clearly better (by 0.1 in probability).
            holds_vote = bool(passages[best.passage].facts.votes_in(best.start, best.end))
            vote = _best_vote(
                question, passages, q_terms, weights, scoring.context, scoring.nearness, language
            )
            if vote is not None:
                vote.features = scoring.features(vote, _covered(q_terms, weights, vote.terms), has_kind=True)
                vote.score = self.model.probability(vote.features)
            if vote is not None and (holds_vote or vote.score + 0.1 >= best.score):
                chosen = [vote, *_other_parts(vote, chosen, candidates, passages, q_terms)]
        elif (
            question.asks_decision
            and required not in _QUANTITIES  # "What total … did Council agree?" asks the number
            and (recorded := _recorded_decision(question, passages, candidates, best, scoring.context))
        ):
            rest = [c for c in chosen if not any(_overlap(c, r) for r in recorded)]
            if len({passages[r.passage].meeting_date for r in recorded}) > 1:
                # the hearings of one item are dated by `_compose` as states of one matter; a
                # sentence on another matter would leave them undated
                rest = [c for c in rest if _states([*recorded, c], passages)]
            chosen = [*recorded, *rest]
        # What the asker states to know before asking ("Im Frühjahr 2022 hieß es …") must stand in
        # the passages found, though not in those giving the later state asked for: they need not
        # repeat its words, dates or numbers.
        background = question.background
        if background and (missing := _unfounded(background, passages)):
            return Reply(_declined(missing, language), [], True)
        known = {t for t in question.known if any(term_matches(t, terms) for terms in scoring.context_terms)}
        used = {c.passage for c in chosen}
        support = set().union(*(scoring.context_terms[i] for i in used))
        if _covered(q_terms, weights, support | known) < self._settings.min_coverage:
            return Reply(ABSTAIN[language], [], True)
        if missing := (
            _unfounded(question, [passages[i] for i in used])
            or _unnamed(question, used, passages)
            or _another_bodys_meeting(question, passages[chosen[0].passage])
        ):
            return Reply(_declined(missing, language), [], True)
        # The places it names are the lead's own: what a Karlsruhe body asked for is not answered
        # by an Erlangen passage that a supporting passage from Karlsruhe happens to stand beside.
        lead = passages[chosen[0].passage]
        if elsewhere := missing_places(question.places, where_text([lead])):
            return Reply(_declined(elsewhere, language), [], True)
        if required == "vote":
            chosen = [c if c.summary else _vote_block(c, candidates, passages) for c in chosen]
            extract = _with_registry_conflict(_compose(chosen, passages, language), language)
            return _yes_or_no(question, _newest_first(chosen, passages)[0], passages, extract)
        several = question.plural or len(question.parts) > 1 or "reason" in question.kinds
        chosen = _with_neighbours(chosen, candidates, passages, q_terms, wanted, q_numbers, several)
        extract = _compose(chosen, passages, language, question.plural)
        if not question.asks_decision:
            return extract
        # yes or no by the state the answer leads with: adopted in April, not deferred in March
        return _yes_or_no(question, _newest_first(chosen, passages, question.plural)[0], passages, extract)

    def _far(self, passages: list[Passage]) -> bool:
        """The nearest passage is too far from the question in the embedding space. Passages whose
        vectors are not computed yet (found lexically during an ingest) do not decide this."""
        scores = [p.score for p in passages if p.score is not None]
        return bool(scores) and max(scores) < self._settings.min_passage_score

    def _choose(
        self,
        candidates: list[_Candidate],
        best: _Candidate,
        q_terms: list[str],
        weights: dict[str, float],
        plural: bool,
    ) -> list[_Candidate]:
        """The best sentence, then, greedily, sentences that cover a tenth of the question's
        weighted words the chosen ones do not ("wie viele Mitglieder … und wie oft …" needs
        two), or that score nearly as well (0.9 of the best), at most `max_sentences`; none
        below both a fifth of the best and the least probability that answers at all (a confident
        lead, such as the line naming a meeting's chair, does not keep out "Absent: Mayor Jackson."
        for "… and who was absent?"), and no call-up formula. A question asking for several things
        gathers up to `max_list_sentences`, and takes sentences scoring three quarters of the
        best, from any passage ("Welche Städte …" may be answered by two meetings). The
        thresholds are set on the tuning half of the gold set (answer accuracy 0.57 → 0.62 from
        the former 0.5 / 0.15)."""
        limit = self._settings.max_list_sentences if plural else self._settings.max_sentences
        chosen = [best]
        covered = {t for t in q_terms if term_matches(t, best.terms)}
        for c in sorted(candidates, key=lambda c: c.score, reverse=True):
            if len(chosen) >= limit or c.score < min(0.2 * best.score, self.model.min_probability):
                break
            if c is best or c.features["call_up"] or any(_similar(c.terms, o.terms) for o in chosen):
                continue
            new = [t for t in q_terms if t not in covered and term_matches(t, c.terms)]
            gain = sum(weights[t] for t in new) / sum(weights.values())
            if gain >= 0.1 or c.score >= (0.75 if plural else 0.9) * best.score:
                chosen.append(c)
                covered.update(new)
        return chosen


def _recorded_decision(
    question: Question,
    passages: list[Passage],
    candidates: list[_Candidate],
    best: _Candidate,
    context: list[float],
) -> list[_Candidate]:
    """What the agenda item of the best passages records as decided, from the stored structure:
    its Beschluss and its vote result ("TOP 14: Der Gemeinderat … beschließt … … mehrheitliche
    Zustimmung (25 Ja, 22 Nein)"), each quoted from the passage where it is printed. They lead a
    decision answer instead of whatever sentence matched best: the chair calling up the item, a
    speaker's view, a sub-item's vote. Only passages on the question's topic (their best sentence
    scores at least 0.8 of the best, or they cover the question's words as well as the best
    sentence's passage does, or they decide on the Antrag or Vorlage it stands in: `_decides_on`)
    are considered; none where no retrieved passage prints the Beschluss.

    Where the same item was heard in several meetings (`same_item`: a committee, then the
    council; vertagt, then decided), the result of each is given, the latest first, unless the
    question names the day of another ("Was hat der UVPA am 11. Mai 2021 … beschlossen?");
    `_compose` marks each with its date ("Stand …", "Zuvor …")."""
    best_of: dict[int, float] = {}
    for c in candidates:
        best_of[c.passage] = max(best_of.get(c.passage, 0.0), c.score)
    paper = passages[best.passage]
    for i in sorted(best_of, key=lambda i: -best_of[i]):
        p = passages[i]
        on_topic = (
            best_of[i] >= 0.8 * best.score
            or context[i] >= context[best.passage]
            or (paper.doc_type not in DECISION_RECORDS and _decides_on(p, paper))
        )
        if not on_topic or not p.agenda_item or not p.decision:
            continue
        hearings = _hearings(p, passages)
        if len(hearings) < 2:
            if quoted := _decision_quoted(i, passages, best_of[i], question.language):
                return quoted
            continue
        asked = [j for j in hearings if passages[j].meeting_date in question.dates]
        order = [*asked, *(j for j in reversed(hearings) if j not in asked)]
        recorded: list[_Candidate] = []
        for n, j in enumerate(order[:MAX_HEARINGS]):
            # each hearing scores clearly below the one before, so that `_compose` keeps this
            # order (it moves the newest first where it scores 0.9 of the lead); the item's title
            # is said once, by the first
            score = best_of[i] * (1 - 0.15 * n)
            recorded += _decision_quoted(j, passages, score, question.language, hearing=n + 1)
        if recorded:
            return recorded
    return []


def _decides_on(record: Passage, paper: Passage) -> bool:
    """The record's agenda item decides on the paper (an Antrag, a Vorlage, a Stellungnahme): it
    is filed under the same Vorlage, of which an Änderungsantrag "2023/0835/1" is one, or the
    paper's subject names the item ("TOP 22.1: Attraktivität der Stellen der Ausländerbehörde …")."""
    if record.vorlage and paper.vorlage and f"{paper.vorlage}/".startswith(f"{record.vorlage}/"):
        return True
    title = " ".join(item_words(record.agenda_item.title)) if record.agenda_item else ""
    return bool(title) and title in " ".join(item_words(paper.subject or ""))


def _of_its_meeting(part: Question, passages: list[Passage]) -> list[Passage]:
    """The passages a part of a question is answered from: where it names one meeting day or
    month ("wer leitete die Sitzung am 20. Oktober 2020?"), those of meetings then, if any are
    among them; else all."""
    first, last = meeting_dates(part.text)
    if first is None or last is None:
        return passages
    own = [p for p in passages if _held_within(p, first, last)]
    return own or passages


def _of_day_asked(question: Question, p: Passage) -> bool:
    """The passage is the record of the meeting on the day (or in the month) the question names,
    where it names one."""
    first, last = meeting_dates(question.text)
    return first is None or _held_within(p, first, last)


def _held_within(p: Passage, first: date | None, last: date | None) -> bool:
    """The passage is the record of a meeting held from `first` to `last`."""
    day = p.meeting_date
    return first is not None and last is not None and day is not None and first <= day <= last


def _agenda_item(question: Question, passages: list[Passage]) -> Reply | None:
    """The one agenda item the question names ("Welches Thema stand als erster
    Tagesordnungspunkt …?", "Was stand unter TOP 2 …?") with its meeting, from the stored
    structure of the best passage of that item on a day the question names: "Stadtteilbeirat
    Büchenbach, 24.04.2024, TOP 1: Stadtteilentwicklung …", cited where its heading stands."""
    number = named_item(question.located)
    if number is None:
        return None
    p = next(
        (
            p
            for p in passages
            if p.agenda_item
            and number in re.findall(r"\d+(?:\.\d+)*", p.agenda_item.number)
            and (not question.dates or p.meeting_date in question.dates)
        ),
        None,
    )
    if p is None or p.agenda_item is None:
        return None
    return Reply(f"{_item_label(p, question.language)} [1]", [_heading_citation(1, p, p.agenda_item)], False)


def _agenda_of(question: Question, passages: list[Passage]) -> Reply | None:
    """A meeting's agenda from the stored structure: the agenda items of the document of the best
    passage of a day the question names, in their order, one line each with its recorded result,
    cited where its heading stands ("TOP Ö 7.1: Mittelbereitstellung …: einstimmig angenommen
    [4]"); None where that document holds fewer than `MIN_AGENDA_ITEMS` (a Vorlage, a single
    item's protocol)."""
    language = question.language
    best = next((p for p in passages if p.agenda_item and p.meeting_date in question.dates), None)
    if best is None:
        return None
    items: dict[AgendaItem, int] = {}
    for i, p in enumerate(passages):
        if p.source == best.source and p.agenda_item and p.agenda_item not in items:
            items[p.agenda_item] = i
    if len(items) < MIN_AGENDA_ITEMS:
        return None
    order = sorted(items, key=lambda item: _item_order(passages[items[item]]))
    lines = [f"{_AGENDA[language]} {_meeting_label(best, language)}:"]
    citations: list[Citation] = []
    for n, item in enumerate(order[:MAX_AGENDA_ITEMS], 1):
        p = passages[items[item]]
        citations.append(_heading_citation(n, p, item))
        result = _RESULT_LABEL.sub("", one_line(p.vote.text)) if p.vote else ""
        lines.append(f"- {item.label()}{': ' + result if result else ''} [{n}]")
    if len(order) > MAX_AGENDA_ITEMS:
        lines.append(_MORE_ITEMS[language].format(n=len(order) - MAX_AGENDA_ITEMS))
    return Reply("\n".join(lines), citations, False)


def _item_order(p: Passage) -> list[int]:
    """Where p's agenda item stands in its meeting: "14.2" after "14" and "9"."""
    assert p.agenda_item is not None
    return [int(n) for n in re.findall(r"\d+", p.agenda_item.number)] or [10**6]


def _heading_citation(n: int, p: Passage, item: AgendaItem) -> Citation:
    """Citation n of the paragraph of p where the agenda item's heading stands (its start where
    the passage does not print the title)."""
    at = max(p.text.find(item.title), 0)
    start, end = quote_span(p, at, at + max(len(item.title), 1))
    return citation(n, p, start, end)


def _announced_agenda(question: Question, passages: list[Passage], language: Language) -> Reply | None:
    """A meeting's agenda as its invitation or agenda front sheet prints it: the numbered lines
    under "Tagesordnung" / "A G E N D A" of the best such passage of a day the question names, one
    line each, cited to the list. The record of the meeting may head its items otherwise ("TOP 1:
    Frau Barusel, Amt für Sport …" for the invitation's "1. Quartiersmanagement 56Nord")."""
    for p in passages:
        if p.doc_type not in ANNOUNCEMENTS or (question.dates and p.meeting_date not in question.dates):
            continue
        heading = _AGENDA_HEADING.search(p.text)
        if heading is None:
            continue
        items: list[tuple[str, int, int]] = []  # each line's text, start, end
        for line in _AGENDA_LINE.finditer(p.text, heading.end()):
            if items and line.start() - items[-1][2] > _AGENDA_GAP_CHARS:
                break
            items.append((" ".join(line.group(0).split()), line.start(), line.end()))
        if len(items) < 2:
            continue
        start, end = quote_span(p, items[0][1], items[-1][2])
        lines = [
            f"{_AGENDA[language]} {_meeting_label(p, language)}:",
            *(f"- {text} [1]" for text, _, _ in items),
        ]
        return Reply("\n".join(lines), [citation(1, p, start, end)], False)
    return None


def _hearings(p: Passage, passages: list[Passage]) -> list[int]:
    """The passages recording a result of `p`'s agenda item in each meeting that heard it (the
    same item title; one passage per meeting), oldest first; those without a date left out."""
    assert p.agenda_item is not None
    found: dict[tuple[date, str | None], int] = {}
    for j, q in enumerate(passages):
        if (
            q.meeting_date is not None
            and q.agenda_item is not None
            and same_item(q.agenda_item, p.agenda_item)
            and q.decision is not None
            and printed_at(q.text, q.decision) is not None
        ):
            found.setdefault((q.meeting_date, q.committee), j)
    return [j for _, j in sorted(found.items(), key=lambda kv: kv[0][0])]


def _decision_quoted(
    i: int, passages: list[Passage], score: float, language: Language, hearing: int = 0
) -> list[_Candidate]:
    """The Beschluss of passage `i`'s agenda item and its vote result, each quoted where printed
    in the passages of that item in `i`'s document; [] where none prints the Beschluss. The
    label of an item heard once names its meeting ("Stadtrat, 12.12.2024, TOP Ö 9: …"); of
    several `hearing`s, the first names the body that decided ("Stadtrat, TOP Ö 2: Neuerlass …",
    its day heads it as its state), the later ones the body and item number only."""
    p = passages[i]
    assert p.agenda_item is not None and p.decision is not None
    same = [j for j, q in enumerate(passages) if q.source == p.source and q.agenda_item == p.agenda_item]
    printed = [(j, span) for j in same if (span := printed_at(passages[j].text, p.decision))]
    if not printed:
        return []
    j, (start, end) = printed[0]
    # A Beschluss that announces what follows ("Der Gemeinderat wählt …:") comes with it.
    end = _with_announced_items(passages[j].text, start, end)
    if not hearing:
        label = _item_label(p, language)
    else:
        label = p.agenda_item.label() if hearing < 2 else f"TOP {p.agenda_item.number}"
        label = f"{p.committee}, {label}" if p.committee else label
    shown = one_line(passages[j].text[start:end])
    decision = _Candidate(j, start, end, set(), score, summary=f"{label}: {shown}")
    result = one_line(p.vote.text) if p.vote else ""
    if not result or result in shown or shown in result:  # "Beschluss: vertagt" is its own result
        return [decision]
    voted = [(k, span) for k in same if (span := printed_at(passages[k].text, result))]
    if any(k == j for k, _ in voted):  # one quote holds both
        vote_end = next(span[1] for k, span in voted if k == j)
        decision.end = max(end, vote_end)
        decision.summary = f"{decision.summary} … {result}"
        return [decision]
    if voted:
        k, (start, end) = voted[0]
        return [decision, _Candidate(k, start, end, set(), score, summary=f"{_RESULT[language]}: {result}")]
    return [decision]


def _overlap(a: _Candidate, b: _Candidate) -> bool:
    return a.passage == b.passage and a.start < b.end and b.start < a.end


def _best_vote(
    question: Question,
    passages: list[Passage],
    q_terms: list[str],
    weights: dict[str, float],
    context: list[float],
    nearness: list[float],
    language: Language,
) -> _Candidate | None:
    """The vote result that answers a vote question, as the parser of the ingest reads it
    (`find_votes`): German result lines, Kent roll calls, Portland "(Y-5)", Cleveland "Yeas 15".

    A vote line names no topic, so it is scored by its passage (coverage and nearness, as
    sentences are) and by the text before it in the passage, where the motion or amendment it
    decides is stated. Votes with counts are preferred; votes on amendments only when the
    question asks about one. Sub-items recorded in one result block ("Punkt 9.1: … Punkt 9.2: …")
    are answered together. A question asking how many votes ("Wie viele Ja-Stimmen …") is not
    answered by a result without counts ("Das ist eine mehrheitliche Ablehnung.") where one with
    counts is on its topic."""
    asks_amendment = bool(_AMENDMENT.search(question.stated))
    side = next((name for name, pattern in _ROLL_CALL_SIDES.items() if pattern.search(question.stated)), None)
    counted = 0.3 if "number" in question.kinds else 0.1
    best: _Candidate | None = None
    for i, p in enumerate(passages):
        previous_end = 0
        for run in _vote_runs([f for f in p.facts.votes if f.strength >= 2]):
            start, end = _vote_span(p, run, previous_end)
            motion = p.text[max(previous_end, start - _VOTE_CONTEXT_CHARS) : start]
            before = set(content_terms(motion, language))
            score = 0.3 * _covered(q_terms, weights, before) + 0.5 * context[i] + 0.3 * nearness[i]
            vote = run[0].vote
            if vote.yes is not None or vote.no is not None:
                score += counted
            if run[0].amendment != asks_amendment:
                score -= 0.2
            if p.vote is not None and not asks_amendment and all(f.vote.text != p.vote.text for f in run):
                # not the result the document records for its item: an amendment or sub-item
                # voted on in the debate ("Ziffer 1 des CDU-Antrags … Das ist eine mehrheitliche
                # Ablehnung."), which the result block of the item does not give as its result
                score -= 0.2
            previous_end = end
            if best is None or score > best.score:
                label = f"{_item_label(p, language)}: " if p.agenda_item else ""
                shown = p.text[start:end] if len(run) > 1 else vote.text
                names = side and (
                    _roll_call_names(p.text[start:end], side)
                    or _voters_named_after(p.text[end : end + _VOTE_CONTEXT_CHARS], side)
                )
                if names:
                    shown = f"{shown} – {side}: {names}"
                best = _Candidate(i, start, end, before, score, summary=label + one_line(shown))
    return best


def _roll_call_names(block: str, side: str) -> str | None:
    r"""The names listed under one side of a roll call ("Against (3)" then "Mr Baker, Mr Hook,
    Mrs Bell"), up to the next side or the result line.

    >>> _roll_call_names("For (2)\n\nMr A, Mr B\n\nAgainst (1)\n\nMrs C\n\nMotion carried", "Against")
    'Mrs C'
    """
    heading = re.search(rf"^[ \t]*{side}\w*\s*\(\d+\)[ \t]*$", block, re.M)
    if not heading:
        return None
    rest = block[heading.end() :]
    stop = re.search(
        r"^[ \t]*(?:For|Against|Abstain\w*)\s*\(\d+\)|^.*\b(?:carried|lost|agreed)\b", rest, re.M | re.I
    )
    names = one_line(rest[: stop.start()] if stop else rest)
    return names or None


def _voters_named_after(text: str, side: str) -> str | None:
    r"""The names a record lists after its result line under one side, as the Cleveland City
    Record does ("Passed. Yeas 20. Nays 1." then "Those voting nay: Councilman Rybka.").

    >>> after = "\nThose voting yea: Councilmen\nBritt, Zone.\nThose voting nay: Councilman\nRybka."
    >>> _voters_named_after(after, "Against"), _voters_named_after(after, "For")
    ('Rybka', 'Britt, Zone')
    """
    word = _VOTING_SIDE.get(side)
    found = word and re.match(
        rf"\s*(?:Those voting \w+:[^.]*\.\s*)*?Those voting {word}:\s*(?:Council\w*\s+)?([^.]+)\.", text, re.I
    )
    return one_line(found.group(1)) if found else None


def _vote_runs(found: list[FoundVote]) -> list[list[FoundVote]]:
    """Votes grouped as they are recorded: the lines of one German result block ("TOP 14: …",
    "TOP 14.1 …", "Ziffer 2: …") form one run; every other vote stands alone."""
    runs: list[list[FoundVote]] = []
    for f in found:
        if runs and f.listed and runs[-1][-1].listed and f.start - runs[-1][-1].start < _RESULT_LINE_CHARS:
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def _vote_span(p: Passage, run: list[FoundVote], since: int) -> tuple[int, int]:
    """Where a run of votes stands in the text: from the first line to the end of the last, and
    for a roll call from its "For (n)" line on."""
    text = p.text
    end = text.find("\n", run[-1].start)
    end = len(text) if end < 0 else end
    roll_call = p.facts.mark_starts("roll_call_start", since, run[0].start)
    if roll_call:
        return roll_call[-1], end
    return text.rfind("\n", since, run[0].start) + 1 or since, end


def _other_parts(
    vote: _Candidate,
    chosen: list[_Candidate],
    candidates: list[_Candidate],
    passages: list[Passage],
    q_terms: list[str],
) -> list[_Candidate]:
    """Besides the vote, the best sentence on what was decided, from the same document and
    agenda item: "Welcher Zuschuss wurde freigegeben, und wie viele Ja-Stimmen gab es?" asks
    for both."""
    p = passages[vote.passage]
    same_item = [
        c
        for c in [*chosen, *sorted(candidates, key=lambda c: c.score, reverse=True)]
        if passages[c.passage].source == p.source
        and passages[c.passage].agenda_item == p.agenda_item
        and not passages[c.passage].facts.marked("vote", c.start, c.end)
        and any(term_matches(t, c.terms) for t in q_terms)
    ]
    return same_item[:1]


def _with_neighbours(
    chosen: list[_Candidate],
    candidates: list[_Candidate],
    passages: list[Passage],
    q_terms: list[str],
    wanted: list[str],
    q_numbers: set[str],
    several: bool,
) -> list[_Candidate]:
    """Each chosen sentence widened by the sentence before and after it where they carry what the
    question asks and the chosen ones lack: a fact of the kind asked for (a number, a date, names)
    or a question word not yet covered. The answer often stands next to the sentence that matches
    the question best: "Eine Antragsstellung ist bis Ende Februar 2025 möglich." follows the
    sentence on the start date, the reason ("nach angemessener Frist von fünf Jahren") precedes
    the year 2029. A sentence that refers back ("Gleiches gilt für …") comes with the one before.

    The sentence after a chosen one in its paragraph comes with it in any case, unless it starts
    a list item of its own: it goes on with the same thought ("Haltestellen sind nur an Geraden
    möglich, dadurch …" after the route, "Bei Stimmengleichheit entscheidet das Los." after the
    election). Where the question asks for several things, in several parts or why (`several`),
    so does any sentence after it (the next item of a list, the answer after a citizen's question
    in the next paragraph) and the sentence before it in its paragraph (a reason stated first)."""
    covered = {t for t in q_terms if any(term_matches(t, c.terms) for c in chosen)}
    widened = []
    for c in chosen:
        if c.summary:  # composed from the stored structure, not a sentence to widen
            widened.append(c)
            continue
        same = [o for o in candidates if o.passage == c.passage]
        i = same.index(c)
        p = passages[c.passage]
        text = p.text
        first, last = i, i
        for j in (i - 1, i + 1):
            if not 0 <= j < len(same) or any(o is same[j] for o in chosen):
                continue
            n = same[j]
            sentence = text[n.start : n.end]
            new = {t for t in q_terms if t not in covered and term_matches(t, n.terms)}
            typed = any(_answers_type(t, p, n.start, n.end, q_numbers) for t in wanted)
            one_paragraph = p.paragraph_at(n.start) == p.paragraph_at(c.start)
            comes_before = j == i - 1 and (
                bool(_REFERS_BACK.match(text[c.start : c.end])) or (several and one_paragraph)
            )
            goes_on = j == i + 1 and (several or (one_paragraph and not LIST_ITEM.match(sentence)))
            if (
                not _is_fragment(sentence)
                and not _REPORTED_QUESTION.search(sentence)
                and (new or typed or comes_before or goes_on)
            ):
                covered |= new
                first, last = min(first, j), max(last, j)
        widened.append(_Candidate(c.passage, same[first].start, same[last].end, c.terms, c.score))
    return widened


def _not_voted_on(p: Passage) -> bool:
    """The passage's agenda item was taken note of, referred, deferred or withdrawn, not voted
    on: no counts to give."""
    return (
        p.vote is not None
        and p.vote.outcome in ("noted", "referred", "deferred", "withdrawn")
        and p.vote.yes is None
        and p.vote.no is None
    )


def _result_block(top: _Candidate, candidates: list[_Candidate], passages: list[Passage]) -> list[_Candidate]:
    """The lines of the result its passage records ("Beschluss: Kenntnisnahme …",
    "Abstimmungsergebnis:", "Keine Abstimmung"): from the line holding the result, the lines
    that follow closely; `top` where no line holds one."""
    p = passages[top.passage]
    own = [c for c in candidates if c.passage == top.passage]
    first = next((i for i, c in enumerate(own) if p.facts.votes_in(c.start, c.end)), None)
    if first is None:
        return [top]
    block = [own[first]]
    for c in own[first + 1 :]:
        if c.start - block[-1].end > _RESULT_LINE_CHARS or len(block) > 3:
            break
        block.append(c)
    return block


def _no_vote_taken(extract: Reply, record: Passage, question: Question) -> Reply:
    """A vote question on an item that was taken note of, referred, deferred or withdrawn rests on
    a false premise: the answer corrects it, citing the record and naming its agenda item
    (`_item_named`), and counts as declined (`abstained`). Asked whether a vote was taken at all,
    "no" is the answer, not a correction."""
    label = _item_named(extract, record, question.language)
    lead = (
        f"Darüber wurde nicht abgestimmt{label}; festgehalten ist:"
        if question.language == "de"
        else f"No vote was taken on this{label}; the record says:"
    )
    if question.asks_whether_voted:
        no = _YES_NO_WORDS[question.language][1]
        return Reply(f"{no}. {lead} {extract.text}", extract.citations, False)
    return Reply(f"{lead} {extract.text}", extract.citations, True)


def _topic_record(
    candidates: list[_Candidate],
    passages: list[Passage],
    grounded: set[int],
    min_coverage: float,
    printed: bool = False,
) -> _Candidate | None:
    """The best sentence of the record most on the question's topic: of the passages holding what
    the question presumes (`grounded`) whose agenda item has a recorded result (with `printed`,
    that print one), the one covering the most of the question, at least `min_coverage`."""
    records = [
        c
        for c in candidates
        if c.passage in grounded
        and passages[c.passage].vote
        and (not printed or passages[c.passage].facts.votes)
    ]
    top = max(records, key=lambda c: (c.features["context"], c.score), default=None)
    return top if top is not None and top.features["context"] >= min_coverage else None


def _contradicted(p: Passage, presumed: PresumedResult) -> bool:
    """The passage records another result than the one presumed: a presumed rejection where its
    item was approved and nothing it records rejected (an amendment, a sub-item), a presumed
    approval where its item was not approved (referred, deferred, taken note of, rejected) and
    nothing it records approved, a presumed deferral where its item was approved, rejected or
    taken note of and nothing it records deferred."""
    if p.vote is None:
        return False
    outcome = p.vote.outcome
    match presumed:
        case "rejected":
            other = outcome == "approved"
        case "approved":
            other = outcome != "approved"
        case "deferred":
            other = outcome in ("approved", "rejected", "noted")
    return other and all(found.vote.outcome != presumed for found in p.facts.votes)


# How a premise the record contradicts is corrected, by the result presumed.
_CORRECTION = {
    "de": {
        "rejected": "Abgelehnt wurde das laut den Unterlagen nicht; festgehalten ist{label}:",
        "approved": "Beschlossen wurde das laut den Unterlagen nicht; festgehalten ist{label}:",
        "deferred": "Vertagt wurde das laut den Unterlagen nicht; festgehalten ist{label}:",
    },
    "en": {
        "rejected": "The record shows no rejection{label}; it says:",
        "approved": "The record shows no such decision{label}; it says:",
        "deferred": "The record shows no deferral{label}; it says:",
    },
}


def _premise_corrected(
    extract: Reply, record: Passage, presumed: PresumedResult, language: Language
) -> Reply:
    """A question presuming a result that the record contradicts: the answer corrects the
    premise, citing the record and naming its agenda item where the record's lines do not, and
    counts as declined (`abstained`), as `_no_vote_taken` does."""
    lead = _CORRECTION[language][presumed].format(label=_item_named(extract, record, language))
    return Reply(f"{lead} {extract.text}", extract.citations, True)


def _item_named(extract: Reply, record: Passage, language: Language) -> str:
    """The record's agenda item, as " (Gemeinderat, 22.10.2024, TOP 26: Grüne Welle für Karlsruhe)",
    where the record's lines quoted in `extract` do not name it; else nothing."""
    item = record.agenda_item
    named = item is None or item.title in extract.text
    return "" if named else f" ({_item_label(record, language)})"


def _yes_or_no(question: Question, lead: _Candidate, passages: list[Passage], extract: Reply) -> Reply:
    """A question asked to be answered yes or no ("Hat der Sportausschuss dem Haushalt 2023
    zugestimmt?") whose lead is a recorded result says "Ja" or "Nein" first: approved is yes,
    rejected, withdrawn or deferred no (and the other way round for "Wurde … abgelehnt?"). A
    result taken note of or referred, or two sources recording different results, say neither."""
    p = passages[lead.passage]
    found = p.facts.votes_in(lead.start, lead.end)
    vote = found[0].vote if found else (p.vote if lead.summary else None)
    if question.yes_no is None or vote is None or vote.outcome in ("noted", "referred"):
        return extract
    if _registry_conflict(extract, question.language):
        return extract
    approved = vote.outcome == "approved"
    if not question.yes_no and not (approved or vote.outcome == "rejected"):
        return extract
    yes, no = _YES_NO_WORDS[question.language]
    return dataclasses.replace(extract, text=f"{yes if approved == question.yes_no else no}. {extract.text}")


def _with_registry_conflict(extract: Reply, language: str) -> Reply:
    """Where the registry (OParl) records another result for the cited agenda item than the
    document's own text, the answer says which source says what, and lets the reader judge.
    Example, Karlsruhe TOP 5: the Niederschrift records "Einstimmige Zustimmung (43 Ja,
    2 Enthaltungen)", the OParl meeting data "mehrheitlich zugestimmt"."""
    note = _registry_conflict(extract, language)
    return Reply(f"{extract.text} {note}", extract.citations, extract.abstained) if note else extract


def _registry_conflict(extract: Reply, language: str) -> str | None:
    """The note on a cited agenda item whose registry result differs from its document's."""
    for c in extract.citations:
        p = c.passage
        registry_vote = p.record.result_vote if p.record else None
        if p.vote is None or registry_vote is None or p.record is None:
            continue
        if (registry_vote.outcome, registry_vote.unanimous) == (p.vote.outcome, p.vote.unanimous):
            continue
        document = p.doc_type or ("Dokument" if language == "de" else "document")
        return (
            f"Abweichend davon nennen die {p.record.registry}-Sitzungsdaten als Ergebnis "
            f"„{p.record.result}“; die {document} [{c.n}] hält „{p.vote.text}“ fest."
            if language == "de"
            else f"Note: the {p.record.registry} meeting data record the result as "
            f"“{p.record.result}”, while the {document} [{c.n}] records “{p.vote.text}”."
        )
    return None


def _compose(
    chosen: list[_Candidate], passages: list[Passage], language: Language, plural: bool = False
) -> Reply:
    """Answer text with a citation marker after each sentence. One citation per distinct quoted
    span; a sentence inside an already quoted span reuses its number, and one already said (a
    duplicate document, an overlapping neighbour) is not said again. The items of a list drawn
    from several documents stand one per line, grouped by document and labelled with its meeting.
    Where the sentences come from documents of different dates on the same matter, each says
    which state it gives ("Stand 22.10.2024: … Zuvor (08.10.2024): …"), and the newest leads where
    it answers nearly as well as the best sentence."""
    dated = {} if plural else _states(chosen, passages)
    newest = max(dated.values(), default=None)
    chosen = _newest_first(chosen, passages, plural)
    citations: list[Citation] = []
    spans: list[tuple[int, int, int]] = []  # (passage, quote start, quote end) per citation
    parts: list[tuple[str, str]] = []  # (document, the sentence with its marker)
    said: list[str] = []
    said_terms: list[set[str]] = []
    labelled: date | None = None  # the date of the state last named
    for c in chosen:
        p = passages[c.passage]
        end = _with_announced_items(p.text, c.start, c.end)
        shown = c.summary or one_line(p.text[c.start : end])
        if c.summary and dated:  # the state's label names the day: "Stand 22.10.2024: Gemeinderat, TOP 18"
            day = spoken(dated[c.passage], language)
            shown = shown.replace(f", {day}, ", ", ", 1).replace(f", {day}: ", ": ", 1)
        terms = set(content_terms(shown, language))
        # a result of another meeting is new; so is a list item naming what the items before lack
        # ("Planungsausschuss / Stadtrat Dr. Lenz (anstelle Stadtrat Gottmann)" after the same line
        # for the Umlegungsausschuss)
        repeated = not c.summary and (
            any(_similar(terms, earlier) for earlier in said_terms) if plural else _repeats(terms, said_terms)
        )
        if any(shown in earlier or earlier in shown for earlier in said) or repeated:
            continue
        if not c.summary:  # a widened sentence does not say again what an overlapping passage said
            shown = _without_said(shown, said)
            terms = set(content_terms(shown, language))
        said.append(shown)
        said_terms.append(terms)
        q_start, q_end = quote_span(p, c.start, end)
        inside = [i for i, (j, a, b) in enumerate(spans, 1) if j == c.passage and a <= c.start and end <= b]
        n = inside[0] if inside else 0
        if not n:
            spans.append((c.passage, q_start, q_end))
            n = len(spans)
            citations.append(citation(n, p, q_start, q_end))
        if dated and dated[c.passage] != labelled:  # a state is named once for its sentences
            labelled = dated[c.passage]
            state = _STATE[language][labelled == newest]
            shown = f"{state.format(day=spoken(labelled, language))}: {shown}"
        parts.append((p.source, f"{shown} [{n}]"))
    documents = list(dict.fromkeys(source for source, _ in parts))
    if not plural or len(documents) < 2:
        return Reply(" ".join(text for _, text in parts), citations, False)
    by_source = {p.source: p for p in passages}
    lines = [
        f"{_meeting_label(by_source[source], language)}: "
        + " ".join(text for s, text in parts if s == source)
        for source in documents
    ]
    return Reply("\n".join(f"- {line}" for line in lines), citations, False)


def _joined(replies: list[Reply]) -> Reply:
    """Answers as one, citations numbered through (a quote cited twice keeps one number) and no
    sentence said twice."""
    citations: list[Citation] = []
    texts: list[str] = []
    for reply in replies:
        number: dict[int, int] = {}
        for c in reply.citations:
            same = next((k for k in citations if k.passage == c.passage and k.text == c.text), None)
            if same is None:
                same = dataclasses.replace(c, n=len(citations) + 1)
                citations.append(same)
            number[c.n] = same.n
        renumbered = _renumbered(reply.text, number)
        for segment in _segments(renumbered):
            plain = _plain(segment)
            if any(plain in _plain(t) for t in texts):
                continue  # said already
            # a wider quote of sentences already said takes the place of the first of them
            inside = [i for i, t in enumerate(texts) if _plain(t) in plain]
            if inside:
                texts[inside[0]] = _without_said(segment, [t for i, t in enumerate(texts) if i not in inside])
                texts = [t for i, t in enumerate(texts) if i not in inside[1:]]
            else:
                texts.append(_without_said(segment, texts))
    text = ("\n" if any("\n" in t for t in texts) else " ").join(texts)
    # numbers in the order they are first read, none left unused
    order = list(dict.fromkeys(int(n) for n in _MARKER.findall(text)))
    final = {old: new for new, old in enumerate(order, 1)}
    text = _renumbered(text, final)
    kept = sorted(
        (dataclasses.replace(c, n=final[c.n]) for c in citations if c.n in final), key=lambda c: c.n
    )
    return Reply(text, kept, False)


def _alone(text: str, period: Period, periods: list[Period]) -> str | None:
    """The question as if it named only `period` of its dates: the list of dates, with the
    preposition before it, replaced by that one ("im November 2024 und im Juni 2025" → "im Juni
    2025"). None where more than `_LIST_GAP_WORDS` words stand between two of the dates: those
    words may say what is asked of each.

    >>> q = "Wo tagte der Beirat im November 2024 und im Juni 2025?"
    >>> [_alone(q, p, meeting_periods(q)) for p in meeting_periods(q)]
    ['Wo tagte der Beirat im November 2024?', 'Wo tagte der Beirat im Juni 2025?']
    >>> q = "Who was mayor according to the issues of June 1998, June 2004 and April 2016?"
    >>> _alone(q, meeting_periods(q)[1], meeting_periods(q))
    'Who was mayor according to the issues of June 2004?'
    """
    if any(len(text[a.end : b.start].split()) > _LIST_GAP_WORDS for a, b in itertools.pairwise(periods)):
        return None
    first_preposition = _preposition(text, periods[0].start)
    own = text[period.start - len(_preposition(text, period.start)) : period.end]
    kept = own if own != text[period.start : period.end] else first_preposition + own
    return text[: periods[0].start - len(first_preposition)] + kept + text[periods[-1].end :]


def _preposition(text: str, at: int) -> str:
    """The preposition standing right before text[at:] ("im ", "on "), or ""."""
    found = _BEFORE_DATE.search(text[:at])
    return found[0] if found else ""


def _renumbered(text: str, number: dict[int, int]) -> str:
    return _MARKER.sub(lambda m: f"[{number.get(int(m.group(1)), int(m.group(1)))}]", text)


def _plain(segment: str) -> str:
    return " ".join(_MARKER.sub("", segment).split())


def _without_said(segment: str, said: list[str]) -> str:
    """A quote of several sentences less those at its start or end that were said already: the
    second part's answer "In der Folge sind Gremien umzubilden. Nach Mitteilung der Fraktion … [2]"
    after "… rückte Stadtrat Dr. Lenz nach. In der Folge sind Gremien umzubilden. [1]"; a sentence
    widened by its neighbour ("Der Bestand … beträgt etwa 430. Davon befinden sich 54 …") after
    that neighbour was said.

    >>> _without_said("A kam. B ging. C blieb. [2]", ["Zuerst B ging. [1]", "C blieb."])
    'A kam. [2]'
    """
    plain = _plain(segment)
    sentences = [plain[a:b] for a, b in sentence_spans(plain)]

    def said_before(sentence: str) -> bool:
        return any(sentence in _plain(t) for t in said)

    start, end = 0, len(sentences)
    while start < end - 1 and said_before(sentences[start]):
        start += 1
    while end - 1 > start and said_before(sentences[end - 1]):
        end -= 1
    if (start, end) == (0, len(sentences)):
        return segment
    return " ".join([*sentences[start:end], *(f"[{n}]" for n in _MARKER.findall(segment))])


def _lead_of(reply: Reply) -> Reply:
    """An answer's first sentence (or list line) with its citations."""
    lead = _segments(reply.text)[0]
    cited = {int(n) for n in _MARKER.findall(lead)}
    return Reply(lead, [c for c in reply.citations if c.n in cited], reply.abstained)


def _segments(text: str) -> list[str]:
    """An answer's sentences, each with its citation marker; a list (one line per document)
    stays whole."""
    if "\n" in text:
        return [text.strip()]
    return [t.strip() for t in _SEGMENT.split(text) if t.strip()]


def _repeats(terms: set[str], said: list[set[str]]) -> bool:
    """A sentence whose words were nearly all said by one sentence before it repeats it: the
    record line "Stadtrat, Sitzung vom 28.10.2021, TOP Ö 37.6: … Beschluss: mehrheitlich
    angenommen" after the answer composed from it."""
    return bool(terms) and any(len(terms & earlier) >= REPEATED_SHARE * len(terms) for earlier in said)


def _newest_first(
    chosen: list[_Candidate], passages: list[Passage], plural: bool = False
) -> list[_Candidate]:
    """The chosen sentences in the order an answer gives them: where they give states of one
    matter of different dates (`_states`), the newest leads if it answers nearly as well as the
    best sentence (0.9 of its score)."""
    dated = {} if plural else _states(chosen, passages)
    if not dated:
        return chosen
    newest = max(dated.values())
    lead = next(c for c in chosen if dated[c.passage] == newest)
    return [lead, *(c for c in chosen if c is not lead)] if lead.score >= 0.9 * chosen[0].score else chosen


def _states(chosen: list[_Candidate], passages: list[Passage]) -> dict[int, date]:
    """The date of each chosen passage, where they come from documents of at least two dates on
    one matter (the same Vorlage, agenda item title or document title, or two `versions` of a
    statute); else nothing."""
    cited = [passages[c.passage] for c in chosen]
    if any(p.meeting_date is None for p in cited) or len({p.meeting_date for p in cited}) < 2:
        return {}
    lead = cited[0]
    keys = {k for k in (lead.vorlage, lead.agenda_item and lead.agenda_item.title, lead.title) if k}

    def one_matter(p: Passage) -> bool:
        if keys & {p.vorlage, p.agenda_item and p.agenda_item.title, p.title} or versions(lead, p):
            return True
        return bool(lead.agenda_item and p.agenda_item and same_item(lead.agenda_item, p.agenda_item))

    if not all(one_matter(p) for p in cited[1:]):
        return {}
    return {c.passage: p.meeting_date for c, p in zip(chosen, cited, strict=True) if p.meeting_date}


def _of_named_version(
    question: Question, candidates: list[_Candidate], passages: list[Passage]
) -> list[_Candidate]:
    """Where the question names the year of one version of a statute ("nach der Fassung von
    2020"), the sentences of that statute's other versions neither lead nor support its answer:
    the Fassung of 2026 does not say which Stadtteilbeiräte that of 2020 provided for. (A chunk
    both versions hold word for word is found as a passage of each: `passages.as_version`.)"""
    named = question.years
    asked = [p for p in passages if p.meeting_date and p.meeting_date.year in named]

    def other_version(p: Passage) -> bool:
        return (
            p.meeting_date is not None
            and p.meeting_date.year not in named
            and any(versions(p, a) for a in asked)
        )

    return [c for c in candidates if not other_version(passages[c.passage])]


def _current_version(
    best: _Candidate, typed: list[_Candidate], passages: list[Passage], question: Question, floor: float
) -> _Candidate:
    """The lead comes from the newest version of a statute among the passages (`versions`) where
    that holds the provision the best sentence quotes (half its words or more), of the kind asked
    for and scoring `floor`: "Für welche Ortsteile …" is answered from the Fassung of 2026, and
    that of 2020 at most follows as the earlier state. Not where the question names the year of
    the older version ("in der Fassung von 2020")."""
    p = passages[best.passage]
    if p.meeting_date is None or p.meeting_date.year in question.years:
        return best
    newer = [
        c
        for c in typed
        if c.score >= floor
        and len(c.terms & best.terms) >= 0.5 * min(len(c.terms), len(best.terms))
        and versions(p, q := passages[c.passage])
        and q.meeting_date is not None
        and q.meeting_date > p.meeting_date
    ]
    return max(newer, key=lambda c: (passages[c.passage].meeting_date, c.score), default=best)


def _meeting_label(p: Passage, language: Language) -> str:
    """Which meeting a passage's document records: "Gemeinderat, 22.10.2024", "Cabinet, 4 March
    2025", else its title."""
    named = [
        part for part in (p.committee, spoken(p.meeting_date, language) if p.meeting_date else None) if part
    ]
    return ", ".join(named) or p.title


def _of_dated_meeting(p: Passage) -> bool:
    """p is of the record of a dated meeting (minutes, an invitation), whose header gives the day
    of all it holds."""
    return p.meeting_date is not None and p.doc_type in MEETING_RECORDS


def _with_meeting_label(c: _Candidate, p: Passage, language: Language) -> _Candidate:
    """Sentence `c` of a meeting's record led by the meeting it records, where the question asks
    on which day a body took the matter up: "Stadtteilbeirat Büchenbach, 15.06.2023: 1.
    Stromversorgung in Büchenbach …"."""
    shown = one_line(p.text[c.start : _with_announced_items(p.text, c.start, c.end)])
    return replace(c, summary=f"{_meeting_label(p, language)}: {shown}")


def _venue_line(lead: _Candidate, candidates: list[_Candidate], passages: list[Passage]) -> _Candidate | None:
    """The best-scored line of the lead's document that names where its meeting took place
    ("1. Sitzung Donnerstag, 15.06.2023 18:30 Uhr Grundschule Büchenbach", "Ort: Mönauschule")."""
    source = passages[lead.passage].source
    lines = [
        c
        for c in candidates
        if passages[c.passage].source == source
        and _SENTENCE_HAS["venue"].search(passages[c.passage].text[c.start : c.end])
    ]
    return max(lines, key=lambda c: c.score, default=None)


def _item_label(p: Passage, language: Language) -> str:
    """An agenda item with the meeting that heard it, as a decision answer names it: "Stadtrat,
    12.12.2024, TOP Ö 9: Haushalt 2025 …" (the item alone where the meeting is not known)."""
    assert p.agenda_item is not None
    if not (p.committee or p.meeting_date):
        return p.agenda_item.label()
    return f"{_meeting_label(p, language)}, {p.agenda_item.label()}"


def _with_announced_items(text: str, start: int, end: int) -> int:
    """Where an answer sentence ends once what it announces is included: the list items after
    "… um folgende Straßenzüge ergänzt werden." or "… drei Bedingungen genannt:" (also past one
    sentence that leads in to them: "… sechs Sachverständige berufen werden. Vorgeschlagen
    sind:"), or the one sentence after a lead-in like "Abstimmungsergebnis:". A clause left
    without its end before list items of another kind than its own ("(3) Beratend ohne Stimmrecht
    sind – je nach Maßnahme - hinzuzuziehen" before "- eine Vertretung des Kulturamtes,") leads in
    to them too; an item of a list does not lead in to the next ("c) …", "d) …"), and the list
    ends at an item that asks a question ("- Ist Büchenbach vom Abbau von Mülleimern betroffen?":
    an Anfrage's next question, not part of the answer before it)."""
    sentence = text[start:end].rstrip()
    following = [(a, b) for a, b in sentence_spans(text) if a >= end]
    unended = (
        sentence[-1:].isalnum()
        and bool(following)
        and bool(LIST_ITEM.match(text[slice(*following[0])]))
        and _marker(sentence) != _marker(text[slice(*following[0])])
    )
    if not announces_list(sentence) and not unended:
        return end
    if (
        len(following) > 1
        and not LIST_ITEM.match(text[slice(*following[0])])
        and text[slice(*following[0])].rstrip().endswith(":")
        and LIST_ITEM.match(text[slice(*following[1])])
    ):
        following = following[1:]
    items = []
    for a, b in following[:MAX_LIST_ITEMS]:
        if not LIST_ITEM.match(text[a:b]) or text[a:b].rstrip().endswith("?"):
            break
        paragraph_end = text.find("\n\n", a, b)  # an item's "sentence" may run on past its paragraph
        items.append(b if paragraph_end < 0 else paragraph_end)
    if items:
        return items[-1]
    return following[0][1] if following and sentence.endswith(":") else end


def _marker(text: str) -> str | None:
    """The kind of list marker `text` opens with ("c)" and "d)" are one kind, "(3)" and "-" two).

    >>> _marker("c) Agenda for Cabinet"), _marker("(3) Beratend ohne Stimmrecht"), _marker("Es gilt")
    ('a)', '(0)', None)
    """
    found = LIST_ITEM.match(text)
    return re.sub(r"\d+", "0", re.sub(r"[a-z]", "a", found.group().strip())) if found else None


def _unfounded(question: Question, cited: list[Passage]) -> list[str]:
    """What the question names that the passages of the answer do not hold: each is a premise. A date ("am
    19. November 2024" is not answered by the minutes of 22 October, however well they match otherwise,
    nor by a passage of them that names 19 November: the meeting day of a committee the question names is
    held by that committee's records of that day only, and a vote on that day by the records of
    that day: the minutes of 19 November that mention the item's deferral on 22 October do not
    say who abstained on 22 October), every number (a year, an item, a file number: "im Jahr 2023"
    is not answered by passages that never mention 2023; the numbers of a date are the date's:
    "14.11.2024" is held by "14. November 2024"), every committee it names
    (`Question.bodies`: how the Sportausschuss voted is not answered by the UVPA's result), every place
    (`Question.places`: what the Stadt Erlangen pays is not answered by what Karlsruhe pays), both of which
    may also stand in the file's path ("karlsruhe-oparl/…", "…/cabinet/…"), and the words of every title
    it quotes (the votes on 'den CDU-Antrag "Grüne Welle für Karlsruhe"' are not those on the
    Grundsteuer), and what a quantity question counts (`Question.counted`: "Wie viele
    Polizeieinsätze …" is not answered by passages that never speak of them)."""
    day = meeting_day(question.located)

    def held_by(p: Passage) -> set[date]:
        # The records of a named body's meeting, or of any vote, on another day do not hold the
        # day asked about, whatever dates they mention ("29. Oktober 2024", the day the minutes
        # were written).
        own = (
            p.meeting_date
            and (p.committee in question.bodies or "vote" in question.kinds)
            and p.doc_type in DECISION_RECORDS
        )
        return dates_of(p) - {day} if own and p.meeting_date != day else dates_of(p)

    held = set().union(*(held_by(p) for p in cited))
    missing = (
        [spoken(d, question.language) for d in sorted(question.dates - held)]
        if question.dates and not question.dates & held
        else []
    )
    quoted = "\n".join(p.text + "\n" + metadata_text(p) for p in cited)
    # the numbers of a date are the date's ("14.11.2024" is held by "14. November 2024")
    missing += [
        n
        for n in dict.fromkeys(_NUMBER.findall(without_dates(question.located, months=False)))
        if not _holds_number(quoted, n)
    ]
    where = where_text(cited)
    missing += [
        body
        for body in question.bodies
        if not any(pattern.search(where) for pattern in committee_patterns(body))
    ]
    missing += missing_places(question.places, where)
    titles = [double or single for double, single in _QUOTED_TITLE.findall(question.located)]
    if titles or question.counted:
        held_terms = set(content_terms(quoted, question.language))
        missing += [
            title
            for title in titles
            if not all(term_matches(t, held_terms) for t in content_terms(title, question.language))
        ]
        # the counted noun, or the head of a hyphenated one ("E-Lastenräder"), in any compound
        if counted := question.counted:
            head = content_terms(counted.rsplit("-", 1)[-1], question.language)[:1]
            if head and not term_matches(head[0], held_terms):
                missing.append(counted)
    return missing


def _another_bodys_meeting(question: Question, lead: Passage) -> list[str]:
    """The bodies the question names that met on the day it names (`Question.met`), where the
    answer leads with the record of another body's meeting that day: what "Kent's Cabinet decided
    at its meeting on 13 March 2025" is not what the County Council's minutes of that day record,
    though they speak of the "Cabinet Member". A body that did not meet that day is the matter,
    not the meeting: "die drei Punkte zum Kunstbeirat … am 22.10.2024" were the Gemeinderat's."""
    day = meeting_day(question.located)
    if (
        not question.met
        or lead.meeting_date != day
        or lead.doc_type not in MEETING_RECORDS
        or lead.committee in question.met
    ):
        return []
    return list(question.met)


def _unnamed(question: Question, used: set[int], passages: list[Passage]) -> list[str]:
    """The political groups and the persons the question names that no passage found of the
    answer's documents names: "die SPD-Fraktion in ihrer Anfrage zum Zustand der Brücken" is not
    answered from the AfD's Anfrage, what "Mayor Jane Campbell" recommended not from a City Record
    of 2016 that never names her. The documents, not the cited passages: an Antrag names its group
    in its head, minutes name a speaker once for what follows."""
    sources = {passages[i].source for i in used}
    held = "\n".join(p.text + "\n" + metadata_text(p) for p in passages if p.source in sources)
    return [party for party in question.parties if not party_pattern(party).search(held)] + [
        person for person in question.persons if not re.search(rf"\b{re.escape(person)}", held)
    ]


# Small numbers as passages write them in words ("one" and "ein" are left out: every text holds them).
_NUMBER_WORDS = {
    str(n): f"{de}|{en}"
    for n, (de, en) in enumerate(
        zip(
            "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split(),
            "two three four five six seven eight nine ten eleven twelve".split(),
            strict=True,
        ),
        start=2,
    )
}


def _holds_number(text: str, number: str) -> bool:
    """Whether `text` names a number of the question, in digits as `_written` spells it, or in words
    ("zwölf neuen Ladepunkten" holds "statt bisher 12")."""
    if any(re.search(rf"(?<![\d/-])0*{re.escape(held)}(?![\d/-])", text) for held in _written(number)):
        return True
    return number in _NUMBER_WORDS and bool(re.search(rf"\b(?:{_NUMBER_WORDS[number]})\b", text, re.I))


def _written(number: str) -> list[str]:
    """How a number of a question may stand in a passage: as written, a span of years
    ("Niederschriften 2020/2021") also as any one of its years, a pair of small numbers
    ("Entgeltgruppen 7/8") also in words ("Entgeltgruppen 7 und 8").

    >>> _written("2020/2021"), _written("400/2020"), _written("2026/27")
    (['2020/2021', '2020', '2021'], ['400/2020'], ['2026/27'])
    >>> _written("25.000")
    ['25.000', '25000', '25 000', '25,000']
    >>> _written("7/8")[:4]
    ['7/8', '7 und 8', '7 bis 8', '7-8']
    """
    years = re.fullmatch(rf"({YEAR})[/-]({YEAR})", number)
    if years and 0 < int(years[2]) - int(years[1]) <= _YEAR_SPAN:
        return [number, *(str(y) for y in range(int(years[1]), int(years[2]) + 1))]
    if pair := re.fullmatch(r"(\d{1,2})/(\d{1,2})", number):
        return [
            number,
            *(f"{pair[1]}{joint}{pair[2]}" for joint in (" und ", " bis ", "-", " – ", " and ", " to ")),
        ]
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", number):  # "25.000" also as "25000", "25 000", "25,000"
        digits = re.sub(r"[.,]", "", number)
        spellings = [re.sub(r"[.,]", sep, number) for sep in (" ", ".", ",")]
        return list(dict.fromkeys([number, digits, *spellings]))
    return [number]


def _declined(missing: list[str], language: Language) -> str:
    """The abstention, naming what the question presumes that the documents found do not hold."""
    named = ", ".join(f"„{m}“" if language == "de" else f"“{m}”" for m in missing)
    if language == "de":
        return f"{ABSTAIN['de']} Die gefundenen Stellen enthalten nicht: {named}."
    return f"{ABSTAIN['en']} The passages found do not contain: {named}."


def _features(
    p: Passage,
    c: _Candidate,
    *,
    coverage: float,
    context: float,
    nearness: float,
    has_kind: bool,
    required: str | None,
    asks_decision: bool,
    latest: bool,
    held_names: float,
    heads_list: bool,
) -> dict[str, float]:
    """What the sentence model (`sentence_model.FEATURES`) reads off one candidate sentence."""
    sentence = p.text[c.start : c.end]
    decision = p.decision and one_line(sentence)[:80] in one_line(p.decision)
    features = {
        "coverage": coverage,
        "context": context,
        "nearness": nearness,
        "rank": 1 / (1 + c.passage),
        "lacks_kind": float(not c.typed),
        "has_kind": float(has_kind),
        "vote_count": float(required == "vote" and p.facts.marked("vote_count", c.start, c.end)),
        "minutes": float(asks_decision and p.doc_type in DECISION_RECORDS),
        "decision": float(asks_decision and bool(decision)),
        # (a question who asked something is answered by the request: `required` "asker")
        "reported": float(required != "asker" and bool(_REPORTED_QUESTION.search(sentence))),
        "fragment": float(_is_fragment(sentence) and not heads_list),
        "call_up": float(bool(_CALL_UP.search(sentence))),
        "speaker": float(bool(_SPEAKER.search(sentence))),
        "latest": float(latest),
        "held_names": held_names,
        "first": float(c.start == 0 or not p.text[: c.start].strip()),
        "length": min(len(sentence), 400) / 400,
    }
    return features | {"prior": _prior(features)}


def _prior(f: dict[str, float]) -> float:
    """The hand-set score the answerer used before the sentence model (0.3 × coverage + 0.5 ×
    context + 0.3 × nearness, bonuses for minutes and the kind asked for, penalties for a
    missing kind, reported questions and fragments); the model weighs it with the rest."""
    score = 0.3 * f["coverage"] + 0.5 * f["context"] + 0.3 * f["nearness"] + 0.1 * f["minutes"]
    if f["lacks_kind"]:
        score *= 0.5
    elif f["has_kind"]:
        score += 0.2 + 0.1 * f["vote_count"]
    if f["reported"]:
        score *= 0.6
    if f["fragment"]:
        score *= 0.5
    return score


def _latest(passages: list[Passage], context: list[float]) -> set[int]:
    """The passages of the newest document among those on the question's topic (whose context
    covers at least 0.8 of the best context), where these have at least two dates: a newer
    Satzung, a later meeting on the same Vorlage."""
    on_topic = [i for i, c in enumerate(context) if c >= 0.8 * max(context) and passages[i].meeting_date]
    days = {passages[i].meeting_date for i in on_topic}
    if len(days) < 2:
        return set()
    newest = max(d for d in days if d is not None)
    return {i for i in on_topic if passages[i].meeting_date == newest}


def _dates_meeting(question: Question, p: Passage) -> bool:
    """The question names the day or month of the passage's meeting ("im November 2024")."""
    day = p.meeting_date
    return day is not None and any(m.first <= day <= m.last for m in date_mentions(question.located))


def _sentences(p: Passage, signatures: bool) -> list[tuple[int, int]]:
    """The candidate sentences of p: those of its own text (a continuation only completes a
    sentence's list or roll call). A signature block is one sentence ("gez. gez. / Günter
    Winkelmann Stefan Schellhaus / Vorsitzender Protokollführer": its lines are table rows), and
    a candidate only where the question asks who signed (`signatures`): its names answer nothing
    else. A header field's label and its value on the next line are one ("Dienststelle: /
    Liegenschaftsamt")."""
    spans: list[tuple[int, int]] = []
    for a, b in sentence_spans(p.own_text):
        if _CONTENTS_LINE.search(p.text[a:b]):  # "§ 4 Vorsitz ........ 2" says where, not what
            continue
        block = in_signature_block(p, a)
        if block and not signatures:
            continue
        if (
            block
            and spans
            and in_signature_block(p, spans[-1][0])
            and p.paragraph_at(a) == p.paragraph_at(spans[-1][0])
        ) or (spans and ends_in_field_label(p.text[spans[-1][0] : spans[-1][1]])):
            spans[-1] = (spans[-1][0], b)  # the next line of the block, a header field's value
        else:
            spans.append((a, b))
    return spans


def _with_roots(terms: set[str], roots: Mapping[str, str]) -> set[str]:
    """`terms` and each question term whose verb root one of them starts with: a sentence on the
    "Einreichung" holds the question's "eingereicht" (`Question.roots`)."""
    return terms | {term for term, root in roots.items() if any(t.startswith(root) for t in terms)}


def _compounds(q_terms: list[str], language: Language) -> dict[str, list[str]]:
    """The hyphenated words of the question with their parts ("lastenrad-förderprogramms":
    "lastenrad", "forderprogramm"), where it has two parts or more that are words."""
    parts = {t: content_terms(t.replace("-", " "), language) for t in q_terms if "-" in t}
    return {t: p for t, p in parts.items() if len(p) >= 2}


def _with_compounds(terms: set[str], compounds: Mapping[str, list[str]]) -> set[str]:
    """`terms` and each hyphenated question word whose parts they all hold: "Förderprogramm für
    Lastenräder" holds the question's "Lastenrad-Förderprogramms" as it holds its parts."""
    return terms | {t for t, parts in compounds.items() if all(term_matches(p, terms) for p in parts)}


def _idf(q_terms: list[str], sentences: list[set[str]]) -> dict[str, float]:
    n = len(sentences)
    return {t: math.log(1 + (n + 1) / (1 + sum(term_matches(t, s) for s in sentences))) for t in q_terms}


def _covered(q_terms: list[str], weights: dict[str, float], terms: set[str]) -> float:
    total = sum(weights.values())
    return sum(weights[t] for t in q_terms if term_matches(t, terms)) / total if total else 0.0


def _without_times_or_labels(p: Passage, start: int, end: int) -> str:
    """p.text[start:end] with the dates and times it names blanked: "Dienstag, 19.11.2024, 18:30
    Uhr" answers "wann", not "wie oft" or "wie viele"; so are the numbers that label ("TOP Ö 17.2")."""
    text = p.text[start:end]
    for m in reversed([m for m in p.facts.marks if m.kind == "time" and start <= m.start and m.end <= end]):
        text = text[: m.start - start] + " " * (m.end - m.start) + text[m.end - start :]
    return _LABEL.sub(" ", text)


def _answers_type(kind: str, p: Passage, start: int, end: int, q_numbers: set[str]) -> bool:
    """Whether p.text[start:end] carries the kind of fact asked for (see `Question.kinds`)."""
    if enumeration := _ENUMERATION.match(p.text[start:end]):  # "(2) Für die Stadtteile …" is no number
        start += enumeration.end()
    match kind:
        case "vote":
            return p.facts.marked("vote", start, end)
        case "date":  # a date or time read at ingest, or a year the question does not name
            return p.facts.marked("time", start, end) or bool(
                set(_TIME_YEAR.findall(p.text[start:end])) - q_numbers
            )
        case "signature":
            return in_signature_block(p, start)
        case "number" if set(_COUNT.findall(_without_times_or_labels(p, start, end))) - q_numbers - {""}:
            return True
    return bool(_SENTENCE_HAS[kind].search(p.text[start:end]))


def _counts(sentence: str, counted: str, q_numbers: set[str], language: Language) -> bool:
    """A number in the sentence counts the noun a quantity question counts: it stands at most
    four words before it or a compound ending in it ("54 Ladepunkte", "drei öffentliche
    AC-Ladepunkte", "1.024 Wahlhelfenden"). A year or a number the question names counts nothing
    ("bei der Wahl 2024 an die Wahlhelfenden").

    >>> _counts("Davon befinden sich 54 Ladepunkte im Straßenraum.", "Ladepunkte", set(), "de")
    True
    >>> _counts("Das Wahlamt hat rund 30 Mitarbeitende.", "Ladepunkte", set(), "de")
    False
    >>> _counts("Es sind rund 1.024 Wahlhelfende.", "Wahlhelfer", set(), "de")
    True
    >>> _counts("Bei der Wahl 2024 wurden an die Wahlhelfenden Euro ausgezahlt.", "Wahlhelfer", set(), "de")
    False
    """
    head = content_terms(counted.rsplit("-", 1)[-1], language)[:1]
    if not head:
        return True
    tokens = re.findall(r"[\w.,/-]+", sentence)
    for i, token in enumerate(tokens):
        number = token.rstrip(".,")
        if number in q_numbers or re.fullmatch(YEAR, number):
            continue
        if not (re.fullmatch(r"\d+(?:[.,]\d+)*", number) or _SENTENCE_HAS["number"].fullmatch(token)):
            continue
        following = (content_terms(word, language) for word in tokens[i + 1 : i + 5])
        if any(terms and head[0] in terms[0] for terms in following):
            return True
    return False


# A line of a table of contents: a heading, leader dots, perhaps a page number.
_CONTENTS_LINE = re.compile(r"(?:\.\s?){5,}\s*\d*\s*$")


def _heads_list(text: str, start: int, end: int) -> bool:
    """text[start:end] ends in a colon and list items follow it: "Als Bausachverständige:" before
    "c) Stadtdirektorin …"."""
    if not text[start:end].rstrip().endswith(":"):
        return False
    following = next(((a, b) for a, b in sentence_spans(text) if a >= end), None)
    return following is not None and bool(LIST_ITEM.match(text[slice(*following)]))


def _is_fragment(sentence: str) -> bool:
    """Headings, table cells and header rows carry no answer on their own: "Gemeinderat
    22.10.2024 33 Ö Kenntnisnahme", "Vorsitzender Stadtteilbeirat", "Abstain (1)". A sentence has
    at least two lower-case words (articles, prepositions, verbs); table rows such as "Stadt
    Monheim a.R.: Leitung des Bereiches Kinder, Jugend und Familie" do too, and lists of names
    ("Mayor Adams, Commissioners Fish, Fritz, Leonard") are answers to "who" questions."""
    if sentence.isupper():  # "CITY OF PORTLAND, OREGON OFFICIAL MINUTES"
        return True
    return len(re.findall(r"(?<![\w-])[a-zäöüß]{2,}\b", sentence)) < 2 and sentence.count(", ") < 2


def _is_question(p: Passage, c: _Candidate) -> bool:
    """The sentence asks a question ("Can the Cabinet Member tell me …?", "Der Stadtteilbeirat
    fragt an, warum …"): it answers none."""
    sentence = p.text[c.start : c.end]
    return sentence.rstrip(' )"“”').endswith("?") or bool(_INDIRECT_QUESTION.search(sentence))


def _is_heading(p: Passage, c: _Candidate) -> bool:
    """A title line: one short line without a full stop or a recorded result ("Dauerhafte
    Aufstellung von sogenannten "Zonta-Bänken"", "TOP 4: Offene Anträge")."""
    line = p.text[c.start : c.end].strip()
    return (
        "\n" not in line
        and len(line) <= _HEADING_CHARS
        and not line.endswith((".", "!", "?", ";"))
        and not p.facts.marked("vote", c.start, c.end)
    )


def _similar(a: set[str], b: set[str]) -> bool:
    """Two sentences say the same: they share nearly all their words, and neither names something
    the other lacks while lacking something it names, nor differs from it in a number. "A total
    of 44.9FE … 120 temporary Year R places" and "A total of 38FE … 810 temporary Year 7 places"
    are two answers, the primary and the secondary capacity, not one said twice."""
    own = a ^ b
    return (
        len(a & b) >= 0.8 * min(len(a), len(b))
        and not (a - b and b - a)
        and not any(t[0].isdigit() for t in own)
    )


def _vote_block(c: _Candidate, candidates: list[_Candidate], passages: list[Passage]) -> _Candidate:
    """A vote recorded over several lines ("For (12)", names, "Against (42)", names,
    "Abstain (7)") is one answer: widen the sentence to the neighbouring vote lines."""
    facts = passages[c.passage].facts
    if not facts.marked("roll_call", c.start, c.end):
        return c
    same = [o for o in candidates if o.passage == c.passage]
    i = same.index(c)
    near = [o for j, o in enumerate(same) if abs(j - i) <= 4 and facts.marked("roll_call", o.start, o.end)]
    return _Candidate(c.passage, near[0].start, near[-1].end, c.terms, c.score)
