"""The summary's typed data: what the model is asked to write (the overview draft, whose
JSON Schema constrains decoding) and what a summary holds (exported to summary.schema.json).

Length limits go into the grammar too: without them a small model runs on past the
overview's 200 characters and out of tokens before the JSON closes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

OVERVIEW_CHARS = 200
Short = Annotated[str, Field(max_length=40)]


class KeyFigure(BaseModel):
    """A verified figure: 原文 occurs verbatim at text[start:end] and holds 数值."""

    指标: str
    数值: str
    单位: str
    原文: str
    start: int = Field(description="原文在报告清洗后文本中的起始字符位置 / offset of 原文 in the cleaned text")
    end: int = Field(description="结束位置（不含）；text[start:end] == 原文")
    依据: str = Field("规则", description="规则 = read off the text by rule (indicators.py, sections.py)")


class OverviewDraft(BaseModel):
    """What the one model call writes: the overview, and the lists only for a report without them."""

    # Room past the 200 shown: a reply cut by the grammar ends mid-word; one cut here ends a sentence.
    总体概述: str = Field(min_length=1, max_length=OVERVIEW_CHARS + 80)
    存在问题: list[Short] = Field(default_factory=list, max_length=5)
    下一步计划: list[Short] = Field(default_factory=list, max_length=6)


class SectionSummary(BaseModel):
    标题: str = Field(description="章节标题，取自报告的提纲（不由模型生成）")
    要点: list[str] = Field(max_length=6, description="至多 6 条：本节自己的要点句，逐字取自报告（整句或整个分句）")
    制度与品牌: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="本节说出台/制定的《制度文件》与“工作品牌”所在的分句，逐字取自报告",
    )
    关键数据: list[KeyFigure] = Field(default_factory=list)


class Metadata(BaseModel):
    地区: str | None = None
    上级: str | None = None
    行政层级: str | None = None
    文件类型: str | None = None
    报告年度: int | None = None
    标题: str | None = None
    发布机关: str | None = None
    日期: str | None = None
    文号: str | None = None


class Provenance(BaseModel):
    report_id: str
    report_version: str
    model: str
    prompt: str = Field(description="name@version of each prompt used, joined by +")
    generated_at: str
    dropped_unverified: int = Field(0, description="model statements dropped because the text does not bear them out")
    dropped_detail: dict[str, int] = Field(default_factory=dict)
    figures_from_rules: int = Field(0, description="关键数据 read off the text (indicator cards and counted clauses)")
    failed_sections: list[str] = Field(default_factory=list, description="no valid model output even after a re-ask")
    truncated_sections: list[str] = Field(default_factory=list, description="material cut to fit the context window")
    usage: dict[str, int] = Field(default_factory=dict)
    seconds: float = 0.0

    def drop(self, what: str) -> None:
        self.dropped_unverified += 1
        self.dropped_detail[what] = self.dropped_detail.get(what, 0) + 1


class ReportSummary(BaseModel):
    元数据: Metadata
    总体概述: str = Field(max_length=OVERVIEW_CHARS)
    主要举措与成效: list[SectionSummary]
    存在问题: list[str]
    下一步计划: list[str]
    荣誉与示范: list[str]
    来源: Provenance
