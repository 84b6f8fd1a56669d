"""Specification of assistant.metadata: deterministic report metadata from cleaned text.

On the five seeds, ``extract(clean(...))`` must reproduce assistant/evals/gold/reports.jsonl
(place, level, year, title, issuer, date, doc_number; ``None`` where the gold says the
text does not give the field). Synthetic reports pin down the fallbacks for copies
without a title line.
"""

from __future__ import annotations

import json
import re

import pytest

from assistant.evals.gold import REPORTS_GOLD
from assistant.ingest.cleaning import clean
from assistant.ingest.metadata import extract, find_year
from assistant.text.places import level_of

GOLD = [json.loads(line) for line in REPORTS_GOLD.read_text("utf-8").splitlines() if line.strip()]
GOLD_IDS = [g["file"] for g in GOLD]


def _meta(seeds_dir, name: str):
    cleaned = clean((seeds_dir / name).read_bytes(), name)
    return extract(cleaned.text, cleaned.page_meta)


def _names(issuer: str | None) -> list[str] | None:
    """'中共醴陵市委 醴陵市人民政府' and '中共醴陵市委、醴陵市人民政府' name the same bodies."""
    return None if issuer is None else [n for n in re.split(r"[\s、,，]+", issuer) if n]


def test_gold_covers_all_five_seeds(seeds_dir):
    assert sorted(GOLD_IDS) == sorted(p.name for p in seeds_dir.glob("*.txt"))


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_place_parent_level_kind_and_year_match_gold(seeds_dir, gold):
    meta = _meta(seeds_dir, gold["file"])
    assert (meta.place, meta.parent, meta.level, meta.kind, meta.year) == (
        gold["place"],
        gold["parent"],
        gold["level"],
        gold["kind"],
        gold["year"],
    )


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_date_and_doc_number_match_gold(seeds_dir, gold):
    meta = _meta(seeds_dir, gold["file"])
    assert meta.date == gold["date"]
    assert meta.doc_number == gold["doc_number"]


@pytest.mark.parametrize("gold", GOLD, ids=GOLD_IDS)
def test_title_and_issuer_match_gold(seeds_dir, gold):
    meta = _meta(seeds_dir, gold["file"])
    assert meta.title == gold["title"]
    assert _names(meta.issuer) == _names(gold["issuer"])


def test_wuwei_date_is_the_signature_not_the_later_web_publication_date(seeds_dir):
    # The page says 成文日期/发布日期 2022-03-04; the 落款 under the report says 2022年2月17日.
    meta = _meta(seeds_dir, "wuwei-2021.txt")
    assert meta.date == "2022-02-17"


def test_liling_place_is_the_reporting_city_not_the_addressee(seeds_dir):
    # The report is addressed to 中共株洲市委、株洲市人民政府, which the body also mentions.
    assert _meta(seeds_dir, "liling-2023.txt").place == "醴陵市"


# --- synthetic reports without a title line --------------------------------------------

UNTITLED = """现将有关情况报告如下。
一、主要工作开展情况
临泽县坚持以习近平法治思想为指导,深入推进依法行政,全年办理行政复议案件12件,行政机关负责人出庭应诉率100%。
二、存在的问题
法治宣传的针对性还需增强,基层执法力量相对薄弱。
三、下一步工作
临泽县将持续深化“放管服”改革,进一步优化法治化营商环境。
临泽县人民政府
{date}"""


def _untitled(date: str = "2023年1月5日", page_meta: dict | None = None):
    cleaned = clean(UNTITLED.format(date=date).encode("utf-8"))
    return extract(cleaned.text, {**cleaned.page_meta, **(page_meta or {})})


def test_untitled_report_takes_place_issuer_and_date_from_body_and_signature():
    meta = _untitled()
    assert meta.title is None
    assert meta.place == "临泽县"
    assert meta.level == "县"
    assert meta.issuer == "临泽县人民政府"
    assert meta.date == "2023-01-05"
    assert meta.doc_number is None


def test_untitled_report_signed_early_in_the_year_reports_on_the_previous_year():
    assert _untitled("2023年1月5日").year == 2022


