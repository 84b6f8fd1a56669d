"""Specification of assistant.cleaning: bytes -> clean report text.

Decoding accepts the encodings reports arrive in (UTF-8 with or without BOM, GB18030,
UTF-16 with BOM) and refuses, with a readable IngestError, what is not a Chinese text
file. Normalisation unifies line breaks and applies NFKC. Boilerplate removal drops the
web-page furniture actually found in the seeds while keeping every line of the report
itself, and keeps the values of the 索引号/发布机构 block in ``page_meta``.
"""

from __future__ import annotations

import codecs
import random

import pytest

from assistant.core.errors import IngestError
from assistant.ingest.cleaning import (
    clean,
    decode,
    normalize,
    parse_meta_line,
    strip_boilerplate,
)

SAMPLE = "乌海市法治政府建设情况报告\n一、主要工作\n全市行政机关负责人出庭应诉率98.4%。\n"

# Every line each seed loses to cleaning (after normalisation); nothing else may go.
SEED_BOILERPLATE = {
    "dengkou-2021.txt": [],
    "urumqi-county-2022.txt": [],
    "liling-2023.txt": [
        "发布时间:2024-01-22 访问量:次 作者:市司法局 来源:市司法局 字体[ 大 中 小 ]",
        "- 索 引 号 :103/2024-00292",
        "- 发文机关:市司法局",
        "- 发布时间:2024-01-22",
        "- 有 效 期 :",
        "- 所属主题:",
        "- 公开对象:",
        "- 发文字号:",
        "- 公开部门:市司法局",
        "- 状 态:",
    ],
    "wuhai-2023.txt": [
        "上一条:",
        "下一条:",
        "乌海市人民政府办公室 主办 乌海市大数据中心 维护",
        "地址:内蒙古乌海市海勃湾区滨河区市行政中心 邮编:016000",
        "蒙公网安备:15030202000006蒙ICP备05000809号 政府网站标识码:1503000001",
        "网站有害信息举报及维护电话:0473-3998316,邮箱:zwgkjdk@163.com",
    ],
    "wuwei-2021.txt": [
        "首页",
        ">政府信息公开>法定主动公开内容>其他法定信息>法治工作",
        "索引号: 11622300013931138G/2022-06008 公开方式: 主动公开",
        "发布机构: 市司法局 组配分类: 法治工作",
        "文件编号: 发文日期: 2022-03-04",
        "成文日期: 2022-03-04 有效性:",
        "信息来源: 武威市司法局 作者:市司法局 发布日期: 2022-03-04 14:26 浏览次数:",
        "扫一扫在手机打开当前页",
        "Produced By 大汉网络 大汉版通发布系统",
    ],
}


def _seed(seeds_dir, name: str) -> bytes:
    return (seeds_dir / name).read_bytes()


def _lines(text: str) -> list[str]:
    return [ln for ln in text.split("\n") if ln]


# --- decoding -------------------------------------------------------------------------


def test_utf8_file_is_decoded_as_utf8(seeds_dir):
    text, encoding = decode(_seed(seeds_dir, "wuhai-2023.txt"))
    assert encoding == "utf-8"
    assert text.startswith("今年以来,乌海市坚持以习近平新时代中国特色社会主义思想为指导")


def test_utf8_with_bom_is_decoded_and_the_bom_is_dropped(seeds_dir):
    data = _seed(seeds_dir, "wuhai-2023.txt")
    text, encoding = decode(codecs.BOM_UTF8 + data)
    assert encoding == "utf-8-sig"
    assert text == data.decode("utf-8")
    assert clean(codecs.BOM_UTF8 + data).text == clean(data).text


