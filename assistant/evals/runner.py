"""`assistant eval`: run the gold set, write results.jsonl / summary.json / report.md, and
compare runs side by side (with a PNG chart of the main metrics).

A run records its whole configuration (model file and hash, prompt versions, retrieval
settings, git commit), so two runs can be compared knowing what changed between them.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from assistant.core.config import Settings
from assistant.evals.scoring import GoldItem, answer_eval, dump_jsonl, load_gold, retrieval_eval
from assistant.prompts import load as load_prompt
from assistant.index.store import Store

MAIN_METRICS = ["recall@1", "recall@5", "mrr", "fact_accuracy", "refusal_accuracy", "citation_precision",
                "numeric_faithfulness", "metadata_accuracy", "key_fact_recall", "number_precision"]


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, timeout=5).stdout.strip() or None
    except OSError:
        return None


def configuration(settings: Settings, llm=None) -> dict:
    config = {
        "retrieval": {k: getattr(settings, k) for k in ("top_k", "bm25_weight", "dense_weight", "auto_scope",
                                                        "chunk_tokens")},
        "prompts": [load_prompt(n).ref for n in ("answer", "answer_strict")],
        "git_commit": _git_commit(),
        "backend": settings.backend,
    }
    if llm is not None:
        config["model"] = getattr(llm, "name", None)
        path = getattr(llm, "model_path", None)
        if path:
            from assistant.backends.packaged import model_sha256

            config["model_path"], config["model_sha256"] = path, model_sha256(Path(path))
    return config


def breakdown(rows: list[dict], key: str, value) -> dict:
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[str(row.get(key))].append(value(row))
    return {k: round(sum(v) / len(v), 3) for k, v in sorted(groups.items())}


class _Callback:
    """tqdm's update() interface over a (done, total, stage) callback, for the web app."""

    def __init__(self, callback: Callable[[int, int, str], None], total: int, stage: str):
        self.callback, self.total, self.stage, self.done = callback, total, stage, 0

    def update(self, n: int = 1) -> None:
        self.done += n
        self.callback(self.done, self.total, self.stage)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _bar(progress: bool | Callable[[int, int, str], None], total: int, stage: str, unit: str = "q"):
    return _Callback(progress, total, stage) if callable(progress) else \
        tqdm(total=total, desc=stage, unit=unit, disable=not progress)


def run_eval(settings: Settings, gold: str | Path, out: str | Path, *, retrieval_only: bool = False,
             limit: int | None = None, progress: bool | Callable[[int, int, str], None] = True, summaries: bool = False,
             reports_gold: str | Path | None = None, store: Store | None = None, llm=None) -> dict:
    """`retrieval_only` skips the answer eval; `summaries` adds the summary eval over the
    reports in `reports_gold` (default assistant/evals/gold/reports.jsonl) — both of those need the model.
    `store` and `llm` default to the configured ones (the web app passes its own), and
    `progress` is a tqdm bar per stage (True), nothing (False) or a (done, total, stage) callback."""
    items: list[GoldItem] = load_gold(gold)[:limit] if limit else load_gold(gold)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = store or Store(settings)
    started = time.time()
    answerable = [i for i in items if not i.unanswerable]
    with _bar(progress, len(answerable), "retrieval") as bar:
        r_metrics, r_rows = retrieval_eval(store, settings, items, progress=bar.update)
    summary: dict = {"retrieval": r_metrics,
                     "retrieval_by_kind": breakdown(r_rows, "kind", lambda r: bool(r["rank"] and r["rank"] <= 5)),
                     "retrieval_by_report": breakdown(r_rows, "report", lambda r: bool(r["rank"] and r["rank"] <= 5))}
    rows = {r["id"]: {**r, "retrieval_rank": r.pop("rank")} for r in r_rows}
    if llm is None and (not retrieval_only or summaries):
        from assistant.backends.llama import get_backend

        llm = get_backend(settings)
    if not retrieval_only:
        with _bar(progress, len(items), "answers") as bar:
            a_metrics, a_rows = answer_eval(store, llm, settings, items, progress=bar.update)
        summary["answers"] = a_metrics
        summary["answers_by_kind"] = breakdown(a_rows, "kind", lambda r: r["grade"] == "CORRECT")
        summary["answers_by_report"] = breakdown(a_rows, "report", lambda r: r["grade"] == "CORRECT")
        for row in a_rows:
            rows[row["id"]] = {**rows.get(row["id"], {}), **row}
    if summaries:
        from assistant.evals.summaries import REPORTS_GOLD, load_report_gold, summary_eval

        report_gold = load_report_gold(reports_gold or REPORTS_GOLD)
        with _bar(progress, len(report_gold), "summaries", "report") as bar:
            s_metrics, s_rows = summary_eval(store, llm, settings, report_gold, progress=bar.update)
        summary["summaries"] = s_metrics
        summary["summaries_by_report"] = {r["report"]: r for r in s_rows}
        dump_jsonl(s_rows, out / "summaries.jsonl")
        summary["reports_gold"] = str(reports_gold or REPORTS_GOLD)
    summary["config"] = configuration(settings, llm)
    summary["gold"] = str(gold)
    summary["items"] = len(items)
    summary["seconds"] = round(time.time() - started, 1)
    dump_jsonl(list(rows.values()), out / "results.jsonl")
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "report.md").write_text(render_report(summary), encoding="utf-8")
    return summary


