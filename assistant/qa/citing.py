"""Citations: which source sentences back an answer, quoted with offsets into the report.

A cited source contributes the sentence that holds most of the answer's numbers (then most
of the question's key terms), and the sentences holding the answer's other numbers it has. Small models often forget the [n] markers, so
`with_citations` adds them: the source holding all the answer's numbers, else each source
holding some (up to three), else — for an answer without numbers — the best-matching one.
A draft that is only a figure is spelled out as the clause that holds it (`spelled_out`), and a
count keeps the report's counter (`as_written`: 137件, not the model's 137起).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.core.types import Chunk, Citation, Report
from assistant.qa.sources import Source
from assistant.qa.verify import cited_ids, coverage, strip_citations
from assistant.text.numerals import number_set
from assistant.text.sentences import clauses, sentence_spans
from assistant.text.years import YEAR_MENTION


def cite(sources: list[Source], text: str, terms: list[str]) -> list[Citation]:
    """Per cited source, its sentence that best backs the answer — and, while the answer has
    numbers the source holds in other sentences, the sentence holding most of those too
    (adjacent sentences as one quote), so every figure shown is in a quote."""
    ids = cited_ids(text)
    wanted = number_set(text)
    cited = [src for src in sources if src.n in ids]
    # A report cited for none of the answer's figures while another cited report holds them is not
    # its account ("从1046名增加到1168名 [1][3]", [1] the 2023 report's 培训1060人次): its citation goes.
    figures = number_set(YEAR_MENTION.sub("", strip_citations(text)))
    holding = {src.hit.report.report_id for src in cited if figures & number_set(src.hit.chunk.text)}
    if holding:
        cited = [src for src in cited if src.hit.report.report_id in holding]
    return [quote_citation(src, s, e) for src in cited for s, e in _backing(src.hit.chunk.text, wanted, terms)]


def _backing(text: str, wanted: set[str], terms: list[str]) -> list[tuple[int, int]]:
    spans = sentence_spans(text) or [(0, len(text))]
    held = [number_set(text[s:e]) for s, e in spans]
    best = max(range(len(spans)), key=lambda i: (len(wanted & held[i]), coverage(text[slice(*spans[i])], terms)))
    chosen, left = [best], (wanted & number_set(text)) - held[best]
    while left and left & held[(more := max(range(len(spans)), key=lambda i: len(left & held[i])))]:
        chosen.append(more)
        left -= held[more]
    merged: list[list[int]] = []
    for s, e in sorted(spans[i] for i in chosen):
        if merged and not text[merged[-1][1] : s].strip():
            merged[-1][1] = e  # the next sentence: one quote
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def quote_citation(src: Source, s: int, e: int) -> Citation:
    """The citation of chunk text [s, e) of source `src`."""
    chunk = src.hit.chunk
    return Citation(
        n=src.n,
        report=src.label,
        report_id=chunk.report_id,
        section=chunk.section,
        quote=chunk.text[s:e],
        start=chunk.start + s,
        end=chunk.start + e,
        chunk_id=chunk.chunk_id,
        location=src.hit.report.locate(chunk.start + s),
    )


def with_citations(text: str, sources: list[Source], terms: list[str]) -> str:
    if cited_ids(text) or not text:
        return text
    wanted = number_set(text)
    holders = [s.n for s in sources if wanted and wanted <= number_set(s.full)][:1]
    if not holders and wanted:  # numbers from several sources: cite each source that holds some
        holders = [s.n for s in sources if wanted & number_set(s.full)][:3]
    if not holders and not wanted:
        holders = [max(sources, key=lambda s: coverage(s.text, terms) + coverage(s.text, [text])).n]
    return text + "".join(f" [{n}]" for n in holders)


_ENUMERATOR = re.compile(r"^(?:\d{1,2}[.．、]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]+是)")


def spelled_out(text: str, sources: list[Source], names: Callable[[str], bool] | None) -> str:
    """A bare figure ("98.4% [1]", as small models answer a short prompt) written out as
    the source clause that holds it ("行政机关负责人出庭应诉率98.4% [1]"): the reader sees what
    the figure counts, in the report's own words, and the checks read that clause. Only
    for a draft of figures and nothing else; the clause must name the measure when one is asked."""
    bare = strip_citations(text)
    figures = [m.group(0) for m in re.finditer(r"\d+(?:\.\d+)?", bare)]
    if not figures or re.search(r"[\u4e00-\u9fff]{3}", bare):
        return text
    ids = cited_ids(text)
    pool = [s for s in sources if s.n in ids] or sources
    parts = []
    for figure in dict.fromkeys(figures):
        found = next(
            (
                (src.n, c)
                for src in pool
                for c in clauses(src.full)
                if figure in number_set(c) and (names is None or names(c))
            ),
            None,
        )
        if found is None:
            return text  # not every figure is in a clause about the measure: the checks decide
        clause = _ENUMERATOR.sub("", found[1].strip("，,。；; "))  # "1.镇综合行政执法队…" without its "1."
        parts.append(f"{clause} [{found[0]}]")
    return "；".join(dict.fromkeys(parts)) + "。"


# Counters a model swaps for one another ("137件" retold as 137起, "19项" as 19个); amounts and rates are never swapped.
_COUNT_WORDS = "件次|人次|户次|件|起|宗|个|项|次|条|家|户|名|人|处|场|部"
_COUNT = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)({_COUNT_WORDS})")


def as_written(text: str, sources: list[Source]) -> str:
    """Each count of the answer with the counter its cited sources give that number, when they give
    it one counter only: "调解了137起纠纷" over "联合调解…137件" becomes 137件 — the figure as the
    report writes it, which is what a reader checks against the quote."""
    ids = cited_ids(text)
    cited = [s.text for s in sources if s.n in ids]

    def written(m: re.Match) -> str:
        said = {c for t in cited for n, c in _COUNT.findall(t) if n == m.group(1)}
        return m.group(1) + said.pop() if len(said) == 1 and m.group(2) not in said else m.group(0)

    return _COUNT.sub(written, text) if cited else text


def span_citation(n: int, report: Report, text: str, start: int, end: int, chunks: list[Chunk]) -> Citation:
    """The citation of [start, end) of a report's cleaned `text`, read by rule rather than from a
    retrieved source (the record's header line, a heading); `chunks` are the report's."""
    chunk = next(c for c in chunks if c.start <= start < c.end)
    return Citation(
        n=n,
        report=report.label,
        report_id=report.report_id,
        section=chunk.section,
        quote=text[start:end],
        start=start,
        end=end,
        chunk_id=chunk.chunk_id,
        location=report.locate(start),
    )
