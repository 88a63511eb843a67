"""Does a question hold anything to search for? Refuse it before retrieval when not.

Retrieval always returns *some* passage, and a confident-looking quote for
``<script>alert(1)</script>`` or ``1`` misleads more than a refusal does. A question is
searchable when, with markup tags removed, it has a Chinese (or Japanese/Korean) character,
or a word in any script other than Latin, or at least two Latin words: one Latin token on
its own (``alert(1)``, ``Tibet``) is a keyword or a piece of code, not a question, and the
model matches it to arbitrary Chinese text.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from qa.charsets import is_cjk

# An HTML/XML tag or comment; bounded so a stray "<" in a question cannot swallow it all.
_TAG = re.compile(r"<!--.{0,500}?-->|</?[A-Za-z][^<>]{0,300}>", re.DOTALL)


class Refusal(StrEnum):
    """Why a question was refused; the interface words each reason in the user's language."""

    NOT_TEXT = "not_text"
    NO_WORDS = "no_words"
    DIGITS_ONLY = "digits_only"
    MARKUP_ONLY = "markup_only"
    SINGLE_TOKEN = "single_token"


REFUSAL_MESSAGES: dict[Refusal, str] = {
    Refusal.NOT_TEXT: "a question must be text",
    Refusal.NO_WORDS: "it has no words to search for (only punctuation or symbols)",
    Refusal.DIGITS_ONLY: "it has no words to search for, only digits and punctuation",
    Refusal.MARKUP_ONLY: "it has no words to search for, only markup or code",
    Refusal.SINGLE_TOKEN: "one Latin word or token alone is not a question; ask a full question",
}


def strip_markup(text: str) -> str:
    """``text`` without HTML/XML tags and comments (their contents stay)."""
    return _TAG.sub(" ", text)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def refusal(question: str) -> Refusal | None:
    """Why ``question`` (already cleaned of control characters) cannot be searched, or None.

    Example:
        >>> refusal("<script>alert(1)</script>")
        <Refusal.MARKUP_ONLY: 'markup_only'>
        >>> refusal("How to bake bread?") is None, refusal("谁？") is None
        (True, True)
    """
    stripped = strip_markup(question)
    had_markup = stripped != question
    letters = [ch for ch in stripped if _is_letter(ch)]
    if not letters:
        if had_markup:
            return Refusal.MARKUP_ONLY
        if any(unicodedata.category(ch).startswith("N") for ch in stripped):
            return Refusal.DIGITS_ONLY
        return Refusal.NO_WORDS
    if any(is_cjk(ch) or not _is_latin(ch) for ch in letters):
        return None
    words = [token for token in stripped.split() if any(_is_letter(ch) for ch in token)]
    if len(words) >= 2:
        return None
    return Refusal.MARKUP_ONLY if had_markup else Refusal.SINGLE_TOKEN
