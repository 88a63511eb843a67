"""English number words as the Chinese forms documents write them: "two" -> 2, 二, 两; "tenth" -> 第十.

CC-CEDICT has no key for most ordinals ("tenth") and lists "third" as 三世 (the Third, of a
king) before any 第三, while Chinese text writes counts in digits or numerals and ordinals
with 第. The bridge puts these forms before CC-CEDICT's for the same word.
"""

from __future__ import annotations

_DIGITS = "一二三四五六七八九"
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth")
CARDINALS: dict[str, int] = {
    **{w: i + 1 for i, w in enumerate(_UNITS)},
    **{w: i + 10 for i, w in enumerate(_TEENS)},
    **{w: (i + 2) * 10 for i, w in enumerate(_TENS)},
    "hundred": 100,
}
ORDINALS: dict[str, int] = {w: i + 1 for i, w in enumerate(_ORDINALS)}


def chinese_numeral(n: int) -> str:
    """``n`` (1–100) in Chinese numerals.

    Example:
        >>> chinese_numeral(2), chinese_numeral(10), chinese_numeral(15), chinese_numeral(40), chinese_numeral(100)
        ('二', '十', '十五', '四十', '一百')
    """
    if not 1 <= n <= 100:
        raise ValueError(f"chinese_numeral takes 1 to 100, not {n}")
    if n == 100:
        return "一百"
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens - 1] + "十"
    return head + (_DIGITS[units - 1] if units else "")


def number_forms(word: str) -> tuple[str, ...]:
    """Chinese forms of an English number word (lower case), or () when it is none.

    Example:
        >>> number_forms("two"), number_forms("tenth"), number_forms("meeting")
        (('2', '二', '两'), ('第十',), ())
    """
    if word in ORDINALS:
        return ("第" + chinese_numeral(ORDINALS[word]),)
    if word in CARDINALS:
        n = CARDINALS[word]
        return (str(n), chinese_numeral(n), *(("两",) if n == 2 else ()))
    return ()


def with_numbers(dictionary: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """``dictionary`` (English -> Chinese words) with the number words' forms put first."""
    out = dict(dictionary)
    for word in (*CARDINALS, *ORDINALS):
        out[word] = tuple(dict.fromkeys((*number_forms(word), *dictionary.get(word, ()))))
    return out
