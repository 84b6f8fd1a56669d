"""What is wrong with a draft answer, as readable problems (empty list = it may be shown).

The problems are also the retry prompt's "上一次回答有问题：…", so they are phrased for the
model as much as for the log. Every number must be in a cited source (grounded) and in a
sentence about the question (supported); a cited source must exist; a 《title》 and a
“quoted name” must be in the sources; an answer that only repeats a source's heading answers nothing.

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

from assistant.qa.direct import (
    BOUND,
    CHANGE_ASKED,
    CHANGE_BY_ASKED,
    COUNTER_ASKED,
    RATE_ASKED,
    doing_words,
    figures_of,
    item_figures,
    question_parts,
    span_before,
    subcount_words,
)
from assistant.qa.scope import covers, selector_years
from assistant.qa.sources import Source
from assistant.qa.verify import cited_ids, strip_citations, ungrounded_numbers, unsupported_numbers
from assistant.reports.indicators import INDICATORS
from assistant.text.changes import CHANGE_SAID, DIRECTION_ASKED, DOWN_ASKED, DOWN_SAID, UP_ASKED, UP_SAID
from assistant.text.measures import LOOSE_RATE, Measure, measure_asked, names_measure
from assistant.text.numerals import figures_in, number_set, ranks_in
from assistant.text.places import find_chains, level_of, name_variants, names_place, split_place
from assistant.text.sentences import clauses, sentences
from assistant.text.tables import name_of, tables_in
from assistant.text.words import ALIASES, key_terms, pos_tagged
from assistant.text.years import years_in

_MIN_HAN = 6  # Chinese characters below which an answer says nothing
_RANKS = ("排名", "名次", "位次")


# Words that say what kind of count a measure is, not what is counted: they cannot tell a
# clause about 法律援助案件 from one about 行政处罚案件.
_GENERIC_TERMS = frozenset("行政 人民 重大 政府 法治 依法 建设 全面".split())
_COUNT_NOUNS = frozenset(
    "案件 件数 数量 个数 人数 次数 数 工作 情况 事项 总数 多少 共计 累计 办理 开展 全年 其中".split()
)


def parts_matcher(parts: list[str]) -> Callable[[str], bool] | None:
    """`measure_matcher` over a question's parts: a clause may name any part's measure; None
    when some part names none (its figures cannot be checked this way)."""
    matchers = [_rates_matcher(p) or measure_matcher(p, measure_asked(p + "？")) for p in parts]
    if not matchers or any(m is None for m in matchers):
        return None
    return matchers[0] if len(matchers) == 1 else (lambda clause: any(m(clause) for m in matchers))


_RATE_NAMED = re.compile(r"[\u4e00-\u9fff]{2}率")
_EACH = re.compile(r"分别|各自|各是|各为|各有|各定")


def _rates_matcher(part: str) -> Callable[[str], bool] | None:
    """ "纠错率和败诉率的目标分别定在多少": one part asking two rates — a clause naming either answers."""
    rates = list(dict.fromkeys(m.group(0) for m in _RATE_NAMED.finditer(part)))
    if len(rates) < 2 or not _EACH.search(part):
        return None
    measures = [Measure(r, r, True) for r in rates]
    return lambda clause: any(names_measure(clause, m) for m in measures)


def measure_matcher(question: str, measure: Measure | None) -> Callable[[str], bool] | None:
    """A test of whether a clause names the measure asked: a precise measure's head (应诉率);
    for an indicator the report's own words for it (调委会 for 人民调解委员会); otherwise the
    measure's content words (法律援助 of 法律援助案件). None when the question names no measure."""
    if measure is None or measure.phrase.endswith(LOOSE_RATE):
        return None  # a loosely named rate ("通过的比例" for 合格率) is checked by `unnamed_kind`, not word by word
    if measure.precise:
        return lambda clause: names_measure(clause, measure)
    # Every indicator the question names: "人大代表建议和政协提案" names the pair and each of
    # its parts, and a report may state them apart ("人大代表建议386件、政协提案512件").
    named = [ind for ind in INDICATORS if ind.question and re.search(ind.question, question)]
    if named:
        words = re.compile("|".join(w for ind in named for w in (ind.question, *ind.after, *ind.before)))
        return lambda clause: bool(words.search(clause))
    core = measure_words(measure)
    # 行政 of 行政复议申请 is in every other clause of a report ("行政应诉案件124件"): the
    # measure is named by its distinctive words (复议, 申请), when it has any.
    core = [t for t in core if t not in _GENERIC_TERMS] or core
    if not core:
        return None
    return lambda clause: any(t in clause for t in core)


