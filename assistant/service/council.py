"""What the web chat, the CLI, the HTTP API and evaluation scripts call. `build_backends` is the
one place that builds the embedding model, the vector store, the catalog and the LLM from
settings; `build_assistant(settings)` and `ingest(settings, path)` use it, and nothing else
constructs them. What the interfaces report about them (`CouncilAssistant.health`) is read from
the assistant's own backends, never from copies opened for the purpose.
"""

import re
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from llama_index.core.llms import LLM

from assistant.answering.chat import Condensed, Turn, condense
from assistant.answering.consultations import consultation_reply, paper_of
from assistant.answering.draft import Draft, compose_draft, questions_of
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.generative import GenerativeAnswerer
from assistant.answering.llm import build_llm, describe, probe
from assistant.answering.meetings import meetings_reply
from assistant.answering.question import Question
from assistant.answering.question_filters import filters_from_question, meeting_day, premise_bodies
from assistant.answering.retrieval import CouncilRetriever
from assistant.core.access import ANONYMOUS, PUBLIC, AccessLevel, Viewer
from assistant.core.answers import Answer, Delta, Passage
from assistant.core.filters import NO_FILTERS, AppliedFilters, Filters, IndexFacets, no_documents_message
from assistant.core.settings import Settings
from assistant.core.text import truecased
from assistant.index.catalog import Catalog
from assistant.index.embeddings import EmbedModel, build_embed_model
from assistant.index.vectors import IndexEmpty, VectorStore
from assistant.service.accounts import AccountError, Accounts
from assistant.service.audit import AuditEntry, AuditLog
from assistant.service.schema import Health, IndexHealth, LLMHealth
from ingest.crawl import (
    ClientOptions,
    CrawlOptions,
    CrawlReport,
    OParlError,
    crawl,
    finish,
    locked,
    mirror_name,
)
from ingest.pipeline import IngestReport, ingest_path
from ingest.pipeline import embed_pending as embed_pending_vectors
from ingest.readers.ocr import OcrOptions


class QuestionError(ValueError):
    """A question that cannot be asked as given; the message is meant for the user (German)."""


class SignInRequired(AccountError):
    """`access.require_sign_in` is on and the request has no token."""

    def __init__(self) -> None:
        super().__init__("Bitte melden Sie sich an: Fragen werden nur angemeldeten Benutzern beantwortet.")


@dataclass
class Backends:
    """What answering and ingest work on; built once from settings by `build_backends`."""

    embed_model: EmbedModel
    vectors: VectorStore
    catalog: Catalog
    llm: LLM | None = None  # None: llm.mode "none" (and for ingest, which asks no LLM)


def build_backends(settings: Settings, *, for_ingest: bool = False) -> Backends:
    """For answering: over an existing index (raises `IndexEmpty` if there is none), with the
    LLM `llm.mode` selects. For ingest: the index is created where it is missing; no LLM."""
    embed_model = build_embed_model(settings.embedding)
    return Backends(
        embed_model=embed_model,
        vectors=VectorStore(settings.store, settings.data_dir, embed_model.model_id, create=for_ingest),
        catalog=Catalog(settings.data_dir, create=for_ingest),
        llm=None if for_ingest else build_llm(settings.llm, settings.data_dir),
    )


