"""The extractive rung: the source sentence that best answers the question, quoted whole.

For a question that wants a number, the number must sit in a clause about the question,
not merely in a sentence that mentions its topic somewhere else; the sentence is scored by
its best numeric clause's key-term coverage (at least half the sentence's), with a small
bonus for holding a number and for the source's retrieval rank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.qa.sources import Source
from assistant.qa.verify import coverage
from assistant.text.measures import Measure, names_measure
from assistant.text.numerals import figures_in
from assistant.text.outline import heading_level
from assistant.text.sentences import clauses, leans_on_previous, sentence_spans

EXTRACTIVE_MIN = 0.5  # key-term coverage an extractive quote needs (tuned on the gold questions)
# … and when it does not say what the question asks was done (结案 of "以调解和解方式结案了多少件"): its
# topic alone, covered at half, is not an answer
UNSAID_MIN = 0.6


@dataclass
class Quote:
    source: Source
    start: int  # offsets into the source chunk's text
    end: int
    coverage: float

    @property
    def text(self) -> str:
        return self.source.hit.chunk.text[self.start : self.end]

    def names(self, measure: Measure) -> bool:
        """Does the clause holding the figure (or, without one, the sentence) name the measure?"""
        numeric = [c for c in clauses(self.text) if figures_in(c)]
        return any(names_measure(c, measure) for c in numeric or [self.text])


def _said(sources: list[Source], doing: list[str], names: Callable[[str], bool] | None) -> str | None:
    """The longest of `doing` that a numeric clause of the sources naming the measure says
    ("达到7800亿元" does not name 地区生产总值, so 达到 is not said there)."""
    numeric = [
        c
        for src in sources
        for s, e in sentence_spans(src.hit.chunk.text)
        for c in clauses(src.hit.chunk.text[s:e])
        if figures_in(c) and (names is None or names(c))
    ]
    return next((w for w in doing if any(w in c for c in numeric)), None)


_ONE_PHRASE = re.compile(r"[^，,；;。]*。?")


_LINE_LABEL = re.compile(r"[·•\s]*([\u4e00-\u9fff]{2,12})[:：]")


def _is_heading(sentence: str) -> bool:
    """A section's own title ("(一)收取信息处理费情况。"), short and of one phrase: it names what the
    sentence after it says."""
    s = sentence.strip()
    return heading_level(s) in (1, 2) and len(s) <= 24 and bool(_ONE_PHRASE.fullmatch(s))


def best_sentence(
    sources: list[Source],
    terms: list[str],
    wants_number: bool,
    names: Callable[[str], bool] | None = None,
    avoid: Callable[[str], bool] | None = None,
    asked: list[str] = (),
    doing: list[str] = (),
    counts: Callable[[str], bool] | None = None,
) -> Quote | None:
    """The best sentence; with `names`, a figure must sit in a clause that names the measure;
    sentences `avoid` rejects are passed over. `asked`: the key terms of the clause that asks
    ("宣布废止的有几件" of "…做了清理，宣布废止的有几件"): a figure's clause that names them,
    in a sentence that names the rest, is about the question although it is short. `doing`: the
    words right before 多少 (qa/direct.doing_words); when a numeric clause says one, the figure
    must be in such a clause. `counts`: what a figure's clause must count (persons, for
    "多少名…"; qa/direct.counter_test)."""
    # "求助类有多少件": where a numeric clause of the sources says 求助类, only such clauses answer.
    said = _said(sources, doing, names) if wants_number and doing else None
    best, best_score = None, -1.0
    for rank, src in enumerate(sources):
        text = src.hit.chunk.text
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if avoid and avoid(sentence):
                continue
            # a line's label governs its later sentences: "安全生产：检查1460次；立案138件；罚没款286万元"
            label = _LINE_LABEL.match(text, text.rfind("\n", 0, s) + 1)
            label = label.group(1) if label and label.end() <= s else ""
            if wants_number:
                around = coverage(label + sentence, terms)
                parts = clauses(sentence)
                # a figure's clause may lean on the one before it for its subject: "建立“无事不扰”企业
                # 名单,2025年6月底前首批纳入企业不少于500家"
                numeric = [
                    max(
                        coverage(c, terms),
                        0.9 * coverage(parts[i - 1] + c, terms) if i else 0.0,
                        0.9 * coverage(label + c, terms) if label else 0.0,
                        0.5 * around + 0.5 * coverage(c, asked) if asked else 0.0,
                    )
                    for i, c in enumerate(parts)
                    if figures_in(c)
                    and (names is None or names(c))
                    and (said is None or said in c or (i and leans_on_previous(c) and said in parts[i - 1]))
                    and (counts is None or counts(c))
                ]
                if not numeric:
                    continue
                cov = max(max(numeric), 0.5 * around)
            else:
                cov = coverage(sentence, terms)
            score = cov + (0.15 if wants_number else 0) + 0.05 / (rank + 1) - (0.2 if _is_heading(sentence) else 0)
            if score > best_score:
                best, best_score = Quote(src, s, e, cov), score
    return best
