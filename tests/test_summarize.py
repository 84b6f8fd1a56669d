"""Specifications for report summaries (assistant/reports/summarize.py).

The pipeline logic runs against ScriptedLLM on the ingested seeds: valid output is kept,
unverifiable figures and 要点 are dropped and counted, invalid output is re-asked once
and then dropped, summaries are cached by report version, model and prompt versions.
One end-to-end test runs the real packaged 0.5B model on the shortest seed.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from assistant.backends.registry import get_backend
from assistant.reports import summarize
from assistant.reports.digest import render_markdown
from assistant.reports.figures import check_figure
from assistant.reports.outline import enumerated_items, honours, outline
from assistant.reports.summarize import SCHEMA_PATH, SummaryOptions, summarize_report, summary_json_schema
from assistant.reports.summary_models import FigureDraft, ReportSummary
from assistant.text.numerals import number_set
from tests.fakes import ScriptedLLM

WUHAI_SECTIONS = [
    "(一)聚焦统筹部署,法治政府建设持续加强",
    "(二)聚焦依法决策,依法行政能力持续提升",
    "(三)聚焦优化法治化营商环境,依法全面履行政府职能持续优化",
    "(四)聚焦严格公正文明执法,执法质量水平持续提高",
    "(五)聚焦全民守法普法,法治社会建设持续深化",
]


def section(points: list[str], *figures: tuple[str, str, str, str]) -> str:
    return json.dumps(
        {"要点": points, "关键数据": [dict(zip(("指标", "数值", "单位", "原文"), f)) for f in figures]},
        ensure_ascii=False,
    )


POINTS = ["强化组织领导", "强化示范引领", "强化督导考核"]
REDUCE = json.dumps({"总体概述": "乌海市全力推进法治政府建设，行政机关负责人出庭应诉率98.4%。"}, ensure_ascii=False)


def wuhai_replies(fourth: str | None = None) -> list[str]:
    return [
        section(POINTS),
        section(
            ["出台地方性法规", "出台重大行政决策5件", "注册公职律师63人"],
            ("公职律师数", "63", "人", "注册公职律师63人"),
        ),
        section(POINTS),
        fourth
        or section(
            ["行政应诉案件124件", "出庭应诉率98.4%", "评查案卷127卷"],
            ("行政应诉案件数", "124", "件", "我市行政应诉案件124件"),
        ),
        section(POINTS),
        REDUCE,
    ]


@pytest.fixture
def wuhai_text(seeded_store):
    store, _ = seeded_store
    return store.report_text("wuhai-2023")


def test_schema_valid_output_is_kept_with_exact_offsets(seeded_store, settings_factory, wuhai_text):
    store, _ = seeded_store
    llm = ScriptedLLM(*wuhai_replies())
    summary = summarize_report(store, llm, settings_factory(), "wuhai-2023")
    assert [s.标题 for s in summary.主要举措与成效] == WUHAI_SECTIONS
    figures = [f for s in summary.主要举措与成效 for f in s.关键数据 if f.依据 == "模型"]
    assert [(f.指标, f.数值) for f in figures] == [("公职律师数", "63"), ("行政应诉案件数", "124")]
    assert all(wuhai_text[f.start : f.end] == f.原文 for f in figures)
    assert summary.总体概述.endswith("出庭应诉率98.4%。")
    assert summary.存在问题[0] == "运用法治思维和法治方式处理实际问题的本领和能力仍需增强"
    assert len(summary.下一步计划) == 3 and "获评全国社会信用体系建设示范市" in summary.荣誉与示范
    assert summary.来源.dropped_unverified == 0 and summary.来源.failed_sections == []
    assert summary.来源.prompt == "summary_section@1+summary_reduce@1" and summary.来源.model == "scripted"
    assert len(llm.calls) == 6  # five sections + one reduce; the lists came from the text


def test_a_corrupted_quote_or_value_is_dropped_and_counted(seeded_store, settings_factory):
    store, _ = seeded_store
    fourth = section(
        ["行政应诉案件124件", "办理行政处罚案件9999件", "评查案卷127卷"],
        ("行政应诉案件数", "124", "件", "我市行政应诉案件124件"),
        ("行政应诉案件数", "125", "件", "我市行政应诉案件125件"),  # 原文 not in the report
        ("出庭应诉率", "99%", "%", "行政机关负责人出庭应诉率98.4%"),  # 数值 not in 原文
        ("负责人出庭应诉数", "122", "人", "负责人出庭应诉122件"),
    )  # 单位 not in 原文
    summary = summarize_report(store, ScriptedLLM(*wuhai_replies(fourth)), settings_factory(), "wuhai-2023")
    fourth_section = summary.主要举措与成效[3]
    assert [f.原文 for f in fourth_section.关键数据 if f.依据 == "模型"] == ["我市行政应诉案件124件"]
    assert fourth_section.要点 == ["行政应诉案件124件", "评查案卷127卷"]
    assert summary.来源.dropped_unverified == 4
    assert summary.来源.dropped_detail == {"关键数据": 3, "要点": 1}
    assert summary.来源.figures_proposed == 5
    assert "9999" not in summary.model_dump_json() and "125件" not in summary.model_dump_json()


def test_invalid_output_is_reasked_once_then_the_section_is_dropped(seeded_store, settings_factory):
    store, _ = seeded_store
    replies = wuhai_replies()
    replies[0:1] = ["这不是 JSON", '{"要点": ["仍然无效"]']
    replies[2:3] = [section(["只有两条", "要点"]), section(POINTS)]  # too few 要点, then valid
    llm = ScriptedLLM(*replies)
    summary = summarize_report(store, llm, settings_factory(), "wuhai-2023")
    assert summary.来源.failed_sections == [WUHAI_SECTIONS[0]]
    assert [s.标题 for s in summary.主要举措与成效] == WUHAI_SECTIONS[1:]
    assert len(llm.calls) == 8
    reask = llm.calls[1][-1]["content"]
    assert "上一次的输出无效" in reask and "这不是 JSON" not in reask  # the error, not the raw reply
    assert "要点" in llm.calls[3][-1]["content"].split("上一次的输出无效")[1]
    assert "这不是 JSON" not in summary.model_dump_json() and "仍然无效" not in summary.model_dump_json()


def test_summaries_are_cached_and_regenerated_when_report_or_prompt_changes(
    seeded_store, settings_factory, monkeypatch
):
    store, _ = seeded_store
    settings = settings_factory()
    first = summarize_report(store, ScriptedLLM(*wuhai_replies()), settings, "wuhai-2023")
    again = ScriptedLLM()
    assert summarize_report(store, again, settings, "wuhai-2023") == first and again.calls == []
    assert len(list((settings.data_dir / "summaries").glob("wuhai-2023-*.json"))) == 1

    class ChangedReport:  # same text, new content hash: as after re-ingesting an edited file
        def find_report(self, key):
            return store.find_report(key).model_copy(update={"version": "0" * 64})

        def report_text(self, report_id):
            return store.report_text(report_id)

    changed = ScriptedLLM()
    summarize_report(ChangedReport(), changed, settings, "wuhai-2023")
    assert changed.calls

    real_load = summarize.load
    monkeypatch.setattr(summarize, "load", lambda name: dataclasses.replace(real_load(name), version=99))
    bumped = ScriptedLLM()
    summary = summarize_report(store, bumped, settings, "wuhai-2023")
    assert bumped.calls and summary.来源.prompt == "summary_section@99+summary_reduce@99"
    refreshed = ScriptedLLM(*wuhai_replies())
    summarize_report(store, refreshed, settings, "wuhai-2023", refresh=True)
    assert len(refreshed.calls) == 6


def test_metadata_come_from_the_report_never_the_model(seeded_store, settings_factory):
    store, _ = seeded_store
    settings = settings_factory()
    for report in store.reports():
        # The model only says 报告中未提及: every section fails, the overview falls back to the text.
        summary = summarize_report(store, ScriptedLLM(), settings, report.report_id)
        meta = summary.元数据
        assert (meta.地区, meta.行政层级, meta.报告年度, meta.标题, meta.发布机关, meta.日期, meta.文号) == (
            report.place,
            report.level,
            report.year,
            report.title,
            report.issuer,
            report.date,
            report.doc_number,
        )
        # Sections keep only what the rules read off the text: no 要点, no model figures.
        assert all(not s.要点 and {f.依据 for f in s.关键数据} == {"规则"} for s in summary.主要举措与成效)
        assert "总体概述" in summary.来源.failed_sections
        assert summary.总体概述 and summary.总体概述.rstrip("…") in store.report_text(report.report_id)
        ReportSummary.model_validate_json(summary.model_dump_json())
    wuwei = summarize_report(store, ScriptedLLM(), settings, "wuwei-2021").元数据
    assert (wuwei.地区, wuwei.报告年度, wuwei.日期) == ("武威市", 2021, "2022-02-17")
    liling = summarize_report(store, ScriptedLLM(), settings, "liling-2023").元数据
    assert liling.文号 == "醴报〔2024〕2号" and liling.地区 == "醴陵市"


def test_a_long_section_is_cut_at_a_sentence_end_to_fit_the_context(seeded_store, settings_factory):
    store, _ = seeded_store
    llm = ScriptedLLM()
    llm.n_ctx = 2048
    summary = summarize_report(store, llm, settings_factory(), "liling-2023", options=SummaryOptions(max_tokens=256))
    assert "(二)找准坐标,巩固提升,彰显法治政府建设成效" in summary.来源.truncated_sections
    for messages in llm.calls:
        assert sum(llm.count_tokens(m["content"]) for m in messages) + 256 <= llm.n_ctx
    cut = next(m for m in llm.calls if "(二)找准坐标" in m[-1]["content"])[-1]["content"]
    assert cut.endswith(("。", "；")) and "依法行政制度体系更加完善" not in cut  # the tail of (二) is gone


def test_figures_are_checked_verbatim_and_by_number():
    text = "2019年至今我县共办理行政复议案件11件,代理县政府行政应诉案件6件。"
    ok = check_figure(FigureDraft(指标="复议", 数值="十一", 单位="件", 原文="办理行政复议案件11件"), text)
    assert ok and text[ok.start : ok.end] == "办理行政复议案件11件"
    assert check_figure(FigureDraft(指标="应诉", 数值="", 单位="", 原文="行政应诉案件6件"), text) is None


def test_a_paraphrased_quote_is_replaced_by_the_clause_that_holds_its_number():
    text = "2019年至今我县共办理行政复议案件11件,代理县政府行政应诉案件6件。"
    spaced = FigureDraft(指标="行政复议案件数", 数值="11", 单位="件", 原文="办理行政复议案件 11件")
    paraphrase = FigureDraft(指标="行政应诉案件", 数值="6", 单位="件", 原文="全县行政应诉案件共6件")
    for figure, clause in ((spaced, "2019年至今我县共办理行政复议案件11件"), (paraphrase, "代理县政府行政应诉案件6件")):
        kept = check_figure(figure, text)
        assert kept.原文 == clause and text[kept.start : kept.end] == clause
    # One number per figure, and the label must belong to it: 11 is no 调解员 count, 7 is nowhere.
    assert (
        check_figure(
            FigureDraft(
                指标="出庭应诉率",
                数值="11件、6件",
                单位="件",
                原文="2019年至今我县共办理行政复议案件11件,代理县政府行政应诉案件6件",
            ),
            text,
        )
        is None
    )
    assert check_figure(FigureDraft(指标="出庭应诉率", 数值="11", 单位="件", 原文="办理行政复议案件11件"), text) is None
    assert check_figure(FigureDraft(指标="调解员数", 数值="11", 单位="名", 原文="调解员11名"), text) is None
    assert check_figure(FigureDraft(指标="行政应诉案件数", 数值="7", 单位="件", 原文="行政应诉案件7件"), text) is None


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
    md = render_markdown(summarize_report(store, ScriptedLLM(*wuhai_replies()), settings_factory(), "wuhai-2023"))
    assert "| 地区 | 乌海市 |" in md and "| 文号 | — |" in md
    assert "### (四)聚焦严格公正文明执法,执法质量水平持续提高" in md
    note = re.search(r"- \*\*行政应诉案件数\*\*：124件\[\^(\d+)\]", md).group(1)
    assert f"[^{note}]: “我市行政应诉案件124件”（第 " in md  # the model's figure, verified
    assert re.search(r"- \*\*行政机关负责人出庭应诉率\*\*：98.4%\[\^\d+\]", md)  # read by rule
    assert "行政机关负责人出庭应诉率98.4%。”（第 1807–1916 字，规则提取）" in md
    assert "## 存在问题" in md and "- 法治人才队伍建设还需强化" in md


def test_the_exported_json_schema_is_current():
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == summary_json_schema(), (
        "run `python -m assistant.reports.summarize --schema` after changing the summary models"
    )


# --- the real packaged 0.5B model through llama.cpp --------------------------------------
@pytest.mark.model
def test_the_real_model_summarises_a_seed_with_verified_figures(seeded_store, settings_factory):
    store, seeded_settings = seeded_store
    llm = get_backend(seeded_settings.model_copy(update={"model": "qwen2.5-coder-0.5b"}))
    text = store.report_text("dengkou-2021")
    # Top-level sections only and a tight budget keep this to a few calls on two cores.
    summary = summarize_report(
        store, llm, settings_factory(), "dengkou-2021", options=SummaryOptions(max_tokens=192, max_figures=2, depth=1)
    )
    ReportSummary.model_validate_json(summary.model_dump_json())
    assert summary.元数据.地区 == "磴口县" and summary.总体概述
    for s in summary.主要举措与成效:
        for f in s.关键数据:
            assert text[f.start : f.end] == f.原文
            assert number_set(f.数值) <= number_set(f.原文)
        assert all(number_set(p) <= number_set(text) for p in s.要点)
    assert summary.存在问题 == ["群众法治观念仍需提高", "推进法治政府建设工作力量薄弱"]


def test_indicator_values_join_their_sections_without_duplicating_the_models(
    seeded_store, settings_factory, wuhai_text
):
    store, _ = seeded_store
    summary = summarize_report(store, ScriptedLLM(*wuhai_replies()), settings_factory(), "wuhai-2023")
    fourth = summary.主要举措与成效[3].关键数据
    ruled = {f.指标: f for f in fourth if f.依据 == "规则"}
    assert ruled["行政机关负责人出庭应诉率"].数值 == "98.4" and ruled["行政机关负责人出庭应诉率"].单位 == "%"
    assert "行政应诉案件数" not in ruled  # the model gave 124 from that sentence already
    assert all(wuhai_text[f.start : f.end] == f.原文 for s in summary.主要举措与成效 for f in s.关键数据)
    assert summary.来源.figures_from_rules == sum(f.依据 == "规则" for s in summary.主要举措与成效 for f in s.关键数据)