def test_gb18030_file_is_decoded_to_the_same_clean_text(seeds_dir):
    data = _seed(seeds_dir, "liling-2023.txt")
    gb = data.decode("utf-8").encode("gb18030")
    assert gb != data
    cleaned = clean(gb, "liling-gb.txt")
    assert cleaned.encoding == "gb18030"
    assert cleaned.text == clean(data).text
    assert cleaned.page_meta == clean(data).page_meta


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_bom_is_decoded_to_the_same_clean_text(seeds_dir, codec, bom):
    data = _seed(seeds_dir, "wuwei-2021.txt")
    utf16 = bom + data.decode("utf-8").encode(codec)
    cleaned = clean(utf16, "wuwei-16.txt")
    assert cleaned.encoding == "utf-16"
    assert cleaned.text == clean(data).text


@pytest.mark.parametrize("data", [b"", b"   ", b" \r\n\t\n  \r\n"], ids=["empty", "spaces", "blank-lines"])
def test_empty_or_whitespace_only_file_is_refused_as_empty(data):
    with pytest.raises(IngestError) as err:
        clean(data, "empty.txt")
    assert "empty.txt" in str(err.value)
    assert "empty" in str(err.value)
    assert err.value.hint


def test_random_bytes_with_nuls_are_refused_as_binary():
    data = random.Random(1234).randbytes(4096)
    assert b"\x00" in data
    with pytest.raises(IngestError) as err:
        clean(data, "noise.bin")
    assert "binary" in str(err.value)
    assert "noise.bin" in str(err.value)


def test_png_image_is_refused_as_binary():
    png = (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR"
        + b"\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
        + b"\x5c\x72\xa8\x66"
        + b"\x00\x00\x20\x00IDATx\x9c"
        + random.Random(7).randbytes(2000)
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    with pytest.raises(IngestError) as err:
        clean(png, "scan.png")
    assert "binary" in str(err.value)


def test_binary_without_nuls_but_full_of_control_bytes_is_refused_as_binary():
    data = bytes(random.Random(3).choice([1, 2, 3, 4, 5, 6, 7, 14, 15, 16, 65, 66]) for _ in range(3000))
    with pytest.raises(IngestError) as err:
        clean(data, "ctrl.dat")
    assert "binary" in str(err.value)


@pytest.mark.parametrize(
    "data",
    [
        b"Annual report on law-based government 2023.\r\nAll figures are provisional.\r\n",
        "café résumé naïve 2023".encode("latin-1"),
        codecs.BOM_UTF16_LE + "  report  ".encode("utf-16-le"),
    ],
    ids=["ascii", "latin1", "utf16-no-chinese"],
)
def test_text_without_any_chinese_is_refused(data):
    with pytest.raises(IngestError) as err:
        clean(data, "english.txt")
    assert "no Chinese" in str(err.value)


def test_boilerplate_only_page_is_refused_as_having_no_chinese_body():
    # Every Chinese character sits in a line that is stripped, so the body is empty.
    page = "首页\n扫一扫在手机打开当前页\n上一条:\n下一条:\nhttp://example.org\n"
    with pytest.raises(IngestError, match="no Chinese"):
        clean(page.encode("utf-8"), "furniture.html.txt")


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8")[:-2],  # download cut inside a character
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le") + b"\x00",  # odd number of bytes
    ],
    ids=["utf8-bom-truncated", "utf16-bom-odd-length"],
)
def test_corrupt_file_with_bom_is_refused_with_an_ingest_error(data):
    with pytest.raises(IngestError):
        clean(data, "broken.txt")


# --- normalisation ----------------------------------------------------------------------


def test_crlf_and_cr_line_endings_are_unified():
    text = clean("一、总体情况\r\n(一)加强领导。\r二是完善制度。\n三是强化监督。".encode()).text
    assert "\r" not in text
    assert text.split("\n") == ["一、总体情况", "(一)加强领导。", "二是完善制度。", "三是强化监督。"]


def test_nfkc_turns_full_width_digits_letters_and_brackets_into_ascii():
    text = clean("（一）共办理案件１２３件，占比９８．４％，ＡＢＣ类。".encode()).text
    assert text == "(一)共办理案件123件,占比98.4%,ABC类。"


