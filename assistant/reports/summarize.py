"""Report -> ReportSummary: a digest read off the report by rule, with one model call.

What the text states is not left to a model. Metadata come from the ingested `Report`;
each section's 要点 are its own topic clauses and its 关键数据 the indicator values and counted
figures of its clauses (sections.py), all verbatim with offsets; 存在问题 / 下一步计划 /
荣誉与示范 are the report's own items (outline.py). The model writes only the prose: the
总体概述, from the opening, the sections' topic clauses and the closing — and the two lists
for a report that has no such sections — in one schema-constrained call whose sentences
are kept only if their numbers occur in the report (dropped ones are counted in 来源). So a
summary costs one call (seconds, not minutes, on a CPU) and every bullet is a whole clause
of the report or a verified model sentence. Trade-off: bullets keep the report's wording.

Worked example: the heading "(四)聚焦严格公正文明执法,执法质量水平持续提高。一是聚力专项整治。…" is
a section titled "(四)聚焦严格公正文明执法,执法质量水平持续提高" with 要点 "聚力专项整治", and
关键数据 行政机关负责人出庭应诉率 98.4% quoted from "…行政机关负责人出庭应诉率98.4%。".
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from assistant.backends.base import LLM, Completion
from assistant.backends.structured import ask_structured
from assistant.core.config import Settings
from assistant.core.errors import ContextTooLong, SchemaError
from assistant.core.types import Report
from assistant.index.store import Store
from assistant.prompts import Prompt, load
from assistant.reports.indicators import extract as extract_indicators
from assistant.reports.outline import honours, outline, paragraphs, problems_and_plans
from assistant.reports.sections import digest, near_duplicate
from assistant.reports.summary_models import (
    OVERVIEW_CHARS,
    Metadata,
    OverviewDraft,
    Provenance,
    ReportSummary,
    SectionSummary,
)
from assistant.text.numerals import number_set
from assistant.text.sentences import TERMINATORS, sentence_spans

SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")
PIPELINE = 6  # bump when a code change alters summaries, so cached ones are regenerated
_REASK_RESERVE = 128  # prompt tokens kept free for chat-template markup and the re-ask note
_STOPS = TERMINATORS + "\n"  # where a cut text may end
Progress = Callable[[int, int, str], None]  # (done, total, what is being summarised now)


class SummaryOptions(BaseModel):
    """`max_tokens` bounds the overview call; `max_points` and `max_figures` bound each
    section's bullets and figures; depth 1 digests top-level sections instead of each (一)."""

    max_tokens: int = Field(320, ge=64, description="the overview (200 characters) and, if asked, the two lists")
    max_points: int = Field(6, ge=1, le=6)
    max_figures: int = Field(8, ge=0, le=12)
    depth: int = Field(2, ge=1, le=2)


# --- fitting the prompt ---------------------------------------------------------------
def _fit(llm: LLM, prompt: Prompt, values: dict, key: str, max_tokens: int) -> tuple[list, bool]:
    """Render `prompt`, cutting values[key] at a sentence end until prompt + answer fit n_ctx."""
    overhead = sum(llm.count_tokens(m["content"]) for m in prompt.render(**{**values, key: ""}))
    budget = llm.n_ctx - max_tokens - overhead - _REASK_RESERVE
    if budget <= 0:
        raise ContextTooLong(
            f"提示模板 {prompt.ref} 本身已超出上下文 / the prompt alone exceeds n_ctx {llm.n_ctx}",
            "增大 ASSISTANT_N_CTX",
        )
    text, truncated = values[key], False
    if llm.count_tokens(text) > budget:
        lo, hi = 0, len(text)
        while lo < hi:  # longest prefix within budget
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if llm.count_tokens(text[:mid]) <= budget else (lo, mid - 1)
        text, truncated = text[: _sentence_end(text, lo)], True
    return prompt.render(**{**values, key: text}), truncated


