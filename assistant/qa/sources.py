"""The numbered sources a model answers from, fitted to its context window.

Each source is one retrieved chunk shown as "[n] 来源：乌海市2023年报告｜section". They are
taken in retrieval order until the prompt budget (n_ctx minus the answer and the prompt's
own tokens) is spent; the first always goes in, so a long chunk cannot leave none.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.backends.base import LLM
from assistant.core.config import Settings
from assistant.core.types import Hit
from assistant.text.numerals import number_set

_SOURCE_OVERHEAD = 24  # tokens of the "[n] 来源：…｜…" line and blank lines around a source
_PROMPT_MARGIN = 64  # chat-template markup around system and user messages


@dataclass
class Source:
    n: int
    hit: Hit

    @property
    def label(self) -> str:
        return self.hit.report.label

    @property
    def section(self) -> str:
        return self.hit.chunk.section

    @property
    def text(self) -> str:
        return self.hit.chunk.text.strip()

    @property
    def full(self) -> str:
        """What verification checks an answer against: label, section and text."""
        return f"{self.label} {self.section}\n{self.text}"

    def prompt_vars(self) -> dict:
        return {"n": self.n, "label": self.label, "section": self.section, "text": self.text}


def build_sources(hits: list[Hit], llm: LLM, settings: Settings, system: str, question: str) -> list[Source]:
    budget = llm.n_ctx - settings.max_tokens - llm.count_tokens(system + question) - _PROMPT_MARGIN
    sources: list[Source] = []
    for hit in hits:
        cost = llm.count_tokens(hit.chunk.text) + _SOURCE_OVERHEAD
        if cost > budget and sources:
            break
        sources.append(Source(len(sources) + 1, hit))
        budget -= cost
    return sources


def exempt_numbers(question: str, sources: list[Source]) -> set[str]:
    """Numbers an answer may repeat without a source sentence: the question's own and
    those in report labels (乌海市2023年报告)."""
    return number_set(question + " " + " ".join(s.label for s in sources))
