"""`assistant serve` (assistant/server.py) with the real `openai` client over loopback HTTP.

The cited answer end to end runs the real packaged 0.5B model (in-process llama.cpp, the
single local model the queue protects), streaming and not. The rest drives the same app
with scripted backends: the API key, request size limits, queueing under concurrent
requests, withdrawn text in a stream, and errors as OpenAI-style error bodies.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time

import httpx
import openai
import pytest
from pydantic import SecretStr

from assistant.apps.server import WITHDRAWN, create_app, serve
from assistant.core.errors import BackendError, ConfigError
from tests.fakes import ScriptedLLM
from tests.servers import Uvicorn

QUESTION = "2023年乌海市行政机关负责人出庭应诉率是多少？"


def client(server: Uvicorn, key: str = "none", **kw) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key=key, max_retries=0, **kw)


@pytest.mark.model
def test_a_chat_completion_is_a_cited_verified_answer_streamed_or_not(seeded_store, small_llm):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    with Uvicorn(create_app(settings, store=store, llm=small_llm)) as server:
        api = client(server)
        assert [m.id for m in api.models.list().data] == ["assistant"]
        whole = api.chat.completions.create(
            model="assistant",
            messages=[{"role": "system", "content": "ignored"}, {"role": "user", "content": QUESTION}],
        )
        content = whole.choices[0].message.content
        assert content.startswith("98.4%") and whole.choices[0].finish_reason == "stop"  # the direct answer first
        (citation, *_) = whole.citations
        assert citation["report_id"] == "wuhai-2023" and "98.4%" in citation["quote"]
        assert f"[{citation['n']}] 乌海市2023年报告" in content  # the source line, for any front end
        assert whole.verification["grounded"] and whole.usage.completion_tokens > 0

        chunks = list(
            api.chat.completions.create(
                model="assistant", stream=True, messages=[{"role": "user", "content": QUESTION}]
            )
        )
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
        drafted = "".join(reasoning(c) for c in chunks)
        # Temperature 0, fixed seed: the same answer; the verified draft streamed apart, sentence by sentence.
        assert "".join(streamed.split()) == "".join(content.split())
        assert "98.4%" in drafted and chunks[-1].choices[0].finish_reason == "stop"
        assert chunks[-1].citations == whole.citations


class SlowLLM(ScriptedLLM):
    """Answers from the wuhai source after `delay`, recording how many calls overlap."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay, self.active, self.most = delay, 0, 0
        self.lock = threading.Lock()

    def complete(self, messages, **kw):
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        time.sleep(self.delay)
        with self.lock:
            self.active -= 1
        self.replies = ["行政机关负责人出庭应诉率98.4%。"]
        return super().complete(messages, **kw)


def test_concurrent_requests_queue_for_the_single_model_and_overflow_gets_503(seeded_store):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    llm = SlowLLM(delay=0.4)
    app = create_app(settings.model_copy(update={"serve_concurrency": 1, "serve_queue": 3}), store=store, llm=llm)
    with Uvicorn(app) as server:
        api = client(server)

        def one(_):
            try:
                answer = api.chat.completions.create(
                    model="assistant", messages=[{"role": "user", "content": QUESTION}]
                )
                return answer.choices[0].message.content
            except openai.APIStatusError as exc:
                return exc.status_code, exc.response.headers.get("retry-after"), exc.message

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(8)))
        answers = [r for r in results if isinstance(r, str)]
        busy = [r for r in results if not isinstance(r, str)]
        assert llm.most == 1  # never two model calls at once
        assert 4 <= len(answers) < 8 and all("98.4%" in a for a in answers)  # 1 answering + 3 queued at least
        assert busy and all(b[0] == 503 and b[1] == "5" and "busy" in b[2] for b in busy)
        # The server is still healthy afterwards and the queue has drained.
        assert "98.4%" in one(0) and app.state.gate.waiting == 0


def test_the_api_key_is_required_when_configured(seeded_store):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    app = create_app(
        settings.model_copy(update={"serve_api_key": SecretStr("serve-key-77")}), store=store, llm=ScriptedLLM()
    )
    with Uvicorn(app) as server:
        with pytest.raises(openai.AuthenticationError, match="invalid or missing API key"):
            client(server, key="wrong").models.list()
        with pytest.raises(openai.AuthenticationError):
            client(server, key="wrong").chat.completions.create(model="x", messages=[{"role": "user", "content": "?"}])
        assert client(server, key="serve-key-77").models.list().data[0].id == "assistant"
        assert httpx.get(f"http://127.0.0.1:{server.port}/health").json() == {"status": "ok"}


