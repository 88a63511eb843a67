"""The Gradio chat over an engine: replies, the JSON API function, and the app's entry point.

Gradio is imported inside :func:`build_ui` only (the page itself is laid out in
:mod:`qa.interface.chat_page`), so ``import qa.interface.ui`` (and the CLI) stays light;
:func:`respond` needs no Gradio at all (nor does :mod:`qa.interface.examples`).
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qa.errors import FilterError, IndexUnavailableError, QuestionError
from qa.interface.chat_render import ERROR, Script, escape_text, render_answer
from qa.interface.citation import answer_json
from qa.interface.i18n import labels, text
from qa.interface.titles import answer_titles

if TYPE_CHECKING:
    import gradio as gr

    from qa.engine import QA
    from qa.interface.index_view import IndexView

logger = logging.getLogger(__name__)

MAX_K = 10
DEFAULT_TITLE = "Ask the documents"

# Only one thread checks for a newer index at a time; the others answer from the
# version they have rather than queueing behind a reload.
_RELOAD_LOCK = threading.Lock()


def _clamp_k(k: Any) -> int:
    try:
        value = int(k)
    except (TypeError, ValueError):
        return 5
    return min(max(value, 1), MAX_K)


def refresh(engine: QA) -> None:
    """Pick up a finished rebuild of the index; never fails a question over it."""
    if not _RELOAD_LOCK.acquire(blocking=False):
        return
    try:
        engine.reload_if_changed()
    except Exception:
        logger.exception("Could not switch to the newer index; still answering from the one loaded")
    finally:
        _RELOAD_LOCK.release()


def _refusal_reply(exc: QuestionError, lang: str) -> str:
    reason = f"refused_{exc.reason}" if exc.reason else "refused_no_words"
    if reason not in labels(lang):
        reason = "refused_no_words"
    return escape_text(text(lang, "refused", reason=text(lang, reason)))


def questions_in(history: list[Any] | None) -> list[str]:
    """The user's earlier questions in a chat history, oldest first, as typed.

    Items are questions (``str``) or chat messages (``{"role", "content"}``); messages are
    shown escaped (:func:`~qa.interface.chat_render.render_user_message`) and Gradio may hold
    their content as a list of parts; both are undone here.
    """
    questions = []
    for message in history or []:
        if isinstance(message, str):
            if message.strip():
                questions.append(message)
            continue
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
        if isinstance(content, str) and content.strip():
            questions.append(html.unescape(content))
    return questions


def respond(engine: QA, message: str, history: list[Any] | None = None, k: int = 5,
            show_scores: bool = False, show_simplified: bool = False, filters: dict[str, Any] | None = None, *,
            lang: str = "en", script: str = Script.ORIGINAL, titles: Mapping[str, str] | None = None) -> str:
    """The chat reply (Markdown) to ``message``; never raises.

    Args:
        engine: The question-answering engine.
        message: The user's question.
        history: Earlier questions (``str``) or chat messages (``{"role", "content"}``), oldest
            first; the user's earlier questions let a follow-up (它在哪个县？) be read in context.
        k: Number of passages to retrieve (clamped to 1..10).
        show_scores: Show the confidence number and passage scores, explained.
        show_simplified: Also show a Traditional quote in Simplified when asked in Simplified.
        filters: Documents to search (:mod:`qa.index.filters`); ``None`` searches all.
        lang: Interface language of the reply (:mod:`qa.interface.i18n`).
        script: Add the quote converted to this script (:class:`~qa.interface.chat_render.Script`).
        titles: Display titles by document id; by default those of the answer's untitled documents.
    """
    refresh(engine)
    try:
        scope = {"filters": filters} if filters else {}
        answer = engine.ask(message, k=_clamp_k(k), history=questions_in(history), **scope)
        if titles is None:
            titles = answer_titles(engine, answer)
        return render_answer(answer, show_scores=bool(show_scores), show_simplified=bool(show_simplified),
                             script=script, lang=lang, titles=titles)
    except QuestionError as exc:
        return _refusal_reply(exc, lang)
    except FilterError as exc:
        return f"<i>{escape_text(text(lang, 'filter_error', error=str(exc)))}</i>"
    except IndexUnavailableError as exc:
        # The server behind the index went away: say so and what to do, no traceback.
        logger.error("%s", exc)
        return f"<i>{escape_text(text(lang, 'index_unavailable', error=str(exc)))}</i>"
    except Exception:
        logger.exception("Answering a question failed")
        return escape_text(text(lang, "error"))


def ask_json(engine: QA, question: str, k: int = 5) -> dict[str, Any]:
    """Plain-data answer for the JSON API: :func:`~qa.interface.citation.answer_json`, or an error."""
    refresh(engine)
    try:
        answer = engine.ask(question, k=_clamp_k(k))
        return answer_json(engine, answer)
    except QuestionError as exc:
        return {"question": question, "error": "question", "reason": exc.reason, "message": str(exc)}
    except IndexUnavailableError as exc:
        logger.error("%s", exc)
        return {"question": question, "error": "index_unavailable", "message": str(exc)}
    except Exception:
        logger.exception("Answering a question (JSON API) failed")
        return {"question": question, "error": "internal", "message": ERROR}


def build_ui(engine: QA, *, title: str | None = None, default_k: int = 5, concurrency_limit: int = 8,
             max_queue: int = 64, extra_tabs: Sequence[Callable[[Any], None]] = (),
             view: IndexView | None = None) -> gr.Blocks:
    """The chat app for ``engine``, with its queue configured; call ``launch`` on it.

    The page is a set of tabs (the chat first); ``extra_tabs`` add more, each called inside
    the ``gr.Tabs`` block. Labels follow the browser's language (English,
    简体中文, 繁體中文) and can be switched on the page. Endpoints: ``/ask`` (question, k ->
    reply Markdown) and ``/ask_json`` (question, k -> answer dict); the page's own events are
    private.

    Args:
        engine: The question-answering engine (thread-safe for reads).
        title: Page title and heading; default: "Ask the documents" in the page's language.
        default_k: Initial number of passages.
        concurrency_limit: Questions answered at the same time; more wait in the queue.
            Measured with 32 simultaneous API clients on 2 cores (``python -m tests.test_load``):
            answering is CPU-bound, so 1..8 give similar throughput (12.4-14.6 answers/s with
            the default model); 4 and 8 were fastest, and 8 keeps Gradio's own work flowing.
        max_queue: Questions that may wait (at ~14 answers/s, a full queue of 64 waits ~5 s);
            beyond that Gradio refuses new ones at once rather than letting them time out.
        extra_tabs: Functions that each add a ``gr.Tab`` (e.g. :func:`qa.interface.documents_tab.documents_tab`);
            each gets the page's language control (a ``gr.Radio`` of :class:`qa.interface.i18n.Lang`
            values) so its words follow the page's language.
        view: The page's facts about the index; when given, the caller starts checking the
            example questions (:meth:`~qa.interface.index_view.IndexView.warm`) when it likes,
            e.g. once the server is up, so the check does not slow the start. Default: a view
            of ``engine`` that starts checking at once.
    """
    import sys

    from qa.interface.chat_page import build_chat_page

    return build_chat_page(engine, title=title, default_k=_clamp_k(default_k), concurrency_limit=concurrency_limit,
                           max_queue=max_queue, replies=sys.modules[__name__], extra_tabs=extra_tabs,
                           view=view)
