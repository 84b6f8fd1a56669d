"""The web app's handlers, without a browser: real store and retrieval, scripted model
(the real model runs in tests/test_ui_browser.py)."""

import json
from pathlib import Path

import gradio as gr
import pytest

from assistant.apps.ui import build_app, check_binding, handlers
from assistant.apps.ui import chat as chat_tab
from assistant.apps.ui import evals as evals_tab
from assistant.apps.ui.app import launch_options, readable
from assistant.apps.ui.services import Services
from assistant.core.errors import ConfigError, StoreError
from assistant.index.store import Store
from assistant.qa.answer import Answer
from tests.fakes import ScriptedLLM

WUHAI_Q = "2023年乌海市行政机关负责人出庭应诉率是多少？"


class JsonLLM(ScriptedLLM):
    """Answers every (schema-constrained) summary call with a valid overview and no numbers."""

    def complete(self, messages, *, json_schema=None, **kw):
        self.replies = [json.dumps({"总体概述": "全年法治政府建设稳步推进。"}, ensure_ascii=False)]
        return super().complete(messages, json_schema=json_schema, **kw)


@pytest.fixture
def seeded(seeded_store, settings_factory):
    """Services over the read-only seeded store; anything the app writes (evals, summaries)
    goes to a fresh data dir."""
    store, _ = seeded_store
    # Instant answers off: these handlers are checked on the model's answers (WUHAI_Q is a card's).
    return lambda llm=None: Services(settings_factory(instant=False), store=store, llm=llm)


def test_chat_streams_then_shows_citation_cards(seeded):
    services = seeded(ScriptedLLM("乌海市行政机关负责人出庭应诉率为98.4%。[1]"))
    steps = list(chat_tab.chat(WUHAI_Q, [], "", None, services))
    history, previous = steps[-1]
    assert previous == WUHAI_Q
    assert [m["role"] for m in history] == ["user", "assistant"]
    final = history[-1]["content"]
    assert "98.4%" in final and 'class="cite-card"' in final and "乌海市2023年报告" in final
    assert "<mark>" in final and "98.4%" in final.split("<mark>")[1].split("</mark>")[0]
    assert "⚠️" not in final
    # The answer arrived in pieces before the final render.
    assert any("98.4%" in s[0][-1]["content"] and "cite-card" not in s[0][-1]["content"] for s in steps[:-1])


def test_the_question_shows_at_once_and_its_placeholder_is_replaced(seeded):
    history, box, asking = chat_tab.pending(" 问题？ ", [{"role": "user", "content": "早先"}])
    assert box == "" and asking == "问题？" and history[-1]["content"] == chat_tab.WAITING
    services = seeded(ScriptedLLM("乌海市行政机关负责人出庭应诉率为98.4%。[1]"))
    history, _, asking = chat_tab.pending(WUHAI_Q, [])
    *_, (history, _) = chat_tab.chat(asking, history, "", None, services)
    assert [m["role"] for m in history] == ["user", "assistant"] and chat_tab.WAITING not in repr(history)
    assert chat_tab.pending("  ", history) == (history, "", "")


def as_gradio_hands_it_back(history: list[dict]) -> list[dict]:
    """The history as Gradio 6 passes it to the next event: through the Chatbot's own
    postprocess and preprocess, each content a list of parts, not a string."""
    chatbot = gr.Chatbot()
    return chatbot.preprocess(chatbot.postprocess(history))


def test_the_placeholder_is_replaced_when_gradio_hands_history_back_as_parts(seeded):
    services = seeded(ScriptedLLM("乌海市行政机关负责人出庭应诉率为98.4%。[1]", "报告中未提及。"))
    history, _, asking = chat_tab.pending(WUHAI_Q, [])
    *_, (history, previous) = chat_tab.chat(asking, as_gradio_hands_it_back(history), "", None, services)
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert chat_tab.message_text(history[0]["content"]) == WUHAI_Q and "98.4%" in history[1]["content"]
    # A second question: still one user message and one answer each, no placeholder left.
    history, _, asking = chat_tab.pending("那磴口县呢？", as_gradio_hands_it_back(history))
    *_, (history, _) = chat_tab.chat(asking, as_gradio_hands_it_back(history), "", previous, services)
    texts = [chat_tab.message_text(m["content"]) for m in history]
    assert [m["role"] for m in history] == ["user", "assistant"] * 2
    assert texts[0] == WUHAI_Q and texts[2] == "那磴口县呢？" and chat_tab.WAITING not in "".join(texts)


def test_message_text_reads_strings_and_gradio_parts():
    assert chat_tab.message_text("问题") == "问题"
    assert chat_tab.message_text([{"type": "text", "text": "问"}, {"type": "text", "text": "题"}]) == "问题"
    assert chat_tab.message_text([{"type": "file", "file": {"path": "/tmp/x.png"}}]) == ""
    assert chat_tab.message_text(None) == ""


