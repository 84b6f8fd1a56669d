"""The answer pipeline: verify before showing, retry, quote, or refuse — never guess."""

import pytest

from assistant.backends.registry import get_backend
from assistant.qa.answer import NOT_MENTIONED, Listener, ask

from .conftest import one_report_library
from .fakes import ScriptedLLM, cite_the_source_holding

WUHAI_Q = "2023年乌海市行政机关负责人出庭应诉率是多少？"


@pytest.fixture
def model_path(seeded_store):
    """The seeded store, with instant answers off: these tests are about the model's rungs of
    the ladder, and WUHAI_Q would otherwise be answered from the indicator card."""
    store, settings = seeded_store
    return store, settings.model_copy(update={"instant": False})


def _text_of(store, report_id):
    return store.report_text(report_id)


def assert_citations_slice_back(store, answer):
    assert answer.citations, "a grounded answer must cite at least one source"
    for c in answer.citations:
        assert _text_of(store, c.report_id)[c.start : c.end] == c.quote


def test_a_verified_model_answer_is_returned_with_exact_citation_offsets(model_path):
    store, settings = model_path
    llm = ScriptedLLM("乌海市行政机关负责人出庭应诉率为98.4%。[1]")
    answer = ask(WUHAI_Q, store, llm, settings)
    assert answer.method == "model" and answer.grounded and not answer.refused
    assert "98.4%" in answer.citations[0].quote
    assert answer.scope.report_ids == ["wuhai-2023"]
    assert_citations_slice_back(store, answer)
    assert answer.prompt == "answer_lean@4"


def test_lean_sources_show_the_sentences_naming_the_questions_terms_with_their_section(model_path):
    store, settings = model_path
    lean = ScriptedLLM("乌海市注册公职律师63人。[1]")
    ask("乌海市注册公职律师有多少人？", store, lean, settings.model_copy(update={"instant": False}))
    full = ScriptedLLM("乌海市注册公职律师63人。[1]")
    answer = ask(
        "乌海市注册公职律师有多少人？", store, full, settings.model_copy(update={"lean": False, "instant": False})
    )
    (lean_system, lean_user), (full_system, full_user) = lean.calls[0], full.calls[0]
    assert answer.prompt == "answer@2" and len(lean_system["content"]) < len(full_system["content"])
    # The one sentence naming 公职律师, under its section path cut to each heading's first clause.
    assert "[1] 乌海市2023年报告｜一、主要工作开展情况 > (二)聚焦依法决策：…" in lean_user["content"]
    assert "注册公职律师63人。…" in lean_user["content"] and "[2]" not in lean_user["content"]
    assert "[4]" in full_user["content"] and len(lean_user["content"]) < len(full_user["content"]) / 3


def test_the_model_is_told_the_reports_words_for_a_questions_lay_words(model_path):
    store, settings = model_path
    llm = ScriptedLLM("报告中未提及")
    ask("乌海市打行政官司输了几件？", store, llm, settings)
    assert llm.calls[0][1]["content"].endswith("（报告用语：官司即诉讼，输了即败诉）")
    plain = ScriptedLLM("报告中未提及")
    ask("乌海市注册公职律师有多少人？", store, plain, settings)
    assert "报告用语" not in plain.calls[0][1]["content"]


def test_a_paraphrased_question_keeps_its_top_sources_whole():
    from assistant.qa.sources import excerpt, short_path

    text = "甲项工作稳步推进。乙项工作出庭应诉率98%。丙项工作。"
    assert excerpt(text, ["出庭", "应诉"], 2) == ("…乙项工作出庭应诉率98%。…", True)
    assert excerpt(text, ["胜诉"], 1) == (None, False)  # nothing names the term: shown whole, or left out
    assert (
        short_path("一、主要举措和成效 > (一)加强党的领导,完善法治政府建设推进机制")
        == "一、主要举措和成效 > (一)加强党的领导"
    )


