"""Council structure stated in a document's own text: title, committee (Gremium), meeting date
and Vorlage number. Each field is None where the document does not state it; nothing is guessed
from other files.

The parsers look at the head of the document (first ~3000 characters), where minutes,
Beratungsergebnisse and Vorlagen print their metadata.
"""

import itertools
import re
from datetime import date
from pathlib import PurePosixPath

from assistant.core.dates import MONTH_NAMES_EN, date_mentions
from assistant.core.doc_types import type_named_in
from assistant.core.documents import CouncilDocument, Page
from ingest.sections import agenda_sections

HEAD_CHARS = 3000

# Words that introduce the date of the meeting rather than the date a document was printed.
_MEETING_MARKER = re.compile(
    r"(?:\bam\b|\bvom\b|Sitzung|Besprechung|Termin|\bheld\b|meeting|Tagung|Datum)", re.I
)

_VORLAGE = re.compile(r"Vorlage(?:\s*-?\s*Nr\.?)?\s*:?\s*(\d{1,4}/\d{2,4}(?:/\d{1,4})?)\b")

_GENITIVE = {
    "rates": "rat",
    "rats": "rat",
    "tages": "tag",
    "ausschusses": "ausschuss",
    "beirates": "beirat",
    "beirats": "beirat",
}
_COMMITTEE_PATTERNS = [
    # "Sozialausschuss am 08.02.2021"
    re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]*(?:-[A-ZÄÖÜ][a-zäöüß]+)*ausschuss)\s+(?:am|vom)\s+\d"),
    # "Sitzung des Stadtteilbeirates Büchenbach", "Plenarsitzung des Gemeinderates"
    re.compile(
        r"[Ss]itzung des ((?:[A-ZÄÖÜ][a-zäöüß]*)(?:rates|rats|tages|ausschusses|beirates|beirats))"
        r"(\s+(?!am\b|vom\b)[A-ZÄÖÜ][a-zäöüß]+)?"
    ),
    # Karlsruhe committee minutes: "Niederschrift 3. Sitzung Haupt- und Finanzausschuss",
    # "Niederschrift Ausschuss für Umwelt und Gesundheit und Naturschutzbeirat"
    re.compile(
        r"^Niederschrift\s+(?:\d+\.\s+Sitzung\s+)?((?:[A-ZÄÖÜ][a-zäöüß]*-\s+und\s+)?[A-ZÄÖÜ][a-zäöüß]*ausschuss"
        r"|Ausschuss für [A-ZÄÖÜ][a-zäöüß]+(?: und [A-ZÄÖÜ][a-zäöüß]+)?)",
        re.M,
    ),
    # A line of its own naming the body, as in invitations: "Stadtteilbeirat Büchenbach"
    re.compile(r"^((?:Stadtteil|Orts)beirat\s+[A-ZÄÖÜ][a-zäöüß]+)\s*$", re.M),
    # Karlsruhe Vorlagen: table "Gremium Termin TOP" followed by the first consultation
    re.compile(
        r"Gremium\s+Termin\s+TOP[^\n]*\n([A-ZÄÖÜ][\wäöüß-]+(?: [A-ZÄÖÜ][\wäöüß-]+)?)\s+\d{2}\.\d{2}\.\d{4}"
    ),
    # English minutes
    re.compile(
        r"(?i)meeting of the ((?:council of the city of [a-z]+)|county council|cabinet"
        r"|[a-z ]{3,40}? committee)\b"
    ),
    re.compile(r"(?i)\b(council of the city of [a-z]+)\b"),
    # An English agenda front sheet: the body in capitals under "AGENDA" ("AGENDA\n\nCABINET")
    re.compile(r"^[ \t]*AGENDA[ \t]*\n(?:[ \t]*\n)*[ \t]*([A-Z][A-Z &'-]{2,40}?)[ \t]*$", re.M),
]


# A statute's own date and then its current version's: "vom 20.02.2020 i. d. F. vom ".
_VERSION_OF = re.compile(r"\bvom\s+\S+(?:\s+\S+){0,2}?\s+(?:i\.\s*d\.\s*F\.|in der Fassung)\s+vom\s+$")


