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
    render_answer,
    render_passages,
    render_user_message,
    source_href,
)
from qa.interface.examples import example_questions
from qa.interface.ui import respond
from qa.textnorm import is_traditional
from qa.types import Answer, Chunk, Hit, Quote

EVIL = "正文<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1)) **粗** `code` $$x$$"
OUR_TAGS = {"mark", "b", "small", "i", "p", "br", "details", "summary", "a", "span"}


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
    assert "<b>[2]</b> 其他" in reply
    # Confidence in words, its number on hover only; no raw scores by default.
    assert escape_text("Confidence: high") in reply and f'title="{escape_text("confidence 0.81 of 1")}' in reply
    assert "0.0200" not in reply and "cosine" not in reply
    # The file name links to the source view of the quoted span.
    assert '<a class="qa-source" href="#qa-src=d%234&s=4&e=23"' in reply
    details = reply[reply.index("<details>"):reply.index("</details>")]
    assert "\n\n" not in details, "a blank line would end the HTML block"


def test_scores_shown_on_request_are_explained() -> None:
    chunk = _chunk("河北省投入援藏資金1950萬元。")
    reply = render_answer(_answer("q", chunk, 0, len(chunk.text), [_chunk("別的。", doc="e")]), show_scores=True)
    assert escape_text("Confidence: high (0.81)") in reply
    assert escape_text("rank score 0.0200 (fused ranking)") in reply and escape_text("cosine 0.600") in reply


@pytest.mark.parametrize(("score", "word"), [(0.95, "高"), (0.8, "高"), (0.6, "中"), (0.2, "低")])
def test_confidence_words_in_chinese(score: float, word: str) -> None:
    chunk = _chunk("答案。")
    answer = Answer("q", True, Quote("答案。", chunk, score, 0, 3), [Hit(chunk, 0.03, 1)])
    assert f"置信度：{word}" in render_answer(answer, lang="zh-Hans")


def test_plain_reply_is_quote_and_citation() -> None:
    from qa.interface.chat_render import plain_reply

    chunk = Chunk("d#1", "d", 1, "前文。答案在此。", None, 0, 8, path="corpus/9f3a.txt")
    answer = Answer("q", True, Quote("答案在此。", chunk, 0.9, 3, 8), [Hit(chunk, 0.03, 1)])
    assert plain_reply(answer, titles={"d": "第一句"}) == "「答案在此。」\n— 第一句 · ¶2 · 9f3a.txt"
    reply = render_answer(answer, titles={"d": "第一句"})
    assert '<span class="qa-plain">「答案在此。」<br>— 第一句 · ¶2 · 9f3a&#46;txt</span>' in reply


def test_scores_hidden_on_request() -> None:
    chunk = _chunk("河北省投入援藏資金1950萬元。")
    reply = render_answer(_answer("q", chunk, 0, len(chunk.text), [_chunk("別的。", doc="e")]),
                          show_scores=False)
    assert "score" not in reply and "0.81" not in reply


def test_not_found_reply_says_so_and_offers_passages() -> None:
    hit = Hit(_chunk("不太相關的段落。"), 0.01, 1, 0.3, 0.5)
    reply = render_answer(Answer("月球上有什麼？", False, None, [hit]))
    # The plain statement leads; the passages follow collapsed, labelled as not an answer.
    assert reply.startswith(f'<p class="qa-not-found"><b>{NOT_FOUND}</b>')
    assert escape_text("Possibly related passages, not an answer (1)") in reply and "不太相關的段落" in reply
    assert "<details>" in reply and "<details open>" not in reply
    assert "<details>" not in render_answer(Answer("q", False, None, []))


def test_notice_is_shown_escaped() -> None:
    chunk = _chunk("答案。")
    reply = render_answer(_answer("q", chunk, 0, 3, notice="The question was <long>"))
    assert escape_text("Note: The question was <long>") in reply


@pytest.mark.parametrize(("question", "wanted"),
                         [("河北投入了多少资金？", True), ("河北投入了多少資金？", False)])
def test_simplified_conversion_only_for_simplified_questions(question: str, wanted: bool) -> None:
    chunk = _chunk("河北省已先後投入援藏資金1950萬元。")
    reply = render_answer(_answer(question, chunk, 0, len(chunk.text)), show_simplified=True)
    assert ("河北省已先后投入援藏资金1950万元" in reply) is wanted
    plain = render_answer(_answer(question, chunk, 0, len(chunk.text)), show_simplified=False)
    assert "河北省已先后投入援藏资金1950万元" not in plain


