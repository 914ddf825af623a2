"""What both answerers and the verifier read off a retrieved passage: whether it holds a question
word, the dates it names, its metadata as text, and the quote a citation of it gives."""

import re
from dataclasses import replace
from datetime import date

from assistant.core.answers import Citation, Passage
from assistant.core.dates import german, german_long
from assistant.core.documents import AgendaItem, CouncilDocument
from assistant.core.facts import read_facts
from assistant.core.text import LIST_ITEM, sentence_spans
from assistant.core.votes import ROLL_CALL_RESULT, VOTE_MARKS

# A line that names who chaired a meeting: "PRESENT: Mr G Cooke (Chairman)", "President of Council,
# Kevin J. Kelley, in the Chair.", "Mayor Adams, Presiding", "Vorsitz: Oberbürgermeister Dr. Frank
# Mentrup", "Vorsitzender: Günter Winkelmann", "Der Vorsitzende, Herr Winkelmann, eröffnet …",
# "Vorsitzende KA Thiele verweist …" (not "Vorsitzender der Geschäftsführung"),
# "… convened … with Director Langhenry presiding." (not "Presiding and Administrative Judge"),
# "RESOLVED that Mr Cooke be elected to Chair the meeting.".
CHAIR_LINE = re.compile(
    r"\((?:Chair(?:man|woman|person)?)\)|\bin the Chair\b|\b(?i:presid(?:ing|ed))\b(?!\s+and\b)"
    r"|\bchaired by\b|\b(?i:elected to chair)\b|\bzu[mr]\s+(?:Vorsitzenden|Sitzungsleiter(?:in)?)\s+gewählt\b"
    r"|\bVorsitz(?:ende[rn]?)?\s*:|\bVorsitzende[rn]?,?\s+(?:Herr|Frau|[A-Z]{2}\s+[A-ZÄÖÜ][a-zäöüß]+\b)|\bSitzungsleitung\b"
    r"|\bunter\s+(?:dem\s+)?Vorsitz\s+(?:von\s+)?[A-ZÄÖÜ]|\bleitet(?:e)?\s+die\s+Sitzung\b"
)
# A line that names where a meeting took place: "Ort: Mönauschule", an invitation's "2. Sitzung
# Dienstag, 19.11.2024 18:30 Uhr Mönauschule, Aula", Karlsruhe's minutes' "15:30 Uhr / öffentlich /
# Bürgersaal, Rathaus am Marktplatz", "MINUTES of a meeting of the Cabinet held in
# the Council Chamber", "The meeting of the Board of Control convened in the Mayor's office".
_PLACE_WORD = (
    r"(?:[Ss]chule|[Ss]aal|[Hh]aus|[Hh]alle|[Zz]entrum|[Rr]aum|[Rr]äume|Aula"
    r"|[Kk]irche|[Bb]ibliothek|Digital|[Oo]nline)"
)
VENUE_LINE = re.compile(
    r"^[ \t]*(?:Ort|Sitzungsort|Tagungsort|Venue|Location)\s*:"
    r"|\b\d{1,2}[:.]\d{2}\s*Uhr(?:[^\w\n]|\n(?!\n)){1,4}(?:(?:nicht\s?)?öffentlich[ \t]*\n)?"
    rf"[^\n]{{0,30}}{_PLACE_WORD}"
    r"|\b(?:held|convened|met)\s+(?:in|at)\s+the\s+[A-Z]",
    re.M,
)
# A paper's header field naming the office in charge: "Dienststelle: Liegenschaftsamt",
# "Verantwortlich: Dez. 6", "Federführung: Stadtkämmerei".
OFFICE_LINE = re.compile(
    r"^[ \t]*(?:Dienststelle|Federführung|Federführendes\s+Amt|Verantwortlich)\s*:", re.M
)
# The line that opens a document's signature block: "gez.  gez." (names and roles on the lines
# below), "Unterzeichnet von" (the names below), "Signed:".
SIGNATURE_LINE = re.compile(r"^[ \t]*(?:gez\.|Unterzeichnet\s+von\b|Signed\b)", re.M)
# A paragraph of a roll call that is not a count line ("For (52)", `VOTE_MARKS["roll_call"]`): the
# members' names ("Mr Baker, Mr Baldock, Mrs Bell, …").
_MEMBER_NAMES = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\b")
_ROLL_CALL = VOTE_MARKS["roll_call"]
# A sentence left open for the list that completes it: "Der Gemeinderat beschließt, dass".
_OPEN_CLAUSE = re.compile(r"(?:,|\b(?:dass|daß|that))$", re.I)
# A sentence that announces a list which follows it ("folgende …", "drei Bedingungen", "sechs
# Sachkundige Einwohner": a count before an adjective and a noun; "an drei weiteren großen
# Bereichen": up to two adjectives, the noun also in the dative).
_ANNOUNCES_LIST = re.compile(
    r"\b(?:nach)?folgende[nmrs]?\b|\bwie folgt\b|\bfollowing\b|\bas follows\b"
    r"|\b(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+(?:[a-zäöüß]\w+\s+){0,2}(?:(?-i:[A-ZÄÖÜ][a-zäöüß]+e[nr]?\s+[A-ZÄÖÜ]\w+)|Bedingungen|Punkte|Forderungen|Maßnahmen|Anträge|Projekte|Handlungsfelder|Themen"
    r"|Ziele|Schwerpunkte|Standorte|Bereiche|Kriterien|Varianten|Fragen|Gründe|Module|Bausteine|Säulen|Stufen"
    r"|conditions|points|items|measures|areas|options|questions|reasons|priorities|themes|objectives)n?\b",
    re.I,
)


