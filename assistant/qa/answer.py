"""Question -> Answer: the answer ladder, one small function per rung.

Each rung reads the question's typed context (`Asking`) and returns an Answer or None
(None = "not me, try the next rung"):
  1. refuse at once when the question names a report the library lacks (qa/scope.py), or
     nothing is found;
  2. a question about the report itself (文号, 成文日期, …) from its record (qa/about.py);
  3. an indicator comparison read off the cards, with no model call (qa/instant.py), a
     list the report states as its headings ("分为哪几个阶段", qa/headings.py), or the cells
     of a table the question names ("2024年比2023年多了多少件", qa/tables.py);
  4. the model answers from numbered sources (prompts/answer.yaml);
  5. the model retries with a stricter prompt naming what failed (answer_strict.yaml);
  6. the best source sentence, quoted whole (qa/quote.py) — only when it is about the
     measure asked; for a rate the report does not give, "报告中未提及X" with the related
     figures quoted under 相关数据, never as the answer;
  7. a refusal: 报告中未提及.
A model draft is shown only if it passes verification (qa/checks.py); its sentences stream
through `StreamGuard`, and if a later rung replaces them, the listener's `reset` is called first.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.backends.base import LLM
from assistant.core.config import Settings
from assistant.core.types import ANNUAL_REPORT, Answer, Citation, Hit, Method, Report, Scope, Timings, Usage
from assistant.index.store import Store
from assistant.prompts import Prompt, load
from assistant.qa import about, headings, instant, tables
from assistant.qa.checks import (
    PLAN_ASKED,
    PLANNED,
    Expect,
    against_direction,
    bound_for_count,
    count_for_share,
    draft_problems,
    parts_matcher,
    problems_with,
    states_change,
    states_no_change,
    unheld_name,
    unnamed_kind,
    unsaid_act,
)
from assistant.qa.citing import as_written, cite, quote_citation, spelled_out, with_citations
from assistant.qa.direct import (
    CHANGE_BY_ASKED,
    asking_clause,
    counter_test,
    direct_answer,
    doing_words,
    figures_of,
    moved_between,
    outcomes_asked,
    question_parts,
    ranks_as_written,
    spans_as_written,
    subcount_words,
    which_is_more,
)
from assistant.qa.guard import Listener, StreamGuard
from assistant.qa.quote import EXTRACTIVE_MIN, UNSAID_MIN, Quote, best_sentence
from assistant.qa.retrieve import retrieve
from assistant.qa.scope import CHANGE, selector_years
from assistant.qa.sources import Source, build_sources, exempt_numbers, whole_sentences
from assistant.qa.verify import cited_ids, coverage, strip_citations, ungrounded_numbers
from assistant.text.measures import Measure, measure_asked
from assistant.text.numerals import figures_in, number_set, numbers_in
from assistant.text.places import field_names, level_of, names_place
from assistant.text.sentences import sentences
from assistant.text.words import glossary, key_terms
from assistant.text.years import years_in

NOT_MENTIONED = "报告中未提及"
_REFUSAL = re.compile(r"未提及|没有提及|未涉及|没有提到|未提到|无法回答|无法确定|没有相关|未找到")
_WANTS_NUMBER = re.compile(r"多少|(?<!哪)几|比例|百分|数量|数目|率|人数|件数|次数|金额|哪天|哪一天|何时|日期|哪年|文号")


@dataclass
class Asking:
    """One question on its way down the ladder: what every rung reads and adds to."""

    question: str
    store: Store
    llm: LLM
    settings: Settings
    listener: Listener
    reports: list[Report]  # the registry, read once per question
    scope: Scope
    hits: list[Hit]
    expect: Expect  # what an answer must respect: key terms, exempt numbers, places, the measure
    started: float
    timings: Timings
    places: frozenset[str] = frozenset()  # every name of the library's places and their parents
    usage: Usage = field(default_factory=Usage)
    sources: list[Source] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what failed verification so far
    declined: bool = False  # the model said the sources do not answer

    @property
    def terms(self) -> list[str]:
        return self.expect.terms

    def finish(
        self,
        text: str,
        method: Method,
        *,
        prompt: str = "",
        refused: bool = False,
        citations: list[Citation] | None = None,
        short: str | None = None,
        derived: frozenset[str] = frozenset(),
    ) -> Answer:
        """The Answer for `text`: its direct answer first (`short`, else read off `text`; a
        refusal or a comparison is already direct), `text` as the explanation behind it."""
        if citations is None:
            citations = [] if refused else cite(self.sources, text, self.terms)
        grounded = refused or (
            bool(citations)
            and (
                method in ("indicators", "about", "headings", "table")
                or not problems_with(text, self.sources, self.expect)
            )
        )
        if short is None:
            short = text if refused else self._direct(text, citations)
        if not number_set(short) <= number_set(text) | self.expect.exempt | derived and not any(
            short in c.quote
            for c in citations  # or is, verbatim, what a cited quote says (a whole span)
        ):
            short = text  # the direct answer repeats the verified text, never adds to it
        elif not refused and self._another_speaks(citations) and not short.startswith(citations[0].report):
            short = f"{citations[0].report}：{short}"  # whose account the figure is, said with it
        self.timings.total_ms = (time.perf_counter() - self.started) * 1000
        return Answer(
            question=self.question,
            answer=strip_citations(short).strip() if short != text else short,
            explanation="" if short == text else text,
            citations=citations,
            grounded=grounded,
            refused=refused,
            method=method,
            scope=self.scope,
            problems=self.problems,
            prompt=prompt,
            model=getattr(self.llm, "name", ""),
            timings=self.timings,
            usage=self.usage,
        )

    def _direct(self, text: str, citations: list[Citation]) -> str:
        """The direct answer read off `text`; when the question is about several places, it
        names the one its figure belongs to ("醴陵市2023年报告：659件"), and a text citing
        several places' reports is its own answer."""
        quotes = [c.quote for c in citations]
        cited = {c.report_id for c in citations}
        if len(self.scope.report_ids) > 1 and len(cited) > 1:
            short = ranks_as_written(self.question, self._direct_per_source(text, citations), quotes)
            pieces = [tuple(p.split("：", 1)) for p in short.split("；")] if short != text else []
            if all(len(p) == 2 for p in pieces) and (verdict := which_is_more(self.question, pieces)):
                return f"{short}；{verdict}"  # "哪个多": read off the figures given, never the model's say
            return short
        short = ranks_as_written(self.question, direct_answer(self.question, text), quotes)
        short = spans_as_written(self.question, short, quotes)
        places = {r.place for r in self.reports if r.report_id in self.scope.report_ids}
        if len(places) > 1 and citations:
            return f"{citations[0].report}：{short}"
        return short

    def _another_speaks(self, citations: list[Citation]) -> bool:
        """Is the answer another body's account of the place asked — "仙游县…" from 莆田市's table, "厦门
        2023年…" from 厦门市公安局's own report — so that the direct answer must say whose it is?"""
        cited = [r for r in self.reports if r.report_id in {c.report_id for c in citations}]
        if not cited:
            return False
        return bool(self.scope.unheld) or all(
            level_of(r.place) == "部门" and not names_place(self.question, r.place) for r in cited
        )

    def _direct_per_source(self, text: str, citations: list[Citation]) -> str:
        """A text citing several reports, sentence by sentence: each sentence citing one
        report gives that report's direct answer under its name; one citing several is split
        by the places its clauses name, else by the report each figure is quoted from; a
        sentence that cannot be split leaves the text as it is."""
        places = {c.n: r.place for c in citations for r in self.reports if r.report_id == c.report_id and r.place}
        pieces, said, carry = [], [], ""
        for sentence in sentences(text):
            if not strip_citations(sentence).strip() and not carry and said:
                said[-1] += sentence  # markers after the full stop belong to its sentence
            elif not cited_ids(sentence):
                carry += sentence  # "A市…147件，B市…122件。A市多。[1] [2]": the markers at the end cite both
            elif carry and len(cited_ids(sentence)) < 2:
                return text  # one report's markers after another place's sentence: not split
            else:
                said.append(carry + sentence)
                carry = ""
        if carry.strip():
            said.append(carry)
        for sentence in said:
            found = _per_report(self.question, sentence, citations, places)
            if found is None:
                return text
            pieces += found
        return "；".join(pieces) or text

    def refuse(self, why: str | None = None) -> Answer:
        text = f"{NOT_MENTIONED}：{why}" if why else NOT_MENTIONED
        self.listener.emit(text)
        return self.finish(text, "refusal", refused=True)


