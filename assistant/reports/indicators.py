"""Indicator cards: a fixed set of rule-of-law statistics read from each report by rule.

Each indicator is a few regular expressions around keyword anchors ("出庭应诉率" then
at most a few words, then a number and an allowed unit, or "64个调委会" the other way
round); the first match in the text wins. No model is involved, so a value is either
quoted verbatim (with its sentence and offsets) or blank, never estimated; 余/多/以上 are
kept as a qualifier. Sanity checks (percentages ≤ 100, parts ≤ totals, 出庭应诉率 vs
出庭数/应诉数) flag contradictions on the card instead of hiding a value. Trade-off:
phrasings the anchors do not foresee stay blank; the gold facts and tests pin the seeds.

Worked example: "累计罚款3000余万元" gives value 30000000, unit 元, qualifier 余;
"办理行政复议案件一百四十七件" gives 147 件.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel

from assistant.core.errors import ConfigError
from assistant.core.types import Report
from assistant.text.numerals import CN_DIGIT_CHARS, cn_to_int
from assistant.text.sentences import sentence_spans

_COUNT = "件|起|宗|卷|本|个|家|名|人次|人|项|次"
_GAP = r"[^，,。；;：:\d\n]{{0,{n}}}?"  # words between anchor and number: no punctuation, no other number


def _value(units: str) -> str:
    return (
        rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_DIGIT_CHARS}十百千]+)(?P<q1>余|多)?(?P<mag>万|亿)?"
        rf"(?P<q2>余|多)?(?P<unit>{units})(?P<q3>以上|余)?"
    )


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    units: str  # regex alternatives the number must be followed by
    after: tuple[str, ...] = ()  # anchors the number follows: "出庭应诉率为98.4%"
    before: tuple[str, ...] = ()  # anchors the number precedes: "64个调委会"
    gap: int = 8
    # What a question says for it: a looser vocabulary than the report's own ("调委会" for 人民调解组织数).
    question: str = ""

    def patterns(self) -> list[re.Pattern]:
        value = _value(self.units)
        # "出庭应诉率从2018年的61.2%提高到2022年的96.4%": the level it reached, not the one it left
        moved = r"从[^，,。；;]{0,24}?(?:提高|提升|上升|增长|增加|下降|降低|减少)(?:到|至)(?:\d{4}年(?:底|末)?的?)?"
        return [re.compile(f"(?:{a})(?:{moved}|" + _GAP.format(n=self.gap) + ")" + value) for a in self.after] + [
            re.compile(value + _GAP.format(n=4) + f"(?:{b})") for b in self.before
        ]


_W = r"[^，,。？?；;]"  # in a question pattern: a character within the same clause
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "review_received",
        "行政复议收到案件数",
        "件",
        after=(r"(?:收到|接收)(?:行政)?复议(?:申请|案件)",),
        question=rf"收到{_W}{{0,4}}复议",
    ),
    Indicator(
        "review_accepted",
        "行政复议受理案件数",
        "件",
        after=(r"受理(?:行政)?复议(?:申请|案件)?", r"复议[^。；;]{0,30}?(?<!不予)受理"),
        question=rf"(?<!不予)受理{_W}{{0,4}}复议",
    ),
    Indicator(
        "review_closed",
        "行政复议审结案件数",
        "件",
        after=(r"审结(?:行政)?复议(?:申请|案件)?", r"复议[^。；;]{0,30}?(?:审结|办结)"),
        question=rf"(?:审结|办结){_W}{{0,4}}复议",
    ),
    Indicator(
        "review_handled",
        "行政复议办理案件数",
        "件",
        after=(r"办理(?:行政)?复议案件",),
        question=rf"办理{_W}{{0,4}}复议",
    ),
    Indicator(
        "litigation",
        "行政应诉案件数",
        "件",
        after=(r"行政应诉案件", r"行政诉讼案件"),
        question=r"应诉案件|行政诉讼案件",
    ),
    Indicator(
        "appearances",
        "负责人出庭应诉数",
        "件|次|人次",
        after=(r"负责人出庭应诉(?!率)(?:案件)?",),
        gap=2,
        question=r"出庭应诉(?!率)[^，,。？?]{0,4}(?:件|次|数|多少)",
    ),
    Indicator(
        "appearance_rate",
        "行政机关负责人出庭应诉率",
        "%",
        after=(r"出庭应诉率",),
        gap=16,
        question=r"出庭(?:应诉)?率|出庭.{0,4}比例",
    ),
    Indicator(
        "mediation_orgs",
        "人民调解组织数",
        "个|家",
        after=(r"调委会", r"人民调解委员会", r"调解组织"),
        before=(r"(?:人民)?调(?:解)?委(?:员)?会|调解组织",),
        question=rf"调委会|调解委员会|调解组织(?!{_W}{{0,6}}(?:调处|调解了|化解))",
    ),
    Indicator(
        "mediators",
        "调解员数",
        "名|人",
        after=(r"调解(?:员|人员)(?:总数)?",),
        before=(r"(?:专职|兼职)?(?:人民)?调解员",),
        question=r"调解员",
    ),
    Indicator(
        "disputes",
        "调处矛盾纠纷数",
        "件|起",
        after=(r"(?:调处|调解)(?:各类)?矛盾纠纷",),
        question=rf"(?:调处|调解|化解){_W}{{0,6}}矛盾纠纷(?!{_W}{{0,4}}成功)",
    ),
    Indicator(
        "mediation_rate",
        "调解成功率/化解率",
        "%",
        after=(r"(?:调解|调处)成功率", r"化解率"),
        gap=10,
        question=r"调解成功率|化解率",
    ),
    Indicator("counsel", "法律顾问数", "名|人", after=(r"法律顾问",), gap=4, question=r"法律顾问"),
    Indicator("public_lawyers", "公职律师数", "名|人", after=(r"公职律师",), gap=4, question=r"公职律师"),
    Indicator(
        "norms_reviewed",
        "规范性文件审核数",
        "件",
        after=(r"(?:审核|审查)[^，,。；;\d]{0,8}?规范性文件",),
        question=rf"(?:审核|审查){_W}{{0,6}}规范性文件",
    ),
    Indicator(
        "norms_filed",
        "规范性文件备案数",
        "件",
        after=(r"(?:报备|备案)规范性文件", r"规范性文件[^。；;]{0,40}?备案"),
        question=rf"备案{_W}{{0,6}}规范性文件|规范性文件{_W}{{0,6}}备案",
    ),
    Indicator(
        "major_decisions", "重大行政决策数", "件|项", after=(r"重大行政决策(?:事项)?",), gap=4, question=r"重大行政决策"
    ),
    Indicator(
        "proposals",
        "人大代表建议和政协提案办理数",
        "件",
        after=(r"建议(?:和|、|及|与)?(?:政协)?(?:委员)?提案",),
        gap=4,
        question=rf"建议{_W}{{0,3}}(?:和|及|与|、){_W}{{0,4}}提案",
    ),
    Indicator(
        "npc_suggestions",
        "人大代表建议办理数",
        "件",
        after=(r"人大代表建议(?!和|、|及|与)",),
        gap=2,
        question=r"人大代表建议",
    ),
    Indicator(
        "cppcc_proposals",
        "政协提案办理数",
        "件",
        after=(r"(?<!建议和)(?<!建议、)(?<!建议及)政协(?:委员)?提案",),
        gap=2,
        question=r"政协(?:委员)?提案",
    ),
    Indicator(
        "case_reviews",
        "行政执法案卷评查数",
        "卷|宗|本|件",
        after=(r"评查(?:行政执法)?案卷",),
        before=(r"(?:行政)?执法案卷",),
        question=rf"评查{_W}{{0,8}}案卷|案卷{_W}{{0,4}}评查",
    ),
    Indicator("legal_aid", "法律援助案件数", "件", after=(r"法律援助案件",), gap=2, question=r"法律援助案件"),
    # Not asked about by name: "涉及金额" and "罚款" are too common in questions about other things.
    Indicator("mediation_amount", "调解涉及金额", "元", after=(r"涉及金额",), gap=2),
    Indicator("fines", "罚款金额", "元", after=(r"罚款",), gap=2),
)
BY_KEY = {i.key: i for i in INDICATORS}
# (part, whole): a part larger than its whole is a contradiction.
PARTS = (
    ("review_closed", "review_received"),
    ("review_accepted", "review_received"),
    ("appearances", "litigation"),
    ("npc_suggestions", "proposals"),
    ("cppcc_proposals", "proposals"),
)
_PERIOD = re.compile(r"\d{4}年(?:以来|至今)|累计")


class IndicatorValue(BaseModel):
    metric: str
    value: int | float
    unit: str
    qualifier: str = ""
    raw: str
    quote: str
    start: int
    end: int
    note: str = ""  # "累计", "2019年至今": the figure may span more than the report year


class IndicatorCard(BaseModel):
    report_id: str
    place: str | None = None
    year: int | None = None
    values: dict[str, IndicatorValue] = {}
    flags: list[str] = []


def normalise(number: str, magnitude: str = "") -> int | float | None:
    """'3000' + '万' -> 30000000; '一百四十七' -> 147; '98.4' -> 98.4."""
    if number[0].isdigit():
        n = Decimal(number.replace(",", ""))
    elif (v := cn_to_int(number)) is not None:
        n = Decimal(v)
    else:
        return None
    n *= {"": 1, "万": 10**4, "亿": 10**8}[magnitude]
    return int(n) if n == n.to_integral_value() else float(n)


def extract(text: str) -> dict[str, IndicatorValue]:
    spans = sentence_spans(text)
    starts = [s for s, _ in spans]
    found: dict[str, IndicatorValue] = {}
    for ind in INDICATORS:
        matches = sorted((m for p in ind.patterns() for m in p.finditer(text)), key=lambda m: m.start("num"))
        for m in matches:
            value = normalise(m["num"], m["mag"] or "")
            if value is None:
                continue
            s, e = spans[max(0, bisect.bisect_right(starts, m.start("num")) - 1)]
            quote = text[s:e]
            found[ind.key] = IndicatorValue(
                metric=ind.key,
                value=value,
                unit=m["unit"],
                qualifier="".join(q for q in (m["q1"], m["q2"], m["q3"]) if q),
                raw=text[m.start("num") : m.end("q3") if m["q3"] else m.end("unit")],
                quote=quote,
                start=s,
                end=e,
                note=(p.group(0) if (p := _PERIOD.search(quote)) else ""),
            )
            break
    return found


class Flag(BaseModel):
    """A contradiction between a card's values, and the values it is about (for their quotes)."""

    message: str
    metrics: list[str]