def measure_words(measure: Measure) -> list[str]:
    """The content words of a measure's name: 涉外, 纠纷 of 涉外纠纷 (not 案件, 数量; not the 比例 of a
    loosely named rate, which any share is)."""
    loose = measure.phrase.endswith(LOOSE_RATE)
    return [
        t for t in key_terms(measure.phrase) if t not in _COUNT_NOUNS and len(t) >= 2 and not (loose and t == "比例")
    ]


# Words a loosely named rate carries that name no kind of it ("最后被纠错的比例")
_FILLER = frozenset("最后 最终 实际 真正 大概 大约 一般".split())


def unnamed_kind(measure: Measure | None, texts: list[str], places: tuple[str, ...] = ()) -> str | None:
    """The word that makes the measure a kind of its head when no source says it: 涉外 of "多少起涉外
    纠纷" over sources that speak of 纠纷 only — a sentence on all 纠纷 does not answer for 涉外纠纷; and
    for a loosely named rate, any word of it no source says: 和解 of "调解和解的比例" over sources that
    give only a 调解成功率."""
    words = measure_words(measure) if measure and not measure.precise else []
    # a place the library holds is no kind ("江阴2023年GDP增速": 江阴 is whose, not what)
    words = [w for w in words if not any(names_place(w, p) for p in places)]
    if measure and measure.phrase.endswith(LOOSE_RATE):
        # a lay word a report writes otherwise is looked for in the report's words (办结的比例: 结案率)
        lay = [k for k in ALIASES if k in measure.phrase]
        named = [w for w in words if w not in _GENERIC_TERMS | _FILLER and not any(w in k for k in lay)]
        return next((w for w in named if not any(w in t for t in texts)), None)
    if len(words) < 2 or words[0] in _GENERIC_TERMS or not any(words[-1] in t for t in texts):
        return None
    return None if any(_says_loosely(words[0], t) for t in texts) else words[0]


# Verbs before 多少 that say nothing of their own ("办理了多少件", "完成了多少项")
_NO_OWN_ACT = frozenset(
    "办理 开展 完成 共有 一共 总共 累计 实现 达到 做到 进行 组织 推动 推进 处理 落实 形成 取得".split()
)


_NEGATIONS = frozenset("不予 免予 免于 不 未 没有 没".split())


def unsaid_act(question: str, texts: list[str]) -> str | None:
    """The verb a one-part count asks right before 多少 ("新招录了多少执法人员": 招录), when no source says
    it, even loosely: a figure of all 执法人员 does not answer how many were recruited."""
    parts = question_parts(question)
    if len(parts) != 1 or CHANGE_BY_ASKED.search(parts[0]) or _GROWTH_ASKED.search(parts[0]):
        return None  # "比上一年增加了多少件": a change, computed from two figures that need not say it
    words = [(w, flag) for w, flag in pos_tagged(parts[0])]  # jieba's pairs, as tuples
    at = next((i for i, (w, _) in enumerate(words) if w == "多少" or w.startswith("几")), None)
    before = [x for x in words[:at] if x[0] != "了"] if at is not None else []
    act, flag = before[-1] if before else ("", "")
    if flag not in ("v", "vn") or len(act) < 2 or act in _NO_OWN_ACT:
        return None
    if len(before) > 1 and before[-2][0] in _NEGATIONS:
        act = before[-2][0] + act  # "不予处罚了多少件": 不予处罚, which 从轻处罚 is not
    # a lay verb is said in the report's word for it (作废: 废止)
    said = {act, ALIASES.get(act, act)}
    return None if any(_says_loosely(word, t) for word in said for t in texts) else act


def _says_loosely(word: str, text: str) -> bool:
    """Does `text` say the word, or a two-character word with a few characters between its two
    (持证 in "持有行政执法证件的人员"), inside one clause?"""
    if word in text:
        return True
    return len(word) == 2 and re.search(f"{re.escape(word[0])}[^，,。；;]{{1,6}}{re.escape(word[1])}", text) is not None


# the levels a unit inside a held place's report is of (钱清街道, 三圳镇); a city or prefecture the question
# names (湘西州, 大同全市) is a place or a parent, which scope has read
_INNER_LEVELS = frozenset("县 区 旗 镇 乡 街道".split())
_CLAUSE_CHARS = re.compile(r"[了哪几个的是有和与及跟同这那被为名多少些命全各每本该其对给向把在从到]")


