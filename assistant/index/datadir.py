"""The data directory's own files: a format marker, a cross-process write lock, and the
list of every committed report's source file.

``FORMAT`` refuses a directory written in another format; ``.write.lock`` lets one writer
at a time change the embedded store (released even on SIGKILL); ``sources.json`` is kept
outside Chroma so that `assistant rebuild` still knows what to re-ingest when the database
itself is damaged.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.core.errors import StoreError

DATA_FORMAT = 1
REBUILD_HINT = "运行 `assistant rebuild`（从登记的源文件重新导入到新的数据目录，旧目录会保留备份）"


def check_data_dir(data_dir: Path) -> None:
    """Refuse a data directory written in another format, or whose marker is garbled;
    stamp a new (or pre-marker) one with the current format."""
    marker = data_dir / "FORMAT"
    if not marker.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(marker, json.dumps({"format": DATA_FORMAT}))
        return
    try:
        found = json.loads(marker.read_text("utf-8"))["format"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"数据目录 {data_dir} 已损坏：格式标记 FORMAT 无法读取 / corrupted data dir ({exc})", REBUILD_HINT
        ) from exc
    if found != DATA_FORMAT:
        raise StoreError(
            f"数据目录 {data_dir} 的格式版本为 {found!r}，本程序需要 {DATA_FORMAT} / data dir format mismatch",
            REBUILD_HINT,
        )


@contextmanager
def write_lock(data_dir: Path) -> Iterator[None]:
    """One writer at a time across processes (embedded mode); released even on SIGKILL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".write.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def recorded_sources(data_dir: Path) -> dict[str, str]:
    """report_id -> source path, from sources.json (empty when there is none)."""
    try:
        return dict(json.loads((data_dir / "sources.json").read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return {}
