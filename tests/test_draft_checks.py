"""What a model draft must respect beyond its numbers being in its sources (qa/checks.py): the
row a table cell is in, a rate each part asks, a total rather than its 其中 part, a kind of
thing no source names, and a name may be short."""

from __future__ import annotations

from assistant.core.types import Chunk, Hit, Report
from assistant.qa.checks import (
    Expect,
    action_problems,
    against_direction,
    bound_for_count,
    count_for_share,
    draft_problems,
    growth_problems,
    part_problems,
    share_problems,
    states_no_change,
    subcount_problems,
    table_problems,
    total_problems,
    unheld_name,
    unnamed_kind,
    unsaid_act,
    years_problems,
)
from assistant.qa.citing import as_written
from assistant.qa.sources import Source
from assistant.text.measures import measure_asked


def _source(text: str, n: int = 1, year: int = 2024) -> Source:
    report = Report(
        report_id=f"qingxi-{year}",
        source=f"qingxi-{year}.txt",
        version="v1",
        raw_sha256="",
        encoding="utf-8",
        place="青溪县",
        year=year,
    )
    chunk = Chunk(
        chunk_id=f"c{n}",
        report_id=f"qingxi-{year}",
        version="v1",
        index=0,
        start=0,
        end=len(text),
        text=text,
        section="一、主要工作",
    )
    return Source(n=n, hit=Hit(chunk, report, 1.0, 1.0, 0.0))


def test_a_figure_after_a_rows_label_must_be_that_rows():
    source = _source("办理结果\t件数\n予以公开\t21\n部分公开\t6\n不予公开\t4")
    assert table_problems("予以公开的有4件[1]", [source]) == ["数字 4 不是表格中“予以公开”一行的数字"]
    assert table_problems("予以公开的有21件，不予公开4件[1]", [source]) == []


def test_a_rate_one_part_asks_must_be_given_when_the_cited_clause_states_it():
    question = "全州复议申请多少件，同比增长多少，纠错率又是多少？"
    source = _source("全州收到复议申请218件,同比增长31.3%;受理196件,纠错率13.8%。")
    expect = Expect(terms=["复议", "申请", "纠错率"], exempt=set(), wants_number=True, question=question)
    assert any(
        "纠错率" in p for p in draft_problems("收到复议申请218件，同比增长31.3%，纠错率偏高[1]", [source], expect)
    )
    assert not any("纠错率" in p for p in draft_problems("申请218件，增长31.3%，纠错率13.8%[1]", [source], expect))


def test_a_name_set_in_quotes_is_an_answer_however_short():
    source = _source("将全县在建工程项目全部纳入“安薪仙居”监管平台。")
    expect = Expect(terms=["欠薪", "监管平台"], exempt=set(), question="那个欠薪监管平台叫什么名字？")
    assert "回答没有实质内容" not in draft_problems("安薪仙居[1]", [source], expect)
    assert "回答没有实质内容" in draft_problems("平台[1]", [source], expect)
    ranked = _source("在全省法治政府建设年度考评中,林区排名第3。")
    assert "回答没有实质内容" not in draft_problems("林区排名第3[1]", [ranked], expect)  # a figure with its words
    assert "回答没有实质内容" in draft_problems("[1] 第3", [ranked], expect)


def test_a_kind_no_source_names_is_not_answered_by_the_whole():
    texts = ["县矛盾纠纷调处化解中心受理纠纷584件,化解率95.9%。"]
    assert unnamed_kind(measure_asked("平遥县2024年调处了多少起涉外纠纷？"), texts) == "涉外"
    assert unnamed_kind(measure_asked("平遥县2024年受理了多少件纠纷？"), texts) is None


def test_when_it_happened_is_no_kind_of_the_thing_counted():
    texts = ["对现行有效的规范性文件进行了全面排查清理,宣布废止文件23件。"]
    assert unnamed_kind(measure_asked("武威市全面清理规范性文件，最后作废了多少件？"), texts) is None


def test_a_loosely_named_rate_is_not_answered_by_a_rate_of_another_kind():
    texts = ["全区人民调解组织412个,调解矛盾纠纷3180件,调解成功率98.5%。"]
    asked = measure_asked("大兴安岭地区2024年行政复议案件里调解和解的比例有多高？")
    assert unnamed_kind(asked, texts) == "和解"
    expect = Expect(terms=["调解", "和解"], exempt=set(), wants_number=True, measure=asked, question="")
    assert "资料中没有说到“和解”" in " ".join(draft_problems("调解和解的比例为98.5%[1]", [_source(texts[0])], expect))
    # the asker's words for what the report names otherwise, and the place's own name, need not be in it
    settled = ["县劳动人事争议仲裁院审结仲裁案件598件,仲裁结案率97.7%。"]
    assert unnamed_kind(measure_asked("仙居劳动仲裁院办结的比例是多少？"), settled, ("仙居县",)) is None
    court = ["行政机关负责人出庭应诉率98.4%。"]
    assert unnamed_kind(measure_asked("瑞丽负责人到庭应诉的比例是多少？"), court, ("瑞丽市",)) is None


