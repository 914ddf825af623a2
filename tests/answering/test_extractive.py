"""The extractive answerer on hand-made passages and passages cut from corpus files: one
behaviour each, no index needed."""

import dataclasses
from datetime import date

import pytest

from assistant.answering.extractive import ABSTAIN, ExtractiveAnswerer, _compounds, _joined, _with_compounds
from assistant.answering.question import Question
from assistant.core.answers import Citation, Passage, Reply
from assistant.core.facts import read_facts
from assistant.core.settings import AnswerSettings
from assistant.core.text import content_terms
from tests.conftest import CORPUS


def passage(text: str, source: str = "doc.txt", score: float = 0.9, subject: str | None = None) -> Passage:
    starts = [0] + [i + 2 for i in range(len(text)) if text.startswith("\n\n", i)]
    return Passage(
        chunk_id=source,
        source=source,
        title=source,
        committee="Stadtteilbeirat",
        meeting_date=date(2021, 4, 22),
        vorlage=None,
        subject=subject,
        page=1,
        paragraph=1,
        paragraph_starts=tuple(starts),
        start=0,
        text=text,
        score=score,
        facts=read_facts(text),  # as ingest reads them
    )


def cite(n: int, p: Passage, start: int, end: int) -> Citation:
    return Citation(n, p, p.paragraph, p.text[start:end])


def answer(question: str, *passages: Passage):
    return ExtractiveAnswerer(AnswerSettings()).answer(Question.read(question), list(passages))


@pytest.mark.parametrize(
    ("text", "question", "items", "after"),
    [
        (
            "Der Stadtteilbeirat beantragt die Erweiterung der Sozialen Stadt Büchenbach Nord.\n\n"
            "Das Gebiet soll um folgende Straßenzüge ergänzt werden.\n"
            "\uf0b7 Goldwitzer Straße\n\uf0b7 Sixtusstraße\n\uf0b7 Marienstraße\n\n"
            "Die Verwaltung prüft den Antrag.",
            "Um welche Straßenzüge soll das Gebiet der Sozialen Stadt ergänzt werden?",
            ("Goldwitzer", "Sixtus", "Marienstraße"),
            "prüft",
        ),
        (  # a count announces the list, also past one lead-in sentence ending in a colon
            "In den Kunstbeirat sollen auch sechs Sachkundige Einwohner berufen werden. Die nachfolgend "
            "vorgeschlagenen Personen haben ihre Bereitschaft signalisiert, das Ehrenamt zu übernehmen:\n"
            "- Susanne Ackermann, Künstlerin\n- Tim Bohlender, Künstler\n"
            "- Prof. Dr. Chris Gerbing, Kuratorin\n"
            "- Simon Pfeffel, Künstler\n- Dipl. Ing. Matthias Tebbert, Architekt\n"
            "- Prof. Marcel van Eeden, Rektor der Staatl. Akademie der Bildenden Künste\n\n"
            "Der Kulturausschuss hat den Vorschlag vorberaten.",
            "Welche sechs sachkundigen Einwohner werden in den Kunstbeirat berufen?",
            ("Ackermann", "Bohlender", "Gerbing", "Pfeffel", "Tebbert", "van Eeden"),
            "vorberaten",
        ),
        (  # two adjectives between count and noun, the noun in the dative (karlsruhe-oparl 660259)
            "So kann abgelesen werden, an welchen Punkten an der Bahnlinie noch mit einer Prüfung auf "
            "Verbesserungen des Lärmschutzes zu rechnen ist. Im Ergebnis bedeutet dies für Karlsruhe, "
            "dass an drei weiteren großen Bereichen mit einer kommenden Verbesserung des Lärmschutzes zu "
            "rechnen ist. "
            "Hierbei handelt es sich um die folgenden Bereiche:\n\n"
            "\u2022 Östlich Hauptbahnhof: Höhe Tivoli\n\u2022 Südlich Dornwaldsiedlung\n"
            "\u2022 Weiherfeld-Dammerstock: Höhe Donaustraße\n\n"
            "VI. Weiteres Vorgehen",
            "Wo ist in Karlsruhe mit einer Verbesserung des Lärmschutzes zu rechnen?",
            ("Tivoli", "Dornwaldsiedlung", "Donaustraße"),
            "Vorgehen",
        ),
    ],
    ids=["folgende", "counted-after-lead-in", "two-adjectives"],
)
def test_an_announced_list_comes_with_its_items(text, question, items, after):
    result = answer(question, passage(text))
    for item in items:
        assert item in result.text
    assert after not in result.text


def test_a_sentence_referring_back_comes_with_the_sentence_it_refers_to():
    text = (
        "§ 3 Zusammensetzung\n\n"
        "Mitglieder des Stadtrats können nicht zugleich Mitglied eines Beirats sein. "
        "Gleiches gilt für die berufsmäßigen Ersatzpersonen der Beiräte.\n\n"
        "§ 4 Vorsitz"
    )
    result = answer("Was gilt für die berufsmäßigen Ersatzpersonen der Beiräte?", passage(text))
    assert result.text.startswith(
        "Mitglieder des Stadtrats können nicht zugleich Mitglied eines Beirats sein."
    )


def test_a_conclusion_comes_with_the_reason_it_draws_on():
    text = (
        "Eine Grundsteuer C wirkt erst, wenn Eigentümer ihre Grundstücke vermarkten oder bebauen. "
        "Aus diesem Grund wird die Grundsteuer C in Karlsruhe vorerst nicht eingeführt.\n\n"
        "Die Verwaltung berichtet 2026 erneut."
    )
    result = answer("Warum wird die Grundsteuer C in Karlsruhe nicht eingeführt?", passage(text))
    assert result.text.startswith("Eine Grundsteuer C wirkt erst, wenn Eigentümer")
    assert "Aus diesem Grund wird die Grundsteuer C" in result.text


def test_each_part_of_a_question_is_answered_from_the_meeting_it_names():
    opening = "{}, eröffnet die {} öffentliche Sitzung des Stadtteilbeirates und heißt alle willkommen."
    october = dataclasses.replace(
        passage(opening.format("Der Vorsitzende, Herr Winkelmann", "zweite"), "b.txt", score=0.95),
        meeting_date=date(2020, 10, 20),
    )
    january = dataclasses.replace(
        passage(opening.format("Die Vorsitzende, Frau Mürbeth", "erste"), "a.txt", score=0.85),
        meeting_date=date(2020, 1, 22),
    )
    result = answer(
        "Wer war im Januar 2020 Vorsitzende des Stadtteilbeirats, und wer leitete die Sitzung am "
        "20. Oktober 2020?",
        october,
        january,
    )
    assert "Winkelmann" in result.text and "Mürbeth" in result.text


def test_a_clause_left_open_for_its_list_comes_with_the_list():
    text = (
        "Die Verwaltung empfiehlt die Aufstellung von Bänken.\n\n"
        "Der Gemeinderat beschließt, dass\n\n"
        "1. drei orangefarbene Parkbänke in städtischen Grünanlagen aufgestellt werden.\n\n"
        "2. die Bankstandorte gemeinsam mit dem Gartenbauamt ausgewählt werden.\n\n"
        "Die Kosten trägt der Verein."
    )
    result = answer("Was hat der Gemeinderat beschlossen?", passage(text))
    assert "beschließt, dass 1. drei orangefarbene Parkbänke" in result.text
    assert "2. die Bankstandorte" in result.text


def test_a_vote_recorded_line_by_line_is_answered_whole():
    text = (
        "The Chairman put the Labour Group's amendment to the vote and the voting was as follows:\n\n"
        "For (12)\n\nMr Baldock, Mr Brady, Mr Campkin\n\nAgainst (42)\n\nMr Baker, Mr Bartlett\n\n"
        "Abstain (7)\n\nMr Hook\n\nAmendment lost."
    )
    result = answer("How was the vote on the Labour amendment?", passage(text))
    assert "For (12)" in result.text and "Against (42)" in result.text and "Abstain (7)" in result.text


@pytest.mark.parametrize(
    ("text", "question", "lead"),
    [
        (  # the reported question is not taken for the answer
            "KA Serag bittet um Mitteilung, welche drei Städte Mittel über KOMM-AN NRW beantragt haben.\n\n"
            "Im Förderjahr 2021 haben Erkrath, Heiligenhaus und Hilden Mittel über KOMM-AN NRW beantragt.",
            "Welche Städte haben Mittel über KOMM-AN NRW beantragt?",
            "Im Förderjahr 2021",
        ),
        (  # a file number ("2024/1079") is no count: "Wie oft …" is answered by the count
            "Anfrage 2024/1079: Zustand der Brücken in Karlsruhe\n\n"
            "Die Bauwerke werden regelmäßig geprüft. Alle 6 Jahre erfolgt eine Hauptprüfung.",
            "Wie oft werden die Brücken in Karlsruhe überprüft?",
            "Alle 6 Jahre erfolgt eine Hauptprüfung.",
        ),
    ],
)
def test_the_lead_is_the_sentence_that_answers_not_one_that_only_looks_like_it(text, question, lead):
    assert answer(question, passage(text)).text.startswith(lead)


def test_how_many_is_answered_by_the_number_that_counts_what_is_asked_for():
    # the first passage holds more of the question's words, but its number counts staff
    staff = passage(
        "Die Wahlhelferdatenbank, in der sich Wahlhelfende registrieren, pflegt das Wahlamt mit rund 30 "
        "Mitarbeitenden.",
        "a.txt",
    )
    helpers = passage("Derzeit sind dort rund 3.000 Wahlhelfende eingetragen.", "b.txt")
    reply = answer("Wie viele Wahlhelfende sind in der Wahlhelferdatenbank registriert?", staff, helpers)
    assert reply.text.startswith("Derzeit sind dort rund 3.000 Wahlhelfende")


def test_a_vote_question_is_answered_by_the_items_recorded_result_not_a_vote_in_its_debate():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    # Karlsruhe's minutes: the result block of the item, and the verbatim debate, where the chair
    # announces the vote on one party's motion (not called an "Änderungsantrag" there)
    item = AgendaItem("14", "Grundsteuerreform 2025 – Hebesatzsatzung")
    recorded = parse_vote("mehrheitliche Zustimmung (25 Ja, 22 Nein)")
    results = replace(
        passage(
            "Abstimmungsergebnis:\n\nTOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)\n\n"
            "TOP 14.1 mehrheitliche Ablehnung (5 Ja, 42 Nein)",
            source="minutes.txt",
            score=0.82,
        ),
        agenda_item=item,
        vote=recorded,
    )
    debate = replace(
        passage(
            "Jetzt kommt der Antrag der CDU, den Hebesatz der Grundsteuer auf 260 Prozent festzulegen. "
            "Die Ziffer 1 des CDU-Antrags zur Grundsteuer steht jetzt zur Abstimmung. - Das ist eine "
            "mehrheitliche Ablehnung.",
            source="minutes.txt",
            score=0.87,
        ),
        agenda_item=item,
        vote=recorded,
    )
    question = "Wie hat der Gemeinderat über die Hebesatzsatzung zur Grundsteuer abgestimmt?"
    result = answer(question, debate, results)
    lead = f"Stadtteilbeirat, 22.04.2021, TOP 14: {item.title}: TOP 14: mehrheitliche Zustimmung (25 Ja"
    assert result.text.startswith(lead)
    assert "Das ist eine mehrheitliche Ablehnung" not in result.text


