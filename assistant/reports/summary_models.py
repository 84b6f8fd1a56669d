"""The summary's typed data: what the model is asked to write (drafts, whose JSON Schema
constrains decoding) and what a verified summary holds (exported to summary.schema.json).

Length limits go into the grammar too: without them the 0.5B model copies whole paragraphs
into 要点 and runs out of tokens before the JSON closes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

OVERVIEW_CHARS = 200
Short = Annotated[str, Field(max_length=40)]


class FigureDraft(BaseModel):
    """One figure as the model writes it: the quote first, so the number is read off it."""

    原文: str = Field(max_length=50, description="逐字摘自报告、包含该数字的分句")
    数值: str = Field(max_length=16, description="原文中的数字，原样照抄，例如 124、98.4%、3000余")
    单位: str = Field(max_length=8, description="紧跟数字的单位，例如 件、人、%、万元；没有则为空字符串")
    指标: str = Field(max_length=20, description="统计的是什么，例如 行政应诉案件数")


class KeyFigure(BaseModel):
    """A verified figure: 原文 occurs verbatim at text[start:end] and holds 数值."""

    指标: str
    数值: str
    单位: str
    原文: str
    start: int = Field(description="原文在报告清洗后文本中的起始字符位置 / offset of 原文 in the cleaned text")
    end: int = Field(description="结束位置（不含）；text[start:end] == 原文")
    依据: str = Field(
        "模型", description="模型 = proposed by the model, then verified; 规则 = read by the indicator rules"
    )


class SectionDraft(BaseModel):
    """What the model writes for one section (the JSON schema it is constrained to)."""

    # Figures first: asked for last, the 0.5B model had written its 要点 and then gave [].
    关键数据: list[FigureDraft] = Field(max_length=6)
    要点: list[Short] = Field(min_length=3, max_length=6)


class ReduceDraft(BaseModel):
    总体概述: str = Field(min_length=1, max_length=OVERVIEW_CHARS)
    存在问题: list[Short] = Field(default_factory=list, max_length=5)
    下一步计划: list[Short] = Field(default_factory=list, max_length=6)


class SectionSummary(BaseModel):
    标题: str = Field(description="章节标题，取自报告的提纲（不由模型生成）")
    要点: list[str] = Field(max_length=6, description="3–6 条；含有报告中没有的数字的要点在核实时删去")
    关键数据: list[KeyFigure] = Field(default_factory=list)


class Metadata(BaseModel):
    地区: str | None = None
    行政层级: str | None = None
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
    figures_proposed: int = Field(0, description="关键数据 entries the model proposed, kept or dropped")
    figures_from_rules: int = Field(0, description="关键数据 added from the indicator cards (indicators.py)")
    figures_relocated: int = Field(
        0, description="kept 关键数据 whose paraphrased 原文 was replaced by the report's own clause"
    )
    failed_sections: list[str] = Field(default_factory=list, description="no valid output even after a re-ask")
    truncated_sections: list[str] = Field(default_factory=list, description="cut to fit the context window")
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