# The minutes of an earlier meeting, approved or put on the agenda ("3. Minutes of the Meeting held
# on 9 January", "Genehmigung der Niederschrift der Sitzung vom …"): their date is not this meeting's.
_EARLIER_MINUTES = re.compile(
    r"\bminutes\s+of\s+the\s+(?:last\s+|previous\s+)?meeting\s+held\s+on\s+(?:\w+,?\s+)?$"
    r"|\b(?:Genehmigung|Feststellung)\s+(?:der|des)\s+(?:Niederschrift|Protokolls?)\b[^\n]{0,60}$",
    re.I,
)

# A document that opens as an agenda prints its meeting's date first.
_AGENDA_HEAD = re.compile(r"\s*(?:AGENDA|Tagesordnung|Einladung)\b", re.I)


def parse_date(text: str) -> date | None:
    """The meeting date in `text`: a date right after a word like "am", "Sitzung",
    "held" wins over the first date (which is often the printing date). A statute's current
    version wins over both: "Satzung … vom 20.02.2020 i. d. F. vom 26.02.2026" is the text of
    26.02.2026 (not the law it cites, "GO i. d. F. der Bekanntmachung vom 22. August 1998").

    >>> parse_date("Erlangen, 20. Juli 2021\\nBesprechung am: 08. Juli 2021")
    datetime.date(2021, 7, 8)
    >>> parse_date("held at County Hall, Maidstone on Thursday, 13 February 2025.")
    datetime.date(2025, 2, 13)
    >>> parse_date("Satzung vom 20.02.2020 i. d. F. vom 26.02.2026 / In Kraft getreten am 01.05.2026")
    datetime.date(2026, 2, 26)

    The minutes of an earlier meeting that a document approves or puts on its agenda date that
    meeting, not this one; an agenda's first date is its meeting's:

    >>> parse_date("AGENDA\\nCABINET\\nThursday, 30th January, 2025\\n3. Minutes of the Meeting held on 9th "
    ...            "January 2025\\n(During these items the meeting is closed)\\nWednesday, 22 January 2025")
    datetime.date(2025, 1, 30)
    >>> parse_date("PANEL – 10th December 2024\\nMINUTES of the meeting held in the Darent Room.\\n"
    ...            "1. Minutes of the meeting held on 29 October 2024")
    datetime.date(2024, 12, 10)
    """
    found = date_mentions(text, months=False)
    if not found:
        return written_date(text)
    for m in found:
        if _VERSION_OF.search(text[max(0, m.start - 60) : m.start]):
            return m.first
    if _AGENDA_HEAD.match(text):
        return found[0].first
    for m in found:
        before = text[max(0, m.start - 120) : m.start]
        if _MEETING_MARKER.search(before) and not _EARLIER_MINUTES.search(before):
            return m.first
    return found[0].first


def _counted(words: str, first: int, step: int = 1) -> dict[str, int]:
    return dict(zip(words.split(), itertools.count(first, step)))


