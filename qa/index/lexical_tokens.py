"""Word tokens for BM25: jieba over the search form, punctuation and spaces dropped.

Chunks and queries go through the same function, so ``發布`` in a document and
``发布`` in a question become the same token.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.textnorm import search_form

if TYPE_CHECKING:
    import jieba
    import jieba.posseg

logger = logging.getLogger(__name__)
_lock = threading.Lock()

# Very common function words carry no evidence of relevance; dropping them keeps
# a question's particles (的, 是, 什么...) from matching every paragraph.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 也 都 而 对 为 把 被 从 以 于 之 其 这 那 这个 那个 这些 "
    "什么 哪些 哪个 哪 谁 多少 几 怎么 怎样 如何 吗 呢 吧 啊 么 有 要 个 将 就 又 还 "
    "the a an of to in on for and or is are was were be by with what which who how does do did"
    .split()
)


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # An own Tokenizer instance: jieba's global one is shared with any other user of
    # jieba in the process, and its dictionary load is not thread-safe.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@lru_cache(maxsize=1)
def _tagger() -> jieba.posseg.POSTokenizer:
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_tokenizer())


def tagged_words(text: str, *, hmm: bool = True) -> list[tuple[str, str]]:
    """``(word, part of speech)`` pairs of ``text`` (jieba's ICTCLAS flags), on the same tokenizer.

    One tagger serves the whole process (follow-up subjects and the answer reader's answer
    types), so jieba's dictionary and tag table load once; ``hmm=False`` skips jieba's HMM
    for unknown words, which costs ~250 ms on a passage.

    Example:
        >>> tagged_words("国学公园占地多少亩")[:2]
        [('国学', 'n'), ('公园', 'n')]
    """
    tagger = _tagger()  # loads jieba's tag table once (a few seconds)
    with _lock:
        return [(pair.word, pair.flag) for pair in tagger.lcut(text, HMM=hmm)]


def _is_word(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokenize(text: str, *, drop_stopwords: bool = True) -> list[str]:
    """Tokens of ``text`` for BM25 (search form, jieba search mode, no punctuation).

    Example:
        >>> tokenize("河北省投入援藏資金")
        ['河北', '河北省', '投入', '援藏', '资金']
    """
    form = search_form(text)
    tok = _tokenizer()
    with _lock:
        # Search mode also emits the words inside compounds (河北省 -> 河北, 河北省),
        # so a question's shorter word still matches.
        words = tok.lcut_for_search(form, HMM=True)
    tokens: list[str] = []
    for word in words:
        word = word.strip()
        if not word or not _is_word(word):
            continue
        if drop_stopwords and word in STOPWORDS:
            continue
        tokens.append(word)
    return tokens


# Words that shape a question or point at the document itself rather than at its content
# ("who is the reporter of this article"); documents rarely contain them, so counting
# them would make every answerable question look unanswered.
QUESTION_WORDS = frozenset(
    "这篇 那篇 该文 本文 文章 报道 新闻 请问 哪家 多久 几人 几次 几个 几名 几位 几年 叫 叫做 能 会 是不是 "
    "是否 哪里 何时 什么样 为什么 怎么样 多大 多长 多高 "
    .split()
)


def question_terms(question: str) -> list[str]:
    """Distinct content tokens of a question, without those inside a longer one (河北 in 河北省).

    Used to judge answers, where counting one matched word twice would overstate evidence.
    """
    terms = [t for t in dict.fromkeys(tokenize(question)) if t not in QUESTION_WORDS]
    return [t for t in terms if not any(t != other and t in other for other in terms)]