def unheld_name(question: str, texts: list[str], places: tuple[str, ...] = ()) -> str | None:
    """A name the question quotes (“畲乡和事佬”) that no source says: what the sources say of
    调解 in general does not answer for it. A short quoted word is a shorthand the report may spell
    out (“八五” for 第八个五年规划), so a name counts from four characters. So too a unit the question
    names inside a held place (钱清街道 of "柯桥的钱清街道"), no library place itself: a figure of the
    whole district (全区…1.38万件) does not answer for it."""
    quoted = re.findall(r"“([^“”]{4,20})”", question)
    units = [
        u
        for _, _, chain in find_chains(question)
        for u in split_place(chain)
        if level_of(u) in _INNER_LEVELS
        and 3 <= len(u) <= 8
        and not _CLAUSE_CHARS.search(u)  # "考核覆盖了哪几个县", "项目被命名为全区", "多少名县": clauses, not names
        and not any(u in p or names_place(u, p) for p in places)
    ]
    return next((n for n in [*quoted, *(units if places else [])] if not any(n in t for t in texts)), None)


_HOW_MUCH_CHANGE = re.compile(
    r"(?:增长|增加|减少|下降|提高|降低|上升|涨|降)了?(?:百分之)?多少|增幅|增速|降幅|幅度|"
    r"(?:多|增|升|涨|增加|上升|提高)了?还是(?:少|减|降|跌|减少|下降|降低)了?"  # "比上年多了还是少了": a direction
)


# A share as a report writes it: 4.6%, 3个百分点, 两成, 百分之九十
_SHARE_FIGURE = re.compile(r"\d(?:\.\d+)?\s*(?:%|％|个百分点)|[一二两三四五六七八九十]成|百分之")
_SHARE_ASKED = re.compile(r"率(?!先)|比例|比率|占比|比重|几成")


def count_for_share(question: str, sentence: str) -> bool:
    """A share asked of one thing ("县里行政诉讼输掉的比例", "占几成") over a sentence that gives only
    counts ("一审行政诉讼案件142件"): its figure is no answer to it."""
    parts = question_parts(question)
    if len(parts) != 1 or not _SHARE_ASKED.search(parts[0]) or _GROWTH_ASKED.search(question):
        return False
    return not _SHARE_FIGURE.search(sentence)


def states_no_change(question: str, sentence: str) -> bool:
    """A question asking how much one report's figure grew ("同比增长了多少") over a sentence that
    gives the figure but no change of it (收到行政复议申请1364件)."""
    if not _HOW_MUCH_CHANGE.search(question) or len(question_parts(question)) > 1:
        return False
    return not states_change(sentence)


def states_change(sentence: str) -> bool:
    """Does the sentence state a change ("同比下降35.4%", "较上年增加361件", "提高3.2个百分点")?"""
    return any(re.match(CHANGE_SAID, f) or "百分点" in f for f, _ in figures_of(sentence))


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
    question: str = ""


def cited_sources(text: str, sources: list[Source]) -> list[Source]:
    """The sources a text's [n] markers cite, in source order."""
    ids = cited_ids(text)
    return [s for s in sources if s.n in ids]


def problems_with(text: str, sources: list[Source], expect: Expect) -> list[str]:
    problems = []
    bare = re.sub(r"[\s。.，,:：]", "", strip_citations(text))
    # A piece that only restates a source's heading ("柳州市2023年报告 一、… > (五)严格规范执法 [2]；…").
    pieces = [re.sub(r"[\s。.，,:：>]", "", p) for p in re.split(r"[；;。\n]", strip_citations(text))]
    headings = [re.sub(r"[\s>]", "", f"{s.label}{s.section}") for s in sources]
    if (
        "来源：" in text
        or "资料：" in text
        or any(bare and bare in s.section.replace(" ", "") for s in sources)
        or any(len(p) >= 6 and any(p in h for h in headings) for p in pieces)
    ):
        problems.append("回答复述了资料标题，没有回答问题")
    elif bare and expect.question and bare in re.sub(r"[\s？?。，,]", "", expect.question):
        problems.append("回答只复述了问题中的词，没有给出答案")  # "叫什么？" -> "专题述法会议"
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
    for name in re.findall(r"“([^“”]{2,30})”", text):  # a quoted name is a claim the sources must hold
        if name not in expect.question and not any(name in s.text for s in sources):
            problems.append(f"名称“{name}”在资料中找不到")
    return problems + table_problems(text, sources) + attribution_problems(text, sources, expect)


