"""The ``onnx-int8`` encoder backend agrees with float32 PyTorch and has its own fingerprint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


@pytest.mark.slow
def test_onnx_int8_matches_torch(tmp_path: Path) -> None:
    from embeddings.models import shipped_minilm_path
    from embeddings.sentence_encoder import SentenceTransformerEncoder

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