def test_who_holds_an_office_is_answered_by_a_sentence_naming_the_person_not_the_office_alone():
    text = (
        "Bei Kunst am Bau in Karlsruhe hat der Oberbürgermeister die Möglichkeit, von der Realisierung "
        "abzusehen.\n\nVorsitzender: Oberbürgermeister Dr. Frank Mentrup"
    )
    result = answer("Wer ist Oberbürgermeister von Karlsruhe?", passage(text, subject="Karlsruhe"))
    assert result.text.startswith("Vorsitzender: Oberbürgermeister Dr. Frank Mentrup")
    # no person named with the office: not in the documents
    alone = passage("Bei Kunst am Bau in Karlsruhe hat der Oberbürgermeister die Möglichkeit, abzusehen.")
    assert answer("Wer ist Oberbürgermeister von Karlsruhe?", alone).abstained


def test_the_role_a_person_holds_is_answered_by_a_sentence_naming_a_role():
    report = passage("Im Stadtteilbeirat berichtet Herr Lang über die Stadtteilentwicklung in Büchenbach.")
    role = passage(
        "Herr Lang, Abteilungsleiter im Amt für Stadtentwicklung, berichtet über die Stadtteilentwicklung.",
        source="b.txt",
        score=0.88,
    )
    result = answer(
        "Welche Funktion hat Herr Lang, der über die Stadtteilentwicklung berichtet?", report, role
    )
    assert result.text.startswith("Herr Lang, Abteilungsleiter")


def test_the_questions_of_an_anfrage_after_an_answer_are_not_quoted_with_it():
    """A sentence left without its end ("… gereinigt") before list items of another kind leads in to
    them, unless they are the questions asked: those answer nothing."""
    text = (
        "Antwort: Die Gehwege und Radwege werden 1-mal wöchentlich von der Stadt gereinigt\n"
        "- Ist Büchenbach vom Abbau von Mülleimern betroffen?\n"
        "- Werden neue Bänke aufgestellt?"
    )
    result = answer("Wie oft werden die Gehwege und Radwege in Büchenbach gereinigt?", passage(text))
    assert "gereinigt" in result.text
    assert "Mülleimern" not in result.text


def test_how_many_votes_a_motion_received_is_answered_by_its_vote_line_with_counts():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    item = AgendaItem("14", "Hebesatzsatzung")
    recorded = parse_vote("mehrheitliche Zustimmung (25 Ja, 22 Nein)")

    def minutes(text: str, score: float) -> Passage:
        return replace(passage(text, score=score), agenda_item=item, vote=recorded)

    results = minutes("Abstimmungsergebnis:\n\nTOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)", 0.84)
    debate = minutes(
        "Die Hebesatzsatzung ist umstritten. Wir lehnen die Hebesatzsatzung ab. Die Hebesatzsatzung "
        "belastet die Mieter. Die Verwaltung verteidigt die Hebesatzsatzung.",
        0.85,
    )
    # "bekam" is how the question asks, not what: the vote line answers it (it was declined)
    assert "25 Ja, 22 Nein" in answer("Wie viele Ja-Stimmen bekam die Hebesatzsatzung?", results, debate).text
    # a result announced without counts does not answer how many votes, where one with counts is on topic
    announced = minutes(
        "Jetzt kommt der Änderungsantrag der CDU zur Hebesatzsatzung, den Hebesatz auf 260 Prozent "
        "festzulegen. Das ist eine mehrheitliche Ablehnung.",
        0.87,
    )
    counted = minutes(
        "Abstimmungsergebnis:\n\nTOP 14.1 Änderungsantrag: mehrheitliche Ablehnung (13 Ja, 35 Nein)", 0.84
    )
    asked = "Wie viele Ja-Stimmen bekam der Änderungsantrag der CDU zur Hebesatzsatzung?"
    assert "13 Ja, 35 Nein" in answer(asked, announced, counted).text
    # nor is "fiel … aus", "ausgegangen", how the vote turned out
    for asked in (
        "Wie fiel die Abstimmung über die Hebesatzsatzung aus?",
        "Wie ist die Abstimmung über die Hebesatzsatzung ausgegangen?",
    ):
        assert "25 Ja, 22 Nein" in answer(asked, results, debate).text


def test_how_a_question_says_that_a_meeting_took_place_is_no_word_it_asks_about():
    """ "Wann und wo fand … statt, in der es um … ging?": "fand", "statt" and "ging" frame the
    question; counted as its words, they kept the invitation's meeting line below the coverage
    the answer needs, and the question was declined."""
    invitation = passage(
        "Einladung\tStadt Erlangen\nStadtteilbeirat Büchenbach\n\n"
        "2. Sitzung \uf09f Dienstag, 19.11.2024 \uf09f 18:30 Uhr \uf09f Mönauschule, Aula\n"
        "Steigerwaldallee 19, Erlangen\n\n"
        "Öffentliche Tagesordnung - 18:30 Uhr\n\n1. Unser Stadtteilhaus West (Büchenbach);\n2. Sonstiges"
    )
    asked = (
        "Wann und wo fand die öffentliche Sitzung des Stadtteilbeirats statt, "
        "in der es um das künftige Stadtteilhaus West ging?"
    )
    reply = answer(asked, invitation)
    assert not reply.abstained and "19.11.2024" in reply.text and "Mönauschule" in reply.text


def test_an_agenda_says_when_its_meeting_ends_though_the_question_speaks_of_approving():
    """ "By what time was the budget meeting scheduled to end, and the minutes of which meetings
    were to be approved at it?": "approved" makes it ask of a decision, which an agenda never
    records; but the time a meeting ends, where it is held or who chairs it is what an agenda
    states, and the question was declined."""
    agenda = dataclasses.replace(
        passage(
            "Summons to and Agenda for the Budget County Council Meeting on Thursday, 13th February, "
            "2025 at 9.30 am\n\nThe meeting is scheduled to end by 5.00 pm.\n\n"
            "2. Minutes of the meetings held on 19 December 2024 and 9 January 2025 (to be approved)",
            source="Agenda frontsheet 13th-Feb-2025 County Council.pdf",
        ),
        doc_type="agenda",
    )
    reply = answer(
        "By what time was the County Council's budget meeting scheduled to end, "
        "and were minutes to be approved?",
        agenda,
    )
    assert not reply.abstained and "5.00 pm" in reply.text


def test_a_part_joined_without_a_comma_shares_the_rest_of_its_clause():
    """ "Wie viele Gemeinderatsmitglieder und wie viele sachkundige Einwohner sitzen im
    Schulausschuss?": the first part asks how many members of the council sit in that
    committee, not how many the council has."""
    committee = passage(
        "Besetzung des Schulausschusses\n\nIn der Wahlperiode ab 2024 sitzen im Schulausschuss 14 "
        "Gemeinderatsmitglieder. Hinzu kommen 11 sachkundige Einwohnerinnen und Einwohner.",
        source="schulausschuss.txt",
    )
    council = passage(
        "Zusammensetzung des Gemeinderats\n\nDer Gemeinderat hat 48 Gemeinderatsmitglieder und den "
        "Oberbürgermeister als Vorsitzenden.",
        source="gemeinderat.txt",
    )
    reply = answer(
        "Wie viele Gemeinderatsmitglieder und wie viele sachkundige Einwohnerinnen und Einwohner "
        "sitzen in der Wahlperiode ab 2024 im Schulausschuss?",
        council,
        committee,
    )
    assert "14" in reply.text and "11" in reply.text and "48" not in reply.text


def test_a_part_naming_no_place_asks_of_the_place_the_question_names():
    """ "Wann hat der Karlsruher Gemeinderat …, und wie fiel die Abstimmung aus?": the vote of
    another city's council on the same matter answers neither part."""
    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    erlangen = dataclasses.replace(
        passage(
            "Gemeinderat der Stadt Erlangen, TOP 18: Kommunaler Wärmeplan, beschlossen am 11.12.2025.\n\n"
            "Abstimmungsergebnis:\n\nTOP 18: mehrheitliche Zustimmung (30 Ja, 10 Nein)"
        ),
        agenda_item=AgendaItem("18", "Kommunaler Wärmeplan"),
        vote=parse_vote("mehrheitliche Zustimmung (30 Ja, 10 Nein)"),
    )
    for second in ("wie fiel die Abstimmung aus?", "wie wurde über den Wärmeplan abgestimmt?"):
        reply = answer(
            f"Wann hat der Karlsruher Gemeinderat den Kommunalen Wärmeplan beschlossen, und {second}",
            erlangen,
        )
        assert reply.abstained and "30 Ja" not in reply.text and "Karlsruher" in reply.text


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


def test_the_minutes_of_another_day_do_not_hold_the_day_asked_about_by_naming_it():
    from dataclasses import replace

    # the minutes of 22 October, written on 29 October, as Karlsruhe prints them
    text = (
        "29. Oktober 2024\n\nDer Gemeinderat beschließt in seiner Sitzung einstimmig die Berufung der "
        "Mitglieder des Schulausschusses."
    )
    minutes = replace(
        passage(text, subject="TOP 7: Berufung in den Schulausschuss"),
        committee="Gemeinderat",
        meeting_date=date(2024, 10, 22),
        doc_type="Niederschrift",
    )
    asked = replace(
        Question.read("Was hat der Gemeinderat in seiner Sitzung vom 29. Oktober 2024 beschlossen?"),
        bodies=("Gemeinderat",),
    )
    other_day = ExtractiveAnswerer(AnswerSettings()).answer(asked, [minutes])
    assert other_day.abstained and "„29.10.2024“" in other_day.text
    own_day = ExtractiveAnswerer(AnswerSettings()).answer(
        asked, [replace(minutes, meeting_date=date(2024, 10, 29))]
    )
    assert own_day.text.startswith("Der Gemeinderat beschließt in seiner Sitzung einstimmig")


def test_the_neighbouring_sentence_that_completes_the_answer_comes_with_it():
    text = (
        "Zeitplan\n\nDie Online-Antragsstellung für das Förderprogramm soll am 12. Januar 2025 "
        "freigeschaltet werden. Eine Antragsstellung ist bis Ende Februar 2025 möglich. "
        "Die Bescheide folgen nach Prüfung."
    )
    result = answer("Ab wann und bis wann kann man Anträge für das Förderprogramm stellen?", passage(text))
    assert "12. Januar 2025" in result.text and "Ende Februar 2025" in result.text
    assert "Bescheide" not in result.text


