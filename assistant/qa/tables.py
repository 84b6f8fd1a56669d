"""Questions answered from a table of the one report in scope, read by rule with no model call.

"坡子街街道受理的矛盾纠纷，2024年比2023年多了多少件？" over the table

    指标 2023年 2024年
    受理矛盾纠纷(件) 436 512

is answered "增加76件（2023年436件，2024年512件）": the row is the one the question names, the
columns the years it names, and the change is computed from the two quoted cells and shown beside
them. "哪个区收到的复议申请最多？" is answered by the row with the largest figure in the column
the question names (柳南区，176件). A model shown "受理矛盾纠纷(件) 436 512" in a chunk cannot
tell which figure is which year, and a chunk may hold the row without its header. This rung
answers only when the question names a row or asks for the largest or smallest, and names the
column (or the table has one); anything else goes on down the ladder. The citation quotes the
table from its header down to the last row used, so every figure shown is in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.types import Citation, Report
from assistant.index.store import Store
from assistant.qa.citing import span_citation
from assistant.qa.direct import (
    CHANGE_BY_ASKED,
    COUNTER_ASKED,
    RATE_ASKED,
    change_between,
    outcomes_asked,
    question_parts,
)
from assistant.text.changes import DOWN_NAMED, UP_NAMED
from assistant.text.numerals import CN_NUMERAL_CHARS, cn_to_int
from assistant.text.places import name_variants, place_stem, split_place, without_names
from assistant.text.tables import Row, Table, is_figure, name_of, tables_in, year_of
from assistant.text.words import in_report_words, key_terms
from assistant.text.years import YEAR_MENTION, years_in

_MOST = re.compile(r"最多|最高|最大|最长|第一多")
_LEAST = re.compile(r"最少|最低|最小|最短")
_ASKS = re.compile(r"多少|几|哪")
_TOTAL = re.compile(r"^(?:合计|总计|小计|总数|全(?:省|市|县|区|旗|镇|乡|街道))")
ENOUGH = 0.5  # how much of a row's or column's name the question must hold (see named)


@dataclass
class TableAnswer:
    text: str  # the explanation, with its [1] marker
    short: str  # the direct answer
    citations: list[Citation]
    derived: set[str] = field(default_factory=set)  # figures computed from quoted cells (a change)


def _pairs(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def named(name: str, question: str) -> float:
    """How much of a row's or column's name the question holds: the mean of its characters' share
    and its character pairs' (受理的矛盾纠纷 holds 0.9 of 受理矛盾纠纷; 收的申请 of a question about
    复议 0.52 of 收到复议申请)."""
    han = set(re.sub(r"[^\u4e00-\u9fff]", "", name))
    pairs = _pairs(name)
    if not han:
        return 0.0
    chars = len(han & set(question)) / len(han)
    return (chars + (len(pairs & _pairs(question)) / len(pairs) if pairs else chars)) / 2


def _best(candidates: list[tuple[float, int]]) -> int | None:
    """The one candidate named clearly best, or None (none enough, or a tie)."""
    ranked = sorted(candidates, reverse=True)
    if not ranked or ranked[0][0] < ENOUGH or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def _value(cell: str) -> float | None:
    m = re.match(r"[-+−]?\d+(?:,\d{3})*(?:\.\d+)?", cell)
    return float(m.group(0).replace(",", "").replace("−", "-")) if m and is_figure(cell) else None


def _with_unit(table: Table, row: Row, column: int) -> str:
    cell = row.cells[column]
    return cell if re.search(r"[\u4e00-\u9fff%％‰]$", cell) else cell + table.unit(row, column)


def _fits(question: str, table: Table, row: Row, column: int) -> bool:
    """Is the cell the kind of figure asked? A rate asked is a % (or a row or column of a 率), and a
    count asked in a counter ("多少名") is in it when the table says its unit: 调解成功 503件 does not
    answer "调解成功率是多少"."""
    cell, unit = row.cells[column], table.unit(row, column)
    if RATE_ASKED.search(question) and not re.search(r"[%％‰]$", cell):
        return bool(RATE_ASKED.search(row.label + table.header.cells[column]))
    counter = COUNTER_ASKED.search(question)
    # 个 counts anything ("立了几个案" asks the 立案(件) column); another counter must be the cell's unit
    return not (counter and unit and counter.group(1) != "个" and not unit.startswith(counter.group(1)))


def _says_done(question: str, table: Table, row: Row, column: int) -> bool:
    """Does the cell's row or column say what became of the cases the question asks about?
    "以调解和解方式结案了多少件" asks an outcome (结案): the row 行政复议申请 counts what came in, not
    that. An outcome in the words right before 多少 (qa/direct.doing_words) must be in the row's or
    column's name; other words there ("三圳镇办了", "这一块满分") need not be."""
    names = row.label + table.header.cells[column]
    return all(a in names for a in outcomes_asked(question))


