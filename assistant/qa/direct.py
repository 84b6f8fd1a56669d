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
from collections.abc import Callable

from assistant.qa.verify import coverage, strip_citations
from assistant.text.changes import CHANGE_WORDS, DIRECTION_ASKED
from assistant.text.measures import Measure, measure_asked, names_measure
from assistant.text.numerals import CN_NUMERAL, CN_NUMERAL_CHARS, COUNTERS, canonical, number_set
from assistant.text.places import find_chains
from assistant.text.sentences import CLAUSE, clauses, said_with_subject, sentences
from assistant.text.words import key_terms

# 年 is a unit (连续31年); a year ("2021年") is told apart by _is_year; 分 a score (得分94.3分)
_UNITS = f"万美元|亿美元|美元|{COUNTERS}|百分点|%|‰|万亿元|万人|万户|日|小时|分钟|分|公里|千米|平方米|平方公里|公顷|亩|吨|年|万|亿"
# Words that make a figure a bound: 突破5000亿元 and 不少于60件 are not 5000亿元 and 60件.
BOUND = r"突破|超过|不足|不到|不少于|不低于|不超过|不高于|至少"
FIGURE = re.compile(
    rf"(?P<dir>同比增长|同比下降|(?:{CHANGE_WORDS})了?)?"
    rf"(?P<bound>{BOUND})?"
    # a single Chinese digit is a figure only before a counter: 十个方面, not 一是
    rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|{CN_NUMERAL}|[两三四五六七八九十](?=个|项|件|条|类|种|支|家|批))"
    rf"(?P<tail>[:：]1(?![\d.])|(?:余|多)?(?:万|亿)?(?:{_UNITS})?(?:以上|以下|以内|之内|余|左右)?)"  # a ratio: 2.1:1
)
_ASKS = re.compile(
    r"多少|几|哪|什么|啥|谁|何时|何地|是否|有没有|有无|多大|多高|多长|多远|怎么|如何|怎样|吗|呢|多久|多长时间|"
    r"[了过]没有?(?=[？?，,。]|$)"  # "输了没有"
)
_PART_SPLIT = re.compile(r"[？?；;]|，(?=其中|另外|还有|以及|分别|并且|同时)|(?<=[天年月])(?=在哪|和哪|及哪|与哪)")
_DATE_ASKED = re.compile(r"何时|什么时候|哪天|哪一天|哪几天|几号|哪年|哪一年|几月|日期|时间")
_DATE = re.compile(
    r"(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日|底|末|初|上旬|中旬|下旬)?)?|\d{1,2}月(?:\d{1,2}日|底|末|初|上旬|中旬|下旬))"
    r"(?:(?:至|到|—|-|~)(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)?"  # a span of days: 8月14日至8月18日
    r"(?:以前|之前|以后|之后|前|后|起)?"
)
_LIST_ASKED = re.compile(r"哪些|哪几|哪[一二三四五六七八九十两]|包括什么|有什么|分别是")
_NAME_ASKED = re.compile(r"什么|啥|谁|哪[个家部次项位件种类座所条本首篇]|名称|叫")
_PERSON = re.compile(r"哪位([\u4e00-\u9fff]{1,4}?)(?:作|是|的|所|在|$)")  # "哪位市长作的" -> 市长
_GRADE = re.compile(r"(?:基本合格|不合格|优秀|良好|合格|较好|一般|较差)(?:等次|等级|档次)")
_WHICH = re.compile(r"哪(?:个|次|项|部|家|一)([\u4e00-\u9fff]{1,4}?)(?:上|中|里|的|作|是|$)")
_TITLE = re.compile(r"《[^》]{2,60}》")
_QUOTED = re.compile(r"“[^”]{2,40}”")
_LIST = re.compile(r"[\u4e00-\u9fff“”《》\w]{2,30}(?:[、和及与][\u4e00-\u9fff“”《》\w]{2,30}){1,12}")
# "有什么变化": a change, answered with its figure (checks.py holds drafts to it too).
CHANGE_ASKED = re.compile(r"有什么变化|有啥变化|有何变化|怎么变|如何变化|怎么走|同比(?:怎样|怎么样|如何|情况|呢)")
# "涨了多少", "比上年增加了多少", "2024年比2023年多了多少": the change between two figures is asked
CHANGE_BY_ASKED = re.compile(
    r"比(?![是例重率值])(?:.{0,12}?)(?:多|少|增加|减少|增长|下降|提高|降低)|(?:增加|减少|增长|下降|多|少|涨|降)了?多少"
    r"|变化|怎么变|如何变|相比|增减"
)
_BARE_FIGURE = re.compile(r"(\d+(?:\.\d+)?)((?:万|亿)?(?:[\u4e00-\u9fff]{1,2}|%|％))")


def change_between(a: float, b: float, unit: str) -> tuple[str, str]:
    """How a figure moved from a to b, in words, and the difference computed ("" when level):
    1384 → 1769 件 is ("增加385件", "385"); a rate moves by percentage points, 5.8% → 3.6% is
    ("下降2.2个百分点", "2.2")."""
    rate = unit in ("%", "％")
    up, down = ("提高", "下降") if rate else ("增加", "减少")
    word = up if b > a else down if b < a else "持平"
    delta = "" if b == a else canonical(f"{abs(b - a):.4f}")
    return f"{word}{delta}{('个百分点' if rate else unit) if delta else ''}", delta


