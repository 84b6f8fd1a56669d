"""The web app (Gradio): 问答, 报告库, 摘要, 对比, 评测 and 设置 over the CLI's functions."""

from assistant.apps.ui.app import build_app, check_binding, launch

__all__ = ["build_app", "check_binding", "launch"]
