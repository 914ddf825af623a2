"""Answer drafts for inquiries (Anfragen): every relevant passage, grouped by meeting, and a cited
draft in the style of "Ergänzende Ausführungen der Verwaltung".

A council group's Anfrage usually asks several numbered questions. Staff answer each from the
minutes and Vorlagen, so the draft is built question by question from the same answers the chat
gives (`CouncilAssistant.draft` asks each through `ask`: the LLM with sentence-level verification
where `llm.mode` is set, the extractive answerer otherwise, then calls `compose_draft`). Nothing is
added that an answer did not cite: a question the documents do not answer gets "Hierzu enthalten
die vorliegenden Dokumente keine Angaben." and a note, never a guess.

Worked example: "1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt? 2. Wie hat der
Gemeinderat über die Hebesatzsatzung abgestimmt?" gives two answers, each with its own [1]; the
draft reads "Zu Frage 1: … Erkrath, Heiligenhaus und Hilden … [1]" and "Zu Frage 2: … (25 Ja,
22 Nein) [2]", with one source list numbered across both.

Questions are asked as written: an item that only makes sense with the inquiry's introduction
("Wie viele Anträge wurden gestellt?") is searched without it, and may be answered less well than
the same question asked with its subject.
"""

import re
from dataclasses import dataclass, replace
from datetime import date

from assistant.answering.passages import one_line
from assistant.core.answers import Answer, Citation, Passage
from assistant.core.dates import german
from assistant.core.text import sentence_spans

MAX_QUESTIONS = 10  # more are left out with a note: a longer inquiry is better split up
MAX_INQUIRY_CHARS = 20_000  # about five pages; inquiries are short, a longer text is the wrong file
# Passages listed per answered question beside the ones it cites: the nearest few are worth a
# look (the same matter in another document or meeting), further down they are mostly noise.
RELATED_PER_QUESTION = 3
NO_ANSWER = "Hierzu enthalten die vorliegenden Dokumente keine Angaben."

# "Sehr geehrte Damen und Herren," and the like, up to the comma or the line end.
_SALUTATION = re.compile(
    r"^[ \t]*(?:sehr geehrte[rns]?|liebe[rs]?|hallo|guten tag|dear)\b[^\n,]*(?:,|$)", re.I | re.M
)
# The closing formula; it and everything after it (signature, names) is no question.
_CLOSING = re.compile(
    r"^[ \t]*(?:mit freundliche[mn] gr(?:ü|ue)(?:ß|ss)(?:en)?|freundliche gr(?:ü|ue)(?:ß|ss)e|"
    r"(?:viele|beste|herzliche) gr(?:ü|ue)(?:ß|ss)e|hochachtungsvoll|mfg\b|kind regards|best regards|"
    r"yours sincerely)",
    re.I | re.M,
)
# An item marker: "1.", "2)", "(3)", "Frage 4:", "a)", "(b)" at a line start, or after a "?" or
# ":" when the inquiry was pasted as one line ("Wir fragen: 1. … ? 2. … ?").
_ITEM = re.compile(
    r"(?:^[ \t]*|(?<=[?:])[ \t]+)"
    r"(?:(?:Frage[ \t]+)?(?P<num>\d{1,2})(?:\.\)|[.):])|\((?P<pnum>\d{1,2})\)"
    r"|(?P<letter>[a-z])\)|\((?P<pletter>[a-z])\))"
    r"[ \t]+(?=\S)",
    re.M,
)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
_MARKER = re.compile(r"(\s*)\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")


class InquiryError(ValueError):
    """An inquiry that cannot be drafted as given; the message is one German line for the user."""


@dataclass(frozen=True)
class MeetingGroup:
    label: str  # "Gemeinderat, 22.10.2024", or the document title when no meeting is known
    meeting_date: date | None  # for a document group the document's own date, where known
    passages: list[Passage]  # every relevant passage of that meeting, best first


@dataclass(frozen=True)
class Draft:
    inquiry: str
    questions: list[str]  # the single questions, or [inquiry] when it states none
    groups: list[MeetingGroup]
    text: str  # German, one paragraph per question, with [n] markers that refer to `citations`
    citations: list[Citation]  # numbered 1..n in order
    notes: list[str]  # questions the documents do not answer, dropped filters, LLM fallbacks

    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]

    def cited_as(self, passage: Passage) -> list[int]:
        """The citation numbers that quote `passage` (empty: listed, not cited)."""
        return [c.n for c in self.citations if c.passage.chunk_id == passage.chunk_id]


