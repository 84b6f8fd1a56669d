"""Specifications of places as a hierarchy (text/places.py) and of who a document is about
(ingest/metadata.py): districts inside cities, banners, prefectures, new areas, departments,
and documents of other kinds whose generic words and far-off years must not be taken for a
place or a report year."""

from __future__ import annotations

import pytest

from assistant.ingest.metadata import extract
from assistant.text.places import find_chains, level_of, names_place, parent_of, place_stem, split_place


@pytest.mark.parametrize(
    "place,units,parent,level,stem",
    [
        ("深圳市光明区", ["深圳市", "光明区"], "深圳市", "区", "光明"),
        ("阿拉善盟阿拉善左旗", ["阿拉善盟", "阿拉善左旗"], "阿拉善盟", "旗", "阿拉善左"),
        ("延边朝鲜族自治州", ["延边朝鲜族自治州"], None, "州", "延边朝鲜族"),
        ("深圳市大鹏新区", ["深圳市", "大鹏新区"], "深圳市", "新区", "大鹏"),
        ("乌海市司法局", ["乌海市", "司法局"], "乌海市", "部门", "乌海市司法局"),
        (
            "内蒙古自治区巴彦淖尔市磴口县",
            ["内蒙古自治区", "巴彦淖尔市", "磴口县"],
            "内蒙古自治区巴彦淖尔市",
            "县",
            "磴口",
        ),
        ("醴陵市", ["醴陵市"], None, "市", "醴陵"),
        ("苏州工业园区", ["苏州工业园区"], None, "开发区", "苏州"),  # one unit, not 苏州 (a 州) + 工业园区
        ("青岛综合保税区", ["青岛综合保税区"], None, "开发区", "青岛"),  # a 综合保税区 is a zone, not a 区
        ("湖北省神农架林区", ["湖北省", "神农架林区"], "湖北省", "县", "神农架"),  # a county-level 林区
        # a people whose name holds a unit's suffix: 东乡族自治县 is one unit, not 东乡 (a 乡) + 族自治县
        ("临夏回族自治州东乡族自治县", ["临夏回族自治州", "东乡族自治县"], "临夏回族自治州", "县", "东乡族"),
    ],
)
def test_a_place_name_is_a_chain_of_units(place, units, parent, level, stem):
    assert split_place(place) == units
    assert parent_of(place) == parent and level_of(place) == level and place_stem(place) == stem


@pytest.mark.parametrize(
    "text,found",
    [
        ("城市中心区建设提速", []),  # generic words shaped like places
        ("建设国际化大都市", []),
        ("全市各县区", []),
        ("我市乌达区、海南区", ["乌达区", "海南区"]),
        ("2023年乌海市行政机关", ["乌海市"]),
        ("在深圳市第七届人民代表大会", ["深圳市"]),
        ("和田地区", ["和田地区"]),  # a real name starting with a character that is also a word
        ("2021年1月10日在开封市第十六届人民代表大会", ["开封市"]),  # the date's 日 and 在 are no name
        ("蓝田县在西安市年度考核中", ["蓝田县", "西安市"]),  # a joining word splits two places
        ("盐城市和思明区", ["盐城市", "思明区"]),  # a name ending in 城 is a place (主城区 is not)
        ("宁夏乡镇街道执法人员的持证率", []),  # 乡镇 is no 宁夏乡
        # a 和 inside a name's run joins two words: no place "兵团和师市" (师市 is 师市合一's word, 地方县 any county)
        ("兵团和师市2022年的行政复议案件", []),
        ("兵团第八师和周边地方县", []),
        ("北京和上海市", ["上海市"]),
        ("呼和浩特市、安徽省太和县和人和镇", ["呼和浩特市", "安徽省太和县", "人和镇"]),  # real names holding 和
        # the words before a province are not its name
        ("阿克苏地区行政公署在新疆维吾尔自治区党委的领导下", ["阿克苏地区", "新疆维吾尔自治区"]),
        ("曲靖给县级政府打分", []),  # a preposition before 县 (给县) is no name
        ("2022年以来达旗一共修复了多少亩矿区", ["达旗"]),  # 以来 leads no name; "一共…多少亩矿区" is a clause
        ("以青岛综保区管委会为被申请人", ["青岛综保区"]),
        ("跟矿区征地补偿有关的几件", []),  # 跟 is a preposition: no place 跟矿区
        ("嘉兴市乌镇镇人民政府", ["嘉兴市乌镇镇"]),  # a town named 乌镇: 乌镇镇, not 乌镇 + 镇
        ("景德镇市人民政府", ["景德镇市"]),  # a city named 景德镇, not the town 景德镇 + 市
        ("乌镇镇市场监管所", ["乌镇镇"]),  # but a town's 市场 is its market
        ("在全省11个设区市中排名第3", []),  # 设区的市: no district named 个设区
        ("紧扣国家陶瓷文化传承创新试验区建设", []),  # a programme's zone, not a unit of government
        ("方案已经市委、市政府同意", []),  # a clause before 市委, not a city named 已经市
    ],
)
def test_places_in_text_skip_generic_words_and_leading_function_words(text, found):
    assert [chain for _, _, chain in find_chains(text)] == found


