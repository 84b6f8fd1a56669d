"""Grading rules, as in openai/simple-evals: CORRECT, INCORRECT or NOT_ATTEMPTED.

An answerable question is CORRECT when every gold fact occurs in the answer after
normalisation (NFKC, no spaces or thousands separators, Chinese numerals as digits), and
NOT_ATTEMPTED when the product refused; an unanswerable one is CORRECT only when refused.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from typing import Literal

from assistant.core.types import Answer
from assistant.evals.gold import GoldItem
from assistant.text.numerals import cn_numerals_to_digits

Grade = Literal["CORRECT", "INCORRECT", "NOT_ATTEMPTED"]


def normalize(text: str) -> str:
    """For fact matching: NFKC, no spaces or thousands separators, Chinese numerals -> digits."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    # A date is the same in either form: 2025年6月13日 == 2025-06-13.
    text = re.sub(
        r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日", lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text
    )
    # A rank is the same in either numerals: 第二名 == 第2名.
    text = re.sub(
        r"第([一二三四五六七八九])(?![一二三四五六七八九十百千万])",
        lambda m: f"第{'一二三四五六七八九'.index(m.group(1)) + 1}",
        text,
    )
    return cn_numerals_to_digits(text)


def fact_present(fact: str, answer: str) -> bool:
    return normalize(fact) in normalize(answer)


def contains_evidence(text: str, quotes: Iterable[str]) -> bool:
    """Does `text` hold one of the gold evidence quotes (after normalisation)?"""
    text = normalize(text)
    return any(normalize(q) in text for q in quotes)


def shown(answer: Answer) -> str:
    """Everything the answer shows: the direct answer and the verified text behind it."""
    return f"{answer.answer} {answer.explanation}".strip()


def grade(item: GoldItem, answer: Answer) -> Grade:
    if item.unanswerable:
        return "CORRECT" if answer.refused else "INCORRECT"
    if answer.refused:
        return "NOT_ATTEMPTED"
    return "CORRECT" if all(fact_present(f, shown(answer)) for f in item.facts) else "INCORRECT"


_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def token_f1(prediction: str, facts: list[str]) -> float:
    """Token F1 of an answer against the gold facts, over jieba tokens after removing
    punctuation and spaces — LongBench's Chinese QA metric (qa_f1_zh_score)."""
    from collections import Counter

    from assistant.text.words import cut

    pred = Counter(t for t in cut(_PUNCT.sub("", normalize(prediction).lower())) if t.strip())
    gold = Counter(t for t in cut(_PUNCT.sub("", normalize("".join(facts)).lower())) if t.strip())
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def is_direct(text: str, facts: list[str]) -> bool:
    """Does `text` answer with just what was asked: every gold fact in it, and little else —
    at most twice the facts' length plus a few characters for units and separators, and a
    short label (深圳市光明区2022年：) for each fact after the first?"""
    bare = normalize(text)
    wanted = [normalize(f) for f in facts]
    allowance = 2 * sum(len(w) for w in wanted) + 8 + 12 * (len(wanted) - 1)
    return all(w in bare for w in wanted) and len(bare) <= allowance


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def mean(values: Iterable[float | bool]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