def test_year_falls_back_to_the_year_before_an_early_page_meta_date():
    text = "现将有关情况报告如下。\n临泽县坚持依法行政,全年办理行政复议案件12件。"
    assert extract(text, {"成文日期": "2023-01-05"}).year == 2022
    assert extract(text, {"成文日期": "2023-04-30"}).year == 2022
    assert extract(text, {"成文日期": "2023-12-20"}).year == 2023
    assert extract(text, {}).year is None


def test_find_year_fallback_order():
    lines = ["临泽县坚持依法行政。", "2023年共办理案件5件。", "2023年开展培训3次。", "2022年办理案件4件。"]
    # title wins over everything
    assert find_year("临泽县2021年度法治政府建设情况报告", lines, "2024-01-05") == 2021
    # an opening line that starts with the year
    assert find_year(None, ["2020年以来,临泽县坚持依法行政。", *lines], None) == 2020
    # otherwise the most frequent year in the text
    assert find_year(None, lines, "2024-01-05") == 2023
    # otherwise the signing date: early in the year means the previous year
    assert find_year(None, ["临泽县坚持依法行政。"], "2024-02-17") == 2023
    assert find_year(None, ["临泽县坚持依法行政。"], "2024-06-01") == 2024


def test_title_year_wins_over_years_mentioned_in_the_body():
    text = (
        "临泽县2022年度法治政府建设情况报告\n2023年,临泽县将继续推进法治政府建设。\n"
        "2023年重点做好三项工作。\n临泽县人民政府\n2023年2月1日"
    )
    meta = extract(text)
    assert meta.title == "临泽县2022年度法治政府建设情况报告"
    assert meta.year == 2022
    assert meta.place == "临泽县"


def test_doc_number_falls_back_to_page_meta():
    text = "现将有关情况报告如下。\n临泽县坚持依法行政。\n临泽县人民政府\n2023年3月1日"
    assert extract(text, {"发文字号": "临政发〔2023〕8号"}).doc_number == "临政发〔2023〕8号"
    assert extract(text, {}).doc_number is None


def test_doc_number_in_the_header_is_found():
    text = "临政报〔2023〕12号\n临泽县2022年度法治政府建设情况报告\n临泽县坚持依法行政。\n临泽县人民政府\n2023年3月1日"
    meta = extract(text)
    assert meta.doc_number == "临政报〔2023〕12号"
    assert meta.date == "2023-03-01"


def test_signature_with_two_issuers_lists_both():
    text = (
        "现将有关情况报告如下。\n临泽县坚持依法行政,全年办理行政复议案件12件。\n"
        "中共临泽县委\n临泽县人民政府\n2023年3月1日"
    )
    assert extract(text).issuer == "中共临泽县委、临泽县人民政府"


def test_a_notice_signed_in_chinese_numerals_to_generic_addressees_is_read():
    text = (
        "临泽县人民政府办公室关于报告依法行政工作进展情况的通知\n各乡(镇)人民政府,县直各部门:\n"
        "请于11月底前报告依法行政工作进展情况。\n临泽县人民政府办公室\n二oo九年十一月十三日\n附件:报告提纲\n"
        "一、推进依法行政工作所采取的措施;\n二、存在的问题;\n三、下一步打算;\n四、意见建议;\n五、其他。"
    )
    meta = extract(text)
    assert meta.date == "2009-11-13" and meta.issuer == "临泽县人民政府办公室"
    assert meta.addressee == "各乡(镇)人民政府,县直各部门"


def test_the_pages_issuing_body_names_the_issuer_when_the_text_is_unsigned():
    text = "临泽县司法局\n2022年法治政府建设情况工作报告\n2022年,我局坚持依法行政,办理行政复议案件12件。"
    assert extract(text, {"发文机关": "临泽县司法局", "发布机构": "临泽县人民政府网"}).issuer == "临泽县司法局"


def test_a_title_is_cut_from_a_glued_delivery_line_and_a_wrap_after_印发():
    glued = "政府工作报告(摘要)——2021年2月7日在临泽县第十五届人民代表大会第四次会议上\n各位代表:\n现在我代表县人民政府作报告。"
    assert extract(glued).title == "政府工作报告(摘要)"
    wrapped = "临泽县人民政府办公室关于印发 临泽县2020年依法行政工作要点的通知\n各乡镇:\n现印发给你们。"
    assert extract(wrapped).title == "临泽县人民政府办公室关于印发临泽县2020年依法行政工作要点的通知"


