"""What kind of fact a question asks for (a vote result, a number, a date, names), and the query
that retrieval embeds for it.

Dense retrieval matches topics, not question forms: "Wie wurde über die Grundsteuerreform
abgestimmt?" finds every paragraph of the Grundsteuer debate equally well, and the one line with
the vote result may rank 20th. For vote questions the embedded query therefore carries the words
vote records are written in, which moves the record's chunk up (measured on the gold set).
"""

import re

from assistant.core.text import detect_language

QUESTION_TYPES = {
    "vote": re.compile(
        r"abstimm|abgestimmt|stimmen|\bstimmte\b|zugestimmt|stimmverh|votum|gegenstimm|enthaltung|einstimmig|mehrheit|\bvot(e|ed|es|ing)\b(?!\s+in\b)",
        re.I,
    ),
    "number": re.compile(
        r"\bwie\s+(vielen?|viele[mr]?|hoch|groß|lang|oft|teuer)\b|\banzahl\b|\bbetrag|\bsumme\b|\bkosten\b|\bprozent"
        r"|\bhow\s+(many|much|long|often)\b|\bwhat\s+(amount|total|percentage|sum)\b|\bcost\b",
        re.I,
    ),
    "date": re.compile(r"\bwann\b|\bdatum\b|an welchem tag|\bwhen\b|\bwhat date\b|\bwhich day\b", re.I),
    "names": re.compile(
        r"\bwelche[nmrs]?\b|\bwer\b|\bwen\b|\bwem\b|\bwho\b|\bwhom\b|\bwhich\b|\bnamen?\b", re.I
    ),
}

_VOTE_WORDING = {
    "de": "Abstimmungsergebnis: Zustimmung, Ablehnung (Ja, Nein, Enthaltungen)",
    "en": "The voting was as follows: For, Against, Abstain. Motion carried.",
}


def question_types(question: str) -> list[str]:
    """
    >>> question_types("Mit wie vielen Ja-Stimmen wurde TOP 9 beschlossen?")
    ['vote', 'number']
    """
    return [kind for kind, pattern in QUESTION_TYPES.items() if pattern.search(question)]


def retrieval_query(question: str) -> str:
    if "vote" in question_types(question):
        return f"{question} {_VOTE_WORDING[detect_language(question)]}"
    return question