def test_the_sentence_after_the_answer_in_its_paragraph_comes_with_it():
    # § 4 of the Erlangen Satzung über Orts- und Stadtteilbeiräte (2026): the second sentence
    # shares no word with the question, yet goes on with the first.
    statute = passage(
        "§ 4 Vorsitz\nDer jeweilige Beirat wählt den Vorsitzenden / die Vorsitzende und bis zu zwei "
        "Stellvertreter*innen aus seiner\nMitte mit einfacher Mehrheit der abgegebenen Stimmen. Bei "
        "Stimmengleichheit entscheidet das Los.",
        source="erlangen-sbr-buechenbach/recht/ortsbeiraete_140_00_satzung_2026.pdf",
    )
    reply = answer("Wie wählt der Beirat seinen Vorsitzenden?", statute)
    assert "einfacher Mehrheit" in reply.text and "entscheidet das Los" in reply.text
    # the sentence opening the next paragraph does not, for a question asking one thing
    other_paragraph = passage(
        statute.text.replace(
            " Bei Stimmengleichheit", "\n\nDie Tätigkeit im Beirat ist ehrenamtlich. Bei Stimmengleichheit"
        )
    )
    reply = answer("Wie wählt der Beirat seinen Vorsitzenden?", other_paragraph)
    assert "einfacher Mehrheit" in reply.text and "ehrenamtlich" not in reply.text


def test_a_why_question_takes_the_reason_standing_before_the_matching_sentence():
    text = (
        "Die Spielgeräte sind nach zwanzig Jahren stark abgenutzt, zwei mussten bereits gesperrt werden. "
        "Der Spielplatz am Rudeltplatz wird deshalb im Frühjahr 2025 erneuert."
    )
    why = answer("Warum wird der Spielplatz am Rudeltplatz erneuert?", passage(text))
    assert "stark abgenutzt" in why.text
    when = answer("Wann wird der Spielplatz am Rudeltplatz erneuert?", passage(text))
    assert "Frühjahr 2025" in when.text and "abgenutzt" not in when.text


def test_the_best_matching_passage_supplies_the_answer_not_a_stray_sentence():
    """A sentence elsewhere that shares the question's words loses to the passage about the
    question's subject as a whole."""
    subject = passage(
        "Die Stadtverwaltung will den Vertrag mit den E-Scooter-Anbietenden um ein weiteres Jahr "
        "verlängern. Der Vertrag gilt derzeit bis 31. Oktober 2024. Die Anbietenden stimmen zu.",
        source="vorlage.txt",
        score=0.91,
    )
    stray = passage(
        "Verträge mit Anbietenden werden jährlich geprüft; wie lange ein Vertrag gilt, steht im Anhang.",
        source="anhang.txt",
        score=0.86,
    )
    result = answer("Bis wann galt der Vertrag mit den E-Scooter-Anbietenden?", stray, subject)
    assert "31. Oktober 2024" in result.text
    assert {c.source for c in result.citations} == {"vorlage.txt"}


def test_a_number_in_the_question_is_a_premise_too():
    text = "Im Förderjahr 2021 haben Erkrath, Heiligenhaus und Hilden Mittel über KOMM-AN NRW beantragt."
    assert answer("Welche Städte haben 2019 Mittel über KOMM-AN NRW beantragt?", passage(text)).abstained
    right_year = answer("Welche Städte haben 2021 Mittel über KOMM-AN NRW beantragt?", passage(text))
    assert "Hilden" in right_year.text


def test_a_result_block_of_sub_items_is_answered_whole():
    text = (
        "Der Gemeinderat beschließt die Satzung zur Grundsteuerreform.\n\n"
        "Abstimmungsergebnis:\n"
        "TOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)\n"
        "TOP 14.1 mehrheitliche Ablehnung (5 Ja, 42 Nein)\n\n"
        "Der Vorsitzende ruft Tagesordnungspunkt 14 auf. Das ist eine mehrheitliche Zustimmung."
    )
    result = answer("Wie wurde über die Grundsteuerreform abgestimmt?", passage(text))
    assert "(25 Ja, 22 Nein)" in result.text and "(5 Ja, 42 Nein)" in result.text
    assert not result.text.startswith("Das ist")


def test_header_rows_are_no_answer():
    header = "Gremien Termin TOP Ö / N Zuständigkeit\n\nGemeinderat 22.10.2024 33 Ö Kenntnisnahme\n\n"
    text = header + "Eine Benennung ist frühestens ab dem Jahr 2029 möglich, fünf Jahre nach dem Tod."
    result = answer("Ab wann ist eine Benennung frühestens möglich?", passage(text))
    assert result.text.startswith("Eine Benennung ist frühestens ab dem Jahr 2029 möglich")


def test_a_call_up_formula_or_a_speakers_view_does_not_lead_a_decision_answer():
    # Both match the question's words better than the decision does.
    minutes = passage(
        "Der Vorsitzende ruft die Hebesatzsatzung zur Beschlussfassung im Gemeinderat auf.\n\n"
        "Stadtrat Müller: Wir haben die Hebesatzsatzung im Gemeinderat nie beschlossen sehen wollen.\n\n"
        "Der Gemeinderat erlässt die Hebesatzsatzung in der vorgelegten Fassung."
    )
    result = answer("Was hat der Gemeinderat zur Hebesatzsatzung beschlossen?", minutes)
    assert result.text.startswith("Der Gemeinderat erlässt die Hebesatzsatzung")
    assert "ruft" not in result.text


def test_a_heading_does_not_lead_a_decision_answer():
    vorlage = passage(
        "Beschluss der Hebesatzsatzung im Gemeinderat 2024\n\n"
        "Der Gemeinderat erlässt die Satzung in der vorgelegten Fassung."
    )
    result = answer("Was hat der Gemeinderat zur Hebesatzsatzung 2024 beschlossen?", vorlage)
    assert result.text.startswith("Der Gemeinderat erlässt die Satzung")


def test_every_sentence_is_scored_with_the_features_the_model_was_fitted_on():
    from assistant.answering.sentence_model import FEATURES

    text = "Der Stadtteilbeirat tagt mindestens dreimal im Jahr. Er hat neun Mitglieder."
    sentences = ExtractiveAnswerer(AnswerSettings()).sentences(
        Question.read("Wie oft tagt der Stadtteilbeirat?"), [passage(text)]
    )
    assert [s.text for s in sentences] == [
        "Der Stadtteilbeirat tagt mindestens dreimal im Jahr.",
        "Er hat neun Mitglieder.",
    ]
    assert all(tuple(s.features) == FEATURES and 0 < s.score < 1 for s in sentences)
    assert sentences[0].score > sentences[1].score


def test_a_decision_answer_leads_with_the_items_recorded_decision_and_vote():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    text = (
        "Der Vorsitzende ruft Tagesordnungspunkt 14 zur Grundsteuer auf.\n\n"
        "TOP 14.2 Ziffer 1: mehrheitliche Ablehnung (12 Ja, 34 Nein) zum Änderungsantrag zur Grundsteuer.\n\n"
        "Der Gemeinderat beschließt nach Vorberatung die Satzung zur Grundsteuer.\n\n"
        "Abstimmungsergebnis: mehrheitliche Zustimmung (25 Ja, 22 Nein)"
    )
    item = AgendaItem("14", "Grundsteuerreform 2025")
    minutes = replace(
        passage(text),
        agenda_item=item,
        decision="Der Gemeinderat beschließt nach Vorberatung die Satzung zur Grundsteuer.",
        vote=parse_vote("mehrheitliche Zustimmung (25 Ja, 22 Nein)"),
    )
    result = answer("Was hat der Gemeinderat zur Grundsteuer beschlossen?", minutes)
    assert result.text.startswith(
        "Stadtteilbeirat, 22.04.2021, TOP 14: Grundsteuerreform 2025: Der Gemeinderat beschließt nach "
        "Vorberatung die Satzung zur Grundsteuer. … mehrheitliche Zustimmung (25 Ja, 22 Nein) [1]"
    )
    assert "beschließt nach Vorberatung" in result.citations[0].text

    # With an earlier state of the matter quoted too, the state's label names the day, once.
    vorlage = replace(
        passage(
            "Die Verwaltung schlägt dem Gemeinderat die Satzung zur Grundsteuer vor.", source="vorlage.txt"
        ),
        meeting_date=date(2021, 4, 8),
    )
    minutes, vorlage = replace(minutes, vorlage="2021/17"), replace(vorlage, vorlage="2021/17")
    result = answer("Was hat der Gemeinderat zur Satzung zur Grundsteuer beschlossen?", minutes, vorlage)
    assert result.text.startswith("Stand 22.04.2021: Stadtteilbeirat, TOP 14: Grundsteuerreform 2025: Der")
    assert "Zuvor (08.04.2021): Die Verwaltung schlägt" in result.text


def test_a_decision_on_a_paper_leads_though_the_paper_matches_the_question_better():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem

    title = "Attraktivität der Stellen der Ausländerbehörde"
    antrag = replace(
        passage(
            "Die Ausländerbehörde der Stadt Karlsruhe ist eine der Schlüsselstellen der Willkommenskultur, "
            "und die Attraktivität ihrer Stellen ist entscheidend.",
            source="antrag.txt",
            score=0.92,
        ),
        doc_type="Antrag",
        vorlage="2023/0835/1",
        subject=f"TOP 22.1: {title}",
    )
    decided = "Die Stadtverwaltung gewährt eine übertarifliche Fachkräftezulage im Sachgebiet 1."
    minutes = replace(
        passage(f"Punkt 22 der Tagesordnung\n\n{decided}", source="protokoll.txt", score=0.89),
        doc_type="Niederschrift",
        vorlage="2023/0835",
        agenda_item=AgendaItem("22", title),
        decision=decided,
    )
    question = (
        "Was hat der Gemeinderat Karlsruhe zur Attraktivität der Stellen in der Ausländerbehörde beschlossen?"
    )
    assert answer(question, antrag, minutes).text.startswith(
        f"Stadtteilbeirat, 22.04.2021, TOP 22: {title}: {decided}"
    )
    other = replace(minutes, vorlage="2023/0901", agenda_item=AgendaItem("22", "Haushalt 2025"))
    assert not answer(question, antrag, other).text.startswith("Stadtteilbeirat, 22.04.2021, TOP 22")


def test_the_newest_state_of_a_matter_leads_and_the_earlier_one_is_marked_as_such():
    from dataclasses import replace

    older = replace(
        passage("Die Eröffnung des Stadtteilhauses ist für September 2022 geplant.", source="alt.txt"),
        meeting_date=date(2021, 4, 22),
        vorlage="2021/17",
    )
    newer = replace(
        passage(
            "Die Eröffnung des Stadtteilhauses ist nun für April 2024 geplant.",
            source="neu.txt",
            score=0.88,
        ),
        meeting_date=date(2023, 3, 1),
        vorlage="2021/17",
    )
    result = answer("Wann ist die Eröffnung des Stadtteilhauses geplant?", older, newer)
    newest, earlier = result.text.split(" Zuvor ")
    assert newest == "Stand 01.03.2023: Die Eröffnung des Stadtteilhauses ist nun für April 2024 geplant. [1]"
    assert earlier == "(22.04.2021): Die Eröffnung des Stadtteilhauses ist für September 2022 geplant. [2]"


def test_asking_for_the_votes_on_an_item_only_taken_note_of_is_corrected_and_counts_as_declined():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    text = "Der Ausschuss nimmt den Bericht über die Integrationsarbeit im Kreis zur Kenntnis."
    noted = replace(
        passage(text), agenda_item=AgendaItem("10", "Integrationsarbeit"), vote=parse_vote("Kenntnisnahme")
    )
    result = answer(
        "Mit wie vielen Ja-Stimmen wurde der Bericht über die Integrationsarbeit angenommen?", noted
    )
    assert result.abstained and result.citations
    assert result.text.startswith(
        "Darüber wurde nicht abgestimmt; festgehalten ist: Der Ausschuss nimmt den Bericht"
    )