@pytest.mark.parametrize(("quote", "script", "converted"), [
    ("河北省已先後投入援藏資金。", "simplified", "河北省已先后投入援藏资金。"),
    ("河北省已先后投入援藏资金。", "traditional", "河北省已先後投入援藏資金。"),
    ("河北省已先後投入援藏資金。", "traditional", None),  # already Traditional: nothing to add
    ("河北省已先后投入援藏资金。", "simplified", None),
    ("河北省已先後投入援藏資金。", "original", None),
])
def test_script_conversion_works_both_ways(quote: str, script: str, converted: str | None) -> None:
    chunk = _chunk(quote)
    reply = render_answer(_answer("q", chunk, 0, len(chunk.text)), script=script)
    blockquotes = [line for line in reply.splitlines() if line.startswith("> ")]
    if converted is None:
        assert len(blockquotes) == 1
    else:
        assert blockquotes[-1] == f"> {escape_text(converted)}"


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
    assert "did not search" in reply and "Traceback" not in reply
    reply = respond(_Engine(QuestionError("x", reason="markup_only")), "<b></b>", lang="zh-Hans")
    assert "没有检索" in reply and "标记或代码" in reply


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
    assert questions == ["河北省已先後投入援藏資金多少萬元？"]  # no title templates
    assert not any("其中" in q for q in questions), "clauses leaning on context make poor questions"
    assert example_questions([]) == []


def test_examples_are_checked_by_asking() -> None:
    from qa.interface.examples import checked_examples

    chunks = [_chunk("近年來，河北省已先後投入援藏資金1950萬元，用於醫院。", doc="a"),
              _chunk("全年共接待遊客300萬人次，增長明顯。", doc="b")]
    asked: list[str] = []

    def ask(question: str) -> Answer:
        asked.append(question)
        chunk = chunks[0] if "援藏" in question else chunks[1]
        # The first is answered confidently and rightly; the second with low confidence.
        score = 0.9 if "援藏" in question else 0.4
        return Answer(question, True, Quote(chunk.text, chunk, score, 0, len(chunk.text)), [])

    assert checked_examples(chunks, ask) == ["河北省已先後投入援藏資金多少萬元？"]
    assert len(asked) == 2
    assert checked_examples(chunks, ask, max_asked=1) == ["河北省已先後投入援藏資金多少萬元？"] and len(asked) == 3
    wrong = lambda q: Answer(q, True, Quote("別的句子。", chunks[1], 0.95, 0, 5), [])  # noqa: E731
    assert checked_examples(chunks, wrong) == [], "a confident quote without the number is not an example"


def test_importing_the_ui_module_does_not_import_gradio() -> None:
    code = "import sys, qa, qa.interface.ui, qa.interface.chat_render; sys.exit('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_source_view_shows_the_whole_document_with_the_quote_marked() -> None:
    from qa.interface.source_view import parse_source_href, render_source
    from qa.types import Document

    text = "第一段。\n第二段有答案，就在這裡。\n第三段。"
    doc = Document("9f3a", None, text, path="corpus/9f3a.txt")
    starts = [0, 5, 18]
    chunks = [Chunk(f"9f3a#{i}", "9f3a", i, text[s:s + len(p)], None, s, s + len(p), path="corpus/9f3a.txt")
              for i, (s, p) in enumerate(zip(starts, text.split("\n"), strict=True))]
    quote_start = chunks[1].text.index("就在")
    request = parse_source_href(source_href(chunks[1], quote_start, len(chunks[1].text)))
    html_ = render_source(doc, chunks, request, lang="zh-Hant")
    assert "<h3>第一段。</h3>" in html_, "an untitled document is named by its first line, not its file name"
    assert "9f3a&#46;txt" in html_ and "關閉" in html_
    cited = '<p id="qa-p2" class="qa-cited"><span class="qa-pn">¶2</span> 第二段有答案，<mark>就在這裡。</mark></p>'
    assert cited in html_
    assert html_.count("<mark>") == 1 and "¶1" in html_ and "¶3" in html_


def test_display_title_never_uses_the_file_name() -> None:
    from qa.interface.titles import display_title
    from qa.types import Document

    assert display_title(Document("9f3a", None, "會議綜述\n正文。")) == "會議綜述"
    long_first = "本網拉薩8月9日訊，區黨委副書記主持召開自治區人民政府專題會議，研究部署援藏工作。其後。"
    assert display_title(Document("9f3a", None, long_first)).endswith("…")
    assert "9f3a" not in display_title(Document("9f3a", None, long_first))
    assert display_title(Document("9f3a", "標題", "正文。")) == "標題"