def _per_report(question: str, sentence: str, citations: list[Citation], places: dict[int, str]) -> list[str] | None:
    """ "label：direct answer" pieces of one sentence of a text citing several reports, or None.
    "乌海市司法局收到…186件，雄安新区收到…147件。[1] [2]" splits by the place each clause names;
    "工单量这两年分别是6318件和7452件。[1] [2]" (two years of one place) by the report whose
    quote holds each figure."""
    labels = {c.n: c.report.removesuffix("报告") for c in citations}
    ids = cited_ids(sentence)
    if not ids or any(i not in labels for i in ids):
        return None
    if len(ids) == 1:
        return [f"{labels[ids[0]]}：{direct_answer(question, sentence)}"]
    pieces = []
    split = [c for c in re.split(r"[，,；;。]", strip_citations(sentence)) if c.strip()]
    if any(figures_of(c) for c in split):  # "…122件。武威市的多。": the clauses with figures answer
        split = [c for c in split if figures_of(c)]
    for clause in split:
        owners = [i for i in ids if i in places and names_place(clause, places[i])]
        if len(owners) != 1:
            break
        pieces.append(f"{labels[owners[0]]}：{direct_answer(question, clause)}")
    else:
        return pieces
    pieces = []
    for shown, number in figures_of(strip_citations(sentence)):
        if number in number_set(question):  # the 12345 of "12345热线" names what is counted
            continue
        owners = {labels[c.n] for c in citations if c.n in ids and number in number_set(c.quote)}
        if len(owners) != 1:
            return None
        pieces.append(f"{owners.pop()}：{shown}")
    return pieces or None


