"""Errors meant for users: each says what went wrong and how to fix it.

The CLI and UI print `str(error)` (message plus hint) without a traceback, so every
raise site should phrase the hint as an action ("run …", "set ASSISTANT_…").
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class; `hint` tells the user what to do next."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n提示 / hint: {self.hint}" if self.hint else self.message


class ConfigError(AssistantError):
    exit_code = 2


class IngestError(AssistantError):
    exit_code = 3


class StoreError(AssistantError):
    exit_code = 4


class BackendError(AssistantError):
    exit_code = 5


class ContextTooLong(BackendError):
    pass


class SchemaError(BackendError):
    """A model's structured output failed validation even after a re-ask."""

    def __init__(self, message: str, raw: str, attempts: int, hint: str | None = None):
        super().__init__(message, hint)
        self.raw = raw
        self.attempts = attempts
