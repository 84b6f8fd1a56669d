"""Questions about a report itself — 文号, 成文日期, 签发人, 发布机关, 标题, 报送对象 — answered
from its record, quoting the line of the report that states the value, with no model call.

"醴陵市2023年度法治政府建设情况报告的文号是什么？" -> "醴陵市2023年报告的文号是醴报〔2024〕2号[1]。",
citing the header line "醴报〔2024〕2号 签发人:王利波 刘新华". The value is quoted from the report's
text (a date as 2024年1月22日 or 2024-01-22) or, when only the web page's information block
states it (cleaning keeps that block as `page_meta` and removes it from the text), from that
block's line ("发布日期: 2024-02-06"), cited as 网页信息栏 with no text offsets. The web page's
发布日期 is not the 成文日期 under the report: "落款是哪天？网站上又是哪天发布的？" asks both.
A value found in neither is not guessed: such a question goes down the usual ladder.

A question about the library rather than one report — "这几份报告中，哪些是关于2023年度的？" — is
answered from the records too (`of_year`): each report of that year, cited by the line of its own
text that states the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.types import Citation, Report
from assistant.index.store import Store
from assistant.qa.citing import span_citation
from assistant.qa.direct import asking_clause, question_parts
from assistant.text.years import CN_DATE, HAN_DATE, ISO_DATE, iso_date

# (field, what the question says, how the answer names it). Order matters: 发布日期 is the web
# page's date, not the signing date, and neither is an issuer, so dates are tried first.
_DATE_VERBS = r"(?:印发|成文|报送|签发|出台|作的)"
FIELDS: tuple[tuple[str, re.Pattern, str], ...] = (
    ("doc_number", re.compile(r"文号|发文字号|文件编号|发文编号"), "文号"),
    ("signer", re.compile(r"签发人|谁签发|签发的是谁"), "签发人"),
    (
        "published",
        re.compile(
            r"(?:网上|网站上?|网页上?)的?发布|发布(?:的)?(?:日期|时间)|(?:什么时候|哪天|哪一天|何时)(?:在网上|在网站上?)?(?:发布|公开)|"
            r"(?:网上|网站上?|网页上?)又?是?(?:哪天|哪一天|什么时候)(?:发布|公开|发的|发出|挂出|登出|登的|挂的|贴出)|"
            r"(?:挂|放|贴|登|传)(?:到|在|上)?(?:网上|网站上?)(?:又|的)?是?(?:哪天|哪一天|什么时候|何时)|"
            r"(?:哪天|哪一天|什么时候|何时)(?:挂|放|贴|登|传)(?:到|在|上)(?:网上|网站上?)|"  # "哪天挂到网上的"
            r"(?:网上|网站上?|网页上?)(?:挂|贴|登|放)出来?的(?:日期|时间)|"  # "在网上挂出来的日期"
            r"(?:网页|网站|网上|页面)上?(?:标|写|显示|注)(?:的|着的|明的)(?:日期|时间)|挂网|上网(?:的)?(?:日期|时间)|"
            r"(?<=成文[和与、及跟])发布|"  # "成文和发布各是哪天" asks both dates
            r"(?:网上|网站上?|网页上?)?几点(?:几分)?(?:发布|发的|挂|登|公开)"  # "网上几点发布的": its time
        ),
        "网页发布日期",
    ),
    (
        "signed",
        re.compile(
            r"落款(?:的)?(?:日期|时间)|落款[^？?，,。落]{0,6}?(?:哪天|哪一天|几号|几月几[日号]|何时|什么时候|日期)|"
            r"落款(?=[和与、及跟][^？?，,。]{0,10}?(?:哪天|哪一天|几号|何时|什么时候|日期))|"  # "落款和网上发布又是哪天"
            r"(?:什么时候|哪天|哪一天|何时|几号)落款|在哪天[^？?，,。]{0,4}?落款|"  # "是哪天落款的"
            r"(?:文末|末尾|正文最后)[^？?，,。]{0,4}?(?:签|署)的?(?:日期|时间)|签署?的(?:日期|时间)"  # "文末签的日期"
        ),
        "落款日期",
    ),
    (
        "date",
        re.compile(
            rf"(?:成文|印发|签发|报送|出台|召开)(?:的)?(?:日期|时间)|(?:成文|印发|签发)(?:是|在|于)?(?:哪天|哪一天|几号|什么时候|何时)|"
            rf"(?<![发布])日期(?:是|为)?(?:哪天|哪一天|几号|什么时候)|"
            rf"(?:什么时候|哪天|哪一天|何时){_DATE_VERBS}|(?:哪天|哪一天)[^？?。]{{0,20}}作的|"
            rf"(?:^|[？?，,、])(?:是|在)?(?:哪天|哪一天)[？?]*$|(?:报告|通知|方案|文件)(?:是|在)?(?:哪天|哪一天)(?=[？?，,]|$)|"
            r"成文(?=(?:日期|时间)?[和与、及跟]发布)|(?<!网页)(?<!网站)(?<!网上)(?<!页面)(?:标|写|署|注)(?:的|着的|明的)(?:日期|时间)"
        ),
        "成文日期",
    ),
    (
        "addressee",
        re.compile(
            r"(?:报送|呈报|呈送)(?:对象|机关|单位)|报送给|呈报给|呈送给|报给|向谁报告|向哪里?(?:个|些)?(?:单位|机关|部门)?报告|上报给|主送(?:机关|单位)?|(?:写给|(?<![颁分下印])发给|送给|交给)(?:了)?(?:哪|谁)|"
            r"报送(?:的)?(?:是|了)?(?:哪|谁)"
        ),
        "报送对象",
    ),
    (
        "issuer",
        re.compile(
            r"发布机关|发文机关|发文机构|印发机关|印发单位|落款机关|落款单位|落款(?:写|署)?的?(?:全称|名称|是哪个|是谁)|报告主体|发布单位|报告单位|(?:由|是)谁(?:发布|印发|报送|提交)|"
            r"哪个(?:部门|机关|单位|机构)(?:发布|印发|报送|提交|写|起草|出具|发出|发的)|以(?:哪个|什么)(?:单位|机关|部门)?(?:的)?名义|以谁的名义"
        ),
        "发布机关",
    ),
    ("page_issuer", re.compile(r"发布机构"), "发布机构"),  # the page's label: often the office that posted it
    (
        "adopted",
        re.compile(
            r"(?:哪天|哪一天|什么时候|何时)[^？?，,。]{0,12}?(?:审议)?通过|(?:审议)?通过(?:的)?(?:日期|时间)|"
            r"(?:审议)?通过(?:是|在|于)?(?:哪天|哪一天|什么时候|何时)"
        ),
        "审议通过日期",
    ),
    ("source", re.compile(r"信息来源|稿件来源|(?<![的])来源(?:是|为)?(?:哪|谁|什么)"), "信息来源"),
    ("editor", re.compile(r"责任编辑|编辑是谁"), "责任编辑"),
    ("generated", re.compile(r"生成日期|生成时间"), "生成日期"),
    ("author", re.compile(r"作者(?:是|为)?(?:谁|哪)|(?:哪个|谁)[^？?，,。]{0,4}?写的稿"), "作者"),
    ("index_no", re.compile(r"索引号"), "索引号"),
    (
        "meeting",
        re.compile(
            r"(?:哪次|哪一次|什么|哪个|哪届)(?:会议|人代会|人大会议?|大会)上|会议届次|会议的届次|第几届[^？?，,]{0,8}?(?:会议|人代会|人大|大会)"
        ),
        "会议",
    ),
    (
        "title",
        re.compile(r"(?<!落款)(?<!落款的)(?<!落款写的)(?<!落款署的)(?<!单位)(?<!机关)(?:标题|题目|全称)(?:是|叫)?"),
        "标题",
    ),
    ("year", re.compile(r"哪个年度|哪一年度|报告年度|是哪一?年的"), "报告年度"),
)
# Where the web page's information block states a field ("文件编号: 延州政报〔2022〕4号").
_PAGE_KEYS = {
    "doc_number": ("文号", "文件编号", "发文字号"),
    "date": ("成文日期", "发文日期"),
    "signed": (),
    "published": ("发布日期", "发布时间", "时间"),
    "issuer": ("发布机构", "发文机关", "制发机构", "发布单位"),
    "page_issuer": ("发布机构", "发布单位"),
    "source": ("信息来源", "文章来源", "来源"),
    "editor": ("责任编辑",),
    "generated": ("生成日期", "生成时间"),
    "author": ("作者",),
    "index_no": ("索引号",),
}
# Fields only the web page's information block states (never the report's own text).
_PAGE_ONLY = ("published", "generated", "source", "editor", "author", "index_no")
# A date set under a title by the meeting that adopted it: "（2025年3月4日市政府第36次常务会议审议通过）".
_ADOPTED = re.compile(r"^[（(]\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)[^（）()]{0,30}?(?:审议)?通过\s*[）)]$")
PAGE_INFO = "网页信息栏"
# A work report's title block: "——2021年2月7日在洛阳市第十五届人民代表大会第四次会议上".
_MEETING = re.compile(r"在\s*([\u4e00-\u9fff]{2,30}?(?:人民代表大会|政治协商会议)[\u4e00-\u9fff]{0,20}?会议)\s*上")
_ABOUT_REPORT = re.compile(r"报告|文件|这份|该|通知|方案")


@dataclass
class AboutAnswer:
    text: str
    field: str  # the fields answered, joined by +
    citations: list[Citation]
    values: list[str]  # each field's value as the text writes it: the direct answer


_DATES = ("date", "signed", "published", "generated", "adopted")


def fields_asked(question: str, whole: str | None = None) -> list[tuple[str, str]]:
    """(field, its name) for each thing about the report itself the question (or one part of
    the `whole` question) asks, in order."""
    found = []
    for field, pattern, name in FIELDS:
        gated = field in ("title", "addressee", "meeting")  # 标题/发给谁/哪次会议 also ask about content
        if not gated or _ABOUT_REPORT.search(whole or question):
            found += [(m.start(), m.end(), field, name) for m in pattern.finditer(question)]
    # "落款写的日期", "落款日期是哪天": one date asked, though 写的日期 or 日期是哪天 alone would ask the
    # 成文日期 — of two overlapping dates, the one that starts first (the longer, at one start); each
    # field once, where it is first asked
    kept: list[tuple[int, int, str, str]] = []
    for f in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        dated = [k for k in kept if f[2] in _DATES and k[2] in _DATES]
        if not any(k[2] == f[2] for k in kept) and not any(f[0] < k[1] and k[0] < f[1] for k in dated):
            kept.append(f)
    return [(field, name) for _, _, field, name in kept]


# Fields a report states in one place if at all — the header (文号, 签发人) and the salutation
# (报送对象) — so an empty one means the report does not state it, not that it was missed.
_STATED_ONCE = ("doc_number", "signer", "addressee")


def unstated(question: str, report: Report) -> list[str]:
    """Names of the asked fields the report does not state, when every field asked is such —
    asked by an asking clause: "报给武汉市政府的那份法治报告，文号写的是什么" asks the 文号 only."""
    asked = [f for part in question_parts(question) for f in fields_asked(asking_clause(part), question)]
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
        # a signature in Chinese numerals: 二〇二五年一月二十日
        written = [h for h in HAN_DATE.finditer(text) if iso_date(h.group(0), (HAN_DATE,)) == value]
        return (*_lines(text, written[-1].start(), written[-1].start()), written[-1].group(0)) if written else None
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


# Fields found in the text as another field's value is: the signature's date, an issuing body.
_LOCATED_AS = {"signed": "date", "page_issuer": "issuer"}


def _value(report: Report, field: str, text: str) -> str | None:
    """The field's value: the record's, or read by rule (a work report's meeting, the page's date)."""
    if field in _PAGE_ONLY:
        return next((report.page_meta[k] for k in _PAGE_KEYS[field] if report.page_meta.get(k)), None)
    if field == "date":  # the page's 成文日期 when it states one (it may differ from the signature's)
        given = iso_date(
            report.page_meta.get("成文日期", "") or report.page_meta.get("发文日期", ""), (ISO_DATE, CN_DATE)
        )
        return given or (str(report.date) if report.date else None)
    if field == "signed":
        return str(report.date) if report.date else None
    if field == "page_issuer":
        return report.page_meta.get("发布机构") or report.page_meta.get("发布单位") or report.issuer
    if field == "adopted":
        m = next((m for ln in text.split("\n")[:6] if (m := _ADOPTED.match(ln.strip()))), None)
        return m.group(1) if m else None
    if field == "meeting":  # stated in the title block of a report delivered to a congress or its standing committee
        m = _MEETING.search("\n".join(text.split("\n")[:10]))
        return m.group(1) if m else None
    value = getattr(report, field)
    return str(value) if value else None


def on_page(value: str, field: str, page_meta: dict[str, str]) -> tuple[str, str] | None:
    """(the information block's line, the value as it writes it) when the block states it."""
    for key in _PAGE_KEYS.get(field, ()):
        shown = page_meta.get(key, "")
        if shown and (iso_date(shown, (ISO_DATE, CN_DATE)) == value if field == "date" else value in shown):
            return f"{key}: {shown}", shown
    return None


def _in_numerals(found: tuple[int, int, str], field: str) -> bool:
    return field == "date" and bool(HAN_DATE.fullmatch(found[2]))


# "哪天挂到网上的，星期几？": the weekday of the date asked just before, which the page prints beside it
_WEEKDAY_ASKED = re.compile(r"(?:是|那天是|当天是)?(?:星期|周|礼拜)几")


def answer(question: str, store: Store, report: Report) -> AboutAnswer | None:
    """Every field asked, each with the line that states it; None unless all can be quoted,
    and None when a part of the question asks something else ("有几件规范性文件作废了？是哪一年的
    事？" asks a count first: the record does not answer it)."""
    asked = fields_asked(question)
    parts = [p for p in question_parts(question) if not _WEEKDAY_ASKED.fullmatch(p)]  # the date's own weekday
    if not asked or not all(fields_asked(part, question) for part in parts):
        return None
    text = store.report_text(report.report_id)
    # the page's 成文日期 is not the signature's date: both are said, each with its line
    at = next((i for i, (f, _) in enumerate(asked) if f == "date"), None)
    differs = report.date is not None and _value(report, "date", text) != str(report.date)
    if at is not None and ("signed", "落款日期") not in asked and differs:
        asked.insert(at + 1, ("signed", "落款日期"))
    chunks = store.chunk_records(report.report_id)
    parts, citations, values = [], [], []
    for field, name in asked:
        value = _value(report, field, text)
        if value is None:
            return None  # not read: the usual ladder looks for it
        found = locate(value, _LOCATED_AS.get(field, field), text) if field not in _PAGE_ONLY else None
        page = on_page(value, field, report.page_meta) if found is None or _in_numerals(found, field) else None
        if page is not None:
            found = None  # "二〇二五年二月八日" under the signature, "成文日期: 2025年02月08日" on the page: the digits
        if found is None and page is None:
            return None  # not quotable: the usual ladder looks for it
        if found is not None:
            start, end, shown = found
            citation = span_citation(len(citations) + 1, report, text, start, end, chunks)
        else:  # only the web page's information block states it: quoted from there, no offsets
            quote, shown = page
            citation = Citation(
                n=len(citations) + 1,
                report=report.label,
                report_id=report.report_id,
                section=PAGE_INFO,
                quote=quote,
                start=0,
                end=0,
                chunk_id=chunks[0].chunk_id,
                location=PAGE_INFO,
            )
        # Two fields one line states (a work report's date and meeting) are cited once.
        same = next((c for c in citations if (c.quote, c.start) == (citation.quote, citation.start)), None)
        if same is None:
            citations.append(citation)
        parts.append(f"{name}是{shown}[{(same or citation).n}]")
        values.append(shown)
    text = f"{report.label}的" + "；".join(parts) + "。"
    return AboutAnswer(text, "+".join(f for f, _ in asked), citations, values)


# "这几份报告中，哪些是关于2023年度的？", "哪几份是2024年的报告？": which of the held reports are of a year
# (not "哪些是2023年的重点工作": a question about the reports' content)
_OF_YEAR = re.compile(
    r"哪(?:些|几份|几个|份|个)(?:报告)?(?:是|为)?(?:关于)?((?:19|20)\d{2})\s*年度?的(?=(?:报告|文件)?[？?。]*$)|"
    r"((?:19|20)\d{2})\s*年度?的(?:报告)?(?:有|是)哪(?:些|几份|几个)"
)
_LAW_REPORT = re.compile(r"法治政府建设(?:情况|年度)?报告")


def of_year(question: str, store: Store, reports: list[Report]) -> AboutAnswer | None:
    """The held reports of the year a question asks about the library, each cited by the line that
    states its year ("乌海市2023年法治政府建设情况报告"); None unless the question asks exactly that."""
    m = _OF_YEAR.search(question)
    if m is None:
        return None
    year = int(m.group(1) or m.group(2))
    kind = "法治政府建设年度报告" if _LAW_REPORT.search(question) else None
    held = [r for r in reports if r.year == year and (kind is None or r.kind == kind)]
    if not held:
        return None  # none of that year: the ladder refuses with what is held
    names, citations = [], []
    for report in held:
        text = store.report_text(report.report_id)
        if (found := locate(str(year), "year", text)) is None:
            return None  # a year read from elsewhere (the page's date): not quotable
        start, end, _ = found
        citations.append(
            span_citation(len(citations) + 1, report, text, start, end, store.chunk_records(report.report_id))
        )
        names.append(f"{report.label}[{len(citations)}]")
    text = f"{year}年度的有{len(held)}份：" + "、".join(names) + "。"
    return AboutAnswer(text, "year", citations, [r.place or r.label for r in held])
