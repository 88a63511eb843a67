"""The Gradio chat over an engine: settings, chat and API endpoints.

Gradio is imported inside :func:`build_ui` only, so ``import qa.interface.ui`` (and the CLI)
stays light; :func:`respond` needs no Gradio at all (nor does :mod:`qa.interface.examples`).
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from qa.errors import FilterError, QuestionError
from qa.interface.chat_render import ERROR, REPHRASE, escape_text, render_answer, render_user_message
from qa.interface.citation import answer_to_dict
from qa.interface.examples import example_questions
from qa.interface.filter_controls import document_choices, filter_summary, filters_from_controls

if TYPE_CHECKING:
    import gradio as gr

    from qa.engine import QA

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


def questions_in(history: list[dict[str, Any]] | None) -> list[str]:
    """The user's earlier questions in a chat history, oldest first, as typed.

    Messages are shown escaped (:func:`~qa.interface.chat_render.render_user_message`) and
    Gradio may hold their content as a list of parts; both are undone here.
    """
    questions = []
    for message in history or []:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
        if isinstance(content, str) and content.strip():
            questions.append(html.unescape(content))
    return questions


def respond(engine: QA, message: str, history: list[dict[str, Any]] | None = None, k: int = 5,
            show_scores: bool = True, show_simplified: bool = False, filters: dict[str, Any] | None = None) -> str:
    """The chat reply (Markdown) to ``message``; never raises.

    Args:
        engine: The question-answering engine.
        message: The user's question.
        history: Earlier chat messages (``{"role", "content"}``); the user's earlier questions
            let a follow-up (它在哪个县？) be read in context.
        k: Number of passages to retrieve (clamped to 1..10).
        show_scores: Show confidence and passage scores.
        show_simplified: Also show a Traditional quote in Simplified when asked in Simplified.
        filters: Documents to search (:mod:`qa.index.filters`); ``None`` searches all.
    """
    refresh(engine)
    try:
        scope = {"filters": filters} if filters else {}
        answer = engine.ask(message, k=_clamp_k(k), history=questions_in(history), **scope)
        return render_answer(answer, show_scores=bool(show_scores), show_simplified=bool(show_simplified))
    except QuestionError:
        return REPHRASE
    except FilterError as exc:
        return f"<i>Check the filters in Settings: {escape_text(str(exc))}</i>"
    except Exception:
        logger.exception("Answering a question failed")
        return ERROR


def ask_json(engine: QA, question: str, k: int = 5) -> dict[str, Any]:
    """Plain-data answer for the JSON API: :func:`~qa.interface.citation.answer_to_dict`, or an error."""
    refresh(engine)
    try:
        return answer_to_dict(engine.ask(question, k=_clamp_k(k)))
    except QuestionError as exc:
        return {"question": question, "error": "question", "message": str(exc)}
    except Exception:
        logger.exception("Answering a question (JSON API) failed")
        return {"question": question, "error": "internal", "message": ERROR}


def build_ui(engine: QA, *, title: str = DEFAULT_TITLE, default_k: int = 5, concurrency_limit: int = 8,
             max_queue: int = 64, extra_tabs: Sequence[Callable[[], None]] = ()) -> gr.Blocks:
    """The chat app for ``engine``, with its queue configured; call ``launch`` on it.

    Endpoints: ``/ask`` (question, k -> reply Markdown) and ``/ask_json`` (question, k ->
    answer dict). The chat's own events are private.

    Args:
        engine: The question-answering engine (thread-safe for reads).
        title: Page title and heading.
        default_k: Initial number of passages.
        concurrency_limit: Questions answered at the same time; more wait in the queue.
            Measured with 32 simultaneous API clients on 2 cores (``python -m tests.test_load``):
            answering is CPU-bound, so 1..8 give similar throughput (12.4-14.6 answers/s with
            the default model); 4 and 8 were fastest, and 8 keeps Gradio's own work flowing.
        max_queue: Questions that may wait (at ~14 answers/s, a full queue of 64 waits ~5 s);
            beyond that Gradio refuses new ones at once rather than letting them time out.
        extra_tabs: Functions that each add a ``gr.Tab`` (e.g. :func:`qa.interface.documents_tab.documents_tab`);
            with any, the chat becomes the first tab.
    """
    import gradio as gr

    default_k = _clamp_k(default_k)
    chunks = engine.chunks

    def heading() -> str:
        passages = engine.chunks
        return (f"## {escape_text(title)}\n\nAnswers are quoted word for word from "
                f"{len({c.doc_id for c in passages})} documents ({len(passages)} passages), "
                "with where each quote comes from.")

    def chat(message: str, history: list[dict[str, Any]] | None, k: float, show_scores: bool,
             show_simplified: bool, doc_ids: list[str] | None = None, folders: list[str] | None = None,
             date_from: str = "", date_to: str = "") -> tuple[list[dict[str, Any]], str]:
        filters = filters_from_controls(doc_ids, folders, date_from, date_to)
        reply = respond(engine, message, history, int(k), show_scores, show_simplified, filters)
        history = list(history or [])
        history += [{"role": "user", "content": render_user_message(message)},
                    {"role": "assistant", "content": reply}]
        return history, ""

    def ask(question: str, k: int = default_k) -> str:
        """Answer a question with a quote from the documents (Markdown)."""
        return respond(engine, question, None, k)

    def ask_as_json(question: str, k: int = default_k) -> dict:
        """Answer a question; the answer as JSON (quote, citation, passages)."""
        return ask_json(engine, question, k)

    with gr.Blocks(title=title) as demo:
        top = gr.Markdown(heading(), elem_id="qa-heading")
        chatbot = gr.Chatbot(label="Answers", height=520, sanitize_html=True, allow_tags=False,
                             latex_delimiters=[], buttons=["copy", "copy_all"], feedback_options=None,
                             elem_id="qa-chat")
        box = gr.Textbox(placeholder="Ask a question about the documents…", show_label=False,
                         submit_btn="Ask", elem_id="qa-question", max_length=4000)
        with gr.Accordion("Settings", open=False):
            k_slider = gr.Slider(1, MAX_K, value=default_k, step=1, label="Number of passages")
            scores = gr.Checkbox(value=True, label="Show scores")
            simplified = gr.Checkbox(value=False, label="Show Simplified conversion")
            doc_pick = gr.Dropdown(choices=document_choices(engine), multiselect=True, value=[],
                                   label="Search only these documents (none chosen: all)", elem_id="qa-filter-docs")
            folder_pick = gr.Dropdown(choices=engine.folders(), multiselect=True, value=[],
                                      label="Search only these folders", elem_id="qa-filter-folders")
            with gr.Row():
                date_from = gr.Textbox(label="Dated from (YYYY, YYYY-MM or YYYY-MM-DD)", elem_id="qa-filter-from")
                date_to = gr.Textbox(label="Dated up to", elem_id="qa-filter-to")
            scope = gr.Markdown(filter_summary(None, engine), elem_id="qa-filter-summary")
        examples = example_questions(chunks)
        if examples:
            gr.Examples(examples=examples, inputs=box, label="Example questions")
        gr.ClearButton([chatbot, box], value="Clear chat")
        box.submit(chat, [box, chatbot, k_slider, scores, simplified, doc_pick, folder_pick, date_from, date_to],
                   [chatbot, box], api_visibility="private")
        controls = [doc_pick, folder_pick, date_from, date_to]
        for control in controls:
            control.change(lambda *values: filter_summary(filters_from_controls(*values), engine), controls, scope,
                           api_visibility="private")
        # Documents added or deleted since the page was built appear on the next page load.
        demo.load(lambda: (gr.Dropdown(choices=document_choices(engine)), gr.Dropdown(choices=engine.folders()),
                           heading()), None, [doc_pick, folder_pick, top], api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(ask_as_json, api_name="ask_json")
    if extra_tabs:
        demo = with_tabs(demo, title=title, extra_tabs=extra_tabs)
    demo.queue(default_concurrency_limit=concurrency_limit, max_size=max_queue)
    return demo


def with_tabs(chat: gr.Blocks, *, title: str, extra_tabs: Sequence[Callable[[], None]]) -> gr.Blocks:
    """A page with ``chat`` (its endpoints included) as the first tab, then each extra tab."""
    import gradio as gr

    with gr.Blocks(title=title) as demo:
        with gr.Tab("Chat", id="chat", elem_id="qa-chat-tab"):
            chat.render()
        for add_tab in extra_tabs:
            add_tab()
    return demo
