"""The hosted (OpenAI-compatible) backend against real servers on loopback.

End to end: llama-cpp-python's own server (`python -m llama_cpp.server`) with the packaged
0.5B model, one per test session (tests/servers.py), answers, summarises and runs a small
eval through `OpenAIBackend` — with the same verification as the local model. Faults: no
server, a server killed mid-stream, a server that never answers, a wrong API key, replies
that are not JSON, 5xx/429 answered with retries; each checks what the user is told and
that the store is left as it was.
"""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import SecretStr

from assistant.backends.hosted import OpenAIBackend
from assistant.backends.packaged import resolve_model_path
from assistant.core.errors import BackendError, ContextTooLong
from assistant.qa.answer import Listener, ask
from assistant.text.numerals import number_set
from tests.conftest import DEFAULT_CACHE_DIR
from tests.servers import (
    ScriptedHTTPServer,
    StallingServer,
    free_port,
    shared_llama_server,
    start_llama_server,
)

QUESTION = "2023年乌海市行政机关负责人出庭应诉率是多少？"
MESSAGES = [{"role": "system", "content": "只用一个词回答。"}, {"role": "user", "content": "中国的首都是哪里？"}]


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    from assistant.core.config import Settings

    return resolve_model_path(
        Settings(data_dir=tmp_path_factory.mktemp("m"), cache_dir=DEFAULT_CACHE_DIR, model="qwen2.5-coder-0.5b")
    )


@pytest.fixture(scope="session")
def llama_server(model_path):
    return shared_llama_server(model_path)


KEY = "right-key-8f3a"


@pytest.fixture(scope="module")
def keyed_server(model_path):
    """A server that requires KEY; the mid-stream test kills it, so it comes last."""
    server = start_llama_server(model_path, api_key=KEY)
    yield server
    server.close()


def hosted(settings, base_url: str, **overrides):
    """`settings` switched to the hosted backend at `base_url`."""
    update = {
        "backend": "openai",
        "openai_base_url": base_url,
        "openai_model": "qwen2.5-coder-0.5b",
        "request_timeout": 60.0,
        "max_retries": 1,
        **overrides,
    }
    return settings.model_copy(update=update)


def snapshot(store) -> list[tuple[str, str, int]]:
    return [(r.report_id, r.version, len(store.chunk_records(r.report_id))) for r in store.reports()]


# --- end to end through the real llama.cpp server -------------------------------------------------
@pytest.mark.model
def test_a_hosted_answer_is_verified_and_cited_like_a_local_one(llama_server, seeded_store):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    settings = hosted(settings, llama_server.base_url)
    llm = OpenAIBackend(settings)
    shown: list[str] = []
    answer = ask(QUESTION, store, llm, settings, listener=Listener(emit=shown.append))
    assert answer.grounded and "98.4%" in answer.answer
    assert answer.citations and answer.citations[0].report_id == "wuhai-2023"
    assert "98.4%" in answer.citations[0].quote
    assert (
        store.report_text("wuhai-2023")[answer.citations[0].start : answer.citations[0].end]
        == answer.citations[0].quote
    )
    assert "98.4%" in "".join(shown)  # streamed, verified sentence by sentence
    assert answer.usage.completion_tokens > 0 and answer.timings.prefill_ms > 0


@pytest.mark.model
def test_streamed_pieces_add_up_and_prompts_are_budgeted_with_cl100k(llama_server, seeded_store):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    llm = OpenAIBackend(hosted(settings, llama_server.base_url))
    pieces: list[str] = []
    completion = llm.complete(MESSAGES, max_tokens=8, on_token=pieces.append)
    assert "北京" in completion.text and "".join(pieces) == completion.text
    assert completion.prompt_tokens == llm.prompt_tokens(MESSAGES)  # the server sends no usage in streams
    small = OpenAIBackend(hosted(settings, llama_server.base_url, n_ctx=512))
    with pytest.raises(ContextTooLong, match="ASSISTANT_N_CTX"):
        small.complete([{"role": "user", "content": "法治政府建设" * 300}], max_tokens=16)


