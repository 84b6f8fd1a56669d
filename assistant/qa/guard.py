"""Streaming that shows only verified text.

`StreamGuard` buffers the model's tokens and releases a sentence to the `Listener` only
once every number in it is grounded in a source and supported by a sentence about the
question; the first sentence that fails blocks the rest. If the answer ladder then replaces
the text, `withdraw` calls the listener's `reset`, so the reader never keeps a claim that
failed verification.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.qa.verify import ungrounded_numbers, unsupported_numbers

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_TRAILING_MARKERS = re.compile(r"\s*(\[\d{1,2}\])+")


class Listener:
    """Receives verified text as it streams; `reset` withdraws what was shown."""

    def __init__(self, emit: Callable[[str], None] | None = None, reset: Callable[[], None] | None = None):
        self.emit = emit or (lambda s: None)
        self.reset = reset or (lambda: None)


class StreamGuard:
    """Passes through whole sentences whose numbers are grounded and supported."""

    def __init__(self, sources: list[str], terms: list[str], exempt: set[str], listener: Listener):
        self.sources, self.terms, self.exempt, self.listener = sources, terms, exempt, listener
        self.buffer, self.shown, self.blocked = "", "", False

    def feed(self, piece: str) -> None:
        if self.blocked:
            return
        self.buffer += piece
        while m := _SENTENCE_END.search(self.buffer):
            sentence, self.buffer = self.buffer[: m.end()], self.buffer[m.end() :]
            # A citation marker right after the full stop belongs to this sentence.
            if c := _TRAILING_MARKERS.match(self.buffer):
                sentence, self.buffer = sentence + c.group(0), self.buffer[c.end() :]
            if ungrounded_numbers(sentence, self.sources, self.exempt) or unsupported_numbers(
                sentence, self.sources, self.terms, self.exempt
            ):
                self.blocked = True
                return
            self.shown += sentence
            self.listener.emit(sentence)

    def flush(self) -> None:
        self.feed("\n")

    def withdraw(self) -> None:
        if self.shown:
            self.listener.reset()
        self.shown = ""
