"""Files -> Reports in the store: read, clean, extract metadata, chunk, embed, commit.

Each file is its own transaction (see store.py): one bad file is reported and the
others go on; a re-run skips what is unchanged. Report ids come from the file name
("wuhai-2023.txt" -> "wuhai-2023"), so `assistant remove wuhai-2023` reads naturally.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

from tqdm import tqdm

from .chunking import chunk_text
from .cleaning import clean
from .config import Settings
from .errors import IngestError
from .metadata import extract
from .records import ChunkRecord, Report
from .store import Store, index_text

SUFFIXES = {".txt", ".md", ".text", ".markdown"}
Status = Literal["added", "replaced", "unchanged", "duplicate", "failed"]


@dataclass
class IngestResult:
    path: str
    status: Status
    report_id: str | None = None
    message: str = ""
    chunks: int = 0


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders (recursively) to report files; a missing path is an error up front."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        elif p.is_file():
            files.append(p)
        else:
            raise IngestError(f"找不到 {p} / no such file or folder", "检查路径是否正确")
    return files


def report_id_for(path: Path) -> str:
    slug = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", path.stem).strip("-").lower()
    return slug or hashlib.sha256(str(path).encode()).hexdigest()[:8]


def prepare(path: Path, settings: Settings) -> tuple[Report, list[ChunkRecord]]:
    """Everything except writing: raises IngestError with a readable reason."""
    try:
        size = path.stat().st_size
        if size > settings.max_file_mb * 1024 * 1024:
            raise IngestError(
                f"{path}: 文件过大 ({size / 1048576:.1f} MB > {settings.max_file_mb:g} MB) / file too large",
                "调大 ASSISTANT_MAX_FILE_MB，或拆分文件",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: 无法读取 / cannot read: {exc.strerror}", "检查文件权限") from exc
    cleaned = clean(data, str(path))
    meta = extract(cleaned.text, cleaned.page_meta)
    version = hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest()
    report = Report(
        report_id=report_id_for(path), source=str(path.resolve()), version=version,
        raw_sha256=hashlib.sha256(data).hexdigest(), encoding=cleaned.encoding,
        place=meta.place, level=meta.level, year=meta.year, title=meta.title, issuer=meta.issuer,
        date=meta.date, doc_number=meta.doc_number, page_meta=cleaned.page_meta, chars=len(cleaned.text),
    )
    chunks = chunk_text(cleaned.text, settings.chunk_tokens, id_prefix=version[:16])
    report.n_chunks = len(chunks)
    records = [
        ChunkRecord(chunk_id=c.chunk_id, report_id=report.report_id, version=version, index=c.index,
                    start=c.start, end=c.end, text=c.text, section=c.section_path,
                    place=meta.place, year=meta.year)
        for c in chunks
    ]
    return report, records


def ingest_paths(paths: Iterable[str | Path], store: Store, *, progress: bool = True) -> list[IngestResult]:
    files = collect_files(paths)
    results: list[IngestResult] = []
    with store.write_lock():
        store.reconcile()  # sweep leftovers of an ingest that was killed
        existing = {r.report_id: r for r in store.reports()}
        bar = tqdm(files, desc="ingest", unit="file", disable=not progress or len(files) < 2)
        for path in bar:
            bar.set_postfix_str(path.name[:30])
            results.append(_ingest_one(path, store, existing, progress))
        bar.close()
        store.lexical()  # rebuild BM25 once for the whole batch
    return results


def _ingest_one(path: Path, store: Store, existing: dict[str, Report], progress: bool) -> IngestResult:
    try:
        report, records = prepare(path, store.settings)
    except IngestError as exc:
        return IngestResult(str(path), "failed", message=str(exc))
    same = next((r for r in existing.values() if r.version == report.version), None)
    if same:
        status: Status = "unchanged" if same.source == report.source else "duplicate"
        note = "" if status == "unchanged" else f"内容与已入库的 {same.report_id} 相同 / same content as {same.report_id}"
        return IngestResult(str(path), status, same.report_id, note, same.n_chunks)
    old = existing.get(report.report_id)
    if old and old.source != report.source:
        # Another file already uses this id: disambiguate rather than overwrite it.
        report.report_id = f"{report.report_id}-{hashlib.sha256(report.source.encode()).hexdigest()[:6]}"
        records = [c.model_copy(update={"report_id": report.report_id}) for c in records]
        old = existing.get(report.report_id)
    texts = [index_text(report, c) for c in records]
    with tqdm(total=len(texts), desc=f"embed {path.name[:20]}", unit="chunk", leave=False,
              disable=not progress) as bar:
        embeddings = store.embedder.encode(texts, progress=bar)
    store.put_report(report, records, embeddings)
    existing[report.report_id] = report
    return IngestResult(str(path), "replaced" if old else "added", report.report_id, "", len(records))