def test_asking_whether_an_item_noted_was_voted_on_is_answered_no_from_its_record():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    noted = replace(
        passage(
            "Punkt 32 der Tagesordnung: Abkopplung Frankreichs vom deutschen Strom-Großhandel\n\n"
            "Beschluss:\nKenntnisnahme von der Stellungnahme der Verwaltung\n\n"
            "Abstimmungsergebnis:\nKeine Abstimmung",
            source="top32.txt",
        ),
        agenda_item=AgendaItem("32", "Abkopplung Frankreichs vom deutschen Strom-Großhandel"),
        vote=parse_vote("Kenntnisnahme"),
    )
    # Another item's result, scoring on the vote words only, does not answer it.
    other = passage("TOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein)", source="top14.txt", score=0.86)
    question = "Gab es im Gemeinderat eine Abstimmung zur Anfrage zur Abkopplung Frankreichs vom Stromhandel?"
    result = answer(question, noted, other)
    assert not result.abstained
    assert result.text.startswith(
        "Nein. Darüber wurde nicht abgestimmt (Stadtteilbeirat, 22.04.2021, TOP 32: Abkopplung Frankreichs "
        "vom deutschen Strom-Großhandel); festgehalten ist: Kenntnisnahme"
    )
    assert "Keine Abstimmung" in result.text and {c.passage.source for c in result.citations} == {"top32.txt"}


def test_the_votes_asked_of_an_item_referred_to_a_committee_are_not_another_items_votes():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    referred = replace(
        passage(
            "Punkt 31 der Tagesordnung: Turnhallen-Dach der Südend-Grundschule instand setzen\n"
            "Antrag: CDU\n\n"
            "Beschluss:\nBeratung im Bauausschuss am 14.11.2024, öffentlich\n\n"
            "Abstimmungsergebnis:\nKeine Abstimmung",
            source="top31.txt",
        ),
        agenda_item=AgendaItem("31", "Turnhallen-Dach der Südend-Grundschule instand setzen"),
        vote=parse_vote("Beratung im Bauausschuss am 14.11.2024, öffentlich"),
    )
    # the same meeting's vote lines of another item, which read like an answer to "Mit welcher Mehrheit"
    other = replace(
        passage("TOP 14.1 mehrheitliche Ablehnung (5 Ja, 42 Nein)", source="top14.txt", score=0.88),
        agenda_item=AgendaItem("14", "Grundsteuerreform 2025"),
    )
    question = (
        "Mit welcher Mehrheit hat der Stadtteilbeirat am 22.04.2021 den CDU-Antrag zur Instandsetzung "
        "des Turnhallen-Dachs der Südend-Grundschule abgelehnt?"
    )
    result = answer(question, other, referred)
    assert result.abstained
    assert result.text.startswith(
        "Darüber wurde nicht abgestimmt (Stadtteilbeirat, 22.04.2021, TOP 31: Turnhallen-Dach der "
        "Südend-Grundschule instand setzen); festgehalten ist: Beratung im Bauausschuss"
    )
    assert {c.passage.source for c in result.citations} == {"top31.txt"}
    # asked of the committee's meeting it was referred to, this record says nothing on how that one voted
    elsewhere = answer(
        question.replace("Stadtteilbeirat am 22.04.2021", "Bauausschuss am 14.11.2024"), other, referred
    )
    assert elsewhere.abstained and not elsewhere.text.startswith("Darüber wurde nicht abgestimmt")


def test_a_political_group_the_question_names_is_a_premise_its_documents_must_hold():
    body = passage(
        "Die Fraktion fragt in ihrer Anfrage nach dem Zustand der Brücken in Karlsruhe und nach den Mitteln "
        "für ihre Sanierung.",
        source="anfrage.txt",
    )
    head = passage("Anfrage: AfD\nZustand der Brücken in Karlsruhe", source="anfrage.txt", score=0.85)
    asked = "Wonach fragt die {}-Fraktion in ihrer Anfrage zum Zustand der Brücken in Karlsruhe?"
    wrong = answer(asked.format("SPD"), body, head)
    assert wrong.abstained and wrong.text.endswith("enthalten nicht: „SPD“.")
    right = answer(asked.format("AfD"), body, head)  # named in the document's head only
    assert not right.abstained and right.text.startswith("Die Fraktion fragt")


def test_a_person_the_question_names_with_a_title_is_a_premise_its_documents_must_hold():
    minutes = passage(
        "Herr Klement vom Sportamt berichtet über die Defibrillatoren im Stadtteil.\n\n"
        "Drei weitere Geräte sollen an der Grundschule und am Bürgerhaus aufgehängt werden.",
        source="niederschrift.txt",
    )
    asked = "Was hat {} vom Sportamt über die Defibrillatoren im Stadtteil berichtet?"
    wrong = answer(asked.format("Herr Bachmeier"), minutes)
    assert wrong.abstained and wrong.text.endswith("enthalten nicht: „Bachmeier“.")
    assert not answer(asked.format("Herr Klement"), minutes).abstained


def test_the_agenda_of_a_meeting_is_read_from_its_invitation():
    from dataclasses import replace

    invitation = replace(
        passage(
            "Einladung\tStadt Erlangen\nStadtteilbeirat Büchenbach\n\n1. Sitzung, Mittwoch, 24.04.2024, "
            "Mönauschule\n\nÖffentliche Tagesordnung - 18:30 Uhr\n\n1. Stadtteilentwicklung Büchenbach aus "
            "Sicht des Baureferates\n\n2. Sonstige Anfragen und Anträge\n\nIch darf Sie hiermit zu dieser "
            "Sitzung einladen.",
        ),
        doc_type="Einladung",
        meeting_date=date(2024, 4, 24),
    )
    result = answer("Welche Punkte standen am 24.04.2024 auf der Tagesordnung?", invitation)
    assert result.text.splitlines() == [
        "Tagesordnung Stadtteilbeirat, 24.04.2024:",
        "- 1. Stadtteilentwicklung Büchenbach aus Sicht des Baureferates [1]",
        "- 2. Sonstige Anfragen und Anträge [1]",
    ]
    assert result.citations[0].text.endswith("Sonstige Anfragen und Anträge")


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        (  # karlsruhe-oparl 661400, the administration's answer to an Antrag on Areal C
            "Warum kann sich der Oberbürgermeister nicht bei der Sparkasse für den Kauf des Areals C "
            "einsetzen?",
            "Die Sparkasse Karlsruhe führt die Gespräche über den Verkauf des Areals C selbst. Der "
            "Oberbürgermeister darf und kann in seiner Rolle als Verwaltungsratsvorsitzender nicht zum "
            "Vorteil der Stadt Karlsruhe tätig werden und in Kauf- bzw. Verkaufsgespräche eingreifen.",
            "Der Oberbürgermeister darf und kann",
        ),
        (
            "Why can't the county keep track of the farmland lost?",
            "The county monitors farmland through the districts. There is no such requirement for the county "
            "to keep a register of farmland lost to housing.",
            "The county monitors farmland through the districts. There is no such requirement",
        ),
    ],
    ids=["may not", "no requirement"],
)
def test_a_why_question_is_answered_by_the_constraint_that_stands_in_the_way(question, text, lead):
    result = answer(question, passage(text))
    assert not result.abstained and result.text.startswith(lead)


def test_a_why_question_is_led_by_the_sentence_that_gives_a_reason():
    text = (
        "Die Verwaltung schlägt vor, drei orangefarbene Bänke dauerhaft in städtischen Grünanlagen "
        "aufzustellen. Da eine dauerhafte Aufstellung nach den Sondernutzungsrichtlinien in der Innenstadt "
        "nicht möglich ist, kommen nur Grünanlagen in Frage. Die Bankstandorte wählt der Club gemeinsam mit "
        "dem Gartenbauamt aus."
    )
    result = answer(
        "Warum sollen die orangefarbenen Bänke dauerhaft in Grünanlagen und nicht in der Innenstadt stehen?",
        passage(text),
    )
    assert result.text.startswith("Da eine dauerhafte Aufstellung nach den Sondernutzungsrichtlinien")
    # Without a sentence that gives a reason, the passage does not answer why.
    proposal = passage(text.split(" Da ")[0])
    assert answer("Warum sollen die Bänke dauerhaft in Grünanlagen stehen?", proposal).abstained
    # "Wegen" within a sentence is the noun ("Straßen, Wegen und Plätzen"), not "because of"
    naming = passage(
        "Die Stadt Karlsruhe wendet bei der Benennung von Straßen, Wegen und Plätzen die Richtlinien zur "
        "Straßenbenennung an.\n\nDer Komponist Wolfgang Rihm ist am 27. Juli 2024 verstorben. Da "
        "Verstorbene erst nach fünf Jahren geehrt werden, ist eine Benennung frühestens 2029 möglich."
    )
    asked = "Warum kann noch keine Straße nach Wolfgang Rihm benannt werden?"
    assert answer(asked, naming).text.startswith("Da Verstorbene erst nach fünf Jahren")


def test_a_question_for_the_time_of_day_is_led_by_a_clock_time_and_not_answered_without_one():
    text = (
        "Council held its morning session on January 12, 2011 with 5 commissioners present and "
        "adjourned the morning session after hearing 14 items. At 10:31 a.m. Council adjourned."
    )
    question = "At what time did Council adjourn its morning session on January 12, 2011?"
    assert answer(question, passage(text)).text.startswith("At 10:31 a.m. Council adjourned.")
    assert answer(question, passage(text.split(" At ")[0])).abstained


def test_a_line_of_a_table_of_contents_is_no_candidate_answer():
    text = (
        "Inhaltsverzeichnis\n\n§ 5 Ehrenamt, Entschädigung ................................ 2\n\n"
        "§ 6 Geschäftsgang .......................................... 3\n\n§ 6 Geschäftsgang\n\n"
        "(1) Der Vorsitzende beruft den Beirat nach Bedarf, mindestens jedoch dreimal jährlich, zu "
        "Sitzungen ein."
    )
    question = Question.read(
        "Wie oft muss der Beirat nach § 6 Geschäftsgang mindestens zu Sitzungen einberufen werden?"
    )
    sentences = ExtractiveAnswerer(AnswerSettings()).sentences(question, [passage(text)])
    assert sentences and not [s.text for s in sentences if "....." in s.text]
    assert answer(question.text, passage(text)).text.startswith("(1) Der Vorsitzende beruft den Beirat")


def test_an_announced_list_with_a_blank_line_between_its_items_comes_whole():
    text = (
        "Frau Sonnabend stellt die fünf Handlungsfelder der Stadtteilwerkstatt vor.\n\n"
        "1. Handlungsfeld „Wohnen, Bauen und Nahversorgung“\n\n2. Handlungsfeld „Lernen und Bildung“\n\n"
        "3. Handlungsfeld „Klimaschutz und Mobilität“\n\n4. Handlungsfeld „Freiraumnetz“\n\n"
        "5. Kommunikation, Netzwerke und Mitwirkung\n\nHerr Hoppe-Seyler berichtet über Quartiersmanagement."
    )
    result = answer("Welche Handlungsfelder hat die Stadtteilwerkstatt vorgestellt?", passage(text))
    for field in ("Wohnen", "Lernen", "Klimaschutz", "Freiraumnetz", "Kommunikation"):
        assert field in result.text
    assert "Quartiersmanagement" not in result.text