def table_problems(text: str, sources: list[Source]) -> list[str]:
    """A figure the answer gives right after a table row's label must be that row's: "予以公开的有4件"
    over "予以公开\t21 / 不予公开\t4" reads the wrong row (a model shown a table often does)."""
    said = strip_citations(text)
    problems = []
    for source in cited_sources(text, sources):
        for table in tables_in(source.text):
            labels = sorted({name_of(r.label): r for r in table.rows}.items(), key=lambda lr: -len(lr[0]))
            taken: list[tuple[int, int]] = []
            for label, row in labels:
                if len(label) < 2:
                    continue
                for m in re.finditer(re.escape(label), said):
                    if any(a <= m.start() < b for a, b in taken):
                        continue  # inside a longer label already read
                    taken.append((m.start(), m.end()))
                    after = re.match(r"[^\d，,。；;]{0,8}?(\d+(?:\.\d+)?)", said[m.end() :])
                    own = {n for c in row.cells[1:] for n in number_set(c)}
                    if after and own and after.group(1) not in own:
                        problems.append(f"数字 {after.group(1)} 不是表格中“{label}”一行的数字")
    return problems


_YEAR_BEFORE = re.compile(r"同比|比上年|较上年|比上一年|与上年相比")


def attribution_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    cited = cited_sources(text, sources)
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
        # "比2022年多了多少" of a 2023 report: its 同比 is that comparison, the year the question's own
        previous = any(f"{w}{year}年" in (expect.question or "") for w in "比较")
        if not any(
            s.hit.report.year == year
            or f"{year}年" in s.text
            or (previous and s.hit.report.year == year + 1 and _YEAR_BEFORE.search(s.text))
            for s in cited
        ):
            problems.append(f"回答提到{year}年，所引资料是{labels}，其中没有{year}年的内容")
        elif f"{year}年度" in said and not any(f"{year}年度" in s.text for s in cited):
            # "2022年度考核" names one appraisal: the 2022 report's "2021年度考核" is another.
            problems.append(f"回答说{year}年度，所引资料中没有{year}年度")
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
    given = number_set(strip_citations(text)) - expect.exempt
    doing = [w for part in question_parts(expect.question) for w in doing_words(part)] if expect.question else []
    # "在383个县市区排名第一": 383 counts the field (context the answer may keep); the rank is
    # the number after 第, and an answer to 排名第几 must give one.
    ranking = bool(expect.measure and expect.measure.head in _RANKS)
    if ranking and given and not any(n in ranks_in(c) for n in given for src in cited for c in clauses(src)):
        return [f"问题问的是{asked}，数字 {min(given)} 不是名次（名次写作“第…”）"]
    for number in given:
        holding = [c for src in cited for c in units(src) if number in number_set(c)]
        if holding and not any(names(c) for c in holding):
            return [f"问题问的是{asked}，数字 {number} 所在的句子说的不是{asked}"]
        # In a sentence of several counts, a count whose own clause names its own thing
        # ("我市行政应诉案件124件") does not answer another (行政复议申请) named elsewhere in it.
        own = [c for src in cited for c in clauses(src) if number in number_set(c)]
        # ... unless its lead is what the question says right before 多少 ("调解成功207起").
        if own and all(_names_other_count(c, number) and not names(c) and not any(w in c for w in doing) for c in own):
            return [f"问题问的是{asked}，数字 {number} 所在的分句说的是别的事项"]
    return []


_CHANGE_ASKED = re.compile(rf"{CHANGE_ASKED.pattern}|变化(?:了)?多少|变化情况")
# Words before a figure that name no count of their own: where it stands (全市), that it adds up (共), how it
# moved ("…83件,同比增长22.1%": a change of the count before it, not another count)
_BEFORE_FIGURE = re.compile(
    r"(?:我[市县区省]|全[市县区省]|共|累计|总计|合计|已|达到?|为|约|近|超过?|同比|较上年|比上年|增长|下降|增加|减少|提高|降低|\s)+$"
)


def _names_other_count(clause: str, number: str) -> bool:
    """Does the clause name what it counts right before the figure, in four or more
    characters ("行政应诉案件124件")? A short lead ("已办结684件", "来电713件") leans on the
    sentence around it for its subject."""
    at = clause.find(number)
    lead = _BEFORE_FIGURE.sub("", clause[:at]) if at > 0 else ""
    return len(re.findall(r"[\u4e00-\u9fff]", lead)) >= 4


_BOUND = re.compile(BOUND)


