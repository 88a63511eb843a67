"""What an earlier answer named, so that a follow-up's 它 or 这次会议 can point at it.

"山东援疆在英吉沙县建了什么书院？" is answered by a quote naming 国学书院; the next question
"它有多大？" asks about that 书院, not about 山东援疆. A question asking *which* thing
(什么/哪个/哪所/哪家 … followed by a noun, the head: 书院, 会议) is answered by a phrase of the
quote ending in that head: the word holding it and the nouns right before it (国学 书院,
自治区 人民政府 专题会议). No model: jieba's part-of-speech tags on the question and quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.answer_types import AnswerType, question_type
from qa.answer.identity import asked_names
from qa.answer.question_parts import PERSONAL, Word, first_reference, words
from qa.charsets import CJK_CLASS, has_cjk
from qa.index.pinyin_names import syllables
from qa.textnorm import search_form, to_simplified

# Asking words that ask which thing, when a noun follows them.
_WHICH = re.compile(r"^(?:什么|哪个|哪所|哪家|哪座|哪种|哪项|哪类|哪一个|何种)$")
# Pronouns that can stand for a thing an answer named (他/她 stand for people).
_THING = frozenset(("它", "它们", "其"))
# Nouns taken before the head word at most (自治区 人民政府 专题会议).
_MAX_BEFORE = 2


def asked_head(question: str) -> str | None:
    """The noun a question asks *which* of (书院 in 建了什么书院), or None when it asks no such thing.

    Example:
        >>> asked_head("山東援疆在英吉沙縣建了什麼書院？")
        '书院'
    """
    if not has_cjk(question):
        return None
    ws = words(search_form(question))
    for w, nxt in zip(ws, ws[1:], strict=False):
        if _WHICH.match(w.text) and nxt.is_noun and len(nxt.text) >= 2:
            return nxt.text
    return None


def answered_name(question: str, quote: str) -> str | None:
    """The phrase of ``quote`` that answers which thing ``question`` asked about, as written; None if none.

    Example:
        >>> answered_name("山東援疆在英吉沙縣建了什麼書院？", "在英吉沙縣，環境優美的國學書院，別有一番天地。")
        '國學書院'
    """
    head = asked_head(question)
    if head is None:
        return None
    form = search_form(quote)
    asked = search_form(question)
    ws = words(form)
    for i, w in enumerate(ws):
        if not w.text.endswith(head):
            continue
        first = i
        while first > 0 and i - first < _MAX_BEFORE and _modifier(ws[first - 1], asked):
            first -= 1
        if first == i and w.text == head:
            continue  # the bare head (书院) names nothing the question did not
        start, end = ws[first].start, w.end
        return quote[start:end] if len(quote) == len(form) else form[start:end]
    return None


def _modifier(w: Word, asked: str) -> bool:
    """A noun before the head that belongs to the answer's name (not a word the question already had)."""
    return w.is_noun and len(w.text) >= 2 and w.text not in asked


@dataclass(frozen=True)
class Pointed:
    """A follow-up with its pointing-back phrase replaced by what the earlier answer named.

    Attributes:
        text: The question so completed (谁出席了自治区人民政府专题会议).
        names_it: The phrase named the thing (这次会议 ↔ 专题会议), rather than only 它/其,
            which may as well mean the earlier question's subject.
    """

    text: str
    names_it: bool


def point_at_answer(asked: str, named: str | None) -> Pointed | None:
    """``asked`` with its pointing-back phrase replaced by ``named``, when the phrase fits it.

    It fits when it is 它/其, or when its noun shares the last character of ``named`` (这次会议 ↔
    专题会议, 该院 ↔ 书院); 他/她 (people) and phrases naming something else do not.

    Example:
        >>> point_at_answer("誰出席了這次會議？", "自治區人民政府專題會議")
        Pointed(text='誰出席了自治區人民政府專題會議？', names_it=True)
    """
    if not named or not has_cjk(asked):
        return None
    form = search_form(asked)
    ws = words(form)
    found = first_reference(ws)
    if found is None:
        return None
    i, n = found
    phrase = "".join(w.text for w in ws[i:i + n])
    if phrase in PERSONAL - _THING:
        return None
    if phrase not in _THING:
        if i + n < len(ws) and ws[i + n].is_noun:  # 这次 会议: the noun after the phrase names the thing
            phrase += ws[i + n].text
            n += 1
        if len(phrase) < 2 or not search_form(named).endswith(phrase[-1]):
            return None
    text = asked if len(form) == len(asked) else form
    return Pointed(text[:ws[i].start] + named + text[ws[i + n - 1].end:], phrase not in _THING)


_EN_PERSONAL = re.compile(r"\b(?:he|she|him|his|her)\b", re.IGNORECASE)
_NAME = re.compile(rf"[{CJK_CLASS}]{{2,4}}")


def answered_person(asked: str, earlier: str, exact: str | None) -> str | None:
    """The person 他/她 ("he", "her") in a follow-up stands for: the name an earlier who-question
    was answered with (``exact``), as written, or in pinyin for an English follow-up; None when
    the follow-up points at no person or the earlier turn named none.

    他是什么特长生 after 谁取得了自治区排名第一的成绩 (仁增江措) asks about 仁增江措, not about the
    earlier question's subject; so does "What is his position?" after "Who chaired the meeting?".
    A question that asked who a named person is (程策是谁) was answered with a post: its 他 is
    the name it asked about, the earlier subject.

    Example:
        >>> answered_person("What is his position?", "Who chaired the meeting?", "張延清")
        'Zhang Yanqing'
        >>> answered_person("他是什么特长生？", "谁取得了排名第一的成绩？", "仁增江措")
        '仁增江措'
        >>> answered_person("它在哪里？", "谁取得了排名第一的成绩？", "仁增江措") is None
        True
    """
    chinese = has_cjk(asked)
    points = (any(w.text in ("他", "她", "他们", "她们") for w in words(search_form(asked))) if chinese
              else bool(_EN_PERSONAL.search(asked)))
    if not points or not exact or not _NAME.fullmatch(exact):
        return None
    if question_type(search_form(earlier)) is not AnswerType.PERSON or asked_names(earlier):
        return None
    if chinese:
        return exact
    family, *given = syllables(to_simplified(exact))
    return f"{family.capitalize()} {''.join(given).capitalize()}"
