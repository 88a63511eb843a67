"""Follow-up questions: decide whether a question stands alone, and complete it from the last turn.

After "国学公园占地多少亩？" people ask "它在哪个县？" or "那国学书院呢？". Such a question
is read against the previous turn, without a language model:

* **pronoun** (它/他/她/其/该/此/这/那 in the place of a subject, "it", "its"): the earlier
  subject takes the pronoun's place (它在哪个县 → 国学公园在哪个县);
* **ellipsis** (那…呢, 还有呢, 原来呢, "what about …"): the earlier question is asked again
  about the new subject (那国学书院呢 → 国学书院占地多少亩), or as it was for 还有呢 ("what
  else?"), which then quotes something not quoted yet;
* **short** (a few characters naming nothing: 谁主持的？, 多少钱？): asked of the earlier subject.

The search gets the reading plus the earlier question's rarest content words (by IDF), and
the document of the earlier answer is preferred unless the new question names a subject that
document never mentions. A question that stands alone is searched exactly as asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from embeddings.base import Choice
from qa.answer.english_subject import english_names
from qa.answer.holders import asked_post
from qa.answer.question_parts import (
    ASKING,
    PEOPLE_ENDS,
    PERSONAL,
    bare,
    first_reference,
    narrow_subject,
    organisation_of,
    own_nouns,
    people_of,
    strip_end,
    words,
)
from qa.answer.referents import answered_person, point_at_answer
from qa.charsets import has_cjk
from qa.textnorm import search_form
from qa.types import Quote

# Questions at most this long (without punctuation) that name no noun cannot stand alone.
SHORT_CHARS = 6
# Content words of the earlier question carried into the search, rarest first.
CARRIED_TERMS = 3

_EN_ABOUT = re.compile(r"^(?:and\s+|so\s+)?(?:what|how)\s+about\s+(?P<x>.+)$", re.I)
_EN_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|he|his|him|she|her|this|that|these|those)\b", re.I)
_EN_AND = re.compile(r"^and\s+(?P<x>.+)$", re.I)
_ZH_ELLIPSIS = re.compile(r"^(?:那么|那|还有|而|另外|再说)?(?P<x>.*?)(?:的)?呢$")


class Cue(Choice):
    """Why a question cannot stand alone."""

    PRONOUN = "pronoun"
    ELLIPSIS = "ellipsis"
    SHORT = "short"


@dataclass(frozen=True)
class Turn:
    """An earlier turn as understood: its question (completed, if it was a follow-up), its
    subject, the document its quote came from (None when it had none), the quotes
    already given for that question (so "还有呢" gets another one), and what its answer
    named when it asked which thing (国学书院 for 建了什么书院; see :mod:`qa.answer.referents`)."""

    question: str
    subject: str | None
    doc_id: str | None
    quotes: tuple[Quote, ...] = ()
    named: str | None = None


@dataclass(frozen=True)
class Reading:
    """How a question is searched in the light of the previous turn.

    Attributes:
        question: The question as asked.
        cue: Why it is a follow-up, or None when it stands alone.
        interpreted: The question as understood (国学公园在哪个县？), None when it stands alone.
        search: The text to search: the reading plus the earlier question's rare words.
        prefer_doc: Document to prefer (the earlier answer's), or None.
        avoid: Quotes not to give again ("还有呢" asks for something else).
        alternative: Another reading to try, kept when its answer is another and surer quote
            (它 after "建了什么书院？" may mean the 书院 the answer named, not the earlier subject).
        asked_words: Content words (two characters or more, with their IDF) that the asker typed
            and the reading kept: 出席 and 会议 in 谁出席了这次会议 (not 这次, which the earlier
            subject replaced). The quote should hold them, not only the words the earlier turn
            brought in.
    """

    question: str
    cue: Cue | None
    interpreted: str | None
    search: str
    prefer_doc: str | None
    avoid: tuple[Quote, ...] = ()
    alternative: Reading | None = None
    asked_words: Mapping[str, float] = field(default_factory=dict)


def follow_up_cue(question: str) -> Cue | None:
    """The reason ``question`` needs the conversation to be understood, or None if it stands alone.

    Example:
        >>> follow_up_cue("它在哪个县？"), follow_up_cue("那國學書院呢？"), follow_up_cue("国学公园占地多少亩？")
        (<Cue.PRONOUN: 'pronoun'>, <Cue.ELLIPSIS: 'ellipsis'>, None)
    """
    form = strip_end(search_form(question))
    if not form:
        return None
    if not has_cjk(form):
        if _EN_PRONOUN.search(form):
            return Cue.PRONOUN  # "and its budget?" too: the pronoun is what points back
        if _ellipsis_subject(form) is not None:
            return Cue.ELLIPSIS
        return Cue.SHORT if len(form.split()) <= 2 else None
    if _ellipsis_subject(form) is not None:
        return Cue.ELLIPSIS
    ws = words(form)
    if first_reference(ws) is not None:
        return Cue.PRONOUN
    if len(bare(form)) <= SHORT_CHARS and not own_nouns(form):
        return Cue.SHORT
    return None


def _ellipsis_subject(form: str) -> str | None:
    """What an elliptic question asks about: 国学书院 in 那国学书院呢, "" in 还有呢; None if not elliptic."""
    if has_cjk(form):
        match = _ZH_ELLIPSIS.match(form)
        if match is None or ASKING.search(match["x"]) or len(bare(match["x"])) > 12:
            return None
        return strip_end(match["x"].strip(" ，,"))
    match = _EN_ABOUT.match(form) or _EN_AND.match(form)
    if match is None or ASKING.search(match["x"]) or len(match["x"].split()) > 5:
        return None
    return strip_end(match["x"])


def read_question(question: str, previous: Turn | None, *,
                  term_weights: Callable[[str], dict[str, float]],
                  document_text: Callable[[str], str]) -> Reading:
    """Read ``question`` against the ``previous`` turn: what to search and which document to prefer.

    Args:
        question: The new question, as asked.
        previous: The turn before it, or None at the start of a conversation.
        term_weights: Content words of a text with their IDF in the corpus.
        document_text: The text (with title) of a document by id, to see what it mentions.
    """
    cue = follow_up_cue(question) if previous is not None else None
    if cue is None or previous is None:
        return Reading(question, None, None, question, None)
    asked = strip_end(question)
    earlier = strip_end(previous.question)
    subject = previous.subject
    avoid: tuple[Quote, ...] = ()
    alternative, person = None, None
    if cue is Cue.ELLIPSIS:
        x = _ellipsis_subject(strip_end(search_form(question))) or ""
        x = _as_written(question, x)
        if x and (own_nouns(search_form(x)) or _swap_subject(earlier, None, x) != f"{x}，{earlier}"):
            interpreted = _swap_subject(earlier, _swapped_part(subject, x), x)
        elif x:
            interpreted = _insert_after_subject(earlier, subject, x)
        else:
            interpreted, avoid = earlier, previous.quotes
    elif cue is Cue.PRONOUN:
        pointed = point_at_answer(asked, previous.named)
        person = answered_person(asked, earlier, previous.quotes[-1].exact if previous.quotes else None)
        # "Who is its principal?", 它的院长是谁: the organisation the earlier question named, not its subject.
        org = organisation_of(earlier) if asked_post(asked) is not None else None
        # 他们 after a question about 援藏教师 and 组团式: the people it named.
        plural = re.search("他们|她们", search_form(asked)) and (subject or "")[-1:] not in PEOPLE_ENDS
        group = people_of(earlier) if plural else None
        interpreted = _replace_reference(asked, person or org or group or subject
                                         or _top_terms(earlier, term_weights, 2, joined=True))
        if pointed is not None and pointed.names_it:  # 这次会议 after 什么会议: the answer's 会议
            interpreted = pointed.text
        elif pointed is not None:  # 它: the earlier subject, or what the answer named (tried too)
            alternative = _completed(question, previous, cue, pointed.text, avoid, term_weights, document_text)
        elif not has_cjk(asked) and org is None:
            # An English subject's words often find no Chinese word ("classics" for 国学), so the
            # question as asked, in the earlier answer's document, is tried too.
            alternative = Reading(question, cue, question, question, _preferred(question, previous, cue, document_text))
    else:
        lead = subject or _top_terms(earlier, term_weights, 2, joined=True)
        interpreted = f"{lead}{asked}" if has_cjk(asked) else f"{asked} ({lead})"
    # A name in place of "he" is all the context the search needs ("What is Zhang Yanqing's position?").
    return _completed(question, previous, cue, interpreted, avoid, term_weights, document_text, alternative,
                      carry=person is None)


def _completed(question: str, previous: Turn, cue: Cue, interpreted: str, avoid: tuple[Quote, ...],
               term_weights: Callable[[str], dict[str, float]], document_text: Callable[[str], str],
               alternative: Reading | None = None, *, carry: bool = True) -> Reading:
    """The reading of ``question`` as ``interpreted``: its search with the earlier subject's words
    (unless not ``carry``)."""
    earlier = strip_end(previous.question)
    subject = previous.subject
    interpreted = interpreted + _ending(question)
    carried: list[str] = []
    reading = search_form(interpreted)
    subject_terms = [t for t in _ranked_terms(earlier, term_weights) if subject and t in search_form(subject)]
    if carry and cue is not Cue.ELLIPSIS and not any(t in reading for t in subject_terms):
        # The reading could not put the earlier subject in (or there was none): the earlier
        # subject's rarest words, or the earlier question's, keep the search in context.
        carried = [t for t in (subject_terms or _ranked_terms(earlier, term_weights))
                   if t not in reading][:CARRIED_TERMS]
    search = " ".join([interpreted, *carried])
    asked = {t: w for t, w in term_weights(question).items() if len(t) >= 2 and t in reading}
    return Reading(question, cue, interpreted, search, _preferred(question, previous, cue, document_text), avoid,
                   alternative, asked)


def _preferred(question: str, previous: Turn, cue: Cue, document_text: Callable[[str], str]) -> str | None:
    """The earlier answer's document, unless the question names a subject it never mentions."""
    if previous.doc_id is None:
        return None
    form = strip_end(search_form(question))
    skip = None
    if cue is Cue.PRONOUN and has_cjk(form):
        skip = first_reference(words(form))
    # An English name never occurs in a Chinese document as written: any name is a new subject.
    named = own_nouns(form, skip=skip) if has_cjk(form) else english_names(question)
    text = search_form(document_text(previous.doc_id))
    return previous.doc_id if all(search_form(n) in text for n in named) else None


def _ranked_terms(text: str, term_weights: Callable[[str], dict[str, float]]) -> list[str]:
    weights = term_weights(text)
    return sorted(weights, key=lambda t: -weights[t])


def _top_terms(text: str, term_weights: Callable[[str], dict[str, float]], n: int, *, joined: bool) -> str:
    top = set(_ranked_terms(text, term_weights)[:n])
    form = search_form(text)
    ordered = sorted(top, key=lambda t: form.find(t))
    return ("" if joined and has_cjk(text) else " ").join(ordered)


def _ending(question: str) -> str:
    """The question's own closing mark (？ or ?), kept on the reading."""
    stripped = question.rstrip()
    return stripped[-1] if stripped and stripped[-1] in "?？" else ""


def _as_written(question: str, form_part: str) -> str:
    """``form_part`` (search form) cut from ``question`` as written, when the lengths agree."""
    form = search_form(question)
    at = form.find(form_part)
    if form_part and at >= 0 and len(form) == len(question):
        return question[at:at + len(form_part)]
    return form_part


def _swap_subject(earlier: str, subject: str | None, new: str) -> str:
    """``earlier`` asked of ``new``: a same-shaped phrase (第一点 for 第二点) or else the subject replaced."""
    if len(new) >= 2:
        for at in range(len(earlier) - len(new) + 1):
            part = earlier[at:at + len(new)]
            if part != new and search_form(part[0] + part[-1]) == search_form(new[0] + new[-1]):
                return earlier[:at] + new + earlier[at + len(new):]
    if subject and subject in earlier:
        return earlier.replace(subject, new, 1)
    return f"{new}，{earlier}" if has_cjk(earlier) else f"{earlier} ({new})"


def _swapped_part(subject: str | None, new: str) -> str | None:
    """The part of ``subject`` that ``new`` stands in for: after 卫生院的院党支部书记, 那院长呢 asks
    about the 卫生院's 院长, so a common noun takes the place of the words after the last 的; a
    name (or a subject without 的) takes the place of the whole subject."""
    if not subject or "的" not in subject:
        return subject
    ws = [w for w in words(search_form(new)) if w.text.strip()]
    head = subject.rsplit("的", 1)[1]
    return head if head and ws and all(w.flag == "n" for w in ws) else subject


def _insert_after_subject(earlier: str, subject: str | None, word: str) -> str:
    if subject and earlier.startswith(subject) and has_cjk(earlier):
        return subject + word + earlier[len(subject):]
    return f"{word}{earlier}" if has_cjk(earlier) else f"{earlier} ({word})"


def _replace_reference(asked: str, subject: str) -> str:
    """``asked`` with its pointing-back phrase (它, 该院, 这所学校, its) replaced by ``subject``."""
    if not subject:
        return asked
    if not has_cjk(asked):
        replaced, n = _EN_PRONOUN.subn(lambda m: subject + ("'s" if m[0].lower() in ("its", "their", "his", "her")
                                                            else ""), asked, count=1)
        return replaced if n else f"{asked} ({subject})"
    form = search_form(asked)
    ws = words(form)
    found = first_reference(ws)
    if found is None:
        return subject + asked
    i, n = found
    start, end = ws[i].start, ws[i + n - 1].end
    if len(form) != len(asked):
        asked = form
    head = ws[i].text
    if head == "其中":
        return asked[:start] + subject + asked[start:]  # keep the word: it says "among them"
    if n > 1 or (len(head) == 2 and head[0] in "该此这那" and head[1] not in "些个次"):
        # 这所学校, 该会议, 该院: the phrase names what the subject is; keep that much of it.
        return asked[:start] + narrow_subject(subject, ws[i + n - 1].text if n > 1 else head[1]) + asked[end:]
    if i + 1 < len(ws) and ws[i + 1].is_noun and head not in PERSONAL - {"其"}:
        return asked[:start] + subject + "的" + asked[end:]  # 这些钱 → 河北省的钱, 其院长 → …的院长
    return asked[:start] + subject + asked[end:]
