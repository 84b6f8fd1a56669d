"""Report metadata from cleaned text: place, parent, level, kind, year reported on, title,
issuer, addressee, signer, date and document number.

Deterministic on purpose: these fields scope retrieval and label every citation, so they
must not depend on a model. Many copies lack a title line ("现将有关情况报告如下" or straight
into the body), so every field has a fallback from the body or signature. A field that
cannot be read with confidence stays empty and `unsure` says why: a year in "2035年远景目标"
is not a report year, and "中心区" is not a place.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.types import ReportMetadata
from assistant.ingest.body import reporting_body
from assistant.ingest.kinds import RULE_OF_LAW, WORK_REPORT, kind_of
from assistant.text.places import level_of
from assistant.text.years import CN_DATE, ISO_DATE, YEAR, YEAR_MENTION, date_line, iso_date

# Bump when these rules change: files ingested under older rules are read again (same chunks).
METADATA_VERSION = 19
_DOC_NUMBER = re.compile(rf"[\u4e00-\u9fff]{{1,10}}[〔\[［(（]\s*{YEAR}\s*[〕\]］)）]\s*\d{{1,4}}\s*号")
_TITLE_HINT = re.compile(
    r"(?:法治政府建设|依法行政|法治建设).{0,12}(?:情况|工作)?的?\s*报\s*告|年度报告|政府工作报告|工作报告$|述法报告$|"
    r"关于.{2,60}的(?:自查|自评)?报告$|"  # a report on any other matter: "…关于2024年度行政复议和行政应诉工作情况的报告"
    r"(?:实施方案|工作方案|行动方案|规划|意见|办法|通知|通报|决定|纲要|工作要点|统计年报)$"
)
_ISSUER_LINE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{2,20}(?:人民政府|政府|委员会|管委会|行政公署|市委|县委|区委|旗委|委|办公室|办事处|司法局|局|厅)$"
)
_SIGNER = re.compile(r"签发人[ \t]*[:：][ \t]*([\u4e00-\u9fff]{2,4}(?:[ \t、，,]+[\u4e00-\u9fff]{2,4})*)")
_OPENING_YEAR = re.compile(rf"^({YEAR})年(?:度|以来|,|，|是|里|全年)")


_PERIOD = re.compile(r"[(（]\s*\d{4}\s*年?\s*[-—–~至到]\s*\d{4}\s*年?\s*[)）]")  # "(2021-2025年)", anywhere in it
# A work report's title block: "——2017年12月29日在漳浦县第十七届人民代表大会第二次会议上", or in brackets:
# "（2024年1月9日在江阴市第十八届人民代表大会第四次会议上）".
_DELIVERED = re.compile(
    rf"^(?:[—-]*|[（(])\s*({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日\s*在.{{2,30}}人民代表大会"
)
_GOVERNMENT = re.compile(
    r"^([\u4e00-\u9fff]{2,20}?人民政府)(?:县长|市长|区长|州长|旗长|盟长|省长|主席|代县长|代市长)|我代表([\u4e00-\u9fff]{2,20}?人民政府)"
    r"|受([\u4e00-\u9fff]{2,20}?人民政府)委托"
)


def find_title(lines: list[str]) -> str | None:
    """The title line: "中共醴陵市委 醴陵市人民政府 关于…" keeps the spaces between issuers; a work
    report's delivery line glued to its title ("政府工作报告(摘要)——2021年2月7日在…会议上") is cut
    off, and so is a wrap after 印发/关于 ("关于印发 南沙区…")."""
    for line in lines[:12]:
        bare = line.replace(" ", "")
        if len(line) <= 80 and not bare.endswith(("：", ":", "。")) and _TITLE_HINT.search(_PERIOD.sub("", bare)):
            title = bare if len(line) < 10 else re.sub(r"(?<=印发|关于|转发)\s+", "", line.strip())
            head, dash, rest = title.partition("——")
            return head.strip() if dash and _DELIVERED.match(dash + rest) else title
    return None


def title_year(title: str | None) -> int | None:
    """The year a title names; a period ("(2021-2025年)") names no single year."""
    if not title:
        return None
    m = YEAR_MENTION.search(_PERIOD.sub("", title))
    return int(m.group(1)) if m else None


def delivered(lines: list[str]) -> tuple[int, str] | None:
    """(year, ISO date) a work report was delivered, from its title block."""
    for line in lines[:4]:
        if m := _DELIVERED.match(line):
            return int(m.group(1)), f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def work_report_issuer(lines: list[str]) -> str | None:
    for line in lines[:8]:
        if m := _GOVERNMENT.search(line):
            return m.group(1) or m.group(2) or m.group(3)
    return None


def find_year(title: str | None, lines: list[str], date: str | None) -> int | None:
    """The year reported on: the title's, else the opening sentence's, else the most
    frequent year in the body, else the year before an early-in-year signature date."""
    if year := title_year(title):
        return year
    for line in lines[:6]:
        if m := _OPENING_YEAR.match(line):
            return int(m.group(1))
    years = Counter(int(y) for y in re.findall(rf"({YEAR})年", "\n".join(lines)))
    if years:
        return years.most_common(1)[0][0]
    if date:
        y, mth = int(date[:4]), int(date[5:7])
        return y - 1 if mth <= 4 else y
    return None


# A date set in brackets under the title, as a report printed in a gazette carries it: "（2025年2月12日）".
_DATE_UNDER_TITLE = re.compile(r"[（(]\s*(?:[^（）()]{0,12}?)?(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*[）)]")


def find_date(signature: list[str], page_meta: dict[str, str], head: list[str] = ()) -> str | None:
    for line in reversed(signature):
        if (CN_DATE.search(line) or date_line(line)) and (date := iso_date(line)):
            return date
    if date := iso_date(page_meta.get("成文日期", "") or page_meta.get("发文日期", ""), (ISO_DATE, CN_DATE)):
        return date
    for line in head:
        if (m := _DATE_UNDER_TITLE.fullmatch(line.strip())) and (date := iso_date(m.group(1))):
            return date
    if given := delivered(head):  # "——2025年4月23日在济源市第十一届人民代表大会常务委员会…上"
        return given[1]
    for key in ("成文日期", "发文日期", "发布日期", "发布时间"):
        if date := iso_date(page_meta.get(key, ""), (ISO_DATE,)):
            return date
    return None


def find_issuer(title: str | None, signature: list[str], place: str | None = None) -> str | None:
    """The bodies that sign; a 兵团 division signs with its name alone ("第八师石河子市": 师市合一,
    the division and the city are one government), so the reporting place itself counts."""
    issuers = [ln for ln in signature if (_ISSUER_LINE.match(ln) and "印发" not in ln) or (place and ln == place)]
    if issuers:
        return "、".join(dict.fromkeys(issuers))
    if title:
        head = re.split(rf"关于|{YEAR}", title)[0].strip()
        names = [n for n in re.split(r"\s+", head) if _ISSUER_LINE.match(n)]
        if names:
            return "、".join(names)
    return None


# What a document prints below its signature: "抄送：…", "敦煌市人民政府办公室　2025年3月10日印发".
_BELOW_SIGNATURE = re.compile(r"^(?:抄送|抄报|分送|报送|主送)\s*[:：]|印发$")


def _signature(lines: list[str]) -> list[str]:
    """The short lines at the very end ("武威市人民政府 / 2022年2月17日"), above any 抄送 line — or, for a
    notice that wraps a plan, the issuer and date lines under the notice ("金昌市人民政府 / 2025年6月13日")."""
    while lines and _BELOW_SIGNATURE.search(lines[-1]):
        lines = lines[:-1]
    signature: list[str] = []
    for line in reversed(lines[-6:]):
        if len(line) > 40:
            break
        signature.insert(0, line)
    if not any(_ISSUER_LINE.match(ln) for ln in signature):
        for i, line in enumerate(lines[:30]):
            if _ISSUER_LINE.match(line) and i + 1 < len(lines) and date_line(lines[i + 1]):
                return [line, lines[i + 1]]
    return signature


def extract(text: str, page_meta: dict[str, str] | None = None) -> ReportMetadata:
    page_meta = page_meta or {}
    lines = [ln for ln in text.split("\n") if ln.strip()]
    signature = _signature(lines)
    # The page's own title (标题 in its metadata block) names the document even when the text
    # opens with another one (a notice that wraps a plan).
    page_title = page_meta.get("标题")
    title = page_title if page_title and _TITLE_HINT.search(_PERIOD.sub("", page_title)) else find_title(lines)
    date = find_date(signature, page_meta, lines[:4])
    body = reporting_body(title, lines, signature, page_meta)
    kind, kind_unsure = kind_of(title, text)
    unsure = dict(body.unsure)
    if kind_unsure:
        unsure["kind"] = kind_unsure
    # The signature's date is when the report was signed, not the year it reports on.
    content = lines[: len(lines) - len(signature)] if len(signature) < len(lines) else lines
    # The page's 发文机关 names the issuing body (its 发布机构 is often only the site that posted it).
    issuer = find_issuer(title, signature, body.place) or page_meta.get("发文机关") or None
    if kind == RULE_OF_LAW or kind is None:
        year = find_year(title, content, date)
    else:  # a work report or a plan names many years (2035年远景目标): only its title block counts
        given = delivered(lines) if kind == WORK_REPORT else None
        year = title_year(title) or (given[0] if given else None)
        issuer = issuer or (work_report_issuer(lines) if kind == WORK_REPORT else None)
        if year is None:
            unsure["year"] = "标题没有写明年份；正文中的年份（如规划目标年）不作为报告年度"
    doc = _DOC_NUMBER.search("\n".join(lines[:15]))
    signer = _SIGNER.search("\n".join(lines[:15]))
    return ReportMetadata(
        place=body.place,
        parent=body.parent,
        level=level_of(body.place),
        kind=kind,
        year=year,
        title=title,
        issuer=issuer,
        addressee=body.addressee,
        signer=signer.group(1) if signer else None,
        date=date,
        doc_number=doc.group(0)
        if doc
        else (page_meta.get("发文字号") or page_meta.get("文件编号") or page_meta.get("文号") or None),
        unsure=unsure,
    )
