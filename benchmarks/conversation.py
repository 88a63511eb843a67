"""The ``conversation`` section: follow-up questions on ``corpus/`` (tests/data/conversations.jsonl).

Each conversation is asked turn by turn with its history (the earlier :class:`~qa.types.Answer`
objects, as the chat passes them), and each turn again on its own. Reported: answer@1 of the
follow-up turns with and without history, answer@1 of the stand-alone turns with and without
history (history must never make one worse), and how often the stand-alone/follow-up decision
agrees with the label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.caching import CachingEncoder
from benchmarks.config import BenchConfig
from benchmarks.hash_encoder import get_encoder
from benchmarks.timing import REPO
from qa.answer.followup import follow_up_cue
from qa.engine import QA
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Answer

CONVERSATIONS = REPO / "tests" / "data" / "conversations.jsonl"
# Written in the same version as the rules it checks: t01-t12 after the asked-words rule was
# measured (t01 and t02 then showed two reading fixes); e01-e05 (English) before the English
# follow-up changes, which three of them then showed.
CONVERSATIONS_TEST = REPO / "tests" / "data" / "conversations_test.jsonl"
# Simplified, Traditional and English, written at the start of a later round before its changes
# (c03 and c07 then showed English "he" and "its").
CONVERSATIONS_MIXED = REPO / "tests" / "data" / "conversations_mixed.jsonl"


@dataclass(frozen=True)
class ConversationTurn:
    """One labelled turn: the question, the document (id prefix) and answer texts, and whether
    a reader needs the earlier turns to understand it."""

    question: str
    doc: str
    answers: tuple[str, ...]
    follow_up: bool


@dataclass(frozen=True)
class Conversation:
    """A labelled conversation of two or three turns."""

    id: str
    turns: tuple[ConversationTurn, ...]


def load_conversations(path: Path = CONVERSATIONS) -> list[Conversation]:
    """The conversation set, one JSON object per line: ``{"id", "turns": [{"q", "doc", "answers", "follow_up"}]}``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            turns = tuple(ConversationTurn(t["q"], t["doc"], tuple(t["answers"]), bool(t["follow_up"]))
                          for t in row["turns"])
            out.append(Conversation(row["id"], turns))
    return out


def is_correct(answer: Answer, turn: ConversationTurn) -> bool:
    """The quote comes from the labelled document and contains one of the answer texts."""
    quote = answer.quote
    if not answer.found or quote is None:
        return False
    if quote.chunk.doc_id != turn.doc and not quote.chunk.doc_id.startswith(turn.doc + "_"):
        return False
    return any(search_form(a) in search_form(quote.text) for a in turn.answers)


def evaluate_conversations(engine: QA, conversations: list[Conversation], *, k: int = 5) -> dict[str, Any]:
    """Ask every conversation with and without history; scores and per-turn records."""
    records = []
    for conv in conversations:
        history: list[Answer] = []
        for number, turn in enumerate(conv.turns, start=1):
            with_history = engine.ask(turn.question, k=k, history=history)
            alone = engine.ask(turn.question, k=k) if history else with_history
            records.append({
                "conversation": conv.id, "turn": number, "question": turn.question,
                "follow_up": turn.follow_up, "detected": history != [] and follow_up_cue(turn.question) is not None,
                "interpreted": with_history.interpreted,
                "correct_with_history": is_correct(with_history, turn), "correct_alone": is_correct(alone, turn),
            })
            history.append(with_history)
    follow = [r for r in records if r["follow_up"]]
    later_alone = [r for r in records if not r["follow_up"] and r["turn"] > 1]

    def share(rows: list[dict[str, Any]], key: str) -> float:
        return sum(r[key] for r in rows) / max(len(rows), 1)

    later = [r for r in records if r["turn"] > 1]
    return {
        "conversations": len(conversations),
        "turns": len(records),
        "follow_up_turns": len(follow),
        "follow_up_answer_at_1": share(follow, "correct_with_history"),
        "follow_up_answer_at_1_without_history": share(follow, "correct_alone"),
        "standalone_later_turns": len(later_alone),
        "standalone_answer_at_1": share(later_alone, "correct_with_history"),
        "standalone_answer_at_1_without_history": share(later_alone, "correct_alone"),
        "standalone_worse_with_history": sum(r["correct_alone"] and not r["correct_with_history"]
                                             for r in later_alone),
        "decision_agreement": sum(r["detected"] == r["follow_up"] for r in later) / max(len(later), 1),
        "records": records,
    }