def test_a_question_asked_in_a_document_is_no_answer():
    text = (
        "Can the Cabinet Member tell me where Sheppey residents were placed after Blackburn Lodge closed? "
        "Most residents moved to care homes on the mainland, closer to their families."
    )
    result = answer("Where were the Sheppey residents placed after Blackburn Lodge closed?", passage(text))
    assert result.text == "Most residents moved to care homes on the mainland, closer to their families. [1]"


def test_an_ordinal_is_no_answer_to_how_often():
    # "2. Sitzung" names which meeting, not how many; an invitation is no answer to "wie oft".
    invitation = passage("Der Stadtteilbeirat tagt zur 2. Sitzung am Dienstag, 19.11.2024 18:30 Uhr.")
    assert answer("Wie oft tagt der Stadtteilbeirat?", invitation).abstained
    statute = passage("Der Stadtteilbeirat tagt mindestens dreimal im Jahr.")
    assert not answer("Wie oft tagt der Stadtteilbeirat?", statute).abstained


def test_a_question_asking_two_things_is_answered_for_each():
    # Neither sentence answers the whole question; each answers one of its two parts. (A sentence
    # next to each in its paragraph would come with it: `_with_neighbours`.)
    plan = passage(
        "Die Kosten liegen bei 4 Mio. Euro.\n\n"
        "Der Baubeginn ist 2023, die Fertigstellung des Stadtteilhauses ist für April 2025 vorgesehen.",
        "plan.txt",
    )
    minutes = passage(
        "Zum Stadtteilhaus berichtet die Verwaltung im November: Geplante Eröffnung ist im Sommer 2026.",
        "ns.txt",
        score=0.87,
    )
    question = (
        "Wann soll das Stadtteilhaus fertig sein, und welcher Eröffnungstermin wurde im November genannt?"
    )
    result = answer(question, plan, minutes)
    assert not result.abstained
    assert "April 2025" in result.text and "Sommer 2026" in result.text
    assert "Kosten" not in result.text
    assert [c.n for c in result.citations] == [1, 2]
    assert {c.source for c in result.citations} == {"plan.txt", "ns.txt"}


def test_answers_to_parts_are_joined_without_saying_a_sentence_twice():
    p = passage("Der Beirat hat 15 Mitglieder. Er tagt viermal im Jahr. Vorsitzende ist Frau Mürbeth.")
    first = Reply(
        "Der Beirat hat 15 Mitglieder. [1] Er tagt viermal im Jahr. [2]",
        [cite(1, p, 0, 29), cite(2, p, 30, 54)],
        False,
    )
    # the second part's answer quotes the second sentence again, widened by the third
    second = Reply("Er tagt viermal im Jahr. Vorsitzende ist Frau Mürbeth. [1]", [cite(1, p, 30, 84)], False)
    joined = _joined([first, second])
    assert (
        joined.text
        == "Der Beirat hat 15 Mitglieder. [1] Er tagt viermal im Jahr. Vorsitzende ist Frau Mürbeth. [2]"
    )
    assert [(c.n, c.text) for c in joined.citations] == [(1, p.text[0:29]), (2, p.text[30:84])]
    # a quote that starts with what the one before ended with says only the rest
    whole = Reply("Der Beirat hat 15 Mitglieder. Er tagt viermal im Jahr. [1]", [cite(1, p, 0, 54)], False)
    assert _joined([whole, second]).text == (
        "Der Beirat hat 15 Mitglieder. Er tagt viermal im Jahr. [1] Vorsitzende ist Frau Mürbeth. [2]"
    )


def test_two_totals_alike_but_for_their_numbers_are_both_said():
    # cut from Kent's Commissioning Plan for Education Provision 2025-29: the primary and the
    # secondary totals share every word but their figures
    p = passage(
        "Primary School Commissioning Intentions:\n\n"
        "A total of 44.9FE across the Plan period and up to 120 temporary Year R\nplaces\n\n"
        "Secondary School Commissioning Intentions\n\n"
        "A total of 38FE across the Plan period and up to 810 temporary Year 7 places",
        subject="Kent Commissioning Plan for Education Provision 2025-29",
    )
    reply = answer(
        "How many forms of entry (FE) of additional primary and secondary capacity does Kent's "
        "Commissioning Plan for Education Provision 2025-29 plan across the plan period?",
        p,
    )
    assert "44.9FE" in reply.text and "38FE" in reply.text


def test_a_hyphenated_question_word_is_held_where_its_parts_are():
    question = content_terms("Was bekommt man für eine AED-Patenschaft? Gibt es E-Unterstützung?", "de")
    compounds = _compounds(question, "de")
    assert list(compounds) == ["aed-patenschaft"]  # "E-Unterstützung" has one word part only
    # from the slides of ERLANGEN SCHOCKT!: the sentence says "Patenschaft" and "AED-Standortes"
    sentence = "Im Detail beinhaltet eine Patenschaft: Finanzierung eines AED-Standortes für 4 Jahre"
    assert "aed-patenschaft" in _with_compounds(set(content_terms(sentence, "de")), compounds)
    assert "aed-patenschaft" not in _with_compounds(set(content_terms("Eine Patenschaft", "de")), compounds)


def test_a_clock_time_written_without_dots_is_no_count():
    # from Kent's answers to members' questions of March 2025
    p = passage(
        "The Over 75s Same Day Access Clinic, launched in January 2024 at New Hayesbank Surgery, "
        "allows patients to walk-in between 2pm and 4pm, Monday to Friday. From January to "
        "September 2024, the clinic saw 1,601 patients, with overwhelmingly positive feedback."
    )
    reply = answer("How many patients did the Over 75s Same Day Access Clinic see in 2024?", p)
    assert reply.text.startswith("From January to September 2024, the clinic saw 1,601 patients")


def test_a_number_of_the_question_is_held_by_a_passage_writing_it_in_words():
    # from the Grünen amendment on AC charging points in Karlsruhe (Vorlage 2024/0458/1)
    p = passage(
        "Bei der aktuellen Berechnung müssten sich in Durlach über 30.000 Menschen die gleiche "
        "Anzahl von zwölf neuen Ladepunkten teilen wie in Rintheim mit gut 6.000 Menschen."
    )
    reply = answer("Wie viele Menschen müssten sich in Durlach die 12 neuen Ladepunkte teilen?", p)
    assert "30.000" in reply.text and not reply.abstained


def test_a_pair_of_numbers_of_the_question_is_held_by_a_passage_joining_them_in_words():
    # karlsruhe-oparl 661007: the VKA guidelines on a skilled-worker allowance
    p = passage(
        "Fachkräftezulage:\n- Entgeltgruppen 9a bis E 15 maximal 1.500 Euro/Monat,\n"
        "- Entgeltgruppen 7 und 8 maximal 1.000 Euro/Monat,\n- Entgeltgruppen 5 und 6 maximal 500 Euro/Monat"
    )
    reply = answer("Wie hoch ist die Fachkräftezulage höchstens in den Entgeltgruppen 7/8?", p)
    assert not reply.abstained and "1.000 Euro" in reply.text
    assert answer("Wie hoch ist die Fachkräftezulage höchstens in den Entgeltgruppen 3/4?", p).abstained


def test_a_question_for_money_is_not_answered_by_a_count():
    applied = passage("Im Förderjahr 2021 haben die drei Städte Erkrath und Hilden KOMM-AN NRW beantragt.")
    question = "Wie viel Fördergeld hat Hilden im Förderjahr 2021 aus KOMM-AN NRW erhalten?"
    assert answer(question, applied).abstained
    granted = passage("Hilden erhielt im Förderjahr 2021 aus KOMM-AN NRW 25.000 Euro.", source="b.txt")
    assert "25.000 Euro" in answer(question, applied, granted).text


def test_money_asked_for_is_the_kind_of_answer_not_a_word_the_passage_must_hold():
    rule = passage(
        "Für Kunst am Bau stellt die Stadt Karlsruhe 1 Prozent der Baukosten bereit, höchstens 200.000 Euro."
    )
    result = answer(
        "Wie viel Geld muss die Stadt Karlsruhe bei ihren Bauvorhaben für Kunst am Bau einplanen?", rule
    )
    assert "höchstens 200.000 Euro" in result.text


def test_a_place_the_question_names_must_be_named_where_the_answer_stands():
    funding = passage("Die Stadt Karlsruhe fördert die Beratungsstelle Luise jährlich mit 149.903 Euro.")
    declined = answer("Wie hoch ist die Förderung der Stadt Erlangen für die Beratungsstelle Luise?", funding)
    assert declined.abstained and "„Erlangen“" in declined.text
    unnamed = passage(
        "Die Stadt fördert die Beratungsstelle Luise mit 149.903 Euro.", "karlsruhe-oparl/1.txt"
    )
    assert (
        "149.903" in answer("Wie hoch fördert die Stadt Karlsruhe die Beratungsstelle Luise?", unnamed).text
    )
    # a district named after its office or as "Stadtteil …"
    elected = passage("Der Gemeinderat wählt Herrn Thomas Jäger zum Ortsvorsteher in der Ortschaft Neureut.")
    asked = "Mit welchem Ergebnis wurde Thomas Jäger zum Ortsvorsteher von Hohenwettersbach gewählt?"
    assert "„Hohenwettersbach“" in answer(asked, elected).text
    assert not answer(asked.replace("Hohenwettersbach", "Neureut"), elected).abstained
    assert answer("Wen wählte der Gemeinderat zum Ortsvorsteher im Stadtteil Durlach?", elected).abstained
    # declined for want of any sentence of the kind asked, the answer still names the missing place
    council = passage("Der Seniorenbeirat der Stadt Karlsruhe tagt regelmäßig im Rathaus.")
    elsewhere = answer("Wann tagt der Seniorenbeirat der Stadt Erlangen?", council)
    assert elsewhere.abstained and elsewhere.text.endswith("enthalten nicht: „Erlangen“.")
    assert answer("Wann tagt der Seniorenbeirat der Stadt Karlsruhe?", council).text == ABSTAIN["de"]


def test_a_heading_before_list_items_carries_what_its_items_carry():
    proposal = passage(
        "Als Sachverständige sind mindestens ein Bausachverständiger und ein Vermessungssachverständiger "
        "zu bestellen.\n\n"
        "Als Vermessungssachverständige:\na) Herr Bernhard Eldracher, Liegenschaftsamt\n"
        "b) Frau Hannah Röhrer, Liegenschaftsamt\n\n"
        "Als Bausachverständige:\nc) Frau Anke Karmann-Woessner, Stadtplanungsamt\n"
        "d) Frau Sigrun Hüger, Stadtplanungsamt"
    )
    named = answer("Wer sind die Bausachverständigen?", proposal).text
    assert named.startswith("Als Bausachverständige:") and "Karmann-Woessner" in named and "Hüger" in named