def moved_between(question: str, earlier: tuple[int, str], later: tuple[int, str]) -> tuple[str, str] | None:
    """ "跟2023年相比，2024年的收案量涨了多少件？" answered for each year with one bare figure of one
    unit ((2023, "1384件"), (2024, "1769件")): "增加385件（2023年1384件，2024年1769件）" and the
    figure computed. None when the change is not asked or the figures cannot be compared (余,
    多, 以上 make a figure a bound; two units are two things)."""
    if not CHANGE_BY_ASKED.search(question):
        return None
    figures = [_BARE_FIGURE.fullmatch(said.strip()) for _, said in (earlier, later)]
    if not all(figures) or figures[0].group(2) != figures[1].group(2):
        return None
    a, b = (float(m.group(1)) for m in figures)
    phrase, delta = change_between(a, b, figures[0].group(2))
    return f"{phrase}（{earlier[0]}年{earlier[1]}，{later[0]}年{later[1]}）", delta


# "哪个多？", "谁的更高", "哪个地方最少": which of the figures given is the larger (smaller) asked
MORE_ASKED = re.compile(r"(?:哪个|哪一个|哪家|哪里|哪边|谁)的?(?:更|比较|较)?[多高大]|[更最较][多高大]|[高多大]于")
LESS_ASKED = re.compile(r"(?:哪个|哪一个|哪家|哪里|哪边|谁)的?(?:更|比较|较)?[少低小]|[更最较][少低小]|[低少小]于")


def which_is_more(question: str, pieces: list[tuple[str, str]]) -> str | None:
    """ "…分别是多少？哪个多？" answered "武威市2021年：147件；醴陵市2023年：122件": which label's
    figure is the larger ("武威市2021年更多"), read off the figures given — only when each is one
    bare figure of one unit (a bound or another unit cannot be ranked)."""
    more, less = MORE_ASKED.search(question), LESS_ASKED.search(question)
    if bool(more) == bool(less) or len(pieces) < 2:
        return None
    figures = [_BARE_FIGURE.fullmatch(said.strip()) for _, said in pieces]
    if not all(figures) or len({m.group(2) for m in figures}) != 1:
        return None
    values = [float(m.group(1)) for m in figures]
    best = (max if more else min)(values)
    winners = [label for (label, _), v in zip(pieces, values) if v == best]
    if len(winners) == len(pieces):
        return f"两者相同，均为{pieces[0][1]}" if len(pieces) == 2 else f"均为{pieces[0][1]}"
    rate = figures[0].group(2) in ("%", "％")
    word = ("最" if len(pieces) > 2 else "更") + (("高" if rate else "多") if more else ("低" if rate else "少"))
    return "、".join(winners) + word


_NUMERIC = re.compile(
    rf"多少|几|多大|多高|多长|多远|比例|百分|率|数量|金额|排名|名次|第几|[率度](?:怎么样|如何|怎样)|{CHANGE_ASKED.pattern}"
)
COUNTER_ASKED = re.compile(rf"(?:多少|几)({COUNTERS})")  # "多少名" asks a count of persons
RATE_ASKED = re.compile(r"率|比例|占比|比重")
_ASK_COUNT = re.compile(r"多少|(?<!哪)几(?!乎)")
_IS_COUNTER = re.compile(COUNTERS)
_PAIR = re.compile(r"[和及与、]")
_RANK_ASKED = re.compile(r"第几|名次|位次|排第|排名多少")
_RANK = re.compile(rf"第(?:\d+|[{CN_NUMERAL_CHARS}]{{1,3}})(?:名|位)?")
# the rank with its verb: 排名第2, 位列全市第4
_RANKED = re.compile(rf"(?:排名|位列|位居|名列|排在)(?:全[国省市县区州旗盟])?{_RANK.pattern}")
_BARE_RANK = re.compile(r"(?:(?<=^)|(?<=[：:；;，,\s]))(?:排|排在|排名|是)?第(\d+)(?:名|位)?(?=$|[；;，,。\s])")


def ranks_as_written(question: str, short: str, quotes: list[str]) -> str:
    """A rank the answer gives bare ("第4", "排第4") as the cited report writes it ("位列全市第4"),
    when the quotes write that rank one way."""
    if not _RANK_ASKED.search(question):
        return short
    written: dict[str, set[str]] = {}
    for quote in quotes:
        for m in _RANKED.finditer(quote):
            written.setdefault(re.sub(r"\D", "", m.group(0)), set()).add(m.group(0))
    one = {n: forms.pop() for n, forms in written.items() if len(forms) == 1}
    return _BARE_RANK.sub(lambda m: one.get(m.group(1), m.group(0)), short)


# "统计时段是从哪天到哪天", "起止时间": both ends asked, so the answer is a whole span of dates
_SPAN_ASKED = re.compile(
    r"从(?:哪|何|什么)[^？?，,。]{0,6}到(?:哪|何|什么)|起止|起讫|时段(?:是|为)?(?:什么|多久|多长|怎样)"
)
_DAY = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日"
_WHOLE_SPAN = re.compile(
    rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日(?:至|到|—|－|-|~){_DAY}|{_DAY}(?:至|到|—|－|-|~)\d{{4}}年\d{{1,2}}月\d{{1,2}}日"
)


