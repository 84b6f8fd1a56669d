"""Numbers and quotes checked against the sources.

A number is *grounded* when it occurs in a cited source; it is *supported* when the
source clause holding it shares a key term with the question (so "办结率100%" does not
back an answer about 出庭应诉率 just because both say 100%). Answers that fail either
check are retried, then replaced by an extractive quote, then refused.

Worked example: numbers_in("收到申请122件，审结率为九成，1,391户[2]") == ["122", "1391"]
(citation markers are ignored, thousands separators removed; 九成 is not a number).
"""

from __future__ import annotations

import re

from assistant.index.lexical import tokenize

_CITE = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}")
_CLAUSE = re.compile(r"[^,，;；。!?！？\n]+")
_SENTENCE = re.compile(r"[^。!?！？;；\n]+[。!?！？;；]?")


def cited_ids(text: str) -> list[int]:
    return sorted({int(n) for n in _CITE.findall(text)})


def strip_citations(text: str) -> str:
    return _CITE.sub("", text)


def cn_to_int(word: str) -> int | None:
    """'一百四十七' -> 147, '两万三千' -> 23000, '二〇二三' -> 2023; None if not a number."""
    if all(c in _CN_DIGITS for c in word):
        return int("".join(str(_CN_DIGITS[c]) for c in word))
    total, section, digit = 0, 0, None
    for c in word:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in ("万", "亿"):
            section = (section + (digit or 0)) * _CN_UNITS[c]
            total, section, digit = total + section, 0, None
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def numbers_in(text: str) -> list[str]:
    """Arabic numbers (thousands separators removed) plus multi-character Chinese numerals."""
    text = strip_citations(text)
    found = [m.group(0).replace(",", "") for m in _NUMBER.finditer(text)]
    for m in _CN_NUMBER.finditer(text):
        value = cn_to_int(m.group(0))
        if value is not None and value >= 10:
            found.append(str(value))
    return found


def _canon(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def number_set(text: str) -> set[str]:
    return {_canon(n) for n in numbers_in(text)}


def ungrounded_numbers(answer: str, sources: list[str], exempt: set[str] = frozenset()) -> list[str]:
    """Numbers in the answer that occur in none of the given source texts.
    `exempt` holds numbers the user supplied (the question's years, report labels)."""
    available = set().union(*(number_set(s) for s in sources)) if sources else set()
    return [n for n in dict.fromkeys(_canon(n) for n in numbers_in(answer)) if n not in available | exempt]


# Words every report repeats: they cannot tell a relevant sentence from another one.
GENERIC_TERMS = set("法治 政府 法治政府 建设 工作 报告 全市 全县 全区 我市 我县 开展 推进 情况 年度 这份 一共 分别 "
                    "其中 共有 相关 哪个 主要 进行 方面".split())


def key_terms(question: str, ignore: set[str] = frozenset()) -> list[str]:
    """Content words of a question, minus place names, years and words every report uses."""
    terms = []
    for t in tokenize(question):
        if t in GENERIC_TERMS:
            continue
        # Single characters (率, 数, 件) match almost any sentence, so they carry no evidence.
        if len(t) < 2 or t in ignore or any(t in p for p in ignore) or re.fullmatch(r"\d+|年度", t):
            continue
        terms.append(t)
    return list(dict.fromkeys(terms))


def clauses(text: str) -> list[str]:
    return [m.group(0) for m in _CLAUSE.finditer(text)]


def unsupported_numbers(answer: str, sources: list[str], terms: list[str],
                        exempt: set[str] = frozenset()) -> list[str]:
    """Numbers whose every occurrence in the sources sits in a sentence sharing no key term."""
    if not terms:
        return []
    bad = []
    for n in dict.fromkeys(_canon(x) for x in numbers_in(answer)):
        if n in exempt:
            continue
        sentences = [s for src in sources for s in _SENTENCE.findall(src) if n in number_set(s)]
        if sentences and not any(any(t in s for t in terms) for s in sentences):
            bad.append(n)
    return bad


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans without trailing whitespace, for quoting."""
    spans = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if e > s:
            spans.append((s, e))
    return spans


def coverage(sentence: str, terms: list[str]) -> float:
    """Share of the question's key terms (weighted by length) that a sentence contains."""
    if not terms:
        return 0.0
    total = sum(len(t) for t in terms)
    return sum(len(t) for t in terms if t in sentence) / total
