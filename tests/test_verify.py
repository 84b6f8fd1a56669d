"""Specification of the number and quote checks that guard every answer."""

import pytest

from assistant.qa.verify import cited_ids, coverage, ungrounded_numbers, unsupported_numbers
from assistant.text.numerals import cn_to_int, numbers_in
from assistant.text.sentences import sentence_spans
from assistant.text.words import key_terms

SOURCE = (
    "我市行政应诉案件124件,负责人出庭应诉122件,行政机关负责人出庭应诉率98.4%。全市受理问题线索案件共26件,办结率100%。"
)


@pytest.mark.parametrize(
    "word,value",
    [("一百四十七", 147), ("两万三千", 23000), ("二〇二三", 2023), ("十二", 12), ("三亿五千万", 350000000), ("九", 9)],
)
def test_chinese_numerals_convert_to_integers(word, value):
    assert cn_to_int(word) == value


def test_numbers_ignore_citation_markers_and_thousands_separators():
    assert numbers_in("收到申请122件，涉及1,391户[2]") == ["122", "1391"]


def test_chinese_numerals_in_answers_are_checked_like_digits():
    assert "147" in numbers_in("办理行政复议案件一百四十七件")


def test_a_number_copied_from_the_source_is_grounded():
    assert ungrounded_numbers("出庭应诉率为98.4%[1]", [SOURCE]) == []


def test_an_invented_number_is_not_grounded():
    assert ungrounded_numbers("出庭应诉率为97.5%", [SOURCE]) == ["97.5"]


def test_trailing_zeros_do_not_make_a_number_different():
    assert ungrounded_numbers("出庭应诉率为98.40%", [SOURCE]) == []


def test_numbers_the_user_gave_are_exempt():
    assert ungrounded_numbers("2019年没有数据", [SOURCE], exempt={"2019"}) == []


def test_a_right_number_from_the_wrong_sentence_is_unsupported():
    terms = key_terms("乌海市行政机关负责人出庭应诉率是多少？", ignore={"乌海市", "乌海"})
    # 100% exists in the source, but only in the sentence about 办结率.
    assert unsupported_numbers("出庭应诉率为100%", [SOURCE], terms) == ["100"]
    assert unsupported_numbers("出庭应诉率为98.4%", [SOURCE], terms) == []


def test_key_terms_drop_places_years_and_question_words():
    terms = key_terms("2023年乌海市行政机关负责人出庭应诉率是多少？", ignore={"乌海市", "乌海"})
    assert "乌海" not in terms and "2023" not in terms and "多少" not in terms
    assert any("出庭" in t for t in terms)


def test_key_terms_leave_out_how_a_question_asks_and_take_the_reports_word_for_a_lay_one():
    # "在哪些方面", "认为自己" only ask; the sentence "…等面还存在短板问题" answers with neither
    assert key_terms("乌鲁木齐县的报告认为自己在哪些方面还存在短板？", ignore={"乌鲁木齐县"}) == ["存在", "短板"]
    assert "废止" in key_terms("武威市最后作废了多少件文件？", ignore={"武威市"})  # reports 废止 what people 作废
    assert "一年" not in key_terms("松江轻微违法免罚的案件2023年比前一年多了多少件？")  # the comparison


def test_coverage_weights_terms_by_length():
    assert coverage("行政复议申请122件", ["行政复议", "申请"]) == 1.0
    assert coverage("行政应诉", ["行政复议", "申请"]) == 0.0


def test_sentence_spans_slice_back_to_sentences():
    text = " 第一句。第二句！\n第三句"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句！", "第三句"]


def test_cited_ids_are_unique_and_sorted():
    assert cited_ids("a[2] b[1] c[2]") == [1, 2]
