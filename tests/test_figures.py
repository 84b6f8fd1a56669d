"""What a question measures, which figure answers it and the quote that proves it: targets,
ranks, pairs of counts, the clause that asks (text/measures.py, text/numerals.py, qa/checks.py,
qa/quote.py, qa/citing.py)."""

from assistant.core.types import Chunk, Hit, Report
from assistant.evals.grading import fact_present
from assistant.qa.checks import Expect, measure_matcher, measure_problems
from assistant.qa.quote import EXTRACTIVE_MIN, best_sentence
from assistant.qa.sources import Source
from assistant.text.measures import measure_asked
from assistant.text.numerals import number_set, ranks_in
from assistant.text.words import key_terms


def _source(text: str, n: int = 1) -> Source:
    report = Report(
        report_id="r", source="/x", version="v", raw_sha256="h", encoding="utf-8", place="醴陵市", year=2023
    )
    chunk = Chunk(
        chunk_id="c", report_id="r", version="v", index=0, start=0, end=len(text),
        text=text, section="", place="醴陵市", year=2023,
    )  # fmt: skip
    return Source(n, Hit(chunk=chunk, report=report, score=1.0))


def test_a_target_level_asks_for_the_measure_before_it():
    measure = measure_asked("富平县计划在2024年把持证执法人员的占比提高到多少？")
    assert measure.phrase == "占比" and measure.head == "占比"


def test_the_measure_is_what_is_counted_or_rated_not_a_word_that_stands_for_it():
    assert measure_asked("柳州市目前有多少持证行政执法人员？").phrase == "持证行政执法人员"  # not 目前
    target = measure_asked("乐山的实施意见给行政复议调解和解率定的目标是多少？")  # a target of a rate
    assert target.head == "和解率" and target.precise
    change = measure_asked("柳州的行政复议纠错率这两年是怎么变的？")
    assert change.phrase == "行政复议纠错率" and change.precise
    assert measure_asked("优秀案卷占比是多少？").precise  # a share is named as precisely as a rate
    # words between the measure and 多少 name nothing: what was done, a target set
    assert measure_asked("敦煌市2025年行政复议调解和解率实际做到了多少？").head == "和解率"
    assert measure_asked("纠错率和败诉率的目标分别定在多少？").head == "败诉率"
    assert measure_asked("电商企业的劳动合同签订率一年里从多少涨到了多少？").head == "签订率"
    assert not measure_asked("2023年以来持证执法人员从多少人增加到多少人？").phrase.startswith("以来")  # the span


def test_key_terms_keep_what_a_lay_phrasing_asks_and_drop_the_words_that_only_ask():
    from assistant.text.words import key_terms

    assert "立案" in key_terms("应急局2023年总共立了多少案？")  # jieba leaves 立 and 案 apart
    assert not {"时间", "之前"} & set(key_terms("没整改完的问题在什么时间之前改到位？"))


def test_a_rate_asked_as_x_的比例_is_the_x_loosely_named():
    loose = measure_asked("大兴安岭地区2024年行政复议案件里调解和解的比例有多高？")
    assert loose.phrase == "调解和解的比例" and not loose.precise  # 比例 is not read as "比…" (a comparison)
    assert measure_asked("负责人到庭应诉的比例从2022年到2024年有什么变化？").phrase == "负责人到庭应诉的比例"
    assert measure_asked("比上年多了百分之几？") is None  # a change of a measure named elsewhere


def test_a_rank_in_chinese_numerals_is_a_figure_and_the_size_of_the_field_is_not_a_rank():
    assert number_set("我区位列全市第二名。") == {"2"} and number_set("位列第十二位") == {"12"}
    assert number_set("第二次会议") == set()  # an ordinal that is not a rank stays out
    assert ranks_in("在383个县市区排名第一") == {"1"} and ranks_in("排名第3位") == {"3"}


def test_a_ranking_is_answered_by_the_number_after_第_not_by_the_count_beside_it():
    question = "醴陵市在2023年8月的信用信息监测中排名第几？"
    measure = measure_asked(question)
    source = _source("依据信用信息监测,醴陵市“双公示”信息上报率、合规率在383个县市区排名第一。")
    expect = Expect(
        terms=key_terms(question), exempt=set(), measure=measure, names_measure=measure_matcher(question, measure)
    )
    assert measure_problems("醴陵市排名第383。[1]", [source], expect)
    assert not measure_problems("醴陵市排名第1。[1]", [source], expect)
    assert not measure_problems("醴陵市在383个县市区排名第一。[1]", [source], expect)  # the field as context


