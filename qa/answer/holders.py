"""Questions asking who holds a post (塔孜洪乡中心卫生院院长是谁？), answered with the name the text
gives right after that post.

News text names a person after their post (塔孜洪乡中心卫生院院长许多良告诉记者); the readers, weighing
the question's words, can prefer a sentence that repeats the post and the place but names nobody
(该院无论是院长、业务副院长,还是主要科室主任,均由援疆人才担任). For a question that asks for the
holder of a post, the sentence where that post is followed by a name is the quote and the name
the exact words. English questions ("Who is the principal of ...?") name the post in English:
:data:`ENGLISH_POSTS` gives the Chinese posts each English title stands for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answer.answer_types import tag_words
from qa.answer.reader import Reading
from qa.charsets import CJK_CLASS, SENTENCE_ENDS, has_cjk
from qa.textnorm import search_form

# How sure such an answer is when the passage also names the question's organisation: a post
# followed by a name there is what the question asks for; the readers' confidence is not
# calibrated for sentences they did not prefer.
HOLDER_CONFIDENCE = 0.8
# Share of the organisation's character pairs (or of an English question's bridged words) the
# passage must hold for the name to count as that organisation's.
MIN_COVERAGE = 0.5

# Posts a question may ask the holder of (search form, Simplified).
_POSTS = (r"书记|部长|主席|主任|常委|委员|局长|市长|县长|省长|区长|院长|校长|队长|组长|总理|记者|教授|经理|董事长|"
          r"厅长|处长|科长|所长|团长|会长|社长|总裁|主编|医生|大夫|老师|教师|通讯员|乡长|镇长|村长|站长|馆长|总监|领队|负责人|"
          r"秘书长|总经理|理事长|首席执行官")
_ASKS = re.compile(
    rf"^(?:请问)?(?P<org>.*?)(?P<deputy>副)?(?P<post>{_POSTS})"
    r"(?:是谁|是哪位|是哪一位|是何人|叫什么名字|叫什么|叫啥|的名字是什么|的姓名是什么|名叫什么|由谁担任)[?？。.]*$"
    rf"|^(?:请问)?谁是(?P<org2>.*?)(?P<deputy2>副)?(?P<post2>{_POSTS})[?？。.]*$"
)
# English titles and the Chinese posts they stand for; "vice"/"deputy" asks for 副.
_HEAD = "院长|局长|部长|校长|主任|组长|队长|所长|站长|馆长|社长|团长|会长|处长|科长|厅长|负责人"
ENGLISH_POSTS: dict[str, str] = {
    "head": _HEAD, "director": _HEAD, "chief": _HEAD,
    "principal": "校长", "headmaster": "校长", "headteacher": "校长",
    "president": "院长|校长|主席|会长|总裁", "dean": "院长",
    "chairman": "主席|董事长|会长", "chairwoman": "主席|董事长|会长", "chair": "主席|董事长|会长",
    "party secretary": "书记", "secretary": "书记", "party chief": "书记", "party branch secretary": "书记",
    "team leader": "队长|领队|组长", "group leader": "组长", "leader": "组长|队长|领队|团长",
    "captain": "队长", "mayor": "市长", "governor": "省长", "minister": "部长",
    "doctor": "医生|大夫", "teacher": "老师|教师", "reporter": "记者", "correspondent": "通讯员|记者",
    "editor": "主编|编辑", "manager": "经理|总经理",
}
_TITLES = "|".join(sorted(map(re.escape, ENGLISH_POSTS), key=len, reverse=True))
_ASKS_ENGLISH = re.compile(
    rf"^(?i:(?:and |so )?(?:who|what is the name of) (?:is |was |are |were )?(?:the |its |their )?"
    rf"(?P<deputy>(?:executive )?(?:vice|deputy)[ -])?(?P<title>{_TITLES})"
    rf"(?: (?:of|at|in|for) (?P<org>.+?))?)\s*\??$"
    # "Who is Ngari hospital's vice president?" (a follow-up's "its" filled in).
    rf"|^(?i:(?:and |so )?who (?:is|was) (?:the )?(?P<owner>[\w .-]+?)['’]s "
    rf"(?P<deputy2>(?:executive )?(?:vice|deputy)[ -])?(?P<title2>{_TITLES}))\s*\??$"
)
# What follows a name that follows its post: a break or a verb of reporting or attending.
# Names are matched shortest first, so 温娜介绍 gives 温娜, 许多良告诉 许多良; Tibetan names
# often have four characters (主席土旦次仁、).
_AFTER_NAME = (rf"(?=[,，、:：()（）\s“”]|[{SENTENCE_ENDS}]|$|出席|主持|表示|指出|说|告诉|称|认为|介绍|强调|参加|讲话|"
               r"等|和|与|在|正在|带领|率|一行|同志|先生|女士|是|也|就|对|向|为|曾|还|坦言|透露|回忆|感慨)")
_NAME = rf"(?P<name>[{CJK_CLASS}]{{2,5}}?·[{CJK_CLASS}]{{2,5}}?|[{CJK_CLASS}]{{2,4}}?){_AFTER_NAME}"
# jieba tags of a word that cannot start a name (采访时 after 记者 is what the reporter did).
_NOT_NAME_TAGS = frozenset({"v", "vn", "vd", "d", "p", "c", "u", "r", "f", "t", "q"})
# Characters that start no name but a phrase (院长在会上说); 于, 曾 and 向 are surnames too.
_NOT_NAME_STARTS = frozenset("在对为是与将把被从也都就还又已正说等的了着要")
_HAN_PAIR = re.compile(f"[{CJK_CLASS}]{{2}}")
# Posts joined by 、 before the name (日喀则市委书记、…领导小组组长张延清).
_MORE_POSTS = rf"(?:、[^,，、{SENTENCE_ENDS}]{{1,40}}?(?:{_POSTS}))*"


@dataclass(frozen=True)
class AskedPost:
    """The post a question asks the holder of.

    Attributes:
        posts: The Chinese posts, as a regular-expression alternation (院长|校长).
        deputy: True when the question asks for the deputy (副院长).
        org: The organisation the question names (search form; empty when it names none, or
            when the question is in English).
    """

    posts: str
    deputy: bool
    org: str


@dataclass(frozen=True)
class Holder:
    """The candidate sentence naming the holder, the name's offsets in ``chunk.text``, and
    whether the passage names the question's organisation."""

    best: int
    name: tuple[int, int]
    named_org: bool


