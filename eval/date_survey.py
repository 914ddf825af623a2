"""Which date spellings a corpus writes, and which of them the one date grammar
(`assistant.core.dates`) reads: per spelling class, how often it occurs, how often the grammar
reads it (and reads it as expected) and how often a time phrase covers it, with an example; near
misses (numbers that are no date) count how often the grammar reads them anyway. Then what the
grammar reads that no class names, and the documents whose meeting date (`parse_date` of the
head) differs from a date in their path. Documents are read as ingest reads them
(`ingest.readers.read_pages`); nothing is embedded. Takes about 30 s on the shared corpus.

    python -m eval.date_survey ../shared/corpus [--examples 2] [--pickle texts.pkl]

The classes are wider than the grammar on purpose: they find spellings, the grammar decides.
A text span belongs to the first class (in the order below) that matches it.
"""

import argparse
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assistant.core.dates import MONTHS, date_mentions, month_end, time_phrases
from ingest.readers import SUPPORTED_SUFFIXES, ReadError, read_pages
from ingest.structure import HEAD_CHARS, parse_date

Y = r"(?P<y>(?:19|20)\d{2})"
D = r"(?P<d>\d{1,2})"
N = r"(?P<m>\d{1,2})"  # a month as a number
# Month words, wider than the grammar's table ("Mrz", "Febr"): a class finds spellings.
_FULL = (
    "januar jänner january februar february märz maerz march april mai may juni june juli july "
    "august september oktober october november dezember december"
).split()
_ABBR = "jan feb febr mär mrz mar apr jun jul aug sep sept okt oct nov dez dec".split()
MF = r"(?P<M>" + "|".join(sorted(_FULL, key=len, reverse=True)) + r")\b"  # full name
MA = r"(?P<M>" + "|".join(sorted(_ABBR, key=len, reverse=True)) + r")\b\.?"  # abbreviation
MW = r"(?P<M>" + "|".join(sorted(_FULL + _ABBR, key=len, reverse=True)) + r")\b\.?"  # either
ORD = r"(?:st|nd|rd|th)"
WEEKDAY = re.compile(
    r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun)\.?,?\s*$",
    re.I,
)
_MORE = {"mrz": 3, "febr": 2}


@dataclass
class Class:
    name: str
    kind: str  # "day", "month", "other" (a date the grammar leaves alone by design), "miss" (no date)
    pattern: re.Pattern
    check: bool = True  # whether `expected` can read what it names
    count: int = 0
    read: int = 0  # the grammar reads a date or month overlapping it
    right: int = 0  # ... and reads exactly the expected day or month
    timed: int = 0  # a time phrase (`time_phrases`) overlaps it
    examples: list[tuple[str, str]] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)
    modifiers: Counter = field(default_factory=Counter)


def _c(name: str, kind: str, pattern: str, flags: int = re.I, check: bool = True) -> Class:
    return Class(name, kind, re.compile(pattern, flags), check)