@dataclass
class CouncilAssistant:
    settings: Settings
    backends: Backends
    retriever: CouncilRetriever
    answerer: ExtractiveAnswerer
    accounts: Accounts
    audit: AuditLog
    generator: GenerativeAnswerer | None = None  # None: llm.mode "none", extractive answers only

    def viewer(self, token: str | None) -> Viewer:
        """Who a request's token signs in (`Accounts.viewer`): the public without one, unless
        `access.require_sign_in` (then `SignInRequired`); `InvalidToken` for a wrong or revoked one."""
        if self.settings.access.require_sign_in and not (token or "").strip():
            raise SignInRequired()
        return self.accounts.viewer(token)

    def warm_up(self) -> None:
        """Load the embedding model now, so that the first question is not the slow one."""
        self.retriever.passages("Sitzung")

    def ask(
        self,
        question: str,
        filters: Filters = NO_FILTERS,
        history: Sequence[Turn] = (),
        viewer: Viewer = ANONYMOUS,
        channel: str = "api",
    ) -> Answer:
        """The answer to `question` (a follow-up to `history`, if any); see `stream`."""
        answer = None
        for event in self.stream(question, filters, history, viewer, channel):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None, "stream() always ends with the answer"
        return answer

    def stream(
        self,
        question: str,
        filters: Filters = NO_FILTERS,
        history: Sequence[Turn] = (),
        viewer: Viewer = ANONYMOUS,
        channel: str = "api",
    ) -> Generator[Delta | Answer, None, None]:
        """Answer from the documents matching `filters` (chosen in the UI or CLI) and the filters
        the question states: the LLM's text as it comes (`Delta`, unchecked), then the `Answer`,
        whose text is what was verified (or the extractive answer).

        Only passages `viewer` may read are searched (`Filters.readable`), so the answer, its
        citations, the question's filters and the messages about them are those of an index that
        holds nothing else: a question about a closed document reads as one about nothing.
        Every answer is written to the audit log (who, through `channel`, what was shown) before
        it is given.

        Chosen filters that match no document give an answer saying so (they are never dropped
        silently); the question's filters, and the focus a follow-up carries from the previous
        turn, are dropped where they do not hold up (`CouncilRetriever._settle`), or where the
        documents they admit do not answer and the search without them does (`_doubtful`), and
        the answer notes it."""
        started = time.perf_counter()
        question = check_question(question, self.settings.ui.max_question_chars)
        scoped = replace(filters, readable=viewer.readable)
        if filters.chosen and not self.backends.catalog.has_matches(scoped):
            yield self._audited(
                Answer(
                    question=question,
                    text=no_documents_message(filters),
                    abstained=True,
                    citations=[],
                    retrieved=[],
                    seconds=time.perf_counter() - started,
                    filters=AppliedFilters(applied=replace(filters, readable=None)),
                ),
                viewer,
                channel,
            )
            return
        condensed = self._condense(question, list(history))
        facets = self.facets(viewer)
        # typed all in lower case, its names, places and bodies are read as the documents write them
        read = Question.read(truecased(condensed.question, self.backends.catalog.word_forms()))
        asked = replace(read, bodies=premise_bodies(read.located, facets.committees))
        if day := meeting_day(asked.located):
            catalog = self.backends.catalog
            asked = replace(
                asked, met=tuple(b for b in asked.bodies if catalog.meetings(b, day, day, viewer.readable))
            )
        stated = (
            condensed.focus.overridden_by(filters_from_question(asked.located, facets, filters))
            if self.settings.retrieval.question_filters
            else NO_FILTERS
        )
        found = self.retriever.search(asked, scoped, stated)
        # "Was ist aus der Vorlage X geworden?": the paper's Beratungsfolge, and "An welchen Tagen hat
        # X getagt?": its meetings, from the catalog
        paper = found.filters.applied.vorlage or (paper_of(found.passages) if asked.asks_outcome else None)
        steps = consultation_reply(
            asked.stated, paper, self.backends.catalog, viewer.readable
        ) or meetings_reply(asked, self.backends.catalog, viewer.readable)
        result = steps or self.answerer.answer(asked, found.passages)
        if steps is None and result.abstained and _doubtful(found.filters.from_question):
            # The question's filters admitted documents that do not answer it ("beim letzten
            # Vor-Ort-Termin im Februar 2024" dates an event, not the meeting that reported it):
            # searched without them, as where they match nothing, the premise checks decide.
            wider = self.retriever.search(asked, scoped, NO_FILTERS)
            retry = self.answerer.answer(asked, wider.passages)
            if not retry.abstained:
                dropped = found.filters.from_question
                found = replace(wider, filters=replace(wider.filters, dropped=dropped, reason="unanswered"))
                result = retry
        extract = result
        if self.generator is not None and found.passages and steps is None:
            result = yield from self.generator.stream(asked, found.passages, extract)
        answer = Answer(
            question=question,
            text=result.text,
            abstained=result.abstained,
            citations=result.citations,
            retrieved=found.passages,
            seconds=time.perf_counter() - started,
            # The viewer's levels restricted the search but are no filter anyone chose: the
            # answer reports the filters as they would be for any viewer.
            filters=replace(found.filters, applied=replace(found.filters.applied, readable=None)),
            generation=result.generation,
            standalone=condensed.question if condensed.follow_up else None,
        )
        yield self._audited(answer, viewer, channel)

    def _audited(self, answer: Answer, viewer: Viewer, channel: str) -> Answer:
        """`answer`, once the audit log holds it (a log that cannot be written stops the answer:
        nothing is shown that is not recorded). The passages shown are the cited ones, and for
        drafts also every passage its "Fundstellen" list shows."""
        shown = [f"[{c.n}] {_where(c.passage)}" for c in answer.citations]
        if channel.endswith("draft"):
            shown += [f"Fundstelle {_where(p)}" for p in answer.retrieved]
        self.audit.record(
            AuditEntry(
                time=datetime.now(UTC),
                user=viewer.name,
                role=viewer.role,
                channel=channel,
                question=answer.question,
                answer=answer.text,
                abstained=answer.abstained,
                passages=tuple(shown),
            )
        )
        return answer

    def _condense(self, question: str, history: list[Turn]) -> Condensed:
        condensed = condense(question, history)
        if condensed.follow_up and self.generator is not None:
            rewritten = self.generator.condense(question, history)
            if rewritten:
                return replace(condensed, question=rewritten)
        return condensed

    def draft(
        self, inquiry: str, filters: Filters = NO_FILTERS, viewer: Viewer = ANONYMOUS, channel: str = "draft"
    ) -> Draft:
        """A cited answer draft for an inquiry (Anfrage): each of its questions answered as `ask`
        answers it for `viewer`, composed as `assistant.answering.draft` describes. Raises
        `InquiryError` for an inquiry that cannot be drafted (empty, overlong, no question)."""
        found, notes = questions_of(inquiry, self.settings.ui.max_question_chars)
        answers = [self.ask(question, filters, viewer=viewer, channel=channel) for _, question in found]
        return compose_draft(inquiry, found, answers, notes)

    def facets(self, viewer: Viewer = ANONYMOUS) -> IndexFacets:
        """The committees and document types the UI offers as filters, as far as `viewer` may
        read documents of them."""
        return self.backends.catalog.facets(viewer.readable)

    def health(self, viewer: Viewer = ANONYMOUS) -> Health:
        """Index size (what `viewer` may read) and the LLM backend; "degraded" when the vectors or
        the LLM server do not answer, or vectors are still being computed (questions are still
        answered where possible: without the LLM, extractively; without vectors, by BM25)."""
        problems = []
        index = IndexHealth(
            embedding_model=self.backends.embed_model.model_id, store=self.settings.store.mode
        )
        catalog, readable = self.backends.catalog, viewer.readable
        among = None
        try:
            if not catalog.holds_beyond(readable):
                readable = None  # the viewer reads all the index holds: count it whole
            index.documents = catalog.file_count(readable)
            index.chunks = catalog.count(readable)
            among = None if readable is None else catalog.matching_keys(Filters(readable=readable))
        except Exception as exc:  # sqlite errors, a deleted data dir
            problems.append(f"Katalog nicht lesbar: {exc}")
        try:
            if readable is None or among is not None:  # never the whole index's count for a restricted viewer
                index.vectors = self.backends.vectors.count(among)
        except Exception as exc:  # a Chroma server that went away
            problems.append(f"Vektorindex nicht erreichbar: {exc}")
        if index.vectors is not None and index.chunks and index.vectors < index.chunks:
            problems.append(
                f"Vektoren ausstehend ({index.chunks - index.vectors} von {index.chunks} Abschnitten); "
                "bis dahin findet die Suche nur nach Wörtern"
            )
        settings = self.settings.llm
        unreachable = probe(settings)
        if unreachable:
            problems.append(f"Sprachmodell nicht erreichbar: {unreachable}")
        return Health(
            status="degraded" if problems else "ok",
            index=index,
            llm=LLMHealth(
                mode=settings.mode,
                backend=describe(settings),
                reachable=None if settings.mode in ("none", "local") else unreachable is None,
            ),
            problems=problems,
        )


