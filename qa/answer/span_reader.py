"""The neural span reader: which words of a window answer the question, and how sure.

A span head (start and end logits per token) on the project's multilingual-e5-small, its top
layers fine-tuned on Chinese reading comprehension (``python -m training.span_reader``; the
shipped weights are ``qa/answer/span_reader.safetensors``). It runs through ONNX Runtime with
int8 weights, exported once per machine by :mod:`qa.answer.span_export`, and reads a window
of one passage (:mod:`qa.answer.windows`), not whole passages, to keep ``ask`` fast.

The reading is scored SQuAD 2.0 style: the best span's ``score`` (start + end logits) against
the ``null`` score of the first token, where the model puts questions the window cannot answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.threads import cpu_session
from qa.answer.answer_types import NUMERAL_CHARS, as_who
from qa.answer.reader_weights import LinearModel
from qa.answer.windows import Window
from qa.textnorm import in_script_of

logger = logging.getLogger(__name__)

MODEL_FILE = "reader-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
# Longest answer the reader returns, in tokens (CMRC2018 answers: 95% within 14 tokens).
MAX_ANSWER_TOKENS = 24
# Questions longer than this (characters) are cut before tokenising: the window needs the room.
MAX_QUESTION_CHARS = 64
# Inputs of the confidence model that ships with the span reader (see qa.answer.answering).
SPAN_CONFIDENCE_FEATURES: tuple[str, ...] = ("sentence_logit", "span_margin", "span_score", "best_margin")
_EDGE = frozenset(" \t\n\u3000，。、；：！？,.;:!?（）()“”\"'‘’")
# Characters XLM-R glues onto an answer's edge ("1990年的", "日在", "的主裁判") that the answer
# almost never keeps: over the training articles' answers whose edge piece has two characters
# or more, the answer stops before a final 的 25 times and keeps it twice, before 在 5/0 and
# 起 6/0 times, and starts after a leading 的 14/0 times (``python -m training.span_edges``).
GLUED_END = frozenset("的在起")
GLUED_START = frozenset("的")
# Characters of numbers, and 半. 一 counts only in a piece of 一 alone: it is in many words (统一, 一些).
NUMERALS = (NUMERAL_CHARS - {"一"}) | {"半"}


@dataclass(frozen=True)
class SpanReading:
    """The reader's best span in a window and its evidence.

    Attributes:
        start: Start of the span in ``window.text`` (-1 when there is none).
        end: End of the span in ``window.text`` (exclusive).
        score: Start + end logits of the span.
        null: Start + end logits of "no answer".
    """

    start: int
    end: int
    score: float
    null: float

    @property
    def margin(self) -> float:
        """How far the span beats "no answer" (negative: the window probably does not answer)."""
        return self.score - self.null


def encode_pair(tokenizer: Any, question: str, context: str, *, max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of ``question`` + ``context`` (the context cut to fit ``max_tokens``) and, per token,
    its character offsets in ``context`` ((0, 0) for the question and special tokens)."""
    q = tokenizer.encode(question[:MAX_QUESTION_CHARS], add_special_tokens=False)
    c = tokenizer.encode(context, add_special_tokens=False)
    cls, sep = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    room = max(max_tokens - len(q.ids) - 4, 0)
    ids = [cls, *q.ids, sep, sep, *c.ids[:room], sep]
    offsets = [(0, 0)] * (len(q.ids) + 3) + list(c.offsets[:room]) + [(0, 0)]
    return np.asarray(ids, dtype=np.int64), np.asarray(offsets, dtype=np.int64).reshape(-1, 2)


def numeral_pieces(offsets: np.ndarray, text: str) -> np.ndarray:
    """Per token: True when its characters in ``text`` hold a number (see :data:`NUMERALS`)."""
    out = np.zeros(len(offsets), dtype=bool)
    for n, (a, b) in enumerate(offsets):
        piece = text[a:b].strip()
        out[n] = any(c in NUMERALS for c in piece) or (bool(piece) and set(piece) == {"一"})
    return out


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, offsets: np.ndarray, *,
              max_tokens: int = MAX_ANSWER_TOKENS, within: tuple[int, int] | None = None,
              end_by: int | None = None, holding: np.ndarray | None = None) -> tuple[int, int, float]:
    """Best (first token, last token, score) over context tokens with first <= last < first + max_tokens,
    starting at a token that starts inside the characters ``within`` when given (it may end after
    them: answers can cross a sentence end), ending by character ``end_by`` when given and taking
    in at least one token where ``holding`` is True when given; (-1, -1, -inf) when there is no such span."""
    inside = offsets[:, 1] > offsets[:, 0]
    starts = inside if within is None else inside & (offsets[:, 0] >= within[0]) & (offsets[:, 0] < within[1])
    ends = inside if end_by is None else inside & (offsets[:, 1] <= end_by)
    s = np.where(starts, start_logits, -np.inf)
    e = np.where(ends, end_logits, -np.inf)
    n = len(s)
    grid = s[:, None] + e[None, :]
    i, j = np.indices((n, n))
    grid[(j < i) | (j >= i + max_tokens)] = -np.inf
    if holding is not None:
        count = np.concatenate([[0], np.cumsum(holding)])
        grid[count[None, 1:] - count[:-1, None] <= 0] = -np.inf
    flat = int(np.argmax(grid))
    best = float(grid.flat[flat])
    if not np.isfinite(best):
        return -1, -1, float("-inf")
    return flat // n, flat % n, best


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without spaces and punctuation at either edge (XLM-R pieces carry a leading space)."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def unglue(text: str, start: int, end: int, first: tuple[int, int], last: tuple[int, int]) -> tuple[int, int]:
    """Drop a :data:`GLUED_START`/:data:`GLUED_END` character that only came with a longer edge piece
    (``first``/``last``: the span's first and last pieces' character offsets)."""
    if end - start > 1 and last[1] - last[0] > 1 and end == last[1] and text[end - 1] in GLUED_END:
        end -= 1
    if end - start > 1 and first[1] - first[0] > 1 and text[start] in GLUED_START and start < first[1] - 1:
        start += 1
    return start, end


