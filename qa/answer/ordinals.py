"""Enumeration markers written one way: 第二点, 第二條, 二要, 二是, 其二, 其次 all become ``第二点``.

A question asks "鄧小剛要求的第二點是什麼？" of a text that enumerates "一要解放思想……二要简政放权……":
the words that pick the sentence (``第二``, ``点``) never occur in it, so the sentence that
repeats the question's other words (the first point) wins. Chinese enumerates in many forms
(一是…二是…, 一要…二要…, 其一/其二, 第一，…, 首先/其次/再次/最后, 二、…, （二）…); the lexical
evidence of the reader (:mod:`qa.answer.features`) compares the question and the sentences
after rewriting every such marker to one canonical form, ``第N点`` (最后 to ``最后一点``).

Only forms that enumerate are rewritten: 第N with a word that counts points (点/条/项/个/方面…),
and the bare markers (二要, 二是, 其二, 二、, 第二，…) only where a clause starts, so 第十批,
排名第一 and 一要素 stay as written. Works on the search form (Simplified, lower case), so
Traditional text reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_DIGITS = "一二三四五六七八九十"
_CN = rf"(?:十[一二三四五六七八九]?|[{_DIGITS[:-1]}])"
_NUMERAL = rf"(?:{_CN}|[1-9])"
# Words that count points of an enumeration (第二点, 第二條, 第二个方面, 第二项要求).
# A bare 个 only before the question's end (第二个呢): 第一个国学书院 counts a school, not a point.
_COUNTER = r"(?:个方面|方面|个要求|点|条|项|部分|步|个(?=[是呢吗,，?？。]|$))"
# Where a clause starts: the text's start or after punctuation or a space.
_CLAUSE = r"(?:^|(?<=[^\w]))"
_MARKERS = re.compile(
    rf"第(?P<counted>{_NUMERAL}){_COUNTER}"
    rf"|{_CLAUSE}(?:"
    rf"(?P<lead>{_CN})(?:要|是)(?![是要素])"
    rf"|其(?P<qi>{_CN})(?=[,，、:：;；是])"
    rf"|第(?P<bare>{_NUMERAL})(?=[,，、:：;；])"
    rf"|(?P<listed>{_CN})(?=、)"
    rf"|[(（](?P<paren>{_NUMERAL})[)）]"
    rf"|(?P<word>首先|其次|再次|最后)(?=[,，:：])"
    rf")"
)
_WORDS = {"首先": "一", "其次": "二", "再次": "三", "最后": "最后一"}
_DIGIT_NAMES = dict(zip("123456789", _DIGITS[:-1], strict=True))
_QUESTION_LAST = re.compile(rf"最后(?:一)?{_COUNTER}")


def _canonical(numeral: str) -> str:
    return f"第{_DIGIT_NAMES.get(numeral, numeral)}点"


def _replace(match: re.Match[str]) -> str:
    word = match["word"]
    if word:
        return f"第{_WORDS[word]}点" if word != "最后" else "最后一点"
    numeral = next(g for g in (match["counted"], match["lead"], match["qi"], match["bare"], match["listed"],
                               match["paren"]) if g)
    return _canonical(numeral)


def ordinal_form(form: str) -> str:
    """``form`` (a search form) with every enumeration marker written as ``第N点``.

    Example:
        >>> ordinal_form("邓小刚要求,一要解放思想")
        '邓小刚要求,第一点解放思想'
        >>> ordinal_form("邓小刚要求的第二条是什么")
        '邓小刚要求的第二点是什么'
    """
    form = _QUESTION_LAST.sub("最后一点", form)
    return _MARKERS.sub(_replace, form)


def ordinal_markers(form: str) -> frozenset[str]:
    """The enumeration markers a search form names, each as ``第N点``.

    Example:
        >>> sorted(ordinal_markers("邓小刚提出的第四点要求是什么"))
        ['第四点']
    """
    last = {"最后一点"} if _QUESTION_LAST.search(form) else set()
    return frozenset({_replace(m) for m in _MARKERS.finditer(form)} | last)


def point_number(form: str) -> int:
    """The highest point number ``form`` (a search form) makes (四要… -> 4; 十二是… -> 12), 0 for none.

    A list whose last point is not called 最后 still has a last point: the highest one.

    Example:
        >>> point_number("五要制定细则,落地落实"), point_number("一要素")
        (5, 0)
    """
    numbers = [0]
    for match in _MARKERS.finditer(form):
        numeral = _replace(match)[1:-1]
        if numeral in _DIGITS:
            numbers.append(_DIGITS.index(numeral) + 1)
        elif numeral.startswith("十"):
            numbers.append(10 + _DIGITS.index(numeral[1]) + 1)
    return max(numbers)


def point_marker(number: int) -> str:
    """The canonical marker of point ``number`` (1-19): 4 -> ``第四点``, 12 -> ``第十二点``."""
    numeral = _DIGITS[number - 1] if number <= 10 else "十" + _DIGITS[number - 11]
    return f"第{numeral}点"


def point_start(form: str, markers: frozenset[str]) -> int | None:
    """Where the point's own words start in ``form`` (a search form), after the first enumeration
    marker that is one of ``markers``; None when ``form`` makes none of those points.

    Example:
        >>> point_start("四要加强宣传,营造氛围。", frozenset({"第四点"}))
        2
        >>> point_start("一要解放思想。", frozenset({"第四点"})) is None
        True
    """
    return next((m.end() for m in _MARKERS.finditer(form) if _replace(m) in markers), None)


def ordinal_weights(form: str, weights: Mapping[str, float]) -> dict[str, float]:
    """Term weights of a question whose search form is ``form``, with its enumeration markers as one term.

    The terms inside a marker (``第二`` and ``点`` of ``第二点``) give their weight to the canonical
    marker (``第二点``), which is what the sentences' rewritten forms hold.
    """
    out = dict(weights)
    for match in _MARKERS.finditer(_QUESTION_LAST.sub("最后一点", form)):
        marker = _replace(match)
        span = match[0]
        inside = [t for t in out if t in span and t != marker]
        gained = sum(out.pop(t) for t in inside)
        if gained > 0:
            out[marker] = out.get(marker, 0.0) + gained
    return out
