"""Specifications for indicator cards (assistant/reports/indicators.py): values read by rule from
the seeds, normalisation, sanity flags, blanks, table formats and the chart."""

from __future__ import annotations

import csv
import io
import json

import pytest

from assistant.core.errors import ConfigError
from assistant.reports import charts
from assistant.reports.charts import bar_chart
from assistant.reports.compare import cards, comparison_table, render_table
from assistant.reports.indicators import check, extract, normalise

SEED_VALUES = [  # (report, metric, value, unit, qualifier): read off the seed texts and evals/gold
    ("wuhai-2023", "litigation", 124, "件", ""),
    ("wuhai-2023", "appearances", 122, "件", ""),
    ("wuhai-2023", "appearance_rate", 98.4, "%", ""),
    ("wuhai-2023", "public_lawyers", 63, "人", ""),
    ("wuhai-2023", "norms_reviewed", 50, "件", ""),
    ("wuhai-2023", "major_decisions", 5, "件", ""),
    ("wuhai-2023", "proposals", 305, "件", ""),
    ("wuhai-2023", "mediation_rate", 96, "%", "以上"),
    ("wuhai-2023", "fines", 30000000, "元", "余"),
    ("liling-2023", "review_received", 122, "件", ""),
    ("liling-2023", "review_closed", 89, "件", ""),
    ("liling-2023", "litigation", 213, "件", ""),
    ("liling-2023", "appearance_rate", 100, "%", ""),
    ("liling-2023", "disputes", 1966, "起", ""),
    ("liling-2023", "mediation_orgs", 298, "个", ""),
    ("liling-2023", "mediators", 995, "名", ""),
    ("liling-2023", "legal_aid", 659, "件", ""),
    ("liling-2023", "case_reviews", 40, "本", ""),
    ("wuwei-2021", "review_handled", 147, "件", ""),
    ("wuwei-2021", "litigation", 182, "件", ""),
    ("wuwei-2021", "mediation_rate", 98, "%", ""),
    ("wuwei-2021", "counsel", 32, "名", ""),
    ("wuwei-2021", "case_reviews", 30937, "宗", ""),
    ("wuwei-2021", "npc_suggestions", 64, "件", ""),
    ("wuwei-2021", "cppcc_proposals", 113, "件", ""),
    ("dengkou-2021", "review_handled", 11, "件", ""),
    ("dengkou-2021", "appearance_rate", 100, "%", ""),
    ("dengkou-2021", "mediation_orgs", 64, "个", ""),
    ("dengkou-2021", "mediators", 254, "名", ""),
    ("dengkou-2021", "mediation_amount", 17287000, "元", ""),
    ("urumqi-county-2022", "disputes", 274, "件", ""),
    ("urumqi-county-2022", "mediation_rate", 100, "%", ""),
]


@pytest.fixture(scope="module")
def seed_cards(seeded_store):
    store, _ = seeded_store
    return {c.report_id: c for c in cards(store)}, store


@pytest.mark.parametrize("report, metric, value, unit, qualifier", SEED_VALUES)
def test_seed_values_are_read_with_their_sentence(seed_cards, report, metric, value, unit, qualifier):
    by_id, store = seed_cards
    v = by_id[report].values[metric]
    assert (v.value, v.unit, v.qualifier) == (value, unit, qualifier)
    text = store.report_text(report)
    assert text[v.start : v.end] == v.quote and v.raw in v.quote


def test_a_part_of_a_total_is_not_mistaken_for_the_total(seed_cards):
    by_id, _ = seed_cards
    wuhai, wuwei = by_id["wuhai-2023"].values, by_id["wuwei-2021"].values
    assert "counsel" not in wuhai  # 担任法律顾问的单位175家 counts units, not counsel
    assert "npc_suggestions" not in wuhai and "cppcc_proposals" not in wuhai  # only the joint 305
    assert "proposals" not in wuwei  # 64 + 113 is never added up
    assert by_id["dengkou-2021"].values["review_handled"].note == "2019年至今"


def test_seed_cards_pass_the_sanity_checks_except_a_real_inconsistency(seed_cards):
    by_id, _ = seed_cards
    assert {rid: c.flags for rid, c in by_id.items() if c.flags} == {
        # 督促出庭 4 of 6 cases (2019 to date) against a stated 出庭应诉率 of 100%: shown, not hidden.
        "dengkou-2021": ["出庭应诉率 100% 与出庭 4件 / 应诉 6件（66.7%）不一致"]
    }