def test_a_person_named_with_a_title_answers_who():
    debate = passage("The Leader of the Council introduced the report on devolution at the meeting.")
    chair = passage("RESOLVED that Mr Cooke be elected to chair the meeting.", source="b.txt", score=0.88)
    assert answer("Who was elected to chair the meeting on devolution?", debate, chair).text.startswith(
        "RESOLVED"
    )


def test_the_line_naming_the_chair_of_the_dated_meeting_answers_who_chaired_it():
    from dataclasses import replace

    minutes = replace(
        passage(
            "Election of Chair\n\nMr Hood proposed Mr Cooke to Chair the meeting.\n\n"
            "2. RESOLVED that Mr Cooke be elected to Chair the meeting.\n\n"
            "The Leader of the Council, Mr Gough, introduced the report on devolution."
        ),
        meeting_date=date(2025, 1, 9),
    )
    result = answer("Who chaired the County Council meeting on 9 January 2025?", minutes)
    assert result.text.split(" [1]")[0].endswith("2. RESOLVED that Mr Cooke be elected to Chair the meeting.")
    undated = answer("Who chaired the County Council meeting on 9 February 2025?", minutes)
    assert undated.abstained  # the minutes of another day


def test_a_yes_no_question_on_a_decision_is_answered_yes_or_no_first():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem
    from assistant.core.votes import parse_vote

    decided = "Der Gemeinderat beschließt die Satzung zur Grundsteuer."
    minutes = replace(
        passage(f"{decided}\n\nAbstimmungsergebnis: mehrheitliche Zustimmung (25 Ja, 22 Nein)"),
        agenda_item=AgendaItem("14", "Grundsteuerreform 2025"),
        decision=decided,
        vote=parse_vote("mehrheitliche Zustimmung (25 Ja, 22 Nein)"),
    )
    assert answer("Hat der Gemeinderat die Satzung zur Grundsteuer beschlossen?", minutes).text.startswith(
        "Ja. "
    )
    assert not answer("Was hat der Gemeinderat zur Grundsteuer beschlossen?", minutes).text.startswith("Ja")
    lost = passage(
        "Der Gemeinderat lehnt den Änderungsantrag zur Grundsteuer ab: mehrheitliche Ablehnung (12 Ja)"
    )
    agreed = answer("Hat der Gemeinderat dem Änderungsantrag zur Grundsteuer zugestimmt?", lost)
    assert agreed.text.startswith("Nein. ")
    rejected = answer("Wurde der Änderungsantrag zur Grundsteuer abgelehnt? Wie wurde abgestimmt?", lost)
    assert rejected.text.startswith("Ja. ")


def test_a_quoted_title_is_a_premise_a_stressed_word_is_not():
    from assistant.answering.extractive import _unfounded

    vote = passage("Antrag Grüne Welle: mehrheitliche Zustimmung (25 Ja, 22 Nein)")

    def missing(question: str) -> list[str]:
        return _unfounded(Question.read(question), [vote])

    assert missing('Wie wurde über den Antrag "Grüne Welle für Karlsruhe" abgestimmt?') == [
        "Grüne Welle für Karlsruhe"
    ]
    assert missing('Wie wurde über den Antrag "Grüne Welle" abgestimmt?') == []
    assert missing('Wie wurde über den Antrag Grüne Welle "endgültig" abgestimmt?') == []
    # in single quotes too, which an apostrophe does not open
    assert missing("Wie wurde über den CDU-Antrag 'Grüne Welle für Karlsruhe' abgestimmt?") == [
        "Grüne Welle für Karlsruhe"
    ]
    assert missing("How did the council's members vote on the 'Grüne Welle' motion?") == []


def test_a_part_is_not_said_unanswered_where_the_other_parts_quote_its_answer():
    stock = passage(
        "Der Bestand an öffentlich zugänglichen Ladepunkten der Stadt Karlsruhe beträgt etwa 430. Davon "
        "befinden sich 54 Ladepunkte im öffentlichen Straßenraum. Die weiteren Ladepunkte stehen auf "
        "Kundenparkplätzen."
    )
    answerer = ExtractiveAnswerer(AnswerSettings())
    said = stock.text.split(" Die weiteren")[0]
    part = Question.read("wie viele davon stehen direkt im Straßenraum?")
    assert answerer._quoted_already(part, [stock], said)
    assert not answerer._quoted_already(part, [stock], said.split(" Davon")[0])
    # a part asking several kinds of fact is not answered by one quoted sentence
    several = Question.read("wie viele davon stehen direkt im Straßenraum, welche Firma betreibt sie?")
    assert not answerer._quoted_already(several, [stock], said)


def test_a_date_in_digits_is_held_by_the_same_day_spelled():
    from assistant.answering.extractive import _unfounded

    spelled = passage("Die Sanierung der Sporthalle wurde am 14. November 2024 beschlossen.")

    def missing(question: str) -> list[str]:
        return _unfounded(Question.read(question), [spelled])

    assert missing("Was wurde am 14.11.2024 zur Sporthalle beschlossen?") == []  # not "11"
    assert missing("Was wurde am 14.10.2024 zur Sporthalle beschlossen?") == ["14.10.2024"]


def test_a_vote_asked_of_a_day_is_not_held_by_the_record_of_a_later_meeting():
    from assistant.answering.extractive import _unfounded

    later = dataclasses.replace(
        passage(
            "Die Umbesetzung war am 22. Oktober 2024 vertagt worden.\n\n"
            "Beschluss: Der Gemeinderat beschließt die Umbesetzung der Ausschüsse.\n\n"
            "Abstimmungsergebnis: Einstimmige Zustimmung (43 Ja)"
        ),
        doc_type="Niederschrift",
        committee="Gemeinderat",
        meeting_date=date(2024, 11, 19),
    )
    voted = Question.read("Wer hat sich am 22.10.2024 bei der Abstimmung über die Umbesetzung enthalten?")
    assert _unfounded(voted, [later]) == ["22.10.2024"]
    # the minutes of 19 November do say what happened on 22 October
    assert _unfounded(Question.read("Warum wurde die Umbesetzung am 22.10.2024 vertagt?"), [later]) == []


def test_what_a_quantity_question_counts_is_a_premise():
    record = passage(
        "Das Stadtteilfest 2023 in Büchenbach hatte 1.200 Besucher. "
        "Am Rudeltplatz wurden 2023 zwölf neue Schnellladesäulen aufgestellt."
    )
    invented = answer("Wie viele Polizeieinsätze gab es 2023 in Büchenbach?", record)
    assert invented.abstained and "„Polizeieinsätze“" in invented.text
    held = answer("Wie viele öffentliche Ladesäulen wurden 2023 in Büchenbach aufgestellt?", record)
    assert not held.abstained and "zwölf neue Schnellladesäulen" in held.text
    headed = answer("Wie viele E-Ladesäulen wurden 2023 in Büchenbach aufgestellt?", record)
    assert "zwölf neue Schnellladesäulen" in headed.text  # "Ladesäulen", the head, is held
    measured = answer("Wie viele Besucher hatte das Stadtteilfest 2023 in Büchenbach?", record)
    assert "1.200 Besucher" in measured.text
    report = passage("In 2024 the council planted 310 street trees and repaired 42 playgrounds.")
    assert answer("How many street trees did the council plant in 2024?", report).text.startswith("In 2024")
    assert answer("How many bus shelters did the council repair in 2024?", report).abstained


def test_the_newest_version_of_a_statute_leads_unless_the_question_names_the_older_ones_year():
    from dataclasses import replace

    def satzung(text: str, year: int, day: date, score: float) -> Passage:
        p = passage(text, source=f"recht/beiraete_satzung_{year}.pdf", score=score)
        return replace(
            p, title=f"beiraete satzung {year}", doc_type="Satzung", meeting_date=day, committee=None
        )

    older = satzung(
        "(2) Für die Stadtteile Anger/Bruck und Büchenbach besteht je ein Stadtteilbeirat.",
        2020,
        date(2020, 2, 20),
        0.9,
    )
    newer = satzung(
        "(2) Für die Stadtteile Anger, Bruck und Büchenbach besteht je ein Stadtteilbeirat.",
        2026,
        date(2026, 2, 26),
        0.85,
    )
    question = "Für welche Stadtteile besteht ein Stadtteilbeirat?"
    assert answer(question, older, newer).text.startswith("(2) Für die Stadtteile Anger, Bruck")
    assert answer(question + " (Fassung 2020)", older, newer).text.startswith(
        "(2) Für die Stadtteile Anger/Bruck"
    )
    another = replace(newer, title="geschaeftsordnung 2026")  # not a version of the same statute
    assert answer(question, older, another).text.startswith("(2) Für die Stadtteile Anger/Bruck")


@pytest.mark.shared
def test_a_cleveland_vote_is_answered_with_the_members_voting_against():
    record = (CORPUS / "cleveland-city-record/1998/1998-06-10.txt").read_text(encoding="utf-8")
    start = record.index("Ord. No. 1041-98.")
    end = record.index("Those voting nay", start) + 60
    result = answer(
        "How did the Council vote on Ordinance No. 1041-98 with CSX, and who voted against it?",
        passage(record[start:end], source="cleveland-city-record/1998/1998-06-10.txt"),
    )
    assert "Passed. Yeas 20. Nays 1. – Against: Rybka [1]" in result.text


@pytest.mark.parametrize(
    ("line", "names_chair"),
    [
        ("Vorsitzende KA Thiele verweist auf die Vorlage.", True),
        ("Der Vorsitzende, Herr Winkelmann, eröffnet die Sitzung.", True),
        ("PRESENT: Mr B J Sweetland (Chairman), Mr Cooke", True),
        ("Vorsitzender der Geschäftsführung der Agentur für Arbeit Mettmann", False),
        ("Presiding and Administrative Judge of the Court", False),
    ],
)
def test_a_line_naming_a_meetings_chair(line, names_chair):
    from assistant.answering.passages import CHAIR_LINE

    assert bool(CHAIR_LINE.search(line)) is names_chair


def _invitation(day: date, venue: str) -> Passage:
    from dataclasses import replace

    text = (
        "Einladung\n\nStadtteilbeirat Büchenbach\n\n"
        f"2. Sitzung Dienstag, {day:%d.%m.%Y} 18:30 Uhr {venue}\n\n"
        "Ich darf Sie hiermit zu dieser Sitzung einladen."
    )
    return replace(
        passage(text, source=f"einladung-{day}.pdf"),
        committee="Stadtteilbeirat Büchenbach",
        meeting_date=day,
        doc_type="Einladung",
    )


def test_where_a_meeting_took_place_is_answered_by_the_line_naming_its_venue():
    minutes = passage("Der Stadtteilbeirat Büchenbach spricht über die Sanierung der Schule am Mönaupark.")
    result = answer(
        "Wo hat der Stadtteilbeirat Büchenbach am 19.11.2024 getagt?",
        minutes,
        _invitation(date(2024, 11, 19), "Mönauschule, Aula"),
    )
    assert result.text.startswith("2. Sitzung Dienstag, 19.11.2024 18:30 Uhr Mönauschule, Aula [1]")