def test_a_bare_figure_is_spelled_out_as_the_clause_of_the_report_that_holds_it(model_path):
    store, settings = model_path
    llm = ScriptedLLM("98.4%")  # what a small model answers a short prompt: no subject, no [n]
    answer = ask(WUHAI_Q, store, llm, settings.model_copy(update={"instant": False}))
    assert len(llm.calls) == 1 and answer.method == "model" and answer.grounded
    assert answer.explanation.startswith("行政机关负责人出庭应诉率98.4% [1]")
    assert_citations_slice_back(store, answer)


def test_a_count_whose_clause_names_another_thing_does_not_answer_the_question(model_path):
    store, settings = model_path
    # 124件 is in the sentence that mentions 行政复议, but its own clause counts 行政应诉案件.
    wrong = "乌海市2023年共收到124件行政复议申请。[1]"
    answer = ask("乌海市2023年共收到多少件行政复议申请？", store, ScriptedLLM(wrong, wrong), settings)
    assert "124" not in answer.answer and answer.method != "model"
    assert any("124" in p and "别的事项" in p for p in answer.problems)


def test_a_quote_about_another_years_appraisal_is_not_the_answer():
    from assistant.qa.answer import _other_appraisal

    avoid = _other_appraisal("富平县在渭南市2022年度法治政府建设考核中被评为什么等次？")
    assert avoid("我县在渭南市2021年度法治政府建设考核中被评为良好等次。")
    assert not avoid("在渭南市2022年度法治政府建设考核中,我县被评为优秀等次。")
    assert not avoid("全年办理行政复议案件41件。")  # no appraisal year: not passed over
    assert _other_appraisal("富平县2022年办理了多少件行政复议案件？") is None


def test_an_invented_number_triggers_one_strict_retry(model_path):
    store, settings = model_path
    llm = ScriptedLLM("出庭应诉率为97.1%。[1]", "出庭应诉率为98.4%。[1]")
    answer = ask(WUHAI_Q, store, llm, settings)
    assert len(llm.calls) == 2
    assert "97.1" in llm.calls[1][1]["content"], "the retry prompt must name the unverified number"
    assert answer.method == "model-retry" and answer.grounded and "98.4%" in answer.answer
    assert any("97.1" in p for p in answer.problems)


def test_when_the_retry_also_fails_the_answer_quotes_the_source(model_path):
    store, settings = model_path
    llm = ScriptedLLM("出庭应诉率为97.1%。[1]", "出庭应诉率为99%。[1]")
    answer = ask(WUHAI_Q, store, llm, settings)
    assert answer.method == "extractive" and answer.grounded
    assert "98.4%" in answer.answer and "97.1" not in answer.answer and "99%" not in answer.answer
    assert_citations_slice_back(store, answer)


def test_a_number_from_an_unrelated_sentence_is_rejected(model_path):
    store, settings = model_path
    # 100% is in the cited chunk (办结率100%), but not in a sentence about 出庭应诉率.
    llm = ScriptedLLM("出庭应诉率为100%。[1]", "出庭应诉率为100%。[1]")
    answer = ask(WUHAI_Q, store, llm, settings)
    assert "100%" not in answer.answer.split("“")[0]
    assert answer.method in ("extractive", "refusal")


def test_citing_a_source_that_does_not_exist_is_a_problem(model_path):
    store, settings = model_path
    llm = ScriptedLLM("出庭应诉率为98.4%。[9]", "出庭应诉率为98.4%。[1]")
    answer = ask(WUHAI_Q, store, llm, settings)
    assert any("[9]" in p for p in answer.problems) and answer.method == "model-retry"


def test_a_missing_citation_marker_is_added_from_the_source_holding_the_number(model_path):
    store, settings = model_path
    answer = ask(WUHAI_Q, store, ScriptedLLM("出庭应诉率为98.4%。"), settings)
    assert answer.grounded and answer.citations and "[1]" in answer.explanation


