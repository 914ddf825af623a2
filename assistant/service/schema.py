"""The JSON shapes users and scripts see, as pydantic models: the one serialisation behind
`council ask --json` and `draft --json`, the HTTP API (and its OpenAPI schema at
/api/openapi.json) and the result lines of `council eval`.

The domain types (`Answer`, `Citation`, `Draft`, `Turn`) stay plain dataclasses that know nothing
of JSON; each model here is made from one with `of()`. Keys are only ever added, never renamed or
removed: evaluation scripts and HTTP clients depend on them.

Filters are written by pydantic over the `Filters` dataclass itself (`FiltersJson`: the fields
set, dates as ISO strings) and read back the same way (`filters_of`, a chat history's focus).
Filters as a user types them (the HTTP body's "filters") are a model derived from the filter
declaration (`FiltersIn`, from `FILTER_FIELDS`).
"""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    ValidationError,
    WrapSerializer,
    create_model,
)

from assistant.answering.chat import Turn
from assistant.answering.draft import Draft, MeetingGroup
from assistant.core.access import AccessLevel
from assistant.core.answers import Answer, Citation, Generation, Passage, visible_steps
from assistant.core.documents import Consultation, file_of
from assistant.core.filters import FILTER_FIELDS, AppliedFilters, FilterError, Filters
from assistant.core.votes import Outcome, Vote

_FILTERS = TypeAdapter(Filters)
_FIELDS = {field.name for field in FILTER_FIELDS}


def _set_fields(filters: Filters, write: SerializerFunctionWrapHandler):
    # No return annotation: pydantic would take it as the schema; without one the schema is that
    # of Filters, which lists the fields.
    return {name: value for name, value in write(filters).items() if value is not None and name in _FIELDS}


# Filters as JSON: only the filter fields set, dates as ISO strings ({"committee": "Gemeinderat",
# "date_from": "2024-10-22"}); the OpenAPI schema lists the fields. The viewer's access levels
# (`Filters.readable`) are not written: they are no filter a client chose or may send back.
FiltersJson = Annotated[Filters, WrapSerializer(_set_fields)]


def filters_of(data: dict[str, Any]) -> Filters:
    """Filters as `FiltersJson` writes them. An unknown field, or a value the `Filters` rules
    refuse, is a `FilterError` (German); a value of the wrong type (a date that is not ISO) is a
    `ValueError`."""
    if unknown := set(data) - _FIELDS:
        raise FilterError(f"Unbekannte Filter: {', '.join(sorted(unknown))}")
    try:
        return _FILTERS.validate_python(data)
    except ValidationError as exc:
        refused = next((e["ctx"]["error"] for e in exc.errors() if "error" in e.get("ctx", {})), None)
        if isinstance(refused, FilterError):
            raise FilterError(f"Filter nicht lesbar: {refused}") from exc
        raise


class VoteOut(BaseModel):
    outcome: Outcome
    yes: int | None
    no: int | None
    abstain: int | None
    unanimous: bool
    text: str = Field(description="the result as printed")

    @classmethod
    def of(cls, vote: Vote) -> "VoteOut":
        return cls(
            outcome=vote.outcome,
            yes=vote.yes,
            no=vote.no,
            abstain=vote.abstain,
            unanimous=vote.unanimous,
            text=vote.text,
        )


class ConsultationOut(BaseModel):
    """A step of the cited paper's Beratungsfolge, as the registry (OParl) gives it."""

    body: str | None = Field(description="the body that heard the paper, e.g. Gemeinderat")
    meeting_date: date | None
    role: str | None = Field(description="Entscheidung, Vorberatung, Kenntnisnahme, …")
    agenda_item: str | None = Field(description="the agenda item number in that meeting")
    result: str | None = Field(description="the meeting record's result, e.g. mehrheitlich zugestimmt")

    @classmethod
    def of(cls, c: Consultation) -> "ConsultationOut":
        item = c.agenda_item.number if c.agenda_item and c.agenda_item.number else None
        return cls(body=c.body, meeting_date=c.meeting_date, role=c.role, agenda_item=item, result=c.result)


