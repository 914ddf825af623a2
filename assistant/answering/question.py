"""A question read once (`Question.read`): its language, its content terms, the kinds of fact it
asks for (a vote result, a number, a date, names), the dates and names it states, whether it asks
for several things or for what was decided, and the query that retrieval searches with.
Retrieval and both answerers receive this value instead of reading the text again.

Dense retrieval matches topics, not question forms: "Wie wurde über die Grundsteuerreform
abgestimmt?" finds every paragraph of the Grundsteuer debate equally well, and the one line with
the vote result may rank 20th. For vote questions the embedded query therefore carries the words
vote records are written in, which moves the record's chunk up (measured on the gold set).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, NamedTuple

from assistant.answering.question_filters import meeting_dates, names_meeting
from assistant.core.dates import YEAR, find_dates
from assistant.core.text import Language, content_terms, detect_language, sentence_spans, verb_roots, words
from assistant.core.votes import Outcome

# Titles and forms of address before a person's name ("Mr G Cooke", "Stadträtin Kögler"); the
# German offices also name a body or an office itself ("der Stadtrat", "der Oberbürgermeister").
# Kreistag minutes abbreviate members' roles, in capitals whatever the pattern's flags: "KA Serag"
# (Kreistagsabgeordnete), "SE Esser" (sachkundige Einwohnerin), "SB" / "sB" (sachkundiger Bürger).
_ADDRESS = (
    r"Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Cllr|Councillor|Council(?:man|woman|member)|Commissioner|Mayor|President"
    r"|Deacon|Herrn?|Frau|(?-i:KA|SE|SB|sB|sE)"
)
_OFFICE = (
    r"Stadtr(?:at|ätin)|(?:Ober)?[Bb]ürgermeister(?:in)?|Landr(?:at|ätin)|Ortsvorsteher(?:in)?"
    r"|Ortschaftsr(?:at|ätin)"
)
PERSON_TITLE = rf"(?:{_ADDRESS}|{_OFFICE})"
# Words of a question on a paper's author or the office in charge of it, not on a person's office.
_PAPER_WORDS = r"(?:Vorlage|Stellungnahme|Antrag|Anfrage|zuständig|verfasst|geschrieben|erstellt)"
QUESTION_TYPES = {
    "vote": re.compile(
        r"abstimm|abgestimmt|(?<![a-zäöüß])stimmen(?!gleich)|\bstimmte\b|\bgestimmt\b|zugestimmt|stimmverh|votum|gegenstimm|enthaltung|einstimmig|mehrheit"
        r"|(?:antrag|vorlage)\b[^?]{0,120}\bausgegangen\b|\bvot(e|ed|es|ing)\b(?!\s+in\b(?!\s+favou?r))"
        # whether a motion passed asks its result ("Wurde der Antrag angenommen?", "Did the motion pass?")
        r"|(?:antrag|anträge|vorlage|satzung|beschlussvorschlag|resolution)\b[^?]{0,150}\b(?:angenommen|abgelehnt|durchgekommen"
        r"|gescheitert)\b|\b(?:motion|amendment|resolution|ordinance|proposal|recommendation)s?\b[^?]{0,200}"
        r"\b(?:pass|passed|carried|defeated|rejected|lost|fail|failed)\b"
        # ... named before the question ("Mr Hood moved an amendment … Was it carried?")
        r"|\b(?:was|were)\s+(?:it|they|this|that)\s+(?:carried|passed|lost|defeated|rejected)\b"
        r"|\b(?:wurde|wurden|ist|sind)\s+(?:er|sie|es)\s+(?:\w+\s+){0,3}?(?:angenommen|abgelehnt)\b"
        # who abstained ("Wer hat sich enthalten?", "Which members abstained?")
        r"|\bsich\b[^?]{0,60}\benthalten\b|\benthielte?n?\s+sich\b|\babstain(?:ed|s|ing)?\b|\babstentions?\b",
        re.I,
    ),
    "number": re.compile(
        r"\bwie\s+(viel(?:e[nmr]?)?|hoch|groß|lange?|weit|oft|teuer)\b(?!\s+Uhr\b)|\banzahl\b|\bbetrag|\bsumme\b|\bkosten\b|\bprozent"
        r"|\bwelche[nmrs]?\s+(?:\w+\s+)?\w*(?:[Hh]ebesatz|[Ss]teuersatz|Satz|Höhe|Anteil|Wert|Quote|Zahl|[Pp]reis|[Gg]ebühr|[Mm]iete"
        r"|[Bb]etrag|[Ss]umme|[Üü]berschuss|[Dd]efizit|[Zz]uschuss|[Bb]udget|[Pp]acht|[Uu]msatz)\b"
        r"|\bhow\s+(many|much|long|often)\b|\bwhat\s+(?:\w+\s+)?(amount|total|percentage|sum|rate|share|figure)\b"
        r"|\bcost\b",
        re.I,
    ),
    # Money: answered by an amount in a currency, not by a count ("Wie viel Fördergeld …?", "Wie
    # hoch waren die Fördermittel …?" are not answered by "die drei Stadtverwaltungen haben …
    # beantragt"), nor "Wie hoch ist die Sondernutzungsgebühr?" by "innerhalb von fünf Werktagen".
    "amount": re.compile(
        r"\bwie\s+viel(?:e[nmr]?)?\s+(?:\w+\s+)?(?:Geld|Euro|Förder\w*|Mittel|Zuschu\w*|Kosten|Budget)\b|\bwie\s+teuer\b"
        r"|\bkosten\b|\bkostet\b|\bhow\s+much\s+(?:\w+\s+)?(?:money|funding|grant|did\s+\w+\s+cost)\b|\bcost\b"
        r"|\bhow\s+much\b[^?]*\b(?:spends?|spent|pays?|paid|charges?|charged|earns?|earned)\b"
        r"|\bwhat\s+(?:is|was|are|were)\s+the\s+(?:\w+\s+)?(?:price|fee|fees|budget|salary)\b"
        r"|\bwie\s+hoch\s+(?:\w+\s+){0,3}\w*(?:kosten|gebühr(?:en)?|preis|beträge|betrag|zuschuss|zuschüsse|förderung"
        r"|miete|entgelt|gehalt|lohn|geld|budget|etat|summe|mittel)\b|\bwie\s+viel\s+(?:\w+\s+)?verdien",
        re.I,
    ),
    # At what time of day: answered by a clock time ("15:30 Uhr", "7:02 p.m."), not by a count.
    "clock": re.compile(r"\bwie\s+viel\s+Uhr\b|\bUhrzeit\b|\bwhat\s+time\b|\bat\s+what\s+hour\b", re.I),
    # Who chaired a meeting: answered by the line naming its chair (`passages.CHAIR_LINE`).
    "chair": re.compile(
        r"\bwho\s+(?:chaired|presided|was\s+in\s+the\s+chair|was\s+(?:the\s+)?(?:chair(?:man|woman|person)?|presiding))"
        r"|\bpresided\s+over\b|\bwer\s+(?:leitete\s+die\s+(?:\w+\s+)?Sitzung|(?:hat(?:te)?|führte)\b.{0,80}\bden\s+Vorsitz"
        r"|war\s+(?:\w+\s+){0,3}Vorsitzende[rn]?)\b|\bSitzungsleitung\b",
        re.I,
    ),
    # Who holds an office: "Wer ist Oberbürgermeister von Karlsruhe?", "Who is the Leader of Kent
    # County Council?"; answered by a sentence naming a person with a title or form of address
    # ("Vorsitzender: Oberbürgermeister Dr. Frank Mentrup"), not one naming the office alone.
    "holder": re.compile(
        r"^\W*(?:wer|who)\s+(?:ist|war|is|was)\s+(?:(?:der|die|the|derzeit|aktuell|currently|neue[rn]?|new)\s+){0,3}"
        rf"(?:{_OFFICE}|Vorsitzende[rn]?|Leader|Chair(?:man|woman)?|Mayor|President)\b"
        rf"|\bwie\s+hei(?:ß|ss)t\s+(?:der|die)\s+(?:\w+\s+)?(?:{_OFFICE}|Vorsitzende[rn]?)\b",
        re.I,
    ),
    # Which office or role a named person holds: "Welche Funktion hat Herr Beck?", "What position did
    # Frank G. Jackson hold …?"; answered by a sentence naming a role ("Amtsleiter des Amtes für
    # Soziokultur", "President of Council"), not by one that names the person alone.
    "function": re.compile(
        r"\bwelche[snm]?\s+(?:Funktion|Position|Aufgabe|Rolle)\s+(?:hat|hatte|hält|hielt|übt|übte|bekleidet"
        r"|bekleidete|nimmt|nahm)\b|\bwelches\s+Amt\s+(?:hat|hatte|bekleidet|bekleidete|übt|übte)\b"
        rf"(?![^?]*\b{_PAPER_WORDS})"
        r"|\b(?:what|which)\s+(?:position|office|post|job|title)s?\b(?!\s+(?:of|on|for)\b)"
        r"|\bwhat\s+role\s+did\b[^?]*\bhave\b",
        re.I,
    ),
    # Where a meeting took place: answered by the line naming its venue (`passages.VENUE_LINE`).
    "venue": re.compile(
        r"\bwo\b(?:\s+[\w.]+){0,8}?\s+(?:getagt|tagt(?:e|en)?|statt|stattgefunden|zusammen(?:gekommen|getreten))\b"
        r"|\bin\s+welche[mr]\s+(?:\w+\s+)?(?:Schule|Raum|Saal|Gebäude|Räumen|Räumlichkeiten|Lokal)\b"
        # (where a meeting was held, not "where were the children held there moved")
        r"|\bwhere\s+(?:was|were|did|will|is)\s+(?:[\w-]+\s+){0,6}?(?:meeting|session|hearing|council|committee|cabinet"
        r"|board|panel|commission|it|they)\b.{0,60}?\b(?:held|meet|met|take\s+place|convene)\b"
        r"|\bin\s+which\s+(?:room|building|venue)\b"
        r"|\bwhat\s+venue\b",
        re.I,
    ),
    # Who signed a document: answered by its signature block (`passages.SIGNATURE_LINE`).
    "signature": re.compile(
        r"\bunterzeichne(?:t|te|ten)\b|\bunterschrieben\b|\bunterschrieb\b|\bgezeichnet\b"
        r"|\bwho\s+signed\b|\bsigned\s+by\b|\bsignator",
        re.I,
    ),
    # Which office of the administration is in charge of a paper: answered by the paper's header
    # field ("Dienststelle: Liegenschaftsamt", `passages.OFFICE_LINE`).
    "office": re.compile(
        r"\bwelche[sm]?\s+(?:Amt|Dienststelle|Dezernat|Fachbereich)\b"
        rf"(?=[^?]*\b{_PAPER_WORDS})"
        r"|\bfederführend\b",
        re.I,
    ),
    # Whether (or who) spoke on an item: answered by the record of its debate ("keine
    # Wortmeldungen", "ohne Aussprache", a speaker's turn), not by what the item says.
    "debate": re.compile(
        r"\bWortmeldung|\bdas\s+Wort\s+(?:ergriffen|genommen|gemeldet)|\bAussprache\b"
        r"|\bohne\s+(?:Diskussion|Debatte)\b|\bRedebeitr|\bwithout\s+(?:debate|discussion)\b|\bspoke\b",
        re.I,
    ),
    # Who asked something in a meeting: answered by the record of a member asking ("KA Serag bittet
    # um Mitteilung, welche …", "Mr Hood asked whether …"), which no other answer quotes.
    "asker": re.compile(
        r"\bwer\b[^?]{0,120}\b(?:gefragt|nachgefragt|angefragt|erkundigt|erkundigte|gebeten|bat)\b"
        r"|\bwer\b[^?]{0,120}\bwissen\b|\bwho\b[^?]{0,40}\b(?:(?:asked|enquired|queried)\b(?!\s+to\b)|wanted\s+to\s+know\b)",
        re.I,
    ),
    "date": re.compile(
        r"\bwann\b|\bdatum\b|an welchem tag|\bwhat date\b|\bwhich day\b|\b(?:since|from|until|by)\s+when\b"
        # "when" asks at the start or before a verb ("and when was it submitted"), not as a
        # conjunction ("What did Cabinet decide … when it reconsidered …")
        r"|^\W*(?:and\s+)?when\b|\bwhen\s+(?:is|was|are|were|did|does|do|will|would|has|have|had|can|could|should"
        r"|shall|must|might)\b"
        r"|\bwelche[nmrs]?\s+(?:\w+\s+)?(?:\w*termin|zeitpunkt|stichtag)\b",
        re.I,
    ),
    "names": re.compile(
        r"\bwelche[nmrs]?\b|\bwer\b|\bwen\b|\bwem\b|\bwho\b|\bwhom\b|\bwhich\b|\bnamen?\b", re.I
    ),
    # Why: answered by a sentence that gives a reason ("Da … in der Innenstadt steht, schlägt die
    # Verwaltung … vor", "because …").
    "reason": re.compile(
        r"^\W*(?:warum|weshalb|wieso|weswegen|why)\b|\baus\s+welche[mn]\s+gr[uü]nde?n?\b"
        r"|\bmit\s+welcher\s+begründung\b|\bwie\s+begründe|\bfor\s+what\s+reasons?\b"
        r"|\bwhat\s+(?:was|were|is|are)\s+the\s+reasons?\b",
        re.I,
    ),
}

# A question asking for several things: "Welche Städte …", "Wer alles …", "Which projects …",
# "Nenne alle …", "Welche sechs Sachverständigen …". German "welche" before a noun of a
# singular-only ending ("Welche Regelung") is none. "welchen" before a noun of a dative plural's
# ending asks for several ("In welchen Ausschüssen …", "An welchen Standorten …"), before another
# (or "Namen") it asks for one ("Welchen Antrag …", "Welchen Namen …").
_PLURAL = re.compile(
    r"\b(?i:welche)\s+(?!\w+(?:ung|ion|heit|keit|tät|schaft)\b)(?:\w+\s+)?[A-ZÄÖÜ]"
    r"|\b(?i:welchen)\s+(?:[a-zäöüß]\w*\s+)?[A-ZÄÖÜ]\w*(?:en|ern|rn|ln)\b(?<!Namen)"
    r"|\b(?i:wer|was|welche)\b.*\balle[ns]?\b|\balle\b.*\b(?:nenn|aufzähl|aufgeführt)"
    r"|\b(?i:which|what)\s+(?:\w+\s+)?\w+(?<!\bi)(?<!\bwa)(?<!\bha)(?<!\bdoe)s\b|\blist\s+(?:all|the)\b"
    r"|\b(?i:welche[mnrs]?|which|what)\s+(?:\d+|(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf"
    r"|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))\b",
)
# What a quantity question counts or measures: "Wie viele Polizeieinsätze …", "Wie hoch ist die
# Entschädigung …", up to two lower-case words before the German noun ("Wie viele öffentliche
# Ladesäulen", "Wie viel soll der Neubau …": what it costs); in English the word before the verb
# that follows ("How many street trees has …"). Nouns that name only the measure ("Wie viel
# Fördergeld", "Wie viele Ja-Stimmen", "How many votes") or people in general ("Menschen",
# "people": the documents count them in other words) are none.
_COUNTED = re.compile(
    r"\b(?:wie\s+viele?|wie\s+hoch\s+(?:ist|war|sind|waren)\s+(?:die|der|das))\s+"
    r"(?:(?-i:[a-zäöüß][\wäöüß]*)\s+){0,2}((?-i:[A-ZÄÖÜ])[\wÄÖÜäöüß*-]+)"
    r"|\bhow\s+many\s+(?:[\w-]+\s+){0,3}?((?-i:[a-z])[\w-]*)\s+"
    r"(?:did|do|does|was|were|is|are|has|have|had|will|would|can|could|should|must)\b",
    re.I,
)
_MEASURE_NOUN = re.compile(
    r"(?:[\w-]*(?:[Gg]eld|[Mm]ittel|[Ss]timmen)|Euro|Cent|Prozent|Mal|Jahre?|Monate?|Wochen?|Tage?|Stunden?|Minuten?|Menschen"
    r"|Personen|Leute|Einwohner\w*|Bürger\w*|votes|people|persons|residents|times|years|months|weeks|days"
    r"|hours|minutes|members|councillors)",
    re.I,
)
# A question about what a body decided, whom it elected, or what it did with a motion ("Was hat der
# Gemeinderat mit dem Antrag … gemacht?", "Wie wurde der Antrag erledigt?", "dealt with").
_DECISION = re.compile(
    r"beschlossen|beschließ(?:t|en)|beschluss|beschlüsse|gewählt|genehmigt|bewilligt|entschie(?:den|d)|entscheide[tn]|(?:ver|über)wiesen|zugestimmt"
    r"|\berledigt\b|\bmit\s+(?:de[mnr]|diese[mnr])\s[^?]{0,100}\bgemacht\b|\bdealt\s+with\b|\bdo\s+with\s+the\b"
    r"|\b(?:decide[sd]?|resolve[sd]?|agree[sd]?|elect(?:ed|s)?|appoint(?:ed|s)?|approve[sd]?|adopt(?:ed|s)?|refer(?:red|s)?)\b",
    re.I,
)
# A question about when a body took up a matter at a meeting ("Wann hat der Stadtteilbeirat über die
# Stromversorgung beraten?", "Wann hat sich der Planungsausschuss mit dem Zaun beschäftigt?", "When
# did the Scrutiny Committee consider the call-in?"): the day of the meeting whose record holds it
# answers, as that record's header gives it, though none of its sentences names the day.
_TAKEN_UP = re.compile(
    r"\b(?:vor)?beraten\b|\bberiet\b|\bbehandelt\b|\bbefasst\b|\bbeschäftigt\b|\bdiskutiert\b"
    r"|\bbesprochen\b|\berörtert\b|\bvorgestellt\b|\bthematisiert\b|\bgetagt\b|\bauf\s+der\s+Tagesordnung\b"
    r"|\b(?:considered|discussed|debated|took\s+up|on\s+the\s+agenda)\b",
    re.I,
)
# Asking where: "Wo tagt …", "Wann und wo hat … beraten?", "An welchem Ort …", "Where did … meet?"
_WHERE = re.compile(r"\b(?:wo|where)\b|\ban\s+welchem\s+Ort\b|\bin\s+welchem\s+(?:Raum|Saal|Gebäude)\b", re.I)
# A question about what came of something in the end, or its latest state: answered by the last
# result recorded for it ("Was ist aus dem Antrag … geworden?", "Wie ist der letzte Stand …?").
_OUTCOME = re.compile(
    r"\bwas\s+(?:ist|wurde)\s+(?:denn\s+)?aus\b|\bgeworden\b|\bwas\s+(?:geschah|passierte)\s+mit\b|\bpassiert\b"
    r"|\b(?:letzte[nr]?|aktuelle[nr]?|jetzige[nr]?|neueste[nr]?)\s+(?:Sach)?[Ss]tand\b|\bam\s+Ende\b"
    r"|\bendgültig|\bschließlich\b|\bmittlerweile\b|\binzwischen\b"
    r"|\bwhat\s+(?:happened|became)\b|\bin\s+the\s+end\b|\beventually\b|\b(?:current|latest)\s+status\b",
    re.I,
)
# A question asking what changed between two versions of a text, or whether one thing did ("Was
# hat sich mit der Satzung von 2026 geändert?", "Hat Bruck einen eigenen Beirat, oder wie bisher
# …?", "Worin unterscheiden sich …", "What has changed in …").
_CHANGE = re.compile(
    r"\bgeändert\b|\bÄnderungen\b|\bunterscheide[tn]\s+sich\b|\bUnterschied|\bwie\s+bisher\b"
    r"|\b(?:gegenüber|im\s+Vergleich\s+zu)\s+(?:der|dem)\s+(?:Fassung|Version|Satzung)\b|\bwas\s+ist\s+neu\b"
    r"|\b(?:schon|bereits|noch)\s+(?:in|nach)\s+(?:der|dem)\s+(?:\w+\s+)?(?:Fassung|Version|Satzung)\b"
    r"|\b(?:what|which)\b[^?]*\bchanged?\b|\bdiffer(?:s|ences?)?\b|\bcompared\s+(?:to|with)\b",
    re.I,
)
_YEAR = re.compile(rf"\b{YEAR}\b")
# A question answered by yes or no begins with a finite verb; one asking whether something was
# rejected is answered yes by a rejection.
_YES_NO = {
    "de": re.compile(
        r"\s*(?:hat|haben|hatte|hatten|wurde|wurden|ist|sind|war|waren|stimmte|stimmten|beschloss|beschlossen"
        r"|genehmigte|lehnte|lehnten)\b",
        re.I,
    ),
    "en": re.compile(r"\s*(?:did|was|were|has|have|had|is|are|does|do)\b", re.I),
}
# A question whether a vote was taken at all ("Gab es eine Abstimmung zu …?", "Wurde über … abgestimmt?",
# "Was there a vote on …?"): "no" answers it, it presumes nothing.
_WHETHER_VOTED = {
    "de": re.compile(r"\s*(?:gab\s+es|kam\s+es|fand|wurde|wurden)\b[^?]*\b(?:Abstimmung|abgestimmt)\b", re.I),
    "en": re.compile(r"\s*(?:was\s+there|were\s+there|did\s+\w+(?:\s+\w+)?\s+vote\s+on)\b[^?]*\bvote", re.I),
}
# Words of a rejection. The asker presumes one in "Warum hat der Gemeinderat … abgelehnt?", "Why did
# Council vote down …?", "Der Stadtrat hat … abgelehnt. Welche …?" (`Question.claims_rejection`).
_REJECTION_WORDS = (
    r"abgelehnt|\blehnten?\b|zurückgewiesen|gescheitert|\breject(?:ed|s)?\b|\bvot(?:ed|e)\s+down\b"
    r"|\bturn(?:ed)?\s+down\b|\brefused?\b|\bdefeated\b"
)
_CLAIMED_REJECTION = re.compile(_REJECTION_WORDS, re.I)
# Words of an approval. The asker presumes one in "Der Gemeinderat hat den Antrag … beschlossen.
# Welche Maßnahmen …?" (`Question.claims_approval`); a question for the items approved asks with
# them (`Question.asked_outcome`), as one for the items rejected asks with those of a rejection.
_CLAIMED_APPROVAL = re.compile(
    r"\b(?:beschlossen|zugestimmt|angenommen|verabschiedet|bewilligt|genehmigt"
    r"|approved|adopted|passed|agreed|carried)\b",
    re.I,
)
# Where the subject of a statement ends: at its first auxiliary or decision word.
_SUBJECT_END = re.compile(
    rf"\b(?:hat|haben|hatte|hatten|wurde|wurden|has|have|had|was|were|did)\b|{_CLAIMED_APPROVAL.pattern}",
    re.I,
)
# A question for the agenda items that got one result: "Welche Anträge hat der Gemeinderat am
# 22.10.2024 ohne Aussprache verwiesen?", "Which motions were rejected on 9 January 2025?"
# (`Question.asked_outcome`). The words of each result, the first found deciding.
_ITEMS_ASKED = re.compile(
    r"\s*(?:welche[nrs]?|which|what)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:[\w-]*(?:anträge|vorlagen|tagesordnungspunkte|punkte)|tops|motions|items|resolutions|ordinances"
    r"|amendments)\b",
    re.I,
)
# Words of a deferral. The asker presumes one in "Der Gemeinderat hat … am 22.10.2024 vertagt. Wann
# …?" (`Question.claims_deferral`).
_CLAIMED_DEFERRAL = re.compile(r"vertagt|zurückgestellt|\bdeferred\b|\bpostponed\b", re.I)
_OUTCOME_WORDS: tuple[tuple[Outcome, re.Pattern[str]], ...] = (
    ("referred", re.compile(r"verwiesen|überwiesen|weitergegeben|weitergeleitet|\breferred\b", re.I)),
    ("deferred", _CLAIMED_DEFERRAL),
    ("withdrawn", re.compile(r"zurückgezogen|abgesetzt|\bwithdrawn\b", re.I)),
    ("rejected", _CLAIMED_REJECTION),
    ("approved", _CLAIMED_APPROVAL),
)
# The result of a body's decision a question presumes (`Question.presumed_result`).
PresumedResult = Literal["approved", "rejected", "deferred"]


def _subject(sentence: str) -> str:
    """Roughly, the subject of a sentence stating or asking a body's result: what stands before
    its first auxiliary ("Der Stadtrat hat …"), or in a question the few words after it ("Warum
    hat die AfD …", "Why did Kent's Cabinet …")."""
    auxiliary = _SUBJECT_END.search(sentence)
    if auxiliary is None:
        return sentence
    if sentence.rstrip().endswith("?"):
        return " ".join(sentence[auxiliary.end() :].split()[:3])
    return sentence[: auxiliary.start()]


# The administration as the one who speaks ("die Verwaltung", "die Stadtkämmerei", "die Stadt
# Karlsruhe", "das Stadtplanungsamt", "the officers"), not a political group or a council body.
_ADMINISTRATION = re.compile(
    r"\b(?:(?:Stadt)?[Vv]erwaltung|(?:Stadt)?[Kk]ämmerei|Stadtwerke|Dezernat|(?:[A-ZÄÖÜ]\w*a|A)mt(?:e?s)?"
    r"|Stadt(?:\s+[A-ZÄÖÜ]\w+)?|officers?|administration)\b"
)
_ACCORDING_TO = re.compile(r"\b(?:laut|according\s+to)\s+((?:\S+\s+){0,3}\S+)", re.I)
# Asked whether something was rejected, "yes" means it was (`Question.yes_no`); "lost" and "failed"
# ask that too ("Did the motion fail?"), though in a why-question they speak of jobs or farmland.
_REJECTION = re.compile(rf"{_REJECTION_WORDS}|\bfail(?:ed)?\b|\blost\b", re.I)
# A question for a meeting's agenda: "Welche Punkte standen auf der Tagesordnung …?", "What was
# on the agenda …?".
# Only the agenda as a whole: "Welche weiteren Themen …", "in welchem Ausschuss stand er auf der
# Tagesordnung" ask about one item.
_AGENDA = re.compile(
    r"\b(?:welche[sr]?\s+(?:Punkte?|Tagesordnungspunkte?|TOPs?|Themen|Thema)|was)\s+(?:stand|standen|steht|stehen)\b"
    r".*\bTagesordnung(?:spunkt)?\b|\bwhat\s+(?:was|is)\s+on\s+the\s+agenda\b"
    r"|\b(?:which|what)\s+(?:items|topics|matters|business)\s+(?:were|are|was|is)\s+on\s+the\s+agenda\b",
    re.I,
)
# Where a question asks a second question: a conjunction, then a question word ("…, und welcher
# Eröffnungstermin wurde im November 2024 genannt?", "… and who voted against it?"), also after a
# preposition ("…, und ab wann gilt sie?", "… and since when has that policy existed?").
_SECOND_QUESTION = re.compile(
    r",?\s+(?:und|and|oder|or)\s+(?=(?:(?:in|an|von|mit|zu|auf|bei|für|ab|bis|seit|from|on|at|with|to|by|since|until)\s+)?"
    r"(?:wann|wie|wer|wen|wem|was|welche[nmrs]?|wo|wohin|woher|warum|when|how|who|whom|what|which|where|why)\b)",
    re.I,
)
# Places a question names, whose documents must name them too (`named_places`).
_PLACE_ADJECTIVE = re.compile(
    r"(?<=\s)([A-ZÄÖÜ][a-zäöüß]{3,}er)\s+(?=[A-ZÄÖÜ][\wäöüß-]*(?:rat|beirat|ausschuss|verwaltung|stadt|satzung"
    r"|meister|amt|programm|kreis|tag|haushalt)\b)"
)
_PLACE_NOUN = re.compile(
    r"\b(?:Stadt|Gemeinde|Kreis(?:es)?|Landkreis(?:es)?|Ortschaft|(?:Stadt|Orts)teils?|Stadtbezirks?"
    r"|City\s+of|County\s+of|Borough\s+of|Town\s+of"
    r"|(?:Ortsvorsteher|Oberbürgermeister|Bürgermeister)(?:in|s)?\s+(?:von|in)|Mayor\s+of)"
    r"\s+([A-ZÄÖÜ][\wäöüß]+)"
)
_PLACE_EN = re.compile(
    r"\b([A-Z][a-z]{3,})(?:'s\b|\s+(?:City|County|Borough|Town)\b)|\bin\s+([A-Z][a-z]{3,})\b(?!\s+(?:No\b|\d))"
)
# Capitalised words those patterns take that name no place: German nouns in -er, English words,
# the label of a follow-up's focus ("zu: Ausschuss County Council, …").
_NOT_PLACES = frozenset(
    "Ausschuss Der Oder Aber Über Weiter Mitglieder Bürger Wähler Vertreter Leiter This That Council "
    "January February March April June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday Mayor Commissioner Councilman Councilwoman Cabinet".split()
)
_VOTE_WORDING = {
    "de": "Abstimmungsergebnis: Zustimmung, Ablehnung (Ja, Nein, Enthaltungen)",
    "en": "The voting was as follows: For, Against, Abstain. Motion carried.",
}


# "wieviele", a common spelling of "wie viele", read as "wie viele" by every rule ("wievielte" is
# another word: "die wievielte Sitzung").
_ONE_WORD_SPELLING = re.compile(r"\b([Ww]ie)viel(?!t)")


def _own_words(question: "Question") -> int:
    return sum(1 for t in question.terms if len(t) >= 3 and not t[0].isdigit())


def asked_part(text: str) -> tuple[str, str, str]:
    """`text` as (statements before, the question, statements after): the question is the run of
    sentences from the first that ends in "?" to the last; a text without one, or of one
    sentence, is all question.

    >>> asked_part("Gibt es Kriminalitätsschwerpunkte? Das war im April 2024 Thema.")
    ('', 'Gibt es Kriminalitätsschwerpunkte?', 'Das war im April 2024 Thema.')
    >>> asked_part("Wer leitete die Sitzung am 22. Oktober 2024?")
    ('', 'Wer leitete die Sitzung am 22. Oktober 2024?', '')
    """
    spans = sentence_spans(text)
    asking = [i for i, (_, end) in enumerate(spans) if text[end - 1] == "?"]
    if len(spans) < 2 or not asking:
        return "", text.strip(), ""
    first, last = spans[asking[0]][0], spans[asking[-1]][1]
    return text[:first].strip(), text[first:last].strip(), text[last:].strip()


def _joined(*texts: str) -> str:
    return " ".join(t for t in texts if t)


def question_types(question: str) -> list[str]:
    """
    >>> question_types("Mit wie vielen Ja-Stimmen wurde TOP 9 beschlossen?")
    ['vote', 'number']
    >>> question_types("Wie viel bekommt ein Haushalt?"), question_types("Wie viel Fördergeld gab es?")
    (['number'], ['number', 'amount'])
    >>> question_types("Wie hoch ist die Sondernutzungsgebühr?"), question_types("Wie hoch ist der Hebesatz?")
    (['number', 'amount'], ['number'])
    >>> question_types("Mit welchem Jahresüberschuss plant der Wirtschaftsplan?")  # a quantity's noun
    ['number', 'names']
    >>> question_types("How much does the council spend on lanes?")
    ['number', 'amount']
    >>> question_types("Who presided over the meeting?"), question_types("Wer leitete die Sitzung?")
    (['chair', 'names'], ['chair', 'names'])
    >>> question_types("Warum hat sich die Linke bei der Abstimmung enthalten?")
    ['reason']
    >>> question_types("Wie ist der Antrag der SPD zum Radweg ausgegangen?")  # a motion's outcome is its vote
    ['vote']
    """
    kinds = [kind for kind, pattern in QUESTION_TYPES.items() if pattern.search(question)]
    if "reason" in kinds:  # "Warum hat sich die Linke bei der Abstimmung enthalten?" asks no vote
        kinds = [k for k in kinds if k in ("names", "reason")]
    if "function" in kinds:  # "Welche Funktion hat Herr Beck?" asks for his role, not for names
        kinds = [k for k in kinds if k != "names"]
    return kinds


class Place(NamedTuple):
    name: str  # as the question writes it: "Erlangen", "Karlsruher"
    stem: str  # what a document naming it has at the start of a word: "erlangen", "karlsru"


def named_places(text: str, language: Language) -> tuple[Place, ...]:
    """The places `text` names: a town, district or county after "Stadt", "Kreis", "Stadtteil",
    "City of", or after an office for one ("Ortsvorsteher von", "Mayor of");
    before "County", "City Council"; as an adjective before a council word ("Karlsruher
    Gemeinderat", found as its name less "er" and one more letter, so "Münchner" is found in
    "München"); in English, possessive or after "in".

    >>> [p.stem for p in named_places("Wie hoch ist die Förderung der Stadt Erlangen?", "de")]
    ['erlangen']
    >>> named_places("Was hat der Karlsruher Gemeinderat beschlossen? Landrat des Kreises Mettmann?", "de")
    (Place(name='Karlsruher', stem='karlsru'), Place(name='Mettmann', stem='mettmann'))
    >>> [p.name for p in named_places("Wer wurde Ortsvorsteher von Neureut, wer im Stadtteil Durlach?", "de")]
    ['Neureut', 'Durlach']
    >>> [p.name for p in named_places("What is Kent County Council's tax, Cleveland's in May 2025?", "en")]
    ['Kent', 'Cleveland']
    """
    found = [(m.group(1), m.group(1)[:-3]) for m in _PLACE_ADJECTIVE.finditer(text)]
    found += [(m.group(1), m.group(1)) for m in _PLACE_NOUN.finditer(text)]
    if language == "en":
        found += [(name, name) for m in _PLACE_EN.finditer(text) if (name := m.group(1) or m.group(2))]
    places = [Place(name, stem.lower()) for name, stem in found if name not in _NOT_PLACES and len(stem) >= 4]
    return tuple(dict.fromkeys(places))


def missing_places(places: tuple[Place, ...], where: str) -> list[str]:
    """The places (`named_places`) that `where`, what passages say of where they stand, does not
    name.

    >>> missing_places(named_places("Was hat der Karlsruher Gemeinderat beschlossen?", "de"), "Erlangen")
    ['Karlsruher']
    """
    return [p.name for p in places if not re.search(rf"\b{re.escape(p.stem)}", where, re.I)]


# Political groups a question may name as the author of an Antrag or Anfrage ("die SPD-Fraktion",
# "der Grünen-Antrag", "the Labour motion"), each with how a document names it: premises, as places are.
_PARTIES = {
    "SPD": r"SPD",
    "CDU": r"CDU",
    "CSU": r"CSU",
    "AfD": r"AfD",
    "FDP": r"FDP",
    "KAL": r"KAL",
    "Volt": r"Volt",
    "Grüne": r"GRÜNEN?|Grüne[nr]?\b|Bündnis\s*90",
    "Linke": r"LINKEN?|Linke[n]?\b",
    "Freie Wähler": r"Freie[n]?\s+Wähler|FW\b",
    "ÖDP": r"ÖDP",
    "Labour": r"Labour",
    "Conservative": r"Conservatives?",
    "Liberal Democrat": r"Liberal\s+Democrats?|Lib\s*Dem",
    "Reform UK": r"Reform\s+UK",
}
_PARTY = re.compile(
    r"(?<![\w])(?:(?:SPD|CDU|CSU|AfD|FDP|KAL|Volt|ÖDP|Labour|Conservatives?|Reform\s+UK)(?![\w])"
    r"|(?:GRÜNEN?|Grünen)(?![\w])|Grünen?(?=-)|(?:LINKEN?|Linken?)(?=-|\s+Fraktion)"
    r"|(?:(?<=Erlanger\s)|(?<=[Dd]ie\s)|(?<=[Dd]er\s))Linken?\b|Freie[n]?\s+Wähler"
    r"|Liberal\s+Democrats?)"
)


# "wie viele" / "how many" and the words describing what is counted ("wie viele öffentliche"), no
# article or other word a verb would stand before.
_COUNTS_BEFORE = (
    r"\b(?:wie\s+viele?|how\s+many)\s+(?:(?!(?:der|die|das|den|dem|des|ein|eine|einen|the|an?)\b)"
    r"[a-zäöüß][\w-]*\s+){0,3}?"
)


def _counted(text: str) -> str | None:
    """The noun a quantity question counts or measures (`_COUNTED`), if it names more than the
    measure.

    >>> _counted("Wie viele Polizeieinsätze gab es 2023 in Büchenbach?")
    'Polizeieinsätze'
    >>> _counted("Wie hoch ist die jährliche Entschädigung der Mitglieder?")
    'Entschädigung'
    >>> _counted("How many street trees has the council planted?")
    'trees'
    >>> _counted("Wie viel Fördergeld erhält der Beirat?"), _counted("Wie viele Ja-Stimmen gab es?")
    (None, None)
    >>> _counted("How many votes did Kent cast?"), _counted("How many members voted for it?")
    (None, None)
    >>> _counted("How many district councils in Kent have joined?")  # a name is never what is counted
    """
    found = _COUNTED.search(text)
    noun = found and (found[1] or found[2])
    language: Language = "de" if found and found[1] else "en"
    if not noun or _MEASURE_NOUN.fullmatch(noun) or not content_terms(noun, language):
        return None
    return noun


def named_parties(text: str) -> tuple[str, ...]:
    """The political groups `text` names ("Grüne Welle" is none).

    >>> named_parties("Welche Fragen hat die SPD-Fraktion gestellt? Und der Grünen-Antrag zur Grünen Welle?")
    ('SPD', 'Grüne')
    >>> named_parties("What did the Labour motion on the Integrated Care Strategy ask for?")
    ('Labour',)
    >>> named_parties("Warum enthielten sich LINKEN-Fraktion, GRÜNEN, Freie Wähler und Liberal Democrats?")
    ('Linke', 'Grüne', 'Freie Wähler', 'Liberal Democrat')
    >>> named_parties("Welche Dringlichkeitsanträge der Erlanger Linke …?"), named_parties("die linke Spur")
    (('Linke',), ())
    """
    found = [
        next(name for name, pattern in _PARTIES.items() if re.fullmatch(pattern, m.group(0)))
        for m in _PARTY.finditer(text)
    ]
    return tuple(dict.fromkeys(found))


# A person named with a title; the last capitalised word is the surname. An office after an
# article is the body or office itself ("der Stadtrat Ende 2024", "dem Landrat Kreis …").
_PERSON = re.compile(
    rf"\b(?:{_ADDRESS}|(?<!der\s)(?<!des\s)(?<!dem\s)(?<!den\s)(?<!die\s)(?:{_OFFICE}))\.?\s+"
    r"(?:[A-ZÄÖÜ][a-zäöüß]*\.?\s+){0,3}([A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)\b"
)


def named_persons(text: str) -> tuple[str, ...]:
    """The surnames of the persons `text` names with a title or form of address.

    >>> named_persons("Was hat Herr Klement vom Sportamt berichtet, und was Frau Traub-Eichhorn?")
    ('Klement', 'Traub-Eichhorn')
    >>> named_persons("What did Mayor Jane Campbell recommend? Who was Mayor of Portland?")
    ('Campbell',)
    >>> named_persons("Was sagte Herr Oberbürgermeister Dr. Mentrup? Wer wurde Bürgermeister von Hilden?")
    ('Mentrup',)
    >>> named_persons("Was hat der Stadtrat Ende 2024 beschlossen, und was Stadtrat Marco Gottmann gesagt?")
    ('Gottmann',)
    >>> named_persons("Who offered the opening prayer, Deacon Robert Jansany?")
    ('Jansany',)
    """
    return tuple(dict.fromkeys(m[1] for m in _PERSON.finditer(text)))


def party_pattern(name: str) -> re.Pattern:
    """How documents name the political group `name` (of `named_parties`)."""
    return re.compile(rf"(?<![\w]){_PARTIES[name]}")


@dataclass(frozen=True)
class Question:
    text: str
    language: Language
    kinds: tuple[str, ...]  # of `QUESTION_TYPES`, in their order
    terms: tuple[str, ...]  # content terms (`content_terms`), each once, in order
    dates: frozenset[date]  # full dates it names: premises the answer's passages must hold
    names: tuple[str, ...] = ()  # terms of its capitalised words past the first: names, bodies, titles
    plural: bool = False  # asks for several things (a list), which may stand in several documents
    # The index's committees it names ("im UVPA", "der Erlanger Sportausschuss"): premises the
    # answer's passages must hold. Read against the index by the service (`premise_bodies`).
    bodies: tuple[str, ...] = ()
    # Those of `bodies` that met on the day it names, as the index's meeting records show (read
    # by the service): what such a body did that day is answered from its records of that day.
    met: tuple[str, ...] = ()
    # The places it names ("der Stadt Erlangen", "Karlsruher", "Kent County Council"): premises
    # the answer's documents must hold.
    places: tuple[Place, ...] = ()
    # The political groups it names ("die SPD-Fraktion"): premises the answer's documents must hold.
    parties: tuple[str, ...] = ()
    # The surnames of the persons it names with a title ("Herr Klement"): premises as parties are.
    persons: tuple[str, ...] = ()
    # What a quantity question counts ("Polizeieinsätze"): a premise the answer's passages must hold.
    counted: str | None = None
    # Terms that find its passages but its answer sentence need not hold: the words of the
    # statements it is asked with (`before`, `after`), and the names a later part carries from
    # the first, which states the topic (`parts`).
    topic: tuple[str, ...] = ()
    # The root of each German verb form among its terms ("eingereicht": "einreich", `verb_roots`):
    # a sentence holding a word that starts with it ("Einreichung") holds that term.
    roots: Mapping[str, str] = field(default_factory=dict)
    # The statements it is asked with (`asked_part`): what the asker knows already, before the
    # question ("Im April 2022 lagen die Brandreste noch da."), and where the matter came up,
    # after it ("Das war Thema im Stadtteilbeirat im April 2024."). `text` is the question alone.
    before: str = ""
    after: str = ""

    @property
    def stated(self) -> str:
        """The whole text as asked, statements included: its premises (dates, numbers, titles)
        stand anywhere in it."""
        return _joined(self.before, self.text, self.after)

    @property
    def background(self) -> "Question | None":
        """What the asker states they know before asking, read as a question of its own: its
        premises (dates, numbers, places) must stand in the documents, though not in the
        passages that give the later state asked for."""
        return Question.read(self.before) if self.before else None

    @property
    def known(self) -> frozenset[str]:
        """The terms only the statements before the question hold: the earlier state the asker
        knows, which the passages giving the later one need not repeat."""
        return frozenset(content_terms(self.before, self.language)) - set(
            content_terms(self.located, self.language)
        )

    @property
    def located(self) -> str:
        """The question and where it says the matter came up: the meeting and period its filters
        are read from. What the asker knew before (an earlier state, "Im April 2022 …") is no
        filter: the question asks what came after it."""
        return _joined(self.text, self.after)

    @property
    def counts(self) -> str | None:
        """The noun the number asked for counts, where it follows "wie viele" / "how many", at
        most after words describing it: what a number in the answer stands before. Not a noun
        after a verb ("Wie viel gibt die Stadt …" asks what the city gives).

        >>> Question.read("Wie viele öffentliche Ladepunkte hat Karlsruhe?").counts
        'Ladepunkte'
        >>> Question.read("Wie viel gibt die Stadt jährlich für Investitionen dazu?").counts
        """
        if self.counted and re.search(_COUNTS_BEFORE + re.escape(self.counted), self.text, re.I):
            return self.counted
        return None

    @property
    def years(self) -> frozenset[int]:
        """The years it names where the matter came up (`located`), as years or in dates: the
        version of a statute it asks about ("nach der Fassung von 2020").

        >>> sorted(Question.read("Was galt nach der Fassung von 2020 und am 26.02.2026?").years)
        [2020, 2026]
        """
        return frozenset(int(y) for y in _YEAR.findall(self.located))

    @property
    def asks_administration(self) -> bool:
        """The question asks what the administration says or reasons ("Warum hält die Karlsruher
        Verwaltung …", "… laut Stadtkämmerei …", "Wie begründet die Stadt Karlsruhe …"): its
        subject, or the source it names after "laut" / "according to", is the administration.

        >>> Question.read("Warum will die Verwaltung den Wettbewerb nicht ausloben?").asks_administration
        True
        >>> Question.read("Warum hat die SPD bei der Verwaltung Geld beantragt?").asks_administration
        False
        """
        named = " ".join(m.group(1) for m in _ACCORDING_TO.finditer(self.text))
        return bool(_ADMINISTRATION.search(f"{_subject(self.text)} {named}"))

    @property
    def asks_decision(self) -> bool:
        """Asks what a body decided, or whom it elected (a vote question does too), or what came
        of something in the end."""
        return "vote" in self.kinds or bool(_DECISION.search(self.text)) or self.asks_outcome

    @property
    def asks_meeting_day(self) -> bool:
        """Asks on which day a body took up a matter (`_TAKEN_UP`): the day of the meeting whose
        record holds the matter answers it.

        >>> Question.read("Wann hat der Stadtteilbeirat über die Stromversorgung beraten?").asks_meeting_day
        True
        >>> Question.read("Wann soll der Bau des Stadtteilhauses beginnen?").asks_meeting_day
        False
        """
        return "date" in self.kinds and bool(_TAKEN_UP.search(self.text))

    @property
    def asks_where(self) -> bool:
        """Asks where something took place ("Wann und wo hat der Beirat … beraten?")."""
        return bool(_WHERE.search(self.text))

    @property
    def yes_no(self) -> bool | None:
        """Asked to be answered yes or no: True where "yes" means the thing was approved
        ("Hat der Sportausschuss dem Haushalt zugestimmt?"), False where it means it was rejected
        ("Wurde der Antrag abgelehnt?"); None for other questions.

        >>> asked = ("Wurde der Antrag abgelehnt?", "Did Council adopt it?", "Was hat er beschlossen?")
        >>> [Question.read(q).yes_no for q in asked]
        [False, True, None]
        >>> [Question.read(q).yes_no for q in ("Did Council reject it?", "Did the motion fail?")]
        [False, False]
        """
        if not _YES_NO[self.language].match(self.text):
            return None
        return not _REJECTION.search(self.text)

    @property
    def claims_rejection(self) -> bool:
        """Presumes that a body rejected something: a statement of its rejection before the
        question, a why-question on it, or a question for its vote. A party's rejection ("Warum hat
        die AfD … abgelehnt?") says nothing of the body's result and is not read as one.

        >>> Question.read("Why did Kent's Cabinet reject the Commissioning Plan?").claims_rejection
        True
        >>> stated = "Der Stadtrat hat das Ratsbegehren abgelehnt. Welche Fraktionen waren dagegen?"
        >>> Question.read(stated).claims_rejection
        True
        >>> Question.read("Mit welchem Ergebnis hat der Rat den AfD-Antrag abgelehnt?").claims_rejection
        True
        >>> asked = ("Warum hat die CDU die Vorlage abgelehnt?", "Welche Anträge hat der Stadtrat abgelehnt?")
        >>> [Question.read(q).claims_rejection for q in asked]
        [False, False]
        """
        return any(_CLAIMED_REJECTION.search(claim) for claim in self._claims)

    @property
    def claims_approval(self) -> bool:
        """Presumes that a body approved something at a meeting it dates (a day, a month): a
        statement before the question says it decided or agreed to it, or a question for its vote
        presumes it. (Where no meeting is dated, a record on the topic may be another meeting's.)
        A party's approval ("Die SPD hat zugestimmt.") says nothing of the body's result.

        >>> stated = "Der Gemeinderat hat den Antrag am 22.10.2024 beschlossen. Welche Maßnahmen gelten?"
        >>> Question.read(stated).claims_approval
        True
        >>> Question.read("Mit wie vielen Stimmen hat der Rat am 5.5.2024 zugestimmt?").claims_approval
        True
        >>> asked = ("Die SPD hat am 5.5.2024 zugestimmt. Wie die CDU?", "Hat er am 5.5.2024 zugestimmt?")
        >>> [Question.read(q).claims_approval for q in asked]
        [False, False]
        """
        return any(_CLAIMED_APPROVAL.search(claim) for claim in self._dated_claims)

    @property
    def claims_deferral(self) -> bool:
        """Presumes that a body deferred something at a meeting it dates: "Der Gemeinderat hat die
        Bildung des Sanierungsbeirats am 22.10.2024 vertagt. Wann wird erneut beraten?"

        >>> stated = "Der Rat hat den Antrag am 5.5.2024 vertagt. Wann kommt er wieder?"
        >>> Question.read(stated).claims_deferral
        True
        >>> Question.read("Der Antrag war im Mai erst vertagt. Ist er nun beschlossen?").claims_deferral
        False
        """
        return any(_CLAIMED_DEFERRAL.search(claim) for claim in self._dated_claims)

    @property
    def claimed_meeting(self) -> tuple[date, date] | tuple[None, None]:
        """The days of the meeting a dated claim names (`claims_approval`, `claims_deferral`): the
        record of another meeting does not contradict it."""
        claims = self._dated_claims
        return meeting_dates(claims[0]) if claims else (None, None)

    @property
    def _dated_claims(self) -> list[str]:
        """The claims (`_claims`) that date the meeting of the result they state, by day or month,
        and state no rejection."""
        return [
            claim
            for claim in self._claims
            if not _CLAIMED_REJECTION.search(claim) and names_meeting(*meeting_dates(claim))
        ]

    @property
    def _claims(self) -> list[str]:
        """The sentences that may state a body's result: those before the question, and the
        question itself where it asks why, or for the vote on one thing (not whether, not which
        were rejected), less any whose subject is a party."""
        statements = [self.before[a:b] for a, b in sentence_spans(self.before)]
        why = "reason" in self.kinds
        on_one = "vote" in self.kinds and self.yes_no is None and not self.plural
        asked = [self.text] if why or on_one else []
        return [s for s in statements + asked if not named_parties(_subject(s))]

    @property
    def presumed_result(self) -> PresumedResult | None:
        """The result of a body's decision the question presumes (`claims_rejection`,
        `claims_deferral`, `claims_approval`), which the record may contradict."""
        if self.claims_rejection:
            return "rejected"
        if self.claims_deferral:
            return "deferred"
        return "approved" if self.claims_approval else None

    @property
    def asked_outcome(self) -> Outcome | None:
        """The result of the agenda items the question asks for, where it asks for the items that
        got one ("Welche Anträge hat der Stadtrat am 14.01.2021 abgelehnt?"); None otherwise.

        >>> Question.read("Welche Anträge hat der Gemeinderat am 22.10.2024 verwiesen?").asked_outcome
        'referred'
        >>> Question.read("Which motions did Council reject on 9 January 2025?").asked_outcome
        'rejected'
        >>> Question.read("Welche Maßnahmen hat der Stadtrat beschlossen?").asked_outcome is None
        True
        """
        if not _ITEMS_ASKED.match(self.text):
            return None
        return next((outcome for outcome, words in _OUTCOME_WORDS if words.search(self.text)), None)

    @property
    def asks_whether_voted(self) -> bool:
        """Asks whether a vote was taken at all, which "no" answers.

        >>> Question.read("Gab es im Gemeinderat eine Abstimmung zur Anfrage der AfD?").asks_whether_voted
        True
        >>> Question.read("Mit wie vielen Stimmen wurde der Antrag angenommen?").asks_whether_voted
        False
        """
        return bool(_WHETHER_VOTED[self.language].match(self.text))

    @property
    def asks_change(self) -> bool:
        """Asks what changed from one version of a text to another, or whether something did; a
        question why it changed presumes that it did and is not asked here.

        >>> Question.read("Was hat sich mit der Erlanger Satzung von 2026 geändert?").asks_change
        True
        >>> Question.read("Hat Bruck einen eigenen Stadtteilbeirat, oder wie bisher mit Anger?").asks_change
        True
        >>> Question.read("Warum wurde die Satzung geändert?").asks_change
        False
        """
        return "reason" not in self.kinds and bool(_CHANGE.search(self.text))

    @property
    def asks_agenda(self) -> bool:
        """Asks what the agenda of a meeting on a named day held, not what was decided on one item.

        >>> Question.read("Welche Punkte standen am 27.04.2026 auf der Tagesordnung?").asks_agenda
        True
        >>> Question.read("Welche weiteren Themen standen im November 2023 auf der Tagesordnung?").asks_agenda
        False
        >>> Question.read("What items were on the agenda of the Cabinet meeting on 4 March 2025?").asks_agenda
        True
        """
        return bool(self.dates) and bool(_AGENDA.search(self.text)) and not self.asks_decision

    @property
    def asks_outcome(self) -> bool:
        """Asks what came of something in the end, its latest state; one that asks for a date,
        number or name asks for that ("Wann sollen nach dem aktuellen Stand … beginnen?").

        >>> Question.read("Was ist aus dem Antrag zur Wertschätzung der Wahlhelfer geworden?").asks_outcome
        True
        >>> Question.read("Wann beginnen nach dem aktuellen Stand die Bauarbeiten?").asks_outcome
        False
        """
        return not self.kinds and bool(_OUTCOME.search(self.text))

    @classmethod
    def read(cls, text: str) -> "Question":
        """
        >>> q = Question.read("Wie wurde am 22.10.2024 über die Grundsteuerreform abgestimmt?")
        >>> q.language, q.kinds, q.terms[-1], sorted(q.dates), q.names
        ('de', ('vote',), 'abgestimmt', [datetime.date(2024, 10, 22)], ('grundsteuerreform',))

        A question asked with statements is read from the question; the statements' words find
        its passages and are its `topic` (the answer sentence need not repeat them). Its premises
        (dates, places, parties) are those of the question and of where it says the matter came
        up (`located`); what the asker knew before is checked on its own (`background`):

        >>> q = Question.read("Im April 2022 lagen die Brandreste noch da. Sind sie inzwischen beseitigt?")
        >>> q.text, q.before
        ('Sind sie inzwischen beseitigt?', 'Im April 2022 lagen die Brandreste noch da.')
        >>> q.topic
        ('april', '2022', 'lag', 'brandr')
        """
        text = _ONE_WORD_SPELLING.sub(r"\1 viel", text)
        before, asked, after = asked_part(text)
        language = detect_language(text)
        stated, located = _joined(before, asked, after), _joined(asked, after)
        terms = tuple(dict.fromkeys(content_terms(asked, language)))
        said = dict.fromkeys(content_terms(f"{before} {after}", language))
        context = tuple(t for t in said if t not in terms)
        return cls(
            text=asked,
            language=language,
            kinds=tuple(question_types(asked)),
            terms=terms + context,
            dates=frozenset(find_dates(located)),
            places=named_places(located, language),
            parties=named_parties(located),
            persons=named_persons(located),
            names=tuple(
                dict.fromkeys(
                    t
                    for part in (asked, before, after)
                    for w in words(part)[1:]
                    if w[0].isupper()
                    for t in content_terms(w, language)
                )
            ),
            plural=bool(_PLURAL.search(stated)),
            counted=_counted(asked),
            topic=context,
            roots=verb_roots(stated) if language == "de" else {},
            before=before,
            after=after,
        )

    @property
    def parts(self) -> tuple["Question", ...]:
        """The questions it asks: itself, or each of two or more questions joined by "und" /
        "and" and a question word. Every part carries the names of the first (which states the
        topic: "…, und welche Funktion hat er im November 2024" is about the Herr Beck named
        before), as its `topic`: they find its passages, but its answer sentence must hold its own
        words; its kinds, dates and numbers are its own, so each part is answered, and its
        premises checked, alone.

        >>> q = Question.read("Wann soll das Stadtteilhaus fertig sein, und welcher Termin wurde genannt?")
        >>> [(p.text, p.kinds, p.names, p.topic) for p in q.parts]  # doctest: +NORMALIZE_WHITESPACE
        [('Wann soll das Stadtteilhaus fertig sein?', ('date',), ('stadtteilhaus',), ()),
         ('welcher Termin wurde genannt?', ('date', 'names'), ('termin', 'stadtteilhaus'),
          ('stadtteilhaus',))]
        >>> [p.text for p in Question.read("Wer hat den Antrag gestellt, und ab wann wird er beraten?").parts]
        ['Wer hat den Antrag gestellt?', 'ab wann wird er beraten?']
        >>> [p.text for p in Question.read("Wer hat den Antrag gestellt, und wo wurde er beraten?").parts]
        ['Wer hat den Antrag gestellt?', 'wo wurde er beraten?']
        >>> [p.text for p in Question.read("Who proposed and who seconded the amendment?").parts]
        ['Who proposed?', 'who seconded the amendment?']
        >>> len(Question.read("Wann und wo tagt der Stadtteilbeirat?").parts)
        1
        >>> len(Question.read("Wie viel Förderung bekommt sie für 2024 und wie viel ab 2025?").parts)
        1
        """
        texts = [t.strip(" ,;") for t in _SECOND_QUESTION.split(self.text)]
        texts = [t if t.endswith("?") else f"{t}?" for t in texts]
        parts = [Question.read(t) for t in texts]
        # A part without a word of its own (not numbers, not "ab") is no question of its own:
        # "Wann und wo tagt …" asks one thing, "… für 2024 und wie viel ab 2025?" one thing of two
        # dates, answered together. One word makes one ("Who proposed and who seconded …", "…, und
        # wo wurde er beraten?": a later part carries the first part's topic).
        if len(parts) < 2 or any(_own_words(p) < 1 for p in parts):
            return (self,)
        topic = parts[0].names
        # A part joined to the next without a comma shares the rest of its clause: "Wie viele
        # Gemeinderatsmitglieder und wie viele sachkundige Einwohner sitzen im Schulausschuss?"
        # asks of the members who sit in that committee too, "Who proposed and who seconded the
        # amendment?" of that amendment.
        joins = _SECOND_QUESTION.findall(self.text)  # ", und " or " und " before each later part
        shared = [() if join.startswith(",") else parts[i + 1].terms for i, join in enumerate(joins)] + [()]
        return tuple(
            replace(
                p,
                terms=tuple(dict.fromkeys((*p.terms, *topic, *self.topic, *shared[i]))),
                names=tuple(dict.fromkeys((*p.names, *topic))),
                topic=tuple(t for t in (*(topic if i else ()), *self.topic, *shared[i]) if t not in p.terms),
                # "Wann hat der Karlsruher Gemeinderat …, und wie fiel die Abstimmung aus?": a part
                # naming no place asks of the place the question names
                places=p.places or self.places,
                before=self.before,
                after=self.after,
            )
            for i, p in enumerate(parts)
        )

    @property
    def search_text(self) -> str:
        """What retrieval embeds and matches: the question, and for a vote question the words
        vote records are written in (see the module docstring)."""
        if "vote" in self.kinds:
            return f"{self.stated} {_VOTE_WORDING[self.language]}"
        return self.stated