def omission_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """What a draft leaves out that its sources state: the figure of each item asked ("法治宣传和
    法治讲座" has two, 200余场次 and 100场次), and the span a count is over (11件 "2019年至今" is not
    one year's 11件)."""
    cited = cited_sources(text, sources)
    given = number_set(strip_citations(text))
    problems = []
    for part in question_parts(expect.question) if expect.question else []:
        found = next((f for s in cited if (f := item_figures(part, s.text))), None)
        missing = [item for item, figure in found or [] if not number_set(figure) <= given]
        if missing:
            items = "、".join(item for item, _ in found)
            problems.append(f"问题分别问了{items}的数字，回答缺少{'、'.join(missing)}的数字")
        # "…多少件，同比增长多少，纠错率又是多少": a rate a part asks, stated in a cited clause, is given
        measure = measure_asked(part + "？") if len(question_parts(expect.question)) > 1 else None
        if measure and measure.precise:
            stated = {n for s in cited for c in clauses(s.text) if measure.head in c for _, n in figures_of(c)}
            if stated and not stated & given:
                problems.append(f"问题问了{measure.phrase}，回答没有给出资料中的{measure.phrase}数字")
    said = strip_citations(text)
    changed = expect.question and _CHANGE_ASKED.search(expect.question) and not given - expect.exempt
    if changed and any(figures_in(c) for s in cited for c in clauses(s.text) if any(t in c for t in expect.terms)):
        problems.append("问题问的是变化，回答没有给出所引资料中的数字")  # "翻一番" without its 855条
    for number in sorted(given - expect.exempt):
        # "突破5000亿元" given as 5000亿元 says another thing: the bound must stay.
        stated = [f for s in cited for f, n in figures_of(s.text) if n == number]
        bounds = {m.group(0) for f in stated if (m := _BOUND.search(f))}
        if stated and len(bounds) == 1 and all(_BOUND.search(f) for f in stated):
            word = bounds.pop()
            if f"{word}{number}" not in said:
                problems.append(f"数字 {number} 在资料中是“{word}{number}”，回答漏了“{word}”")
        figure = re.compile(rf"(?<![\d.,]){re.escape(number)}(?![\d.])")
        spans = {span_before(c, m.start()) for s in cited for c in clauses(s.text) if (m := figure.search(c))}
        if len(spans) == 1 and (span := spans.pop()) and years_in(span) - years_in(said):
            problems.append(f"数字 {number} 是{span}的累计数，回答没有写出“{span}”")
    return problems


_TOTAL_ASKED = re.compile(r"一共|总共|共计|合计|总计|总[额数量]|总金额|共有|(?<!公)共(?=多少|几|有多|计)")


def _unit(figure: str) -> str:
    return re.sub(r"^[^\d]*[\d.,]+", "", figure)


def total_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A total asked ("一共多少钱") is not the figure of its 其中 part: "追发工资等待遇2365万元,其中为农民工
    追发工资1960万元" gives 2365万元 as the total, 1960万元 as a part of it."""
    if not expect.question or not _TOTAL_ASKED.search(expect.question):
        return []
    given = number_set(strip_citations(text)) - expect.exempt
    problems = []
    for sentence in [c for s in cited_sources(text, sources) for c in sentences(s.text)]:
        at = sentence.find("其中")
        whole = figures_of(sentence[:at]) if at > 0 else []
        for part, number in figures_of(sentence[at:]) if whole else []:
            totals = [f for f, n in whole if n not in given and _unit(f) == _unit(part)]
            if number in given and totals:
                problems.append(f"问题问的是总数，{part}是“其中”的一部分，所引资料中的总数是{totals[-1]}")
    return problems


_BREAKDOWN = re.compile(r"其中|具体为|具体是|具体如下|分别为|分别是")
_SUMMED = re.compile(r"(?:^|(?<=\n))\s*(?:以上合计|以上共计|以上总计|合计|总计)")


def _just_before(other: Source, source: Source) -> bool:
    """Is `other` the chunk of the same report that ends where `source` begins?"""
    a, b = other.hit.chunk, source.hit.chunk
    return a.report_id == b.report_id and a.start < b.start <= a.end + 2


def _totals_given(total: str, parts: str, terms: list[str], given: set[str]) -> list[tuple[str, str]]:
    """(the part's own word, the total) for each figure of `total` the answer gives, when `parts` — the 其中
    clause, the list after 具体为 or the lines above 以上合计 — says a word of the part asked that `total` does
    not, with figures of the same unit the answer does not give. (A word the total says in other words is
    no part's own: 持证 of 持有…证件的人员.)"""
    own = [t for t in terms if not set(t) <= set(total) and t in parts]
    found = []
    for whole, number in figures_of(total) if own else []:
        others = [f for f, n in figures_of(parts) if _unit(f) == _unit(whole) and n not in given]
        if number in given and others:
            found.append((own[0], whole))
    return found


