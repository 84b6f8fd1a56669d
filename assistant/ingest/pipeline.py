"""Files -> Reports in the store: read, clean, extract metadata, chunk, embed, commit.

Each file is its own transaction (see store.py): one bad file — or one that makes a
parser crash — is reported and the others go on; a re-run skips what is unchanged.
formats.py turns .txt/.md/.html/.pdf/.docx into text plus parts; PDF and DOCX reports
keep (offset, page/paragraph) anchors so citations can name the page. Files are size-
checked before they are read, and vectors are computed and written 256 chunks at a time. Report ids come from the file name
("wuhai-2023.txt" -> "wuhai-2023"), so `assistant remove wuhai-2023` reads naturally.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tqdm import tqdm

from assistant.core.config import Settings
from assistant.core.errors import IngestError
from assistant.core.types import Chunk, Report, ReportMetadata
from assistant.index.store import Store, index_text
from assistant.ingest.chunking import chunk_text
from assistant.ingest.cleaning import clean_text, line_parts
from assistant.ingest.formats import SUFFIXES, Document, load
from assistant.ingest.kinds import is_rule_of_law_report
from assistant.ingest.metadata import METADATA_VERSION, extract

Status = Literal["added", "replaced", "unchanged", "duplicate", "failed"]
_ANNOUNCE_BYTES = 2 * 1024 * 1024  # prepare() takes ~1.2 s per MB: say what is happening


@dataclass
class IngestResult:
    path: str
    status: Status
    report_id: str | None = None
    message: str = ""
    chunks: int = 0


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders (recursively) to report files; a missing path is an error up front.

    Entries with a report suffix that are not readable files (a dangling symlink, a
    FIFO) are kept, so that they fail with a reason instead of vanishing silently."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and not f.is_dir())
        elif p.is_file() or p.is_symlink() or p.exists():
            files.append(p)
        else:
            raise IngestError(f"找不到 {p} / no such file or folder", "检查路径是否正确")
    return files


def report_id_for(path: Path) -> str:
    slug = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", path.stem).strip("-").lower()
    return slug or hashlib.sha256(str(path).encode()).hexdigest()[:8]


def read_file(path: Path, settings: Settings) -> bytes:
    """The file's bytes, after checking it is a regular file within the size limit."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise IngestError(
            f"{path}: 符号链接指向的文件不存在 / broken symlink to {os.readlink(path)}"
            if path.is_symlink()
            else f"{path}: 文件不存在 / no such file",
            "检查链接或路径",
        ) from exc
    except OSError as exc:
        raise IngestError(f"{path}: 无法读取 / cannot read: {exc.strerror}", "检查文件权限") from exc
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(f"{path}: 不是普通文件（管道、设备或套接字）/ not a regular file", "只导入普通文件")
    if st.st_size > settings.max_file_mb * 1024 * 1024:
        raise IngestError(
            f"{path}: 文件过大 ({st.st_size / 1048576:.1f} MB > {settings.max_file_mb:g} MB) / file too large",
            "调大 ASSISTANT_MAX_FILE_MB，或拆分文件",
        )
    try:
        with open(path, "rb") as fh:
            # Never read past the limit, even if the file grew since stat().
            data = fh.read(int(settings.max_file_mb * 1024 * 1024) + 1)
    except OSError as exc:
        raise IngestError(f"{path}: 无法读取 / cannot read: {exc.strerror}", "检查文件权限") from exc
    if len(data) > settings.max_file_mb * 1024 * 1024:
        raise IngestError(
            f"{path}: 文件过大 / file too large (> {settings.max_file_mb:g} MB)",
            "调大 ASSISTANT_MAX_FILE_MB，或拆分文件",
        )
    return data


def prepare(path: Path, settings: Settings) -> tuple[Report, list[Chunk]]:
    """Everything except writing: raises IngestError with a readable reason."""
    data = read_file(path, settings)
    doc = load(data, str(path), path.suffix, ocr=settings.ocr)
    cleaned = clean_text(doc.text, doc.encoding, str(path), doc.page_meta, doc.notes)
    meta = extract(cleaned.text, cleaned.page_meta)
    version = hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest()
    anchors, unit, headings = _anchors(doc, cleaned.text)
    report = Report(
        report_id=report_id_for(path),
        source=str(path.resolve()),
        version=version,
        raw_sha256=hashlib.sha256(data).hexdigest(),
        encoding=cleaned.encoding,
        **meta.model_dump(),
        page_meta=cleaned.page_meta,
        chars=len(cleaned.text),
        format=doc.kind,
        anchors=anchors,
        anchor_unit=unit,
        ocr_pages=doc.ocr_pages,
        notes=cleaned.notes + _metadata_notes(meta),
        metadata_version=METADATA_VERSION,
    )
    chunks = chunk_text(cleaned.text, settings.chunk_tokens, id_prefix=version[:16], headings=headings)
    report.n_chunks = len(chunks)
    records = []
    for c in chunks:
        number = report.number_at(c.start)
        records.append(
            Chunk(
                chunk_id=c.chunk_id,
                report_id=report.report_id,
                version=version,
                index=c.index,
                start=c.start,
                end=c.end,
                text=c.text,
                section=c.section_path,
                place=meta.place,
                year=meta.year,
                page=number if unit == "页" else None,
                paragraph=number if unit == "段" else None,
            )
        )
    return report, records