# English number words: 1..99 as a year's last part ("ninety-eight"), 1..31 as a day ("twenty-seventh").
_ONES = _counted("one two three four five six seven eight nine", 1)
_TENS = _counted("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_NTH = _counted("first second third fourth fifth sixth seventh eighth ninth", 1)
_CARDINAL = _ONES | _counted(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10
)
_CARDINAL |= _TENS | {f"{t}-{o}": n + m for t, n in _TENS.items() for o, m in _ONES.items()}
_ORDINAL = _NTH | _counted("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth", 10)
_ORDINAL |= _counted("eighteenth nineteenth twentieth", 18) | {"thirtieth": 30}
_ORDINAL |= {f"{t}-{o}": n + m for t, n in (("twenty", 20), ("thirty", 30)) for o, m in _NTH.items()}
# A date written in words, as a publication's masthead prints it: "June the Tenth, Nineteen
# Hundred and Ninety-Eight", "April the Twenty-Seventh, Two Thousand and Sixteen".
_WORD = r"[A-Za-z]+(?:-[A-Za-z]+)?"
_WRITTEN_DATE = re.compile(
    rf"\b({'|'.join(MONTH_NAMES_EN)})\s+the\s+({_WORD}),\s+(Nineteen\s+Hundred|Two\s+Thousand)(?:\s+and)?"
    rf"(?:\s+({_WORD}))?\b"
)


def written_date(text: str) -> date | None:
    """The first date written in words in `text`, or None.

    >>> written_date("The City Record\\nJune the Tenth, Nineteen Hundred and Ninety-Eight")
    datetime.date(1998, 6, 10)
    >>> written_date("April the Twenty-Seventh, Two Thousand and Sixteen"), written_date("June the Fifth")
    (datetime.date(2016, 4, 27), None)
    """
    for m in _WRITTEN_DATE.finditer(text):
        day = _ORDINAL.get(m[2].lower())
        rest = _CARDINAL.get(m[4].lower()) if m[4] else 0
        if day is None or rest is None:
            continue
        year = (1900 if m[3].startswith("Nineteen") else 2000) + rest
        try:
            return date(year, MONTH_NAMES_EN.index(m[1]) + 1, day)
        except ValueError:  # "June the Thirty-First"
            continue
    return None


def parse_committee(text: str) -> str | None:
    """The body (Gremium) whose meeting or paper this is.

    >>> parse_committee("Niederschrift 3. Plenarsitzung des Gemeinderates\\n22. Oktober 2024")
    'Gemeinderat'
    >>> parse_committee("Sozialausschuss am 08.02.2021")
    'Sozialausschuss'
    >>> parse_committee("AGENDA\\n\\nCABINET\\n\\n\\nTuesday, 4th March, 2025, at 10.00 am")
    'Cabinet'
    """
    matches = [m for m in (p.search(text) for p in _COMMITTEE_PATTERNS) if m]
    if not matches:
        return None
    m = min(matches, key=lambda m: m.start())  # the heading names the body before any mention
    name = m.group(1)
    for ending, nominative in _GENITIVE.items():
        if name.endswith(ending):
            name = name[: -len(ending)] + nominative
            break
    if m.lastindex and m.lastindex > 1 and m.group(2):
        name += " " + m.group(2).strip()
    if name.islower() or name.isupper():
        name = name.title().replace(" Of ", " of ").replace(" The ", " the ")
    return name


def parse_vorlage(text: str) -> str | None:
    """The Vorlage (paper) number as printed.

    >>> parse_vorlage("Beratungsergebnis zu Vorlage Nr. 50/004/2021")
    '50/004/2021'
    """
    m = _VORLAGE.search(text)
    return m.group(1) if m else None


_SUBJECT_PATTERNS = [
    # "Punkt 14 der Tagesordnung: Grundsteuerreform 2025 …", "Zu Punkt 10: Aktuelles …", "TOP 3: …"
    re.compile(
        r"^(?:Zu\s+)?(?:Punkt|TOP|Tagesordnungspunkt)\s*(\d+(?:\.\d+)*)(?:\s+der\s+Tagesordnung)?\s*:\s*(\S.*)",
        re.M,
    ),
    # Karlsruhe Vorlagen: the title follows the paper number on the next line, where that is not
    # another field of the header ("Verantwortlich: Dez. 4")
    re.compile(r"^Vorlage\s*Nr\.?:?\s*\S+[ \t]*\n(?![ \t]*[^\W\d_]+:)()(\S.*)", re.M),
    re.compile(r"^(?:Betreff|Thema|Gegenstand|Subject|Title)\s*:\s*()(\S.*)", re.M | re.I),
]
# Lines that end a wrapped subject: the next field of a document header.
_SUBJECT_END = re.compile(
    r"^(?:Vorlage|Gremi|Antrag|Änderungsantrag|Eingang|Verantwortlich|Dienststelle|Kurzfassung|Beschluss|Punkt|TOP)\b"
)


def parse_subject(text: str) -> str | None:
    r"""The agenda item or subject a document is about, wrapped lines joined.

    >>> parse_subject("Punkt 14 der Tagesordnung: Grundsteuerreform\nHebesatzsatzung\nVorlage: 2024/0868")
    'TOP 14: Grundsteuerreform Hebesatzsatzung'
    """
    found = [m for m in (p.search(text) for p in _SUBJECT_PATTERNS) if m]
    if not found:
        return None
    m = min(found, key=lambda m: m.start())
    lines = [m.group(2).strip()]
    for line in text[m.end() :].split("\n")[1:4]:
        line = line.strip()
        if not re.search(r"[^\W\d_]", line) or _SUBJECT_END.match(line):
            break
        lines.append(line)
    subject = " ".join(lines)
    subject = f"TOP {m.group(1)}: {subject}" if m.group(1) else subject
    return re.sub(r"\s+", " ", subject)[:200]


def document_title(source: str, pages: list[Page]) -> str:
    """The full title the text opens with where it names the document's type ("Satzung der Stadt
    Erlangen über Orts- und Stadtteilbeiräte", also where it wraps onto a second line); else the
    file name where it reads as words; else the heading that names the document's type where its
    text opens with one ("Anfrage", "Stellungnahme zum Antrag": a printer's note such as "Gedruckt
    auf 100 Prozent Recyclingpapier" may follow it); else the first substantial line of the text."""
    stem = PurePosixPath(source).stem
    spaced = (re.sub(r"\s+", " ", line).strip() for page in pages for line in page.text.splitlines())
    lines = (line for line in spaced if line)  # read lazily: a title stands in the first lines
    head = list(itertools.islice(lines, 2))
    opening = " ".join(head) if len(head) == 2 and _WRAPPED.search(head[0]) else next(iter(head), "")
    label = type_named_in(opening)
    if label and opening.lower().startswith(label.lower()) and len(opening.split()) >= _TITLE_WORDS:
        return opening[:150]
    words = re.findall(r"[^\W\d_]{3,}", stem)
    if len(words) >= 2:
        return re.sub(r"\s+", " ", stem.replace("_", " ")).strip()
    if not head:
        return stem
    if len(head[0].split()) <= _TYPE_HEADING_WORDS and type_named_in(head[0]):
        return head[0]
    return next(
        (line[:150] for line in itertools.chain(head, lines) if len(re.findall(r"[^\W\d_]", line)) >= 12),
        stem,
    )


# At most this many words make a heading that names the document's type ("Stellungnahme zum Antrag").
_TYPE_HEADING_WORDS = 4
# At least this many words make a full title that names the type, better than any file name.
_TITLE_WORDS = 6
# A title line that goes on on the next line ("Satzung der Stadt Erlangen über Orts- und").
_WRAPPED = re.compile(r"(?:\b(?:und|oder|über|der|des|zur|zum|für|von)|[-,])$")
# An attachment stays an attachment whatever it contains ("Anlage 2 zur Vorlage …").
_ATTACHMENT_NAME = re.compile(r"(?i)(?:^|[\W_])(?:anlage|anhang|appendix)(?:$|[\W_\d])")
_MEMO_HEAD = re.compile(r"^(?:From|By):.*\n(?:.*\n){0,6}?To:", re.M)


def parse_doc_type(source: str, head: str) -> str | None:
    """The document type: German Niederschrift, Beratungsergebnis, Vorlage, Antrag, Anfrage,
    Stellungnahme, Satzung, Einladung, Anlage; English minutes, agenda, report, questions,
    motion. The document's title lines decide first (its first three lines: "Stellungnahme zum
    Antrag" is a Stellungnahme, the earliest type word wins), then the file name (Erlangen's
    "2021-07-08_Niederschrift_…", Kent's "Printed minutes …"), then the first dozen lines.

    >>> parse_doc_type("docs/649426.txt", "Stellungnahme zum Antrag\\nVorlage Nr.: 2023/0835")
    'Stellungnahme'
    >>> parse_doc_type("SBR/2022-11-17_Anhang_Praesentation.pdf", "Stadtteilbeirat Büchenbach\\nAgenda")
    'Anlage'
    """
    name = PurePosixPath(source).stem
    if _ATTACHMENT_NAME.search(name):
        return "Anlage" if not _english(head) else "report"
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    for text in ("\n".join(lines[:3]), name.replace("_", " "), "\n".join(lines[:12])):
        found = type_named_in(text)
        if found:
            return found
    if _MEMO_HEAD.search("\n".join(lines[:12])):
        return "report"
    return None


def _english(text: str) -> bool:
    words = re.findall(r"[a-zäöüß]+", text.lower())
    return sum(w in ("the", "and", "of", "to") for w in words) > sum(
        w in ("der", "die", "und", "des") for w in words
    )


def head_text(pages: list[Page]) -> str:
    return "\n".join(p.text for p in pages)[:HEAD_CHARS]


def build_document(source: str, pages: list[Page], warnings: list[str]) -> CouncilDocument:
    head = head_text(pages)
    return CouncilDocument(
        source=source,
        title=document_title(source, pages),
        committee=parse_committee(head),
        meeting_date=parse_date(head),
        vorlage=parse_vorlage(head),
        subject=parse_subject(head),
        pages=pages,
        warnings=warnings,
        doc_type=parse_doc_type(source, head),
        sections=agenda_sections(pages),
    )
