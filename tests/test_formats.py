"""Specification of assistant.formats: saved web pages, PDFs and Word files read like text files.

Fixtures are generated from the seed reports in the tests (no binary blobs): an HTML page
with the navigation, metadata block, share widgets, 上一条/下一条 and footer of a real
government site; a PDF typeset with reportlab (CJK font, page numbers in the footer, one
page that is only an image, as in a scan); a DOCX written with python-docx (heading
styles, a table). Each must give the same cleaned text, metadata and chunks as the text
file, and PDF/DOCX chunks know their page/paragraph.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from assistant.core.errors import IngestError
from assistant.ingest.cleaning import clean
from assistant.ingest.formats import load
from assistant.ingest.metadata import extract
from assistant.ingest.pipeline import ingest_paths, prepare

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def seed_lines(name: str) -> list[str]:
    """The seed's cleaned text (page furniture already gone), one entry per line."""
    return clean((SEEDS / name).read_bytes()).text.split("\n")


# --- fixture builders (also used by test_hostile_input) ----------------------------------


def make_html(lines: list[str], *, title: str, charset: str = "utf-8") -> bytes:
    body = "\n".join(f"<p>{line}</p>" for line in lines[1:])
    page = f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<title>{title}_政府信息公开_人民政府门户网站</title>
<script>var _hmt = _hmt || []; document.write("统计代码");</script><style>.nav{{color:red}}</style></head>
<body><div class="top"><a href="/">首页</a> | <a>无障碍</a> | <a>长者模式</a></div>
<div class="nav"><a href="/">首页</a> &gt; <a>政务公开</a> &gt; <a>法治政府建设</a></div>
<div class="side"><ul><li><a>政府信息公开指南</a></li><li><a>政府信息公开制度</a></li>
<li><a>法定主动公开内容</a></li><li><a>政府信息公开年报</a></li></ul></div>
<table class="xxgk"><tr><td>索 引 号：</td><td>11150300MB1234567X/2024-00031</td><td>发文字号：</td><td>乌政发〔2024〕7号</td></tr>
<tr><td>发布机构：</td><td>市司法局</td><td>发布时间：</td><td>2024-02-05</td></tr><tr><td>来源：</td><td>乌海市司法局</td></tr></table>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：2024-02-05 09:30 来源：乌海市司法局 字体[ 大 中 小 ] 【打印本页】</div>
<div class="content">{body}</div>
<div class="share">分享到：微信 微博 QQ空间</div></div>
<div class="pn"><p>上一条：<a>关于2023年度行政执法案卷评查情况的通报</a></p>
<p>下一条：<a>乌海市司法局2024年工作要点</a></p></div>
<div class="footer"><p>主办：乌海市人民政府办公室 承办：乌海市大数据中心</p>
<p>蒙ICP备05000809号 蒙公网安备15030202000006号 网站标识码：1503000001</p></div></body></html>"""
    return page.encode(charset)


def _pdf_fonts():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))
    return (
        ParagraphStyle("body", fontName="wqy", fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22),
        ParagraphStyle("title", fontName="wqy", fontSize=16, leading=24, alignment=1),
    )


class _Scan:
    """A flowable that is only a picture (a filled rectangle), like a scanned page."""

    def __new__(cls):
        from reportlab.platypus import Flowable

        class Scan(Flowable):
            def wrap(self, *args):
                return 400, 500

            def draw(self):
                self.canv.setFillGray(0.6)
                self.canv.rect(0, 0, 400, 500, fill=1, stroke=0)

        return Scan()


def make_pdf(
    pages: list[list[str]], *, scan_pages: tuple[int, ...] = (), password: str | None = None, owner_only: bool = False
) -> bytes:
    """One list of paragraphs per page (each short enough to fit); `scan_pages` (1-based)
    become image-only pages. Page numbers "- n -" are printed in every footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    body, title = _pdf_fonts()
    story, number = [], 0
    for paragraphs in pages:
        number += 1
        while number in scan_pages:
            story += [_Scan(), PageBreak()]
            number += 1
        for i, text in enumerate(paragraphs):
            story.append(Paragraph(text, title if (number == 1 and i == 0) else body))
        story.append(PageBreak())
    story.pop()

    def footer(canvas, doc):
        canvas.setFont("wqy", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    encrypt = None
    if password is not None or owner_only:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption("" if owner_only else password, ownerPassword="owner-secret", canCopy=1)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, encrypt=encrypt).build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def paginate(lines: list[str], per_page: int = 900) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for line in lines:
        if pages[-1] and sum(map(len, pages[-1])) + len(line) > per_page:
            pages.append([])
        pages[-1].append(line)
    return pages