def spans_as_written(question: str, short: str, quotes: list[str]) -> str:
    """A question asking from which day to which ("统计时段是从哪天到哪天") answered with less than
    a whole dated span ("11月1日", from "上年11月1日至本年10月31日") gets the span a cited quote
    writes out in full ("2008年11月1日至2009年10月31日") — the one naming a year the question
    names, when several do."""
    if not _SPAN_ASKED.search(question) or _WHOLE_SPAN.search(short) or len(question_parts(question)) > 1:
        return short  # a question of several parts keeps its other answers
    spans = list(dict.fromkeys(m.group(0) for quote in quotes for m in _WHOLE_SPAN.finditer(quote)))
    years = set(re.findall(r"(?:19|20)\d{2}", question))
    named = [span for span in spans if years & set(re.findall(r"(?:19|20)\d{2}", span))]
    chosen = named or spans
    return chosen[0] if len(chosen) == 1 else short


_FIELD = re.compile(rf"\d+个[\u4e00-\u9fff]{{1,8}}?中?(?:排名|位列|位居|名列|居|排){_RANK.pattern}")
_SESSION = re.compile(
    rf"第[\d{CN_NUMERAL_CHARS}]{{1,4}}届[\u4e00-\u9fff]{{0,16}}?第[\d{CN_NUMERAL_CHARS}]{{1,4}}次(?:全体)?会议"
)


def question_parts(question: str, pauses: bool = True) -> list[str]:
    """The parts of a question that each ask something, in order; with `pauses` False, clauses joined
    by a 、 stay one part ("有多少个调委会、多少名调解员": one answer naming both)."""
    parts = [p.strip(" ，,。") for p in _PART_SPLIT.split(question)]
    # "…有多少宗，优秀的占多少": two asking clauses joined by a comma are two parts.
    parts = [piece for p in parts for piece in _asking_clauses(p, pauses)]
    asking = [p for p in parts if p and _ASKS.search(p)]
    return asking or [question]


def _asking_clauses(part: str, pauses: bool = True) -> list[str]:
    # "检查了多少次、立了多少案" asks two things as surely as "检查了多少次，立了多少案" does; a 、 that
    # lists what one clause asks about ("行政复议、行政诉讼各多少件") leaves a piece that asks nothing.
    tokens = re.split(r"([，,、])" if pauses else r"([，,])", part)
    pieces, seps = [p.strip(" ") for p in tokens[0::2]], [*tokens[1::2], ""]
    if len(pieces) > 1 and sum(bool(_ASKS.search(p)) for p in pieces) > 1:
        merged: list[str] = []  # a clause that asks nothing stays with the one after it
        carry = ""
        for p, sep in zip(pieces, seps):
            if _ASKS.search(p):
                merged.append(carry + p)
                carry = ""
            else:
                carry += p + sep
        if carry and merged:
            merged[-1] += "，" + carry.rstrip("，,、")
        return merged
    return [part]


def asking_clause(part: str) -> str:
    """The comma clause of a part that asks ("宣布废止的有几件" of "…做了清理，宣布废止的有几件")."""
    return next((p for p in reversed(re.split(r"[，,]", part)) if _ASKS.search(p)), part)


def _figures(clause: str) -> list[re.Match]:
    """Figures, not years ("2021年"), not numbers in quotes (the “12345” hotline) and not an
    item's number ("3.依法管理野生动物保护…")."""
    return [
        m
        for m in FIGURE.finditer(clause)
        if not _is_year(m, clause)
        and not _quoted(m, clause)
        and not _ENUMERATOR.match(clause, m.start())
        and not _ITEM_MARK.match(clause, max(m.start() - 1, 0))
    ]


_ENUMERATOR = re.compile(r"(?<![\d.])\d{1,2}[.．、](?!\d)")
_ITEM_MARK = re.compile(r"[(（]\d{1,2}[)）]")  # "(4)全面落实…" (written ④): an item's number


def figures_of(text: str) -> list[tuple[str, str]]:
    """(the figure as an answer gives it, its number) for each figure of `text`, in order."""
    return [(_figure_text(m), canonical(m.group("num").replace(",", ""))) for m in _figures(text)]


def _figure_text(m: re.Match) -> str:
    """A figure as the answer gives it: direction, number, unit and qualifier (增长11.3%, 3000余万元),
    and the 第 of a rank (第2名)."""
    rank = (
        "第"
        if not m.group("dir") and not m.group("bound") and m.string[m.start("num") - 1 : m.start("num")] == "第"
        else ""
    )
    return (m.group("dir") or "") + (m.group("bound") or "") + rank + m.group("num") + m.group("tail")


_ITEM_END = re.compile(r"各|分别|的|有|是|共|一共|多少|几")  # where the last item's name ends
_ITEM_START = re.compile(r".*(?:多少|几)(?:" + COUNTERS + r")?|.*[的中了年在]")  # where the first one begins
_NEAR = 10  # at most this many characters, and no punctuation, between an item and its figure