@pytest.mark.parametrize(
    "question,place,expected",
    [
        ("深圳市光明区2021年…", "深圳市光明区", True),
        ("光明区2021年…", "深圳市光明区", True),
        ("光明2021年…", "深圳市光明区", True),
        ("深圳市2021年…", "深圳市光明区", False),  # the parent does not name the child
        ("乌鲁木齐市…", "乌鲁木齐县", False),
        ("合肥经开区2023年…", "合肥经济技术开发区", True),
        ("合肥高新区2023年…", "合肥经济技术开发区", False),  # another zone of the same city
        ("合肥高新技术产业开发区2023年…", "合肥经济技术开发区", False),
        ("互助县2024年…", "互助土族自治县", True),  # an autonomous county without its people
        ("宁夏2024年…", "宁夏回族自治区", True),
        ("新疆…", "新疆维吾尔自治区", True),
        ("广西壮族自治区2024年…", "宁夏回族自治区", False),  # 自治区 alone names no region
        ("苏州园区2024年…", "苏州工业园区", True),
        ("截至2024年底江北新区…", "南京江北新区", True),  # a 新区 by its own name, its city's left off
        ("苏州2024年…", "苏州工业园区", False),  # a city's name is not its zone's
        ("达旗2024年…", "达拉特旗", True),  # a banner of four or more characters by its first and 旗
        ("青岛综保区2023年…", "青岛综合保税区", True),
        ("青岛2023年…", "青岛综合保税区", False),
    ],
)
def test_a_question_names_a_place_by_full_name_own_unit_or_stem(question, place, expected):
    assert names_place(question, place) is expected


def _doc(title: str, body: str, signature: str = "") -> str:
    return "\n".join(x for x in (title, body, signature) if x)


BODY = (
    "2021年,我区坚持以习近平法治思想为指导,深入推进法治政府建设,全年办理行政复议案件12件,"
    "行政机关负责人出庭应诉率100%。\n一、主要工作\n(一)加强党的领导,法治政府建设持续推进。\n"
    "二、存在的问题\n法治宣传的针对性还需增强。\n三、下一步工作计划\n持续推进依法行政。"
)


@pytest.mark.parametrize(
    "title,signature,place,parent,level",
    [
        (
            "深圳市光明区2021年法治政府建设情况报告",
            "深圳市光明区人民政府\n2022年1月20日",
            "深圳市光明区",
            "深圳市",
            "区",
        ),
        ("阿拉善左旗2021年法治政府建设情况报告", "阿拉善左旗人民政府", "阿拉善左旗", None, "旗"),
        ("延边朝鲜族自治州2021年法治政府建设情况报告", "", "延边朝鲜族自治州", None, "州"),
        ("深圳市大鹏新区2021年法治政府建设情况报告", "深圳市大鹏新区管理委员会", "深圳市大鹏新区", "深圳市", "新区"),
        ("乌海市司法局2021年法治政府建设年度报告", "乌海市司法局\n2022年1月10日", "乌海市司法局", "乌海市", "部门"),
        (
            "思明区人民政府鹭江街道办事处关于2021年度法治政府建设情况的报告",
            "思明区人民政府鹭江街道办事处\n2022年2月20日",
            "思明区鹭江街道",
            "思明区",
            "街道",
        ),
        ("泉州市交通运输局\n2021年法治政府建设情况报告", "", "泉州市交通运输局", "泉州市", "部门"),  # two-line title
    ],
)
def test_the_reporting_body_is_read_whole_with_its_parent_and_level(title, signature, place, parent, level):
    meta = extract(_doc(title, BODY, signature))
    assert (meta.place, meta.parent, meta.level) == (place, parent, level)
    assert meta.kind == "法治政府建设年度报告" and meta.year == 2021


def test_the_parent_comes_from_the_salutation_when_the_name_does_not_give_it():
    meta = extract(_doc("醴陵市2023年法治政府建设情况报告", "中共株洲市委、株洲市人民政府：\n" + BODY))
    assert (meta.place, meta.parent, meta.addressee) == ("醴陵市", "株洲市", "中共株洲市委、株洲市人民政府")


WORK_REPORT = """政府工作报告
——2021年1月20日在深圳市第七届人民代表大会第二次会议上
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。
一、2020年工作回顾
全市地区生产总值增长3.1%，城市中心区功能持续提升，建设国际化大都市迈出新步伐。
二、“十四五”时期主要目标和2035年远景目标
到2035年，基本实现社会主义现代化。城市中心区更加繁荣，大都市建设全面推进。
三、2021年工作安排
各位代表，新征程已经开启，让我们奋勇前进！"""


