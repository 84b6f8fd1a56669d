"""What is wrong with a draft answer, as readable problems (empty list = it may be shown).

The problems are also the retry prompt's "上一次回答有问题：…", so they are phrased for the
model as much as for the log. Every number must be in a cited source (grounded) and in a
sentence about the question (supported); a cited source must exist; a 《title》 must be in
the sources; an answer that only repeats a source's heading answers nothing.
"""

from __future__ import annotations

import re

from assistant.qa.sources import Source
from assistant.qa.verify import cited_ids, strip_citations, ungrounded_numbers, unsupported_numbers
from assistant.text.numerals import number_set

_MIN_HAN = 6  # Chinese characters below which an answer says nothing


def problems_with(text: str, sources: list[Source], terms: list[str], exempt: set[str]) -> list[str]:
    problems = []
    bare = re.sub(r"[\s。.，,:：]", "", strip_citations(text))
    if "来源：" in text or "资料：" in text or any(bare and bare in s.section.replace(" ", "") for s in sources):
        problems.append("回答复述了资料标题，没有回答问题")
    ids = cited_ids(text)
    valid = {s.n for s in sources}
    if bad := [i for i in ids if i not in valid]:
        problems.append(f"引用了不存在的资料编号 {bad}")
    cited = [s.full for s in sources if s.n in ids] or [s.full for s in sources]
    if bad := ungrounded_numbers(text, cited, exempt):
        problems.append(f"数字 {'、'.join(bad)} 在所引资料中找不到")
    elif bad := unsupported_numbers(text, cited, terms, exempt):
        problems.append(f"数字 {'、'.join(bad)} 出现在与问题无关的句子里")
    for title in re.findall(r"《[^》]{2,60}》", text):
        if not any(title in s.text for s in sources):
            problems.append(f"文件名 {title} 在资料中找不到")
    return problems


def draft_problems(
    text: str, sources: list[Source], terms: list[str], exempt: set[str], wants_number: bool
) -> list[str]:
    """`problems_with`, plus what a model draft must also have: citations and substance, and
    a number when the question asks for one."""
    problems = problems_with(text, sources, terms, exempt)
    if not cited_ids(text):  # an answer is shown only with the sources that back it
        problems.append("回答没有引用资料")
    if len(re.findall(r"[\u4e00-\u9fff]", strip_citations(text))) < _MIN_HAN:
        problems.append("回答没有实质内容")
    elif wants_number and not (number_set(text) - exempt):
        problems.append("问题问的是数量或比例，回答中没有数字")
    return problems
