"""The command line, run as a user runs it: a real process, real store, real model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_CACHE_DIR, SEEDS_DIR


def run(data_dir: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_CACHE_DIR": str(DEFAULT_CACHE_DIR),
        "ASSISTANT_MODEL": "qwen2.5-coder-0.5b",
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    seeds = path / "in"
    seeds.mkdir()
    for name in ("wuhai-2023.txt", "liling-2023.txt"):
        (seeds / name).write_bytes((SEEDS_DIR / name).read_bytes())
    result = run(path, "ingest", str(seeds))
    assert result.returncode == 0, result.stderr
    assert "新增 2" in result.stdout
    return path


def test_reports_lists_what_was_ingested(data_dir):
    out = run(data_dir, "reports").stdout
    assert out.startswith("id\t地区\t上级\t层级\t类型\t年度")
    assert "wuhai-2023\t乌海市\t—\t市\t法治政府建设年度报告\t2023" in out
    assert "liling-2023\t醴陵市\t株洲市\t市\t法治政府建设年度报告\t2023" in out  # parent from its addressee
    assert "(无标题)" not in out


def test_a_report_without_a_title_line_shows_a_derived_title_marked_as_such(data_dir):
    listed = {r["report_id"]: r for r in json.loads(run(data_dir, "reports", "--json").stdout)}
    wuhai = listed["wuhai-2023"]  # its copy opens straight into the body
    assert wuhai["title"] is None and wuhai["title_derived"] is True
    assert wuhai["display_title"] == "乌海市2023年法治政府建设情况报告"
    assert "乌海市2023年法治政府建设情况报告（推定" in run(data_dir, "reports").stdout
    liling = listed["liling-2023"]  # has its own title line: quoted, not derived
    assert liling["title_derived"] is False and liling["display_title"] == liling["title"]


@pytest.mark.model
def test_ask_json_returns_a_grounded_cited_answer(data_dir):
    result = run(data_dir, "ask", "2023年乌海市行政机关负责人出庭应诉率是多少？", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answer"] == "98.4%" and answer["grounded"] is True  # short; the longer text is explanation
    assert "98.4%" in answer["explanation"] or answer["method"] == "extractive"
    citation = answer["citations"][0]
    assert {"report", "section", "quote", "start", "end", "chunk_id"} <= set(citation)
    assert "98.4%" in citation["quote"]
    assert set(answer["timings"]) >= {"retrieve_ms", "prompt_ms", "prefill_ms", "generate_ms"}
    assert set(answer["usage"]) == {"prompt_tokens", "completion_tokens"}


@pytest.mark.model
def test_plain_ask_leads_with_the_direct_answer_then_its_quotes(data_dir):
    result = run(data_dir, "ask", "醴陵市收到多少件行政复议申请？")
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first == "答：122件"  # the figure asked, with its unit, before anything else
    assert any("“" in line and "122" in line for line in rest) and "范围" in result.stdout
    assert "加载" in result.stderr and "回答" in result.stderr  # load time apart from answer time


def test_errors_are_messages_not_tracebacks(data_dir, tmp_path):
    result = run(data_dir, "ingest", str(tmp_path / "nope.txt"))
    assert result.returncode == 3 and "Traceback" not in result.stderr and "nope.txt" in result.stderr
    result = run(data_dir, "remove", "no-such-report")
    assert result.returncode == 4 and "wuhai-2023" in result.stderr  # lists the valid reports


def test_a_bad_file_in_a_batch_fails_alone(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "wuhai.txt").write_bytes((SEEDS_DIR / "wuhai-2023.txt").read_bytes())
    result = run(tmp_path / "data", "ingest", str(folder))
    assert result.returncode == 3
    assert "[失败]" in result.stdout and "empty.txt" in result.stdout and "[新增]" in result.stdout


def test_remove_deletes_a_report(tmp_path):
    data = tmp_path / "data"
    run(data, "ingest", str(SEEDS_DIR / "wuhai-2023.txt"))
    assert run(data, "remove", "乌海市").returncode == 0
    assert "wuhai-2023" not in run(data, "reports").stdout


def test_ask_on_an_empty_store_says_how_to_start(tmp_path):
    result = run(tmp_path / "empty", "ask", "问题")
    assert result.returncode == 4 and "assistant ingest" in result.stderr


def test_compare_prints_a_quoted_table_and_draws_a_chart_per_metric(data_dir, tmp_path):
    result = run(
        data_dir, "compare", "--metric", "行政机关负责人出庭应诉率", "litigation", "--chart", str(tmp_path / "cmp.png")
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| 指标 | 乌海市2023 | 醴陵市2023 |"
    assert lines[2].startswith("| 行政机关负责人出庭应诉率 | 98.4%[^1] | 100%[^")
    assert any(line.startswith("[^1]: 乌海市2023（wuhai-2023") and "出庭应诉率98.4%" in line for line in lines)
    for key in ("appearance_rate", "litigation"):
        assert (tmp_path / f"cmp-{key}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_as_csv_and_json_has_one_row_per_report_and_metric(data_dir):
    import csv
    import io

    rows = list(
        csv.DictReader(io.StringIO(run(data_dir, "compare", "--metric", "review_received", "--format", "csv").stdout))
    )
    assert [(r["report"], r["value"]) for r in rows] == [("wuhai-2023", ""), ("liling-2023", "122")]
    rows = json.loads(run(data_dir, "compare", "--metric", "review_received", "--format", "json").stdout)
    liling = rows[1]
    assert (liling["raw"], liling["start"] < liling["end"]) == ("122件", True)


def test_compare_refuses_an_unknown_metric_and_a_chart_of_nothing(data_dir, tmp_path):
    result = run(data_dir, "compare", "--metric", "出庭率")
    assert result.returncode != 0 and "appearance_rate(行政机关负责人出庭应诉率)" in result.stderr
    assert "Traceback" not in result.stderr
    result = run(data_dir, "compare", "--metric", "counsel", "--chart", str(tmp_path / "none.png"))
    assert result.returncode != 0 and "没有报告给出指标" in result.stderr and not (tmp_path / "none.png").exists()


def test_summarize_rejects_an_unknown_report(data_dir):
    result = run(data_dir, "summarize", "--report", "不存在市")
    assert result.returncode == 4 and "wuhai-2023" in result.stderr


@pytest.mark.model
def test_summarize_writes_json_and_markdown_and_reuses_the_cache(tmp_path):
    data = tmp_path / "data"
    assert run(data, "ingest", str(SEEDS_DIR / "dengkou-2021.txt")).returncode == 0
    out = tmp_path / "out"
    result = run(data, "summarize", "--report", "磴口县", "--depth", "1", "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "dengkou-2021.json").read_text(encoding="utf-8"))
    assert summary["元数据"]["地区"] == "磴口县" and summary["来源"]["model"]
    text = (SEEDS_DIR / "dengkou-2021.txt").read_text(encoding="utf-8")
    quotes = [f["原文"] for s in summary["主要举措与成效"] for f in s["关键数据"]]
    assert all(q in text for q in quotes)
    # Same report, model and prompts: the cached summary comes back without model calls.
    again = run(data, "summarize", "--report", "dengkou-2021", "--depth", "1", timeout=60)
    assert again.returncode == 0 and again.stdout.startswith("# ") and "## 总体概述" in again.stdout
    assert summary["来源"]["generated_at"] in again.stdout


def test_the_web_app_refuses_a_public_address_without_a_login(tmp_path):
    result = run(tmp_path / "data", "--ui-host", "0.0.0.0", "ui", timeout=60)
    assert result.returncode == 2 and "ASSISTANT_UI_AUTH" in result.stderr and "Traceback" not in result.stderr


def test_the_web_app_takes_its_host_after_the_command_too(tmp_path):
    result = run(tmp_path / "data", "ui", "--host", "0.0.0.0", timeout=60)
    assert result.returncode == 2 and "ASSISTANT_UI_AUTH" in result.stderr  # the flag reached the binding check


@pytest.mark.parametrize(
    "argv,setting,value",
    [
        (["serve", "--port", "8080"], "serve_port", 8080),
        (["serve", "--host", "0.0.0.0"], "serve_host", "0.0.0.0"),
        (["serve", "--serve-port", "8080"], "serve_port", 8080),
        (["ui", "--port", "8090"], "ui_port", 8090),
        (["ask", "问题", "--model", "qwen2.5-coder-0.5b"], "model", "qwen2.5-coder-0.5b"),
        (["ask", "问题", "--no-auto-scope"], "auto_scope", False),
        (["--serve-port", "9000", "serve"], "serve_port", 9000),  # before the command still works
        (["--serve-port", "9000", "serve", "--port", "8081"], "serve_port", 8081),  # after the command wins
        (["--top-k", "7", "ask", "问题"], "top_k", 7),  # not given after the command: the earlier flag stands
    ],
)
def test_settings_flags_are_accepted_after_the_command(argv, setting, value):
    from assistant.apps.cli import build_parser, load_settings

    assert getattr(load_settings(build_parser().parse_args(argv)), setting) == value


def test_each_command_lists_the_settings_it_uses_in_its_own_help(tmp_path):
    serve = run(tmp_path, "serve", "--help", timeout=60).stdout
    assert "--port SERVE_PORT" in serve and "--serve-concurrency" in serve and "--top-k" in serve
    assert "--ui-port" not in serve and "--chunk-tokens" not in serve  # not serve's settings
    ui = run(tmp_path, "ui", "--help", timeout=60).stdout
    assert "--port UI_PORT" in ui and "--host UI_HOST" in ui and "--serve-port" not in ui
    reports = run(tmp_path, "reports", "--help", timeout=60).stdout
    assert "--data-dir" in reports and "--model" not in reports
