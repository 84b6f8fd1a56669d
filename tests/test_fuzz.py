"""Property-based fuzzing of the cleaner, the metadata extractor, the chunker's source
headings, and the new offset bookkeeping (PDF reflow, cleaned line -> page/paragraph).

tests/test_chunking.py already fuzzes chunk_text on mixed text; this file adds what it
does not cover: arbitrary bytes into the decoder, report lines mixed with web-page
furniture through the whole cleaner (exactly the report lines survive, in order), random
text through metadata extraction, headings given by a DOCX, and the mapping that lets
citations name a page. Runs derandomized (fixed seed, no example database); the numbers
of inputs tried are in the README (``pytest tests/test_fuzz.py --hypothesis-show-statistics``).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.errors import IngestError
from assistant.ingest.chunking import chunk_text
from assistant.ingest.cleaning import (
    _INLINE_WIDGETS,
    clean_text,
    line_parts,
    normalize,
    read_text,
)
from assistant.ingest.formats import _reflow, _strip_furniture
from assistant.ingest.metadata import extract

from .test_chunking import ATOM, HANZI, NUMBERS, TEXT

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SLOW = settings(FUZZ, max_examples=150)  # jieba's POS tagger costs ~5 ms per input

# Characters a hostile file may contain: controls, zero-width and full-width forms, CR.
ODD = st.sampled_from(list("\x00\x01\x07\x0b\x0c\x1b\x7f\u200b\u200e\u2028\u3000\ufeff\r\t ０１９％（）ＡＢ，．"))
RAW = st.lists(st.one_of(ATOM, ODD, ODD), max_size=120).map("".join)

# Report lines: never furniture (no '>', no colon after a leading key, end like a sentence).
SENTENCE = st.builds(
    lambda first, rest: first + "".join(rest) + "。",
    st.sampled_from(HANZI),
    st.lists(st.one_of(st.sampled_from(HANZI), NUMBERS, st.sampled_from(list("，、“”《》"))), min_size=1, max_size=40),
)
FURNITURE = st.sampled_from(
    [
        "首页",
        "当前位置：首页 > 政务公开 > 法治政府",
        "上一条：关于开展执法检查的通知",
        "下一条:",
        "扫一扫在手机打开当前页",
        "字体[ 大 中 小 ]",
        "【打印本页】 【关闭窗口】",
        "分享到：微信 微博",
        "浏览次数：123次",
        "索 引 号：11622300013931138G/2022-06008 公开方式：主动公开",
        "- 发布机构：市司法局",
        "发布时间：2024-01-22 来源：市司法局",
    ]
)
FOOTER = st.sampled_from(
    [
        "主办：市人民政府办公室 承办：大数据中心",
        "蒙ICP备05000809号",
        "版权所有 © 2024",
        "网站标识码:1503000001",
        "技术支持：大汉网络",
    ]
)


@FUZZ
@given(data=st.binary(max_size=400) | RAW.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_any_bytes_decode_or_fail_with_an_ingest_error(data):
    try:
        text, encoding, _notes = read_text(data, "fuzz.txt")
    except IngestError as exc:
        assert "fuzz.txt" in exc.message and exc.hint
        return
    assert isinstance(text, str) and encoding


@FUZZ
@given(text=RAW)
def test_cleaned_text_is_normal_whatever_goes_in(text):
    try:
        cleaned = clean_text(text, "utf-8", "fuzz.txt")
    except IngestError as exc:
        assert "no Chinese" in exc.message  # also a page that is all furniture
        return
    out = cleaned.text
    assert re.search(r"[\u4e00-\u9fff]", out)
    assert "\r" not in out and not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]", out)
    assert "\n\n\n" not in out and out == out.strip()
    assert all(line == line.strip() for line in out.split("\n"))
    assert normalize(out) == out  # cleaning again changes nothing


@FUZZ
@given(
    page=st.lists(st.tuples(st.booleans(), SENTENCE, FURNITURE), min_size=1, max_size=25),
    footers=st.lists(FOOTER, max_size=4),
)
def test_exactly_the_report_lines_survive_among_page_furniture(page, footers):
    """Nothing lost, nothing kept: report sentences interleaved with navigation, widgets
    and the metadata block, plus a footer, come out as exactly the sentences, in order."""
    lines, report = [], []
    for is_report, sentence, furniture in page:
        lines.append(sentence if is_report else furniture)
        if is_report:
            report.append(normalize(sentence))
    if not report:
        return
    cleaned = clean_text("\n".join(lines + footers), "utf-8", "page.html")
    assert cleaned.text.split("\n") == report


@SLOW
@given(
    text=TEXT,
    meta=st.dictionaries(
        st.sampled_from(["发布时间", "成文日期", "发文字号", "来源"]),
        st.one_of(st.just("2024-01-22"), st.text(max_size=12)),
        max_size=3,
    ),
)
def test_metadata_extraction_never_fails_and_only_reports_what_is_there(text, meta):
    m = extract(text, meta)
    if m.place is not None:
        assert m.place in text
    if m.year is not None:
        assert 1900 <= m.year <= 2099
    if m.date is not None:
        assert re.fullmatch(r"(19|20)\d\d-\d\d-\d\d", m.date)
    if m.title is not None:
        assert m.title.replace(" ", "") in text.replace(" ", "")
    if m.doc_number is not None:
        assert m.doc_number in text or m.doc_number in meta.values()


@FUZZ
@given(text=TEXT, budget=st.integers(32, 300), data=st.data())
def test_headings_from_the_source_keep_every_chunk_invariant(text, budget, data):
    starts = [0] + [m.end() for m in re.finditer("\n", text) if m.end() < len(text)]
    headings = {s: data.draw(st.integers(1, 3)) for s in data.draw(st.lists(st.sampled_from(starts), max_size=5))}
    chunks = chunk_text(text, budget, headings=headings)
    assert "".join(c.text for c in chunks) == text
    for a, b in zip(chunks, chunks[1:]):
        assert a.end == b.start
    for c in chunks:
        assert text[c.start : c.end] == c.text


@FUZZ
@given(
    parts=st.lists(
        st.lists(st.one_of(SENTENCE, FURNITURE, RAW), min_size=1, max_size=6).map("\n".join), min_size=1, max_size=8
    )
)
def test_every_cleaned_line_is_traced_to_the_part_it_came_from(parts):
    try:
        cleaned = clean_text("\n".join(parts), "utf-8", "doc.pdf")
    except IngestError:
        return
    owners = line_parts(cleaned.text, parts)
    lines = cleaned.text.split("\n")
    assert len(owners) == len(lines) and owners == sorted(owners)
    for line, owner in zip(lines, owners):
        if line:
            assert line in {normalize(_INLINE_WIDGETS.sub("", ln)) for ln in normalize(parts[owner]).split("\n")}


@FUZZ
@given(
    pages=st.lists(
        st.lists(
            st.one_of(
                SENTENCE,
                st.text(alphabet="".join(HANZI[:80]) + "0123456789,.", min_size=1, max_size=45),
                st.sampled_from(["- 3 -", "第 2 页", "12", "一、总体情况", "(二)加强领导"]),
            ),
            max_size=12,
        ),
        max_size=6,
    )
)
def test_pdf_reflow_keeps_every_character_in_page_order(pages):
    pages = [[ln for ln in page if ln.strip()] for page in pages]
    kept = _strip_furniture(pages)
    lines = _reflow(kept)
    assert "".join(ln for _, ln in lines).replace(" ", "") == "".join(ln for p in kept for ln in p).replace(" ", "")
    assert [p for p, _ in lines] == sorted(p for p, _ in lines)
    assert all(kept[p - 1] for p, _ in lines)  # a line is attributed to a page that has text
