"""Lists a report states by its outline, read with no model call: its sibling headings, and
the items its 问题 and 下一步 sections enumerate.

"金昌市创建全国法治政府建设示范市分为哪几个阶段？" is answered by the sibling headings that end
in 阶段 — "(一)动员部署阶段(2025年6月—7月)。…", "(二)自查整改阶段…" — as "动员部署阶段、自查整改阶段、
申报创建阶段、巩固提升阶段", each cited by its heading line. A model shown a few chunks sees one
or two of them at most; the outline holds them all. Only siblings count (same level, two or
more, in a run under one parent), so a stray heading that happens to end in the noun is not
a list. "存在哪些问题和不足？" is answered by the 一是…/二是… items of the report's 问题 section,
and "下一步的主要安排有哪些？" ("…第一项是什么？") by those of its 下一步 section
(reports/outline.py), each quoted where it stands. In a plan, "那项任务由哪些单位负责？" is
answered by the 责任单位 line under the task the question names, and "要去哪几个乡镇？" by the line
labelled 乡镇： ("（一）乡镇：小市镇、草河口镇、…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.types import Citation, Report
from assistant.index.store import Store
from assistant.qa.citing import span_citation
from assistant.qa.verify import coverage
from assistant.reports.outline import outline, problems_and_plans
from assistant.text.numerals import cn_to_int
from assistant.text.outline import HEADINGS, heading_level
from assistant.text.places import name_variants
from assistant.text.words import key_terms

# "分为哪几个阶段" / "有哪些环节": the noun every item's name ends in.
_ASKED = re.compile(r"哪(?:几|些)(?:个|项|类|种|大|批)?([\u4e00-\u9fff]{2,3})[？?。]*$")
_NAME = re.compile(r"^[\u4e00-\u9fff“”]{2,14}")
# "存在哪些问题和不足" / "还有哪些差距"; "下一步有哪些安排" / "主要安排中,第一项是什么".
_PROBLEMS_ASKED = re.compile(r"(?:存在|还有|有)(?:哪些|什么)(?:方面的)?(?:问题|不足|差距|短板)")
_PLANS_ASKED = re.compile(r"(?:安排|打算|计划|思路|重点工作)[^？?]{0,6}(?:哪些|有什么|第[一二三四五六七八九十\d]+项)")
_WHO_ASKED = re.compile(
    r"(?:哪些|哪个|哪几个|哪几家|什么)[^？?，,。]{0,4}?(?:单位|部门)(?:来)?(?:负责|牵头|承担|配合)|谁(?:来)?(?:牵头|负责)|"
    r"责任单位|牵头单位|配合单位"  # "由哪几个县级部门负责"
)
# when a task is due, asked of a plan ("最晚什么时候要完成", "整改时限是哪天"), and the line that says it
_WHEN_ASKED = re.compile(
    r"(?:最晚|最迟)?(?:什么时候|何时|哪天|哪一天)(?:要|前|之前)?(?:完成|办完|整改完|改完|做完|到期)|整改时限|完成时限|截止时间|期限是"
)
_DEADLINE_LINE = re.compile(r"^(整改时限|完成时限|时间节点|完成时间)[:：]\s*(.+)$")
_ASSIST_ASKED = re.compile(r"配合|协助|参与")  # "谁牵头、哪些部门配合": the units after 配合单位 too
_DUTY_LINE = re.compile(r"^(责任单位|牵头单位|责任部门)[:：]\s*(.+)$")
# a duty at the end of the task's own line: "…办结率达到100%。（由市文体广电和旅游局牵头，市市场监督管理局、市公安局配合）",
# "（牵头单位：市司法局；配合单位：各镇人民政府）", "（责任单位：市司法局、各镇）"
_INLINE_DUTY = re.compile(
    r"[（(](?:由?(?P<lead>[^（）()，,：:]+?)牵头(?:[，,]\s*(?P<help>[^（）()]+?)(?:配合|协助|参与))?|"
    r"(?:牵头单位|责任单位|责任部门)[:：]\s*(?P<lead2>[^（）()；;]+?)(?:[；;]\s*(?:配合|协助|参与)单位[:：]\s*(?P<help2>[^（）()]+?))?)"
    r"[）)]\s*$"
)
# a task's own further lines, between it and its duty line or after it ("问题2:…" / "整改措施:…" / "责任单位:…")
_TASK_DETAIL = re.compile(r"^(?:整改措施|整改时限|完成时限|整改目标|时间节点|配合单位)[:：]")
_OUTLINE = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_NTH = re.compile(r"第([一二三四五六七八九十\d]+)项")


@dataclass
class HeadingsAnswer:
    items: list[str]
    citations: list[Citation]
    lead: str = ""  # what the items belong to, when the items alone do not say ("(六)…作用[1]：")

    @property
    def short(self) -> str:
        """Names joined by 、 (动员部署阶段、自查整改阶段), clauses and roles (牵头：…；配合：…) by ；."""
        return ("、" if all(len(i) <= 10 and "：" not in i for i in self.items) else "；").join(self.items)

    @property
    def text(self) -> str:
        if self.lead:  # the items are one quote, the last citation
            return f"{self.lead}{self.short}[{self.citations[-1].n}]。"
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


def labelled(question: str, store: Store, report: Report) -> HeadingsAnswer | None:
    """ "这次督察要去哪几个乡镇？": the line the report labels with the noun asked — "（一）乡镇：小市镇、
    草河口镇、…；" — its items, the line's list quoted where it stands."""
    asked = _ASKED.search(question.strip())
    if not asked:
        return None
    noun = asked.group(1)
    text = store.report_text(report.report_id)
    marker = r"(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d{1,2}[.．、])?"
    m = re.search(rf"^[ \t　]*{marker}\s*{re.escape(noun)}[:：]([^\n]+?)[；;。]?\s*$", text, re.M)
    items = [i.strip() for i in re.split(r"[、，,]", m.group(1)) if i.strip()] if m else []
    if len(items) < 2 or any(len(i) > 20 for i in items):
        return None  # a sentence after the colon, not a list
    citation = span_citation(1, report, text, m.start(1), m.end(1), store.chunk_records(report.report_id))
    return HeadingsAnswer(items, [citation], lead=f"{noun}：")


