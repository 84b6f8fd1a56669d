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
            "人大代表建议386件；政协提案512件",
        ),
        # Items listed with 分别/各: each item with its own figure, the figure after or before it.
        (
            "撤销、变更和确认违法的决定分别有多少件？",
            "全年审结复议案件208件,其中撤销行政行为9件、变更3件、确认违法6件。",
            "撤销9件；变更3件；确认违法6件",
        ),
        (
            "法律援助案件里民事、刑事、行政案件各多少件？",
            "办理法律援助案件共712件(含民事304件、刑事341件、行政5件),完成率达118%。",
            "民事304件；刑事341件；行政5件",
        ),
        (
            "评出了几个示范乡镇和示范村？",
            "年内评出3个法治示范乡镇和17个民主法治示范村。",
            "示范乡镇3个；示范村17个",
        ),
        # One clause that asks twice: both figures, each of the counter asked.
        ("给多少个站所配了多少台执法终端？", "为全县23个基层站所配发执法终端96台。", "23个；96台"),
        ("把多少个窗口整合成了几个？", "将原有的41个办事窗口整合为12个综合窗口。", "41个；12个"),
        # A change: the figure and the comparison after it — not the sentence's next figure.
        ("政策解读条数较上年有什么变化？", "报备政策解读612条,较上年翻一番。", "612条,较上年翻一番"),
        ("纠错率这两年是怎么变的？", "审结1502件,纠错率7.1%,调解和解结案388件。", "7.1%"),
        # Two figures in one clause answer two parts in order, the second after the first.
        (
            "2023年地区生产总值是多少？增长了多少？",
            "全市地区生产总值3.46万亿元、增长6.0%。战略性新兴产业增加值增长8.8%。",
            "3.46万亿元；增长6.0%",
        ),
        # A later part the text answers after the earlier one: the 年报率 after 合作社's count.
        (
            "个体工商户有多少户公示了年报？年报率是多少？",
            "其中企业2310户,年报率96.5%,个体工商户8420户,年报率80.2%。",
            "8420户；80.2%",
        ),
        # A count over years keeps its span: 11 cases since 2019 are not one year's.
        ("办理了多少件复议案件？", "2019年以来我县共办理行政复议案件11件,均依法审结。", "2019年以来11件"),
        ("评查是什么时候开展的？", "9月3日至9月7日,抽取案卷60本开展集中评查。", "9月3日至9月7日"),
        ("多久开展一次清理？", "建立规范性文件动态清理机制,每两年开展一次全面清理。", "每两年"),
        (
            "有没有发生重大安全事故？",
            "全年未发生一起较大以上安全生产事故。",
            "没有（全年未发生一起较大以上安全生产事故）",
        ),
        ("获得了什么国家级称号？", "建成诚信档案8800份,获评全国守信激励创新试点城市。", "全国守信激励创新试点城市"),
        (
            "哪个项目获评省级法治政府建设示范项目？",
            "我县入选全国百强县,“首违不罚”清单制度获评省级法治政府建设示范项目。",
            "“首违不罚”清单制度",
        ),
        ("领导小组由谁担任组长？", "成立专项整治领导小组,由县委副书记担任组长,分管副县长任副组长。", "县委副书记"),
        ("哪件作品获了一等奖？", "微电影《守护》获全省法治微电影大赛一等奖。", "《守护》"),
        ("实际利用外资多少？", "实际使用外资18.7亿美元,同比增长6%。", "18.7亿美元"),
        (
            "分了几个方面、定了多少项任务？",
            "工作要点分十个方面、四十二项任务。",
            "十个方面；四十二项任务",
        ),  # a digit before its counter; two counts given together each name what they count
        ("有多少个调委会、多少名调解员？", "全县共有64个调委会,254名调解员。", "64个调委会；254名调解员"),
        ("调解工作室是哪位领衔的？", "成立由退休法官周建华领衔的调解工作室。", "周建华"),
        # a yes-or-no question is decided by the clause about it, not by another clause's denial
        (
            "有没有发生森林火灾？烧了多大面积？",
            "全年发生森林火灾1起,过火面积0.8公顷,未发生较大以上安全生产事故。",
            "有（全年发生森林火灾1起）；0.8公顷",
        ),
        (
            "到2025年地区生产总值要做到多少？",
            "到2025年全市地区生产总值突破5000亿元,港口吞吐量达到4亿吨。",
            "突破5000亿元",
        ),
        ("在全省考评里排第几？", "在全省法治政府建设年度考评中,林区排名第3,首次进入前三。", "排名第3"),
        ("法治环境指标排第几？", "法治环境指标排名第6,较上年前移4位。", "排名第6,较上年前移4位"),  # how it moved
        ("3.几项任务？", "3.明确重点任务31项。", "31项"),  # an item's number is not a figure
        # a verb two counts share: the count of the thing named, not the verb's first count
        ("录入了多少条行政处罚？", "共认领企业1403家,录入行政许可4479条,行政处罚1985条。", "1985条"),
        ("复议案件有几件？同比怎样？", "行政复议案件27件,同比下降12.9%,审结后维持21件。", "27件；同比下降12.9%"),
        # what is counted, in the question's words, over the words before 几 (its subject)
        (
            "综合执法队有几个持证执法人员，接了多少项执法事项？",
            "配备持证执法人员46名；镇综合行政执法队承接赋权的执法事项92项。",
            "46名；92项",
        ),
        ("委员会主任由谁来当？", "委员会主任由市政府分管负责同志担任。", "市政府分管负责同志"),
        (
            "这份报告是哪天、在第几届第几次会议上作的？",
            "——2025年1月8日在安溪县第十八届人民代表大会第五次会议上",
            "2025年1月8日；安溪县第十八届人民代表大会第五次会议",
        ),
        # A free-form part said by the sentence the other part's answer comes from adds nothing.
        (
            "三项调解是怎么衔接的？实行的是什么机制？",
            "三项调解实行“一站受理、分流调处”的联动机制。",
            "“一站受理、分流调处”的联动机制",
        ),
        # An extractive answer's label (根据…2021年报告) is not what the quoted sentence dates.
        ("有几件文件失效？是哪一年的事？", "根据磴口县2021年报告：“2020年有1件规范性文件失效。” [1]", "1件；2020年"),
        (
            "在2019年度考评中，南沙区排第几？",
            "在广州市2019年度法治政府建设考评中,我区位列全市第二名。",
            "位列全市第二名",
        ),
        # the rank, not the size of the field — but with it, for what 第一 is of
        ("排名第几？", "合规率在383个县市区排名第一。", "383个县市区排名第一"),
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
        # "输了没有" asks yes or no of 败诉 (a 官司 is a 诉讼), and "全年无败诉案件" says no
        (
            "当被申请人的复议有几件，当被告的行政官司有几件，输了没有？",
            "以县人社局为被申请人的行政复议案件6件,其中维持5件;以县人社局为被告的行政诉讼案件4件,全年无败诉案件。",
            "6件；4件；没有（全年无败诉案件）",
        ),
        # a figure of another kind (a table cell with no 件) naming what is asked beats a counted one naming nothing
        (
            "新收到多少件申请？予以公开的有几件？",
            "全年新收申请47件,其中自然人申请39件;予以公开\t21",
            "47件；21",
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
    assert question_parts("2023年，乌海市出庭应诉率是多少？") == ["2023年，乌海市出庭应诉率是多少"]  # one asks
    assert question_parts("乌海市的法治政府建设") == ["乌海市的法治政府建设"]  # nothing asked: the whole
    # a 、 between two asking clauses parts them as a comma does; one listing what a clause asks does not
    assert question_parts("林业局检查了多少次、立了多少案？") == ["林业局检查了多少次", "立了多少案"]
    assert question_parts("行政复议、行政诉讼各有多少件？") == ["行政复议、行政诉讼各有多少件"]


def test_a_score_and_a_rank_asked_in_one_clause_are_each_read_off():
    text = "我县得分94.3分，在全市6个县（市、区）中排名第2，与上年持平。"
    assert direct_answer("多少分、排第几，名次跟前一年比有变化吗？", text) == "94.3分；排名第2，与上年持平"


def test_a_bare_rank_is_given_as_the_cited_report_writes_it():
    from assistant.qa.direct import ranks_as_written

    quotes = ["在上饶市2024年度政务公开工作考核中,婺源县位列全市第4。"]
    assert ranks_as_written("婺源在上饶市的考核中排第几？", "排第4", quotes) == "位列全市第4"
    two = ["考评中位列第5。", "考评中位列第2,较上年前移3位"]
    assert ranks_as_written("名次分别是多少？", "2022年：第5；2024年：第2", two) == "2022年：位列第5；2024年：位列第2"
    assert ranks_as_written("办了多少件？", "第4", quotes) == "第4"  # not a rank asked: untouched


def test_a_question_asking_from_which_day_to_which_gets_the_whole_span_a_quote_writes_out():
    from assistant.qa.direct import spans_as_written

    quotes = ["报告及统计数据的时段为上年11月1日至本年10月31日,2009年度报告的统计时段为2008年11月1日至2009年10月31日。"]
    asked = "陇南市2009年度报告的统计时段是从哪天到哪天？"
    assert spans_as_written(asked, "11月1日", quotes) == "2008年11月1日至2009年10月31日"
    two = ["2008年度为2007年11月1日至2008年10月31日,2009年度为2008年11月1日至2009年10月31日"]
    assert spans_as_written(asked, "11月1日", two) == "2008年11月1日至2009年10月31日"  # the year asked
    assert spans_as_written("统计时段从哪天到哪天？", "11月1日", two) == "11月1日"  # two spans, none asked: as it was
    assert spans_as_written("报告是哪天印发的？", "11月1日", quotes) == "11月1日"  # one day asked: untouched
    whole = "2008年11月1日至2009年10月31日"
    assert spans_as_written(asked, whole, quotes) == whole


def test_a_change_asked_between_two_years_is_computed_only_from_two_bare_figures_of_one_unit():
    from assistant.qa.direct import moved_between

    asked = "跟2023年相比，2024年的收案量涨了多少件？"
    assert moved_between(asked, (2023, "1384件"), (2024, "1769件")) == (
        "增加385件（2023年1384件，2024年1769件）",
        "385",
    )
    assert moved_between("纠错率比上年下降了多少？", (2023, "9.2%"), (2024, "7%")) == (
        "下降2.2个百分点（2023年9.2%，2024年7%）",
        "2.2",
    )
    assert moved_between(asked, (2023, "1384件"), (2024, "1384件"))[0].startswith("持平")
    assert moved_between(asked, (2023, "1300余件"), (2024, "1769件")) is None  # a bound is not a value
    assert moved_between(asked, (2023, "1384件"), (2024, "17.6万元")) is None  # two units: two things
    assert moved_between("2024年收了多少件？", (2023, "1384件"), (2024, "1769件")) is None  # no change asked


def test_which_figure_is_larger_is_read_off_the_figures_given_not_the_models_word():
    from assistant.qa.direct import which_is_more

    pieces = [("武威市2021年", "147件"), ("醴陵市2023年", "122件")]
    assert which_is_more("分别是多少？哪个多？", pieces) == "武威市2021年更多"
    assert which_is_more("分别是多少？谁的少？", pieces) == "醴陵市2023年更少"
    rates = [("乌海市", "98.4%"), ("磴口县", "100%"), ("武威市", "96%")]
    assert which_is_more("出庭应诉率哪个最高？", rates) == "磴口县最高"
    assert which_is_more("哪个多？", [("甲", "147件"), ("乙", "147件")]) == "两者相同，均为147件"
    assert which_is_more("哪个多？", [("甲", "147件"), ("乙", "120余件")]) is None  # a bound cannot be ranked
    assert which_is_more("哪个多？", [("甲", "147件"), ("乙", "98.4%")]) is None  # two units
    assert which_is_more("分别是多少？", pieces) is None  # not asked


def test_a_change_asked_is_answered_with_where_the_figure_went_and_a_bound_keeps_its_word():
    from assistant.qa.direct import direct_answer, figures_of

    moved = "新区管委会及其部门的行政诉讼败诉率由2021年的8.7%下降到2024年的3.1%。"
    assert direct_answer("败诉率从2021年到2024年是怎么变化的？", moved) == "8.7%下降到2024年的3.1%"
    assert figures_of("全年诉前化解行政争议不少于60件") == [("不少于60件", "60")]


def test_a_part_asking_how_many_of_the_whole_did_a_thing_the_text_never_says_gets_no_figure():
    from assistant.qa.direct import direct_answer

    text = "全乡培育“法律明白人”148名、“法治带头人”32名。"
    assert direct_answer("培养了多少名法律明白人？其中畲族的有几个？", text) == "148名"  # not 32名 of 法治带头人
    # a clause that is only its figure counts what the clause before it names: 只有37名 畲族成员
    said = text + "二是“法律明白人”队伍中畲族成员比例偏低，只有37名。"
    assert direct_answer("培养了多少名法律明白人？其中畲族的有几个？", said) == "148名；37名"
    whole = "我市行政应诉案件124件,负责人出庭应诉122件。"
    assert direct_answer("共有多少件行政应诉案件？其中负责人出庭应诉多少件？", whole) == "124件；122件"


def test_a_growth_asked_is_the_bare_change_after_its_figure_and_days_asked_are_the_span():
    from assistant.qa.direct import direct_answer

    growth = "全市实现地区生产总值4931.6亿元,增长6.1%;一般公共预算收入286.4亿元。"
    assert direct_answer("江阴2023年GDP增速是多少？", growth) == "增长6.1%"
    visit = "2024年6月17日至21日,市督察组对我县开展了实地督察,7月12日反馈了督察意见。"
    assert direct_answer("督察组是哪几天来督察的？", visit) == "2024年6月17日至21日"


def test_an_outcome_asked_is_read_from_the_words_before_多少_and_other_words_are_not_one():
    from assistant.qa.direct import outcomes_asked

    assert outcomes_asked("行政复议以调解和解方式结案了多少件？") == {"结案"}
    assert outcomes_asked("其中被撤销的有几件？") == {"撤销"}
    assert outcomes_asked("复议案子里跟交通管理有关的有多少件？") == set()  # 有关 is no outcome
    assert outcomes_asked("结案数比上年增加了多少件？") == set()  # a change asked


def test_an_items_circled_number_is_no_figure_and_a_change_asked_is_the_change():
    from assistant.ingest.cleaning import normalize

    text = normalize("④全面落实轻微违法免罚清单，全年依法不予处罚2214件，较上年增加361件。")
    assert text.startswith("(4)")  # not a bare 4 that reads as a count
    assert direct_answer("轻微违法免罚的案件有多少件？", text) == "2214件"
    assert direct_answer("轻微违法免罚的案件2023年比前一年多了多少件？", text) == "增加361件"
