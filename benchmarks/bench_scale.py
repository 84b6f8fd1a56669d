"""Scale-out figures: ask throughput through `assistant serve` with a hosted backend, and
retrieval latency against a Chroma server versus the embedded store.

(a) Throughput. llama-cpp-python's own server (`python -m llama_cpp.server`, packaged 0.5B
    model, all cores) is the hosted backend; `assistant serve` (assistant.apps.server.create_app
    under uvicorn, serve_concurrency = number of clients) answers over the five seeds in an
    embedded store. `--questions` gold questions (spread over assistant/evals/gold/questions.jsonl)
    are asked with the real `openai` client, non-streaming, by 1 client and by 4 concurrent
    clients, in `--rounds` rounds alternating the order (after one untimed question), so
    load from other jobs falls on both. Printed: questions/minute, mean latency per question,
    and the 4:1 ratios. The llama.cpp server computes one answer at a time, so on one
    machine more clients mostly add waiting; what overlaps is retrieval, prompt building
    and HTTP. With a GPU server that batches requests the ratio is the figure to watch.

(b) Retrieval. The seeds are ingested into an embedded store and into a real `chroma run`
    server (same vectors: each text is embedded once); `retrieve()` (BM25 + dense, auto-scope)
    is timed on `--queries` gold questions, alternating the two stores per question so
    machine noise falls on both. Printed: p50/p95/mean ms and server:embedded ratios.

Everything runs in temporary directories on loopback ports; nothing touches the user's
store. `--quick` asks 3 questions in one round and times 20 retrievals.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import time

import _common as C

from tests.servers import Uvicorn, start_chroma, start_llama_server


def caching_embedder():
    import numpy as np

    from assistant.index.embedding import USEEmbedding

    class Caching(USEEmbedding):
        memo: dict = {}

        def encode(self, texts, progress=None):
            todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
            for text, vec in zip(todo, super().encode(todo) if todo else []):
                self.memo[text] = vec
            return np.vstack([self.memo[t] for t in texts]) if texts else np.zeros((0, 512), np.float32)

    return Caching()


def ask_client(base_url: str):
    """`ask(question) -> (seconds, grounded)` through the real openai client."""
    import openai

    api = openai.OpenAI(base_url=base_url, api_key="none", max_retries=0, timeout=900)

    def ask(question: str) -> tuple[float, bool]:
        t = time.perf_counter()
        reply = api.chat.completions.create(model="assistant", messages=[{"role": "user", "content": question}])
        return time.perf_counter() - t, bool(reply.verification["grounded"])

    return ask


def timed_run(base_url: str, questions: list[str], clients: int) -> tuple[float, list[float], int]:
    ask = ask_client(base_url)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(ask, questions))
    return time.perf_counter() - start, [r[0] for r in results], sum(r[1] for r in results)


def throughput(
    settings, store, questions: list[str], client_counts: list[int], rounds: int, llama_url: str, warmup: str
) -> list[dict]:
    """Rounds alternate the client counts (1, 4, 4, 1, …) so that load from other jobs on the
    machine falls on both; one `assistant serve` per count, all over one llama.cpp server."""
    from contextlib import ExitStack

    from assistant.apps.server import create_app
    from assistant.backends.registry import get_backend

    totals = {n: {"wall": 0.0, "lat": [], "ok": 0} for n in client_counts}
    with ExitStack() as stack:
        servers = {}
        for n in client_counts:
            hosted = settings.model_copy(
                update={
                    "backend": "openai",
                    "openai_base_url": llama_url,
                    "openai_model": "qwen2.5-coder-0.5b",
                    "request_timeout": 600.0,
                    "serve_concurrency": n,
                    "serve_queue": 64,
                }
            )
            servers[n] = stack.enter_context(Uvicorn(create_app(hosted, store=store, llm=get_backend(hosted))))
        ask_client(servers[client_counts[0]].base_url)(warmup)  # untimed: pages the model in, caches the system prompt
        for r in range(rounds):
            for n in client_counts if r % 2 == 0 else client_counts[::-1]:
                wall, lat, ok = timed_run(servers[n].base_url, questions, n)
                totals[n]["wall"] += wall
                totals[n]["lat"] += lat
                totals[n]["ok"] += ok
    return [
        {
            "clients": n,
            "questions": len(t["lat"]),
            "wall_s": t["wall"],
            "per_min": len(t["lat"]) / t["wall"] * 60,
            "latency_s": C.mean(t["lat"]),
            "grounded": t["ok"],
        }
        for n, t in totals.items()
    ]


def retrieval(embedded, server, questions: list[str]) -> dict[str, list[float]]:
    from assistant.qa.retrieve import retrieve

    times: dict[str, list[float]] = {"embedded": [], "server": []}
    for store in (embedded, server):  # cold: BM25 load, first query embedding
        retrieve(questions[0], store, store.settings)
    for i, question in enumerate(questions):
        order = [("embedded", embedded), ("server", server)]
        for name, store in order if i % 2 == 0 else order[::-1]:
            with C.Timer() as t:
                retrieve(question, store, store.settings)
            times[name].append(t.ms)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=4, help="gold questions per throughput round")
    parser.add_argument("--queries", type=int, default=60, help="gold questions timed for retrieval")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients in the second run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, alternating 1 and --clients clients")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 questions, 20 retrievals")
    args = parser.parse_args()
    if args.quick:
        args.questions, args.queries, args.rounds = 3, 20, 1

    from assistant.backends.packaged import resolve_model_path
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths

    print(C.machine_line())
    gold = [q["question"] for q in C.gold_questions() if not q.get("unanswerable")]
    embedder = caching_embedder()
    with C.temp_data_dir() as data, C.temp_data_dir() as chroma_dir:
        embedded_settings = C.settings(data / "embedded")
        embedded = Store(embedded_settings, embedder=embedder)
        ingest_paths([C.SEEDS], embedded, progress=False)

        # (b) retrieval: Chroma server vs embedded
        with start_chroma(chroma_dir) as chroma:
            server_settings = C.settings(data / "client", chroma_host="127.0.0.1", chroma_port=chroma.port)
            server = Store(server_settings, embedder=embedder)
            ingest_paths([C.SEEDS], server, progress=False)
            times = retrieval(embedded, server, C.spread(gold, args.queries))
        rows = [[name, len(ms), C.percentile(ms, 50), C.percentile(ms, 95), C.mean(ms)] for name, ms in times.items()]
        ratio = [C.percentile(times["server"], q) / C.percentile(times["embedded"], q) for q in (50, 95)]
        rows.append(
            [
                "server : embedded",
                "",
                f"{ratio[0]:.2f}x",
                f"{ratio[1]:.2f}x",
                f"{C.mean(times['server']) / C.mean(times['embedded']):.2f}x",
            ]
        )
        print()
        print(
            C.table(
                ["store", "queries", "p50 ms", "p95 ms", "mean ms"],
                rows,
                title="Retrieval latency (seeds, hybrid, auto-scope): Chroma server vs embedded",
            )
        )

        # (a) throughput through `assistant serve` with a hosted backend
        if not args.skip_throughput:
            questions = C.spread(gold, args.questions)
            model = resolve_model_path(C.settings(data, model="qwen2.5-coder-0.5b"))
            with start_llama_server(model) as llama:
                embedded.lexical()
                warmup = next(q for q in gold if q not in questions)
                runs = throughput(
                    embedded_settings, embedded, questions, [1, args.clients], args.rounds, llama.base_url, warmup
                )
            rows = [
                [
                    f"{r['clients']} client(s)",
                    r["questions"],
                    r["wall_s"],
                    r["per_min"],
                    r["latency_s"],
                    f"{r['grounded']}/{r['questions']}",
                ]
                for r in runs
            ]
            rows.append(
                [
                    f"{args.clients} : 1",
                    "",
                    f"{runs[1]['wall_s'] / runs[0]['wall_s']:.2f}x",
                    f"{runs[1]['per_min'] / runs[0]['per_min']:.2f}x",
                    f"{runs[1]['latency_s'] / runs[0]['latency_s']:.2f}x",
                    "",
                ]
            )
            print()
            print(
                C.table(
                    ["clients", "questions", "wall s", "questions/min", "mean latency s", "grounded"],
                    rows,
                    title="Ask throughput: openai client -> assistant serve -> llama_cpp.server (0.5B)",
                )
            )


if __name__ == "__main__":
    main()
