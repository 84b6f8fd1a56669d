"""Tables in a report (text/tables.py) and the questions answered from them (qa/tables.py): a
row of figures means nothing without its header, so the cell the question names is read by rule."""

import re

import pytest

from assistant.qa.answer import ask
from assistant.text.tables import tables_in

from .conftest import one_report_library
from .fakes import ScriptedLLM

# An invented county report: a table with bars (and a markdown rule) and one set out with spaces.
REPORT = """\
河口县人民政府关于2024年度法治政府建设情况的报告
一、主要工作
全县收到行政复议申请318件,审结301件。各乡镇受理行政复议申请情况如下:
乡镇 | 受理申请(件) | 调解结案(件)
--- | --- | ---
南溪镇 | 41 | 12
莲花镇 | 67 | 9
桥头镇 | 53 | 15
二、两年来的公共法律服务数据
项目 2023年 2024年
法律援助案件(件) 1210 1342
公证办证(件) 865 807
人民调解成功率 97.2% 98.1%
三、下一步工作
继续推进法治政府建设。
河口县人民政府
2025年1月15日
"""


def test_a_table_is_read_with_its_header_whether_bars_or_spaces_divide_its_cells():
    barred, spaced = tables_in(REPORT)
    assert barred.header.cells == ("乡镇", "受理申请(件)", "调解结案(件)")
    assert [r.cells for r in barred.rows] == [("南溪镇", "41", "12"), ("莲花镇", "67", "9"), ("桥头镇", "53", "15")]
    assert [spaced.year(c) for c in spaced.columns()] == [2023, 2024]
    assert spaced.rows[0].cells == ("法律援助案件(件)", "1210", "1342")
    assert spaced.unit(spaced.rows[0], 1) == "件" and spaced.unit(spaced.rows[2], 1) == ""
    assert REPORT[spaced.rows[2].start : spaced.rows[2].end] == "人民调解成功率 97.2% 98.1%"


def test_box_drawing_bars_divide_cells_too():
    (table,) = tables_in("团场│持证执法人员(名)│调解成功率\n一四三团│92│99.1%\n一五二团│47│97.2%\n")
    assert table.header.cells == ("团场", "持证执法人员(名)", "调解成功率") and table.rows[0].cells[1:] == (
        "92",
        "99.1%",
    )


@pytest.mark.parametrize(
    "text",
    [
        "全县 收到 申请\n共318件 审结301件\n",  # prose with spaces: its rows have no label and figures
        "项目 2023年 2024年\n法律援助案件(件) 1210 1342\n",  # one row is not a table
        "乡镇 | 受理申请(件)\n南溪镇 | 41\n莲花镇 41 12\n",  # a row of another shape ends it (one row left)
    ],
)
def test_lines_that_are_not_a_header_over_two_rows_are_not_a_table(text):
    assert tables_in(text) == []


@pytest.fixture(scope="module")
def county(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "hekou-2024.txt", REPORT)


