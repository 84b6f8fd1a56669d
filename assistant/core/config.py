"""One Settings class for the whole tool.

Values come, highest priority first, from explicit arguments (CLI flags), environment
variables prefixed ``ASSISTANT_``, a TOML config file (``ASSISTANT_CONFIG`` or
``./assistant.toml``), then the defaults below. CLI flags are generated from these
fields (see apps/cli.py), so the README table, ``--help`` and the env names never drift.

Settings is composed by concern — storage, ingest, retrieval, generation, the hosted
backend, the web app, the API server — each a small model of its own, combined by
inheritance so that every name stays flat (ASSISTANT_TOP_K, not ASSISTANT_RETRIEVAL__TOP_K).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback) / "assistant"


def config_file() -> Path:
    return Path(os.environ.get("ASSISTANT_CONFIG", "assistant.toml"))


class StorageSettings(BaseModel):
    """Where data and caches live, and which Chroma to use."""

    data_dir: Path = Field(
        default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share"),
        description="Where the embedded Chroma database, BM25 index and report registry live.",
    )
    cache_dir: Path = Field(
        default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache"),
        description="Where assembled model files and built wheels are cached.",
    )
    chroma_host: str | None = Field(
        default=None, description="Chroma server host; when set, use it instead of the embedded store."
    )
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    collection: str = Field(default="reports", min_length=3, description="Chroma collection name (3+ characters).")


class IngestSettings(BaseModel):
    """How files are read and cut into chunks."""

    chunk_tokens: int = Field(default=200, ge=32, le=2000, description="Target chunk size in cl100k tokens.")
    max_file_mb: float = Field(default=50.0, gt=0, description="Refuse input files larger than this many megabytes.")
    ocr: bool = Field(
        default=True,
        description="Read PDF pages that hold no text (scans) by OCR (RapidOCR, offline); their citations say OCR 识别，请核对原件.",
    )


class RetrievalSettings(BaseModel):
    """How sources are found for a question."""

    top_k: int = Field(default=4, ge=1, le=20, description="Sources given to the model per question.")
    bm25_weight: float = Field(default=1.0, ge=0, description="Weight of the BM25 (jieba) ranking in the fusion.")
    dense_weight: float = Field(
        default=0.35, ge=0, description="Weight of the sentence-embedding ranking in the fusion."
    )
    instant: bool = Field(
        default=True,
        description="Answer a question about one indicator of one report, or about the report itself (文号, 日期, …), from what ingest already read and verified, without the model.",
    )
    auto_scope: bool = Field(
        default=True, description="Restrict retrieval to a report when the question names its place."
    )


class GenerationSettings(BaseModel):
    """Which model answers, and how."""

    backend: Literal["llama", "openai"] = Field(
        default="llama", description="llama = local GGUF via llama.cpp; openai = OpenAI-compatible server."
    )
    model: str = Field(
        default="qwen2.5-coder-1.5b",
        description="Packaged model name (qwen2.5-coder-0.5b, qwen2.5-coder-1.5b) or a path to any .gguf file.",
    )
    n_ctx: int = Field(
        default=4096,
        ge=512,
        description="Context window the prompts are budgeted against: the local model's, or the hosted model's (set it to match the server).",
    )
    n_threads: int | None = Field(default=None, description="CPU threads for llama.cpp (default: all cores).")
    max_tokens: int = Field(default=256, ge=16, description="Most tokens an answer may generate.")
    lean: bool = Field(
        default=True,
        description="Give the model, of each source, only the sentences naming the question's terms (with the source's section path) and a short system prompt (prompts/answer_lean.yaml), instead of whole chunks.",
    )
    prompt_lookup: int = Field(
        default=0,
        ge=0,
        le=32,
        description="Tokens llama.cpp drafts by prompt lookup per step (0 = off). Off by default: llama-cpp-python needs logits for every prompt token to draft, which made answers about 1.3x slower on 2 cores.",
    )
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    seed: int = Field(default=42, description="Sampling seed, for reproducible answers.")


class HostedSettings(BaseModel):
    """An OpenAI-compatible server as the backend."""

    openai_base_url: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="API key for the hosted backend (read from the environment; never printed)."
    )
    openai_model: str = Field(default="default", description="Model name to request from the hosted backend.")
    request_timeout: float = Field(default=60.0, gt=0, description="Seconds before a hosted request times out.")
    max_retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Retries (exponential backoff) on 429/5xx/connection errors from the hosted backend.",
    )


class UiSettings(BaseModel):
    """The web app (assistant ui)."""

    ui_host: str = Field(
        default="127.0.0.1", description="Address the web app binds to; any other than loopback needs ui_auth."
    )
    ui_port: int = Field(default=7860, ge=1, le=65535, description="Port of the web app.")
    ui_auth: SecretStr | None = Field(
        default=None, description="Web app login as user:password (environment or config file only)."
    )


class ServeSettings(BaseModel):
    """Our own OpenAI-compatible API (assistant serve)."""

    serve_host: str = Field(default="127.0.0.1", description="Address `assistant serve` binds to.")
    serve_port: int = Field(default=8001, ge=1, le=65535, description="Port of `assistant serve`.")
    serve_api_key: SecretStr | None = Field(
        default=None, description="Bearer key clients of `assistant serve` must send (environment or config file only)."
    )
    serve_concurrency: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Answers `assistant serve` computes at once; 1 suits the local model (it runs one request at a time), more suits a hosted backend that serves requests in parallel.",
    )
    serve_queue: int = Field(
        default=32,
        ge=0,
        description="Requests `assistant serve` lets wait for a free slot; beyond this it answers 503 with Retry-After.",
    )
    serve_max_body_kb: int = Field(
        default=64, ge=1, description="Largest request body `assistant serve` accepts, in KiB (413 beyond)."
    )


class Settings(
    ServeSettings,
    UiSettings,
    HostedSettings,
    GenerationSettings,
    RetrievalSettings,
    IngestSettings,
    StorageSettings,
    BaseSettings,
):
    """Every setting; see each concern's class for its fields. (The concerns are listed last
    first: pydantic orders fields from the last base on, and --help and the README list
    storage first.)"""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml, file_secret_settings)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"
