"""Handlers behind the 报告库 / 摘要 / 对比 / 审查 / 设置 tabs: plain functions of plain values.

They return strings, rows and file paths and raise AssistantError with a hint; app.py
turns those into component updates and readable messages, so every function here is
tested without a browser. Progress is an optional `(done, total, label)` callback.
"""

from __future__ import annotations

import hashlib
import html
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from assistant.apps.ui.services import Services
from assistant.core.config import Settings
from assistant.core.errors import ConfigError, IngestError, StoreError
from assistant.core.types import Report
from assistant.reports.compare import ComparisonRow

Progress = Callable[[int, int, str], None]
# The library table: (heading, value of a Report); "—" where the text does not say.
_LIBRARY: list[tuple[str, Callable[[Report], object]]] = [
    ("报告 id", lambda r: r.report_id),
    ("地区", lambda r: r.place),
    ("上级", lambda r: r.parent),
    ("层级", lambda r: r.level),
    ("类型", lambda r: r.kind),
    ("年度", lambda r: r.year),
    ("标题", lambda r: r.display_title + ("（推定）" if r.title_derived else "")),
    ("发布机关", lambda r: r.issuer),
    ("日期", lambda r: r.date),
    ("文号", lambda r: r.doc_number),
    ("待核", lambda r: "；".join(f"{k}：{v}" for k, v in r.unsure.items()) or None),
    ("段数", lambda r: r.n_chunks),
    ("字数", lambda r: r.chars),
    ("编码", lambda r: r.encoding),
    ("入库时间", lambda r: r.ingested_at.replace("T", " ")[:16]),
]
REPORT_COLUMNS = [name for name, _ in _LIBRARY]
STATUS = {"added": "✔ 新增", "replaced": "↻ 已更新", "unchanged": "· 未变", "duplicate": "· 重复", "failed": "✘ 失败"}
EXPORT_DIR = Path(tempfile.gettempdir()) / "assistant-ui"  # Gradio serves files from the temp dir


# --- 报告库 ---------------------------------------------------------------------------
def library_rows(services: Services) -> list[list]:
    return [["—" if (v := value(r)) is None else v for _, value in _LIBRARY] for r in services.reports()]


def upload(paths: list[str], services: Services, progress: Progress | None = None) -> str:
    """Ingest uploaded files; a line per file saying what happened, rejections included.
    Files are copied into data_dir/uploads first: Gradio's upload cache is temporary, and
    a report's source path should outlive it (re-uploading the same name replaces it)."""
    from assistant.ingest.pipeline import SUFFIXES, ingest_paths

    if not paths:
        raise IngestError(
            "没有选择文件 / no file chosen", "先点击上传区域选择 " + "、".join(sorted(SUFFIXES)) + " 文件"
        )
    lines, accepted = [], []
    uploads = services.settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    for p in map(Path, paths):
        if p.suffix.lower() not in SUFFIXES:
            lines.append(
                f"{STATUS['failed']} {p.name}：不支持的文件类型 {p.suffix or '（无扩展名）'}；"
                f"可上传 {'、'.join(sorted(SUFFIXES))}"
            )
            continue
        dest = uploads / p.name
        shutil.copyfile(p, dest)
        accepted.append(dest)
    if accepted:
        if progress:
            progress(0, len(accepted), "入库中：读取、切分并计算向量……")
        for r in ingest_paths(accepted, services.store, progress=True):
            name = Path(r.path).name
            line = f"{STATUS[r.status]} {name}" + (f" → {r.report_id}（{r.chunks} 段）" if r.report_id else "")
            if r.message:
                line += "：" + r.message.replace(str(uploads) + "/", "").replace("\n", "；")
            lines.append(line)
        if progress:
            progress(len(accepted), len(accepted), "完成")
    return "\n".join(f"- {line}" for line in lines)


def remove(report_id: str | None, services: Services) -> str:
    if not report_id:
        raise StoreError("没有选择报告 / no report chosen", "在下拉框中选择要删除的报告")
    store = services.store
    with store.write_lock():
        report = store.find_report(report_id)
        store.remove(report.report_id)
        store.lexical()  # rebuild BM25 now, not on the next question
    return f"已删除 {report.label}（{report.report_id}）"


# --- 摘要 -----------------------------------------------------------------------------
def summary(
    report_id: str | None, services: Services, *, refresh: bool = False, progress: Progress | None = None
) -> tuple[str, list[str]]:
    """(Markdown digest, [JSON path, Markdown path]); cached summaries return at once."""
    from assistant.reports.digest import render_markdown
    from assistant.reports.summarize import summarize_report

    if not report_id:
        raise StoreError("没有选择报告 / no report chosen", "在下拉框中选择一份报告")
    result = summarize_report(
        services.store, services.llm, services.settings, report_id, refresh=refresh, progress=progress
    )
    markdown = render_markdown(result)
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    base = EXPORT_DIR / f"{result.来源.report_id}-summary"
    json_path, md_path = base.with_suffix(".json"), base.with_suffix(".md")
    json_path.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return markdown, [str(json_path), str(md_path)]