def part_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A part asked ("对企业检查了多少次") is not the total it is part of: "全市开展行政检查67034次,其中对企业
    的检查41260次" — the 其中 clause says the part's own words (企业) that the total's does not, even loosely."""
    problems = []
    given = number_set(strip_citations(text)) - expect.exempt
    for part in question_parts(expect.question) if expect.question else []:
        terms = key_terms(part, ignore=frozenset(expect.places))
        # the parts follow 其中 in its sentence, or a list after 具体为, on the lines below it, up to the
        # next full stop ("共检查5000次,具体为:\n·城市管理:检查1320次…")
        for source in cited_sources(text, sources):
            said = source.text
            for m in _BREAKDOWN.finditer(said):
                begin = max(said.rfind(p, 0, m.start()) for p in "。；;\n") + 1
                stops = "。；;" if m.group(0) == "其中" else "。"  # a 其中 clause ends its sentence; a list runs on
                end = min((e for e in (said.find(p, m.end()) for p in stops) if e >= 0), default=len(said))
                for own, whole in _totals_given(said[begin : m.start()], said[m.start() : end], terms, given):
                    problems.append(f"问题问的是{own}的数字，{whole}是总数，“{m.group(0)}”之后才说到{own}")
            # or the parts come first, each on its line, and the total after them: "安全生产：检查1460次…\n以上合计检查4800次"
            # (the lines above may end the chunk before, when this one opens with the total)
            before = "".join(o.text + "\n" for o in sources if _just_before(o, source))
            for m in _SUMMED.finditer(said):
                above = "\n".join((before + said[: m.start()]).split("\n")[-8:])  # the lines of parts right above it
                end = min((e for e in (said.find(p, m.end()) for p in "。；;\n") if e >= 0), default=len(said))
                for own, whole in _totals_given(said[m.start() : end], above, terms, given):
                    problems.append(f"问题问的是{own}的数字，{whole}是“{m.group(0)}”的总数，上面各行才说到{own}")
    return problems


# One character before 多少 that says nothing of what was done ("有多少", "共多少", "数是多少")
_NO_ACTION = frozenset("了有是为共达约的各都占数量计")
_LAST_ACTION = re.compile(r"([\u4e00-\u9fff])了?(?:多少|(?<!哪)几)")


def _action_words(part: str) -> list[str]:
    """What the part asks was done, right before 多少: "解决" of "企业问题解决了多少", and a single verb too
    ("发现的问题改了多少": 改), which `doing_words` leaves out."""
    words = doing_words(part)
    if (m := _LAST_ACTION.search(part)) and m.group(1) not in _NO_ACTION:
        words.append(m.group(1))
    return words


def action_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A count of what was done ("发现的问题改了多少") is not the figure of another step in the same sentence:
    "发现问题88个,已整改87个" gives 88个 as found and 87个 as 整改 — the clause saying what was asked holds
    another figure of the same unit, so a figure whose clause does not say it answers something else."""
    given = number_set(strip_citations(text)) - expect.exempt
    words = [w for part in (question_parts(expect.question) if expect.question else []) for w in _action_words(part)]
    problems = []
    for sentence in [c for s in cited_sources(text, sources) for c in sentences(s.text)] if words else []:
        said = clauses(sentence)
        for clause in said:
            if any(w in clause for w in words):
                continue
            for figure, number in figures_of(clause):
                if number not in given:
                    continue
                other = [
                    f
                    for c in said
                    if c != clause and any(w in c for w in words)
                    for f, n in figures_of(c)
                    if n not in given and _unit(f) == _unit(figure)
                ]
                if other:
                    problems.append(f"{figure}所在分句没有说问题问的事，同一句中说到它的是{other[0]}")
    return problems


def growth_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A rate asked ("被纠错的比例是多少") is not a change of something else: "收到复议申请2846件,同比增长9.7%"
    gives 9.7% as a growth, and a question that does not ask how much something grew is not answered by it."""
    parts = question_parts(expect.question) if expect.question else []
    if not any(RATE_ASKED.search(p) for p in parts) or _GROWTH_ASKED.search(expect.question):
        return []  # (增长率, 同比, 多了多少: a change is asked)
    return [
        f"数字 {shown} 在资料中是“{as_stated[0]}”，是增减幅度，不是问题问的比例"
        for shown, as_stated in _as_stated(text, sources)
        if shown.endswith(("%", "％")) and as_stated and all(re.match(CHANGE_SAID, f) for f in as_stated)
    ]