def test_numbers_from_two_sources_without_markers_cite_both(model_path):
    store, settings = model_path
    question = "醴陵市收到多少件行政复议申请？办理了多少件法律援助案件？"
    answer = ask(question, store, ScriptedLLM("收到行政复议申请122件，办理法律援助案件659件。"), settings)
    quotes = " ".join(c.quote for c in answer.citations)
    assert answer.method == "model" and answer.grounded, answer.problems
    assert len(answer.citations) == 2 and "122" in quotes and "659" in quotes
    assert_citations_slice_back(store, answer)


def test_a_question_about_a_year_we_do_not_have_is_declined_without_the_model(model_path):
    store, settings = model_path
    llm = ScriptedLLM()
    answer = ask("乌海市2019年办理了多少件行政复议案件？", store, llm, settings)
    assert answer.refused and answer.answer.startswith(NOT_MENTIONED) and "2019" in answer.answer
    assert llm.calls == []


def test_a_refusal_with_no_matching_evidence_stays_a_refusal(model_path):
    store, settings = model_path
    answer = ask("磴口县聘请了多少名政府法律顾问？", store, ScriptedLLM("报告中未提及。"), settings)
    assert answer.refused and answer.answer == NOT_MENTIONED and answer.citations == []


def test_streaming_never_shows_an_unverified_sentence(model_path):
    store, settings = model_path
    shown, resets = [], []
    listener = Listener(emit=shown.append, reset=lambda: resets.append(1))
    llm = ScriptedLLM("行政应诉案件124件。[1]出庭应诉率为97.1%。[1]", "出庭应诉率为98.4%。[1]")
    answer = ask(WUHAI_Q, store, llm, settings, listener=listener)
    assert not any("97.1" in s for s in shown)
    assert resets == [1], "the verified first sentence was shown, so it must be withdrawn before the retry"
    assert "".join(shown[1:]).strip() == answer.explanation.strip()  # what streamed is the explanation
    assert answer.answer == "98.4%"  # and the answer leads with the figure


def test_timings_and_usage_are_reported(model_path):
    store, settings = model_path
    answer = ask(WUHAI_Q, store, ScriptedLLM("出庭应诉率为98.4%。[1]"), settings)
    t = answer.timings
    # The scripted model reports 1 ms each for prefill and generation; retrieval and the total are measured.
    assert t.retrieve_ms > 0 and t.prefill_ms == t.generate_ms == 1.0 and t.total_ms >= t.retrieve_ms
    assert answer.usage.prompt_tokens > 100 and answer.usage.completion_tokens > 0


# --- the real packaged 0.5B model through llama.cpp --------------------------------


@pytest.fixture(scope="module")
def local_llm(seeded_store):
    _, settings = seeded_store
    return get_backend(settings.model_copy(update={"model": "qwen2.5-coder-0.5b"}))


@pytest.mark.model
@pytest.mark.parametrize(
    "question,fact",
    [
        (WUHAI_Q, "98.4%"),
        ("醴陵市收到多少件行政复议申请？", "122"),
        ("磴口县市场主体年报率是多少？", "95.97%"),
    ],
)
def test_the_real_model_answers_seed_questions_with_verified_quotes(model_path, local_llm, question, fact):
    store, settings = model_path
    answer = ask(question, store, local_llm, settings)
    assert fact in answer.answer and answer.grounded and not answer.refused
    assert any(fact in c.quote for c in answer.citations)
    assert_citations_slice_back(store, answer)


@pytest.mark.model
def test_the_real_model_declines_a_question_the_reports_do_not_answer(model_path, local_llm):
    store, settings = model_path
    answer = ask("磴口县聘请了多少名政府法律顾问？", store, local_llm, settings)
    assert answer.refused and answer.answer.startswith(NOT_MENTIONED)


