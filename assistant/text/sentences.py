"""Sentences and clauses of Chinese report text.

Two sentence rules, for two jobs: `segments` covers the text contiguously and never cuts
inside “quotes” or 《titles》 (chunk boundaries must not split a quoted slogan), while
`sentence_spans` yields the trimmed sentences that answers quote and verification reads,
cutting at every 。！？；. A clause is what lies between commas, semicolons and full stops:
the unit a figure belongs to ("负责人出庭应诉122件" in "应诉124件,负责人出庭应诉122件,…").
"""

from __future__ import annotations

import re

TERMINATORS = "。！？!?；;"
OPENERS, CLOSERS = "“‘「『《〈", "”’」』》〉"
CLAUSE = re.compile(r"[^,，;；。!?！？\n]+")
SENTENCE = re.compile(r"[^。!?！？;；\n]+[。!?！？;；]?")


def segments(text: str) -> list[tuple[int, int]]:
    """Contiguous spans covering text, each ending after a terminator or newline that is
    outside quotation marks, plus the whitespace that follows it."""
    spans, start, depth, i, n = [], 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        if ch == "\n" or (ch in TERMINATORS and depth == 0):
            if ch == "\n":
                depth = 0  # an unbalanced quote must not swallow the rest of the report
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            spans.append((start, j))
            start, i = j, j
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans without leading whitespace, for quoting."""
    spans = []
    for m in SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if e > s:
            spans.append((s, e))
    return spans


def sentences(text: str) -> list[str]:
    return SENTENCE.findall(text)


def clauses(text: str) -> list[str]:
    return [m.group(0) for m in CLAUSE.finditer(text)]


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(TERMINATORS))
