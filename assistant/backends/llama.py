"""llama.cpp in-process (llama-cpp-python), one model instance shared behind a lock.

The backend renders the GGUF's own chat template and tokenizes with the model's
vocabulary, so its token counts are exact; the first tokens of every prompt (the fixed
system prompt) stay in llama.cpp's KV cache between calls, and each question pays only
for its own tokens.
"""

from __future__ import annotations

import json
import os
import threading

from assistant.backends.base import Completion, Message, OnToken, consume_stream
from assistant.core.errors import BackendError, ConfigError, ContextTooLong


class LlamaBackend:
    """llama.cpp in-process. One model instance is shared; a lock serialises calls."""

    def __init__(
        self,
        model_path: str,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        seed: int = 42,
        prompt_lookup: int = 0,
    ):
        self.model_path = model_path
        self.name = model_path.rsplit("/", 1)[-1]
        self.n_ctx = n_ctx
        # llama-cpp-python defaults to half the cores; on 2-core machines that halves speed.
        self._n_threads = n_threads or os.cpu_count() or 1
        self._seed = seed
        self._prompt_lookup = prompt_lookup  # speculative tokens drafted from the prompt (0 = off)
        self._llm = None
        self._formatter = None
        self._lock = threading.Lock()

    def _load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
                from llama_cpp.llama_chat_format import Jinja2ChatFormatter
            except ImportError as exc:
                raise ConfigError(
                    "llama-cpp-python 未安装 / not installed", "运行 `make setup`（会用缓存的无 AMX 版本构建 wheel）"
                ) from exc
            try:
                draft = None
                if self._prompt_lookup:
                    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

                    draft = LlamaPromptLookupDecoding(num_pred_tokens=self._prompt_lookup)
                llm = Llama(
                    self.model_path,
                    n_ctx=self.n_ctx,
                    n_threads=self._n_threads,
                    seed=self._seed,
                    draft_model=draft,
                    logits_all=draft is not None,  # drafting scores several positions at once
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise BackendError(
                    f"无法加载模型 {self.model_path}: {exc}", "检查 ASSISTANT_MODEL 指向有效的 GGUF 文件"
                ) from exc
            template = llm.metadata.get("tokenizer.chat_template")
            if not template:
                raise BackendError(f"{self.name} 没有聊天模板 / has no chat template", "请使用 instruct 模型")

            def text_of(token: int) -> str:
                return llm.detokenize([token], special=True).decode("utf-8", "replace") if token >= 0 else ""

            self._formatter = Jinja2ChatFormatter(
                template, eos_token=text_of(llm.token_eos()), bos_token=text_of(llm.token_bos())
            )
            self._llm = llm
        return self._llm

    def load(self) -> None:
        """Load the model now rather than on the first call (the web app and the API server do
        this in the background at start, so the first question does not pay for it)."""
        self._load()

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def render(self, messages: list[Message]) -> str:
        self._load()
        return self._formatter(messages=messages).prompt

    def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        seed: int | None = None,
        json_schema: dict | None = None,
        on_token: OnToken | None = None,
    ) -> Completion:
        llm = self._load()
        prompt = self.render(messages)
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        if len(tokens) + max_tokens > self.n_ctx:
            raise ContextTooLong(
                f"提示过长 / prompt too long: {len(tokens)} + {max_tokens} tokens > n_ctx {self.n_ctx}",
                "减小 ASSISTANT_TOP_K 或 ASSISTANT_CHUNK_TOKENS，或增大 ASSISTANT_N_CTX",
            )
        grammar = None
        if json_schema is not None:
            from llama_cpp import LlamaGrammar

            grammar = LlamaGrammar.from_json_schema(json.dumps(json_schema), verbose=False)
        with self._lock:
            return consume_stream(
                llm.create_completion(
                    prompt=tokens,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    seed=self._seed if seed is None else seed,
                    stream=True,
                    grammar=grammar,
                ),
                lambda chunk: chunk["choices"][0].get("text") or "",
                len(tokens),
                self.name,
                on_token,
            )
