"""A list the report states as its own headings, read off its outline with no model call.

"金昌市创建全国法治政府建设示范市分为哪几个阶段？" is answered by the sibling headings that end
in 阶段 — "(一)动员部署阶段(2025年6月—7月)。…", "(二)自查整改阶段…" — as "动员部署阶段、自查整改阶段、
申报创建阶段、巩固提升阶段", each cited by its heading line. A model shown a few chunks sees one
or two of them at most; the outline holds them all. Only siblings count (same level, two or
more, in a run under one parent), so a stray heading that happens to end in the noun is not
a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.types import Citation, Report
from assistant.index.store import Store
from assistant.qa.citing import span_citation
from assistant.text.outline import HEADINGS, heading_level

# "分为哪几个阶段" / "有哪些环节": the noun every item's name ends in.
_ASKED = re.compile(r"哪(?:几|些)(?:个|项|类|种|大|批)?([\u4e00-\u9fff]{2,3})[？?。]*$")
_NAME = re.compile(r"^[\u4e00-\u9fff“”]{2,14}")


@dataclass
class HeadingsAnswer:
    items: list[str]
    citations: list[Citation]

    @property
    def text(self) -> str:
        return "、".join(f"{item}[{c.n}]" for item, c in zip(self.items, self.citations)) + "。"


def _marker_end(line: str, level: int) -> int:
    pattern = next(p for lv, p in HEADINGS if lv == level)
    return pattern.match(line).end()


def answer(question: str, store: Store, report: Report) -> HeadingsAnswer | None:
    asked = _ASKED.search(question.strip())
    if not asked:
        return None
    noun = asked.group(1)
    text = store.report_text(report.report_id)
    runs: list[list[tuple[int, int, int, str]]] = [[]]  # (start, end, level, name): runs of siblings
    offset = 0
    for line in text.split("\n"):
        head = line.strip()
        level = heading_level(head)
        if level is not None:
            name = _NAME.match(head[_marker_end(head, level) :])
            run = runs[-1]
            if name and name.group(0).endswith(noun):
                if run and run[-1][2] != level:
                    runs.append(run := [])
                start = offset + line.find(head)
                run.append((start, start + _marker_end(head, level) + name.end(), level, name.group(0)))
            elif run and run[-1][2] >= level:
                runs.append([])  # a heading of the same or a higher level ends the run
        offset += len(line) + 1
    best = max((r for r in runs if len(r) >= 2), key=len, default=None)
    if best is None:
        return None
    chunks = store.chunk_records(report.report_id)
    citations = [span_citation(n, report, text, start, end, chunks) for n, (start, end, _, _) in enumerate(best, 1)]
    return HeadingsAnswer([name for *_, name in best], citations)
