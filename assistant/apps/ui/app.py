"""The Gradio app: six tabs over the handlers, one queue in front of the one model.

Every event that calls the model shares the concurrency group "model" (limit 1 for the
local llama.cpp model, so a second user waits in Gradio's queue and sees their place;
a few at once for a hosted backend). Handler errors become warning toasts with the
message and its hint; an unexpected exception is logged with its traceback on the
server and shown as one readable line, and the app keeps running.
"""

from __future__ import annotations

import functools
import inspect
import ipaddress
import logging

import gradio as gr

from assistant.core.config import Settings
from assistant.core.errors import AssistantError, ConfigError
from assistant.apps.ui import chat as chat_tab
from assistant.apps.ui import evals as evals_tab
from assistant.apps.ui import handlers
from assistant.apps.ui.services import Services

log = logging.getLogger(__name__)
TITLE = "法治政府建设情况报告问答"
CSS = """
.cite-cards {margin-top: 4px;}
.cite-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin: 6px 0;}
.cite-card summary {cursor: pointer;}
.cite-context {margin-top: 6px; line-height: 1.7; overflow-wrap: anywhere;}
.cite-meta {font-size: 12px; opacity: 0.7;}
mark {background: #fde68a; color: inherit; padding: 0 2px; border-radius: 2px;}
@media (max-width: 640px) { .gradio-container {padding: 4px !important;} }
"""


