"""Attribution is verified, not assumed: a figure of one report is never shown under another
place's name or year, a question about the report itself is answered from its record, and a
measure the report does not give is said to be missing before any related figure is quoted."""

from __future__ import annotations

import pytest

from assistant.backends.registry import get_backend
from assistant.core.types import Chunk, Hit, Report
from assistant.ingest.pipeline import ingest_paths
from assistant.qa.answer import ask
from tests.conftest import SEEDS_DIR, one_report_library
from tests.fakes import ScriptedLLM, cite_each_source_holding, cite_the_source_holding

GUANGMING = """深圳市光明区2021年法治政府建设情况报告
2021年,光明区坚持以习近平法治思想为指导,深入推进依法行政,法治政府建设取得新成效。
一、主要工作
(一)加强党对法治政府建设的领导。区委区政府主要负责人认真履行推进法治建设第一责任人职责。
(二)推进严格规范公正文明执法。全区办理行政复议案件86件,行政机关负责人出庭应诉率100%。
二、存在的问题
基层执法队伍专业化水平有待提升。
三、下一步工作
持续深化法治政府示范创建。
深圳市光明区人民政府
2022年1月18日"""


@pytest.fixture(scope="module")
def library(tmp_path_factory, embedder):
    """The five seeds and a district report none of them is about."""
    from assistant.core.config import Settings
    from assistant.index.store import Store
    from tests.conftest import DEFAULT_CACHE_DIR

    folder = tmp_path_factory.mktemp("library")
    (folder / "guangming-2021.txt").write_text(GUANGMING, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), cache_dir=DEFAULT_CACHE_DIR)
    store = Store(settings, embedder=embedder)
    ingest_paths([SEEDS_DIR, folder], store, progress=False)
    return store, settings


def test_a_figure_of_another_report_is_never_shown_under_the_place_asked(library):
    store, settings = library
    question = "光明区和醴陵市分别办理了多少件法律援助案件？"  # both in scope; only 醴陵 states a figure
    misattributing = cite_the_source_holding("659", "光明区办理法律援助案件659件。")
    answer = ask(question, store, ScriptedLLM(misattributing, misattributing), settings)
    assert any(p.startswith("回答说的是深圳市光明区，所引资料却来自醴陵市2023年报告") for p in answer.problems)
    assert answer.method not in ("model", "model-retry")  # neither draft is shown
    assert "光明区办理法律援助案件659件" not in answer.answer
    if "659" in answer.answer:  # quoted, then under its own report's name
        assert answer.answer.startswith("醴陵市2023年报告") and {c.report_id for c in answer.citations} == {
            "liling-2023"
        }


def test_a_year_the_cited_report_does_not_cover_is_a_problem(library):
    store, settings = library
    wrong_year = cite_the_source_holding("98.4", "乌海市2021年行政机关负责人出庭应诉率98.4%。")
    no_cards = settings.model_copy(update={"instant": False})  # else the card answers, with no model call
    answer = ask("乌海市行政机关负责人出庭应诉率是多少？", store, ScriptedLLM(wrong_year, wrong_year), no_cards)
    assert any("回答提到2021年" in p for p in answer.problems) and answer.method not in ("model", "model-retry")


@pytest.mark.parametrize(
    "question,value",
    [
        ("醴陵市2023年度法治政府建设情况报告的文号是什么？", "醴报〔2024〕2号"),
        ("醴陵市这份报告的签发人是谁？", "王利波 刘新华"),
        ("醴陵市2023年法治政府建设报告的报送对象是谁？", "中共株洲市委、株洲市人民政府"),
        ("光明区2021年报告的发布机关是哪个单位发布的？", "深圳市光明区人民政府"),
    ],
)
def test_a_question_about_the_report_itself_is_answered_from_its_record(library, question, value):
    store, settings = library
    llm = ScriptedLLM()
    answer = ask(question, store, llm, settings)
    assert answer.method == "about" and value in answer.answer and llm.calls == []  # no model call
    [citation] = answer.citations
    assert value in citation.quote
    assert store.report_text(citation.report_id)[citation.start : citation.end] == citation.quote


