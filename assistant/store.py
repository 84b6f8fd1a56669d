"""Chroma collection + BM25 index, kept consistent.

Two Chroma collections: ``<name>`` holds chunks (text, offsets, embeddings) and
``<name>_registry`` holds one record per report. The registry record is the commit
point of an ingest: chunks of a new version are written first, then the registry is
upserted, then the old version's chunks are deleted. Readers only trust chunks whose
version matches the registry, so a crash at any step leaves the previous state
visible, and `reconcile()` later removes the orphans. Keeping the registry in Chroma
(not a local file) lets several processes share one Chroma server.

The BM25 index is derived data: it is saved under a fingerprint of the registry and
rebuilt from Chroma's documents whenever the fingerprint changes, so it can never
disagree with what Chroma holds.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from .config import Settings
from .embedding import MODEL_ID, USEEmbedding
from .errors import StoreError
from .lexical import TOKENIZER_VERSION, LexicalIndex
from .records import ChunkRecord, Report

_PAGE = 2000


class Store:
    def __init__(self, settings: Settings, embedder: USEEmbedding | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.embedder = embedder or USEEmbedding()
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if settings.chroma_host:
                self.client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
                self.client.heartbeat()
            else:
                settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
        except Exception as exc:  # chromadb raises many types; all mean "cannot open"
            where = (f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
                     else str(settings.chroma_dir))
            raise StoreError(f"无法打开 Chroma 数据库 / cannot open the Chroma store at {where}: {exc}",
                             "检查 ASSISTANT_CHROMA_HOST/PORT 或 ASSISTANT_DATA_DIR；服务器模式请先运行 `chroma run`") from exc
        meta = {"embedding_model": MODEL_ID, "hnsw:space": "cosine"}
        try:
            self.chunks = self.client.get_or_create_collection(
                settings.collection, embedding_function=self.embedder, metadata=meta
            )
            found = (self.chunks.metadata or {}).get("embedding_model")
        except ValueError as exc:  # chromadb: "Embedding function conflict"
            found = f"other ({exc})"
        if found != MODEL_ID:
            raise StoreError(
                f"集合 {settings.collection!r} 由嵌入模型 {found!r} 建立，当前为 {MODEL_ID!r} / embedding model mismatch",
                "换一个 ASSISTANT_COLLECTION 或 ASSISTANT_DATA_DIR，或删除该数据目录后重新 ingest",
            )
        # Registry records need a vector; a constant 1-d one keeps Chroma happy.
        self.registry = self.client.get_or_create_collection(
            f"{settings.collection}_registry", embedding_function=None, metadata={"kind": "registry"}
        )
        self._lexical: tuple[str, LexicalIndex] | None = None

    # --- locking (embedded mode: one writer at a time across processes) ------------
    @contextmanager
    def write_lock(self) -> Iterator[None]:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.settings.data_dir / ".write.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # --- registry -------------------------------------------------------------------
    def reports(self) -> list[Report]:
        got = self.registry.get(include=["metadatas"])
        reports = [Report.model_validate_json(m["json"]) for m in got["metadatas"] or []]
        return sorted(reports, key=lambda r: (r.place or "", r.year or 0, r.report_id))

    def find_report(self, key: str) -> Report:
        """By id, place (if unique), or source path."""
        reports = self.reports()
        for match in (
            [r for r in reports if r.report_id == key],
            [r for r in reports if r.source == str(Path(key).resolve())],
            [r for r in reports if r.place == key or (r.place and f"{r.place}{r.year}" == key)],
        ):
            if len(match) == 1:
                return match[0]
            if len(match) > 1:
                raise StoreError(f"{key!r} 对应多份报告 / ambiguous: {', '.join(r.report_id for r in match)}",
                                 "请用报告 id 指定（见 `assistant reports`）")
        valid = ", ".join(f"{r.report_id}({r.place})" for r in reports) or "(无 / none)"
        raise StoreError(f"找不到报告 {key!r} / no such report", f"已入库的报告 / ingested: {valid}")

    # --- writes ---------------------------------------------------------------------
    def put_report(self, report: Report, chunks: list[ChunkRecord], embeddings: np.ndarray) -> None:
        """Atomically replace `report` (by id) with this version and its chunks."""
        try:
            for i in range(0, len(chunks), _PAGE):
                part = chunks[i : i + _PAGE]
                self.chunks.upsert(
                    ids=[c.chunk_id for c in part],
                    documents=[c.text for c in part],
                    embeddings=embeddings[i : i + _PAGE],
                    metadatas=[_chunk_meta(c) for c in part],
                )
            self.registry.upsert(
                ids=[report.report_id], embeddings=[[1.0]], documents=[report.title or report.report_id],
                metadatas=[{"json": report.model_dump_json(), "version": report.version}],
            )
        except BaseException:
            # Not committed: take back what this version added (orphans are also swept by reconcile()).
            self._delete_chunks({"$and": [{"report_id": report.report_id}, {"version": report.version}]})
            raise
        self._delete_chunks({"$and": [{"report_id": report.report_id}, {"version": {"$ne": report.version}}]})

    def remove(self, report_id: str) -> None:
        self.registry.delete(ids=[report_id])
        self._delete_chunks({"report_id": report_id})

    def _delete_chunks(self, where: dict) -> None:
        try:
            self.chunks.delete(where=where)
        except Exception:  # best effort; reconcile() finishes the job
            pass

    def reconcile(self) -> int:
        """Delete chunks that no committed report version owns; returns how many."""
        committed = {r.report_id: r.version for r in self.reports()}
        orphans = [cid for cid, m in self._iter_chunk_meta() if committed.get(m["report_id"]) != m["version"]]
        for i in range(0, len(orphans), _PAGE):
            self.chunks.delete(ids=orphans[i : i + _PAGE])
        return len(orphans)

    # --- reads ----------------------------------------------------------------------
    def _iter_chunk_meta(self) -> Iterator[tuple[str, dict]]:
        offset = 0
        while True:
            got = self.chunks.get(include=["metadatas"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield from zip(got["ids"], got["metadatas"])
            offset += len(got["ids"])

    def chunk_records(self, report_id: str | None = None) -> list[ChunkRecord]:
        committed = {r.report_id: r.version for r in self.reports()}
        where = {"report_id": report_id} if report_id else None
        records, offset = [], 0
        while True:
            got = self.chunks.get(where=where, include=["metadatas", "documents"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                break
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                if committed.get(meta["report_id"]) == meta["version"]:
                    records.append(_record(cid, doc, meta))
            offset += len(got["ids"])
        return sorted(records, key=lambda c: (c.report_id, c.index))

    def get_chunks(self, ids: list[str]) -> dict[str, ChunkRecord]:
        if not ids:
            return {}
        got = self.chunks.get(ids=list(ids), include=["metadatas", "documents"])
        return {cid: _record(cid, doc, meta) for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])}

    def report_text(self, report_id: str) -> str:
        """The cleaned text, rebuilt exactly: chunks are contiguous and cover it."""
        return "".join(c.text for c in self.chunk_records(report_id))

    def dense_search(self, embedding: np.ndarray, n: int, report_ids: list[str] | None = None,
                     reports: list[Report] | None = None) -> list[tuple[str, float]]:
        where = None
        if report_ids:
            where = {"report_id": report_ids[0]} if len(report_ids) == 1 else {"report_id": {"$in": report_ids}}
        total = self.chunks.count()
        if total == 0:
            return []
        got = self.chunks.query(query_embeddings=[embedding.tolist()], n_results=min(n, total), where=where,
                                include=["distances", "metadatas"])
        committed = {r.report_id: r.version for r in (self.reports() if reports is None else reports)}
        return [(cid, 1.0 - float(d)) for cid, d, m in zip(got["ids"][0], got["distances"][0], got["metadatas"][0])
                if committed.get(m["report_id"]) == m["version"]]

    def lexical(self, reports: list[Report] | None = None) -> LexicalIndex:
        """The BM25 index for exactly the committed reports (`reports`, when the caller
        has just read the registry), loaded or rebuilt."""
        reports = self.reports() if reports is None else reports
        fingerprint = hashlib.sha256(json.dumps(
            [TOKENIZER_VERSION, sorted((r.report_id, r.version) for r in reports)]).encode()).hexdigest()[:16]
        if self._lexical and self._lexical[0] == fingerprint:
            return self._lexical[1]
        directory = self.settings.bm25_dir / f"{self.settings.collection}-{fingerprint}"
        try:
            index = LexicalIndex.load(directory)
        except (OSError, ValueError, KeyError):
            by_id = {r.report_id: r for r in reports}
            records = self.chunk_records()
            index = LexicalIndex.build([c.chunk_id for c in records],
                                       [index_text(by_id[c.report_id], c) for c in records])
            index.save(directory)
            for stale in self.settings.bm25_dir.glob(f"{self.settings.collection}-" + "?" * 16):
                if stale != directory:
                    shutil.rmtree(stale, ignore_errors=True)
        self._lexical = (fingerprint, index)
        return index


def index_text(report: Report, chunk: ChunkRecord) -> str:
    """What both retrievers see: place, year and section path give each chunk context."""
    year = f"{report.year}年" if report.year else ""
    return f"{report.place or ''}{year} {chunk.section}\n{chunk.text}"


def _chunk_meta(c: ChunkRecord) -> dict:
    meta = {"report_id": c.report_id, "version": c.version, "index": c.index, "start": c.start,
            "end": c.end, "section": c.section}
    if c.place:
        meta["place"] = c.place
    if c.year:
        meta["year"] = c.year
    return meta


def _record(cid: str, doc: str, meta: dict) -> ChunkRecord:
    return ChunkRecord(chunk_id=cid, text=doc, **{k: meta.get(k) for k in
                       ("report_id", "version", "index", "start", "end", "section", "place", "year")})
