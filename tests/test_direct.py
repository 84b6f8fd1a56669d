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
        ("出庭应诉的比例有多高？", "行政诉讼案件50件,行政机关负责人出庭应诉率96.2%。", "96.2%"),  # 比例 asks a rate
        (  # in a list of figures, the one after the part's own words
            "办理了多少件法律援助案件？其中刑事案件多少件？",
            "办理法律援助案件共712件(含民事304件、刑事341件、行政5件),完成率达118%。",
            "712件；341件",
        ),
        # Two asking clauses joined by a comma are two parts.
        ("长阳县集中评查的案卷有多少宗，优秀的占多少？", "评查案卷1268宗,优秀率72.4%,限期整改。", "1268宗；72.4%"),
        # A later part in other words than the text's: the figure after the one before it.
        ("调解中心受理了多少件纠纷？调成了多少件？", "受理涉外商事纠纷386件,调解成功341件。", "386件；341件"),
        ("全年罚款多少？", "累计罚款3000余万元。", "3000余万元"),  # qualifier and magnitude kept
        ("高新技术企业总量达到多少？", "国家高新技术企业总量达2.47万家。", "2.47万家"),  # magnitude and counter
        ("出口总量连续多少年居首位？", "2023年,出口总量连续31年居内地城市首位。", "31年"),  # 年 of a span, not a year
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
        # The words right before 多少 say which figure: 调解成功, not 排查矛盾纠纷.
        (
            "调解成功了多少起矛盾纠纷？成功率多少？",
            "全年排查矛盾纠纷231起,调处214起,调解成功209起,调解成功率97.7%;",
            "209起；97.7%",
        ),
        ("到2025年地区生产总值要达到多少？", "地区生产总值年均增长7%左右,到2025年达到7800亿元左右;", "7800亿元左右"),
        # Two things counted in one part: each item's figure, in order.
        (
            "2020年办理了多少件人大代表建议和政协提案？",
            "办理人大代表建议386件、政协提案512件,办复率均为100%。",
            "386件；512件",
        ),
        ("在2019年度考评中，南沙区排第几？", "在广州市2019年度法治政府建设考评中,我区位列全市第二名。", "第二名"),
        ("排名第几？", "合规率在383个县市区排名第一。", "第一"),  # the rank, not the size of the field
        (
            "哪几种民间艺术形式编排成了法治节目？",
            "创新运用土家族“撒叶儿嗬”、南曲、山歌等民间艺术形式编排法治节目32个。",
            "“撒叶儿嗬”、南曲、山歌",
        ),
        (
            "每年什么时候之前报告进展情况？",
            "每年都要按照《决定》要求,于11月底前向市政府报告依法行政进展情况。",
            "11月底前",
        ),
        ("在2022年度考核中被评为什么等次？", "在渭南市2022年度法治政府建设考核中,我县被评为优秀等次。", "优秀等次"),
        ("政府工作报告是哪位市长作的？", "洛阳市人民政府市长 刘宛康", "刘宛康"),
    ],
)
def test_the_direct_answer_is_the_fact_asked(question, text, short):
    assert direct_answer(question, text) == short


def test_a_question_is_split_into_the_parts_that_ask_something():
    assert question_parts("共有多少件行政应诉案件？其中负责人出庭应诉多少件？") == [
        "共有多少件行政应诉案件",
        "其中负责人出庭应诉多少件",
    ]
    assert question_parts("2023年，乌海市出庭应诉率是多少？") == ["2023年，乌海市出庭应诉率是多少"]  # one asks
    assert question_parts("乌海市的法治政府建设") == ["乌海市的法治政府建设"]  # nothing asked: the whole
