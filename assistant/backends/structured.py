"""Structured output: a reply validated against a pydantic model, re-asked once, then refused.

Grammar-constrained decoding (llama.cpp) or a server's response_format makes valid JSON
likely, not certain — llama-cpp-python silently falls back to free JSON when a schema does
not compile — so every reply is validated. A failure is re-asked once with the validation
error appended (not the invalid reply: the re-ask must fit the same token budget); a second
failure raises SchemaError carrying the raw reply and the attempt count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assistant.backends.base import LLM, Completion, Message
from assistant.core.errors import SchemaError

M = TypeVar("M", bound=BaseModel)
ATTEMPTS = 2


def unfence(text: str) -> str:
    """The JSON inside a ```json fence, or the text itself."""
    m = re.search(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    return m.group(1) if m else text.strip()


def ask_structured(
    llm: LLM,
    messages: list[Message],
    model: type[M],
    schema: dict,
    *,
    max_tokens: int,
    temperature: float = 0.0,
    seed: int | None = None,
    on_reply: Callable[[Completion], None] | None = None,
) -> M:
    """The reply as `model`; `on_reply` sees every completion (for usage accounting)."""
    note, raw = "", ""
    for _ in range(ATTEMPTS):
        asked = messages[:-1] + [{"role": messages[-1]["role"], "content": messages[-1]["content"] + note}]
        reply = llm.complete(asked, max_tokens=max_tokens, temperature=temperature, seed=seed, json_schema=schema)
        if on_reply:
            on_reply(reply)
        raw = reply.text
        try:
            return model.model_validate_json(unfence(raw))
        except ValidationError as exc:
            errors = "；".join(f"{'.'.join(map(str, e['loc'])) or 'JSON'}: {e['msg']}" for e in exc.errors()[:3])
            note = f"\n\n（上一次的输出无效：{errors[:200]}。请只输出一个符合要求的 JSON 对象。）"
    raise SchemaError(
        f"模型输出不符合 {model.__name__} 的结构 / invalid structured output after {ATTEMPTS} tries",
        raw=raw,
        attempts=ATTEMPTS,
        hint="换用更大的模型，或调大 max_tokens",
    )