_ASKS_ANNUAL = re.compile(r"法治政府建设(?:情况|工作|年度)*的?报告")


def _missing_report(q: Asking) -> Answer | None:
    # The annual report asked for is not another kind of document, whatever year that is of.
    if (other := _other_kind(q)) or not q.scope.missing:
        return other
    if _named_in_one_report(q):
        return None  # the one report that names the place answers for it
    # A year no report covers may be content another year states — unless the question asks
    # for that year's report itself ("2021年的法治政府建设报告里…") and every document of the
    # place is dated (an undated notice may be the one that speaks of that year's report).
    undated = any(r.year is None for r in q.reports if r.report_id in q.scope.report_ids)
    names_report = (
        q.scope.year is not None
        and not undated
        and re.search(rf"{q.scope.year}\s*年度?的?[^，,。？?]{{0,14}}报告", q.question)
    )
    if q.scope.year is not None and not names_report:
        naming = [h for h in q.hits if f"{q.scope.year}年" in h.chunk.text]
        if naming:
            q.hits = naming
            return None
        # "计划在2024年…" of a place whose latest report is 2023's: that report's plans answer it.
        planned = [h for h in q.hits if h.report.year == q.scope.year - 1] if PLAN_ASKED.search(q.question) else []
        if planned:
            q.hits = planned
            return None
    q.problems.append(q.scope.missing)
    return q.refuse(q.scope.missing)


def _named_in_one_report(q: Asking) -> bool:
    """ "仙游县2024年作出了多少行政处罚？" with no report of 仙游县 held, but 莆田市's naming it in a row of
    its table: that one report answers for what it says of the place — the hits that name it, the
    scope that report, the reason said. False when no one report names it: the place is refused."""
    place = q.scope.unheld
    naming = [h for h in q.hits if place and place in h.chunk.text]
    reports = {h.report.report_id: h.report for h in naming}
    if len(reports) != 1:
        return False
    (report,) = reports.values()
    q.hits = naming
    reason = f"报告库中没有{place}的报告；{report.label}写到{place}，按其回答"
    q.scope = q.scope.model_copy(update={"report_ids": [report.report_id], "missing": None, "reason": reason})
    return True


def _other_kind(q: Asking) -> Answer | None:
    """ "南沙区2020年法治政府建设情况报告中…" when the library holds 南沙区's 2020 工作要点, not its
    annual report: the document asked for is not held, whatever the other one says."""
    scoped = [r for r in q.reports if r.report_id in q.scope.report_ids]
    if not scoped or not _ASKS_ANNUAL.search(q.question) or any(r.kind == ANNUAL_REPORT for r in scoped):
        return None
    held = "、".join(f"{r.label}（{r.kind or '其他文件'}）" for r in scoped[:4])
    why = f"报告库中没有所问的法治政府建设年度报告（现有：{held}）"
    q.problems.append(why)
    return q.refuse(why)


def _the_report(q: Asking) -> Report | None:
    """The one report the question is about, if it is about one."""
    if len(q.scope.report_ids) != 1 and len(q.reports) != 1:
        return None
    rid = q.scope.report_ids[0] if q.scope.report_ids else q.reports[0].report_id
    return next((r for r in q.reports if r.report_id == rid), None)


