"""Shared fixtures for the test-suite.

Environment: analytics/telemetry are off, and ``ASSISTANT_CONFIG`` points at a file that
does not exist, so a stray ``assistant.toml`` in the working directory (or a user's
ASSISTANT_* variables that pick a Chroma server or change chunking/retrieval) cannot leak
into the tests.

Speed: loading the USE model costs 1-2 s and embedding runs at ~20 chunks/s on two cores,
so one embedder is shared by the whole session (``embedder``), and the five seeds are
ingested once into a session-scoped store (``seeded_store``) for read-only tests. The
shared embedder is a real ``USEEmbedding`` that remembers the vectors it has computed
(keyed by text), so re-ingesting seed text into a fresh store costs no model time; the
vectors are the model's own, nothing is faked.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["ASSISTANT_CONFIG"] = str(Path(__file__).resolve().parent / "no-such-assistant.toml")
for _var in (
    "DATA_DIR",
    "CHROMA_HOST",
    "CHROMA_PORT",
    "COLLECTION",
    "CHUNK_TOKENS",
    "MAX_FILE_MB",
    "TOP_K",
    "BM25_WEIGHT",
    "DENSE_WEIGHT",
    "AUTO_SCOPE",
):
    os.environ.pop(f"ASSISTANT_{_var}", None)

from assistant.core.config import Settings  # noqa: E402  (after the environment is fixed)
from assistant.index.embedding import USEEmbedding  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
# The real default cache dir (~/.cache/assistant), where packaged models are assembled.
DEFAULT_CACHE_DIR = Settings.model_fields["cache_dir"].get_default(call_default_factory=True)


class CachingUSEEmbedding(USEEmbedding):
    """The real USE model; each distinct text is embedded once per session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts, progress=None):
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if todo:
            for text, vec in zip(todo, super().encode(todo)):
                self._memo[text] = vec
        if progress is not None:
            progress.update(len(texts))
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.vstack([self._memo[t] for t in texts])


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def default_cache_dir() -> Path:
    return DEFAULT_CACHE_DIR


@pytest.fixture(scope="session")
def embedder() -> USEEmbedding:
    return CachingUSEEmbedding()


@pytest.fixture
def settings_factory(tmp_path):
    """``make(**overrides)`` -> Settings with a fresh data dir under tmp_path (one per call)
    and the real cache dir, so the packaged model files are found."""
    counter = iter(range(1_000_000))

    def make(**overrides) -> Settings:
        overrides.setdefault("data_dir", tmp_path / f"data-{next(counter)}")
        overrides.setdefault("cache_dir", DEFAULT_CACHE_DIR)
        return Settings(**overrides)

    return make


@pytest.fixture
def make_store(settings_factory, embedder):
    """``make(**overrides)`` -> (a fresh Store with the shared embedder, its Settings)."""
    from assistant.index.store import Store

    def make(**overrides):
        settings = settings_factory(**overrides)
        return Store(settings, embedder=embedder), settings

    return make


@pytest.fixture(scope="session")
def seeded_ingest(tmp_path_factory, embedder):
    """(store, settings, ingest results) for the five seeds, ingested once per session.
    Read-only: tests that write must use their own data dir."""
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths

    settings = Settings(data_dir=tmp_path_factory.mktemp("seeded"), cache_dir=DEFAULT_CACHE_DIR)
    store = Store(settings, embedder=embedder)
    results = ingest_paths([SEEDS_DIR], store, progress=False)
    return store, settings, results


@pytest.fixture(scope="session")
def seeded_store(seeded_ingest):
    """(store, settings) with the five seeds ingested; read-only."""
    store, settings, _ = seeded_ingest
    return store, settings


@pytest.fixture(scope="session")
def general_store(tmp_path_factory, embedder):
    """(store, settings) with the seeds and the general set's twelve documents, as its
    questions expect (assistant/evals/general/README.md); read-only."""
    from assistant.evals.gold import GENERAL_DIR
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths

    settings = Settings(data_dir=tmp_path_factory.mktemp("general"), cache_dir=DEFAULT_CACHE_DIR)
    store = Store(settings, embedder=embedder)
    ingest_paths([SEEDS_DIR, GENERAL_DIR / "reports"], store, progress=False)
    return store, settings


def one_report_library(tmp_path_factory, embedder, file_name: str, text: str):
    """(store, settings) with one report, written as `file_name` and ingested, in a data dir of
    its own — for a module's tests of one invented document; read-only."""
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp(Path(file_name).stem)
    (folder / file_name).write_text(text, "utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), cache_dir=DEFAULT_CACHE_DIR)
    store = Store(settings, embedder=embedder)
    ingest_paths([folder], store, progress=False)
    return store, settings


@pytest.fixture(scope="session")
def small_llm():
    """The real packaged 0.5B model through llama.cpp, loaded once per session (temperature 0,
    fixed seed). LlamaBackend serialises calls with its own lock, so tests may share it."""
    from assistant.backends.registry import get_backend

    settings = Settings(cache_dir=DEFAULT_CACHE_DIR, model="qwen2.5-coder-0.5b")
    return get_backend(settings)
