"""Summary metrics: metadata accuracy, key-fact recall and number precision against
assistant/evals/gold/reports.jsonl, and their place in `assistant eval` runs."""

import json

import pytest

from assistant.core.errors import ConfigError
from assistant.evals.gold import REPORTS_GOLD, load_report_gold
from assistant.evals.runner import run_eval
from assistant.evals.summaries import score_summary
from assistant.reports.summarize import summarize_report
from tests.fakes import ScriptedLLM
from tests.test_summarize import overview


@pytest.fixture
def wuhai(seeded_store, settings_factory):
    store, _ = seeded_store
    summary = summarize_report(store, ScriptedLLM(overview()), settings_factory(), "wuhai-2023")
    gold = next(g for g in load_report_gold() if g.report_id == "wuhai-2023")
    return summary, gold, store.report_text("wuhai-2023")


def test_the_gold_covers_every_seed_and_its_key_facts_are_in_the_text(seeds_dir):
    gold = load_report_gold()
    assert sorted(g.file for g in gold) == sorted(p.name for p in seeds_dir.glob("*.txt"))
    for g in gold:
        text = (seeds_dir / g.file).read_text(encoding="utf-8")
        assert g.key_facts and all(f in text for f in g.key_facts), g.file


def test_a_verified_summary_scores_its_metadata_facts_and_numbers(wuhai):
    summary, gold, text = wuhai
    score = score_summary(summary, gold, text)
    assert score.metadata_accuracy == 1.0 and score.metadata_wrong == []
    # The summary quotes these from the text (a figure's clause, a named regulation, an honour).
    for fact in ("98.4%", "124", "注册公职律师63人", "乌海市节约用水条例", "全国社会信用体系建设示范市"):
        assert fact not in score.key_facts_missed
    assert score.key_fact_recall == (len(gold.key_facts) - len(score.key_facts_missed)) / len(gold.key_facts)
    assert score.number_precision == 1.0 and score.numbers_unsupported == []
    absent = score_summary(summary, gold.model_copy(update={"key_facts": ["行政复议案件4321件", "98.4%"]}), text)
    assert absent.key_facts_missed == ["行政复议案件4321件"] and absent.key_fact_recall == 0.5


def test_invented_metadata_and_numbers_are_counted_against_the_summary(wuhai):
    summary, gold, text = wuhai
    bad = summary.model_copy(deep=True)
    bad.元数据.文号 = "乌政发〔2024〕1号"  # the report has no 文号: inventing one is wrong
    bad.元数据.报告年度 = 2022
    bad.主要举措与成效[0].要点.append("出庭应诉率99.9%")
    score = score_summary(bad, gold, text)
    assert set(score.metadata_wrong) == {"doc_number", "year"}
    assert score.metadata_accuracy == pytest.approx(5 / 7)
    # 2024 comes with the invented 文号: the report has no such number either.
    assert score.numbers_unsupported == ["2024", "99.9"] and score.number_precision < 1.0


def test_a_malformed_report_gold_line_is_named(tmp_path):
    path = tmp_path / "reports.jsonl"
    path.write_text('{"file": "a.txt"}\n{"file": 3, "key_facts": "x"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reports.jsonl:2"):
        load_report_gold(path)


def test_eval_runs_include_summary_metrics_and_a_per_report_table(seeded_store, settings_factory, tmp_path):
    store, _ = seeded_store
    gold = tmp_path / "reports.jsonl"
    lines = [line for line in REPORTS_GOLD.read_text(encoding="utf-8").splitlines() if "wuhai-2023" in line]
    gold.write_text("\n".join(lines + ['{"file": "nowhere-2020.txt", "key_facts": ["1"]}']) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    summary = run_eval(
        settings_factory(),
        REPORTS_GOLD.with_name("smoke.jsonl"),
        out,
        retrieval_only=True,
        summaries=True,
        reports_gold=gold,
        store=store,
        llm=ScriptedLLM(overview()),
        progress=False,
    )
    metrics = summary["summaries"]
    assert metrics["reports"] == 1 and metrics["metadata_accuracy"] == 1.0 and metrics["number_precision"] == 1.0
    assert 0 < metrics["key_fact_recall"] <= 1
    assert summary["summaries_by_report"]["nowhere-2020"]["error"].startswith("未入库")
    rows = [json.loads(line) for line in (out / "summaries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["report"] for r in rows] == ["wuhai-2023", "nowhere-2020"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## summaries_by_report" in report and "wuhai-2023" in report
    assert summary["config"]["model"] == "scripted"


def test_an_iso_date_is_compared_as_the_report_writes_it(seeded_store, settings_factory):
    store, _ = seeded_store
    summary = summarize_report(store, ScriptedLLM(), settings_factory(), "liling-2023")
    assert summary.元数据.日期 == "2024-01-22"
    gold = next(g for g in load_report_gold() if g.report_id == "liling-2023")
    score = score_summary(summary, gold, store.report_text("liling-2023"))
    assert "01" not in score.numbers_unsupported and score.number_precision == 1.0
