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
    """A bm25s index whose rows line up with `ids` (chunk ids).

    Rows are in registry order, so each report's chunks are one contiguous run of rows
    (`spans`). A question scoped to some reports is scored only inside their runs: in each
    query token's posting list (sorted by row) a binary search cuts out the run, so a
    scoped question costs about the same at ten thousand reports as at ten. An unscoped one
    sums whole posting lists with one `bincount`.
    """

    def __init__(self, ids: list[str], retriever=None):
        self.ids = ids
        self.retriever = retriever
        self.spans: dict[str, tuple[int, int]] = {}  # chunk-id prefix (report version) -> rows [lo, hi)
        for row, cid in enumerate(ids):
            prefix = cid.split(":", 1)[0]
            lo, _ = self.spans.get(prefix, (row, row))
            self.spans[prefix] = (lo, row + 1)
        self._sorted = retriever is None or _postings_sorted(retriever.scores)

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        if not ids:
            return cls([], None)
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) or ["∅"] for t in texts], show_progress=False)
        return cls(list(ids), retriever)

    def chunk_ids(self, owners: list[str]) -> list[str]:
        """The chunk ids of `owners` (report version prefixes), from their runs of rows."""
        return [cid for o in owners if o in self.spans for cid in self.ids[slice(*self.spans[o])]]

    def top(self, query: str, k: int, owners: list[str] | None = None) -> list[tuple[int, float]]:
        """The `k` best (row, score) with a positive score, among the rows of `owners`
        (report version prefixes) when given."""
        if self.retriever is None:
            return []
        vocab = self.retriever.vocab_dict
        token_ids = [vocab[t] for t in tokenize(query) if t in vocab]  # repeats count, as in bm25s
        if not token_ids:
            return []
        spans = None if owners is None else sorted(self.spans[o] for o in owners if o in self.spans)
        if spans == []:
            return []
        if not self._sorted:  # not expected from bm25s; score everything and mask
            scores = self.scores(query)
            if spans is not None:
                keep = np.zeros(len(scores), dtype=bool)
                for lo, hi in spans:
                    keep[lo:hi] = True
                scores = np.where(keep, scores, 0.0)
            rows = np.flatnonzero(scores > 0)
            return _best(rows, scores[rows], k)
        rows, weights = self._postings(token_ids, spans)
        if len(rows) == 0:
            return []
        if spans is None:
            scores = np.bincount(rows, weights=weights, minlength=len(self.ids))
            hit = np.flatnonzero(scores > 0)
            return _best(hit, scores[hit], k)
        unique, inverse = np.unique(rows, return_inverse=True)
        return _best(unique, np.bincount(inverse, weights=weights), k)

    def _postings(self, token_ids: list[int], spans: list[tuple[int, int]] | None):
        m = self.retriever.scores
        data, indices, indptr = m["data"], m["indices"], m["indptr"]
        rows, weights = [], []
        for t in token_ids:
            start, end = int(indptr[t]), int(indptr[t + 1])
            column = indices[start:end]
            for lo, hi in spans or [(None, None)]:
                a, b = (0, end - start) if lo is None else np.searchsorted(column, (lo, hi))
                rows.append(column[a:b])
                weights.append(data[start + a : start + b])
        return np.concatenate(rows), np.concatenate(weights).astype(np.float64)

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


def _postings_sorted(scores: dict) -> bool:
    """Are the rows of every posting list ascending (what the binary search needs)?"""
    indices, indptr = scores["indices"], scores["indptr"]
    if len(indices) < 2:
        return True
    rising = np.diff(indices.astype(np.int64)) > 0
    column_starts = indptr[1:-1]  # a drop is allowed where a new column begins
    rising[column_starts[(column_starts > 0) & (column_starts < len(indices))] - 1] = True
    return bool(rising.all())


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    if len(rows) > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))  # best first; ties by row, so results are stable
    return [(int(rows[i]), float(scores[i])) for i in order]
