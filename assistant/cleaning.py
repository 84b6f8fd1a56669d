"""Bytes -> clean report text: decode, normalise, strip web-page boilerplate.

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

from .errors import IngestError

# Keys of the metadata block that government sites print above the article.
# Spaces inside keys ("索 引 号") are removed before matching.
META_KEYS = (
    "索引号", "公开方式", "发布机构", "组配分类", "文件编号", "发文日期", "成文日期", "有效性",
    "信息来源", "作者", "发布日期", "浏览次数", "发布时间", "访问量", "来源", "发文机关", "有效期",
    "所属主题", "公开对象", "发文字号", "公开部门", "状态", "主题分类", "体裁分类", "生成日期",
    "公开时限", "主题词", "责任部门", "点击数", "阅读次数",
)
# Sites space keys out ("索 引 号"), so each key matches with optional inner spaces.
_META_KEY_RE = "|".join(r"\s*".join(k) for k in sorted(META_KEYS, key=len, reverse=True))
_META_LINE = re.compile(rf"^[-•·*\s]*(?:{_META_KEY_RE})\s*[:：]")
_META_PAIR = re.compile(rf"({_META_KEY_RE})\s*[:：]\s*(.*?)(?=\s*(?:{_META_KEY_RE})\s*[:：]|$)")

# Widgets and navigation that can appear anywhere on a page and never in a report.
_ANYWHERE = [
    re.compile(r"^(?:首页|当前位置[:：].*|您的位置[:：].*)$"),
    re.compile(r"^\s*>.*>.*$|^首页\s*>.*$"),
    re.compile(r"^(?:上一条|下一条|上一篇|下一篇)\s*[:：]?.{0,60}$"),
    re.compile(r"扫一扫在手机(?:上)?打开当前页"),
    re.compile(r"^字体\s*[\[［【]?\s*大\s*中\s*小\s*[\]］】]?$"),
    re.compile(r"^(?:【?打印(?:本页)?】?|【?关闭(?:窗口)?】?|【?收藏】?|分享到[:：]?.*)(?:\s+.*)?$"),
    re.compile(r"^(?:浏览次数|访问量|阅读次数)\s*[:：]?\s*\d*\s*次?$"),
]
_INLINE_WIDGETS = re.compile(r"字体\s*[\[［【]\s*大\s*中\s*小\s*[\]］】]")
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


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name).

    UTF-8 is tried strictly first because GB18030 decodes almost any byte string
    "successfully" into nonsense; charset_normalizer is the last resort.
    """
    if not data.strip():
        raise IngestError(f"{source}: 文件为空 / the file is empty", "检查文件是否下载完整")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{source}: 文件以 {enc} 标记开头但内容已损坏（位置 {exc.start}）/ corrupt {enc} text",
                    "文件可能下载不完整，请重新获取") from exc
    if _looks_binary(data):
        raise IngestError(
            f"{source}: 看起来是二进制文件，不是文本 / looks like a binary file, not text",
            "只支持 .txt/.md 文本文件；PDF/Word 请先另存为文本",
        )
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(f"{source}: 无法识别文件编码 / cannot detect the text encoding",
                          "请将文件转存为 UTF-8 编码")
    return str(best), best.encoding


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        # UTF-16 without BOM has NULs too, but every other byte; real binaries don't.
        return sample.count(b"\x00") > len(sample) // 8 or not _utf16_like(sample)
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 20


def _utf16_like(sample: bytes) -> bool:
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > len(sample) // 4 and min(even, odd) < len(sample) // 50


def normalize(text: str) -> str:
    """NFKC (full-width digits/letters/punctuation -> ASCII), one line-break style,
    no control characters, no indentation, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def parse_meta_line(line: str) -> dict[str, str]:
    """'信息来源: 武威市司法局 作者:市司法局' -> {'信息来源': '武威市司法局', '作者': '市司法局'}"""
    line = _INLINE_WIDGETS.sub("", line.lstrip("-•·* "))
    return {re.sub(r"\s+", "", k): v.strip() for k, v in _META_PAIR.findall(line)}


def _is_meta_line(line: str) -> bool:
    return bool(_META_LINE.match(line))


def strip_boilerplate(text: str) -> tuple[str, dict[str, str], int]:
    """Remove page furniture; return (body, page metadata, number of lines dropped)."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        if _is_meta_line(line):
            for k, v in parse_meta_line(line).items():
                if v:
                    meta.setdefault(k, v)
            continue
        if any(p.search(line) for p in _ANYWHERE):
            continue
        kept.append(_INLINE_WIDGETS.sub("", line).rstrip())
    # Tail footers: walk back from the end while lines look like site furniture. A line
    # that ends like a sentence ("…维护人民群众合法权益。") is report text, never a footer.
    while kept and (not kept[-1] or (len(kept[-1]) < 120 and _FOOTER.search(kept[-1])
                                     and not kept[-1].endswith(("。", "!", "?", "！", "？", ";", "；")))):
        kept.pop()
    body = normalize("\n".join(kept))
    return body, meta, len(lines) - len(body.split("\n"))


def clean(data: bytes, source: str = "<bytes>") -> CleanText:
    text, encoding = decode(data, source)
    body, meta, dropped = strip_boilerplate(normalize(text))
    if not re.search(r"[\u4e00-\u9fff]", body):
        raise IngestError(
            f"{source}: 文件中没有中文内容 / no Chinese text found",
            "本工具处理中文法治政府建设报告；请检查文件内容或编码",
        )
    return CleanText(text=body, encoding=encoding, page_meta=meta, dropped_lines=dropped)
