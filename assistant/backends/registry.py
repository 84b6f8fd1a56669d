"""get_backend: the configured backend, looked up by name in a plain dict."""

from __future__ import annotations

from collections.abc import Callable

from assistant.backends.base import LLM
from assistant.core.config import Settings
from assistant.core.errors import ConfigError


def _llama(settings: Settings) -> LLM:
    from assistant.backends.llama import LlamaBackend
    from assistant.backends.packaged import resolve_model_path

    return LlamaBackend(
        str(resolve_model_path(settings)),
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        seed=settings.seed,
        prompt_lookup=settings.prompt_lookup,
    )


def _openai(settings: Settings) -> LLM:
    from assistant.backends.hosted import OpenAIBackend

    return OpenAIBackend(settings)


BACKENDS: dict[str, Callable[[Settings], LLM]] = {"llama": _llama, "openai": _openai}


def get_backend(settings: Settings) -> LLM:
    if settings.backend not in BACKENDS:
        raise ConfigError(f"未知后端 / unknown backend {settings.backend!r}", f"可选 / valid: {', '.join(BACKENDS)}")
    return BACKENDS[settings.backend](settings)