# "集中攻坚阶段起止时间是怎么安排的": a stage the question names, and when it runs
_STAGE_NAMED = re.compile(r"([\u4e00-\u9fff]{2,8}阶段)")
_WHEN_RUNS = re.compile(
    r"起止时间|起止日期|时间(?:是)?(?:怎么|如何)安排|什么时候(?:开始|到什么时候)|从什么时候|哪段时间|时间段|持续到"
)


def stage_period(question: str, store: Store, report: Report) -> HeadingsAnswer | None:
    """ "集中攻坚阶段起止时间是怎么安排的？": the period in brackets after the stage's own heading —
    "（二）集中攻坚阶段（2024年7月—2025年12月）" — quoted where it stands."""
    named = _STAGE_NAMED.search(question)
    if not named or not _WHEN_RUNS.search(question):
        return None
    text = store.report_text(report.report_id)
    # the stage's name is the question's words before 阶段 that its heading holds: 集中攻坚 of "…行动的集中攻坚阶段"
    words = named.group(1)[:-2]
    stage = next((words[i:] + "阶段" for i in range(len(words) - 1) if words[i:] + "阶段" in text), None)
    m = re.search(rf"{re.escape(stage)}\s*[（(]([^（）()]*\d{{4}}\s*年[^（）()]*)[）)]", text) if stage else None
    if not m:
        return None
    citation = span_citation(1, report, text, m.start(1), m.end(1), store.chunk_records(report.report_id))
    return HeadingsAnswer([m.group(1)], [citation], lead=f"{stage}：")


# "覆盖了哪几个县市区": a noun of places' kinds (县, 市, 区, 乡镇, 街道, 旗)
_PLACE_KINDS = re.compile(r"^(?:县|市|区|乡|镇|街道|旗|[（(]|[）)]|、)+$")
# the report's own count of the places it names: "麒麟区、沾益区、…、会泽县9个县（市、区）人民政府"
_COUNTED_PLACES = re.compile(
    r"((?:[\u4e00-\u9fff]{1,8}?(?:区|县|市|镇|乡|街道|旗)、){2,}[\u4e00-\u9fff]{1,8}?(?:区|县|市|镇|乡|街道|旗))"
    r"(?:等)?(?:\d{1,3}|[一二三四五六七八九十]{1,3})个"
)


def places_counted(question: str, store: Store, report: Report) -> HeadingsAnswer | None:
    """ "这次考核覆盖了哪几个县市区？": the places the report lists and counts itself ("麒麟区、沾益区、…、
    会泽县9个县（市、区）"), when it does so once; each name as the report writes it, the list quoted."""
    asked = _ASKED.search(question.strip())
    if not asked or not _PLACE_KINDS.match(asked.group(1)):
        return None
    text = store.report_text(report.report_id)
    runs = list(_COUNTED_PLACES.finditer(text))
    if len(runs) != 1:
        return None  # none, or several lists of places: which one is asked is not plain
    m = runs[0]
    items = m.group(1).split("、")
    citation = span_citation(1, report, text, m.start(1), m.end(1), store.chunk_records(report.report_id))
    return HeadingsAnswer(items, [citation], lead=f"{asked.group(1)}：")


