"""Review a report as the office that receives it must: does it contain what the rules
require, was it on time and in form, which core figures does it leave out, and do its
figures agree with each other.

The rules are data (reporting_rules.yaml, with their source): the five parts of
《法治政府建设与责任落实督察工作规定》, the deadlines by who reports, publication before
4月1日, and the core indicators. Everything is read by rule from the cleaned text — the
outline (outline.py), the items a section lists, the indicator cards — so a finding is
either backed by a quote with its offsets or says what was looked for and not found.
Nothing is asked of a model.

Statuses: 具备 (present), 单薄 (thin: present, but with fewer than two items, no stated
cause, or no measurable plan), 缺少 (missing), 按时 / 逾期 (on time / late), 无法判断
(the text does not say), 不适用 (the rule does not apply to this kind of document), 矛盾
(two of its figures contradict each other).

Worked example: 乌鲁木齐县2022年报告 has eight body sections and no section on problems or
plans, so 存在的不足和原因 and 下一年度主要安排 are 缺少; it names 第一责任人 in two sentences,
so that part is 具备 with both quoted.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, Field

from assistant.core.types import ANNUAL_REPORT as ANNUAL
from assistant.core.types import Report
from assistant.reports.indicators import BY_KEY, IndicatorValue, card, extract, inconsistencies
from assistant.reports.outline import PLANS_START, Part, enumerated_items, outline, problems_and_plans
from assistant.reports.sections import figures_in
from assistant.reports.trends import TrendSeries, series
from assistant.text.outline import ITEM
from assistant.text.sentences import sentence_spans
from assistant.text.years import CN_DATE, iso_date

if TYPE_CHECKING:
    from assistant.index.store import Store

RULES_PATH = Path(__file__).with_name("reporting_rules.yaml")
Status = Literal["具备", "单薄", "缺少", "按时", "逾期", "无法判断", "不适用", "矛盾"]
Area = Literal["内容", "时限与形式", "核心指标", "一致性"]
_MIN_FIGURES = 3  # fewer counted figures in the measures: "few concrete cases and figures"
_MIN_ITEMS = 2
_CAUSE = re.compile(r"原因|由于|主要是|根源|究其|归根")
_MEASURABLE = re.compile(rf"\d|[{'一二三四五六七八九十百'}]+[项个件次条家所]|年底|月底|年内|季度|前完成|《")
_FIRST = re.compile(r"第一责任人")
_OTHER = re.compile(r"其他需要报告|其他情况|其他事项")


@cache
def rules() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


class Evidence(BaseModel):
    """A quote backing a finding: text[start:end] == quote in the report's cleaned text.
    start and end are None only for what the web page's information block said (发布日期)."""

    quote: str
    start: int | None = None
    end: int | None = None
    location: str | None = Field(None, description="第3页 / 第12段, when the source has pages or paragraphs")


class Finding(BaseModel):
    area: Area
    item: str = Field(description="what was checked, e.g. 存在的不足和原因")
    status: Status
    detail: str = Field(description="one sentence for the reviewer")
    evidence: list[Evidence] = Field(default_factory=list)


class ReportReview(BaseModel):
    report_id: str
    label: str
    place: str | None
    kind: str | None
    findings: list[Finding]

    def of(self, area: Area) -> list[Finding]:
        return [f for f in self.findings if f.area == area]

    def status(self, item: str) -> Status | None:
        return next((f.status for f in self.findings if f.item == item), None)


def _evidence(report: Report, text: str, start: int, end: int) -> Evidence:
    quote = text[start:end]
    lead = len(quote) - len(quote.lstrip())
    quote = quote.strip()
    return Evidence(quote=quote, start=start + lead, end=start + lead + len(quote), location=report.locate(start))


def _distinct(evidence: list[Evidence]) -> list[Evidence]:
    """Each sentence quoted once, though two figures in it were checked."""
    kept: dict[tuple, Evidence] = {}
    for e in evidence:
        kept.setdefault((e.start, e.end, e.quote), e)
    return list(kept.values())


def _title_evidence(report: Report, text: str, part: Part) -> Evidence:
    at = text.find(part.title, part.start)
    at = at if at >= 0 else part.start
    return _evidence(report, text, at, at + len(part.title))


def _item_evidence(report: Report, text: str, items: list[str], start: int, end: int) -> list[Evidence]:
    found = []
    for item in items[:3]:
        at = text.find(item, start, end)
        if at >= 0:
            found.append(_evidence(report, text, at, at + len(item)))
    return found


