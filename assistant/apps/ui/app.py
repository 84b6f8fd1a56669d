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
import logging
from dataclasses import dataclass

import gradio as gr

from assistant.apps.network import is_loopback
from assistant.apps.ui import chat as chat_tab
from assistant.apps.ui import evals as evals_tab
from assistant.apps.ui import handlers, layout
from assistant.apps.ui.services import Services
from assistant.apps.warmup import warm_in_background
from assistant.core.config import Settings
from assistant.core.errors import AssistantError, ConfigError

log = logging.getLogger(__name__)
TITLE = "法治政府建设情况报告问答"
CSS = """
.cite-cards {margin-top: 4px;}
.cite-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin: 6px 0;}
.cite-card summary {cursor: pointer;}
.cite-context {margin-top: 6px; line-height: 1.7; overflow-wrap: anywhere;}
.cite-meta {font-size: 12px; opacity: 0.7;}
mark {background: #fde68a; color: inherit; padding: 0 2px; border-radius: 2px;}
.direct-answer {font-size: 1.15em;}
.explanation {opacity: 0.8;}
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
                gr.Warning(
                    f"内部错误：{type(exc).__name__}: {exc}。应用仍可继续使用；详情见服务器日志。", title="出错了"
                )
            unchanged = tuple(gr.skip() for _ in range(outputs))
            return unchanged[0] if outputs == 1 else unchanged

        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen(*args, **kwargs):
                try:
                    yield from fn(*args, **kwargs)
                except Exception as exc:
                    yield warn(exc)

            return gen

        @functools.wraps(fn)
        def call(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                return warn(exc)

        return call

    return decorate


def _progress(progress: gr.Progress):
    return lambda done, total, label: progress((done, total), desc=label)


@dataclass
class _Ui:
    services: Services
    chat: layout.ChatTab
    library: layout.LibraryTab
    summary: layout.SummaryTab
    compare: layout.CompareTab
    review: layout.ReviewTab
    evals: layout.EvalsTab
    model: dict  # the concurrency group every event that calls the model shares

    def choices(self, everything: str | None = None):
        return gr.update(choices=self.services.report_choices(everything))


def build_app(settings: Settings, store=None, llm=None) -> gr.Blocks:
    """The app over `store` and `llm` (created on first use when not given)."""
    services = Services(settings, store, llm)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"## {TITLE}\n答案中的每个数字都须在所引原文中找到；找不到时会明确说明。")
        with gr.Tabs():
            ui = _Ui(
                services,
                layout.chat(),
                layout.library(settings),
                layout.summary(),
                layout.compare(),
                layout.review(),
                layout.evals(),
                {"concurrency_id": "model", "concurrency_limit": 1 if settings.backend == "llama" else 4},
            )
            layout.settings_tab(settings)
        _wire_load(demo, ui)
        _wire_chat(ui)
        _wire_library(ui)
        _wire_summary(ui)
        _wire_compare(ui)
        _wire_review(ui)
        _wire_evals(ui)
    demo.queue(default_concurrency_limit=4)
    demo.services = services  # for launch's warm start, and for tests
    return demo


def _wire_load(demo: gr.Blocks, ui: _Ui) -> None:
    @readable(5)
    def on_load():
        runs = evals_tab.past_runs(ui.services)
        return (
            ui.choices("全部报告"),
            ui.choices(),
            ui.choices(),
            handlers.library_rows(ui.services),
            gr.update(choices=runs, value=runs[:3]),
        )

    demo.load(
        on_load,
        outputs=[ui.chat.report_filter, ui.library.remove_choice, ui.summary.report, ui.library.table, ui.evals.runs],
    )


def _wire_chat(ui: _Ui) -> None:
    c = ui.chat

    @readable(2)
    def on_chat(message, history, report, previous):
        yield from chat_tab.chat(message, history, report, previous, ui.services)

    gr.on(
        [c.question.submit, c.send.click],
        chat_tab.pending,
        inputs=[c.question, c.chatbot],
        outputs=[c.chatbot, c.question, c.asking],
        queue=False,
    ).then(
        on_chat, inputs=[c.asking, c.chatbot, c.report_filter, c.previous], outputs=[c.chatbot, c.previous], **ui.model
    )
    c.clear.click(lambda: ([], None), outputs=[c.chatbot, c.previous], queue=False)


def _wire_library(ui: _Ui) -> None:
    lib = ui.library
    dropdowns = [ui.chat.report_filter, lib.remove_choice, ui.summary.report]

    @readable(6)
    def on_upload(files, progress=gr.Progress(track_tqdm=True)):  # noqa: B008 (Gradio injects progress this way)
        message = handlers.upload(files or [], ui.services, _progress(progress))
        return message, handlers.library_rows(ui.services), ui.choices("全部报告"), ui.choices(), ui.choices(), None

    @readable(5)
    def on_remove(report_id):
        message = handlers.remove(report_id, ui.services)
        return (
            message,
            handlers.library_rows(ui.services),
            ui.choices("全部报告"),
            gr.update(choices=ui.services.report_choices(), value=None),
            ui.choices(),
        )

    writes = {"concurrency_id": "write", "concurrency_limit": 1}
    lib.upload.click(on_upload, inputs=lib.files, outputs=[lib.status, lib.table, *dropdowns, lib.files], **writes)
    lib.remove.click(on_remove, inputs=lib.remove_choice, outputs=[lib.status, lib.table, *dropdowns], **writes)


def _wire_summary(ui: _Ui) -> None:
    s = ui.summary

    @readable(2)
    def on_summary(report_id, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress this way)
        return handlers.summary(report_id, ui.services, progress=_progress(progress))

    @readable(2)
    def on_regenerate(report_id, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress this way)
        return handlers.summary(report_id, ui.services, refresh=True, progress=_progress(progress))

    s.view.click(on_summary, inputs=s.report, outputs=[s.text, s.downloads], **ui.model)
    s.regenerate.click(on_regenerate, inputs=s.report, outputs=[s.text, s.downloads], **ui.model)


def _wire_compare(ui: _Ui) -> None:
    c = ui.compare

    @readable(4)
    def on_compare():
        comp = handlers.comparison(ui.services)
        flags = "\n".join(f"- ⚠️ {f}" for f in comp.flags) or "各报告数值之间未发现矛盾。"
        metrics = [row[0] for row in comp.cells]
        # The chart opens on the indicator most reports state.
        fullest = max(comp.cells, key=lambda row: sum(v != "—" for v in row[1:]))[0] if comp.cells else None
        return (
            gr.update(value=comp.cells, headers=comp.headers),
            comp,
            flags,
            gr.update(choices=metrics, value=fullest),
        )

    @readable(2)
    def on_cell(comp, evt: gr.SelectData):
        if comp is None or evt.index is None:
            return gr.update(), gr.update()
        row, col = evt.index
        return handlers.cell_quote(comp, row, col), gr.update(value=comp.cells[row][0])  # chart follows the row

    @readable(1)
    def on_chart(comp, metric):
        return handlers.chart(comp, metric) if comp is not None and metric else None

    c.tab.select(on_compare, outputs=[c.table, c.comparison, c.flags, c.metric])
    c.table.select(on_cell, inputs=c.comparison, outputs=[c.cell, c.metric])
    c.metric.change(on_chart, inputs=[c.comparison, c.metric], outputs=c.chart)


def _wire_review(ui: _Ui) -> None:
    r = ui.review

    @readable(4)
    def on_review():
        result = handlers.review(ui.services)
        return gr.update(value=result.rows, headers=result.headers), result, result.files, gr.update()

    @readable(1)
    def on_row(result, evt: gr.SelectData):
        if result is None or evt.index is None:
            return gr.update()
        return handlers.review_detail(result, evt.index[0])

    r.tab.select(on_review, outputs=[r.table, r.result, r.export, r.detail])
    r.table.select(on_row, inputs=r.result, outputs=r.detail)


def _wire_evals(ui: _Ui) -> None:
    e = ui.evals

    @readable(5)
    def on_eval(kind, limit, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress this way)
        rows, name = evals_tab.run(kind, int(limit) if limit else None, ui.services, _progress(progress))
        runs = evals_tab.past_runs(ui.services)
        table, chart = evals_tab.compare_runs(runs[:3], ui.services)
        return rows, f"已完成：{name}", gr.update(choices=runs, value=runs[:3]), table, chart

    @readable(2)
    def on_compare_runs(names):
        return evals_tab.compare_runs(names, ui.services)

    e.run.click(
        on_eval, inputs=[e.kind, e.limit], outputs=[e.metrics, e.status, e.runs, e.runs_table, e.runs_chart], **ui.model
    )
    e.compare.click(on_compare_runs, inputs=e.runs, outputs=[e.runs_table, e.runs_chart])


def check_binding(settings: Settings) -> tuple[str, str] | None:
    """The (user, password) to require, or None on loopback; refuses a public bind without one."""
    auth = settings.ui_auth.get_secret_value() if settings.ui_auth else None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not (sep and user and password):
            raise ConfigError(
                "ASSISTANT_UI_AUTH 格式无效 / ui_auth must be user:password",
                "例如 ASSISTANT_UI_AUTH='alice:一个足够长的密码'（环境变量或 assistant.toml）",
            )
        return user, password
    if not is_loopback(settings.ui_host):
        raise ConfigError(
            f"拒绝在 {settings.ui_host} 上无登录启动 / refusing to serve {settings.ui_host} without authentication",
            "设置 ASSISTANT_UI_AUTH=user:password（环境变量或 assistant.toml），或用 --host 127.0.0.1 只在本机访问",
        )
    return None


def launch_options(settings: Settings) -> dict:
    """Keyword arguments for Blocks.launch, shared by `launch` and the browser tests."""
    return {
        "server_name": settings.ui_host,
        "server_port": settings.ui_port,
        "auth": check_binding(settings),
        "auth_message": "请登录 / please log in",
        "css": CSS,
        "ssr_mode": False,
        "footer_links": [],
        "max_file_size": int(settings.max_file_mb * 1024 * 1024),
        "show_error": False,
    }


def launch(settings: Settings) -> None:
    """Check the binding, build the app and serve it until interrupted."""
    options = launch_options(settings)  # refuse before loading anything
    print(f"法治政府报告问答：http://{settings.ui_host}:{settings.ui_port}  （Ctrl+C 退出）", flush=True)
    demo = build_app(settings)
    services: Services = demo.services
    warm_in_background(lambda: services.llm, lambda: services.store)  # while the first page loads
    demo.launch(**options, quiet=True)
