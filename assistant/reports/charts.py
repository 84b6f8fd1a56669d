"""PNG charts with Chinese labels: a bar chart of one indicator across reports, a line
chart of one indicator over the years.

matplotlib's default font has no Chinese glyphs, so a CJK font is looked up (one matplotlib
knows, else what fontconfig lists for :lang=zh); without one, labels fall back to ASCII
(report ids, indicator keys) rather than rendering as empty boxes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from assistant.core.errors import ConfigError
from assistant.reports.compare import ComparisonRow
from assistant.reports.indicators import resolve
from assistant.reports.trends import TrendSeries

_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)


def cjk_font() -> str | None:
    """A font that has Chinese glyphs, by name, or None."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_FONTS:
        if name in known:
            return name
    if shutil.which("fc-list"):
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
        for path in (line.split(":")[0].strip() for line in listing.splitlines()):
            if path and Path(path).exists():
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
    return None


def pyplot(font: str | None):
    """matplotlib's pyplot on the Agg backend, and the rc settings that use `font`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, ({"font.sans-serif": [font, "DejaVu Sans"]} if font else {})


def bar_chart(rows: list[ComparisonRow], metric: str, path: str | Path) -> Path:
    """A PNG bar chart of one metric across reports (install e.g. fonts-wqy-microhei for Chinese labels)."""
    ind = resolve([metric])[0]
    data = [r for r in rows if r.metric == ind.name and r.value is not None]
    if not data:
        raise ConfigError(
            f"没有报告给出指标 {ind.name} / no report states this metric",
            "换一个 --metric，或先用 `assistant compare` 查看有数据的指标",
        )
    font = cjk_font()
    plt, rc = pyplot(font)
    labels = [r.column if font else r.report for r in data]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(data) + 1), 4), dpi=100)
        bars = ax.bar(labels, [r.value for r in data], color="#4c72b0")
        suffix = [(r.unit + r.qualifier) if font else ("%" if r.unit == "%" else "") for r in data]
        ax.bar_label(bars, labels=[f"{r.value:g}{s}" for r, s in zip(data, suffix)])
        ax.set_title(ind.name if font else ind.key)
        ax.margins(y=0.15)
        fig.tight_layout()
        fig.savefig(path, format="png")
        plt.close(fig)
    return path


def trend_chart(series: list[TrendSeries], path: str | Path) -> Path:
    """A PNG line chart of one indicator over the years, one line per place."""
    if not series:
        raise ConfigError(
            "没有可画的历年数据 / no place has this indicator in several years",
            "先导入同一地方多个年度的年度报告，或换一个指标",
        )
    font = cjk_font()
    plt, rc = pyplot(font)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
        for s in series:
            xs, ys = [p.year for p in s.points], [p.value for p in s.points]
            ax.plot(xs, ys, marker="o", label=s.place if font else s.points[0].report_id.rsplit("-", 1)[0])
            for p in s.points:
                ax.annotate(
                    p.raw if font else f"{p.value:g}",
                    (p.year, p.value),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                )
        ax.set_xticks(sorted({p.year for s in series for p in s.points}))
        ax.set_title(series[0].name if font else series[0].metric)
        ax.margins(y=0.2)
        if len(series) > 1:
            ax.legend()
        fig.tight_layout()
        fig.savefig(path, format="png")
        plt.close(fig)
    return path
