"""Interface languages, the confidence words and one session's conversation (no browser)."""

from __future__ import annotations

import threading

import pytest

from qa.interface.confidence import HIGH_CONFIDENCE, MEDIUM_CONFIDENCE, Confidence, confidence_level
from qa.interface.conversation import PENDING, Conversation, Conversations
from qa.interface.i18n import EN, ZH_HANS, Lang, labels, pick_language


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", Lang.ZH_HANS), ("zh-TW,zh;q=0.9", Lang.ZH_HANT), ("zh-HK", Lang.ZH_HANT),
    ("zh-Hant-TW", Lang.ZH_HANT), ("zh", Lang.ZH_HANS), ("en-US,en;q=0.9", Lang.EN), ("fr-FR,de;q=0.8", Lang.EN),
    ("en;q=0.5,zh-CN;q=0.9", Lang.ZH_HANS), ("", Lang.EN), (None, Lang.EN), ("zh-CN;q=bad", Lang.ZH_HANS),
])
def test_language_follows_the_browser(header: str | None, lang: Lang) -> None:
    assert pick_language(header) is lang


def test_every_language_has_every_label() -> None:
    assert set(EN) == set(ZH_HANS) == set(labels(Lang.ZH_HANT))
    assert labels(Lang.ZH_HANT)["settings"] == "設定" and labels(Lang.ZH_HANS)["settings"] == "设置"
    for lang in Lang:  # every placeholder in English exists in the other languages too
        for key, english in EN.items():
            assert set(_fields(english)) == set(_fields(labels(lang)[key])), (lang, key)


def _fields(template: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def test_confidence_levels_have_one_home() -> None:
    assert confidence_level(HIGH_CONFIDENCE) is Confidence.HIGH
    assert confidence_level(HIGH_CONFIDENCE - 0.01) is Confidence.MEDIUM
    assert confidence_level(MEDIUM_CONFIDENCE) is Confidence.MEDIUM
    assert confidence_level(0.0) is Confidence.LOW
    assert [labels(Lang.ZH_HANS)[c.value] for c in Confidence] == ["高", "中", "低"]


def test_every_question_gets_its_reply_once_in_order() -> None:
    chat = Conversation()
    turns = [chat.add(f"q{i}", f"q{i}") for i in range(20)]
    answered: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while (turn := chat.claim()) is not None:
            chat.answer(turn, f"a-{turn.question}")
            with lock:
                answered.append(turn.question)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answered) == sorted(t.question for t in turns) and len(answered) == 20
    messages = chat.messages()
    assert [m["content"] for m in messages[1::2]] == [f"a-q{i}" for i in range(20)]
    assert chat.earlier_questions(turns[2]) == ["q0", "q1"]
    chat.add("late", "late")
    assert chat.messages()[-1]["content"] == PENDING
    chat.clear()
    assert chat.messages() == []


def test_each_session_keeps_one_conversation_even_when_its_first_events_race() -> None:
    sessions = Conversations(max_sessions=3)
    seen: list[Conversation] = []
    barrier = threading.Barrier(8)

    def first_event() -> None:
        barrier.wait()  # eight events of one new session at the same instant
        seen.append(sessions.get("new-tab"))

    threads = [threading.Thread(target=first_event) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(chat is seen[0] for chat in seen)
    seen[0].add("q", "q")
    assert sessions.get("new-tab").messages()[0]["content"] == "q"


def test_sessions_are_bounded_and_forgotten_on_close() -> None:
    sessions = Conversations(max_sessions=2)
    first = sessions.get("a")
    sessions.get("b")
    assert sessions.get("a") is first  # "a" is now the most recently used
    sessions.get("c")  # forgets "b", the least recently used
    assert len(sessions) == 2 and sessions.get("a") is first
    sessions.drop("a")
    sessions.drop("never-seen")
    assert len(sessions) == 1
    assert sessions.get("a") is not first and sessions.get("a").messages() == []  # a new, empty chat
    with pytest.raises(ValueError, match="max_sessions=0"):
        Conversations(max_sessions=0)
