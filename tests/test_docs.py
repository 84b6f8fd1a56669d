"""The README is the front door: its configuration table must list every setting, with the
environment variable and flag the code really derives from it."""

import re

from assistant.apps.cli import build_parser
from assistant.core.config import Settings
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def table_rows() -> dict[str, list[str]]:
    rows = {}
    for line in README.splitlines():
        if m := re.match(r"\| `([a-z0-9_]+)` \| `(ASSISTANT_[A-Z0-9_]+)` \| (.+?) \|", line):
            rows[m.group(1)] = [m.group(2), m.group(3)]
    return rows


def test_every_setting_is_in_the_readme_table_with_its_env_var_and_flag():
    rows = table_rows()
    assert set(rows) == set(Settings.model_fields), "README configuration table and Settings differ"
    flags = {a.dest: a.option_strings for a in build_parser()._actions if a.option_strings}
    for name, (env, flag_cell) in rows.items():
        assert env == f"ASSISTANT_{name.upper()}"
        if name in flags:
            assert f"`{flags[name][0]}`" in flag_cell, name
        else:  # secrets: no flag, so they never land in shell history
            assert "none" in flag_cell, name


def test_the_two_readme_commands_are_make_targets():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("make test")
