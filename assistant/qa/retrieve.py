"""Hybrid retrieval: BM25 (jieba) fused with sentence embeddings, scoped by report.

Fusion is a weighted sum of each retriever's scores scaled to [0, 1] over the
candidates. Plain reciprocal-rank fusion lost BM25's precision on exact-term
questions; with BM25 weighted well above the embeddings, the dense side mostly
breaks ties and rescues paraphrases. The weights are settings, tuned on the gold
set (see evals/ and the README's figures).

Scope (qa/scope.py): a question that names an ingested place ("乌海市…", or "乌海…") is
restricted to that place's reports, and the scope is reported back to the user.
"""

from __future__ import annotations

import numpy as np

from assistant.core.config import Settings
from assistant.core.types import Hit, Report, Scope
from assistant.index.store import Store
from assistant.qa.scope import detect_scope

_CANDIDATES = 30


def _scaled(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    hi, lo = max(values.values()), min(values.values())
    span = hi - lo
    return {k: ((v - lo) / span if span > 1e-9 else 1.0) for k, v in values.items()}


def retrieve(
    question: str,
    store: Store,
    settings: Settings,
    *,
    report: str | None = None,
    k: int | None = None,
    reports: list[Report] | None = None,
) -> tuple[list[Hit], Scope]:
    """The top-k hits and the scope they were searched in. `reports` is the registry when the
    caller has just read it (each read is a round trip to Chroma)."""
    k = k or settings.top_k
    reports = {r.report_id: r for r in (store.reports() if reports is None else reports)}
    scope = detect_scope(question, list(reports.values()), report) if (settings.auto_scope or report) else Scope()
    if report and not scope.report_ids:
        store.find_report(report)  # raises with the list of valid reports
    groups = [[rid] for rid in scope.report_ids] if len(scope.report_ids) > 1 else [scope.report_ids]
    per_group = max(1, -(-k // len(groups))) if len(groups) > 1 else k
    hits: list[Hit] = []
    for group in groups:
        hits += _search(question, store, settings, group, per_group, reports)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[: max(k, len(groups))], scope


def _search(
    question: str, store: Store, settings: Settings, report_ids: list[str], k: int, reports: dict[str, Report]
) -> list[Hit]:
    lexical = store.lexical(list(reports.values()))
    bm25: dict[str, float] = {}
    if lexical.ids:
        scores = lexical.scores(question)
        allowed = None
        if report_ids:
            owners = {reports[rid].version[:16] for rid in report_ids if rid in reports}
            allowed = np.array([cid.split(":")[0] in owners for cid in lexical.ids])
            scores = np.where(allowed, scores, -1.0)
        for i in np.argsort(-scores)[:_CANDIDATES]:
            if scores[i] > 0:
                bm25[lexical.ids[i]] = float(scores[i])
    dense: dict[str, float] = {}
    if settings.dense_weight > 0:
        query = store.embedder.encode([question])[0]
        dense = dict(store.dense_search(query, _CANDIDATES, report_ids or None, list(reports.values())))
    b, d = _scaled(bm25), _scaled(dense)
    fused = {
        cid: settings.bm25_weight * b.get(cid, 0.0) + settings.dense_weight * d.get(cid, 0.0) for cid in set(b) | set(d)
    }
    top = sorted(fused, key=fused.get, reverse=True)[:k]
    records = store.get_chunks(top)
    return [
        Hit(records[cid], reports[records[cid].report_id], fused[cid], bm25.get(cid, 0.0), dense.get(cid, 0.0))
        for cid in top
        if cid in records and records[cid].report_id in reports
    ]