def quote_span(p: Passage, start: int, end: int) -> tuple[int, int]:
    """The whole paragraphs holding text[start:end]; a short first paragraph comes with the one
    before it, as headings like "Ergänzende Ausführungen der Verwaltung:" give a quote context."""
    starts = [*p.paragraph_starts, len(p.text)]
    first = max(j for j in range(len(p.paragraph_starts)) if starts[j] <= start)
    last = max(j for j in range(len(p.paragraph_starts)) if starts[j] < end)
    if first > 0 and starts[first + 1] - starts[first] < 200:
        first -= 1
    return starts[first], starts[last + 1]


def announces_list(sentence: str) -> bool:
    """The sentence leads in to what follows it: "… drei Bedingungen genannt:", "… um folgende
    Straßenzüge ergänzt werden.", or is left open for it: "Der Gemeinderat beschließt, dass"."""
    sentence = sentence.rstrip()
    return sentence.endswith(":") or bool(_ANNOUNCES_LIST.search(sentence) or _OPEN_CLAUSE.search(sentence))


def ends_in_field_label(sentence: str) -> bool:
    """The sentence's last line is an office field's label without its value ("Dienststelle:"),
    which the next line gives ("Liegenschaftsamt").

    >>> ends_in_field_label("Verantwortlich: Dez. 6\\nDienststelle:")
    True
    >>> ends_in_field_label("Dienststelle: Gartenbauamt")
    False
    """
    last = sentence.rsplit("\n", 1)[-1]
    label = OFFICE_LINE.match(last)
    return label is not None and not last[label.end() :].strip()


def in_signature_block(p: Passage, start: int) -> bool:
    """p.text[start:] lies in a paragraph that opens with a signature line (`SIGNATURE_LINE`)."""
    paragraph = max((s for s in p.paragraph_starts if s <= start), default=0)
    return bool(SIGNATURE_LINE.match(p.text, paragraph))


def ends_in_list(p: Passage) -> bool:
    """The passage ends inside a list it announces (its last paragraphs are list items after a
    lead-in), or with the lead-in itself: the chunk boundary may have cut the list."""
    paragraphs = _paragraphs(p)
    items = len(paragraphs)
    while items and LIST_ITEM.match(paragraphs[items - 1]):
        items -= 1
    return items > 0 and announces_list(paragraphs[items - 1])


def ends_in_roll_call(p: Passage) -> bool:
    """The passage ends inside a roll call: a count line ("For (52)") with no result line
    ("Motion carried.") after it; the chunk boundary has cut the record of the vote."""
    counts = list(_ROLL_CALL.finditer(p.text))
    return bool(counts) and not ROLL_CALL_RESULT.search(p.text, counts[-1].end())


# The end of a text that stops inside a sentence: a word, a number or a comma.
_OPEN_END = re.compile(r"[\w,]\s*$")


def ends_in_sentence(p: Passage) -> bool:
    """The passage stops inside a sentence, as where a page break cuts one ("… not obtaining legal
    status" / "in time to transition …")."""
    return bool(_OPEN_END.search(p.text))


def ends_open(p: Passage) -> bool:
    """The passage ends inside a list, a roll call or a sentence that its file's next chunk may
    complete."""
    return ends_in_list(p) or ends_in_roll_call(p) or ends_in_sentence(p)