def test_indentation_control_characters_and_runs_of_blank_lines_are_removed():
    raw = "\u3000\u3000一、总体情况\u200b\n\n\n\n        全市共办理\x07行政复议案件5件。\t\n\n"
    assert normalize(raw) == "一、总体情况\n\n全市共办理行政复议案件5件。"


# --- boilerplate ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_BOILERPLATE))
def test_seed_loses_exactly_its_page_furniture_and_keeps_every_report_line(seeds_dir, name):
    raw_lines = _lines(normalize(_seed(seeds_dir, name).decode("utf-8")))
    expected = [ln for ln in raw_lines if ln not in SEED_BOILERPLATE[name]]
    assert len(expected) == len(raw_lines) - len(SEED_BOILERPLATE[name])  # each listed line is really there
    assert _lines(clean(_seed(seeds_dir, name), name).text) == expected


@pytest.mark.parametrize(
    "widget",
    [
        "上一条",
        "下一条",
        "扫一扫在手机打开当前页",
        "字体[ 大 中 小 ]",
        "ICP",
        "公网安备",
        "索引号",
        "发布机构",
        "浏览次数",
        "Produced By",
    ],
)
def test_no_widget_text_survives_in_any_seed(seeds_dir, widget):
    for path in sorted(seeds_dir.glob("*.txt")):
        assert widget not in clean(path.read_bytes()).text, path.name


def test_nav_line_home_is_removed_but_a_sentence_mentioning_it_is_kept():
    body = clean("首页\n一、工作情况\n在政府网站首页开设法治政府建设专栏。".encode()).text
    assert body == "一、工作情况\n在政府网站首页开设法治政府建设专栏。"


def test_standalone_font_size_widget_line_and_inline_widget_are_removed():
    raw = "一、工作情况\n字体[ 大 中 小 ]\n发布时间 2023-01-05 字体【大 中 小】\n全年办理案件5件。"
    body, _, _ = strip_boilerplate(normalize(raw))
    assert body == "一、工作情况\n发布时间 2023-01-05\n全年办理案件5件。"


def test_previous_next_links_with_titles_are_removed():
    raw = "一、工作情况\n全年办理案件5件。\n上一条:关于印发2023年普法工作要点的通知\n下一条: 市司法局2022年工作总结"
    assert clean(raw.encode("utf-8")).text == "一、工作情况\n全年办理案件5件。"


def test_footer_words_in_the_middle_of_the_body_are_kept():
    # 主办/维护/举报 are ordinary words; footer rules only apply at the tail of the page.
    raw = (
        "一、工作情况\n坚决维护人民群众合法权益。\n畅通投诉举报渠道。\n市司法局主办普法培训3期。\n"
        "二、下一步工作\n持续深化“放管服”改革,进一步优化法治化营商环境,着力提高依法行政能力和水平,"
        "推动法治政府建设工作再上新台阶,为经济社会高质量发展提供坚实有力的法治保障,切实增强群众获得感。\n"
        "某某市人民政府办公室 主办\n网站标识码:1503000001 蒙ICP备05000809号"
    )
    body = clean(raw.encode("utf-8")).text
    for line in ("坚决维护人民群众合法权益。", "畅通投诉举报渠道。", "市司法局主办普法培训3期。"):
        assert line in body.split("\n")
    assert "ICP" not in body and "主办\n" not in body + "\n"
    assert body.endswith("切实增强群众获得感。")


def test_a_short_last_sentence_containing_a_footer_word_is_kept():
    raw = "一、工作情况\n全年办理行政复议案件5件。\n二、下一步工作\n三是坚决维护人民群众合法权益。"
    assert clean(raw.encode("utf-8")).text.endswith("三是坚决维护人民群众合法权益。")


