"""Ingest throughput (files/s, chunks/s), split by stage.

What is measured, on `--copies` variants of each seed report (seeds/*.txt), written as
distinct files whose place name and ~30 % of their numbers are changed with a seeded
RNG, so every file has its own content hash and is really ingested:

  (a) full pipeline      assistant.ingest.ingest_paths into a fresh temporary store:
                         read, clean, metadata, chunk, embed (USE), Chroma write, and
                         one BM25 rebuild for the batch;
  (a') re-ingest         ingest_paths again on the same files: every file is
                         "unchanged" (prepare + hash comparison only);
  (b) prepare only       assistant.ingest.prepare: clean + metadata + chunk, no embeddings;
  (c) embedding only     USEEmbedding.encode over the exact texts ingest embeds
                         (store.index_text of each chunk), one call per file as ingest does;
  (d) Chroma write only  Store.put_report with the vectors from (c), into another fresh store;
  (e) BM25 build only    LexicalIndex.build over the same texts (jieba + bm25s).

A second table repeats (c) for the first `--ab-files` files in fresh worker processes,
with the default BLAS threads and with OPENBLAS_NUM_THREADS=1: USEEmbedding(threads=...)
only limits BLAS threads when threadpoolctl is installed, so a process is the only way
to compare.

One-off start-up costs (jieba/tiktoken dictionaries, the USE model, opening Chroma) are
paid in a warm-up before any timing and are reported on their own. Everything runs in
temporary data dirs (removed at the end); nothing touches the user's store. Each stage
runs once (`--repeat` for more; the best run is reported), so on a busy machine compare
the stages as ratios of one run rather than across runs.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import _common as C


def make_variants(out_dir: Path, copies: int, seeds: list[Path]) -> list[Path]:
    places = C.synthetic_places(copies * len(seeds), seed=11)
    rng = random.Random(1234)
    files = []
    k = 0
    for i in range(copies):
        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            text = C.replace_place(text, C.seed_place(seed), places[k])
            text = C.vary_numbers(text, rng, fraction=0.3)
            path = out_dir / f"{seed.stem}-v{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(path)
            k += 1
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=3, help="variants of each of the 5 seeds (default 3 = 15 files)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each stage; the fastest is reported")
    ap.add_argument(
        "--ab-files",
        type=int,
        default=5,
        help="files for the BLAS-threads comparison of embedding (default 5; 0 skips it)",
    )
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 variant of 2 seeds")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    args = ap.parse_args()
    seeds = C.seed_files()
    if args.quick:
        args.copies, args.repeat, seeds = 1, 1, seeds[:2]

    from assistant.index.embedding import USEEmbedding
    from assistant.index.lexical import LexicalIndex
    from assistant.index.store import Store, index_text
    from assistant.ingest.pipeline import ingest_paths, prepare

    print(C.machine_line())
    startup: list[tuple[str, float]] = []
    with C.temp_data_dir(args.keep) as work:
        src = work / "files"
        src.mkdir()
        files = make_variants(src, args.copies, seeds)
        nbytes = sum(f.stat().st_size for f in files)
        print(
            f"corpus: {len(files)} files ({args.copies} variant(s) x {len(seeds)} seeds), "
            f"{nbytes / 1024:.0f} KiB of UTF-8 text"
        )

        # --- warm-up: pay the one-off loads before timing anything -------------------
        s0 = C.settings(work / "warm")
        with C.Timer() as t:
            prepare(seeds[0], s0)
        startup.append(("first prepare (loads jieba + tiktoken dictionaries)", t.s))
        embedder = USEEmbedding(threads=s0.n_threads)
        with C.Timer() as t:
            embedder.encode(["预热"])
        startup.append(("USE model load + first encode", t.s))
        with C.Timer() as t:
            Store(s0, embedder=embedder)
        startup.append(("Store() open (empty embedded Chroma)", t.s))

        results: dict[str, tuple[float, int]] = {}

        def best(name: str, seconds: float, chunks: int) -> None:
            if name not in results or seconds < results[name][0]:
                results[name] = (seconds, chunks)

        for r in range(args.repeat):
            # (b) prepare only
            prepared = []
            with C.Timer() as t:
                for f in files:
                    prepared.append(prepare(f, s0))
            n_chunks = sum(len(c) for _, c in prepared)
            best("(b) prepare only: clean + metadata + chunk", t.s, n_chunks)

            # (c) embedding only, batched per file exactly as ingest does
            texts_per_file = [[index_text(rep, c) for c in recs] for rep, recs in prepared]
            vectors = []
            with C.Timer() as t:
                for texts in texts_per_file:
                    vectors.append(embedder.encode(texts))
            best("(c) embedding only: USEEmbedding.encode", t.s, n_chunks)

            # (e) BM25 build only
            all_ids = [c.chunk_id for _, recs in prepared for c in recs]
            all_texts = [x for texts in texts_per_file for x in texts]
            with C.Timer() as t:
                LexicalIndex.build(all_ids, all_texts)
            best("(e) BM25 build only: jieba + bm25s", t.s, n_chunks)

            # (d) Chroma write only
            sd = C.settings(work / f"chroma-only-{r}")
            store_d = Store(sd, embedder=embedder)
            with C.Timer() as t:
                for (rep, recs), vecs in zip(prepared, vectors):
                    store_d.put_report(rep, recs, vecs)
            best("(d) Chroma write only: Store.put_report", t.s, n_chunks)

            # (a) full pipeline into a fresh store, then (a') the unchanged re-run
            sa = C.settings(work / f"full-{r}")
            store_a = Store(sa, embedder=embedder)
            with C.Timer() as t:
                res = ingest_paths([src], store_a, progress=False)
            statuses = {x.status for x in res}
            if statuses != {"added"}:
                raise SystemExit(f"unexpected ingest statuses {statuses}: {[x.message for x in res if x.message]}")
            best("(a) full pipeline: ingest_paths", t.s, sum(x.chunks for x in res))
            with C.Timer() as t:
                res2 = ingest_paths([src], store_a, progress=False)
            if {x.status for x in res2} != {"unchanged"}:
                raise SystemExit("re-ingest did not find every file unchanged")
            best("(a') re-ingest, all unchanged", t.s, 0)

        full_s = results["(a) full pipeline: ingest_paths"][0]
        order = [
            "(a) full pipeline: ingest_paths",
            "(a') re-ingest, all unchanged",
            "(b) prepare only: clean + metadata + chunk",
            "(c) embedding only: USEEmbedding.encode",
            "(d) Chroma write only: Store.put_report",
            "(e) BM25 build only: jieba + bm25s",
        ]
        rows = []
        for name in order:
            secs, chunks = results[name]
            rows.append(
                [
                    name,
                    len(files),
                    chunks or "-",
                    f"{secs:.2f}",
                    f"{len(files) / secs:.2f}",
                    f"{chunks / secs:.1f}" if chunks else "-",
                    f"{secs / full_s:.2f}",
                ]
            )
        print()
        print(
            C.table(
                ["stage", "files", "chunks", "seconds", "files/s", "chunks/s", "x (a)"],
                rows,
                title=f"Ingest throughput (best of {args.repeat}; chunk_tokens={s0.chunk_tokens})",
            )
        )
        parts = sum(results[n][0] for n in order[2:])
        print(
            f"\n(b)+(c)+(d)+(e) = {parts:.2f} s = {parts / full_s:.2f} x (a). On a loaded machine multi-threaded "
            "BLAS stalls come and go, so (a) and (c)\nvary from run to run; the BLAS table below shows why."
        )
        print(f"embedding is {results[order[3]][0] / full_s:.0%} of the full pipeline's time.")
        # (c) again in fresh processes: default BLAS threads vs one thread
        ab_batches = texts_per_file[: args.ab_files]
        if ab_batches:
            n_ab = sum(map(len, ab_batches))
            ab = C.embed_ab(ab_batches, rounds=args.repeat)
            secs = {name: min(sum(r) for r in runs) / 1000 for name, runs in ab.items()}
            first = next(iter(secs.values()))
            print()
            print(
                C.table(
                    ["(c) embedding only, in a fresh process", "files", "chunks", "seconds", "chunks/s", "x default"],
                    [
                        [name, len(ab_batches), n_ab, f"{t:.2f}", f"{n_ab / t:.1f}", f"{t / first:.2f}"]
                        for name, t in secs.items()
                    ],
                    title="BLAS threads for ingest embedding (same texts, one encode call per file)",
                )
            )
            print(
                f"threadpoolctl importable: {C.has_threadpoolctl()} (without it USEEmbedding(threads=...) "
                "does not limit BLAS threads)"
            )
        print()
        print(
            C.table(
                ["one-off start-up cost (not in the figures above)", "seconds"], [[n, f"{s:.2f}"] for n, s in startup]
            )
        )
    print(C.machine_line())


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"bench_ingest total wall time: {time.perf_counter() - t0:.1f} s")
