"""The 评测 tab: run a retrieval or small answer eval from the page, compare past runs.

Runs are written under data_dir/evals/<time>-<kind>/ in the same layout as
`assistant eval --out` (results.jsonl, summary.json, report.md), so `assistant eval
--compare` reads them too. The run reuses the app's store and model (one model per
process) and reports progress through the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from assistant.apps.ui.handlers import EXPORT_DIR
from assistant.apps.ui.services import Services
from assistant.core.errors import ConfigError
from assistant.evals.compare import compare, flat_metrics
from assistant.evals.gold import GOLD, SMOKE
from assistant.evals.runner import run_eval

Progress = Callable[[int, int, str], None]
KINDS = {
    "retrieval": ("检索评测（全部金标问题，不用模型，约 10 秒）", GOLD),
    "answers": ("小型回答评测（smoke 集 20 题，用模型，每题约 5–20 秒）", SMOKE),
}


def evals_dir(services: Services) -> Path:
    return services.settings.data_dir / "evals"


def run(kind: str, limit: int | None, services: Services, progress: Progress | None = None) -> tuple[list[list], str]:
    """Run one eval; returns (metric rows, run name)."""
    if kind not in KINDS:
        raise ConfigError(f"未知评测类型 / unknown eval kind {kind!r}", "可选 / valid: " + ", ".join(KINDS))
    if not services.store.reports():
        raise ConfigError(
            "还没有入库的报告 / no reports ingested",
            "评测基于 seeds/ 的五份报告：先在「报告库」上传或运行 `assistant ingest seeds/`",
        )
    stages = {"retrieval": "检索", "answers": "回答"}
    name = f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{kind}"
    summary = run_eval(
        services.settings,
        KINDS[kind][1],
        evals_dir(services) / name,
        retrieval_only=kind == "retrieval",
        limit=int(limit) if limit else None,
        progress=(lambda done, total, stage: progress(done, total, stages.get(stage, stage))) if progress else False,
        store=services.store,
        llm=services.llm if kind == "answers" else None,
    )
    return metric_rows(summary), name


def metric_rows(summary: dict) -> list[list]:
    return [[k, round(v, 3) if isinstance(v, float) else v] for k, v in flat_metrics(summary).items()]


def past_runs(services: Services) -> list[str]:
    """Names of finished runs, newest first."""
    root = evals_dir(services)
    if not root.exists():
        return []
    return sorted((d.name for d in root.iterdir() if (d / "summary.json").exists()), reverse=True)


def compare_runs(names: list[str], services: Services) -> tuple[str, str]:
    """(Markdown table of the runs side by side, PNG chart path)."""
    if not names:
        raise ConfigError("没有选择评测记录 / no runs chosen", "先运行一次评测，或在列表中勾选要比较的记录")
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"evals-{abs(hash(tuple(names)))}.png"
    table = compare([evals_dir(services) / n for n in names], chart=path)
    return table, str(path)
