"""Questions asking for a measure (how large, how high, how heavy) and the units that answer them.

英吉沙县国学书院有多大？ shares its words with passages about the academy that give no size; the
passage giving its area (3148平方米的书院…) shares fewer words and was retrieved fourth, where the
reader, which reads the first :attr:`~qa.settings.Settings.answer_passages`, never saw it. A
question asking for a measure can only be answered by text with a unit of that measure, so when
none of the passages read holds one, the best-ranked further passage that does is read too
(:func:`measure_passage`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa.charsets import SENTENCE_ENDS
from qa.textnorm import search_form
from qa.types import Hit

if TYPE_CHECKING:
    import numpy as np

# A number, then up to three characters (万, 多, 余) before the unit.
_NUMBER = rf"[0-9０-９一二两三四五六七八九十百千万亿][^,，{SENTENCE_ENDS}]{{0,3}}?"
_AREA_UNITS = re.compile(rf"{_NUMBER}(?:平方(?:公里|千米|米|英里|公尺)|平米|公顷|亩|㎡|km²|m²|km2|m2)")
_LENGTH_UNITS = re.compile(rf"{_NUMBER}(?:公里|千米|厘米|公分|毫米|公尺|英尺|英寸|英吋|英里|光年|米|哩|km|cm)")
_WEIGHT_UNITS = re.compile(rf"{_NUMBER}(?:吨|公斤|千克|克|斤|磅|kg)")
# 有多大 may ask for an area, a length or a size in bytes.
_ANY_UNITS = re.compile("|".join(p.pattern for p in (_AREA_UNITS, _LENGTH_UNITS, _WEIGHT_UNITS))
                        + rf"|{_NUMBER}(?:[kmgt]b|立方米|升)")
_IS = r"(?:是|有|为|约|大约|达)?"
_DURATION = re.compile(r"任期|期限|时间|时长|多久|年限|\bhow long\b")
# Checked in order on the question's search form (Simplified, lower case). 他今年多大 asks an
# age, so does 当主时多大; 科罗拉多大学 holds 多大, 面积最大的郡是哪一个 asks a name: none asks for a measure.
_ASKS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(rf"(?:面积|占地){_IS}(?:多少(?!比例|百分|倍|成)|多大|几)|多少(?:平方|亩|公顷)"
                r"|\bwhat is the (?:total )?area\b"),
     _AREA_UNITS),
    (re.compile(r"(?<!今年)(?<!现在)(?<!当时)(?<!那年)(?<!年龄)(?<![许很时])多大(?![学年岁了])|\bhow (?:large|big)\b"
                r"|\bwhat is the (?:total )?size\b"), _ANY_UNITS),
    (re.compile(rf"(?<![许很])多(?:高|远|深|宽|长(?!时间))|(?:海拔|高度|长度|距离|身高|体长){_IS}(?:多少|几)"
                r"|多少(?:米|公里|千米|公尺)|\bhow (?:tall|high|far|deep|wide)\b"
                r"|\bwhat is the (?:altitude|elevation|height|length|distance)\b|\bat what (?:altitude|height)\b"),
     _LENGTH_UNITS),
    (re.compile(rf"多重|重量{_IS}(?:多少|几)|多少(?:吨|公斤|千克)|\bhow heavy\b|\bwhat is the weight\b"),
     _WEIGHT_UNITS),
)


def asked_units(question: str) -> re.Pattern[str] | None:
    """A pattern for a number with a unit of the measure ``question`` asks for, or None.

    Example:
        >>> asked_units("英吉沙县国学书院有多大？").search("3148平方米的书院") is not None
        True
        >>> asked_units("他今年多大？") is None, asked_units("How high is the hospital?").search("海拔4500米")[0]
        (True, '4500米')
    """
    form = search_form(question)
    for asks, units in _ASKS:
        if asks.search(form):
            # 任期是多长 asks a time, not a length.
            return None if units is _LENGTH_UNITS and _DURATION.search(form) else units
    return None


def measure_passage(question: str, hits: Sequence[Hit], passages: int) -> Hit | None:
    """The best-ranked hit after the first ``passages`` that gives the asked measure, when none
    of the first ``passages`` does; else None."""
    units = asked_units(question)
    if units is None or len(hits) <= passages:
        return None
    if any(units.search(search_form(h.chunk.text)) for h in hits[:passages]):
        return None
    return next((h for h in hits[passages:] if units.search(search_form(h.chunk.text))), None)


def measure_missing(question: str, sentence: str, exact: str | None = None) -> bool:
    """True when ``question`` asks for a measure and neither ``sentence`` (search form) nor its exact
    words give a number with a unit of it. Of the 104 measure questions of CMRC2018 trial and dev
    and DRCD dev, 102 answering sentences give one (the others: 21级赛事, 101发40砲弹).

    Example:
        >>> measure_missing("How large is the academy?", "四年级学生说,在国学书院体验了扎染。")
        True
        >>> measure_missing("书院有多大？", "3148平方米的书院内设有12个功能区。")
        False
    """
    units = asked_units(question)
    if units is None or units.search(sentence):
        return False
    return exact is None or units.search(search_form(exact)) is None


def measured_sentence(forms: Sequence[str | None], logits: np.ndarray, best: int, question: str,
                      exact: str | None = None) -> tuple[int, tuple[int, int]] | None:
    """For a question asking for a measure whose chosen sentence ``best`` gives none (nor its exact
    words ``exact``, which may run on past the sentence): the candidate sentence with the best
    sentence-model logit among those that give one, and the offsets in its form of its first
    number with a unit; None when the question asks for no measure, the chosen sentence gives one,
    or no candidate does.

    Args:
        forms: The candidate sentences' search forms; None for one whose form does not align with
            its text (it cannot be quoted by offsets).
        logits: The sentence model's logits, in the same order.
    """
    units = asked_units(question)
    chosen = forms[best] if best >= 0 else None
    if units is None or chosen is None or units.search(chosen):
        return None
    if exact is not None and units.search(search_form(exact)):
        return None
    holding = [(i, m) for i, form in enumerate(forms) if form is not None
               for m in (units.search(form),) if m is not None]
    if not holding:
        return None
    i, match = max(holding, key=lambda h: float(logits[h[0]]))
    return i, match.span()