def _column(question: str, table: Table) -> int | None:
    """The value column the question names: a year it names, else the header it holds; the only
    one when there is one."""
    columns = list(table.columns())
    if len(columns) == 1:
        return columns[0]
    asked = years_in(question)
    by_year = [c for c in columns if table.year(c) in asked]
    if len(by_year) == 1:
        return by_year[0]
    return _best([(named(name_of(table.header.cells[c]), question), c) for c in columns])


_EACH = re.compile(r"各|分别|和|与|及|、")


def _columns(question: str, table: Table, row: Row) -> list[int]:
    """ "德令哈市持证执法人员和复议申请各是多少": every column the question names in full, in the
    order it names them, when it names two or more and asks for each."""
    if not _EACH.search(question):
        return []
    found = [
        (question.find(name_of(table.header.cells[c])[:2]), c)
        for c in table.columns()
        if named(name_of(table.header.cells[c]), question) >= 0.9
        and _value(row.cells[c]) is not None
        and _fits(question, table, row, c)
    ]
    return [c for _, c in sorted(found)] if len(found) >= 2 else []


def _extreme(question: str, table: Table) -> tuple[Row, int, str] | None:
    """ "哪个区…最多": the row with the largest (smallest) figure in the column asked."""
    most, least = _MOST.search(question), _LEAST.search(question)
    if "哪" not in question or bool(most) == bool(least):
        return None
    column = _column(question, table)
    if column is None:
        return None
    rows = [
        (v, r)
        for r in table.rows
        if not _TOTAL.match(r.label)
        and (v := _value(r.cells[column])) is not None
        and _fits(question, table, r, column)
    ]
    if len(rows) < 2:
        return None
    rows.sort(key=lambda vr: vr[0], reverse=bool(most))
    if rows[0][0] == rows[1][0]:
        return None  # a tie names no one row
    return rows[0][1], column, (most or least).group(0)  # the question's word: 最多, 最高


def _row(question: str, table: Table) -> Row | None:
    asked = years_in(question)
    by_year = [r for r in table.rows if year_of(r.label) in asked]
    if len(by_year) == 1 and not any(table.year(c) for c in table.columns()):
        return by_year[0]  # a table of years by row: "2023年受理多少件"
    found = _best([(named(name_of(r.label), question), i) for i, r in enumerate(table.rows)])
    return None if found is None else table.rows[found]


def _change(question: str, table: Table, row: Row) -> tuple[list[int], str, str] | None:
    """ "2024年比2023年多了多少": the row's cells in the two years (the years asked, else the last two),
    and the change between them — computed only when both are figures in the same unit."""
    if not CHANGE_BY_ASKED.search(question):
        return None
    years = [c for c in table.columns() if table.year(c)]
    asked = [c for c in years if table.year(c) in years_in(question)]
    if len(asked) == 1 and years.index(asked[0]) > 0:
        asked = [years[years.index(asked[0]) - 1], asked[0]]  # "比上年": the year before the one asked
    chosen = sorted(asked if len(asked) >= 2 else years, key=table.year)[-2:]
    if len(chosen) < 2:
        return None
    a, b = (_value(row.cells[c]) for c in chosen)
    units = {table.unit(row, c) for c in chosen}
    if a is None or b is None or len(units) != 1 or not all(_fits(question, table, row, c) for c in chosen):
        return None
    unit = units.pop()
    if all(re.search(r"[%％]$", row.cells[c]) for c in chosen):
        unit = "%"  # a rate moves by percentage points: 5.8% -> 3.6% is 下降2.2个百分点, not 2.2%
    phrase, delta = change_between(a, b, unit)
    return chosen, phrase, delta


Found = tuple[str, str, Row, set[str]]  # the explanation, the direct answer, the last row used, derived figures