def _about_report(q: Asking) -> Answer | None:
    """文号, 成文日期, 签发人, 发布机关, 标题, 报送对象 of the one report in scope, from its record."""
    report = _the_report(q) if q.settings.instant else None
    if report and (unstated := about.unstated(q.question, report)):
        text = f"{NOT_MENTIONED}{'、'.join(unstated)}"  # read by rule from the header and salutation
        q.problems.append(f"报告的文头和称谓中没有{'、'.join(unstated)}")
        q.listener.emit(text)
        return q.finish(text, "refusal", refused=True)
    found = about.answer(q.question, q.store, report) if report else None
    if found is None and not q.scope.report_ids and q.settings.instant:
        found = about.of_year(q.question, q.store, q.reports)  # which of the library's reports are of a year
    if found is None:
        return None
    q.listener.emit(found.text)
    return q.finish(
        found.text, "about", prompt=f"about:{found.field}", citations=found.citations, short="；".join(found.values)
    )


def _from_headings(q: Asking) -> Answer | None:
    """ "分为哪几个阶段？": the sibling headings of the one report in scope that end in 阶段;
    "存在哪些问题？" / "下一步有哪些安排？": the items its 问题 / 下一步 section enumerates; "那项任务
    由哪些单位负责？": the 责任单位 line under the task; "要去哪几个乡镇？": the line labelled 乡镇：;
    "覆盖了哪几个县市区？": the places the report lists and counts (…、会泽县9个县（市、区）)."""
    report = _the_report(q) if q.settings.instant else None
    readers = (
        headings.answer,
        headings.labelled,
        headings.places_counted,
        headings.enumerated,
        headings.responsible,
        headings.stage_period,
    )
    found = next((f for read in readers if (f := read(q.question, q.store, report))), None) if report else None
    if not found:
        return None
    q.listener.emit(found.text)
    return q.finish(found.text, "headings", prompt="headings", citations=found.citations, short=found.short)


def _from_table(q: Asking) -> Answer | None:
    """ "2024年比2023年多了多少件？" / "哪个区…最多？" over a table of the one report in scope: the
    cells the question names (qa/tables.py); kept only if every figure in it is in its quote,
    or computed from figures that are (a change)."""
    report = _the_report(q) if q.settings.instant else None
    found = tables.answer(q.question, q.store, report) if report else None
    if report is None and q.settings.instant and (held := _year_in_tables(q)):
        report, found = held
    if found is None:
        return None
    exempt = number_set(q.question) | found.derived | {str(report.year)}  # "…2024年报告的表格中" names its year
    if ungrounded_numbers(strip_citations(found.text), [c.quote for c in found.citations], exempt):
        return None
    q.listener.emit(found.text)
    return q.finish(found.text, "table", prompt="table", citations=found.citations, short=found.short)


def _year_in_tables(q: Asking) -> tuple[Report, tables.TableAnswer] | None:
    """ "曲阜2023年一审行政诉讼有多少件" with 曲阜's 2022 and 2024 reports held: a year no report in scope is
    of may be a column of one of their tables — answered when exactly one report's table answers."""
    in_scope = [r for r in q.reports if r.report_id in q.scope.report_ids]
    if q.scope.year is None or len(in_scope) < 2 or any(r.year == q.scope.year for r in in_scope):
        return None
    if len({r.place for r in in_scope}) != 1:
        return None  # one place's years, not several places
    found = [(r, a) for r in in_scope if (a := tables.answer(q.question, q.store, r))]
    return found[0] if len(found) == 1 else None


def _nothing_found(q: Asking) -> Answer | None:
    if not q.hits:
        q.problems.append("没有检索到相关内容")
        return q.refuse()
    return None


def _from_indicators(q: Asking) -> Answer | None:
    """A comparison of one indicator across reports, read off the cards; kept only if every
    number in it is in its quotes."""
    if q.scope.missing and q.scope.year is not None:
        return None  # the year asked has no report: a card speaks for its own report's year only
    by_id = {r.report_id: r for r in q.reports}
    scoped = [by_id[i] for i in ([q.scope.prefer] if q.scope.prefer else q.scope.report_ids) if i in by_id]
    found = instant.answer(q.question, q.store, scoped, q.reports)
    if found is None and len(scoped) == 1 and q.settings.instant:
        found = instant.single(q.question, q.store, scoped[0], q.terms)
    if found is None:
        return None
    citations = found.citations()
    labels = {str(r.year) for r in q.reports if r.year}  # "乌海市2023年报告" names its year
    # A change between years is computed from two quoted figures, shown next to them.
    exempt = number_set(q.question) | labels | found.derived
    if ungrounded_numbers(strip_citations(found.text), [c.quote for c in citations], exempt):
        return None
    q.listener.emit(found.text)
    return q.finish(found.text, "indicators", prompt=f"indicators:{found.key}", citations=citations, short=found.short)


