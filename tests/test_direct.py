"""Specifications of the direct answer (qa/direct.py): the figure, name, date or list the
question asks for, read off the verified text — as short as the question allows."""

import pytest

from assistant.qa.direct import direct_answer, question_parts

WUHAI = "开展行政复议质量提升年活动,我市行政应诉案件124件,负责人出庭应诉122件,行政机关负责人出庭应诉率98.4%。"


@pytest.mark.parametrize(
    "question,text,short",
    [
        ("2023年乌海市行政机关负责人出庭应诉率是多少？", "乌海市行政机关负责人出庭应诉率为98.4%。[1]", "98.4%"),
        ("2023年乌海市行政机关负责人出庭应诉率是多少？", WUHAI, "98.4%"),  # the clause naming the rate
        ("乌海市共有多少件行政应诉案件？其中负责人出庭应诉多少件？", WUHAI, "124件；122件"),  # each part, in order
        (
            "2018年税收收入增长了多少？",
            "一般公共预算收入94.7亿元、增长6.8%,其中税收收入60.2亿元、增长11.3%。",
            "增长11.3%",
        ),
        ("磴口县共有多少个人民调解委员会？", "全县共有64个调委会,254名调解员。", "64个"),  # the counter asked
        ("全年罚款多少？", "累计罚款3000余万元。", "3000余万元"),  # qualifier and magnitude kept
        ("综合行政执法局是什么时候挂牌运行的？", "磴口县综合行政执法局于2022年3月挂牌运行。", "2022年3月"),
        (
            "“三调联动”是哪三种调解的联动？",
            "推行人民调解、行政调解、司法调解“三调联动”工作机制。",
            "人民调解、行政调解、司法调解",
        ),
        (
            "乌海市出台了哪些地方性法规？",
            "先后出台《乌海市节约用水条例》、《乌海市城市绿化条例》。",
            "《乌海市节约用水条例》、《乌海市城市绿化条例》",
        ),
    ],
)
def test_the_direct_answer_is_the_fact_asked(question, text, short):
    assert direct_answer(question, text) == short


def test_a_question_is_split_into_the_parts_that_ask_something():
    assert question_parts("共有多少件行政应诉案件？其中负责人出庭应诉多少件？") == [
        "共有多少件行政应诉案件",
        "其中负责人出庭应诉多少件",
    ]
    assert question_parts("乌海市的法治政府建设") == ["乌海市的法治政府建设"]  # nothing asked: the whole
