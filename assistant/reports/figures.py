"""Verification of the figures and sentences a model proposes for a summary.

A 关键数据 entry is kept only if its 原文 occurs verbatim in the report (preferring its own
section) and holds its 数值 — or, paraphrased, can be traced back to the report's own clause
(`relocate`); its 数值 is one number, its 指标 shares wording with the quote, and its 单位
follows a number there. A 要点 or overview sentence is kept only if its numbers occur in the
report. What is dropped is counted in the summary's Provenance, never silently filtered.
"""

from __future__ import annotations

import re

from assistant.reports.summary_models import FigureDraft, KeyFigure, Provenance
from assistant.text.numerals import CN_DIGIT_CHARS, number_set
from assistant.text.sentences import CLAUSE


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def _labels(label: str, quote: str) -> bool:
    """Does the 指标 share wording with the quote ("出庭应诉率" with a clause about 建议 and
    提案 does not)? Labels without two Chinese characters in a row are not checked."""
    wanted = _bigrams(label)
    return not wanted or bool(wanted & _bigrams(quote))


def relocate(figure: FigureDraft, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Small models paraphrase the 原文 they were asked to copy. When its 数值 occurs in the
    section, the clause that holds that number and shares most wording with 原文 + 指标 is the
    quote they meant — provided the 指标 itself shares wording with it, so the label belongs
    to the number. Returns the clause's (start, end) in `text`, or None."""
    value = number_set(figure.数值)
    label = _bigrams(figure.指标)
    if len(value) != 1 or not label:
        return None
    wanted = _bigrams(figure.原文) | label
    best, best_score = None, 1  # at least two shared bigrams
    for m in CLAUSE.finditer(text, start, end):
        clause = m.group(0)
        if not value <= number_set(clause) or not (label & _bigrams(clause)):
            continue
        score = len(wanted & _bigrams(clause))
        if score > best_score:
            lead = len(clause) - len(clause.lstrip())
            best, best_score = (m.start() + lead, m.start() + len(clause.rstrip())), score
    return best


def check_figure(
    figure: FigureDraft, text: str, start: int = 0, end: int | None = None, prov: Provenance | None = None
) -> KeyFigure | None:
    """Keep a figure only if its 原文 is verbatim in the text (preferring the section
    text[start:end]) — or, paraphrased, can be `relocate`d to the clause it came from —, its
    数值 is one number that occurs in that 原文, its 指标 shares wording with it, and its
    单位, if any, follows a number there."""
    quote = figure.原文.strip()
    end = len(text) if end is None else end
    at = text.find(quote, start, end) if quote else -1
    at = at if at >= 0 or not quote else text.find(quote)
    value, unit = number_set(figure.数值), re.escape(figure.单位.strip())
    if at < 0 or not value <= number_set(quote):
        span = relocate(figure, text, start, end)
        if span is None:
            return None
        at, quote = span[0], text[span[0] : span[1]]
        if prov is not None:
            prov.figures_relocated += 1
    if len(value) != 1 or not _labels(figure.指标, quote):
        return None  # one figure is one number, and its 指标 must be about the quoted clause
    if unit and not re.search(rf"[\d{CN_DIGIT_CHARS}十百千][余多万亿]{{0,2}}{unit}", quote):
        return None  # the unit must follow a number, not just occur somewhere ("负责人")
    return KeyFigure(**{**figure.model_dump(), "原文": quote, "start": at, "end": at + len(quote)})


def grounded(items: list[str], available: set[str], what: str, prov: Provenance) -> list[str]:
    kept = []
    for item in (i.strip() for i in items):
        if item and item not in kept:
            if number_set(item) <= available:
                kept.append(item)
            else:
                prov.drop(what)
    return kept
