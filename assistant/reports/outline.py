"""A report's outline and the lists its text states outright, read by rule.

`outline` splits the cleaned text into its 一、 sections (and their (一) subsections), marking
the ones titled 问题 / 下一步; `problems_and_plans` and `honours` quote the 一是… items and
the award clauses verbatim, so the summary never asks a model for what the text already says.
Trade-off: a report without numbered headings is one part ("正文") and yields no lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.outline import ITEM, heading_level, heading_title


@dataclass
class Part:
    title: str
    start: int
    end: int
    kind: str = "body"  # body | problems | plans | problems+plans


_PROBLEMS = re.compile(r"问题|不足|短板|差距")
_PLANS = re.compile(r"下一步|安排|计划|打算|思路|展望|今后")
_LINE = re.compile(r"(?m)^[ \t\u3000]*(\S[^\n]*)")


def outline(text: str, depth: int = 2) -> tuple[str, list[Part]]:
    """(preamble, parts): top-level sections, body sections split into their subsections
    when depth is 2. Sections after the first whose titles name 问题 / 下一步 get that kind."""
    heads = [(m.start(1), lvl, m.group(1)) for m in _LINE.finditer(text) if (lvl := heading_level(m.group(1)))]
    if not heads:
        return "", [Part("正文", 0, len(text))]
    top = min(lvl for _, lvl, _ in heads)
    tops = [h for h in heads if h[1] == top]
    parts: list[Part] = []
    for i, (pos, _, line) in enumerate(tops):
        end = tops[i + 1][0] if i + 1 < len(tops) else len(text)
        title = heading_title(line)
        kinds = [k for k, rx in (("problems", _PROBLEMS), ("plans", _PLANS)) if i and rx.search(title)]
        subs = [h for h in heads if pos < h[0] < end and h[1] == top + 1] if depth >= 2 and not kinds else []
        if not subs:
            parts.append(Part(title, pos, end, "+".join(kinds) or "body"))
        for j, (sub, _, sub_line) in enumerate(subs):
            # Text between the heading and its first subsection belongs to that subsection.
            start = pos + len(line) if j == 0 and text[pos + len(line) : sub].strip() else sub
            parts.append(Part(heading_title(sub_line), start, subs[j + 1][0] if j + 1 < len(subs) else end))
    return text[: tops[0][0]], parts


def paragraphs(text: str, min_chars: int) -> list[str]:
    return [line.strip() for line in text.split("\n") if len(line.strip()) >= min_chars]


def enumerated_items(text: str, limit: int = 8) -> list[str]:
    """The headline clause of each 一是… / (一)… item, verbatim; long ones cut at a comma.
    enumerated_items("主要表现在:一是意识不强,能力不足;二是工作不平衡。") == ["意识不强,能力不足", "工作不平衡"]"""
    items: list[str] = []
    for m in ITEM.finditer(text):
        item = re.split(r"[。；;\n]", text[m.end() :], maxsplit=1)[0].strip(" ，,:：")
        if len(item) > 60 and (head := re.split(r"[，,]", item, maxsplit=1)[0]) and len(head) >= 8:
            item = head
        if item and item not in items:
            items.append(item)
    return items[:limit]


# Where the plans begin inside a 存在问题及下一步 section: a 下一步/今后 sentence, or a paragraph
# that opens on the coming year's intent ("2023年,光明区将…", "新的一年,我们将…").
PLANS_START = re.compile(
    r"(?:^|(?<=[。\n]))[ \t\u3000]*(?:下一步|今后|(?:\d{4}年|新的一年|明年)[,，]?[^。\n]{0,30}?将)", re.M
)


def problems_and_plans(text: str, parts: list[Part]) -> tuple[list[str], list[str]]:
    problems, plans = [], []
    for part in parts:
        body = text[part.start : part.end].split("\n", 1)[-1]  # without the heading line
        if part.kind == "problems+plans":
            cut = m.start() if (m := PLANS_START.search(body)) else len(body)
            problems += enumerated_items(body[:cut])
            plans += enumerated_items(body[cut:])
        elif part.kind == "problems":
            problems += enumerated_items(body)
        elif part.kind == "plans":
            plans += enumerated_items(body)
    return problems, plans


_HONOUR = re.compile(r"获评|荣获|被命名|被评为|入选|授予|通报表扬|获[^，,。；;]{0,30}(?:奖|称号|荣誉)")
_OPEN, _CLOSE = "“‘《（(「", "”’》）)」"


def honours(text: str, limit: int = 10) -> list[str]:
    """Clauses naming awards and demonstration titles, verbatim (quotes are never split)."""
    found, start, depth = [], 0, 0
    for i, ch in enumerate(text + "\n"):
        depth += (ch in _OPEN) - (ch in _CLOSE and depth > 0)
        if ch == "\n" or (ch in "，,。；;！？!?" and depth == 0):
            clause = text[start:i].strip()
            if _HONOUR.search(clause) and clause not in found:
                found.append(clause)
            start, depth = i + 1, 0 if ch == "\n" else depth
    return found[:limit]