CLASSES = [
    # Ranges first: the grammar reads one end (or nothing) of them.
    _c("day range + month word", "other", rf"\b\d{{1,2}}\.?\s*(?:[-–/]|bis)\s*\d{{1,2}}\.?\s+{MW}\s+{Y}\b"),
    _c("Month d-d, yyyy (day range)", "other", rf"\b{MW}\s+\d{{1,2}}\s*[-–]\s*\d{{1,2}},?\s+{Y}\b"),
    _c(
        "numeric day range",
        "other",
        rf"\b\d{{1,2}}\.\d{{1,2}}\.(?:{Y})?\s*[-–]\s*\d{{1,2}}\.\d{{1,2}}\.(?:19|20)\d\d\b",
    ),
    # A day with month and year.
    _c("dth day of Month, yyyy", "day", rf"\b{D}{ORD}\s+day\s+of\s+{MW},?\s+{Y}\b"),
    _c("d. Month yyyy (German long)", "day", rf"\b{D}\.\s*{MF}\s+{Y}\b"),
    _c("d. Mon. yyyy (German abbr.)", "day", rf"\b{D}\.\s*{MA}\s+{Y}\b"),
    _c("dth Month[,] yyyy (ordinal)", "day", rf"\b{D}{ORD}\s+{MW},?\s+{Y}\b"),
    _c("d Month yyyy (English)", "day", rf"\b{D}\s+{MF},?\s+{Y}\b"),
    _c("d Mon yyyy (English abbr.)", "day", rf"\b{D}\s+{MA}\s+{Y}\b"),
    _c("d-Mon-yyyy", "day", rf"\b{D}-{MA}-{Y}\b"),
    _c("Month d, yyyy (US)", "day", rf"\b{MF}\s+{D},?\s+{Y}\b"),
    _c("Mon. d, yyyy (US abbr.)", "day", rf"\b{MA}\s+{D},?\s+{Y}\b"),
    _c("Month dth, yyyy (US ordinal)", "day", rf"\b{MW}\s+{D}{ORD},?\s+{Y}\b"),
    _c(
        "Month the Ordinal, Year (in words)",
        "day",
        rf"\b{MF}\s+the\s+[a-z]+(?:-[a-z]+)?,\s+(?:nineteen\s+hundred|two\s+thousand)[\w -]*",
        check=False,
    ),
    _c("dd.mm.yyyy", "day", rf"\b(?P<d>\d{{2}})\.(?P<m>\d{{2}})\.{Y}\b"),
    _c("d.m.yyyy (one-digit day/month)", "day", rf"\b{D}\.{N}\.{Y}\b"),
    _c("d. m. yyyy (space after dot)", "day", rf"\b{D}\.\s*{N}\.\s*{Y}\b"),
    _c("d .m .yyyy (space before dot)", "day", rf"\b{D}\s*\.\s*{N}\s*\.\s*{Y}\b"),
    _c("yyyy-mm-ddThh:mm (ISO date-time)", "day", rf"\b{Y}-(?P<m>\d{{2}})-(?P<d>\d{{2}})T\d"),
    _c("yyyy-mm-dd (ISO)", "day", rf"\b{Y}-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b"),
    _c("dd.mm.yy (two-digit year)", "other", r"\b\d{1,2}\.\d{1,2}\.\d{2}\b(?![.,]?\d)"),
    _c("d. Month yy (two-digit year)", "other", rf"\b\d{{1,2}}\.?\s*{MF}\s+\d{{2}}\b(?![\d.:])"),
    _c("n/n/yyyy (slash, US m/d or UK d/m)", "other", r"\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b"),
    _c("n/n/yy (slash, two-digit year)", "other", r"\b\d{1,2}/\d{1,2}/\d{2}\b(?!/)"),
    _c("m-d-yy (US dashes)", "other", r"\b\d{1,2}-\d{1,2}-\d{2}\b(?!-)"),
    _c("dd-mm-yyyy", "other", r"\b\d{1,2}-\d{1,2}-(?:19|20)\d\d\b"),
    # A month with its year.
    _c("Month/Month yyyy (two months)", "other", rf"\b(?:{MW.replace('?P<M>', '')})\s*[/–-]\s*{MW}\s+{Y}\b"),
    _c("Month yyyy (month alone)", "month", rf"\b{MF},?\s+{Y}\b"),
    _c("Mon. yyyy (month alone, abbr.)", "month", rf"\b{MA},?\s+{Y}\b"),
    _c("Mon yy (month, two-digit year)", "other", rf"\b{MA}\s+\d{{2}}\b(?![\d.:,])"),
    _c("Dezernat 'Dez. n'", "miss", r"\bDez\.\s*\d\b(?!\.?\s*\d)", 0),
    _c("n + modal 'may'", "miss", r"\b\d{1,2}\s+may\b(?!\s+\d)", 0),
    _c("TOP / item n.n", "miss", r"\b(?:TOP|Item|Punkt)\s*\d{1,3}(?:\.\d{1,3})*\b"),
    # Day and month without the year.
    _c("d. Month / d. Mon. (no year)", "other", rf"\b{D}\.\s*{MW}(?!\s*\d)"),
    _c("d[th] Month (no year)", "other", rf"\b{D}{ORD}?\s+{MW}(?!\s*\d)"),
    _c("Month d[th] (no year)", "other", rf"\b{MW}\s+{D}{ORD}?\b(?![\d.:/,-]|\s*\d)"),
    # Near misses: numbers that are no date.
    _c("Vorlage number yyyy/nnnn", "miss", r"\b(?:19|20)\d\d/\d{3,4}\b"),
    _c("year pair 2020/2021, 2024/25", "miss", r"\b(?:19|20)\d\d\s*[/–-]\s*(?:(?:19|20)\d\d|\d\d)\b"),
    _c("time hh:mm / hh.mm Uhr", "miss", r"\b\d{1,2}[:.]\d{2}\s*(?:Uhr|h\b|[ap]\.?m\.?)|\b\d{1,2}:\d{2}\b"),
    _c("amount 1.250.000 / 1,250,000", "miss", r"\b\d{1,3}(?:[.,]\d{3})+(?:,\d+)?\b"),
    _c("section/version n.n.n", "miss", r"\b\d{1,3}(?:\.\d{1,3}){2,}\b"),
    _c("dd.mm. (no year)", "other", r"\b(?:[12]\d|3[01]|0?[1-9])\.(?:0?[1-9]|1[0-2])\.(?!\d)"),
    _c("§ n", "miss", r"§§?\s*\d+[a-z]?\b"),
    _c("Name yyyy (a year in a name)", "miss", rf"\b[A-ZÄÖÜ][a-zäöüß]{{3,}}\s+{Y}\b(?![./-]\d)", 0),
    _c("year alone", "miss", rf"\b{Y}\b"),
]


def expected(cls: Class, m: re.Match) -> tuple[date, date] | None:
    """The day or month a match of a "day" or "month" class names; None for an invalid one."""
    g = m.groupdict()
    word = (g.get("M") or "").lower().rstrip(".")
    month = int(g["m"]) if g.get("m") else MONTHS.get(word, _MORE.get(word))
    if month is None or not g.get("y"):
        return None
    year = int(g["y"])
    try:
        if cls.kind == "month":
            return date(year, month, 1), month_end(year, month)
        day = date(year, month, int(g["d"]))
    except ValueError:
        return None
    return day, day


