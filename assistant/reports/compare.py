"""The indicator table across reports: one row per (indicator, report), rendered as a
Markdown pivot (indicators down, reports across, quotes as footnotes), CSV or JSON.

A report that does not state an indicator gets a row with every value field empty — shown
as "—", never estimated — so a reader sees what each report leaves out.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from pydantic import BaseModel

from assistant.core.errors import ConfigError
from assistant.reports.indicators import IndicatorCard, card, resolve

if TYPE_CHECKING:
    from assistant.index.store import Store


class ComparisonRow(BaseModel):
    report: str
    place: str | None = None
    year: int | None = None
    metric: str  # the indicator's Chinese name
    value: int | float | None = None
    unit: str | None = None
    qualifier: str | None = None
    raw: str | None = None  # as written: 3000余万元
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    note: str | None = None

    @property
    def column(self) -> str:
        """The report's column heading: 乌海市2023."""
        return f"{self.place or self.report}{self.year or ''}"


COLUMNS = tuple(ComparisonRow.model_fields)
_VALUE_FIELDS = set(COLUMNS[4:])  # value … note: what a card states; the rest names the cell


def cards(store: Store) -> list[IndicatorCard]:
    return [card(r, store.report_text(r.report_id)) for r in store.reports()]


def comparison_table(cards: list[IndicatorCard], metrics: list[str] | None = None) -> list[ComparisonRow]:
    """One row per (metric, report), metric-major; a report that gives nothing has blanks."""
    rows = []
    for ind in resolve(metrics):
        for c in cards:
            v = c.values.get(ind.key)
            rows.append(
                ComparisonRow(
                    report=c.report_id,
                    place=c.place,
                    year=c.year,
                    metric=ind.name,
                    **(v.model_dump(include=_VALUE_FIELDS) if v else {}),
                )
            )
    return rows


def render_table(rows: list[ComparisonRow], fmt: str = "md") -> str:
    if fmt == "json":
        return json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.model_dump().items()} for r in rows)
        return out.getvalue()
    if fmt == "md":
        return _pivot_markdown(rows)
    raise ConfigError(f"未知格式 / unknown format {fmt!r}", "可选 / valid: md, csv, json")


def _pivot_markdown(rows: list[ComparisonRow]) -> str:
    """Metrics down, reports across, each value footnoted with its verbatim quote; a
    report that does not state a metric shows — (blank, never estimated)."""
    reports = list(dict.fromkeys((r.report, r.column) for r in rows))
    head = ["指标"] + [column for _, column in reports]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    notes: list[str] = []
    by_cell = {(r.metric, r.report): r for r in rows}
    for metric in dict.fromkeys(r.metric for r in rows):
        cells = [metric]
        for rid, column in reports:
            r = by_cell[(metric, rid)]
            if r.value is None:
                cells.append("—")
                continue
            notes.append(
                f"[^{len(notes) + 1}]: {column}（{rid}，第 {r.start}–{r.end} 字）："
                f"“{r.quote}”" + (f" ⚠ {r.note}" if r.note else "")
            )
            cells.append(f"{r.raw}[^{len(notes)}]")  # as written: 3000余万元, not 3e+07
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"
