"""The outline grammar of these reports: which lines are headings, at which level.

Level 1: 一、 / 第一部分 / •; level 2: (一) / （一）; level 3: 1. / 1、 / (1). A heading's
title is its line up to the first full stop, at most 40 characters ("(四)聚焦严格公正文明执法,
执法质量水平持续提高。一是…" is titled "(四)聚焦严格公正文明执法,执法质量水平持续提高").
"""

from __future__ import annotations

import re

from assistant.text.numerals import CN_ORDINAL_CHARS

_N = f"[{CN_ORDINAL_CHARS}]{{1,3}}"
HEADINGS = [
    (1, re.compile(rf"^(?:{_N}、|第{_N}[章部分节]|•)")),
    (2, re.compile(rf"^[(（]{_N}[)）]")),
    (3, re.compile(r"^(?:\d{1,2}[.．、](?!\d)|[(（]\d{1,2}[)）])")),
]
MAX_HEADING = 40
# An enumerated item inside a paragraph: 一是… / (一)…, at a line start or after 。；：
ITEM = re.compile(
    rf"(?:^|(?<=[。；;：:]))[ \t\u3000]*(?:[{CN_ORDINAL_CHARS}]{{1,2}}是|[(（][{CN_ORDINAL_CHARS}]{{1,2}}[)）])", re.M
)


def heading_level(line: str) -> int | None:
    for level, pattern in HEADINGS:
        if pattern.match(line):
            return level
    return None


def heading_title(line: str) -> str:
    title = re.split(r"[。!?！？]", line, maxsplit=1)[0].strip()
    return title if len(title) <= MAX_HEADING else title[: MAX_HEADING - 1] + "…"
