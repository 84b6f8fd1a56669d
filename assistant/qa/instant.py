"""Comparison questions answered from the indicator cards, not by the model.

"2023年乌海市和醴陵市哪个的行政机关负责人出庭应诉率更高？" names one indicator and two
places: the cards hold each value with its verbatim sentence, so the answer is built by
rule — every value quoted and cited, the comparison computed, never generated. A small
model asked the same thing from four retrieved chunks tends to swap values between places.
This path answers only when the question names exactly one indicator, two or more reports
are in scope (or it asks 最高/最低 across all of them), and the cards of at least two of
those reports state it; anything else returns None and the usual model path answers.
Reports that do not state the value are named as such (报告中未提及), never estimated.

Worked example: "磴口县和醴陵市分别有多少个调委会？" ->
"人民调解组织数：磴口县2021年报告为64个[1]；醴陵市2023年报告为298个[2]。"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.types import Chunk, Citation, Report
from assistant.index.store import Store
from assistant.qa.direct import LESS_ASKED, MORE_ASKED
from assistant.qa.scope import CHANGE
from assistant.reports.indicators import BY_KEY, INDICATORS, IndicatorValue, card
from assistant.reports.trends import change, point
from assistant.text.numerals import number_set
from assistant.text.sentences import clauses

# A combined indicator wins over its parts when the question names both parts.
_SUBSUMES = {
    "proposals": ("npc_suggestions", "cppcc_proposals"),
    "appearance_rate": ("litigation",),
    "appearances": ("litigation",),
}
_ALL = re.compile(r"哪个地方|哪些地方|哪个地区|哪几个|各地|各报告|这几份|所有报告|哪份报告|哪个(?:市|县|区)")
_QUANTITY = re.compile(r"多少|几|分别|哪个|哪一|哪些|比较|对比|相比|最|更|高于|低于|多于|少于")


@dataclass
class Cell:
    report: Report
    value: IndicatorValue | None


def indicator_in(question: str) -> str | None:
    """The one indicator the question asks about, or None (none, or ambiguous)."""
    found = {ind.key for ind in INDICATORS if ind.question and re.search(ind.question, question)}
    for whole, parts in _SUBSUMES.items():
        if whole in found:
            found -= set(parts)
    return found.pop() if len(found) == 1 else None


_CARDS: dict[str, dict[str, IndicatorValue]] = {}  # report version -> card values (text is immutable per version)


def _values(store: Store, report: Report) -> dict[str, IndicatorValue]:
    if report.version not in _CARDS:
        _CARDS[report.version] = card(report, store.report_text(report.report_id)).values
    return _CARDS[report.version]


def _chunk_at(store: Store, report_id: str, offset: int) -> Chunk:
    chunks = store.chunk_records(report_id)
    return next((c for c in chunks if c.start <= offset < c.end), chunks[0])


@dataclass
class IndicatorAnswer:
    text: str
    key: str
    cells: list[Cell]  # in answer order; cited ones carry [n] = their position among the cited
    chunks: list[Chunk]  # one per cited cell, same order
    short: str = ""  # the direct answer: "乌海市（2023年）更高；深圳市光明区2023年：97.7%；乌海市2023年：98.4%"
    derived: set[str] = field(default_factory=set)  # numbers computed from the quoted ones (a change)

    def citations(self) -> list[Citation]:
        """[n] for the n-th stated cell: its sentence, in the chunk that holds it."""
        return [
            Citation(
                n=i,
                report=c.report.label,
                report_id=c.report.report_id,
                section=chunk.section,
                quote=c.value.quote,
                start=c.value.start,
                end=c.value.end,
                chunk_id=chunk.chunk_id,
                location=c.report.locate(c.value.start),
            )
            for i, (c, chunk) in enumerate(zip(self.cells, self.chunks), 1)
        ]


def answer(question: str, store: Store, scoped: list[Report], everything: list[Report]) -> IndicatorAnswer | None:
    key = indicator_in(question)
    if key is not None and _years_of_one_place(scoped) and CHANGE.search(question):
        return _trend(key, store, scoped)
    if key is None or not _QUANTITY.search(question):
        return None
    high, low = bool(MORE_ASKED.search(question)), bool(LESS_ASKED.search(question))
    if len(scoped) >= 2:
        reports = scoped
    elif not scoped and (high or low or _ALL.search(question)):
        reports = everything
    else:
        return None
    # In the order the question names the places, so the answer reads back like the question.
    reports = sorted(reports, key=lambda r: question.find(r.place) % (len(question) + 1) if r.place else len(question))
    cells = [Cell(r, _values(store, r).get(key)) for r in reports]
    stated = [c for c in cells if c.value is not None]
    if len(stated) < 2:
        return None
    name = BY_KEY[key].name
    parts, chunks = [], []
    for c in stated:
        chunks.append(_chunk_at(store, c.report.report_id, c.value.start))
        note = f"（统计口径：{c.value.note}）" if c.value.note else ""
        parts.append(f"{c.report.label}为{c.value.raw}{note}[{len(chunks)}]")
    text = f"{name}：" + "；".join(parts) + "。"
    # The direct answer: each value under a short label, then the comparison (乌海市更高).
    short = [f"{_short_label(c.report)}：{c.value.raw}" for c in stated]
    missing = [c.report.label for c in cells if c.value is None]
    if missing:
        text += "、".join(missing) + "：报告中未提及。"
        short += [f"{_short_label(c.report)}：未提及" for c in cells if c.value is None]
    if high != low:
        units = {c.value.unit for c in stated}
        if len(units) == 1:
            best = (max if high else min)(c.value.value for c in stated)
            winners = [c for c in stated if c.value.value == best]
            word = "最高" if high and len(stated) > 2 else "最低" if len(stated) > 2 else "更高" if high else "更低"
            if key not in ("appearance_rate", "mediation_rate"):
                word = word.replace("高", "多").replace("低", "少")
            if len(winners) == len(stated):
                verdict = f"各报告相同，均为{winners[0].value.raw}"
            else:
                verdict = "、".join(_place(c.report) for c in winners) + word
            text += verdict + "。"
            short.insert(0, verdict)
    return IndicatorAnswer(text=text, key=key, cells=stated, chunks=chunks, short="；".join(short))


def _years_of_one_place(reports: list[Report]) -> bool:
    return len(reports) >= 2 and len({r.place for r in reports}) == 1 and len({r.year for r in reports}) == len(reports)


def _trend(key: str, store: Store, reports: list[Report]) -> IndicatorAnswer | None:
    """ "这几年怎么变化": the figure of each year, oldest first, and the change between
    consecutive years (reports/trends.py), computed only where both figures are comparable."""
    cells = [Cell(r, _values(store, r).get(key)) for r in sorted(reports, key=lambda r: r.year or 0)]
    stated = [c for c in cells if c.value is not None]
    if len(stated) < 2:
        return None
    name, unit = BY_KEY[key].name, stated[0].value.unit
    chunks = [_chunk_at(store, c.report.report_id, c.value.start) for c in stated]
    values = "；".join(f"{c.report.year}年为{c.value.raw}[{i}]" for i, c in enumerate(stated, 1))
    points = [point(c.report, c.value) for c in stated]
    changes = [change(a, b, unit) for a, b in zip(points, points[1:])]
    missing = [f"{c.report.year}年" for c in cells if c.value is None]
    text = f"{stated[0].report.place}{name}：{values}。" + "；".join(changes) + "。"
    if missing:
        text += "、".join(missing) + "报告中未提及。"
    short = "；".join(f"{c.report.year}年 {c.value.raw}" for c in stated)
    derived = number_set("".join(changes)) - number_set("".join(c.value.quote for c in stated))
    return IndicatorAnswer(text=text, key=key, cells=stated, chunks=chunks, short=short, derived=derived)


def _short_label(report: Report) -> str:
    """深圳市光明区2022年: the place and year a value belongs to, without 报告."""
    return f"{report.place or report.report_id}{report.year}年" if report.year else (report.place or report.report_id)


def _place(report: Report) -> str:
    return (
        f"{report.place or report.report_id}（{report.year}年）" if report.year else (report.place or report.report_id)
    )


_CUMULATIVE = re.compile(r"累计|至今|以来|总共|历年")


def single(question: str, store: Store, report: Report, terms: list[str]) -> IndicatorAnswer | None:
    """One indicator of one report, read off its card — only when the card's figure is
    certainly the one asked: the question asks one thing, the clause holding the figure has
    every key term of the question (so 部门规范性文件 is not answered with 市政府规范性文件's
    figure), and a figure that may span years (累计, 2019年至今) only when the question asks so."""
    key = indicator_in(question)
    if key is None or not _QUANTITY.search(question) or MORE_ASKED.search(question) or LESS_ASKED.search(question):
        return None
    if len(re.findall(r"[？?]", question)) > 1 or "其中" in question:
        return None
    value = _values(store, report).get(key)
    if value is None or (value.note and not _CUMULATIVE.search(question)):
        return None
    clause = next((c for c in clauses(value.quote) if value.raw in c), value.quote)
    if any(t not in clause for t in terms if not re.search(BY_KEY[key].question, t)):
        return None
    chunk = _chunk_at(store, report.report_id, value.start)
    text = f"{report.label}：{BY_KEY[key].name}为{value.raw}[1]。"
    return IndicatorAnswer(text=text, key=key, cells=[Cell(report, value)], chunks=[chunk], short=value.raw)
