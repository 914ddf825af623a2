"""The web chat, mounted beside the HTTP API on a free loopback port and asked through
gradio_client (its "/chat" endpoint returns the rendered answer and the answer as plain text)."""

from pathlib import Path

import docx
import httpx
import pytest
from gradio.utils import get_upload_folder
from gradio_client import Client, handle_file

from assistant.core.settings import LLMSettings, Settings, UISettings
from assistant.interfaces.http import serve
from assistant.interfaces.web_render import SEARCHING
from assistant.interfaces.web_ui import read_upload
from assistant.service.data_dir import copy_data_dir
from tests.conftest import KARLSRUHE_TOP14, METTMANN, free_port
from tests.interfaces.serving import running

pytestmark = pytest.mark.slow

TOP14 = "Was hat der Gemeinderat am 22.10.2024 zu TOP 14 beschlossen?"
KOMM_AN = "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?"


@pytest.fixture(scope="module")
def chat_url(small_index):
    with running(small_index) as url:
        yield url


def ask(client: Client, question: str, **filters: str) -> tuple[str, str]:
    """(the rendered chat message, the answer with its sources as plain text)."""
    reply, as_text = client.predict(question, **filters, api_name="/chat")
    return reply, as_text


def test_chat_answers_with_source_chips_that_quote_the_passage(chat_url):
    reply, _ = ask(Client(chat_url, verbose=False), KOMM_AN)
    assert "Erkrath" in reply and "Hilden" in reply
    assert "Quellen (" in reply
    chip = reply[reply.index("<details class='ca-source'>") :]
    summary = chip[: chip.index("</summary>")]
    assert "<b>[1]</b>" in summary and "Sozialausschuss" in summary and "08.02.2021" in summary
    assert f"<code>{METTMANN}</code>" in chip  # the document, inside the chip
    assert "<blockquote>Landesförderprogramm KOMM-AN NRW" in chip  # the quoted passage
    assert "Traceback" not in reply


def test_follow_up_refers_to_the_previous_answer(chat_url):
    """The same client is one session: the second question is read against the first turn."""
    client = Client(chat_url, verbose=False)
    first, _ = ask(client, TOP14)
    assert KARLSRUHE_TOP14 in first
    follow_up, as_text = ask(client, "Und wie wurde darüber abgestimmt?")
    assert "25 Ja" in follow_up and "22 Nein" in follow_up
    assert "Verstanden als:" in follow_up and "TOP 14" in follow_up
    assert as_text.startswith("Frage: Und wie wurde darüber abgestimmt?")
    # A fresh session has no history: the same words are no follow-up there.
    alone, _ = ask(Client(chat_url, verbose=False), "Und wie wurde darüber abgestimmt?")
    assert "Verstanden als:" not in alone


def test_answer_as_text_carries_the_sources_for_copying(chat_url):
    _, as_text = ask(Client(chat_url, verbose=False), KOMM_AN)
    assert "Quellen:" in as_text and f"[1] {METTMANN}" in as_text
    assert "„Landesförderprogramm KOMM-AN NRW" in as_text
    assert "<" not in as_text  # plain text, no HTML


def test_filters_from_the_form_restrict_the_answer_and_are_shown(chat_url):
    client = Client(chat_url, verbose=False)
    reply, _ = ask(
        client,
        "Welche Städte haben KOMM-AN NRW Mittel beantragt?",
        committee="Sozialausschuss",
        date_from="2021",
        date_to="",
        doc_type="",
    )
    assert "Hilden" in reply and "Gefiltert: Ausschuss Sozialausschuss, ab 01.01.2021" in reply
    nothing, _ = ask(client, "Wer leitete die Sitzung?", committee="Gemeinderat", date_to="2020")
    assert nothing.startswith(
        "Zu den gewählten Filtern (Ausschuss Gemeinderat, bis 31.12.2020) gibt es keine"
    )
    typo, as_text = ask(client, "Wer leitete die Sitzung?", date_from="32.1.2024")
    assert "ist kein Datum" in typo and "Traceback" not in typo and as_text == ""


def test_overlong_question_gets_a_friendly_german_message(chat_url):
    reply, _ = ask(Client(chat_url, verbose=False), "Warum? " * 2000)
    assert "zu lang" in reply and "Traceback" not in reply


def test_unanswerable_question_says_so(chat_url):
    reply, _ = ask(Client(chat_url, verbose=False), "Wie hoch ist der Eintrittspreis im Zoo?")
    assert "keine Angabe" in reply and "Quellen" not in reply


INQUIRY = """Sehr geehrte Damen und Herren,

1. Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?
2. Wie hoch ist der Eintrittspreis im Zoo?

Mit freundlichen Grüßen
"""