def run_section(config: BenchConfig) -> dict[str, Any]:
    """Build (or reuse) the corpus index and evaluate the conversation set on it."""
    base = get_encoder(config.model)
    encoder = CachingEncoder(base)
    name = "smoke-conversation" if config.smoke else "seed"
    engine = QA.build(REPO / "corpus", config.cache / name, encoder=encoder)
    return {"model": base.model_id, "settings": Settings().to_dict(), "documents": len(engine.documents),
            "chunks": len(engine.chunks), **evaluate_conversations(engine, load_conversations()),
            "test": evaluate_conversations(engine, load_conversations(CONVERSATIONS_TEST)),
            "mixed": evaluate_conversations(engine, load_conversations(CONVERSATIONS_MIXED))}


def render(sec: dict[str, Any]) -> str:
    """Markdown of the section: the figures, then every follow-up turn as understood."""
    from benchmarks.report import table

    rows = [
        ["follow-up turns", sec["follow_up_turns"], sec["follow_up_answer_at_1"],
         sec["follow_up_answer_at_1_without_history"]],
        ["stand-alone turns after the first", sec["standalone_later_turns"], sec["standalone_answer_at_1"],
         sec["standalone_answer_at_1_without_history"]],
    ]
    out = [
        f"Model `{sec['model']}`; {sec['conversations']} conversations ({sec['turns']} turns, Simplified and "
        f"Traditional, some changing topic) from `tests/data/conversations.jsonl` on `corpus/` "
        f"({sec['documents']} documents, {sec['chunks']} chunks). Each turn is asked with the earlier answers "
        "as history and again on its own; answer@1: the quote is from the labelled document and contains an "
        "answer text.\n\n",
        table(["turns", "count", "answer@1 with history", "answer@1 without"], rows),
        f"\nStand-alone turns answered worse with history than without: **{sec['standalone_worse_with_history']}**. "
        f"Stand-alone/follow-up decision agrees with the labels on {sec['decision_agreement']:.0%} of later turns.\n\n",
        _understood(sec["records"]),
    ]
    for key, title, path, about in (
            ("test", "Test conversations", "conversations_test.jsonl",
             "written in an earlier version: t01 and t02 showed two reading fixes, and e02, e03 and e05 the "
             "English follow-up changes; the rest were never tuned on"),
            ("mixed", "Mixed conversations", "conversations_mixed.jsonl",
             "Simplified, Traditional and English, written before this version's changes; c03 and c07 showed "
             "English \"he\" and \"its\"")):
        extra = sec.get(key)
        if extra:
            out += [
                f"\n**{title}** (`tests/data/{path}`: {extra['conversations']} conversations, "
                f"{extra['follow_up_turns']} follow-up turns, {about}): "
                f"follow-up answer@1 **{extra['follow_up_answer_at_1']:.3f}** with history, "
                f"{extra['follow_up_answer_at_1_without_history']:.3f} without.\n\n",
                _understood(extra["records"]),
            ]
    return "".join(out)


def _understood(records: list[dict[str, Any]]) -> str:
    from benchmarks.report import table

    return "".join([
        "<details><summary>Follow-up turns as understood</summary>\n\n",
        table(["conv.", "question", "understood as", "correct"],
              [[r["conversation"], r["question"], r["interpreted"] or "(stood alone)",
                "yes" if r["correct_with_history"] else "**no**"] for r in records if r["follow_up"]]),
        "\n</details>\n",
    ])