def survey(texts: dict[str, str], examples: int) -> tuple[list[Class], list[tuple[str, str]]]:
    classes = [Class(c.name, c.kind, c.pattern, c.check) for c in CLASSES]
    unclassed = []
    for source, text in sorted(texts.items()):
        mentions = date_mentions(text)
        times = time_phrases(text)
        taken: list[tuple[int, int]] = []
        for cls in classes:
            for m in cls.pattern.finditer(text):
                a, b = m.span()
                if any(s < b and a < e for s, e in taken):
                    continue
                taken.append((a, b))
                cls.count += 1
                over = [d for d in mentions if d.start < b and a < d.end]
                cls.read += bool(over)
                cls.timed += any(s < b and a < e for s, e in times)
                want = expected(cls, m) if cls.kind in ("day", "month") else None
                cls.right += bool(want and any((d.first, d.last) == want for d in over))
                snippet = " ".join(text[max(0, a - 40) : b + 25].split())
                if len(cls.examples) < examples:
                    cls.examples.append((source, snippet))
                if cls.kind in ("day", "month") and not over and len(cls.unread) < examples:
                    cls.unread.append((source, snippet))
                if cls.kind == "miss" and over and len(cls.unread) < examples:
                    cls.unread.append((source, snippet))  # misread
                if WEEKDAY.search(text[max(0, a - 14) : a]):
                    cls.modifiers["weekday before"] += 1
                if "\n" in m.group():
                    cls.modifiers["line break inside"] += 1
                if m.group().isupper() and any(ch.isalpha() for ch in m.group()):
                    cls.modifiers["upper case"] += 1
        for d in mentions:
            if not any(s <= d.start and d.end <= e for s, e in taken):
                unclassed.append((source, " ".join(text[max(0, d.start - 30) : d.end + 20].split())))
    return classes, unclassed


def meeting_dates(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """Where `parse_date` of a document's head differs from a date its path names (Erlangen and
    Kent name the meeting a paper belongs to, Cleveland the issue): (source, path date, parsed)."""
    differ = []
    for source, text in sorted(texts.items()):
        if m := re.search(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", source):
            parsed = parse_date(text[:HEAD_CHARS])
            if parsed is None or parsed.isoformat() != "-".join(m.groups()):
                differ.append((source, "-".join(m.groups()), str(parsed)))
    return differ


def read_corpus(corpus: Path, skip: list[str]) -> dict[str, str]:
    texts = {}
    for path in sorted(corpus.rglob("*")):
        source = path.relative_to(corpus).as_posix()
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and source not in skip:
            try:
                pages, _ = read_pages(path, 200 * 2**20)
            except ReadError:
                continue
            texts[source] = "\n".join(p.text for p in pages)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--examples", type=int, default=1, help="examples per class")
    parser.add_argument(
        "--skip", nargs="*", default=["SOURCES.md"], help="corpus files that are no documents"
    )
    parser.add_argument(
        "--pickle", type=Path, help="read texts from this cache {source: text}, write it if absent"
    )
    args = parser.parse_args()
    if args.pickle and args.pickle.exists():
        texts = {k: v for k, v in pickle.loads(args.pickle.read_bytes()).items() if k not in args.skip}
    else:
        texts = read_corpus(args.corpus, args.skip)
        if args.pickle:
            args.pickle.write_bytes(pickle.dumps(texts))
    classes, unclassed = survey(texts, args.examples)
    print(f"{len(texts)} documents. Per class: found / read by the grammar (date_mentions) / read as")
    print("the day or month it names / overlapping a time phrase (time_phrases)")
    for kind, title in [
        ("day", "DAYS"),
        ("month", "MONTHS"),
        ("other", "LEFT ALONE BY DESIGN"),
        ("miss", "NEAR MISSES"),
    ]:
        print(f"\n== {title}")
        for c in (c for c in classes if c.kind == kind):
            right = f"{c.right:5}" if kind in ("day", "month") and c.check else "    -"
            mods = ", ".join(f"{k} {n}" for k, n in c.modifiers.items())
            print(f"{c.count:6} {c.read:5} {right} {c.timed:5}  {c.name}" + (f"  [{mods}]" if mods else ""))
            for source, snippet in c.examples:
                print(f"{'':26}e.g. {snippet!r}  ({source[-50:]})")
            for source, snippet in c.unread:
                label = "READ AS A DATE" if kind == "miss" else "UNREAD"
                print(f"{'':26}{label} {snippet!r}  ({source[-50:]})")
    print(f"\n== READ BY THE GRAMMAR, IN NO CLASS: {len(unclassed)}")
    for source, snippet in unclassed[: max(10, args.examples * 5)]:
        print(f"  {snippet!r}  ({source[-60:]})")
    differ = meeting_dates(texts)
    print(f"\n== MEETING DATE (parse_date of the head) UNLIKE THE DATE IN THE PATH: {len(differ)}")
    for source, named, parsed in differ:
        print(f"  {named} {parsed:10}  {source[-80:]}")


if __name__ == "__main__":
    main()