def test_inquiry_tab_drafts_with_sources_groups_and_downloads(chat_url):
    status, draft, groups, md, word = Client(chat_url, verbose=False).predict(
        INQUIRY, None, api_name="/anfrage"
    )
    assert "2 Frage(n) erkannt, 1 aus den Dokumenten beantwortet" in status
    assert "Zu Frage 1:" in draft and "Erkrath" in draft and "<b>[1]</b>" in draft
    assert "Zu Frage 2: Hierzu enthalten die vorliegenden Dokumente keine Angaben." in draft
    assert "Sozialausschuss, 08.02.2021" in groups and "zitiert als [1]" in groups
    markdown = Path(md["value"]).read_text(encoding="utf-8")
    assert "## Ergänzende Ausführungen der Verwaltung" in markdown and METTMANN in markdown
    paragraphs = [p.text for p in docx.Document(word["value"]).paragraphs]
    assert any(p.startswith("Zu Frage 1:") and "Erkrath" in p for p in paragraphs)


def test_inquiry_tab_reads_an_uploaded_file_and_reports_problems_in_german(chat_url, tmp_path):
    client = Client(chat_url, verbose=False)
    upload = tmp_path / "anfrage.txt"
    upload.write_text(INQUIRY, encoding="utf-8")
    status, draft, *_ = client.predict("", handle_file(str(upload)), api_name="/anfrage")
    assert "2 Frage(n) erkannt" in status and "Erkrath" in draft
    empty, *_ = client.predict("", None, api_name="/anfrage")
    assert "Die Anfrage ist leer" in empty
    typo, *_ = client.predict("Wer?", None, date_from="32.1.2024", api_name="/anfrage")
    assert "ist kein Datum" in typo and "Traceback" not in typo


def test_inquiry_upload_of_another_type_or_too_large_is_refused_in_german(chat_url, tmp_path):
    """The refusal is the status line's, in German (ui.max_upload_mb: 10); a file over twice the
    limit Gradio refuses itself while it arrives."""
    client = Client(chat_url, verbose=False)
    word = tmp_path / "anfrage.docx"
    word.write_bytes(b"PK\x03\x04" + bytes(2000))
    status, draft, *_ = client.predict("", handle_file(str(word)), api_name="/anfrage")
    assert "Der Dateityp .docx wird nicht unterstützt; möglich sind .txt, .md, .pdf" in status and not draft
    large = tmp_path / "anfrage.txt"
    large.write_bytes(INQUIRY.encode() + b"\n" * (10 * 2**20))
    status, draft, *_ = client.predict("", handle_file(str(large)), api_name="/anfrage")
    assert "Die Datei anfrage.txt ist für eine Anfrage zu groß (10,1 MB, höchstens 10 MB)." in status
    huge = httpx.post(f"{chat_url}gradio_api/upload", files={"files": ("gross.txt", b"x" * (21 * 2**20))})
    assert huge.status_code == 413


def test_an_uploaded_name_is_kept_as_its_last_part_only(chat_url):
    """Gradio stores "../../etc/passwd.txt" as passwd.txt in a folder of its upload folder; that
    copy is what the tab reads."""
    r = httpx.post(
        f"{chat_url}gradio_api/upload", files={"files": ("../../etc/passwd.txt", INQUIRY.encode())}
    )
    assert r.status_code == 200
    stored = Path(r.json()[0])
    uploads = Path(get_upload_folder())
    assert stored.name == "passwd.txt" and stored.resolve().is_relative_to(uploads)
    assert "Eintrittspreis im Zoo" in read_upload(str(stored), max_bytes=2**20, uploads=uploads)


def test_llm_text_streams_in_and_is_replaced_by_the_checked_answer(small_index, tmp_path):
    """The default bundled model in-process (llm.mode local), cut to 16 tokens: its text shows as it
    comes, marked as unchecked, and the last message is the answer that held up (with 16 tokens
    mostly the extractive one, with the reason)."""
    data = copy_data_dir(small_index, tmp_path / "data")  # the model file is assembled into it
    settings = Settings(
        data_dir=data,
        ui=UISettings(port=free_port()),
        llm=LLMSettings(mode="local", max_tokens=16, context_window=4096, max_passages=2),
    )
    server = serve(settings, prevent_thread_lock=True)
    try:
        job = Client(server.url, verbose=False).submit(KOMM_AN, api_name="/chat")
        final, _ = job.result(timeout=600)
        shown = [out[0] for out in job.outputs()]
    finally:
        server.close()
    drafts = [m for m in shown if "wird noch gegen die Quellen geprüft" in m]
    assert shown[0] == SEARCHING and drafts, shown[:3]
    assert shown.index(drafts[0]) < len(shown) - 1 and shown[-1] == final
    assert "wird noch gegen die Quellen geprüft" not in final and "▍" not in final