def test_a_question_about_one_indicator_is_answered_from_its_card_without_the_model(seeded_store):
    store, settings = seeded_store
    llm = ScriptedLLM()
    answer = ask(WUHAI_Q, store, llm, settings)
    assert answer.method == "indicators" and llm.calls == [] and answer.answer == "98.4%"
    assert_citations_slice_back(store, answer)
    assert "98.4%" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "醴陵市2023年审核了多少件部门规范性文件？",  # the card holds 市政府规范性文件's figure: not this one
        "磴口县2021年共有多少个人民调解委员会？其中多少个是行业性专业性的？",  # asks two things
    ],
)
def test_an_indicator_question_the_card_may_not_answer_goes_to_the_model(seeded_store, question):
    store, settings = seeded_store
    llm = ScriptedLLM("报告中未提及。")
    ask(question, store, llm, settings)
    assert llm.calls, "the card's figure is not certainly the one asked"


def test_an_answer_that_only_repeats_the_questions_words_is_asked_again(model_path):
    store, settings = model_path
    question = "乌鲁木齐县2022年召开的专题述法会议叫什么？"
    llm = ScriptedLLM("专题述法会议。[1]", "召开“乌鲁木齐县2022年度专题述法工作会议”。[1]")
    answer = ask(question, store, llm, settings)
    assert len(llm.calls) == 2 and "没有给出答案" in llm.calls[1][1]["content"]
    assert "乌鲁木齐县2022年度专题述法工作会议" in answer.answer + answer.explanation


def test_a_list_question_asking_哪几_does_not_want_a_number(model_path):
    import re

    store, settings = model_path

    def names_the_laws(messages):
        sources = re.split(r"\n(?=\[\d+\] )", messages[-1]["content"])
        n = next(re.match(r"\[(\d+)\]", s).group(1) for s in sources if "节约用水条例" in s)
        return f"乌海市出台了《乌海市节约用水条例》。[{n}]"

    llm = ScriptedLLM(names_the_laws)
    answer = ask("乌海市出台了哪几部地方性法规？", store, llm, settings)
    assert answer.method == "model" and len(llm.calls) == 1 and "《乌海市节约用水条例》" in answer.answer


def test_an_answer_giving_one_of_the_two_items_asked_is_asked_again(model_path):
    store, settings = model_path
    # The report counts 法治宣传200余场次 and 法治讲座100场次; the draft folds both into one figure.
    merged = "2023年醴陵市开展了200余场次法治宣传和法治讲座。[1]"
    answer = ask("2023年醴陵市开展了多少场法治宣传和法治讲座？", store, ScriptedLLM(merged, merged), settings)
    assert any("法治讲座" in p and "缺少" in p for p in answer.problems)
    assert answer.method != "model" and "100场次" in answer.answer
    assert_citations_slice_back(store, answer)


def test_a_count_over_several_years_keeps_its_span(model_path):
    store, settings = model_path
    # "2019年至今我县共办理行政复议案件11件": 11 is not one year's count.
    bare = "磴口县办理了11件行政复议案件。[1]"
    answer = ask("磴口县办理了多少件行政复议案件？", store, ScriptedLLM(bare, bare), settings)
    assert any("2019年至今" in p for p in answer.problems)
    assert answer.method != "model" and "2019年至今11件" in answer.answer


def test_a_quoted_name_the_sources_do_not_hold_is_not_shown(model_path):
    store, settings = model_path
    invented = "醴陵市2023年获得了“法治政府建设示范市”称号。[1]"  # no such title in the report
    answer = ask("醴陵市2023年获得了哪些荣誉？", store, ScriptedLLM(invented, invented), settings)
    assert any("法治政府建设示范市" in p and "找不到" in p for p in answer.problems)
    assert "法治政府建设示范市”" not in answer.answer and answer.method != "model"