def flat_metrics(summary: dict) -> dict[str, float]:
    flat = {}
    for section in ("retrieval", "answers", "summaries"):
        for k, v in summary.get(section, {}).items():
            if isinstance(v, (int, float)) and v is not None:
                flat[k] = v
    return flat


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def _fmt(v) -> str:
    if v is None:
        return "—"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def render_report(summary: dict) -> str:
    parts = [f"# Evaluation report\n\nGold: `{summary['gold']}` ({summary['items']} items), "
             f"{summary['seconds']} s. Config: `{json.dumps(summary['config'], ensure_ascii=False)}`\n"]
    for section in ("retrieval", "answers", "summaries"):
        if section in summary:
            parts.append(f"## {section}\n\n" + _table([["metric", "value"]] +
                                                       [[k, _fmt(v)] for k, v in summary[section].items()]))
    for section in ("retrieval_by_kind", "retrieval_by_report", "answers_by_kind", "answers_by_report"):
        if section in summary:
            parts.append(f"## {section}\n\n" + _table([["group", "share"]] +
                                                       [[k, _fmt(v)] for k, v in summary[section].items()]))
    if "summaries_by_report" in summary:
        rows = [["report", "metadata", "key facts", "numbers", "missed key facts", "unsupported numbers"]]
        for rid, r in summary["summaries_by_report"].items():
            rows.append([rid, "—", "—", "—", r["error"], ""] if "error" in r else
                        [rid, _fmt(r["metadata_accuracy"]), _fmt(r["key_fact_recall"]), _fmt(r["number_precision"]),
                         "、".join(r["key_facts_missed"]) or "—", "、".join(r["numbers_unsupported"]) or "—"])
        parts.append("## summaries_by_report\n\n" + _table(rows))
    return "\n\n".join(parts) + "\n"


def compare(dirs: list[str | Path], chart: str | Path | None = None) -> str:
    """A side-by-side table of the runs' metrics; writes a bar chart when `chart` is given."""
    from assistant.core.errors import ConfigError

    runs = []
    for d in map(Path, dirs):
        path = d / "summary.json"
        if not path.exists():
            raise ConfigError(f"{d} 不是评测结果目录 / has no summary.json", "先运行 `assistant eval --out DIR`")
        runs.append((d.name, flat_metrics(json.loads(path.read_text(encoding="utf-8")))))
    keys = [k for k in dict.fromkeys(k for _, m in runs for k in m)]
    table = _table([["metric"] + [name for name, _ in runs]] + [[k] + [_fmt(m.get(k)) for _, m in runs] for k in keys])
    if chart:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

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
        fig.savefig(chart, dpi=120)
        plt.close(fig)
    return table
