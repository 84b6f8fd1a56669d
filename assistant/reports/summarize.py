"""Report -> ReportSummary: a map-reduce digest whose every figure is quoted verbatim.

Map: each outline section (一、, or its (一) subsections) gets one schema-constrained
call returning 要点 and 关键数据; reduce: one call writes the 总体概述 from those and the
report's opening and closing paragraphs. What the text states outright is not left to
the model: metadata come from the ingested `Report`, titles from the headings, and
存在问题 / 下一步计划 / 荣誉与示范 are quoted from the text (the model writes the two
lists only for reports without such sections). A 关键数据 entry survives only if its
原文 occurs verbatim in the report and holds its 数值; a 要点 only if its numbers occur
in the report; drops are counted in 来源. Trade-offs: one call per section costs
minutes per report on a CPU (grammar-constrained sampling is slower per token), and a
section longer than the context is truncated rather than split.

Worked example: the heading "(四)聚焦严格公正文明执法,执法质量水平持续提高。一是…" is a
section titled "(四)聚焦严格公正文明执法,执法质量水平持续提高"; a figure {"数值": "98.4%",
"原文": "行政机关负责人出庭应诉率98.4%"} is kept with the quote's offsets, one whose 原文
says 125件 where the report says 124件 is dropped and counted.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, ValidationError

from assistant.core.config import Settings
from assistant.core.errors import ContextTooLong
from assistant.reports.indicators import BY_KEY
from assistant.reports.indicators import extract as extract_indicators
from assistant.backends.llama import LLM
from assistant.reports.outline import honours, outline, paragraphs, problems_and_plans
from assistant.prompts import Prompt, load
from assistant.core.types import Report
from assistant.index.store import Store
from assistant.reports.summary_models import (
    OVERVIEW_CHARS,
    FigureDraft,
    KeyFigure,
    Metadata,
    Provenance,
    ReduceDraft,
    ReportSummary,
    SectionDraft,
    SectionSummary,
)
from assistant.qa.verify import number_set, sentence_spans

SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")
PIPELINE = 4  # bump when a code change alters summaries, so cached ones are regenerated
SECTION_TOKENS = 640  # most tokens one section's JSON may take: 6 要点 and 4 figures at their maximum length
_YEAR = re.compile(r"(?:19|20)\d\d")
_REASK_RESERVE = 128  # prompt tokens kept free for chat-template markup and the re-ask note
Progress = Callable[[int, int, str], None]  # (done, total, what is being summarised now)


# --- model calls ----------------------------------------------------------------------
def _fit(llm: LLM, prompt: Prompt, values: dict, key: str, max_tokens: int) -> tuple[list, bool]:
    """Render `prompt`, cutting values[key] at a sentence end until prompt + answer fit n_ctx."""
    overhead = sum(llm.count_tokens(m["content"]) for m in prompt.render(**{**values, key: ""}))
    budget = llm.n_ctx - max_tokens - overhead - _REASK_RESERVE
    if budget <= 0:
        raise ContextTooLong(f"提示模板 {prompt.ref} 本身已超出上下文 / the prompt alone exceeds n_ctx {llm.n_ctx}",
                             "增大 ASSISTANT_N_CTX")
    text, truncated = values[key], False
    if llm.count_tokens(text) > budget:
        lo, hi = 0, len(text)
        while lo < hi:  # longest prefix within budget
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if llm.count_tokens(text[:mid]) <= budget else (lo, mid - 1)
        text, truncated = text[:_sentence_end(text, lo)], True
    return prompt.render(**{**values, key: text}), truncated


def _unfence(text: str) -> str:
    m = re.search(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    return m.group(1) if m else text.strip()


def _ask(llm: LLM, messages: list, model: type[BaseModel], schema: dict, max_tokens: int,
         settings: Settings, prov: Provenance) -> BaseModel | None:
    """Validate the reply; re-ask once with the error; None if that fails too. The re-ask
    carries the error, not the invalid reply, so it fits the same token budget."""
    note = ""
    for _ in range(2):
        asked = messages[:-1] + [{"role": "user", "content": messages[-1]["content"] + note}]
        reply = llm.complete(asked, max_tokens=max_tokens, temperature=settings.temperature, seed=settings.seed,
                             json_schema=schema)
        for k, v in (("calls", 1), ("prompt_tokens", reply.prompt_tokens), ("completion_tokens", reply.completion_tokens)):
            prov.usage[k] = prov.usage.get(k, 0) + v
        try:
            return model.model_validate_json(_unfence(reply.text))
        except ValidationError as exc:
            errors = "；".join(f"{'.'.join(map(str, e['loc'])) or 'JSON'}: {e['msg']}" for e in exc.errors()[:3])
            note = f"\n\n（上一次的输出无效：{errors[:200]}。请只输出一个符合要求的 JSON 对象。）"
    return None


# --- verification ----------------------------------------------------------------------
_CLAUSE = re.compile(r"[^，,。；;！？!?\n]+")


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _labels(label: str, quote: str) -> bool:
    """Does the 指标 share wording with the quote ("出庭应诉率" with a clause about 建议 and
    提案 does not)? Labels without two Chinese characters in a row are not checked."""
    wanted = _bigrams(label)
    return not wanted or bool(wanted & _bigrams(quote))


def relocate(figure: FigureDraft, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Small models paraphrase the 原文 they were asked to copy. When its 数值 occurs in the
    section, the clause that holds that number and shares most wording with 原文 + 指标 is the
    quote they meant — provided the 指标 itself shares wording with it, so the label belongs
    to the number. Returns the clause's (start, end) in `text`, or None."""
    value = number_set(figure.数值)
    label = _bigrams(figure.指标)
    if len(value) != 1 or not label:
        return None
    wanted = _bigrams(figure.原文) | label
    best, best_score = None, 1  # at least two shared bigrams
    for m in _CLAUSE.finditer(text, start, end):
        clause = m.group(0)
        if not value <= number_set(clause) or not (label & _bigrams(clause)):
            continue
        score = len(wanted & _bigrams(clause))
        if score > best_score:
            lead = len(clause) - len(clause.lstrip())
            best, best_score = (m.start() + lead, m.start() + len(clause.rstrip())), score
    return best


