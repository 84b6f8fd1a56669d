"""Question -> Answer: retrieve, prompt, generate, verify, retry, fall back, cite.

The ladder, each rung taken only when the one above fails verification:
  1. the model answers from numbered sources (prompts/answer.yaml);
  2. the model retries with a stricter prompt naming the problem (answer_strict.yaml);
  3. an extractive answer quotes the best-matching source sentence;
  4. a refusal: 报告中未提及.
Streaming goes through `StreamGuard`, which releases a sentence only once its numbers
are found in the sources, so nothing unverified is ever shown; if a later rung
replaces the text, the listener's `reset` is called first.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

from pydantic import BaseModel, Field

from assistant.qa import instant as indicator_answer
from assistant.core.config import Settings
from assistant.backends.llama import LLM
from assistant.prompts import load
from assistant.qa.retrieve import Hit, Scope, place_stem, retrieve
from assistant.index.store import Store
from assistant.qa.verify import (
    cited_ids,
    clauses,
    coverage,
    key_terms,
    number_set,
    numbers_in,
    sentence_spans,
    strip_citations,
    ungrounded_numbers,
    unsupported_numbers,
)

NOT_MENTIONED = "报告中未提及"
_REFUSAL = re.compile(r"未提及|没有提及|未涉及|没有提到|未提到|无法回答|无法确定|没有相关|未找到")
_WANTS_NUMBER = re.compile(r"多少|几|比例|百分|数量|数目|率|人数|件数|次数|金额|哪天|哪一天|何时|日期|哪年|文号")
_EXTRACTIVE_MIN = 0.5  # key-term coverage an extractive quote needs (tuned on evals/gold)


class Citation(BaseModel):
    n: int
    report: str = Field(description="Human label, e.g. 乌海市2023年报告")
    report_id: str
    section: str
    quote: str = Field(description="Verbatim sentence from the report")
    start: int = Field(description="Offset of the quote in the report's cleaned text")
    end: int
    chunk_id: str
    location: str | None = Field(default=None, description="第3页 (PDF page) / 第12段 (DOCX paragraph); None for text")


class Answer(BaseModel):
    question: str
    answer: str
    citations: list[Citation] = []
    grounded: bool
    refused: bool = False
    method: str = Field(description="model | model-retry | extractive | refusal")
    scope: dict
    problems: list[str] = []
    prompt: str = ""
    model: str = ""
    timings: dict[str, float] = {}
    usage: dict[str, int] = {}


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
        return f"{self.label} {self.section}\n{self.text}"


class Listener:
    """Receives verified text as it streams; `reset` withdraws what was shown."""

    def __init__(self, emit: Callable[[str], None] | None = None, reset: Callable[[], None] | None = None):
        self.emit = emit or (lambda s: None)
        self.reset = reset or (lambda: None)


class StreamGuard:
    """Passes through whole sentences whose numbers are grounded and supported."""

    def __init__(self, sources: list[Source], terms: list[str], exempt: set[str], listener: Listener):
        self.sources, self.terms, self.exempt, self.listener = [s.full for s in sources], terms, exempt, listener
        self.buffer, self.shown, self.blocked = "", "", False

    def feed(self, piece: str) -> None:
        if self.blocked:
            return
        self.buffer += piece
        while (m := re.search(r"[。！？!?；;\n]", self.buffer)):
            sentence, self.buffer = self.buffer[: m.end()], self.buffer[m.end():]
            # A citation marker right after the full stop belongs to this sentence.
            if (c := re.match(r"\s*(\[\d{1,2}\])+", self.buffer)):
                sentence, self.buffer = sentence + c.group(0), self.buffer[c.end():]
            if (ungrounded_numbers(sentence, self.sources, self.exempt)
                    or unsupported_numbers(sentence, self.sources, self.terms, self.exempt)):
                self.blocked = True
                return
            self.shown += sentence
            self.listener.emit(sentence)

    def withdraw(self) -> None:
        if self.shown:
            self.listener.reset()
        self.shown = ""


def _places(store_reports) -> set[str]:
    return {name for r in store_reports if r.place for name in (r.place, place_stem(r.place))}


def exempt_numbers(question: str, sources: list[Source]) -> set[str]:
    """Numbers an answer may repeat without a source sentence: the question's own and
    those in report labels (乌海市2023年报告)."""
    return number_set(question + " " + " ".join(s.label for s in sources))


def problems_with(text: str, sources: list[Source], terms: list[str], exempt: set[str]) -> list[str]:
    problems = []
    bare = re.sub(r"[\s。.，,:：]", "", strip_citations(text))
    if "来源：" in text or "资料：" in text or any(bare and bare in s.section.replace(" ", "") for s in sources):
        problems.append("回答复述了资料标题，没有回答问题")
    ids = cited_ids(text)
    valid = {s.n for s in sources}
    if bad := [i for i in ids if i not in valid]:
        problems.append(f"引用了不存在的资料编号 {bad}")
    cited = [s.full for s in sources if s.n in ids] or [s.full for s in sources]
    if bad := ungrounded_numbers(text, cited, exempt):
        problems.append(f"数字 {'、'.join(bad)} 在所引资料中找不到")
    elif bad := unsupported_numbers(text, cited, terms, exempt):
        problems.append(f"数字 {'、'.join(bad)} 出现在与问题无关的句子里")
    for title in re.findall(r"《[^》]{2,60}》", text):
        if not any(title in s.text for s in sources):
            problems.append(f"文件名 {title} 在资料中找不到")
    return problems


def best_sentence(sources: list[Source], terms: list[str], wants_number: bool) -> tuple[Source, int, int, float] | None:
    best, best_score = None, -1.0
    for rank, src in enumerate(sources):
        text = src.hit.chunk.text
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if wants_number:
                # The number must sit in a clause about the question, not merely in a
                # sentence that mentions its topic somewhere else.
                numeric = [coverage(c, terms) for c in clauses(sentence) if numbers_in(c)]
                if not numeric:
                    continue
                cov = max(max(numeric), 0.5 * coverage(sentence, terms))
            else:
                cov = coverage(sentence, terms)
            score = cov + (0.15 if wants_number and numbers_in(sentence) else 0) + 0.05 / (rank + 1)
            if score > best_score:
                best, best_score = (src, s, e, cov), score
    return best


def cite(sources: list[Source], text: str, terms: list[str]) -> list[Citation]:
    """One citation per cited source: its sentence that best backs the answer."""
    ids = cited_ids(text)
    wanted = number_set(text)
    out = []
    for src in sources:
        if src.n not in ids:
            continue
        chunk = src.hit.chunk
        spans = sentence_spans(chunk.text) or [(0, len(chunk.text))]
        s, e = max(spans, key=lambda sp: (len(wanted & number_set(chunk.text[sp[0]:sp[1]])),
                                          coverage(chunk.text[sp[0]:sp[1]], terms)))
        out.append(Citation(n=src.n, report=src.label, report_id=chunk.report_id, section=chunk.section,
                            quote=chunk.text[s:e], start=chunk.start + s, end=chunk.start + e,
                            chunk_id=chunk.chunk_id, location=src.hit.report.locate(chunk.start + s)))
    return out


def build_sources(hits: list[Hit], llm: LLM, settings: Settings, question: str) -> list[Source]:
    prompt = load("answer")
    overhead = llm.count_tokens(prompt.system + question) + 64
    budget = llm.n_ctx - settings.max_tokens - overhead
    sources: list[Source] = []
    for hit in hits:
        cost = llm.count_tokens(hit.chunk.text) + 24
        if cost > budget and sources:
            break
        sources.append(Source(len(sources) + 1, hit))
        budget -= cost
    return sources


def ask(question: str, store: Store, llm: LLM, settings: Settings, *, report: str | None = None,
        listener: Listener | None = None) -> Answer:
    listener = listener or Listener()
    question = question.strip()
    timings: dict[str, float] = {"retrieve_ms": 0.0, "prompt_ms": 0.0, "prefill_ms": 0.0, "generate_ms": 0.0}
    usage = {"prompt_tokens": 0, "completion_tokens": 0}
    t0 = time.perf_counter()
    hits, scope = retrieve(question, store, settings, report=report)
    timings["retrieve_ms"] = (time.perf_counter() - t0) * 1000
    scope_info = {"report_ids": scope.report_ids, "reason": scope.reason}

    def finish(text: str, method: str, sources: list[Source], problems: list[str], prompt_ref: str = "",
               refused: bool = False) -> Answer:
        citations = [] if refused else cite(sources, text, terms)
        grounded = refused or (bool(citations) and not problems_with(text, sources, terms, exempt))
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return Answer(question=question, answer=text, citations=citations, grounded=grounded, refused=refused,
                      method=method, scope=scope_info, problems=problems, prompt=prompt_ref,
                      model=getattr(llm, "name", ""), timings=timings, usage=usage)

    everything = store.reports()
    terms = key_terms(question, ignore=_places(everything))
    exempt: set[str] = number_set(question)
    wants_number = bool(_WANTS_NUMBER.search(question))
    if scope.missing:
        listener.emit(f"{NOT_MENTIONED}：{scope.missing}")
        return finish(f"{NOT_MENTIONED}：{scope.missing}", "refusal", [], [scope.missing], refused=True)
    if not hits:
        listener.emit(NOT_MENTIONED)
        return finish(NOT_MENTIONED, "refusal", [], ["没有检索到相关内容"], refused=True)
    if (table := _from_indicators(question, store, scope, exempt, everything)):
        listener.emit(table.answer)
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return table.model_copy(update={"question": question, "scope": scope_info, "timings": timings,
                                        "usage": usage, "model": getattr(llm, "name", "")})

    t1 = time.perf_counter()
    sources = build_sources(hits, llm, settings, question)
    exempt = exempt_numbers(question, sources)
    source_vars = [{"n": s.n, "label": s.label, "section": s.section, "text": s.text} for s in sources]
    attempts = [("model", load("answer"), {})]
    timings["prompt_ms"] = (time.perf_counter() - t1) * 1000
    problems: list[str] = []
    for method, prompt, extra in attempts:
        guard = StreamGuard(sources, terms, exempt, listener)
        t2 = time.perf_counter()
        messages = prompt.render(sources=source_vars, question=question, **extra)
        timings["prompt_ms"] += (time.perf_counter() - t2) * 1000
        completion = llm.complete(messages, max_tokens=settings.max_tokens, temperature=settings.temperature,
                                  seed=settings.seed, on_token=guard.feed)
        for key in ("prefill_ms", "generate_ms"):
            timings[key] += completion.timings.get(key, 0.0)
        usage["prompt_tokens"] += completion.prompt_tokens
        usage["completion_tokens"] += completion.completion_tokens
        text = completion.text.strip()
        if _REFUSAL.search(text) and not numbers_in(text):
            guard.withdraw()
            break  # the model says the sources do not answer: check extractively below
        text = _with_citations(text, sources, terms)
        current = problems_with(text, sources, terms, exempt)
        if not cited_ids(text):  # an answer is shown only with the sources that back it
            current.append("回答没有引用资料")
        if len(re.findall(r"[\u4e00-\u9fff]", strip_citations(text))) < 6:
            current.append("回答没有实质内容")
        elif wants_number and not (number_set(text) - exempt):
            current.append("问题问的是数量或比例，回答中没有数字")
        if not current:
            guard.feed("\n")  # flush the last sentence
            if not guard.shown.strip() and text:
                listener.emit(text)
            return finish(text, method, sources, problems, prompt.ref)
        problems += current
        guard.withdraw()
        if method == "model":
            attempts.append(("model-retry", load("answer_strict"),
                             {"problem": "上一次回答有问题：" + "；".join(current) + "。"}))
    return _fallback(sources, terms, wants_number, listener, problems, finish)


def _from_indicators(question: str, store: Store, scope: Scope, exempt: set[str],
                     everything: list) -> Answer | None:
    """A comparison of one indicator across reports, read off the indicator cards (see
    indicator_answer.py); kept only if every number in it is in its quotes. `everything` is
    the registry ask() has already read (each read is a round trip to Chroma)."""
    by_id = {r.report_id: r for r in everything}
    found = indicator_answer.answer(question, store, [by_id[i] for i in scope.report_ids if i in by_id], everything)
    if found is None:
        return None
    citations = [Citation(n=i, report=c.report.label, report_id=c.report.report_id, section=chunk.section,
                          quote=c.value.quote, start=c.value.start, end=c.value.end, chunk_id=chunk.chunk_id,
                          location=c.report.locate(c.value.start))
                 for i, (c, chunk) in enumerate(zip(found.cells, found.chunks), 1)]
    labels = {str(r.year) for r in everything if r.year}  # "乌海市2023年报告" names its year
    if ungrounded_numbers(strip_citations(found.text), [c.quote for c in citations], exempt | labels):
        return None
    return Answer(question=question, answer=found.text, citations=citations, grounded=True,
                  method="indicators", scope={}, prompt=f"indicators:{found.key}")


def _with_citations(text: str, sources: list[Source], terms: list[str]) -> str:
    """Small models often forget the [n] markers; cite the sources that hold the
    answer's numbers (or, without numbers, the best-matching source)."""
    if cited_ids(text) or not text:
        return text
    wanted = number_set(text)
    holders = [s.n for s in sources if wanted and wanted <= number_set(s.full)][:1]
    if not holders and wanted:  # numbers from several sources: cite each source that holds some
        holders = [s.n for s in sources if wanted & number_set(s.full)][:3]
    if not holders and not wanted:
        holders = [max(sources, key=lambda s: coverage(s.text, terms) + coverage(s.text, [text])).n]
    return text + "".join(f" [{n}]" for n in holders)


def _fallback(sources, terms, wants_number, listener, problems, finish) -> Answer:
    found = best_sentence(sources, terms, wants_number)
    if found and found[3] >= _EXTRACTIVE_MIN:
        src, s, e = found[0], found[1], found[2]
        quote = src.hit.chunk.text[s:e]
        text = f"根据{src.label}：“{quote}” [{src.n}]"
        listener.emit(text)
        return finish(text, "extractive", sources, problems)
    listener.emit(NOT_MENTIONED)
    return finish(NOT_MENTIONED, "refusal", sources, problems, refused=True)