def readable(outputs: int = 1):
    """Show AssistantError (message + hint) and anything unexpected as a warning toast,
    leaving the `outputs` components as they were. (Raising gr.Error instead would put
    an error overlay on every output, which blocks a dropdown until the next success.)"""
    def decorate(fn):
        def warn(exc: Exception):
            if isinstance(exc, AssistantError):
                gr.Warning(str(exc).replace("\n", "<br>"), title="出错了")
            else:
                log.exception("handler %s failed", fn.__name__)
                gr.Warning(f"内部错误：{type(exc).__name__}: {exc}。应用仍可继续使用；详情见服务器日志。", title="出错了")
            unchanged = tuple(gr.skip() for _ in range(outputs))
            return unchanged[0] if outputs == 1 else unchanged

        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                try:
                    yield from fn(*args, **kwargs)
                except Exception as exc:  # noqa: BLE001 (the UI boundary: nothing escapes as a trace)
                    yield warn(exc)
            return gen

        @functools.wraps(fn)
        def call(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 (the UI boundary: nothing escapes as a trace)
                return warn(exc)
        return call
    return decorate


def _progress(progress: gr.Progress):
    return lambda done, total, label: progress((done, total), desc=label)


def build_app(settings: Settings, store=None, llm=None) -> gr.Blocks:
    """The app over `store` and `llm` (created on first use when not given)."""
    services = Services(settings, store, llm)
    model_limit = 1 if settings.backend == "llama" else 4

    def choices(everything=None):
        return gr.update(choices=services.report_choices(everything))

    @readable(5)
    def on_load():
        runs = evals_tab.past_runs(services)
        return (choices("全部报告"), choices(), choices(), handlers.library_rows(services),
                gr.update(choices=runs, value=runs[:3]))

    @readable(2)
    def on_chat(message, history, report, previous):
        yield from chat_tab.chat(message, history, report, previous, services)

    @readable(6)
    def on_upload(files, progress=gr.Progress(track_tqdm=True)):  # noqa: B008 (Gradio injects progress this way)
        message = handlers.upload(files or [], services, _progress(progress))
        return message, handlers.library_rows(services), choices("全部报告"), choices(), choices(), None

    @readable(5)
    def on_remove(report_id):
        message = handlers.remove(report_id, services)
        return (message, handlers.library_rows(services), choices("全部报告"), gr.update(choices=services.report_choices(), value=None),
                choices())

    @readable(2)
    def on_summary(report_id, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress this way)
        return handlers.summary(report_id, services, progress=_progress(progress))

    @readable(2)
    def on_regenerate(report_id, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress this way)
        return handlers.summary(report_id, services, refresh=True, progress=_progress(progress))

    @readable(4)
    def on_compare():
        comp = handlers.comparison(services)
        flags = "\n".join(f"- ⚠️ {f}" for f in comp.flags) or "各报告数值之间未发现矛盾。"
        metrics = [row[0] for row in comp.cells]
        # The chart opens on the indicator most reports state.
        fullest = max(comp.cells, key=lambda row: sum(v != "—" for v in row[1:]))[0] if comp.cells else None
        return (gr.update(value=comp.cells, headers=comp.headers), comp, flags,
                gr.update(choices=metrics, value=fullest))

    @readable(2)
    def on_cell(comp, evt: gr.SelectData):
        if comp is None or evt.index is None:
            return gr.update(), gr.update()
        row, col = evt.index
        return handlers.cell_quote(comp, row, col), gr.update(value=comp.cells[row][0])  # chart follows the row

    @readable(1)
    def on_chart(comp, metric):
        return handlers.chart(comp, metric) if comp is not None and metric else None

    @readable(5)
    def on_eval(kind, limit, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress this way)
        rows, name = evals_tab.run(kind, int(limit) if limit else None, services, _progress(progress))
        runs = evals_tab.past_runs(services)
        table, chart = evals_tab.compare_runs(runs[:3], services)
        return rows, f"已完成：{name}", gr.update(choices=runs, value=runs[:3]), table, chart

    @readable(2)
    def on_compare_runs(names):
        return evals_tab.compare_runs(names, services)

    from assistant.ingest.pipeline import SUFFIXES

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"## {TITLE}\n答案中的每个数字都须在所引原文中找到；找不到时会明确说明。")
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    report_filter = gr.Dropdown(label="限定报告（地区 / 年度）", choices=[("全部报告", "")], value="",
                                                scale=4, min_width=200, elem_id="report-filter")
                    clear = gr.Button("清空对话", scale=1, min_width=100)
                chatbot = gr.Chatbot(label="对话", height=520, elem_id="chatbot", buttons=["copy"],
                                     feedback_options=None, placeholder="在下方输入问题，或点击示例问题。")
                with gr.Row():
                    question = gr.Textbox(label="问题", placeholder="例如：2023年乌海市行政机关负责人出庭应诉率是多少？"
                                          "　追问：那武威市呢？", scale=5, min_width=200, elem_id="question")
                    send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="send")
                gr.Examples(chat_tab.EXAMPLES, inputs=question, label="示例问题")
                previous = gr.State(None)  # the last question, for resolving follow-ups
                asking = gr.State("")  # the question on its way to the model
            with gr.Tab("报告库", id="library"):
                library = gr.Dataframe(headers=handlers.REPORT_COLUMNS, interactive=False, wrap=True,
                                       elem_id="library-table", label="已入库的报告")
                with gr.Row():
                    with gr.Column(min_width=240):
                        files = gr.File(label=f"上传报告（{'、'.join(sorted(SUFFIXES))}，不超过 {settings.max_file_mb:g} MB）",
                                        file_count="multiple", file_types=sorted(SUFFIXES), elem_id="upload")
                        upload_btn = gr.Button("入库", variant="primary", elem_id="ingest")
                    with gr.Column(min_width=240):
                        remove_dd = gr.Dropdown(label="删除报告", choices=[], elem_id="remove-report")
                        remove_btn = gr.Button("删除", variant="stop", elem_id="remove")
                library_status = gr.Markdown(elem_id="library-status")
            with gr.Tab("摘要", id="summary"):
                with gr.Row():
                    summary_dd = gr.Dropdown(label="报告", choices=[], scale=3, min_width=200, elem_id="summary-report")
                    view_btn = gr.Button("查看摘要", variant="primary", scale=1, min_width=100, elem_id="view-summary")
                    regen_btn = gr.Button("重新生成", scale=1, min_width=100)
                gr.Markdown("首次生成用本地模型逐节摘要，每份报告需要几分钟；之后直接读取缓存。")
                summary_md = gr.Markdown(elem_id="summary-text")
                downloads = gr.File(label="下载 JSON / Markdown", file_count="multiple", interactive=False)
            with gr.Tab("对比", id="compare") as compare_tab:
                gr.Markdown("各报告中由规则直接摘出的指标（不经模型）；点击单元格查看原文。带 * 的数值可能是累计数。")
                compare_table = gr.Dataframe(interactive=False, wrap=True, elem_id="compare-table", label="指标对比")
                cell_md = gr.Markdown("点击表格中有数值的单元格，查看它在报告中的原文。", elem_id="cell-quote")
                with gr.Row():
                    metric_dd = gr.Dropdown(label="柱状图指标", choices=[], scale=2, min_width=200)
                chart_img = gr.Image(label="柱状图", type="filepath", interactive=False, height=320)
                flags_md = gr.Markdown()
                comparison = gr.State(None)
            with gr.Tab("评测", id="evals"):
                with gr.Row():
                    kind = gr.Radio([(label, key) for key, (label, _) in evals_tab.KINDS.items()], value="retrieval",
                                    label="评测类型", scale=3, min_width=240)
                    limit = gr.Number(label="只评前 N 题（空 = 全部）", value=None, precision=0, minimum=1,
                                      scale=1, min_width=120)
                run_btn = gr.Button("运行评测", variant="primary", elem_id="run-eval")
                eval_status = gr.Markdown()
                metrics = gr.Dataframe(headers=["指标", "数值"], interactive=False, label="本次结果")
                runs = gr.CheckboxGroup(label="历史评测（勾选后比较）", choices=[])
                compare_btn = gr.Button("比较所选评测")
                runs_md = gr.Markdown()
                runs_img = gr.Image(label="评测对比图", type="filepath", interactive=False, height=320)
            with gr.Tab("设置", id="settings"):
                gr.Markdown("当前配置（只读）。修改请设置环境变量 `ASSISTANT_*` 或编辑 `assistant.toml`，然后重启应用："
                            "运行中切换模型或索引不安全。")
                gr.Dataframe(value=handlers.settings_rows(settings), headers=["设置", "环境变量", "当前值", "说明"],
                             interactive=False, wrap=True)

        model = {"concurrency_id": "model", "concurrency_limit": model_limit}
        demo.load(on_load, outputs=[report_filter, remove_dd, summary_dd, library, runs])
        gr.on([question.submit, send.click], chat_tab.pending, inputs=[question, chatbot],
              outputs=[chatbot, question, asking], queue=False
              ).then(on_chat, inputs=[asking, chatbot, report_filter, previous], outputs=[chatbot, previous], **model)
        clear.click(lambda: ([], None), outputs=[chatbot, previous], queue=False)
        upload_btn.click(on_upload, inputs=files,
                         outputs=[library_status, library, report_filter, remove_dd, summary_dd, files],
                         concurrency_id="write", concurrency_limit=1)
        remove_btn.click(on_remove, inputs=remove_dd,
                         outputs=[library_status, library, report_filter, remove_dd, summary_dd],
                         concurrency_id="write", concurrency_limit=1)
        view_btn.click(on_summary, inputs=summary_dd, outputs=[summary_md, downloads], **model)
        regen_btn.click(on_regenerate, inputs=summary_dd, outputs=[summary_md, downloads], **model)
        compare_tab.select(on_compare, outputs=[compare_table, comparison, flags_md, metric_dd])
        compare_table.select(on_cell, inputs=comparison, outputs=[cell_md, metric_dd])
        metric_dd.change(on_chart, inputs=[comparison, metric_dd], outputs=chart_img)
        run_btn.click(on_eval, inputs=[kind, limit], outputs=[metrics, eval_status, runs, runs_md, runs_img], **model)
        compare_btn.click(on_compare_runs, inputs=runs, outputs=[runs_md, runs_img])
    demo.queue(default_concurrency_limit=4)
    return demo


