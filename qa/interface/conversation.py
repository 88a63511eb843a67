"""One browser session's chat: questions in the order asked, each answered exactly once.

The chat box may be submitted again while an answer is being computed. Gradio gives every
event a snapshot of its inputs, so two overlapping events that each append to the chat they
were given would overwrite each other and lose a question. The conversation is therefore
kept here, in one object per session, changed only under its lock: a submit appends the
question with a placeholder at once, and any answering event answers every question still
waiting, in order.

The objects are held by :class:`Conversations`, keyed by Gradio's session hash, and not in a
``gr.State``: Gradio 6 creates a session's state on first use without a lock, so a question
sent while the page's load event is still running (a fast typist, a slow server) could be
added to one copy of the session and answered from another, and vanish from the chat.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

PENDING = '<span class="qa-pending">…</span>'


@dataclass
class Turn:
    """A question as typed, its message as shown, and its reply (``None`` while waiting)."""

    question: str
    shown: str
    reply: str | None = None
    claimed: bool = False


class Conversation:
    """The turns of one chat session; safe to share between the events of that session.

    Example:
        >>> chat = Conversation()
        >>> turn = chat.add("河北投入多少？", "河北投入多少？")
        >>> chat.claim() is turn, chat.claim() is None
        (True, True)
        >>> chat.answer(turn, "1950萬元"); chat.messages()[-1]["content"]
        '1950萬元'
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._turns: list[Turn] = []

    def __deepcopy__(self, memo: dict[int, Any]) -> Conversation:
        # Gradio may copy state values; a session's conversation must stay one object.
        return self

    def add(self, question: str, shown: str) -> Turn:
        """Append a question; it shows at once with a placeholder reply."""
        turn = Turn(question, shown)
        with self._lock:
            self._turns.append(turn)
        return turn

    def claim(self) -> Turn | None:
        """The oldest question nobody is answering yet (now claimed), or None."""
        with self._lock:
            for turn in self._turns:
                if turn.reply is None and not turn.claimed:
                    turn.claimed = True
                    return turn
        return None

    def answer(self, turn: Turn, reply: str) -> None:
        """Set the reply of a claimed question."""
        with self._lock:
            turn.reply = reply

    def earlier_questions(self, turn: Turn) -> list[str]:
        """The questions asked before ``turn``, oldest first (for follow-up questions)."""
        with self._lock:
            index = next((i for i, t in enumerate(self._turns) if t is turn), len(self._turns))
            return [t.question for t in self._turns[:index]]

    def clear(self) -> None:
        """Forget every turn (a reply still being computed is dropped when it arrives)."""
        with self._lock:
            self._turns = []

    def messages(self) -> list[dict[str, str]]:
        """The chat as the chat widget shows it (``role``/``content`` messages)."""
        with self._lock:
            out = []
            for turn in self._turns:
                out.append({"role": "user", "content": turn.shown})
                out.append({"role": "assistant", "content": PENDING if turn.reply is None else turn.reply})
            return out


class Conversations:
    """Every open chat session's :class:`Conversation`, by session key; safe across threads.

    The least recently used session is forgotten beyond ``max_sessions`` (a tab left open
    that long starts a fresh chat), so memory stays bounded even when tabs never say goodbye.

    Example:
        >>> sessions = Conversations()
        >>> sessions.get("tab-1") is sessions.get("tab-1"), sessions.get("tab-1") is sessions.get("tab-2")
        (True, False)
        >>> sessions.drop("tab-1"); len(sessions)
        1
    """

    def __init__(self, *, max_sessions: int = 2000) -> None:
        if not isinstance(max_sessions, int) or max_sessions < 1:
            raise ValueError(f"max_sessions={max_sessions!r} is not allowed; use a whole number >= 1")
        self._max = max_sessions
        self._lock = threading.Lock()
        self._chats: OrderedDict[str, Conversation] = OrderedDict()

    def get(self, session: str) -> Conversation:
        """The conversation of ``session``, created on first use."""
        with self._lock:
            chat = self._chats.get(session)
            if chat is None:
                chat = self._chats[session] = Conversation()
                while len(self._chats) > self._max:
                    self._chats.popitem(last=False)
            else:
                self._chats.move_to_end(session)
            return chat

    def drop(self, session: str) -> None:
        """Forget ``session`` (its tab was closed); unknown sessions are ignored."""
        with self._lock:
            self._chats.pop(session, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._chats)
