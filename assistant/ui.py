"""The web chat (Gradio, German). Callbacks call the assistant service only; they never touch
llama-index or Chroma."""

import html
import logging

import gradio as gr

from assistant.api import CouncilAssistant, QuestionError, build_assistant
from assistant.model import Answer
from assistant.settings import Settings
from assistant.store import StoreError

log = logging.getLogger(__name__)

TITLE = "Ratsinformations-Assistent"
DESCRIPTION = (
    "Fragen Sie in den Niederschriften, Beratungsergebnissen und Vorlagen des Rates. "
    "Jede Antwort nennt ihre Quellen mit Dokument, Seite und zitierter Textstelle."
)
EXAMPLES = [
    "Welche Städte haben 2021 Mittel aus KOMM-AN NRW beantragt?",
    "Wie wurde über die Grundsteuerreform 2025 abgestimmt?",
    "Aus wie vielen Mitgliedern besteht ein Stadtteilbeirat in Erlangen?",
]
QUOTE_CHARS = 700


def render_answer(answer: Answer) -> str:
    """Markdown for one chat answer: the text, then each numbered source with its quote."""
    parts = [html.escape(answer.text, quote=False)]
    if answer.citations:
        parts.append("\n\n**Quellen**")
    for c in answer.citations:
        where = html.escape(" · ".join(c.location()), quote=False)
        quote = " ".join(c.text.split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        parts.append(f"\n\n**[{c.n}]** `{c.source}`  \n{where}\n\n> {html.escape(quote, quote=False)}")
        parts += [f"\n\n_{html.escape(note, quote=False)}_" for note in c.notes()]
    return "".join(parts)


def build_ui(assistant: CouncilAssistant) -> gr.Blocks:
    def respond(message: str, history: list) -> str:
        try:
            return render_answer(assistant.ask(message))
        except QuestionError as exc:
            return str(exc)
        except StoreError as exc:
            log.error("store error: %s", exc)
            return "Der Dokumentenindex ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."

    with gr.Blocks(title=TITLE, fill_height=True) as demo:
        gr.ChatInterface(
            respond,
            chatbot=gr.Chatbot(
                label="Verlauf",
                placeholder="Stellen Sie eine Frage zu den Ratsdokumenten.",
                height=620,
            ),
            textbox=gr.Textbox(
                placeholder="Ihre Frage, z. B. „Wer ist Mitglied der Lenkungsgruppe?“",
                submit_btn="Fragen",
                show_label=False,
            ),
            title=TITLE,
            description=DESCRIPTION,
            examples=EXAMPLES,
            api_name="chat",
            fill_height=True,
        )
    return demo


def serve(settings: Settings, *, prevent_thread_lock: bool = False) -> gr.Blocks:
    """Start the web chat on settings.ui.host:port. Raises `IndexEmpty` if nothing is ingested."""
    assistant = build_assistant(settings)
    assistant.warm_up()
    demo = build_ui(assistant)
    demo.queue(default_concurrency_limit=2)
    demo.launch(
        server_name=settings.ui.host,
        server_port=settings.ui.port,
        prevent_thread_lock=prevent_thread_lock,
        show_error=False,
        footer_links=[],
    )
    return demo