def make_docx(lines: list[str], *, table: list[list[str]] | None = None, unmarked_heading: str | None = None) -> bytes:
    """Seed lines as paragraphs: the title in the Title style, 一、 lines as 标题 1, (一) lines as
    标题 2; optionally a heading without an outline marker and a table after the body."""
    import docx

    document = docx.Document()
    for i, line in enumerate(lines):
        if i == 0:
            document.add_paragraph(line, style="Title")
        elif re.match(r"^[一二三四五六七八九十]+、", line):
            document.add_heading(line, level=1)
        elif re.match(r"^[(（][一二三四五六七八九十]+[)）]", line) and len(line) <= 40:
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    if unmarked_heading:
        document.add_heading(unmarked_heading, level=1)
        document.add_paragraph("全年办理行政复议案件37件，行政机关负责人出庭应诉率100%。")
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- HTML ------------------------------------------------------------------------------


WUHAI_TITLE = "乌海市2023年法治政府建设情况报告"


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_html_page_keeps_the_article_and_its_metadata_and_drops_the_furniture(tmp_path, charset):
    lines = seed_lines("wuhai-2023.txt")
    path = write(tmp_path / "wuhai.html", make_html([WUHAI_TITLE] + lines, title=WUHAI_TITLE, charset=charset))
    report, chunks = prepare(path, _settings(tmp_path))
    text = "".join(c.text for c in chunks)
    assert report.format == "html"
    assert text.split("\n")[0] == WUHAI_TITLE
    assert text.split("\n")[1:] == lines  # every report line, in order, nothing else
    for furniture in (
        "首页",
        "无障碍",
        "政府信息公开指南",
        "上一条",
        "下一条",
        "分享到",
        "ICP",
        "网站标识码",
        "字体",
        "打印",
        "统计代码",
        "主办",
    ):
        assert furniture not in text, furniture
    assert report.page_meta["索引号"] == "11150300MB1234567X/2024-00031"
    assert report.page_meta["发文字号"] == "乌政发〔2024〕7号"
    assert report.page_meta["发布时间"].startswith("2024-02-05")
    assert report.page_meta["来源"] == "乌海市司法局"
    assert (report.title, report.place, report.year, report.doc_number) == (
        WUHAI_TITLE,
        "乌海市",
        2023,
        "乌政发〔2024〕7号",
    )
    assert report.date == "2024-02-05"  # the seed has no signature date; the page's 发布时间 fills it


def test_html_without_a_metadata_block_takes_the_date_from_the_page_metadata(tmp_path):
    lines = seed_lines("dengkou-2021.txt")
    html = (
        "<html><head><meta charset='utf-8'><title>磴口县2021年法治政府建设情况报告</title>"
        "<meta name='PubDate' content='2022-01-30'></head><body><article>"
        + "".join(f"<p>{ln}</p>" for ln in lines)
        + "</article></body></html>"
    )
    doc = load(html.encode(), "dengkou.html", ".html")
    assert doc.page_meta.get("发布日期") == "2022-01-30"
    assert clean("\n".join(lines).encode()).text in clean(doc.text.encode()).text


def test_html_that_is_only_navigation_is_refused_as_having_no_report_text(tmp_path):
    html = "<html><body><div class='nav'><a>首页</a> &gt; <a>政务公开</a></div><p>Copyright 2024</p></body></html>"
    with pytest.raises(IngestError) as err:
        prepare(write(tmp_path / "nav.html", html.encode()), _settings(tmp_path))
    assert "nav.html" in str(err.value) and "no Chinese" in str(err.value)


SHORT_PAGE = (
    "<html><body><div class='nav'><a>首页</a> &gt; <a>政务公开</a></div>"
    "<p>临泽县2022年法治政府建设情况报告</p><p>全年办理行政复议案件37件。</p>"
    "<p>上一条：关于开展执法检查的通知</p></body></html>"
)


def test_a_short_page_keeps_its_text_and_loses_its_furniture(tmp_path):
    report, chunks = prepare(write(tmp_path / "short.html", SHORT_PAGE.encode()), _settings(tmp_path))
    assert "".join(c.text for c in chunks) == "临泽县2022年法治政府建设情况报告\n全年办理行政复议案件37件。"
    assert report.notes == []


