"""BM25 over jieba-tokenised chunks (bm25s).

BM25 is the retriever that finds exact terms (出庭应诉率, 行政复议): measured on the
seeds it ranks the gold chunk first far more often than the embedding model. Tokens come
from text/words.py, shared with the question's key terms.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import numpy as np

from assistant.text.words import tokenize


class LexicalIndex:
    """A bm25s index whose rows line up with `ids` (chunk ids)."""

    def __init__(self, ids: list[str], retriever=None):
        self.ids = ids
        self.retriever = retriever

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        if not ids:
            return cls([], None)
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) or ["∅"] for t in texts], show_progress=False)
        return cls(list(ids), retriever)

    def scores(self, query: str) -> np.ndarray:
        if self.retriever is None:
            return np.zeros(0, dtype=np.float32)
        vocab = self.retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write to a temporary sibling and rename, so a crash never leaves half an index."""
        # Unique per writer: processes sharing a data dir (one Chroma server) may save at once.
        tmp = directory.with_name(f"{directory.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        tmp.rename(directory)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import bm25s

        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(directory), show_progress=False) if ids else None
        return cls(ids, retriever)