def _doubtful(stated: Filters) -> bool:
    """Whether filters read from a question may be dropped where the documents they admit do not
    answer it: any but a year ("im Jahr 2021"), the period the question counts its facts in;
    records of other years that speak of the matter do not answer it (docs/evaluation.md)."""
    first, last = stated.date_from, stated.date_to
    whole_year = (
        first is not None
        and last is not None
        and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    )
    return not stated.empty and not whole_year


def _where(p: Passage) -> str:
    """A passage for the audit log: 'file.pdf S. 3 Abs. 2 (nichtöffentlich) #chunk'."""
    page = f" S. {p.page}" if p.page else ""
    level = f" ({p.access})" if p.access != PUBLIC else ""
    return f"{p.source}{page} Abs. {p.paragraph}{level} #{p.chunk_id}"


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
    backends = build_backends(settings)
    return CouncilAssistant(
        settings=settings,
        backends=backends,
        retriever=CouncilRetriever(
            backends.catalog, backends.vectors, backends.embed_model, settings.retrieval
        ),
        answerer=ExtractiveAnswerer(settings.answer),
        accounts=Accounts(settings.data_dir),
        audit=AuditLog(settings.data_dir),
        generator=None
        if backends.llm is None
        else GenerativeAnswerer(backends.llm, backends.embed_model, settings.llm),
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
    access: AccessLevel = PUBLIC,
    vectors_later: bool = False,
) -> IngestReport:
    """Ingest `path` (`ingest.pipeline.ingest_path`); with `vectors_later` the files are
    searchable lexically at once and `embed_pending` computes their vectors."""
    backends = build_backends(settings, for_ingest=True)
    return ingest_path(
        path,
        backends.catalog,
        backends.vectors,
        backends.embed_model,
        chunk_chars=settings.ingest.chunk_chars,
        max_chunk_chars=settings.ingest.max_chunk_chars,
        max_file_bytes=int(settings.ingest.max_file_mb * 2**20),
        ocr=OcrOptions.from_settings(settings.ingest),
        workers=settings.ingest.workers,
        prune=prune,
        exclude=exclude,
        progress=progress,
        access=access,
        vectors_later=vectors_later,
    )


