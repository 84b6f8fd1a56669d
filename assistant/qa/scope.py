"""Which reports a question is about: by the place and year it names, or the one it is given.

Places: a question naming a held place — its full name (深圳市光明区), its own unit (光明区) or
that unit's stem (光明) — is restricted to that place's reports. One naming only a parent
(深圳市, when the library holds 光明区 but no report of 深圳市 itself) is not silently answered
from the child, and one naming a place the library does not hold is refused, never answered
from other places' reports: "报告库中没有北京市朝阳区的报告（现有：…）".

Years: a year selects a report ("乌海市2023年…", "2021年度报告") unless it is content — "2019年
至今", "截至2021年底", "比2020年", "2018年度考评排名". A selected year the place has no report
for is not refused at once: the year may still be content the place's other reports state,
so the answer must then quote a sentence that names it (the scope carries `year`, and the
answer ladder checks). With several years of one place and no year asked, the latest report
answers and the scope says so — unless the question asks how something changed, when every
year's report is in scope.
"""

from __future__ import annotations

import re

from assistant.core.types import Report, Scope
from assistant.text.places import find_chains, name_variants, names_place, parent_of, place_stem
from assistant.text.years import YEAR

_CONTENT_BEFORE = re.compile(rf"(?:截至|截止|截至到|自|从|比|较|同|与|至|到)\s*({YEAR})\s*年")
_CONTENT_AFTER = re.compile(
    rf"({YEAR})\s*年(?:度)?\s*(?:至今|以来|起|开始|底|末|初|同期|前|后|上半年|下半年|全年考评|考评|考核|排名|测评|评估)"
)
_RANGE = re.compile(rf"({YEAR})\s*(?:年)?\s*[-—–~至到]\s*({YEAR})\s*年")
_SELECTOR = re.compile(rf"({YEAR})\s*年")
_CHANGE = re.compile(
    r"变化|增减|增加了|减少了|增长了|下降了|上升了|提高了|趋势|这几年|近几年|历年|逐年|各年|每年|哪一年|哪年|比上一?年|同比|与上年|较上年"
)
_MAX_LISTED = 8  # held places named in a refusal


def content_years(question: str) -> set[int]:
    years: set[int] = set()
    for pattern in (_CONTENT_BEFORE, _CONTENT_AFTER):
        years |= {int(m.group(1)) for m in pattern.finditer(question)}
    for m in _RANGE.finditer(question):
        years |= {int(m.group(1)), int(m.group(2))}
    return years


def selector_years(question: str) -> set[int]:
    """Years that pick a report: every "YYYY年" that is not content."""
    return {int(m.group(1)) for m in _SELECTOR.finditer(question)} - content_years(question)


def _held(reports: list[Report]) -> str:
    names = list(dict.fromkeys(f"{r.place or r.report_id}{r.year or ''}{'年' if r.year else ''}" for r in reports))
    more = f"等{len(names)}份" if len(names) > _MAX_LISTED else ""
    return "、".join(names[:_MAX_LISTED]) + more


def _named_places(question: str, reports: list[Report]) -> list[str]:
    places = sorted({r.place for r in reports if r.place and names_place(question, r.place)}, key=len, reverse=True)
    # Drop a place that only matched inside a longer matched one (乌海市 inside 乌海市司法局).
    return [p for p in places if not any(p != q and (p in q or place_stem(p) in q) for q in places)]


def _unheld(question: str, reports: list[Report]) -> str | None:
    """A place the question names that no report is about, nor the parent of one."""
    known = name_variants(r.place for r in reports) | {r.parent for r in reports if r.parent}
    for _, _, chain in find_chains(question):
        if chain not in known and not any(chain in k or k in chain for k in known):
            return chain
    return None


def _parent_only(question: str, reports: list[Report]) -> tuple[str, list[Report]] | None:
    """A parent the question names whose children are held but which has no report of its own."""
    own = {r.place for r in reports}
    for parent in sorted({r.parent or parent_of(r.place) for r in reports} - {None} - own, key=len, reverse=True):
        if names_place(question, parent):
            return parent, [r for r in reports if parent in (r.parent, parent_of(r.place))]
    return None


def detect_scope(question: str, reports: list[Report], explicit: str | None = None) -> Scope:
    if explicit:
        chosen = [r for r in reports if explicit in (r.report_id, r.place, f"{r.place}{r.year}")]
        return Scope(report_ids=[r.report_id for r in chosen], reason=f"限定 / restricted to {explicit}")
    places = _named_places(question, reports)
    if not places:
        if found := _parent_only(question, reports):
            parent, children = found
            return Scope(
                reason=f"问题提到 {parent}", missing=f"报告库中没有{parent}本级的报告（现有其下属：{_held(children)}）"
            )
        if unheld := _unheld(question, reports):
            return Scope(reason=f"问题提到 {unheld}", missing=f"报告库中没有{unheld}的报告（现有：{_held(reports)}）")
        return Scope()
    chosen = [r for r in reports if r.place in places]
    if len(places) > 1:
        return Scope(report_ids=[r.report_id for r in chosen], reason="问题提到 / question names " + "、".join(places))
    return _by_year(question, places[0], chosen)


def _by_year(question: str, place: str, chosen: list[Report]) -> Scope:
    ids = lambda rs: [r.report_id for r in rs]  # noqa: E731
    years = selector_years(question)
    if years:
        with_year = [r for r in chosen if r.year in years]
        if with_year:
            return Scope(report_ids=ids(with_year), reason=f"问题提到 {place}{'、'.join(map(str, sorted(years)))}年")
        if all(r.year for r in chosen):  # maybe content the other years' reports state; the ladder checks
            wanted = "/".join(map(str, sorted(years)))
            return Scope(
                report_ids=ids(chosen),
                reason=f"问题提到 {place}（没有{wanted}年的报告，在其他年度的报告中查找）",
                year=min(years),
                missing=f"报告库中没有{place}{wanted}年的报告（现有：{_held(chosen)}）",
            )
    dated = sorted((r for r in chosen if r.year), key=lambda r: r.year)
    if len(dated) > 1 and not _CHANGE.search(question) and not content_years(question):
        latest = dated[-1]
        others = "、".join(f"{r.year}年" for r in dated[:-1])
        return Scope(
            report_ids=[latest.report_id],
            reason=f"问题提到 {place}，未指明年份：按最新的{latest.year}年报告回答（另有{others}的报告）",
        )
    return Scope(report_ids=ids(chosen), reason="问题提到 / question names " + place)