def answer(question: str, store: Store, report: Report) -> TableAnswer | None:
    if not _ASKS.search(question):
        return None
    text, found_tables = _tables_of(store, report)
    if not found_tables:
        return None  # most reports have none: no question's work beyond the first
    # The report's own names say nothing of its rows: "湖南…交通运输厅…行政复议案件" must not match
    # the row 交通运输行政处罚案件 by 交通运输.
    units = [u for p in (report.place, report.parent) if p for u in split_place(p)]
    names = name_variants([report.place, report.parent]) | set(units) | {place_stem(u) for u in units}
    question = in_report_words(without_names(question, (n for n in names if len(n) >= 2), "，"))
    parts = question_parts(question)
    year = m.group(0) if len(parts) > 1 and (m := YEAR_MENTION.search(parts[0])) else ""
    for table in found_tables:
        # a question of several parts is answered here only when the table answers every part
        found = _each_part(parts, table, report, year) if len(parts) > 1 else _answer(question, table, report)
        if found:
            answer_text, short, last, derived = found
            citation = span_citation(1, report, text, table.start, last.end, store.chunk_records(report.report_id))
            return TableAnswer(answer_text, short, [citation], derived)
    return None


_TABLES: dict[str, tuple[str, list[Table]]] = {}  # report version -> (text, tables): the text is immutable per version


def _tables_of(store: Store, report: Report) -> tuple[str, list[Table]]:
    """The report's text and tables, read once per report version (every question of one report
    in scope asks here, and most reports hold no table)."""
    if report.version not in _TABLES:
        text = store.report_text(report.report_id)
        _TABLES[report.version] = (text, tables_in(text))
    return _TABLES[report.version]


def _each_part(parts: list[str], table: Table, report: Report, year: str = "") -> Found | None:
    """ "哪个区收的申请最多？纠错率最高的是哪个区？": each part from the table, in order — a part that
    names nothing in it ("有多少件？") asks the figure the part before it has given, and a later part
    naming a row but no year asks of the first part's `year` ("2023年一审行政诉讼有多少件，败诉率多少")."""
    found: list[Found] = []
    row = None  # the row an earlier part named: "…一四三团有多少持证执法人员？那里调解成功率是多少？"
    for i, part in enumerate(parts):
        if i and year and not years_in(part) and _row(part, table):
            part = f"{year}{part}"
        if got := _answer(part, table, report) or (row and _answer(name_of(row.label) + part, table, report)):
            found.append(got)
            row = _row(part, table) or ((ranked := _ranked_row(part, table)) and ranked[0]) or row
        elif not (found and _names_nothing(part, table)):
            return None
    if not found:
        return None
    last = max((f[2] for f in found), key=lambda r: r.end)
    return "".join(f[0] for f in found), "；".join(f[1] for f in found), last, set().union(*(f[3] for f in found))


def _names_nothing(part: str, table: Table) -> bool:
    """Does the part name nothing at all — in the table or of its own ("有多少件？")? A part naming
    what the table does not hold ("街道乡镇的综合执法人员占多少") is a part it cannot answer."""
    if key_terms(part):
        return False
    names = [table.header.cells[c] for c in table.columns()] + [r.label for r in table.rows]
    return all(named(name_of(n), part) < ENOUGH for n in names)


_EXCEPT = re.compile(r"除了?([^，,？?]+?)(?:之外|以外|外)?[，,]")


def _moved(question: str, table: Table, where: str) -> Found | None:
    """ "除了超限超载率，2024年比2023年数字变少的还有哪一项？": the rows whose figure fell (rose)
    between the table's last two years, less those the question sets aside."""
    down, up = DOWN_NAMED.search(question), UP_NAMED.search(question)
    years = sorted((c for c in table.columns() if table.year(c)), key=table.year)[-2:]
    if "哪" not in question or bool(down) == bool(up) or len(years) < 2:
        return None
    aside = _EXCEPT.search(question)
    moved = []
    for row in table.rows:
        if aside and named(name_of(row.label), aside.group(1)) >= ENOUGH:
            continue
        a, b = (_value(row.cells[c]) for c in years)
        if a is not None and b is not None and (b < a if down else b > a):
            moved.append(row)
    if not moved:
        return None
    first, last = (table.year(c) for c in years)
    said = [
        f"{name_of(r.label)}（{first}年{_with_unit(table, r, years[0])}，{last}年{_with_unit(table, r, years[1])}）"
        for r in moved
    ]
    word = "减少" if down else "增加"
    text = f"{where}，{last}年比{first}年{word}的有：{'；'.join(said)}[1]。"
    return text, "；".join(said), max(moved, key=lambda r: r.end), set()


_LISTED = re.compile(r"哪些|哪几")