def decode(start_logits: np.ndarray, end_logits: np.ndarray, offsets: np.ndarray, text: str, *,
           within: tuple[int, int] | None = None, end_by: int | None = None,
           holding: np.ndarray | None = None) -> SpanReading:
    """The reading of one window (or of spans starting ``within`` it) from the model's logits; with
    ``holding``, of the spans that take in such a token, when there is one."""
    null = float(start_logits[0] + end_logits[0])
    first, last, score = best_span(start_logits, end_logits, offsets, within=within, end_by=end_by, holding=holding)
    if first < 0 and holding is not None:
        first, last, score = best_span(start_logits, end_logits, offsets, within=within, end_by=end_by)
    if first < 0:
        return SpanReading(-1, -1, float("-inf"), null)
    start, end = trim(text, int(offsets[first][0]), int(offsets[last][1]))
    if last > first:  # a span of one piece is a word the model chose whole ("目的")
        start, end = unglue(text, start, end, tuple(offsets[first]), tuple(offsets[last]))
    if end <= start:
        return SpanReading(-1, -1, score, null)
    return SpanReading(start, end, score, null)


class SpanReader:
    """Runs the exported span reader on windows.

    Example:
        >>> reader = SpanReader.open(folder)                     # doctest: +SKIP
        >>> r = reader.read("援藏资金是多少", window)             # doctest: +SKIP
        >>> window.text[r.start:r.end], r.margin > 0              # doctest: +SKIP
        ('1950萬元', True)
    """

    def __init__(self, session: Any, tokenizer: Any, *, max_tokens: int,
                 confidence: LinearModel | None = None, fusion: float = 0.0,
                 crosslingual: LinearModel | None = None) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        # Combines the sentence model's confidence with the span's margin (SPAN_CONFIDENCE_FEATURES).
        self.confidence = confidence
        # Weight of the span's margin against the sentence model's logit when choosing the sentence.
        self.fusion = fusion
        # Confidence of answers to English questions (qa.answer.crosslingual_confidence.FEATURES).
        self.crosslingual = crosslingual

    @classmethod
    def open(cls, folder: Path, *, max_tokens: int, threads: int | None = None,
             confidence: LinearModel | None = None, fusion: float = 0.0,
             crosslingual: LinearModel | None = None) -> SpanReader:
        """Load the int8 reader and its tokenizer from ``folder`` (made by :mod:`qa.answer.span_export`)."""
        from tokenizers import Tokenizer

        # The reader's call ends an ask, so its spinning threads do not hold up the encoder's.
        session = cpu_session(folder / MODEL_FILE, threads, spin=True)
        return cls(session, Tokenizer.from_file(str(folder / TOKENIZER_FILE)),
                   max_tokens=max_tokens, confidence=confidence, fusion=fusion, crosslingual=crosslingual)

    def logits(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and end logits of one tokenised pair."""
        feed = {"input_ids": ids[None, :], "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
        start, end = self.session.run(None, feed)
        return start[0], end[0]

    def _window_logits(self, question: str, window: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Trained on same-script pairs only: the question is read in the window's script.
        ids, offsets = encode_pair(self.tokenizer, in_script_of(as_who(question), window.text), window.text,
                                   max_tokens=self.max_tokens)
        start, end = self.logits(ids)
        return start, end, offsets

    def read(self, question: str, window: Window) -> SpanReading:
        """The best span of ``window`` for ``question`` (offsets in ``window.text``)."""
        return decode(*self._window_logits(question, window), window.text)

    def read_pieces(self, question: str, window: Window, *, number: bool = False) -> list[SpanReading]:
        """The best span of the whole window, then per piece the best span starting in it (one model
        call); a span may run on into the pieces that follow it in the chunk, never past them.

        ``number``: the question asks how many or how much, so each piece's span is the best that
        holds a number when the piece has one (the reader alone marked 体长 for 体长可达多少公分).
        """
        start, end, offsets = self._window_logits(question, window)
        whole = decode(start, end, offsets, window.text)
        holding = numeral_pieces(offsets, window.text) if number else None
        return [whole, *(decode(start, end, offsets, window.text, within=(p.at, p.at + p.length),
                                end_by=window.run_end(n), holding=holding)
                         for n, p in enumerate(window.pieces))]