def item_figures(part: str, text: str) -> list[tuple[str, str]] | None:
    """ "修订、废止和宣布失效的行政规范性文件分别有多少件" asks one count per item: (item, figure) for
    each, in order — 修订4件, 废止13件, 宣布失效11件 from "修订行政规范性文件4件、废止13件、宣布失效11件";
    also "1个法治政府综合示范创建单位和2个单项示范创建项目" (the figure before its item). None unless
    the part lists its items (with 各/分别, or after 多少) and each has a figure of its own."""
    chunks = _PAIR.split(part)
    asking = [c for c in chunks if _ASK_COUNT.search(c)]
    # one ask for all the items; "多少家单位、多少项事项" asks twice (_asks_twice)
    if len(chunks) < 2 or len(asking) != 1 or not (re.search(r"各|分别", part) or asking[0] == chunks[0]):
        return None
    counter = c.group(1) if (c := COUNTER_ASKED.search(part)) else None
    first = _ITEM_START.sub("", chunks[0])
    last = _ITEM_END.split(chunks[-1])[0]
    names = [
        [first[-n:] for n in range(len(first), 1, -1)],  # the first item: its longest ending the text has
        *[[c] for c in chunks[1:-1]],
        [last[:n] for n in range(len(last), 1, -1)],  # the last: its longest beginning
    ]
    found, at = [], 0
    for candidates in names:
        hit = next((h for name in candidates if (h := _item_figure(name, text, at, counter))), None)
        if hit is None:
            return None
        name, figure, at = hit
        found.append((name, figure))
    figures = [f for _, f in found]
    return found if len(set(figures)) == len(figures) else None


def _item_figure(name: str, text: str, start: int, counter: str | None) -> tuple[str, str, int] | None:
    """(name, its figure, where it ends) for the first place from `start` (else from the top)
    where `name` is followed by a figure, or follows one, with nothing but words between — a
    figure in the counter asked, if the part names one (not the 100% of "政协委员满意率100%")."""
    for begin in dict.fromkeys((start, 0)):
        for m in re.finditer(re.escape(name), text[begin:]):
            at, end = begin + m.start(), begin + m.end()
            # words between, but not the 和 / 、 that begins the next item ("…单位和2个…项目")
            after = re.match(rf"(?:(?![和及与])[\u4e00-\u9fff“”]){{0,{_NEAR}}}?(?={FIGURE.pattern})", text[end:])
            if after and (f := _figures(text[end + after.end() :][:24])) and f[0].start() == 0 and _in(f[0], counter):
                return name, _figure_text(f[0]), end + after.end() + f[0].end()
            before = _figures(text[:at])
            if (
                before
                and re.fullmatch(r"[\u4e00-\u9fff]{0,4}", text[before[-1].end() : at])
                and _in(before[-1], counter)
            ):
                return name, _figure_text(before[-1]), end
    return None


def _items_answer(part: str, text: str) -> str | None:
    found = item_figures(part, text)
    return "；".join(f"{name}{figure}" for name, figure in found) if found else None


def _asks_twice(part: str, text: str) -> str | None:
    """ "向多少个行政执法单位发放了多少台法务通" asks two figures in one clause: the clause of the
    text that holds both (…向19个行政执法单位发放了80台法务通) gives them in the order asked, each of
    the counter asked for ("19个；80台")."""
    asks = list(_ASK_COUNT.finditer(part))
    if len(asks) < 2:
        return None
    counters = [(c.group(1) if (c := COUNTER_ASKED.match(part, a.start())) else None) for a in asks]
    terms = key_terms(part)
    # the clause holding both figures, else the sentence ("有64个调委会，254名调解员")
    pool = [c for c in CLAUSE.findall(text) if len(_figures(c)) >= len(asks) and coverage(c, terms)]
    pool = pool or [s for s in sentences(text) if len(_figures(s)) >= len(asks) and coverage(s, terms)]
    if not pool:
        return None
    clause = max(pool, key=lambda c: (coverage(c, terms), -pool.index(c)))
    figures, chosen = _figures(clause), []
    for counter in counters:
        fit = [f for f in figures if f not in chosen and _in(f, counter)]
        if not fit:
            return None
        chosen.append(fit[0])
    ends = [c.end() if (c := COUNTER_ASKED.match(part, a.start())) else a.end() for a in asks]
    return "；".join(_figure_text(f) + _noun_after(part[e:], clause[f.end() :]) for f, e in zip(chosen, ends))


def _noun_after(asked: str, said: str) -> str:
    """The noun a count is of, when the question names it whole right after the counter and
    the text does too: "分了几个方面、定了多少项任务" over "明确十个方面四十二项任务" gives 十个方面 and
    四十二项任务, so two counts given together say which is which; "多少件行政复议申请" names more
    than a noun (the text's 件 is enough)."""
    noun = re.match(r"[\u4e00-\u9fff]{2,4}(?=$|[、，,？?；;和及与])", asked)
    return noun.group(0) if noun and said.startswith(noun.group(0)) else ""


def _in(figure: re.Match, counter: str | tuple[str, ...] | None, qualifiers: str = "余多") -> bool:
    """Is the figure counted in `counter` (any counter when None)? "3000余万元" is in 万元."""
    return counter is None or figure.group("tail").lstrip(qualifiers).startswith(counter)


def _quoted(m: re.Match, clause: str) -> bool:
    return clause[m.start("num") - 1 : m.start("num")] in ("“", '"') and clause[m.end("num") : m.end("num") + 1] in (
        "”",
        '"',
    )


