"""The lexical analysis for German council text: compounds split into known parts (with Fugen),
umlauts and ß folded, identifiers kept whole, and questions analysed exactly like passages."""

import pytest

from assistant.index.compounds import Decompounder
from assistant.index.lexical import Analyzer, date_terms, identifier_terms

# A part vocabulary as `corpus_part_counts` learns it: stems and how often they occur.
VOCABULARY = {
    "forder": 40,  # Förderung
    "ford": 12,  # fördern
    "programm": 12,
    "lastenrad": 3,
    "stadtteil": 9,
    "stadt": 80,
    "teil": 20,
    "beirat": 30,
    "verkehr": 25,
    "planung": 15,
    "gemeind": 50,
    "rat": 8,
    "verwalt": 60,
    "kost": 10,
    "end": 82,  # Ende, and the participle ending -end(e)
    "leg": 5,
    "selt": 1,  # too rare to be a part
    "haft": 3,
}


@pytest.fixture(scope="module")
def decompounder():
    return Decompounder(VOCABULARY)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("förderprogramm", ("ford", "forder", "programm")),  # a verb stem: both of its stems
        ("lastenradförderung", ("lastenrad", "forder")),
        ("stadtteilbeirat", ("stadtteil", "beirat")),  # the fewest parts, not stadt-teil-beirat
        ("verkehrsplanung", ("verkehr", "planung")),  # Fugen-s
        ("gemeinderat", ("gemeind", "rat")),  # a three-letter noun as head
        ("verwaltungskosten", ("verwalt", "kost")),  # the modifier as its stem: "verwaltungs" → "verwalt"
        ("stadtverwaltungen", ("stadt", "verwalt")),
        ("verwaltung", ()),  # no compound
        ("legende", ()),  # "leg-ende": a suffix, not a part
        ("seltenprogramm", ()),  # "selten" is too rare to count as a part
        ("gesamthaft", ()),
        ("50/004/2021", ()),
    ],
)
def test_compounds_split_into_known_parts(decompounder, word, parts):
    assert decompounder.split(word) == parts


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("TOP 14: Zustimmung", ["top:14"]),
        ("Tagesordnungspunkt 9.1 und Punkt 3a", ["top:9.1", "top:3a"]),
        (
            "Ergebnis: 25 Ja, 3 Nein, 2 Enthaltungen, 1 Gegenstimme",
            ["ja:25", "nein:3", "enthaltung:2", "gegenstimme:1"],
        ),
        ("Item 5 Questions", ["item:5"]),
        ("Vorlage 50/004/2021 vom 08.02.2021", ["date:2021-02-08", "month:2021-02"]),
    ],
)
def test_agenda_items_vote_counts_and_dates_are_single_terms(text, terms):
    assert identifier_terms(text) == terms


@pytest.mark.parametrize(
    "text",
    ["am 3. Juni 2025", "am 03.06.2025", "2025-06-03", "on 3 June 2025", "on June 3rd, 2025", "3. Jun. 2025"],
)
def test_every_spelling_of_a_date_gives_the_same_terms(text):
    assert date_terms(text) == ["date:2025-06-03", "month:2025-06"]


def test_a_month_alone_gives_the_month_and_impossible_dates_nothing():
    assert date_terms("im April 2022") == ["month:2022-04"]
    assert date_terms("Version 1.13.2022") == []


def test_identifiers_and_numbers_are_kept_whole():
    terms = Analyzer({}).terms("Vorlage 50/004/2021 und Drucksache 2024/1049 vom 08.02.2021")
    assert {"50/004/2021", "2024/1049", "08.02.2021"} <= set(terms)
    assert "50" not in terms and "004" not in terms


def test_umlauts_and_sharp_s_are_folded_the_same_way_in_every_spelling():
    analyzer = Analyzer({})
    assert analyzer.terms("Häuser Straße") == analyzer.terms("Haeuser Strasse") == ["haus", "strass"]
    assert analyzer.terms("Bürger-Haus") == ["burger-haus", "burg", "haus"]


def test_questions_and_passages_agree_on_compounds_and_identifiers():
    analyzer = Analyzer(VOCABULARY)
    passage = set(analyzer.terms("Der Stadtteilbeirat beschloss zu TOP 14 das Förderprogramm (25 Ja)."))
    for question, shared in [
        ("Was sagte der Beirat zum Programm?", {"beirat", "programm"}),
        ("Welche Förderung gibt es?", {"forder"}),
        ("Was wurde zu TOP 14 beschlossen?", {"top:14"}),
        ("Gab es 25 Ja-Stimmen?", {"ja:25"}),
    ]:
        assert shared <= set(analyzer.terms(question)) & passage, question
    assert "top:14" not in analyzer.terms("Was wurde zu TOP 4 beschlossen?")


def test_without_a_vocabulary_nothing_is_split():
    assert Analyzer({}).terms("Förderprogramm") == ["forderprogramm"]
