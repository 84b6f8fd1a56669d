"""`assistant eval`: run the gold set, write results.jsonl / summary.json / report.md.

A run records its whole configuration (model file and hash, prompt versions, retrieval
settings, git commit), so two runs can be compared knowing what changed between them
(compare.py). summary.json holds each eval's metrics and breakdowns by question kind and
report; results.jsonl one line per question (retrieval and answer results side by side).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from assistant.core.config import Settings
from assistant.evals.gold import REPORTS_GOLD, GoldItem, load_gold, load_report_gold
from assistant.evals.questions import answer_eval, retrieval_eval
from assistant.index.store import Store
from assistant.prompts import load as load_prompt

StageProgress = Callable[[int, int, str], None]  # (done, total, stage), for the web app


def _git_commit() -> str | None:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                cwd=Path(__file__).parent,
                timeout=5,
            ).stdout.strip()
            or None
        )
    except OSError:
        return None


def configuration(settings: Settings, llm=None) -> dict:
    config = {
        "retrieval": {
            k: getattr(settings, k) for k in ("top_k", "bm25_weight", "dense_weight", "auto_scope", "chunk_tokens")
        },
        "prompts": [load_prompt(n).ref for n in (("answer_lean",) if settings.lean else ("answer", "answer_strict"))],
        "lean": settings.lean,
        "instant": settings.instant,
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


def breakdown(rows: list, key: str, value: Callable) -> dict[str, float]:
    """The mean of `value` over rows grouped by attribute `key` (kind, report)."""
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[str(getattr(row, key))].append(value(row))
    return {k: round(sum(v) / len(v), 3) for k, v in sorted(groups.items())}


class _Callback:
    """tqdm's update() interface over a (done, total, stage) callback, for the web app."""

    def __init__(self, callback: StageProgress, total: int, stage: str):
        self.callback, self.total, self.stage, self.done = callback, total, stage, 0

    def update(self, n: int = 1) -> None:
        self.done += n
        self.callback(self.done, self.total, self.stage)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _bar(progress: bool | StageProgress, total: int, stage: str, unit: str = "q"):
    return (
        _Callback(progress, total, stage)
        if callable(progress)
        else tqdm(total=total, desc=stage, unit=unit, disable=not progress)
    )


def dump_jsonl(rows: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def run_eval(
    settings: Settings,
    gold: str | Path,
    out: str | Path,
    *,
    retrieval_only: bool = False,
    limit: int | None = None,
    progress: bool | StageProgress = True,
    summaries: bool = False,
    reports_gold: str | Path | None = None,
    store: Store | None = None,
    llm=None,
) -> dict:
    """`retrieval_only` skips the answer eval; `summaries` adds the summary eval over the
    reports in `reports_gold` (default gold/reports.jsonl) — both of those need the model.
    `store` and `llm` default to the configured ones (the web app passes its own), and
    `progress` is a tqdm bar per stage (True), nothing (False) or a (done, total, stage) callback."""
    items: list[GoldItem] = load_gold(gold)[:limit] if limit else load_gold(gold)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = store or Store(settings)
    started = time.time()
    with _bar(progress, sum(not i.unanswerable for i in items), "retrieval") as bar:
        r_metrics, r_rows = retrieval_eval(store, settings, items, progress=bar.update)
    ranked = lambda r: r.retrieval_rank is not None and r.retrieval_rank <= 5  # noqa: E731
    summary: dict = {
        "retrieval": r_metrics.flat(),
        "retrieval_by_kind": breakdown(r_rows, "kind", ranked),
        "retrieval_by_report": breakdown(r_rows, "report", ranked),
    }
    results = {r.id: r.model_dump() for r in r_rows}
    if llm is None and (not retrieval_only or summaries):
        from assistant.backends.registry import get_backend

        llm = get_backend(settings)
    if not retrieval_only:
        with _bar(progress, len(items), "answers") as bar:
            a_metrics, a_rows = answer_eval(store, llm, settings, items, progress=bar.update)
        correct = lambda r: r.grade == "CORRECT"  # noqa: E731
        summary["answers"] = a_metrics.model_dump()
        summary["answers_by_kind"] = breakdown(a_rows, "kind", correct)
        summary["answers_by_report"] = breakdown(a_rows, "report", correct)
        if any(r.group for r in a_rows):
            summary["answers_by_group"] = breakdown(a_rows, "group", correct)
        summary["misattributed"] = [r.id for r in a_rows if r.misattributed]
        results = {**results, **{r.id: {**results.get(r.id, {}), **r.model_dump()} for r in a_rows}}
    if summaries:
        from assistant.evals.summaries import summary_eval

        report_gold = load_report_gold(reports_gold or REPORTS_GOLD)
        with _bar(progress, len(report_gold), "summaries", "report") as bar:
            s_metrics, s_rows = summary_eval(store, llm, settings, report_gold, progress=bar.update)
        summary["summaries"] = s_metrics.model_dump()
        summary["summaries_by_report"] = {r.report: r.model_dump() for r in s_rows}
        dump_jsonl([r.model_dump() for r in s_rows], out / "summaries.jsonl")
        summary["reports_gold"] = str(reports_gold or REPORTS_GOLD)
    summary["config"] = configuration(settings, llm)
    summary["gold"] = str(gold)
    summary["items"] = len(items)
    summary["seconds"] = round(time.time() - started, 1)
    dump_jsonl(list(results.values()), out / "results.jsonl")
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "report.md").write_text(render_report(summary), encoding="utf-8")
    return summary


def table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def fmt(v) -> str:
    if v is None:
        return "—"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def render_report(summary: dict) -> str:
    parts = [
        f"# Evaluation report\n\nGold: `{summary['gold']}` ({summary['items']} items), "
        f"{summary['seconds']} s. Config: `{json.dumps(summary['config'], ensure_ascii=False)}`\n"
    ]
    for section in ("retrieval", "answers", "summaries"):
        if section in summary:
            parts.append(
                f"## {section}\n\n" + table([["metric", "value"]] + [[k, fmt(v)] for k, v in summary[section].items()])
            )
    for section in (
        "retrieval_by_kind",
        "retrieval_by_report",
        "answers_by_kind",
        "answers_by_report",
        "answers_by_group",
    ):
        if section in summary:
            parts.append(
                f"## {section}\n\n" + table([["group", "share"]] + [[k, fmt(v)] for k, v in summary[section].items()])
            )
    if "summaries_by_report" in summary:
        rows = [["report", "metadata", "key facts", "numbers", "missed key facts", "unsupported numbers"]]
        for rid, r in summary["summaries_by_report"].items():
            rows.append(
                [rid, "—", "—", "—", r["error"], ""]
                if r.get("error")
                else [
                    rid,
                    fmt(r["metadata_accuracy"]),
                    fmt(r["key_fact_recall"]),
                    fmt(r["number_precision"]),
                    "、".join(r["key_facts_missed"]) or "—",
                    "、".join(r["numbers_unsupported"]) or "—",
                ]
            )
        parts.append("## summaries_by_report\n\n" + table(rows))
    return "\n\n".join(parts) + "\n"
