"""Lexical analysis for the BM25 index: the same term analysis the answerer uses (stemmed content
words, German or English by the text's own language; numbers and identifiers such as
"50/004/2021" kept whole), written as one space-separated string that SQLite's FTS5 indexes as is.

FTS5 tokenises the analysed string with `unicode61` plus the characters that identifiers carry,
so "50/004/2021" and "komm-an" stay single terms in the index and in queries.
"""

from assistant.text import content_terms, detect_language

# Characters that occur inside analysed terms (see `content_terms`): they must not split a term.
FTS_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '-/.,:'"


def index_terms(text: str) -> str:
    """The analysed form of a passage, as stored in the lexical index.

    >>> index_terms("Der Gemeinderat beschließt die Vorlage 50/004/2021.")
    'gemeinderat beschliesst vorlag 50/004/2021'
    """
    return " ".join(content_terms(text, detect_language(text)))


def match_expression(question: str) -> str | None:
    """An FTS5 MATCH expression for a question: any of its terms (BM25 ranks by how many and how
    rare); None if the question has no content words.

    >>> match_expression("Wie wurde über die Vorlage 50/004/2021 abgestimmt?")
    '"vorlag" OR "50/004/2021" OR "abgestimmt"'
    """
    terms = list(dict.fromkeys(content_terms(question, detect_language(question))))
    if not terms:
        return None
    return " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