TINY_REPORT = """磴口县2021年法治政府建设情况报告
2021年,磴口县坚持以习近平法治思想为指导,全面推进法治政府建设工作有序开展。
一、工作开展情况
持续扩大12345政府服务事项范围,及时回应群众诉求。共转办市“12345”政府服务热线群众来电578件。已办结531件,办结率为91.8%;群众满意率97.1%。
二、存在的问题和下一步工作打算
一是群众法治观念仍需提高;二是推进法治政府建设工作力量薄弱。下一步,一是加强学法用法;二是强化队伍建设。
"""


@pytest.mark.model
def test_a_hosted_summary_uses_the_servers_schema_support_and_is_verified(
    llama_server, settings_factory, embedder, tmp_path
):
    """One short report: its sections read by rule and one schema-constrained call for the
    overview (its problems and plans are quoted from the text)."""
    from assistant.index.store import Store
    from assistant.ingest.pipeline import ingest_paths
    from assistant.reports import summarize

    source = tmp_path / "dengkou-brief.txt"
    source.write_text(TINY_REPORT, encoding="utf-8")
    settings = hosted(settings_factory(), llama_server.base_url)
    store = Store(settings, embedder=embedder)
    (result,) = ingest_paths([source], store, progress=False)
    llm = OpenAIBackend(settings)
    text = store.report_text(result.report_id)
    summary = summarize.summarize_report(
        store,
        llm,
        settings,
        result.report_id,
        options=summarize.SummaryOptions(max_tokens=128, max_figures=1, max_points=3),
    )
    # llama.cpp's server refuses OpenAI's json_schema (HTTP 500) and takes its own json_object + schema.
    assert llm._schema_mode == "json_object"
    summarize.ReportSummary.model_validate_json(summary.model_dump_json())
    assert summary.总体概述 and summary.来源.model == "qwen2.5-coder-0.5b" and summary.来源.usage["calls"] in (1, 2)
    for section in summary.主要举措与成效:
        for f in section.关键数据:
            assert text[f.start : f.end] == f.原文 and number_set(f.数值) <= number_set(f.原文)
        assert all(number_set(p) <= number_set(text) for p in section.要点)
    assert number_set(summary.总体概述) <= number_set(text)
    assert summary.存在问题 == ["群众法治观念仍需提高", "推进法治政府建设工作力量薄弱"]


@pytest.mark.model
def test_a_small_eval_runs_through_the_hosted_backend(llama_server, seeded_store, tmp_path):
    from assistant.evals.gold import GOLD
    from assistant.evals.runner import run_eval

    _, settings = seeded_store

    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    smoke = [json.loads(line) for line in (GOLD.parent / "smoke.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = tmp_path / "gold.jsonl"  # one answerable, one unanswerable
    gold.write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in smoke if i["id"] in ("wuhai-001", "unans-001")),
        encoding="utf-8",
    )
    summary = run_eval(hosted(settings, llama_server.base_url), gold, tmp_path / "run", progress=False)
    assert summary["config"]["backend"] == "openai" and summary["config"]["model"] == "qwen2.5-coder-0.5b"
    assert summary["items"] == 2 and summary["answers"]["fact_accuracy"] is not None
    rows = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and all(r["grade"] in ("CORRECT", "INCORRECT", "NOT_ATTEMPTED") for r in rows)


# --- faults ------------------------------------------------------------------------------------
def test_no_server_running_tells_the_user_which_setting_to_check(seeded_store, monkeypatch, capsys, caplog):
    from assistant.apps import cli

    store, settings = seeded_store
    before = snapshot(store)
    url = f"http://127.0.0.1:{free_port()}/v1"
    for name, value in {
        "INSTANT": "false",  # the model path: the question would otherwise be answered from its card
        "BACKEND": "openai",
        "OPENAI_BASE_URL": url,
        "MAX_RETRIES": "2",
        "DATA_DIR": str(settings.data_dir),
        "CACHE_DIR": str(DEFAULT_CACHE_DIR),
    }.items():
        monkeypatch.setenv(f"ASSISTANT_{name}", value)
    with caplog.at_level(logging.WARNING, logger="assistant.backends.llama"):
        assert cli.main(["ask", QUESTION]) == BackendError.exit_code
    err = capsys.readouterr().err
    assert f"cannot reach {url}" in err and "ASSISTANT_OPENAI_BASE_URL" in err and "Traceback" not in err
    assert [r.getMessage() for r in caplog.records].count("hosted model: connection error; retry 1/2 in 0.5s") == 1
    assert len([r for r in caplog.records if "retry" in r.getMessage()]) == 2  # backoff 0.5 s, then 1 s
    assert snapshot(store) == before


