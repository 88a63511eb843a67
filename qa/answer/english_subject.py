"""The noun phrase an English question is about, so that "it" in a follow-up can stand for it.

"Who chaired the Shigatse leading group meeting?" is about the *Shigatse leading group meeting*,
not about Shigatse: the first capitalised name is where the phrase starts, and it runs on over
the words that can belong to a noun phrase (LemmInflect's tables list them as nouns or
adjectives, or do not know them: names), an "-ing" word or "and" before such a word, and "No."
before a number. A question with do-support ("What did the Shigatse meeting stress?") ends on its
verb, which is left out when it can be one.
"""

from __future__ import annotations

import re

from qa.index.bridge import ENGLISH_STOPWORDS
from qa.index.english_forms import parts_of_speech

_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
# A capitalised word that is not the question's first, and the capitalised words after it.
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")
# Words for an organisation that has posts ("its principal", "its vice president").
ORGANISATIONS = frozenset(
    "hospital hospitals school schools centre center college university academy institute department committee "
    "bureau office company team group association council government prefecture county city town township "
    "village province region clinic station museum library court party union federation army".split()
)
_DO_SUPPORT = frozenset("do does did will would can could should may might must shall".split())


def english_names(text: str) -> list[str]:
    """Capitalised names in an English question, not counting its first word.

    Example:
        >>> english_names("What about Hebei Province and Tibet?")
        ['Hebei Province', 'Tibet']
    """
    return _NAME.findall(text.strip())


def _nounish(word: str) -> bool:
    if word.lower() in ENGLISH_STOPWORDS:
        return False
    if word[0].isupper() or word[0].isdigit():
        return True
    kinds = parts_of_speech(word.lower())
    return not kinds or bool(kinds & {"NOUN", "ADJ", "PROPN"})


def _phrase(text: str, start: int) -> list[re.Match[str]]:
    """The words of the noun phrase of ``text`` that begins at character ``start``."""
    words = [m for m in _WORD.finditer(text) if m.start() >= start]
    taken = [words[0]]
    for n, w in enumerate(words[1:], start=1):
        gap = text[taken[-1].end():w.start()]
        after_no = gap.strip() == "." and taken[-1].group() == "No"
        if gap.strip() and not after_no:
            break
        word = w.group()
        following = words[n + 1].group() if n + 1 < len(words) else None
        joins = (word.lower() == "and" or word.endswith("ing")) and following is not None and _nounish(following)
        numbered = word == "No" and following is not None and following[0].isdigit()  # No. 4 middle school
        if not (_nounish(word) or joins or numbered):
            break
        taken.append(w)
    return taken


def english_subject(text: str) -> str | None:
    """The noun phrase that begins at the first capitalised name of ``text`` (not its first word),
    as written; None without a name.

    Example:
        >>> english_subject("Who is the deputy head of the Ngari maternal and child health hospital?")
        'Ngari maternal and child health hospital'
        >>> english_subject("Who chaired the Shigatse leading group meeting?")
        'Shigatse leading group meeting'
        >>> english_subject("What did the Shigatse meeting stress?"), english_subject("How much has Hebei invested?")
        ('Shigatse meeting', 'Hebei')
    """
    text = text.strip()
    name = _NAME.search(text)
    if name is None:
        return None
    taken = _phrase(text, name.start())
    asks_with_do = any(m.group().lower() in _DO_SUPPORT for m in _WORD.finditer(text[:name.start()]))
    ends_question = not text[taken[-1].end():].strip(" ?？.!")
    if asks_with_do and ends_question and len(taken) > 1 and "VERB" in parts_of_speech(taken[-1].group().lower()):
        taken.pop()
    return text[taken[0].start():taken[-1].end()]


def english_organisation(text: str) -> str | None:
    """The last noun phrase of ``text`` that begins at a capitalised name and ends on a word for an
    organisation (hospital, school, committee…), as written; None without one.

    "Who is its vice president?" after "How much has Hebei invested in the Ngari maternal and child
    health hospital?" asks about the hospital, not about Hebei, the question's subject.

    Example:
        >>> english_organisation("How much has Hebei invested in the Ngari maternal and child health hospital?")
        'Ngari maternal and child health hospital'
        >>> english_organisation("What did the students of the Maigaiti county No. 4 middle school perform?")
        'Maigaiti county No. 4 middle school'
        >>> english_organisation("How much has Hebei invested?") is None
        True
    """
    text = text.strip()
    found, end = None, 0
    for name in _NAME.finditer(text):
        if name.start() < end:  # inside the last phrase ("No" of "Maigaiti county No. 4 middle school")
            continue
        taken = _phrase(text, name.start())
        end = taken[-1].end()
        if taken[-1].group().lower() in ORGANISATIONS:
            found = text[taken[0].start():end]
    return found