def test_oversized_and_malformed_requests_are_refused_before_any_work(seeded_store):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    llm = ScriptedLLM()
    app = create_app(settings.model_copy(update={"serve_max_body_kb": 4}), store=store, llm=llm)
    with Uvicorn(app) as server:
        url = f"{server.base_url}/chat/completions"
        big = {"model": "assistant", "messages": [{"role": "user", "content": "法" * 5000}]}
        response = httpx.post(url, json=big)
        assert response.status_code == 413 and "4 KiB" in response.json()["error"]["message"]

        def chunked():  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"x" * 1024

        assert httpx.post(url, content=chunked()).status_code == 413
        assert httpx.post(url, content=b"{not json").status_code == 400
        no_question = httpx.post(url, json={"messages": [{"role": "system", "content": "hi"}]})
        assert no_question.status_code == 400 and "no user message" in no_question.json()["error"]["message"]
        assert llm.calls == []


def reasoning(chunk) -> str:
    """The verified draft a chunk carries (`reasoning_content`, an extra field of the delta)."""
    delta = chunk.choices[0].delta if chunk.choices else None
    return (getattr(delta, "reasoning_content", None) or "") if delta is not None else ""


def test_withdrawn_text_is_announced_in_the_stream(seeded_store):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    # First reply has no number (withdrawn after it was shown), the strict retry has it.
    llm = ScriptedLLM("乌海市积极推进法治政府建设。", "行政机关负责人出庭应诉率98.4%。")
    with Uvicorn(create_app(settings, store=store, llm=llm)) as server:
        chunks = list(
            client(server).chat.completions.create(
                model="assistant", stream=True, messages=[{"role": "user", "content": QUESTION}]
            )
        )
    drafted = "".join(reasoning(c) for c in chunks)
    assert drafted.startswith("乌海市积极推进法治政府建设。" + WITHDRAWN)  # shown, then withdrawn, as it streamed
    assert "98.4%" in drafted.split(WITHDRAWN)[1] and chunks[-1].verification["method"] == "model-retry"
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed.startswith("98.4%") and WITHDRAWN not in streamed  # the message holds only what passed


class FailingLLM(ScriptedLLM):
    def complete(self, messages, **kw):
        raise BackendError("托管模型超时 / request timed out after 1.0s", "调大 ASSISTANT_REQUEST_TIMEOUT")


def test_backend_errors_reach_the_client_as_openai_errors(seeded_store, settings_factory, embedder):
    from assistant.index.store import Store

    store, settings = seeded_store

    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    with Uvicorn(create_app(settings, store=store, llm=FailingLLM())) as server:
        api = client(server)
        with pytest.raises(openai.APIStatusError, match="ASSISTANT_REQUEST_TIMEOUT") as caught:
            api.chat.completions.create(model="assistant", messages=[{"role": "user", "content": QUESTION}])
        assert caught.value.status_code == 502
        with pytest.raises(openai.APIError, match="timed out after 1.0s"):
            list(
                api.chat.completions.create(
                    model="assistant", stream=True, messages=[{"role": "user", "content": QUESTION}]
                )
            )
    empty = Store(settings_factory(), embedder=embedder)
    with Uvicorn(create_app(settings, store=empty, llm=ScriptedLLM())) as server:
        with pytest.raises(openai.APIStatusError, match="assistant ingest") as caught:
            client(server).chat.completions.create(model="assistant", messages=[{"role": "user", "content": QUESTION}])
        assert caught.value.status_code == 503


def test_serving_beyond_loopback_needs_a_key(seeded_store):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    with pytest.raises(ConfigError, match="ASSISTANT_SERVE_API_KEY"):
        serve(settings.model_copy(update={"serve_host": "0.0.0.0"}))


def test_assistant_serve_starts_on_the_port_given_after_the_command(tmp_path):
    import os
    import sys

    from tests.servers import ScriptedHTTPServer, ServerProcess, free_port, http_ok

    port = free_port()
    with ScriptedHTTPServer((200, "不会用到")) as backend:
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
            "ASSISTANT_SERVE_PORT": str(free_port()),
            "ASSISTANT_BACKEND": "openai",
            "ASSISTANT_OPENAI_BASE_URL": backend.base_url,
            "ASSISTANT_SERVE_API_KEY": "k-123",
        }
        # The environment names another port: the flag after the command wins (uvicorn's `--port`).
        with ServerProcess(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
            port,
            lambda: http_ok(f"http://127.0.0.1:{port}/health"),
            "assistant-serve",
            env=env,
        ) as proc:
            api = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="k-123", max_retries=0)
            assert api.models.list().data[0].id == "assistant"
            with pytest.raises(openai.APIStatusError, match="no reports ingested") as caught:
                api.chat.completions.create(model="assistant", messages=[{"role": "user", "content": "？"}])
            assert caught.value.status_code == 503
            assert "k-123" not in proc.log_tail()  # the key is never logged
    assert backend.requests == []