@pytest.mark.parametrize(
    "place, level",
    [
        ("乌海市", "市"),
        ("乌鲁木齐县", "县"),
        ("海南区", "区"),
        ("杭锦旗", "旗"),
        ("阿拉善盟", "盟"),
        ("临夏回族自治州", "州"),
        ("肃南裕固族自治县", "县"),
        (None, None),
    ],
)
def test_level_follows_the_place_suffix(place, level):
    assert level_of(place) == level


def test_superiors_named_without_a_place_are_the_addressee_and_a_行政公署_signs():
    text = (
        "锡林郭勒盟行政公署关于2023年度法治政府建设工作情况的报告\n自治区党委、自治区人民政府:\n"
        "2023年,锡林郭勒盟行政公署坚持依法行政,办理行政复议案件152件。\n锡林郭勒盟行政公署\n2024年2月8日"
    )
    meta = extract(text)
    assert meta.addressee == "自治区党委、自治区人民政府" and meta.issuer == "锡林郭勒盟行政公署"
    province = "贵州省人民政府关于2023年度法治政府建设情况的报告\n党中央、国务院:\n2023年,贵州省坚持依法行政。"
    assert extract(province).addressee == "党中央、国务院" and extract(province).place == "贵州省"


def test_a_place_followed_by_its_government_and_a_superior_is_two_places_not_one():
    # "平遥县人民政府在晋中市委…" once read as one place "平遥县人民政府在晋中市"
    text = (
        "平遥县人民政府关于二〇二四年度法治政府建设情况的报告\n"
        "二〇二四年，平遥县人民政府在晋中市委、市政府和县委的坚强领导下，办理行政复议案件96件。\n"
        "平遥县人民政府\n二〇二五年二月二十六日"
    )
    meta = extract(text)
    assert (meta.place, meta.parent, meta.date) == ("平遥县", "晋中市", "2025-02-26")


def test_a_salutations_short_name_for_the_parent_is_given_as_the_body_writes_it_in_full():
    text = (
        "瑞丽市人民政府关于2022年度法治政府建设工作情况的报告\n中共德宏州委、德宏州人民政府:\n"
        "2022年,瑞丽市人民政府在德宏傣族景颇族自治州州委、州政府和瑞丽市委的坚强领导下,依法防控。\n"
        "瑞丽市人民政府\n2023年2月6日"
    )
    assert extract(text).parent == "德宏傣族景颇族自治州"


def test_a_county_level_city_under_a_prefecture_takes_it_as_parent_from_the_opening():
    text = (
        "瑞丽市人民政府关于2024年度法治政府建设工作情况的报告\n（2025年2月12日）\n"
        "2024年,瑞丽市人民政府在德宏傣族景颇族自治州州委、州政府和瑞丽市委的领导下,推进依法行政。"
    )
    meta = extract(text)
    assert (meta.parent, meta.date) == ("德宏傣族景颇族自治州", "2025-02-12")  # the date in brackets under the title


def test_a_county_level_city_named_after_its_province_in_the_opening_is_the_parent():
    text = (
        "寿光市2024年法治政府建设工作要点\n"
        "为认真贯彻习近平法治思想,落实山东省、潍坊市关于法治政府建设的工作部署,结合我市实际,制定本要点。"
    )
    assert extract(text).parent == "潍坊市"
    verbs = "三亚市2025年法治政府建设工作要点\n为深入贯彻习近平法治思想，全面落实海南省法治政府建设工作部署，结合我市实际，制定本要点。"
    assert extract(verbs).parent == "海南省"  # not "海南省法治政府建设工作部署" (a 署), nor "结合我市"