def _model_draft(q: Asking, method: Method, prompt: Prompt, **extra: str) -> Answer | None:
    """One model call; the Answer if the draft passes verification, else None (problems noted)."""
    if not q.sources:
        t = time.perf_counter()
        hits = whole_sentences(q.hits, q.store.chunk_records)
        q.sources = build_sources(hits, q.llm, q.settings, prompt.system, q.question, q.terms)
        q.expect.exempt = exempt_numbers(q.question, q.sources)
        q.timings.prompt_ms += (time.perf_counter() - t) * 1000
    guard = StreamGuard([s.full for s in q.sources], q.terms, q.expect.exempt, q.listener)
    t = time.perf_counter()
    messages = prompt.render(
        sources=[s.prompt_vars() for s in q.sources], question=q.question, glossary=glossary(q.question), **extra
    )
    q.timings.prompt_ms += (time.perf_counter() - t) * 1000
    s = q.settings
    completion = q.llm.complete(
        messages, max_tokens=s.max_tokens, temperature=s.temperature, seed=s.seed, on_token=guard.feed
    )
    q.timings.prefill_ms += completion.prefill_ms
    q.timings.generate_ms += completion.generate_ms
    q.usage.prompt_tokens += completion.prompt_tokens
    q.usage.completion_tokens += completion.completion_tokens
    text = completion.text.strip()
    if _REFUSAL.search(text) and not numbers_in(text):
        guard.withdraw()
        q.declined = True  # the sources do not answer: no retry, the quote rung checks
        return None
    text = as_written(with_citations(text, q.sources, q.terms), q.sources)
    # "46名，92项": each figure as the clause holding it — for several parts, only a figure for each
    # part that asks one ("1403家" alone answers one of two: it is asked again)
    asking = sum(bool(_WANTS_NUMBER.search(p)) for p in question_parts(q.question))
    if q.expect.measure or len(number_set(strip_citations(text)) - q.expect.exempt) >= asking:
        text = spelled_out(text, q.sources, q.expect.names_measure)
    problems = draft_problems(text, q.sources, q.expect)
    if problems:
        q.problems += problems
        guard.withdraw()
        return None
    guard.flush()
    if not guard.shown.strip() and text:
        q.listener.emit(text)
    return q.finish(text, method, prompt=prompt.ref)


def _from_model(q: Asking) -> Answer | None:
    if q.settings.lean:
        return _model_draft(q, "model", load("answer_lean"), problem="")
    return _model_draft(q, "model", load("answer"))


def _from_model_retry(q: Asking) -> Answer | None:
    if q.declined:
        return None
    problem = "上一次回答有问题：" + "；".join(q.problems) + "。"
    # Lean: the first prompt with the problem appended, so its whole prefix is still in the KV cache.
    return _model_draft(q, "model-retry", load("answer_lean" if q.settings.lean else "answer_strict"), problem=problem)


def _other_appraisal(question: str) -> Callable[[str], bool] | None:
    """For "2022年度考核": a sentence about another year's appraisal ("2021年度…考核") and not
    this one is not its answer, however well it matches the rest of the question."""
    asked = set(re.findall(r"((?:19|20)\d{2})年度", question))
    if not asked:
        return None
    return lambda sentence: bool((said := set(re.findall(r"((?:19|20)\d{2})年度", sentence))) and not said & asked)


