"""The direct answer: the figure, name, date or list the question asks for, as short as the
question allows, read off the verified text that backs it.

"2023年乌海市行政机关负责人出庭应诉率是多少？" over the verified "乌海市行政机关负责人出庭应诉率为
98.4%。[1]" gives "98.4%"; over the quoted sentence "…我市行政应诉案件124件,负责人出庭应诉122件,
行政机关负责人出庭应诉率98.4%。" it gives "98.4%" too, because the clause that names the measure
holds it. A question with several parts ("共有多少件…？其中…多少件？") gets each part answered,
in order. The text it reads has passed verification, and the direct answer only repeats
pieces of it, so every figure in it is in a cited clause (answer.py checks that again).
Trade-off: a part it cannot read off (a free-form "如何…" question) is answered by the
text's first sentence, which is longer than a figure but never unverified.
"""

from __future__ import annotations

import re

from assistant.qa.verify import coverage, strip_citations
from assistant.text.measures import Measure, measure_asked, names_measure
from assistant.text.numerals import CN_NUMERAL_CHARS, canonical
from assistant.text.sentences import clauses, sentences
from assistant.text.words import key_terms

_UNITS = (
    "个百分点|百分点|%|‰|万亿元|亿元|万元|元|人次|件次|户次|万人|万户|件|个|名|人|次|项|家|起|宗|卷|本|户|条|场|期|批|类|种|"
    "所|支|天|日|小时|倍|公里|千米|平方米|平方公里|亩|吨|年|万|亿"
)  # 年 is a unit (连续31年); a year ("2021年") is told apart by _is_year
FIGURE = re.compile(
    rf"(?P<dir>同比增长|同比下降|增长了?|下降了?|提高了?|降低了?|减少了?|增加了?|上升了?)?"
    rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_NUMERAL_CHARS}]{{2,}})(?P<tail>(?:余|多)?(?:万|亿)?(?:{_UNITS})?(?:以上|余|左右)?)"
)
_ASKS = re.compile(r"多少|几|哪|什么|谁|何时|何地|是否|怎么|如何|怎样|吗|呢")
_PART_SPLIT = re.compile(r"[？?；;]|，(?=其中|另外|还有|以及|分别|并且|同时)|(?<=[天年月])(?=在哪|和哪|及哪|与哪)")
_DATE_ASKED = re.compile(r"何时|什么时候|哪天|哪一天|哪年|哪一年|几月|日期|时间")
_DATE = re.compile(
    r"(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日|底|末|初|上旬|中旬|下旬)?)?|\d{1,2}月(?:\d{1,2}日|底|末|初|上旬|中旬|下旬))"
    r"(?:以前|之前|以后|之后|前|后|起)?"
)
_LIST_ASKED = re.compile(r"哪些|哪几|哪[一二三四五六七八九十两]|包括什么|有什么|分别是")
_NAME_ASKED = re.compile(r"什么|谁|哪个|哪家|哪部|哪次|哪项|哪位|名称|叫")
_PERSON = re.compile(r"哪位([\u4e00-\u9fff]{1,4}?)(?:作|是|的|所|在|$)")  # "哪位市长作的" -> 市长
_GRADE = re.compile(r"(?:基本合格|不合格|优秀|良好|合格|较好|一般|较差)(?:等次|等级|档次)")
_WHICH = re.compile(r"哪(?:个|次|项|部|家|一)([\u4e00-\u9fff]{1,4}?)(?:上|中|里|的|作|是|$)")
_TITLE = re.compile(r"《[^》]{2,60}》")
_QUOTED = re.compile(r"“[^”]{2,40}”")
_LIST = re.compile(r"[\u4e00-\u9fff“”《》\w]{2,30}(?:[、和及与][\u4e00-\u9fff“”《》\w]{2,30}){1,12}")
_NUMERIC = re.compile(r"多少|几|比例|百分|率|数量|金额|排名|名次|第几")
_COUNTER = re.compile(
    r"(?:多少|几)(个百分点|人次|万元|亿元|个|件|名|人|次|项|家|起|宗|卷|本|户|条|场|期|批|类|种|所|支|天|倍)"
)
_DIRECTION = re.compile(r"增长|下降|提高|降低|减少|增加|上升")
_PAIR = re.compile(r"[和及与、]")
_RANK_ASKED = re.compile(r"第几|名次|位次|排第|排名多少")
_RANK = re.compile(rf"第(?:\d+|[{CN_NUMERAL_CHARS}]{{1,3}})(?:名|位)?")