def test_when_trafilatura_finds_no_body_the_whole_page_is_cleaned_instead(tmp_path, monkeypatch):
    monkeypatch.setattr("trafilatura.extract", lambda *args, **kwargs: None)
    report, chunks = prepare(write(tmp_path / "short.html", SHORT_PAGE.encode()), _settings(tmp_path))
    assert "".join(c.text for c in chunks) == "临泽县2022年法治政府建设情况报告\n全年办理行政复议案件37件。"
    assert "used the whole page text" in report.notes[0]


def test_a_web_page_saved_as_txt_is_read_as_html(tmp_path):
    lines = seed_lines("wuhai-2023.txt")
    path = write(tmp_path / "wuhai-2023.txt", make_html([WUHAI_TITLE] + lines, title=WUHAI_TITLE))
    report, chunks = prepare(path, _settings(tmp_path))
    assert report.format == "html" and "".join(c.text for c in chunks).split("\n")[1:] == lines


# --- PDF -------------------------------------------------------------------------------


def _settings(tmp_path):
    from assistant.core.config import Settings

    return Settings(data_dir=tmp_path / "unused")


@pytest.fixture(scope="module")
def wuhai_pdf():
    """(pdf bytes, pages of seed lines); page 3 is an image-only page."""
    lines = seed_lines("wuhai-2023.txt")
    pages = paginate([WUHAI_TITLE] + lines)
    return make_pdf(pages, scan_pages=(3,)), pages


def test_pdf_text_keeps_every_character_in_order_and_undoes_line_wraps(tmp_path, wuhai_pdf):
    data, pages = wuhai_pdf
    report, chunks = prepare(write(tmp_path / "wuhai-2023.pdf", data), _settings(tmp_path))
    text = "".join(c.text for c in chunks)
    expected = "\n".join(line for page in pages for line in page)
    assert text.replace("\n", "") == expected.replace("\n", "")  # nothing lost, nothing added (no "- 1 -")
    # Wrapped lines are joined: every heading still starts its own line, the sentence
    # with the court-appearance rate is whole, and most paragraphs come back exactly.
    lines = text.split("\n")
    for heading in (ln for ln in expected.split("\n") if re.match(r"^[一二三四五六七八九十]+、", ln)):
        assert heading in lines or any(ln.startswith(heading) for ln in lines), heading
    assert any("行政机关负责人出庭应诉率98.4%。" in ln for ln in lines)
    exact = sum(ln in lines for ln in expected.split("\n"))
    assert exact >= 0.8 * len(expected.split("\n"))
    assert (report.format, report.place, report.year, report.title) == ("pdf", "乌海市", 2023, WUHAI_TITLE)


def test_pdf_page_without_text_is_reported_and_pages_are_kept_for_citations(tmp_path, make_store, wuhai_pdf):
    data, pages = wuhai_pdf
    store, _ = make_store()
    [result] = ingest_paths([write(tmp_path / "wuhai-2023.pdf", data)], store, progress=False)
    assert result.status == "added"
    assert "第3页没有可提取的文字" in result.message
    report = store.find_report("wuhai-2023")
    assert report.anchor_unit == "页" and any("第3页没有可提取的文字" in n for n in report.notes)
    # Fixture page k of `pages` is printed on PDF page k, or k+1 after the scanned page 3.
    page_of = {}
    for k, page in enumerate(pages, 1):
        for line in page:
            page_of.setdefault(line[:20], k if k < 3 else k + 1)
    text = store.report_text("wuhai-2023")
    for chunk in store.chunk_records("wuhai-2023"):
        line_start = text.rfind("\n", 0, chunk.start) + 1
        line = text[line_start:].split("\n", 1)[0]
        assert chunk.page == page_of[line[:20]] == report.number_at(chunk.start)
    assert 3 not in {c.page for c in store.chunk_records("wuhai-2023")}
    quote = text.index("行政机关负责人出庭应诉率98.4%")
    assert report.locate(quote) == f"第{report.number_at(quote)}页"
    assert report.number_at(quote) == next(
        page_of[ln[:20]] for ln in (pg for p in pages for pg in p) if "出庭应诉率98.4%" in ln
    )


def test_pdf_metadata_matches_the_text_file(tmp_path, wuhai_pdf):
    data, _ = wuhai_pdf
    pdf_report, _ = prepare(write(tmp_path / "w.pdf", data), _settings(tmp_path))
    cleaned = clean((SEEDS / "wuhai-2023.txt").read_bytes())
    meta = extract(cleaned.text, cleaned.page_meta)
    assert (pdf_report.place, pdf_report.level, pdf_report.year) == (meta.place, meta.level, meta.year)


def _blank_scan():
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([_Scan(), PageBreak(), _Scan()])
    return out.getvalue()


