"""The package's layers: each subpackage imports only from the layers below it, and no two
modules import each other, directly or around a loop (lazy imports inside functions count:
they are dependencies a reader must follow too).

The layers, bottom up (README, "How it works"):
    core -> text -> {prompts, index, backends} -> ingest -> reports -> qa -> evals -> apps
ingest sits above index because a report is written to the store in one transaction, and
qa above reports because instant answers are read off the indicator cards.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
BELOW: dict[str, set[str]] = {
    "core": set(),
    "text": {"core"},
    "prompts": {"core"},
    "index": {"core", "text"},
    "backends": {"core", "text"},
    "ingest": {"core", "text", "index"},
    "reports": {"core", "text", "index", "backends", "prompts"},
    "qa": {"core", "text", "index", "backends", "prompts", "reports"},
    "evals": {"core", "text", "index", "backends", "prompts", "reports", "qa", "ingest"},
    "apps": {"core", "text", "index", "backends", "prompts", "reports", "qa", "evals", "ingest"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """The assistant modules `path` imports, wherever in the file ("from a.b import c"
    counts as a.b.c when c is a module, else as a.b)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "assistant"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "assistant":
                continue
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if _is_module(f"{target}.{alias.name}") else target)
    return found - {me}


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {m for m in imports_of(path) if m in MODULES} for name, path in MODULES.items()}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in BELOW else None


def test_every_subpackage_has_a_declared_place_in_the_layers():
    found = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert found == set(BELOW), "a new subpackage needs its place in BELOW (and in the README's diagram)"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m)))
def test_a_module_imports_only_its_own_layer_and_those_below(module):
    mine = layer(module)
    upward = sorted(m for m in GRAPH[module] if layer(m) not in (mine, *BELOW[mine], None))
    assert not upward, f"{module} ({mine}) imports a higher layer: {upward}"


def test_no_import_cycles():
    """Tarjan's strongly connected components over the module graph: every one must be a
    single module (package __init__ files re-exporting their own modules excepted)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert cycles == []


def test_the_layer_check_sees_lazy_and_relative_imports(tmp_path):
    """The checker itself: an import inside a function and a relative one are both found."""
    probe = PACKAGE / "qa" / "answer.py"
    assert "assistant.qa.instant" in imports_of(probe)  # `from assistant.qa import instant`
    commands = imports_of(PACKAGE / "apps" / "commands.py")
    assert "assistant.index.store" in commands  # imported inside the command functions