def test_a_followup_is_resolved_against_the_previous_question(seeded):
    services = seeded(ScriptedLLM("报告中未提及。"))
    *_, (history, previous) = chat_tab.chat("那武威市呢？", [], "", WUHAI_Q, services)
    assert previous == "武威市行政机关负责人出庭应诉率是多少？"  # 武威市's report covers 2021, not 2023
    assert "理解为：武威市行政机关负责人出庭应诉率是多少？" in history[-1]["content"]
    assert "武威市" in history[-1]["content"].split("范围：")[1]


def test_unverified_and_refused_answers_carry_a_notice(seeded):
    services = seeded(ScriptedLLM("出庭应诉率为97.1%。[1]", "出庭应诉率为99.9%。[1]"))
    *_, (history, _) = chat_tab.chat(WUHAI_Q, [], "", None, services)
    assert "ℹ️" in history[-1]["content"] or "⚠️" in history[-1]["content"]
    assert "97.1" not in history[-1]["content"]
    base = {"question": "q", "scope": {}, "method": "model"}
    assert "未作回答" in chat_tab.notice(Answer(answer="报告中未提及", grounded=True, refused=True, **base))
    assert "未能完全核实" in chat_tab.notice(Answer(answer="12件", grounded=False, problems=["数字 12 找不到"], **base))
    assert chat_tab.notice(Answer(answer="98.4%", grounded=True, **base)) == ""


def test_chat_with_a_report_filter_and_without_reports(seeded, settings_factory, embedder):
    services = seeded(ScriptedLLM("报告中未提及。"))
    *_, (history, _) = chat_tab.chat("出庭应诉率是多少？", [], "wuwei-2021", None, services)
    assert "wuwei-2021" in history[-1]["content"].split("范围：")[1]
    empty = Services(settings_factory(), store=Store(settings_factory(), embedder=embedder), llm=ScriptedLLM())
    *_, (history, _) = chat_tab.chat(WUHAI_Q, [], "", None, empty)
    assert history[-1]["content"].startswith("✘") and "报告库" in history[-1]["content"]


def test_upload_validates_ingests_lists_and_removes(tmp_path, settings_factory, embedder):
    settings = settings_factory(max_file_mb=0.002)
    services = Services(settings, store=Store(settings, embedder=embedder), llm=ScriptedLLM())
    good = tmp_path / "ningbo-2024.txt"
    good.write_text(
        "宁波市人民政府关于2024年法治政府建设情况的报告\n\n一、主要工作\n全年办理行政复议案件12件。\n", encoding="utf-8"
    )
    png = tmp_path / "report.png"
    png.write_bytes(b"\x89PNG")
    big = tmp_path / "big.txt"
    big.write_text("法治" * 2000, encoding="utf-8")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    result = handlers.upload([str(png), str(good), str(big), str(binary)], services)
    lines = result.splitlines()
    assert "report.png：不支持的文件类型 .png" in lines[0]
    assert "新增" in lines[1] and "ningbo-2024" in lines[1]
    assert "失败" in lines[2] and "文件过大" in lines[2] and "ASSISTANT_MAX_FILE_MB" in lines[2]
    assert "失败" in lines[3] and "scan.txt" in lines[3] and "提示" in lines[3]  # not text: the ingest's own reason
    assert str(settings.data_dir) not in result  # names, not server paths
    rows = handlers.library_rows(services)
    row = dict(zip(handlers.REPORT_COLUMNS, rows[0]))
    assert [r[0] for r in rows] == ["ningbo-2024"] and row["地区"] == "宁波市" and row["年度"] == 2024
    assert row["标题"] == "宁波市人民政府关于2024年法治政府建设情况的报告"  # its own title line, not derived
    assert row["类型"] == "法治政府建设年度报告" and row["层级"] == "市"
    assert "未变" in handlers.upload([str(good)], services)
    assert "已删除" in handlers.remove("ningbo-2024", services)
    assert handlers.library_rows(services) == []
    with pytest.raises(StoreError, match="找不到报告"):
        handlers.remove("ningbo-2024", services)
    with pytest.raises(StoreError, match="没有选择"):
        handlers.remove(None, services)


def test_the_library_shows_a_derived_title_for_a_report_without_one(seeded):
    rows = {r[0]: dict(zip(handlers.REPORT_COLUMNS, r)) for r in handlers.library_rows(seeded())}
    assert rows["wuhai-2023"]["标题"] == "乌海市2023年法治政府建设情况报告（推定）"
    assert rows["liling-2023"]["上级"] == "株洲市"


def test_summary_renders_and_exports_json_and_markdown(seeded):
    services = seeded(JsonLLM())
    steps = []
    markdown, paths = handlers.summary("wuhai-2023", services, progress=lambda d, t, label: steps.append((d, t)))
    assert markdown.startswith("# ") and "## 总体概述" in markdown and "全年法治政府建设稳步推进" in markdown
    assert [Path(p).suffix for p in paths] == [".json", ".md"]
    assert json.loads(Path(paths[0]).read_text(encoding="utf-8"))["来源"]["report_id"] == "wuhai-2023"
    assert steps and steps[-1][0] == steps[-1][1]
    calls = len(services.llm.calls)
    handlers.summary("wuhai-2023", services)  # cached: no model call
    assert len(services.llm.calls) == calls


