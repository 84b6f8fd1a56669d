"""What each section of a report says, read by rule: its 要点 and its 关键数据.

要点 are the section's own topic clauses — the 一是…/二是… items, else the opening clause of
each paragraph — copied whole: a bullet is always a whole clause or sentence of the report,
never cut inside a clause, never a heading or a source label, and never a near-duplicate of
another bullet (character bigrams overlapping, by Dice, more than NEAR_DUPLICATE). 关键数据 are the
indicator cards' values first (indicators.py), then the other clauses that state a counted
figure, each with its verbatim clause and offsets. Nothing here is generated, so nothing
needs verifying; the trade-off is that a bullet is the report's wording, not a paraphrase.
"""

from __future__ import annotations

import re

from assistant.reports.indicators import BY_KEY, IndicatorValue
from assistant.reports.outline import Part, enumerated_items
from assistant.reports.summary_models import KeyFigure, SectionSummary
from assistant.text.numerals import CN_DIGIT_CHARS, number_set
from assistant.text.outline import heading_level
from assistant.text.sentences import CLAUSE, sentences

NEAR_DUPLICATE = 0.7
_MAX_BULLET = 80  # characters: a longer sentence gives its first whole clause instead
_MIN_BULLET = 6
_UNITS = "件次|人次|户次|万元|亿元|个|件|名|人|次|项|家|起|宗|卷|本|户|条|场|期|批|类|种|所|支|余|%|元|天|倍|亩|平方米"
_COUNTED = re.compile(rf"(\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_DIGIT_CHARS}十百千]{{2,}})(?:余|多)?(?:万|亿)?(?:{_UNITS})")
_LEAD = re.compile(r"^(?:全年|今年以来|其中|共|累计|我市|我县|我区|全市|全县|全区|依法|先后|已|目前|截至目前)+")
_LABEL_LIKE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:\d{4}年)?报告$")
_MARKER = re.compile(r"^(?:\d{1,2}[.．、](?!\d)|[(（]\d{1,2}[)）])\s*")  # "1. 强化组织领导" -> 强化组织领导
# A named instrument or brand: a 《title》 the section says was made, or a “quoted” name of
# five characters or more (“法治讲堂·逢九必讲”); short slogans (“放管服”) are left to the points.
_TITLE = re.compile(r"《[^》]{4,40}》")
_MADE = re.compile(r"出台|制定|修订|颁布|印发|发布|起草|通过|编制|施行|实施")
_BRAND = re.compile(r"“(?=(?:[^”]*[\u4e00-\u9fff]){4})[^”]{5,20}”")
_MAX_NAMED = 3


def bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff\d]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def near_duplicate(a: str, b: str) -> bool:
    """Two bullets saying the same: their character bigrams overlap (Dice) above
    NEAR_DUPLICATE. A short point inside a long plan ("加强依法决策" in "继续加强依法决策,…")
    is not one: the plan says more."""
    x, y = bigrams(a), bigrams(b)
    return bool(x and y) and 2 * len(x & y) / (len(x) + len(y)) > NEAR_DUPLICATE


def _whole(sentence: str) -> str:
    """A sentence as a bullet: whole, or its first whole clause when it is too long."""
    sentence = sentence.strip().rstrip("。；;")
    if len(sentence) <= _MAX_BULLET:
        return sentence
    first = CLAUSE.match(sentence)
    return first.group(0).strip() if first and len(first.group(0).strip()) >= 4 else sentence


def key_points(text: str, limit: int) -> list[str]:
    """The section's topic clauses, in order, without duplicates (`text` without its heading)."""
    candidates = enumerated_items(text, limit=limit * 2)
    if len(candidates) < 2:
        candidates = [_whole(next(iter(sentences(p)), "")) for p in text.split("\n") if len(p.strip()) >= 20]
    points: list[str] = []
    for c in candidates:
        c = _whole(_MARKER.sub("", c.strip(" ，,。；;：:")))
        if (
            len(c) < _MIN_BULLET
            or _LABEL_LIKE.match(c)
            or heading_level(c) in (1, 2)  # a sub-heading inside a section's text
            or any(near_duplicate(c, p) for p in points)
        ):
            continue
        points.append(c)
        if len(points) == limit:
            break
    return points


_TRAILING_VERB = re.compile(r"(?:达到|达|为|共计|共|约|涉及|超过|近|累计|分别|均|都|全部|至)+$")


