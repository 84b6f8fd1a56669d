"""Specifications for review mode (assistant/reports/review.py, trends.py, review_export.py):
each report checked against the five parts 《法治政府建设与责任落实督察工作规定》 requires,
its deadlines, the core indicators and its own figures — every finding backed by a quote
that slices back to the report, or saying what was looked for and not found.

The seeds are reviewed as they are and as variants: a section removed, a section emptied
to generic phrases, a date moved past the deadline; the general set's reports add a
department, other levels and non-report documents.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from assistant.core.config import Settings
from assistant.evals.gold import GENERAL_DIR
from assistant.ingest.cleaning import clean
from assistant.ingest.pipeline import prepare
from assistant.reports.indicators import card
from assistant.reports.review import review, review_library
from assistant.reports.review_export import overview_row, render_csv, render_json, render_markdown
from assistant.reports.trends import series

QUOTED = ("具备", "单薄", "按时", "逾期", "矛盾")  # statuses that assert something the text says


def reviewed(tmp_path, name: str, text: str):
    """Review `text` as the file `name` would be ingested (metadata, outline, cards)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report, _ = prepare(path, Settings(data_dir=tmp_path / "data"))
    cleaned = clean(path.read_bytes(), str(path)).text  # the text ingest stores
    return review(report, cleaned), cleaned


def seed(seeds_dir, name: str) -> str:
    return (seeds_dir / name).read_text(encoding="utf-8")


def assert_backed(result, text: str) -> None:
    for f in result.findings:
        if f.status in QUOTED and f.item != "公开时限":
            assert f.evidence, (result.report_id, f)
        for e in f.evidence:
            if e.start is not None:
                assert text[e.start : e.end] == e.quote, (result.report_id, f.item, e)


def test_every_finding_that_asserts_something_quotes_the_report(seeds_dir, tmp_path):
    files = sorted(seeds_dir.glob("*.txt")) + sorted((GENERAL_DIR / "reports").glob("*.txt"))
    for path in files:
        result, text = reviewed(tmp_path, path.name, path.read_text(encoding="utf-8"))
        assert result.findings, path.name
        assert_backed(result, text)


def test_the_seeds_get_the_findings_their_text_bears_out(seeds_dir, tmp_path):
    urumqi, _ = reviewed(tmp_path, "urumqi-county-2022.txt", seed(seeds_dir, "urumqi-county-2022.txt"))
    # Eight body sections under bullet and numbered headings, and nothing on problems or plans.
    assert urumqi.status("主要举措和成效") == "具备"
    assert urumqi.status("存在的不足和原因") == "缺少" and urumqi.status("下一年度主要安排") == "缺少"
    assert urumqi.status("党政主要负责人履行第一责任人职责情况") == "具备"
    assert {f.item for f in urumqi.of("核心指标") if f.status == "缺少"} >= {
        "行政机关负责人出庭应诉率",
        "行政复议案件数",
    }

    wuhai, _ = reviewed(tmp_path, "wuhai-2023.txt", seed(seeds_dir, "wuhai-2023.txt"))
    assert wuhai.status("党政主要负责人履行第一责任人职责情况") == "缺少"
    assert wuhai.status("存在的不足和原因") == "具备" and wuhai.status("不足的原因") == "单薄"
    assert wuhai.status("行政机关负责人出庭应诉率") == "具备"

    dengkou, text = reviewed(tmp_path, "dengkou-2021.txt", seed(seeds_dir, "dengkou-2021.txt"))
    first = next(f for f in dengkou.findings if f.item == "党政主要负责人履行第一责任人职责情况")
    assert first.status == "具备" and first.evidence[0].quote.startswith(
        "(一)党政主要负责人履行推进法治建设第一责任人职责"
    )
    (flag,) = dengkou.of("一致性")  # 100% against 出庭4件 of 应诉6件: both sentences quoted
    assert flag.status == "矛盾" and "66.7%" in flag.detail and len(flag.evidence) == 2

    liling, _ = reviewed(tmp_path, "liling-2023.txt", seed(seeds_dir, "liling-2023.txt"))
    assert next(f for f in liling.findings if f.item == "主送机关").detail == "中共株洲市委、株洲市人民政府"
    assert liling.status("下一年度主要安排") == "具备"


