"""Warm start: load the model, the embedding model and the BM25 index before the first
question, so the first person to ask does not wait for them.

The web app and `assistant serve` call `warm_in_background` as they start (they answer
their first page or health check at once, while this runs); the CLI calls `warm` and
reports the load time apart from the answer time. Loading fails the same way it would on
the first question, so an error here is logged and left for that question to report.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def warm(llm, store) -> float:
    """Load what answering needs now; returns the seconds it took."""
    started = time.perf_counter()
    if load := getattr(llm, "load", None):
        load()
    store.embedder.encode(["预热"])
    store.lexical()
    return time.perf_counter() - started


def warm_in_background(get_llm: Callable[[], object], get_store: Callable[[], object]) -> threading.Thread:
    """`warm` in a daemon thread; `get_llm`/`get_store` create them if need be (lazily held)."""

    def run() -> None:
        try:
            seconds = warm(get_llm(), get_store())
            log.info("warm start: model, embedder and BM25 loaded in %.1fs", seconds)
        except Exception:  # reported to whoever asks first, by the same code path
            log.exception("warm start failed")

    thread = threading.Thread(target=run, name="warm-start", daemon=True)
    thread.start()
    return thread
