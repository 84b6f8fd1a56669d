"""A summary as a one-page Markdown digest: metadata table, sections with bullets, figures
with their verbatim quotes as numbered footnotes."""

from __future__ import annotations

from assistant.reports.summary_models import ReportSummary


def render_markdown(summary: ReportSummary) -> str:
    """A digest: metadata table, sections with bullets, quotes as numbered footnotes."""
    meta, src = summary.元数据, summary.来源
    heading = meta.标题 or (f"{meta.地区 or src.report_id}{meta.报告年度 or ''}年度法治政府建设情况报告")
    lines = [f"# {heading}：摘要", "", "| 项目 | 内容 |", "| --- | --- |"]
    lines += [f"| {k} | {v if v not in (None, '') else '—'} |" for k, v in meta.model_dump().items()]
    lines += ["", "## 总体概述", "", summary.总体概述, "", "## 主要举措与成效"]
    notes: list[str] = []
    for section in summary.主要举措与成效:
        lines += ["", f"### {section.标题}", ""] + [f"- {p}" for p in section.要点]
        lines += [f"- 制度与品牌：{n}" for n in section.制度与品牌]
        for f in section.关键数据:
            notes.append(f"[^{len(notes) + 1}]: “{f.原文}”（第 {f.start}–{f.end} 字）")
            unit = "" if f.单位 in f.数值 else f.单位
            lines.append(f"- **{f.指标}**：{f.数值}{unit}[^{len(notes)}]")
    for title, items in (
        ("存在问题", summary.存在问题),
        ("下一步计划", summary.下一步计划),
        ("荣誉与示范", summary.荣誉与示范),
    ):
        lines += ["", f"## {title}", ""] + ([f"- {i}" for i in items] or ["（报告中未提及）"])
    lines += [
        "",
        "---",
        f"生成：{src.model} · {src.prompt} · {src.generated_at} · 未通过核实而删去 {src.dropped_unverified} 条",
    ]
    if src.failed_sections:
        lines.append("模型未能给出有效结果的部分：" + "、".join(src.failed_sections))
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"
