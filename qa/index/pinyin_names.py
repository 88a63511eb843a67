"""Chinese words of an index found by their pinyin: how English text spells Chinese names.

English writes Chinese names in toneless pinyin, joined or split ("Deng Xiaogang",
"Yingjisha", "Tazihong"). :class:`PinyinNames` maps the joined, toneless pinyin of every
word of two or more Chinese characters in an index vocabulary back to the words, so
``dengxiaogang`` finds 邓小刚. pypinyin (MIT) gives the pinyin, reading each word as a
phrase where it knows one. Vocabulary words are in search form (Simplified), and a name
written in Traditional characters was folded to the same word, so both scripts are found.

A place name indexed with its administrative suffix (塔孜洪乡, "Tazihong township") is also
found by the name alone. Single characters are never matched: one syllable spells dozens
of characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from qa.charsets import is_cjk

# Suffixes of place names that English translates as a separate word (county, township...).
PLACE_SUFFIXES = frozenset("县乡镇村市省区州盟旗")
# Pairs of pieces checked against the text per split of a name (common syllables have dozens).
MAX_SPLIT_PAIRS = 64
_LATIN = re.compile(r"[^a-z]")


def pinyin_key(text: str) -> str:
    """Letters of ``text`` as a pinyin key: lower case, ü/v written u, everything else dropped.

    Example:
        >>> pinyin_key("Lü Xiaolong")
        'luxiaolong'
    """
    return _LATIN.sub("", text.lower().replace("ü", "u").replace("v", "u"))


def syllables(word: str) -> list[str]:
    """The toneless pinyin of each character of ``word``, as :class:`PinyinNames` reads it.

    Example:
        >>> syllables("张延清")
        ['zhang', 'yan', 'qing']
    """
    from pypinyin import Style, lazy_pinyin  # ~0.3 s to import: only when a name is read

    return lazy_pinyin(word, style=Style.NORMAL)


@dataclass(frozen=True)
class PinyinNames:
    """Words of a vocabulary by their joined toneless pinyin.

    Example:
        >>> names = PinyinNames.from_terms(["邓小刚", "塔孜洪乡", "会议", "县"])
        >>> names.find("Deng Xiaogang"), names.find("Tazihong")
        (('邓小刚',), ('塔孜洪乡',))
    """

    words: Mapping[str, tuple[str, ...]]
    chars: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_terms(cls, terms: Iterable[str]) -> PinyinNames:
        """Index every all-Chinese term of two or more characters by its pinyin."""
        from pypinyin import Style, lazy_pinyin, pinyin

        terms = set(terms)
        words = sorted(t for t in terms if len(t) >= 2 and all(is_cjk(ch) for ch in t))
        # One call for all words (a list is read word by word): ~0.8 s for 35,000 words, where
        # a call per word took 1.2 s. Every character gives one syllable, so lengths split it.
        syllables = lazy_pinyin(words, style=Style.NORMAL, errors="ignore")
        if len(syllables) != sum(map(len, words)):  # a character without pinyin: fall back to one call each
            groups = [syllables(w) for w in words]
        else:
            groups, at = [], 0
            for word in words:
                groups.append(syllables[at:at + len(word)])
                at += len(word)
        found: dict[str, list[str]] = {}
        for word, group in zip(words, groups, strict=True):
            found.setdefault(pinyin_key("".join(group)), []).append(word)
            if len(word) >= 3 and word[-1] in PLACE_SUFFIXES:
                found.setdefault(pinyin_key("".join(group[:-1])), []).append(word)
        # Single characters by every reading (a surname like 单 is shan, not dan): only for
        # names that jieba cut in two (see find_split).
        chars: dict[str, list[str]] = {}
        for char in sorted(t for t in terms if len(t) == 1 and is_cjk(t)):
            for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
                chars.setdefault(pinyin_key(reading), []).append(char)
        return cls({key: tuple(dict.fromkeys(ws)) for key, ws in found.items() if key},
                   {key: tuple(cs) for key, cs in chars.items() if key})

    def find(self, name: str) -> tuple[str, ...]:
        """The vocabulary words spelled ``name`` in pinyin (any case and spacing); ``()`` when none."""
        return self.words.get(pinyin_key(name), ())

    def find_split(self, name: str, occurs: Callable[[str], bool]) -> tuple[str, ...]:
        """A name jieba cut in two (许多良 -> 许多 + 良), from two pieces of the vocabulary.

        Every split of the pinyin into a word of two or more characters and a word or single
        character (either order) is tried; a joined candidate counts only when ``occurs``
        finds it in the documents' text, so chance pairs of common words are not taken.

        Example:
            >>> names = PinyinNames.from_terms(["许多", "良", "两", "院长"])
            >>> names.find_split("Xu Duoliang", lambda s: s in "院长许多良介绍")
            ('许多良',)
        """
        key = pinyin_key(name)
        found: list[str] = []
        for cut in range(2, len(key) - 1):
            left, right = key[:cut], key[cut:]
            pairs = [(a, b) for a in self.words.get(left, ()) for b in (*self.words.get(right, ()),
                                                                       *self.chars.get(right, ()))]
            pairs += [(a, b) for a in self.chars.get(left, ()) for b in self.words.get(right, ())]
            found += [a + b for a, b in pairs[:MAX_SPLIT_PAIRS] if occurs(a + b)]
        return tuple(dict.fromkeys(found))
