"""Reviews as a reviewer sends them on: a Markdown digest (one summary row per report, then
each report's findings with their quotes as footnotes), CSV (one row per finding and
quote) or JSON (the models as they are)."""

from __future__ import annotations

import csv
import io
import json

from assistant.reports.review import ReportReview
from assistant.reports.trends import TrendSeries
from assistant.reports.trends import render_markdown as trends_markdown

_MARK = {
    "具备": "✓",
    "按时": "✓",
    "单薄": "△",
    "缺少": "✗",
    "逾期": "✗",
    "矛盾": "✗",
    "无法判断": "?",
    "不适用": "—",
}
CSV_COLUMNS = ("report_id", "report", "area", "item", "status", "detail", "quote", "start", "end", "location")


def overview_row(r: ReportReview) -> dict[str, str]:
    """The one-line view of a report's review (the 审查 tab's table, the digest's first table)."""
    content = r.of("内容")
    counted = {s: sum(f.status == s for f in content) for s in ("具备", "单薄", "缺少")}
    timing = next((f for f in r.findings if f.item == "报送时限"), None)
    publishing = next((f for f in r.findings if f.item == "公开时限"), None)
    missing = [f.item for f in r.of("核心指标") if f.status == "缺少"]
    return {
        "报告": r.label,
        "必备内容": "不适用"
        if any(f.status == "不适用" and f.item == "年度报告的必备内容" for f in content)
        else f"具备 {counted['具备']} · 单薄 {counted['单薄']} · 缺少 {counted['缺少']}",
        "缺少或单薄": "、".join(f.item for f in content if f.status in ("缺少", "单薄")) or "—",
        "报送": timing.status if timing else "—",
        "公开": publishing.status if publishing else "—",
        "缺少的核心指标": "、".join(missing) or "—",
        "矛盾": str(len(r.of("一致性"))),
    }


def render_markdown(reviews: list[ReportReview], trends: list[TrendSeries] | None = None) -> str:
    lines = ["# 法治政府建设年度报告审查", ""]
    rows = [overview_row(r) for r in reviews]
    if rows:
        lines += ["| " + " | ".join(rows[0]) + " |", "| --- " * len(rows[0]) + "|"]
        lines += ["| " + " | ".join(row.values()) + " |" for row in rows]
    notes: list[str] = []
    for r in reviews:
        lines += ["", f"## {r.label}（{r.report_id}）", ""]
        for area in ("内容", "时限与形式", "核心指标", "一致性"):
            found = r.of(area)
            if not found:
                continue
            lines += [f"**{area}**", ""]
            for f in found:
                refs = ""
                for e in f.evidence:
                    where = f"第 {e.start}–{e.end} 字" if e.start is not None else "网页信息"
                    loc = f"，{e.location}" if e.location else ""
                    notes.append(f"[^{len(notes) + 1}]: “{e.quote}”（{r.report_id}，{where}{loc}）")
                    refs += f"[^{len(notes)}]"
                lines.append(f"- {_MARK[f.status]} {f.item}：**{f.status}** — {f.detail}{refs}")
            lines.append("")
    if trends:
        lines += ["## 历年变化", "", trends_markdown(trends)]
    lines += [
        "",
        "✓ 具备/按时 · △ 单薄 · ✗ 缺少/逾期/矛盾 · ? 无法判断 · — 不适用。"
        "依据《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号），规则见 assistant/reports/reporting_rules.yaml。",
    ]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def render_csv(reviews: list[ReportReview]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for r in reviews:
        for f in r.findings:
            base = {"report_id": r.report_id, "report": r.label, "area": f.area, "item": f.item}
            base |= {"status": f.status, "detail": f.detail}
            for e in f.evidence or [None]:
                quoted = e.model_dump() if e else {}
                writer.writerow({**base, **{k: quoted.get(k) for k in ("quote", "start", "end", "location")}})
    return out.getvalue()


def render_json(reviews: list[ReportReview], trends: list[TrendSeries] | None = None) -> str:
    return json.dumps(
        {"reviews": [r.model_dump() for r in reviews], "trends": [t.model_dump() for t in trends or []]},
        ensure_ascii=False,
        indent=2,
    )