def test_a_question_on_two_meetings_is_answered_for_each():
    result = answer(
        "In welcher Schule fanden die Sitzungen des Stadtteilbeirats Büchenbach im November 2024 und im "
        "Juni 2025 statt?",
        _invitation(date(2024, 11, 19), "Mönauschule, Aula"),
        _invitation(date(2025, 6, 3), "Heinrich-Kirchner-Schule, Aula"),
    )
    assert result.text.split("\n") == [
        "November 2024: 2. Sitzung Dienstag, 19.11.2024 18:30 Uhr Mönauschule, Aula [1]",
        "Juni 2025: 2. Sitzung Dienstag, 03.06.2025 18:30 Uhr Heinrich-Kirchner-Schule, Aula [2]",
    ]
    assert [c.passage.meeting_date for c in result.citations] == [date(2024, 11, 19), date(2025, 6, 3)]


def test_who_signed_the_minutes_is_answered_by_the_whole_signature_block():
    from dataclasses import replace

    text = (
        "Beschluss StBR: keiner, Information\n\n"
        "gez.\tgez.\nGünter Winkelmann\tStefan Schellhaus\nVorsitzender Stadtteilbeirat\tProtokollführer"
    )
    minutes = replace(passage(text), meeting_date=date(2021, 7, 8), doc_type="Niederschrift")
    signed = answer(
        "Wer hat die Niederschrift vom 8. Juli 2021 unterschrieben und in welcher Funktion?", minutes
    )
    assert signed.text.startswith(
        "gez. gez. Günter Winkelmann Stefan Schellhaus Vorsitzender Stadtteilbeirat Protokollführer [1]"
    )
    # the block names people, but it answers only who signed
    other = ExtractiveAnswerer(AnswerSettings()).sentences(Question.read("Wer ist Vorsitzender?"), [minutes])
    assert all("Winkelmann" not in s.text for s in other)


def test_a_question_on_the_amount_decided_is_answered_by_the_amount_not_the_beschluss():
    from dataclasses import replace

    from assistant.core.documents import AgendaItem

    decision = "Der Gemeinderat beschließt den Haushalt 2025 mit allen Anlagen und Änderungen."
    text = f"{decision}\n\nDie Grundsteuer erbringt insgesamt 60.000.000 Euro im Haushaltsjahr 2025."
    minutes = replace(passage(text), agenda_item=AgendaItem("6", "Haushalt 2025"), decision=decision)
    result = answer(
        "Wie viel Euro Grundsteuer hat der Gemeinderat mit dem Haushalt 2025 beschlossen?", minutes
    )
    assert result.text.startswith("Die Grundsteuer erbringt insgesamt 60.000.000 Euro")


def test_a_year_answers_when_but_the_year_of_a_file_number_does_not():
    # The answer is a sentence of the Büchenbach Niederschrift of 14.04.2021 (Erlangen): it names
    # a semester, no day. The hand-made sentence before it names a Vorlage, whose number holds a
    # year but no time.
    minutes = passage(
        "Frau Dr. Kühn stellt die Planungen der VHS zur Erwachsenenbildung in Büchenbach vor "
        "(Vorlage 2021/0412). Die VHS beginnt im Wintersemester 2021/22 gemeinsam mit ihren "
        "Büchenbacher Kooperationspartnern mit dem Ausbau der dezentralen Erwachsenenbildung in Büchenbach."
    )
    reply = answer("Ab wann will die VHS die Erwachsenenbildung in Büchenbach ausbauen?", minutes)
    assert not reply.abstained
    assert reply.text.startswith("Die VHS beginnt im Wintersemester 2021/22")
    filed = passage(
        "Frau Dr. Kühn stellt die Planungen der VHS zur Erwachsenenbildung in Büchenbach vor "
        "(Vorlage 2021/0412)."
    )
    assert answer("Ab wann will die VHS die Erwachsenenbildung in Büchenbach ausbauen?", filed).abstained


def test_a_verb_of_the_question_is_held_by_its_noun_in_the_sentence():
    # The Büchenbach Niederschrift of 19.11.2024 (Erlangen) dates the planning in a list item:
    # "Planung" for the question's "geplant", which the stemmer does not join (`verb_roots`).
    minutes = passage(
        "TOP 1: Stadtteilhaus Büchenbach\nEinführung:\n"
        "Herr Hacker führt in den ersten Punkt der Tagesordnung zum Stadtteilhaus Büchenbach ein und gibt "
        "einen kurzen Überblick über die bisherigen Entwicklungen. Besonders hervorgehoben werden die hohe "
        "Anteilnahme der Bevölkerung und die spätere Bürgerbeteiligung, die das ursprüngliche Konzept des "
        "Stadtteilhauses maßgeblich beeinflusste.\n"
        "Planungshistorie:\n"
        "\uf0b7 Beginn der Planung: 1990\n"
        "\uf0b7 Umgestaltung des Konzepts 2019 basierend auf den Wünschen der Bürger\n"
    )
    reply = answer("Seit wann wird am Stadtteilhaus Büchenbach geplant?", minutes)
    assert not reply.abstained
    assert reply.text.lstrip("\uf0b7 ").startswith("Beginn der Planung: 1990")


def test_a_question_asked_in_the_minutes_in_reported_speech_answers_nothing():
    # The Büchenbach Niederschrift of 2023 (Erlangen) records the Beirat asking why the school
    # gyms do not open before 17 Uhr; nothing says they were opened since.
    minutes = passage(
        "Der Stadtteilbeirat fragt einstimmig an, warum es nicht möglich ist, Sporthallen der Schulen "
        "bereits vor 17 Uhr freizugeben.",
        source="erlangen-sbr-buechenbach/SBR/Niederschrift_Buechenbach.pdf",
    )
    reply = answer(
        "Hat die Stadt Erlangen die Schulsporthallen in Büchenbach schon vor 17 Uhr für den Sport "
        "freigegeben?",
        minutes,
    )
    assert reply.abstained


def test_a_clause_left_open_for_the_list_below_it_answers_with_the_list():
    # § 2 (3) of the Geschäftsordnung of the Karlsruhe Kunstbeirat (2024): the lead-in has no colon.
    rules = passage(
        "(3) Beratend ohne Stimmrecht sind – je nach Maßnahme - hinzuzuziehen\n"
        "- eine Vertretung der die Maßnahme durchführenden Stelle,\n"
        "- der/die planende Architekt*in,\n"
        "- eine Vertretung des Gebäudenutzers,\n"
        "- eine Vertretung des Kulturamtes,\n"
        "- eine Vertretung der Stadtplanung,\n"
        "- eine Vertretung der Städtischen Galerie.\n\n"
        "Weitere Personen können von der Vorsitzenden bzw. dem Vorsitzenden beratend ohne Stimmrecht "
        "hinzugezogen werden.",
        source="karlsruhe-oparl/docs/file-contents/661114.txt",
    )
    reply = answer("Wer wird beim Kunstbeirat je nach Maßnahme beratend ohne Stimmrecht hinzugezogen?", rules)
    assert reply.text.startswith("(3) Beratend ohne Stimmrecht")
    assert "planende Architekt" in reply.text and "Städtischen Galerie" in reply.text
    # items of one list do not announce each other
    papers = passage(
        "Background papers\nc) Agenda for Cabinet on Tuesday, 4th March, 2025, 10.00 am\n"
        "d) Minutes of the Governance Working Party of 12th February\n"
    )
    assert "Governance" not in answer("When was the Agenda for Cabinet in March 2025?", papers).text


def test_the_place_a_question_names_is_the_lead_passages_own():
    # Neither passage holds every premise ("2020" and "Karlsruher"); together they do. The answer
    # would be Erlangen's amount for a question on Karlsruhe.
    erlangen = passage(
        "Der Stadtteilbeirat Büchenbach beantragt einen Betrag von 50.000 Euro im Haushalt 2020 für die "
        "Aufwertung des Rudeltplatzes.",
        source="erlangen-sbr-buechenbach/SBR/Antrag_Rudeltplatz.pdf",
    )
    karlsruhe = passage(
        "Auch der Gemeinderat hat im Haushalt Geld für die Aufwertung von Plätzen beantragt, insgesamt "
        "20.000 Euro.",
        source="karlsruhe-oparl/docs/file-contents/660001.txt",
        score=0.88,
    )
    asked = (
        "Wie viel Geld beantragt der Karlsruher Stadtteilbeirat 2020 beim Gemeinderat für die Aufwertung "
        "des Rudeltplatzes?"
    )
    reply = answer(asked, erlangen, karlsruhe)
    assert reply.abstained and "Karlsruher" in reply.text


def test_what_the_asker_states_before_the_question_need_not_stand_in_the_later_state_it_asks_for():
    later = dataclasses.replace(
        passage(
            "Herr Lang berichtet aus dem Baureferat:\n\n- Fertigstellung Holzsteg am 30.06.2024\n\n"
            "- Spielplatz Mönaustraße im Herbst",
            source="niederschrift-2024.pdf",
            score=0.91,
        ),
        meeting_date=date(2024, 4, 24),
    )
    earlier = dataclasses.replace(
        passage(
            "Herr Kießling berichtet im Frühjahr zum Holzsteg. Die Arbeiten hier werden wahrscheinlich "
            "im Jahr 2023 beginnen, die Dauer der Maßnahme ist noch offen.",
            source="niederschrift-2022.pdf",
            score=0.88,
        ),
        meeting_date=date(2022, 4, 5),
    )
    statement = "Im Frühjahr 2022 hieß es, die Arbeiten am Holzsteg würden erst 2023 beginnen."
    asked = "Welcher Fertigstellungstermin für den Holzsteg wurde zuletzt genannt?"
    reply = answer(f"{statement} {asked}", later, earlier)
    # led by the later state, though its passage holds neither 2022 nor the words of the statement
    assert reply.citations[0].passage is later and "30.06.2024" in reply.citations[0].text
    # What the asker states must still stand in the documents: a year no passage holds is declined.
    wrong = answer(f"{statement.replace('2022', '2019')} {asked}", later, earlier)
    assert wrong.abstained and "2019" in wrong.text


def test_a_word_on_votes_that_names_no_vote_result_counts_as_a_question_word():
    # "Stimmengleichheit", "Stimmrecht" are the topic, not the kind of fact asked for ("Stimmen")
    rules = passage(
        "Für den Beirat gilt die Geschäftsordnung des Stadtrats entsprechend. Bei Stimmengleichheit "
        "entscheidet das Los. Die Mitglieder des Stadtrats haben im Beirat kein Stimmrecht."
    )
    tie = answer("Was passiert im Beirat bei Stimmengleichheit?", rules)
    assert tie.text.startswith("Bei Stimmengleichheit")
    assert answer("Wer hat im Beirat kein Stimmrecht?", rules).text.startswith("Die Mitglieder des Stadtrats")


