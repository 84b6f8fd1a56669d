"""The OpenAI-compatible backend: vLLM, llama.cpp's server, hosted APIs (see OpenAIBackend)."""

from __future__ import annotations

import json
import logging
import time

from assistant.backends.base import Completion, Message, OnToken, consume_stream
from assistant.core.config import Settings
from assistant.core.errors import BackendError, ConfigError, ContextTooLong
from assistant.text.tokens import count_tokens

log = logging.getLogger(__name__)


class OpenAIBackend:
    """Any OpenAI-compatible server (vLLM, llama.cpp's server, hosted APIs).

    Retries are ours rather than the client's, so that a server that rejects a
    `response_format` (llama.cpp's answers 500) is not retried as if it were down:
    429, 408/409, 5xx and connection errors are retried `max_retries` times with
    exponential backoff (0.5 s, 1 s, 2 s, … capped at 8 s, or the server's Retry-After).
    A stream that breaks off after its first token is never retried, since its tokens
    have already been shown. Structured output tries OpenAI's `json_schema`, then
    llama.cpp's `json_object` + schema, then the schema in the prompt, and keeps the
    first the server accepts; callers validate every reply whichever way it came.
    Prompt budgets use cl100k (tokens.py), an approximation for non-OpenAI models.
    """

    SCHEMA_MODES = ("json_schema", "json_object", "prompt")
    BACKOFF_S, BACKOFF_MAX_S = 0.5, 8.0

    def __init__(self, settings: Settings):
        if not settings.openai_base_url:
            raise ConfigError(
                "未配置托管模型地址 / no hosted endpoint configured",
                "设置 ASSISTANT_OPENAI_BASE_URL，例如 http://127.0.0.1:8080/v1",
            )
        from openai import OpenAI

        self._key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        self.client = OpenAI(
            base_url=settings.openai_base_url,
            api_key=self._key or "not-needed",
            timeout=settings.request_timeout,
            max_retries=0,
        )
        self.name = settings.openai_model
        self.n_ctx = settings.n_ctx
        self.max_retries = settings.max_retries
        self._base_url = settings.openai_base_url
        self._timeout = settings.request_timeout
        self._schema_mode: str | None = None  # the first structured-output mode the server accepted

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIBackend(base_url={self._base_url!r}, model={self.name!r})"

    def count_tokens(self, text: str) -> int:
        return count_tokens(text)

    def prompt_tokens(self, messages: list[Message]) -> int:
        """cl100k tokens of the chat, with OpenAI's per-message framing (4 + 3)."""
        return sum(count_tokens(m["content"]) + 4 for m in messages) + 3

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
        prompt_tokens = self.prompt_tokens(messages)
        if prompt_tokens + max_tokens > self.n_ctx:
            raise ContextTooLong(
                f"提示过长 / prompt too long: {prompt_tokens} + {max_tokens} tokens > n_ctx {self.n_ctx} (cl100k)",
                "减小 ASSISTANT_TOP_K 或 ASSISTANT_CHUNK_TOKENS，或把 ASSISTANT_N_CTX 设为托管模型的上下文长度",
            )
        request = {
            "model": self.name,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": seed,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        modes = ([self._schema_mode] if self._schema_mode else list(self.SCHEMA_MODES)) if json_schema else [None]
        for i, mode in enumerate(modes):
            kwargs = {**request, **self._structured(mode, json_schema, messages, prompt_tokens + max_tokens)}
            try:
                stream = self._open(kwargs, may_reject=mode not in (None, "prompt") and i + 1 < len(modes))
            except _Rejected as exc:
                log.info("hosted model rejected response_format %s (%s); trying the next way", mode, exc)
                continue
            if json_schema is not None:
                self._schema_mode = mode
            return consume_stream(
                self._chunks(stream),
                lambda c: (c.choices[0].delta.content or "") if c.choices else "",
                prompt_tokens,
                self.name,
                on_token,
                usage_of=lambda c: (c.usage.prompt_tokens, c.usage.completion_tokens) if c.usage else None,
            )
        raise AssertionError("unreachable: the prompt mode is never rejected")

    def _structured(self, mode: str | None, schema: dict | None, messages: list[Message], used: int) -> dict:
        if mode == "json_schema":
            return {"response_format": {"type": "json_schema", "json_schema": {"name": "output", "schema": schema}}}
        if mode == "json_object":  # llama-cpp-python's server: a grammar compiled from the schema
            return {"response_format": {"type": "json_object", "schema": schema}}
        if mode == "prompt":
            note = (
                "只输出一个符合以下 JSON Schema 的 JSON 对象，不要其他文字 / reply with one JSON object only:\n"
                + json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
            )
            # Only when it fits: the prompt templates already describe the fields in words.
            if used + count_tokens(note) + 8 <= self.n_ctx:
                first, *rest = messages
                if first["role"] == "system":
                    return {"messages": [{"role": "system", "content": first["content"] + "\n\n" + note}, *rest]}
                return {"messages": [{"role": "system", "content": note}, *messages]}
        return {}

    def _open(self, kwargs: dict, *, may_reject: bool):
        """Send the request, retrying transient failures with exponential backoff."""
        import openai

        for attempt in range(self.max_retries + 1):
            try:
                return self.client.chat.completions.create(**kwargs)
            except openai.APIStatusError as exc:
                if may_reject and (
                    exc.status_code in (400, 422) or (exc.status_code >= 500 and "response_format" in str(exc))
                ):
                    raise _Rejected(self._redact(str(exc))[:200]) from exc
                if not (exc.status_code in (408, 409, 429) or exc.status_code >= 500) or attempt == self.max_retries:
                    raise self._translate(exc) from exc
                delay = _retry_after(exc.response) or min(self.BACKOFF_S * 2**attempt, self.BACKOFF_MAX_S)
                reason = f"HTTP {exc.status_code}"
            except openai.APIConnectionError as exc:  # includes timeouts
                if attempt == self.max_retries:
                    raise self._translate(exc) from exc
                delay = min(self.BACKOFF_S * 2**attempt, self.BACKOFF_MAX_S)
                reason = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection error"
            log.warning("hosted model: %s; retry %d/%d in %.1fs", reason, attempt + 1, self.max_retries, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _chunks(self, stream):
        """The stream's chunks; a stream that breaks off or ends unfinished raises BackendError."""
        import openai

        finished = False
        try:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].finish_reason:
                    finished = True
                yield chunk
        except openai.APIError as exc:
            if isinstance(exc, openai.APITimeoutError):
                raise BackendError(
                    f"托管模型在回答中途超时 / the hosted model stalled mid-answer for {self._timeout}s",
                    "检查服务器负载，或调大 ASSISTANT_REQUEST_TIMEOUT",
                ) from exc
            raise BackendError(
                f"托管模型的回答中途中断 / the hosted model's stream broke off: {self._redact(str(exc))}",
                f"确认 {self._base_url} 的服务仍在运行，然后重试",
            ) from exc
        finally:
            stream.close()
        if not finished:
            raise BackendError(
                "托管模型的回答没有正常结束 / the hosted model's stream ended unfinished",
                f"确认 {self._base_url} 的服务仍在运行，然后重试",
            )

    def _translate(self, exc: Exception) -> BackendError:
        import openai

        if isinstance(exc, openai.APITimeoutError):
            return BackendError(
                f"托管模型超时 / request timed out after {self._timeout}s ({self.max_retries} retries)",
                "检查服务器负载，或调大 ASSISTANT_REQUEST_TIMEOUT",
            )
        if isinstance(exc, openai.APIConnectionError):
            return BackendError(
                f"无法连接托管模型 / cannot reach {self._base_url}",
                "确认服务器已启动，检查 ASSISTANT_OPENAI_BASE_URL 的地址与端口",
            )
        status = getattr(exc, "status_code", None)
        if status in (401, 403):  # the server's text may quote part of the key: leave it out
            return BackendError(
                f"托管模型拒绝了 API key / the server rejected the API key (HTTP {status})",
                "检查 ASSISTANT_OPENAI_API_KEY（只从环境变量或配置文件读取）",
            )
        if status == 404:
            return BackendError(
                f"托管模型或地址不存在 / model {self.name!r} or endpoint not found at {self._base_url}",
                "检查 ASSISTANT_OPENAI_MODEL 与 ASSISTANT_OPENAI_BASE_URL（通常以 /v1 结尾）",
            )
        detail = self._redact(str(exc))[:300]
        if status in (400, 422) and "context" in detail.lower():
            return ContextTooLong(f"提示过长 / prompt too long: {detail}", "减小 ASSISTANT_TOP_K 或 ASSISTANT_N_CTX")
        if status == 429:
            return BackendError(
                f"托管模型限流 / rate limited (HTTP 429) after {self.max_retries} retries",
                "稍后再试，或调大 ASSISTANT_MAX_RETRIES",
            )
        if status and status >= 500:
            return BackendError(
                f"托管模型出错 / server error {status} after {self.max_retries} retries: {detail}",
                "查看托管服务的日志，稍后重试",
            )
        return BackendError(f"托管模型请求无效 / bad request (HTTP {status}): {detail}")

    def _redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text


class _Rejected(Exception):
    """The server refused a response_format; the next mode is tried."""


def _retry_after(response) -> float | None:
    try:
        value = float(response.headers.get("retry-after", ""))
    except (AttributeError, ValueError):
        return None
    return value if 0 < value <= 30 else None
