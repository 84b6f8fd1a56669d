"""Which reports a question is about: by the place and year it names, or the one it is given.

Places: a question naming a held place — its full name (深圳市光明区), its own unit (光明区) or
that unit's stem (光明) — is restricted to that place's reports. One naming only a parent
(深圳市, when the library holds 光明区 but no report of 深圳市 itself) is not silently answered
from the child — unless the children held are its departments (安吉县司法局 for 安吉县): a
department's report states the county's work in its field, and answers under its own name — and one naming a place the library does not hold is refused, never answered
from other places' reports: "报告库中没有北京市朝阳区的报告（现有：…）".

Years: a year selects a report ("乌海市2023年…", "2021年度报告") unless it is content — "2019年
至今", "截至2021年底", "比2020年", "2018年度考评排名". A selected year the place has no report
for is not refused at once: the year may still be content the place's other reports state,
so the answer must then quote a sentence that names it (the scope carries `year`, and the
answer ladder checks). With several years of one place and no year asked, the latest report
answers and the scope says so (retrieval falls back to the other years only when the latest
says nothing about the question) — unless the question asks how something changed, when
every year's report is in scope.
"""

from __future__ import annotations

import re

from assistant.core.types import WORK_REPORT, Report, Scope
from assistant.text.places import PlaceIndex, find_chains, level_of, split_place
from assistant.text.years import YEAR

# (but "2023年是多少件，到2025年变成多少件" asks what that year's report says)
_BECAME = r"(?:时|的时候)?(?:变成|变为|成了|降到|涨到|增加到|减少到|又是|是多少|有多少)"
_CONTENT_BEFORE = re.compile(
    rf"(?:截至|截止|截至到|自|从|比|较|同|与)\s*({YEAR})\s*年|(?:至|到)\s*({YEAR})\s*年(?!{_BECAME})"
)
# "比2022年多了多少" compares with that year: its report is needed too.
_COMPARED = re.compile(rf"(?:比|较|与|同|相比)\s*({YEAR})\s*年")
_CONTENT_AFTER = re.compile(
    rf"({YEAR})\s*年(?:度)?\s*(?:至今|以来|起|开始|底|末|初|同期|前|后|上半年|下半年|全年考评|考评|考核|排名|测评|评估|"
    rf"(?:的)?(?:打算|计划|安排|目标|任务|重点)|将|要|准备|拟)"
)
# "从2021年到2022年" / "2016—2020年": a period; its ends select reports when the place has them.
_RANGE = re.compile(rf"(?:从)?({YEAR})\s*(?:年)?\s*[-—–~至到]\s*({YEAR})\s*年")
_SELECTOR = re.compile(rf"({YEAR})\s*年")
CHANGE = re.compile(  # a question about how something changed over the years
    r"变化|增减|增加了|减少了|增长了|下降了|上升了|提高了|趋势|走势|这几年|近几年|这两年|近两年|这[三四五]年|近[三四五]年|历年|逐年|各年|"
    r"每年|哪一年|哪年|比上一?年|同比|与上年|较上年|怎么变|如何变|怎么走|涨了|降了|后来|[比较](?:19|20)\d{2}年"
)
_MAX_LISTED = 8  # held places named in a refusal


def content_years(question: str) -> set[int]:
    years: set[int] = set()
    for pattern in (_CONTENT_BEFORE, _CONTENT_AFTER):
        years |= {int(next(g for g in m.groups() if g)) for m in pattern.finditer(question)}
    return years | range_years(question)


def range_years(question: str) -> set[int]:
    return {int(y) for m in _RANGE.finditer(question) for y in m.groups()}


def selector_years(question: str) -> set[int]:
    """Years that pick a report: every "YYYY年" that is not content."""
    return {int(m.group(1)) for m in _SELECTOR.finditer(question)} - content_years(question)


def _held(reports: list[Report]) -> str:
    names = list(dict.fromkeys(f"{r.place or r.report_id}{r.year or ''}{'年' if r.year else ''}" for r in reports))
    more = f"等{len(names)}份" if len(names) > _MAX_LISTED else ""
    return "、".join(names[:_MAX_LISTED]) + more


def _named_places(question: str, places: PlaceIndex) -> list[str]:
    spans = places.named_at(question)
    named = sorted(spans, key=len, reverse=True)

    def inside(p: str, q: str) -> bool:  # every name of p in the question lies within a longer name of q
        return all(any(a <= i and j <= b and (a, b) != (i, j) for a, b in spans[q]) for i, j in spans[p])

    # Drop a place that only matched inside a longer matched one: 乌海市 inside 乌海市司法局, and of two
    # 鼓楼区, 开封市鼓楼区 by its 鼓楼区 inside "福州鼓楼区" (a place of the same name, told by its parent).
    return [p for p in named if not any(p != q and (inside(p, q) or p in q) for q in named)]


