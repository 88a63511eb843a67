"""Rendering of chat replies and the pure parts of the UI: no browser, no Gradio, no model."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest

from qa.errors import QuestionError
from qa.interface.chat_render import (
    NOT_FOUND,
    escape_text,
    highlight_in_context,
    is_traditional,
    render_answer,
    render_passages,
    render_user_message,
)
from qa.interface.examples import example_questions
from qa.interface.ui import respond
from qa.types import Answer, Chunk, Hit, Quote

EVIL = "正文<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1)) **粗** `code` $$x$$"
OUR_TAGS = {"mark", "b", "small", "i", "p", "br", "details", "summary"}


def _chunk(text: str, *, doc: str = "d", ordinal: int = 0, title: str | None = "標題") -> Chunk:
    return Chunk(f"{doc}#{ordinal}", doc, ordinal, text, title, 0, len(text), date="2023-07-27T09:34:00",
                 source="西藏日報")


def _answer(question: str, chunk: Chunk, start: int, end: int, others: list[Chunk] = (),
            notice: str | None = None) -> Answer:
    quote = Quote(chunk.text[start:end], chunk, 0.81, start, end)
    hits = [Hit(chunk, 0.033, 1, 0.82, 11.5)] + [Hit(c, 0.02, i, 0.6, 3.0) for i, c in enumerate(others, 2)]
    return Answer(question, True, quote, hits, notice)


def _tags(markup: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z][\w-]*)", markup)}


def test_escape_text_is_inert_in_html_and_markdown() -> None:
    out = escape_text(EVIL)
    assert html.unescape(out) == EVIL
    for ch in "<>[]()*`$:":
        assert ch not in out
    assert "\n" not in escape_text("a\n\nb")


def test_escape_text_folds_space_and_keeps_chinese() -> None:
    assert escape_text("  河北省\n\n投入  ") == "河北省 投入"
    assert escape_text(" a ", strip=False) == " a "


def test_highlight_marks_exactly_the_quote() -> None:
    text = "前文。河北省投入援藏資金1950萬元。後文。"
    start = text.index("河北")
    end = text.index("後文")
    out = highlight_in_context(text, start, end)
    assert html.unescape(re.search(r"<mark>(.*)</mark>", out).group(1)) == text[start:end]
    assert html.unescape(re.sub(r"</?mark>", "", out)) == text


def test_highlight_clips_long_context() -> None:
    text = "甲" * 500 + "答案。" + "乙" * 500
    out = highlight_in_context(text, 500, 503, context=50)
    assert out.startswith("…") and out.endswith("…")
    assert out.count("甲") == 50 and out.count("乙") == 50


def test_found_reply_has_quote_citation_and_other_passages() -> None:
    chunk = _chunk("近年來，河北省已先後投入援藏資金1950萬元。用於醫院。", ordinal=4)
    other = _chunk("另一段。", doc="e", ordinal=1, title="其他")
    start = chunk.text.index("河北")
    reply = render_answer(_answer("河北投入多少？", chunk, start, chunk.text.index("用於"), [other]))
    assert reply.startswith("> ")
    assert "<mark>河北省已先後投入援藏資金1950萬元。</mark>" in reply
    assert "<b>[1]</b> 標題 · 2023&#45;07&#45;27 · 西藏日報 · ¶5" in reply
    assert "<details>" in reply and "Other passages &#40;1&#41;" in reply
    assert "<b>[2]</b> 其他" in reply and "confidence 0.81" in reply and "score 0.0200" in reply
    assert "\n\n" not in reply[reply.index("<details>"):], "a blank line would end the HTML block"


def test_scores_hidden_on_request() -> None:
    chunk = _chunk("河北省投入援藏資金1950萬元。")
    reply = render_answer(_answer("q", chunk, 0, len(chunk.text), [_chunk("別的。", doc="e")]),
                          show_scores=False)
    assert "score" not in reply and "confidence" not in reply


def test_not_found_reply_says_so_and_offers_passages() -> None:
    hit = Hit(_chunk("不太相關的段落。"), 0.01, 1, 0.3, 0.5)
    reply = render_answer(Answer("月球上有什麼？", False, None, [hit]))
    assert reply.startswith(NOT_FOUND)
    assert "Possibly related passages" in reply and "不太相關的段落" in reply and "<details open>" in reply
    assert render_answer(Answer("q", False, None, [])) == NOT_FOUND


def test_notice_is_shown_escaped() -> None:
    chunk = _chunk("答案。")
    reply = render_answer(_answer("q", chunk, 0, 3, notice="The question was <long>"))
    assert "Note: The question was &#60;long&#62;" in reply


@pytest.mark.parametrize(("question", "wanted"),
                         [("河北投入了多少资金？", True), ("河北投入了多少資金？", False)])
def test_simplified_conversion_only_for_simplified_questions(question: str, wanted: bool) -> None:
    chunk = _chunk("河北省已先後投入援藏資金1950萬元。")
    reply = render_answer(_answer(question, chunk, 0, len(chunk.text)), show_simplified=True)
    assert ("河北省已先后投入援藏资金1950万元" in reply) is wanted
    plain = render_answer(_answer(question, chunk, 0, len(chunk.text)), show_simplified=False)
    assert "河北省已先后投入援藏资金1950万元" not in plain


def test_is_traditional() -> None:
    assert is_traditional("資金") and not is_traditional("资金") and not is_traditional("abc")


def test_document_markup_never_becomes_live() -> None:
    evil = _chunk(EVIL, title="<b onmouseover=alert(1)>標題</b>[t](javascript:x)")
    other = _chunk(EVIL, doc="e")
    for answer in (_answer("q", evil, 2, 10, [other]), Answer("q", False, None, [Hit(evil, 0.1, 1)])):
        reply = render_answer(answer)
        assert _tags(reply) <= OUR_TAGS
        assert "javascript:" not in reply and "](" not in reply and "onerror=" not in reply
    assert render_passages([], first_number=1, summary="x", show_scores=True) == ""


def test_user_message_is_escaped() -> None:
    assert render_user_message("<script>x</script>") == "&#60;script&#62;x&#60;&#47;script&#62;"


class _Engine:
    """Stand-in engine: records calls, answers or raises as told."""

    def __init__(self, result: object) -> None:
        self.result = result
        self.reloads = 0
        self.ks: list[int] = []

    def reload_if_changed(self) -> bool:
        self.reloads += 1
        return False

    def ask(self, question: str, *, k: int = 5, history: list | None = None) -> Answer:
        self.ks.append(k)
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def test_respond_reloads_and_clamps_k() -> None:
    chunk = _chunk("答案。")
    engine = _Engine(_answer("q", chunk, 0, 3))
    assert "<mark>答案。</mark>" in respond(engine, "q", [], 99, True, False)
    respond(engine, "q", None, 0)
    assert engine.reloads == 2 and engine.ks == [10, 1]


def test_respond_asks_to_rephrase_on_question_error() -> None:
    reply = respond(_Engine(QuestionError("no words")), "？？？", [], 5, True, False)
    assert "rephrase" in reply and "Traceback" not in reply


def test_respond_hides_internal_errors(caplog: pytest.LogCaptureFixture) -> None:
    reply = respond(_Engine(RuntimeError("secret /path/detail")), "q", [], 5, True, False)
    assert "secret" not in reply and "went wrong" in reply
    assert "secret /path/detail" in caplog.text


def test_respond_survives_a_failing_reload() -> None:
    engine = _Engine(_answer("q", _chunk("答案。"), 0, 3))
    engine.reload_if_changed = lambda: (_ for _ in ()).throw(OSError("swap in progress"))  # type: ignore[method-assign]
    assert "<mark>" in respond(engine, "q")


def test_example_questions_come_from_the_corpus() -> None:
    chunks = [
        _chunk("近年來，河北省已先後投入援藏資金1950萬元，用於醫院。", doc="a",
               title="冀阿情深——河北援藏工作紀實"),
        _chunk("2023年7月27日發布。", doc="b", ordinal=0, title="山东援疆创新人才保障模式"),
        _chunk("其中10個項目已竣工。", doc="b", ordinal=1, title="山东援疆创新人才保障模式"),
    ]
    questions = example_questions(chunks)
    assert questions[0] == "河北省已先後投入援藏資金多少萬元？"
    assert "「河北援藏工作紀實」的主要內容是什麼？" in questions
    assert "「山东援疆创新人才保障模式」的主要内容是什么？" in questions
    assert not any("其中" in q for q in questions), "clauses leaning on context make poor questions"
    assert example_questions([]) == []
    assert len(example_questions(chunks, limit=2)) == 2


def test_importing_the_ui_module_does_not_import_gradio() -> None:
    code = "import sys, qa, qa.interface.ui, qa.interface.chat_render; sys.exit('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
