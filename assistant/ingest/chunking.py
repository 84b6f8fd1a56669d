"""Outline- and sentence-aware chunking of cleaned Chinese report text.

Invariants (property-tested): chunks are contiguous and cover the text exactly,
``text[c.start:c.end] == c.text``, and no chunk exceeds the token budget. Cuts happen
only at sentence ends (。！？；!?;) or line breaks, never inside “quotes”/《titles》;
an over-long sentence falls back to clause commas, then to a token-bounded cut that
still avoids splitting a number.

Worked example: "一、总体情况\n(一)加强领导。一是…。" gives the chunk section path
["一、总体情况", "(一)加强领导"], and a new chunk starts at every 一、/(一) heading.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from assistant.text.outline import heading_level, heading_title, is_item
from assistant.text.sentences import segments
from assistant.text.tokens import count_tokens


@dataclass
class TextChunk:
    """A chunk as the chunker cuts it (ingest/pipeline.py turns it into a stored Chunk)."""

    chunk_id: str
    index: int
    start: int
    end: int
    text: str
    section: list[str] = field(default_factory=list)
    tokens: int = 0

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


def _safe_cut(text: str, pos: int) -> bool:
    """A cut before text[pos] must not split digits, a decimal point or a percentage."""
    numeric = "0123456789.%,"
    return not (0 < pos < len(text) and text[pos - 1] in numeric and text[pos] in numeric)


def _split_long(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Split one over-budget sentence at clause commas, else at the longest safe prefix."""
    pieces, s = [], start
    while count_tokens(text[s:end]) > budget:
        window = text[s:end]
        cut = None
        for m in re.finditer(r"[,，、:：]", window):
            p = s + m.end()
            if _safe_cut(text, p) and count_tokens(text[s:p]) <= budget:
                cut = p
            elif cut is not None:
                break
        if cut is None:  # binary search the longest prefix that fits, then back off a number
            lo, hi = s + 1, end
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if count_tokens(text[s:mid]) <= budget else (lo, mid - 1)
            cut = lo
            while cut > s + 1 and not _safe_cut(text, cut):
                cut -= 1
        pieces.append((s, cut))
        s = cut
    pieces.append((s, end))
    return pieces


def chunk_text(
    text: str, budget: int, *, id_prefix: str = "", headings: dict[int, int] | None = None
) -> list[TextChunk]:
    """`headings` maps line-start offsets to heading levels known from the source
    (DOCX 标题 1/2/3 styles); other headings are recognised by their outline marker."""
    if not text:
        return []
    prefix = id_prefix or hashlib.sha256(text.encode()).hexdigest()[:16]
    units: list[tuple[int, int, list[str], bool]] = []  # start, end, section, starts_section
    section: list[str] = []
    for s, e in segments(text):
        at_line_start = s == 0 or text[s - 1] == "\n"
        starts_section = False
        known = (headings or {}).get(s)
        if at_line_start and (level := known or heading_level(text[s:e])):
            line = text[s:e].split("\n")[0]
            # a numbered paragraph closes the item before it but opens no section of its own
            section = section[: level - 1] + ([] if not known and is_item(line) else [heading_title(line)])
            starts_section = level <= 2
        pieces = _split_long(text, s, e, budget) if count_tokens(text[s:e]) > budget else [(s, e)]
        for k, (ps, pe) in enumerate(pieces):
            units.append((ps, pe, list(section), starts_section and k == 0))

    chunks: list[TextChunk] = []
    cur: list[tuple[int, int, list[str], bool]] = []

    def close() -> None:
        s, e = cur[0][0], cur[-1][1]
        # Label the chunk with its innermost leading heading ("一、… > (一)…").
        k = 0
        while k < len(cur) - 1 and cur[k][3]:
            k += 1
        section = cur[k - 1][2] if k else cur[0][2]
        chunks.append(TextChunk(f"{prefix}:{s}-{e}", len(chunks), s, e, text[s:e], section, count_tokens(text[s:e])))
        cur.clear()

    for unit in units:
        # A heading opens a new chunk, unless the chunk so far holds only headings
        # ("一、…" directly followed by "(一)…" stays together with its first paragraph).
        only_headings = all(u[3] for u in cur)
        if cur and ((unit[3] and not only_headings) or count_tokens(text[cur[0][0] : unit[1]]) > budget):
            close()
        cur.append(unit)
    if cur:
        close()
    return chunks
