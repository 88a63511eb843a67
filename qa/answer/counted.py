"""Which number of a sentence answers an English how-many question.

An English question's sentence is chosen by cosines, and the span reader, trained on Chinese
questions, reads an English one poorly: asked "How many projects have been completed?" of
"规划安排的48个项目已全部启动，其中10个项目已竣工，38个正在加紧实施，完成投资2.68亿元" it marked
2.68亿元. The number that answers is the one the question's words surround: the Chinese words
the lexical bridge found for them (项目, 竣工) in the same clause, right before or after it. Its
exact words are the number with its measure word or unit (10个, 13次, 1950万元).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answer.answer_types import MONEY, NUMBER
from qa.charsets import SENTENCE_ENDS

# Characters a number's neighbourhood is read over before it and after its unit (within its
# clause): Chinese puts the verb and its modifiers before a count (最多接诊300人) and the counted
# noun right after it (10个项目).
REACH = 10
AFTER_REACH = 8
# A measure word or unit after a number, kept with it (12个, 5565人次, 3148平方米, 1950万元).
_UNIT = re.compile(r"(?:余|多)?(?:平方公里|平方米|公里|公顷|人次|小时|分钟|个月|周年|[万亿]?(?:美元|元)|[万亿]|"
                   r"[个名位次项家所座条对人批期场亩米岁天年倍层张台辆件种篇部本吨%])?")
# A date or a school grade, not a count: 7月, 13日, 2022年 (a count of years has at most three
# digits), 四年级.
_DATE = re.compile(r"[月日号]|(?<=[0-9]{4})年|年级")
# Quotation marks take room without words: 20名“组团式”援藏教师.
_QUOTES = re.compile(r"[“”‘’「」『』《》\"']")
_CLAUSE_BREAK = re.compile(rf"[{SENTENCE_ENDS},，:：]")


def counted_number(form: str, word_groups: Sequence[Sequence[str]], *, money: bool = False) -> tuple[int, int] | None:
    """Offsets in ``form`` (a sentence's search form) of the number that answers a how-many
    question whose content words became ``word_groups``, with its unit; None without a number
    that any of those words is near.

    Each number scores the groups with a word within :data:`REACH` characters before it or
    :data:`AFTER_REACH` after its unit, in its clause and not past a neighbouring number; ties go
    to the number with more of them before it (接诊1人到现在单日最多接诊300人: 300), then the
    earlier. Dates (7月, 2022年, 2021-2023) and numbers the question names itself never count;
    with ``money`` (the question asks how much money) only sums do.

    Example:
        >>> form = "规划安排的48个项目已全部启动,其中10个项目已竣工,38个正在加紧实施,完成投资2.68亿元。"
        >>> start, end = counted_number(form, [("项目",), ("竣工", "完成")])
        >>> form[start:end]
        '10个'
    """
    named = {w for group in word_groups for w in group}
    best: tuple[tuple[float, float], int, int] | None = None
    numbers = list(NUMBER.finditer(form))
    for n, match in enumerate(numbers):
        start, end = match.span()
        if form[end:end + 1] == "-" or form[start - 1:start] == "-":  # 2021-2023: a range of years
            continue
        if match.group() in named or _DATE.match(form, end):  # the question's own number, or a date
            continue
        stop = _UNIT.match(form, end).end()  # the unit may be empty
        if money and not MONEY.search(form[start:stop + 1]):
            continue
        # A number's neighbourhood ends where the next begins: 从原来一周接诊1人到现在单日最多接诊300人.
        low = max(start - REACH - 4, numbers[n - 1].end() if n else 0)
        high = numbers[n + 1].start() if n + 1 < len(numbers) else len(form)
        before = _CLAUSE_BREAK.split(_QUOTES.sub("", form[low:start])[-REACH:])[-1]
        after = _CLAUSE_BREAK.split(_QUOTES.sub("", form[stop:max(high, stop)])[:AFTER_REACH])[0]
        score = (_found(before + after, word_groups), _found(before, word_groups))
        if best is None or score > best[0]:
            best = (score, start, stop)
    # No question word near any number: nothing says which one is counted.
    return None if best is None or best[0][0] == 0 else (best[1], best[2])


def _found(text: str, word_groups: Sequence[Sequence[str]]) -> float:
    """How many of ``word_groups`` have a word in ``text``; a one-character word (单, 日), which
    turns up near almost any number, counts half."""
    return sum(max((1.0 if len(w) > 1 else 0.5 for w in group if w in text), default=0.0) for group in word_groups)
