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

import re

from assistant.core.config import Settings
from assistant.core.types import Hit, Scope
from assistant.index.snapshot import Snapshot
from assistant.index.store import Store
from assistant.qa.about import fields_asked
from assistant.qa.scope import detect_scope
from assistant.qa.verify import coverage
from assistant.text.places import name_variants, without_names
from assistant.text.words import key_terms

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
    snapshot: Snapshot | None = None,
) -> tuple[list[Hit], Scope]:
    """The top-k hits and the scope they were searched in. `snapshot` is the registry when
    the caller already holds it; the question is embedded once whatever the scope."""
    k = k or settings.top_k
    snap = snapshot or store.snapshot()
    reports = list(snap.reports)
    scope = detect_scope(question, reports, report, snap.places) if (settings.auto_scope or report) else Scope()
    if report and not scope.report_ids:
        store.find_report(report)  # raises with the list of valid reports
    if settings.auto_scope and not (report or scope.report_ids or scope.missing):
        scope = _own_word(question, store, snap) or scope
    if scope.missing and scope.year is None and not scope.unheld:
        return [], scope  # refused before any search (a place no report is about is searched for: one may name it)
    query = store.embedder.encode([question])[0] if settings.dense_weight > 0 else None
    if scope.prefer:
        return _latest_first(question, query, store, settings, scope, k, snap)
    groups = [[rid] for rid in scope.report_ids] if len(scope.report_ids) > 1 else [scope.report_ids]
    # one more per place than an even split: a place whose answer ranks third in its own report
    # is not crowded out by the other places' titles and openings
    per_group = -(-k // len(groups)) + 1 if len(groups) > 1 else k
    hits: list[Hit] = []
    for group in groups:
        hits += _search(question, query, store, settings, group, per_group, snap)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[: max(k, per_group * len(groups))], scope


_OPENING = 300  # characters: a report's title and first sentences, where it names itself


def _own_word(question: str, store: Store, snap: Snapshot) -> Scope | None:
    """ "光谷2024年人民调解的成功率有多高？": a question naming no place, led by a word only one report of
    the library uses — three times or more, and in its opening, where a report names itself (东湖高新区's
    "把法治作为光谷最好的营商环境"). It is about that report: answered from it or refused, never from a
    report of another place that happens to state a 调解成功率."""
    lexical = store.lexical(snap)
    # only the question's first word, where a place's name would stand: its subject, not a measure it asks
    for term in key_terms(question, ignore=snap.place_names)[:1]:
        rows = lexical.top(term, _CANDIDATES) if len(term) >= 2 else []
        owners = {lexical.ids[row][:16] for row, _ in rows}
        if len(owners) != 1:
            continue
        found = next((r for r in snap.reports if r.version[:16] in owners), None)
        text = store.report_text(found.report_id) if found else ""
        if term in text[:_OPENING] and text.count(term) >= 3:
            return Scope(report_ids=[found.report_id], reason=f"问题提到“{term}”：库中只有{found.label}这样称呼")
    return None


_NOW = re.compile(r"眼下|目前|现在|现有|当前|如今|最新")


def _latest_first(question, query, store: Store, settings: Settings, scope: Scope, k: int, snap: Snapshot):
    """The latest report's hits, unless another year's report holds more of the question's
    key terms (weighted by length) in one chunk: then every year's hits, and the scope says
    the latest did not answer."""
    latest = _search(question, query, store, settings, [scope.prefer], k, snap)
    every = _search(question, query, store, settings, scope.report_ids, k, snap)
    terms = key_terms(question, ignore=name_variants(r.place for r in snap.reports))
    best = lambda hits: max((coverage(h.chunk.text, terms) for h in hits), default=0.0)  # noqa: E731
    # "眼下…一共多少": the present is the latest report's, however another year's words match
    if latest and (best(latest) >= best(every) or _NOW.search(question)):
        return latest, scope.model_copy(update={"report_ids": [scope.prefer]})
    year = snap.by_id[scope.prefer].year
    reason = scope.reason.split("：")[0] + f"：最新的{year}年报告中没有找到相关内容，也查了其他年度的报告"
    return every, scope.model_copy(update={"reason": reason, "prefer": None})


def _search(
    question: str, query, store: Store, settings: Settings, report_ids: list[str], k: int, snap: Snapshot
) -> list[Hit]:
    lexical = store.lexical(snap)
    owners = snap.owners(report_ids) if report_ids else None
    bm25 = {
        lexical.ids[row]: score
        for row, score in lexical.top(_unplaced(question, report_ids, snap), _CANDIDATES, owners)
    }
    dense: dict[str, float] = {}
    if query is not None:
        dense = dict(store.dense_search(query, _CANDIDATES, report_ids or None, snap))
    b, d = _scaled(bm25), _scaled(dense)
    fused = {
        cid: settings.bm25_weight * b.get(cid, 0.0) + settings.dense_weight * d.get(cid, 0.0) for cid in set(b) | set(d)
    }
    top = sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]
    records = store.get_chunks(top)
    return [
        Hit(records[cid], snap.by_id[records[cid].report_id], fused[cid], bm25.get(cid, 0.0), dense.get(cid, 0.0))
        for cid in top
        if cid in records and records[cid].report_id in snap.by_id
    ]


def _unplaced(question: str, report_ids: list[str], snap: Snapshot) -> str:
    """The question less the names of the places searched: inside 大兴安岭地区's report, "大兴安岭地区…复议
    申请" would rank the title and the opening (which name the place) above the sentence on 复议申请."""
    if not report_ids or fields_asked(question):
        return question  # a question about the report itself is answered by its header and signature lines
    reports = [snap.by_id[rid] for rid in report_ids if rid in snap.by_id]
    rest = without_names(question, name_variants([r.place for r in reports] + [r.parent for r in reports]))
    return rest if rest.strip(" ？?。，,") else question  # a question that is only a name keeps it
