"""Evaluation against gold questions (assistant/evals/gold/questions.jsonl).

Retrieval: a retrieved chunk counts as relevant when it contains an evidence quote;
we report recall@k (k = 1, 3, 5) and MRR over answerable questions, plus how often the
automatic scope picked the question's report. Answers are graded like simple-evals:
CORRECT (every gold fact present after normalisation), INCORRECT, or NOT_ATTEMPTED
(a refusal); unanswerable questions are CORRECT only when refused.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from pydantic import BaseModel

from assistant.core.config import Settings
from assistant.qa.retrieve import retrieve
from assistant.index.store import Store
from assistant.qa.verify import cn_to_int

M = TypeVar("M", bound=BaseModel)
GOLD = Path(__file__).resolve().parent / "gold" / "questions.jsonl"


class GoldItem(BaseModel):
    id: str
    question: str
    report: str | None = None
    facts: list[str] = []
    evidence: list[str] = []
    unanswerable: bool = False
    kind: str = "number"


def load_jsonl(path: str | Path, model: type[M], what: str) -> list[M]:
    """One validated `model` per non-blank line; a bad line is named by file and number."""
    items = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(model.model_validate_json(line))
            except ValueError as exc:
                from assistant.core.errors import ConfigError

                raise ConfigError(f"{path}:{i}: 不是有效的{what}条目 / invalid line: {exc}") from exc
    return items


def load_gold(path: str | Path = GOLD) -> list[GoldItem]:
    return load_jsonl(path, GoldItem, "金标准 / gold")


def normalize(text: str) -> str:
    """For fact matching: NFKC, no spaces or thousands separators, Chinese numerals -> digits."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return re.sub(r"[零〇一二两三四五六七八九十百千]{2,}",
                  lambda m: str(v) if (v := cn_to_int(m.group(0))) is not None else m.group(0), text)


def fact_present(fact: str, answer: str) -> bool:
    return normalize(fact) in normalize(answer)


def _contains(chunk_text: str, quotes: Iterable[str]) -> bool:
    text = normalize(chunk_text)
    return any(normalize(q) in text for q in quotes)


def retrieval_eval(store: Store, settings: Settings, items: list[GoldItem], ks=(1, 3, 5),
                   progress: Callable[[int], None] | None = None) -> tuple[dict, list[dict]]:
    places = {r.report_id: r.place for r in store.reports()}
    rows = []
    for item in items:
        if item.unanswerable:
            continue
        hits, scope = retrieve(item.question, store, settings, k=max(ks))
        rank = next((i + 1 for i, h in enumerate(hits) if _contains(h.chunk.text, item.evidence)), None)
        scoped = {places.get(r) for r in scope.report_ids}
        rows.append({"id": item.id, "kind": item.kind, "report": item.report, "rank": rank,
                     "scope_ok": (scoped == {item.report}) if item.report else (len(scoped) != 1)})
        if progress:
            progress(1)
    n = len(rows) or 1
    metrics = {f"recall@{k}": sum(1 for r in rows if r["rank"] and r["rank"] <= k) / n for k in ks}
    metrics["mrr"] = sum(1 / r["rank"] for r in rows if r["rank"]) / n
    metrics["scope_accuracy"] = sum(r["scope_ok"] for r in rows) / n
    metrics["questions"] = len(rows)
    return metrics, rows


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def dump_jsonl(rows: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def grade(item: GoldItem, answer) -> str:
    if item.unanswerable:
        return "CORRECT" if answer.refused else "INCORRECT"
    if answer.refused:
        return "NOT_ATTEMPTED"
    return "CORRECT" if all(fact_present(f, answer.answer) for f in item.facts) else "INCORRECT"


def answer_eval(store: Store, llm, settings: Settings, items: list[GoldItem],
                progress: Callable[[int], None] | None = None) -> tuple[dict, list[dict]]:
    from assistant.qa.answer import ask
    from assistant.qa.verify import number_set, strip_citations

    rows = []
    for item in items:
        answer = ask(item.question, store, llm, settings)
        cited = " ".join(c.quote for c in answer.citations)
        # Numbers the question supplies, and the years in the cited reports' names ("根据武威市2021年
        # 报告"), are not claims the answer makes.
        exempt = number_set(item.question) | number_set(" ".join(c.report for c in answer.citations))
        numbers = number_set(strip_citations(answer.answer)) - exempt if not answer.refused else set()
        rows.append({
            "id": item.id, "kind": item.kind, "report": item.report, "question": item.question,
            "answer": answer.answer, "grade": grade(item, answer), "method": answer.method,
            "grounded": answer.grounded, "refused": answer.refused,
            "citations": [c.model_dump() for c in answer.citations],
            "citation_ok": (any(_contains(c.quote, item.evidence) or _contains(item.evidence[0], [c.quote])
                                for c in answer.citations) if item.evidence and answer.citations else None),
            "numbers": len(numbers), "numbers_in_citations": sum(1 for n in numbers if n in number_set(cited)),
            "timings": answer.timings, "usage": answer.usage,
        })
        if progress:
            progress(1)
    answerable = [r for r in rows if not next(i for i in items if i.id == r["id"]).unanswerable]
    unanswerable = [r for r in rows if r not in answerable]
    totals = [r["timings"]["total_ms"] for r in rows]
    cites = [r["citation_ok"] for r in rows if r["citation_ok"] is not None]
    n_numbers = sum(r["numbers"] for r in rows)
    metrics = {
        "fact_accuracy": sum(r["grade"] == "CORRECT" for r in answerable) / (len(answerable) or 1),
        "false_refusal_rate": sum(r["refused"] for r in answerable) / (len(answerable) or 1),
        "refusal_accuracy": (sum(r["refused"] for r in unanswerable) / len(unanswerable)) if unanswerable else None,
        "citation_precision": sum(cites) / len(cites) if cites else None,
        "numeric_faithfulness": (sum(r["numbers_in_citations"] for r in rows) / n_numbers) if n_numbers else None,
        "grounded_rate": sum(r["grounded"] for r in rows) / (len(rows) or 1),
        "latency_p50_ms": percentile(totals, 50), "latency_p95_ms": percentile(totals, 95),
        "prompt_tokens": sum(r["usage"].get("prompt_tokens", 0) for r in rows),
        "completion_tokens": sum(r["usage"].get("completion_tokens", 0) for r in rows),
        "questions": len(rows),
    }
    return metrics, rows