_FIELD_NAMES = {"place": "报告主体", "kind": "文件类型", "year": "报告年度"}


def _metadata_notes(meta: ReportMetadata) -> list[str]:
    """What the user should know about how the file was read: not a rule-of-law report, or
    a field left empty (and why)."""
    notes = []
    if meta.kind and not is_rule_of_law_report(meta.kind):
        notes.append(
            f"不是法治政府建设年度报告（识别为：{meta.kind}）；仍可检索和提问 / not an annual rule-of-law report"
        )
    notes += [f"未能确定{_FIELD_NAMES.get(k, k)}：{why}" for k, why in meta.unsure.items()]
    return notes


def _anchors(doc: Document, text: str) -> tuple[list[tuple[int, int]], str | None, dict[int, int]]:
    """Where each page/paragraph starts in the cleaned text, and the DOCX heading lines."""
    if doc.kind not in ("pdf", "docx"):
        return [], None, {}
    owners = line_parts(text, [p.text for p in doc.parts])
    anchors: list[tuple[int, int]] = []
    headings: dict[int, int] = {}
    offset, previous = 0, -1
    for line, owner in zip(text.split("\n"), owners):
        part = doc.parts[owner]
        number = part.page if doc.kind == "pdf" else part.paragraph
        if line and number is not None and (not anchors or anchors[-1][1] != number):
            anchors.append((offset, number))
        if line and part.heading and owner != previous:  # a heading's first line only
            headings[offset] = part.heading
        if line:
            previous = owner
        offset += len(line) + 1
    return anchors, ("页" if doc.kind == "pdf" else "段"), headings


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
        if progress and (size := path.stat().st_size) > _ANNOUNCE_BYTES:  # a big file is silent for a while
            tqdm.write(
                f"{path.name}: 读取、清洗、切分 {size / 1048576:.0f} MB… / reading, cleaning, chunking", file=sys.stderr
            )
    except OSError:
        pass  # prepare() reports it
    try:
        report, records = prepare(path, store.settings)
    except IngestError as exc:
        return IngestResult(str(path), "failed", message=str(exc))
    except Exception as exc:  # a parser bug on one odd file must not stop the batch
        return IngestResult(
            str(path),
            "failed",
            message=str(
                IngestError(
                    f"{path}: 处理时出现意外错误 / unexpected error: {type(exc).__name__}: {exc}",
                    "请把这个文件和错误信息报告给维护者；其余文件不受影响",
                )
            ),
        )
    same = next((r for r in existing.values() if r.version == report.version), None)
    # The same text read by older metadata rules is re-ingested (same chunk ids, new metadata).
    if same and (same.source != report.source or same.metadata_version == report.metadata_version):
        status: Status = "unchanged" if same.source == report.source else "duplicate"
        note = (
            "" if status == "unchanged" else f"内容与已入库的 {same.report_id} 相同 / same content as {same.report_id}"
        )
        return IngestResult(str(path), status, same.report_id, note, same.n_chunks)
    old = existing.get(report.report_id)
    if old and old.source != report.source:
        # Another file already uses this id: disambiguate rather than overwrite it.
        report.report_id = f"{report.report_id}-{hashlib.sha256(report.source.encode()).hexdigest()[:6]}"
        records = [c.model_copy(update={"report_id": report.report_id}) for c in records]
        old = existing.get(report.report_id)
    with tqdm(
        total=len(records), desc=f"embed {path.name[:20]}", unit="chunk", leave=False, disable=not progress
    ) as bar:
        # Embedded a batch at a time inside put_report: memory stays bounded on huge files.
        store.put_report(
            report, records, lambda batch: store.embedder.encode([index_text(report, c) for c in batch], progress=bar)
        )
    existing[report.report_id] = report
    return IngestResult(
        str(path), "replaced" if old else "added", report.report_id, "；".join(report.notes), len(records)
    )


def failure_summary(results: list[IngestResult], *, group_at: int = 3) -> str:
    """What failed and why, for the end of a long batch: a reason shared by `group_at` or
    more files is one line with its count and an example; rarer ones list each file.

    >>> print(failure_summary(results))   # doctest: +SKIP
    失败 991 个文件 / 991 files failed:
      文件为空 / the file is empty: 330（例如 many/00/empty-0000.txt）
      many/reports/crash.txt: 处理时出现意外错误 / unexpected error: RuntimeError: parser exploded
    """
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        return ""
    by_reason: dict[str, list[str]] = {}
    for r in failed:
        first = r.message.split("\n", 1)[0]
        reason = first[len(r.path) + 2 :] if first.startswith(f"{r.path}: ") else first
        by_reason.setdefault(reason, []).append(r.path)
    lines = [f"失败 {len(failed)} 个文件 / {len(failed)} files failed:"]
    for reason, paths in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        if len(paths) >= group_at:
            lines.append(f"  {reason}: {len(paths)}（例如 / e.g. {paths[0]}）")
        else:
            lines += [f"  {p}: {reason}" for p in paths]
    return "\n".join(lines)