def check_figure(figure: FigureDraft, text: str, start: int = 0, end: int | None = None,
                 prov: Provenance | None = None) -> KeyFigure | None:
    """Keep a figure only if its 原文 is verbatim in the text (preferring the section
    text[start:end]) — or, paraphrased, can be `relocate`d to the clause it came from —, its
    数值 is one number that occurs in that 原文, its 指标 shares wording with it, and its
    单位, if any, follows a number there."""
    quote = figure.原文.strip()
    end = len(text) if end is None else end
    at = text.find(quote, start, end) if quote else -1
    at = at if at >= 0 or not quote else text.find(quote)
    value, unit = number_set(figure.数值), re.escape(figure.单位.strip())
    if at < 0 or not value <= number_set(quote):
        span = relocate(figure, text, start, end)
        if span is None:
            return None
        at, quote = span[0], text[span[0]:span[1]]
        if prov is not None:
            prov.figures_relocated += 1
    if len(value) != 1 or not _labels(figure.指标, quote):
        return None  # one figure is one number, and its 指标 must be about the quoted clause
    if unit and not re.search(rf"[\d零〇一二两三四五六七八九十百千][余多万亿]{{0,2}}{unit}", quote):
        return None  # the unit must follow a number, not just occur somewhere ("负责人")
    return KeyFigure(**{**figure.model_dump(), "原文": quote, "start": at, "end": at + len(quote)})


def _grounded(items: list[str], available: set[str], what: str, prov: Provenance) -> list[str]:
    kept = []
    for item in (i.strip() for i in items):
        if item and item not in kept:
            if number_set(item) <= available:
                kept.append(item)
            else:
                prov.drop(what)
    return kept


def _sentence_end(text: str, limit: int) -> int:
    """Where to cut text to at most `limit` characters: after the last full stop, if any."""
    cut = max(text.rfind(c, 0, limit) for c in "。！？!?；;\n") + 1
    return cut if cut > limit // 3 else limit


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = _sentence_end(text, limit)
    return text[:cut] if text[cut - 1] in "。！？!?；;\n" else text[: limit - 1] + "…"


