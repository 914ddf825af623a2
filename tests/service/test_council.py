"""The assistant's backends, built once from settings, and what it reports about them."""

from assistant.core.settings import Settings
from assistant.service.council import build_assistant


def test_health_is_read_from_the_assistants_own_backends(small_index):
    assistant = build_assistant(Settings(data_dir=small_index))
    health = assistant.health()
    assert health.status == "ok" and health.problems == []
    assert health.index.embedding_model == assistant.backends.embed_model.model_id
    assert health.index.documents == 4 and health.index.vectors == health.index.chunks
    assert health.llm.reachable is None  # llm.mode none: no server to ask
