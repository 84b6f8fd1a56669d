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
    return cn_numerals_to_digits(text)


def fact_present(fact: str, answer: str) -> bool:
    return normalize(fact) in normalize(answer)


def contains_evidence(text: str, quotes: Iterable[str]) -> bool:
    """Does `text` hold one of the gold evidence quotes (after normalisation)?"""
    text = normalize(text)
    return any(normalize(q) in text for q in quotes)


def grade(item: GoldItem, answer: Answer) -> Grade:
    if item.unanswerable:
        return "CORRECT" if answer.refused else "INCORRECT"
    if answer.refused:
        return "NOT_ATTEMPTED"
    return "CORRECT" if all(fact_present(f, answer.answer) for f in item.facts) else "INCORRECT"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def mean(values: Iterable[float | bool]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