def test_a_pages_成文日期_that_is_not_the_signatures_date_is_given_beside_it(library):
    store, settings = library
    # 武威's page says 成文日期: 2022-03-04 (the day it went up); the report is signed 2022年2月17日
    answer = ask("武威市2021年度报告的成文日期是哪天？", store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer == "2022-03-04；2022年2月17日"
    page, signed = answer.citations
    assert page.quote == "成文日期: 2022-03-04" and page.location == "网页信息栏"
    assert signed.in_text and store.report_text("wuwei-2021")[signed.start : signed.end] == signed.quote
    # asked for the signature's date alone, only that is said
    answer = ask("武威市2021年度报告的落款日期是哪天？", store, ScriptedLLM(), settings)
    assert answer.answer == "2022年2月17日" and len(answer.citations) == 1


def test_which_reports_are_of_a_year_is_answered_from_the_records_each_cited_by_its_year_line(library):
    store, settings = library
    llm = ScriptedLLM()
    answer = ask("这几份法治政府建设报告中，哪些是关于2023年度的？", store, llm, settings)
    assert answer.method == "about" and llm.calls == []
    assert answer.answer == "乌海市；醴陵市"  # of the seeds and 光明区 2021, these two report on 2023
    assert {c.report_id for c in answer.citations} == {"wuhai-2023", "liling-2023"}
    for c in answer.citations:
        assert "2023年" in c.quote and store.report_text(c.report_id)[c.start : c.end] == c.quote
    # a question about what the reports of a year say is not about the records
    assert ask("哪些是2023年的重点工作？", store, ScriptedLLM(), settings).method != "about"


def test_two_things_about_the_report_are_answered_in_the_order_asked(library):
    store, settings = library
    answer = ask("光明区2021年报告的落款机关和落款日期是什么？", store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer.index("深圳市光明区人民政府") < answer.answer.index(
        "2022年1月18日"
    )
    assert [c.n for c in answer.citations] == [1, 2] and "2022年1月18日" in answer.citations[1].quote


def test_the_web_pages_publication_date_is_quoted_from_its_information_block(library):
    store, settings = library
    answer = ask("武威市2021年度法治政府建设报告在网上的发布日期是哪天？", store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer == "2022-03-04 14:26"
    [citation] = answer.citations
    # Cleaning removed the block from the text: quoted as the page writes it, with no offsets.
    assert citation.quote == "发布日期: 2022-03-04 14:26" and citation.location == "网页信息栏"
    assert not citation.in_text and "2022-03-04" not in store.report_text("wuwei-2021")


def test_the_signing_date_and_the_web_date_are_two_answers_in_the_order_asked(library):
    store, settings = library
    answer = ask("武威市2021年度报告落款是哪天？网站上又是哪天发布的？", store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer == "2022年2月17日；2022-03-04 14:26"
    signed, published = answer.citations
    assert signed.in_text and store.report_text("wuwei-2021")[signed.start : signed.end] == signed.quote
    assert published.location == "网页信息栏"


@pytest.mark.parametrize(
    "question,fields",
    [
        ("金龙街道这份2022年度报告是以哪个单位名义、在哪天落款的？", ["issuer", "signed"]),
        ("长阳县这份2022年度报告是写给哪两个机关的？", ["addressee"]),
        ("这个通知是发给哪些单位的？", ["addressee"]),
        ("延边州2021年度报告是哪天在网上发布的？落款日期又是哪天？", ["published", "signed"]),
        ("这个实施方案的成文日期和发布日期分别是哪天？", ["date", "published"]),
        ("政府工作报告是在哪次会议上、哪一天作的？", ["meeting", "date"]),
        ("那份2023年法治政府建设报告，发文编号是多少？", ["doc_number"]),
        ("这份政府工作报告是在哪次会议上作的？是哪一天？", ["meeting", "date"]),
        ("这份报告是哪个机关写的？报给了谁？", ["issuer", "addressee"]),
        ("这份报告落款写的哪天？挂到网上又是哪天？", ["signed", "published"]),  # in users' words
        ("街道办的这份报告报送的是哪两个机关？", ["addressee"]),
        ("这份年度报告的发文字号和报送机关分别是什么？", ["doc_number", "addressee"]),
        ("这份政府工作报告是哪天在哪次人代会上作的？", ["date", "meeting"]),
        ("这份政府工作报告是哪天？在哪次人代会上作的？", ["date", "meeting"]),  # each part asks one
        ("行署那份2024年度报告，发文字号是多少？成文和发布各是哪天？", ["doc_number", "date", "published"]),
        ("瑞丽2024年度法治政府建设报告上标的日期是哪一天？", ["date"]),
        ("这份政府工作报告是哪天、在第几届人代会上作的？", ["date", "meeting"]),
        ("安溪这份政府工作报告是哪天、在县人大第几届第几次会议上作的？", ["date", "meeting"]),
        ("那份法治政府建设报告落款几号？网页上的发布日期又是哪天？", ["signed", "published"]),
        ("这份述法报告落款是哪天？网上是哪天登出来的？", ["signed", "published"]),
        ("述法报告是交给哪个机构评议的？", ["addressee"]),
        ("这份政府工作报告是在哪一次人代会上作的？日期是哪天？", ["meeting", "date"]),
        ("那份报告用的是什么文号，呈报对象是谁？", ["doc_number", "addressee"]),
        ("这份报告网页标的时间和文末落款分别是几月几号？", ["published", "signed"]),  # 网页标的 is the page's
        ("这份报告挂网的时间是几点几分？落款日期又是哪天？", ["published", "signed"]),
        ("这份报告报给了哪个机构？落款写的全称是什么？", ["addressee", "issuer"]),  # 落款的全称: who signed
        ("这份报告在网上挂出来的日期和正文最后署的日期各是哪天？", ["published", "signed"]),
        ("开发区这份报告的文号是哪个，发文机构是谁？", ["doc_number", "issuer"]),
        ("这份工作要点是哪个机构印发的，发文字号是什么？", ["issuer", "doc_number"]),
        ("这份政府工作报告对应的会议届次和召开日期是什么？", ["meeting", "date"]),
        ("这份报告成文是哪天？网上又是哪天发布的？", ["date", "published"]),
        ("这份报告哪天挂到网上的，星期几？落款写的哪天？", ["published", "signed"]),
        ("这份2022年报告是向哪里报告的？", ["addressee"]),
        ("这份报告是报给谁的？落款单位全称是什么？", ["addressee", "issuer"]),  # the signer's full name, no title
        ("这份报告的文号是什么，由哪个机构发出？", ["doc_number", "issuer"]),
        ("这份报告的成文日期、网上发布日期和落款日期分别是哪天？", ["date", "published", "signed"]),
        ("这份报告网上几点发布的？落款写的哪天？", ["published", "signed"]),
        ("报告的文号是什么，发布机构是哪个？", ["doc_number", "page_issuer"]),  # the page's label
        ("这份工作要点是哪天经市政府常务会议通过的？", ["adopted"]),
        ("这份报告的信息来源和责任编辑分别是谁？", ["source", "editor"]),
        ("这份报告的索引号是多少，作者是谁？", ["index_no", "author"]),
        ("这份报告挂到网上是哪天？文末签的日期又是哪天？", ["published", "signed"]),
        ("这份报告页面上的生成日期和文末落款日期各是哪天？", ["generated", "signed"]),
        ("2023年颁发给多少家企业信用证书？", []),  # 颁发给 is content, not an addressee
        ("2023年召开了哪次会议审议规范性文件？", []),  # no report named: a question about content
    ],
)
def test_what_a_question_asks_about_the_report_itself(question, fields):
    from assistant.qa.about import fields_asked

    assert [f for f, _ in fields_asked(question)] == fields


def test_a_measure_the_report_does_not_give_is_said_to_be_missing_first(library):
    store, settings = library
    answer = ask("武威市2021年行政复议纠错率是多少？", store, ScriptedLLM("报告中未提及。"), settings)
    assert answer.refused and answer.answer.startswith("报告中未提及行政复议纠错率")
    if "相关数据" in answer.answer:  # related figures, each quoted, never as the answer
        assert answer.citations and all(c.quote in answer.answer for c in answer.citations)


@pytest.mark.model
def test_the_real_model_does_not_attribute_another_reports_figure_to_the_place_asked(library):
    store, settings = library
    llm = get_backend(settings.model_copy(update={"model": "qwen2.5-coder-0.5b"}))
    answer = ask("光明区2021年办理了多少件法律援助案件？", store, llm, settings)
    assert "659" not in answer.answer  # 醴陵市's figure
    assert answer.refused or {c.report_id for c in answer.citations} == {"guangming-2021"}


def test_a_named_appraisal_year_must_be_the_one_the_source_names():
    from assistant.qa.checks import Expect, attribution_problems
    from assistant.qa.sources import Source

    report = Report(
        report_id="pucheng-2022", source="/x", version="v", raw_sha256="r", encoding="utf-8", place="蒲城县", year=2022
    )
    chunk = Chunk(
        chunk_id="c", report_id="pucheng-2022", version="v", index=0, start=0, end=40,
        text="我县在渭南市2021年度法治政府建设考核中被评为良好等次。", section="", place="蒲城县", year=2022,
    )  # fmt: skip
    source = Source(1, Hit(chunk=chunk, report=report, score=1.0))
    expect = Expect(terms=["考核"], exempt=set(), places=("蒲城县",))
    assert attribution_problems("蒲城县在2022年度考核中被评为良好等次。[1]", [source], expect)
    assert not attribution_problems("蒲城县在2021年度考核中被评为良好等次。[1]", [source], expect)


def test_a_work_reports_meeting_and_a_pages_document_number_come_from_the_record(general_store):
    store, settings = general_store
    meeting = ask("漳浦县政府工作报告是在哪次会议上作的？", store, ScriptedLLM(), settings)
    assert meeting.method == "about" and meeting.answer == "漳浦县第十七届人民代表大会第二次会议"
    assert "——2017年12月29日在漳浦县第十七届人民代表大会第二次会议上" in meeting.citations[0].quote
    number = ask(
        "延边朝鲜族自治州人民政府2021年度法治政府建设情况报告的文件编号是什么？", store, ScriptedLLM(), settings
    )
    assert number.answer == "延州政报〔2022〕4号" and number.citations[0].quote == "文件编号: 延州政报〔2022〕4号"
    sent_to = ask("金昌市印发示范市实施方案的通知是发给哪些单位的？", store, ScriptedLLM(), settings)
    assert sent_to.answer.startswith("永昌县、金川区人民政府") and sent_to.citations[0].in_text


def test_one_sentence_about_two_places_is_answered_place_by_place(general_store):
    store, settings = general_store

    both = cite_each_source_holding(
        ("186", "147"), "乌海市司法局收到行政复议申请186件，雄安新区收到行政复议申请147件。"
    )
    no_cards = settings.model_copy(update={"instant": False})
    answer = ask("乌海市司法局和雄安新区2023年各收到多少件行政复议申请？", store, ScriptedLLM(both), no_cards)
    assert answer.method == "model"
    assert answer.answer == "乌海市司法局2023年：186件；河北雄安新区2023年：147件"


def test_markers_after_the_last_sentence_cite_the_sentences_before_them_place_by_place(general_store):
    store, settings = general_store
    # The model's habit: the figures first, a comparison after, every marker at the very end.
    both = cite_each_source_holding(
        ("186", "147"), "乌海市司法局收到行政复议申请186件，雄安新区收到147件。乌海市司法局收到的多。"
    )
    no_cards = settings.model_copy(update={"instant": False})
    answer = ask("乌海市司法局和雄安新区2023年各收到多少件行政复议申请？哪个多？", store, ScriptedLLM(both), no_cards)
    assert answer.method == "model"
    # "哪个多" is answered from the two figures, whatever the model's own sentence says
    assert answer.answer == "乌海市司法局2023年：186件；河北雄安新区2023年：147件；乌海市司法局2023年更多"


def test_a_list_the_report_states_as_its_headings_is_read_off_its_outline(general_store):
    store, settings = general_store
    llm = ScriptedLLM()
    answer = ask("金昌市创建全国法治政府建设示范市分为哪几个阶段？", store, llm, settings)
    assert answer.method == "headings" and llm.calls == []
    assert answer.answer == "动员部署阶段、自查整改阶段、申报创建阶段、巩固提升阶段"
    assert [c.quote for c in answer.citations][:2] == ["(一)动员部署阶段", "(二)自查整改阶段"]
    assert all(store.report_text(c.report_id)[c.start : c.end] == c.quote for c in answer.citations)
    # A noun no run of sibling headings ends in is not such a list: the ladder goes on.
    assert ask("金昌市创建示范市有哪些保障措施？", store, ScriptedLLM(), settings).method != "headings"


def test_one_sentence_about_two_years_of_a_place_is_answered_year_by_year(general_store):
    store, settings = general_store

    both = cite_each_source_holding(("578", "713"), "磴口县转办12345热线群众来电这两年分别是578件和713件。")

    question = "磴口县转办的12345热线群众来电2021年到2022年是怎么变化的？"
    answer = ask(question, store, ScriptedLLM(both), settings)
    assert answer.method == "model" and answer.answer == "磴口县2021年：578件；磴口县2022年：713件"


def test_how_much_a_figure_rose_between_two_years_is_computed_from_both_quotes_and_shown_beside_them(general_store):
    store, settings = general_store
    question = "磴口县2023年转办12345热线群众来电比上一年增加了多少件？"
    answer = ask(question, store, ScriptedLLM(), settings.model_copy(update={"instant": False}))
    assert answer.method == "extractive"  # the model declined: each year's sentence is quoted
    assert answer.answer == "增加193件（2022年713件，2023年906件）"
    assert {c.report_id for c in answer.citations} == {"dengkou-2022", "dengkou-2023"}
    assert all(f in " ".join(c.quote for c in answer.citations) for f in ("713件", "906件"))


def test_the_problems_and_plans_a_report_enumerates_are_read_off_its_sections(library):
    store, settings = library
    problems = ask("磴口县法治政府建设存在哪些问题？", store, ScriptedLLM(), settings)
    assert problems.method == "headings" and problems.answer.startswith(
        "群众法治观念仍需提高；推进法治政府建设工作力量薄弱"
    )
    assert all(store.report_text(c.report_id)[c.start : c.end] == c.quote for c in problems.citations)
    first = ask("武威市2022年推进法治政府建设的主要安排中,第一项是什么？", store, ScriptedLLM(), settings)
    assert first.answer == "进一步落实法治建设主体责任" and len(first.citations) == 1
    # A figure asked about the problems is not the list: the ladder goes on.
    assert ask("磴口县存在的问题有多少个？", store, ScriptedLLM(), settings).method != "headings"


def test_a_question_that_also_asks_something_else_is_not_answered_from_the_record(library):
    store, settings = library
    answer = ask("磴口县报告里说有几件规范性文件作废了？是哪一年的事？", store, ScriptedLLM(), settings)
    assert answer.method != "about"  # the count comes first; the record does not hold it


PLAN = """临泽县人民政府办公室关于印发临泽县2024年法治政府建设工作方案的通知
各乡镇人民政府,县政府各部门:
现将《临泽县2024年法治政府建设工作方案》印发给你们,请认真贯彻落实。
临泽县人民政府办公室
2024年3月1日
一、重点任务
(一)深化行政执法规范化建设。全面推行行政执法“三项制度”,全年开展案卷评查2次。
责任单位:县司法局,县综合行政执法局
(二)发挥行政复议化解行政争议主渠道作用。在10个乡镇设立行政复议受理点。
责任单位:县司法局,各乡镇
(三)加强行政复议队伍建设
1.县本级行政复议办案人员不少于6名。
2.每年组织复议人员集中培训不少于2次。
牵头单位:县委编办,县司法局;配合单位:县财政局
(四)编制公布县级权责清单,年底前完成调整。
牵头单位:县委编办
责任单位:县司法局,县政府有关部门
二、保障措施
加强组织领导,强化督促检查。"""


def test_a_plans_task_is_answered_with_the_units_its_duty_line_names(make_store, tmp_path):
    store, settings = make_store()
    (tmp_path / "linze-fangan-2024.txt").write_text(PLAN, encoding="utf-8")
    ingest_paths([tmp_path / "linze-fangan-2024.txt"], store, progress=False)
    llm = ScriptedLLM()
    answer = ask("临泽县2024年方案里，发挥行政复议主渠道作用那项任务由哪些单位负责？", store, llm, settings)
    assert answer.method == "headings" and answer.answer == "县司法局、各乡镇" and llm.calls == []
    task, units = answer.citations
    assert task.quote == "(二)发挥行政复议化解行政争议主渠道作用" and units.quote == "县司法局,各乡镇"
    # The task named by the heading above its items; the units before 配合单位.
    lead = ask("临泽县2024年方案里，复议队伍建设由哪些单位牵头？", store, ScriptedLLM(), settings)
    assert lead.method == "headings" and lead.answer == "县委编办、县司法局"
    assert lead.citations[0].quote == "(三)加强行政复议队伍建设"
    # Asked who leads and who assists: both, each under its role.
    both = ask("临泽县2024年方案里，复议队伍建设谁牵头、哪些部门配合？", store, ScriptedLLM(), settings)
    assert both.method == "headings" and both.answer == "牵头：县委编办、县司法局；配合：县财政局"
    assert both.citations[1].quote == "县委编办,县司法局;配合单位:县财政局"
    # A task with a 牵头单位 and a 责任单位 line: the line the question names.
    lead = ask("临泽县2024年方案里，编制权责清单那项任务的牵头单位是哪个？", store, ScriptedLLM(), settings)
    assert lead.method == "headings" and lead.answer == "县委编办"
    duty = ask("临泽县2024年方案里，编制权责清单那项任务的责任单位有哪些？", store, ScriptedLLM(), settings)
    assert duty.method == "headings" and duty.answer == "县司法局、县政府有关部门"


def test_a_signing_date_written_in_chinese_numerals_is_quoted_as_written():
    from assistant.qa.about import locate

    text = "某县人民政府关于2024年度法治政府建设情况的报告\n……\n某县人民政府\n二〇二五年一月二十日"
    start, end, shown = locate("2025-01-20", "date", text)
    assert shown == "二〇二五年一月二十日" and text[start:end] == shown
    assert locate("2025-01-21", "date", text) is None  # another day is not this one


def test_a_record_field_the_report_does_not_state_is_refused_though_the_question_describes_another():
    from assistant.qa.about import unstated

    report = Report(
        report_id="donghu-2024", source="/x", version="v", raw_sha256="r", encoding="utf-8",
        place="武汉东湖新技术开发区", year=2024, addressee="武汉市人民政府",
    )  # fmt: skip
    # "报给武汉市政府的" describes the report; only the 文号 is asked, and the report has none
    assert unstated("光谷管委会报给武汉市政府的那份法治报告，文号写的是什么？", report) == ["文号"]
    assert unstated("这份报告是报给谁的？", report) == []  # stated: answered from the record


def test_a_departments_figure_given_for_its_county_is_said_under_the_departments_name(make_store, tmp_path):
    store, settings = make_store()
    report = (
        "青溪县司法局2024年度法治政府建设工作报告\n一、主要工作\n"
        "（一）行政复议。全年以县司法局为复议机关办理行政复议案件41件，纠错率9.8%。\n"
        "（二）法律援助。办理法律援助案件312件。\n青溪县司法局\n2025年1月10日\n"
    )
    (tmp_path / "qingxi-sifaju-2024.txt").write_text(report, "utf-8")
    ingest_paths([tmp_path / "qingxi-sifaju-2024.txt"], store, progress=False)
    county = cite_the_source_holding("41件", "青溪县2024年办理行政复议案件41件。")
    answer = ask("青溪县2024年办理了多少件行政复议案件？", store, ScriptedLLM(county), settings)
    # the county has no report of its own: its department's stands in, and says so with the figure
    assert answer.answer == "青溪县司法局2024年报告：41件"
    answer = ask("青溪县司法局2024年办理了多少件行政复议案件？", store, ScriptedLLM(county), settings)
    assert answer.answer == "41件"  # the department asked by name: its figure is plainly its own


def test_the_places_a_report_lists_and_counts_itself_answer_which_places_it_covers(make_store, tmp_path):
    store, settings = make_store()
    rules = (
        "青溪市法治政府建设考核办法\n第一条　为推进法治政府建设，制定本办法。\n第二条　本办法适用于：\n"
        "（一）城关区、新华区、白沙县3个县（区）人民政府；\n（二）市政府工作部门20个。\n"
        "第三条　考核实行百分制。\n青溪市人民政府办公室\n2024年3月1日\n"
    )
    (tmp_path / "qingxi-kaohe-2024.txt").write_text(rules, "utf-8")
    ingest_paths([tmp_path / "qingxi-kaohe-2024.txt"], store, progress=False)
    llm = ScriptedLLM()
    answer = ask("青溪市这次法治考核覆盖了哪几个县区？", store, llm, settings)
    assert answer.method == "headings" and llm.calls == []
    assert answer.answer == "城关区、新华区、白沙县"
    assert answer.citations[0].quote == "城关区、新华区、白沙县"


def test_a_place_no_report_is_about_is_answered_from_the_one_report_naming_it_under_that_reports_name(
    make_store, tmp_path
):
    store, settings = make_store()
    stats = (
        "青溪市2024年度行政执法统计年报\n一、各地执法情况\n2024年各县（区）行政处罚情况如下：\n"
        "地区│行政处罚（件）│罚没款（万元）\n城关区│3126│3480\n白沙县│4218│4210\n青溪市司法局\n2025年2月14日\n"
    )
    (tmp_path / "qingxi-zhifa-2024.txt").write_text(stats, "utf-8")
    ingest_paths([tmp_path / "qingxi-zhifa-2024.txt"], store, progress=False)
    answer = ask("白沙县2024年作出了多少行政处罚？", store, ScriptedLLM(), settings)
    assert answer.answer == "青溪市2024年报告：4218件" and "白沙县│4218" in answer.citations[0].quote
    assert "报告库中没有白沙县的报告" in answer.scope.reason
    # its own report asked for: the city's table is not it
    own = ask("白沙县自己的2024年法治政府建设报告里行政处罚有多少件？", store, ScriptedLLM(), settings)
    assert own.refused and "报告库中没有白沙县的报告" in own.answer
    # a place no report names at all is refused as before
    assert ask("石门县2024年作出了多少行政处罚？", store, ScriptedLLM(), settings).refused


RECTIFICATION = """青溪县人民政府办公室关于印发青溪县法治政府建设督察反馈问题整改方案的通知
各乡镇人民政府，县各有关部门：
现将整改方案印发给你们，请认真组织实施。
青溪县人民政府办公室
2024年7月26日
青溪县法治政府建设督察反馈问题整改方案
一、问题清单和整改措施
问题1：重大行政决策目录公布不及时，部分决策事项未履行风险评估程序。
整改措施：年度重大行政决策事项目录于3月31日前公布。
责任单位：县政府办公室、县司法局
整改时限：2025年3月31日前
问题2：行政诉讼败诉率偏高，一审行政诉讼败诉率为9.8%。
整改措施：征收补偿决定作出前一律经过法制审核。
责任单位：县住房和城乡建设局、县司法局
整改时限：2024年12月31日前
二、保障措施
加强组织领导。"""


def test_a_rectification_plans_problem_is_answered_with_the_duty_line_under_its_measures(make_store, tmp_path):
    store, settings = make_store()
    (tmp_path / "qingxi-zhenggai-2024.txt").write_text(RECTIFICATION, encoding="utf-8")
    ingest_paths([tmp_path / "qingxi-zhenggai-2024.txt"], store, progress=False)
    answer = ask("青溪县整改败诉率偏高这个问题，责任单位有哪些？", store, ScriptedLLM(), settings)
    assert answer.method == "headings" and answer.answer == "县住房和城乡建设局、县司法局"
    assert answer.citations[0].quote.startswith("问题2:行政诉讼败诉率偏高")  # as the cleaned text writes it
    # asked when it is due: the 整改时限 line under the problem named
    due = ask("青溪县公布重大行政决策目录，最晚什么时候要完成？", store, ScriptedLLM(), settings)
    assert due.method == "headings" and due.answer == "2025年3月31日前"
    assert due.citations[0].quote.startswith("问题1:重大行政决策目录公布不及时")


def test_the_weekday_asked_with_a_pages_date_is_the_one_printed_beside_it(make_store, tmp_path):
    store, settings = make_store()
    page = (
        "发布时间：2025年1月24日 星期五　　发布单位：青溪市交通运输局\n青溪市交通运输局关于2024年度法治政府建设工作情况的报告\n"
        "青溪市人民政府：\n2024年，市交通运输局全年办理行政处罚案件742件。\n青溪市交通运输局\n2025年1月17日"
    )
    (tmp_path / "qingxi-jtj-2024.txt").write_text(page, encoding="utf-8")
    ingest_paths([tmp_path / "qingxi-jtj-2024.txt"], store, progress=False)
    answer = ask("青溪交通局这份报告哪天挂到网上的，星期几？落款写的哪天？", store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer == "2025年1月24日 星期五；2025年1月17日"


# An invented department report whose web page states what its text does not: when it was written
# (成文日期, not the signature's day), when and by whom it was posted, where it came from.
PAGE_BLOCK = """索引号：001008/2025-00017
发布机构：青溪市自然资源和规划局办公室
发文字号：青自然资规〔2025〕3号
成文日期：2025-01-24
发布日期：2025-02-07 09:12
信息来源：青溪市自然资源和规划局
责任编辑：李明
青溪市自然资源和规划局关于2024年度法治政府建设工作情况的报告
青溪市人民政府：
2024年，市自然资源和规划局在市委、市政府的领导下依法履职，全年立案查处自然资源违法案件330件，罚没款3260万元。
一、主要工作
（一）严格执法。持证执法人员412名，执法案卷评查优良率92.5%。
青溪市自然资源和规划局
2025年1月20日
"""


@pytest.fixture(scope="module")
def page_block(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "qingxi-zrgh-2024.txt", PAGE_BLOCK)


@pytest.mark.parametrize(
    "question,short,on_page",
    [
        (
            "青溪市自然资源和规划局这份报告的成文日期、网上发布日期和落款日期分别是哪天？",
            "2025-01-24；2025-02-07 09:12；2025年1月20日",
            [True, True, False],
        ),
        ("青溪市自然资源和规划局这份报告的信息来源和责任编辑分别是谁？", "青溪市自然资源和规划局；李明", [True, True]),
        ("青溪市自然资源和规划局这份报告的索引号是多少？", "001008/2025-00017", [True]),
        (
            "青溪市自然资源和规划局这份报告网上几点发布的？落款写的哪天？",
            "2025-02-07 09:12；2025年1月20日",
            [True, False],
        ),
        # the page's 发布机构 is the office that posted it, not the bureau that signs
        (
            "青溪市自然资源和规划局这份报告的文号是什么，发布机构是哪个？",
            "青自然资规〔2025〕3号；青溪市自然资源和规划局办公室",
            [True, True],
        ),
    ],
)
def test_what_only_the_web_page_states_is_quoted_from_its_information_block(page_block, question, short, on_page):
    store, settings = page_block
    llm = ScriptedLLM()
    answer = ask(question, store, llm, settings)
    assert answer.method == "about" and answer.answer == short and llm.calls == []
    assert [c.location == "网页信息栏" for c in answer.citations] == on_page
    for c in answer.citations:
        if c.location != "网页信息栏":
            assert store.report_text(c.report_id)[c.start : c.end] == c.quote


# An invented 工作要点: adopted at a meeting, signed by an office above its 抄送 line, numbered at its foot;
# its duties at the end of each task's line; its targets beside last year's figures.
WORK_POINTS = """青溪市2025年法治政府建设工作要点
（2025年3月4日市政府第12次常务会议审议通过）
2024年，全市法治政府建设取得新进展：市政府收到行政复议申请86件，纠错率7.1%。
一、主要目标
主要目标是：到2025年底，行政复议纠错率控制在6%以内，一审行政诉讼败诉率降到4%以下；被诉行政机关负责人做到逢案必出庭；复议调解和解率达到30%以上；“法律明白人”全市达到1500名。
二、重点任务
1.旅游旺季在景区开展联合执法，重点整治强制消费问题，游客投诉办结率达到100%。（由市文化和旅游局牵头，市市场监督管理局、市公安局配合）
2.开展文物安全专项执法，依法查处文物保护单位周边的违规建设行为。（由市文化和旅游局牵头，市自然资源局配合）
3.严格水资源管理，对超采地下水行为开展专项执法。（由市水务局牵头，各镇人民政府配合）
4.在各镇设立行政复议受理点，6月底前全部投入运行。（牵头单位：市司法局；配合单位：各镇人民政府）
5.开展执法案卷评查，评查案卷不少于300卷。（责任单位：市司法局、市政府各部门）
6.开展重点领域专项整治。在景区开展文旅市场专项执法，在茶园开展农资专项检查。
责任单位：市文化和旅游局，市农业农村局
三、实施步骤
（一）动员部署阶段（2025年3月—2025年4月）。
（二）集中攻坚阶段（2025年5月—2025年10月）。
青溪市人民政府办公室
2025年3月10日
抄送：市委办公室，市人大常委会办公室，市政协办公室。
【发文字号】青政办发〔2025〕9号　　【发布日期】2025-03-14
"""


@pytest.fixture(scope="module")
def work_points(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "qingxi-yaodian-2025.txt", WORK_POINTS)


@pytest.mark.parametrize(
    "question,short",
    [
        ("青溪市2025年工作要点是哪个单位印发的，文号是多少？", "青溪市人民政府办公室；青政办发〔2025〕9号"),
        (
            "青溪市这份工作要点是哪天经市政府常务会议通过的？落款和网上发布又是哪天？",
            "2025年3月4日；2025年3月10日；2025-03-14",
        ),
    ],
)
def test_a_work_plans_meeting_signature_and_foot_are_its_record(work_points, question, short):
    store, settings = work_points
    answer = ask(question, store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer == short


def test_a_duty_at_the_end_of_a_tasks_line_names_who_leads_and_who_assists(work_points):
    store, settings = work_points
    both = ask("青溪市景区联合执法这项任务由哪个单位牵头，哪些单位配合？", store, ScriptedLLM(), settings)
    assert both.method == "headings" and both.answer == "牵头：市文化和旅游局；配合：市市场监督管理局、市公安局"
    task, units = both.citations
    assert task.quote.startswith("1.旅游旺季在景区开展联合执法") and units.quote.startswith("市文化和旅游局牵头")
    lead = ask("青溪市超采地下水专项执法由哪个单位牵头？", store, ScriptedLLM(), settings)
    assert lead.method == "headings" and lead.answer == "市水务局"
    # the same duty written with its labels inside the brackets
    both = ask("青溪市设立行政复议受理点由哪个单位牵头，哪些单位配合？", store, ScriptedLLM(), settings)
    assert both.method == "headings" and both.answer == "牵头：市司法局；配合：各镇人民政府"
    duty = ask("青溪市执法案卷评查的责任单位有哪些？", store, ScriptedLLM(), settings)
    assert duty.method == "headings" and duty.answer == "市司法局、市政府各部门"
    # a task named by what its line goes on to say, not by its title
    named = ask("青溪市景区和茶园的专项整治由哪几个市级部门负责？", store, ScriptedLLM(), settings)
    assert named.method == "headings" and named.answer == "市文化和旅游局、市农业农村局"


def test_a_stages_period_is_read_off_the_brackets_after_its_heading(work_points):
    store, settings = work_points
    answer = ask("青溪市工作要点的集中攻坚阶段起止时间是怎么安排的？", store, ScriptedLLM(), settings)
    assert answer.method == "headings" and answer.answer == "2025年5月—2025年10月"
    assert store.report_text(answer.citations[0].report_id)[answer.citations[0].start : answer.citations[0].end] == (
        "2025年5月—2025年10月"
    )


def test_two_rates_targets_asked_together_are_quoted_from_the_sentence_setting_both(work_points):
    store, settings = work_points
    answer = ask(
        "青溪市2025年行政复议纠错率和行政诉讼败诉率的目标分别定在多少？", store, ScriptedLLM("报告中未提及。"), settings
    )
    assert not answer.refused and "6%以内" in answer.answer and "4%以下" in answer.answer


def test_what_was_actually_done_is_never_answered_with_the_target(work_points):
    store, settings = work_points
    answer = ask("青溪市2025年复议调解和解率实际做到了多少？", store, ScriptedLLM("报告中未提及。"), settings)
    assert (
        answer.refused and answer.answer.startswith("报告中未提及") and "30%" not in answer.answer.split("相关数据")[0]
    )


def test_two_figures_asked_in_one_clause_joined_by_a_pause_mark_are_each_answered(work_points):
    store, settings = work_points
    answer = ask(
        "按青溪市的工作要点，2024年复议申请多少件、纠错率多少？", store, ScriptedLLM("报告中未提及。"), settings
    )
    assert answer.answer == "86件；7.1%"


def test_a_comparison_with_the_year_before_is_the_reports_own_同比(make_store, tmp_path):
    store, settings = make_store()
    text = "青溪县应急管理局2023年法治政府建设情况报告\n一、执法\n全年立案160件，同比增长14.3%。\n青溪县应急管理局\n2024年1月10日\n"
    (tmp_path / "qingxi-yjj-2023.txt").write_text(text, encoding="utf-8")
    ingest_paths([tmp_path / "qingxi-yjj-2023.txt"], store, progress=False)
    draft = cite_the_source_holding("160", "青溪县应急管理局2023年立案160件，比2022年增长14.3%。")
    answer = ask("青溪县应急局2023年总共立了多少案？比2022年多了多少？", store, ScriptedLLM(draft), settings)
    assert answer.method == "model" and not answer.problems  # "比2022年" is the report's 同比, not another year's claim


def test_an_act_asked_with_its_negation_is_not_answered_by_the_act(make_store, tmp_path):
    store, settings = make_store()
    text = (
        "青溪县应急管理局2023年法治政府建设情况报告\n一、执法\n对首次违法、危害后果轻微并及时改正的企业依法从轻或者减轻处罚，"
        "全年从轻、减轻处罚案件38件。\n青溪县应急管理局\n2024年1月10日\n"
    )
    (tmp_path / "qingxi-yjj-2023.txt").write_text(text, encoding="utf-8")
    ingest_paths([tmp_path / "qingxi-yjj-2023.txt"], store, progress=False)
    answer = ask(
        "青溪县应急局2023年对首次轻微违法的企业不予处罚了多少件？", store, ScriptedLLM("报告中未提及。"), settings
    )
    assert answer.refused and "38" not in answer.answer  # 从轻处罚 is not 不予处罚


def test_a_total_before_a_list_of_its_parts_does_not_answer_one_part(make_store, tmp_path):
    store, settings = make_store()
    text = (
        "青溪经济技术开发区2024年法治政府建设情况报告\n一、执法\n全年各领域共检查5000次，立案700件，具体为：\n"
        "·市场监管：检查1240次，立案186件\n·城市管理：检查1320次，立案254件\n青溪经济技术开发区管理委员会\n2025年1月10日\n"
    )
    (tmp_path / "qingxi-jk-2024.txt").write_text(text, encoding="utf-8")
    ingest_paths([tmp_path / "qingxi-jk-2024.txt"], store, progress=False)
    totals = cite_the_source_holding("5000", "青溪经开区城市管理方面检查5000次，立案700件。")
    answer = ask("青溪经开区城市管理方面2024年检查多少次？立案多少件？", store, ScriptedLLM(totals, totals), settings)
    assert any("“具体为”之后才说到" in p for p in answer.problems) and answer.answer == "1320次；254件"


def test_now_asked_of_several_years_is_the_latest_reports_though_an_earlier_one_words_it_closer(make_store, tmp_path):
    store, settings = make_store()
    for year, said in (
        (2023, "截至2023年底，全区持有执法证件的人员1384名。"),
        (2025, "截至2025年底，全区持证行政执法人员1471名。"),
    ):
        text = f"青溪区{year}年法治政府建设情况报告\n一、执法\n{said}\n青溪区人民政府\n{year + 1}年1月10日\n"
        (tmp_path / f"qingxi-{year}.txt").write_text(text, encoding="utf-8")
    ingest_paths([tmp_path], store, progress=False)
    answer = ask("青溪区眼下持有执法证的人员一共多少？", store, ScriptedLLM("报告中未提及。"), settings)
    assert "1471名" in answer.answer and {c.report_id for c in answer.citations} == {"qingxi-2025"}


def test_a_zone_named_for_a_city_is_not_the_city_and_a_market_is_no_place():
    from assistant.text.places import names_place

    assert not names_place("自贸试验区昆明片区形成了几项制度创新成果", "昆明市")
    assert names_place("海城服装市场领域2024年立了多少案？", "海城市")  # a 市场 of 海城, no place 海城服装市


def test_a_total_under_the_lines_of_its_parts_does_not_answer_one_part(make_store, tmp_path):
    store, settings = make_store()
    text = (
        "青溪高新区2023年法治政府建设情况报告\n一、执法\n市场监管：检查1180次；立案204件；罚没款312万元\n"
        "安全生产：检查1460次；立案138件；罚没款286万元\n以上合计检查2640次，立案342件，罚没款598万元。\n"
        "青溪高新区管理委员会\n2024年1月10日\n"
    )
    (tmp_path / "qingxi-gx-2023.txt").write_text(text, encoding="utf-8")
    ingest_paths([tmp_path / "qingxi-gx-2023.txt"], store, progress=False)
    totals = cite_the_source_holding("2640", "青溪高新区安全生产方面检查2640次，罚没款598万元。")
    answer = ask("青溪高新区安全生产方面2023年检查了多少次？罚没款多少？", store, ScriptedLLM(totals, totals), settings)
    assert any("上面各行才说到" in p for p in answer.problems) and "2640" not in answer.answer
    # quoted instead: each figure from the line its label names (罚没款 of 安全生产's line, not 市场监管's)
    assert answer.answer == "1460次；286万元"
