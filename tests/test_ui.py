"""The web chat, started on a free loopback port and asked through gradio_client."""

import pytest
from gradio_client import Client

from assistant.settings import Settings, UISettings
from assistant.ui import serve
from tests.conftest import METTMANN, free_port


@pytest.fixture(scope="module")
def chat_url(small_index):
    port = free_port()
    demo = serve(Settings(data_dir=small_index, ui=UISettings(port=port)), prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_chat_answers_with_numbered_sources_and_quotes(chat_url):
    reply = Client(chat_url, verbose=False).predict(
        "Welche Städte haben 2021 KOMM-AN NRW Mittel beantragt?", api_name="/chat"
    )
    assert "Erkrath" in reply and "Hilden" in reply
    assert "**Quellen**" in reply and f"`{METTMANN}`" in reply
    assert "> Landesförderprogramm KOMM-AN NRW" in reply  # the quoted passage beneath the source
    assert "Sozialausschuss" in reply and "08.02.2021" in reply


def test_filters_from_the_form_restrict_the_answer_and_are_shown(chat_url):
    client = Client(chat_url, verbose=False)
    reply = client.predict(
        "Welche Städte haben KOMM-AN NRW Mittel beantragt?",
        committee="Sozialausschuss",
        date_from="2021",
        date_to="",
        doc_type="",
        api_name="/chat",
    )
    assert "Hilden" in reply and "_Gefiltert: Ausschuss Sozialausschuss, ab 01.01.2021_" in reply
    nothing = client.predict(
        "Wer leitete die Sitzung?", committee="Gemeinderat", date_to="2020", api_name="/chat"
    )
    assert nothing.startswith(
        "Zu den gewählten Filtern (Ausschuss Gemeinderat, bis 31.12.2020) gibt es keine"
    )
    typo = client.predict("Wer leitete die Sitzung?", date_from="32.1.2024", api_name="/chat")
    assert "ist kein Datum" in typo and "Traceback" not in typo


def test_overlong_question_gets_a_friendly_german_message(chat_url):
    reply = Client(chat_url, verbose=False).predict("Warum? " * 2000, api_name="/chat")
    assert "zu lang" in reply and "Traceback" not in reply


def test_unanswerable_question_says_so(chat_url):
    reply = Client(chat_url, verbose=False).predict(
        "Wie hoch ist der Eintrittspreis im Zoo?", api_name="/chat"
    )
    assert "keine Angabe" in reply and "Quellen" not in reply
