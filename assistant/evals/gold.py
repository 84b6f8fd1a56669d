"""The gold data and its loaders: questions (gold/questions.jsonl, gold/smoke.jsonl) and
reports (gold/reports.jsonl), each line validated, a bad line named by file and number."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from assistant.core.errors import ConfigError
from assistant.core.types import ReportMetadata

GOLD_DIR = Path(__file__).resolve().parent / "gold"
GENERAL_DIR = Path(__file__).resolve().parent / "general"  # the generalisation set: its own reports and questions
GOLD = GOLD_DIR / "questions.jsonl"
SMOKE = GOLD_DIR / "smoke.jsonl"
REPORTS_GOLD = GOLD_DIR / "reports.jsonl"
M = TypeVar("M", bound=BaseModel)


class GoldItem(BaseModel):
    id: str
    question: str
    report: str | None = None  # the place (seed gold) or the report id (generalisation set) it is about
    reports: list[str] = []  # report ids a correct answer may cite, when the gold says
    facts: list[str] = []
    evidence: list[str] = []
    unanswerable: bool = False
    group: str | None = None  # district, banner, multi-year, …: results are broken down by it
    kind: str = "number"  # number, name, list, date, paraphrase, cross, …: results are broken down by it


class ReportGold(ReportMetadata):
    """A report's metadata as it should be read, and the key facts a summary should hold."""

    file: str
    key_facts: list[str] = []

    @property
    def report_id(self) -> str:
        return Path(self.file).stem


def load_jsonl(path: str | Path, model: type[M], what: str) -> list[M]:
    """One validated `model` per non-blank line; a bad line is named by file and number."""
    items = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(model.model_validate_json(line))
            except ValueError as exc:
                raise ConfigError(f"{path}:{i}: 不是有效的{what}条目 / invalid line: {exc}") from exc
    return items


def load_gold(path: str | Path = GOLD) -> list[GoldItem]:
    return load_jsonl(path, GoldItem, "金标准 / gold")


def load_report_gold(path: str | Path = REPORTS_GOLD) -> list[ReportGold]:
    return load_jsonl(path, ReportGold, "报告金标准 / report gold")