# --- 对比 -----------------------------------------------------------------------------
@dataclass
class Comparison:
    headers: list[str]
    cells: list[list[str]]
    rows: list[ComparisonRow]  # comparison_table's rows, for charts
    quotes: dict[tuple[int, int], ComparisonRow]  # (row, column) of a cell -> its comparison row
    flags: list[str]


def comparison(services: Services) -> Comparison:
    """Indicators (rows) stated by at least one report × reports (columns)."""
    from assistant.reports.compare import cards, comparison_table
    from assistant.reports.indicators import INDICATORS

    found = cards(services.store)
    if not found:
        raise StoreError("还没有入库的报告 / no reports ingested", "在「报告库」页上传报告")
    rows = comparison_table(found)
    labels = [f"{c.place or c.report_id}{c.year or ''}" for c in found]
    cells, quotes = [], {}
    for ind in INDICATORS:
        mine = [r for r in rows if r.metric == ind.name]
        if all(r.value is None for r in mine):
            continue
        line = [ind.name]
        for j, r in enumerate(mine, start=1):
            if r.value is None:
                line.append("—")
                continue
            line.append(r.raw + ("*" if r.note else ""))
            quotes[(len(cells), j)] = r
        cells.append(line)
    flags = [f"{c.place or c.report_id}{c.year or ''}：{f}" for c in found for f in c.flags]
    return Comparison(["指标"] + labels, cells, rows, quotes, flags)


def cell_quote(comp: Comparison, row: int, col: int) -> str:
    """The clicked cell's source sentence, the figure highlighted."""
    r = comp.quotes.get((row, col))
    if r is None:
        return "点击表格中有数值的单元格，查看它在报告中的原文。"
    quote = html.escape(r.quote).replace(html.escape(r.raw), f"<mark>{html.escape(r.raw)}</mark>", 1)
    note = f"<br>说明：{html.escape(r.note)}（可能不止报告年度）" if r.note else ""
    return (
        f"**{html.escape(r.metric)}** · {html.escape(r.column)}"
        f"（{html.escape(r.report)}，第 {r.start}–{r.end} 字）\n\n<blockquote>{quote}{note}</blockquote>"
    )


def chart(comp: Comparison, metric: str | None) -> str:
    from assistant.reports.charts import bar_chart

    if not metric:
        raise ConfigError("没有选择指标 / no metric chosen", "在下拉框中选择一个指标")
    digest = hashlib.sha256(repr(sorted((r.report, r.metric, r.value) for r in comp.rows)).encode()).hexdigest()
    return str(bar_chart(comp.rows, metric, EXPORT_DIR / f"chart-{digest[:12]}-{metric}.png"))


# --- 审查 -----------------------------------------------------------------------------
@dataclass
class Review:
    headers: list[str]
    rows: list[list[str]]  # one per report: overview_row's values
    reviews: list  # ReportReview, in row order
    trends: list  # TrendSeries of the places reviewed
    files: list[str]  # the whole review as Markdown and CSV


def review(services: Services) -> Review:
    """Every report reviewed: the overview table, and the exports a reviewer sends on."""
    from assistant.reports.review import review_library
    from assistant.reports.review_export import overview_row, render_csv, render_markdown

    if not services.store.reports():
        raise StoreError("还没有入库的报告 / no reports ingested", "在「报告库」页上传报告")
    reviews, trends = review_library(services.store)
    rows = [overview_row(r) for r in reviews]
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    md, csv_path = EXPORT_DIR / "审查结果.md", EXPORT_DIR / "审查结果.csv"
    md.write_text(render_markdown(reviews, trends), encoding="utf-8")
    csv_path.write_text(render_csv(reviews), encoding="utf-8-sig")  # Excel opens UTF-8 with a BOM as such
    return Review(list(rows[0]), [list(r.values()) for r in rows], reviews, trends, [str(md), str(csv_path)])


def review_detail(result: Review, row: int) -> str:
    """One report's findings, each with its quotes, and its place's trends."""
    from assistant.reports.review_export import render_markdown

    if not 0 <= row < len(result.reviews):
        return "点击上表中的一行，查看该报告的审查详情。"
    chosen = result.reviews[row]
    return render_markdown([chosen], [t for t in result.trends if t.place == chosen.place])


# --- 设置 -----------------------------------------------------------------------------
def settings_rows(settings: Settings) -> list[list[str]]:
    """Every setting with its value and description; secrets say only whether they are set."""
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, SecretStr) or field.annotation == (SecretStr | None):
            shown = "已设置（隐藏）" if value else "未设置"
        else:
            shown = "—" if value is None else str(value)
        rows.append([name, f"ASSISTANT_{name.upper()}", shown, field.description or ""])
    return rows