def asked_post(question: str) -> AskedPost | None:
    """The post ``question`` asks the holder of, or None.

    Example:
        >>> asked_post("塔孜洪乡中心卫生院的院长是谁？")
        AskedPost(posts='院长', deputy=False, org='塔孜洪乡中心卫生院')
        >>> asked_post("Who is the vice president of the Ngari hospital?").posts
        '院长|校长|主席|会长|总裁'
        >>> asked_post("程策是谁？") is None
        True
    """
    if has_cjk(question):
        match = _ASKS.match(search_form(question).strip())
        if match is None:
            return None
        org = (match["org"] if match["post"] else match["org2"]) or ""
        return AskedPost(match["post"] or match["post2"], bool(match["deputy"] or match["deputy2"]),
                         org.removesuffix("的"))
    match = _ASKS_ENGLISH.match(question.strip())
    if match is None:
        return None
    title = match["title"] or match["title2"]
    return AskedPost(ENGLISH_POSTS[title.lower()], bool(match["deputy"] or match["deputy2"]), "")


def holder_at(form: str, asked: AskedPost) -> tuple[int, int] | None:
    """Offsets in ``form`` (a sentence's search form) of the first name following the asked post
    (副 before it exactly when asked for the deputy), else None.

    Example:
        >>> form = "山东援疆干部、塔孜洪乡中心卫生院院长许多良告诉记者"
        >>> form[slice(*holder_at(form, AskedPost("院长", False, "")))]
        '许多良'
    """
    deputy = "副" if asked.deputy else "(?<!副)"
    # 为/是 join post and name in encyclopaedic text (现任校长为王某).
    pattern = rf"{deputy}(?:{asked.posts}){_MORE_POSTS}(?:为|是)?\s?{_NAME}"
    for match in re.finditer(pattern, form):
        if _is_name(form, match.start("name"), match["name"]):
            return match.span("name")
    return None


