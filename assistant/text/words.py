"""Words of Chinese text (jieba), for BM25 and for the key terms of a question.

jieba's search mode adds the short words inside compounds (行政复议申请 -> 行政, 复议, 申请),
which helps when a question words a term differently from the report. `key_terms` keeps
the content words a sentence must share with a question to count as evidence for it.
jieba loads its dictionary on first use (about a second), so only modules that need words
import this one.
"""

from __future__ import annotations

import logging
import re

logging.getLogger("jieba").setLevel(logging.WARNING)
import jieba  # noqa: E402  (after silencing its start-up chatter)

TOKENIZER_VERSION = "jieba-search-10"  # part of the BM25 index fingerprint: bump when tokens change
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]|\d")
_STOP = frozenset(
    "的 了 和 与 及 是 在 等 为 对 将 把 被 中 上 下 个 有 并 也 又 或 其 之 以 于 从 到 由 向 我 市 县 "
    "多少 哪些 什么 怎么 如何 是否 几 吗 呢 请问 情况 报告".split()
)
# Words every report repeats: they cannot tell a relevant sentence from another one.
GENERIC_TERMS = frozenset(
    "法治 政府 法治政府 建设 工作 报告 全市 全县 全区 我市 我县 开展 推进 情况 年度 这份 一共 分别 "
    "其中 共有 相关 哪个 主要 进行 方面 做到 认为 自己".split()
)


def cut(text: str) -> list[str]:
    """jieba's precise-mode words (for scoring against gold text, not for retrieval)."""
    return jieba.lcut(text)


# What people type for what reports write: "GDP多少亿" asks for 地区生产总值.
# People's words for a report's too: a 官司 is a 诉讼, losing one 败诉, what was 办结 is 结案.
ALIASES = {
    "GDP": "地区生产总值",
    "gdp": "地区生产总值",
    "经济总量": "地区生产总值",
    "CPI": "居民消费价格",
    "PPP": "政府和社会资本合作",
    "官司": "诉讼",
    "输了": "败诉",
    "打输": "败诉",
    "输掉": "败诉",
    "赢的": "胜诉",
    "打赢": "胜诉",
    "办结的比例": "结案率",
    "结案的比例": "结案率",
    "涨了": "增长",
    "增速": "增长",
    "到庭": "出庭",
    "违建": "违法建设",
    "案子": "案件",
    "作废": "废止",
    "评上": "评为",
    "涨到": "提高到",
    "镇街": "镇（街道）",
    # checks of enterprises, as people say them: the reports' 涉企检查
    "去企业检查": "涉企检查",
    "对企业检查": "涉企检查",
    "检查企业": "涉企检查",
    "查了企业": "涉企检查",
}


def glossary(question: str) -> str:
    """The report's words for the lay words of a question, for the model: "官司即诉讼，赢的即胜诉" of
    "打行政官司赢的比例有多高" (a small model reads 胜诉率93% as no answer to 赢的比例 otherwise)."""
    found = sorted((question.find(k), k) for k in ALIASES if k in question)
    return "，".join(f"{k}即{ALIASES[k]}" for _, k in found)


# Lay phrasings a report's labels answer but that are no alias: "占几成" asks the 占比 column, yet as an
# alias it would add 占比 to every question's key terms and BM25 words.
# "调成了多少" asks the 调解成功 column, "立了多少、结了多少" the 立案 and 结案 columns (not 办结了, 建立了).
_LABEL_PHRASINGS = (
    (re.compile(r"占(?:了)?几成"), "占比是多少"),
    (re.compile(r"调成(?:了|功了)?(?=多少|几)"), "调解成功"),
    (re.compile(r"(?<![建成设确树创])立了(?=多少|几)"), "立案"),
    (re.compile(r"(?<![办审完了终])结了(?=多少|几)"), "结案"),
)


def in_report_words(question: str) -> str:
    """The question with each lay word replaced by the report's word for it ("办了多少件案子" -> "…案件",
    "占几成" -> "占比是多少"), for matching it against a report's own labels (a table's rows and columns);
    still a question."""
    for lay in sorted((k for k in ALIASES if k in question), key=len, reverse=True):
        question = question.replace(lay, ALIASES[lay])
    for phrasing, label in _LABEL_PHRASINGS:
        question = phrasing.sub(label, question)
    return question


def tokenize(text: str) -> list[str]:
    """Search-mode words, plus the words of what an alias in the text stands for."""
    words = [t for t in jieba.lcut_for_search(text) if _WORD.search(t) and t not in _STOP]
    for alias, meaning in ALIASES.items():
        if alias in text:
            words += [t for t in jieba.lcut_for_search(meaning) if t not in words]
    return words


# How a question asks, not what it asks about: "烧了多大面积" asks about 面积 (not 大面积), "结了几件"
# about what was 结 (not 几件), "有啥变化" about the thing that changed.
_ASKING = re.compile(
    r"(?:里|中)?(?:排在|排名|排)第几[名位]?|"  # "考评里排第几" asks about 考评 (not 里排)
    r"(?:在)?(?:哪些|哪几个|哪个|哪)方面|"  # "在哪些方面还存在短板" asks about 短板
    r"(?:比|较)(?:前一年|上一年|上年|去年|同期)|"  # "2023年比前一年多了多少件": the comparison, not a thing
    r"(?:是|有|为|在)?什么时间(?:之前|以前|前)?|(?<=[天候])(?:之前|以前)|"  # "在什么时间之前改到位" asks a date
    r"(?:是|有|为|在)?(?:什么时候|何时|哪一?天|至少|最少|多大|多高|多长|多久|多少|有没有|有无|几[个件项名次人起家条]?|啥|"
    r"什么变化|何变化|变化)|(?<=[了过])没有?(?=[？?，,。]|$)"  # "输了没有" asks about 输了 (败诉)
)


_TERM_PHRASINGS = (
    (re.compile(r"(?<![建成设确树创])立了?(?:多少|几)[件起个宗]?案"), "立案"),
    (re.compile(r"(?<![办审完])结了?(?:多少|几)[件起个宗]?案"), "结案"),
)


def key_terms(question: str, ignore: set[str] = frozenset()) -> list[str]:
    """Content words of a question, minus place names (`ignore`), years, words every report uses
    and the words that only ask."""
    # The places the question names are its address, not terms: cut out whole, longest first — so a
    # word that is only part of another held place's name (公安 of 厦门市公安局) stays a term.
    for name in sorted((n for n in ignore if len(n) >= 2 and n in question), key=len, reverse=True):
        question = question.replace(name, "，")
    terms = []
    for t in tokenize(_ASKING.sub("，", question)):
        if t in GENERIC_TERMS or t in ALIASES:  # "GDP" is not in the report: what it stands for is
            continue
        # Single characters (率, 数, 件) match almost any sentence, so they carry no evidence.
        if len(t) < 2 or t in ignore or re.fullmatch(r"\d+|年度", t):
            continue
        terms.append(t)
    # "立了多少案" asks about 立案, though jieba leaves 立 and 案 apart
    terms += [term for phrasing, term in _TERM_PHRASINGS if phrasing.search(question) and term not in terms]
    # what a lay word stands for, whole: "违建" asks about 违法建设, more than about 违法 (建设 is everywhere)
    terms += [m for k, m in ALIASES.items() if k in question and re.fullmatch(r"[\u4e00-\u9fff]{3,}", m)]
    return list(dict.fromkeys(terms))


def pos_tagged(text: str):
    """(word, flag) pairs from jieba's POS tagger; 'ns' marks place names."""
    import jieba.posseg as pseg

    return pseg.cut(text)
