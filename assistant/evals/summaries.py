"""Summaries against gold (gold/reports.jsonl): metadata, key facts, number precision.

Per report: metadata accuracy is the share of the seven fields (地区 … 文号) equal to the
gold after normalisation, where a gold null counts as right only if the summary leaves the
field empty too (an invented 文号 is wrong); key-fact recall is the share of the gold
``key_facts`` found anywhere in the summary's content (digest, figures and their quotes);
number precision is the share of distinct numbers in that content that occur in the
report. Trade-off: recall rewards quoting, so a summary that quotes more scores higher;
precision is what guards against padding it with invented figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel

from assistant.evals.gold import ReportGold
from assistant.evals.grading import fact_present, normalize
from assistant.reports.summary_models import ReportSummary
from assistant.text.numerals import number_set

# gold field -> summary 元数据 field
FIELDS = {
    "place": "地区",
    "level": "行政层级",
    "year": "报告年度",
    "title": "标题",
    "issuer": "发布机关",
    "date": "日期",
    "doc_number": "文号",
}


class SummaryResult(BaseModel):
    report: str
    error: str | None = None  # set (and the scores empty) when the report is not ingested
    metadata_accuracy: float | None = None
    metadata_wrong: list[str] = []
    key_fact_recall: float | None = None
    key_facts_missed: list[str] = []
    number_precision: float | None = None
    numbers_unsupported: list[str] = []
    figures: int = 0
    dropped_unverified: int = 0
    seconds: float = 0.0


class SummaryMetrics(BaseModel):
    reports: int
    metadata_accuracy: float | None
    key_fact_recall: float | None
    number_precision: float | None
    figures_per_report: float | None
    dropped_per_report: float | None


def content_text(summary: ReportSummary) -> str:
    """Everything a reader sees of the summary's substance; provenance (model name, dates
    of generation) is left out so that it cannot count as a fact or a number."""
    meta = [str(v) for v in summary.元数据.model_dump().values() if v not in (None, "")]
    # The ISO date (2024-01-22) is the report's own 2024年1月22日: "01" is no number it states.
    meta = [
        re.sub(r"^(\d{4})-(\d{2})-(\d{2})$", lambda m: "{}年{}月{}日".format(*map(int, m.groups())), v) for v in meta
    ]
    parts = meta + [summary.总体概述]
    for s in summary.主要举措与成效:
        parts += [s.标题, *s.要点, *s.制度与品牌]
        parts += [f"{f.指标} {f.数值}{f.单位} {f.原文}" for f in s.关键数据]
    parts += summary.存在问题 + summary.下一步计划 + summary.荣誉与示范
    return "\n".join(parts)


def _bare(value) -> str:
    return re.sub(r"[、，,;；\s]", "", normalize(str(value)))


def _same(got, want) -> bool:
    """Equal after normalisation; separators between names (、，, spaces) do not count."""
    if want is None:
        return got in (None, "")
    return got is not None and _bare(got) == _bare(want)


def score_summary(summary: ReportSummary, gold: ReportGold, report_text: str) -> SummaryResult:
    meta = summary.元数据.model_dump()
    fields = {g: _same(meta[s], getattr(gold, g)) for g, s in FIELDS.items()}
    content = content_text(summary)
    covered = [f for f in gold.key_facts if fact_present(f, content)]
    numbers = number_set(content)
    unsupported = sorted(numbers - number_set(report_text))
    return SummaryResult(
        report=gold.report_id,
        metadata_accuracy=sum(fields.values()) / len(fields),
        metadata_wrong=[g for g, ok in fields.items() if not ok],
        key_fact_recall=len(covered) / len(gold.key_facts) if gold.key_facts else None,
        key_facts_missed=[f for f in gold.key_facts if f not in covered],
        number_precision=(len(numbers) - len(unsupported)) / len(numbers) if numbers else 1.0,
        numbers_unsupported=unsupported,
        figures=sum(len(s.关键数据) for s in summary.主要举措与成效),
        dropped_unverified=summary.来源.dropped_unverified,
        seconds=summary.来源.seconds,
    )


def summary_eval(
    store, llm, settings, gold: list[ReportGold], *, depth: int = 2, progress: Callable[[int], None] | None = None
) -> tuple[SummaryMetrics, list[SummaryResult]]:
    """Summarise each gold report that is ingested (cached summaries are reused) and score it."""
    from assistant.reports.summarize import SummaryOptions, summarize_report

    held = {r.report_id for r in store.reports()}
    rows = []
    for g in gold:
        if g.report_id not in held:
            rows.append(SummaryResult(report=g.report_id, error="未入库 / not ingested"))
        else:
            summary = summarize_report(store, llm, settings, g.report_id, options=SummaryOptions(depth=depth))
            rows.append(score_summary(summary, g, store.report_text(g.report_id)))
        if progress:
            progress(1)
    scored = [r for r in rows if r.error is None]

    def avg(key: str) -> float | None:
        values = [getattr(r, key) for r in scored if getattr(r, key) is not None]
        return round(sum(values) / len(values), 3) if values else None

    metrics = SummaryMetrics(
        reports=len(scored),
        metadata_accuracy=avg("metadata_accuracy"),
        key_fact_recall=avg("key_fact_recall"),
        number_precision=avg("number_precision"),
        figures_per_report=avg("figures"),
        dropped_per_report=avg("dropped_unverified"),
    )
    return metrics, rows
