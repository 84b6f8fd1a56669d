"""Retrieval latency (p50/p95/mean, ms) of assistant.retrieve.retrieve.

(a) Seeds: the five seed reports are ingested (assistant.ingest.ingest_paths, real USE
    embeddings) into a temporary store; `--questions` gold questions
    (assistant/evals/gold/questions.jsonl, spread evenly over the file) are timed in four modes:
    hybrid (BM25 + dense, the default) and BM25-only (dense_weight=0), each with and
    without auto-scope.

(b) Synthetic corpus: the seeds plus `--reports` short synthetic reports (default 1000).
    Each synthetic report is a title line ("<place><year>年法治政府建设情况报告") plus a
    window of 3-6 consecutive chunks of a seed report, with the seed's place replaced by
    a synthetic one (real Chinese city/county stems + 市/县/区, ~1,760 distinct names;
    beyond that each place gets several distinct years, 2015-2024),
    its report year replaced (2019-2024), and about half of its other numbers replaced
    by random digits from a seeded RNG. It is chunked with the real chunker and written
    with Store.put_report for the first `--put-report` (50) reports, timed, and for the rest
    with batched upserts of exactly the records put_report writes (put_report's fixed cost
    of ~0.1-0.2 s per report would make the build take minutes); metadata is set
    directly rather than extracted. Vectors
    (`--vectors`):
      reuse  (default) real USE embeddings of the seed chunks (each embedded once, when
             the seeds are ingested); a synthetic chunk reuses the vector of the seed
             chunk it overlaps most (its variant: other place, year and numbers, which
             move USE vectors little). Latency does not depend on the vector values;
             this keeps the build to well under a minute;
      exact  embed every chunk (slow: ~13 chunks/s on 2 cores);
      random deterministic random unit vectors (tests the plumbing, not the ranking).
    The five seeds are ingested with the real pipeline. Timed on the gold questions and
    on "retargeted" gold questions whose place (and year) are replaced by a synthetic
    report's, so auto-scope selects a synthetic report.

With `--chroma-server` the synthetic corpus (b) lives in a real `chroma run` server on a
loopback port instead of the embedded store (the seeds of (a) stay embedded), so the two
runs at the same `--reports` give the server's cost.

A last table times the query embedding alone in fresh processes with the default BLAS
threads and with OPENBLAS_NUM_THREADS=1 (see _common.embed_ab for why a process).

Query embeddings are always computed with a fresh, uncached USE model; the modes are
interleaved per question so machine noise spreads evenly over them. The first query of
each store (loading BM25 from disk, first model call) is timed separately as "cold".
Temporary data dirs only; nothing touches the user's store.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import time

import _common as C
import numpy as np

MODES = [
    ("hybrid, auto-scope", {}),
    ("hybrid, no scope", {"auto_scope": False}),
    ("BM25 only, auto-scope", {"dense_weight": 0.0}),
    ("BM25 only, no scope", {"dense_weight": 0.0, "auto_scope": False}),
]


def caching_embedder(threads):
    """A real USE embedder that embeds each distinct text once (for building only)."""
    from assistant.index.embedding import USEEmbedding

    class Caching(USEEmbedding):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.memo: dict[str, np.ndarray] = {}
            self.computed = 0

        def encode(self, texts, progress=None):
            todo = list(dict.fromkeys(t for t in texts if t not in self.memo))
            if todo:
                for text, vec in zip(todo, super().encode(todo)):
                    self.memo[text] = vec
                self.computed += len(todo)
            if progress is not None:
                progress.update(len(texts))
            if not texts:
                return np.zeros((0, 512), dtype=np.float32)
            return np.vstack([self.memo[t] for t in texts])

    return Caching(threads=threads)


def time_all(jobs: list[tuple[str, object, object, str]], repeat: int, modes=MODES):
    """jobs: (label, store, settings, question). Every (job, mode) pair is timed `repeat`
    times; jobs, corpora and modes are interleaved so machine noise spreads evenly.
    Returns {(label, mode): [ms...]}, {(label, mode): [best ms per question]}, scoped counts."""
    from assistant.qa.retrieve import retrieve

    samples: dict[tuple[str, str], list[float]] = {}
    best: dict[tuple[str, str, int], float] = {}
    scoped: dict[tuple[str, str], int] = {}
    for r in range(repeat):
        for i, (label, store, base, q) in enumerate(jobs):
            variants = [(name, base.model_copy(update=upd)) for name, upd in modes]
            for name, s in variants if (i + r) % 2 == 0 else variants[::-1]:
                t = time.perf_counter()
                hits, scope = retrieve(q, store, s)
                ms = (time.perf_counter() - t) * 1000
                samples.setdefault((label, name), []).append(ms)
                best[(label, name, i)] = min(ms, best.get((label, name, i), ms))
                if r == 0:
                    scoped[(label, name)] = scoped.get((label, name), 0) + bool(scope.report_ids)
    best_lists: dict[tuple[str, str], list[float]] = {}
    for (label, name, _), ms in best.items():
        best_lists.setdefault((label, name), []).append(ms)
    return samples, best_lists, scoped


def latency_rows(samples, best, scoped, counts: dict[str, int]) -> list[list]:
    rows = []
    order = [name for name, _ in MODES]
    for (label, name), v in sorted(
        samples.items(), key=lambda kv: (list(counts).index(kv[0][0]), order.index(kv[0][1]))
    ):
        n = counts[label]
        rows.append(
            [
                label,
                name,
                len(v),
                C.percentile(v, 50),
                C.percentile(v, 95),
                C.mean(v),
                max(v),
                C.percentile(best[(label, name)], 50),
                f"{scoped[(label, name)]}/{n}",
            ]
        )
    return rows


HEAD = ["corpus / questions", "mode", "calls", "p50 ms", "p95 ms", "mean ms", "max ms", "best-of p50", "scoped"]


# --- synthetic corpus ---------------------------------------------------------------------
def build_synthetic(
    store,
    seeds_prepared,
    n_reports: int,
    places: list[str],
    vectors: str,
    embedder,
    chunk_tokens: int,
    per_report: int | None,
    rng_seed: int = 2024,
):
    """Write `n_reports` synthetic reports into `store`; returns (reports, n_chunks, timings)."""
    from assistant.core.types import Chunk, Report
    from assistant.index.store import index_text
    from assistant.ingest.chunking import chunk_text

    rng = random.Random(rng_seed)
    timings = {"generate + chunk": 0.0, "embed": 0.0, "Chroma writes (put_report)": 0.0}
    t0 = time.perf_counter()
    pending = []  # (report, records, texts, seed texts whose vector each chunk reuses)
    years_of: dict[str, list[int]] = {}
    for j in range(n_reports):
        seed_report, seed_chunks, seed_place = seeds_prepared[rng.randrange(len(seeds_prepared))]
        size = rng.randint(3, 6)
        start = rng.randrange(0, max(1, len(seed_chunks) - size))
        window = seed_chunks[start : start + size]
        place, year = places[j % len(places)], rng.randint(2019, 2024)
        if n_reports > len(places):  # more reports than names: each place gets distinct years
            year = years_of.setdefault(place, rng.sample(range(2015, 2025), 10))[j // len(places)]
        title = f"{place}{year}年法治政府建设情况报告"

        def vary(piece: str) -> str:
            piece = C.replace_place(piece, seed_place, place)
            if seed_report.year:
                piece = re.sub(rf"(?<!\d){seed_report.year}(?=\s*年)", str(year), piece)
            return C.vary_numbers(piece, rng, fraction=0.5)

        pieces = [title + "\n"] + [vary(c.text) for c in window]
        bounds, pos = [], 0  # (start, end, seed chunk) of each piece in the synthetic text
        for k, piece in enumerate(pieces):
            bounds.append((pos, pos + len(piece), window[max(k - 1, 0)]))
            pos += len(piece)
        text = "".join(pieces)
        version = hashlib.sha256(text.encode("utf-8")).hexdigest()
        rid = f"syn-{j:05d}"
        chunks = chunk_text(text, chunk_tokens, id_prefix=version[:16])
        report = Report(
            report_id=rid,
            source=f"/synthetic/{rid}.txt",
            version=version,
            raw_sha256=version,
            encoding="utf-8",
            place=place,
            level=place[-1],
            year=year,
            title=title,
            chars=len(text),
            n_chunks=len(chunks),
        )
        records = [
            Chunk(
                chunk_id=c.chunk_id,
                report_id=rid,
                version=version,
                index=c.index,
                start=c.start,
                end=c.end,
                text=c.text,
                section=c.section_path,
                place=place,
                year=year,
            )
            for c in chunks
        ]
        texts = [index_text(report, c) for c in records]
        # The seed chunk each synthetic chunk overlaps most: its vector is reused under "reuse".
        donors = [
            index_text(seed_report, max(bounds, key=lambda b: min(b[1], c.end) - max(b[0], c.start))[2])
            for c in records
        ]
        pending.append((report, records, texts, donors))
    timings["generate + chunk"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_chunks = sum(len(p[1]) for p in pending)
    if vectors == "random":

        def vec(text: str) -> np.ndarray:
            v = np.random.default_rng(int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)).standard_normal(512)
            return (v / np.linalg.norm(v)).astype(np.float32)

        all_vecs = [np.vstack([vec(t) for t in texts]) for _, _, texts, _ in pending]
    else:
        col = 2 if vectors == "exact" else 3
        flat = [t for p in pending for t in p[col]]
        mat = embedder.encode(flat)  # the caching embedder: each distinct text is embedded once
        all_vecs, i = [], 0
        for p in pending:
            all_vecs.append(mat[i : i + len(p[col])])
            i += len(p[col])
    timings["embed"] = time.perf_counter() - t0

    del timings["Chroma writes (put_report)"]
    n_put = n_reports if per_report is None else min(per_report, n_reports)
    t0 = time.perf_counter()
    for (report, records, _, _), vecs in zip(pending[:n_put], all_vecs[:n_put]):
        store.put_report(report, records, vecs)
    timings[
        f"Chroma writes: put_report x {n_put} ({(time.perf_counter() - t0) * 1000 / max(n_put, 1):.0f} ms/report)"
    ] = time.perf_counter() - t0
    rest = list(zip(pending[n_put:], all_vecs[n_put:]))
    if rest:
        t0 = time.perf_counter()
        batched_write(store, rest)
        timings[f"Chroma writes: batched upserts, other {len(rest)}"] = time.perf_counter() - t0
    return [p[0] for p in pending], n_chunks, timings, {}


def batched_write(store, items, reports_per_batch: int = 400) -> None:
    """The writes put_report makes (chunks, then registry records), but for many reports per
    Chroma call; there are no old versions to delete in a fresh store."""
    from assistant.index.store import (
        _chunk_meta,  # private: the exact metadata put_report writes
    )

    page = 2000
    for b in range(0, len(items), reports_per_batch):
        batch = items[b : b + reports_per_batch]
        recs = [c for (_, records, _, _), _ in batch for c in records]
        vecs = np.vstack([v for _, v in batch])
        for i in range(0, len(recs), page):
            part = recs[i : i + page]
            store.chunks.upsert(
                ids=[c.chunk_id for c in part],
                documents=[c.text for c in part],
                embeddings=vecs[i : i + page],
                metadatas=[_chunk_meta(c) for c in part],
            )
        reports = [r for (r, _, _, _), _ in batch]
        store.registry.upsert(
            ids=[r.report_id for r in reports],
            embeddings=[[1.0]] * len(reports),
            documents=[r.title or r.report_id for r in reports],
            metadatas=[{"json": r.model_dump_json(), "version": r.version} for r in reports],
        )


def retarget(questions: list[dict], reports, rng: random.Random) -> list[str]:
    """Gold questions about one seed place, re-aimed at a synthetic report's place and year."""
    out = []
    for q in questions:
        place = q.get("report")
        if not place or place not in C.SEED_PLACES:
            continue
        stem = C.SEED_PLACES[place]
        if stem not in q["question"]:
            continue
        r = reports[rng.randrange(len(reports))]
        text = C.replace_place(q["question"], place, r.place)
        text = re.sub(r"(?:19|20)\d{2}(?=\s*年)", str(r.year), text)
        out.append(text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--questions",
        type=int,
        default=30,
        help="gold questions (spread over the 204) per corpus, and retargeted ones (default 30)",
    )
    ap.add_argument("--repeat", type=int, default=2, help="passes over all questions and modes (default 2)")
    ap.add_argument("--reports", type=int, default=1000, help="synthetic reports (default 1000; 0 skips part b)")
    ap.add_argument(
        "--vectors",
        choices=["reuse", "exact", "random"],
        default="reuse",
        help="how synthetic chunks get vectors (see the module docstring)",
    )
    ap.add_argument(
        "--put-report",
        type=int,
        default=50,
        help="synthetic reports written one by one with Store.put_report, to time it (default 50); "
        "the rest are written in batched upserts (put_report costs ~0.1-0.2 s per report)",
    )
    ap.add_argument("--put-report-all", action="store_true", help="write every synthetic report with put_report")
    ap.add_argument(
        "--chroma-server", action="store_true", help="keep the synthetic corpus in a loopback `chroma run` server"
    )
    ap.add_argument("--quick", action="store_true", help="smoke run: 6 questions, 1 pass, 30 synthetic reports")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    args = ap.parse_args()
    if args.quick:
        args.questions, args.repeat, args.reports = 6, 1, 30

    from assistant.index.embedding import USEEmbedding
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths, prepare
    from assistant.qa.retrieve import retrieve

    print(C.machine_line())
    gold = C.gold_questions()
    chosen = C.spread(gold, args.questions)
    build_rows: list[list] = []
    with C.temp_data_dir(args.keep) as work:
        base = C.settings(work / "seeds")
        builder = caching_embedder(base.n_threads)
        query_embedder = USEEmbedding(threads=base.n_threads)
        query_embedder.encode(["预热"])  # model load is not a query's latency

        # (a) seeds ------------------------------------------------------------------
        store = Store(base, embedder=builder)
        with C.Timer() as t:
            ingest_paths([C.SEEDS], store, progress=False)
        n_seed_chunks = len(store.lexical().ids)
        build_rows.append(["seeds", 5, n_seed_chunks, "ingest_paths (real embeddings)", f"{t.s:.1f}"])
        store.embedder = query_embedder
        seeds_label = f"seeds ({n_seed_chunks} chunks) / gold"
        jobs = [(seeds_label, store, base, q["question"]) for q in chosen]
        counts = {seeds_label: len(chosen)}
        cold_rows = []
        cold_store = Store(base, embedder=query_embedder)  # as a new process would: BM25 loads from disk
        with C.Timer() as t:
            retrieve(chosen[0]["question"], cold_store, base)
        cold_rows.append(["seeds", f"{t.ms:.0f}"])

        # (b) synthetic ------------------------------------------------------------------
        server = None
        if args.reports and args.chroma_server:
            from tests.servers import start_chroma

            server = start_chroma(work / "chroma-server")
        if args.reports:
            where = {"chroma_host": "127.0.0.1", "chroma_port": server.port} if server else {}
            syn = C.settings(work / "synthetic", **where)
            sstore = Store(syn, embedder=builder)
            total = time.perf_counter()
            with C.Timer() as t:
                ingest_paths([C.SEEDS], sstore, progress=False)  # vectors come from the cache above
            seed_ingest = t.s
            seeds_prepared = []
            for path in C.seed_files():
                rep, recs = prepare(path, syn)
                seeds_prepared.append((rep, recs, C.seed_place(path)))
            places = C.synthetic_places(args.reports, avoid_text=" ".join(q["question"] for q in gold), at_most=True)
            before = builder.computed
            reports, n_chunks, timings, _ = build_synthetic(
                sstore,
                seeds_prepared,
                args.reports,
                places,
                args.vectors,
                builder,
                syn.chunk_tokens,
                None if args.put_report_all else args.put_report,
            )
            with C.Timer() as t:
                sstore.lexical()
            timings["BM25 build (store.lexical)"] = t.s
            build_total = time.perf_counter() - total
            sstore.embedder = query_embedder
            total_chunks = len(sstore.lexical().ids)
            vec_note = {
                "reuse": f"real USE vectors of the seed chunks ({builder.computed - before} new texts "
                f"embedded); each of the {n_chunks} synthetic chunks reuses the vector of the "
                "seed chunk it overlaps most",
                "exact": f"real USE, every chunk embedded ({builder.computed - before} texts)",
                "random": "deterministic RANDOM vectors (dense ranking is meaningless)",
            }[args.vectors]
            build_rows.append(
                [
                    f"synthetic: {args.reports} + 5 seeds",
                    args.reports + 5,
                    total_chunks,
                    "total build",
                    f"{build_total:.1f}",
                ]
            )
            build_rows.append(["", "", "", "  re-ingest 5 seeds (cached vectors)", f"{seed_ingest:.1f}"])
            for name, secs in timings.items():
                build_rows.append(["", "", "", f"  {name}", f"{secs:.1f}"])
            cold = Store(syn, embedder=query_embedder)
            with C.Timer() as t:
                retrieve(chosen[0]["question"], cold, syn)
            cold_rows.append(["synthetic", f"{t.ms:.0f}"])

            kind = "Chroma server" if server else "embedded"
            syn_gold = f"synthetic ({total_chunks} chunks, {kind}) / gold"
            syn_re = f"synthetic ({total_chunks} chunks, {kind}) / retargeted"
            retargeted = C.spread(retarget(gold, reports, random.Random(5)), args.questions)
            # interleave: seeds q_i, synthetic q_i, retargeted q_i, ...
            mixed = []
            for i, q in enumerate(chosen):
                mixed.append(jobs[i])
                mixed.append((syn_gold, sstore, syn, q["question"]))
                if i < len(retargeted):
                    mixed.append((syn_re, sstore, syn, retargeted[i]))
            jobs = mixed
            counts.update({syn_gold: len(chosen), syn_re: len(retargeted)})

        samples, best, scoped = time_all(jobs, args.repeat)
        rows = latency_rows(samples, best, scoped, counts)

        print()
        print(C.table(["corpus", "reports", "chunks", "build step", "seconds"], build_rows, title="Corpora"))
        if args.reports:
            print(f"synthetic vectors: {vec_note}")
        print()
        print(
            C.table(
                HEAD,
                rows,
                title=f"Retrieval latency, ms (assistant.retrieve.retrieve, top_k={base.top_k}; "
                f"{args.repeat} interleaved pass(es))",
            )
        )
        print(
            "calls = questions x passes; best-of p50 = median over questions of each one's fastest pass "
            "(less machine noise);\nscoped = questions that auto-scope restricted to named report(s)."
        )
        by = {(r[0], r[1]): r for r in rows}
        ratio_rows = []
        for corpus in counts:
            h, b = by[(corpus, "hybrid, auto-scope")], by[(corpus, "BM25 only, auto-scope")]
            hn, bn = by[(corpus, "hybrid, no scope")], by[(corpus, "BM25 only, no scope")]
            ratio_rows.append([corpus, f"{h[7] / b[7]:.2f}", f"{hn[7] / bn[7]:.2f}", f"{hn[7] / h[7]:.2f}", ""])
        if args.reports:
            s_h, y_h = by[(seeds_label, "hybrid, auto-scope")], by[(syn_gold, "hybrid, auto-scope")]
            ratio_rows.append(["synthetic / seeds, gold, hybrid+scope", "", "", "", f"{y_h[7] / s_h[7]:.2f}"])
        print()
        print(
            C.table(
                [
                    "corpus / questions",
                    "hybrid / BM25 (scope)",
                    "hybrid / BM25 (no scope)",
                    "no scope / scope (hybrid)",
                    "synthetic / seeds",
                ],
                ratio_rows,
                title="Ratios of best-of p50 (same run)",
            )
        )
        # Query embedding alone, by BLAS thread count (fresh worker processes; see _common.embed_ab).
        ab = C.embed_ab([[q["question"] for q in chosen]], rounds=2, mode="single")
        print()
        print(
            C.table(
                [
                    "USEEmbedding.encode([question]) alone, worker process",
                    "calls",
                    "p50 ms",
                    "p95 ms",
                    "mean ms",
                    "max ms",
                ],
                [
                    [
                        name,
                        sum(map(len, v)),
                        C.percentile([x for r in v for x in r], 50),
                        C.percentile([x for r in v for x in r], 95),
                        C.mean([x for r in v for x in r]),
                        max(x for r in v for x in r),
                    ]
                    for name, v in ab.items()
                ],
                title="Query embedding: BLAS threads (2 alternating rounds)",
            )
        )
        print(
            f"threadpoolctl importable: {C.has_threadpoolctl()} (without it USEEmbedding(threads=...) "
            "does not limit BLAS threads)"
        )
        print()
        print(C.table(["first query on a newly opened Store (loads BM25 from disk)", "ms"], cold_rows))
        if server:
            server.stop()
    print(C.machine_line())


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"bench_retrieval total wall time: {time.perf_counter() - t0:.1f} s")
