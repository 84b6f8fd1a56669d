"""File bytes -> Document: the text of a report plus where each part of it came from.

One loader per format. Each returns ``parts`` — runs of whole lines tagged with their PDF
page, or their DOCX paragraph number and heading level — so that after cleaning the
ingest can still say "第3页" or "第12段" for any offset (see ``cleaning.line_parts``).
Trade-offs: PDF line wraps are undone by a width heuristic (a line nearly as wide as
the page's text column continues on the next line, unless that one starts an outline
heading), and a paragraph that runs over a page break is attributed to the page it
starts on. HTML bodies come from trafilatura (the whole page, cleaned by our rules, when
it finds none); the 索引号/发布时间 block, which trafilatura drops as page furniture, is
read from the whole page.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from assistant.core.errors import IngestError
from assistant.ingest.cleaning import is_meta_line, parse_meta_line, read_text
from assistant.text.outline import heading_level


@dataclass
class Part:
    text: str
    page: int | None = None  # PDF page, 1-based
    paragraph: int | None = None  # DOCX block (paragraph or table row), 1-based
    heading: int | None = None  # DOCX heading level (1 = 标题 1)


@dataclass
class Document:
    kind: str  # text | html | pdf | docx
    encoding: str
    parts: list[Part]
    page_meta: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # PDF pages whose text OCR read

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.parts)


# --- plain text ----------------------------------------------------------------------


def load_text(data: bytes, source: str) -> Document:
    text, encoding, notes = read_text(data, source)
    return Document("text", encoding, [Part(text)], notes=notes)


# --- HTML ----------------------------------------------------------------------------

_BLOCKS = (
    "p",
    "div",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "section",
    "article",
    "header",
    "footer",
    "td",
    "th",
)


def _page_lines(html: str) -> list[str]:
    """All visible text of the page, one line per block element (table cells of a row
    stay on one line, so "索引号： | 103/2024" reads as one key-value pair)."""
    import lxml.html

    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for el in root.iter(*_BLOCKS):
        sep = " " if el.tag in ("td", "th") else "\n"
        el.tail = sep + (el.tail or "")
    return [ln.strip() for ln in root.text_content().split("\n") if ln.strip()]


def load_html(data: bytes, source: str) -> Document:
    import trafilatura

    html, encoding, notes = read_text(data, source)
    try:
        body = (
            trafilatura.extract(
                html, include_tables=True, include_comments=False, favor_precision=True, deduplicate=False
            )
            or ""
        )
        meta = trafilatura.extract_metadata(html)
        lines = _page_lines(html)
    except Exception as exc:  # lxml/trafilatura raise many types on broken markup
        raise IngestError(
            f"{source}: 无法解析网页 / cannot parse the HTML: {exc}", "用浏览器打开确认内容完整，或另存为 .txt 后再导入"
        ) from exc
    if not re.search(r"[\u4e00-\u9fff]", body):
        # trafilatura gives up on short or oddly built pages: fall back to the whole page and
        # let the cleaner's furniture rules do what they can.
        body = "\n".join(lines)
        notes = [*notes, "未能识别网页正文，已使用整页文字 / no article body found; used the whole page text"]
    page_meta: dict[str, str] = {}
    for line in lines:
        if is_meta_line(line):
            for k, v in parse_meta_line(line).items():
                if v:
                    page_meta.setdefault(k, v)
    if meta is not None and meta.date and not any(k in page_meta for k in ("发布时间", "发布日期")):
        page_meta["发布日期"] = meta.date
    title = (meta.title or "").strip() if meta is not None else ""
    parts = []
    # trafilatura keeps the article body but drops its <h1>; the title names place and year.
    squeezed = re.sub(r"\s+", "", body[:300])
    if title and re.sub(r"\s+", "", title) not in squeezed:
        parts.append(Part(title))
    parts.append(Part(body))
    return Document("html", encoding, parts, page_meta, notes)


# --- PDF -----------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)


def _width(line: str) -> float:
    return sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in line)


def _strip_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and running headers/footers (the same first or last line on
    more than half of at least three pages)."""
    from collections import Counter

    edges = Counter(ln for lines in pages if lines for ln in {lines[0], lines[-1]})
    repeated = {ln for ln, n in edges.items() if len(pages) >= 3 and n > len(pages) / 2}
    out = []
    for lines in pages:
        lines = list(lines)
        for end in (0, -1):
            while lines and (_PAGE_NUMBER.match(lines[end]) or lines[end] in repeated):
                lines.pop(end)
        out.append(lines)
    return out


