"""Question types (table-driven) and the query retrieval embeds for them."""

from datetime import date

import pytest

from assistant.answering.question import Question, question_types

CASES = [
    ("Wie wurde über die Grundsteuerreform abgestimmt?", ["vote"]),
    ("Mit wie vielen Ja-Stimmen wurde TOP 9 beschlossen?", ["vote", "number"]),
    ("Aus wie vielen Mitgliedern besteht ein Stadtteilbeirat?", ["number"]),
    ("Wie lange muss ich das geförderte Lastenrad behalten?", ["number"]),
    ("Wie weit ist es bis zur nächsten Sportanlage?", ["number"]),
    ("Wann tagte der Sozialausschuss?", ["date"]),
    ("Welche Städte haben Mittel beantragt?", ["names"]),
    ("How did the County Council vote on the budget?", ["vote"]),
    ("How many members voted in favour of Local Transport Plan 5?", ["vote", "number"]),
    ("What total Council Tax requirement did Kent agree?", ["number"]),
    ("Was steht in der Satzung über Ortsbeiräte?", []),
    ("Wer hatte im Sozialausschuss des Kreises Mettmann am 08.02.2021 den Vorsitz?", ["chair", "names"]),
    ("Wer hat die Niederschrift vom 8. Juli 2021 unterschrieben?", ["signature", "names"]),
    # a time of day is no count, and "when" joining two clauses asks no date
    ("Um wie viel Uhr begann die Sitzung des Gemeinderats?", ["clock"]),
    ("At what time did Council adjourn its morning session?", ["clock"]),
    ("What did Cabinet decide when it reconsidered the decision?", []),
    ("Where and when was the conference held?", ["date"]),
    # where a meeting was held asks its venue; where people were held does not
    ("Where was the Cabinet meeting on 30 January 2025 held?", ["venue"]),
    ("Where did the Scrutiny Committee meet?", ["venue"]),
    ("Which institution closed, and where were most of the children held there moved?", ["names"]),
    ("From when will the service move to Adult Social Care?", ["date"]),
    # words that only contain "stimmen" ask for no vote result
    ("Was gilt bei Stimmengleichheit im Beirat?", []),
    ("Wer darf die Mitglieder des Beirats bestimmen?", ["names"]),
    # who holds an office, not who the office's contractor is
    ("Wer ist Oberbürgermeister von Karlsruhe?", ["holder", "names"]),
    ("Who is the Leader of Kent County Council?", ["holder", "names"]),
    ("Wer ist der Vorhabenträger des Nahversorgungsprojekts?", ["names"]),
    # the role a person holds, not the office in charge of a paper, nor a body's view
    ("Welche Funktion hat Herr Lang im Stadtteilbeirat?", ["function"]),
    ("What position did Frank G. Jackson hold in 2004?", ["function"]),
    ("Welches Amt hat die Stellungnahme verfasst?", ["office", "names"]),
    ("What is the position of the council on Gatwick?", []),
    # funds asked for by their height are an amount of money, not a count
    ("Wie hoch waren die Fördermittel, die Hilden 2021 beantragt hat?", ["number", "amount"]),
]


@pytest.mark.parametrize(("question", "kinds"), CASES)
def test_question_types(question, kinds):
    assert question_types(question) == kinds


def test_vote_questions_are_searched_with_the_wording_of_vote_records():
    vote = Question.read("Wie wurde über die Grundsteuerreform abgestimmt?")
    assert "Abstimmungsergebnis" in vote.search_text
    assert "For, Against" in Question.read("How did the council vote on the budget?").search_text
    plain = "Welche Städte haben Mittel beantragt?"
    assert Question.read(plain).search_text == plain


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What did Cabinet decide about the Family Hubs?", True),
        ("What did Kent County Council resolve on 13 March 2025?", True),
        ("Was wollte der Gemeinderat beschließen?", True),
        ("Was hat der Gemeinderat mit dem Antrag zu den Betreuungsvereinen gemacht?", True),
        ("Wie hat der Gemeinderat den SPD-Antrag erledigt?", True),
        ("Welche Beschlüsse hat der Stadtrat zum Haushalt gefasst?", True),
        ("Welcher Zuschuss wurde dem Verein bewilligt?", True),
        ("An welchen Ausschuss wurde der Antrag überwiesen?", True),
        ("Whom did the council appoint to the Landmarks Commission?", True),
        ("What did the Leader say about the budget?", False),
    ],
)
def test_questions_on_what_was_decided(question, asks):
    assert Question.read(question).asks_decision is asks


@pytest.mark.parametrize(
    ("question", "plural"),
    [
        ("Welche sechs sachkundigen Einwohner hat der Gemeinderat in den Kunstbeirat berufen?", True),
        ("Which three councillors voted against?", True),
        ("Welche Städte haben Mittel beantragt?", True),
        ("Welche Entscheidung hat der Gemeinderat getroffen?", False),
        ("Welcher Betrag wurde für 2024 beantragt?", False),
        # "welchen" with a dative plural asks for several; with an accusative singular for one
        ("In welchen Ausschüssen übernimmt Stadtrat Dr. Lenz die Sitze?", True),
        ("An welchen Standorten werden die Bänke aufgestellt?", True),
        ("Welchen Antrag hat die SPD gestellt?", False),
        ("Welchen Namen soll der Platz tragen?", False),
    ],
)
def test_questions_asking_for_several_things(question, plural):
    assert Question.read(question).plural is plural


def test_a_question_asked_with_statements_is_read_from_the_question_and_its_premises_from_where_they_stand():
    q = Question.read(
        "2023 hieß es noch, der Spielplatz am Holzweg werde bald saniert. Wurde er inzwischen saniert?"
    )
    # a yes/no question, though the text opens with a statement
    assert q.text == "Wurde er inzwischen saniert?" and q.yes_no is True
    assert q.before.startswith("2023") and "2023" not in q.located and "2023" in q.stated
    assert {"spielplatz", "holzweg"} <= set(q.topic) and q.background is not None
    trailing = Question.read("Wann wird der Steg fertig? Das war am 24.04.2024 Thema im Stadtteilbeirat.")
    assert trailing.kinds[0] == "date" and trailing.dates == {date(2024, 4, 24)}
    assert "Stadtteilbeirat" in trailing.located and trailing.background is None


def test_wieviele_written_as_one_word_is_read_as_wie_viele():
    """Users often write "wieviele": it asks the same count, with the same counted noun."""
    one_word = Question.read("Wieviele Mitglieder hat ein Stadtteilbeirat in Erlangen?")
    apart = Question.read("Wie viele Mitglieder hat ein Stadtteilbeirat in Erlangen?")
    assert (one_word.kinds, one_word.counted, one_word.terms) == (apart.kinds, apart.counted, apart.terms)
    assert Question.read("Wieviel Geld bekommt ein Beirat im Jahr?").kinds == ("number", "amount")
    assert "wievielte" in Question.read("Die wievielte Sitzung war das?").text
