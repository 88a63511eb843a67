"""The ``onnx-int8`` encoder backend agrees with float32 PyTorch and has its own fingerprint."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest


@pytest.mark.slow
def test_onnx_int8_matches_torch(tmp_path: Path) -> None:
    from embeddings.sentence_encoder import SentenceTransformerEncoder
    from tests.fakes import shipped_minilm_path

    folder = str(shipped_minilm_path())
    torch_enc = SentenceTransformerEncoder.load(folder)
    onnx_enc = SentenceTransformerEncoder.load(folder, cache_dir=tmp_path, backend="onnx-int8")
    texts = ["The Yangtze is about 6,300 km long.", "A bridge over the river opened in 2015.", "Who wrote it?"]
    a, b = torch_enc.encode_passages(texts), onnx_enc.encode_passages(texts)
    assert b.shape == a.shape and b.dtype == np.float32
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(a * b, axis=1))) > 0.9  # int8 weights: close to float32 (e5-small: >= 0.98 on CMRC2018)
    assert onnx_enc.fingerprint != torch_enc.fingerprint
    assert onnx_enc.encode_queries([]).shape == (0, torch_enc.dim)


@pytest.mark.slow
def test_model_the_backend_cannot_reproduce_runs_on_torch(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    from embeddings.sentence_encoder import SentenceTransformerEncoder
    from tests.fakes import shipped_minilm_path

    word = Transformer(str(shipped_minilm_path()))
    cls_model = SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), pooling_mode="cls")])
    folder = tmp_path / "cls-model"
    cls_model.save(str(folder))
    with caplog.at_level(logging.WARNING, logger="embeddings.sentence_encoder"):
        enc = SentenceTransformerEncoder.load(str(folder), cache_dir=tmp_path, backend="onnx-int8")
    assert "running it with PyTorch instead" in caplog.text and "cls" in caplog.text
    torch_enc = SentenceTransformerEncoder.load(str(folder), backend="torch")
    assert enc.fingerprint == torch_enc.fingerprint  # an index built either way opens the other way
    assert not (tmp_path / "onnx").exists()


def test_unknown_backend_is_refused_before_loading() -> None:
    from embeddings.errors import ModelLoadError
    from embeddings.sentence_encoder import SentenceTransformerEncoder

    with pytest.raises(ModelLoadError, match="'tensorrt' is not allowed; use one of"):
        SentenceTransformerEncoder.load("/nonexistent/model", backend="tensorrt")