def _label(clause: str, number_at: int) -> str:
    """What a figure counts: the words before it in its clause ("注册公职律师63人" -> 注册公职律师),
    joined by what follows when they are only a verb ("指导356家企业" -> 指导企业), or after it
    when the number comes first ("353项免罚清单" -> 免罚清单)."""
    before = _LEAD.sub("", clause[:number_at].strip(" ，,、"))
    before = _TRAILING_VERB.sub("", re.split(r"[、，,]", before)[-1]).rstrip("0123456789.")
    before = _TRAILING_VERB.sub("", before)  # "政府规章1至2件" -> 政府规章
    after = re.sub(r"^[\d.,]+(?:余|多)?(?:万|亿)?(?:" + _UNITS + ")", "", clause[number_at:])
    after = re.split(r"[、，,。；;（(\d]", after)[0].rstrip("和及与")
    han = len(re.sub(r"[^\u4e00-\u9fff]", "", before))
    if han >= 4 or (han >= 2 and not after):
        return before[-20:]
    return (before + after)[:20] or clause[:20]


def _weight(clause: str) -> int:
    """Which counted figures a short list keeps: rates and totals before the breakdowns
    that follow them (其中咨询类13件…)."""
    if re.match(r"\s*其中", clause):
        return 0
    return 2 if "%" in clause or "率" in clause else 1 + bool(re.search(r"共|累计|全年|总数|合计", clause))


def figures_in(text: str, start: int, end: int, cards: dict[str, IndicatorValue], limit: int) -> list[KeyFigure]:
    """The section's figures in text order: its indicator values always, then as many other
    counted figures as `limit` leaves room for, rates and totals first, each clause once."""
    found: list[KeyFigure] = []
    for key, v in cards.items():
        if start <= v.start < end:
            number = v.raw.removesuffix(v.unit) if v.raw.endswith(v.unit) else v.raw
            found.append(
                KeyFigure(
                    指标=BY_KEY[key].name, 数值=number, 单位=v.unit, 原文=v.quote, start=v.start, end=v.end, 依据="规则"
                )
            )
    others: list[tuple[int, KeyFigure]] = []
    for m in CLAUSE.finditer(text, start, end):
        clause = m.group(0)
        figure = _COUNTED.search(clause)
        if not figure or any(
            f.start <= m.start() < f.end and number_set(figure.group(0)) <= number_set(f.原文) for f in found
        ):
            continue
        lead = len(clause) - len(clause.lstrip())
        value = figure.group(0)
        unit = re.search(rf"(?:{_UNITS})$", value)
        figure_at = KeyFigure(
            指标=_label(clause, figure.start()),
            数值=value[: unit.start()] if unit else value,
            单位=unit.group(0) if unit else "",
            原文=clause.strip(),
            start=m.start() + lead,
            end=m.start() + lead + len(clause.strip()),
            依据="规则",
        )
        others.append((_weight(clause), figure_at))
    room = max(limit - len(found), 0)
    kept = sorted(others, key=lambda wf: (-wf[0], wf[1].start))[:room]
    return sorted(found + [f for _, f in kept], key=lambda f: f.start)


def named_in(body: str, taken: list[str]) -> list[str]:
    """Clauses naming an instrument the section says was made (出台《…条例》) or a quoted
    work brand of five characters or more, verbatim, at most _MAX_NAMED, none repeating a
    point (`taken`)."""
    named: list[str] = []
    for m in CLAUSE.finditer(body):
        clause = m.group(0).strip()
        if not ((_TITLE.search(clause) and _MADE.search(clause)) or _BRAND.search(clause)):
            continue
        clause = _MARKER.sub("", clause)
        if len(clause) > _MAX_BULLET or any(near_duplicate(clause, t) for t in taken + named):
            continue
        named.append(clause)
        if len(named) == _MAX_NAMED:
            break
    return named


def digest(
    text: str, part: Part, cards: dict[str, IndicatorValue], max_points: int, max_figures: int
) -> SectionSummary:
    body = text[part.start : part.end]
    body = body[len(part.title) :] if body.startswith(part.title) else body  # items may share the heading's line
    points = key_points(body, max_points)
    figures = figures_in(text, part.start, part.end, cards, max_figures)
    return SectionSummary(
        标题=part.title,
        要点=points,
        制度与品牌=named_in(body, points + [f.原文 for f in figures]),
        关键数据=figures,
    )