def continued(p: Passage, following: Passage, last: Passage | None = None) -> Passage:
    """p with what opens `following`, the chunk its file places after `last` (the chunk p's text
    ends with: p itself, unless p was continued before), where that goes on where p stops (the
    next paragraph, or the first of the next page: a page break cuts lists as often as roll calls):
    - the list items that complete a list ("folgende Straßenzüge: - Europakanal - Goldwitzer
      Straße" by "- Marienstraße … - Sixtusstraße");
    - the rest of a roll call up to its result line ("For (52)" by the names, "Against (0)",
      "Abstain (11)" … "Motion carried."), or the whole chunk where it holds only more of the roll
      call (names and counts, cut again by the next boundary);
    - the rest of a sentence that a page break cut, where the next page goes on in lower case
      ("… not obtaining legal status" by "in time to transition to care leavers at university
      age."): it is part of p's own text, as the sentence starts there.
    Its facts are read again for the longer text."""
    last = last or p
    next_paragraph = following.page == last.page and following.paragraph == last.paragraph + len(
        last.paragraph_starts
    )
    next_page = last.page is not None and following.page == last.page + 1 and following.paragraph == 1
    paragraphs = _paragraphs(following)
    if ends_in_list(p) and (next_paragraph or next_page):
        added = next((i for i, text in enumerate(paragraphs) if not LIST_ITEM.match(text)), len(paragraphs))
    elif ends_in_roll_call(p) and (next_paragraph or next_page):
        result = next((i for i, text in enumerate(paragraphs) if ROLL_CALL_RESULT.search(text)), None)
        whole = all(_ROLL_CALL.match(text) or _MEMBER_NAMES.match(text) for text in paragraphs)
        added = result + 1 if result is not None else len(paragraphs) if whole else 0
    elif (
        ends_in_sentence(p)
        and next_page
        and paragraphs
        and paragraphs[0][:1].islower()
        and (spans := sentence_spans(paragraphs[0]))
    ):
        text = p.text.rstrip() + "\n" + paragraphs[0][: spans[0][1]]
        return replace(p, text=text, facts=read_facts(text))
    else:
        added = 0
    if not added:
        return p
    head = p.text.rstrip() + "\n\n"
    text = (
        head
        + following.text[: following.paragraph_starts[added] if added < len(paragraphs) else None].rstrip()
    )
    return replace(
        p,
        text=text,
        paragraph_starts=(*p.paragraph_starts, *(len(head) + s for s in following.paragraph_starts[:added])),
        facts=read_facts(text),
        continuation=p.continuation if p.continuation is not None else len(p.text.rstrip()),
    )


def _paragraphs(p: Passage) -> list[str]:
    ends = [*p.paragraph_starts[1:], len(p.text)]
    return [p.text[a:b].strip() for a, b in zip(p.paragraph_starts, ends, strict=True)]


def citation(n: int, p: Passage, start: int, end: int) -> Citation:
    """Citation n of p.text[start:end] (a `quote_span`), with the paragraph it starts in."""
    return Citation(n=n, passage=p, paragraph=p.paragraph_at(start), text=p.text[start:end].strip())


def term_matches(term: str, terms: set[str]) -> bool:
    """A question term is found if present, as the head or start of a compound ("stadt" in
    "stadtverwalt", "mittel" in "fordermittel"), or as a longer form of a stem of 5+ letters
    ("besteht" / "besteh")."""
    if term in terms:
        return True
    if len(term) < 5 or term[0].isdigit():
        return False
    return any(
        (t.endswith(term) or t.startswith(term))
        if len(t) > len(term)
        else (len(t) >= 5 and term.startswith(t))
        for t in terms
    )


def dates_of(p: Passage) -> set[date]:
    """The dates a passage names (read at ingest) and its meeting's day."""
    return set(p.facts.dates) | ({p.meeting_date} if p.meeting_date else set())


def metadata_text(p: Passage) -> str:
    """What a passage's document says about it (title, subject, committee, Vorlage, agenda item,
    meeting day in three spellings), as text that question words are matched against."""
    parts = [p.title, p.subject or "", p.committee or "", p.vorlage or ""]
    if p.agenda_item:
        parts.append(p.agenda_item.label())
    if p.meeting_date:
        d = p.meeting_date
        parts.append(f"{german(d)} {german_long(d)} {d:%d %B %Y}")
    return "\n".join(parts)


def where_text(passages: list[Passage]) -> str:
    """What the passages say of where and by whom they stand: their text, their documents'
    metadata, and the words of their file paths, which may name a committee and a place
    ("kent county council cabinet …")."""
    return "\n".join(f"{p.text}\n{metadata_text(p)}\n{re.sub(r'[-_/]', ' ', p.source)}" for p in passages)


# An agenda item title of fewer words ("Anfragen", "Mitteilungen zur Kenntnis") names a recurring
# item of every meeting, not one matter.
_MATTER_WORDS = 4
# ... unless it names a statute, which is one matter however short the title ("Neuerlass der
# Zweckentfremdungsverbotssatzung", "Änderung der Taxitarifordnung").
_STATUTE_WORD = re.compile(r"(?:satzung|ordnung|richtlinien?|statuts?)$")