def _sentence_end(text: str, limit: int) -> int:
    """Where to cut text to at most `limit` characters: after the last full stop, if any."""
    cut = max(text.rfind(c, 0, limit) for c in _STOPS) + 1
    return cut if cut > limit // 3 else limit


def _trim(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a sentence end, else at a clause end with "…"."""
    if len(text) <= limit:
        return text
    cut = _sentence_end(text, limit)
    if text[cut - 1] in _STOPS:
        return text[:cut]
    clause = max(text.rfind(c, 0, limit - 1) for c in "，,；;、")
    return text[:clause] + "…" if clause > limit // 3 else text[: limit - 1] + "…"


def _opening(preamble: str, text: str) -> str:
    """The report's own overview: the longest paragraph before the first section, else the first."""
    return max(paragraphs(preamble, 20), key=len, default="") or next(iter(paragraphs(text, 20)), "")


# --- the one model call ---------------------------------------------------------------
def _grounded(items: list[str], available: set[str], what: str, prov: Provenance) -> list[str]:
    """Model sentences whose numbers all occur in the report; the others are dropped and counted."""
    kept = []
    for item in (i.strip() for i in items):
        if item and not any(near_duplicate(item, k) for k in kept):
            if number_set(item) <= available:
                kept.append(item)
            else:
                prov.drop(what)
    return kept


def _overview(
    llm: LLM,
    settings: Settings,
    options: SummaryOptions,
    report: Report,
    text: str,
    preamble: str,
    sections: list[SectionSummary],
    ask_lists: bool,
    prov: Provenance,
) -> OverviewDraft | None:
    opening = _opening(preamble, text)
    closing = (paragraphs(text, 40) or [""])[-1]
    values = {
        "report": report.label,
        "opening": opening[:400],
        "closing": closing[-400:],
        "ask_lists": ask_lists,
        "sections": "\n".join(f"{s.标题}：" + "；".join(s.要点[:3]) for s in sections) or "（无）",
    }
    prompt = load("summary_overview")
    messages, truncated = _fit(llm, prompt, values, "sections", options.max_tokens)
    if truncated:
        prov.truncated_sections.append("各部分")
    schema = OverviewDraft.model_json_schema()
    if not ask_lists:
        schema["properties"] = {"总体概述": schema["properties"]["总体概述"]}
        schema["required"] = ["总体概述"]

    def count(reply: Completion) -> None:
        for k, v in (
            ("calls", 1),
            ("prompt_tokens", reply.prompt_tokens),
            ("completion_tokens", reply.completion_tokens),
        ):
            prov.usage[k] = prov.usage.get(k, 0) + v

    try:
        return ask_structured(
            llm,
            messages,
            OverviewDraft,
            schema,
            max_tokens=options.max_tokens,
            temperature=settings.temperature,
            seed=settings.seed,
            on_reply=count,
        )
    except SchemaError:
        return None


# --- the pipeline -----------------------------------------------------------------------
def cache_path(settings: Settings, report: Report, model: str, prompts: list[str], options: SummaryOptions) -> Path:
    """A summary is reused only for the same report version, model, prompt versions and budget."""
    blob = json.dumps(
        {
            "version": report.version,
            "model": model,
            "prompts": prompts,
            "pipeline": PIPELINE,
            **options.model_dump(),
            "seed": settings.seed,
            "temperature": settings.temperature,
        },
        sort_keys=True,
    )
    return settings.data_dir / "summaries" / f"{report.report_id}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}.json"


def _cached(path: Path) -> ReportSummary | None:
    try:
        return ReportSummary.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return None  # none yet, or written by an older schema: regenerate


def _save(path: Path, summary: ReportSummary) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)


def _metadata(report: Report) -> Metadata:
    return Metadata(
        地区=report.place,
        上级=report.parent,
        行政层级=report.level,
        文件类型=report.kind,
        报告年度=report.year,
        标题=report.title,
        发布机关=report.issuer,
        日期=report.date,
        文号=report.doc_number,
    )


