"""The typed data every layer shares: what a report is, its stored chunks, how a question
was scoped, the hits retrieval found, and the answer with its citations, timings and usage.

These are the contracts between layers: ingest writes Reports and Chunks, the index reads
them back, qa turns Hits into an Answer, and the apps print, serve and render Answers.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, Field

OCR_NOTE = "OCR 识别，请核对原件"  # on every citation from a page OCR read (ingest/ocr.py)
ANNUAL_REPORT = "法治政府建设年度报告"  # the kind of document the product is about (ingest/kinds.py)
WORK_REPORT = "政府工作报告"


class ReportMetadata(BaseModel):
    """What a report says about itself, read from its text (ingest/metadata.py); also the shape
    of the report gold (assistant/evals/gold/reports.jsonl). A field the text does not give
    with confidence is None, and `unsure` says why."""

    place: str | None = Field(None, description="The reporting body, whole: 乌海市, 深圳市光明区, 乌海市司法局")
    parent: str | None = Field(None, description="The unit it belongs to, when the text says: 深圳市 for 光明区")
    level: str | None = Field(
        None, description="行政层级 from the name: 省/自治区/市/州/盟/县/区/旗/新区/开发区/街道/乡/镇/部门"
    )
    kind: str | None = Field(None, description="法治政府建设年度报告, 政府工作报告 or 其他")
    year: int | None = Field(None, description="The year reported on (not the year it was signed).")
    title: str | None = None
    issuer: str | None = Field(None, description="发布机关, from the signature block or the title")
    addressee: str | None = Field(None, description="报送对象, from the salutation: 中共株洲市委、株洲市人民政府")
    signer: str | None = Field(None, description="签发人, when the header gives one")
    date: str | None = Field(None, description="成文或发布日期, ISO (2022-02-17)")
    doc_number: str | None = Field(None, description="文号, e.g. 醴报〔2024〕2号")
    unsure: dict[str, str] = Field(default_factory=dict, description="field -> why it was left empty")


class Report(ReportMetadata):
    """One ingested report: its metadata and where it came from (the text lives in its chunks)."""

    report_id: str = Field(description="Stable id, from the source file name (e.g. wuhai-2023).")
    source: str = Field(description="Absolute path of the file it was ingested from.")
    version: str = Field(description="SHA-256 of the cleaned text; chunk ids derive from it.")
    raw_sha256: str
    encoding: str
    page_meta: dict[str, str] = Field(default_factory=dict)
    chars: int = 0
    n_chunks: int = 0
    ingested_at: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    format: Literal["text", "html", "pdf", "docx"] = "text"
    anchors: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(offset, number) pairs, ascending: from that offset of the cleaned text on, the text is on "
        "PDF page `number` (anchor_unit 页) or in DOCX paragraph `number` (段).",
    )
    anchor_unit: Literal["页", "段"] | None = None
    ocr_pages: list[int] = Field(default_factory=list, description="PDF pages whose text was read by OCR.")
    notes: list[str] = Field(default_factory=list, description="What ingest told the user, e.g. pages without text.")
    metadata_version: int = Field(1, description="Version of the metadata rules that read it (ingest/metadata.py).")

    @property
    def title_derived(self) -> bool:
        """True when the text gives no title line, so `display_title` is composed, not quoted."""
        return not self.title

    @property
    def display_title(self) -> str:
        """The report's own title, or one composed from place and year: 乌海市2023年法治政府建设情况报告."""
        if self.title:
            return self.title
        year = f"{self.year}年" if self.year else ""
        kind = {"政府工作报告": "政府工作报告", "其他": "文件"}.get(self.kind or "", "法治政府建设情况报告")
        return f"{self.place or self.report_id}{year}{kind}"

    def listing(self) -> dict:
        """What `assistant reports --json` and the web app's library show for the report."""
        return {
            **self.model_dump(exclude={"anchors", "page_meta"}),
            "display_title": self.display_title,
            "title_derived": self.title_derived,
        }

    @property
    def label(self) -> str:
        """How citations name the report: 乌海市2023年报告."""
        place = self.place or self.report_id
        return f"{place}{self.year}年报告" if self.year else f"{place}报告"

    def number_at(self, offset: int) -> int | None:
        """The page (PDF) or paragraph (DOCX) holding character `offset`, if known."""
        i = bisect_right([a for a, _ in self.anchors], offset) - 1
        return self.anchors[i][1] if i >= 0 else None

    def locate(self, offset: int) -> str | None:
        """'第3页' / '第12段' for a citation's start offset ('第3页（OCR 识别，请核对原件）' on a
        scanned page); None for plain text."""
        number = self.number_at(offset)
        if number is None or not self.anchor_unit:
            return None
        where = f"第{number}{self.anchor_unit}"
        return f"{where}（{OCR_NOTE}）" if number in self.ocr_pages and self.anchor_unit == "页" else where