def share_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A count is not a share: "96名持证行政执法人员" over "持证率由71%提高到96%" turns a rate into a head count."""
    return [
        f"数字 {shown} 在资料中是“{as_stated[0]}”，是比例，不是数量"
        for shown, as_stated in _as_stated(text, sources)
        if not re.search(r"[%％‰]|百分点", shown)
        and re.search(r"\d(?:余|多)?(?:万|亿)?[\u4e00-\u9fff]", shown)
        and as_stated
        and all(re.search(r"[%％‰]", f) for f in as_stated)
    ]


def _as_stated(text: str, sources: list[Source]) -> list[tuple[str, list[str]]]:
    """Each figure of the answer, with the figures of its cited sources that have its number, as they write them."""
    stated = [f for s in cited_sources(text, sources) for f in figures_of(s.text)]
    return [(shown, [f for f, n in stated if n == number]) for shown, number in figures_of(strip_citations(text))]


_GROWTH_ASKED = re.compile(rf"{CHANGE_ASKED.pattern}|{DIRECTION_ASKED.pattern}|同比|变化|多了|少了|涨|降")


# What a report plans, not what it did: "力争纠错率控制在6%以内", "将继续…调解和解率达到35%以上";
# and a question that asks about plans.
PLANNED = re.compile(r"力争|计划|拟|将(?:进一步|继续|全面)|目标|确保(?:到|在)")
PLAN_ASKED = re.compile(r"计划|打算|力争|目标|预期|拟|下一步|明年|要达到|要提高|想把|想要|定在|定为")
_PLAN_SECTION = re.compile(r"打算|下一步|工作安排|工作计划|工作思路|努力方向")

# A count given as a limit: "同一企业的检查一年原则上不超过2次" (not "超过300件", "98%以上": what was done)
_LIMIT = re.compile(r"(?:不超过|不少于|不低于|不高于|不多于)\d+(?:\.\d+)?[万亿]?(?![\d.%％])|\d+[次件个项家]以内")
_LIMIT_ASKED = re.compile(rf"{PLAN_ASKED.pattern}|上限|下限|不超过|不少于|不低于|至少|最多|最少|以内|标准|规定|要求")


def bound_for_count(question: str, answer: str, text: str = "") -> bool:
    """ "一共搞了多少次" answered "不超过2次": a limit the text sets, not a count of what was done; nor
    "超过2次" where the text says "被检查超过2次的情况": a threshold that describes something else."""
    if _LIMIT_ASKED.search(question):
        return False
    pieces = answer.split("；")  # one per part asked
    threshold = any(re.match(r"(?:超过|高于|低于|少于|多于)\d", p) and f"{p}的" in text for p in pieces)
    return bool(_LIMIT.search(answer) or threshold)


def against_direction(part: str, text: str) -> bool:
    """ "同比降了多少" over "发明专利授权1120件,同比增长17.8%": the text's every change moves the other way
    from the one asked, so it is about something else."""
    down, up = bool(DOWN_ASKED.search(part)), bool(UP_ASKED.search(part))
    if down == up:
        return False  # no direction asked, or both ("升了还是降了")
    said_down, said_up = bool(DOWN_SAID.search(text)), bool(UP_SAID.search(text))
    return (said_up and not said_down) if down else (said_down and not said_up)


def years_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A question about several years of one place ("2022年和2023年分别有多少名") is answered for each
    year the library's reports in scope speak for: a draft citing only the 2022 report answers half of
    it (the quote rung gives each year's sentence). A year the draft names itself is answered, its
    figure held to a cited source that says that year by `attribution_problems`."""
    asked = selector_years(expect.question) if expect.question else set()
    cited = [s.hit.report for s in cited_sources(text, sources)]
    if len(asked) < 2 or not cited or len({r.place for r in cited}) > 1:
        return []
    scoped = [s.hit.report for s in sources if s.hit.report.report_id in expect.scope_ids]
    held = {y for y in asked for r in scoped if r.place == cited[0].place and covers(r, y)}
    said = years_in(strip_citations(text))
    missing = sorted(y for y in held - said if not any(covers(r, y) for r in cited))
    if not missing:
        return []
    return [
        f"问题问了{'、'.join(f'{y}年' for y in sorted(asked))}，回答没有{'、'.join(f'{y}年' for y in missing)}的数字"
    ]