def test_a_total_asked_is_not_answered_by_its_其中_part():
    source = _source("三是为1318名劳动者追发工资等待遇2365万元,其中为农民工追发工资1960万元;")
    question = "人社局帮多少名劳动者追回了工资待遇？一共多少钱？"
    expect = Expect(terms=["劳动者", "工资"], exempt=set(), wants_number=True, question=question)
    assert total_problems("帮1318名劳动者追回工资，其中为农民工追发1960万元[1]", [source], expect) == [
        "问题问的是总数，1960万元是“其中”的一部分，所引资料中的总数是2365万元"
    ]
    assert total_problems("1318名劳动者，共2365万元[1]", [source], expect) == []
    unasked = Expect(terms=["农民工"], exempt=set(), question="为农民工追发了多少工资？")
    assert total_problems("为农民工追发工资1960万元[1]", [source], unasked) == []


def test_a_count_keeps_the_counter_the_report_gives_it():
    source = _source("建立兵地矛盾纠纷联合调处机制,兵地联合调解纠纷137件。")
    assert as_written("兵地一起调解了137起纠纷。[1]", [source]) == "兵地一起调解了137件纠纷。[1]"
    assert as_written("调解了137件纠纷，另有12起。[1]", [source]) == "调解了137件纠纷，另有12起。[1]"  # 12 is not in it


def test_a_share_is_not_a_head_count_and_a_growth_is_not_a_rate():
    rate = _source("乡镇综合执法人员持证率由71%提高到96%。")
    counted = Expect(terms=["持证"], exempt=set(), question="全县有多少名持证行政执法人员？")
    assert share_problems("有96名持证行政执法人员[1]", [rate], counted) == [
        "数字 96名 在资料中是“96%”，是比例，不是数量"
    ]
    growth = _source("一是全市行政复议机关收到复议申请2846件,同比增长9.7%;")
    asked = Expect(terms=["复议"], exempt=set(), question="申请复议的有多少件？被纠错的比例是多少？")
    assert growth_problems("2846件，纠错的比例是9.7%[1]", [growth], asked) == [
        "数字 9.7% 在资料中是“同比增长9.7%”，是增减幅度，不是问题问的比例"
    ]
    grew = Expect(terms=["复议"], exempt=set(), question="复议申请同比增长率是多少？")
    assert growth_problems("增长9.7%[1]", [growth], grew) == []  # a growth asked is answered by one


def test_a_change_right_after_a_count_is_that_counts_not_another():
    from assistant.qa.checks import measure_matcher, measure_problems

    question = "瑞丽2024年市政府收到多少件行政复议申请？"
    asked = measure_asked(question)
    source = _source("1.市政府收到行政复议申请83件，同比增长22.1%。")
    expect = Expect(terms=["复议", "申请"], exempt=set(), measure=asked, names_measure=measure_matcher(question, asked))
    assert measure_problems("收到行政复议申请83件，同比增长22.1%[1]", [source], expect) == []


def test_a_question_about_two_years_of_a_place_is_answered_for_each_year_the_library_holds():
    question = "青溪县持证行政执法人员2023年和2024年分别有多少名？"
    earlier = _source("全县持证行政执法人员2140名,全年组织执法人员培训6期。", 1, 2023)
    later = _source("全县持证行政执法人员2235名,组织执法人员培训8期。", 2, 2024)
    expect = Expect(terms=["持证"], exempt=set(), question=question, scope_ids=("qingxi-2023", "qingxi-2024"))
    assert years_problems("全县持证行政执法人员2140名[1]。", [earlier, later], expect) == [
        "问题问了2023年、2024年，回答没有2024年的数字"
    ]
    assert years_problems("2023年2140名[1]，2024年2235名[2]。", [earlier, later], expect) == []
    # a year the library does not hold for the place is not asked of the draft
    alone = Expect(terms=["持证"], exempt=set(), question=question, scope_ids=("qingxi-2023",))
    assert years_problems("全县持证行政执法人员2140名[1]。", [earlier], alone) == []


def test_a_part_asking_how_many_of_the_whole_did_one_thing_needs_a_figure_saying_it():
    question = "全市收到多少件行政复议申请？其中被撤销的有几件？"
    sources = [
        _source("全市共收到行政复议申请1186件,同比增长12.4%;受理1093件,其中维持689件、撤销97件。"),
        _source("对征地拆迁等领域发出行政复议意见书和建议书22份。", n=2),
    ]
    expect = Expect(terms=["行政复议", "申请", "撤销"], exempt=set(), wants_number=True, question=question)
    assert subcount_problems("收到1186件[1]，其中被撤销的有22份[2]。", sources, expect)
    assert subcount_problems("收到1186件，其中撤销97件[1]。", sources, expect) == []