def inconsistencies(values: dict[str, IndicatorValue]) -> list[Flag]:
    """Contradictions between a card's values: a percentage over 100, a part larger than its
    whole, 出庭应诉率 that its counts do not give."""
    flags = []
    for v in values.values():
        if v.unit == "%" and v.value > 100:
            flags.append(Flag(message=f"{BY_KEY[v.metric].name} {v.raw} 超过 100%", metrics=[v.metric]))
    for part, whole in PARTS:
        if part in values and whole in values and values[part].value > values[whole].value:
            flags.append(
                Flag(
                    message=f"{BY_KEY[part].name} {values[part].raw} 大于 {BY_KEY[whole].name} {values[whole].raw}",
                    metrics=[part, whole],
                )
            )
    rate, n, total = (values.get(k) for k in ("appearance_rate", "appearances", "litigation"))
    if rate and n and total and total.value and not (rate.qualifier or n.qualifier or total.qualifier):
        implied = 100 * n.value / total.value
        if abs(implied - rate.value) > 0.5:
            flags.append(
                Flag(
                    message=f"出庭应诉率 {rate.raw} 与出庭 {n.raw} / 应诉 {total.raw}（{implied:.1f}%）不一致",
                    metrics=["appearance_rate", "appearances", "litigation"],
                )
            )
    return flags


def check(values: dict[str, IndicatorValue]) -> list[str]:
    """Contradictions between a card's values, as readable flags."""
    return [f.message for f in inconsistencies(values)]


def card(report: Report, text: str) -> IndicatorCard:
    values = extract(text)
    return IndicatorCard(
        report_id=report.report_id, place=report.place, year=report.year, values=values, flags=check(values)
    )


def resolve(metrics: list[str] | None) -> list[Indicator]:
    """Indicators by key or Chinese name; all of them when metrics is None."""
    if not metrics:
        return list(INDICATORS)
    by_name = {**BY_KEY, **{i.name: i for i in INDICATORS}}
    unknown = [m for m in metrics if m not in by_name]
    if unknown:
        raise ConfigError(
            f"未知指标 / unknown metric: {', '.join(unknown)}",
            "可选 / valid: " + ", ".join(f"{i.key}({i.name})" for i in INDICATORS),
        )
    return [by_name[m] for m in metrics]
