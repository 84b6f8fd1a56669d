"""Years and dates in report text.

A year is 19xx/20xx followed by 年 ("2023年", "2023年度"); bare four-digit numbers are not
years (124件 is not, and neither is 2035 in a count). Dates are written 2024年1月22日 in the
text and ISO (2024-01-22) in page metadata; both normalise to ISO.
"""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d{2}"
YEAR_MENTION = re.compile(rf"({YEAR})\s*年(?:度)?")
CN_DATE = re.compile(rf"({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")
ISO_DATE = re.compile(rf"({YEAR})-(\d{{1,2}})-(\d{{1,2}})")
BARE_YEAR = re.compile(YEAR)


def years_in(text: str) -> set[int]:
    """The years a text names: {2021, 2023} for "2021年…2023年度"."""
    return {int(m.group(1)) for m in YEAR_MENTION.finditer(text)}


def iso_date(text: str, patterns: tuple[re.Pattern, ...] = (CN_DATE, ISO_DATE)) -> str | None:
    """The first date in `text` (2024年1月22日 or 2024-1-22) as ISO 2024-01-22."""
    for pattern in patterns:
        if m := pattern.search(text):
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def is_year(number: str) -> bool:
    return bool(BARE_YEAR.fullmatch(number))