def enumerated(question: str, store: Store, report: Report) -> HeadingsAnswer | None:
    """The problems or the plans the report's own sections enumerate, when the question asks
    for them as a list (or for the nth); None when it asks a figure or the report has none."""
    if re.search(r"多少|几[个项件名次]|比例|率", question):
        return None
    problems = bool(_PROBLEMS_ASKED.search(question))
    if not problems and not _PLANS_ASKED.search(question):
        return None
    text = store.report_text(report.report_id)
    _, parts = outline(text)
    found, planned = problems_and_plans(text, parts)
    items = found if problems else planned
    if nth := _NTH.search(question):
        n = int(nth.group(1)) if nth.group(1).isdigit() else cn_to_int(nth.group(1))
        items = items[n - 1 : n] if n and n <= len(items) else []
    spans, at = [], 0
    for item in items:
        start = text.find(item, at)
        if start < 0:
            return None  # every item is quoted where it stands, or none is given
        spans.append((start, start + len(item)))
        at = start + len(item)
    if not spans:
        return None
    chunks = store.chunk_records(report.report_id)
    citations = [span_citation(n, report, text, s, e, chunks) for n, (s, e) in enumerate(spans, 1)]
    return HeadingsAnswer(items, citations)


def responsible(question: str, store: Store, report: Report) -> HeadingsAnswer | None:
    """The units of the 责任单位 line under the plan task the question names (the task line,
    or the heading above its items, that shares most of its key terms, at least half of them);
    of "牵头单位:市司法局;配合单位:…", the units before the semicolon. Asked when it is due ("最晚什么时候要完成"),
    the 整改时限 line under it instead."""
    asking = _WHO_ASKED.search(question) or _WHEN_ASKED.search(question)
    if not asking:
        return None
    when = not _WHO_ASKED.search(question)
    duty_line = _DEADLINE_LINE if when else _DUTY_LINE
    text = store.report_text(report.report_id)
    # The task is named before the asking words, in words other than 方案/任务 themselves.
    named = question[: asking.start()]
    own = name_variants([report.place])  # the report's own place names no task
    terms = [
        t
        for t in key_terms(named, ignore=own)
        if t not in ("方案", "任务", "工作", "那项", "这项", "实施", "问题", "整改")
    ]
    assisting = not when and bool(_ASSIST_ASKED.search(question[asking.start() :]))
    # a task with both a 牵头单位 and a 责任单位 line: the one the question names ("牵头单位是哪个": the lead)
    label = "牵头单位" if "牵头" in question else "责任单位" if "责任" in question else None
    # the task that shares most key terms (at least half), and of its duty lines the one the question names
    best, best_key, offset, task, heading = None, (0.5, False), 0, None, None
    inline = None  # the best task's own (lead, assisting) units, when its line ends with them
    for line in text.split("\n"):
        if not when and (m := _INLINE_DUTY.search(line)):
            start = offset + line.find(line.strip())
            title = re.split(r"[。；;]", line.strip(), maxsplit=1)[0]
            key = (coverage(title, terms), label == "牵头单位")
            if key >= best_key:
                lead, helping = ("lead", "help") if m.group("lead") else ("lead2", "help2")
                last = helping if assisting and m.group(helping) else lead
                u0, u1 = offset + m.start(lead), offset + m.end(last)
                best, best_key = (start, start + len(title), u0, u1), key
                inline = (m.group(lead), m.group(helping) if assisting else None)
        if (m := duty_line.match(line.strip())) and task is not None:
            units = m.group(2).rstrip() if assisting else re.split(r"[；;]", m.group(2), maxsplit=1)[0].rstrip()
            for start, said in (t for t in (task, heading) if t):
                title = re.split(r"[。；;]", said, maxsplit=1)[0]
                # a task named by what its line goes on to say ("景区、大熊猫国家公园…的专项整治"), not its title
                key = (max(coverage(title, terms), 0.9 * coverage(said, terms)), m.group(1) == label)
                if key >= best_key:
                    at = offset + line.find(m.group(2))
                    best, best_key, inline = (start, start + len(title), at, at + len(units)), key, None
        elif line.strip() and not any(p.match(line.strip()) for p in (_TASK_DETAIL, _DUTY_LINE, _DEADLINE_LINE)):
            task = (offset + line.find(line.strip()), line.strip())
            if _OUTLINE.match(task[1]):
                heading = task
        offset += len(line) + 1
    if best is None:
        return None
    t0, t1, u0, u1 = best
    chunks = store.chunk_records(report.report_id)
    citations = [span_citation(1, report, text, t0, t1, chunks), span_citation(2, report, text, u0, u1, chunks)]
    said = text[u0:u1]
    if inline is not None:
        lead, helping = inline
        units = (
            [f"牵头：{lead}", f"配合：{helping}"] if helping else [u for u in re.split(r"[,，、]", lead) if u.strip()]
        )
    elif assisting and (roles := re.findall(r"(?:^|[；;]\s*)(?:(牵头|配合|协助|参与)单位[:：])?([^；;]+)", said)):
        # "牵头单位:新区司法局;配合单位:…" -> 牵头：新区司法局；配合：新区市场监管局、生态环境局、应急管理局
        units = [
            f"{role or '牵头'}：{'、'.join(u for u in re.split(r'[,，、]', who) if u.strip())}" for role, who in roles
        ]
    else:
        units = [said] if when else [u for u in re.split(r"[,，、]", said) if u.strip()]
    return HeadingsAnswer(units, citations, lead=f"{text[t0:t1]}[1]：")
