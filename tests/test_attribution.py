"""Attribution is verified, not assumed: a figure of one report is never shown under another
place's name or year, a question about the report itself is answered from its record, and a
measure the report does not give is said to be missing before any related figure is quoted."""

from __future__ import annotations

import re

import pytest

from assistant.backends.registry import get_backend
from assistant.core.types import Chunk, Hit, Report
from assistant.ingest.pipeline import ingest_paths
from assistant.qa.answer import ask
from tests.conftest import SEEDS_DIR
from tests.fakes import ScriptedLLM

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


def cite_the_source_holding(number: str, claim: str):
    """A scripted reply that states `claim` citing whichever source holds `number`."""

    def reply(messages):
        sources = re.split(r"\n(?=\[\d+\] )", messages[-1]["content"])
        n = next(re.match(r"\[(\d+)\]", s).group(1) for s in sources if re.match(r"\[\d+\]", s) and number in s)
        return f"{claim}[{n}]"

    return reply


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
        ("武威市2021年度报告的成文日期是哪天？", "2022年2月17日"),
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


def test_two_things_about_the_report_are_answered_in_the_order_asked(library):
    store, settings = library
    answer = ask("光明区2021年报告的落款机关和落款日期是什么？", store, ScriptedLLM(), settings)
    assert answer.method == "about" and answer.answer.index("深圳市光明区人民政府") < answer.answer.index(
        "2022年1月18日"
    )
    assert [c.n for c in answer.citations] == [1, 2] and "2022年1月18日" in answer.citations[1].quote


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
