"""Exact answer → quote → highlight: offsets stay in ``chunk.text`` whatever the script or cleaning."""

from __future__ import annotations

from qa.answer.quoting import quote_bounds
from qa.ingest.cleaning import normalize_text
from qa.interface.chat_render import highlight_in_context
from qa.types import Chunk


def _chunk(text: str) -> Chunk:
    return Chunk("d#0", "d", 0, text, None, 0, len(text))


def _marked(text: str, words: str) -> tuple[Chunk, int, int, str]:
    chunk = _chunk(text)
    start = text.index(words)
    end = start + len(words)
    bounds = quote_bounds(chunk, start, end, short=80)
    return chunk, start, end, highlight_in_context(text, bounds.start, bounds.end, exact=(start, end))


def test_traditional_text_quotes_the_sentence_and_bolds_the_words() -> None:
    text = "阿里地區婦幼保健院煥然一新。近年來，河北省已先後投入援藏資金1950萬元，用於住院樓裝修。醫院面貌一新。"
    chunk, start, end, html = _marked(text, "1950萬元")
    bounds = quote_bounds(chunk, start, end, short=80)
    assert chunk.text[bounds.start:bounds.end] == "近年來，河北省已先後投入援藏資金1950萬元，用於住院樓裝修。"
    assert "<mark>近年來，河北省已先後投入援藏資金<b>1950萬元</b>，用於住院樓裝修。</mark>" in html


def test_ruby_stripped_text_keeps_offsets_of_the_cleaned_text() -> None:
    text = normalize_text("區(qū)黨委副書(shū)記在會上講话。副書(shū)記名叫彭一浩(hào)，来自河北。")
    assert "(" not in text
    chunk, start, end, html = _marked(text, "彭一浩")
    assert chunk.text[start:end] == "彭一浩"
    bounds = quote_bounds(chunk, start, end, short=80)
    assert chunk.text[bounds.start:bounds.end] == "副書記名叫彭一浩，来自河北。"
    assert "<mark>副書記名叫<b>彭一浩</b>，来自河北。</mark>" in html


def test_span_across_a_sentence_end_quotes_both_sentences() -> None:
    text = "會議在拉薩召開。時間是八月九日。地點在會展中心。共有三百人參加。"
    chunk, start, end, html = _marked(text, "八月九日。地點")
    bounds = quote_bounds(chunk, start, end, short=80)
    assert chunk.text[bounds.start:bounds.end] == "時間是八月九日。地點在會展中心。"
    assert "<b>八月九日。地點</b>" in html


def test_leaning_sentence_keeps_its_short_lead_in() -> None:
    text = "工作隊組建了暢游阿里自駕聯盟平台。這個平台的微博點擊量已達到211萬。"
    chunk, start, end, _ = _marked(text, "211萬")
    assert quote_bounds(chunk, start, end, short=80).start == 0


def test_exact_outside_the_highlight_is_ignored() -> None:
    html = highlight_in_context("甲乙丙。丁戊己。", 0, 4, exact=(5, 7))
    assert "<b>" not in html and "<mark>甲乙丙。</mark>" in html


def test_chat_reply_marks_the_exact_words_inside_the_quote() -> None:
    from qa.interface.chat_render import render_answer
    from qa.types import Answer, Hit, Quote

    text = "近年來，河北省已先後投入援藏資金1950萬元，用於住院樓裝修。醫院面貌一新。"
    chunk = _chunk(text)
    start = text.index("1950萬元")
    quote = Quote(text[:text.index("。") + 1], chunk, 0.9, 0, text.index("。") + 1, "1950萬元", start, start + 6)
    reply = render_answer(Answer("河北投入了多少援藏资金？", True, quote, [Hit(chunk, 1.0, 1, 0.9, 1.0)]))
    assert "<mark>近年來，河北省已先後投入援藏資金<b>1950萬元</b>，用於住院樓裝修。</mark>" in reply
