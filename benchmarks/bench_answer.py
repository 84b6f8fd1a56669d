"""Answer latency: where the time goes, and the pipeline's overhead over bare llama.cpp.

Setup: the five seeds are ingested into a temporary store; the local model
(`--model`, default the packaged qwen2.5-coder-0.5b) is loaded once through
assistant.llm.get_backend, and a warm-up call is made so that mapping the weights into
memory is not charged to the first question. `--questions` answerable gold questions
(assistant/evals/gold/questions.jsonl, spread over the reports) are asked.

1. Split: assistant.qa.answer.ask's own timings (retrieve_ms, prompt_ms, prefill_ms,
   generate_ms, total_ms) per question; mean and p50. "other" = total minus the four
   (verification, citations, streaming guard).

2. Pipeline vs bare llama.cpp: the backend is wrapped to record the messages of each
   model call. For each question, on the SAME llama_cpp.Llama instance, the pipeline
   (`ask`) runs and then `Llama.create_chat_completion` runs on exactly the messages of
   the pipeline's first model call, with the same max_tokens, temperature and seed.
   The KV cache is reset (Llama.reset()) before each of the two, so both start cold:
   without the reset, the bare call would find the whole prompt cached by the pipeline
   run (or the pipeline the previous question's system prompt), and prefix reuse would
   favour one side. The order alternates per question (`--repeat` runs each side
   several times, alternating, and keeps the fastest of each). Ratio = pipeline wall time
   (the whole `ask`, retrieval included) / bare call wall time. The overall ratio
   (target <= 1.10) is sum(pipeline) / sum(bare) over questions that made one model
   call: answered on the first attempt (method "model"), or the model refused and the
   pipeline quoted a sentence instead (extractive after one call). Questions whose first
   answer failed verification make a second call by design (model-retry, or extractive /
   refusal after the retry) and are listed separately. Prompt and completion token counts of both sides are shown,
   so a difference in generated length is visible.

3. KV-cache prefix reuse: time-to-first-token (LlamaBackend.complete with max_tokens=1,
   its prefill_ms) of question B's prompt (a) after Llama.reset() (cold) and (b) right
   after question A's prompt was evaluated (the system prompt and the start of the
   user message are shared, so only the rest is evaluated), plus (c) B's prompt again
   right after itself (whole prompt cached).

4. With --threads-ab: the same prompt on llama.cpp with all cores vs one thread (a second
   Llama instance), alternating; prefill and generation tokens/s.

Everything runs in a temporary data dir; nothing touches the user's store.
"""

from __future__ import annotations

import argparse
import time

import _common as C