def _add_indicator_figures(text: str, body: list, sections: list[SectionSummary], prov: Provenance) -> None:
    """The indicator cards' values (read by rule, quoted, see indicators.py) join the
    section that holds them, unless the model already gave that number from that sentence."""
    for key, v in extract_indicators(text).items():
        i = next((i for i, part in enumerate(body) if part.start <= v.start < part.end), None)
        if i is None:
            continue
        number = v.raw.removesuffix(v.unit) if v.raw.endswith(v.unit) else v.raw
        figures = sections[i].关键数据
        if any(f.start < v.end and v.start < f.end and number_set(f.数值) == number_set(number) for f in figures):
            continue
        figures.append(KeyFigure(指标=BY_KEY[key].name, 数值=number, 单位=v.unit, 原文=v.quote, start=v.start,
                                 end=v.end, 依据="规则"))
        figures.sort(key=lambda f: f.start)
        prov.figures_from_rules += 1


# --- the pipeline -----------------------------------------------------------------------
def cache_path(settings: Settings, report: Report, model: str, prompts: list[str], **params) -> Path:
    """A summary is reused only for the same report version, model, prompt versions and budget."""
    blob = json.dumps({"version": report.version, "model": model, "prompts": prompts, "pipeline": PIPELINE, **params},
                      sort_keys=True)
    return settings.data_dir / "summaries" / f"{report.report_id}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}.json"


def summarize_report(store: Store, llm: LLM, settings: Settings, report_id: str, *, refresh: bool = False,
                     progress: Progress | None = None, max_tokens: int = SECTION_TOKENS, max_points: int = 6,
                     max_figures: int = 4, depth: int = 2) -> ReportSummary:
    """`max_tokens` bounds each call; `max_points` (3-6) and `max_figures` bound each
    section's JSON so that it closes within that budget; depth 1 makes one call per
    top-level section instead of one per (一) subsection."""
    report = store.find_report(report_id)
    map_prompt, reduce_prompt = load("summary_section"), load("summary_reduce")
    refs = [map_prompt.ref, reduce_prompt.ref]
    path = cache_path(settings, report, llm.name, refs, max_tokens=max_tokens, max_points=max_points,
                      max_figures=max_figures, depth=depth, seed=settings.seed, temperature=settings.temperature)
    if not refresh and path.exists():
        try:
            return ReportSummary.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError:
            pass  # written by an older schema: regenerate
    started = time.perf_counter()
    text = store.report_text(report.report_id)
    available = number_set(text)
    preamble, parts = outline(text, depth)
    body = [p for p in parts if p.kind == "body"]
    prov = Provenance(report_id=report.report_id, report_version=report.version, model=llm.name,
                      prompt="+".join(refs), generated_at="")

    schema = SectionDraft.model_json_schema()
    schema["properties"]["要点"]["maxItems"] = max(3, min(6, max_points))
    schema["properties"]["关键数据"]["maxItems"] = max_figures
    sections = []
    for i, part in enumerate(body):
        if progress:
            progress(i, len(body) + 1, part.title)
        values = {"report": report.label, "title": part.title, "text": text[part.start:part.end].strip(),
                  "max_figures": max_figures}
        messages, truncated = _fit(llm, map_prompt, values, "text", max_tokens)
        if truncated:
            prov.truncated_sections.append(part.title)
        # Left free to answer [], the 0.5B model always does; a section that states numbers
        # (other than years) must yield at least one figure, which verification then checks.
        has_numbers = any(not _YEAR.fullmatch(n) for n in number_set(values["text"]))
        schema["properties"]["关键数据"]["minItems"] = 1 if has_numbers and max_figures else 0
        draft = _ask(llm, messages, SectionDraft, schema, max_tokens, settings, prov)
        figures = []
        if draft is None:
            prov.failed_sections.append(part.title)
        for figure in draft.关键数据[:max_figures] if draft else []:
            prov.figures_proposed += 1
            kept = check_figure(figure, text, part.start, part.end, prov)
            if kept is None:
                prov.drop("关键数据")
            elif all((k.start, k.数值) != (kept.start, kept.数值) for k in figures):
                figures.append(kept)
        points = _grounded(draft.要点, available, "要点", prov) if draft else []
        sections.append(SectionSummary(标题=part.title, 要点=points, 关键数据=figures))
    _add_indicator_figures(text, body, sections, prov)
    sections = [s for s in sections if s.要点 or s.关键数据]

    if progress:
        progress(len(body), len(body) + 1, "总体概述")
    problems, plans = problems_and_plans(text, parts)
    opening = max(paragraphs(preamble, 20), key=len, default="") or next(iter(paragraphs(text, 20)), "")
    closing = (paragraphs(text, 40) or [""])[-1]
    ask_lists = not (problems and plans)
    values = {"report": report.label, "opening": opening[:600], "closing": closing[-600:], "ask_lists": ask_lists,
              "sections": "\n".join(f"{s.标题}：" + "；".join(s.要点) for s in sections) or "（无）"}
    messages, _ = _fit(llm, reduce_prompt, values, "sections", max_tokens)
    reduce_schema = ReduceDraft.model_json_schema()
    if not ask_lists:
        reduce_schema["properties"] = {"总体概述": reduce_schema["properties"]["总体概述"]}
        reduce_schema["required"] = ["总体概述"]
    draft = _ask(llm, messages, ReduceDraft, reduce_schema, max_tokens, settings, prov)
    overview = ""
    if draft is not None:
        sentences = [draft.总体概述[s:e] for s, e in sentence_spans(draft.总体概述)]
        overview = _trim("".join(_grounded(sentences, available, "总体概述", prov)), OVERVIEW_CHARS)
        if ask_lists:
            problems = problems or _grounded(draft.存在问题, available, "存在问题", prov)
            plans = plans or _grounded(draft.下一步计划, available, "下一步计划", prov)
    if not overview:  # the report's own opening sentences rather than nothing
        prov.failed_sections.append("总体概述")
        overview = _trim(opening, OVERVIEW_CHARS)

    body_text = preamble + "\n".join(text[p.start:p.end] for p in body)
    prov.generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    prov.seconds = round(time.perf_counter() - started, 1)
    summary = ReportSummary(
        元数据=Metadata(地区=report.place, 行政层级=report.level, 报告年度=report.year, 标题=report.title,
                     发布机关=report.issuer, 日期=report.date, 文号=report.doc_number),
        总体概述=overview, 主要举措与成效=sections, 存在问题=problems, 下一步计划=plans,
        荣誉与示范=honours(body_text), 来源=prov)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
    if progress:
        progress(len(body) + 1, len(body) + 1, "完成")
    return summary


