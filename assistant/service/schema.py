"""The JSON shapes users and scripts see, as pydantic models: what `/api/health` answers is the
service's own typed value (`CouncilAssistant.health`), serialised as it is."""

from typing import Literal

from pydantic import BaseModel, Field


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
