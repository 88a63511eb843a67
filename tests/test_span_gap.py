"""The slot's gap as an exact-answer candidate: found in Simplified and Traditional text, trimmed to
whole words, offsets into ``chunk.text`` inside the quoted sentence."""

from __future__ import annotations

import pytest

from qa.answer.answer_types import AnswerType
from qa.answer.answering import answer_from
from qa.answer.slots import Gap, slot_gap, span_slot
from qa.answer.spans import MAX_WORDS, SPAN_FEATURES, span_candidates
from qa.index.lexical_tokens import question_terms
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Chunk, Hit, Retrieval

_EXACT = SPAN_FEATURES.index("gap_exact")


def _gap_text(question: str, sentence: str) -> tuple[str, int] | None:
    form = search_form(sentence)
    gap = slot_gap(span_slot(search_form(question)), form)
    return None if gap is None else (form[gap.start:gap.end], gap.sides)


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    ("日喀则会议强调要提高什么站位？", "一要提高政治站位。", ("政治", 2)),
    ("日喀則會議強調要提高什麼站位？", "一要提高政治站位。", ("政治", 2)),  # Traditional question
    ("李忠臣擁立誰稱帝？", "783年，李忠臣擁立朱泚稱帝。", ("朱泚", 2)),  # Traditional both
    ("凡爾賽宮內最著名的大廳為哪一個?", "宮內最著名的大廳為鏡廳，西臨花園。", ("为镜厅", 1)),  # left only: to the comma
    ("谁出席了会议？", "会上，自治区副主席德吉出席了会议。", ("自治区副主席德吉", 1)),  # right only: from the comma
    ("谁出席了会议？", "会议于上午召开。", None),  # context not found
    ("请介绍一下这个公园", "公园很大。", None),  # no asking word
])
def test_slot_gap(question: str, sentence: str, expected: tuple[str, int] | None) -> None:
    assert _gap_text(question, sentence) == expected


def test_the_shortest_gap_between_repeated_contexts_wins() -> None:
    form = search_form("要提高工作效率和群众满意度，要提高政治站位。")
    gap = slot_gap(span_slot(search_form("要提高什么站位？")), form)
    assert gap == Gap(form.index("政治"), form.index("政治") + 2, 2)


def test_a_gap_longer_than_the_word_runs_is_a_candidate_trimmed_of_filler() -> None:
    sentence = search_form("本次会议决定由国家发展和改革委员会地区经济司副司长负责此事。")
    cands = span_candidates(sentence, search_form("本次会议决定由谁负责此事？"), frozenset({"会议", "负责"}),
                            AnswerType.PERSON)
    marked = [s for s, row in zip(cands.spans, cands.features, strict=True) if row[_EXACT] == 1.0]
    assert [sentence[s.start:s.end] for s in marked] == ["国家发展和改革委员会地区经济司副司长"]
    assert len(sentence[marked[0].start:marked[0].end]) > MAX_WORDS  # more words than a plain run may hold


def test_a_span_may_hold_book_title_marks_inside_but_not_at_its_edges() -> None:
    sentence = search_form("他签署了《1965年移民及国籍法案》改革移民体系。")
    question = search_form("他签署了哪一个法案？")
    cands = span_candidates(sentence, question, frozenset({"签署", "法案"}), AnswerType.OTHER)
    texts = {sentence[s.start:s.end] for s in cands.spans}
    assert "1965年移民及国籍法案" in texts
    assert not any(t[0] in "《》" or t[-1] in "《》" for t in texts)


@pytest.mark.parametrize("text", [
    "日喀則市召開會議。會議強調，一要提高政治站位，二要壓實工作責任。",  # Traditional
    "日喀则市召开会议。会议强调，一要提高政治站位，二要压实工作责任。",  # Simplified
])
def test_exact_words_fill_the_slot_with_offsets_into_the_chunk(text: str) -> None:
    chunk = Chunk("d#0", "d", 0, text, "會議", 0, len(text))
    question = "日喀則會議強調要提高什麼站位？"
    retrieval = Retrieval(question, [Hit(chunk, 1.0, 1, 0.86, 3.0)], None, None,
                          {t: 1.0 + len(t) for t in question_terms(question)})
    answer = answer_from(retrieval, encoder=None, settings=Settings(answer_threshold=0.0))
    quote = answer.quote
    assert quote is not None and quote.exact == "政治"
    assert text[quote.exact_start:quote.exact_end] == quote.exact
    assert quote.start <= quote.exact_start < quote.exact_end <= quote.end