def questions_of(inquiry: str, max_question_chars: int) -> tuple[list[tuple[str, str]], list[str]]:
    """The questions of `inquiry` as (label, question) and the notes on what was left out.
    Raises `InquiryError` for an empty or overlong inquiry, one without a question, or a
    question longer than `max_question_chars`."""
    inquiry = inquiry.strip()
    if not inquiry:
        raise InquiryError("Die Anfrage ist leer. Bitte fügen Sie den Text der Anfrage ein.")
    if len(inquiry) > MAX_INQUIRY_CHARS:
        raise InquiryError(
            f"Die Anfrage ist zu lang ({len(inquiry)} Zeichen, höchstens {MAX_INQUIRY_CHARS}). "
            "Bitte fügen Sie nur den Text der Anfrage ein."
        )
    found = split_questions(inquiry)
    if not found:
        raise InquiryError("Die Anfrage enthält keine Frage, nur Anrede und Grußformel.")
    notes = []
    if len(found) > MAX_QUESTIONS:
        notes.append(
            f"Die Anfrage enthält {len(found)} Fragen; beantwortet sind die ersten {MAX_QUESTIONS}. "
            "Bitte stellen Sie die übrigen gesondert."
        )
        found = found[:MAX_QUESTIONS]
    for label, question in found:
        if len(question) > max_question_chars:
            which = f"Frage {label}" if len(found) > 1 else "Die Frage"
            raise InquiryError(
                f"{which} ist zu lang ({len(question)} Zeichen, höchstens {max_question_chars}). Bitte "
                "kürzen Sie sie oder nummerieren Sie die einzelnen Fragen (1., 2., …)."
            )
    return found, notes


def compose_draft(
    inquiry: str, found: list[tuple[str, str]], answers: list[Answer], notes: list[str]
) -> Draft:
    """The draft of the answers to the questions `found` in `inquiry` (see the module docstring)."""
    text, citations, answer_notes = _compose(found, answers)
    return Draft(
        inquiry=inquiry.strip(),
        questions=[q for _, q in found],
        groups=group_by_meeting(relevant_passages(answers)),
        text=text,
        citations=citations,
        notes=list(dict.fromkeys(notes + answer_notes)),
    )


def split_questions(inquiry: str) -> list[tuple[str, str]]:
    """The inquiry's questions as (label, question), salutation and closing left out.

    Numbered items ("1.", "2)", "(3)", "Frage 4:") are the questions, whether or not they end
    in "?" ("1. Die Zahl der Anträge im Jahr 2021."); letter items ("a)") under a numbered one
    get its text as a lead-in, so that "2. Zur Grundsteuer: a) Wie wurde abgestimmt?" asks
    "Zur Grundsteuer: Wie wurde abgestimmt?" as question "2 a)". Numbers must count up from 1,
    so a date at a line start ("22. Oktober …") is no item. An item ends at the next item or at
    a blank line (a justification often follows the questions). Without items, every sentence
    ending in "?" is a question; without those, the whole text is one.

    >>> split_questions("Sehr geehrte Damen und Herren,\\nwir fragen:\\n1. Wer? 2. Wann?\\nMfG\\nX")
    [('1', 'Wer?'), ('2', 'Wann?')]
    """
    body = _body(inquiry)
    items = _numbered_items(body)
    if items:
        return items
    sentences = [" ".join(body[a:b].split()) for a, b in sentence_spans(body)]
    asked = [s for s in sentences if s.endswith("?")]
    if asked:
        return [(str(i), q) for i, q in enumerate(asked, 1)]
    whole = " ".join(body.split())
    return [("1", whole)] if re.search(r"\w", whole) else []


def _body(inquiry: str) -> str:
    text = inquiry.replace("\r\n", "\n").replace("\r", "\n")
    closing = _CLOSING.search(text)
    if closing:
        text = text[: closing.start()]
    return _SALUTATION.sub("", text)


def _numbered_items(body: str) -> list[tuple[str, str]]:
    markers: list[tuple[str, str | None, int, int]] = []  # (number, letter or None, start, end)
    number, letter = 0, ""
    for m in _ITEM.finditer(body):
        n = m.group("num") or m.group("pnum")
        a = m.group("letter") or m.group("pletter")
        if n is not None and int(n) == number + 1:
            number, letter = number + 1, ""
            markers.append((n, None, m.start(), m.end()))
        elif a is not None and ord(a) == (ord(letter) + 1 if letter else ord("a")):
            letter = a
            markers.append((str(number) if number else "", a, m.start(), m.end()))
    texts = []
    for i, (_, _, _, end) in enumerate(markers):
        stop = markers[i + 1][2] if i + 1 < len(markers) else len(body)
        segment = BLANK_LINE.split(body[end:stop].strip(), maxsplit=1)[0]
        texts.append(" ".join(segment.split()))
    out = []
    for i, (n, a, _, _) in enumerate(markers):
        if a is None:
            has_items = i + 1 < len(markers) and markers[i + 1][1] is not None
            if not has_items and texts[i]:
                out.append((n, texts[i]))
            continue
        lead = next((texts[j] for j in range(i, -1, -1) if markers[j][1] is None), "") if n else ""
        label = f"{n} {a})" if n else f"{a})"
        question = f"{lead} {texts[i]}".strip()
        if texts[i]:
            out.append((label, question))
    return out


