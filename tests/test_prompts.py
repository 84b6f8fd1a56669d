"""Prompts are versioned data: strict rendering, and no silent edits."""

import json

import pytest

from assistant.core.errors import ConfigError
from assistant.prompts import PINS, PROMPTS_DIR, file_hash, load


def test_every_prompt_file_loads_and_declares_exactly_the_variables_it_uses():
    names = [p.stem for p in PROMPTS_DIR.glob("*.yaml")]
    assert {"answer", "answer_strict"} <= set(names)
    for name in names:
        assert load(name).version >= 1


def test_a_changed_prompt_file_needs_a_version_bump():
    pins = json.loads(PINS.read_text(encoding="utf-8"))
    for path in PROMPTS_DIR.glob("*.yaml"):
        pin = pins.get(path.stem)
        assert pin, f"{path.name} is not pinned: bump its version and run `python -m assistant.prompts --pin`"
        if file_hash(path) != pin["sha256"]:
            assert load(path.stem).version > pin["version"], (
                f"{path.name} changed but its version is still {pin['version']}: bump it, then re-pin"
            )


def test_rendering_refuses_missing_or_unexpected_variables():
    prompt = load("answer")
    with pytest.raises(ConfigError, match="missing"):
        prompt.render(sources=[])
    with pytest.raises(ConfigError, match="unexpected"):
        prompt.render(sources=[], question="q", glossary="", extra=1)


def test_rendered_answer_prompt_numbers_its_sources_and_keeps_the_system_prompt_fixed():
    prompt = load("answer")
    a = prompt.render(
        sources=[{"n": 1, "label": "乌海市2023年报告", "section": "一、", "text": "甲。"}], question="问1", glossary=""
    )
    b = prompt.render(
        sources=[{"n": 1, "label": "武威市2021年报告", "section": "", "text": "乙。"}],
        question="问2",
        glossary="赢的即胜诉",
    )
    assert "[1] 来源：乌海市2023年报告" in a[1]["content"] and a[1]["content"].endswith("问题：问1")
    assert b[1]["content"].endswith("问题：问2（报告用语：赢的即胜诉）")  # the report's word for a lay one
    # The identical system message is what lets llama.cpp reuse its KV cache between questions.
    assert a[0] == b[0]


def test_unknown_prompt_names_list_the_valid_ones():
    with pytest.raises(ConfigError, match="answer"):
        load("nope")