def question_parts(question: str) -> list[str]:
    """The parts of a question that each ask something, in order."""
    parts = [p.strip(" ，,。") for p in _PART_SPLIT.split(question)]
    # "…有多少宗，优秀的占多少": two asking clauses joined by a comma are two parts.
    parts = [piece for p in parts for piece in _asking_clauses(p)]
    asking = [p for p in parts if p and _ASKS.search(p)]
    return asking or [question]


def _asking_clauses(part: str) -> list[str]:
    pieces = [p.strip(" ，,") for p in re.split(r"[，,]", part)]
    if len(pieces) > 1 and sum(bool(_ASKS.search(p)) for p in pieces) > 1:
        merged: list[str] = []  # a clause that asks nothing stays with the one after it
        carry = ""
        for p in pieces:
            if _ASKS.search(p):
                merged.append(carry + p)
                carry = ""
            else:
                carry += p + "，"
        if carry and merged:
            merged[-1] += "，" + carry.rstrip("，")
        return merged
    return [part]


def asking_clause(part: str) -> str:
    """The comma clause of a part that asks ("宣布废止的有几件" of "…做了清理，宣布废止的有几件")."""
    return next((p for p in reversed(re.split(r"[，,]", part)) if _ASKS.search(p)), part)


def _figures(clause: str) -> list[re.Match]:
    """Figures, not years ("2021年") and not numbers in quotes (the “12345” hotline)."""
    return [m for m in FIGURE.finditer(clause) if not _is_year(m, clause) and not _quoted(m, clause)]


def figures_of(text: str) -> list[tuple[str, str]]:
    """(the figure as an answer gives it, its number) for each figure of `text`, in order."""
    return [(_figure_text(m), canonical(m.group("num").replace(",", ""))) for m in _figures(text)]


def _figure_text(m: re.Match) -> str:
    """A figure as the answer gives it: direction, number, unit and qualifier (增长11.3%, 3000余万元),
    and the 第 of a rank (第2名)."""
    rank = "第" if not m.group("dir") and m.string[m.start("num") - 1 : m.start("num")] == "第" else ""
    return (m.group("dir") or "") + rank + m.group("num") + m.group("tail")


def _pair_figures(part: str, text: str, measure: Measure | None) -> str | None:
    """ "办理了多少件人大代表建议和政协提案" asks two counts: each item's figure, in order
    ("386件；512件" from "人大代表建议386件、政协提案512件"); None unless each has its own."""
    items = _PAIR.split(measure.phrase) if measure and not measure.precise else []
    if len(items) < 2 or any(len(i) < 2 for i in items):
        return None
    found = [_figure_for(item, text, measure_asked(f"{item}多少？")) for item in items]
    return "；".join(found) if all(found) and len(set(found)) == len(found) else None


def _quoted(m: re.Match, clause: str) -> bool:
    return clause[m.start("num") - 1 : m.start("num")] in ("“", '"') and clause[m.end("num") : m.end("num") + 1] in (
        "”",
        '"',
    )


