"""Parts of a question: words with their part of speech, its subject, and words that point back.

Follow-up questions are recognised by form, not by a language model: a pronoun in the place
of a subject (它/他/她/其/该/此/这/那 …), an ellipsis (那…呢, "what about …") or a question
too short to name anything. jieba's part-of-speech tagger (~1 ms for a question; its HMM
keeps unknown names such as 邓小刚 whole) finds the nouns; everything works on the search form, so Traditional and
Simplified questions read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.english_subject import english_organisation, english_subject
from qa.charsets import SENTENCE_ENDS, has_cjk
from qa.index.lexical_tokens import tagged_words
from qa.textnorm import search_form

# Pronouns that stand for a whole noun phrase: replaced by the earlier subject.
PERSONAL = frozenset("它 它们 他 他们 她 她们 其".split())
# Demonstratives: 这/那/该/此 alone or fused with a measure word or noun (该院, 这个, 此次).
DEMONSTRATIVE_HEADS = ("这", "那", "该", "此", "其")
# Words opening with those characters that do not point back at an earlier subject.
NOT_REFERRING = frozenset(
    "这样 那样 这么 那么 如此 因此 此外 其他 其它 其余 其实 那末 这种 那种 此时 其次 尤其 极其 与其 "
    "这里 那里 这儿 那儿 此地 此处 那时 那天 当地".split()
)
# Time words after 这些/那些/这几 make a time phrase (这些年 = in recent years), not a reference.
_TIME_AFTER = ("年", "天", "月", "日", "时", "次")
# Part-of-speech flags (jieba/ICTCLAS) of words that can name a subject.
NOUN_FLAGS = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "ng", "j", "l", "eng", "vn")
# Words that ask: an ellipsis "X呢" holding one is a question of its own (国学书院在哪里呢).
ASKING = re.compile(r"谁|什么|哪|多少|几|怎|如何|吗|为何|何时|是否|what|who|where|when|how|which|why")
_ENDS = re.escape(SENTENCE_ENDS)
_PUNCT = re.compile(rf"[\s{_ENDS}.,，、:：\"'“”‘’「」『』()（）]+")
_TRAILING = re.compile(rf"[\s{_ENDS}.,，:：]+$")


@dataclass(frozen=True)
class Word:
    """A word of a question in search form, where it sits, and its part of speech."""

    text: str
    start: int
    flag: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def is_noun(self) -> bool:
        return self.flag in NOUN_FLAGS or (self.flag == "x" and self.text.isalnum())


def words(text: str) -> list[Word]:
    """The words of ``text`` (already in search form) with offsets and part-of-speech flags.

    Example:
        >>> [w.text for w in words("国学公园占地多少亩")]
        ['国学', '公园', '占地', '多少', '亩']
    """
    out, offset = [], 0
    for word, flag in tagged_words(text):
        out.append(Word(word, offset, flag))
        offset += len(word)
    return out


def warm_up() -> None:
    """Load jieba's part-of-speech table now (a few seconds, once) rather than on the first follow-up."""
    words("国学公园")


def bare(text: str) -> str:
    """``text`` without spaces or punctuation (how long a question really is)."""
    return _PUNCT.sub("", text)


def strip_end(text: str) -> str:
    """``text`` without trailing punctuation and spaces."""
    return _TRAILING.sub("", text.strip())


def referring_at(ws: list[Word], i: int) -> int:
    """How many words from ``ws[i]`` on form a phrase pointing back (0 when none).

    ``它`` → 1; ``该院`` → 1; ``这 所 学校`` → 3 (demonstrative, measure word, noun).
    """
    w = ws[i]
    if w.text in PERSONAL:
        return 1
    if not w.text.startswith(DEMONSTRATIVE_HEADS) or w.text in NOT_REFERRING:
        return 0
    if w.flag not in ("r", "rz", "rr", "c", "d", "q") and len(w.text) > 1 and w.text[0] != "该":
        return 0  # 那曲 (a place) and similar nouns that start with the same character
    nxt = ws[i + 1] if i + 1 < len(ws) else None
    if w.text in ("这些", "那些", "这几", "那几") and nxt is not None and nxt.text.startswith(_TIME_AFTER):
        return 0
    span = 1
    if nxt is not None and (nxt.flag in ("q", "m") or nxt.text in ("所", "位", "个", "家", "批", "项")):
        span += 1
        after = ws[i + 2] if i + 2 < len(ws) else None
        if after is not None and after.is_noun:
            span += 1
    elif len(w.text) == 1 and nxt is not None and nxt.is_noun and w.text != "其":
        span += 1  # 该会议, 这学校
    return span


def first_reference(ws: list[Word]) -> tuple[int, int] | None:
    """``(index, length)`` in words of the first phrase that points back, or None.

    A pronoun after a noun of the question itself points at that noun, not at an earlier
    turn (援疆干部说他们…), so only pronouns before any such noun count.
    """
    for i, w in enumerate(ws):
        n = referring_at(ws, i)
        if n:
            return i, n
        if w.is_noun and len(w.text.strip()) >= 2:
            return None
    return None