class Recorder:
    """An LLM wrapper that records each call's messages, completion and wall time."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.n_ctx = inner.n_ctx
        self.calls: list[dict] = []

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def complete(self, messages, **kw):
        t = time.perf_counter()
        c = self.inner.complete(messages, **kw)
        self.calls.append({"messages": messages, "completion": c, "ms": (time.perf_counter() - t) * 1000})
        return c


class DryRun:
    """Records the messages of the first model call, then aborts `ask`."""

    class Abort(Exception):
        pass

    def __init__(self, inner):
        self.inner, self.name, self.n_ctx = inner, inner.name, inner.n_ctx
        self.messages = None

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def complete(self, messages, **kw):
        self.messages = messages
        raise DryRun.Abort


def pick_questions(n: int) -> list[dict]:
    gold = [q for q in C.gold_questions() if not q["unanswerable"] and q["report"] and q["kind"] != "cross"]
    return C.spread(gold, n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--model", default="qwen2.5-coder-0.5b", help="packaged model name or .gguf path (default qwen2.5-coder-0.5b)"
    )
    ap.add_argument("--questions", type=int, default=8, help="gold questions (default 8)")
    ap.add_argument("--kv-pairs", type=int, default=2, help="question pairs for the KV-reuse test (default 2)")
    ap.add_argument("--max-tokens", type=int, default=None, help="override Settings.max_tokens (default 256)")
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs of each side per question; the fastest counts (default 1)"
    )
    ap.add_argument("--n-threads", type=int, default=None, help="llama.cpp threads (default: all cores)")
    ap.add_argument(
        "--threads-ab",
        action="store_true",
        help="also compare llama.cpp on all cores vs one thread (a second Llama instance)",
    )
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 questions, 1 KV pair, max_tokens 48")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = ap.parse_args()
    if args.quick:
        args.questions, args.kv_pairs, args.max_tokens = 2, 1, args.max_tokens or 48

    from assistant.backends.registry import get_backend
    from assistant.index.embedding import USEEmbedding
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths
    from assistant.qa.answer import ask

    print(C.machine_line())
    questions = pick_questions(args.questions)
    with C.temp_data_dir(args.keep) as work:
        overrides = {"model": args.model}
        if args.max_tokens:
            overrides["max_tokens"] = args.max_tokens
        if args.n_threads:
            overrides["n_threads"] = args.n_threads
        s = C.settings(work, **overrides)
        store = Store(s, embedder=USEEmbedding(threads=s.n_threads))
        with C.Timer() as t_ingest:
            ingest_paths([C.SEEDS], store, progress=False)
        backend = get_backend(s)
        with C.Timer() as t_load:
            llama = backend._load()  # private, but the only handle on the Llama instance
        with C.Timer() as t_warm:
            backend.complete([{"role": "user", "content": "你好"}], max_tokens=8)
            from assistant.qa.retrieve import retrieve

            retrieve(questions[0]["question"], store, s)
        print(
            f"model: {backend.name} (n_ctx={s.n_ctx}, threads={backend._n_threads}), max_tokens={s.max_tokens}, "
            f"temperature={s.temperature}; ingest {t_ingest.s:.1f} s, model load {t_load.s:.1f} s, "
            f"warm-up {t_warm.s:.1f} s"
        )

        rec = Recorder(backend)
        rows, first_try, retried = [], [], []
        split: dict[str, list[float]] = {
            k: [] for k in ("retrieve_ms", "prompt_ms", "prefill_ms", "generate_ms", "other_ms", "total_ms")
        }
        recorded_msgs = []
        for i, q in enumerate(questions):

            def run_pipeline():
                rec.calls.clear()
                llama.reset()
                t = time.perf_counter()
                ans = ask(q["question"], store, rec, s)
                return ans, (time.perf_counter() - t) * 1000, list(rec.calls)

            def run_bare(messages):
                llama.reset()
                t = time.perf_counter()
                out = llama.create_chat_completion(
                    messages=messages, max_tokens=s.max_tokens, temperature=s.temperature, seed=s.seed
                )
                return out, (time.perf_counter() - t) * 1000

            # Alternate which side runs first. Bare-first needs the messages before the pipeline
            # runs: a dry run of `ask` whose model call records its messages and aborts (retrieval
            # and prompt building only, no generation); the timed run must then send the same.
            # With --repeat, each side runs that many times and its fastest run counts.
            best_pipe, best_bare, skipped = None, None, False
            for r in range(args.repeat):
                if (i + r) % 2 == 0:
                    ans, pipe_ms, calls = run_pipeline()
                    if not calls:
                        skipped = True
                        break
                    bare, bare_ms = run_bare(calls[0]["messages"])
                else:
                    dry = DryRun(backend)
                    try:
                        ask(q["question"], store, dry, s)
                    except DryRun.Abort:
                        pass
                    if dry.messages is None:
                        skipped = True
                        break
                    bare, bare_ms = run_bare(dry.messages)
                    ans, pipe_ms, calls = run_pipeline()
                    if not calls or calls[0]["messages"] != dry.messages:
                        raise SystemExit(f"{q['id']}: the timed run sent other messages than the dry run")
                if best_pipe is None or pipe_ms < best_pipe[1]:
                    best_pipe = (ans, pipe_ms, calls)
                if best_bare is None or bare_ms < best_bare[1]:
                    best_bare = (bare, bare_ms)
            if skipped:
                print(f"  {q['id']}: no model call; skipped")
                continue
            (ans, pipe_ms, calls), (bare, bare_ms) = best_pipe, best_bare
            recorded_msgs.append((q, calls[0]["messages"]))
            tm = ans.timings.model_dump()
            tm["other_ms"] = tm["total_ms"] - sum(
                tm[k] for k in ("retrieve_ms", "prompt_ms", "prefill_ms", "generate_ms")
            )
            for k in split:
                split[k].append(tm[k])
            first = calls[0]["completion"]
            usage = bare.get("usage") or {}
            bare_text = bare["choices"][0]["message"]["content"] or ""
            same = "yes" if bare_text.strip() == first.text.strip() else "NO"
            ratio = pipe_ms / bare_ms
            row = [
                q["id"],
                ans.method,
                len(calls),
                f"{pipe_ms:.0f}",
                f"{bare_ms:.0f}",
                f"{ratio:.3f}",
                f"{first.prompt_tokens}/{usage.get('prompt_tokens', '?')}",
                f"{first.completion_tokens}/{usage.get('completion_tokens', '?')}",
                same,
            ]
            rows.append(row)
            (first_try if len(calls) == 1 else retried).append((pipe_ms, bare_ms, calls, ans))
            print(
                f"  {q['id']}: {ans.method}, {pipe_ms:.0f} ms vs bare {bare_ms:.0f} ms "
                f"({ratio:.3f}) — {ans.answer[:60]!r}",
                flush=True,
            )

        print()
        split_rows = [
            [
                k.removesuffix("_ms"),
                C.mean(v),
                C.percentile(v, 50),
                min(v),
                max(v),
                f"{sum(v) / max(sum(split['total_ms']), 1e-9):.1%}",
            ]
            for k, v in split.items()
        ]
        print(
            C.table(
                ["stage", "mean ms", "p50 ms", "min ms", "max ms", "share of total"],
                split_rows,
                title=f"Answer latency split ({len(split['total_ms'])} questions, assistant.qa.answer.ask timings; "
                "retried questions include both calls)",
            )
        )
        tok = [
            (c["completion"].prompt_tokens, c["completion"].completion_tokens, c["completion"])
            for _, _, calls, _ in first_try + retried
            for c in calls
        ]
        if tok:
            pre = sum(p for p, _, _ in tok) / (sum(t.prefill_ms for _, _, t in tok) / 1000)
            gen_tok = sum(max(n - 1, 0) for _, n, _ in tok)
            gen_s = sum(t.generate_ms for _, _, t in tok) / 1000
            print(
                f"throughput: prefill {pre:.0f} prompt tokens/s (cold cache), "
                f"generation {gen_tok / gen_s if gen_s else float('nan'):.1f} tokens/s"
            )

        print()
        print(
            C.table(
                [
                    "question",
                    "method",
                    "calls",
                    "pipeline ms",
                    "bare ms",
                    "ratio",
                    "prompt tok pipe/bare",
                    "gen tok pipe/bare",
                    "same text",
                ],
                rows,
                title="Pipeline (whole ask) vs bare Llama.create_chat_completion on the first call's messages",
            )
        )
        from collections import Counter

        methods = Counter(a.method for *_, a in first_try + retried)
        print("methods: " + ", ".join(f"{m} {n}" for m, n in methods.most_common()))
        if first_try:
            p, b = sum(x[0] for x in first_try), sum(x[1] for x in first_try)
            print(
                f"\noverall ratio, {len(first_try)} question(s) with one model call: "
                f"{p:.0f} / {b:.0f} ms = {p / b:.3f} (target <= 1.10)"
            )
            model_only = [x for x in first_try if x[3].method == "model"]
            if model_only and len(model_only) < len(first_try):
                pm, bm = sum(x[0] for x in model_only), sum(x[1] for x in model_only)
                print(
                    f'  of which answered by the model (method "model"), {len(model_only)}: {pm / bm:.3f}; the '
                    'others refused ("未提及") and fell back to a quote without a second call'
                )
            retr = sum(x[3].timings.retrieve_ms for x in first_try)
            print(f"  pipeline minus bare: {p - b:+.0f} ms in all, of which retrieval {retr:.0f} ms")
        if retried:
            p, b = sum(x[0] for x in retried), sum(x[1] for x in retried)
            print(
                f"two model calls by design ({len(retried)}): "
                + ", ".join(f"{a.question[:14]}… {a.method}" for _, _, c, a in retried)
                + f"; pipeline {p:.0f} ms vs one bare call {b:.0f} ms = {p / b:.2f}x"
            )

        # --- 3. KV-cache prefix reuse ------------------------------------------------------
        pairs = [(recorded_msgs[i], recorded_msgs[i + 1]) for i in range(0, len(recorded_msgs) - 1, 2)]
        pairs = pairs[: args.kv_pairs] or ([(recorded_msgs[0], recorded_msgs[0])] if recorded_msgs else [])
        kv_rows, cold_all, warm_all, same_all = [], [], [], []
        for j, ((qa, ma), (qb, mb)) in enumerate(pairs):
            ta = llama.tokenize(backend.render(ma).encode(), add_bos=False, special=True)
            tb = llama.tokenize(backend.render(mb).encode(), add_bos=False, special=True)
            shared = next((k for k, (x, y) in enumerate(zip(ta, tb)) if x != y), min(len(ta), len(tb)))

            def cold():
                llama.reset()
                return backend.complete(mb, max_tokens=1).prefill_ms

            def warm():
                llama.reset()
                backend.complete(ma, max_tokens=1)
                return backend.complete(mb, max_tokens=1).prefill_ms

            c_ms, w_ms = (cold(), warm()) if j % 2 == 0 else (warm(), cold())[::-1]
            llama.reset()
            backend.complete(mb, max_tokens=1)
            again_ms = backend.complete(mb, max_tokens=1).prefill_ms
            cold_all.append(c_ms)
            warm_all.append(w_ms)
            same_all.append(again_ms)
            kv_rows.append(
                [
                    f"{qa['id']} -> {qb['id']}",
                    len(tb),
                    shared,
                    f"{c_ms:.0f}",
                    f"{w_ms:.0f}",
                    f"{w_ms / c_ms:.2f}",
                    f"{(len(tb) - shared) / len(tb):.2f}",
                    f"{again_ms:.0f}",
                ]
            )
        if kv_rows:
            print()
            print(
                C.table(
                    [
                        "pair A -> B",
                        "B prompt tok",
                        "shared prefix tok",
                        "TTFT cold ms",
                        "TTFT after A ms",
                        "after A / cold",
                        "unshared / all tok",
                        "TTFT B again ms",
                    ],
                    kv_rows,
                    title="KV-cache prefix reuse: time to first token of B",
                )
            )
            print(
                f"mean TTFT: cold {C.mean(cold_all):.0f} ms, after another question {C.mean(warm_all):.0f} ms "
                f"({C.mean(warm_all) / C.mean(cold_all):.2f}x), same prompt again {C.mean(same_all):.0f} ms"
            )
        if args.threads_ab and recorded_msgs:
            threads_ab(backend, llama, recorded_msgs[0][1], s)
    print(C.machine_line())


def threads_ab(backend, llama, messages, s, rounds: int = 2, max_tokens: int = 32) -> None:
    """Prefill and generation speed of the same prompt with llama.cpp on all cores vs one."""
    import os

    from llama_cpp import Llama

    n_other = 1 if backend._n_threads != 1 else (os.cpu_count() or 1)
    other = Llama(backend.model_path, n_ctx=s.n_ctx, n_threads=n_other, seed=s.seed, verbose=False)
    models = {f"n_threads={backend._n_threads}": llama, f"n_threads={n_other}": other}
    res: dict[str, list[tuple[float, float, int, int]]] = {k: [] for k in models}
    for r in range(rounds):
        for name in list(models) if r % 2 == 0 else list(models)[::-1]:
            m = models[name]
            m.reset()
            t0 = time.perf_counter()
            first, n = None, 0
            prompt_tokens = 0
            for chunk in m.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0, seed=s.seed, stream=True
            ):
                if chunk["choices"][0]["delta"].get("content"):
                    first = first or time.perf_counter()
                    n += 1
            end = time.perf_counter()
            prompt_tokens = len(m.tokenize(backend.render(messages).encode(), add_bos=False, special=True))
            res[name].append(((first or end) - t0, end - (first or end), prompt_tokens, n))
    rows = []
    for name, runs in res.items():
        pre = sum(p for _, _, p, _ in runs) / sum(a for a, _, _, _ in runs)
        gen_s = sum(b for _, b, _, _ in runs)
        gen = sum(max(n - 1, 0) for *_, n in runs) / gen_s if gen_s else float("nan")
        rows.append(
            [name, len(runs), f"{pre:.0f}", f"{gen:.1f}", f"{sum(a + b for a, b, _, _ in runs) / len(runs):.1f}"]
        )
    print()
    print(
        C.table(
            ["llama.cpp threads", "runs", "prefill tok/s", "generate tok/s", "mean s per call"],
            rows,
            title=f"llama.cpp threads A/B (same prompt, max_tokens={max_tokens}, cold cache, alternating)",
        )
    )


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"bench_answer total wall time: {time.perf_counter() - t0:.1f} s")