def test_a_removed_section_is_missing_and_an_emptied_one_thin(seeds_dir, tmp_path):
    text = seed(seeds_dir, "wuhai-2023.txt")
    cut = text[: text.index("二、存在的问题及下一步工作")] + text[text.index("上一条:") :]
    removed, _ = reviewed(tmp_path, "wuhai-2023.txt", cut)
    assert removed.status("存在的不足和原因") == "缺少" and removed.status("下一年度主要安排") == "缺少"

    liling = seed(seeds_dir, "liling-2023.txt")
    start, end = liling.index("二、存在的主要问题"), liling.index("三、下一步工作安排")
    emptied = liling[:start] + "二、存在的主要问题\n工作中还存在一些差距和不足。\n" + liling[end:]
    thin, _ = reviewed(tmp_path, "liling-2023.txt", emptied)
    finding = next(f for f in thin.findings if f.item == "存在的不足和原因")
    assert finding.status == "单薄" and finding.evidence[0].quote == "二、存在的主要问题"


def test_a_plan_without_a_single_measurable_item_is_thin(seeds_dir, tmp_path):
    text = seed(seeds_dir, "dengkou-2021.txt")
    plans = text.index("三、下一步工作措施")
    vague = text[:plans] + "三、下一步工作措施\n一是继续加强组织领导。二是持续推进依法行政。三是深入开展普法宣传。\n"
    result, _ = reviewed(tmp_path, "dengkou-2021.txt", vague)
    finding = next(f for f in result.findings if f.item == "下一年度主要安排")
    assert finding.status == "单薄" and "可衡量" in finding.detail


def test_a_department_report_signed_after_1_march_is_late(tmp_path):
    text = (GENERAL_DIR / "reports" / "wuhai-sifaju-2023.txt").read_text(encoding="utf-8")
    on_time, _ = reviewed(tmp_path, "wuhai-sifaju-2023.txt", text)
    timing = next(f for f in on_time.findings if f.item == "报送时限")
    assert timing.status == "按时" and timing.evidence[0].quote == "2024年1月12日"

    late, late_text = reviewed(tmp_path, "wuhai-sifaju-2023.txt", text.replace("2024年1月12日", "2024年3月15日"))
    timing = next(f for f in late.findings if f.item == "报送时限")
    assert timing.status == "逾期" and "2024年3月1日" in timing.detail
    assert late_text[timing.evidence[0].start : timing.evidence[0].end] == "2024年3月15日"


def test_a_local_government_is_judged_on_publication_and_never_on_a_guessed_deadline(seeds_dir, tmp_path):
    liling = seed(seeds_dir, "liling-2023.txt")
    result, _ = reviewed(tmp_path, "liling-2023.txt", liling)
    assert next(f for f in result.findings if f.item == "报送时限").status == "无法判断"  # no date for 市 in the rule
    # Published is what the page's information block says (发布时间), not the date signed.
    late, _ = reviewed(tmp_path, "liling-2023.txt", liling.replace("2024-01-22", "2024-04-22"))
    publishing = next(f for f in late.findings if f.item == "公开时限")
    assert publishing.status == "逾期" and publishing.evidence[0].quote == "2024-04-22"
    undated, _ = reviewed(tmp_path, "dengkou-2021.txt", seed(seeds_dir, "dengkou-2021.txt"))
    assert next(f for f in undated.findings if f.item == "公开时限").status == "无法判断"


def test_documents_other_than_annual_reports_are_not_held_to_its_rules(tmp_path):
    for name in ("shenzhen-gwr-2024.txt", "jinchang-fangan.txt"):
        result, _ = reviewed(tmp_path, name, (GENERAL_DIR / "reports" / name).read_text(encoding="utf-8"))
        assert {f.status for f in result.of("内容")} == {"不适用"}
        assert next(f for f in result.findings if f.item == "报送时限").status == "不适用"