def _reflow(pages: list[list[str]]) -> list[tuple[int, str]]:
    """Join lines the PDF wrapped; returns (page, line) with each line on the page it starts on."""
    widths = sorted(_width(ln) for lines in pages for ln in lines)
    if not widths:
        return []
    column = widths[int(len(widths) * 0.9)] if len(widths) >= 5 else widths[-1]
    out: list[tuple[int, str]] = []
    joining = False
    for number, lines in enumerate(pages, 1):
        for line in lines:
            if joining and out and not heading_level(line):
                page, prev = out[-1]
                words = (prev[-1:] + line[:1]).isascii() and prev[-1:].isalnum() and line[:1].isalnum()
                out[-1] = (page, prev + (" " if words else "") + line)  # "annual" + "report", not 年度+报告
            else:
                out.append((number, line))
            joining = _width(line) >= 0.85 * column and column >= 10
    return out


def load_pdf(data: bytes, source: str, ocr: bool = True) -> Document:
    """Text pages as pypdf extracts them; pages with no text (scans) read by OCR when `ocr`."""
    from pypdf import PdfReader

    fix = "请重新下载或从原网站另存完整的 PDF"
    if not data.lstrip()[:1024].startswith(b"%PDF"):
        raise IngestError(f"{source}: 不是 PDF 文件（缺少 %PDF 文件头）/ not a PDF file", fix)
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(f"{source}: PDF 文件不完整（缺少文件结尾 %%EOF，可能下载中断）/ truncated PDF", fix)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An owner password alone (printing/copying limits) still opens with an empty user password.
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf's DependencyError: AES needs the cryptography package
                raise IngestError(
                    f"{source}: PDF 已加密，无法解密 / encrypted PDF: {exc}",
                    "用 PDF 阅读器打开后另存为不加密的 PDF 再导入",
                ) from exc
            if not opened:
                raise IngestError(
                    f"{source}: PDF 有密码保护，无法读取 / the PDF is password-protected",
                    "用密码打开后另存为不加密的 PDF（或 .txt）再导入",
                )
        texts = []
        for page in reader.pages:
            texts.append(page.extract_text() or "")
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types (and DependencyError for AES without cryptography)
        raise IngestError(
            f"{source}: PDF 已损坏或无法解析 / cannot read the PDF: {type(exc).__name__}: {exc}", fix
        ) from exc
    # A scanned page often still carries a printed page number: blank means "nothing but furniture".
    pages = _strip_furniture([[ln.strip() for ln in t.replace("\r", "\n").split("\n") if ln.strip()] for t in texts])
    blank = [i for i, lines in enumerate(pages, 1) if not lines]
    read: list[int] = []
    if blank and ocr:
        read = _ocr_into(pages, blank, data, source)
        blank = [i for i in blank if i not in read]
    if len(blank) == len(pages):
        raise IngestError(
            f"{source}: PDF 中没有可提取的文字（共 {len(pages)} 页，可能是扫描件）/ no extractable text (scanned?)",
            "开启 OCR（ASSISTANT_OCR=true，默认开启）或先用 OCR 软件识别成文字，再导入"
            if not ocr
            else "扫描件也未能识别出文字：检查文件是否为空白页",
        )
    notes = [f"第{i}页没有可提取的文字（可能是扫描图片）/ page {i} has no extractable text" for i in blank]
    if read:
        notes.append(
            f"第{'、'.join(map(str, read))}页为扫描图片，已用 OCR 识别；引用这些页时请核对原件 / "
            f"{len(read)} page(s) read by OCR"
        )
    lines = _reflow(pages)
    parts: list[Part] = []
    for page, line in lines:
        if parts and parts[-1].page == page:
            parts[-1].text += "\n" + line
        else:
            parts.append(Part(line, page=page))
    return Document("pdf", "pdf", parts, notes=notes, ocr_pages=read)


