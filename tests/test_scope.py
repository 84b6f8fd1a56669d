"""Specifications of scoping (qa/scope.py): which reports a question is about, in a library
of districts, departments and several years of one place — and when it must be refused
instead of being answered from other places' reports."""

from __future__ import annotations

import pytest

from assistant.core.types import Report
from assistant.qa.scope import content_years, detect_scope, selector_years


def report(rid: str, place: str, year: int | None, parent: str | None = None) -> Report:
    return Report(
        report_id=rid,
        source=f"/tmp/{rid}.txt",
        version=rid.ljust(64, "0"),
        raw_sha256="0" * 64,
        encoding="utf-8",
        place=place,
        year=year,
        parent=parent,
    )


LIBRARY = [
    report("guangming-2021", "深圳市光明区", 2021, "深圳市"),
    report("longhua-2019", "深圳市龙华区", 2019, "深圳市"),
    report("longhua-2021", "深圳市龙华区", 2021, "深圳市"),
    report("dengkou-2021", "磴口县", 2021),
    report("dengkou-2022", "磴口县", 2022),
    report("wuhai-2023", "乌海市", 2023),
    report("wuhai-justice-2023", "乌海市司法局", 2023, "乌海市"),
    report("liling-2023", "醴陵市", 2023, "株洲市"),
]


@pytest.mark.parametrize(
    "question,ids",
    [
        ("深圳市光明区2021年办理了多少件行政复议案件？", ["guangming-2021"]),
        ("光明区2021年办理了多少件行政复议案件？", ["guangming-2021"]),
        ("光明2021年办理了多少件行政复议案件？", ["guangming-2021"]),
        ("乌海市司法局2023年办理了多少件法律援助案件？", ["wuhai-justice-2023"]),  # not 乌海市's own report
        ("乌海市2023年行政机关负责人出庭应诉率是多少？", ["wuhai-2023"]),  # not the department's
    ],
)
def test_a_question_is_scoped_to_the_place_it_names_by_full_or_short_name(question, ids):
    scope = detect_scope(question, LIBRARY)
    assert scope.report_ids == ids and scope.missing is None


def test_naming_only_the_parent_does_not_silently_pick_a_child():
    scope = detect_scope("深圳市2021年办理了多少件行政复议案件？", LIBRARY)
    assert scope.report_ids == [] and "报告库中没有深圳市本级的报告" in scope.missing
    assert "深圳市光明区2021年" in scope.missing and "深圳市龙华区" in scope.missing  # what there is instead


def test_a_place_the_library_does_not_hold_is_refused_and_the_held_ones_listed():
    scope = detect_scope("北京市朝阳区2021年办理了多少件法律援助案件？", LIBRARY)
    assert scope.missing.startswith("报告库中没有北京市朝阳区的报告（现有：") and "醴陵市2023年" in scope.missing


def test_a_child_of_a_held_place_asked_for_its_own_report_is_refused():
    # 乌海市's report may give a district's figure, but it is not the district's own report.
    scope = detect_scope("乌海市海勃湾区自己的2023年法治政府建设报告里有多少件复议案件？", LIBRARY)
    assert scope.report_ids == [] and scope.missing.startswith("报告库中没有乌海市海勃湾区的报告（现有：乌海市")
    # Asked for its figure, not its report, the city's report is searched.
    assert "wuhai-2023" in detect_scope("乌海市海勃湾区2023年办理了多少件复议案件？", LIBRARY).report_ids


def test_a_question_asking_how_a_figure_went_over_the_years_keeps_every_year():
    scope = detect_scope("磴口县近三年人民调解委员会数量是怎么走的？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}


@pytest.mark.parametrize(
    "question,content",
    [
        ("磴口县2019年至今共办理了多少件行政复议案件？", {2019}),
        ("截至2021年底，醴陵市有多少名公职律师？", {2021}),
        ("龙华区2018年度考评排名第几？", {2018}),
        ("比2020年增加了多少？", {2020}),
        ("2016—2020年累计办理多少件？", {2016, 2020}),
        ("乌海市2023年行政复议案件多少件？", set()),
        ("樊城区2023年是多少件，到2025年变成多少件？", set()),  # what the 2025 report says, not a target
        ("力争到2025年达到多少件？", {2025}),
    ],
)
def test_a_year_that_is_content_is_told_from_one_that_selects_a_report(question, content):
    assert content_years(question) == content
    assert not (selector_years(question) & content)


def test_a_content_year_searches_every_year_of_the_place():
    scope = detect_scope("磴口县2019年至今共办理了多少件行政复议案件？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"} and scope.missing is None


def test_a_year_without_a_report_may_still_be_content_of_another_years_report():
    scope = detect_scope("龙华区2018年在全市法治政府建设考评中排名第几？", LIBRARY)
    assert set(scope.report_ids) == {"longhua-2019", "longhua-2021"}  # looked for in what there is
    assert scope.year == 2018 and "没有深圳市龙华区2018年的报告" in scope.missing  # the answer if no passage names 2018


def test_several_years_and_no_year_asked_answers_from_the_latest_and_says_so():
    scope = detect_scope("磴口县有多少个人民调解委员会？", LIBRARY)
    assert scope.prefer == "dengkou-2022" and "最新的2022年报告" in scope.reason and "2021年" in scope.reason
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}  # the others, should the latest not answer


