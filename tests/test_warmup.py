"""Warm start: the API server and the web app load the model, the embedding model and the
BM25 index in the background as they start, so the first question does not pay for them."""

from __future__ import annotations

from assistant.apps.server import create_app
from assistant.apps.ui import build_app
from assistant.apps.warmup import warm_in_background
from tests.fakes import ScriptedLLM


class LoadingLLM(ScriptedLLM):
    """Records the load the warm start asks for."""

    def __init__(self):
        super().__init__()
        self.loads = 0

    def load(self):
        self.loads += 1


def test_the_api_server_loads_the_model_and_indexes_before_the_first_request(seeded_store):
    store, settings = seeded_store
    llm = LoadingLLM()
    app = create_app(settings, store=store, llm=llm)
    app.state.warm.join(timeout=120)
    assert not app.state.warm.is_alive() and llm.loads == 1 and llm.calls == []  # loaded, nothing asked


def test_the_web_app_warms_its_lazily_created_services_in_the_background(seeded_store, settings_factory):
    store, _ = seeded_store
    llm = LoadingLLM()
    demo = build_app(settings_factory(), store=store, llm=llm)
    thread = warm_in_background(lambda: demo.services.llm, lambda: demo.services.store)
    thread.join(timeout=120)
    assert llm.loads == 1


def test_a_failing_warm_start_is_logged_and_left_to_the_first_question(caplog):
    def broken():
        raise RuntimeError("no model file")

    warm_in_background(broken, broken).join(timeout=30)
    assert "warm start failed" in caplog.text
