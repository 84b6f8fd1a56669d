"""The backend protocol: chat messages in, a `Completion` out, tokens streamed to a callback.

Vendor errors are translated inside each backend (context overflow -> ContextTooLong,
401 -> BackendError naming the key setting), so callers handle our errors only.
`consume_stream` is the one place that drains a token stream and times it: time to the
first token is prefill, the rest is generation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypedDict


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefill_ms: float = 0.0
    generate_ms: float = 0.0
    model: str = ""


OnToken = Callable[[str], None]


class LLM(Protocol):
    name: str
    n_ctx: int

    def count_tokens(self, text: str) -> int: ...

    def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        seed: int | None = None,
        json_schema: dict | None = None,
        on_token: OnToken | None = None,
    ) -> Completion: ...


def consume_stream(
    stream: Iterable[Any],
    text_of: Callable[[Any], str],
    prompt_tokens: int,
    model: str,
    on_token: OnToken | None,
    usage_of: Callable[[Any], tuple[int, int] | None] | None = None,
) -> Completion:
    """Drain a token stream into a Completion. `usage_of` reads (prompt, completion) token
    counts a server reports; without it, each chunk counts as one generated token."""
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
    return Completion(
        text="".join(parts),
        prompt_tokens=usage[0] if usage else prompt_tokens,
        completion_tokens=usage[1] if usage else pieces,
        prefill_ms=(first - start) * 1000,
        generate_ms=(end - first) * 1000,
        model=model,
    )