def test_a_question_about_change_keeps_every_year():
    scope = detect_scope("磴口县人民调解委员会数量这几年怎么变化？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}


def test_a_comparison_with_another_year_keeps_that_years_report():
    scope = detect_scope("磴口县2022年的调委会比2021年增加了几个？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}


def test_several_places_are_each_scoped_by_the_year_asked():
    scope = detect_scope("深圳市光明区和磴口县2021年的行政复议案件各有多少件？", LIBRARY)
    assert set(scope.report_ids) == {"guangming-2021", "dengkou-2021"}  # not 磴口县's 2022 report
    scope = detect_scope("光明区和磴口县的行政复议案件各有多少件？", LIBRARY)
    assert set(scope.report_ids) == {"guangming-2021", "dengkou-2022"}  # the latest of each


def test_a_place_held_only_by_an_undated_document_is_searched_for_the_year_asked_beside_the_others():
    undated = [*LIBRARY, report("wuhu-ziping", "芜湖市", None)]  # a 自评报告 names no year it reports on
    scope = detect_scope("磴口县2021年和芜湖2022年各收到多少件行政复议申请？", undated)
    assert set(scope.report_ids) == {"dengkou-2021", "wuhu-ziping"} and not scope.missing


def test_a_change_asked_against_a_named_year_is_about_change():
    from assistant.qa.scope import CHANGE

    assert CHANGE.search("蕉岭县的行政复议申请2023年比2022年涨了多少？")
    assert not CHANGE.search("蕉岭县2023年收到多少件行政复议申请？")


def test_several_places_none_with_the_year_asked_is_refused():
    scope = detect_scope("光明区和磴口县2024年各调处了多少件矛盾纠纷？", LIBRARY)
    assert scope.missing and "深圳市光明区2024" in scope.missing and "磴口县2024" in scope.missing


def test_a_period_between_two_held_years_selects_both_ends():
    scope = detect_scope("磴口县的人民调解委员会从2021年到2022年增加了几个？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}


def test_a_years_plans_are_content_of_the_report_before():
    assert content_years("乌鲁木齐县2023年打算如何发挥法律顾问队伍的作用？") == {2023}


def test_each_place_takes_the_year_written_after_it():
    scope = detect_scope("磴口县2022年和光明区2021年各调处了多少件矛盾纠纷？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2022", "guangming-2021"}


def test_a_place_without_a_year_of_its_own_is_not_held_to_anothers_year():
    scope = detect_scope("磴口县最新的持证执法人数和光明区2021年的分别是多少？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2022", "guangming-2021"}  # 磴口县's latest, not refused for 2021


def test_compared_with_the_year_before_keeps_that_years_report():
    scope = detect_scope("磴口县2022年转办热线来电比上一年增加了多少件？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}


def test_what_came_later_than_the_year_asked_keeps_the_later_years_reports():
    scope = detect_scope("磴口县2021年赋予镇里的执法事项是多少项，后来调整成了多少项？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}


def test_a_years_appraisal_is_looked_for_in_the_next_years_report_too():
    # The 2021年度 考核 result is announced in 2022 and reported in the 2022 report.
    scope = detect_scope("磴口县在2021年度法治政府建设考核中被评为什么等次？", LIBRARY)
    assert set(scope.report_ids) == {"dengkou-2021", "dengkou-2022"}
    assert detect_scope("磴口县2021年办理了多少件行政复议案件？", LIBRARY).report_ids == ["dengkou-2021"]


def test_a_work_report_speaks_for_the_year_before_it_was_delivered():
    gwr = report("shenzhen-gwr-2024", "深圳市", 2024).model_copy(update={"kind": "政府工作报告"})
    scope = detect_scope("深圳市2023年地区生产总值是多少？", [*LIBRARY, gwr])
    assert scope.report_ids == ["shenzhen-gwr-2024"] and scope.missing is None


def test_a_year_asked_of_an_undated_plan_must_be_named_by_the_passage():
    plan = report("jinchang-plan", "金昌市", None)
    scope = detect_scope("金昌市2024年办理了多少件行政复议案件？", [*LIBRARY, plan])
    assert scope.year == 2024 and scope.missing.startswith("报告库中没有金昌市2024年的报告")


def test_short_names_of_prefectures_new_areas_and_departments_scope_too():
    library = [
        report("yanbian-2021", "延边朝鲜族自治州", 2021),
        report("xiongan-2023", "河北雄安新区", 2023),
        report("wuhai-justice-2023", "乌海市司法局", 2023, "乌海市"),
    ]
    assert detect_scope("延边州2021年办理了多少件行政应诉案件？", library).report_ids == ["yanbian-2021"]
    assert detect_scope("雄安2023年办理了多少件法律援助案件？", library).report_ids == ["xiongan-2023"]
    assert detect_scope("乌海司法局2023年反馈了多少个问题？", library).report_ids == ["wuhai-justice-2023"]


def test_a_parent_held_only_through_its_departments_is_answered_from_them():
    library = [*LIBRARY, report("anji-justice-2023", "安吉县司法局", 2023, "安吉县")]
    alone = detect_scope("安吉县政府2023年收到多少件行政复议申请？", library)
    assert alone.report_ids == ["anji-justice-2023"] and not alone.missing and "安吉县司法局" in alone.reason
    both = detect_scope("安吉县和醴陵市2023年的行政诉讼败诉率分别是多少？", library)
    assert set(both.report_ids) == {"anji-justice-2023", "liling-2023"} and not both.missing
    # A city held only through its districts is still not answered from them.
    assert detect_scope("深圳市2021年办理了多少件行政复议案件？", library).missing
    # A question about the county's own report is not answered from the department's record.
    own = detect_scope("安吉县人民政府关于2023年度法治政府建设情况的报告是哪天印发的？", library)
    assert own.missing and "安吉县" in own.missing
    # ... nor a figure asked of the government's own report.
    figure = detect_scope("安吉县人民政府2023年度法治政府建设报告里收到多少件行政复议申请？", library)
    assert figure.missing and "安吉县" in figure.missing


def test_of_two_parents_named_the_one_its_children_cannot_stand_for_is_refused():
    library = [
        report("hunan-jtt-2024", "湖南省交通运输厅", 2024, "湖南省"),  # a department stands for its province
        report("shennongjia-2024", "湖北省神农架林区", 2024, "湖北省"),  # a county does not
    ]
    scope = detect_scope("湖南和湖北两个省交通运输厅2024年的行政复议案件各有多少？", library)
    assert scope.report_ids == [] and "报告库中没有湖北省本级的报告" in scope.missing


def test_two_places_of_one_name_are_told_apart_by_the_parent_the_question_names():
    library = [
        report("fuzhou-gulou-2024", "福州市鼓楼区", 2024, "福州市"),
        report("kaifeng-gulou-2024", "开封市鼓楼区", 2024, "开封市"),
    ]
    assert detect_scope("福州鼓楼区2024年收到多少件复议申请？", library).report_ids == ["fuzhou-gulou-2024"]
    assert detect_scope("福州市鼓楼区的文号是多少？", library).report_ids == ["fuzhou-gulou-2024"]
    assert detect_scope("开封鼓楼夜市规范了多少个摊位？", library).report_ids == ["kaifeng-gulou-2024"]
    # named by the name both share: both are in scope, each answering under its own name
    assert sorted(detect_scope("鼓楼区2024年收到多少件复议申请？", library).report_ids) == [
        "fuzhou-gulou-2024",
        "kaifeng-gulou-2024",
    ]


def test_a_corps_division_and_a_zone_are_known_by_their_customary_names():
    library = [
        report("shihezi-2023", "第八师石河子市", 2023, "新疆生产建设兵团"),
        report("donghu-2024", "武汉东湖新技术开发区", 2024, "武汉市"),
    ]
    for question in ("兵团第八师和周边县市联合调解了多少起纠纷？", "石河子一四三团有多少持证执法人员？"):
        assert detect_scope(question, library).report_ids == ["shihezi-2023"]
    assert detect_scope("东湖高新区的免罚清单有多少项？", library).report_ids == ["donghu-2024"]
