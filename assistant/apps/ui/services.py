"""What every handler needs: settings, the store and the one model, created lazily.

The app must start in a second, so neither the Chroma store nor the model is opened
until a handler first asks for it; a lock makes sure two first requests arriving
together still create one model. Calls into the model are serialised by the backend
itself (LlamaBackend's lock) and, in front of it, by Gradio's queue (see app.py).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from assistant.core.config import Settings

if TYPE_CHECKING:
    from assistant.backends.base import LLM
    from assistant.core.types import Report
    from assistant.index.store import Store


class Services:
    def __init__(self, settings: Settings, store: Store | None = None, llm: LLM | None = None):
        self.settings = settings
        self._store = store
        self._llm = llm
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                from assistant.index.store import Store

                self._store = Store(self.settings)
            return self._store

    @property
    def llm(self) -> LLM:
        with self._lock:
            if self._llm is None:
                from assistant.backends.registry import get_backend

                self._llm = get_backend(self.settings)
            return self._llm

    def reports(self) -> list[Report]:
        return self.store.reports()

    def report_choices(self, everything: str | None = None) -> list[tuple[str, str]]:
        """(label, report_id) pairs for dropdowns; `everything` adds an 'all reports' entry."""
        choices = [(f"{r.label}（{r.report_id}）", r.report_id) for r in self.reports()]
        return ([(everything, "")] if everything else []) + choices
