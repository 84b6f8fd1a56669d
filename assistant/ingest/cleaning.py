"""Bytes -> clean report text: decode, normalise, strip web-page boilerplate.

Decoding accepts UTF-8 (with or without BOM), GB18030/GBK and UTF-16 (with a BOM, or
without one when a byte order gives plausible Chinese text); a few stray NUL bytes are
dropped with a note, more mean a binary file. `line_parts` traces cleaned lines back to
the loader's parts (PDF pages, DOCX paragraphs).

Government reports are usually copied from web pages, so the text carries site
navigation, share widgets, hosting footers and a 索引号/发布机构 metadata block.
We drop those lines but keep the metadata values (they give dates and issuers).
Rules are line-based and conservative: footer patterns only apply at the tail of
the page, where a false positive cannot remove a sentence from the report body.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from assistant.core.errors import IngestError

# Keys of the metadata block that government sites print above the article.
# Spaces inside keys ("索 引 号") are removed before matching.
META_KEYS = (
    "索引号",
    "公开方式",
    "发布机构",
    "组配分类",
    "文件编号",
    "发文日期",
    "成文日期",
    "有效性",
    "信息来源",
    "文章来源",
    "责任编辑",
    "作者",
    "发布日期",
    "浏览次数",
    "发布时间",
    "访问量",
    "来源",
    "发文机关",
    "有效期",
    "所属主题",
    "公开对象",
    "发文字号",
    "公开部门",
    "状态",
    "主题分类",
    "体裁分类",
    "生成日期",
    "公开时限",
    "主题词",
    "责任部门",
    "点击数",
    "阅读次数",
    "标题",
    "名称",
    "制发机构",
    "发布单位",
    "发布部门",
)
# Sites space keys out ("索 引 号"), so each key matches with optional inner spaces.
_META_KEY_RE = "|".join(r"\s*".join(k) for k in sorted(META_KEYS, key=len, reverse=True))
# A page may print its time bare before the keys: "2025-01-15 09:30　　来源：乌镇镇人民政府　　浏览次数："
_BARE_TIME = r"\d{4}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2}|年\d{1,2}月\d{1,2}日)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_META_LINE = re.compile(rf"^[-•·*\s]*(?:{_BARE_TIME}\s+)?(?:{_META_KEY_RE})\s*[:：]")
_LEADING_TIME = re.compile(rf"^\s*({_BARE_TIME})\s+(?=(?:{_META_KEY_RE})\s*[:：])")
# Inside a metadata line, a bare 时间 is a key too ("作者：区司法局　　时间：2022年02月18日 15:32") — though a
# line of a report may well begin with it, so it never makes a line metadata by itself.
_PAIR_KEY_RE = "|".join(r"\s*".join(k) for k in sorted((*META_KEYS, "时间"), key=len, reverse=True))
_META_PAIR = re.compile(rf"({_PAIR_KEY_RE})\s*[:：]\s*(.*?)(?=\s*(?:{_PAIR_KEY_RE})\s*[:：]|$)")
# The same block as a table: "索 引 号 | 1162…/2025-48086 | 主题分类 | 金政发 |".
_META_TABLE = re.compile(rf"^\|?\s*(?:{_META_KEY_RE})\s*\|")
_META_KEY_ONLY = re.compile(rf"^(?:{_META_KEY_RE})$")
# The same keys in brackets at a page's foot: "【发文字号】敦政办发〔2025〕17号　　【发布日期】2025-03-14".
_BRACKET_KEY = re.compile(rf"【\s*({_META_KEY_RE})\s*】")


# Or key and value inside one bracket: "【来源：海城市人民政府办公室】　【发布时间：2025年2月12日】".
_BRACKET_PAIR = re.compile(rf"【\s*((?:{_META_KEY_RE})\s*[:：][^【】]*)】")


def _unbracketed(line: str) -> str:
    """ "【发文字号】X　【发布日期】Y" and "【来源：X】　【发布时间：Y】" as "发文字号：X　发布日期：Y", when the line
    opens with such a bracket."""
    if _BRACKET_KEY.match(line.strip()):
        return _BRACKET_KEY.sub(r"\1：", line)
    if _BRACKET_PAIR.match(line.strip()):
        return _BRACKET_PAIR.sub(r"\1　", line).rstrip("　 ")
    return line


# Widgets and navigation that can appear anywhere on a page and never in a report.
_ANYWHERE = [
    re.compile(r"^(?:首页|当前位置[:：].*|您(?:现在|当前)?的?位置[:：].*)$"),
    re.compile(r"^\s*[>»›].*[>»›].*$|^首页\s*[>»›].*$"),  # a breadcrumb: 首页 > 政务公开 > … / 首页 » …
    re.compile(r"^(?:上一条|下一条|上一篇|下一篇)\s*[:：]?.{0,60}$"),
    re.compile(r"扫一扫在手机(?:上)?打开当前页"),
    re.compile(r"^字体\s*[\[［【]?\s*大\s*中\s*小\s*[\]］】]?$"),
    re.compile(r"^(?:【?打印(?:本页)?】?|【?关闭(?:窗口)?】?|【?收藏】?|分享到[:：]?.*)(?:\s+.*)?$"),
    re.compile(r"^(?:浏览次数|访问量|阅读次数)\s*[:：]?\s*\d*\s*次?$"),
]
# Page widgets inside a metadata line: the font switch, and a share bar that runs to the line's end
# ("发布日期：2025-1-24　　分享到：微信　微博　QQ空间").
_INLINE_WIDGETS = re.compile(
    r"字体\s*[\[［【]\s*大\s*中\s*小\s*[\]］】]|\s*字号\s*[:：]\s*[【\[]?\s*大\s*中\s*小\s*[】\]]?|\s*分享到\s*[:：]?.*$"
)
# Hosting footers: only stripped from the tail of the page.
_FOOTER = re.compile(
    r"主办|承办|维护|ICP|公网安备|网站标识码|版权所有|技术支持|邮编|Produced By|网站地图|联系我们|"
    r"举报|邮箱|Copyright|©|建议使用.*浏览器|分辨率"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


@dataclass
class CleanText:
    text: str
    encoding: str
    page_meta: dict[str, str] = field(default_factory=dict)
    dropped_lines: int = 0
    notes: list[str] = field(default_factory=list)  # things the user should know (removed NULs, blank pages)


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name). See `read_text`."""
    text, encoding, _ = read_text(data, source)
    return text, encoding