def _is_name(form: str, start: int, name: str) -> bool:
    """False when ``name`` (at ``start`` in ``form``) is a phrase or posts, not a person's name."""
    if name[0] in _NOT_NAME_STARTS or re.fullmatch(rf"(?:{_POSTS})+", name):
        return False
    first = next((w for w in tag_words(form) if w.start <= start < w.end), None)
    # A one-character word may be a surname whatever jieba tags it (张 is tagged a measure word).
    return first is None or first.start != start or len(first.word) < 2 or first.tag not in _NOT_NAME_TAGS


def post_missing(asked: AskedPost | None, sentence: str) -> bool:
    """True when a question asking who holds a post is answered by a sentence (search form) that
    does not name that post: it cannot say who holds it. All 21 such questions of CMRC2018 trial
    and dev and DRCD dev are answered by a sentence naming the post.

    Example:
        >>> post_missing(asked_post("Who is the mayor of Lhasa?"), "区党委副书记邓小刚主持会议。")
        True
        >>> post_missing(asked_post("日喀则市委书记是谁"), "日喀则市委书记张延清主持会议。")
        False
    """
    return asked is not None and re.search(asked.posts, sentence) is None


def _coverage(asked: AskedPost, passage: str, word_groups: Sequence[Sequence[str]]) -> float:
    """Share of the organisation's character pairs (an English question: of its bridged words)
    found in ``passage`` (search form)."""
    if asked.org:
        pairs = {asked.org[i:i + 2] for i in range(len(asked.org) - 1)}
        pairs = {p for p in pairs if _HAN_PAIR.fullmatch(p)}
        return sum(p in passage for p in pairs) / len(pairs) if pairs else 1.0
    groups = [g for g in word_groups if g]
    if not groups:  # no question word became a Chinese word: nothing says the passage is about it
        return 0.0
    return sum(any(w in passage for w in g) for g in groups) / len(groups)


def post_holder(reading: Reading, best: int, asked: AskedPost | None,
                word_groups: Sequence[Sequence[str]] = ()) -> Holder | None:
    """The candidate sentence naming the holder of the asked post: the chosen sentence ``best`` when
    it does, else the first such sentence in a passage naming the question's organisation (passages
    in the reader's order, sentences by the sentence model's logit); None when none does."""
    if asked is None or best < 0:
        return None
    items = reading.candidates.items
    order = {h.chunk.id: n for n, h in enumerate(reading.hits)}
    ranked = sorted(range(len(items)), key=lambda i: (i != best, order.get(items[i].chunk.id, len(order)),
                                                      -float(reading.scores.logits[i])))
    forms: dict[str, str] = {}
    for i in ranked:
        c = items[i]
        if len(c.form) != c.end - c.start:  # offsets in the search form would not be the text's
            continue
        found = holder_at(c.form, asked)
        if found is None:
            continue
        passage = forms.setdefault(c.chunk.id, search_form(c.chunk.text))
        if asked.org or word_groups:
            named = _coverage(asked, passage, word_groups) >= MIN_COVERAGE
        else:  # 院长是谁 names no organisation: the first passage's is the one meant
            named = order.get(c.chunk.id) == 0
        if named or i == best:
            return Holder(i, (c.start + found[0], c.start + found[1]), named)
    return None