def plan_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A figure the report gives only as a plan ("二是…调解和解率达到35%以上" under 2025年工作打算)
    does not answer what was done, when the sources state the measure as done too."""
    if not expect.question or PLAN_ASKED.search(expect.question):
        return []
    cited = cited_sources(text, sources)
    problems = []
    for number in sorted(number_set(strip_citations(text)) - expect.exempt):
        holding = [(s, c) for s in cited for c in sentences(s.text) if number in number_set(c)]
        planned = [(s, c) for s, c in holding if PLANNED.search(c) or _PLAN_SECTION.search(s.section)]
        if holding and len(planned) == len(holding):
            problems.append(f"数字 {number} 是报告的计划目标，问题问的是已做到的情况")
    return problems


def subcount_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """A part asking how many of the whole did one thing ("其中被撤销的有几件") is answered by a figure
    whose cited clause says that thing (撤销97件), not by another figure of the same topic
    (发出行政复议意见书和建议书22份)."""
    problems = []
    cited = cited_sources(text, sources)
    given = number_set(strip_citations(text)) - expect.exempt
    for part in question_parts(expect.question) if expect.question else []:
        words = subcount_words(part)
        if not words or not COUNTER_ASKED.search(part):
            continue
        holding = [c for s in cited for c in clauses(s.text) if number_set(c) & given]
        if holding and not any(w in c for w in words for c in holding):
            problems.append(f"问题问了其中{words[-1]}的数字，回答的数字所在分句都没有说“{words[-1]}”")
    return problems


def draft_problems(text: str, sources: list[Source], expect: Expect) -> list[str]:
    """`problems_with`, plus what a model draft must also have: citations and substance, a
    number when the question asks for one, every item's figure and a count's span of years
    (`omission_problems`), and for a precise measure, figures of that measure (a quote, by
    contrast, keeps its whole sentence, so its other figures are context)."""
    problems = problems_with(text, sources, expect) + measure_problems(text, sources, expect)
    problems += omission_problems(text, sources, expect) + plan_problems(text, sources, expect)
    problems += total_problems(text, sources, expect) + growth_problems(text, sources, expect)
    problems += part_problems(text, sources, expect)
    problems += share_problems(text, sources, expect) + years_problems(text, sources, expect)
    problems += subcount_problems(text, sources, expect) + action_problems(text, sources, expect)
    said = figures_of(strip_citations(text))
    counted = COUNTER_ASKED.search(expect.question) if len(question_parts(expect.question)) == 1 else None
    if counted and said and all(re.search(r"[%％‰]$", f) for f, _ in said):  # "审核了多少件" -> "100%"
        problems.append(f"问题问的是多少{counted.group(1)}，回答只给了百分比")
    if expect.wants_number and count_for_share(expect.question, strip_citations(text)):
        problems.append("问题问的是比例，回答只给了数量")  # "142件" for 行政诉讼输掉的比例
    if expect.wants_number and bound_for_count(expect.question, strip_citations(text)):
        problems.append("回答的数字是规定的上限或下限，不是做了多少")  # "不超过2次" for 一共搞了多少次
    if kind := unnamed_kind(expect.measure, [s.text for s in sources], expect.places):
        problems.append(f"问题问的是{expect.measure.phrase}，资料中没有说到“{kind}”")
    if (
        len(expect.scope_ids) <= 1
        and (as_stated := [f for _, forms in _as_stated(text, sources) for f in forms])
        and states_no_change(expect.question, "；".join(as_stated))
    ):
        problems.append("问题问的是增减了多少，回答的数字在资料中不是增减幅度")  # 1364件 for 同比增长了多少
    if act := unsaid_act(expect.question, [s.text for s in sources]):
        problems.append(f"问题问的是{act}了多少，资料中没有说到“{act}”")
    if name := unheld_name(expect.question, [s.text for s in sources], expect.places):
        problems.append(f"问题问的是“{name}”，资料中没有说到它")
    if not cited_ids(text):  # an answer is shown only with the sources that back it
        problems.append("回答没有引用资料")
    han = len(re.findall(r"[\u4e00-\u9fff]", strip_citations(text)))
    # a figure with a few words is an answer ("林区排名第3"); a bare "[1] 100%" or a short phrase is not
    if han < _MIN_HAN and not _quoted_name(text, sources) and not (han >= 4 and figures_in(strip_citations(text))):
        problems.append("回答没有实质内容")
    elif expect.wants_number and not (number_set(text) - expect.exempt):
        problems.append("问题问的是数量或比例，回答中没有数字")
    return problems


def _quoted_name(text: str, sources: list[Source]) -> bool:
    """A short draft that is a name a source sets in quotes or title marks (“安薪仙居”, 《…条例》):
    the answer to "叫什么名字", however few its characters."""
    name = re.sub(r"[“”\"《》「」\s。.]", "", strip_citations(text))
    return len(name) >= 2 and any(re.search(f'[“"《「]{re.escape(name)}[”"》」]', s.text) for s in sources)
