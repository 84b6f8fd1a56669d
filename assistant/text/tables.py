"""Tables in report text: rows of cells under a header row, with where each row stands.

Reports set small tables out as lines, either with bars (|, ｜, a box-drawing │, or slashes: "城区 | 收到复议申请(件) |
调解和解(件)" over "柳南区 | 176 | 44"), with commas ("镇,受理纠纷（件）,调解成功（件）") or with spaces ("指标 2023年 2024年" over "受理矛盾纠纷(件) 436 512"). Read as
prose, "受理矛盾纠纷(件) 436 512" says nothing of which figure is which year; read as a table, 436 is
2023's and 512 is 2024's. A block is a table only when it has a header and at least two rows
of the same number of cells, each row a label followed by at least one figure, so that prose
with a stray space or bar is never read as one. A markdown rule line (---|---) inside is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BAR = re.compile(r"\s*[|｜│┃]\s*")
# A line of cells divided by commas ("镇,受理纠纷（件）,调解成功（件）" over "长白镇,486,478"): a line of at
# least three cells and no sentence's end. A row must still be a label and figures under a header of words.
_COMMA = re.compile(r"\s*[,，]\s*")
_SENTENCE_END = re.compile(r"[。；;：:！？!?]")
_SPACE = re.compile(r"[ \t\u3000]+")
_RULE = re.compile(r":?-{2,}:?")
# A figure cell: 436, 1,769, 98.5%, 3.2万, 1.05亿元, -2.3 — a number and at most a short unit.
FIGURE_CELL = re.compile(r"[-+−]?\d+(?:,\d{3})*(?:\.\d+)?(?:%|％|‰|[\u4e00-\u9fff]{1,3})?")
_EMPTY_CELL = re.compile(r"[-—–/／]+|无")
_UNIT = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
_YEAR_CELL = re.compile(r"((?:19|20)\d{2})年(?:度)?(?:[(（][^()（）]{1,6}[)）])?")


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    start: int  # where the line begins in the text
    end: int  # where it ends (before its newline)

    @property
    def label(self) -> str:
        return self.cells[0]


@dataclass(frozen=True)
class Table:
    header: Row
    rows: tuple[Row, ...]

    @property
    def start(self) -> int:
        return self.header.start

    def columns(self) -> range:
        """The value columns (every column but the labels')."""
        return range(1, len(self.header.cells))

    def year(self, column: int) -> int | None:
        """The year a column is of, when its header is one ("2024年"); else None."""
        return year_of(self.header.cells[column])

    def unit(self, row: Row, column: int) -> str:
        """The unit a cell is counted in: its row's "(件)", else its column's; "" when neither says."""
        for cell in (row.label, self.header.cells[column]):
            if m := _UNIT.search(cell):
                return m.group(1)
        return ""


def year_of(cell: str) -> int | None:
    """The year a header or label names whole ("2024年", "2024年度(件)"), else None."""
    m = _YEAR_CELL.fullmatch(cell)
    return int(m.group(1)) if m else None


def name_of(cell: str) -> str:
    """A label or header without its unit and a leading 其中: 受理矛盾纠纷 of "受理矛盾纠纷(件)"."""
    return re.sub(r"^其中[:：]?", "", _UNIT.sub("", cell)).strip()


def is_figure(cell: str) -> bool:
    return bool(FIGURE_CELL.fullmatch(cell))


def _cells(line: str) -> tuple[tuple[str, ...], bool]:
    """A line's cells and whether bars divide them (else spaces do)."""
    if _BAR.search(line):
        cells = _BAR.split(line.strip())
        if cells and not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
        return tuple(cells), True
    if len(_COMMA.findall(line)) >= 2 and not _SENTENCE_END.search(line):
        return tuple(_COMMA.split(line.strip())), True
    if line.count("/") >= 2 and not _SPACE.search(line.strip()) and not _SENTENCE_END.search(line):
        return tuple(line.strip().split("/")), True  # 领域／检查（次）／立案（件）, its ／ a / once NFKC has read it
    return tuple(_SPACE.split(line.strip())), False


def _is_row(cells: tuple[str, ...], words: bool = False) -> bool:
    """A label, then cells that are figures or empty, at least one a figure — with `words`, a
    short word may stand in a value cell too (a grade: 优秀)."""
    values = cells[1:]
    return (
        len(cells) >= 2
        and (not is_figure(cells[0]) or bool(_YEAR_CELL.fullmatch(cells[0])))  # a row may be a year's
        and all(is_figure(c) or _EMPTY_CELL.fullmatch(c) or (words and _WORD_CELL.fullmatch(c)) for c in values)
        and any(is_figure(c) for c in values)
    )


# A grade or a kind in a barred table's cell: 优秀, 良好, 基本合格.
_WORD_CELL = re.compile(r"[\u4e00-\u9fff]{1,6}")
_RANK_CELL = re.compile(r"\d{1,3}")


def _ranked_first(cells: tuple[str, ...]) -> tuple[str, ...]:
    """A row ranked in its first cell ("1｜浈江区｜93.6｜优秀") read with its name first (浈江区｜1｜93.6｜优秀),
    so that the name is the row's label; other rows as they are."""
    if len(cells) >= 3 and _RANK_CELL.fullmatch(cells[0]) and not is_figure(cells[1]):
        return (cells[1], cells[0], *cells[2:])
    return cells


def _consistent(rows: list[Row]) -> bool:
    """Each value column all figures (or empty), or all words: a column of grades, not prose."""
    for column in range(1, len(rows[0].cells)):
        cells = [r.cells[column] for r in rows]
        if not (
            all(is_figure(c) or _EMPTY_CELL.fullmatch(c) for c in cells) or all(_WORD_CELL.fullmatch(c) for c in cells)
        ):
            return False
    return True


def _is_header(cells: tuple[str, ...]) -> bool:
    return len(cells) >= 2 and all(cells) and not any(is_figure(c) and not _YEAR_CELL.fullmatch(c) for c in cells)


_WIDE_GAP = re.compile(r"\S(?: {4,}|\u3000{2,})\S")


def tables_in(text: str) -> list[Table]:
    """Every table of `text`, in order."""
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((line, at, at + len(line)))
        at += len(line) + 1
    found: list[Table] = []
    i = 0
    while i < len(lines):
        line, start, end = lines[i]
        cells, barred = _cells(line)
        # two cells divided by spaces may be prose; by a tab (as a disclosure report's "予以公开\t21") or by
        # a column's worth of spaces ("处理结果                      件数"), not
        spaced = not barred and "\t" not in line and not _WIDE_GAP.search(line)
        if not _is_header(cells) or (spaced and len(cells) < 3 and not _YEAR_CELL.fullmatch(cells[-1])):
            i += 1
            continue
        rows: list[Row] = []
        j = i + 1
        # a barred table ranked in its first column ("排名｜县（市、区）｜得分｜等次") is read name first
        ranked = (
            barred and len(cells) >= 3 and _RANK_CELL.fullmatch(_cells(lines[j][0])[0][0] if j < len(lines) else "")
        )
        header = (cells[1], cells[0], *cells[2:]) if ranked else cells
        while j < len(lines):
            row_cells, row_barred = _cells(lines[j][0])
            if row_barred == barred and barred and all(_RULE.fullmatch(c) for c in row_cells):
                j += 1  # a markdown rule under the header
                continue
            row_cells = _ranked_first(row_cells) if ranked else row_cells
            if row_barred != barred or len(row_cells) != len(cells) or not _is_row(row_cells, words=barred):
                break
            rows.append(Row(row_cells, lines[j][1], lines[j][2]))
            j += 1
        if len(rows) >= 2 and _consistent(rows):
            found.append(Table(Row(header, start, end), tuple(rows)))
            i = j
        else:
            i += 1
    return found
