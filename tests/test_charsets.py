"""The character rules live in :mod:`qa.charsets`, and every module that uses them agrees."""

from __future__ import annotations

import re

import pytest

from qa import charsets
from qa.answer.features import sentence_spans
from qa.answer.quoting import extend_backwards
from qa.charsets import CJK, CLOSERS, LEANING_OPENERS, SENTENCE_ENDS, has_cjk, is_cjk, leans_back
from qa.ingest.chunking import is_heading
from qa.interface.examples import _count_question
from qa.textnorm import in_script_of, split_sentences, traditional_share, trim_span
from qa.types import Chunk
from tests.conftest import REPO


def test_no_module_writes_its_own_cjk_range_or_sentence_ends() -> None:
    own_rules = re.compile(r"\\u4e00|\\u3400|\\uf900|[。！？][！？；!?;]{2,}")
    offenders = [str(p.relative_to(REPO)) for p in sorted((REPO / "qa").rglob("*.py"))
                 if p.name != "charsets.py" and own_rules.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("code", [0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xF929, 0xFAFF])
def test_cjk_ranges_include_extension_a_and_compatibility_ideographs(code: int) -> None:
    assert is_cjk(chr(code)) and has_cjk(f"abc{chr(code)}") and CJK.match(chr(code))


@pytest.mark.parametrize("code", [0x33FF, 0x4DC0, 0xA000, 0xF8FF, 0xFB00, ord("a"), ord("。")])
def test_outside_the_ranges_is_not_cjk(code: int) -> None:
    assert not is_cjk(chr(code)) and not has_cjk(chr(code)) and not CJK.match(chr(code))


def test_ingestion_uses_the_one_cjk_rule() -> None:
    from qa.ingest import cleaning, decoding, metadata, mojibake, noise

    assert decoding.CJK is mojibake.CJK is noise.CJK is charsets.CJK
    assert noise.SENTENCE_END is cleaning.SENTENCE_END is metadata.SENTENCE_END is charsets.SENTENCE_END


@pytest.mark.parametrize("end", list(SENTENCE_ENDS))
def test_every_sentence_end_splits_sentences_and_ends_headings(end: str) -> None:
    assert split_sentences(f"第一句{end}第二句") == [(0, 4), (4, 7)]
    assert not is_heading(f"短句{end}", 24)
    for closer in CLOSERS:
        assert split_sentences(f"他說「好{end}{closer}然後") == [(0, 6), (6, 8)]
        assert not is_heading(f"短句{end}{closer}", 24)
    assert is_heading("短句", 24)


def test_sentence_spans_are_trimmed_like_trim_span() -> None:
    text = "  第一句。  第二句！ \n第三句"
    for start, end in split_sentences(text):
        assert trim_span(text, start, end) == (start, end)
    assert trim_span(" \t ", 0, 3) == (3, 3)


@pytest.mark.parametrize("opener", LEANING_OPENERS)
def test_leaning_openers_extend_quotes_and_are_not_example_questions(opener: str) -> None:
    assert leans_back(f"「{opener}說的")
    text = f"河北投入援藏資金。{opener}共計1950萬元。"
    chunk = Chunk(id="a#0", doc_id="a", ordinal=0, text=text, title=None, start=0, end=len(text))
    (_, _), (second, end) = sentence_spans(text)
    assert extend_backwards(chunk, second, end, short=80) == 0
    assert _count_question(f"{opener}河北省已投入援藏資金1950萬元") is None


def test_a_sentence_that_stands_alone_is_quoted_alone() -> None:
    text = "河北投入援藏資金。援藏資金共計1950萬元。"
    chunk = Chunk(id="a#0", doc_id="a", ordinal=0, text=text, title=None, start=0, end=len(text))
    assert extend_backwards(chunk, 9, len(text), short=80) == 9
    assert _count_question("河北省已投入援藏資金1950萬元") == "河北省已投入援藏資金多少萬元？"


@pytest.mark.parametrize(("text", "model", "want"), [
    ("援藏资金是多少", "河北省投入援藏資金1950萬元。", "援藏資金是多少"),  # Simplified question, Traditional text
    ("援藏資金是多少", "河北省投入援藏资金1950万元。", "援藏资金是多少"),  # and the other way round
    ("援藏資金是多少", "河北省投入援藏資金1950萬元。", "援藏資金是多少"),  # same script: as typed
    ("How much aid money?", "河北省投入援藏資金。", "How much aid money?"),
    ("援藏资金是多少", "1950 yuan", "援藏资金是多少"),  # nothing Chinese to follow: Simplified
])
def test_a_question_is_put_in_the_script_of_the_text(text: str, model: str, want: str) -> None:
    assert in_script_of(text, model) == want


def test_traditional_share_counts_only_chinese_characters() -> None:
    assert traditional_share("資訊abc123") == traditional_share("資訊") == 1.0
    assert traditional_share("資金") == 0.5  # 金 is written the same in both
    assert traditional_share("资金") == traditional_share("abc") == 0.0