# A paper's number in an item title: "Antrag 400/2020", "Vorlage 2024/0868", "50/004/2021".
_PAPER_NUMBER = re.compile(
    r"(?<![\d/])\d{1,4}(?:/\d{1,4})*/(?:19|20)\d\d(?![\d/])|(?<![\d/])(?:19|20)\d\d/\d{3,4}(?![\d/])"
)


# The type of document whose versions replace one another (`versions`).
STATUTE = "Satzung"


def versions(a: Passage | CouncilDocument, b: Passage | CouncilDocument) -> bool:
    """Two files are versions of one statute: Satzungen whose titles agree but for their numbers
    ("ortsbeiraete 140 00 satzung 2020" and "… 2026"); their dates tell the versions apart."""
    return a.doc_type == b.doc_type == STATUTE and _without_numbers(a.title) == _without_numbers(b.title)


def as_version(p: Passage, doc: CouncilDocument) -> Passage:
    """`p` as a passage of `doc`: a chunk that two versions of a statute hold word for word is
    stored once, under one of them (`also_in` names the other), and stands for each."""
    return replace(p, source=doc.source, meeting_date=doc.meeting_date, also_in=())


def newer_version(doc: CouncilDocument, p: Passage) -> bool:
    """`doc` is a later version of the statute `p` quotes."""
    return versions(doc, p) and bool(
        doc.meeting_date and p.meeting_date and doc.meeting_date > p.meeting_date
    )


def shared_sentences(a: str, b: str) -> int:
    """How many sentences of `a` (of `SHARED_WORDS` words or more) `b` holds word for word,
    line breaks, hyphenation at them and spacing aside: a provision two versions of a statute
    keep, wherever their pages and chunks break.

    >>> old = "§ 6 Geschäftsgang\\n(1) Der Beirat tagt mindestens jedoch dreimal jährlich im Jahr."
    >>> shared_sentences(old, "(1) Der Beirat tagt mindestens jedoch drei-\\nmal jährlich im Jahr. (2) Neu.")
    1
    >>> shared_sentences(old, "(1) Der Beirat tagt mindestens viermal jährlich im Jahr.")
    0
    """
    held = flat(b)
    return sum(
        1
        for start, end in sentence_spans(a)
        if len((sentence := flat(a[start:end])).split()) >= SHARED_WORDS and sentence in held
    )


# A sentence shorter than this ("(2) Neu.", "§ 8 Inkrafttreten") is shared by chance.
SHARED_WORDS = 6


def flat(text: str) -> str:
    """`text` on one line, single-spaced, words hyphenated at a line break joined again."""
    return " ".join(re.sub(r"(?<=\w)-\s*\n\s*(?=[a-zäöüß])", "", text).split())


def _without_numbers(title: str) -> str:
    return " ".join(re.sub(r"\d+", " ", title).split()).lower()


def same_item(a: AgendaItem, b: AgendaItem) -> bool:
    """Both agenda items are one matter, heard in two meetings (a committee, then the council):
    their titles agree word for word, case, punctuation and spacing aside, and are long enough
    to name a matter; or they name the same paper numbers (the council's title may add "Hier:
    Führung der Wendeschleife" to the committee's).

    >>> same_item(AgendaItem("Ö 14", "Neuerlass der Grundsteuer-Hebesatzsatzung"),
    ...           AgendaItem("Ö 2", "Neuerlass der Grundsteuer–Hebesatzsatzung "))
    True
    >>> same_item(AgendaItem("Ö 29", "Antrag 400/2020: Änderung der Trasse"),
    ...           AgendaItem("Ö 37.6", "Antrag 400/2020: Änderung der Trasse. Hier: Wendeschleife"))
    True
    >>> same_item(AgendaItem("Ö 21", "Anfragen"), AgendaItem("Ö 19", "Anfragen"))
    False
    >>> same_item(AgendaItem("Ö 18", "Neuerlass der Zweckentfremdungsverbotssatzung"),
    ...           AgendaItem("Ö 26.1", "Neuerlass der Zweckentfremdungsverbotssatzung"))
    True
    """
    key = item_words(a.title)
    if key == item_words(b.title) and (
        len(key) >= _MATTER_WORDS or any(_STATUTE_WORD.search(w) for w in key)
    ):
        return True
    papers = set(_PAPER_NUMBER.findall(a.title))
    return bool(papers) and papers == set(_PAPER_NUMBER.findall(b.title))


def item_words(title: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", title.lower()))


def one_line(text: str) -> str:
    """
    >>> one_line(" TOP 14:\\n  Grundsteuer ")
    'TOP 14: Grundsteuer'
    """
    return re.sub(r"\s+", " ", text).strip()
