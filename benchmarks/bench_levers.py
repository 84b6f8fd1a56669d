"""Answer speed levers, one at a time, in one run: what each buys and what it costs.

Setup: the five seeds are ingested into a temporary store (or `--data-dir` names an
existing library, with `--gold` its questions); the default model (`--model`, default the
packaged qwen2.5-coder-1.5b) is loaded once and warmed up. The questions are the seed gold
questions that are not in the smoke set (the smoke set is what answers were tuned on),
spread over the reports and kinds, unanswerable ones included (`--questions`, default 68).

Levers, each row adding one to the row before it:
  1. baseline  — today's prompts before this work: whole chunks, the long system prompt
                 (prompts/answer.yaml), no instant answers, no prompt lookup;
  2. +instant  — one indicator of one report, or the report's own record, answered from
                 what ingest read and verified, without the model (qa/instant.py);
  3. +lean     — each source shown by the sentences naming the question's terms, with its
                 section path, and the short system prompt (prompts/answer_lean.yaml);
  4. +lookup   — llama.cpp prompt-lookup decoding (`prompt_lookup` = 10 draft tokens).
Rows 3 is the shipped default. Per row: p50 / p95 of `ask`'s total time, fact accuracy and
refusal accuracy (assistant/evals/grading.py), misattributions, mean prompt and completion
tokens per question (model calls only), and the share answered without the model. Then,
on the questions row 2 answered instantly, their accuracy next to row 1's on the same
questions, and their latency.

The levers run in order on one Llama instance; its KV-cache prefix reuse is left on as in
use (the shared system prompt stays cached between questions). Latencies are wall-clock on
a shared 2-core machine: compare the rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import json
import time

import _common as C

LEVERS = [
    ("baseline", {"instant": False, "lean": False, "prompt_lookup": 0}),
    ("+instant", {"instant": True, "lean": False, "prompt_lookup": 0}),
    ("+lean", {"instant": True, "lean": True, "prompt_lookup": 0}),
    ("+lookup", {"instant": True, "lean": True, "prompt_lookup": 10}),
]
WITHOUT_MODEL = ("indicators", "about")


def held_out_questions(n: int):
    from assistant.evals.gold import GOLD, SMOKE, load_gold

    smoke = {q.id for q in load_gold(SMOKE)}
    items = [q for q in load_gold(GOLD) if q.id not in smoke]
    return C.spread(items, n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b", help="packaged model name or .gguf path")
    ap.add_argument("--questions", type=int, default=68, help="held-out seed gold questions (default 68)")
    ap.add_argument("--gold", default=None, help="another gold file (with --data-dir holding its reports)")
    ap.add_argument("--data-dir", default=None, help="an existing library to ask (default: the seeds, ingested)")
    ap.add_argument("--levers", default=",".join(name for name, _ in LEVERS), help="which rows, comma-separated")
    ap.add_argument("--json", default=None, help="also write the per-question rows here")
    ap.add_argument("--quick", action="store_true", help="smoke run: 4 questions, rows 1 and 3")
    args = ap.parse_args()
    if args.quick:
        args.questions, args.levers = 4, "baseline,+lean"

    from assistant.backends.registry import get_backend
    from assistant.evals.gold import load_gold
    from assistant.evals.questions import answer_eval
    from assistant.index.embedding import USEEmbedding
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths
    from assistant.qa.retrieve import retrieve

    print(C.machine_line())
    items = C.spread(load_gold(args.gold), args.questions) if args.gold else held_out_questions(args.questions)
    chosen = [(name, o) for name, o in LEVERS if name in args.levers.split(",")]
    with C.temp_data_dir() as work:
        s = C.settings(work if not args.data_dir else args.data_dir, model=args.model)
        store = Store(s, embedder=USEEmbedding(threads=s.n_threads))
        if not args.data_dir:
            ingest_paths([C.SEEDS], store, progress=False)
        backends = {}
        rows_by_lever, table = {}, []
        for name, overrides in chosen:
            settings = s.model_copy(update=overrides)
            key = settings.prompt_lookup  # prompt lookup is a load-time option of llama.cpp
            if key not in backends:
                backends.clear()  # one model in memory at a time
                with C.Timer() as t_load:
                    backends[key] = get_backend(settings)
                    backends[key].complete([{"role": "user", "content": "你好"}], max_tokens=8)
                    retrieve(items[0].question, store, settings)
                print(f"{name}: model {backends[key].name} loaded and warmed up in {t_load.s:.1f} s")
            t = time.perf_counter()
            metrics, rows = answer_eval(store, backends[key], settings, items)
            rows_by_lever[name] = rows
            called = [r for r in rows if r.usage.prompt_tokens]
            table.append(
                [
                    name,
                    C.fmt(metrics.latency_p50_ms / 1000, 2),
                    C.fmt(metrics.latency_p95_ms / 1000, 2),
                    C.fmt(metrics.fact_accuracy, 3),
                    C.fmt(metrics.refusal_accuracy, 3),
                    metrics.misattributions,
                    C.fmt(C.mean([r.usage.prompt_tokens for r in called]), 0),
                    C.fmt(C.mean([r.usage.completion_tokens for r in called]), 1),
                    C.fmt(sum(r.method in WITHOUT_MODEL for r in rows) / len(rows), 3),
                    C.fmt(time.perf_counter() - t, 0),
                ]
            )
        print(
            C.table(
                [
                    "lever",
                    "p50 s",
                    "p95 s",
                    "fact acc",
                    "refusal acc",
                    "misattr.",
                    "prompt tok",
                    "completion tok",
                    "no model",
                    "run s",
                ],
                table,
                title=f"{len(items)} questions, model {args.model}",
            )
        )
        if "baseline" in rows_by_lever and "+instant" in rows_by_lever:
            base = {r.id: r for r in rows_by_lever["baseline"]}
            instant = [r for r in rows_by_lever["+instant"] if r.method in WITHOUT_MODEL]
            if instant:
                print(
                    f"answered without the model by +instant: {len(instant)} of {len(items)}; "
                    f"accuracy {C.fmt(C.mean([r.grade == 'CORRECT' for r in instant]), 3)} "
                    f"vs {C.fmt(C.mean([base[r.id].grade == 'CORRECT' for r in instant]), 3)} on the model path "
                    f"(baseline) for the same questions; their p50 "
                    f"{C.fmt(C.percentile([r.timings.total_ms for r in instant], 50), 1)} ms vs "
                    f"{C.fmt(C.percentile([base[r.id].timings.total_ms for r in instant], 50), 1)} ms"
                )
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                for name, rows in rows_by_lever.items():
                    for r in rows:
                        f.write(json.dumps({"lever": name, **r.model_dump()}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