def test_a_change_over_two_years_quotes_what_each_year_did_not_what_it_plans(make_store, tmp_path):
    from assistant.ingest.pipeline import ingest_paths

    store, settings = make_store()
    year = "柳城县人民政府关于{y}年度法治政府建设情况的报告\n一、主要工作\n全县收到行政复议申请{n}件,审结{m}件,纠错率{r}。\n"
    plan = "二、{y}年工作安排\n一是深化行政复议体制改革;二是力争行政复议纠错率控制在6%以内。\n柳城县人民政府\n{y}年1月20日\n"
    for y, n, m, r in ((2023, 412, 398, "9.2%"), (2024, 455, 437, "7.1%")):
        (tmp_path / f"liucheng-{y}.txt").write_text(year.format(y=y, n=n, m=m, r=r) + plan.format(y=y + 1), "utf-8")
    ingest_paths([tmp_path / "liucheng-2023.txt", tmp_path / "liucheng-2024.txt"], store, progress=False)
    answer = ask("柳城县的行政复议纠错率这两年是怎么变的？", store, ScriptedLLM(), settings)
    assert "9.2%" in answer.answer and "7.1%" in answer.answer and "6%" not in answer.answer


def test_a_change_given_without_its_figure_is_asked_again(model_path):
    store, settings = model_path
    vague = "乌海市报备的自治区政策解读条数较2022年翻一番。[1]"  # the report gives 855条 with it
    answer = ask("乌海市报备的自治区政策解读条数较2022年有什么变化？", store, ScriptedLLM(vague, vague), settings)
    assert any("变化" in p and "数字" in p for p in answer.problems)
    assert answer.method != "model" and "855条" in answer.answer


TONGLU = """桐庐县人民政府关于2024年度法治政府建设情况的报告
一、主要工作
(一)化解行政争议。县政府收到行政复议申请526件,受理488件,纠错率7.9%,调解和解率31.6%。
(二)野生动物保护。巡护里程累计达到1.6万公里,救护受伤野生动物138只。
(三)发展目标。到2025年全县地区生产总值突破900亿元,城乡居民收入稳步增长。
(四)统计口径。本报告统计数据的时段为上年11月1日至本年10月31日,2024年度统计时段为2023年11月1日至2024年10月31日。
二、2025年工作打算
2025年,县政府将继续推进法治政府建设:一是深化执法改革;二是调解和解率达到35%以上。
桐庐县人民政府
2025年1月20日
"""


@pytest.fixture(scope="module")
def tonglu(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "tonglu-2024.txt", TONGLU)


def test_a_planned_figure_does_not_answer_what_was_done(tonglu):
    store, settings = tonglu
    planned = "桐庐县调解和解率达到35%以上。[2]"  # the 2025 target (source 2), not 2024's rate
    answer = ask("桐庐县2024年调解和解率是多少？", store, ScriptedLLM(planned, planned), settings)
    assert any("计划目标" in p for p in answer.problems)
    assert answer.answer == "31.6%" and "35%" not in answer.answer


def test_a_figure_given_without_its_bound_is_asked_again(tonglu):
    store, settings = tonglu
    unbounded = "桐庐县到2025年地区生产总值要做到900亿元。[1]"  # the report says 突破900亿元
    answer = ask("桐庐县到2025年地区生产总值要做到多少？", store, ScriptedLLM(unbounded, unbounded), settings)
    assert any("突破" in p for p in answer.problems)
    assert answer.answer == "突破900亿元"


def test_a_span_asked_for_is_answered_whole_from_the_quote_the_model_cited_in_part(tonglu):
    store, settings = tonglu
    generic = cite_the_source_holding("10月31日", "本报告统计数据的时段为上年11月1日至本年10月31日。")
    answer = ask("桐庐县2024年度报告的统计时段是从哪天到哪天？", store, ScriptedLLM(generic), settings)
    assert answer.answer == "2023年11月1日至2024年10月31日"  # as the cited sentence writes it, both years
    assert any(answer.answer in c.quote for c in answer.citations)


