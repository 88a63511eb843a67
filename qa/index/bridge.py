"""English questions to Chinese search words: a lexical bridge for BM25.

BM25 finds no Chinese word in an English question, so without help the ranking of an
English question rests on the encoder's cross-lingual cosine alone. :class:`LexicalBridge`
turns the question's words into Chinese words the index actually holds:

* **names by pinyin** (:mod:`qa.index.pinyin_names`): runs of capitalised words ("Deng
  Xiaogang", "Tazihong", "Hebei") whose joined pinyin spells a word of the index;
* **words by dictionary** (:mod:`qa.index.cedict`, CC-CEDICT read backwards): phrases of up to
  four words, longest first ("preside over" -> 主持), then single words ("meeting" -> 会议),
  with English inflections undone by LemmInflect's lemma tables ("built" -> build, "largest" ->
  large, "children" -> child) and simple endings for words it does not know ("projects" ->
  project, "invested" -> invest); number words as Chinese text writes them ("two" -> 2, 二, 两;
  "tenth" -> 第十; :mod:`qa.index.english_numbers`);
* **words as written**: numbers and Latin words the documents contain (2021, EICU).

Only words present in the index vocabulary are kept (a translation the documents never use
finds nothing), at most :data:`MAX_PER_WORD` per English word, and BM25's IDF weighs the
rarer ones more. The bridged words are the BM25 query of the question; the encoder still
embeds the English text.

Example:
    >>> bridge = LexicalBridge(["邓小刚", "主持", "会议", "2022"])
    >>> bridge.translate("Who presided over the 2022 meeting, Deng Xiaogang?").text
    '主持 2022 会议 邓小刚'
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Protocol

from qa.charsets import has_cjk
from qa.index.cedict import english_to_chinese_orders, single_characters
from qa.index.english_forms import word_forms
from qa.index.english_numbers import with_numbers
from qa.index.lexical_tokens import STOPWORDS
from qa.index.pinyin_names import PinyinNames
from qa.textnorm import search_form

if TYPE_CHECKING:
    from qa.index.base import IndexView
    from qa.types import Hit

MAX_PER_WORD = 4
# Names cut in two by jieba are checked against a copy of the documents' text, kept only up to
# this size (about 100 MB of memory; the CMRC2018 dev index has 0.6 million characters).
MAX_TEXT_CHARS = 50_000_000
MAX_PHRASE_WORDS = 4
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:\.\d+)?")
# Words that shape an English question rather than say what it is about; their Chinese
# translations (多, 什么, 有...) would match nearly every passage.
ENGLISH_STOPWORDS = frozenset(
    "a an the of to in on at for from by with about into over under as and or but not no nor "
    "is are was were be been being am do does did done has have had having will would shall should "
    "can could may might must what which who whom whose when where why how whether that this these those "
    "it its it's they them their he him his she her we our you your i me my there here than then "
    "many much more most some any each every all both such so very also just only up out s "
    "get got make made give given take taken say said tell know call called name named"
    .split()
)


# Words after which a question's next word is a noun ("in what form", "its budget").
DETERMINERS = frozenset("a an the what which whose its their his her our my your this that these those each every "
                        "some any no".split())


@dataclass(frozen=True)
class BridgedTerm:
    """Words of the question (``english``) and the index words they became (``chinese``).

    ``how`` is ``pinyin`` (a name), ``dictionary`` (CC-CEDICT) or ``same`` (written alike).
    ``characters`` are one-character words of the same meaning, which BM25 leaves out (会 for
    "meeting" matches far too much) but the English confidence's word coverage counts, whether
    or not the index holds them alone: 卫 for "health" is in 卫生院, 援 for "aid" in 援藏.
    """

    english: str
    chinese: tuple[str, ...]
    how: str
    characters: tuple[str, ...] = ()


@dataclass(frozen=True)
class BridgedQuery:
    """The Chinese search words of an English question, term by term.

    ``missed`` are the question's content words (not :data:`ENGLISH_STOPWORDS`) that became no
    index word: a word the documents never translate ("France" in a corpus about Tibet) is
    evidence that they do not answer the question.
    """

    question: str
    terms: tuple[BridgedTerm, ...]
    missed: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """Every bridged index word once, in question order."""
        return tuple(dict.fromkeys(w for term in self.terms for w in term.chinese))

    @property
    def text(self) -> str:
        """The bridged words as one BM25 query (space-separated)."""
        return " ".join(self.words)

    @property
    def word_groups(self) -> tuple[tuple[str, ...], ...]:
        """Per content word or phrase of the question, the index words it became, with their
        one-character words (empty when none)."""
        return tuple(term.chinese + term.characters for term in self.terms) + tuple(() for _ in self.missed)


class LexicalBridge:
    """Chinese words of one index vocabulary for the words of English questions.

    The pinyin of the vocabulary and its part of CC-CEDICT are computed on the first question
    (about a second for 35,000 words); CC-CEDICT itself is parsed once per process.

    Example:
        >>> LexicalBridge(["英吉沙县", "公园", "面积"]).translate("How large is the park in Yingjisha?").words
        ('公园', '英吉沙县')
    """

    def __init__(self, vocabulary: Collection[str], *, texts: Callable[[], Iterable[str]] | None = None) -> None:
        self._vocabulary = frozenset(vocabulary)
        self._texts = texts
        self._names: PinyinNames | None = None
        # CC-CEDICT read backwards for this vocabulary: best sense first, and noun senses first.
        self._dictionary: dict[str, tuple[str, ...]] | None = None
        self._nouns: dict[str, tuple[str, ...]] = {}
        self._text: str | None = None
        self._lock = threading.Lock()

    def _occurs(self, words: str) -> bool:
        """True when the documents' text (search form) holds ``words``; False without texts."""
        with self._lock:
            if self._text is None:
                parts, size = [], 0
                for text in self._texts() if self._texts is not None else ():
                    size += len(text)
                    if size > MAX_TEXT_CHARS:  # too large to keep a copy: no names from pieces
                        parts = []
                        break
                    parts.append(text)
                self._text = search_form("\n".join(parts))
        return words in self._text

    def _pinyin(self) -> PinyinNames:
        with self._lock:
            if self._names is None:
                self._names = PinyinNames.from_terms(self._vocabulary)
            return self._names

    def _words(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        with self._lock:
            if self._dictionary is None:  # both orders come from one pass
                # One-character words are read too, for word coverage (BridgedTerm.characters).
                senses, nouns = english_to_chinese_orders(self._vocabulary | single_characters())
                self._dictionary, self._nouns = with_numbers(senses), with_numbers(nouns)
            return self._dictionary, self._nouns

    def _known(self, candidates: Collection[str]) -> tuple[str, ...]:
        kept = [w for w in candidates if w in self._vocabulary and w not in STOPWORDS]
        if any(len(w) > 1 for w in kept):  # one character (会 for "meeting") matches far too much
            kept = [w for w in kept if len(w) > 1]
        return tuple(kept[:MAX_PER_WORD])

    def translate(self, question: str) -> BridgedQuery:
        """The index words for ``question``; no terms when it has Chinese characters or no Latin word."""
        if has_cjk(question):
            return BridgedQuery(question, ())
        tokens = [t.replace("’", "'").removesuffix("'s") for t in _TOKEN.findall(question)]
        if not any(t[0].isalpha() for t in tokens):
            return BridgedQuery(question, ())
        covered = [False] * len(tokens)
        found: dict[int, BridgedTerm] = {}
        names = self._pinyin()
        for start, end in self._name_runs(tokens):
            if any(covered[start:end]):
                continue
            name = " ".join(tokens[start:end])
            # A name jieba kept whole, else one it cut in two (許多良 -> 许多 + 良).
            words = names.find(name) or names.find_split(name, self._occurs)[:MAX_PER_WORD]
            if words:
                found[start] = BridgedTerm(name, words, "pinyin")
                covered[start:end] = [True] * (end - start)
        dictionary, nouns = self._words()
        lower = [t.lower() for t in tokens]
        for size in range(MAX_PHRASE_WORDS, 0, -1):
            for start in range(len(tokens) - size + 1):
                span = lower[start:start + size]
                if any(covered[start:start + size]) or span[0] in ENGLISH_STOPWORDS:
                    continue
                if size == 1 and not span[0][0].isalpha():
                    continue
                # After a determiner a word is a noun: its noun senses first ("what form" -> 形式).
                noun = size == 1 and start > 0 and lower[start - 1] in DETERMINERS
                words, characters = self._lookup(span, nouns if noun else dictionary)
                if words:
                    found[start] = BridgedTerm(" ".join(tokens[start:start + size]), words, "dictionary", characters)
                    covered[start:start + size] = [True] * size
        missed = []
        for i, token in enumerate(lower):
            if covered[i] or token in ENGLISH_STOPWORDS:
                continue
            if token in self._vocabulary:
                found[i] = BridgedTerm(tokens[i], (token,), "same")
            else:
                missed.append(tokens[i])
        return BridgedQuery(question, tuple(found[i] for i in sorted(found)), tuple(missed))

    def _lookup(self, span: list[str], dictionary: Mapping[str, tuple[str, ...]]
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Index words for ``span`` as written, else with one of its words in another form
        ("presided over" -> "preside over", "check-ups" -> "check-up"), and the one-character
        words of that meaning that :meth:`_known` left out."""
        for at, word in enumerate(span):
            for form in word_forms(word)[0 if at == 0 else 1:]:
                candidates = dictionary.get(" ".join([*span[:at], form, *span[at + 1:]]), ())
                words = self._known(candidates)
                if words:
                    single = [w for w in candidates if len(w) == 1 and w not in words and w not in STOPWORDS]
                    return words, tuple(single[:MAX_PER_WORD])
        return (), ()

    @staticmethod
    def _name_runs(tokens: list[str]) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of every sub-run of capitalised words, longest first."""
        capital = (t[0].isupper() and t.lower() not in ENGLISH_STOPWORDS for t in tokens)
        at, runs = 0, []
        for is_capital, group in groupby(capital):
            size = len(list(group))
            if is_capital:
                runs.append((at, at + size))
            at += size
        for start, end in runs:
            for size in range(end - start, 0, -1):
                for s in range(start, end - size + 1):
                    yield s, s + size


_bridges: weakref.WeakKeyDictionary[object, LexicalBridge] = weakref.WeakKeyDictionary()
_bridges_lock = threading.Lock()


def bridge_for(view: IndexView) -> LexicalBridge:
    """The bridge of an opened index version, made on its first English question and kept with it."""
    with _bridges_lock:
        bridge = _bridges.get(view)
        if bridge is None:
            chunks = view.chunks  # not the view: a bridge that held it would keep it alive
            bridge = _bridges[view] = LexicalBridge(view.terms(), texts=lambda: (c.text for c in chunks))
        return bridge


def bridged(view: IndexView, text: str) -> BridgedQuery:
    """``text`` bridged to the words of ``view`` (no terms for text with Chinese characters)."""
    if has_cjk(text):
        return BridgedQuery(text, ())
    return bridge_for(view).translate(text)


class Searcher(Protocol):
    """What :func:`warm_english` needs of an engine (:class:`qa.QA`)."""

    def search(self, query: str, *, k: int = 5, mode: str | None = None) -> list[Hit]: ...


def warm_english(engine: Searcher) -> None:
    """Parse CC-CEDICT and compute the pinyin of the open index version now (~2 s of CPU, once)
    rather than on the first English question: a BM25 search for a capitalised English phrase."""
    engine.search("Warm Up", k=1, mode="bm25")
