"""Years and dates in report text.

A year is 19xx/20xx followed by 年 ("2023年", "2023年度"); bare four-digit numbers are not
years (124件 is not, and neither is 2035 in a count). Dates are written 2024年1月22日 in the
text (sometimes in Chinese numerals under a signature: 二〇〇九年十一月十三日) and ISO (2024-01-22)
in page metadata; all normalise to ISO.
"""

from __future__ import annotations

import re

from assistant.text.numerals import cn_to_int

YEAR = r"(?:19|20)\d{2}"
YEAR_MENTION = re.compile(rf"({YEAR})\s*年(?:度)?")
CN_DATE = re.compile(rf"({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")
ISO_DATE = re.compile(rf"({YEAR})-(\d{{1,2}})-(\d{{1,2}})")
BARE_YEAR = re.compile(YEAR)
# A date in Chinese numerals, as signatures are sometimes written; 〇 is often typed ○, 零 or o.
_HAN_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | dict.fromkeys("○零oO", "0")
HAN_DATE = re.compile(
    r"([〇○零oO一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)


def years_in(text: str) -> set[int]:
    """The years a text names: {2021, 2023} for "2021年…2023年度"."""
    return {int(m.group(1)) for m in YEAR_MENTION.finditer(text)}


def iso_date(text: str, patterns: tuple[re.Pattern, ...] = (CN_DATE, ISO_DATE, HAN_DATE)) -> str | None:
    """The first date in `text` (2024年1月22日, 2024-1-22, 二〇〇九年十一月十三日) as ISO 2024-01-22."""
    for pattern in patterns:
        if m := pattern.search(text):
            if pattern is HAN_DATE:
                year = int("".join(_HAN_DIGITS[ch] for ch in m.group(1)))
                month, day = cn_to_int(m.group(2)), cn_to_int(m.group(3))
                if not (month and day and 1 <= month <= 12 and 1 <= day <= 31):
                    continue
                return f"{year:04d}-{month:02d}-{day:02d}"
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def date_line(line: str) -> bool:
    """Is the line a date and nothing else (a signature's "2024年1月22日" / "二〇〇九年十一月十三日")?"""
    line = line.strip()
    return bool(CN_DATE.fullmatch(line) or HAN_DATE.fullmatch(line))


def is_year(number: str) -> bool:
    return bool(BARE_YEAR.fullmatch(number))