def test_a_rank_asked_as_名列第几_wants_a_number_after_第():
    question = "青溪省法治政府建设2024年在全国各省里名列第几？"
    measure = measure_asked(question)
    assert measure and measure.head == "排名"
    source = _source("1.“八五”普法进入总结验收阶段,全省创建全国民主法治示范村11个。")
    expect = Expect(
        terms=key_terms(question), exempt=set(), measure=measure, names_measure=measure_matcher(question, measure)
    )
    assert measure_problems("青溪省名列第1。[1]", [source], expect)  # 1 is a list marker, not a rank


def test_a_pair_of_counts_is_named_by_either_of_its_parts():
    question = "洛阳市政府2020年办理了多少件人大代表建议和政协提案？"
    names = measure_matcher(question, measure_asked(question))
    assert names("政协提案512件") and names("2020年市政府办理人大代表建议386件")
    assert not names("办理行政复议案件41件")


def test_a_short_clause_that_names_what_is_asked_is_quoted_when_its_sentence_names_the_rest():
    question = "长阳对2018年以来县政府及办公室印发的规范性文件做了清理，宣布废止的有几件？"
    sentence = "对2018年以来县政府及县政府办公室印发的规范性文件开展全面清理,宣布废止11件、修改4件,清理结果向社会公布。"
    sources = [_source(sentence)]
    terms = key_terms(question)
    found = best_sentence(sources, terms, True, asked=key_terms("宣布废止的有几件"))
    assert found.coverage >= EXTRACTIVE_MIN and "宣布废止11件" in found.text
    # A figure's clause may also lean on the clause before it for its subject.
    assert best_sentence(sources, terms, True).coverage >= EXTRACTIVE_MIN


def test_a_figure_clause_whose_sentence_is_about_something_else_is_not_quoted():
    question = "长阳县2022年兑付了多少野生动物致害补偿？"
    sentence = "巡护里程累计达到1.6万公里,救护受伤野生动物138只,放归自然112只。"
    assert best_sentence([_source(sentence)], key_terms(question), True).coverage < EXTRACTIVE_MIN


def test_a_rank_matches_in_either_numerals_when_graded():
    assert fact_present("第二", "南沙区排第2名") and fact_present("第2名", "位列全市第二名")
    assert not fact_present("第二", "南沙区排第12名")


def test_a_date_matches_in_either_form_when_graded():
    assert fact_present("2025-06-13", "成文日期是2025年6月13日") and fact_present("2024年1月30日", "2024-01-30")
    assert not fact_present("2025-06-13", "2025年6月31日")


def test_every_figure_of_an_answer_is_in_a_quote_of_the_source_it_cites():
    from assistant.qa.citing import cite

    text = "共转办群众来电713件。已办结684件,办结率为95.9%;全年开展培训5期。另有调解员68名。"
    [source] = [_source(text)]
    [adjacent] = cite([source], "来电713件，办结率95.9%。[1]", ["来电", "办结率"])
    assert adjacent.quote == "共转办群众来电713件。已办结684件,办结率为95.9%;"  # next sentences: one quote
    apart = cite([source], "来电713件，调解员68名。[1]", ["来电", "调解员"])
    assert [c.quote for c in apart] == ["共转办群众来电713件。", "另有调解员68名。"]
    assert all(text[c.start : c.end] == c.quote for c in apart)


def test_a_chunk_cut_inside_a_long_sentence_is_read_from_that_sentences_start():
    from assistant.qa.sources import whole_sentences

    text = "现将有关情况报告如下。我区为新能源汽车、智能家电、集成电路等主导产业集群发展提供了有力法治保障。"
    cut = text.index("集成电路")
    first, second = _source(text[:cut]).hit, _source(text[cut:]).hit
    second.chunk = second.chunk.model_copy(update={"chunk_id": "c2", "index": 1, "start": cut, "end": len(text)})
    [widened] = whole_sentences([second], lambda report_id: [first.chunk, second.chunk])
    assert widened.chunk.text == "我区为新能源汽车、智能家电、集成电路等主导产业集群发展提供了有力法治保障。"
    assert text[widened.chunk.start : widened.chunk.end] == widened.chunk.text and widened.chunk.chunk_id == "c2"
    [whole] = whole_sentences([first], lambda report_id: [first.chunk, second.chunk])  # starts the text
    assert whole.chunk == first.chunk


def test_the_words_right_before_多少_pick_the_clause_a_quote_must_hold():
    from assistant.qa.direct import doing_words

    question = "磴口县12345热线来电中求助类有多少件？"
    sources = [_source("目前,共转办市“12345”政府服务热线群众来电578件。其中,咨询类13件,求助类549件,投诉类11件。")]
    terms = key_terms(question)
    assert "578件" in best_sentence(sources, terms, True).text  # the topic's sentence, by its words
    found = best_sentence(sources, terms, True, doing=doing_words(question))
    assert "求助类549件" in found.text