def test_a_government_work_report_is_classified_and_its_traps_are_not_read_as_place_or_year():
    meta = extract(WORK_REPORT)
    assert meta.kind == "政府工作报告"
    assert meta.place == "深圳市"  # from the congress it was delivered to, not 中心区 or 大都市
    assert (meta.year, meta.date) == (2021, "2021-01-20")  # from its title block, never 2035 from 远景目标
    untitled = extract(WORK_REPORT.split("\n", 2)[2])  # without the title block: no year to read
    assert untitled.kind == "政府工作报告" and untitled.year is None and "year" in untitled.unsure


def test_a_plan_is_other_and_a_text_without_any_named_body_says_so():
    plan = extract("武威市法治政府建设实施方案\n为深入推进依法行政，制定本方案。\n一、总体要求")
    assert plan.kind == "其他" and plan.place == "武威市"
    unnamed = extract("一、主要工作\n全年办理行政复议案件12件。\n二、存在问题\n法治宣传不够。")
    assert unnamed.place is None and "place" in unnamed.unsure


def test_ingest_warns_when_a_file_is_not_an_annual_rule_of_law_report_and_records_its_kind(tmp_path, make_store):
    from assistant.ingest.pipeline import ingest_paths

    store, _ = make_store()
    (tmp_path / "shenzhen-gwr-2021.txt").write_text(WORK_REPORT, encoding="utf-8")
    [result] = ingest_paths([tmp_path], store, progress=False)
    assert result.status == "added" and "不是法治政府建设年度报告（识别为：政府工作报告）" in result.message
    [record] = store.reports()
    assert (record.kind, record.place, record.year) == ("政府工作报告", "深圳市", 2021)
    assert record.display_title == "政府工作报告" and not record.title_derived  # its own title line


def test_a_province_ending_in_州_is_read_whole_and_customary_short_names_are_known():
    from assistant.text.places import find_chains, short_names

    assert [p for *_, p in find_chains("贵州省人民政府关于2023年度法治政府建设情况的报告")] == ["贵州省"]
    assert {"锡盟", "锡林郭勒"} <= short_names("锡林郭勒盟")  # a league by its first character
    assert {"云梯乡", "云梯"} <= short_names("宁国市云梯畲族乡")  # an ethnic township without its people
    assert {"鄂伦春旗", "鄂伦春"} <= short_names("鄂伦春自治旗")  # a banner named for its people
    assert {"鄂温克旗", "鄂温克"} <= short_names("鄂温克族自治旗")


@pytest.mark.parametrize(
    "text, chains",
    [
        ("平遥县人民政府在晋中市委、市政府和县委的坚强领导下", ["平遥县", "晋中市"]),
        (
            "瑞丽市人民政府在德宏傣族景颇族自治州州委、州政府和瑞丽市委的领导下",
            ["瑞丽市", "德宏傣族景颇族自治州", "瑞丽市"],
        ),
        ("认真贯彻落实市委市政府和县委决策部署", []),  # a clause that runs into 市 names no place
        ("认真落实株洲市委部署", ["株洲市"]),
        ("预计全年实现地区生产总值增长6%", []),
        ("积极融入促进中部地区崛起", []),
        ("陇南市要求各县(区)每年报告进展情况", ["陇南市"]),  # 各县 is every county
    ],
)
def test_a_chain_holds_names_not_the_clause_or_the_government_around_them(text, chains):
    assert [chain for _, _, chain in find_chains(text)] == chains


def test_a_department_is_known_by_the_short_name_people_use_for_it():
    from assistant.text.places import short_names

    assert {"仙居县人社局", "仙居人社局"} <= short_names("仙居县人力资源和社会保障局")
    assert {"湖南省交通厅", "湖南交通厅"} <= short_names("湖南省交通运输厅")
    assert "乌海司法局" in short_names("乌海市司法局")  # a name with no customary short form keeps its own


def test_a_city_is_known_by_the_nickname_people_call_it_and_a_district_is_not():
    from types import SimpleNamespace

    from assistant.text.places import PlaceIndex, short_names

    report = lambda place, parent=None: SimpleNamespace(place=place, parent=parent)  # noqa: E731

    assert "鹏城" in short_names("深圳市") and "鹏城" not in short_names("深圳市光明区")
    assert "光谷" in short_names("武汉东湖新技术开发区")
    index = PlaceIndex([report("深圳市"), report("深圳市光明区", parent="深圳市")])
    assert index.named("鹏城2023年行政复议案件多少件？") == {"深圳市"}
    assert index.named_parents("鹏城各区的复议案件") == {"深圳市"}


def test_a_departments_field_is_its_address_in_a_question_about_its_own_report():
    from assistant.text.places import field_names

    assert field_names("青溪市交通运输局") == {"交通运输", "交通运输系统", "交通系统"}
    assert field_names("青溪市司法局") == {"司法系统"}  # not 司法 alone: 司法所 stays a term
    assert field_names("青溪市") == set()