@pytest.mark.parametrize(
    "question,short,quoted",
    [
        # the row asked by its name in the user's words, the years as columns, the change computed beside them
        ("河口县办的法律援助案件，2024年比2023年多了多少件？", "增加132件（2023年1210件，2024年1342件）", "1342"),
        ("河口县2024年公证办证比上年少了多少件？", "减少58件（2023年865件，2024年807件）", "807"),
        # the largest and the smallest in the column the question names, not in any other
        ("河口县哪个镇受理的复议申请最多？", "莲花镇，67件", "莲花镇 | 67 | 9"),
        ("河口县哪个镇调解结案最少？", "莲花镇，9件", "桥头镇 | 53 | 15"),
        # one cell: the row and the year named
        ("河口县2023年人民调解成功率是多少？", "97.2%", "97.2%"),
        # each part from the table, in order; a part naming nothing asks the figure just given
        ("河口县哪个镇受理申请最多？调解结案最多的是哪个镇？", "莲花镇，67件；桥头镇，15件", "桥头镇 | 53 | 15"),
        ("河口县哪个镇受理的申请最多？有多少件？", "莲花镇，67件", "莲花镇 | 67 | 9"),
        # a later part that names no row ("那里") asks about the row the part before it named
        ("河口县桥头镇受理了多少件申请？那里调解结案多少件？", "53件；15件", "桥头镇 | 53 | 15"),
        # a rate moves by percentage points, not by per cent
        ("河口县人民调解成功率比上年提高了多少？", "提高0.9个百分点（2023年97.2%，2024年98.1%）", "98.1%"),
        # the rows that fell between the two years, less the one set aside
        (
            "除了法律援助案件，河口县2024年比2023年变多的还有哪一项？",
            "人民调解成功率（2023年97.2%，2024年98.1%）",
            "人民调解成功率 97.2% 98.1%",
        ),
        ("河口县哪一项2024年比2023年减少了？", "公证办证（2023年865件，2024年807件）", "公证办证(件) 865 807"),
        # the row's own name before a verb of one character (莲花镇办了) says nothing the row must hold
        ("河口县莲花镇办了多少件调解结案？", "9件", "莲花镇 | 67 | 9"),
        # the rows under the label column the question names, less none: a list
        ("河口县受理行政复议申请的情况表列了哪几个乡镇？", "南溪镇、莲花镇、桥头镇", "桥头镇 | 53 | 15"),
    ],
)
def test_a_question_naming_a_tables_row_or_asking_its_largest_is_answered_from_its_cells(
    county, question, short, quoted
):
    store, settings = county
    answer = ask(question, store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == short and answer.grounded
    (citation,) = answer.citations
    text = store.report_text("hekou-2024")
    assert text[citation.start : citation.end] == citation.quote and quoted in citation.quote
    assert citation.quote.split("\n")[0] in ("乡镇 | 受理申请(件) | 调解结案(件)", "项目 2023年 2024年")


@pytest.mark.parametrize(
    "question",
    [
        "河口县2024年法律援助案件的结案率是多少？",  # a rate the table does not give: a count is no answer
        "河口县2024年审结了多少件行政复议案件？",  # in the prose, not in a table row
        "河口县2024年办了多少名法律援助律师的培训？",  # counted in 名, where the row counts 件
        "河口县法律援助案件和公证办证的数量比是多少？",  # a ratio (比是多少) is no change between years
        # what was done with the cases (以调解方式结案) is not what the row counts (法律援助案件)
        "河口县2024年法律援助案件以调解方式结案了多少件？",
        # a second part naming what no row or column holds is no follow-up on the first's figure
        "河口县2024年法律援助案件有多少件？其中刑事案件有多少件？",
    ],
)
def test_a_question_no_cell_answers_goes_on_down_the_ladder(county, question):
    store, settings = county
    assert ask(question, store, ScriptedLLM(), settings).method != "table"


# An invented disclosure report: a two-column table divided by tabs, and one by full-width bars.
DISCLOSURE = """\
青溪县人民政府2024年政府信息公开工作年度报告
一、依申请公开
全年新收政府信息公开申请52件，上年结转2件。办理结果如下：
办理结果\t件数
予以公开\t30
部分公开\t8
不予公开\t5
二、执法和复议
乡镇｜持证执法人员（名）｜复议申请（件）
城关镇｜120｜14
新华镇｜86｜9
青溪县人民政府办公室
2025年1月20日
"""


@pytest.fixture(scope="module")
def disclosure(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "qingxi-xxgk-2024.txt", DISCLOSURE)


def test_two_cells_divided_by_a_tab_are_a_table_though_two_divided_by_spaces_are_not():
    tabbed, barred = tables_in(DISCLOSURE)
    assert tabbed.header.cells == ("办理结果", "件数") and tabbed.rows[0].cells == ("予以公开", "30")
    assert barred.rows[1].cells == ("新华镇", "86", "9")
    assert tables_in("办理结果 件数\n予以公开 30\n不予公开 5\n") == []


def test_a_row_asked_for_two_of_its_columns_gives_each(disclosure):
    store, settings = disclosure
    answer = ask("青溪县新华镇持证执法人员和复议申请各是多少？", store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == "持证执法人员86名；复议申请9件"


def _holding(messages, words: str) -> str:
    """The number of the source the prompt shows with `words` in it."""
    segments = re.split(r"\[(\d+)\] ", messages[-1]["content"])
    return next(n for n, seg in zip(segments[1::2], segments[2::2], strict=True) if words in seg)


def test_a_draft_that_reads_a_figure_off_the_wrong_row_is_sent_back(disclosure):
    store, settings = disclosure
    question = "青溪县2024年新收多少件信息公开申请？予以公开的有几件？"  # the table answers one part only
    wrong = lambda m: f"新收52件，予以公开的有5件[{_holding(m, '予以公开')}]"  # noqa: E731  (不予公开's 5)
    right = lambda m: f"新收52件，予以公开的有30件[{_holding(m, '予以公开')}]"  # noqa: E731
    answer = ask(question, store, ScriptedLLM(wrong, right), settings)
    assert any("不是表格中“予以公开”一行的数字" in p for p in answer.problems)
    assert answer.method == "model-retry" and answer.grounded and answer.answer == "52件；30件"


# An invented appraisal rule: a table of scores, and a table of the towns' enforcement.
RULES = """青溪县法治政府建设考核办法
第四条　对乡镇的考核实行百分制，考核内容和分值如下：
考核内容│分值
组织领导│15
行政执法│25
矛盾纠纷化解│20
合计│100
第五条　各镇综合执法情况如下：
镇街｜执法人员（名）｜办理案件（件）
城关镇｜30｜410
新华镇｜22｜365
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "qingxi-kaohe-2024.txt", RULES)


@pytest.mark.parametrize(
    "question,short",
    [
        ("青溪县给乡镇打分时行政执法这一块满分多少？", "25"),  # 满分 is no outcome the row must say
        ("青溪县新华镇综合执法办了多少件案子？", "365件"),  # 案子 is the report's 案件
    ],
)
def test_a_cell_is_found_by_the_questions_lay_words_and_words_that_are_no_outcome(rules, question, short):
    store, settings = rules
    answer = ask(question, store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == short


# An invented appraisal notice: ranked in its first column, graded in words in its last.
NOTICE = """中共青溪市委全面依法治市委员会办公室关于2024年度法治政府建设考核结果的通报
各县（区）：
现将考核结果通报如下：
排名｜县（区）｜得分｜等次
1｜城关区｜94.2｜优秀
2｜白沙县｜91.5｜优秀
3｜新华区｜86.0｜良好
4｜石门县｜78.3｜合格
"""


def test_a_table_ranked_in_its_first_column_is_read_name_first_with_its_grades():
    (table,) = tables_in(NOTICE)
    assert table.header.cells == ("县（区）", "排名", "得分", "等次")
    assert table.rows[0].cells == ("城关区", "1", "94.2", "优秀")
    assert tables_in("项目｜说明｜数量\n甲｜很好的事情｜3\n乙｜3｜4\n") == []  # a column of words and figures is prose


@pytest.fixture(scope="module")
def notice(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "qingxi-tongbao-2024.txt", NOTICE)


@pytest.mark.parametrize(
    "question,short",
    [
        ("青溪市2024年度法治考核谁拿了第一？得分多少？", "城关区；94.2"),  # the rank column, then that row
        ("青溪市考核排第3的是哪个县区？", "新华区"),
        ("青溪市2024年考核为优秀等次的县区是哪几个？", "城关区、白沙县"),  # the rows graded as asked
    ],
)
def test_a_rank_or_a_grade_asked_is_read_off_the_tables_own_columns(notice, question, short):
    store, settings = notice
    answer = ask(question, store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == short


def test_two_cells_a_columns_worth_of_spaces_apart_are_a_table():
    [table] = tables_in(
        "处理结果                      件数\n予以公开                       72\n无法提供                       41\n"
    )
    assert table.header.cells == ("处理结果", "件数") and table.rows[1].cells == ("无法提供", "41")


# Two years of one invented county: the later report's table holds the year between, which no report is of.
LATER = """青溪县2024年法治政府建设情况报告
一、主要数据
全县一审行政诉讼案件87件,行政机关败诉2件。
项目｜2022年｜2023年｜2024年
一审行政诉讼案件（件）｜126｜109｜87
败诉率｜6.3%｜4.6%｜2.3%
二、执法检查
检查方式│检查次数（次）│占比
联合检查│487│19.2%
单独检查│2045│80.8%
青溪县人民政府
2025年1月20日
"""
EARLIER = """青溪县2022年法治政府建设情况报告
一、主要数据
全县一审行政诉讼案件126件,行政机关败诉8件。
青溪县人民政府
2023年1月18日
"""


@pytest.fixture(scope="module")
def two_years(tmp_path_factory, embedder):
    from assistant.core.config import Settings
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths

    from .conftest import DEFAULT_CACHE_DIR

    folder = tmp_path_factory.mktemp("qingxi")
    (folder / "qingxi-2024.txt").write_text(LATER, "utf-8")
    (folder / "qingxi-2022.txt").write_text(EARLIER, "utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), cache_dir=DEFAULT_CACHE_DIR)
    store = Store(settings, embedder=embedder)
    ingest_paths([folder], store, progress=False)
    return store, settings


def test_a_year_between_two_held_reports_is_read_off_the_one_table_that_has_its_column(two_years):
    store, settings = two_years
    answer = ask("青溪县2023年一审行政诉讼有多少件，败诉率多少？", store, ScriptedLLM(), settings)
    # the later part asks of the first part's year; 87件 (2024) and 126件 (2022) are other years'
    assert answer.method == "table" and answer.answer == "109件；4.6%"
    assert {c.report_id for c in answer.citations} == {"qingxi-2024"}


def test_a_share_asked_in_tenths_reads_the_share_column(two_years):
    store, settings = two_years
    answer = ask("青溪县2024年涉企检查里联合检查有多少次，占几成？", store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == "487次；19.2%"


def test_tenths_are_read_as_the_share_label_but_add_no_search_words():
    from assistant.text.words import in_report_words, tokenize

    assert in_report_words("联合检查占了几成？") == "联合检查占比是多少？"  # still a question, in the label's word
    assert "占比" not in tokenize("联合检查占了几成？")  # no alias: other questions' words stay as they are


# An invented banner's report: its tables divided by runs of spaces and by box-drawing bars.
GRASSLAND = """青溪旗人民政府关于2023年法治政府建设工作的报告
一、主要做法
全旗草原执法立案情况如下：
类别              立案（件）    结案（件）
非法开垦草原        38           36
违反禁牧休牧        146          141
合计              184          177
全旗人民调解情况如下：
苏木乡镇│受理纠纷（件）│调解成功（件）
白音镇│412│405
达来镇│604│596
"""


@pytest.fixture(scope="module")
def grassland(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "qingxi-qi-2023.txt", GRASSLAND)


@pytest.mark.parametrize(
    "question,short",
    [
        ("青溪旗违反禁牧休牧的草原案子立了多少、结了多少？", "146件；141件"),  # 立了 the 立案 column, 结了 the 结案
        ("青溪旗达来镇人民调解受理了多少件纠纷，调成了多少？", "604件；596件"),  # 调成 is 调解成功
        ("青溪旗违反禁牧休牧的案子立了几个案？", "146件"),  # 个 counts anything: the 立案(件) column
    ],
)
def test_a_rows_columns_are_found_by_the_short_words_people_use_for_them(grassland, question, short):
    store, settings = grassland
    answer = ask(question, store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == short


@pytest.mark.parametrize(
    "text,header,row",
    [
        (
            "镇,受理纠纷(件),调解成功(件)\n长白镇,486,478\n马鹿沟镇,164,160\n",
            ("镇", "受理纠纷(件)", "调解成功(件)"),
            ("马鹿沟镇", "164", "160"),
        ),
        (
            "指标,2023年,2024年\n收到行政复议申请(件),96,171\n复议纠错率,10.8%,8.9%\n",
            ("指标", "2023年", "2024年"),
            ("复议纠错率", "10.8%", "8.9%"),
        ),
        (
            "领域/检查(次)/立案(件)\n菱镁矿山/640/58\n服装市场/1120/214\n",
            ("领域", "检查(次)", "立案(件)"),
            ("服装市场", "1120", "214"),
        ),
    ],
)
def test_cells_divided_by_commas_or_slashes_are_a_table_too(text, header, row):
    (table,) = tables_in(text)
    assert table.header.cells == header and table.rows[-1].cells == row


def test_a_sentence_with_commas_is_no_table():
    assert tables_in("一是坚持依法决策,二是严格执法,三是强化监督\n全年办理案件,共计,96件。\n") == []


def test_a_tables_cells_read_as_one_number_by_nfkc_still_ground_its_answer(two_years_commas):
    store, settings = two_years_commas
    answer = ask("青溪区2024年收到几件复议申请？当年复议纠错率是多少？", store, ScriptedLLM(), settings)
    assert answer.method == "table" and answer.answer == "171件；8.9%"


@pytest.fixture(scope="module")
def two_years_commas(tmp_path_factory, embedder):
    text = (
        "青溪区2025年法治政府建设情况报告\n一、主要数据\n指标，2023年，2024年，2025年\n"
        "收到行政复议申请（件），96，171，208\n复议纠错率，10.8%，8.9%，7.2%\n青溪区人民政府\n2026年1月10日\n"
    )
    return one_report_library(tmp_path_factory, embedder, "qingxiqu-2025.txt", text)