def _is_year(m: re.Match, clause: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", m.group("num"))) and clause[m.end("num") : m.end("num") + 1] == "年"


def _figure_for(part: str, text: str, measure: Measure | None, after: int = 0) -> str | None:
    """The figure in the clause of `text` that is about `part`: the one naming its measure,
    else the clause sharing most of its key terms — of equals, the first from `after` (where
    the previous part's figure ends: "…公示450户,年报率93.78%" answers "年报率是多少" after
    "合作社有多少户"); in the clause, the figure right after the measure's name
    (负责人出庭应诉122件 in "…应诉案件124件,负责人出庭应诉122件")."""
    candidates = [(m.start(), m.group(0)) for m in CLAUSE.finditer(text) if _figures(m.group(0))]
    if not candidates:
        return None
    terms = key_terms(part)
    named = [ac for ac in candidates if measure and names_measure(ac[1], measure)]
    verbatim = [ac for ac in named if _says_counted(ac[1], measure, part)]
    pool = verbatim or named or candidates
    said = said_with_subject(text)
    if not (measure and measure.precise) and not verbatim and (found := doing(part, [said[c] for _, c in candidates])):
        pool = [ac for ac in pool if said[ac[1]] in found] or [ac for ac in candidates if said[ac[1]] in found]
    _, clause = max(pool, key=lambda ac: (coverage(ac[1], terms), ac[0] + len(ac[1]) > after, -ac[0]))
    best = _after_words(clause, _figures(clause), terms, measure)
    return _spanned(clause, best)


_SPAN = re.compile(r"(?:19|20)\d{2}年(?:以来|至今)|截至\d{4}年(?:\d{1,2}月)?(?:底|末)?")


def _says_counted(clause: str, measure: Measure | None, part: str) -> bool:
    """Does the clause name what is counted in the question's own words, so that it outweighs the
    words before 多少/几? It does when those words are the count's subject ("综合执法队有几个持证执法人员"
    over "配备持证执法人员46名"), or when the clause begins with it, going on from a verb another count
    shares ("录入了多少条行政处罚" over "录入行政许可4479条,行政处罚1985条") — not when another verb
    comes first ("调解成功了多少起矛盾纠纷" is not "排查矛盾纠纷231起")."""
    if not measure or measure.precise or len(measure.phrase) < 3 or measure.phrase not in clause:
        return False
    subject = (m := _VERB.search(part)) and re.search(r"(?:有|是)$", m.group(1))
    return bool(subject) or clause.lstrip(" ,，;；、").startswith(measure.phrase)


def _spanned(clause: str, figure: re.Match) -> str:
    """The figure, after the span of time its clause counts over, when the clause states one
    before it: "2019年至今我县共办理行政复议案件11件" gives "2019年至今11件", not a year's 11件."""
    return (span_before(clause, figure.start()) or "") + _figure_text(figure)


def span_before(clause: str, at: int) -> str | None:
    """The span of years a clause counts over, stated before position `at` (2019年至今)."""
    span = _SPAN.search(clause[:at])
    return span.group(0) if span else None


_VERB = re.compile(r"([\u4e00-\u9fff]{2,5})了?(?:多少|(?<!哪)几)")  # not 哪几 (哪几天, 哪几项: which)
_GENERIC_VERBS = frozenset("办理 开展 共有 一共 总共 共计 累计 完成 有 是 为".split())


_PERSONS = ("名", "人", "位")


_MONEY_ASKED = re.compile(r"多少钱|多少资金|多少经费|金额(?:是|有)?多少|花了多少|投入了?多少")


def counter_test(question: str) -> Callable[[str], bool] | None:
    """For a count asked in a counter ("多少名持证执法人员", "多少次行政检查"): a test that a clause
    holds such a count — persons for 名/人/位 (6870名, 1.08万名; a rate, 持证率71%, does not
    answer it), for another counter a figure that is not a share ("减少20%以上" is no count of
    检查). None when the question asks no count in a counter."""
    if _MONEY_ASKED.search(question):  # "一共多少钱": an amount in 元, not 138只(头)
        return lambda clause: any("元" in f.group("tail") for f in _figures(clause))
    asked = COUNTER_ASKED.search(question)
    if not asked or asked.group(1) in ("个百分点", "倍"):
        return None
    if asked.group(1) in _PERSONS:
        return lambda clause: any(_in(f, _PERSONS, "余多万") for f in _figures(clause))
    if asked.group(1) == "天":  # "平均要办多少天": days (15天, 10个工作日), not the 1 of a date's 1月1日
        return lambda clause: bool(re.search(r"\d+(?:\.\d+)?(?:个)?(?:工作日|天)", clause))
    return lambda clause: any(not re.match(r"[%‰]|个百分点", f.group("tail")) for f in _figures(clause))


def doing_words(part: str) -> list[str]:
    """The words right before 多少, longest first: "调解成功" of "调解成功了多少起矛盾纠纷", "求助类"
    of "求助类有多少件" (its 有 says nothing); none when they say nothing (办理, 共有)."""
    m = _VERB.search(part)
    before = re.sub(r"(?:了|有|是|为|共|达|约|的|各|都|分别|占)+$", "", m.group(1)) if m else ""
    before = re.sub(r"^.*?(?:其中|被)", "", before)  # "其中被撤销的有几件": 撤销
    return [before[-n:] for n in (4, 3, 2) if len(before) >= n and before[-2:] not in _GENERIC_VERBS]


# What became of cases, as a question asks it right before 多少 ("以调解和解方式结案了多少件"): a count of
# what came in (申请, 案件) does not say it.
_OUTCOME = re.compile(r"结案|办结|审结|纠错|撤销|维持|驳回|终止|和解|败诉|胜诉|确认违法|调解成功")


def outcomes_asked(part: str) -> set[str]:
    """The outcomes (结案, 纠错, 撤销 …) in the words right before 多少 — none when a change is asked
    ("增加了多少件")."""
    if CHANGE_BY_ASKED.search(part):
        return set()
    return {m.group(0) for w in doing_words(part) for m in _OUTCOME.finditer(w)}


def subcount_words(part: str) -> list[str]:
    """For a part asking how many of the whole did one thing ("其中被撤销的有几件"), the words that
    thing is said in (撤销); none for any other part."""
    return doing_words(part) if part.startswith("其中") else []


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
    named = sorted(
        (t for t in terms if t in clause and not (measure and t in measure.head) and not _IS_COUNTER.fullmatch(t)),
        key=len,
        reverse=True,
    )  # a counter (场次 of "多少场次") names no thing: it follows every figure
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


def _prefer(part: str, text: str, after: int = 0) -> str | None:
    """A figure of the kind the part asks for, when only one clause has one: its counter
    ("多少个" -> …个), a rate (…%), or a change ("增长了多少" -> 增长…)."""
    counter = COUNTER_ASKED.search(part)
    wanted = []
    for at, c in ((m.start(), m.group(0)) for m in CLAUSE.finditer(text)):
        for f in _figures(c):
            tail = f.group("tail")
            if (
                counter
                and _in(f, counter.group(1))
                or not counter
                and RATE_ASKED.search(part)
                and tail.startswith("%")
                or not counter
                and DIRECTION_ASKED.search(part)
                and f.group("dir")
            ):
                wanted.append((at, c, f))
    if not wanted:
        return None
    if CHANGE_BY_ASKED.search(part) and (moved := [w for w in wanted if w[2].group("dir")]):
        wanted = moved  # "比前一年多了多少件" over "不予处罚2214件,较上年增加361件": the change
    measure = measure_asked(part + "？")
    if verbatim := [w for w in wanted if _says_counted(w[1], measure, part)]:
        wanted = verbatim  # "录入了多少条行政处罚" over "录入行政许可4479条,行政处罚1985条": 行政处罚's
    elif found := doing(part, [(said := said_with_subject(text))[c] for _, c, _ in wanted]):
        wanted = [w for w in wanted if said[w[1]] in found]
    terms = key_terms(part)
    at, clause, first = max(wanted, key=lambda w: (coverage(w[1], terms), w[0] + w[2].start() >= after, -w[0]))
    # a clause of another kind of figure that names what is asked better decides ("予以公开\t21", a table
    # cell with no 件, answers "予以公开的有几件" over "其中自然人申请39件")
    others = [m.group(0) for m in CLAUSE.finditer(text) if _figures(m.group(0))]
    # (a clause that is only its figure, "增长6.1%", names what the clause before it names)
    own = coverage(said_with_subject(text).get(clause, clause), terms)
    if max((coverage(c, terms) for c in others), default=0.0) > own + 0.25:
        return None
    figures = [f for a, _, f in wanted if a == at]
    if at + first.start() >= after:  # in the clause, a figure not before the last one given
        figures = [f for f in figures if at + f.start() >= after] or figures
    best = _after_words(clause, figures, terms, measure)
    return _spanned(clause, best)


def _list_for(part: str, text: str) -> str | None:
    if _HONOUR_ASKED.search(part) and (honours := _honours(text)):
        return "、".join(dict.fromkeys(honours))  # "获得了哪些荣誉": each title the text says was won
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


# The honour is what is asked ("获得了什么称号", "获评了什么"), not the question's own words
# ("哪两个部门的项目被命名为全区示范项目" asks who).
_HONOUR_ASKED = re.compile(
    r"(?:哪些|什么|哪几[个项]?)(?:全国性|国家级|省级|市级|[\u4e00-\u9fff]{0,4}?)(?:称号|荣誉|奖项|表彰)"
    r"|(?:获评|荣获|被评为|评为|获得|入选|被命名为|命名为|获)了?(?:哪些|什么)"
)
_WON = r"(?:获评|荣获|被评为|评为|被命名为|命名为|被授予|授予|被确定为|入选|获得)了?"
_HONOUR = re.compile(rf"{_WON}([^，,。；;、]{{4,40}}?)(?=[，,。；;、]|$)")
_WINNER_ASKED = re.compile(rf"(?:哪[个项件家所]|什么)[\u4e00-\u9fff]{{0,4}}?({_WON})")
_WHO_ASKED = re.compile(r"由谁|谁(?:来)?(?:担任|兼任|任|当|牵头|负责|挂帅|主持)")
_WHO = (  # 担任 first: "由市政府分管负责同志担任" is not 市政府分管 + 负责
    re.compile(r"由([^，,。；;由]{2,24}?(?:同志)?)(?:担任|兼任|出任)"),
    re.compile(r"由([^，,。；;由]{2,24}?)(?:同志)?(?:任|牵头|挂帅|负责|主持)"),
)
_LEADS_ASKED = re.compile(r"(?:哪位|谁)(?:来)?(领衔|牵头|主持|负责|带队|挂帅)")
_TITLE_TAIL = "官师任记长员"  # the end of a title before a name: 法官, 律师, 主任, 书记
_WHAT_NOUN = re.compile(r"什么([\u4e00-\u9fff]{1,3})$")  # "叫什么模式" -> 模式


def _honours(text: str) -> list[str]:
    """The titles the text says were won: 全国社会信用体系建设示范市 of "…,获评全国社会信用体系建设示范市。"."""
    found = [m.group(1) for m in _HONOUR.finditer(text)]
    return [h[1:-1] if re.fullmatch(r"“[^“”]+”", h) else h for h in found]  # a title wholly quoted, unquoted


def _winner(part: str, text: str) -> str | None:
    """ "哪个项目获评湖南省法治政府建设单项示范项目": what the text says won it, the words before
    its verb (“行刑衔接”助推执法规范化 of "…,“行刑衔接”助推执法规范化获评湖南省…项目")."""
    asked = _WINNER_ASKED.search(part)
    if not asked:
        return None
    terms = key_terms(part[asked.end() :])
    found = []
    for m in re.finditer(rf"([^，,。；;：]{{2,30}}?){_WON}([^，,。；;]*)", text):
        found.append((coverage(m.group(2), terms), m.group(1)))
    best = max(found, key=lambda f: f[0], default=None)
    return best[1] if best and best[0] > 0 else None


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
    if winner := _winner(part, text):
        return winner
    if _HONOUR_ASKED.search(part) and (honours := _honours(text)):
        terms = key_terms(part)
        return max(honours, key=lambda h: coverage(h, terms))  # max keeps the first of equals
    if _WHO_ASKED.search(part) and (who := next((m for w in _WHO if (m := w.search(text))), None)):
        return who.group(1)  # "由市委常委、政法委书记担任组长" -> 市委常委、政法委书记
    if (leads := _LEADS_ASKED.search(part)) and (m := re.search(rf"([\u4e00-\u9fff]{{2,3}}){leads.group(1)}", text)):
        name = m.group(1)  # "退休法官周建华领衔" -> 周建华
        return name[1:] if len(name) == 3 and name[0] in _TITLE_TAIL else name
    if titles := _TITLE.findall(text):
        return titles[0]
    if (noun := _WHAT_NOUN.search(part)) and (
        m := re.search(rf"(?<=[是为叫称即“])[^，,。；;是为]{{2,24}}?{re.escape(noun.group(1))}", text)
    ):  # "叫什么模式" -> 三位一体的衔接联动工作模式, the phrase after 是 (or its opening quote)
        return text[m.start() - (text[m.start() - 1] == "“") : m.end()]
    if quoted := _QUOTED.findall(text):
        return quoted[0].strip("“”")
    return None


def _session(text: str) -> str | None:
    """The congress session a work report was given at, with the place before it:
    "…在漳浦县第十七届人民代表大会第二次会议上" -> 漳浦县第十七届人民代表大会第二次会议."""
    m = _SESSION.search(text)
    if not m:
        return None
    chains = [c for _, end, c in find_chains(text[max(0, m.start() - 16) : m.start()]) if end == min(16, m.start())]
    return (chains[-1] if chains else "") + m.group(0)


_MOVED_TO = re.compile(
    r"(?:下降|上升|提高|降低|增加|减少|增长)(?:到|至|为)[^，,。；;]{0,12}?(?<![\d.])(?!(?:19|20)\d{2}年)\d+(?:\.\d+)?(?:%|‰|(?!年)[\u4e00-\u9fff])"
)


def _rest_of_sentence(text: str, figure: str) -> str | None:
    """The figure and the comparison after it in its sentence: "855条,较2022年翻一番" — not the
    sentence's next figure ("7.1%,调解和解结案388件" stays 7.1%)."""
    at = text.find(figure)
    if at < 0:
        return None
    if moved := _MOVED_TO.match(text, at + len(figure)):
        return figure + moved.group(0)  # "由2021年的8.7%下降到2024年的3.1%": where it went
    rest = re.split(r"[。；;！!？?]", text[at:], maxsplit=1)[0]
    pieces = re.split(r"([，,])", rest, maxsplit=1)
    if len(pieces) < 3 or not re.match(r"(?:较|比|同比|与上年|环比)", pieces[2]):
        return None
    compared = re.split(r"[，,]", pieces[2], maxsplit=1)[0]
    return f"{pieces[0]}{pieces[1]}{compared}".strip() if len(compared) <= 16 else None


def _first_sentence(text: str) -> str:
    first = next((s for s in sentences(text) if s.strip()), text)
    return first.strip().rstrip("。；;")


_FREQ_ASKED = re.compile(r"多久|多长时间|频次|频率|隔多")
_FREQ = re.compile(r"每(?:一|两|三|半)?个?(?:年度|年|季度|季|月|周|星期|天|日)|定期")
_YES_NO = re.compile(r"有没有|是否|有无|是不是|吗$|[了过]没有?$")
# "未发生一起…", "无一…", "全年无败诉案件"
_DENIED = re.compile(
    r"(?:未|没有)(?:发生|出现|收取|收)过?(?:一起|一例|一件|一次|任何)?|无一|无[\u4e00-\u9fff]{1,6}?(?:案件|事件|事故)"
)


def _yes_or_no(part: str, text: str) -> str | None:
    """ "有没有出现…上访？" over "全县未发生一起影响全县稳定的重大群体性信访案件": 没有（全县未发生一起…信访案件）;
    "有没有发生森林火灾？" over "全年发生森林火灾1起,…,未发生较大以上安全生产事故": 有（全年发生森林火灾1起）
    — the clause about what is asked decides, not any denial in the text."""
    terms = key_terms(part)
    said = [(coverage(c, terms), c) for c in CLAUSE.findall(text)]
    denials = [(n, c.strip(" ，,。；;")) for n, c in said if _DENIED.search(c)]
    counted = [(n, c.strip(" ，,。；;")) for n, c in said if not _DENIED.search(c) and _figures(c)]
    no = max(denials, key=lambda s: s[0], default=(0, ""))
    yes = max(counted, key=lambda s: s[0], default=(0, ""))
    if yes[0] > no[0]:
        return f"有（{yes[1]}）"
    return f"没有（{no[1]}）" if no[0] > 0 else None


# An extractive answer quotes its sentence after a label: "根据磴口县2021年报告：“2020年有1件…失效。”";
# the label's year is not the sentence's.
_QUOTE_LABEL = re.compile(r"根据[^：“”]{1,40}：“(.+?)”\s*(?=；|$)")


def _answer_parts(question: str) -> list[str]:
    """The parts a direct answer gives one by one: "多少个调委会、多少名调解员" stays one (`_asks_twice` names
    both counts), "多少分、排第几" is two (a score and a rank are read differently)."""
    parts = []
    for part in question_parts(question, pauses=False):
        pieces = _asking_clauses(part)
        counts = all(_NUMERIC.search(p) and not _RANK_ASKED.search(p) and not _DATE_ASKED.search(p) for p in pieces)
        parts += [part] if len(pieces) < 2 or counts else pieces
    return parts


def direct_answer(question: str, text: str) -> str:
    """The short answer to `question` read off `text` (verified; citation markers ignored).
    A part that cannot be read off is answered by the text's first sentence — left out when
    that sentence only says what the other parts' answers say ("是怎么衔接的？叫什么模式？")."""
    body = _QUOTE_LABEL.sub(lambda m: m.group(1), strip_citations(text).strip())
    answers: list[tuple[str, bool]] = []  # (answer, read off rather than the first sentence)
    at = 0  # where the last figure given ends in the body
    for part in _answer_parts(question):
        found = None
        if (words := subcount_words(part)) and not any(w in body for w in words):
            continue  # "其中畲族的有几个" over a text saying nothing of 畲族: no figure of it to give
        if _DATE_ASKED.search(part) and (dates := _DATE.findall(body)):
            found = dates[0]
            if "会议" in part and (meeting := _session(body)):
                found += f"；{meeting}"  # "是哪天、在哪次会议上作的": both
        elif _FREQ_ASKED.search(part) and (freq := _FREQ.search(body)):
            found = freq.group(0)  # "多久清理一次" -> 每年
        elif "会议" in part and (meeting := _session(body)):
            found = meeting  # "在第几届第几次会议上" -> 安溪县第十八届人民代表大会第五次会议
        elif _RANK_ASKED.search(part) and (rank := _RANKED.search(body) or _RANK.search(body)):
            found = rank.group(0)  # 排名第2 / 第一 / 第2名, as the text writes it
            if field := _FIELD.search(body):
                found = field.group(0)  # with the field it ranks in: 383个县市区排名第一
            if rest := _rest_of_sentence(body, found):
                found = rest  # and how it moved: 排名第6,较上年前移4位
        elif _NUMERIC.search(part) and not re.search(r"哪几|哪些", part):  # "哪几种…形式" asks a list
            measure = measure_asked(part + "？")
            found = (
                _items_answer(part, body)
                or _asks_twice(part, body)
                or (None if measure and measure.precise else _prefer(part, body, at))
                or _figure_for(part, body, measure, at)
            )
        elif _LIST_ASKED.search(part):
            found = _list_for(part, body)
        elif _YES_NO.search(part) and (said := _yes_or_no(part, body)):
            found = said
        elif _NAME_ASKED.search(part):
            found = _name_for(part, body)
        if found and CHANGE_ASKED.search(part) and (rest := _rest_of_sentence(body, found)):
            found = rest  # "有什么变化" -> 855条,较2022年翻一番: the figure and what it says changed
        given = [a for a, _ in answers]
        if found and found in given and _NUMERIC.search(part):
            found = _next_figure(body, given) or found  # "调成了多少件": the figure after the last one
        if found and (where := body.find(found, at)) >= 0:
            at = where + len(found)
        answers.append((found, True) if found else (_first_sentence(body), False))
    read = [a for a, ok in answers if ok]
    kept = [a for a, ok in answers if ok or not _restates(a, read, question)]
    return "；".join(dict.fromkeys(a.strip() for a in kept if a.strip()))


def _restates(sentence: str, read: list[str], question: str) -> bool:
    """Does the first sentence, given for a part that could not be read off, say no more than
    the other parts' answers and the question's own words? ("磴口县人民调解和行政调解、司法调解是
    三位一体的衔接联动工作模式" for "是怎么衔接的？叫什么模式？" once 三位一体的…模式 is given.)"""
    if not read or not all(r in sentence for r in read):
        return False
    if number_set(sentence) - number_set("".join(read)) - number_set(question):
        return False  # a figure of its own (满意度97.1%): it answers something
    rest = sentence
    for r in read:
        rest = rest.replace(r, "")
    own = [ch for ch in re.findall(r"[\u4e00-\u9fff]", rest) if ch not in question]
    return len(own) <= 2
