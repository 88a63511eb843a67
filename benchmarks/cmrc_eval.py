"""Exact-answer scores with the CMRC2018 evaluation rules (EM and character-level F1).

Follows the official ``cmrc2018_evaluate.py`` of CMRC2018 (Cui et al., 2019, "A Span-Extraction
Dataset for Chinese Machine Reading Comprehension", CC BY-SA 4.0): text is lower-cased,
the listed punctuation is dropped, Chinese characters count one token each while runs of
other characters form words; F1 comes from the longest common run of tokens, EM from the
texts without punctuation; both take the best over the reference answers. One difference:
the official script splits non-Chinese runs with NLTK's ``word_tokenize``; here they split
at white space and ASCII punctuation, which gives the same tokens for numbers and plain words.
Scores are in 0..1 (the official script prints them times 100).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SP_CHAR = frozenset([
    "-", ":", "_", "*", "^", "/", "\\", "~", "`", "+", "=", "，", "。", "：", "？", "！", "“", "”", "；", "’",
    "《", "》", "……", "·", "、", "「", "」", "（", "）", "－", "～", "『", "』",
])
_CJK = re.compile(r"[\u4e00-\u9fa5]")
_WORDS = re.compile(r"[^\s!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]+|[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]")


def mixed_segmentation(text: str, *, drop_punctuation: bool = False) -> list[str]:
    """Tokens: one per Chinese character (or listed punctuation), words for other runs."""
    segs: list[str] = []
    run = ""
    for char in text.lower().strip():
        if drop_punctuation and char in SP_CHAR:
            continue
        if _CJK.match(char) or char in SP_CHAR:
            segs.extend(_WORDS.findall(run))
            run = ""
            segs.append(char)
        else:
            run += char
    segs.extend(_WORDS.findall(run))
    return segs


def remove_punctuation(text: str) -> str:
    """Lower-cased text without white space at the ends and without the listed punctuation."""
    return "".join(ch for ch in text.lower().strip() if ch not in SP_CHAR)


def _longest_common_run(a: Sequence[str], b: Sequence[str]) -> int:
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def f1_score(answers: Sequence[str], prediction: str) -> float:
    """Best character-level F1 of ``prediction`` against any answer.

    Example:
        >>> round(f1_score(["1950萬元"], "1950萬"), 3)
        0.8
    """
    best = 0.0
    pred = mixed_segmentation(prediction, drop_punctuation=True)
    for answer in answers:
        ref = mixed_segmentation(answer, drop_punctuation=True)
        common = _longest_common_run(ref, pred)
        if common:
            precision, recall = common / len(pred), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def exact_match(answers: Sequence[str], prediction: str) -> float:
    """1.0 when ``prediction`` equals an answer once punctuation is dropped, else 0.0."""
    pred = remove_punctuation(prediction)
    return float(any(remove_punctuation(a) == pred for a in answers))