@pytest.mark.parametrize(
    "text, flag",
    [
        ("共收到行政复议申请20件,已审结25件。", "行政复议审结案件数 25件 大于 行政复议收到案件数 20件"),
        ("行政应诉案件10件,负责人出庭应诉12件。", "负责人出庭应诉数 12件 大于 行政应诉案件数 10件"),
        ("行政机关负责人出庭应诉率为120%。", "行政机关负责人出庭应诉率 120% 超过 100%"),
        (
            "行政应诉案件10件,负责人出庭应诉8件,行政机关负责人出庭应诉率100%。",
            "出庭应诉率 100% 与出庭 8件 / 应诉 10件（80.0%）不一致",
        ),
    ],
)
def test_contradictions_are_flagged(text, flag):
    assert flag in check(extract(text))


def test_consistent_and_approximate_figures_are_not_flagged():
    assert check(extract("我市行政应诉案件124件,负责人出庭应诉122件,行政机关负责人出庭应诉率98.4%。")) == []
    assert check(extract("行政应诉案件10余件,负责人出庭应诉8件,出庭应诉率100%。")) == []  # 10余 is no basis


def test_values_are_normalised():
    assert extract("办理行政复议案件一百四十七件。")["review_handled"].value == 147
    fines = extract("累计罚款3000余万元,责令停产42家次。")["fines"]
    assert (fines.value, fines.unit, fines.qualifier, fines.raw) == (30000000, "元", "余", "3000余万元")
    assert extract("调解人员1,250名。")["mediators"].value == 1250
    assert normalise("56.55", "万") == 565500 and normalise("2.5", "亿") == 250000000
    assert normalise("98.4") == 98.4 and normalise("二〇") == 20


def test_blanks_where_a_report_gives_nothing(seed_cards):
    by_id, _ = seed_cards
    rows = comparison_table(list(by_id.values()), ["litigation", "行政机关负责人出庭应诉率"])
    assert len(rows) == 2 * len(by_id)
    urumqi = next(r for r in rows if r.report == "urumqi-county-2022" and r.metric == "行政应诉案件数")
    assert all(getattr(urumqi, k) is None for k in ("value", "unit", "qualifier", "quote", "start", "end"))
    wuhai = next(r for r in rows if r.report == "wuhai-2023" and r.metric == "行政机关负责人出庭应诉率")
    assert (wuhai.place, wuhai.year, wuhai.value, wuhai.unit) == ("乌海市", 2023, 98.4, "%")


def test_tables_render_as_markdown_csv_and_json(seed_cards):
    by_id, _ = seed_cards
    rows = comparison_table(list(by_id.values()), ["appearance_rate"])
    md = render_table(rows, "md")
    head, _, row = md.splitlines()[:3]
    places = head.strip("| ").split(" | ")[1:]
    cells = dict(zip(places, row.strip("| ").split(" | ")[1:]))
    assert row.startswith("| 行政机关负责人出庭应诉率 |")
    assert cells["乌鲁木齐县2022"] == "—"  # not stated: blank, never estimated
    note = cells["乌海市2023"].removeprefix("98.4%")
    assert note.startswith("[^")
    footnote = next(line for line in md.splitlines() if line.startswith(note + ": "))
    assert "wuhai-2023" in footnote and "“" in footnote and "行政机关负责人出庭应诉率98.4%" in footnote
    parsed = list(csv.DictReader(io.StringIO(render_table(rows, "csv"))))
    assert len(parsed) == len(rows) and next(r for r in parsed if r["report"] == "urumqi-county-2022")["value"] == ""
    assert json.loads(render_table(rows, "json")) == [r.model_dump() for r in rows]
    with pytest.raises(ConfigError, match="md, csv, json"):
        render_table(rows, "xlsx")


def test_unknown_metrics_are_refused_with_the_valid_ones():
    with pytest.raises(ConfigError) as err:
        comparison_table([], ["出庭率"])
    assert "appearance_rate(行政机关负责人出庭应诉率)" in str(err.value)


@pytest.mark.parametrize("cjk", [True, False])
def test_the_chart_is_a_png(seed_cards, tmp_path, monkeypatch, cjk):
    by_id, _ = seed_cards
    if not cjk:  # as on a machine without any Chinese font: ASCII labels
        monkeypatch.setattr(charts, "cjk_font", lambda: None)
    rows = comparison_table(list(by_id.values()))
    path = bar_chart(rows, "appearance_rate", tmp_path / "charts" / "rate.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ConfigError):
        bar_chart(comparison_table(list(by_id.values()), ["review_accepted"]), "review_accepted", tmp_path / "x.png")


def test_a_rate_that_moved_is_read_at_the_level_it_reached_not_a_later_target():
    text = (
        "五年来，行政机关负责人出庭应诉率从2018年的61.2%提高到2022年的96.4%。\n"
        "今后五年的任务：年内推动行政机关负责人出庭应诉率达到98%以上。"
    )
    assert extract(text)["appearance_rate"].raw == "96.4%"
