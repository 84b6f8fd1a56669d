"""The package works when installed, not only from the checkout.

The wheel is built from a clean copy of the sources and installed into a fresh virtual
environment outside the checkout; that environment borrows the project's installed
dependencies through a .pth line (the editable install's own finder is not run from
there, so `assistant` can only come from the wheel). From a working directory with no
checkout in sight it then ingests a seed and answers a question with the packaged model:
prompts, gold data and the summary schema must all have come inside the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_CACHE_DIR, REPO_ROOT, SEEDS_DIR

_SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "data",
    "out",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "assistant-src"
    shutil.copytree(REPO_ROOT, src, ignore=_SKIP)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        text=True,
    )
    [built] = out.glob("assistant-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed in it; returns its bin/ directory."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    site = Path(
        subprocess.run(
            [env / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return env / "bin"


def test_the_wheel_carries_prompts_gold_data_and_the_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "assistant/prompts/answer.yaml",
        "assistant/prompts/versions.json",
        "assistant/evals/gold/questions.jsonl",
        "assistant/evals/gold/reports.jsonl",
        "assistant/evals/gold/smoke.jsonl",
        "assistant/reports/summary.schema.json",
    ):
        assert needed in names
    assert not any(n.startswith(("tests/", "benchmarks/", "seeds/")) for n in names)


@pytest.mark.model
def test_the_installed_wheel_ingests_and_answers_outside_the_checkout(installed, tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "PYTHON"))}
    env |= {
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_CACHE_DIR": str(DEFAULT_CACHE_DIR),
        "ASSISTANT_MODEL": "qwen2.5-coder-0.5b",
        "ASSISTANT_INSTANT": "false",  # through the model, so the packaged prompt is read
        "ANONYMIZED_TELEMETRY": "False",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(installed / "assistant"), *args], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )

    where = subprocess.run(
        [str(installed / "python"), "-c", "import assistant.prompts as p; print(p.PROMPTS_DIR)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert str(REPO_ROOT) not in where and "site-packages" in where
    ingested = run("ingest", str(SEEDS_DIR / "wuhai-2023.txt"))
    assert ingested.returncode == 0, ingested.stderr[-2000:]
    asked = run("ask", "2023年乌海市行政机关负责人出庭应诉率是多少？", "--json")
    assert asked.returncode == 0, asked.stderr[-2000:]
    answer = json.loads(asked.stdout)
    assert "98.4%" in answer["answer"] and answer["grounded"] and answer["prompt"].startswith("answer"), {
        k: answer[k] for k in ("method", "prompt", "problems")
    }
    assert answer["citations"][0]["report_id"] == "wuhai-2023"