class CitationOut(BaseModel):
    n: int
    source: str = Field(description="the file, relative to the ingested folder")
    page: int | None = Field(description="null for formats without pages")
    paragraph: int | None
    text: str = Field(description="the quoted passage, verbatim")
    score: float | None
    also_in: list[str] = Field(description="other files with the same text")
    doc_type: str | None
    committee: str | None
    meeting_date: date | None
    vorlage: str | None
    agenda_item: str | None
    vote: VoteOut | None
    registry_result: str | None = Field(description="the result the OParl meeting data records")
    access: AccessLevel = Field(description="öffentlich or nichtöffentlich: who may read the cited file")
    consultations: list[ConsultationOut] = Field(
        description="the cited paper's Beratungsfolge (OParl), in the registry's order; empty without one"
    )

    @classmethod
    def of(cls, citation: Citation) -> "CitationOut":
        p = citation.passage
        return cls(
            n=citation.n,
            source=citation.source,
            page=p.page,
            paragraph=citation.paragraph,
            text=citation.text,
            score=_rounded(p.score, 4),
            also_in=list(p.other_files),
            doc_type=p.doc_type,
            committee=p.committee,
            meeting_date=p.meeting_date,
            vorlage=p.vorlage,
            agenda_item=None if p.agenda_item is None else p.agenda_item.label(),
            vote=None if p.vote is None else VoteOut.of(p.vote),
            registry_result=p.record.result if p.record else None,
            access=p.access,
            consultations=[ConsultationOut.of(c) for c in visible_steps(p.record, p.access)]
            if p.record
            else [],
        )


class AppliedFiltersOut(BaseModel):
    applied: FiltersJson = Field(description="what the search was restricted to")
    from_question: FiltersJson = Field(description="the part of it read from the question")
    dropped: FiltersJson = Field(description="filters the question named, searched without")
    note: str | None

    @classmethod
    def of(cls, filters: AppliedFilters) -> "AppliedFiltersOut":
        return cls(
            applied=filters.applied,
            from_question=filters.from_question,
            dropped=filters.dropped,
            note=filters.note(),
        )


class GenerationOut(BaseModel):
    mode: Literal["extractive", "generated", "fallback"]
    note: str | None
    removed_sentences: list[str]
    kept_sentences: int
    tokens: int
    seconds: float

    @classmethod
    def of(cls, generation: Generation) -> "GenerationOut":
        return cls(
            mode=generation.mode,
            note=generation.note,
            removed_sentences=list(generation.removed),
            kept_sentences=generation.kept,
            tokens=generation.tokens,
            seconds=round(generation.seconds, 3),
        )


class AnswerOut(BaseModel):
    """The `council ask --json` object; also the body of /api/ask."""

    question: str
    answer: str
    abstained: bool
    citations: list[CitationOut]
    seconds: float
    filters: AppliedFiltersOut
    generation: GenerationOut
    standalone_question: str | None = Field(
        description="a follow-up as it was searched, made standalone from the history"
    )

    @classmethod
    def of(cls, answer: Answer) -> "AnswerOut":
        return cls(
            question=answer.question,
            answer=answer.text,
            abstained=answer.abstained,
            citations=[CitationOut.of(c) for c in answer.citations],
            seconds=round(answer.seconds, 3),
            filters=AppliedFiltersOut.of(answer.filters),
            generation=GenerationOut.of(answer.generation),
            standalone_question=answer.standalone,
        )


class TurnOut(BaseModel):
    """One turn of a chat, as /api/chat returns it: append it to the history of the next request."""

    question: str
    answer: str
    standalone_question: str | None
    focus: FiltersJson = Field(description="what the turn was about, carried into a follow-up")

    @classmethod
    def of(cls, turn: Turn) -> "TurnOut":
        return cls(
            question=turn.question,
            answer=turn.answer,
            standalone_question=turn.standalone,
            focus=turn.focus,
        )


class TurnIn(BaseModel):
    """One earlier turn, as a previous /api/chat reply's "turn" holds it."""

    question: str
    answer: str = ""
    standalone_question: str | None = None
    focus: dict[str, Any] | None = None  # read by `turn()`, which says in German what is wrong

    def turn(self) -> Turn:
        """The turn; raises `FilterError` or `ValueError` for a focus that cannot be read."""
        return Turn(self.question, self.answer, self.standalone_question, filters_of(self.focus or {}))


class ChatOut(AnswerOut):
    """The body of /api/chat: the answer and the turn it makes."""

    turn: TurnOut

    @classmethod
    def of(cls, answer: Answer) -> "ChatOut":
        return cls(**dict(AnswerOut.of(answer)), turn=TurnOut.of(Turn.of(answer)))


