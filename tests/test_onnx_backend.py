"""The ``onnx-int8`` encoder backend agrees with float32 PyTorch, has its own fingerprint, and
answers questions without importing PyTorch."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest


@pytest.mark.slow
def test_onnx_int8_matches_torch(tmp_path: Path) -> None:
    from embeddings.loading import load_encoder, onnx_folder
    from embeddings.onnx_encoder import OnnxEncoder
    from embeddings.sentence_encoder import SentenceTransformerEncoder
    from tests.fakes import shipped_minilm_path

    folder = str(shipped_minilm_path())
    torch_enc = SentenceTransformerEncoder.load(folder)
    onnx_enc = load_encoder(folder, cache_dir=tmp_path, backend="onnx-int8")
    assert isinstance(onnx_enc, OnnxEncoder)
    long_text = "The river runs on. " * 200  # far past the 256-token window: truncated alike
    texts = ["The Yangtze is about 6,300 km long.", "A bridge over the river opened in 2015.", "Who wrote it?",
             long_text]
    a, b = torch_enc.encode_passages(texts), onnx_enc.encode_passages(texts, batch_size=2)
    assert b.shape == a.shape and b.dtype == np.float32
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    # int8 weights: close to float32 on ordinary sentences (e5-small: >= 0.98 on CMRC2018)
    assert float(np.min(np.sum(a[:3] * b[:3], axis=1))) > 0.9
    assert onnx_enc.fingerprint != torch_enc.fingerprint
    assert onnx_enc.encode_queries([]).shape == (0, torch_enc.dim)
    assert [onnx_enc.token_count(t) for t in texts] == [torch_enc.token_count(t) for t in texts]
    # The exported tokenizer pads and truncates exactly as the model's own tokenizer does.
    hf = torch_enc.model.tokenizer(texts, padding=True, truncation=True, max_length=torch_enc.max_seq_length)
    ours = onnx_enc._tokenizer.encode_batch(texts)
    assert [e.ids for e in ours] == hf["input_ids"]
    assert [e.attention_mask for e in ours] == hf["attention_mask"]
    # Opened again: no PyTorch model is needed, and the vectors are the same.
    reopened = OnnxEncoder.open(onnx_folder(torch_enc.resolved, tmp_path), torch_enc.resolved)
    assert reopened is not None and reopened.fingerprint == onnx_enc.fingerprint
    np.testing.assert_allclose(reopened.encode_passages(texts, batch_size=2), b, atol=1e-6)


@pytest.mark.slow
def test_model_the_backend_cannot_reproduce_runs_on_torch(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    from embeddings.loading import load_encoder
    from embeddings.sentence_encoder import SentenceTransformerEncoder
    from tests.fakes import shipped_minilm_path

    word = Transformer(str(shipped_minilm_path()))
    cls_model = SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), pooling_mode="cls")])
    folder = tmp_path / "cls-model"
    cls_model.save(str(folder))
    with caplog.at_level(logging.WARNING, logger="embeddings.loading"):
        enc = load_encoder(str(folder), cache_dir=tmp_path, backend="onnx-int8")
    assert "running it with PyTorch instead" in caplog.text and "cls" in caplog.text
    torch_enc = SentenceTransformerEncoder.load(str(folder))
    assert enc.fingerprint == torch_enc.fingerprint  # an index built either way opens the other way
    assert not (tmp_path / "onnx").exists()


def test_unknown_backend_is_refused_before_loading() -> None:
    from embeddings.errors import ModelLoadError
    from embeddings.loading import load_encoder

    with pytest.raises(ModelLoadError, match="'tensorrt' is not allowed; use one of 'onnx-int8', 'torch'"):
        load_encoder("/nonexistent/model", backend="tensorrt")


_ASK_WITHOUT_TORCH = """
import sys
from qa import QA
answer = QA.open(sys.argv[1]).ask("河北投入了多少援藏资金？")
assert answer.found, answer
loaded = [m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules]
print("LOADED", loaded)
"""


@pytest.mark.slow
def test_query_path_on_the_default_backend_imports_no_torch(tmp_path: Path) -> None:
    import subprocess
    import sys

    from qa import QA, Document
    from tests.conftest import REPO

    text = "河北省已先后投入援藏資金1950萬元，用于阿里地區婦幼保健院建設。\n\n長江全長約6300公里。"
    QA.build_from_documents([Document(id="a", title="援藏", text=text)], tmp_path / "index")  # exports once
    done = subprocess.run([sys.executable, "-c", _ASK_WITHOUT_TORCH, str(tmp_path / "index")], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout
