#!/usr/bin/env bash
# Set up a working checkout: .venv with llama-cpp-python (built without AMX, see below),
# the package in editable mode with its dev extras, then the packaged models named as
# arguments (e.g. `scripts/bootstrap.sh qwen2.5-coder-0.5b`). Safe to run repeatedly:
# the pip part is skipped while .venv/.installed is newer than pyproject.toml and this file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LLAMA_VERSION=0.3.36
# Same default as Settings.cache_dir, so the CLI and this script share one cache.
CACHE_DIR="${ASSISTANT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/assistant}"
WHEEL_DIR="$CACHE_DIR/wheels"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.installed"

log() { printf '==> %s\n' "$*" >&2; }

# True when $WHEEL_DIR holds a llama-cpp-python wheel this venv's Python can install.
have_llama_wheel() {
  "$PY" -m pip install -q --dry-run --no-index --no-deps --only-binary :all: \
    --find-links "$WHEEL_DIR" "llama-cpp-python==$LLAMA_VERSION" >/dev/null 2>&1
}

build_llama_wheel() {
  # A native build (-march=native) crashes on these CPUs' AMX code paths, so pin the ISA
  # explicitly. --no-cache-dir: pip's wheel cache could otherwise hand back a native build.
  log "building llama-cpp-python $LLAMA_VERSION into $WHEEL_DIR (about 4 minutes on 2 cores)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON" \
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$PY" -m pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python \
      -w "$WHEEL_DIR" "llama-cpp-python==$LLAMA_VERSION"
}

if [[ ! -x "$PY" ]]; then
  log "creating .venv with $(python3 --version)"
  python3 -m venv "$VENV"
fi

if [[ -f "$STAMP" && "$STAMP" -nt pyproject.toml && "$STAMP" -nt scripts/bootstrap.sh ]]; then
  log ".venv is up to date (remove .venv/.installed to reinstall)"
else
  log "upgrading pip"
  "$PY" -m pip install -q --upgrade pip

  mkdir -p "$WHEEL_DIR"
  if have_llama_wheel; then
    log "using cached llama-cpp-python wheel from $WHEEL_DIR"
  else
    # The lock stops two bootstraps building at once; the second then finds the wheel.
    exec 9>"$WHEEL_DIR/.build.lock"
    flock 9
    have_llama_wheel || build_llama_wheel
    flock -u 9
  fi
  log "installing llama-cpp-python $LLAMA_VERSION"
  # Install the wheel itself only from the cache (never an index build), then let pip add
  # its dependencies: the second command sees it satisfied and just resolves the rest.
  "$PY" -m pip install -q --no-index --no-deps --only-binary :all: \
    --find-links "$WHEEL_DIR" "llama-cpp-python==$LLAMA_VERSION"
  # The [server] extra is llama.cpp's own OpenAI-compatible server, used by the hosted-backend
  # tests and by anyone who wants to serve the packaged model to several product processes.
  "$PY" -m pip install -q "llama-cpp-python[server]==$LLAMA_VERSION"

  log "installing assistant (editable) with dev extras"
  "$PY" -m pip install -q -e '.[dev]'
  touch "$STAMP"
fi

if (($#)); then
  log "fetching model(s): $*"
  "$PY" -m assistant.backends.packaged "$@"
fi
log "bootstrap done"
