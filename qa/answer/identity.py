"""Questions asking who a named person is (程策是谁？), answered with the post the text gives them.

The readers learnt "who" questions that ask for a name (阿里地区妇幼保健院副院长是谁 → 程策); asked
the other way round, they find the right sentence but mark the name itself, and their confidence
is low, so the answer was "not found". News text gives a person's post right before the name
(阿里地区妇幼保健院副院长程策告诉记者), so for a question that names only a person and asks who
they are, the sentence that gives that name a post is the quote and the post the exact words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.answer_types import POSTS
from qa.answer.reader import Reading
from qa.charsets import CJK_CLASS, SENTENCE_ENDS, has_cjk
from qa.index.pinyin_names import pinyin_key, syllables
from qa.textnorm import search_form

# How sure such an answer is: the name and its post are both in the text, which a wrong sentence
# almost never has; the readers' own confidence is not calibrated for these questions.
IDENTITY_CONFIDENCE = 0.8

_NAME = rf"[{CJK_CLASS}·]{{2,10}}?"
_ASKS = re.compile(
    rf"^(?:请问)?(?:(?P<name>{_NAME})(?:到底|究竟)?(?:是谁|是什么人|是何人|是哪位|是干什么的|是做什么的)"
    rf"|谁是(?P<other>{_NAME})"
    # 巴桑在日喀则担任什么职务: the post is the answer either way.
    rf"|(?P<holder>{_NAME})(?:在[^,，]{{1,12}}?)?(?:担任|任|是|的)(?:什么|何)(?:职务|职位|官职|职|身份)"
    rf"|(?P<owner>{_NAME})的(?:职务|职位|身份)是什么)[{SENTENCE_ENDS}.]*$"
)


def _english_name(group: str) -> str:
    """A name in an English question (capitalised words) as the regex group ``group``."""
    return rf"(?P<{group}>[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){{0,3}})"


# "Who is Cheng Ce?", "What post does Basang hold?", "What is Basang's position?": a name and
# nothing else the question asks about.
_ASKS_ENGLISH = re.compile(
    r"^(?i:(?:and )?who(?: is|'s| was)(?: mr\.?| ms\.?| mrs\.?| dr\.?)?) " + _english_name("name") + r" ?\??$"
    r"|^(?i:what (?:posts?|positions?|titles?|jobs?|office|roles?) (?:does|did) )" + _english_name("holder")
    + r"(?i: (?:hold|have|occupy))? ?\??$"
    r"|^(?i:what (?:is|was) )" + _english_name("owner") + r"(?i:'s (?:posts?|positions?|titles?|jobs?|roles?))\??$"
)
# What a person is, in a row of posts (援藏干部、阿里地区妇幼保健院副院长).
_ROLE = rf"(?:{POSTS}|干部|领队|专员|代表|成员|人才|教师|医生)"
# What ends a post's phrase on its left: punctuation other than 、 (which joins posts) and quotes
# (医疗人才“组团式”援藏工作领导小组组长).
_BREAK = re.compile(rf"[{SENTENCE_ENDS},，:：()（）]")


def asked_person(form: str) -> str | None:
    """The name a question (in search form) asks about when it asks only who that person is.

    Example:
        >>> asked_person("程策是谁?"), asked_person("谁是张延清"), asked_person("副院长是谁?")
        ('程策', '张延清', None)
        >>> asked_person("巴桑在日喀则担任什么职务?")
        '巴桑'
    """
    match = _ASKS.match(form.strip())
    if match is None:
        return None
    name = match["name"] or match["other"] or match["holder"] or match["owner"]
    # 副院长是谁 asks for the holder of a post, the readers' usual question, not about a name.
    return None if "的" in name or re.search(rf"{_ROLE}$", name) else name


def post_before(form: str, name: str) -> tuple[int, int] | None:
    """Offsets in ``form`` of the post given right before ``name`` (区党委副书记、自治区常务副主席),
    back to the last break; None when no occurrence of ``name`` follows a post.

    Example:
        >>> form = "河北省第十批援藏干部、阿里地区妇幼保健院副院长程策告诉记者。"
        >>> form[slice(*post_before(form, "程策"))]
        '河北省第十批援藏干部、阿里地区妇幼保健院副院长'
    """
    for match in re.finditer(re.escape(name), form):
        head = form[:match.start()].rstrip()
        if not re.search(rf"{_ROLE}$", head):
            continue
        breaks = [0] + [m.end() for m in _BREAK.finditer(head)]
        at = len(breaks) - 1
        # Posts run on over a comma (阿里地委副书记、行署常务副专员,河北省第十批援藏干部人才领队谢志强).
        while at > 0 and head[breaks[at] - 1] in ",，" and re.search(rf"{_ROLE}$", head[breaks[at - 1]:breaks[at] - 1]):
            at -= 1
        start = breaks[at]
        # Posts joined by 、 belong to the name, back to one that is not a post: 主席土旦次仁、市委常委巴桑.
        for joint in reversed([m.end() for m in re.finditer("、", head) if m.end() > start]):
            if not re.search(rf"{_ROLE}$", head[start:joint - 1]):
                start = joint
                break
        while start < len(head) and head[start].isspace():
            start += 1
        if len(head) - start >= 2:
            return start, len(head)
    return None


def asked_names(question: str, word_groups: Sequence[Sequence[str]] = ()) -> tuple[str, ...]:
    """The Chinese names a question asks who they are or what post they hold: the name of a Chinese
    question, or for "Who is Cheng Ce?" and "What post does Basang hold?" the index words the
    lexical bridge found (``word_groups``) whose pinyin spells the name."""
    if has_cjk(question):
        name = asked_person(search_form(question))
        return () if name is None else (name,)
    match = _ASKS_ENGLISH.match(question.strip())
    if match is None:
        return ()
    name = pinyin_key(match["name"] or match["holder"] or match["owner"])
    return tuple(w for group in word_groups for w in group if pinyin_key("".join(syllables(w))) == name)


def identity_search(question: str) -> str | None:
    """"Who is Basang?" for an English question asking what post Basang holds, else None.

    Its other words bridge to noise ("post" → 提出, "hold" → 举办, 把握) that can outrank the
    passage naming the person; asked who the person is, the search finds that passage.

    Example:
        >>> identity_search("What posts does Deng Xiaogang hold?"), identity_search("Who is Basang?")
        ('Who is Deng Xiaogang?', None)
    """
    match = _ASKS_ENGLISH.match(question.strip())
    name = None if match is None else match["holder"] or match["owner"]
    return None if name is None else f"Who is {name}?"


def described_person(reading: Reading, names: Sequence[str]) -> tuple[int, tuple[int, int]] | None:
    """The candidate sentence giving one of ``names`` a post, first passage first, and the post's
    offsets in ``chunk.text``; None when none does."""
    if not names:
        return None
    items = reading.candidates.items
    order = {h.chunk.id: n for n, h in enumerate(reading.hits)}
    ranked = sorted(range(len(items)), key=lambda i: (order.get(items[i].chunk.id, len(order)),
                                                      -float(reading.scores.logits[i])))
    for i in ranked:
        c = items[i]
        if len(c.form) != c.end - c.start:  # offsets in the search form would not be the text's
            continue
        for name in names:
            found = post_before(c.form, name)
            if found is not None:
                return i, (c.start + found[0], c.start + found[1])
    return None