def check_binding(settings: Settings) -> tuple[str, str] | None:
    """The (user, password) to require, or None on loopback; refuses a public bind without one."""
    auth = settings.ui_auth.get_secret_value() if settings.ui_auth else None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not (sep and user and password):
            raise ConfigError("ASSISTANT_UI_AUTH 格式无效 / ui_auth must be user:password",
                              "例如 ASSISTANT_UI_AUTH='alice:一个足够长的密码'（环境变量或 assistant.toml）")
        return user, password
    if not _loopback(settings.ui_host):
        raise ConfigError(
            f"拒绝在 {settings.ui_host} 上无登录启动 / refusing to serve {settings.ui_host} without authentication",
            "设置 ASSISTANT_UI_AUTH=user:password（环境变量或 assistant.toml），或用 --host 127.0.0.1 只在本机访问")
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def launch_options(settings: Settings) -> dict:
    """Keyword arguments for Blocks.launch, shared by `launch` and the browser tests."""
    return {"server_name": settings.ui_host, "server_port": settings.ui_port, "auth": check_binding(settings),
            "auth_message": "请登录 / please log in", "css": CSS, "ssr_mode": False, "footer_links": [],
            "max_file_size": int(settings.max_file_mb * 1024 * 1024), "show_error": False}


def launch(settings: Settings) -> None:
    """Check the binding, build the app and serve it until interrupted."""
    options = launch_options(settings)  # refuse before loading anything
    print(f"法治政府报告问答：http://{settings.ui_host}:{settings.ui_port}  （Ctrl+C 退出）", flush=True)
    build_app(settings).launch(**options, quiet=True)
