"""Typed records shared by ingest, store, retrieval and answers."""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, Field


class Report(BaseModel):
    """One ingested report: its metadata and where it came from (the text lives in its chunks)."""

    report_id: str = Field(description="Stable id, from the source file name (e.g. wuhai-2023).")
    source: str = Field(description="Absolute path of the file it was ingested from.")
    version: str = Field(description="SHA-256 of the cleaned text; chunk ids derive from it.")
    raw_sha256: str
    encoding: str
    place: str | None = None
    level: str | None = None
    year: int | None = None
    title: str | None = None
    issuer: str | None = None
    date: str | None = None
    doc_number: str | None = None
    page_meta: dict[str, str] = Field(default_factory=dict)
    chars: int = 0
    n_chunks: int = 0
    ingested_at: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def label(self) -> str:
        """How citations name the report: 乌海市2023年报告."""
        place = self.place or self.report_id
        return f"{place}{self.year}年报告" if self.year else f"{place}报告"


class ChunkRecord(BaseModel):
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