def test_a_stalling_server_times_out_after_the_configured_retries(seeded_store, caplog):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    with StallingServer() as stall, caplog.at_level(logging.WARNING, logger="assistant.backends.hosted"):
        llm = OpenAIBackend(hosted(settings, stall.base_url, request_timeout=1.0, max_retries=1))
        with pytest.raises(BackendError, match="timed out after 1.0s") as caught:
            llm.complete(MESSAGES, max_tokens=4)
    assert "ASSISTANT_REQUEST_TIMEOUT" in caught.value.hint
    # One try, a 0.5 s backoff, one retry: counted by the server and the log, not by a clock.
    assert len(stall.connections) == 2
    assert [r.getMessage() for r in caplog.records] == ["hosted model: timeout; retry 1/1 in 0.5s"]


@pytest.mark.model
def test_a_wrong_api_key_names_the_setting_and_is_never_echoed(keyed_server, seeded_store, caplog):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    server = keyed_server
    wrong = OpenAIBackend(hosted(settings, server.base_url, openai_api_key=SecretStr("wrong-key-41c9")))
    with caplog.at_level(logging.DEBUG), pytest.raises(BackendError) as caught:
        wrong.complete(MESSAGES, max_tokens=4)
    assert "HTTP 401" in caught.value.message and "ASSISTANT_OPENAI_API_KEY" in caught.value.hint
    assert "wrong-key-41c9" not in str(caught.value) + caplog.text + repr(wrong)
    assert "wrong-key-41c9" not in repr(hosted(settings, server.base_url, openai_api_key=SecretStr("wrong-key-41c9")))
    right = OpenAIBackend(hosted(settings, server.base_url, openai_api_key=SecretStr(KEY)))
    assert "北京" in right.complete(MESSAGES, max_tokens=8).text


@pytest.mark.model
def test_a_server_killed_mid_stream_keeps_only_verified_text_and_loses_nothing(keyed_server, seeded_store, caplog):
    store, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    before = snapshot(store)
    server = keyed_server  # its last user: killed here
    settings = hosted(settings, server.base_url, max_retries=3, top_k=1, openai_api_key=SecretStr(KEY))
    llm = OpenAIBackend(settings)
    original = llm.complete

    def complete_then_kill(messages, **kw):  # kill the server as soon as the first token arrives
        on_token = kw.pop("on_token")

        def first(piece):
            if server.running:
                server.kill()
            on_token(piece)

        return original(messages, on_token=first, **kw)

    llm.complete = complete_then_kill
    shown: list[str] = []
    with caplog.at_level(logging.WARNING, logger="assistant.backends.llama"), pytest.raises(BackendError) as caught:
        ask(QUESTION, store, llm, settings, listener=Listener(emit=shown.append))
    assert not caplog.records  # not retried: its first tokens were already out
    assert "stream broke off" in str(caught.value) or "ended unfinished" in str(caught.value)
    assert server.base_url in caught.value.hint
    # Whatever was released before the break is verified text: its numbers are the report's.
    assert number_set("".join(shown)) <= number_set(store.report_text("wuhai-2023"))
    assert snapshot(store) == before


def test_5xx_and_429_are_retried_with_backoff_then_reported(seeded_store, caplog):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    with ScriptedHTTPServer((503, "overloaded"), (429, "slow down"), (200, "北京")) as server:
        with caplog.at_level(logging.WARNING, logger="assistant.backends.llama"):
            completion = OpenAIBackend(hosted(settings, server.base_url, max_retries=3)).complete(
                MESSAGES, max_tokens=4
            )
        assert completion.text == "北京" and len(server.requests) == 3
    assert [r.getMessage() for r in caplog.records] == [
        "hosted model: HTTP 503; retry 1/3 in 0.5s",
        "hosted model: HTTP 429; retry 2/3 in 1.0s",
    ]
    with ScriptedHTTPServer((503, "overloaded")) as server:
        with pytest.raises(BackendError, match="server error 503 after 1 retries"):
            OpenAIBackend(hosted(settings, server.base_url, max_retries=1)).complete(MESSAGES, max_tokens=4)
        assert len(server.requests) == 2
    with ScriptedHTTPServer((429, "slow down"), headers={"Retry-After": "0.2"}) as server:
        with pytest.raises(BackendError, match="rate limited") as caught:
            OpenAIBackend(hosted(settings, server.base_url, max_retries=2)).complete(MESSAGES, max_tokens=4)
        assert "ASSISTANT_MAX_RETRIES" in caught.value.hint and len(server.requests) == 3


