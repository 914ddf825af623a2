"""The web chat (Gradio, German). Callbacks call the assistant service only; they never touch
llama-index or Chroma.

Filters (Gremium, Zeitraum, Dokumenttyp, TOP, Vorlage) sit in a folded panel under the chat;
the Gremium and Dokumenttyp lists are the index's own values, refreshed on each page load."""

import html
import logging

import gradio as gr

from assistant.api import CouncilAssistant, QuestionError, build_assistant
from assistant.filters import FilterError, filters_from_input
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
ALL = ""  # the dropdown value for "no filter"


def render_answer(answer: Answer) -> str:
    """Markdown for one chat answer: the text, then each numbered source with its quote."""
    parts = [html.escape(answer.text, quote=False)]
    applied = answer.filters.applied
    if answer.retrieved and not applied.empty:
        parts.append(f"\n\n_Gefiltert: {html.escape(applied.describe(), quote=False)}_")
    if note := answer.filters.note():
        parts.append(f"\n\n_{html.escape(note, quote=False)}_")
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
    def respond(
        message: str,
        history: list,
        committee: str = ALL,
        date_from: str = "",
        date_to: str = "",
        doc_type: str = ALL,
        agenda_item: str = "",
        vorlage: str = "",
    ) -> str:
        try:
            filters = filters_from_input(
                assistant.facets(),
                committee=committee,
                date_from=date_from,
                date_to=date_to,
                doc_type=doc_type,
                agenda_item=agenda_item,
                vorlage=vorlage,
            )
            return render_answer(assistant.ask(message, filters))
        except (QuestionError, FilterError) as exc:
            return str(exc)
        except StoreError as exc:
            log.error("store error: %s", exc)
            return "Der Dokumentenindex ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."

    def refresh() -> tuple[gr.Dropdown, gr.Dropdown]:
        """The index's committees and document types (an ingest may have added some)."""
        facets = assistant.facets()
        return (
            gr.Dropdown(choices=_choices("Alle Gremien", facets.committees)),
            gr.Dropdown(choices=_choices("Alle Dokumenttypen", facets.doc_types)),
        )

    facets = assistant.facets()
    with gr.Blocks(title=TITLE, fill_height=True) as demo:
        committee = gr.Dropdown(
            _choices("Alle Gremien", facets.committees), value=ALL, label="Gremium", render=False
        )
        doc_type = gr.Dropdown(
            _choices("Alle Dokumenttypen", facets.doc_types), value=ALL, label="Dokumenttyp", render=False
        )
        filters: list[str | gr.components.Component] = [
            committee,
            gr.Textbox("", label="Sitzung von", placeholder="TT.MM.JJJJ, MM.JJJJ oder JJJJ", render=False),
            gr.Textbox("", label="Sitzung bis", placeholder="TT.MM.JJJJ, MM.JJJJ oder JJJJ", render=False),
            doc_type,
            gr.Textbox("", label="TOP", placeholder="z. B. 14", render=False),
            gr.Textbox("", label="Vorlage", placeholder="z. B. 2024/1049", render=False),
        ]
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
            examples=[[question] for question in EXAMPLES],  # the filters keep their values
            api_name="chat",
            fill_height=True,
            additional_inputs=filters,
            additional_inputs_accordion=gr.Accordion("Filter", open=False),
        )
        demo.load(refresh, outputs=[committee, doc_type], api_visibility="private")
    return demo


def _choices(everything: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(everything, ALL), *((v, v) for v in values)]


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
