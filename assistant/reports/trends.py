"""Indicators over the years: for a place with annual reports of several years, each
indicator as a time series of quoted figures, with the change from one year to the next.

A point is an indicator card's value (indicators.py): its number, its verbatim sentence and
offsets, its report. A change is computed only between two figures that can be compared:
both without a qualifier (余/多/以上 make a figure a bound, not a value) and without a 累计 /
"2019年至今" note (a figure over several years is no year's figure); otherwise the change is
left out and says why. Counts change by their difference and its percentage, rates by
percentage points.

Worked example: 磴口县 行政机关负责人出庭应诉率 100% (2021), 100% (2022), 96.4% (2023) gives
"2022→2023 下降 3.6 个百分点".
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from assistant.core.types import ANNUAL_REPORT as ANNUAL
from assistant.core.types import Report
from assistant.reports.indicators import BY_KEY, IndicatorCard


class TrendPoint(BaseModel):
    year: int
    report_id: str
    label: str  # 磴口县2023年报告
    value: int | float
    raw: str  # as the report writes it: 96.4%
    quote: str
    start: int
    end: int
    comparable: bool  # no qualifier and no multi-year note


class TrendSeries(BaseModel):
    place: str
    metric: str
    name: str
    unit: str
    points: list[TrendPoint]
    changes: list[str]  # one line per consecutive pair of years

    @property
    def years(self) -> list[int]:
        return [p.year for p in self.points]


def change(a: TrendPoint, b: TrendPoint, unit: str) -> str:
    """One line on how a figure changed between two years, computed only from comparable figures."""
    span = f"{a.year}→{b.year}"
    if not (a.comparable and b.comparable):
        return f"{span} 不作比较（{a.raw} / {b.raw} 含“余、以上”或为累计数）"
    diff = b.value - a.value
    if diff == 0:
        return f"{span} 持平（{b.raw}）"
    way = "上升" if diff > 0 else "下降"
    size = round(abs(diff), 2)
    size = int(size) if size == int(size) else size
    if unit == "%":
        return f"{span} {way} {size} 个百分点（{a.raw} → {b.raw}）"
    for magnitude, scale in (("亿", 10**8), ("万", 10**4)):  # 1728.7万元 → 2136.4万元: say 407.7万元
        if magnitude in a.raw and magnitude in b.raw:
            size = round(abs(diff) / scale, 2)
            size = int(size) if size == int(size) else size
            unit = magnitude + unit
            break
    pct = f"，{abs(diff) / a.value * 100:.1f}%" if a.value else ""
    return f"{span} {way} {size}{unit}{pct}（{a.raw} → {b.raw}）"


def point(report: Report, v) -> TrendPoint:
    """A report's indicator value (IndicatorValue) as a point of its place's series."""
    return TrendPoint(
        year=report.year,
        report_id=report.report_id,
        label=report.label,
        value=v.value,
        raw=v.raw,
        quote=v.quote,
        start=v.start,
        end=v.end,
        comparable=not v.qualifier and not v.note,
    )


def series(reports: list[Report], cards: list[IndicatorCard], min_years: int = 2) -> list[TrendSeries]:
    """Every (place, indicator) with figures from at least `min_years` annual reports, the
    latest report of a year standing for it."""
    by_id = {r.report_id: r for r in reports}
    found: dict[tuple[str, str], dict[int, TrendPoint]] = defaultdict(dict)
    for c in cards:
        report = by_id.get(c.report_id)
        if not report or report.kind != ANNUAL or not report.place or not report.year:
            continue
        for key, v in c.values.items():
            found[(report.place, key)][report.year] = point(report, v)
    out = []
    order = {key: i for i, key in enumerate(BY_KEY)}
    for (place, key), by_year in sorted(found.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        if len(by_year) < min_years:
            continue
        points = [by_year[y] for y in sorted(by_year)]
        unit = next(iter(c.values[key].unit for c in cards if key in c.values))
        out.append(
            TrendSeries(
                place=place,
                metric=key,
                name=BY_KEY[key].name,
                unit=unit,
                points=points,
                changes=[change(a, b, unit) for a, b in zip(points, points[1:])],
            )
        )
    return out


def render_markdown(trends: list[TrendSeries]) -> str:
    """One table per place: indicators down, years across, the changes after each row."""
    if not trends:
        return "（库中没有同一地方多个年度的年度报告）\n"
    lines = []
    for place in dict.fromkeys(t.place for t in trends):
        mine = [t for t in trends if t.place == place]
        years = sorted({y for t in mine for y in t.years})
        lines += ["", f"### {place}", "", "| 指标 | " + " | ".join(map(str, years)) + " | 变化 |"]
        lines.append("| --- " * (len(years) + 2) + "|")
        for t in mine:
            cells = {p.year: p.raw for p in t.points}
            lines.append(
                f"| {t.name} | " + " | ".join(cells.get(y, "—") for y in years) + f" | {'；'.join(t.changes)} |"
            )
    return "\n".join(lines).lstrip() + "\n"