def test_last_real_sentence_of_wuhai_is_kept_and_the_footer_is_gone(seeds_dir):
    body = clean(_seed(seeds_dir, "wuhai-2023.txt")).text
    assert body.endswith(
        "三是深入实施“八五”普法工作,加强法治宣传教育,强化矛盾纠纷排查化解,深入开展公共法律服务,着力加快法治社会建设。"
    )


def test_wuwei_signature_is_kept_at_the_end(seeds_dir):
    body = clean(_seed(seeds_dir, "wuwei-2021.txt")).text
    assert _lines(body)[-2:] == ["武威市人民政府", "2022年2月17日"]
    assert _lines(body)[0] == "武威市人民政府2021年度法治政府建设情况报告"


def test_liling_signature_and_printing_note_are_kept(seeds_dir):
    body = clean(_seed(seeds_dir, "liling-2023.txt")).text
    assert _lines(body)[-4:] == [
        "中共醴陵市委",
        "醴陵市人民政府",
        "2024年1月22日",
        "中共醴陵市委办公室 2024年1月22日印发",
    ]


# --- page metadata ----------------------------------------------------------------------


def test_liling_metadata_block_values_land_in_page_meta(seeds_dir):
    meta = clean(_seed(seeds_dir, "liling-2023.txt")).page_meta
    assert meta["索引号"] == "103/2024-00292"
    assert meta["发文机关"] == "市司法局"
    assert meta["发布时间"] == "2024-01-22"
    assert meta["公开部门"] == "市司法局"
    assert meta["作者"] == "市司法局"
    # Keys printed with an empty value are not recorded.
    assert not {"发文字号", "有效期", "所属主题", "公开对象", "状态"} & meta.keys()


def test_a_metadata_block_on_one_line_split_by_bars_gives_each_cells_pair():
    line = (
        "索引号:014000319/2025-000012 | 发布机构:苏州工业园区管理委员会 | 发布日期:2025-02-10 | 文号:苏园管〔2025〕9号"
    )
    assert parse_meta_line(line) == {
        "索引号": "014000319/2025-000012",
        "发布机构": "苏州工业园区管理委员会",
        "发布日期": "2025-02-10",
        "文号": "苏园管〔2025〕9号",
    }


def test_a_font_size_widget_on_the_information_line_is_no_part_of_its_last_value():
    line = "发布机构：上海市松江区人民政府　　发布日期：2024.02.06　　字号：大 中 小"
    assert parse_meta_line(line) == {"发布机构": "上海市松江区人民政府", "发布日期": "2024.02.06"}


def test_wuwei_metadata_block_values_land_in_page_meta(seeds_dir):
    meta = clean(_seed(seeds_dir, "wuwei-2021.txt")).page_meta
    assert meta["成文日期"] == "2022-03-04"
    assert meta["发文日期"] == "2022-03-04"
    assert meta["索引号"] == "11622300013931138G/2022-06008"
    assert meta["发布机构"] == "市司法局"
    assert meta["组配分类"] == "法治工作"
    assert meta["信息来源"] == "武威市司法局"
    assert meta["发布日期"] == "2022-03-04 14:26"
    assert "文件编号" not in meta and "浏览次数" not in meta


def test_seeds_without_a_metadata_block_have_empty_page_meta(seeds_dir):
    for name in ("dengkou-2021.txt", "urumqi-county-2022.txt", "wuhai-2023.txt"):
        assert clean(_seed(seeds_dir, name)).page_meta == {}, name


def test_parse_meta_line_splits_several_pairs_on_one_line():
    assert parse_meta_line("信息来源: 武威市司法局 作者:市司法局") == {"信息来源": "武威市司法局", "作者": "市司法局"}
    assert parse_meta_line("- 索 引 号 :103/2024-00292") == {"索引号": "103/2024-00292"}


