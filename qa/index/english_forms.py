"""English words in the forms a dictionary lists them: ``held`` -> hold, ``children`` -> child.

The lexical bridge looks a question's words up in CC-CEDICT read backwards, whose keys are
dictionary forms. LemmInflect's lemma tables (MIT; loaded on the first English question, about
0.3 s) undo irregular inflections a suffix rule gets wrong or misses; simple rules cover the words
the tables lack (plurals, -ed/-ing, British spellings, hyphens) and -ly adverbs the tables list
only as adverbs (mainly -> main).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # CC-CEDICT's 96,000 one-word keys hold 31,000 distinct words
def _lemma_table(word: str) -> dict[str, tuple[str, ...]]:
    """LemmInflect's lemmas of ``word`` by part of speech, looked up once per word."""
    from lemminflect import getAllLemmas  # its tables load on the first English question (~0.3 s)

    return dict(getAllLemmas(word))


def parts_of_speech(word: str) -> frozenset[str]:
    """The parts of speech LemmInflect's tables list for ``word`` (empty when they do not know it).

    Example:
        >>> sorted(parts_of_speech("meeting")), sorted(parts_of_speech("invested"))
        (['NOUN', 'VERB'], ['VERB'])
    """
    return frozenset(_lemma_table(word))


def lemmas(word: str) -> tuple[str, ...]:
    """Dictionary forms of an English ``word`` from LemmInflect's tables (MIT), any part of
    speech: irregular past tenses, plurals and comparatives a suffix rule gets wrong or misses.

    Example:
        >>> lemmas("built"), lemmas("largest"), lemmas("children")
        (('build',), ('large',), ('child',))
    """
    found = [lemma for pos, words in _lemma_table(word).items() if pos != "AUX" for lemma in words]
    return tuple(lemma for lemma in dict.fromkeys(found) if lemma != word)


def adjectives(word: str) -> list[str]:
    """The adjective an -ly adverb is made from, for a word the lemma tables know only as an
    adverb: CC-CEDICT defines 主要 as "main", not "mainly".

    Example:
        >>> adjectives("mainly"), adjectives("steadily"), adjectives("basically"), adjectives("supply")
        (['main'], ['steady'], ['basical', 'basic'], [])
    """
    if not word.endswith("ly") or len(word) < 6 or set(_lemma_table(word)) != {"ADV"}:
        return []
    if word.endswith("ily"):
        return [word[:-3] + "y"]
    return [word[:-2]] + ([word[:-4]] if word.endswith("ally") else [])


def word_forms(word: str) -> list[str]:
    """``word`` and the forms it may have in a dictionary: its lemmas (:func:`lemmas`), then by
    rule for words the lemma tables lack: singular, without -ed/-ing, adjective of an -ly
    adverb, unhyphenated.

    Example:
        >>> word_forms("check-ups")
        ['check-ups', 'check-up', 'checkups', 'checkup', 'check ups', 'check up']
        >>> word_forms("held")[:2]
        ['held', 'hold']
    """
    forms = [word, *lemmas(word)]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    elif word.endswith("es") and len(word) > 4 and word[-3] in "sxz":
        forms.append(word[:-2])
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    forms += adjectives(word)
    for ending in ("ed", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            forms += [stem, stem + "e"] + ([stem[:-1]] if stem[-1] == stem[-2] else [])
    for form in list(forms):  # CC-CEDICT spells American: centre -> center, organise -> organize
        for british, american in (("tre", "ter"), ("ise", "ize"), ("isation", "ization"), ("our", "or")):
            if form.endswith(british):
                forms.append(form[: -len(british)] + american)
    if "-" in word:
        forms += [f.replace("-", "") for f in forms] + [f.replace("-", " ") for f in forms]
    return list(dict.fromkeys(forms))
