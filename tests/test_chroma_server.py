"""Chroma server mode against a real `chroma run` on loopback.

With ASSISTANT_CHROMA_HOST set, chunks and the report registry live in the server; the BM25
index lives beside each product process, under its own data_dir/bm25, keyed by a
fingerprint of the server's registry and rebuilt from the server's documents whenever
that changes. So every process's BM25 follows what the server holds — proven below with
two processes, removals and a server restart. Answers use a scripted backend: what is
tested here is the store, and the reply is verified against the server's chunks all
the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from assistant.index.store import Store
from assistant.ingest.pipeline import ingest_paths
from assistant.qa.answer import ask
from assistant.qa.retrieve import retrieve
from tests.conftest import REPO_ROOT, SEEDS_DIR
from tests.fakes import ScriptedLLM
from tests.servers import start_chroma

WUHAI = "2023年乌海市行政机关负责人出庭应诉率是多少？"
LILING = "醴陵市2023年审核了多少件市政府规范性文件？"


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    server = start_chroma(tmp_path_factory.mktemp("chroma-server"))
    yield server
    server.close()


@pytest.fixture
def server_settings(chroma, settings_factory):
    """`make()` -> Settings for one product process: its own data_dir, the shared server,
    and a collection unique to this test."""
    collection = f"t{uuid.uuid4().hex[:10]}"

    def make(**overrides):
        return settings_factory(chroma_host="127.0.0.1", chroma_port=chroma.port, collection=collection, **overrides)

    return make


def committed_chunk_ids(store: Store) -> set[str]:
    return {c.chunk_id for c in store.chunk_records()}


def bm25_ids(store: Store) -> set[str]:
    return set(store.lexical().ids)


def test_ingest_ask_remove_restart_ask(chroma, server_settings, embedder):
    settings = server_settings()
    store = Store(settings, embedder=embedder)
    assert type(store.client).__name__ == "Client" and not settings.chroma_dir.exists()  # HttpClient, no local db
    results = ingest_paths([SEEDS_DIR], store, progress=False)
    assert sorted(r.status for r in results) == ["added"] * 5

    answer = ask(WUHAI, store, ScriptedLLM("行政机关负责人出庭应诉率为98.4%。"), settings)
    assert answer.grounded and answer.citations[0].report_id == "wuhai-2023"
    assert "98.4%" in answer.citations[0].quote

    store.remove("wuhai-2023")
    gone = ask(WUHAI, store, ScriptedLLM("行政机关负责人出庭应诉率为98.4%。"), settings)
    assert not any(c.report_id == "wuhai-2023" for c in gone.citations) and "98.4%" not in gone.answer
    expected = committed_chunk_ids(store)
    assert bm25_ids(store) == expected and "wuhai-2023" not in {c.report_id for c in store.chunk_records()}

    chroma.restart()  # same path and port: everything the server held is back
    for reader in (store, Store(settings, embedder=embedder)):  # the old client reconnects; a new one opens
        assert sorted(r.report_id for r in reader.reports()) == [
            "dengkou-2021",
            "liling-2023",
            "urumqi-county-2022",
            "wuwei-2021",
        ]
        assert bm25_ids(reader) == expected
        again = ask(LILING, reader, ScriptedLLM("审核市政府规范性文件8件。"), settings)
        assert again.grounded and again.citations[0].report_id == "liling-2023"


def test_bm25_follows_the_server_not_the_local_disk(chroma, server_settings, embedder, tmp_path):
    a = Store(server_settings(), embedder=embedder)
    b = Store(server_settings(), embedder=embedder)  # another process: its own data_dir
    assert a.settings.bm25_dir != b.settings.bm25_dir
    ingest_paths([SEEDS_DIR / "wuhai-2023.txt"], a, progress=False)
    assert bm25_ids(b) == committed_chunk_ids(a) != set()  # B rebuilt its BM25 from the server

    ingest_paths([SEEDS_DIR / "dengkou-2021.txt"], a, progress=False)
    a.remove("wuhai-2023")
    assert bm25_ids(b) == committed_chunk_ids(a) and {c.report_id for c in a.chunk_records()} == {"dengkou-2021"}
    hits, _ = retrieve("磴口县行政机关负责人出庭应诉率是多少？", b, b.settings)
    assert hits and hits[0].chunk.report_id == "dengkou-2021"
    # One index on disk per process, named by the registry fingerprint; stale ones are gone.
    assert len(list(b.settings.bm25_dir.iterdir())) == 1

    # When the server holds nothing, B's BM25 holds nothing, whatever B has on disk.
    a.remove("dengkou-2021")
    assert bm25_ids(b) == set() and retrieve("出庭应诉率", b, b.settings)[0] == []


PROBE = """
import json, sys
from assistant.core.config import Settings
from assistant.qa.retrieve import retrieve
from assistant.index.store import Store
store = Store(Settings())
hits, _ = retrieve(sys.argv[1], store, store.settings)
print(json.dumps({"reports": [r.report_id for r in store.reports()],
                  "bm25": len(store.lexical().ids), "top": hits[0].chunk.report_id if hits else None}))
"""


def test_two_product_processes_sharing_one_server_see_each_others_ingests(chroma, server_settings, embedder):
    mine = server_settings()
    other_env = {
        **os.environ,
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(chroma.port),
        "ASSISTANT_COLLECTION": mine.collection,
        "ASSISTANT_DATA_DIR": str(mine.data_dir.parent / "other"),
        "ASSISTANT_CACHE_DIR": str(mine.cache_dir),
    }

    def other(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(argv, env=other_env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)

    # Process 2 (the CLI) ingests; process 1 (this one) sees it, in Chroma and in BM25.
    done = other(sys.executable, "-m", "assistant.apps.cli", "ingest", str(SEEDS_DIR / "wuhai-2023.txt"))
    assert done.returncode == 0, done.stderr
    store = Store(mine, embedder=embedder)
    assert [r.report_id for r in store.reports()] == ["wuhai-2023"]
    assert bm25_ids(store) == committed_chunk_ids(store) != set()
    assert retrieve(WUHAI, store, mine)[0][0].chunk.report_id == "wuhai-2023"

    # Process 1 ingests; process 2 sees both reports and retrieves from the new one.
    ingest_paths([SEEDS_DIR / "liling-2023.txt"], store, progress=False)
    probe = other(sys.executable, "-c", PROBE, LILING)
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen == {
        "reports": [r.report_id for r in store.reports()],
        "bm25": len(committed_chunk_ids(store)),
        "top": "liling-2023",
    }
