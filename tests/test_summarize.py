"""Specifications for report summaries (assistant/reports/summarize.py, sections.py).

A summary is read off the report by rule — sections from the outline, each with its own
topic clauses, the instruments and brands it names, and its figures; the problems, plans
and honours the text states — and the model writes only the 总体概述 (and the two lists for
a report without them) in one call whose sentences are kept only if the report bears out
their numbers. The rules are checked on every seed and on the general set's reports (of
which only guangming-2022 and jinchang-fangan were read while writing them); the pipeline
against ScriptedLLM; one end-to-end test runs the real packaged 0.5B model.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from assistant.backends.registry import get_backend
from assistant.evals.gold import GENERAL_DIR
from assistant.ingest.cleaning import clean
from assistant.ingest.pipeline import ingest_paths
from assistant.reports import summarize
from assistant.reports.digest import render_markdown
from assistant.reports.indicators import extract
from assistant.reports.outline import enumerated_items, honours, outline, problems_and_plans
from assistant.reports.sections import figures_in, near_duplicate
from assistant.reports.summarize import (
    SCHEMA_PATH,
    SummaryOptions,
    read_by_rule,
    summarize_report,
    summary_json_schema,
)
from assistant.reports.summary_models import ReportSummary
from assistant.text.numerals import number_set
from tests.fakes import ScriptedLLM

WUHAI_SECTIONS = [
    "(一)聚焦统筹部署,法治政府建设持续加强",
    "(二)聚焦依法决策,依法行政能力持续提升",
    "(三)聚焦优化法治化营商环境,依法全面履行政府职能持续优化",
    "(四)聚焦严格公正文明执法,执法质量水平持续提高",
    "(五)聚焦全民守法普法,法治社会建设持续深化",
]
OVERVIEW = "乌海市全力推进法治政府建设。行政机关负责人出庭应诉率98.4%。"


class SchemaRecordingLLM(ScriptedLLM):
    """ScriptedLLM that also keeps the JSON schema each call was constrained to."""

    def __init__(self, *replies):
        super().__init__(*replies)
        self.schemas: list[dict] = []

    def complete(self, messages, *, json_schema=None, **kw):
        self.schemas.append(json_schema)
        return super().complete(messages, json_schema=json_schema, **kw)


def overview(text: str = OVERVIEW, **lists) -> str:
    return json.dumps({"总体概述": text, **lists}, ensure_ascii=False)


def report_files(seeds_dir):
    return sorted(seeds_dir.glob("*.txt")) + sorted((GENERAL_DIR / "reports").glob("*.txt"))


@pytest.fixture
def wuhai_text(seeded_store):
    store, _ = seeded_store
    return store.report_text("wuhai-2023")


# --- what the rules read off the text ----------------------------------------------------
_OPENS = "，,;；。：:\n!?！？"
_CLOSES = "，,;；。!?！？\n"
_ENUMERATOR = re.compile(
    r"(?:[一二三四五六七八九十]{1,2}是|[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.．、])\s*$"
)


def whole_clause_problem(bullet: str, text: str) -> str | None:
    """Why `bullet` is not a whole clause of `text`, or None."""
    at = text.find(bullet)
    if at < 0:
        return "not in the text"
    before, after = text[:at], text[at + len(bullet) : at + len(bullet) + 1]
    if before and before[-1] not in _OPENS and not _ENUMERATOR.search(before[-6:]):
        return f"starts mid-clause after {before[-8:]!r}"
    if after and after not in _CLOSES:
        return f"ends mid-clause before {after!r}"
    return None


def test_every_bullet_is_a_whole_clause_and_none_is_a_heading_a_label_or_a_repeat(seeds_dir):
    """On every seed and every report of the general set: each 要点, named instrument,
    problem, plan and honour is a whole clause or sentence of the report, no heading or
    source label ("深圳市2021年报告"), and no near-duplicate of another anywhere in it."""
    checked = 0
    for path in report_files(seeds_dir):
        text = clean(path.read_bytes(), path.name).text
        read = read_by_rule(text, SummaryOptions())
        headings = {p.title for p in outline(text)[1]}
        bullets = [b for s in read.sections for b in s.要点 + s.制度与品牌]
        bullets += read.problems + read.plans + read.honours
        assert read.sections, path.name
        for i, bullet in enumerate(bullets):
            assert whole_clause_problem(bullet, text) is None, (path.name, bullet, whole_clause_problem(bullet, text))
            assert bullet not in headings and not re.fullmatch(r"[\u4e00-\u9fff]{2,12}(?:\d{4}年)?报告", bullet)
            assert not any(near_duplicate(bullet, earlier) for earlier in bullets[:i]), (path.name, bullet)
        for s in read.sections:
            for f in s.关键数据:
                assert text[f.start : f.end] == f.原文 and number_set(f.数值) <= number_set(f.原文), (path.name, f)
        checked += len(bullets)
    assert checked > 300


def test_sections_are_the_outlines_with_their_own_topic_clauses_and_named_instruments(wuhai_text):
    read = read_by_rule(wuhai_text, SummaryOptions())
    assert [s.标题 for s in read.sections] == WUHAI_SECTIONS
    second, fourth = read.sections[1], read.sections[3]
    assert second.要点 == ["加强重点领域立法", "加强依法决策", "加强审核备案", "加强行政权力制约监督"]
    assert any("《乌海市节约用水条例》" in n for n in second.制度与品牌)
    assert fourth.要点[:2] == ["聚力专项整治", "聚力行政复议体制改革"]
    # The problems and the plans of one "存在的问题及下一步工作" section, told apart.
    assert read.problems[0] == "运用法治思维和法治方式处理实际问题的本领和能力仍需增强"
    assert len(read.plans) == 3 and read.plans[0].startswith("持续完善科学的目标考核评价体系")
    assert "获评全国社会信用体系建设示范市" in read.honours


def test_a_sections_figures_keep_its_indicator_values_then_rates_and_totals_before_breakdowns():
    text = (
        "(一)热线办理\n共转办热线群众来电578件。其中,咨询类13件,求助类549件,投诉类11件。"
        "已办结531件,办结率为91.8%。我县行政应诉案件24件,行政机关负责人出庭应诉率为100%。"
    )
    figures = figures_in(text, 0, len(text), extract(text), limit=4)
    assert [(f.指标, f.数值 + f.单位) for f in figures] == [
        ("转办热线群众来电", "578件"),
        ("办结率", "91.8%"),
        ("行政应诉案件数", "24件"),
        ("行政机关负责人出庭应诉率", "100%"),
    ]
    assert all(text[f.start : f.end] == f.原文 for f in figures)


def test_the_plans_of_a_combined_section_begin_where_the_coming_year_does():
    text = (
        "一、工作成效\n全年办理行政复议案件11件。\n二、存在的问题及下一步工作\n"
        "一是法治意识不强。二是队伍力量薄弱。\n"
        "2024年,我县将深学笃用习近平法治思想。一是完善考核评价体系。二是深化“放管服”改革。\n"
    )
    _, parts = outline(text)
    assert problems_and_plans(text, parts) == (
        ["法治意识不强", "队伍力量薄弱"],
        ["完善考核评价体系", "深化“放管服”改革"],
    )


# --- the one model call -------------------------------------------------------------------
def test_one_model_call_writes_the_overview_from_the_sections_topic_clauses(seeded_store, settings_factory, wuhai_text):
    store, _ = seeded_store
    llm = SchemaRecordingLLM(overview())
    summary = summarize_report(store, llm, settings_factory(), "wuhai-2023")
    assert len(llm.calls) == 1 and summary.来源.usage["calls"] == 1
    prompt = llm.calls[0][-1]["content"]
    assert "(四)聚焦严格公正文明执法,执法质量水平持续提高：聚力专项整治" in prompt
    # The report states its problems and plans: the model is asked for the overview alone.
    assert list(llm.schemas[0]["properties"]) == ["总体概述"]
    assert summary.总体概述 == OVERVIEW and summary.来源.prompt == "summary_overview@1"
    assert [s.标题 for s in summary.主要举措与成效] == WUHAI_SECTIONS
    assert all(wuhai_text[f.start : f.end] == f.原文 for s in summary.主要举措与成效 for f in s.关键数据)
    ReportSummary.model_validate_json(summary.model_dump_json())


def test_an_overview_sentence_with_a_number_the_report_lacks_is_dropped_and_counted(seeded_store, settings_factory):
    store, _ = seeded_store
    reply = overview("乌海市全力推进法治政府建设。全年办理行政处罚案件9999件。出庭应诉率98.4%。")
    summary = summarize_report(store, ScriptedLLM(reply), settings_factory(), "wuhai-2023")
    assert summary.总体概述 == "乌海市全力推进法治政府建设。出庭应诉率98.4%。"
    assert summary.来源.dropped_unverified == 1 and summary.来源.dropped_detail == {"总体概述": 1}
    assert "9999" not in summary.model_dump_json()


def test_a_long_overview_ends_at_a_sentence_or_clause_end_never_mid_word(seeded_store, settings_factory):
    store, _ = seeded_store
    clauses = "，".join(f"第{n}项工作扎实推进" for n in "一二三四五六七八九十" * 3)
    summary = summarize_report(store, ScriptedLLM(overview(clauses[:270])), settings_factory(), "wuhai-2023")
    assert len(summary.总体概述) <= 200 and summary.总体概述.endswith("扎实推进…")
    first = "乌海市" + "，".join(["持续推进依法行政"] * 10) + "。"
    summary = summarize_report(store, ScriptedLLM(overview(first + clauses[:150])), settings_factory(), "wuhai-2023")
    assert summary.总体概述 == first


def test_a_report_without_problem_or_plan_sections_gets_verified_ones_from_the_model(make_store, tmp_path):
    source = tmp_path / "brief-2023.txt"
    source.write_text(
        "某某县2023年法治政府建设情况报告\n"
        "2023年,某某县深入推进法治政府建设,取得了积极成效。\n"
        "一、主要工作\n一是加强组织领导。全年召开专题会议4次。二是规范行政执法。办理行政复议案件11件。\n",
        encoding="utf-8",
    )
    store, settings = make_store()
    (result,) = ingest_paths([source], store, progress=False)
    reply = overview(
        "某某县深入推进法治政府建设,办理行政复议案件11件。",
        存在问题=["基层执法力量不足", "复议案件增至99件"],
        下一步计划=["继续规范行政执法"],
    )
    llm = SchemaRecordingLLM(reply)
    summary = summarize_report(store, llm, settings, result.report_id)
    assert set(llm.schemas[0]["properties"]) == {"总体概述", "存在问题", "下一步计划"}
    assert summary.存在问题 == ["基层执法力量不足"] and summary.下一步计划 == ["继续规范行政执法"]
    assert summary.来源.dropped_detail == {"存在问题": 1}


def test_invalid_output_is_reasked_once_then_the_overview_is_the_reports_own_opening(
    seeded_store, settings_factory, wuhai_text
):
    store, _ = seeded_store
    llm = ScriptedLLM("这不是 JSON", '{"总体概述": ""}')
    summary = summarize_report(store, llm, settings_factory(), "wuhai-2023")
    assert len(llm.calls) == 2 and "上一次的输出无效" in llm.calls[1][-1]["content"]
    assert summary.来源.failed_sections == ["总体概述"]
    assert summary.总体概述.rstrip("…") in wuhai_text and summary.总体概述.startswith("今年以来")
    assert [s.标题 for s in summary.主要举措与成效] == WUHAI_SECTIONS  # the rules do not need the model
    assert "这不是 JSON" not in summary.model_dump_json()


def test_the_section_material_is_cut_at_a_sentence_end_to_fit_a_small_context(seeded_store, settings_factory):
    store, _ = seeded_store
    llm = ScriptedLLM(overview("醴陵市推进法治政府建设。"))
    llm.n_ctx = 1400
    summary = summarize_report(store, llm, settings_factory(), "wuwei-2021", options=SummaryOptions(max_tokens=128))
    assert summary.来源.truncated_sections == ["各部分"]
    (messages,) = llm.calls
    assert sum(llm.count_tokens(m["content"]) for m in messages) + 128 <= llm.n_ctx


def test_summaries_are_cached_and_regenerated_when_report_or_prompt_changes(
    seeded_store, settings_factory, monkeypatch
):
    store, _ = seeded_store
    settings = settings_factory()
    first = summarize_report(store, ScriptedLLM(overview()), settings, "wuhai-2023")
    again = ScriptedLLM()
    assert summarize_report(store, again, settings, "wuhai-2023") == first and again.calls == []
    assert len(list((settings.data_dir / "summaries").glob("wuhai-2023-*.json"))) == 1

    class ChangedReport:  # same text, new content hash: as after re-ingesting an edited file
        def find_report(self, key):
            return store.find_report(key).model_copy(update={"version": "0" * 64})

        def report_text(self, report_id):
            return store.report_text(report_id)

    changed = ScriptedLLM(overview())
    summarize_report(ChangedReport(), changed, settings, "wuhai-2023")
    assert changed.calls

    real_load = summarize.load
    monkeypatch.setattr(summarize, "load", lambda name: dataclasses.replace(real_load(name), version=99))
    bumped = ScriptedLLM(overview())
    assert summarize_report(store, bumped, settings, "wuhai-2023").来源.prompt == "summary_overview@99"
    assert bumped.calls
    refreshed = ScriptedLLM(overview())
    summarize_report(store, refreshed, settings, "wuhai-2023", refresh=True)
    assert len(refreshed.calls) == 1


def test_metadata_come_from_the_report_never_the_model(seeded_store, settings_factory):
    store, _ = seeded_store
    settings = settings_factory()
    for report in store.reports():
        summary = summarize_report(store, ScriptedLLM(overview("报告。")), settings, report.report_id)
        meta = summary.元数据
        assert (meta.地区, meta.上级, meta.行政层级, meta.文件类型, meta.报告年度) == (
            report.place,
            report.parent,
            report.level,
            report.kind,
            report.year,
        )
        assert (meta.标题, meta.发布机关, meta.日期, meta.文号) == (
            report.title,
            report.issuer,
            report.date,
            report.doc_number,
        )
    liling = summarize_report(store, ScriptedLLM(overview("报告。")), settings, "liling-2023").元数据
    assert liling.文号 == "醴报〔2024〕2号" and liling.地区 == "醴陵市" and liling.日期 == "2024-01-22"


def test_outline_lists_and_honours_come_from_the_text(wuhai_text):
    preamble, parts = outline(wuhai_text)
    assert preamble.startswith("今年以来") and [p.title for p in parts if p.kind == "body"] == WUHAI_SECTIONS
    assert parts[-1].kind == "problems+plans"
    assert enumerated_items("主要表现在:一是意识不强,能力不足;二是工作不平衡。") == ["意识不强,能力不足", "工作不平衡"]
    assert (
        "市人社局《优环境、提效能、惠民生,奋力开创法治人社新局面》和市农牧局《聚焦服务三农、严格执法为民,"
        "用法治‘含金量’保障执法‘高质量’》被命名为全区法治政府建设示范项目" in honours(wuhai_text)
    )


def test_markdown_digest_has_metadata_bullets_and_footnotes(seeded_store, settings_factory):
    store, _ = seeded_store
    md = render_markdown(summarize_report(store, ScriptedLLM(overview()), settings_factory(), "wuhai-2023"))
    assert "| 地区 | 乌海市 |" in md and "| 文号 | — |" in md and "| 文件类型 | 法治政府建设年度报告 |" in md
    assert "### (四)聚焦严格公正文明执法,执法质量水平持续提高" in md and "- 聚力专项整治" in md
    assert "- 制度与品牌：先后出台《乌海市节约用水条例》" in md
    note = re.search(r"- \*\*行政机关负责人出庭应诉率\*\*：98.4%\[\^(\d+)\]", md).group(1)
    assert re.search(rf"\[\^{note}\]: “[^”]*行政机关负责人出庭应诉率98.4%。”（第 \d+–\d+ 字）", md)
    assert "## 存在问题" in md and "- 法治人才队伍建设还需强化" in md


def test_the_exported_json_schema_is_current():
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == summary_json_schema(), (
        "run `python -m assistant.reports.summarize --schema` after changing the summary models"
    )


# --- the real packaged 0.5B model through llama.cpp --------------------------------------
@pytest.mark.model
def test_the_real_model_summarises_a_seed_in_one_verified_call(seeded_store, settings_factory):
    store, seeded_settings = seeded_store
    llm = get_backend(seeded_settings.model_copy(update={"model": "qwen2.5-coder-0.5b"}))
    text = store.report_text("dengkou-2021")
    summary = summarize_report(store, llm, settings_factory(), "dengkou-2021")
    ReportSummary.model_validate_json(summary.model_dump_json())
    assert summary.元数据.地区 == "磴口县" and summary.总体概述
    assert summary.来源.usage["calls"] in (1, 2)  # one, and a re-ask if the first was invalid
    assert number_set(summary.总体概述) <= number_set(text)
    for s in summary.主要举措与成效:
        assert all(text[f.start : f.end] == f.原文 for f in s.关键数据)
        assert all(whole_clause_problem(p, text) is None for p in s.要点)
    assert summary.存在问题 == ["群众法治观念仍需提高", "推进法治政府建设工作力量薄弱"]