def subject_of(text: str) -> str | None:
    """The subject a question is about, as written in ``text``: its leading noun phrase.

    Falls back to the longest run of nouns anywhere (``谁主持日喀则会议`` → ``日喀则会议``).
    ``text`` may be in either script; the answer is cut from it as written.

    Example:
        >>> subject_of("國學公園占地多少畝？")
        '國學公園'
    """
    if not has_cjk(text):
        return english_subject(text)
    form = search_form(text)
    ws = words(form)
    runs = _noun_runs(ws, form)
    if not runs:
        return None
    lead = next((r for r in runs if r[0] == _first_content(ws)), None)
    a, b = lead or max(runs, key=lambda r: ws[r[1] - 1].end - ws[r[0]].start)
    cut = slice(ws[a].start, ws[b - 1].end)
    # Cut from the text as written when search form kept the length (t2s usually does).
    return (text[cut] if len(text) == len(form) else form[cut]).strip() or None


def _noun_runs(ws: list[Word], form: str) -> list[tuple[int, int]]:
    """Word ranges of the noun phrases of a question's words ``ws`` (of ``form``), two characters or more."""
    runs: list[tuple[int, int]] = []
    start = None
    padded = ws + [Word("", len(form), "x")]
    for j, w in enumerate(padded):
        # A numeral, attribute or adjective before a noun belongs to the phrase (第四中学, 副主席).
        inner = w.flag in ("m", "b", "a") and padded[j + 1].is_noun and not ASKING.search(w.text)
        nounish = (w.is_noun or inner) and bool(w.text.strip()) and w.text not in PERSONAL
        if nounish and start is None:
            start = j
        elif not nounish and start is not None:
            runs.append((start, j))
            start = None
    # "X的Y" is one phrase when both sides are nouns (塔孜洪乡中心卫生院的中医科医生).
    joined: list[tuple[int, int]] = []
    for a, b in runs:
        if joined and joined[-1][1] + 1 == a and ws[a - 1].text == "的":
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return [(a, b) for a, b in joined if sum(len(w.text) for w in ws[a:b]) >= 2]


# Last characters of words for an organisation that has posts (卫生院, 第四中学, 组织部, 政协).
_ORGANISATION_ENDS = "院校学心委局厅部处所站馆司团府会队组社厂协"
# Last characters of words for people (教师, 队员, 干部, 人才, 专家, 患者).
PEOPLE_ENDS = "师生员者部家士工人才众民童友"


def _last_phrase_ending(text: str, ends: str) -> str | None:
    """The last noun phrase of a Chinese question whose last word ends with one of ``ends``, as
    written in ``text``, without leading one-character words (援/疆教师: jieba's cut of 援疆教师);
    None without one."""
    form = search_form(text)
    ws = words(form)
    for a, b in reversed(_noun_runs(ws, form)):
        while b - a > 1 and len(ws[a].text.strip()) < 2:
            a += 1
        if ws[b - 1].text.strip()[-1:] in ends:
            cut = slice(ws[a].start, ws[b - 1].end)
            return (text[cut] if len(text) == len(form) else form[cut]).strip() or None
    return None


def organisation_of(text: str) -> str | None:
    """The last noun phrase of a question that names an organisation, as written in ``text``; None
    without one. "它的院长" after a question naming 河北 and 阿里地区妇幼保健院 means the hospital.

    Example:
        >>> organisation_of("河北向阿里地区妇幼保健院投入了多少援藏资金？")
        '阿里地区妇幼保健院'
        >>> organisation_of("How much has Hebei invested in the Ngari hospital?")
        'Ngari hospital'
        >>> organisation_of("国学公园占地多少亩？") is None
        True
    """
    return english_organisation(text) if not has_cjk(text) else _last_phrase_ending(text, _ORGANISATION_ENDS)


def people_of(text: str) -> str | None:
    """The last noun phrase of a Chinese question that names people, as written in ``text``; None
    without one (or for English). 他们 after 有多少名组团式援藏教师 means the teachers.

    Example:
        >>> people_of("有多少名組團式援藏教師？"), people_of("山东选派了多少名援疆教师？")
        ('教師', '教师')
        >>> people_of("国学公园占地多少亩？") is None
        True
    """
    return _last_phrase_ending(text, PEOPLE_ENDS) if has_cjk(text) else None


def _first_content(ws: list[Word]) -> int:
    """Index of the first word that is not a filler opening the question (请问, 那么)."""
    for j, w in enumerate(ws):
        if w.text.strip() and w.text not in ("请问", "那么", "那", "还有", "另外", "and", "so"):
            return j
    return 0


def narrow_subject(subject: str, head: str) -> str:
    """The part of ``subject`` that ``head`` (院 in 该院) names: 塔孜洪乡中心卫生院院长 → 塔孜洪乡中心卫生院.

    Cut after the first word that ends with ``head``'s last character, else with one of its other
    characters (学校 names 第四中学: 麦盖提县第四中学的校长 → 麦盖提县第四中学); a word that only
    holds one inside (校长) names something else. ``subject`` itself when no word fits.
    """
    form = search_form(subject)
    if not head or len(form) != len(subject):
        return subject
    ws = words(form)
    for mark in reversed(search_form(head)):
        for w in ws:
            if w.text.endswith(mark):
                return subject[:w.end]
    return subject


def own_nouns(text: str, *, skip: tuple[int, int] | None = None) -> list[str]:
    """Nouns of two or more characters in ``text`` (search form), outside the word span ``skip``."""
    ws = words(text)
    lo, hi = (skip[0], skip[0] + skip[1]) if skip else (0, 0)
    return [w.text for j, w in enumerate(ws) if not lo <= j < hi and w.is_noun and len(w.text.strip()) >= 2]