def test_an_amount_asked_is_not_answered_with_a_count_of_other_things(tonglu):
    store, settings = tonglu
    answer = ask("桐庐县2024年兑付的野生动物致害补偿一共多少钱？", store, ScriptedLLM(), settings)
    assert answer.refused and "138" not in answer.answer


def test_a_bare_figure_for_one_of_two_parts_is_not_taken_for_the_whole_answer(model_path):
    store, settings = model_path
    one = "[1] 1403家"  # the second part's 1985条 is left out
    answer = ask(
        "磴口县涉企信息归集公示中认领了多少家企业？录入了多少条行政处罚？", store, ScriptedLLM(one, one), settings
    )
    assert answer.method != "model" and "1403" in answer.answer and "1985" in answer.answer


def test_a_list_the_report_labels_with_the_noun_asked_is_read_off_that_line(make_store, tmp_path):
    from assistant.ingest.pipeline import ingest_paths

    store, settings = make_store()
    notice = (
        "关于印发《青溪县2024年度法治督察工作方案》的通知\n各乡镇、县直各部门：\n现将方案印发给你们。\n"
        "一、督察内容\n重点督察行政执法三项制度落实情况，关门山、大石湖等景区周边旅游市场执法情况。\n"
        "二、督察对象\n（一）乡镇：小市镇、草河口镇、南甸镇；\n（二）县直部门：县公安局、县司法局。\n"
        "中共青溪县委全面依法治县委员会办公室\n2024年4月2日\n"
    )
    (tmp_path / "qingxi-ducha-2024.txt").write_text(notice, "utf-8")
    ingest_paths([tmp_path / "qingxi-ducha-2024.txt"], store, progress=False)
    llm = ScriptedLLM()
    answer = ask("青溪县这次法治督察要去哪几个乡镇？", store, llm, settings)
    assert answer.method == "headings" and llm.calls == []
    assert answer.answer == "小市镇、草河口镇、南甸镇"  # not the 景区 the body names beside 乡镇
    assert answer.citations[0].quote == "小市镇、草河口镇、南甸镇"


JIUXI = """九溪县人民政府关于2023年度法治政府建设情况的报告
一、主要工作
(一)化解行政争议。全县共收到行政复议申请318件,同比增长9.6%;受理296件,审结281件,其中维持190件、撤销23件、确认违法6件。
(二)普法。全县培育“法律明白人”420名、“法治带头人”96名,每个村至少配备“法律明白人”5名。
二、存在的不足
一是普法形式不够丰富;二是“法律明白人”队伍中少数民族成员偏少,只有58名,会用双语宣讲的不到一半。
九溪县人民政府
2024年1月18日
"""


@pytest.fixture(scope="module")
def jiuxi(tmp_path_factory, embedder):
    return one_report_library(tmp_path_factory, embedder, "jiuxi-2023.txt", JIUXI)


@pytest.mark.parametrize(
    "question,short,quoted",
    [
        # the 其中 parts go on in the sentence after the whole's: that sentence answers the part
        ("九溪县全县收到多少件行政复议申请？其中被撤销的有几件？", "318件；23件", "撤销23件"),
        # a clause that is only its figure (只有58名) counts what the clause before it names
        ("九溪县培育了多少名法律明白人？其中少数民族的有几个？", "420名；58名", "只有58名"),
    ],
)
def test_a_part_asking_how_many_of_the_whole_did_a_thing_is_answered_from_the_sentence_saying_it(
    jiuxi, question, short, quoted
):
    store, settings = jiuxi
    answer = ask(question, store, ScriptedLLM(), settings)
    assert answer.answer == short and not answer.refused
    assert any(quoted in c.quote for c in answer.citations)


def test_a_sentence_on_the_topic_that_never_says_the_act_asked_does_not_answer_it(jiuxi):
    store, settings = jiuxi
    answer = ask("九溪县行政复议以调解和解方式结案了多少件？", store, ScriptedLLM(), settings)
    assert answer.refused and "318" not in answer.answer  # 收到…申请318件 is not how many were 结案 so