def _quote(q: Asking) -> Answer | None:
    """The best sentence about the measure asked, quoted whole — one per part of a question
    that asks several things, and one per year when it spans several years of one place."""
    expect, names = q.expect, q.expect.names_measure
    parts = question_parts(q.question)
    clause = asking_clause(parts[0]) if len(parts) == 1 else ""
    # The clause that asks — or, for a rate, the measure's own words: the clause "直接纠错率11.6%"
    # answers "行政复议直接纠错率是多少" although 行政复议 is named earlier in its sentence.
    if clause != parts[0]:
        asked = key_terms(clause, ignore=q.places)
    else:
        asked = key_terms(expect.measure.phrase) if expect.measure and expect.measure.precise else []
    appraisal = _other_appraisal(q.question)
    # A question of several parts: its first part's sentence here, the others' in _other_parts — a
    # sentence need not hold the words of every part to answer one.
    terms = _part_terms(q, parts[0], parts) if len(parts) > 1 else q.terms
    found = _done_first(
        q,
        lambda plans: best_sentence(
            q.sources,
            terms,
            expect.wants_number,
            names,
            avoid=_any_of(appraisal, plans),
            asked=asked,
            doing=doing_words(parts[0]) if len(parts) == 1 else [],
            counts=counter_test(q.question if len(parts) == 1 else parts[0]),  # "检查了多少次，…": a count in 次
        ),
        EXTRACTIVE_MIN,
    )
    if unnamed_kind(expect.measure, [s.text for s in q.sources], expect.places):
        return None  # "涉外纠纷" asked, only 纠纷 of every kind in the sources
    if unheld_name(q.question, [s.text for s in q.sources], expect.places):
        return None  # "“畲乡和事佬”调解队伍有多少人", no source naming it
    if unsaid_act(q.question, [s.text for s in q.sources]):
        return None  # "新招录了多少执法人员" over "持证行政执法人员1387名": no source says 招录
    if (
        found
        and found.coverage < UNSAID_MIN
        and expect.wants_number
        and len(parts) == 1
        and _act_unsaid(parts[0], found.text)
    ):
        found = None  # "以调解和解方式结案了多少件" over "收到行政复议申请462件": the topic, not the act asked
    if found is None or found.coverage < EXTRACTIVE_MIN:
        near = best_sentence(q.sources, q.terms, True) if expect.measure and expect.measure.precise else None
        return _related(q, near, expect.measure) if near and near.coverage >= EXTRACTIVE_MIN else None
    if len(q.scope.report_ids) <= 1 and states_no_change(q.question, found.text):
        return None  # "同比增长了多少" over "收到行政复议申请1364件": no change stated
    if expect.wants_number and count_for_share(q.question, found.text):
        return None  # "输掉的比例" over "一审行政诉讼案件142件"
    quotes = [found, *_other_parts(q, found), *_other_years(q, found)]
    quotes = sorted(
        {(qt.source.n, qt.start): qt for qt in quotes}.values(),
        key=lambda qt: (qt.source.hit.report.year or 0, qt.source.n, qt.start),
    )
    text = "；".join(f"根据{qt.source.label}：“{qt.text}” [{qt.source.n}]" for qt in quotes)
    years = {qt.source.hit.report.report_id for qt in quotes}
    # several years of one place are told apart by their years alone (2023年：排名第7)
    one_place = len({qt.source.hit.report.place for qt in quotes}) == 1
    label = lambda qt: f"{qt.source.hit.report.year}年" if one_place and qt.source.hit.report.year else qt.source.label  # noqa: E731
    said = [(qt, direct_answer(q.question, qt.text)) for qt in quotes]
    if expect.wants_number and any(bound_for_count(q.question, answer, qt.text) for qt, answer in said):
        return None  # "一共搞了多少次" over "原则上不超过2次", "被检查超过2次的情况": a limit, not a count
    short = "；".join(f"{label(qt)}：{answer}" for qt, answer in said) if len(years) > 1 else None
    derived: frozenset[str] = frozenset()
    if one_place and len(years) == 2 == len(said) and all(qt.source.hit.report.year for qt in quotes):
        # "涨了多少件": the change, computed from the two years' quoted figures and shown beside them
        moved = moved_between(q.question, *((qt.source.hit.report.year, answer) for qt, answer in said))
        if moved:
            short, derived = moved[0], frozenset({moved[1]})
    q.listener.emit(text)
    return q.finish(text, "extractive", short=short, derived=derived)


def _act_unsaid(part: str, sentence: str) -> bool:
    """Does the sentence leave unsaid what the part asks became of the cases (结案 of "以调解和解方式结案
    了多少件", qa/direct.outcomes_asked)? Other words before 多少 ("跟交通管理有关的") may be said otherwise."""
    return any(w not in sentence for w in outcomes_asked(part))


def _other_parts(q: Asking, found: Quote) -> list[Quote]:
    """For a question that asks several things: the best sentence for each other part."""
    parts = question_parts(q.question)
    if len(parts) < 2:
        return []
    more: list[Quote] = []
    for part in parts:
        terms = _part_terms(q, part, parts)
        other = _part_sentence(q, part, terms, {found.text, *(m.text for m in more)})
        if other and subcount_words(part) and _continues(found, other):
            # "其中被撤销的有几件" after "收到…申请1186件;": the next sentence's 其中 parts are of that
            # whole, so the two together are what must name the part's terms
            other = Quote(other.source, other.start, other.end, coverage(found.text + other.text, terms))
        if (
            other
            and other.coverage >= EXTRACTIVE_MIN
            and (other.source.n, other.start) != (found.source.n, found.start)
            and not against_direction(part, other.text)
        ):
            more.append(other)
    return more


