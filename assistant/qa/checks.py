"""What is wrong with a draft answer, as readable problems (empty list = it may be shown).

The problems are also the retry prompt's "上一次回答有问题：…", so they are phrased for the
model as much as for the log. Every number must be in a cited source (grounded) and in a
sentence about the question (supported); a cited source must exist; a 《title》 must be in
the sources; an answer that only repeats a source's heading answers nothing.

Attribution is checked as strictly as numbers: every cited source must belong to the
reports the question is about, a place the answer names must be the place of a report it
cites, and a year it names must be that report's year or stated in the cited text — so a
figure of 醴陵市 can never be shown as 光明区's. For a precise measure (a rate, a ranking),
each figure must sit in a clause that names that measure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.qa.sources import Source
from assistant.qa.verify import cited_ids, strip_citations, ungrounded_numbers, unsupported_numbers
from assistant.reports.indicators import INDICATORS
from assistant.text.measures import Measure, measure_asked, names_measure
from assistant.text.numerals import number_set
from assistant.text.places import name_variants, names_place
from assistant.text.sentences import clauses, sentences
from assistant.text.words import key_terms
from assistant.text.years import years_in

_MIN_HAN = 6  # Chinese characters below which an answer says nothing


# Words that say what kind of count a measure is, not what is counted: they cannot tell a
# clause about 法律援助案件 from one about 行政处罚案件.
_COUNT_NOUNS = frozenset(
    "案件 件数 数量 个数 人数 次数 数 工作 情况 事项 总数 多少 共计 累计 办理 开展 全年 其中".split()
)


def parts_matcher(parts: list[str]) -> Callable[[str], bool] | None:
    """`measure_matcher` over a question's parts: a clause may name any part's measure; None
    when some part names none (its figures cannot be checked this way)."""
    matchers = [measure_matcher(p, measure_asked(p + "？")) for p in parts]
    if not matchers or any(m is None for m in matchers):
        return None
    return matchers[0] if len(matchers) == 1 else (lambda clause: any(m(clause) for m in matchers))


def measure_matcher(question: str, measure: Measure | None) -> Callable[[str], bool] | None:
    """A test of whether a clause names the measure asked: a precise measure's head (应诉率);
    for an indicator the report's own words for it (调委会 for 人民调解委员会); otherwise the
    measure's content words (法律援助 of 法律援助案件). None when the question names no measure."""
    if measure is None:
        return None
    if measure.precise:
        return lambda clause: names_measure(clause, measure)
    for ind in INDICATORS:
        if ind.question and re.search(ind.question, question):
            words = re.compile("|".join([ind.question, *ind.after, *ind.before]))
            return lambda clause: bool(words.search(clause))
    core = [t for t in key_terms(measure.phrase) if t not in _COUNT_NOUNS and len(t) >= 2]
    if not core:
        return None
    return lambda clause: any(t in clause for t in core)


@dataclass
class Expect:
    """What an answer to this question must respect."""

    terms: list[str]  # the question's key terms
    exempt: set[str]  # numbers an answer may repeat without a source (the question's own, report labels)
    wants_number: bool = False
    places: tuple[str, ...] = ()  # every place the library holds, for attribution
    scope_ids: tuple[str, ...] = ()  # the reports the question is about (empty: any)
    measure: Measure | None = None
    names_measure: Callable[[str], bool] | None = None  # does a clause name the measure asked?


def problems_with(text: str, sources: list[Source], expect: Expect) -> list[str]:
    problems = []
    bare = re.sub(r"[\s。.，,:：]", "", strip_citations(text))
    if "来源：" in text or "资料：" in text or any(bare and bare in s.section.replace(" ", "") for s in sources):
        problems.append("回答复述了资料标题，没有回答问题")
    ids = cited_ids(text)
    valid = {s.n for s in sources}
    if bad := [i for i in ids if i not in valid]:
        problems.append(f"引用了不存在的资料编号 {bad}")
    cited = [s.full for s in sources if s.n in ids] or [s.full for s in sources]
    if bad := ungrounded_numbers(text, cited, expect.exempt):
        problems.append(f"数字 {'、'.join(bad)} 在所引资料中找不到")
    elif bad := unsupported_numbers(text, cited, expect.terms, expect.exempt):
        problems.append(f"数字 {'、'.join(bad)} 出现在与问题无关的句子里")
    for title in re.findall(r"《[^》]{2,60}》", text):
        if not any(title in s.text for s in sources):
            problems.append(f"文件名 {title} 在资料中找不到")
    return problems + attribution_problems(text, sources, expect)


def attribution_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    ids = cited_ids(text)
    cited = [s for s in sources if s.n in ids]
    if not cited:
        return []
    problems = []
    labels = "、".join(dict.fromkeys(s.label for s in cited))
    if expect.scope_ids and (outside := [s.label for s in cited if s.hit.report.report_id not in expect.scope_ids]):
        problems.append(f"引用了问题范围以外的报告：{'、'.join(dict.fromkeys(outside))}")
    said = strip_citations(text)
    named = [p for p in expect.places if p and names_place(said, p)]
    named = [p for p in named if not any(p != q and p in q for q in named)]
    for place in named:
        if not any(
            place in name_variants([s.hit.report.place]) or (s.hit.report.place or "").endswith(place) for s in cited
        ):
            problems.append(f"回答说的是{place}，所引资料却来自{labels}")
    for year in sorted(years_in(said)):
        if not any(s.hit.report.year == year or f"{year}年" in s.text for s in cited):
            problems.append(f"回答提到{year}年，所引资料是{labels}，其中没有{year}年的内容")
    return problems


def measure_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """Each figure the answer gives must be in a clause that names the measure asked (so
    "1208件" from 办理行政处罚案件1208件 cannot answer 法律援助案件)."""
    names = expect.names_measure
    if names is None:
        return []
    asked = expect.measure.phrase if expect.measure else "所问的指标"
    ids = cited_ids(text)
    cited = [s.text for s in sources if s.n in ids] or [s.text for s in sources]
    # A rate or a ranking is named in the very clause of its figure; other figures may come
    # with context from the same sentence ("来电713件,已办结684件,办结率为95.9%").
    units = clauses if expect.measure and expect.measure.precise else sentences
    for number in number_set(strip_citations(text)) - expect.exempt:
        holding = [c for src in cited for c in units(src) if number in number_set(c)]
        if holding and not any(names(c) for c in holding):
            return [f"问题问的是{asked}，数字 {number} 所在的句子说的不是{asked}"]
    return []


def draft_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """`problems_with`, plus what a model draft must also have: citations and substance, a
    number when the question asks for one, and for a precise measure, figures of that measure
    (a quote, by contrast, keeps its whole sentence, so its other figures are context)."""
    problems = problems_with(text, sources, expect) + measure_problems(text, sources, expect)
    if not cited_ids(text):  # an answer is shown only with the sources that back it
        problems.append("回答没有引用资料")
    if len(re.findall(r"[\u4e00-\u9fff]", strip_citations(text))) < _MIN_HAN:
        problems.append("回答没有实质内容")
    elif expect.wants_number and not (number_set(text) - expect.exempt):
        problems.append("问题问的是数量或比例，回答中没有数字")
    return problems