def test_404_and_leaky_401_messages_name_the_settings_without_the_key(seeded_store):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    with ScriptedHTTPServer((404, "The model `nope` does not exist")) as server:
        with pytest.raises(BackendError) as caught:
            OpenAIBackend(hosted(settings, server.base_url, openai_model="nope")).complete(MESSAGES, max_tokens=4)
        assert "'nope'" in caught.value.message
        assert "ASSISTANT_OPENAI_MODEL" in caught.value.hint and "ASSISTANT_OPENAI_BASE_URL" in caught.value.hint
        assert len(server.requests) == 1  # a 404 is not retried
    with ScriptedHTTPServer((401, "Incorrect API key provided: sk-secret-0042")) as server:
        llm = OpenAIBackend(hosted(settings, server.base_url, openai_api_key=SecretStr("sk-secret-0042")))
        with pytest.raises(BackendError) as caught:
            llm.complete(MESSAGES, max_tokens=4)
        assert "sk-secret-0042" not in str(caught.value) and "ASSISTANT_OPENAI_API_KEY" in str(caught.value)


def test_replies_that_are_not_json_leave_a_summary_with_failed_sections_and_nothing_invented(
    seeded_store, settings_factory
):
    from assistant.reports.summarize import ReportSummary, SummaryOptions, summarize_report

    store, settings = seeded_store

    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    before, text = snapshot(store), store.report_text("dengkou-2021")
    garbage = "抱歉，我无法按要求输出。磴口县共办理案件99999件"
    with ScriptedHTTPServer((200, garbage)) as server:
        llm = OpenAIBackend(hosted(settings, server.base_url))
        summary = summarize_report(store, llm, settings_factory(), "dengkou-2021", options=SummaryOptions(depth=1))
        calls = len(server.requests)
        assert server.requests[0]["response_format"]["type"] == "json_schema"  # the server accepted it
    ReportSummary.model_validate_json(summary.model_dump_json())
    # Nothing from the model survives: sections hold only what the rules read off the text.
    assert all(p in text for s in summary.主要举措与成效 for p in s.要点 + s.制度与品牌)
    assert "总体概述" in summary.来源.failed_sections
    assert calls == 2 * (len(summary.来源.failed_sections))  # each call re-asked once, then given up
    assert "99999" not in summary.model_dump_json() and "抱歉" not in summary.model_dump_json()
    assert summary.元数据.地区 == "磴口县" and summary.总体概述 in text  # the report's own opening
    assert snapshot(store) == before and store.report_text("dengkou-2021") == text


def test_a_server_without_response_format_gets_the_schema_in_the_prompt(seeded_store):
    _, settings = seeded_store
    settings = settings.model_copy(update={"instant": False})  # exercise the model path
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    with ScriptedHTTPServer(
        (400, "response_format is not supported"), (400, "unknown field response_format"), (200, '{"city": "北京"}')
    ) as server:
        llm = OpenAIBackend(hosted(settings, server.base_url, max_retries=3))
        assert json.loads(llm.complete(MESSAGES, max_tokens=16, json_schema=schema).text) == {"city": "北京"}
        kinds = [r.get("response_format", {}).get("type") for r in server.requests]
        assert kinds == ["json_schema", "json_object", None]  # rejections are not retried
        assert '"required":["city"]' in server.requests[-1]["messages"][0]["content"]
        assert llm._schema_mode == "prompt"
        llm.complete(MESSAGES, max_tokens=16, json_schema=schema)  # remembered: no more probing
        assert len(server.requests) == 4 and "response_format" not in server.requests[-1]
