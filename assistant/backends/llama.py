"""The backend protocol, the local llama.cpp backend, and get_backend() (the hosted,
OpenAI-compatible backend is in hosted.py).

A backend turns chat messages into a `Completion`, streaming tokens to an optional
callback. Vendor errors are translated here (context overflow -> ContextTooLong,
401 -> BackendError naming the key setting), so nothing above this module knows
which backend it talks to.

The local backend renders the GGUF's own chat template and tokenizes with the
model's vocabulary, so its token counts are exact; the first tokens of every prompt
(the fixed system prompt) stay in llama.cpp's KV cache between calls, and each
question pays only for its own tokens.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypedDict

from assistant.core.config import Settings
from assistant.core.errors import BackendError, ConfigError, ContextTooLong

log = logging.getLogger(__name__)


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # prefill_ms, generate_ms
    model: str = ""


OnToken = Callable[[str], None]


class LLM(Protocol):
    name: str
    n_ctx: int

    def count_tokens(self, text: str) -> int: ...

    def complete(self, messages: list[Message], *, max_tokens: int, temperature: float = 0.0,
                 seed: int | None = None, json_schema: dict | None = None,
                 on_token: OnToken | None = None) -> Completion: ...


class LlamaBackend:
    """llama.cpp in-process. One model instance is shared; a lock serialises calls."""

    def __init__(self, model_path: str, *, n_ctx: int = 4096, n_threads: int | None = None, seed: int = 42):
        self.model_path = model_path
        self.name = model_path.rsplit("/", 1)[-1]
        self.n_ctx = n_ctx
        # llama-cpp-python defaults to half the cores; on 2-core machines that halves speed.
        self._n_threads = n_threads or os.cpu_count() or 1
        self._seed = seed
        self._llm = None
        self._formatter = None
        self._lock = threading.Lock()

    def _load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
                from llama_cpp.llama_chat_format import Jinja2ChatFormatter
            except ImportError as exc:
                raise ConfigError("llama-cpp-python 未安装 / not installed",
                                  "运行 `make setup`（会用缓存的无 AMX 版本构建 wheel）") from exc
            try:
                self._llm = Llama(self.model_path, n_ctx=self.n_ctx, n_threads=self._n_threads,
                                  seed=self._seed, verbose=False)
            except (ValueError, RuntimeError) as exc:
                raise BackendError(f"无法加载模型 {self.model_path}: {exc}",
                                   "检查 ASSISTANT_MODEL 指向有效的 GGUF 文件") from exc
            meta = self._llm.metadata
            template = meta.get("tokenizer.chat_template")
            if not template:
                raise BackendError(f"{self.name} 没有聊天模板 / has no chat template", "请使用 instruct 模型")
            vocab = self._llm._model
            self._formatter = Jinja2ChatFormatter(
                template, eos_token=vocab.token_get_text(vocab.token_eos()),
                bos_token=vocab.token_get_text(vocab.token_bos()) if vocab.token_bos() >= 0 else "")
        return self._llm

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def render(self, messages: list[Message]) -> str:
        self._load()
        return self._formatter(messages=messages).prompt

    def complete(self, messages: list[Message], *, max_tokens: int, temperature: float = 0.0,
                 seed: int | None = None, json_schema: dict | None = None,
                 on_token: OnToken | None = None) -> Completion:
        llm = self._load()
        prompt = self.render(messages)
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        if len(tokens) + max_tokens > self.n_ctx:
            raise ContextTooLong(
                f"提示过长 / prompt too long: {len(tokens)} + {max_tokens} tokens > n_ctx {self.n_ctx}",
                "减小 ASSISTANT_TOP_K 或 ASSISTANT_CHUNK_TOKENS，或增大 ASSISTANT_N_CTX")
        grammar = None
        if json_schema is not None:
            from llama_cpp import LlamaGrammar

            grammar = LlamaGrammar.from_json_schema(json.dumps(json_schema), verbose=False)
        with self._lock:
            return _consume(
                llm.create_completion(prompt=tokens, max_tokens=max_tokens, temperature=temperature,
                                      seed=self._seed if seed is None else seed, stream=True, grammar=grammar),
                lambda chunk: chunk["choices"][0].get("text") or "",
                len(tokens), self.name, on_token)


def _consume(stream, text_of, prompt_tokens: int, model: str, on_token: OnToken | None,
             usage_of=None) -> Completion:
    """Drain a token stream, timing time-to-first-token (prefill) and the rest (generate)."""
    start = time.perf_counter()
    first = None
    parts: list[str] = []
    pieces = 0
    usage = None
    for chunk in stream:
        if usage_of and (u := usage_of(chunk)):
            usage = u
        piece = text_of(chunk)
        pieces += 1  # llama.cpp streams one chunk per token, even when it holds half a character
        if not piece:
            continue
        if first is None:
            first = time.perf_counter()
        parts.append(piece)
        if on_token:
            on_token(piece)
    end = time.perf_counter()
    first = first or end
    text = "".join(parts)
    return Completion(
        text=text,
        prompt_tokens=usage[0] if usage else prompt_tokens,
        completion_tokens=usage[1] if usage else pieces,
        timings={"prefill_ms": (first - start) * 1000, "generate_ms": (end - first) * 1000},
        model=model,
    )


def get_backend(settings: Settings) -> LLM:
    def llama() -> LLM:
        from assistant.backends.packaged import resolve_model_path

        return LlamaBackend(str(resolve_model_path(settings)), n_ctx=settings.n_ctx,
                            n_threads=settings.n_threads, seed=settings.seed)

    def openai() -> LLM:
        from assistant.backends.hosted import OpenAIBackend

        return OpenAIBackend(settings)

    backends: dict[str, Callable[[], LLM]] = {"llama": llama, "openai": openai}
    if settings.backend not in backends:
        raise ConfigError(f"未知后端 / unknown backend {settings.backend!r}",
                          f"可选 / valid: {', '.join(backends)}")
    return backends[settings.backend]()
