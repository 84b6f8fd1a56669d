"""A scripted backend for fast tests of the answer pipeline's logic (never the only test
of a feature: tests/test_answer.py also runs the real packaged model)."""

from __future__ import annotations

import re

from assistant.backends.base import Completion
from assistant.text.tokens import count_tokens


class ScriptedLLM:
    """Replies in order; a reply may be a function of the messages (to cite a source by what
    it says rather than by a number fixed in advance)."""

    name = "scripted"
    n_ctx = 4096

    def __init__(self, *replies):
        self.replies = list(replies)
        self.calls: list[list[dict]] = []

    def count_tokens(self, text: str) -> int:
        return count_tokens(text)

    def complete(self, messages, *, max_tokens, temperature=0.0, seed=None, json_schema=None, on_token=None):
        self.calls.append(messages)
        text = self.replies.pop(0) if self.replies else "报告中未提及。"
        if callable(text):
            text = text(messages)
        for ch in text:  # stream character by character, as a real server might
            if on_token:
                on_token(ch)
        return Completion(
            text=text,
            prompt_tokens=sum(count_tokens(m["content"]) for m in messages),
            completion_tokens=len(text),
            prefill_ms=1.0,
            generate_ms=1.0,
            model=self.name,
        )


def cite_the_source_holding(number: str, claim: str):
    """A scripted reply that states `claim` citing whichever source holds `number`."""

    def reply(messages):
        sources = re.split(r"\n(?=\[\d+\] )", messages[-1]["content"])
        n = next(re.match(r"\[(\d+)\]", s).group(1) for s in sources if re.match(r"\[\d+\]", s) and number in s)
        return f"{claim}[{n}]"

    return reply


def cite_each_source_holding(numbers: tuple[str, ...], claim: str):
    """A scripted reply that states `claim` citing, in order, the source holding each number."""

    def reply(messages):
        sources = re.split(r"\n(?=\[\d+\] )", messages[-1]["content"])
        ns = [next(re.match(r"\[(\d+)\]", s).group(1) for s in sources if num in s) for num in numbers]
        return claim + " ".join(f"[{n}]" for n in ns)

    return reply