@dataclass(frozen=True)
class OParlSync:
    """A run of `ingest_oparl`: what the crawl did, then what the ingest of the mirror did."""

    crawl: CrawlReport
    ingest: IngestReport

    @property
    def exit_code(self) -> int:
        """0: everything mirrored and ingested; 2: some lists, files or documents failed (the rest
        is in the index, the next run tries them again)."""
        return 2 if self.crawl.failed or self.ingest.failed else 0


def ingest_oparl(
    settings: Settings,
    system_url: str | None = None,
    *,
    full: bool = False,
    progress: bool | None = None,
    access: AccessLevel = PUBLIC,
    vectors_later: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> OParlSync:
    """Bring the index in line with a council's OParl API (`system_url`, else
    `oparl.system_url`): mirror it into DATA_DIR/oparl/NAME (`ingest.crawl`), then ingest the
    mirror as a folder whose sources are "oparl://NAME/…", pruning what the API no longer has.
    Interrupted anywhere, the next call continues the same run. `full` walks every list
    completely instead of asking only for changes; `say` receives a line per stage."""
    url = (system_url or settings.oparl.system_url).strip()
    if not url:
        raise OParlError(
            "Keine OParl-Adresse: `council ingest --oparl URL` angeben oder oparl.system_url setzen "
            "(COUNCIL_OPARL__SYSTEM_URL)."
        )
    name = settings.oparl.name or mirror_name(url)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise OParlError(f"oparl.name „{name}“: nur Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich.")
    mirror = settings.data_dir / "oparl" / name
    backends = build_backends(settings, for_ingest=True)  # an index of another model fails before the crawl
    oparl = settings.oparl
    options = CrawlOptions(
        client=ClientOptions(
            user_agent=oparl.user_agent,
            concurrency=oparl.concurrency,
            timeout_s=oparl.timeout_s,
            retries=oparl.retries,
            backoff_s=oparl.backoff_s,
            max_file_bytes=int(oparl.max_file_mb * 2**20),
        ),
        full=full,
        full_every_days=oparl.full_every_days,
    )
    with locked(mirror):
        crawled = crawl(url, mirror, options, progress=progress, say=say)
        say(f"Einlesen: {mirror}")
        ingested = ingest_path(
            mirror,
            backends.catalog,
            backends.vectors,
            backends.embed_model,
            chunk_chars=settings.ingest.chunk_chars,
            max_chunk_chars=settings.ingest.max_chunk_chars,
            max_file_bytes=int(settings.ingest.max_file_mb * 2**20),
            ocr=OcrOptions.from_settings(settings.ingest),
            workers=settings.ingest.workers,
            prune=True,
            exclude=tuple(crawled.held_back),
            progress=progress,
            access=access,
            vectors_later=vectors_later,
            source_prefix=f"oparl://{name}/",
        )
        finish(mirror, crawled.run)
    return OParlSync(crawled, ingested)


def embed_pending(settings: Settings, *, progress: bool | None = None) -> IngestReport:
    """Compute the vectors the index lacks (`ingest.pipeline.embed_pending`), with backends of its
    own: `make run` calls it on a background thread while the assistant answers."""
    backends = build_backends(settings, for_ingest=True)
    return embed_pending_vectors(backends.catalog, backends.vectors, backends.embed_model, progress=progress)
