"""Follow-up questions ("那武威市呢？") are rewritten from the previous question by rule."""

import pytest

from assistant.qa.followup import find_place, is_followup, resolve

PLACES = ["乌海市", "武威市", "醴陵市", "磴口县", "乌鲁木齐县"]
PREVIOUS = "2023年乌海市行政机关负责人出庭应诉率是多少？"


@pytest.mark.parametrize(
    "question,expected",
    [
        ("那武威市呢？", "2023年武威市行政机关负责人出庭应诉率是多少？"),
        ("武威呢", "2023年武威市行政机关负责人出庭应诉率是多少？"),
        ("那磴口县的呢?", "2023年磴口县行政机关负责人出庭应诉率是多少？"),
        ("那2021年呢？", "2021年乌海市行政机关负责人出庭应诉率是多少？"),
        ("那2021年武威市呢？", "2021年武威市行政机关负责人出庭应诉率是多少？"),
        # A place the store does not hold is still substituted; retrieval then says it has no such report.
        ("那北京市呢？", "2023年北京市行政机关负责人出庭应诉率是多少？"),
    ],
)
def test_place_and_year_replace_the_previous_ones(question, expected):
    assert resolve(question, PREVIOUS, PLACES) == expected


def test_a_stem_in_the_previous_question_is_replaced_too():
    assert (
        resolve("那醴陵呢？", "乌海那个网上解决纠纷的平台汇聚了多少调解组织？", PLACES)
        == "醴陵市那个网上解决纠纷的平台汇聚了多少调解组织？"
    )
    assert find_place("乌海那个平台", PLACES) == "乌海"
    assert find_place("乌鲁木齐县的情况", PLACES) == "乌鲁木齐县"  # not 乌鲁木齐 + 县 of another place


def test_a_previous_question_without_a_place_gets_one():
    assert (
        resolve("那武威市呢？", "行政机关负责人出庭应诉率是多少？", PLACES) == "武威市行政机关负责人出庭应诉率是多少？"
    )


def test_a_new_topic_keeps_the_conversations_place_and_year():
    assert resolve("那行政复议呢？", PREVIOUS, PLACES) == "2023年乌海市行政复议？"
    assert resolve("那武威市的法律顾问呢？", PREVIOUS, PLACES) == "2023年武威市法律顾问？"


@pytest.mark.parametrize(
    "question",
    [
        "武威市对多少个单位的法治建设工作进行了考核评议？",  # a complete question
        "醴陵市2023年审核了多少件市政府规范性文件？",
        "",
    ],
)
def test_complete_questions_stand_alone(question):
    assert not is_followup(question)
    assert resolve(question, PREVIOUS, PLACES) == question.strip()


def test_without_a_previous_question_nothing_changes():
    assert resolve("那武威市呢？", None, PLACES) == "那武威市呢？"


def test_a_year_the_new_place_has_no_report_for_is_dropped():
    years = {"乌海市": [2023], "武威市": [2021], "醴陵市": [2023]}
    assert resolve("那武威市呢？", PREVIOUS, PLACES, years) == "乌海市行政机关负责人出庭应诉率是多少？".replace(
        "乌海市", "武威市"
    )
    assert resolve("那醴陵市呢？", PREVIOUS, PLACES, years) == "2023年醴陵市行政机关负责人出庭应诉率是多少？"
    assert resolve("那武威市2021年呢？", PREVIOUS, PLACES, years) == "2021年武威市行政机关负责人出庭应诉率是多少？"