def test_a_count_of_one_step_is_not_the_figure_of_another_step_in_the_same_sentence():
    question = "青溪县专项督查发现的问题改了多少？整改率多少？"
    sources = [_source("开展执法专项督查,发现问题64个,已整改61个,整改率95.3%。")]
    expect = Expect(terms=["督查", "问题"], exempt=set(), wants_number=True, question=question)
    assert action_problems("发现的问题改了64个，整改率95.3%[1]。", sources, expect)  # 64个 were found
    assert action_problems("已整改61个，整改率95.3%[1]。", sources, expect) == []
    # a verb of two characters too, and a figure with no rival of its unit is left alone
    asked = Expect(terms=["诉求"], exempt=set(), wants_number=True, question="收集的企业诉求解决了多少件？")
    said = [_source("收集企业诉求420件,已解决396件,办结率94.3%。")]
    assert action_problems("收集企业诉求420件[1]。", said, asked)
    assert action_problems("已解决396件[1]。", said, asked) == []
    assert action_problems("办结率94.3%[1]。", said, asked) == []


def test_a_name_the_question_quotes_must_be_in_the_sources():
    texts = ["乡人民调解委员会和16个村(社区)调委会共有调解员112名。"]
    assert unheld_name("坂中畲族乡的“畲乡和事佬”调解队伍有多少人？", texts) == "畲乡和事佬"
    assert unheld_name("“调委会”有多少个？", texts) is None
    assert unheld_name("调解员有多少名？", texts) is None
    assert unheld_name("出台的“八五”普法规划文件叫什么？", texts) is None  # a shorthand the report may spell out


def test_a_unit_inside_the_place_asked_must_be_in_the_sources():
    held = ("绍兴市柯桥区",)
    asked = "柯桥的钱清街道2024年办了多少件案件？"
    assert unheld_name(asked, ["全区查处行政违法案件1.38万件"], held) == "钱清街道"  # the district's total
    assert unheld_name(asked, ["钱清街道｜44｜912｜236"], held) is None
    assert unheld_name("曲靖这次考核覆盖了哪几个县市区？", ["（三）在考核中弄虚作假的"], held) is None  # no name
    assert unheld_name("柯桥在绍兴市考核里排第几？", ["在全市考核中位居第3"], held) is None  # a parent, not inside


def test_a_clause_ending_in_a_level_word_is_no_unit_to_find():
    held = ("乌海市", "武威市", "乌鲁木齐县")
    texts = ["我市乌达区、海南区被命名为自治区法治政府建设示范区。"]
    assert unheld_name("乌海市哪两个部门的项目被命名为全区法治政府建设示范项目？", texts, held) is None
    assert unheld_name("武威市2021年对多少名县级干部进行了集中培训？", texts, held) is None
    assert unheld_name("乌鲁木齐县聘用县聘法律顾问时，要求律师具备哪些专业的法律知识？", texts, held) is None


def test_a_part_asked_is_not_answered_by_the_total_it_is_part_of():
    question = "全市对企业检查了多少次？"
    sources = [_source("全市开展行政检查67034次,其中对企业的检查41260次。")]
    expect = Expect(terms=["企业", "检查"], exempt=set(), wants_number=True, question=question)
    assert part_problems("全市对企业检查了67034次[1]。", sources, expect)
    assert part_problems("全市对企业检查了41260次[1]。", sources, expect) == []
    # a word the total's clause says in other words is no part's own: 持证 of 持有…证件的人员
    staff = [_source("全市持有行政执法证件的人员9480名,其中乡镇(街道)执法人员1920名。")]
    asked = Expect(terms=["持证", "执法人员"], exempt=set(), wants_number=True, question="全市持证执法人员有多少名？")
    assert part_problems("全市持证执法人员9480名[1]。", staff, asked) == []


def test_a_kind_the_sources_say_with_words_between_its_two_characters_is_said():
    texts = ["全市持有行政执法证件的人员9480名"]
    assert unnamed_kind(measure_asked("全市的持证执法人员有多少名？"), texts) is None
    assert unnamed_kind(measure_asked("复议案件靠调解和解结案的比率是多少？"), ["复议案件调解成功率98.3%"]) == "和解"


def test_how_much_a_figure_grew_is_not_answered_by_the_figure_alone():
    asked = "2022年行政复议申请同比增长了多少？"
    assert states_no_change(asked, "2022年全市收到行政复议申请1364件,综合纠错率11.2%;")
    assert not states_no_change(asked, "全市收到行政复议申请1769件,同比增长27.8%;")
    assert not states_no_change("2022年收到多少件行政复议申请？", "收到行政复议申请1364件")  # no change asked