def _continues(found: Quote, other: Quote) -> bool:
    """Is `other` the sentence right after `found`, in the same chunk?"""
    return other.source is found.source and 0 <= other.start - found.end <= 2


_CHANGE_WORDS = frozenset("增加 增长 提高 提升 减少 下降 降低 达到 扩大 现在 目前".split())


def _part_terms(q: Asking, part: str, parts: list[str]) -> list[str]:
    """The key terms a sentence answering one part must share with it."""
    terms = key_terms(part, ignore=q.places)
    measure = measure_asked(part + "？")
    # "计划增加到几个": what is to reach it is named in the first part (a rate names itself); so is the
    # subject of "安全生产方面检查了多少次？罚没款多少？" (罚没 inside 罚没款 is no second word)
    own = [t for t in terms if not PLAN_ASKED.fullmatch(t) and t not in _CHANGE_WORDS]
    if len([t for t in own if not any(t != o and t in o for o in own)]) < 2 and not (measure and measure.precise):
        terms += [t for t in key_terms(parts[0], ignore=q.places) if t not in terms]
    return terms


def _part_sentence(q: Asking, part: str, terms: list[str], used: set[str]) -> Quote | None:
    """The best sentence for one part — of two that answer it equally well, one not quoted yet:
    "现有…双语律师86名" and "…双语律师增加到100名" both name 双语律师, and the second already answers
    "计划增加到多少名". A part naming one year passes over sentences of other years."""
    other_year = _other_year(part)
    wants, names, counts = bool(_WANTS_NUMBER.search(part)), parts_matcher([part]), counter_test(part)
    # "其中被撤销的有几件": the sentence saying 撤销 (维持689件、撤销97件), not the whole's again
    doing = subcount_words(part)
    # what was done, never what the report plans ("再培育…30名，力争…"), unless the part asks the plan
    plans = None if PLAN_ASKED.search(part) else (lambda sentence: bool(PLANNED.search(sentence)))
    # "比上年少了多少" of one report: a sentence stating no change (满意率为98.4%) is not its answer
    unchanged = (
        (lambda sentence: not states_change(sentence))
        if CHANGE_BY_ASKED.search(part) and len(q.scope.report_ids) <= 1
        else None
    )
    avoid = _any_of(other_year, plans, unchanged)
    best = best_sentence(q.sources, terms, wants, names, avoid=avoid, counts=counts, doing=doing)
    # (a sentence of two figures may answer two parts: "地区生产总值3.46万亿元、增长6.0%" — but not a
    # part asking the plan, "计划增加到几个", when the sentence says what is)
    if best and best.text in used and (len(figures_in(best.text)) < 2 or PLAN_ASKED.search(part)):
        fresh = best_sentence(
            q.sources,
            terms,
            wants,
            names,
            avoid=_any_of(used.__contains__, avoid),
            counts=counts,
            doing=doing,
        )
        if fresh and fresh.coverage >= best.coverage:
            return fresh
    return best


def _any_of(*tests: Callable[[str], bool] | None) -> Callable[[str], bool] | None:
    """A sentence test passing when any of `tests` does (None when there is none to apply)."""
    present = [t for t in tests if t]
    return (lambda sentence: any(t(sentence) for t in present)) if present else None


def _other_year(part: str) -> Callable[[str], bool] | None:
    """For a part naming one year ("2024年到了多少"), a sentence naming only other years ("力争到
    2027年…达到400亿元") is not its answer."""
    asked = years_in(part)
    if len(asked) != 1:
        return None
    return lambda sentence: bool((said := years_in(sentence)) and not said & asked)


def _other_years(q: Asking, found: Quote) -> list[Quote]:
    """With the sources from several years of one place, for a question about change or about
    several years: the best sentence of each other year. ("2019年至今共办理了多少件" asks one
    figure: the later reports' yearly counts are not it.) With the sources of several places
    the question names ("安吉县和邳州市…分别是多少"): the best sentence of each other place."""
    reports = {s.hit.report.report_id: s.hit.report for s in q.sources}
    if len(reports) < 2:
        return []
    places = {r.place for r in reports.values()}
    scoped = {r.place for r in q.reports if r.report_id in q.scope.report_ids}
    if len(places) > 1:
        if len(scoped) < 2:
            return []  # sources of other places, the question not about them
    elif not (CHANGE.search(q.question) or len(selector_years(q.question)) > 1):
        return []
    more = []
    measure = q.expect.measure
    # A rate's own clause ("…,纠错率7.1%") answers for its report though the report words the rest
    # differently: the measure check already holds the clause to the rate asked, so its head is the term.
    terms = [measure.head] if measure and measure.precise else q.terms
    for rid in reports.keys() - {found.source.hit.report.report_id}:
        mine = [s for s in q.sources if s.hit.report.report_id == rid]
        other = _done_first(
            q,
            lambda avoid, mine=mine: best_sentence(
                mine, terms, q.expect.wants_number, q.expect.names_measure, avoid, counts=counter_test(q.question)
            ),
            EXTRACTIVE_MIN,
        )
        if other and other.coverage >= EXTRACTIVE_MIN:
            more.append(other)
    return sorted(more, key=lambda qt: qt.source.hit.report.year or 0)