def _unheld(question: str, places: PlaceIndex) -> str | None:
    """A place the question names that no report is about, nor a part or parent of one."""
    return next((chain for _, _, chain in find_chains(question) if not places.knows(chain)), None)


# "…的报告" / "自己的2024年法治政府建设报告": the place's own report is asked for.
_OWN_REPORT = re.compile(r"(?:自己|本级|自身)?的?[^，,。？?]{0,14}?报告")


def _unheld_child(question: str, places: PlaceIndex) -> str | None:
    """ "天津市滨海新区自己的2024年法治政府建设报告里…": a place inside a held one, not held itself,
    whose own report is asked for — the held place's report is not it (a figure of 滨海新区 in
    天津市's report is 天津市's account, not the district's report)."""
    for _, end, chain in find_chains(question):
        units = split_place(chain)
        inside = len(units) >= 2 and not places.knows(units[-1]) and any(places.knows(u) for u in units[:-1])
        if inside and _OWN_REPORT.match(question, end):
            return chain
    return None


def _departments(question: str, children: list[Report]) -> bool:
    """Do the children held stand for their parent: all departments, and the question not about
    a report itself ("安吉县人民政府…的报告是哪天印发的" asks for the county's own report, whose
    record the department's is not)?"""
    from assistant.qa.about import fields_asked

    departments = bool(children) and all(level_of(r.place) == "部门" for r in children)
    return departments and not fields_asked(question) and not _GOVERNMENTS_REPORT.search(question)


# "绵阳市人民政府2024年度法治政府建设报告里…": the government's own report, not its department's.
_GOVERNMENTS_REPORT = re.compile(r"(?:人民政府|政府)(?:的|关于)?[^？?。，,]{0,16}报告")


def _parent_only(question: str, places: PlaceIndex, reports: list[Report]) -> tuple[str, list[Report]] | None:
    """A parent the question names whose children are held but which has no report of its own. Of
    several, one that its children cannot stand for comes first: "湖南和湖北两个省交通运输厅…" with
    湖南省交通运输厅 and 神农架林区 held is refused for 湖北, not answered for 湖南 alone."""
    parents = sorted(places.named_parents(question) - places.places, key=lambda p: (-len(p), p))
    found = [(p, [r for r in reports if r.place in places.parents[p]]) for p in parents]
    return next((f for f in found if not _departments(question, f[1])), found[0] if found else None)


def detect_scope(
    question: str, reports: list[Report], explicit: str | None = None, index: PlaceIndex | None = None
) -> Scope:
    """`index` is the library's PlaceIndex when the caller has one (the registry snapshot
    keeps it); without, it is built from `reports`."""
    if explicit:
        chosen = [r for r in reports if explicit in (r.report_id, r.place, f"{r.place}{r.year}")]
        return Scope(report_ids=[r.report_id for r in chosen], reason=f"限定 / restricted to {explicit}")
    index = index or PlaceIndex(reports)
    places = _named_places(question, index)
    if not places:
        if found := _parent_only(question, index, reports):
            parent, children = found
            if _departments(question, children):
                # A county's 司法局 reports the county's work in its field (行政复议, 法律援助):
                # its report answers for the county, under its own name.
                named = "、".join(dict.fromkeys(r.place for r in children if r.place))
                scope = _by_year(question, parent, children)
                return scope.model_copy(update={"reason": f"问题提到 {parent}：库中只有其部门{named}的报告，按其回答"})
            return Scope(
                reason=f"问题提到 {parent}", missing=f"报告库中没有{parent}本级的报告（现有其下属：{_held(children)}）"
            )
        if unheld := _unheld(question, index):
            missing = f"报告库中没有{unheld}的报告（现有：{_held(reports)}）"
            # its own report asked (or its department's: "台州市人力资源和社会保障局2024年法治政府建设报告里")
            own = bool(re.search(rf"{re.escape(unheld)}[^，,。？?]{{0,30}}?报告", question))
            return Scope(reason=f"问题提到 {unheld}", missing=missing, unheld=None if own else unheld)
        return Scope()
    chosen = [r for r in reports if r.place in places]  # one pass; the places came from the index
    if child := _unheld_child(question, index):
        return Scope(reason=f"问题提到 {child}", missing=f"报告库中没有{child}的报告（现有：{_held(chosen)}）")
    # "安吉县和邳州市…": a parent held only through its departments stands for them beside the others.
    standing = {}
    if found := _parent_only(question, index, reports):
        parent, children = found
        if _departments(question, children) and not any(parent in p for p in places):
            standing[parent] = children
            places, chosen = [*places, parent], chosen + children
    if len(places) == 1:
        return _by_year(question, places[0], chosen)
    # Several places: each is scoped by the years asked, as it would be alone — by its own
    # year when each place is given one ("磴口县2023年和阿拉善左旗2022年").
    own = {p: own_years(question, p, index) for p in places}
    # A place without a year of its own beside one with ("开化县最新的…和南岗区2022年的…"): the years
    # the others claim are not its; none left, its latest report answers.
    claimed = set().union(*(y for y in own.values() if y))
    rest = selector_years(question) - claimed if claimed else None
    per_place = [
        _by_year(
            question,
            p,
            standing.get(p) or [r for r in chosen if r.place == p],
            own[p] or (None if _joined_to_next(question, p, index) else rest),
        )
        for p in places
    ]
    # A place held only by undated documents (a 自评报告) may state the year asked: searched, as alone.
    undated = {r.report_id for r in chosen if r.year is None}
    held = [s for s in per_place if not s.missing or (s.report_ids and set(s.report_ids) <= undated)]
    if not held:
        return Scope(
            reason="问题提到 / question names " + "、".join(places), missing="；".join(s.missing for s in per_place)
        )
    ids = [rid for s in held for rid in ([s.prefer] if s.prefer else s.report_ids)]
    lacking = "；".join(s.missing for s in per_place if s.missing and s not in held)
    return Scope(
        report_ids=ids, reason="问题提到 / question names " + "、".join(places) + (f"（{lacking}）" if lacking else "")
    )


