"""Backends: the real llama.cpp with the packaged 0.5B model, and error translation."""

import pytest

from assistant.backends.hosted import OpenAIBackend
from assistant.backends.llama import LlamaBackend
from assistant.backends.packaged import resolve_model_path
from assistant.backends.registry import get_backend
from assistant.core.errors import BackendError, ConfigError, ContextTooLong

MESSAGES = [{"role": "system", "content": "只用一个词回答。"}, {"role": "user", "content": "中国的首都是哪里？"}]


@pytest.fixture(scope="module")
def llama(settings_for_models):
    return LlamaBackend(str(resolve_model_path(settings_for_models)), n_ctx=1024, seed=7)


@pytest.fixture(scope="module")
def settings_for_models(tmp_path_factory):
    from assistant.core.config import Settings
    from tests.conftest import DEFAULT_CACHE_DIR

    return Settings(data_dir=tmp_path_factory.mktemp("llm"), cache_dir=DEFAULT_CACHE_DIR, model="qwen2.5-coder-0.5b")


@pytest.mark.model
def test_local_generation_is_deterministic_at_temperature_zero(llama):
    a = llama.complete(MESSAGES, max_tokens=8, temperature=0.0, seed=7)
    b = llama.complete(MESSAGES, max_tokens=8, temperature=0.0, seed=7)
    assert a.text == b.text and "北京" in a.text


@pytest.mark.model
def test_prompt_tokens_are_counted_with_the_models_own_tokenizer(llama):
    completion = llama.complete(MESSAGES, max_tokens=4)
    assert completion.prompt_tokens == llama.count_tokens(llama.render(MESSAGES))
    assert completion.completion_tokens >= 1
    assert completion.prefill_ms > 0 and completion.generate_ms >= 0


@pytest.mark.model
def test_streamed_pieces_add_up_to_the_completion(llama):
    pieces = []
    completion = llama.complete(MESSAGES, max_tokens=8, on_token=pieces.append)
    assert "".join(pieces) == completion.text


@pytest.mark.model
def test_a_prompt_longer_than_the_context_raises_context_too_long(llama):
    long = [{"role": "user", "content": "法治政府建设" * 400}]
    with pytest.raises(ContextTooLong, match="n_ctx"):
        llama.complete(long, max_tokens=16)


@pytest.mark.model
def test_json_schema_constrains_local_output(llama):
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    completion = llama.complete(
        [{"role": "user", "content": "用JSON回答：中国的首都？"}], max_tokens=24, json_schema=schema
    )
    import json

    assert "city" in json.loads(completion.text)


def test_an_unknown_backend_lists_the_valid_ones(settings_for_models):
    settings = settings_for_models.model_copy(update={"backend": "nope"})
    with pytest.raises(ConfigError, match="llama, openai"):
        get_backend(settings)


def test_the_hosted_backend_needs_a_base_url(settings_for_models):
    with pytest.raises(ConfigError, match="ASSISTANT_OPENAI_BASE_URL"):
        OpenAIBackend(settings_for_models.model_copy(update={"backend": "openai", "openai_base_url": None}))


def test_an_unreachable_hosted_server_gives_a_readable_error(settings_for_models):
    settings = settings_for_models.model_copy(
        update={
            "backend": "openai",
            "openai_base_url": "http://127.0.0.1:9/v1",
            "request_timeout": 2.0,
            "max_retries": 0,
        }
    )
    backend = OpenAIBackend(settings)
    with pytest.raises(BackendError, match="127.0.0.1:9"):
        backend.complete(MESSAGES, max_tokens=4)


def test_a_missing_model_file_is_a_config_error_naming_the_path(settings_for_models, tmp_path):
    with pytest.raises(ConfigError, match="missing.gguf"):
        resolve_model_path(settings_for_models.model_copy(update={"model": str(tmp_path / "missing.gguf")}))
