"""The web app's components, one builder per tab; app.py wires them to the handlers.

Each builder must be called inside a `gr.Blocks` (and a `gr.Tabs`) context and returns its
components as a small dataclass, so the wiring reads `chat.question.submit(…)` rather than
juggling thirty loose variables.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.apps.ui import chat as chat_tab
from assistant.apps.ui import evals as evals_tab
from assistant.apps.ui import handlers
from assistant.core.config import Settings
from assistant.ingest.formats import SUFFIXES


@dataclass
class ChatTab:
    report_filter: gr.Dropdown
    clear: gr.Button
    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    previous: gr.State  # the last question, for resolving follow-ups
    asking: gr.State  # the question on its way to the model


def chat() -> ChatTab:
    with gr.Tab("问答", id="chat"):
        with gr.Row():
            report_filter = gr.Dropdown(
                label="限定报告（地区 / 年度）",
                choices=[("全部报告", "")],
                value="",
                scale=4,
                min_width=200,
                elem_id="report-filter",
            )
            clear = gr.Button("清空对话", scale=1, min_width=100)
        chatbot = gr.Chatbot(
            label="对话",
            height=520,
            elem_id="chatbot",
            buttons=["copy"],
            feedback_options=None,
            placeholder="在下方输入问题，或点击示例问题。",
        )
        with gr.Row():
            question = gr.Textbox(
                label="问题",
                placeholder="例如：2023年乌海市行政机关负责人出庭应诉率是多少？　追问：那武威市呢？",
                scale=5,
                min_width=200,
                elem_id="question",
            )
            send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="send")
        gr.Examples(chat_tab.EXAMPLES, inputs=question, label="示例问题")
        return ChatTab(report_filter, clear, chatbot, question, send, gr.State(None), gr.State(""))


@dataclass
class LibraryTab:
    table: gr.Dataframe
    files: gr.File
    upload: gr.Button
    remove_choice: gr.Dropdown
    remove: gr.Button
    status: gr.Markdown


def library(settings: Settings) -> LibraryTab:
    with gr.Tab("报告库", id="library"):
        table = gr.Dataframe(
            headers=handlers.REPORT_COLUMNS, interactive=False, wrap=True, elem_id="library-table", label="已入库的报告"
        )
        with gr.Row():
            with gr.Column(min_width=240):
                files = gr.File(
                    label=f"上传报告（{'、'.join(sorted(SUFFIXES))}，不超过 {settings.max_file_mb:g} MB）",
                    file_count="multiple",
                    file_types=sorted(SUFFIXES),
                    elem_id="upload",
                )
                upload = gr.Button("入库", variant="primary", elem_id="ingest")
            with gr.Column(min_width=240):
                remove_choice = gr.Dropdown(label="删除报告", choices=[], elem_id="remove-report")
                remove = gr.Button("删除", variant="stop", elem_id="remove")
        return LibraryTab(table, files, upload, remove_choice, remove, gr.Markdown(elem_id="library-status"))


@dataclass
class SummaryTab:
    report: gr.Dropdown
    view: gr.Button
    regenerate: gr.Button
    text: gr.Markdown
    downloads: gr.File


def summary() -> SummaryTab:
    with gr.Tab("摘要", id="summary"):
        with gr.Row():
            report = gr.Dropdown(label="报告", choices=[], scale=3, min_width=200, elem_id="summary-report")
            view = gr.Button("查看摘要", variant="primary", scale=1, min_width=100, elem_id="view-summary")
            regenerate = gr.Button("重新生成", scale=1, min_width=100)
        gr.Markdown("首次生成：各部分按规则摘自原文，总体概述由本地模型写（约 5–20 秒）；之后直接读取缓存。")
        text = gr.Markdown(elem_id="summary-text")
        downloads = gr.File(label="下载 JSON / Markdown", file_count="multiple", interactive=False)
        return SummaryTab(report, view, regenerate, text, downloads)


@dataclass
class CompareTab:
    tab: gr.Tab
    table: gr.Dataframe
    cell: gr.Markdown
    metric: gr.Dropdown
    chart: gr.Image
    flags: gr.Markdown
    comparison: gr.State


def compare() -> CompareTab:
    with gr.Tab("对比", id="compare") as tab:
        gr.Markdown("各报告中由规则直接摘出的指标（不经模型）；点击单元格查看原文。带 * 的数值可能是累计数。")
        table = gr.Dataframe(interactive=False, wrap=True, elem_id="compare-table", label="指标对比")
        cell = gr.Markdown("点击表格中有数值的单元格，查看它在报告中的原文。", elem_id="cell-quote")
        with gr.Row():
            metric = gr.Dropdown(label="柱状图指标", choices=[], scale=2, min_width=200)
        chart = gr.Image(label="柱状图", type="filepath", interactive=False, height=320)
        return CompareTab(tab, table, cell, metric, chart, gr.Markdown(), gr.State(None))


@dataclass
class ReviewTab:
    tab: gr.Tab
    table: gr.Dataframe  # one row per report
    detail: gr.Markdown  # the chosen report's findings, each with its quotes
    export: gr.File
    result: gr.State


def review() -> ReviewTab:
    with gr.Tab("审查", id="review") as tab:
        gr.Markdown(
            "对照《法治政府建设与责任落实督察工作规定》逐份审查：五项必备内容、报送与公开时限、核心指标、数字矛盾"
            "（按规则读取，不经模型）。点击一行查看每条结论及其原文。"
        )
        table = gr.Dataframe(interactive=False, wrap=True, elem_id="review-table", label="各报告审查结果")
        detail = gr.Markdown("点击上表中的一行，查看该报告的审查详情。", elem_id="review-detail")
        export = gr.File(label="下载审查结果（Markdown / CSV）", file_count="multiple", interactive=False)
        return ReviewTab(tab, table, detail, export, gr.State(None))


@dataclass
class EvalsTab:
    kind: gr.Radio
    limit: gr.Number
    run: gr.Button
    status: gr.Markdown
    metrics: gr.Dataframe
    runs: gr.CheckboxGroup
    compare: gr.Button
    runs_table: gr.Markdown
    runs_chart: gr.Image


def evals() -> EvalsTab:
    with gr.Tab("评测", id="evals"):
        with gr.Row():
            kind = gr.Radio(
                [(label, key) for key, (label, _) in evals_tab.KINDS.items()],
                value="retrieval",
                label="评测类型",
                scale=3,
                min_width=240,
            )
            limit = gr.Number(
                label="只评前 N 题（空 = 全部）", value=None, precision=0, minimum=1, scale=1, min_width=120
            )
        run = gr.Button("运行评测", variant="primary", elem_id="run-eval")
        status = gr.Markdown()
        metrics = gr.Dataframe(headers=["指标", "数值"], interactive=False, label="本次结果")
        runs = gr.CheckboxGroup(label="历史评测（勾选后比较）", choices=[])
        compare = gr.Button("比较所选评测")
        return EvalsTab(
            kind,
            limit,
            run,
            status,
            metrics,
            runs,
            compare,
            gr.Markdown(),
            gr.Image(label="评测对比图", type="filepath", interactive=False, height=320),
        )


def settings_tab(settings: Settings) -> None:
    with gr.Tab("设置", id="settings"):
        gr.Markdown(
            "当前配置（只读）。修改请设置环境变量 `ASSISTANT_*` 或编辑 `assistant.toml`，然后重启应用："
            "运行中切换模型或索引不安全。"
        )
        gr.Dataframe(
            value=handlers.settings_rows(settings),
            headers=["设置", "环境变量", "当前值", "说明"],
            interactive=False,
            wrap=True,
        )