def _listed(question: str, table: Table, where: str) -> Found | None:
    """ "评分表里列了哪些评估项目？": the rows under the label column the question names whole (评估项目),
    in the table's order, less its totals (合计)."""
    heading = name_of(table.header.label)
    if not (_LISTED.search(question) and len(heading) >= 2 and heading in question):
        return None
    rows = [r for r in table.rows if not _TOTAL.match(name_of(r.label))]
    if len(rows) < 2:
        return None
    names = "、".join(name_of(r.label) for r in rows)
    return f"{where}，{heading}有：{names}[1]。", names, rows[-1], set()


# "谁拿了第一", "排第3的是哪个": the rank asked, of the table's own rank column
_RANK_ASKED = re.compile(rf"(?:第|头名)(\d{{1,3}}|[{CN_NUMERAL_CHARS}]{{1,3}})?名?")
_RANK_COLUMN = re.compile(r"^(?:排名|名次|位次|序号)$")
_WHO = re.compile(r"谁|哪个|哪一个|哪家|哪里|什么(?:地方|单位)")


def _ranked_row(question: str, table: Table) -> tuple[Row, int] | None:
    """The row whose rank (in a column headed 排名/名次) the question asks ("谁拿了第一"), and that column."""
    asked = _RANK_ASKED.search(question)
    column = next((c for c in table.columns() if _RANK_COLUMN.match(name_of(table.header.cells[c]))), None)
    if not asked or column is None or not _WHO.search(question):
        return None
    said = asked.group(1) or ""
    rank = 1 if asked.group(0) == "头名" else int(said) if said.isdigit() else cn_to_int(said)
    rows = [r for r in table.rows if _value(r.cells[column]) == rank]
    return (rows[0], column) if len(rows) == 1 else None


def _ranked(question: str, table: Table, where: str) -> Found | None:
    if not (found := _ranked_row(question, table)):
        return None
    row, column = found
    label, heading = name_of(row.label), name_of(table.header.cells[column])
    return f"{where}，{heading}第{row.cells[column]}的是{label}[1]。", label, row, set()


def _graded(question: str, table: Table, where: str) -> Found | None:
    """ "考核为优秀等次的是哪几个": the rows whose word cell (等次) is the word the question names (优秀)."""
    if not _LISTED.search(question):
        return None
    for column in table.columns():
        words = {r.cells[column] for r in table.rows}
        asked = [w for w in words if len(w) >= 2 and w in question and not is_figure(w)]
        if len(asked) == 1:
            rows = [r for r in table.rows if r.cells[column] == asked[0]]
            names = "、".join(name_of(r.label) for r in rows)
            heading = name_of(table.header.cells[column])
            return f"{where}，{heading}为{asked[0]}的有：{names}[1]。", names, rows[-1], set()
    return None


def _answer(question: str, table: Table, report: Report) -> Found | None:
    where = f"{report.label}的表格中"
    if found := _graded(question, table, where) or _listed(question, table, where) or _ranked(question, table, where):
        return found
    if extreme := _extreme(question, table):
        row, column, word = extreme
        value = _with_unit(table, row, column)
        label, heading = name_of(row.label), name_of(table.header.cells[column])
        text = f"{where}，{heading}{word}的是{label}，{value}[1]。"
        return text, f"{label}，{value}", table.rows[-1], set()
    if moved := _moved(question, table, where):
        return moved
    row = _row(question, table)
    if row is None:
        return None
    label = name_of(row.label)
    if change := _change(question, table, row):
        columns, said, delta = change
        cells = "，".join(f"{table.year(c)}年{_with_unit(table, row, c)}" for c in columns)
        first, last = (table.year(c) for c in columns)
        text = f"{where}，{label}：{cells}[1]；{last}年比{first}年{said}。"
        return text, f"{said}（{cells}）", row, {delta} if delta else set()
    column = _column(question, table)
    if column is None and (several := _columns(question, table, row)):
        said = [f"{name_of(table.header.cells[c])}{_with_unit(table, row, c)}" for c in several]
        return f"{where}，{label}：{'，'.join(said)}[1]。", "；".join(said), row, set()
    if column is None or _value(row.cells[column]) is None or not _fits(question, table, row, column):
        return None
    if not _says_done(question, table, row, column):
        return None
    year = table.year(column)
    what = f"{year}年" if year else f"的{name_of(table.header.cells[column])}"
    value = _with_unit(table, row, column)
    return f"{where}，{label}{what}为{value}[1]。", value, row, set()