def _is_year(m: re.Match, clause: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", m.group("num"))) and clause[m.end("num") : m.end("num") + 1] == "年"


def _figure_for(part: str, text: str, measure: Measure | None) -> str | None:
    """The figure in the clause of `text` that is about `part`: the one naming its measure,
    else the clause sharing most of its key terms; in the clause, the figure right after the
    measure's name (负责人出庭应诉122件 in "…应诉案件124件,负责人出庭应诉122件")."""
    candidates = [c for s in sentences(text) for c in clauses(s) if _figures(c)]
    if not candidates:
        return None
    terms = key_terms(part)
    named = [c for c in candidates if measure and names_measure(c, measure)]
    pool = named or candidates
    if not (measure and measure.precise) and (found := doing(part, candidates)):
        pool = [c for c in pool if c in found] or found
    clause = max(pool, key=lambda c: (coverage(c, terms), -pool.index(c)))
    best = _after_words(clause, _figures(clause), terms, measure)
    return _figure_text(best)


_VERB = re.compile(r"([\u4e00-\u9fff]{2,5})了?(?:多少|几)")
_GENERIC_VERBS = frozenset("办理 开展 共有 一共 总共 共计 累计 完成 有 是 为".split())


def doing_words(part: str) -> list[str]:
    """The words right before 多少, longest first: "调解成功" of "调解成功了多少起矛盾纠纷", "求助类"
    of "求助类有多少件" (its 有 says nothing); none when they say nothing (办理, 共有)."""
    m = _VERB.search(part)
    before = re.sub(r"(?:了|有|是|为|共|达|约)+$", "", m.group(1)) if m else ""
    return [before[-n:] for n in (4, 3, 2) if len(before) >= n and before[-2:] not in _GENERIC_VERBS]


def doing(part: str, candidates: list[str]) -> list[str]:
    """The candidate clauses that say what the part does right before 多少 — 调解成功209起 over
    排查矛盾纠纷231起, 达到7800亿元 over 增长7%; empty when none says it."""
    for word in doing_words(part):
        if found := [c for c in candidates if word in c]:
            return found
    return []


def _after_words(clause: str, figures: list[re.Match], terms: list[str], measure: Measure | None) -> re.Match:
    """Of a clause's figures, the first after the measure's name (负责人出庭应诉122件 in
    "…应诉案件124件,负责人出庭应诉122件") — or after the part's own longest word when that
    comes later than the measure's generic head: 刑事案件 in "(含民事304件、刑事341件)"."""
    head = re.search(".{0,2}".join(map(re.escape, measure.head)), clause) if measure else None
    at = head.start() if head else -1
    named = sorted((t for t in terms if t in clause and not (measure and t in measure.head)), key=len, reverse=True)
    if named and clause.find(named[0]) > at:
        at = clause.find(named[0])
    after = [f for f in figures if at >= 0 and f.start() >= at]
    return (after or figures)[0]


def _next_figure(text: str, given: list[str]) -> str | None:
    """The first figure after the last one already given, for a later part the text does not
    name in the question's words (the figures of "受理386件,调解成功341件" come in the order asked)."""
    at = text.rfind(given[-1]) + len(given[-1]) if given and given[-1] in text else -1
    if at < 0:
        return None
    for s in sentences(text[at:]):
        for c in clauses(s):
            for f in _figures(c):
                figure = _figure_text(f)
                if figure not in given:
                    return figure
    return None


def _prefer(part: str, text: str) -> str | None:
    """A figure of the kind the part asks for, when only one clause has one: its counter
    ("多少个" -> …个), a rate (…%), or a change ("增长了多少" -> 增长…)."""
    counter = _COUNTER.search(part)
    wanted = []
    for s in sentences(text):
        for c in clauses(s):
            for f in _figures(c):
                tail = f.group("tail")
                if (
                    counter
                    and tail.lstrip("余多").startswith(counter.group(1))
                    or not counter
                    and re.search(r"率|比例|占比|比重", part)
                    and tail.startswith("%")
                    or not counter
                    and _DIRECTION.search(part)
                    and f.group("dir")
                ):
                    wanted.append((c, f))
    if not wanted:
        return None
    if found := doing(part, [c for c, _ in wanted]):
        wanted = [(c, f) for c, f in wanted if c in found]
    terms = key_terms(part)
    clause, _ = max(wanted, key=lambda cf: coverage(cf[0], terms))
    best = _after_words(clause, [f for c, f in wanted if c == clause], terms, measure_asked(part + "？"))
    return _figure_text(best)


def _list_for(part: str, text: str) -> str | None:
    titles = _TITLE.findall(text)
    if len(titles) > 1:
        return "、".join(dict.fromkeys(titles))
    terms = key_terms(part)
    found = [_trim_list(m.group(0)) for m in _LIST.finditer(text)]
    return max(found, key=lambda x: (coverage(x, terms), len(x))) if found else None


def _trim_list(run: str) -> str:
    """ "乌鲁木齐县推行人民调解、行政调解、司法调解“三调联动”工作机制" -> "人民调解、行政调解、司法调解":
    the items between the first and the last share an ending (调解), and the first and last
    item are cut to it."""
    items = re.split(r"[、和及与]", run)
    if len(items) == 2:  # "光明区凤凰街道、玉塘街道被评为…": cut both to the ending they share
        first, last = items
        for n in (4, 3, 2):
            if len(first) >= n and (at := last.find(first[-n:])) >= 0:
                last = last[: at + n]
                return f"{first[-len(last) :] if len(last) < len(first) else first}、{last}"
        return run
    if len(items) > 2 and all(len(i) <= 4 for i in items[1:-1]):
        # "土家族“撒叶儿嗬”、南曲、山歌等民间艺术形式…": the first item is its quoted name, the
        # last ends at 等; the short items between say how long an item is.
        first, last = items[0], items[-1].split("等")[0]
        if first.endswith("”") and "“" in first:
            first = first[first.rfind("“") :]
        if len(last) <= 4 and len(first) <= 6:
            return "、".join([first, *items[1:-1], last])
    middle = items[1:-1] or items[1:]
    for n in (4, 3, 2):
        ends = {i[-n:] for i in middle if len(i) >= n}
        if len(ends) == 1 and len(middle) == sum(len(i) >= n for i in middle):
            end = ends.pop()
            first, last = items[0], items[-1]
            if end in first and end in last:
                width = max(len(i) for i in middle)
                first = first[: first.rfind(end) + n][-width:]
                last = last[: last.find(end) + n][-width:]
                return "、".join([first, *items[1:-1], last])
    return run


def _name_for(part: str, text: str) -> str | None:
    if (person := _PERSON.search(part)) and (
        m := re.search(rf"{person.group(1)}\s*([\u4e00-\u9fff]{{2,3}})(?![\u4e00-\u9fff])", text)
    ):
        return m.group(1)  # "洛阳市人民政府市长 刘宛康" -> 刘宛康
    if re.search(r"等次|等级|档次", part) and (grade := _GRADE.search(text)):
        return grade.group(0)  # "被评为什么等次" -> 优秀等次
    if (which := _WHICH.search(part)) and (noun := which.group(1)):
        # "哪次会议" -> the phrase of the text that ends in 会议: 漳浦县第十七届人民代表大会第二次会议
        phrase = rf"[\u4e00-\u9fff]{{2,30}}?{re.escape(noun)}"
        if m := re.search(rf"(?<=[在于经由]){phrase}", text) or re.search(phrase, text):
            return m.group(0)
    if titles := _TITLE.findall(text):
        return titles[0]
    if quoted := _QUOTED.findall(text):
        return quoted[0].strip("“”")
    return None


def _first_sentence(text: str) -> str:
    first = next((s for s in sentences(text) if s.strip()), text)
    return first.strip().rstrip("。；;")


def direct_answer(question: str, text: str) -> str:
    """The short answer to `question` read off `text` (verified; citation markers ignored)."""
    body = strip_citations(text).strip()
    answers = []
    for part in question_parts(question):
        found = None
        if _DATE_ASKED.search(part) and (dates := _DATE.findall(body)):
            found = dates[0]
        elif _RANK_ASKED.search(part) and (rank := _RANK.search(body)):
            found = rank.group(0)  # 第一 / 第2名, as the text writes it
        elif _NUMERIC.search(part) and not re.search(r"哪几|哪些", part):  # "哪几种…形式" asks a list
            measure = measure_asked(part + "？")
            found = (
                _pair_figures(part, body, measure)
                or (None if measure and measure.precise else _prefer(part, body))
                or _figure_for(part, body, measure)
            )
        elif _LIST_ASKED.search(part):
            found = _list_for(part, body)
        elif _NAME_ASKED.search(part):
            found = _name_for(part, body)
        if found and found in answers and _NUMERIC.search(part):
            found = _next_figure(body, answers) or found  # "调成了多少件": the figure after the last one
        answers.append(found or _first_sentence(body))
    return "；".join(dict.fromkeys(a.strip() for a in answers if a.strip()))