def _compose(found: list[tuple[str, str]], answers: list[Answer]) -> tuple[str, list[Citation], list[str]]:
    """The draft's paragraphs with one citation numbering across all of them: each answer's
    markers are renumbered, and a quote already cited for an earlier question keeps its number."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    paragraphs = []
    notes = []
    for (label, question), answer in zip(found, answers, strict=True):
        head = f"Zu Frage {label}: " if len(found) > 1 else ""
        which = f"Frage {label}" if len(found) > 1 else "Die Frage"
        if answer.abstained and not answer.citations:  # a corrected premise still cites its record
            paragraphs.append(head + NO_ANSWER)
            if not answer.retrieved and answer.filters.applied.chosen:
                notes.append(answer.text)  # the chosen filters match no document
            else:
                notes.append(
                    f"{which} („{shorten(question, 120)}“) beantworten die Dokumente im Index nicht; "
                    "bitte fachlich ergänzen."
                )
            continue
        mapping = {}
        for c in answer.citations:
            key = one_line(c.text)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(replace(c, n=numbers[key]))
            mapping[c.n] = numbers[key]
        paragraphs.append(head + renumber(answer.text, mapping))
        if note := answer.filters.note():
            notes.append(f"{which}: {note.removeprefix('Hinweis: ')}")
        if answer.generation.note:
            notes.append(f"{which}: {answer.generation.note}")
    return "\n\n".join(paragraphs), citations, notes


def renumber(text: str, mapping: dict[int, int]) -> str:
    """`text` with its citation markers renumbered; a marker without a citation is dropped.

    >>> renumber("Erkrath [1]. Hilden [2][1]. Gemeinsam [1, 2].", {1: 4, 2: 5})
    'Erkrath [4]. Hilden [5][4]. Gemeinsam [4, 5].'
    """

    def new(m: re.Match[str]) -> str:
        numbers = [mapping[int(n)] for n in re.findall(r"\d+", m.group(2)) if int(n) in mapping]
        return f"{m.group(1)}[{', '.join(str(n) for n in dict.fromkeys(numbers))}]" if numbers else ""

    return _MARKER.sub(new, text).strip()


def relevant_passages(answers: list[Answer]) -> list[Passage]:
    """The passages worth listing, best first: every passage an answer cites, then the first
    `RELATED_PER_QUESTION` each answered question retrieved. Questions the documents do not
    answer add nothing: their nearest passages were judged not to answer them, and listing them
    as "Fundstellen" would suggest otherwise. Each chunk is listed once (by chunk id), ranked
    by its best place in any answer."""
    rank: dict[str, tuple[int, int, int]] = {}
    chosen: dict[str, Passage] = {}

    def offer(p: Passage, key: tuple[int, int, int]) -> None:
        if p.chunk_id not in rank or key < rank[p.chunk_id]:
            rank[p.chunk_id], chosen[p.chunk_id] = key, p

    for q, answer in enumerate(answers):
        if answer.abstained and not answer.citations:
            continue
        for c in answer.citations:
            offer(c.passage, (0, c.n, q))
        for r, p in enumerate(answer.retrieved[:RELATED_PER_QUESTION]):
            offer(p, (1, r, q))
    return sorted(chosen.values(), key=lambda p: rank[p.chunk_id])


def group_by_meeting(passages: list[Passage]) -> list[MeetingGroup]:
    """`passages` (best first) grouped by meeting: committee and meeting day. A passage whose
    meeting is not known (no committee or no day: a Satzung, a report) is grouped with its
    document instead. Groups are sorted newest first by their day; those without a day come
    last, in the order of their best passage.

    Example: the Gemeinderat minutes of 22.10.2024 and a Beratungsergebnis of the
    Sozialausschuss of 08.02.2021 give "Gemeinderat, 22.10.2024", then "Sozialausschuss,
    08.02.2021"; a Satzung dated 20.02.2020 without a committee gives "<its title> (Satzung,
    20.02.2020)" after them."""
    groups: dict[tuple[str, ...], list[Passage]] = {}
    for p in passages:
        meeting = p.committee is not None and p.meeting_date is not None
        key = ("meeting", p.committee or "", str(p.meeting_date)) if meeting else ("document", p.source)
        groups.setdefault(key, []).append(p)
    order = list(groups)
    day = {k: groups[k][0].meeting_date for k in order}
    dated = sorted((k for k in order if day[k]), key=lambda k: (day[k], -order.index(k)), reverse=True)
    undated = [k for k in order if not day[k]]
    return [_group(groups[k]) for k in dated + undated]


def _group(passages: list[Passage]) -> MeetingGroup:
    p = passages[0]
    day = german(p.meeting_date) if p.meeting_date else None
    if p.committee and day:
        label = f"{p.committee}, {day}"
    else:
        known = [x for x in (p.doc_type, day) if x]
        label = (p.title or p.source) + (f" ({', '.join(known)})" if known else "")
    return MeetingGroup(label=label, meeting_date=p.meeting_date, passages=passages)


def shorten(text: str, chars: int) -> str:
    """`text` cut to `chars` characters, the cut marked "…"."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"