def test_a_share_asked_is_not_answered_by_a_count():
    question = "平江县的工作报告有没有讲2023年县里行政诉讼输掉的比例？"
    assert count_for_share(question, "一审行政诉讼案件142件,行政机关负责人全部出庭应诉。")
    assert not count_for_share("曲阜一审行政诉讼败诉率多少？", "败诉率｜6.3%｜4.6%｜2.3%")
    assert not count_for_share("在全省率先建成的平台叫什么？", "建成“吾解纷”平台")  # 率先 asks no rate
    expect = Expect(terms=["行政诉讼"], exempt={"2023"}, wants_number=True, question=question)
    source = _source("一审行政诉讼案件142件,行政机关负责人全部出庭应诉。")
    assert "问题问的是比例，回答只给了数量" in draft_problems("一审行政诉讼案件142件[1]。", [source], expect)


def test_a_limit_the_text_sets_is_no_count_of_what_was_done():
    assert bound_for_count("固始县2024年涉企行政检查一共搞了多少次？", "不超过2次")
    assert not bound_for_count("同一企业一年被检查的上限是多少次？", "不超过2次")
    assert not bound_for_count("满意率多少？", "98%以上")  # what was reached, not a limit
    assert not bound_for_count("受理了多少件？", "超过300件")
    # a threshold that describes something else: "被检查超过2次的情况"
    assert bound_for_count(
        "一共查了企业多少次？", "超过2次", "对同一企业一个季度内被检查超过2次的情况,由区司法局核实。"
    )


def test_a_change_the_other_way_from_the_one_asked_is_about_something_else():
    assert against_direction("同比降了多少", "三是推动区内企业新增发明专利授权1120件,同比增长17.8%;")
    assert not against_direction("同比降了多少", "全年开展涉企检查2532次,同比下降31.6%。")
    assert not against_direction("比上一年升了还是降了", "纠错率8.1%,较上年提高1.2个百分点。")  # both asked
    # lay words point too: "变少" is down, "变多" up (text/changes.py, shared with the table reader)
    assert against_direction("哪一项变少了", "办理行政许可事项1.2万件，同比增长6.5%。")
    assert against_direction("比上年变多了多少", "涉企检查次数同比下降26.3%。")
    assert not against_direction("比上年变多了多少", "受理复议申请412件，较上年增加37件。")


def test_a_direction_asked_needs_a_stated_change():
    question = "宜宾2024年的行政处罚决定数比上年多了还是少了？"
    assert states_no_change(question, "行政处罚                 18630")
    assert not states_no_change(question, "作出行政处罚决定18630件,较上年增加1204件。")
    assert states_no_change("罚没款比上年减少了百分之多少？", "全系统查办各类案件2865件,罚没款3260万元。")
    assert not states_no_change("信访量下降了多少？", "信访总量1.3万件次，比上年回落4.2%。")  # 回落 is a change


def test_points_asked_are_the_points_of_the_rate_named_before():
    asked = measure_asked("阿勒泰市2023年复议纠错率比上一年升了还是降了，差几个百分点？")
    assert asked.head == "纠错率" and asked.precise


def test_an_act_asked_that_no_source_says_is_not_answered_by_a_figure_of_the_whole():
    texts = ["截至2024年底,全旗持证行政执法人员1387名,其中苏木镇(街道)综合执法人员312名。"]
    assert unsaid_act("青溪旗2024年新招录了多少执法人员？", texts) == "招录"
    assert unsaid_act("青溪旗2024年新招录了多少执法人员？", ["新招录执法人员36名,全部经过岗前培训。"]) is None
    assert unsaid_act("全县办理了多少件法律援助案件？", ["无关的句子。"]) is None  # 办理 says nothing of its own
    assert unsaid_act("最后作废了多少件？", ["清理规范性文件,废止12件。"]) is None  # 作废 is the report's 废止


def test_a_report_cited_for_none_of_the_answers_figures_is_not_quoted_as_its_account():
    from assistant.qa.citing import cite

    earlier = _source("一是举办全县执法人员培训班4期,培训1060人次;", n=1, year=2023)
    later = _source("持证行政执法人员(名)|1046|1102|1168", n=2, year=2025)
    cited = cite([earlier, later], "2023年以来持证执法人员从1046名增加到1168名 [1][2]。", ["持证", "执法"])
    assert [c.report_id for c in cited] == ["qingxi-2025"]
    # an answer without figures keeps every source it cites
    said = cite([earlier, later], "全县举办了执法人员培训班 [1][2]。", ["培训"])
    assert [c.report_id for c in said] == ["qingxi-2023", "qingxi-2025"]
