"""How the web chat renders answers (source chips, the copy text) and finds the conversation's
turns in the chat history; the served chat is in tests/interfaces/test_ui.py and test_browser.py."""

from datetime import date

from assistant.answering.chat import Turn
from assistant.core.answers import Answer, Citation, Generation, Passage
from assistant.core.documents import AgendaItem
from assistant.core.filters import AppliedFilters, Filters
from assistant.core.votes import Vote
from assistant.interfaces.web_render import answer_as_text, citation_chip, render_answer
from assistant.interfaces.web_ui import ChatState

PASSAGE = Passage(
    chunk_id="c1",
    source="karlsruhe/niederschrift.txt",
    title="Niederschrift 3. Plenarsitzung",
    committee="Gemeinderat",
    meeting_date=date(2024, 10, 22),
    vorlage="2024/0868",
    subject=None,
    page=3,
    paragraph=7,
    paragraph_starts=(0,),
    start=0,
    text="Abstimmungsergebnis: TOP 14: mehrheitliche Zustimmung (25 Ja, 22 Nein) <script>alert(1)</script>",
    score=0.9,
    doc_type="Niederschrift",
    agenda_item=AgendaItem("14", "Grundsteuerreform 2025"),
    vote=Vote("approved", "mehrheitliche Zustimmung (25 Ja, 22 Nein)", yes=25, no=22),
)
CITATION = Citation(n=1, passage=PASSAGE, paragraph=7, text=PASSAGE.text)


def answer(**changes) -> Answer:
    values = dict(
        question="Und wie wurde darüber abgestimmt?",
        text="Mehrheitliche Zustimmung (25 Ja, 22 Nein) [1].",
        abstained=False,
        citations=[CITATION],
        retrieved=[PASSAGE],
        seconds=0.5,
        filters=AppliedFilters(applied=Filters(agenda_item="14"), from_question=Filters(agenda_item="14")),
        standalone="Und wie wurde darüber abgestimmt? (zu: TOP 14; Was hat der Gemeinderat beschlossen?)",
    )
    return Answer(**(values | changes))


def test_a_chip_names_the_meeting_and_opens_to_the_escaped_quote_with_its_document():
    chip = citation_chip(CITATION)
    assert chip.startswith("<details class='ca-source'><summary><b>[1]</b> Niederschrift · Gemeinderat · ")
    summary = chip[: chip.index("</summary>")]
    assert "22.10.2024 · TOP 14: Grundsteuerreform 2025" in summary and "Seite" not in summary
    body = chip[chip.index("</summary>") :]
    assert "<code>karlsruhe/niederschrift.txt</code>" in body and "Seite 3 · Absatz 7" in body
    assert "&lt;script&gt;" in body and "<script>" not in chip  # document text is never markup
    assert "Abstimmungsergebnis laut Niederschrift: angenommen (25 Ja, 22 Nein)" in body
    assert "\n" not in chip  # a blank line would end Markdown's HTML block


def test_the_answer_shows_how_a_follow_up_was_understood_and_why_the_llm_was_not_used():
    note = "Das Sprachmodell ist nicht erreichbar (ConnectError); die Antwort zitiert stattdessen …"
    rendered = render_answer(answer(generation=Generation("fallback", note)))
    assert rendered.startswith("Mehrheitliche Zustimmung (25 Ja, 22 Nein) [1].")
    assert "Verstanden als: Und wie wurde darüber abgestimmt? (zu: TOP 14;" in rendered
    assert "Gefiltert: TOP 14" in rendered and "Das Sprachmodell ist nicht erreichbar" in rendered
    assert "Quellen (1)" in rendered and rendered.count("<details") == 1


def test_the_copy_text_is_plain_and_carries_each_source_with_its_quote():
    text = answer_as_text(answer())
    assert text.splitlines()[:3] == [
        "Frage: Und wie wurde darüber abgestimmt?",
        "",
        "Mehrheitliche Zustimmung (25 Ja, 22 Nein) [1].",
    ]
    assert "[1] karlsruhe/niederschrift.txt (Niederschrift, Gemeinderat, 22.10.2024, TOP 14:" in text
    assert "„Abstimmungsergebnis: TOP 14:" in text and "&lt;" not in text


def test_turns_are_the_answers_of_this_session_in_order():
    """Errors and placeholders in the chat are no turns; content parts and strings both count."""
    chat = ChatState()
    first_answer = answer(question="Frage eins?", standalone=None)
    first = f"<p>eins</p>{chat.remember(first_answer)}"
    second = f"{render_answer(answer())}{chat.remember(answer())}"
    history = [
        {"role": "user", "content": "Frage eins?"},
        {"role": "assistant", "content": [{"type": "text", "text": first}]},
        {"role": "user", "content": "Warum? " * 500},
        {"role": "assistant", "content": "Die Frage ist zu lang."},
        {"role": "user", "content": "Frage zwei?"},
        {"role": "assistant", "content": " ".join(second.split()) + "\n"},  # whitespace changed in transit
    ]
    turns = chat.turns_of(history)
    assert turns == [Turn.of(first_answer), Turn.of(answer())]
    assert turns[1].focus.agenda_item == "14" and turns[1].focus.committee == "Gemeinderat"


def test_undo_retry_and_clear_keep_the_turns_right():
    """What Gradio took out of the history is no turn any more: the state is read through it."""
    chat = ChatState()
    asked = {"role": "user", "content": "Frage?"}
    undone = {"role": "assistant", "content": "<p>alt</p>" + chat.remember(answer(question="Alt?"))}
    retried = {"role": "assistant", "content": "<p>neu</p>" + chat.remember(answer(question="Neu?"))}
    assert [t.question for t in chat.turns_of([asked, undone, asked, retried])] == ["Alt?", "Neu?"]
    assert [t.question for t in chat.turns_of([asked, retried])] == ["Neu?"]  # the first one undone
    assert chat.turns_of([]) == []  # cleared
