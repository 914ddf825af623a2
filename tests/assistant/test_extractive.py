"""The extractive answerer on hand-made passages: one behaviour each, no index needed."""

from assistant.answer import ExtractiveAnswerer
from assistant.model import Passage
from assistant.settings import AnswerSettings


def passage(text: str, source: str = "doc.txt", score: float = 0.9, subject: str | None = None) -> Passage:
    starts = [0] + [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)]
    return Passage(
        chunk_id=source,
        source=source,
        title=source,
        committee="Stadtteilbeirat",
        meeting_date="2021-04-22",
        vorlage=None,
        subject=subject,
        page=1,
        paragraph=1,
        paragraph_starts=tuple(starts),
        start=0,
        text=text,
        score=score,
    )


def answer(question: str, *passages: Passage):
    return ExtractiveAnswerer(AnswerSettings()).answer(question, list(passages))


def test_an_announced_list_comes_with_its_items():
    text = (
        "Der Stadtteilbeirat beantragt die Erweiterung der Sozialen Stadt Büchenbach Nord.\n\n"
        "Das Gebiet soll um folgende Straßenzüge ergänzt werden.\n"
        "\uf0b7 Goldwitzer Straße\n\uf0b7 Sixtusstraße\n\uf0b7 Marienstraße\n\n"
        "Die Verwaltung prüft den Antrag."
    )
    result = answer("Um welche Straßenzüge soll das Gebiet der Sozialen Stadt ergänzt werden?", passage(text))
    for street in ("Goldwitzer", "Sixtus", "Marienstraße"):
        assert street in result.text
    assert "prüft" not in result.text


def test_a_vote_recorded_line_by_line_is_answered_whole():
    text = (
        "The Chairman put the Labour Group's amendment to the vote and the voting was as follows:\n\n"
        "For (12)\n\nMr Baldock, Mr Brady, Mr Campkin\n\nAgainst (42)\n\nMr Baker, Mr Bartlett\n\n"
        "Abstain (7)\n\nMr Hook\n\nAmendment lost."
    )
    result = answer("How was the vote on the Labour amendment?", passage(text))
    assert "For (12)" in result.text and "Against (42)" in result.text and "Abstain (7)" in result.text


def test_the_reported_question_is_not_taken_for_the_answer():
    text = (
        "KA Serag bittet um Mitteilung, welche drei Städte Mittel über KOMM-AN NRW beantragt haben.\n\n"
        "Im Förderjahr 2021 haben Erkrath, Heiligenhaus und Hilden Mittel über KOMM-AN NRW beantragt."
    )
    result = answer("Welche Städte haben Mittel über KOMM-AN NRW beantragt?", passage(text))
    assert result.text.startswith("Im Förderjahr 2021")


def test_a_vote_question_without_any_vote_record_abstains():
    text = "Der Gemeinderat berät über die Grundsteuerreform. Stadtrat Müller begrüßt den Vorschlag."
    result = answer("Wie wurde über die Grundsteuerreform abgestimmt?", passage(text))
    assert result.abstained and result.citations == []


def test_a_date_in_the_question_is_a_premise_the_source_must_meet():
    text = "Abstimmungsergebnis: Der Gemeinderat stimmt dem Lärmaktionsplan mehrheitlich zu (41 Ja, 5 Nein)."
    minutes = passage(text, subject="TOP 17: Lärmaktionsplan")  # meeting_date 2021-04-22
    wrong_day = answer(
        "Wie hat der Gemeinderat am 19. November 2024 über den Lärmaktionsplan abgestimmt?", minutes
    )
    assert wrong_day.abstained
    right_day = answer("Wie hat der Gemeinderat am 22.04.2021 über den Lärmaktionsplan abgestimmt?", minutes)
    assert "41 Ja, 5 Nein" in right_day.text