def test_the_first_value_of_a_repeated_key_wins(seeds_dir):
    raw = "发布时间:2024-01-22 作者:市司法局\n发布时间:2024-02-01\n一、工作情况\n全年办理案件5件。"
    cleaned = clean(raw.encode("utf-8"))
    assert cleaned.page_meta["发布时间"] == "2024-01-22"
    assert cleaned.text == "一、工作情况\n全年办理案件5件。"
    assert cleaned.dropped_lines == 2


def test_a_share_bar_on_a_metadata_line_is_not_part_of_its_value():
    from assistant.ingest.cleaning import parse_meta_line

    assert parse_meta_line("发布日期：2025-1-24　　分享到：微信　微博　QQ空间") == {"发布日期": "2025-1-24"}


def test_a_breadcrumb_with_guillemets_is_furniture_and_a_bare_time_key_splits_a_metadata_line():
    page = "首页 » 政务公开 » 法治政府建设\n作者：县司法局　　时间：2023年02月08日 10:15　　浏览次数：\n青溪县2022年法治政府建设情况报告\n正文。"
    cleaned = clean(page.encode("utf-8"), "x.txt")
    assert cleaned.text.startswith("青溪县2022年法治政府建设情况报告")
    assert cleaned.page_meta["作者"] == "县司法局" and cleaned.page_meta["时间"] == "2023年02月08日 10:15"


def test_a_pages_bare_time_before_its_source_is_when_it_went_up_and_the_line_is_no_salutation():
    page = "2025-01-15 09:30　　来源：青溪镇人民政府　　浏览次数：\n青溪镇人民政府关于2024年度法治政府建设情况的报告\n某县人民政府：\n正文。"
    cleaned = clean(page.encode("utf-8"), "x.txt")
    assert cleaned.text.startswith("青溪镇人民政府关于2024年度")
    assert cleaned.page_meta == {"发布时间": "2025-01-15 09:30", "来源": "青溪镇人民政府"}


def test_a_publishing_unit_on_the_information_line_is_its_own_key():
    from assistant.ingest.cleaning import parse_meta_line

    line = "发布时间：2025年1月24日 星期五　　发布单位：青溪市交通运输局"
    assert parse_meta_line(line) == {"发布时间": "2025年1月24日 星期五", "发布单位": "青溪市交通运输局"}


def test_a_pages_editor_and_bracketed_foot_keys_are_page_metadata_not_report_text():
    body, meta, _ = strip_boilerplate(
        normalize(
            "青溪县2024年法治政府建设情况报告\n责任编辑：李明\n全县收到行政复议申请86件。\n【发文字号】青政发〔2025〕3号　【发布日期】2025-03-14\n"
        )
    )
    assert meta == {"责任编辑": "李明", "发文字号": "青政发〔2025〕3号", "发布日期": "2025-03-14"}
    assert body == "青溪县2024年法治政府建设情况报告\n全县收到行政复议申请86件。"


@pytest.mark.parametrize(
    "line,meta",
    [
        (
            "时间：2024.02.29　　来源：樊城区司法局",
            {"时间": "2024.02.29", "来源": "樊城区司法局"},
        ),  # a bare 时间 and a key
        (
            "【来源：海城市人民政府办公室】　【发布时间：2025年2月12日】",
            {"来源": "海城市人民政府办公室", "发布时间": "2025年2月12日"},
        ),
        (
            "文章来源：昆明经开区管委会办公室　　发布时间：2025-02-20 10:15:32",
            {"文章来源": "昆明经开区管委会办公室", "发布时间": "2025-02-20 10:15:32"},
        ),
    ],
)
def test_a_pages_information_line_in_other_shapes_is_page_metadata(line, meta):
    body, found, _ = strip_boilerplate(
        normalize(f"青溪县2024年法治政府建设情况报告\n{line}\n全县收到行政复议申请86件。\n")
    )
    assert found == meta and body == "青溪县2024年法治政府建设情况报告\n全县收到行政复议申请86件。"