def _ocr_into(pages: list[list[str]], blank: list[int], data: bytes, source: str) -> list[int]:
    """OCR the `blank` pages into `pages` (in place); the pages it read text on."""
    from tqdm import tqdm

    from assistant.ingest.ocr import read_pages

    with tqdm(total=len(blank), desc=f"OCR {source.rsplit('/', 1)[-1]}", unit="页", disable=None, leave=False) as bar:
        try:
            found = read_pages(data, blank, progress=bar.update)
        except Exception as exc:  # pdfium or onnxruntime: the page cannot be rendered or read
            raise IngestError(
                f"{source}: 扫描页无法渲染或识别 / OCR failed: {type(exc).__name__}: {exc}",
                "另存为新的 PDF 后重试，或关闭 OCR（ASSISTANT_OCR=false）只导入有文字的页",
            ) from exc
    for number, lines in found.items():
        pages[number - 1] = lines
    return [n for n, lines in found.items() if lines]


# --- DOCX ----------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.IGNORECASE)


def _docx_blocks(document):
    """Paragraphs and tables in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, document)
        elif child.tag.endswith("}tbl"):
            yield Table(child, document)


def load_docx(data: bytes, source: str) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] != b"PK\x03\x04":
        hint = (
            "这是旧版 Word (.doc) 文件：用 Word/WPS 另存为 .docx 再导入"
            if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            else "确认文件是 Word 2007 及以后的 .docx 文件"
        )
        raise IngestError(f"{source}: 不是有效的 .docx 文件（不是 ZIP 格式）/ not a .docx file", hint)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
        if "word/document.xml" not in names:
            raise IngestError(
                f"{source}: 这是一个 ZIP 压缩包，不是 Word 文档（缺少 word/document.xml）/ a ZIP file "
                "renamed .docx, not a Word document",
                "解压后导入其中的报告文件",
            )
        document = docx.Document(io.BytesIO(data))
        parts: list[Part] = []
        number = 0
        for block in _docx_blocks(document):
            if hasattr(block, "rows"):
                rows = []
                for row in block.rows:
                    cells = []
                    for cell in row.cells:  # merged cells repeat: keep one copy
                        text = " ".join(cell.text.split())
                        if text and (not cells or cells[-1] != text):
                            cells.append(text)
                    if cells:
                        rows.append(" | ".join(cells))
                for row_text in rows:
                    number += 1
                    parts.append(Part(row_text, paragraph=number))
                continue
            text = block.text.replace("\x0b", "\n").strip()
            if not text:
                continue
            number += 1
            m = _HEADING_STYLE.match((block.style.name if block.style is not None else "") or "")
            parts.append(Part(text, paragraph=number, heading=int(m.group(1)) if m else None))
    except IngestError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:  # lxml errors too
        raise IngestError(
            f"{source}: Word 文档已损坏或无法解析 / cannot read the .docx: {type(exc).__name__}: {exc}",
            "用 Word/WPS 打开后重新保存为 .docx 再导入",
        ) from exc
    if not parts:
        raise IngestError(f"{source}: Word 文档中没有文字 / the document has no text", "检查文件是否为空白文档")
    return Document("docx", "utf-8", parts)


LOADERS = {
    ".txt": load_text,
    ".md": load_text,
    ".text": load_text,
    ".markdown": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
SUFFIXES = set(LOADERS)


def load(data: bytes, source: str, suffix: str, *, ocr: bool = True) -> Document:
    """Pick the loader by file suffix; a PDF or a web page saved under another name is
    still read as what it is."""
    suffix = suffix.lower()
    head = data.lstrip()[:64].lower()
    if suffix not in (".pdf", ".docx") and head.startswith(b"%pdf-"):
        suffix = ".pdf"
    elif LOADERS.get(suffix) is load_text and head.startswith((b"<!doctype html", b"<html")):
        suffix = ".html"  # a saved web page under a .txt name
    loader = LOADERS.get(suffix)
    if loader is None:
        raise IngestError(
            f"{source}: 不支持的文件类型 {suffix or '(无扩展名)'} / unsupported file type",
            f"支持 / supported: {', '.join(sorted(SUFFIXES))}",
        )
    return loader(data, source, ocr=ocr) if loader is load_pdf else loader(data, source)