# --- output ----------------------------------------------------------------------------
def render_markdown(summary: ReportSummary) -> str:
    """A digest: metadata table, sections with bullets, quotes as numbered footnotes."""
    meta, src = summary.元数据, summary.来源
    heading = meta.标题 or (f"{meta.地区 or src.report_id}{meta.报告年度 or ''}年度法治政府建设情况报告")
    lines = [f"# {heading}：摘要", "", "| 项目 | 内容 |", "| --- | --- |"]
    lines += [f"| {k} | {v if v not in (None, '') else '—'} |" for k, v in meta.model_dump().items()]
    lines += ["", "## 总体概述", "", summary.总体概述, "", "## 主要举措与成效"]
    notes: list[str] = []
    for section in summary.主要举措与成效:
        lines += ["", f"### {section.标题}", ""] + [f"- {p}" for p in section.要点]
        for f in section.关键数据:
            how = "，规则提取" if f.依据 == "规则" else ""
            notes.append(f"[^{len(notes) + 1}]: “{f.原文}”（第 {f.start}–{f.end} 字{how}）")
            unit = "" if f.数值.endswith(f.单位) else f.单位
            lines.append(f"- **{f.指标}**：{f.数值}{unit}[^{len(notes)}]")
    for title, items in (("存在问题", summary.存在问题), ("下一步计划", summary.下一步计划),
                         ("荣誉与示范", summary.荣誉与示范)):
        lines += ["", f"## {title}", ""] + ([f"- {i}" for i in items] or ["（报告中未提及）"])
    lines += ["", "---", f"生成：{src.model} · {src.prompt} · {src.generated_at} · "
              f"未通过核实而删去 {src.dropped_unverified} 条"]
    if src.failed_sections:
        lines.append("模型未能给出有效结果的部分：" + "、".join(src.failed_sections))
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def summary_json_schema() -> dict:
    return ReportSummary.model_json_schema()


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(summary_json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if sys.argv[1:] == ["--schema"]:
        print(write_schema())
    else:
        print("usage: python -m assistant.reports.summarize --schema   (regenerates assistant/summary.schema.json)")
