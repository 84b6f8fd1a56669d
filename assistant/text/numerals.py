"""Numbers in Chinese report text: Arabic figures and Chinese numerals, compared canonically.

Verification compares *sets of canonical numbers*: "98.40%" and "98.4%" are the same claim,
"1,391户" is 1391, and "一百四十七件" is 147. Single Chinese digits ("一是", "九成") are not
counted as numbers: they are ordinals and rough shares far more often than figures.
Citation markers ("[2]") are references, not numbers, and are ignored.

Worked example: numbers_in("收到申请122件，审结率为九成，1,391户[2]") == ["122", "1391"].
"""

from __future__ import annotations

import re

# Characters of a Chinese numeral ("一百四十七", "二〇二三", "两万三千"); ORDINAL is the subset
# that numbers outline headings and list items (一、 / (二) / 三是).
CN_DIGIT_CHARS = "零〇一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGIT_CHARS + "十百千万亿"
CN_ORDINAL_CHARS = "一二三四五六七八九十"
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}
# A Chinese numeral of two or more characters, read from its first: not the plan period 十三五 / 十四五
# (the 13th and 14th five-year plans, never 15 or 135).
CN_NUMERAL = rf"(?<![{CN_NUMERAL_CHARS}])(?!十[一二三四五六七八九]五)[{CN_NUMERAL_CHARS}]{{2,}}"
_CN_NUMBER = re.compile(CN_NUMERAL)
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
# The counters (量词) a count is given in, longest first where one begins another (人次 before 人,
# 场次 before 场): what "多少场次" asks for and what "470场次" counts in.
COUNTERS = (
    "个百分点|人次|件次|户次|场次|家次|批次|万元|亿元|元|个|件|名|位|人|次|项|家|起|宗|卷|本|户|条|场|期|批|类|种|所|支|台|套|份|处|"
    "辆|座|篇|天|倍"
)
CITATION_MARKER = re.compile(r"\[(\d{1,2})\]")


def cn_to_int(word: str) -> int | None:
    """'一百四十七' -> 147, '两万三千' -> 23000, '二〇二三' -> 2023; None if not a number."""
    if word and all(c in _CN_DIGITS for c in word):
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


def cn_numerals_to_digits(text: str) -> str:
    """Every multi-character Chinese numeral rewritten in digits: '一百四十七件' -> '147件'."""
    return _CN_NUMBER.sub(lambda m: str(v) if (v := cn_to_int(m.group(0))) is not None else m.group(0), text)


# A rank written in Chinese numerals: 第二名, 位列第三位, 排名第一 (at a clause's end).
_RANK = re.compile(r"第([一二三四五六七八九十]{1,3})(?=名|位|[，,。；;、）)]|$)")
_RANK_ANY = re.compile(rf"第\s*(\d+|[{CN_NUMERAL_CHARS}]+)")


def ranks_in(text: str) -> set[str]:
    """The numbers a text writes as ranks, after 第 ("在383个县市区排名第一" -> {"1"})."""
    found = set()
    for m in _RANK_ANY.finditer(text):
        value = m.group(1) if m.group(1).isdigit() else cn_to_int(m.group(1))
        if value is not None:
            found.add(str(value))
    return found


# An item's number right before a year: "1.2024年9月底前" is item 1 and 2024, not 1.2024.
_MARKER_BEFORE_YEAR = re.compile(r"(?<![\d.])(\d{1,2}\.)(?=(?:19|20)\d{2}\s*年)")


def numbers_in(text: str) -> list[str]:
    """Arabic numbers (thousands separators removed), multi-character Chinese numerals ≥ 10,
    and ranks in Chinese numerals (第二名)."""
    text = _MARKER_BEFORE_YEAR.sub(r"\1 ", CITATION_MARKER.sub("", text))
    found = [m.group(0).replace(",", "") for m in NUMBER.finditer(text)]
    for m in _CN_NUMBER.finditer(text):
        value = cn_to_int(m.group(0))
        if value is not None and value >= 10:
            found.append(str(value))
    # A rank is a figure however small ("位列全市第二名" answers 排第几 with 2).
    for m in _RANK.finditer(text):
        value = cn_to_int(m.group(1))
        if value is not None and (value < 10 or len(m.group(1)) == 1):
            found.append(str(value))
    return found


def canonical(number: str) -> str:
    """'98.40' -> '98.4', '100.0' -> '100'; integers unchanged."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def number_set(text: str) -> set[str]:
    return {canonical(n) for n in numbers_in(text)}


def stated_numbers(text: str) -> set[str]:
    """`number_set` of a source, with each comma group too: "96,171,208" may be 96171208 or — NFKC having
    read a table's "96，171，208" — three cells, and the digits of each stand in the text either way."""
    groups = {canonical(g) for m in NUMBER.finditer(text) if "," in m.group(0) for g in m.group(0).split(",")}
    return number_set(text) | groups


_ENUMERATOR = re.compile(r"^[\s(（]*\d{1,2}[)）.．、]|[(（]\d{1,2}[)）]")
_YEAR_OF = re.compile(r"(?:19|20)\d{2}(?=\s*年)")


def figures_in(text: str) -> list[str]:
    """The numbers a sentence states as figures: not list markers ("(13)", "2.") and not
    years ("2021年"), which every sentence of these reports is full of."""
    return numbers_in(_YEAR_OF.sub("", _ENUMERATOR.sub("", text)))