def test_a_report_on_a_plans_mid_term_review_is_not_the_annual_report():
    text = (
        "南通市人民政府关于《南通市法治政府建设实施方案（2021—2025年）》中期评估情况的报告\n江苏省人民政府：\n"
        "《实施方案》实施三年来，全市法治政府建设稳步推进，依法行政水平提升。存在的问题：法治政府建设不平衡。"
        "下一步，继续推进法治政府建设。"
    )
    meta = extract(text)
    assert (meta.kind, meta.year) == ("其他", None)


def test_a_兵团_division_reports_to_the_corps_and_signs_with_its_own_name():
    # 师市合一: the division and its city are one government, so "第八师石河子市" alone is the signature.
    text = (
        "第八师石河子市2023年法治政府建设情况报告\n兵团党委、兵团：\n"
        "2023年，第八师石河子市在新疆生产建设兵团党委、兵团和师市党委的领导下，推进依法行政。\n"
        "第八师石河子市\n2024年1月30日"
    )
    meta = extract(text)
    assert (meta.place, meta.parent) == ("第八师石河子市", "新疆生产建设兵团")
    assert (meta.addressee, meta.issuer) == ("兵团党委、兵团", "第八师石河子市")


@pytest.mark.parametrize(
    "title",
    [
        "临泽县人民政府主要负责人2024年度述法报告",
        "临泽县人民政府关于2024年法治政府建设督察反馈问题整改情况的报告",
        "临泽县人民政府关于2024年度行政复议和行政应诉工作情况的报告",
    ],
)
def test_a_report_on_one_matter_is_titled_but_is_not_the_annual_report(title):
    text = (
        f"{title}\n中共临泽县委全面依法治县委员会：\n"
        "2024年，临泽县推进法治政府建设，坚持依法行政，落实法治政府建设责任。存在的问题：依法行政能力不足。"
        "下一步，持续推进法治政府建设。\n临泽县人民政府\n2025年1月20日"
    )
    meta = extract(text)
    assert (meta.title, meta.kind, meta.year) == (title, "其他", 2024)


def test_a_report_to_a_congress_standing_committee_is_dated_by_its_delivery_line():
    # No signature: the speech ends with its salutation; the province comes from "省直管".
    text = (
        "济源市人民政府关于2024年度行政复议和行政应诉工作情况的报告\n"
        "——2025年4月23日在济源市第十一届人民代表大会常务委员会第十七次会议上\n济源市司法局局长\n"
        "主任、各位副主任、秘书长、各位委员：\n受济源市人民政府委托，现将2024年度全市行政复议工作情况报告如下。\n"
        "济源是河南省直管的县级市，市政府是全市唯一的行政复议机关。\n"
        "主任、各位副主任、秘书长、各位委员，我们将认真落实市人大常委会的审议意见，推动我市行政复议工作再上新台阶。"
    )
    meta = extract(text)
    assert (meta.place, meta.parent, meta.kind, meta.year) == ("济源市", "河南省", "其他", 2024)
    assert (meta.date, meta.issuer, meta.addressee) == ("2025-04-23", "济源市人民政府", None)


def test_a_self_assessment_is_other_and_its_title_is_read_without_a_year_to_guess():
    # "2021年以来" opens the body: a 自查报告 on a plan names no year it reports on
    title = "坂中畲族乡人民政府关于“八五”普法中期工作的自查报告"
    text = (
        f"{title}\n福安市普法依法治理领导小组办公室：\n对2021年以来全乡“八五”普法工作进行了全面自查。\n"
        "2021年以来，乡党委研究法治政府建设7次，推进依法行政。存在的问题：法治政府建设不平衡。下一步，继续推进法治政府建设。\n"
        "坂中畲族乡人民政府\n2023年9月12日"
    )
    meta = extract(text)
    assert (meta.title, meta.kind, meta.year) == (title, "其他", None) and "year" in meta.unsure


def test_a_work_reports_delivery_line_in_brackets_gives_its_year_and_date():
    text = (
        "政府工作报告\n（2024年1月9日在江阴市第十八届人民代表大会第四次会议上）\n江阴市人民政府\n各位代表：\n"
        "现在，我代表江阴市人民政府，向大会报告政府工作，请予审议。\n一、2023年工作回顾\n到2035年基本实现现代化。"
    )
    meta = extract(text)
    assert (meta.place, meta.kind, meta.year, meta.date) == ("江阴市", "政府工作报告", 2024, "2024-01-09")