def read_text(data: bytes, source: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode report bytes; returns (text, encoding name, notes for the user).

    UTF-8 is tried strictly first because GB18030 decodes almost any byte string
    "successfully" into nonsense; charset_normalizer is the last resort. Bytes with
    NULs are UTF-16 without a BOM when one byte order decodes to plausible text; a few
    stray NULs in otherwise valid text are dropped (and the user told), more are binary.
    """
    if not data.strip():
        raise IngestError(f"{source}: 文件为空 / the file is empty", "检查文件是否下载完整")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, []
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{source}: 文件以 {enc} 标记开头但内容已损坏（位置 {exc.start}）/ corrupt {enc} text",
                    "文件可能下载不完整，请重新获取",
                ) from exc
    notes: list[str] = []
    if b"\x00" in data[:65536]:
        for enc in ("utf-16-le", "utf-16-be"):
            if (text := _plausible(data, enc)) is not None:
                return text, enc, []
        nuls = data.count(b"\x00")
        if nuls <= max(4, len(data) // 1000):
            data = data.replace(b"\x00", b"")
            notes.append(f"删除了 {nuls} 个 NUL 空字节 / removed {nuls} NUL bytes")
    if _looks_binary(data):
        raise IngestError(
            f"{source}: 看起来是二进制文件，不是文本 / looks like a binary file, not text",
            "支持 .txt/.md/.html/.pdf/.docx；其他格式（如图片、.doc、.wps）请先另存为这些格式之一",
        )
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc, notes
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(f"{source}: 无法识别文件编码 / cannot detect the text encoding", "请将文件转存为 UTF-8 编码")
    return str(best), best.encoding, notes


def _plausible(data: bytes, encoding: str) -> str | None:
    """`data` decoded as `encoding` if that gives text: almost all CJK, ASCII or
    punctuation, and no control characters beyond line breaks and tabs."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # includes an odd number of bytes: a truncated file
        return None
    sample = text[:20000]
    good = sum(
        1
        for c in sample
        if c in "\n\r\t"
        or (
            c.isprintable()
            and (c.isascii() or "\u2000" <= c <= "\u303f" or "\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
        )
    )
    return text if sample and good >= 0.97 * len(sample) and re.search(r"[\u4e00-\u9fff]", sample) else None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 20


_CIRCLED = re.compile("[\u2460-\u2473]")  # ①…⑳, an item's number


def normalize(text: str) -> str:
    """NFKC (full-width digits/letters/punctuation -> ASCII; ① -> (1)), one line-break style,
    no control characters, no indentation, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CIRCLED.sub(lambda m: f"({ord(m.group(0)) - 0x245F})", text)  # NFKC makes ④ a bare 4: "4全面落实…"
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def parse_meta_line(line: str) -> dict[str, str]:
    """'信息来源: 武威市司法局 作者:市司法局' -> {'信息来源': '武威市司法局', '作者': '市司法局'};
    '发文字号 | 金政发〔2025〕33号 | 制发机构 | |' -> {'发文字号': '金政发〔2025〕33号', '制发机构': ''};
    '索引号:0140…/2025-000012 | 发布日期:2025-02-10 | 文号:苏园管〔2025〕9号': each cell its pair, whatever its
    key (文号 is no block key on its own: report text starts lines with it)."""
    line = _INLINE_WIDGETS.sub("", line.lstrip("-•·* "))
    if _META_TABLE.match(line):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        pairs = {}
        for i, cell in enumerate(cells):
            if _META_KEY_ONLY.match(cell):
                value = cells[i + 1] if i + 1 < len(cells) and not _META_KEY_ONLY.match(cells[i + 1]) else ""
                pairs[re.sub(r"\s+", "", cell)] = value
        return pairs
    if "|" in line:
        cells = [re.match(r"\s*([\u4e00-\u9fff][\u4e00-\u9fff\s]{0,7}?)\s*[:：]\s*(.*)$", c) for c in line.split("|")]
        if cells and all(cells):
            return {re.sub(r"\s+", "", c.group(1)): c.group(2).strip() for c in cells}
    pairs = {re.sub(r"\s+", "", k): v.strip() for k, v in _META_PAIR.findall(line)}
    if bare := _LEADING_TIME.match(line):  # the page's own time, printed without its key: when it went up
        pairs = {"发布时间": bare.group(1), **pairs}
    return pairs


# A bare 时间 opens a metadata line when a date and another key follow it: "时间：2024.02.29　　来源：樊城区司法局".
_TIME_LINE = re.compile(rf"^\s*时间\s*[:：]\s*{_BARE_TIME}\s+(?:{_META_KEY_RE})\s*[:：]")


def is_meta_line(line: str) -> bool:
    return bool(_META_LINE.match(line) or _META_TABLE.match(line) or _TIME_LINE.match(line))


def strip_boilerplate(text: str) -> tuple[str, dict[str, str], int]:
    """Remove page furniture; return (body, page metadata, number of lines dropped)."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        if is_meta_line(line := _unbracketed(line)):
            for k, v in parse_meta_line(line).items():
                if v:
                    meta.setdefault(k, v)
            continue
        if any(p.search(line) for p in _ANYWHERE):
            continue
        kept.append(_INLINE_WIDGETS.sub("", line).rstrip())
    # Tail footers: walk back from the end while lines look like site furniture. A line
    # that ends like a sentence ("…维护人民群众合法权益。") is report text, never a footer.
    while kept and (
        not kept[-1]
        or (
            len(kept[-1]) < 120
            and _FOOTER.search(kept[-1])
            and not kept[-1].endswith(("。", "!", "?", "！", "？", ";", "；"))
        )
    ):
        kept.pop()
    body = normalize("\n".join(kept))
    return body, meta, len(lines) - len(body.split("\n"))


def clean(data: bytes, source: str = "<bytes>") -> CleanText:
    text, encoding, notes = read_text(data, source)
    return clean_text(text, encoding, source, notes=notes)


def clean_text(
    text: str,
    encoding: str,
    source: str = "<text>",
    page_meta: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> CleanText:
    """Decoded text (of any format) -> CleanText; `page_meta` found by a loader wins."""
    body, meta, dropped = strip_boilerplate(normalize(text))
    if not re.search(r"[\u4e00-\u9fff]", body):
        raise IngestError(
            f"{source}: 文件中没有中文内容 / no Chinese text found",
            "本工具处理中文法治政府建设报告；请检查文件内容或编码",
        )
    return CleanText(
        text=body,
        encoding=encoding,
        page_meta={**meta, **(page_meta or {})},
        dropped_lines=dropped,
        notes=list(notes or []),
    )


def line_parts(cleaned: str, parts: list[str]) -> list[int]:
    """For each line of `cleaned`, the index of the part (of the text before cleaning,
    ``"\n".join(parts)``) it came from.

    Cleaning only drops lines and rewrites each kept line on its own, so the cleaned
    lines are a subsequence of the parts' lines after the same per-line rewrite, and a
    greedy walk matches them. A cleaned line that matches nothing (it should not
    happen) takes the part of the line before it.
    """
    wanted = cleaned.split("\n")
    owner: list[int] = []
    j = 0
    for index, part in enumerate(parts):
        for line in normalize(part).split("\n"):
            while j < len(wanted) and not wanted[j]:
                owner.append(index)  # a blank line goes with the line after it
                j += 1
            if j < len(wanted) and line and normalize(_INLINE_WIDGETS.sub("", line)) == wanted[j]:
                owner.append(index)
                j += 1
    last = owner[-1] if owner else 0
    return owner + [last] * (len(wanted) - len(owner))