def test_有多高_asks_a_measure_and_a_count_led_by_the_words_asked_answers_its_part():
    assert measure_asked("锡林郭勒盟2023年行政复议的纠错率有多高？").head == "纠错率"
    from assistant.qa.checks import parts_matcher
    from assistant.qa.direct import question_parts

    question = "云梯乡2022年调解成功了多少起纠纷？当中山林权属纠纷有几起？"
    source = _source("全年排查矛盾纠纷212起,调解成功207起,调解成功率97.6%,其中山林权属纠纷41起。")
    expect = Expect(
        question=question,
        terms=key_terms(question),
        exempt=set(),
        names_measure=parts_matcher(question_parts(question)),
    )
    # 调解成功207起 names what it counts, but in the words the question uses right before 多少.
    assert not measure_problems("调解成功207起，其中山林权属纠纷41起。[1]", [source], expect)


def test_the_words_before_多少_never_override_the_measure_and_的比例_names_what_comes_before_it():
    question = "到2025年全市地区生产总值要达到多少？"
    from assistant.qa.checks import parts_matcher
    from assistant.qa.direct import doing_words, question_parts

    sources = [_source("主要目标:地区生产总值年均增长7%左右,到2025年达到7800亿元左右;")]
    names = parts_matcher(question_parts(question))
    found = best_sentence(sources, key_terms(question), True, names, doing=doing_words(question))
    assert found is not None and "7800亿元" in found.text  # 达到 does not name 地区生产总值
    loose = measure_asked("长阳县2022年行政机关负责人出庭应诉的比例有多高？")
    assert loose.phrase == "行政机关负责人出庭应诉的比例"
    # the asker's words for a rate ("通过的比例" for 合格率) are no test of its clause: none is applied
    assert measure_matcher("通过的比例是多少？", measure_asked("通过的比例是多少？")) is None


def test_an_items_number_before_a_year_is_not_a_decimal():
    assert number_set("1.2024年9月底前,设立受理点") == {"1", "2024", "9"}
    assert number_set("增长1.5%") == {"1.5"}


def test_a_five_year_plans_name_is_not_a_number():
    assert number_set("十三五时期制定修改市政府规章52件") == {"52"}
    assert number_set("一百四十七件，十五个") == {"147", "15"}


def test_words_that_ask_a_rank_or_stand_for_a_reports_word_are_read_as_meant():
    assert "里排" not in key_terms("流沙东街道在全市镇街的法治考评里排第几？")  # 排第几 only asks
    assert "违法建设" in key_terms("其中违建的有几宗？")  # 违建 is what the report calls 违法建设


def test_the_place_a_question_names_is_cut_out_but_a_word_of_another_places_name_stays_a_term():
    from assistant.text.places import name_variants

    held = frozenset(name_variants(["济源市", "厦门市公安局", "乌海市司法局"]))
    terms = key_terms("济源2024年的复议申请里涉及公安的有多少件？", ignore=held)
    assert "公安" in terms and "济源" not in terms  # 公安 is what is asked, not 厦门市公安局's address
    assert "司法" not in key_terms("乌海市司法局2023年收到多少件行政复议申请？", ignore=held)


def test_days_asked_are_not_the_day_of_a_date():
    from assistant.qa.direct import counter_test

    days = counter_test("一件行政复议案子平均要办多少天？")
    assert not days("2024年1月1日新修订的行政复议法施行。") and days("平均审结用时42天。")


def test_a_ratio_is_given_whole():
    from assistant.qa.direct import direct_answer, figures_of

    assert figures_of("行政复议收案与一审行政诉讼案件之比达到2.1:1") == [("2.1:1", "2.1")]
    assert direct_answer("复议收案和一审行政官司的数量比是多少？", "之比达到2.1:1 [1]。") == "2.1:1"


def test_the_place_asked_about_is_no_kind_of_the_measure_the_sources_must_name():
    from assistant.qa.checks import unnamed_kind
    from assistant.text.measures import measure_asked

    texts = ["全市实现地区生产总值4931.6亿元,增长6.1%;"]  # 江阴's own report says 全市, not 江阴
    assert unnamed_kind(measure_asked("江阴2023年GDP增速是多少？"), texts, ("江阴市",)) is None
    assert unnamed_kind(measure_asked("多少起涉外纠纷？"), ["调解纠纷300起"], ("江阴市",)) == "涉外"


def test_the_years_a_measure_is_asked_for_are_no_part_of_its_name():
    asked = measure_asked("青溪县复议纠错率2023年和2025年各是多少？")
    assert (asked.phrase, asked.head, asked.precise) == ("复议纠错率", "纠错率", True)
    assert measure_asked("纠错率2021年到2023年是多少？").head == "纠错率"
