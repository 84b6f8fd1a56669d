"""Questions about a report itself — 文号, 成文日期, 签发人, 发布机关, 标题, 报送对象 — answered
from its record, quoting the line of the report that states the value, with no model call.

"醴陵市2023年度法治政府建设情况报告的文号是什么？" -> "醴陵市2023年报告的文号是醴报〔2024〕2号[1]。",
citing the header line "醴报〔2024〕2号 签发人:王利波 刘新华". The value must occur in the report's
text (a date as 2024年1月22日 or 2024-01-22): a value read only from the web page's metadata
block, which cleaning removes, cannot be quoted, so such a question goes down the usual ladder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.types import Citation, Report
from assistant.index.store import Store

# (field, what the question says, how the answer names it). Order matters: 发布日期 is a date,
# not an issuer, so dates are tried before 发布机关.
FIELDS: tuple[tuple[str, re.Pattern, str], ...] = (
    ("doc_number", re.compile(r"文号|发文字号|文件编号"), "文号"),
    ("signer", re.compile(r"签发人|谁签发|签发的是谁"), "签发人"),
    (
        "date",
        re.compile(
            r"(?:成文|发布|印发|签发|报送|落款|出台)(?:的)?(?:日期|时间)|什么时候(?:印发|发布|成文|报送|签发|出台)|(?:哪天|哪一天|何时)(?:印发|发布|成文|报送|签发)"
        ),
        "成文日期",
    ),
    ("addressee", re.compile(r"报送对象|报送给|报给|向谁报告|上报给|主送(?:机关|单位)?"), "报送对象"),
    (
        "issuer",
        re.compile(
            r"发布机关|发文机关|落款机关|落款单位|报告主体|发布单位|报告单位|(?:由|是)谁(?:发布|印发|报送|提交)|哪个(?:部门|机关|单位)(?:发布|印发|报送|提交)"
        ),
        "发布机关",
    ),
    ("title", re.compile(r"(?:标题|题目|全称)(?:是|叫)?"), "标题"),
    ("year", re.compile(r"哪个年度|哪一年度|报告年度|是哪一?年的"), "报告年度"),
)
_ABOUT_REPORT = re.compile(r"报告|文件|这份|该")


@dataclass
class AboutAnswer:
    text: str
    field: str  # the fields answered, joined by +
    citations: list[Citation]
    values: list[str]  # each field's value as the text writes it: the direct answer


def fields_asked(question: str) -> list[tuple[str, str]]:
    """(field, its name) for each thing about the report itself the question asks, in order."""
    found = []
    for field, pattern, name in FIELDS:
        if (m := pattern.search(question)) and (field != "title" or _ABOUT_REPORT.search(question)):
            found.append((m.start(), field, name))
    return [(field, name) for _, field, name in sorted(found)]


# Fields a report states in one place if at all — the header (文号, 签发人) and the salutation
# (报送对象) — so an empty one means the report does not state it, not that it was missed.
_STATED_ONCE = ("doc_number", "signer", "addressee")


def unstated(question: str, report: Report) -> list[str]:
    """Names of the asked fields the report does not state, when every field asked is such."""
    asked = fields_asked(question)
    missing = [name for field, name in asked if field in _STATED_ONCE and not getattr(report, field)]
    return missing if asked and len(missing) == len(asked) else []


def _lines(text: str, first: int, last: int) -> tuple[int, int]:
    """The whole lines from the one holding offset `first` to the one holding `last`."""
    end = text.find("\n", last)
    return text.rfind("\n", 0, first) + 1, len(text) if end < 0 else end


def locate(value: str, field: str, text: str) -> tuple[int, int, str] | None:
    """(start, end) of the lines that state the value, and the value as the text writes it."""
    if field == "date":
        y, m, d = (int(p) for p in value.split("-"))
        for form in (f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", value):
            if (at := text.rfind(form)) >= 0:  # the signature's date is at the end
                return *_lines(text, at, at), form
        return None
    if field == "issuer":  # "中共醴陵市委、醴陵市人民政府" is the signature block's lines
        names = [n for n in re.split(r"[、，,\s]+", value) if n]
        first = text.rfind(names[0])
        last = text.find(names[-1], first) if first >= 0 else -1
        return (*_lines(text, first, last), value) if last >= 0 else None
    if field == "year":  # stated in the title or the opening: "2021年度" / "2021年,"
        for form in (f"{value}年度", f"{value}年"):
            if (at := text.find(form)) >= 0:
                return *_lines(text, at, at), form
        return None
    at = text.find(value)
    return (*_lines(text, at, at), value) if at >= 0 else None


def answer(question: str, store: Store, report: Report) -> AboutAnswer | None:
    """Every field asked, each with the line that states it; None unless all can be quoted."""
    asked = fields_asked(question)
    if not asked:
        return None
    text = store.report_text(report.report_id)
    chunks = store.chunk_records(report.report_id)
    parts, citations, values = [], [], []
    for field, name in asked:
        value = getattr(report, field)
        found = locate(str(value), field, text) if value else None
        if found is None:
            return None  # not read from the text, or not quotable: the usual ladder looks for it
        start, end, shown = found
        chunk = next(c for c in chunks if c.start <= start < c.end)
        n = len(citations) + 1
        citations.append(
            Citation(
                n=n,
                report=report.label,
                report_id=report.report_id,
                section=chunk.section,
                quote=text[start:end],
                start=start,
                end=end,
                chunk_id=chunk.chunk_id,
                location=report.locate(start),
            )
        )
        parts.append(f"{name}是{shown}[{n}]")
        values.append(shown)
    text = f"{report.label}的" + "；".join(parts) + "。"
    return AboutAnswer(text, "+".join(f for f, _ in asked), citations, values)