def test_a_new_areas_notice_to_its_own_units_has_them_as_addressee_and_its_city_as_parent():
    text = (
        "南京江北新区管理委员会办公室关于印发2025年法治政府建设工作要点的通知\n宁新区管办发〔2025〕7号\n"
        "新区各部门、各街道，各直属单位：\n《南京江北新区2025年法治政府建设工作要点》已经审议通过，现印发给你们。\n"
        "南京江北新区管理委员会办公室\n2025年3月6日\n南京江北新区2025年法治政府建设工作要点\n"
        "1.配合南京市人大常委会做好江北新区条例实施情况评估。"
    )
    meta = extract(text)
    assert (meta.place, meta.parent, meta.kind, meta.year) == ("南京江北新区", "南京市", "其他", 2025)
    assert meta.addressee == "新区各部门、各街道，各直属单位"


def test_a_statistics_yearbook_is_titled_by_the_place_it_counts_and_signed_by_the_bureau_that_compiles_it():
    text = (
        "发布时间：2025年3月4日 09:20　　信息来源：青溪市司法局\n青溪市2024年度行政执法统计年报\n"
        "依照江西省司法厅关于行政执法数据公开的要求，市司法局汇总了全市执法机关的执法数据，公布如下。\n"
        "一、执法主体\n全市共有行政执法主体190个。\n青溪市司法局\n2025年2月26日"
    )
    meta = extract(text)
    assert (meta.title, meta.place, meta.level, meta.kind) == ("青溪市2024年度行政执法统计年报", "青溪市", "市", "其他")
    assert meta.parent == "江西省"  # the superior's department (江西省司法厅) stands for the superior
    assert meta.issuer == "青溪市司法局"


def test_a_place_appraised_in_its_provinces_appraisal_takes_the_province_as_parent():
    text = (
        "中共青溪市委全面依法治市委员会办公室关于2024年度法治政府建设考核结果的通报\n各县（区）、市直有关单位：\n"
        "在湖南省2024年度法治政府建设考核中，青溪市被评为良好等次。现将考核结果通报如下。\n"
        "中共青溪市委全面依法治市委员会办公室\n2025年2月1日"
    )
    assert extract(text).parent == "湖南省"


def test_a_superiors_inspectors_name_the_county_s_city():
    text = (
        "青溪县人民政府办公室关于印发青溪县法治政府建设督察反馈问题整改方案的通知\n各乡镇人民政府，县各有关部门：\n"
        "现将整改方案印发给你们。\n青溪县人民政府办公室\n2024年7月26日\n"
        "2024年5月，临江市委全面依法治市委员会办公室督察组对我县法治政府建设情况开展了实地督察。"
    )
    assert extract(text).parent == "临江市"


def test_a_plan_signed_above_its_cc_line_and_numbered_at_its_foot_is_read_whole():
    text = (
        "青溪市2025年法治政府建设工作要点\n（2025年3月4日市政府第12次常务会议审议通过）\n"
        "为扎实推进法治政府建设，按照白沙市委全面依法治市委员会办公室的安排，结合我市实际，制定本要点。\n"
        "一、总体要求\n坚持以人民为中心，把法治贯穿政府工作的各个方面。\n"
        "青溪市人民政府办公室\n2025年3月10日\n抄送：白沙市委全面依法治市委员会办公室，市委各部门，市人大常委会办公室，市政协办公室。\n"
        "【发文字号】青政办发〔2025〕9号　　【发布日期】2025-03-14\n"
    )
    cleaned = clean(text.encode("utf-8"), "qingxi-yaodian-2025.txt")
    assert cleaned.page_meta == {"发文字号": "青政办发〔2025〕9号", "发布日期": "2025-03-14"}
    meta = extract(cleaned.text, cleaned.page_meta)
    assert (meta.issuer, meta.date, meta.doc_number) == ("青溪市人民政府办公室", "2025-03-10", "青政办发〔2025〕9号")
    # the 市 whose 市委 directs the county-level city is its city
    assert (meta.place, meta.parent, meta.level) == ("青溪市", "白沙市", "市")