def test_review_table_detail_and_exports(seeded):
    services = seeded()
    result = handlers.review(services)
    assert result.headers[0] == "报告" and len(result.rows) == 5
    urumqi = next(i for i, row in enumerate(result.rows) if row[0] == "乌鲁木齐县2022年报告")
    assert "存在的不足和原因" in result.rows[urumqi][result.headers.index("缺少或单薄")]
    detail = handlers.review_detail(result, urumqi)
    assert "## 乌鲁木齐县2022年报告（urumqi-county-2022）" in detail and "[^1]: “" in detail
    md, csv_path = map(Path, result.files)
    assert md.read_text(encoding="utf-8").count("\n## ") == 5
    assert csv_path.read_text(encoding="utf-8-sig").startswith("report_id,report,area,item,status")


def test_comparison_table_cell_quotes_and_chart(seeded):
    comp = handlers.comparison(seeded())
    assert comp.headers[0] == "指标" and "乌海市2023" in comp.headers
    row = next(i for i, r in enumerate(comp.cells) if r[0] == "行政机关负责人出庭应诉率")
    col = comp.headers.index("乌海市2023")
    assert comp.cells[row][col] == "98.4%"
    quote = handlers.cell_quote(comp, row, col)
    assert "<mark>98.4%</mark>" in quote and "wuhai-2023" in quote
    assert "点击" in handlers.cell_quote(comp, row, 0)  # the metric-name column has no quote
    assert Path(handlers.chart(comp, "行政机关负责人出庭应诉率")).read_bytes()[:4] == b"\x89PNG"


def test_retrieval_eval_from_the_page_and_comparison_of_runs(seeded):
    services = seeded()
    seen = []
    rows, name = evals_tab.run("retrieval", 12, services, lambda d, t, label: seen.append((d, t)))
    metrics = dict(rows)
    assert name.endswith("-retrieval") and 0.8 <= metrics["recall@5"] <= 1.0
    assert seen[-1] == (seen[-1][1], seen[-1][1])
    assert evals_tab.past_runs(services) == [name]
    assert (evals_tab.evals_dir(services) / name / "report.md").exists()
    table, chart = evals_tab.compare_runs([name], services)
    assert "recall@5" in table and Path(chart).exists()
    rows, name = evals_tab.run("answers", 2, seeded(ScriptedLLM("乌海市行政机关负责人出庭应诉率为98.4%。[1]")))
    assert name.endswith("-answers") and dict(rows)["fact_accuracy"] >= 0.5
    with pytest.raises(ConfigError, match="未知评测类型"):
        evals_tab.run("everything", None, services)


def test_settings_are_shown_without_secrets(settings_factory):
    settings = settings_factory(openai_api_key="sk-very-secret", ui_auth="alice:pw")
    rows = {r[0]: r for r in handlers.settings_rows(settings)}
    assert rows["top_k"][2] == "4" and rows["top_k"][1] == "ASSISTANT_TOP_K"
    assert rows["openai_api_key"][2] == "已设置（隐藏）" and rows["ui_auth"][2] == "已设置（隐藏）"
    assert "sk-very-secret" not in repr(rows) and "alice" not in repr(rows)


def test_binding_beyond_loopback_needs_auth(settings_factory):
    assert check_binding(settings_factory()) is None
    assert check_binding(settings_factory(ui_host="::1")) is None
    with pytest.raises(ConfigError, match="0.0.0.0") as info:
        check_binding(settings_factory(ui_host="0.0.0.0"))
    assert "ASSISTANT_UI_AUTH" in str(info.value)
    assert check_binding(settings_factory(ui_host="0.0.0.0", ui_auth="alice:s3cret:x")) == ("alice", "s3cret:x")
    with pytest.raises(ConfigError, match="user:password"):
        check_binding(settings_factory(ui_auth="alice"))
    options = launch_options(settings_factory(ui_port=7999))
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7999 and options["auth"] is None


def test_errors_become_readable_warnings_and_leave_outputs_unchanged(monkeypatch):
    shown = []
    monkeypatch.setattr(gr, "Warning", lambda message, title=None: shown.append(message))

    @readable(2)
    def broken(kind):
        if kind == "user":
            raise StoreError("找不到报告 'x'", "已入库的报告：wuhai-2023")
        raise KeyError("boom")

    assert broken("user") == (gr.skip(), gr.skip())
    assert "找不到报告" in shown[0] and "已入库的报告" in shown[0] and "Traceback" not in shown[0]
    broken("bug")
    assert shown[1].startswith("内部错误：KeyError")


def test_the_app_builds_without_opening_the_store_or_the_model(settings_factory):
    settings = settings_factory()
    demo = build_app(settings)
    assert isinstance(demo, gr.Blocks)
    assert not settings.data_dir.exists()
