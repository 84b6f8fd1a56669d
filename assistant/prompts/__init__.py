"""Prompt templates as versioned data files (assistant/prompts/<name>.yaml, package data).

Each file has `name`, `version`, `variables`, and `system`/`user` Jinja templates.
Rendering is strict (an undeclared or missing variable raises), and every answer
records `name@version`. `versions.json` beside them pins each file's hash to its version:
tests fail when a file changes without a version bump
(`python -m assistant.prompts --pin` re-pins after bumping).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment, StrictUndefined, meta

from assistant.core.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parent
PINS = PROMPTS_DIR / "versions.json"
_ENV = Environment(undefined=StrictUndefined, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    variables: tuple[str, ...]
    system: str
    user: str

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **values: object) -> list[dict[str, str]]:
        missing = [v for v in self.variables if v not in values]
        extra = [v for v in values if v not in self.variables]
        if missing or extra:
            raise ConfigError(
                f"提示模板 {self.ref} 变量不匹配 / variables mismatch: missing {missing}, unexpected {extra}"
            )
        return [
            {"role": "system", "content": _ENV.from_string(self.system).render(**values).strip()},
            {"role": "user", "content": _ENV.from_string(self.user).render(**values).strip()},
        ]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def load(name: str) -> Prompt:
    path = PROMPTS_DIR / f"{name}.yaml"
    if not path.exists():
        valid = ", ".join(sorted(p.stem for p in PROMPTS_DIR.glob("*.yaml")))
        raise ConfigError(f"找不到提示模板 {name!r} / no such prompt", f"可选 / valid: {valid}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("name", "version", "variables", "system", "user"):
        if key not in data:
            raise ConfigError(f"{path}: 缺少字段 {key!r} / missing field")
    declared = set(data["variables"])
    used = set()
    for part in ("system", "user"):
        used |= meta.find_undeclared_variables(_ENV.parse(data[part]))
    if used != declared:
        raise ConfigError(f"{path}: 模板使用的变量 {sorted(used)} 与声明 {sorted(declared)} 不一致")
    return Prompt(data["name"], int(data["version"]), tuple(data["variables"]), data["system"], data["user"])


def pin() -> dict[str, dict]:
    pins = {
        p.stem: {"version": load(p.stem).version, "sha256": file_hash(p)} for p in sorted(PROMPTS_DIR.glob("*.yaml"))
    }
    PINS.write_text(json.dumps(pins, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return pins
