"""`assistant eval --compare`: earlier runs side by side, as a table and a bar chart."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.core.errors import ConfigError
from assistant.evals.runner import fmt, table
from assistant.reports.charts import pyplot

MAIN_METRICS = [
    "recall@1",
    "recall@5",
    "mrr",
    "fact_accuracy",
    "refusal_accuracy",
    "citation_precision",
    "numeric_faithfulness",
    "metadata_accuracy",
    "key_fact_recall",
    "number_precision",
]


def flat_metrics(summary: dict) -> dict[str, float]:
    flat = {}
    for section in ("retrieval", "answers", "summaries"):
        for k, v in summary.get(section, {}).items():
            if isinstance(v, (int, float)) and v is not None:
                flat[k] = v
    return flat


def compare(dirs: list[str | Path], chart: str | Path | None = None) -> str:
    """A side-by-side table of the runs' metrics; writes a bar chart when `chart` is given."""
    runs = []
    for d in map(Path, dirs):
        path = d / "summary.json"
        if not path.exists():
            raise ConfigError(f"{d} 不是评测结果目录 / has no summary.json", "先运行 `assistant eval --out DIR`")
        runs.append((d.name, flat_metrics(json.loads(path.read_text(encoding="utf-8")))))
    keys = list(dict.fromkeys(k for _, m in runs for k in m))
    text = table([["metric"] + [name for name, _ in runs]] + [[k] + [fmt(m.get(k)) for _, m in runs] for k in keys])
    if chart:
        _chart(runs, chart)
    return text


def _chart(runs: list[tuple[str, dict]], path: str | Path) -> None:
    plt, _ = pyplot(None)  # metric names are ASCII
    shown = [k for k in MAIN_METRICS if any(k in m for _, m in runs)]
    fig, ax = plt.subplots(figsize=(max(6, len(shown) * 1.4), 4))
    width = 0.8 / max(1, len(runs))
    for i, (name, m) in enumerate(runs):
        ax.bar([x + i * width for x in range(len(shown))], [m.get(k) or 0 for k in shown], width, label=name)
    ax.set_xticks([x + width * (len(runs) - 1) / 2 for x in range(len(shown))], shown, rotation=20)
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("assistant eval")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