_PREVIOUS = re.compile(r"上一年|上年|去年|前一年|上一年度")
_LATER = re.compile(r"后来|此后|之后|后面")


_APPRAISAL = re.compile(r"((?:19|20)\d{2})年度[^，,。？?]{0,20}?(?:考核|考评|评估|测评|评议|排名)")


def covers(report: Report, year: int) -> bool:
    """Does a report speak for `year`? Its own year — and a 政府工作报告 also reviews the year
    before it was delivered (the 2024 report's 工作回顾 is of 2023)."""
    return report.year == year or (report.kind == WORK_REPORT and report.year == year + 1)


def _by_year(question: str, place: str, chosen: list[Report], years: set[int] | None = None) -> Scope:
    """`years`: the selector years that apply to this place (all of the question's by default)."""
    ids = lambda rs: [r.report_id for r in rs]  # noqa: E731
    years = selector_years(question) if years is None else years
    if (period := range_years(question)) and all(any(r.year == y for r in chosen) for y in period):
        years = years | period  # "从2021年到2022年增加了几个": both ends' reports
    if years:
        compared = {int(y) for y in _COMPARED.findall(question)}
        if _PREVIOUS.search(question):  # "比上一年增加了多少": the year before each year asked
            compared |= {y - 1 for y in years}
        if _LATER.search(question):  # "2022年是多少项，后来调整成了多少项": the later years' reports too
            compared |= {r.year for r in chosen if r.year and r.year > max(years)}
        # "2022年度考核中被评为什么等次": that appraisal is announced, and reported, the year after.
        compared |= {int(y) + 1 for y in _APPRAISAL.findall(question)}
        with_year = [r for r in chosen if any(covers(r, y) for y in years | compared)]
        if any(covers(r, y) for r in with_year for y in years):
            shown = "、".join(map(str, sorted(years | ({r.year for r in with_year} & compared))))
            return Scope(report_ids=ids(with_year), reason=f"问题提到 {place}{shown}年")
        # Maybe content another year's report (or an undated plan) states; the ladder checks.
        wanted = "/".join(map(str, sorted(years)))
        return Scope(
            report_ids=ids(chosen),
            reason=f"问题提到 {place}（没有{wanted}年的报告，在其他报告中查找）",
            year=min(years),
            missing=f"报告库中没有{place}{wanted}年的报告（现有：{_held(chosen)}）",
        )
    dated = sorted((r for r in chosen if r.year), key=lambda r: r.year)
    if len(dated) > 1 and not CHANGE.search(question) and not content_years(question):
        latest = dated[-1]
        others = "、".join(f"{r.year}年" for r in dated[:-1])
        return Scope(
            report_ids=ids(chosen),
            prefer=latest.report_id,
            reason=f"问题提到 {place}，未指明年份：按最新的{latest.year}年报告回答（另有{others}的报告）",
        )
    return Scope(report_ids=ids(chosen), reason="问题提到 / question names " + place)


def _joined_to_next(question: str, place: str, index: PlaceIndex) -> bool:
    """Is the place's name joined straight to the next place's ("光明区和磴口县2024年"), so that the
    year written after that one is theirs together?"""
    return any(re.search(re.escape(name) + r"[和与及、跟]", question) for name in index.names_of(place))


def own_years(question: str, place: str, index: PlaceIndex) -> set[int] | None:
    """The years written right after a place's name ("磴口县2023年和阿拉善左旗2022年"), or None."""
    found = set()
    for name in index.names_of(place):
        for m in re.finditer(re.escape(name) + rf"\s*({YEAR})\s*年", question):
            found.add(int(m.group(1)))
    return found or None
