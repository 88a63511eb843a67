"""``--model hash``: the model-free hashing encoder, so the smoke run needs no model or torch.

Scores made with it say nothing about the real model; it only keeps the benchmark code running in CI.
"""

from __future__ import annotations

from typing import Any

from tests.fakes import HashingEncoder

HASH_MODEL = "hash"


def get_encoder(model: str | None) -> Any:
    """The hashing encoder for ``hash``, else the engine's encoder for ``model`` (None: the default)."""
    if model == HASH_MODEL:
        return HashingEncoder(model_id=HASH_MODEL)
    from qa.engine import load_encoder
    from qa.settings import Settings

    return load_encoder(model or Settings().model)