def test_trends_give_each_years_quoted_figure_and_the_change(seeds_dir, tmp_path):
    reports, cards = [], []
    for year in (2021, 2022, 2023):
        name = f"dengkou-{year}.txt"
        source = (tmp_path / name) if year == 2021 else GENERAL_DIR / "reports" / name
        if year == 2021:
            source.write_text((seeds_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
        report, _ = prepare(source, Settings(data_dir=tmp_path / "data"))
        reports.append(report)
        cards.append(card(report, clean(source.read_bytes(), str(source)).text))
    by_metric = {t.metric: t for t in series(reports, cards)}
    mediators = by_metric["mediators"]
    assert [(p.year, p.raw) for p in mediators.points] == [(2021, "254名"), (2022, "261名"), (2023, "276名")]
    assert mediators.changes == [
        "2021→2022 上升 7名，2.8%（254名 → 261名）",
        "2022→2023 上升 15名，5.7%（261名 → 276名）",
    ]
    assert by_metric["mediation_amount"].changes[0].startswith("2021→2022 上升 407.7万元")
    # 2019年至今 in 2021: a figure over several years is not compared with one year's.
    assert by_metric["litigation"].changes[0].startswith("2021→2022 不作比较")


def test_a_question_about_change_over_the_years_is_answered_from_the_quoted_series(seeds_dir, tmp_path, make_store):
    from assistant.ingest.pipeline import ingest_paths
    from assistant.qa.answer import ask
    from tests.fakes import ScriptedLLM

    store, settings = make_store()
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "dengkou-2021.txt").write_text(
        (seeds_dir / "dengkou-2021.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for year in (2022, 2023):
        (folder / f"dengkou-{year}.txt").write_bytes((GENERAL_DIR / "reports" / f"dengkou-{year}.txt").read_bytes())
    ingest_paths([folder], store, progress=False)
    llm = ScriptedLLM()
    answer = ask("磴口县调解员数这几年有什么变化？", store, llm, settings)
    assert llm.calls == [] and answer.method == "indicators" and answer.grounded
    assert answer.answer == "2021年 254名；2022年 261名；2023年 276名"
    assert "2022→2023 上升 15名" in answer.explanation
    assert [c.report_id for c in answer.citations] == ["dengkou-2021", "dengkou-2022", "dengkou-2023"]
    for c in answer.citations:
        assert store.report_text(c.report_id)[c.start : c.end] == c.quote


def test_exports_carry_every_finding_and_quote(seeds_dir, tmp_path, seeded_store):
    store, _ = seeded_store
    reviews, trends = review_library(store)
    assert len(reviews) == 5 and trends == []  # one year per place among the seeds
    md = render_markdown(reviews, trends)
    assert md.count("\n## ") == 5 and "| 乌鲁木齐县2022年报告 |" in md
    assert re.search(r"存在的不足和原因：\*\*缺少\*\*", md)
    rows = list(csv.DictReader(io.StringIO(render_csv(reviews))))
    assert {r["report_id"] for r in rows} == {r.report_id for r in reviews}
    quoted = [r for r in rows if r["start"]]
    assert quoted and all(
        store.report_text(r["report_id"])[int(r["start"]) : int(r["end"])] == r["quote"] for r in quoted
    )
    data = json.loads(render_json(reviews, trends))
    assert len(data["reviews"]) == 5
    overview = overview_row(next(r for r in reviews if r.report_id == "urumqi-county-2022"))
    assert overview["缺少或单薄"].startswith("存在的不足和原因") and "下一年度主要安排" in overview["缺少或单薄"]


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_the_review_command_prints_each_format(fmt, seeded_store, tmp_path):
    import subprocess
    import sys

    _, settings = seeded_store
    out = tmp_path / f"review.{fmt}"
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "review", "--all", "--format", fmt, "--out", str(out)],
        env={**__import__("os").environ, "ASSISTANT_DATA_DIR": str(settings.data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    body = out.read_text(encoding="utf-8")
    assert "乌鲁木齐县" in body and ("缺少" in body)