def _sentences_matching(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    return [(s, e) for s, e in sentence_spans(text) if pattern.search(text[s:e])]


# --- the five parts -----------------------------------------------------------------------
def _not_annual(report: Report, area: Area, item: str, what: str) -> list[Finding]:
    """The one finding for a document that is not an annual report: the rule does not apply."""
    detail = f"这是{report.kind or '其他文件'}，不是法治政府建设年度报告，不按年度报告的{what}审查"
    return [Finding(area=area, item=item, status="不适用", detail=detail)]


def _held_to_rules(report: Report) -> bool:
    """An annual report, or a document whose kind could not be read (no title, nothing on
    problems or plans): that is what a weak report looks like, so it is reviewed, not excused."""
    return report.kind in (ANNUAL, None)


def content_findings(report: Report, text: str) -> list[Finding]:
    if not _held_to_rules(report):
        return _not_annual(report, "内容", "年度报告的必备内容", "五项内容")
    unread = (
        []
        if report.kind
        else [
            Finding(
                area="内容",
                item="文件类型",
                status="无法判断",
                detail="没有标题，正文也看不出文件类型；按法治政府建设年度报告审查",
            )
        ]
    )
    _, tops = outline(text, 1)
    _, parts = outline(text, 2)
    names = {p["key"]: p["name"] for p in rules()["required_parts"]}
    body = [p for p in parts if p.kind == "body"]
    findings = [*unread, _measures(report, text, body, names["measures"])]
    problems, plans = problems_and_plans(text, tops)
    problem_parts = [p for p in tops if "problems" in p.kind]
    plan_parts = [p for p in tops if "plans" in p.kind]
    findings += _shortcomings(report, text, problem_parts, problems, names["shortcomings"])
    findings.append(_first_responsible(report, text, parts, names["first_responsible"]))
    findings.append(_plans(report, text, plan_parts, plans, names["plans"]))
    other = next((p for p in parts if _OTHER.search(p.title)), None)
    findings.append(
        Finding(
            area="内容",
            item=names["other"],
            status="具备" if other else "不适用",
            detail="单列了其他需要报告的情况" if other else "未单列其他需要报告的情况（此项可无）",
            evidence=[_title_evidence(report, text, other)] if other else [],
        )
    )
    return findings


def _measures(report: Report, text: str, body: list[Part], name: str) -> Finding:
    if not body:
        return Finding(area="内容", item=name, status="缺少", detail="未见介绍工作举措和成效的部分")
    start, end = body[0].start, body[-1].end
    figures = figures_in(text, start, end, extract(text[:end]), limit=10_000)
    evidence = [_title_evidence(report, text, p) for p in body[:3] if p.title != "正文"]
    evidence += [_evidence(report, text, f.start, f.end) for f in figures[:2]]
    thin = len(figures) < _MIN_FIGURES
    return Finding(
        area="内容",
        item=name,
        status="单薄" if thin else "具备",
        detail=f"举措和成效中具体数字很少（{len(figures)} 处），缺少可核对的案例和数据"
        if thin
        else f"{len(body)} 个部分，{len(figures)} 处具体数字",
        evidence=evidence,
    )


def _shortcomings(report: Report, text: str, parts: list[Part], items: list[str], name: str) -> list[Finding]:
    if not parts:
        return [
            Finding(
                area="内容", item=name, status="缺少", detail="未见以“问题”“不足”“差距”为题的部分，报告没有写存在的不足"
            )
        ]
    part = parts[0]
    evidence = [_title_evidence(report, text, part), *_item_evidence(report, text, items, part.start, part.end)]
    if len(items) < _MIN_ITEMS:
        finding = Finding(
            area="内容",
            item=name,
            status="单薄",
            detail=f"不足只列了 {len(items)} 条" if items else "有标题，但没有列出具体的不足",
            evidence=evidence,
        )
    else:
        finding = Finding(area="内容", item=name, status="具备", detail=f"列出 {len(items)} 条不足", evidence=evidence)
    # The rule asks for 不足和原因: a list of shortcomings without their causes is half of it.
    end = part.end
    if "plans" in part.kind and (cut := PLANS_START.search(text, part.start, part.end)):
        end = cut.start()
    causes = _sentences_matching(text[part.start : end], _CAUSE)
    cause = Finding(
        area="内容",
        item="不足的原因",
        status="具备" if causes else "单薄",
        detail="分析了不足的原因" if causes else "列出了不足，但没有分析原因（规定要求写明“不足和原因”）",
        # Without causes the quote is the list itself: what was read and found wanting.
        evidence=[_evidence(report, text, part.start + s, part.start + e) for s, e in causes[:2]]
        or [_title_evidence(report, text, part)],
    )
    return [finding, cause]


def _first_responsible(report: Report, text: str, parts: list[Part], name: str) -> Finding:
    titled = [p for p in parts if _FIRST.search(p.title)]
    spans = _sentences_matching(text, _FIRST)
    evidence = [_title_evidence(report, text, p) for p in titled]
    evidence += [_evidence(report, text, s, e) for s, e in spans if not any(p.start <= s < p.end for p in titled)][:3]
    if titled or len(spans) >= _MIN_ITEMS:
        how = "单列一节" if titled else f"{len(spans)} 处写到"
        return Finding(
            area="内容", item=name, status="具备", detail=f"{how}党政主要负责人履行第一责任人职责", evidence=evidence
        )
    if spans:
        return Finding(
            area="内容",
            item=name,
            status="单薄",
            detail="只有一处提到第一责任人职责，没有具体履职情况",
            evidence=evidence,
        )
    return Finding(
        area="内容", item=name, status="缺少", detail="全文未提到党政主要负责人履行推进法治建设第一责任人职责"
    )


def _segments(text: str) -> list[str]:
    """The text of each 一是… / (一)… item, up to the next one."""
    starts = [m.end() for m in ITEM.finditer(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _plans(report: Report, text: str, parts: list[Part], items: list[str], name: str) -> Finding:
    if not parts:
        return Finding(area="内容", item=name, status="缺少", detail="未见下一年度工作安排")
    part = parts[0]
    start = part.start
    if "problems" in part.kind and (cut := PLANS_START.search(text, part.start, part.end)):
        start = cut.start()
    segments = _segments(text[start : part.end]) or [text[start : part.end]]
    items = items or enumerated_items(text[start : part.end])
    if not items:
        return Finding(area="内容", item=name, status="缺少", detail="有标题，但没有写下一年度的具体安排")
    evidence = [_title_evidence(report, text, part), *_item_evidence(report, text, items, part.start, part.end)]
    # Measurable: a figure, a deadline or a named document — a year alone ("2024年") is not one.
    measurable = [seg for seg in segments if _MEASURABLE.search(re.sub(r"\d{4}年", "", seg))]
    if len(items) < _MIN_ITEMS or not measurable:
        why = f"只有 {len(items)} 条" if len(items) < _MIN_ITEMS else "没有一条可衡量（数字、时限或具体文件）"
        return Finding(area="内容", item=name, status="单薄", detail=f"下一年度安排{why}", evidence=evidence)
    return Finding(
        area="内容",
        item=name,
        status="具备",
        detail=f"{len(items)} 条安排，{len(measurable)} 条写有数字、时限或具体文件",
        evidence=evidence,
    )


# --- timeliness and form ------------------------------------------------------------------
def _date_evidence(report: Report, text: str) -> Evidence | None:
    for m in reversed(list(CN_DATE.finditer(text))):
        if iso_date(m.group(0)) == report.date:
            return _evidence(report, text, m.start(), m.end())
    return None


def _due(year: int, rule: dict) -> date | None:
    return date(year + 1, rule["month"], rule["day"]) if rule.get("month") else None


def form_findings(report: Report, text: str) -> list[Finding]:
    if not _held_to_rules(report):
        return _not_annual(report, "时限与形式", "报送时限", "时限")
    r = rules()
    findings = []
    signed = date.fromisoformat(report.date) if report.date else None
    on_date = _date_evidence(report, text) if signed else None
    rule = r["deadlines"].get("部门" if report.level == "部门" else report.level or "", None)
    due = _due(report.year, rule) if rule and report.year else None
    if rule is None or report.year is None:
        findings.append(
            Finding(
                area="时限与形式",
                item="报送时限",
                status="无法判断",
                detail="报告主体的层级或报告年度不明，无法对照报送时限",
            )
        )
    elif due is None:
        findings.append(
            Finding(
                area="时限与形式",
                item="报送时限",
                status="无法判断",
                detail=f"规定写明{report.level}级应向{rule['to']}报告，但未写具体日期",
            )
        )
    elif signed is None:
        findings.append(
            Finding(
                area="时限与形式",
                item="报送时限",
                status="无法判断",
                detail=f"报告未写成文日期；{report.level}应在{due.month}月{due.day}日前报送",
            )
        )
    else:
        late = signed >= due
        findings.append(
            Finding(
                area="时限与形式",
                item="报送时限",
                status="逾期" if late else "按时",
                detail=f"成文日期 {signed.isoformat()}，{'晚于' if late else '早于'}{due.year}年{due.month}月{due.day}日的报送期限",
                evidence=[on_date] if on_date else [],
            )
        )
    findings.append(_publication(report, signed, on_date, r["publication"]))
    findings.append(_field(report, text, "主送机关", report.addressee, "未写主送机关，看不出报给了谁"))
    findings.append(_field(report, text, "发布机关", report.issuer, "未署发布机关（落款）"))
    return findings


def _publication(report: Report, signed: date | None, on_date: Evidence | None, rule: dict) -> Finding:
    due = date(report.year + 1, rule["month"], rule["day"]) if report.year else None
    published = next((report.page_meta[k] for k in ("发布时间", "发布日期") if report.page_meta.get(k)), None)
    when = iso_date(published) if published else None
    if due and when:
        late = date.fromisoformat(when) >= due
        return Finding(
            area="时限与形式",
            item="公开时限",
            status="逾期" if late else "按时",
            detail=f"网页发布日期 {when}，{'晚于' if late else '早于'}{due.year}年{due.month}月{due.day}日的公开期限",
            evidence=[Evidence(quote=published)],
        )
    if due and signed and signed >= due:
        return Finding(
            area="时限与形式",
            item="公开时限",
            status="逾期",
            detail=f"成文日期 {signed.isoformat()} 已晚于{due.year}年{due.month}月{due.day}日的公开期限",
            evidence=[on_date] if on_date else [],
        )
    return Finding(
        area="时限与形式",
        item="公开时限",
        status="无法判断",
        detail=f"文本中没有网页发布日期；应在{rule['where']}上于次年{rule['month']}月{rule['day']}日前公开，需到政府网站核对",
    )


def _field(report: Report, text: str, item: str, value: str | None, missing: str) -> Finding:
    if not value:
        return Finding(area="时限与形式", item=item, status="缺少", detail=missing)
    # "中共醴陵市委、醴陵市人民政府" may be signed on two lines: quote each name where it stands.
    evidence = []
    for name in [value] if value in text else re.split(r"[、，,\s]+", value):
        if name and (at := text.rfind(name)) >= 0:
            evidence.append(_evidence(report, text, at, at + len(name)))
    return Finding(area="时限与形式", item=item, status="具备", detail=value, evidence=evidence)


# --- core indicators and consistency ------------------------------------------------------
def indicator_findings(report: Report, text: str, values: dict[str, IndicatorValue]) -> list[Finding]:
    findings = []
    for core in rules()["core_indicators"]:
        if "keys" in core:
            got = [values[k] for k in core["keys"] if k in values]
            evidence = [_evidence(report, text, v.start, v.end) for v in got[:2]]
            shown = "；".join(f"{BY_KEY[v.metric].name} {v.raw}" for v in got)
        else:
            spans = _sentences_matching(text, re.compile(core["pattern"]))
            evidence = [_evidence(report, text, s, e) for s, e in spans[:2]]
            shown = "见引文"
        findings.append(
            Finding(
                area="核心指标",
                item=core["name"],
                status="具备" if evidence else "缺少",
                detail=shown if evidence else f"报告未给出{core['name']}",
                evidence=evidence,
            )
        )
    for flag in inconsistencies(values):
        findings.append(
            Finding(
                area="一致性",
                item="数字之间的矛盾",
                status="矛盾",
                detail=flag.message,
                evidence=_distinct(
                    [_evidence(report, text, values[k].start, values[k].end) for k in flag.metrics if k in values]
                ),
            )
        )
    return findings


def review(report: Report, text: str) -> ReportReview:
    """All findings for one report, in the order a reviewer reads them."""
    return ReportReview(
        report_id=report.report_id,
        label=report.label,
        place=report.place,
        kind=report.kind,
        findings=content_findings(report, text)
        + form_findings(report, text)
        + indicator_findings(report, text, extract(text)),
    )


def review_library(store: Store, only: str | None = None) -> tuple[list[ReportReview], list[TrendSeries]]:
    """Reviews of every report (or of `only`), and the trends of the places they cover."""
    reports = store.reports()
    texts = {r.report_id: store.report_text(r.report_id) for r in reports}
    chosen = [r for r in reports if only in (None, r.report_id)]
    reviews = [review(r, texts[r.report_id]) for r in chosen]
    places = {r.place for r in chosen}
    trends = [t for t in series(reports, [card(r, texts[r.report_id]) for r in reports]) if t.place in places]
    return reviews, trends
