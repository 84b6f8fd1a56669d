"""Numbers and quotes checked against the sources.

A number is *grounded* when it occurs in a cited source; it is *supported* when the
source sentence holding it shares a key term with the question (so "办结率100%" does not
back an answer about 出庭应诉率 just because both say 100%). Answers that fail either
check go down the answer ladder (qa/answer.py): retried, then quoted, then refused.
Numbers are compared canonically (text/numerals.py): "98.40%" grounds "98.4%".
"""

from __future__ import annotations

from assistant.text.numerals import CITATION_MARKER, canonical, numbers_in, stated_numbers
from assistant.text.sentences import sentences


def cited_ids(text: str) -> list[int]:
    return sorted({int(n) for n in CITATION_MARKER.findall(text)})


def strip_citations(text: str) -> str:
    return CITATION_MARKER.sub("", text)


def ungrounded_numbers(answer: str, sources: list[str], exempt: set[str] = frozenset()) -> list[str]:
    """Numbers in the answer that occur in none of the given source texts.
    `exempt` holds numbers the user supplied (the question's years, report labels)."""
    available = set().union(*(stated_numbers(s) for s in sources)) if sources else set()
    return [n for n in dict.fromkeys(canonical(n) for n in numbers_in(answer)) if n not in available | exempt]


def unsupported_numbers(answer: str, sources: list[str], terms: list[str], exempt: set[str] = frozenset()) -> list[str]:
    """Numbers whose every occurrence in the sources sits in a sentence sharing no key term."""
    if not terms:
        return []
    bad = []
    for n in dict.fromkeys(canonical(x) for x in numbers_in(answer)):
        if n in exempt:
            continue
        holding = [s for src in sources for s in sentences(src) if n in stated_numbers(s)]
        if holding and not any(any(t in s for t in terms) for s in holding):
            bad.append(n)
    return bad


def coverage(sentence: str, terms: list[str]) -> float:
    """Share of the question's key terms (weighted by length) that a sentence contains."""
    if not terms:
        return 0.0
    total = sum(len(t) for t in terms)
    return sum(len(t) for t in terms if t in sentence) / total
