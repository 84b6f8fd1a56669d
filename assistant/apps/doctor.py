"""`assistant doctor` checks an install.

It reads only: it never downloads a model or creates a data directory, so it can be
run on a broken install to find out what is broken. Each check prints one line (✓ / ✗ /
!) with what it found and, when it fails, the command that fixes it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.core.config import Settings
from assistant.core.errors import AssistantError, StoreError


@dataclass
class Check:
    name: str
    ok: bool | None  # None: a warning, not a failure
    detail: str
    hint: str = ""

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "!"}[self.ok]
        return f"{mark} {self.name}: {self.detail}" + (f"\n    提示 / hint: {self.hint}" if self.hint else "")


def check_model(settings: Settings) -> tuple[Check, Path | None]:
    """The GGUF file exists and, for a packaged model, its SHA-256 matches the registry."""
    from assistant.backends.packaged import PACKAGED, hash_file

    if settings.model in PACKAGED:
        m = PACKAGED[settings.model]
        path = Path(settings.cache_dir).expanduser() / "models" / m.filename
        if not path.is_file():
            return Check(
                "模型文件 / model file",
                False,
                f"{path} 不存在 / missing",
                f"运行 `assistant model {m.name}` 下载并校验",
            ), None
        t0 = time.perf_counter()
        sha = hash_file(path)
        if sha != m.sha256:
            return Check(
                "模型文件 / model file",
                False,
                f"{path} 的 SHA-256 {sha[:12]}… 与登记值 {m.sha256[:12]}… 不符 / hash mismatch",
                f"删除该文件后运行 `assistant model {m.name}`",
            ), None
        return Check(
            "模型文件 / model file",
            True,
            f"{path} ({path.stat().st_size / 1e6:.0f} MB, SHA-256 "
            f"{sha[:12]}… 校验通过 / verified in {time.perf_counter() - t0:.1f}s)",
        ), path
    path = Path(settings.model).expanduser()
    if not path.is_file():
        return Check(
            "模型文件 / model file",
            False,
            f"{path} 不存在 / missing",
            f"修正 ASSISTANT_MODEL，或使用打包模型：{', '.join(PACKAGED)}",
        ), None
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"GGUF":
        return Check(
            "模型文件 / model file",
            False,
            f"{path} 不是 GGUF 文件 / not GGUF (starts with {magic!r})",
            "换成 GGUF 格式的模型",
        ), None
    return Check(
        "模型文件 / model file", True, f"{path}（自备模型，无登记哈希 / own model, SHA-256 {hash_file(path)[:12]}…）"
    ), path


def check_llama(settings: Settings, path: Path) -> Check:
    from assistant.backends.llama import LlamaBackend

    t0 = time.perf_counter()
    try:
        backend = LlamaBackend(str(path), n_ctx=512, n_threads=settings.n_threads, seed=settings.seed)
        done = backend.complete([{"role": "user", "content": "你好"}], max_tokens=1)
    except Exception as exc:  # llama.cpp load failures are ValueError/RuntimeError/segfault-free errors
        return Check(
            "llama.cpp",
            False,
            f"无法加载或生成 / cannot load or generate: {exc}",
            "运行 `make setup` 重新安装 llama-cpp-python（见 README 故障排除）",
        )
    return Check(
        "llama.cpp",
        True,
        f"加载模型并生成了 token {done.text!r} / loaded and generated a token ({time.perf_counter() - t0:.1f}s)",
    )


def check_hosted(settings: Settings) -> Check:
    from assistant.backends.hosted import OpenAIBackend

    try:
        backend = OpenAIBackend(
            settings.model_copy(update={"max_retries": 0, "request_timeout": min(settings.request_timeout, 15)})
        )
        done = backend.complete([{"role": "user", "content": "ping"}], max_tokens=1)
    except AssistantError as exc:
        return Check(
            "托管模型 / hosted endpoint",
            False,
            f"{settings.openai_base_url}: {exc.message}",
            exc.hint or "检查 ASSISTANT_OPENAI_BASE_URL 与 ASSISTANT_OPENAI_API_KEY",
        )
    except Exception as exc:
        return Check(
            "托管模型 / hosted endpoint",
            False,
            f"{settings.openai_base_url}: {type(exc).__name__}: {exc}",
            "检查 ASSISTANT_OPENAI_BASE_URL 与 ASSISTANT_OPENAI_API_KEY",
        )
    return Check(
        "托管模型 / hosted endpoint",
        True,
        f"{settings.openai_base_url} 有应答 / answers (model {settings.openai_model}: {done.text!r})",
    )


def check_store(settings: Settings) -> list[Check]:
    """Data dir format, Chroma opens, the registry reads, every report has all its chunks,
    BM25 holds exactly the committed chunks, sources still exist."""
    from assistant.index.store import REBUILD_HINT, Store

    if not settings.chroma_host and not (settings.data_dir / "chroma").exists():
        return [
            Check(
                "数据库 / store",
                None,
                f"{settings.data_dir} 还没有数据 / nothing ingested yet",
                "运行 `assistant ingest seeds/`",
            )
        ]
    try:
        store = Store(settings)
        reports = store.reports()
    except StoreError as exc:
        return [Check("数据库 / store", False, exc.message, exc.hint or REBUILD_HINT)]
    where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_dir)
    checks = [Check("Chroma", True, f"{where} 已打开，{len(reports)} 份报告 / opened, {len(reports)} reports")]
    records = store.chunk_records()
    have: dict[str, int] = {}
    for c in records:
        have[c.report_id] = have.get(c.report_id, 0) + 1
    broken = [
        f"{r.report_id}({have.get(r.report_id, 0)}/{r.n_chunks})"
        for r in reports
        if have.get(r.report_id, 0) != r.n_chunks
    ]
    if records:  # the vector index lives in separate files: a query is what reads them
        try:
            store.chunks.query(query_embeddings=[[1.0] + [0.0] * 511], n_results=1, include=[])
        except Exception as exc:  # chromadb surfaces damaged HNSW files as assorted errors
            checks.append(Check("向量索引 / vector index", False, f"查询失败 / query failed: {exc}", REBUILD_HINT))
    lexical = store.lexical()
    orphans = store.chunks.count() - len(records)
    agree = not broken and sorted(lexical.ids) == sorted(c.chunk_id for c in records)
    checks.append(
        Check(
            "BM25 与 Chroma / BM25 vs Chroma",
            agree,
            f"登记 {sum(r.n_chunks for r in reports)} 段，Chroma {len(records)} 段，BM25 {len(lexical.ids)} 段"
            + (f"；缺段的报告 / incomplete: {', '.join(broken)}" if broken else ""),
            "" if agree else REBUILD_HINT,
        )
    )
    if orphans:
        checks.append(
            Check(
                "残留 / leftovers",
                None,
                f"{orphans} 段未提交的残留（上次导入被中断）/ uncommitted chunks",
                "下一次 `assistant ingest` 会自动清理",
            )
        )
    missing = [r.source for r in reports if not Path(r.source).is_file()]
    if missing:
        checks.append(
            Check(
                "源文件 / sources",
                None,
                f"{len(missing)} 个源文件已不存在，rebuild 将无法恢复它们 / "
                f"missing: {', '.join(missing[:5])}" + (" …" if len(missing) > 5 else ""),
                "把文件放回原处，或用 `assistant remove` 删除对应报告",
            )
        )
    return checks


def run_checks(
    settings: Settings,
    emit: Callable[[Check], None] = lambda c: None,
    parts: tuple[str, ...] = ("model", "store", "hosted"),
) -> list[Check]:
    """The checks that apply to `settings` (the local model only for the llama backend,
    the hosted endpoint only when one is configured), limited to `parts`."""
    checks: list[Check] = []

    def add(check: Check) -> None:
        checks.append(check)
        emit(check)

    if "model" in parts and settings.backend == "llama":
        model, path = check_model(settings)
        add(model)
        if path is not None:
            add(check_llama(settings, path))
    if "store" in parts:
        for check in check_store(settings):
            add(check)
    if "hosted" in parts and (settings.openai_base_url or settings.backend == "openai"):
        add(check_hosted(settings))
    return checks


def doctor(settings: Settings, out=None) -> int:
    """Print one line per check; 0 when nothing failed (warnings allowed), else 1."""
    out = out or sys.stdout
    checks = run_checks(settings, emit=lambda c: print(c.line(), file=out, flush=True))
    failed = [c for c in checks if c.ok is False]
    print(f"{len(checks)} 项检查，{len(failed)} 项失败 / {len(checks)} checks, {len(failed)} failed", file=out)
    return 1 if failed else 0