def test_a_number_labelling_an_agenda_item_is_no_count():
    # a line of Erlangen's agenda list, and the Satzung über Orts- und Stadtteilbeiräte
    record = passage(
        "Stadtrat, Sitzung vom 15.12.2022, TOP Ö 17.2: Änderungen in den Stadtteilbeiräten Alterlangen "
        "und Büchenbach – Berufung eines Mitgliedes im Beirat Alterlangen",
        source="gremien_tops.json",
    )
    statute = passage(
        "§ 3 Zusammensetzung\nDie Stadtteilbeiräte bestehen aus neun Mitgliedern.",
        source="satzung.pdf",
        score=0.85,
    )
    reply = answer("Wie viele Mitglieder hat ein Stadtteilbeirat?", record, statute)
    assert reply.text.startswith("§ 3 Zusammensetzung Die Stadtteilbeiräte bestehen aus neun Mitgliedern")


def test_a_list_answer_keeps_items_whose_lines_differ_only_in_what_they_name():
    # the Anlage to Karlsruhe's Vorlage 2024/1052: one line per body, the same words but its name
    member = "Stadtrat Dr. Gerhard Lenz alle weiteren Mitglieder der Fraktion"
    line = "{}\n" + member + "\n(anstelle Stadtrat Marco Gottmann)"
    bodies = ("Planungsausschuss", "Umlegungsausschuss", "Ausschuss für Wirtschaft und Wissenschaft")
    text = "Beschließende Ausschüsse\n\n" + "\n\n".join(line.format(body) for body in bodies)
    result = answer(
        "In welchen Ausschüssen übernimmt Stadtrat Dr. Gerhard Lenz die Sitze von Stadtrat Marco Gottmann?",
        passage(text),
    )
    assert all(body in result.text for body in bodies)


def _record(text: str, source: str, committee: str, day: date, doc_type: str, **more) -> Passage:
    """A passage of a meeting's record (minutes, an invitation, an agenda) as the index stores it."""
    return dataclasses.replace(
        passage(text, source), committee=committee, meeting_date=day, doc_type=doc_type, **more
    )


def test_when_a_body_took_up_a_matter_is_answered_by_the_day_of_the_meeting_that_did():
    # the invitation's agenda line names the matter, its header (another passage) the day: the
    # day is the meeting's, as the index stores it (erlangen-sbr-buechenbach, 2023-06-15)
    invitation = _record(
        "Öffentliche Tagesordnung - 18:30 Uhr\n\n1. Stromversorgung in Büchenbach: Elektromobilität und "
        "Wärmepumpen\n\n2. Verschiedenes",
        "einladung-2023-06-15.pdf",
        "Stadtteilbeirat Büchenbach",
        date(2023, 6, 15),
        "Einladung",
    )
    paper = dataclasses.replace(
        passage("Die Stromversorgung in Büchenbach wird für Elektromobilität und Wärmepumpen ausgebaut."),
        meeting_date=None,
        doc_type="Anlage",
    )
    asked = "Wann hat der Stadtteilbeirat Büchenbach über die Stromversorgung und Wärmepumpen beraten?"
    result = answer(asked, paper, invitation)
    assert not result.abstained
    assert result.text.startswith("Stadtteilbeirat Büchenbach, 15.06.2023: 1. Stromversorgung in Büchenbach")
    assert result.citations[0].passage is invitation
    # a question on when something is to happen is not answered by the day of a meeting that spoke of it
    later = answer("Wann wird die Stromversorgung für Wärmepumpen ausgebaut?", paper, invitation)
    assert "15.06.2023:" not in later.text


def test_when_and_where_a_body_took_up_a_matter_adds_the_line_naming_the_venue():
    # the invitation's header and its agenda are two passages of one file
    def invitation(text: str) -> Passage:
        return _record(
            text, "einladung-2023-06-15.pdf", "Stadtteilbeirat Büchenbach", date(2023, 6, 15), "Einladung"
        )

    header = invitation("1. Sitzung Donnerstag, 15.06.2023 18:30 Uhr Grundschule Büchenbach\nDorfstraße 21")
    agenda = invitation("Öffentliche Tagesordnung\n\n1. Stromversorgung in Büchenbach: Wärmepumpen")
    asked = "Wann und wo hat der Stadtteilbeirat Büchenbach über die Stromversorgung und Wärmepumpen beraten?"
    lead, venue = answer(asked, agenda, header).text.split(" [1] ")
    assert lead.startswith("Stadtteilbeirat Büchenbach, 15.06.2023: 1. Stromversorgung")
    assert venue.startswith("1. Sitzung Donnerstag, 15.06.2023 18:30 Uhr Grundschule Büchenbach")
    assert "Grundschule" not in answer(asked.replace("Wann und wo", "Wann"), agenda, header).text


def test_the_agenda_is_the_invitations_where_the_minutes_head_their_items_otherwise():
    # erlangen-sbr-buechenbach, 2022-06-29: the minutes head TOP 1 with a speaker, the invitation
    # lists the topic ("1. Quartiersmanagement 56Nord")
    from assistant.core.documents import AgendaItem

    day = date(2022, 6, 29)
    minutes = [
        _record(
            f"TOP {n}: {title}\n\nDer Stadtteilbeirat nimmt den Bericht zur Kenntnis.",
            "niederschrift.pdf",
            "Stadtteilbeirat Büchenbach",
            day,
            "Niederschrift",
            agenda_item=AgendaItem(str(n), title),
        )
        for n, title in [
            (1, "Frau Barusel, Amt für Sport und Gesundheitsförderung,"),
            (2, "Neue Facebook-Seite"),
            (3, "Stadtteilfest Büchenbach Nord"),
        ]
    ]
    invitation = _record(
        "Öffentliche Tagesordnung - 18:30 Uhr\n\n1. Quartiersmanagement 56Nord\n\n2. Facebook-Seite "
        "Büchenbach\n\n3. Stadtteilfest Büchenbach-Nord\n\nIch darf Sie hiermit zu dieser Sitzung einladen.",
        "einladung.pdf",
        "Stadtteilbeirat Büchenbach",
        day,
        "Einladung",
    )
    asked = "Welche Themen standen am 29. Juni 2022 auf der Tagesordnung des Stadtteilbeirats?"
    lines = answer(asked, *minutes, invitation).text.splitlines()
    assert lines[1:] == [
        "- 1. Quartiersmanagement 56Nord [1]",
        "- 2. Facebook-Seite Büchenbach [1]",
        "- 3. Stadtteilfest Büchenbach-Nord [1]",
    ]
    # without the invitation, the minutes' items are the agenda
    assert answer(asked, *minutes).text.splitlines()[1].startswith("- TOP 1: Frau Barusel")


def test_the_agenda_asked_for_a_day_is_that_days_not_the_items_of_other_minutes():
    # Kent's Cabinet: the minutes of 30 January 2025 hold three stored items; the agenda front sheet
    # of 4 March 2025 lists its items as numbered lines (kent-county-council/cabinet/2025-03-04)
    from assistant.core.documents import AgendaItem

    def minutes_item(number: str, title: str) -> Passage:
        text = f"{number}. {title}\n(Item {number})\n\nRESOLVED that the report be noted."
        return _record(
            text,
            "minutes.pdf",
            "Cabinet",
            date(2025, 1, 30),
            "minutes",
            agenda_item=AgendaItem(number, title),
        )

    front_sheet = _record(
        "AGENDA\n\nCABINET\n\nTuesday, 4th March, 2025, at 10.00 am\n\n1. Apologies\n"
        "2. Declarations of Interest\n3. Quarterly Performance Report, Q3 2024-2025 (Pages 25 - 100)\n"
        "4. Home to School Transport - Presentation",
        "Agenda frontsheet 04th-Mar-2025 10.00 Cabinet.pdf",
        "Cabinet",
        date(2025, 3, 4),
        "agenda",
    )
    older = [
        minutes_item("5", "Budget Monitoring"),
        minutes_item("6", "Family Hubs"),
        minutes_item("7", "Waste"),
    ]
    result = answer(
        "What items were on the agenda of the Cabinet meeting on 4 March 2025?", *older, front_sheet
    )
    assert result.text.splitlines()[0] == "Agenda Cabinet, 4 March 2025:"
    assert "- 4. Home to School Transport - Presentation [1]" in result.text.splitlines()
    assert result.citations[0].passage is front_sheet


def test_what_a_body_did_at_its_meeting_is_not_answered_by_another_bodys_record_of_that_day():
    # Kent's Cabinet met at 3 pm on 13 March 2025, after the County Council, whose minutes record
    # the review of the Cabinet Member's decision (kent-county-council/full_council/2025-03-13)
    council = _record(
        "9. Review of Decision 24/00093 - Commissioned Family Hubs\n(Item 9)\n\nRESOLVED that the County "
        "Council makes comments on the Cabinet Member's decision but does not require reconsideration.",
        "kent-county-council/full_council/2025-03-13/minutes.pdf",
        "County Council",
        date(2025, 3, 13),
        "minutes",
    )
    asked = (
        "What did Kent's Cabinet decide on Decision 24/00093 (Family Hubs) at its meeting on 13 March 2025?"
    )
    read = dataclasses.replace(Question.read(asked), bodies=("Cabinet",))
    answerer = ExtractiveAnswerer(AnswerSettings())
    assert not answerer.answer(read, [council]).abstained  # the Cabinet did not meet that day
    met = answerer.answer(dataclasses.replace(read, met=("Cabinet",)), [council])
    assert met.abstained and met.text.endswith("do not contain: “Cabinet”.")


def test_a_why_question_on_the_administrations_reasons_is_answered_from_its_paper_not_the_antrag():
    from dataclasses import replace

    antrag = replace(
        passage(
            "Eine behelfsmäßige Reparatur des Turnhallendachs der Südendschule ist sinnvoll, weil das Dach "
            "undicht ist und die Kinder die Halle für den Sportunterricht brauchen. Die CDU-Fraktion "
            "beantragt daher die Reparatur.",
            source="antrag.txt",
        ),
        doc_type="Antrag",
    )
    stellungnahme = replace(
        passage(
            "Eine behelfsmäßige Reparatur des Turnhallendachs hält die Verwaltung nicht für sinnvoll, da der "
            "Neubau der Halle bereits 2028 beginnen soll.",
            source="stellungnahme.txt",
            score=0.88,
        ),
        doc_type="Stellungnahme",
    )
    why = (
        "Warum hält die Verwaltung eine behelfsmäßige Reparatur des Turnhallendachs der Südendschule "
        "nicht für sinnvoll?"
    )
    result = answer(why, antrag, stellungnahme)
    assert result.text.startswith(
        "Eine behelfsmäßige Reparatur des Turnhallendachs hält die Verwaltung nicht"
    )
    assert {c.passage.source for c in result.citations} == {"stellungnahme.txt"}
    # the group's own reasons are those of its Antrag
    asked = answer(
        "Warum beantragt die CDU eine behelfsmäßige Reparatur des Turnhallendachs?", antrag, stellungnahme
    )
    assert asked.citations[0].passage.source == "antrag.txt"


def test_an_office_of_the_administration_answers_who():
    rules = passage(
        "Die Sitzungen des Sanierungsbeirats sind öffentlich. Im Übrigen gilt die Geschäftsordnung des "
        "Gemeinderats entsprechend. Die Geschäftsführung obliegt dem Stadtplanungsamt."
    )
    result = answer("Wer führt die Geschäfte des Sanierungsbeirats?", rules)
    assert result.text.startswith("Die Geschäftsführung obliegt dem Stadtplanungsamt.")
