"""What the web chat, the CLI and evaluation scripts call. `build_assistant(settings)` and
`ingest(settings, path)` wire the embedding model, the store, retrieval and the answerer; nothing
else constructs them.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from assistant.answer import ExtractiveAnswerer
from assistant.catalog import Catalog
from assistant.embeddings import build_embed_model
from assistant.filters import NO_FILTERS, AppliedFilters, Filters, IndexFacets, no_documents_message
from assistant.model import Answer
from assistant.question_filters import filters_from_question
from assistant.retrieval import CouncilRetriever
from assistant.settings import Settings
from assistant.store import IndexEmpty, VectorStore
from ingest.ocr import OcrOptions
from ingest.pipeline import IngestReport, ingest_path


class QuestionError(ValueError):
    """A question that cannot be asked as given; the message is meant for the user (German)."""


@dataclass
class CouncilAssistant:
    settings: Settings
    catalog: Catalog
    retriever: CouncilRetriever
    answerer: ExtractiveAnswerer

    def warm_up(self) -> None:
        """Load the embedding model now, so that the first question is not the slow one."""
        self.retriever.passages("Sitzung")

    def ask(self, question: str, filters: Filters = NO_FILTERS) -> Answer:
        """Answer from the documents matching `filters` (chosen in the UI or CLI) and the filters
        the question states. Chosen filters that match no document give an answer saying so
        (they are never dropped silently); the question's filters are dropped where they do not
        hold up (`CouncilRetriever._settle`), and the answer notes it."""
        started = time.perf_counter()
        question = check_question(question, self.settings.ui.max_question_chars)
        if not filters.empty and not self.catalog.has_matches(filters):
            return Answer(
                question=question,
                text=no_documents_message(filters),
                abstained=True,
                citations=[],
                retrieved=[],
                seconds=time.perf_counter() - started,
                filters=AppliedFilters(applied=filters),
            )
        stated = (
            filters_from_question(question, self.catalog.facets(), filters)
            if self.settings.retrieval.question_filters
            else NO_FILTERS
        )
        found = self.retriever.search(question, filters, stated)
        extract = self.answerer.answer(question, found.passages)
        return Answer(
            question=question,
            text=extract.text,
            abstained=extract.abstained,
            citations=extract.citations,
            retrieved=found.passages,
            seconds=time.perf_counter() - started,
            filters=found.filters,
        )

    def facets(self) -> IndexFacets:
        """The committees and document types the UI offers as filters."""
        return self.catalog.facets()


def check_question(question: str, max_chars: int) -> str:
    question = " ".join(question.split())
    if not question:
        raise QuestionError("Bitte geben Sie eine Frage ein.")
    if len(question) > max_chars:
        raise QuestionError(
            f"Die Frage ist zu lang ({len(question)} Zeichen, höchstens {max_chars}). "
            "Bitte fassen Sie sie kürzer."
        )
    return question


def build_assistant(settings: Settings) -> CouncilAssistant:
    """The assistant over an existing index (raises `IndexEmpty` if there is none)."""
    embed_model = build_embed_model(settings.embedding)
    vectors = VectorStore(settings.store, settings.data_dir, embed_model.model_id, create=False)
    catalog = Catalog(settings.data_dir, create=False)
    return CouncilAssistant(
        settings=settings,
        catalog=catalog,
        retriever=CouncilRetriever(catalog, vectors, embed_model, settings.retrieval),
        answerer=ExtractiveAnswerer(settings.answer),
    )


def index_is_empty(settings: Settings) -> bool:
    try:
        return Catalog(settings.data_dir, create=False).count() == 0
    except IndexEmpty:
        return True


def ingest(
    settings: Settings,
    path: Path,
    *,
    prune: bool = False,
    exclude: tuple[str, ...] = (),
    progress: bool | None = None,
) -> IngestReport:
    embed_model = build_embed_model(settings.embedding)
    vectors = VectorStore(settings.store, settings.data_dir, embed_model.model_id, create=True)
    return ingest_path(
        path,
        Catalog(settings.data_dir, create=True),
        vectors,
        embed_model,
        chunk_chars=settings.ingest.chunk_chars,
        max_chunk_chars=settings.ingest.max_chunk_chars,
        max_file_bytes=int(settings.ingest.max_file_mb * 2**20),
        ocr=OcrOptions.from_settings(settings.ingest),
        workers=settings.ingest.workers,
        prune=prune,
        exclude=exclude,
        progress=progress,
    )
