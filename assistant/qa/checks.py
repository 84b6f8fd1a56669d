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
from dataclasses import dataclass

from assistant.qa.sources import Source
from assistant.qa.verify import cited_ids, strip_citations, ungrounded_numbers, unsupported_numbers
from assistant.text.measures import Measure, names_measure
from assistant.text.numerals import number_set
from assistant.text.places import name_variants, names_place
from assistant.text.sentences import clauses
from assistant.text.years import years_in

_MIN_HAN = 6  # Chinese characters below which an answer says nothing


@dataclass
class Expect:
    """What an answer to this question must respect."""

    terms: list[str]  # the question's key terms
    exempt: set[str]  # numbers an answer may repeat without a source (the question's own, report labels)
    wants_number: bool = False
    places: tuple[str, ...] = ()  # every place the library holds, for attribution
    scope_ids: tuple[str, ...] = ()  # the reports the question is about (empty: any)
    measure: Measure | None = None


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
    """For a precise measure, each figure the answer gives must be in a clause naming it."""
    measure = expect.measure
    if measure is None or not measure.precise:
        return []
    ids = cited_ids(text)
    cited = [s.text for s in sources if s.n in ids] or [s.text for s in sources]
    for number in number_set(strip_citations(text)) - expect.exempt:
        holding = [c for src in cited for c in clauses(src) if number in number_set(c)]
        if holding and not any(names_measure(c, measure) for c in holding):
            return [f"问题问的是{measure.phrase}，数字 {number} 所在的句子说的不是{measure.phrase}"]
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