class PassageOut(BaseModel):
    chunk_id: str
    source: str
    title: str
    page: int | None
    paragraph: int
    doc_type: str | None
    committee: str | None
    meeting_date: date | None
    vorlage: str | None
    agenda_item: str | None
    text: str
    score: float | None
    cited_as: list[int] = Field(description="the draft's citation numbers that quote it")

    @classmethod
    def of(cls, p: Passage, cited_as: list[int]) -> "PassageOut":
        return cls(
            chunk_id=p.chunk_id,
            source=file_of(p.source),
            title=p.title,
            page=p.page,
            paragraph=p.paragraph,
            doc_type=p.doc_type,
            committee=p.committee,
            meeting_date=p.meeting_date,
            vorlage=p.vorlage,
            agenda_item=None if p.agenda_item is None else p.agenda_item.label(),
            text=p.text,
            score=_rounded(p.score, 4),
            cited_as=cited_as,
        )


class MeetingGroupOut(BaseModel):
    label: str
    meeting_date: date | None
    passages: list[PassageOut]

    @classmethod
    def of(cls, group: MeetingGroup, draft: Draft) -> "MeetingGroupOut":
        return cls(
            label=group.label,
            meeting_date=group.meeting_date,
            passages=[PassageOut.of(p, draft.cited_as(p)) for p in group.passages],
        )


class DraftOut(BaseModel):
    """The `council draft --json` object."""

    inquiry: str
    questions: list[str]
    text: str
    citations: list[CitationOut]
    notes: list[str]
    groups: list[MeetingGroupOut]

    @classmethod
    def of(cls, draft: Draft) -> "DraftOut":
        return cls(
            inquiry=draft.inquiry,
            questions=draft.questions,
            text=draft.text,
            citations=[CitationOut.of(c) for c in draft.citations],
            notes=draft.notes,
            groups=[MeetingGroupOut.of(g, draft) for g in draft.groups],
        )


# The HTTP body's filters, one optional field per declared filter field, as a user types them.
_FILTERS_IN: dict[str, Any] = {
    field.name: (field.json_type | None, Field(None, description=field.description))
    for field in FILTER_FIELDS
}
if TYPE_CHECKING:  # a model made at run time is no type to mypy; its fields are read by name
    FiltersIn = BaseModel
else:
    FiltersIn = create_model(
        "FiltersIn",
        __config__=ConfigDict(extra="forbid"),
        __doc__="Filters as the CLI takes them; dates as 2024-10-22, 22.10.2024, 10.2024 or 2024.",
        **_FILTERS_IN,
    )


def typed_filters(given: BaseModel | None) -> dict[str, str | None]:
    """The body's filters by field name, as text (a TOP may come as a number); none for null."""
    if given is None:
        return {}
    return {name: None if value is None else str(value) for name, value in given.model_dump().items()}


class AskIn(BaseModel):
    """The body of /api/ask."""

    question: str = Field(description="the question, in German or English")
    # Optional as docs/api.md says: left out or null (as clients that write every field send it)
    # both mean no filters.
    filters: FiltersIn | None = Field(None, description="null or left out: no filters")


class ChatIn(AskIn):
    """The body of /api/chat."""

    history: list[TurnIn] = Field(default_factory=list, description="earlier turns, oldest first")


class IndexHealth(BaseModel):
    embedding_model: str = Field(description="the embedding model's id, which the index records")
    store: str = Field(description="store.mode: embedded or http (a Chroma server)")
    documents: int | None = Field(None, description="files indexed; null when the catalog cannot be read")
    chunks: int | None = Field(None, description="distinct passages; null when the catalog cannot be read")
    vectors: int | None = Field(None, description="vectors stored; null when the store does not answer")


class LLMHealth(BaseModel):
    mode: str = Field(description="llm.mode: none, openai, ollama or local")
    backend: str = Field(description="the backend in words")
    reachable: bool | None = Field(description="whether its server answers; null: no server to ask")


class Health(BaseModel):
    """What `CouncilAssistant.health()` finds; also the body of /api/health."""

    status: Literal["ok", "degraded"]
    index: IndexHealth
    llm: LLMHealth
    problems: list[str]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