_DONE_ASKED = re.compile(r"实际|真正做到")


def _planned(q: Asking) -> Callable[[str], bool]:
    """A test of whether a source sentence states a plan: it says so ("力争…", "目标…"), or it goes on a
    line whose earlier sentence does ("主要目标是：到2025年底，纠错率控制在8%以内；复议调解和解率达到30%以上；")."""
    texts = [s.hit.chunk.text for s in q.sources]

    def planned(sentence: str) -> bool:
        if PLANNED.search(sentence):
            return True
        for text in texts:
            if (at := text.find(sentence)) >= 0:
                line = text[text.rfind("\n", 0, at) + 1 : at]
                return bool(line) and line.rstrip().endswith(("；", ";")) and bool(PLANNED.search(line))
        return False

    return planned


def _done_first(q: Asking, find: Callable[[Callable[[str], bool] | None], Quote | None], enough: float) -> Quote | None:
    """`find`'s best sentence, passing over what a report plans ("力争纠错率控制在6%以内") when
    the question asks what was done — unless only plans answer it well `enough`."""
    done = None if PLAN_ASKED.search(q.question) else find(_planned(q))
    if _DONE_ASKED.search(q.question):
        return done  # "实际做到了多少": what was done only, never the target
    return done if done and done.coverage >= enough else find(None)


def _related(q: Asking, found: Quote, measure: Measure) -> Answer:
    """The measure asked is not stated: say so first; the nearest figures follow, quoted,
    as related data rather than as the answer."""
    said = f"{NOT_MENTIONED}{measure.phrase}"
    text = f"{said}。相关数据（不是所问的{measure.phrase}）：“{found.text}” [{found.source.n}]"
    q.problems.append(f"报告中没有写明{measure.phrase}")
    q.listener.emit(text)
    citation = quote_citation(found.source, found.start, found.end)
    return q.finish(text, "refusal", refused=True, citations=[citation], short=said)


def _refuse(q: Asking) -> Answer:
    return q.refuse()


RUNGS: tuple[Callable[[Asking], Answer | None], ...] = (
    _missing_report,
    _nothing_found,
    _about_report,
    _from_indicators,
    _from_headings,
    _from_table,
    _from_model,
    _from_model_retry,
    _quote,
    _refuse,
)


def ask(
    question: str,
    store: Store,
    llm: LLM,
    settings: Settings,
    *,
    report: str | None = None,
    listener: Listener | None = None,
) -> Answer:
    question = question.strip()
    started = time.perf_counter()
    timings = Timings()
    snapshot = store.snapshot()  # the registry as of now, handed to retrieval and the rungs
    reports = list(snapshot.reports)
    hits, scope = retrieve(question, store, settings, report=report, snapshot=snapshot)
    # the places' names, and a department's field when its own report is asked: an address, not a term
    places = snapshot.place_names | {
        n for r in reports if r.report_id in scope.report_ids for n in field_names(r.place)
    }
    timings.retrieve_ms = (time.perf_counter() - started) * 1000
    q = Asking(
        question=question,
        store=store,
        llm=llm,
        settings=settings,
        listener=listener or Listener(),
        reports=reports,
        scope=scope,
        hits=hits,
        expect=Expect(
            question=question,
            terms=key_terms(question, ignore=places),
            exempt=number_set(question),
            wants_number=bool(_WANTS_NUMBER.search(question)),
            places=tuple(dict.fromkeys(r.place for r in reports if r.place)),
            scope_ids=tuple(scope.report_ids),
            measure=measure_asked(question) if len(parts := question_parts(question)) == 1 else None,
            names_measure=parts_matcher(parts),
        ),
        started=started,
        timings=timings,
        places=places,
    )
    for rung in RUNGS:
        if (answer := rung(q)) is not None:
            return answer
    raise AssertionError("unreachable: the last rung always answers")
