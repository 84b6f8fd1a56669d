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

The data directory's own files (format marker, write lock, sources.json) are datadir.py's.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np

from assistant.core.config import Settings
from assistant.core.errors import StoreError
from assistant.core.types import Chunk, Report
from assistant.index.datadir import REBUILD_HINT, atomic_write, check_data_dir, recorded_sources, write_lock
from assistant.index.embedding import MODEL_ID, USEEmbedding
from assistant.index.lexical import LexicalIndex
from assistant.index.snapshot import Snapshot, generation_record, read_generation, read_snapshot

_EXACT_MAX = 3000  # chunks in a scope searched exactly (about 60 reports)
_PAGE = 2000
_EMBED_BATCH = 256  # chunks embedded and written at a time: bounds memory on huge files


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
                check_data_dir(settings.data_dir)
                settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types; all mean "cannot open"
            where = (
                f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_dir)
            )
            hint = (
                "检查 ASSISTANT_CHROMA_HOST/PORT；服务器模式请先运行 `chroma run`"
                if settings.chroma_host
                else f"检查 ASSISTANT_DATA_DIR；若数据库已损坏，{REBUILD_HINT}"
            )
            raise StoreError(f"无法打开 Chroma 数据库 / cannot open the Chroma store at {where}: {exc}", hint) from exc
        meta = {"embedding_model": MODEL_ID, "hnsw:space": "cosine"}
        try:
            self.chunks = self.client.get_or_create_collection(
                settings.collection, embedding_function=self.embedder, metadata=meta
            )
            found = (self.chunks.metadata or {}).get("embedding_model")
        except ValueError as exc:  # chromadb: "Embedding function conflict"
            found = f"other ({exc})"
        except Exception as exc:  # a damaged sqlite file surfaces here, not in PersistentClient()
            raise StoreError(
                f"无法读取 Chroma 集合 {settings.collection!r} / cannot read the collection: {exc}", REBUILD_HINT
            ) from exc
        if found != MODEL_ID:
            raise StoreError(
                f"集合 {settings.collection!r} 由嵌入模型 {found!r} 建立，当前为 {MODEL_ID!r} / embedding model mismatch",
                "换一个 ASSISTANT_COLLECTION 或 ASSISTANT_DATA_DIR，或运行 `assistant rebuild` 用当前模型重建",
            )
        # Registry records need a vector; a constant 1-d one keeps Chroma happy.
        self.registry = self.client.get_or_create_collection(
            f"{settings.collection}_registry", embedding_function=None, metadata={"kind": "registry"}
        )
        self._snapshot: Snapshot | None = None
        self._lexical: tuple[str, LexicalIndex] | None = None
        self._lexical_lock = threading.Lock()

    # --- locking (embedded mode: one writer at a time across processes) ------------
    def write_lock(self) -> AbstractContextManager[None]:
        return write_lock(self.settings.data_dir)

    # --- registry -------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The registry as of now: reused while its generation token is unchanged (one small
        read per call instead of every record; see snapshot.py)."""
        try:
            generation = read_generation(self.registry)
            if generation is not None and self._snapshot and self._snapshot.generation == generation:
                return self._snapshot
            got = read_snapshot(self.registry, generation)
        except (ValueError, KeyError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            raise StoreError(
                f"报告登记表已损坏 / the report registry is corrupted: {type(exc).__name__}: {exc}", REBUILD_HINT
            ) from exc
        except Exception as exc:  # chromadb/sqlite errors: a damaged file, or a server gone away
            hint = "检查 Chroma 服务器是否在运行" if self.settings.chroma_host else REBUILD_HINT
            raise StoreError(f"无法读取报告登记表 / cannot read the report registry: {exc}", hint) from exc
        self._snapshot = got
        return got

    def reports(self) -> list[Report]:
        return list(self.snapshot().reports)

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
                raise StoreError(
                    f"{key!r} 对应多份报告 / ambiguous: {', '.join(r.report_id for r in match)}",
                    "请用报告 id 指定（见 `assistant reports`）",
                )
        valid = ", ".join(f"{r.report_id}({r.place})" for r in reports) or "(无 / none)"
        raise StoreError(f"找不到报告 {key!r} / no such report", f"已入库的报告 / ingested: {valid}")

    # --- writes ---------------------------------------------------------------------
    def put_report(
        self, report: Report, chunks: list[Chunk], embeddings: np.ndarray | Callable[[list[Chunk]], np.ndarray]
    ) -> None:
        """Atomically replace `report` (by id) with this version and its chunks.

        `embeddings` is an array (one row per chunk) or a function that embeds a batch
        of chunks; with a function, vectors are computed and written a batch at a time,
        so a huge report never holds all its vectors in memory."""
        page = _EMBED_BATCH if callable(embeddings) else _PAGE
        try:
            for i in range(0, len(chunks), page):
                part = chunks[i : i + page]
                self.chunks.upsert(
                    ids=[c.chunk_id for c in part],
                    documents=[c.text for c in part],
                    embeddings=embeddings(part) if callable(embeddings) else embeddings[i : i + page],
                    metadatas=[_chunk_meta(c) for c in part],
                )
            # The commit point, and a new generation token in the same write (snapshot.py).
            token = generation_record()
            self.registry.upsert(
                ids=[report.report_id, *token["ids"]],
                embeddings=[[1.0], *token["embeddings"]],
                documents=[report.title or report.report_id, *token["documents"]],
                metadatas=[{"json": report.model_dump_json(), "version": report.version}, *token["metadatas"]],
            )
        except BaseException:
            # Not committed: take back what this version added (orphans are also swept by reconcile()).
            self._delete_chunks({"$and": [{"report_id": report.report_id}, {"version": report.version}]})
            raise
        self._delete_chunks({"$and": [{"report_id": report.report_id}, {"version": {"$ne": report.version}}]})
        self._record_source(report.report_id, report.source)

    def remove(self, report_id: str) -> None:
        self.registry.delete(ids=[report_id])
        self.registry.upsert(**generation_record())
        self._delete_chunks({"report_id": report_id})
        self._record_source(report_id, None)

    def _record_source(self, report_id: str, source: str | None) -> None:
        """Mirror report_id -> source into sources.json for `assistant rebuild` (best effort:
        the registry stays the truth; this copy matters once the database is damaged)."""
        try:
            path = self.settings.data_dir / "sources.json"
            sources = (
                recorded_sources(self.settings.data_dir)
                if path.exists()
                else {r.report_id: r.source for r in self.reports()}
            )
            if source is None:
                sources.pop(report_id, None)
            else:
                sources[report_id] = source
            atomic_write(path, json.dumps(sources, ensure_ascii=False, indent=1))
        except (OSError, StoreError):
            pass

    def _delete_chunks(self, where: dict) -> None:
        try:
            self.chunks.delete(where=where)
        except Exception:  # best effort; reconcile() finishes the job
            pass

    def reconcile(self) -> int:
        """Delete chunks that no committed report version owns; returns how many."""
        committed = {rid: r.version for rid, r in self.snapshot().by_id.items()}
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

    def chunk_records(self, report_id: str | None = None) -> list[Chunk]:
        committed = {rid: r.version for rid, r in self.snapshot().by_id.items()}
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

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self.chunks.get(ids=list(ids), include=["metadatas", "documents"])
        return {cid: _record(cid, doc, meta) for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])}

    def report_text(self, report_id: str) -> str:
        """The cleaned text, rebuilt exactly: chunks are contiguous and cover it."""
        return "".join(c.text for c in self.chunk_records(report_id))

    def dense_search(
        self, embedding: np.ndarray, n: int, report_ids: list[str] | None = None, snapshot: Snapshot | None = None
    ) -> list[tuple[str, float]]:
        """The `n` nearest committed chunks, within `report_ids` if given: for a few reports,
        exactly, from their own vectors; for many, Chroma's index with a `where` filter."""
        where = None
        snapshot = snapshot or self.snapshot()
        if not snapshot.reports:
            return []
        if report_ids:
            ids = self.lexical(snapshot).chunk_ids(snapshot.owners(report_ids))
            if len(ids) <= _EXACT_MAX:
                return self._exact(embedding, n, ids)
            where = {"report_id": report_ids[0]} if len(report_ids) == 1 else {"report_id": {"$in": report_ids}}
        got = self.chunks.query(
            query_embeddings=[embedding.tolist()], n_results=n, where=where, include=["distances", "metadatas"]
        )
        by_id = snapshot.by_id
        return [
            (cid, 1.0 - float(d))
            for cid, d, m in zip(got["ids"][0], got["distances"][0], got["metadatas"][0])
            if (r := by_id.get(m["report_id"])) is not None and r.version == m["version"]
        ]

    def _exact(self, embedding: np.ndarray, n: int, ids: list[str]) -> list[tuple[str, float]]:
        # A filtered HNSW query at 50,000 chunks costs 15-30 ms whatever the filter; reading
        # a few reports' vectors by id and taking cosines costs about 1 ms, and is exact.
        if not ids:
            return []
        got = self.chunks.get(ids=ids, include=["embeddings"])
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        query = np.asarray(embedding, dtype=np.float32)
        sims = vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query) + 1e-12)
        order = np.argsort(-sims, kind="stable")[:n]
        return [(got["ids"][i], float(sims[i])) for i in order]

    def lexical(self, snapshot: Snapshot | None = None) -> LexicalIndex:
        """The BM25 index for exactly the committed reports of `snapshot` (the current one
        when not given), loaded or rebuilt."""
        snapshot = snapshot or self.snapshot()
        reports, fingerprint = snapshot.reports, snapshot.fingerprint
        if self._lexical and self._lexical[0] == fingerprint:
            return self._lexical[1]
        with self._lexical_lock:  # threads of one server process: build once, not once each
            if self._lexical and self._lexical[0] == fingerprint:
                return self._lexical[1]
            directory = self.settings.bm25_dir / f"{self.settings.collection}-{fingerprint}"
            try:
                index = LexicalIndex.load(directory)
            except (OSError, ValueError, KeyError):
                by_id = {r.report_id: r for r in reports}
                records = self.chunk_records()
                index = LexicalIndex.build(
                    [c.chunk_id for c in records], [index_text(by_id[c.report_id], c) for c in records]
                )
                index.save(directory)
                for stale in self.settings.bm25_dir.glob(f"{self.settings.collection}-" + "?" * 16):
                    if stale != directory:
                        shutil.rmtree(stale, ignore_errors=True)
            self._lexical = (fingerprint, index)
            return index


def index_text(report: Report, chunk: Chunk) -> str:
    """What both retrievers see: place, year and section path give each chunk context."""
    year = f"{report.year}年" if report.year else ""
    return f"{report.place or ''}{year} {chunk.section}\n{chunk.text}"


def _chunk_meta(c: Chunk) -> dict:
    meta = {
        "report_id": c.report_id,
        "version": c.version,
        "index": c.index,
        "start": c.start,
        "end": c.end,
        "section": c.section,
    }
    for key in ("place", "year", "page", "paragraph"):  # Chroma metadata cannot hold None
        if (value := getattr(c, key)) is not None:
            meta[key] = value
    return meta


def _record(cid: str, doc: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=cid,
        text=doc,
        **{
            k: meta.get(k)
            for k in ("report_id", "version", "index", "start", "end", "section", "place", "year", "page", "paragraph")
        },
    )
