"""Report -> ReportSummary: a map-reduce digest whose every figure is quoted verbatim.

Map: each outline section (一、, or its (一) subsections) gets one schema-constrained
call returning 要点 and 关键数据; reduce: one call writes the 总体概述 from those and the
report's opening and closing paragraphs. What the text states outright is not left to
the model: metadata come from the ingested `Report`, titles from the headings, and
存在问题 / 下一步计划 / 荣誉与示范 are quoted from the text (the model writes the two
lists only for reports without such sections). A 关键数据 entry survives only if its
原文 occurs verbatim in the report and holds its 数值; a 要点 only if its numbers occur
in the report; drops are counted in 来源. Trade-offs: one call per section costs
minutes per report on a CPU (grammar-constrained sampling is slower per token), and a
section longer than the context is truncated rather than split.

Worked example: the heading "(四)聚焦严格公正文明执法,执法质量水平持续提高。一是…" is a
section titled "(四)聚焦严格公正文明执法,执法质量水平持续提高"; a figure {"数值": "98.4%",
"原文": "行政机关负责人出庭应诉率98.4%"} is kept with the quote's offsets, one whose 原文
says 125件 where the report says 124件 is dropped and counted.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from assistant.backends.base import LLM, Completion
from assistant.backends.structured import ask_structured
from assistant.core.config import Settings
from assistant.core.errors import ContextTooLong, SchemaError
from assistant.core.types import Report
from assistant.index.store import Store
from assistant.prompts import Prompt, load
from assistant.reports.figures import check_figure, grounded
from assistant.reports.indicators import BY_KEY
from assistant.reports.indicators import extract as extract_indicators
from assistant.reports.outline import Part, honours, outline, paragraphs, problems_and_plans
from assistant.reports.summary_models import (
    OVERVIEW_CHARS,
    KeyFigure,
    Metadata,
    Provenance,
    ReduceDraft,
    ReportSummary,
    SectionDraft,
    SectionSummary,
)
from assistant.text.numerals import number_set
from assistant.text.sentences import TERMINATORS, sentence_spans
from assistant.text.years import is_year

SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")
PIPELINE = 4  # bump when a code change alters summaries, so cached ones are regenerated
_REASK_RESERVE = 128  # prompt tokens kept free for chat-template markup and the re-ask note
Progress = Callable[[int, int, str], None]  # (done, total, what is being summarised now)
_STOPS = TERMINATORS + "\n"  # where a cut text may end


class SummaryOptions(BaseModel):
    """How much the model may write: `max_tokens` bounds each call; `max_points` (3-6) and
    `max_figures` bound each section's JSON so that it closes within that budget; depth 1
    makes one call per top-level section instead of one per (一) subsection (faster)."""

    max_tokens: int = Field(640, ge=64, description="6 要点 and 4 figures at their maximum length")
    max_points: int = Field(6, ge=3, le=6)
    max_figures: int = Field(4, ge=0, le=6)
    depth: Literal[1, 2] = 2


@dataclass
class _Job:
    """One report being summarised: what every step reads, and the provenance they fill."""

    report: Report
    text: str
    llm: LLM
    settings: Settings
    options: SummaryOptions
    prov: Provenance

    @cached_property
    def available(self) -> set[str]:
        """Every number the report states: a model sentence may use only these."""
        return number_set(self.text)

    def ask(self, messages: list, model: type[BaseModel], schema: dict) -> BaseModel | None:
        """The validated draft, or None (recorded by the caller) when the model fails twice."""
        try:
            return ask_structured(
                self.llm,
                messages,
                model,
                schema,
                max_tokens=self.options.max_tokens,
                temperature=self.settings.temperature,
                seed=self.settings.seed,
                on_reply=self._count,
            )
        except SchemaError:
            return None

    def _count(self, reply: Completion) -> None:
        for k, v in (
            ("calls", 1),
            ("prompt_tokens", reply.prompt_tokens),
            ("completion_tokens", reply.completion_tokens),
        ):
            self.prov.usage[k] = self.prov.usage.get(k, 0) + v


# --- fitting prompts ------------------------------------------------------------------
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
    if len(text) <= limit:
        return text
    cut = _sentence_end(text, limit)
    return text[:cut] if text[cut - 1] in _STOPS else text[: limit - 1] + "…"


# --- the map step: one call per section -------------------------------------------------
def _section_schema(options: SummaryOptions) -> dict:
    schema = SectionDraft.model_json_schema()
    schema["properties"]["要点"]["maxItems"] = max(3, min(6, options.max_points))
    schema["properties"]["关键数据"]["maxItems"] = options.max_figures
    return schema


def _summarize_section(job: _Job, part: Part, prompt: Prompt, schema: dict) -> SectionSummary:
    o = job.options
    values = {
        "report": job.report.label,
        "title": part.title,
        "text": job.text[part.start : part.end].strip(),
        "max_figures": o.max_figures,
    }
    messages, truncated = _fit(job.llm, prompt, values, "text", o.max_tokens)
    if truncated:
        job.prov.truncated_sections.append(part.title)
    # Left free to answer [], the 0.5B model always does; a section that states numbers
    # (other than years) must yield at least one figure, which verification then checks.
    has_numbers = any(not is_year(n) for n in number_set(values["text"]))
    schema["properties"]["关键数据"]["minItems"] = 1 if has_numbers and o.max_figures else 0
    draft = job.ask(messages, SectionDraft, schema)
    if draft is None:
        job.prov.failed_sections.append(part.title)
        return SectionSummary(标题=part.title, 要点=[], 关键数据=[])
    figures: list[KeyFigure] = []
    for figure in draft.关键数据[: o.max_figures]:
        job.prov.figures_proposed += 1
        kept = check_figure(figure, job.text, part.start, part.end, job.prov)
        if kept is None:
            job.prov.drop("关键数据")
        elif all((k.start, k.数值) != (kept.start, kept.数值) for k in figures):
            figures.append(kept)
    return SectionSummary(标题=part.title, 要点=grounded(draft.要点, job.available, "要点", job.prov), 关键数据=figures)


def _add_indicator_figures(text: str, body: list, sections: list[SectionSummary], prov: Provenance) -> None:
    """The indicator cards' values (read by rule, quoted, see indicators.py) join the
    section that holds them, unless the model already gave that number from that sentence."""
    for key, v in extract_indicators(text).items():
        i = next((i for i, part in enumerate(body) if part.start <= v.start < part.end), None)
        if i is None:
            continue
        number = v.raw.removesuffix(v.unit) if v.raw.endswith(v.unit) else v.raw
        figures = sections[i].关键数据
        if any(f.start < v.end and v.start < f.end and number_set(f.数值) == number_set(number) for f in figures):
            continue
        figures.append(
            KeyFigure(
                指标=BY_KEY[key].name, 数值=number, 单位=v.unit, 原文=v.quote, start=v.start, end=v.end, 依据="规则"
            )
        )
        figures.sort(key=lambda f: f.start)
        prov.figures_from_rules += 1


# --- the reduce step: the overview (and the lists, if the text has none) ----------------
def _overview(
    job: _Job, preamble: str, parts: list[Part], sections: list[SectionSummary], prompt: Prompt
) -> tuple[str, list[str], list[str]]:
    text = job.text
    problems, plans = problems_and_plans(text, parts)
    opening = max(paragraphs(preamble, 20), key=len, default="") or next(iter(paragraphs(text, 20)), "")
    closing = (paragraphs(text, 40) or [""])[-1]
    ask_lists = not (problems and plans)
    values = {
        "report": job.report.label,
        "opening": opening[:600],
        "closing": closing[-600:],
        "ask_lists": ask_lists,
        "sections": "\n".join(f"{s.标题}：" + "；".join(s.要点) for s in sections) or "（无）",
    }
    messages, _ = _fit(job.llm, prompt, values, "sections", job.options.max_tokens)
    schema = ReduceDraft.model_json_schema()
    if not ask_lists:
        schema["properties"] = {"总体概述": schema["properties"]["总体概述"]}
        schema["required"] = ["总体概述"]
    draft = job.ask(messages, ReduceDraft, schema)
    overview = ""
    if draft is not None:
        sentences = [draft.总体概述[s:e] for s, e in sentence_spans(draft.总体概述)]
        overview = _trim("".join(grounded(sentences, job.available, "总体概述", job.prov)), OVERVIEW_CHARS)
        if ask_lists:
            problems = problems or grounded(draft.存在问题, job.available, "存在问题", job.prov)
            plans = plans or grounded(draft.下一步计划, job.available, "下一步计划", job.prov)
    if not overview:  # the report's own opening sentences rather than nothing
        job.prov.failed_sections.append("总体概述")
        overview = _trim(opening, OVERVIEW_CHARS)
    return overview, problems, plans


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
    map_prompt, reduce_prompt = load("summary_section"), load("summary_reduce")
    refs = [map_prompt.ref, reduce_prompt.ref]
    path = cache_path(settings, report, llm.name, refs, options)
    if not refresh and (cached := _cached(path)):
        return cached
    started = time.perf_counter()
    job = _Job(
        report,
        store.report_text(report.report_id),
        llm,
        settings,
        options,
        Provenance(
            report_id=report.report_id,
            report_version=report.version,
            model=llm.name,
            prompt="+".join(refs),
            generated_at="",
        ),
    )
    preamble, parts = outline(job.text, options.depth)
    body = [p for p in parts if p.kind == "body"]
    schema = _section_schema(options)
    sections = []
    for i, part in enumerate(body):
        if progress:
            progress(i, len(body) + 1, part.title)
        sections.append(_summarize_section(job, part, map_prompt, schema))
    _add_indicator_figures(job.text, body, sections, job.prov)
    sections = [s for s in sections if s.要点 or s.关键数据]
    if progress:
        progress(len(body), len(body) + 1, "总体概述")
    overview, problems, plans = _overview(job, preamble, parts, sections, reduce_prompt)
    body_text = preamble + "\n".join(job.text[p.start : p.end] for p in body)
    job.prov.generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    job.prov.seconds = round(time.perf_counter() - started, 1)
    summary = ReportSummary(
        元数据=Metadata(
            地区=report.place,
            行政层级=report.level,
            报告年度=report.year,
            标题=report.title,
            发布机关=report.issuer,
            日期=report.date,
            文号=report.doc_number,
        ),
        总体概述=overview,
        主要举措与成效=sections,
        存在问题=problems,
        下一步计划=plans,
        荣誉与示范=honours(body_text),
        来源=job.prov,
    )
    _save(path, summary)
    if progress:
        progress(len(body) + 1, len(body) + 1, "完成")
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
