"""`assistant rebuild`: recover a damaged data directory from the source files.

The old data directory is moved aside (nothing is deleted) and every source file the
registry recorded — or, when the database is unreadable, the copy in sources.json — is
ingested again into a fresh one. Files that are gone are listed, never silently dropped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.core.config import Settings
from assistant.core.errors import StoreError
from assistant.index.datadir import recorded_sources, write_lock
from assistant.index.store import Store
from assistant.ingest.pipeline import ingest_paths


def rebuild(settings: Settings, out=None, progress: bool = True, embedder=None) -> int:
    """Re-ingest the recorded source files into a fresh data dir; the old one is kept as a backup."""
    from chromadb.api.client import SharedSystemClient

    out = out or sys.stdout
    if settings.chroma_host:
        raise StoreError(
            "rebuild 只用于本地数据目录 / rebuild works on the embedded store only",
            "服务器模式请在 Chroma 服务器上删除集合后重新 `assistant ingest`",
        )
    data_dir = settings.data_dir
    if not data_dir.exists():
        raise StoreError(f"{data_dir} 不存在，没有可重建的内容 / nothing to rebuild", "运行 `assistant ingest DIR`")
    try:
        sources = {r.report_id: r.source for r in Store(settings).reports()}
        origin = "报告登记表 / the registry"
    except StoreError as exc:
        sources = recorded_sources(data_dir)
        origin = f"sources.json（数据库无法读取 / the database is unreadable: {exc.message}）"
    # The client above caches the open database by path; the fresh store must not reuse it.
    SharedSystemClient.clear_system_cache()
    backup = data_dir.with_name(f"{data_dir.name}.backup-{time.strftime('%Y%m%d-%H%M%S')}")
    with write_lock(data_dir):
        data_dir.rename(backup)
    print(f"从{origin}找到 {len(sources)} 个源文件；旧数据目录已移到 / old data dir moved to {backup}", file=out)
    present = [s for s in sources.values() if Path(s).is_file()]
    lost = sorted(set(sources.values()) - set(present))
    store = Store(settings, embedder=embedder)
    results = ingest_paths(present, store, progress=progress) if present else []
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"[失败 / failed] {r.message}", file=out)
    for path in lost:
        print(f"[缺失 / missing] {path}: 源文件已不存在，该报告未能恢复 / source file gone, not restored", file=out)
    print(
        f"重建完成 / rebuilt: {sum(r.status in ('added', 'replaced') for r in results)} 份报告，"
        f"失败 {len(failed)}，缺失 {len(lost)}；备份 / backup: {backup}",
        file=out,
    )
    return 1 if failed or lost else 0
