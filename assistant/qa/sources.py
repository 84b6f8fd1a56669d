"""The numbered sources a model answers from, fitted to its context window.

Each source is one retrieved chunk shown as "[n] 来源：乌海市2023年报告｜section". They are
taken in retrieval order until the prompt budget (n_ctx minus the answer and the prompt's
own tokens) is spent; the first always goes in, so a long chunk cannot leave none.

Lean sources (the `lean` setting) show the model only the chunk's sentences that name
enough of the question's key terms (half as many as the best sentence anywhere), in their
order, with "…" where sentences were left out, under a section path cut to each heading's
first clause. A chunk whose sentences name none of the terms is left out, unless the top
hit is such a chunk (the question was matched by meaning, not words): then the top two are
shown whole. Prefill
is most of an answer's time on a CPU, and a 200-token chunk usually holds one or two
sentences that matter. Verification still checks against the whole chunk (`full`): the
shown sentences are a part of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.backends.base import LLM
from assistant.core.config import Settings
from assistant.core.types import Chunk, Hit
from assistant.text.numerals import number_set
from assistant.text.sentences import sentence_spans, sentences

_SOURCE_OVERHEAD = 24  # tokens of the "[n] 来源：…｜…" line and blank lines around a source
_PROMPT_MARGIN = 64  # chat-template markup around system and user messages


@dataclass
class Source:
    n: int
    hit: Hit
    shown: str | None = None  # what the prompt shows of the chunk, when not the whole (lean)
    path: str | None = None  # the section path the prompt shows, when shortened (lean)

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
        return {"n": self.n, "label": self.label, "section": self.path or self.section, "text": self.shown or self.text}


def _score(sentence: str, terms: list[str]) -> int:
    return sum(t in sentence for t in terms)


def excerpt(text: str, terms: list[str], bar: int) -> tuple[str | None, bool]:
    """(shown, matched): the sentences of `text` naming at least `bar` of `terms` (else its
    one best sentence naming any), joined with "…" where others were left out — None for the
    whole text when every sentence is kept or none names a term — and whether any did.
    excerpt("甲。乙出庭应诉率98%。丙。", ["出庭", "应诉"], 2) == ("…乙出庭应诉率98%。…", True)"""
    spans = sentence_spans(text)
    scores = [_score(text[s:e], terms) for s, e in spans]
    if not any(scores):
        return None, False
    keep = [i for i, v in enumerate(scores) if v >= bar] or [scores.index(max(scores))]
    if len(keep) == len(spans):
        return None, True
    out, last = [], -1
    for i in keep:
        if i != last + 1:
            out.append("…")
        out.append(text[spans[i][0] : spans[i][1]].strip())
        last = i
    if last != len(spans) - 1:
        out.append("…")
    return re.sub(r"…+", "…", "".join(out)), True


def short_path(section: str) -> str:
    """A section path with each heading cut to its first clause: "一、主要举措和成效 >
    (一)加强党的领导,完善…推进机制" -> "一、主要举措和成效 > (一)加强党的领导"."""
    return " > ".join(re.split(r"[,，]", part, maxsplit=1)[0] for part in section.split(" > "))


_SENTENCE_END = tuple("。！？；;!?\n")


def whole_sentences(hits: list[Hit], chunks_of: Callable[[str], list[Chunk]]) -> list[Hit]:
    """Hits whose chunk was cut inside an over-long sentence ("集成电路等主导产业集群发展提供了有力
    法治保障。" — the list that began it is in the chunk before) widened back to that sentence's
    start, so the model and the quote rung read it whole. Offsets stay exact: the widened chunk
    is the report's text from the new start (chunk ids are unchanged)."""
    out, cache = [], {}
    for hit in hits:
        chunk = hit.chunk
        if chunk.start > 0:
            chunks = cache.setdefault(chunk.report_id, chunks_of(chunk.report_id))
            before = next((c for c in chunks if c.end == chunk.start), None)
            if before and not before.text.endswith(_SENTENCE_END):
                cut = max(before.text.rfind(ch) for ch in _SENTENCE_END) + 1  # 0 when none: all of it
                text = before.text[cut:] + chunk.text
                hit = replace(hit, chunk=chunk.model_copy(update={"start": before.start + cut, "text": text}))
        out.append(hit)
    return out


def build_sources(
    hits: list[Hit], llm: LLM, settings: Settings, system: str, question: str, terms: list[str] = ()
) -> list[Source]:
    budget = llm.n_ctx - settings.max_tokens - llm.count_tokens(system + question) - _PROMPT_MARGIN
    sources: list[Source] = []
    terms = list(terms)
    # A sentence is shown if it names at least half as many of the question's terms as the
    # best sentence of all the sources does: "行政" alone does not make a sentence matter.
    best = max((_score(t, terms) for h in hits for t in sentences(h.chunk.text)), default=0)
    bar = max(1, (best + 1) // 2)
    lean = settings.lean and bool(terms)
    cuts = [excerpt(h.chunk.text.strip(), terms, bar) if lean else (None, True) for h in hits]
    # A hit none of whose sentences names a term adds tokens and no evidence — unless the
    # question was matched by meaning (a paraphrase): when the top hit names none, the top
    # two are shown whole.
    whole_if_none = 2 if cuts and not cuts[0][1] else 0
    for rank, (hit, (shown, matched)) in enumerate(zip(hits, cuts)):
        if lean and not matched and rank >= whole_if_none and sources:
            continue
        cost = llm.count_tokens(shown or hit.chunk.text) + _SOURCE_OVERHEAD
        if cost > budget and sources:
            break
        sources.append(Source(len(sources) + 1, hit, shown, short_path(hit.chunk.section) if lean else None))
        budget -= cost
    return sources


def exempt_numbers(question: str, sources: list[Source]) -> set[str]:
    """Numbers an answer may repeat without a source sentence: the question's own and
    those in report labels (乌海市2023年报告)."""
    return number_set(question + " " + " ".join(s.label for s in sources))