def test_pdf_of_pictures_without_text_is_refused_even_after_ocr(tmp_path):
    with pytest.raises(IngestError) as err:
        prepare(write(tmp_path / "scan.pdf", _blank_scan()), _settings(tmp_path))
    assert "没有可提取的文字" in err.value.message and "共 2 页" in err.value.message
    assert "也未能识别出文字" in err.value.hint


def test_pdf_of_pictures_with_ocr_off_is_refused_with_a_hint_to_turn_it_on(tmp_path):
    from assistant.core.config import Settings

    settings = Settings(data_dir=tmp_path / "unused", ocr=False)
    with pytest.raises(IngestError) as err:
        prepare(write(tmp_path / "scan.pdf", _blank_scan()), settings)
    assert "没有可提取的文字" in err.value.message and "ASSISTANT_OCR=true" in err.value.hint


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    data = make_pdf([seed_lines("dengkou-2021.txt")[:6]], owner_only=True)
    report, chunks = prepare(write(tmp_path / "dengkou.pdf", data), _settings(tmp_path))
    assert chunks and report.place == "磴口县"


# --- DOCX ------------------------------------------------------------------------------

TABLE = [["指标", "2022年", "2023年"], ["行政复议案件", "30件", "37件"], ["出庭应诉率", "96.5%", "98.4%"]]


def test_docx_gives_the_seed_text_and_is_a_duplicate_of_the_text_file(tmp_path, make_store):
    lines = seed_lines("liling-2023.txt")
    store, _ = make_store()
    [txt] = ingest_paths([SEEDS / "liling-2023.txt"], store, progress=False)
    [doc] = ingest_paths([write(tmp_path / "醴陵 2023 报告.docx", make_docx(lines))], store, progress=False)
    assert (txt.status, doc.status, doc.report_id) == ("added", "duplicate", "liling-2023")
    report, chunks = prepare(tmp_path / "醴陵 2023 报告.docx", store.settings)
    assert "".join(c.text for c in chunks).split("\n") == lines
    assert report.format == "docx" and report.anchor_unit == "段"


def test_docx_headings_tables_and_paragraph_numbers(tmp_path):
    lines = seed_lines("wuhai-2023.txt")[:12]
    data = make_docx(lines, table=TABLE, unmarked_heading="附件 主要指标完成情况")
    report, chunks = prepare(write(tmp_path / "wuhai.docx", data), _settings(tmp_path))
    text = "".join(c.text for c in chunks)
    assert text.split("\n")[-3:] == [
        "指标 | 2022年 | 2023年",
        "行政复议案件 | 30件 | 37件",
        "出庭应诉率 | 96.5% | 98.4%",
    ]
    # A 标题 1 paragraph without an outline marker still opens a section.
    tail = [c for c in chunks if "出庭应诉率100%" in c.text]
    assert tail and tail[0].section.startswith("附件 主要指标完成情况")
    # Paragraph numbers count body paragraphs and table rows, in order.
    assert chunks[0].paragraph == 1
    assert report.number_at(text.index("出庭应诉率 | 96.5%")) == len(lines) + 2 + 3
    assert report.locate(text.index("行政复议案件 | 30件")) == f"第{len(lines) + 2 + 2}段"
    assert [c.paragraph for c in chunks] == sorted(c.paragraph for c in chunks)


def test_a_zip_renamed_docx_is_refused_with_a_reason(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("报告.txt", "乌海市法治政府建设情况报告")
    with pytest.raises(IngestError) as err:
        load(out.getvalue(), "fake.docx", ".docx")
    assert "ZIP" in err.value.message and "not a Word document" in err.value.message


@pytest.mark.parametrize(
    "data, needle",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".doc"),
        ("乌海市法治政府建设情况报告".encode(), ".docx"),
    ],
    ids=["old-word-doc", "text-named-docx"],
)
def test_a_file_that_is_not_a_zip_named_docx_is_refused(data, needle):
    with pytest.raises(IngestError) as err:
        load(data, "x.docx", ".docx")
    assert "not a .docx" in err.value.message and needle in err.value.hint


def test_a_docx_with_a_damaged_document_part_is_refused(tmp_path):
    good = make_docx(["乌海市2023年法治政府建设情况报告", "一、主要工作"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    with pytest.raises(IngestError) as err:
        load(out.getvalue(), "cut.docx", ".docx")
    assert "cannot read the .docx" in err.value.message


def test_an_unsupported_suffix_lists_the_supported_ones():
    with pytest.raises(IngestError) as err:
        load(b"x", "a.xls", ".xls")
    assert ".pdf" in err.value.hint and ".docx" in err.value.hint and ".html" in err.value.hint
