"""A quote's confidence as a word a person can read: high, medium or low.

``Quote.score`` is the answer engine's confidence in [0, 1] (calibrated by the answer stage,
so a score of 0.9 should be right about nine times in ten). People read three levels more
reliably than two decimals, so the chat shows the word and keeps the number for a hover.
"""

from __future__ import annotations

from enum import StrEnum

# Lower bounds of the levels; one place so the chat, the CLI and the examples agree.
HIGH_CONFIDENCE = 0.8
MEDIUM_CONFIDENCE = 0.5


class Confidence(StrEnum):
    """Confidence levels; the values are the i18n keys of their words."""

    HIGH = "conf_high"
    MEDIUM = "conf_medium"
    LOW = "conf_low"


def confidence_level(score: float) -> Confidence:
    """The level of a confidence ``score`` in [0, 1].

    Example:
        >>> confidence_level(0.91), confidence_level(0.6), confidence_level(0.2)
        (<Confidence.HIGH: 'conf_high'>, <Confidence.MEDIUM: 'conf_medium'>, <Confidence.LOW: 'conf_low'>)
    """
    if score >= HIGH_CONFIDENCE:
        return Confidence.HIGH
    if score >= MEDIUM_CONFIDENCE:
        return Confidence.MEDIUM
    return Confidence.LOW