class ByRule(BaseModel):
    """What a summary reads off the text without a model."""

    preamble: str
    sections: list[SectionSummary]
    problems: list[str]
    plans: list[str]
    honours: list[str]


def _distinct(items: list[str], seen: list[str]) -> list[str]:
    """`items` less those near-duplicating one already shown (`seen`, extended in place)."""
    kept = []
    for item in items:
        if not any(near_duplicate(item, s) for s in seen):
            kept.append(item)
            seen.append(item)
    return kept


def read_by_rule(text: str, options: SummaryOptions) -> ByRule:
    """Sections (topic clauses, named instruments, figures), the stated problems and plans,
    and the honours, all verbatim; no bullet repeats another anywhere in the summary."""
    preamble, parts = outline(text, options.depth)
    cards = extract_indicators(text)
    seen: list[str] = []
    sections = []
    for part in (p for p in parts if p.kind == "body"):
        s = digest(text, part, cards, options.max_points, options.max_figures)
        s.要点, s.制度与品牌 = _distinct(s.要点, seen), _distinct(s.制度与品牌, seen)
        if s.要点 or s.关键数据:
            sections.append(s)
    problems, plans = problems_and_plans(text, parts)
    body_text = preamble + "\n".join(text[p.start : p.end] for p in parts if p.kind == "body")
    return ByRule(
        preamble=preamble,
        sections=sections,
        problems=_distinct(problems, seen),
        plans=_distinct(plans, seen),
        honours=_distinct(honours(body_text), seen),
    )


def summarize_report(
    store: Store,
    llm: LLM,
    settings: Settings,
    report_id: str,
    *,
    options: SummaryOptions | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> ReportSummary:
    options = options or SummaryOptions()
    report = store.find_report(report_id)
    refs = [load("summary_overview").ref]
    path = cache_path(settings, report, llm.name, refs, options)
    if not refresh and (cached := _cached(path)):
        return cached
    started = time.perf_counter()
    text = store.report_text(report.report_id)
    prov = Provenance(
        report_id=report.report_id,
        report_version=report.version,
        model=llm.name,
        prompt="+".join(refs),
        generated_at="",
    )
    if progress:
        progress(0, 2, "按规则读取各部分")
    read = read_by_rule(text, options)
    sections, problems, plans = read.sections, read.problems, read.plans
    prov.figures_from_rules = sum(len(s.关键数据) for s in sections)
    if progress:
        progress(1, 2, "总体概述")
    available = number_set(text)
    draft = _overview(llm, settings, options, report, text, read.preamble, sections, not (problems and plans), prov)
    overview = ""
    if draft is not None:
        spans = sentence_spans(draft.总体概述)
        overview = _trim(
            "".join(_grounded([draft.总体概述[s:e] for s, e in spans], available, "总体概述", prov)), OVERVIEW_CHARS
        )
        problems = problems or _grounded(draft.存在问题, available, "存在问题", prov)
        plans = plans or _grounded(draft.下一步计划, available, "下一步计划", prov)
    if not overview:  # the report's own opening sentences rather than nothing
        prov.failed_sections.append("总体概述")
        overview = _trim(_opening(read.preamble, text), OVERVIEW_CHARS)
    prov.generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    prov.seconds = round(time.perf_counter() - started, 1)
    summary = ReportSummary(
        元数据=_metadata(report),
        总体概述=overview,
        主要举措与成效=sections,
        存在问题=problems,
        下一步计划=plans,
        荣誉与示范=read.honours,
        来源=prov,
    )
    _save(path, summary)
    if progress:
        progress(2, 2, "完成")
    return summary


def summary_json_schema() -> dict:
    return ReportSummary.model_json_schema()


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(summary_json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if sys.argv[1:] == ["--schema"]:
        print(write_schema())
    else:
        print(
            "usage: python -m assistant.reports.summarize --schema   (regenerates assistant/reports/summary.schema.json)"
        )
