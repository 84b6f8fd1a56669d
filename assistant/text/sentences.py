"""Sentences and clauses of Chinese report text.

Two sentence rules, for two jobs: `segments` covers the text contiguously and never cuts
inside “quotes” or 《titles》 (chunk boundaries must not split a quoted slogan), while
`sentence_spans` yields the trimmed sentences that answers quote and verification reads,
cutting at every 。！？；. A clause is what lies between commas, semicolons and full stops:
the unit a figure belongs to ("负责人出庭应诉122件" in "应诉124件,负责人出庭应诉122件,…").
"""

from __future__ import annotations

import re

from assistant.text.changes import CHANGE_WORDS

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


# A clause that is only its figure ("只有37名", "共12件", "增长6.1%") says it of the clause before it:
# "队伍中畲族成员比例偏低,只有37名" counts 畲族成员, "地区生产总值4931.6亿元,增长6.1%" is its growth.
_BARE_COUNT = re.compile(
    r"(?:只有|仅有|仅|共有|共计|合计|共|计|达到|达|为|有)?\d+(?:\.\d+)?[万亿]?[名人位件个项起次家处所条宗]|"
    rf"(?:同比|比上年|较上年)?(?:{CHANGE_WORDS})\d+(?:\.\d+)?(?:%|％|个百分点)"
)


def leans_on_previous(clause: str) -> bool:
    return bool(_BARE_COUNT.fullmatch(clause.strip(" 。；;")))


def said_with_subject(text: str) -> dict[str, str]:
    """Each comma clause of `text` with what it says: itself, or — for a clause that is only its
    figure — the clause before it in the same sentence and itself."""
    said, previous = {}, None
    for m in CLAUSE.finditer(text):
        clause = m.group(0)
        joined = previous is not None and text[m.start() - 1 : m.start()] in ",，"
        said[clause] = f"{previous}，{clause}" if joined and leans_on_previous(clause) else clause
        previous = clause
    return said


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(TERMINATORS))
