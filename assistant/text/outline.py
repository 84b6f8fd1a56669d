"""The outline grammar of these reports: which lines are headings, at which level.

Level 1: 一、 / 第一部分 / •; level 2: (一) / （一）; level 3: 1. / 1、 / (1). A heading's
title is its line up to the first full stop, at most 40 characters ("(四)聚焦严格公正文明执法,
执法质量水平持续提高。一是…" is titled "(四)聚焦严格公正文明执法,执法质量水平持续提高").

A level-3 line is often not a heading but a numbered paragraph of content ("1.市政府常务会议学法
13次…", "①2021年以来…3.86万亩…。②…"): its first clause is long or counts something. Such an item
is no section of its own (`is_item`), so a chunk cut inside it is not labelled with its figures —
a figure a reader cannot find in the quoted chunk text.
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


_LEVEL3 = HEADINGS[2][1]
_CLAUSE_END = re.compile(r"[。!?！？；;]")
_YEAR = re.compile(r"\d{4}年度?")


def is_item(line: str) -> bool:
    """A level-3 line that is a numbered paragraph, not a heading: its first clause is longer than a
    heading's or holds a figure other than a year. is_item("1.常务会议学法13次。") is True;
    is_item("1.严格规范公正文明执法") and is_item("2.2023年工作情况") are False."""
    m = _LEVEL3.match(line)
    if not m:
        return False
    clause = _CLAUSE_END.split(line[m.end() :], maxsplit=1)[0]
    return len(clause) > MAX_HEADING or bool(re.search(r"\d", _YEAR.sub("", clause)))


def heading_title(line: str) -> str:
    title = re.split(r"[。!?！？]", line, maxsplit=1)[0].strip()
    return title if len(title) <= MAX_HEADING else title[: MAX_HEADING - 1] + "…"