class Chunk(BaseModel):
    """A chunk as stored: text plus offsets into its report's cleaned text."""

    chunk_id: str
    report_id: str
    version: str
    index: int
    start: int
    end: int
    text: str
    section: str = ""
    place: str | None = None
    year: int | None = None
    page: int | None = Field(default=None, description="PDF page the chunk starts on.")
    paragraph: int | None = Field(default=None, description="DOCX paragraph the chunk starts in.")


class Scope(BaseModel):
    """Which reports a question is restricted to, and why (shown to the user)."""

    report_ids: list[str] = Field(default_factory=list, description="Empty = all reports.")
    reason: str = "全部报告 / all reports"
    missing: str | None = Field(None, description="Set when the question asks for a report the library lacks.")
    prefer: str | None = Field(
        None, description="With several years of one place and no year asked: the latest report, searched first."
    )
    year: int | None = Field(
        None,
        description="A year the question names that none of the place's reports covers: it may be content "
        '("2018年度考评"), so an answer must come from a passage that names it, else `missing` is the answer.',
    )
    unheld: str | None = Field(
        None,
        description="A place the question names that no report is about: one report that names it (a row of its "
        "city's table) may answer for it, under that report's name; else `missing` is the answer.",
    )


@dataclass
class Hit:
    """A retrieved chunk with its report and fused score (and each retriever's own score)."""

    chunk: Chunk
    report: Report
    score: float
    bm25: float = 0.0
    dense: float = 0.0


class Citation(BaseModel):
    n: int
    report: str = Field(description="Human label, e.g. 乌海市2023年报告")
    report_id: str
    section: str
    quote: str = Field(description="Verbatim sentence from the report")
    start: int = Field(
        description="Offset of the quote in the report's cleaned text; start == end == 0 for a line of the web "
        "page's information block (发布日期: …), which cleaning keeps as page_meta and removes from the text"
    )
    end: int
    chunk_id: str
    location: str | None = Field(
        default=None, description="第3页 (PDF page) / 第12段 (DOCX paragraph) / 网页信息栏; None for text"
    )

    @property
    def in_text(self) -> bool:
        """Is the quote a span of the cleaned text (not a line of the page's information block)?"""
        return self.end > self.start


class Timings(BaseModel):
    """Milliseconds spent per stage of one answer."""

    retrieve_ms: float = 0.0
    prompt_ms: float = 0.0
    prefill_ms: float = 0.0
    generate_ms: float = 0.0
    total_ms: float = 0.0


class Usage(BaseModel):
    """Model tokens one answer used, over all its model calls."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


Method = Literal["model", "model-retry", "indicators", "about", "headings", "table", "extractive", "refusal"]
"""How an answer was produced: by the model (first try or the stricter retry), read off the
indicator cards, from the report's own record (文号, 日期, …), from its headings (a list the
outline states), from the cells of a table, quoted from the best source sentence, or refused (报告中未提及)."""


class Answer(BaseModel):
    """`answer` is the direct answer, as short as the question allows (98.4%, 64个, a name, a
    list); `explanation` the verified text behind it (the model's sentence with [n] markers,
    or the quoted sentence); `citations` the evidence, verbatim with offsets."""

    question: str
    answer: str
    explanation: str = ""
    citations: list[Citation] = Field(default_factory=list)
    grounded: bool
    refused: bool = False
    method: Method
    scope: Scope = Field(default_factory=Scope)
    problems: list[str] = Field(default_factory=list, description="What verification found wrong along the way.")
    prompt: str = Field("", description="name@version of the prompt that produced the answer")
    model: str = ""
    timings: Timings = Field(default_factory=Timings)
    usage: Usage = Field(default_factory=Usage)
