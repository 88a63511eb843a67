"""The chat page's layout and events (Gradio): tabs, header, chat, input, settings, source view.

Built by :func:`qa.interface.ui.build_ui`; only this module and ``ui.build_ui`` import Gradio.
Every label comes from :mod:`qa.interface.i18n` and is set again when the language changes;
the header and the examples are set again when the index version changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import gradio as gr

from qa.interface.chat_render import Script, escape_text, render_user_message
from qa.interface.conversation import Conversation, Conversations
from qa.interface.filter_controls import document_choices, filter_summary, filters_from_controls
from qa.interface.i18n import LANG_NAMES, Lang, labels, pick_language, text
from qa.interface.index_view import IndexView
from qa.interface.page_script import COUNTER_JS, CSS, JS, SUBMIT_JS
from qa.interface.source_view import missing_source, parse_source_href, render_source

if TYPE_CHECKING:
    from qa.engine import QA

# How often an open page checks for a rebuilt index (one cheap event per page and period).
REFRESH_SECONDS = 5.0
SCRIPTS = (Script.ORIGINAL, Script.SIMPLIFIED, Script.TRADITIONAL)


def _lang(value: Any) -> str:
    return value if value in {lang.value for lang in Lang} else Lang.EN.value


def header_markdown(lang: str, title: str | None, documents: int, passages: int) -> str:
    """The page heading and the one-line description with the live counts."""
    heading = escape_text(title) if title else text(lang, "title")
    return f"## {heading}\n\n{text(lang, 'intro', documents=f'{documents:,}', passages=f'{passages:,}')}"


def build_chat_page(engine: QA, *, title: str | None, default_k: int, concurrency_limit: int, max_queue: int,
                    replies: Any, extra_tabs: Sequence[Callable[[gr.Radio], None]] = (),
                    view: IndexView | None = None) -> gr.Blocks:
    """The Blocks app; see :func:`qa.interface.ui.build_ui` for the arguments.

    ``replies`` is the :mod:`qa.interface.ui` module (``respond``, ``ask_json``, ``refresh``,
    ``MAX_K``), passed in rather than imported so the two modules do not import each other.
    """
    respond, ask_json, refresh = replies.respond, replies.ask_json, replies.refresh
    if view is None:
        view = IndexView(engine)
        view.warm()
    limit = engine.settings.max_question_chars
    facts = view.facts(examples=False)  # the page's load event shows the examples once checked
    sessions = Conversations()

    def source(asked: dict[str, Any]) -> str:
        """HTML of the document a citation link names, for the side view.

        The page script sends one object, ``{"href": ..., "lang": ...}`` (a server function
        of ``gr.HTML`` gets its arguments as one value).
        """
        asked = asked if isinstance(asked, dict) else {"href": asked}
        lang = _lang(asked.get("lang"))
        request = parse_source_href(str(asked.get("href", "")))
        current = view.facts()
        chunk = current.chunks.get(request.chunk_id) if request else None
        if request is None or chunk is None:
            return missing_source(lang)
        return render_source(engine.document(chunk.doc_id), current.by_document[chunk.doc_id], request, lang=lang)

    with gr.Blocks(title=title or text(Lang.EN, "title"), fill_height=True) as demo:
        version = gr.State(facts.version)
        with gr.Row(equal_height=True):
            header = gr.Markdown(header_markdown(Lang.EN, title, facts.documents, facts.passages),
                                 elem_id="qa-heading")
        gr.HTML("", elem_id="qa-source", js_on_load=JS, server_functions=[source], head=CSS,
                apply_default_css=False, padding=False, container=False)
        with gr.Tabs(elem_id="qa-tabs"):
            with gr.Tab(text(Lang.EN, "chat_tab"), id="chat", elem_id="qa-chat-tab") as chat_tab:
                chatbot = gr.Chatbot(label=text(Lang.EN, "chat"), show_label=False, height="70vh",
                                     autoscroll=False, sanitize_html=True, allow_tags=False, latex_delimiters=[],
                                     buttons=["copy", "copy_all"], feedback_options=None, elem_id="qa-chat",
                                     placeholder=text(Lang.EN, "chat_empty"))
                box = gr.Textbox(placeholder=text(Lang.EN, "placeholder"), show_label=False,
                                 submit_btn=text(Lang.EN, "ask"), elem_id="qa-question", max_length=limit,
                                 lines=1, max_lines=6)
                with gr.Row():
                    counter = gr.HTML(f"<span>0 / {limit:,}</span>", elem_id="qa-counter", padding=False,
                                      container=False)
                    clear = gr.Button(text(Lang.EN, "clear"), elem_id="qa-clear", size="sm", variant="secondary",
                                      scale=0, min_width=100)
                examples = gr.Dataset(components=[gr.Textbox(visible=False)], samples=[[q] for q in facts.examples],
                                      label=text(Lang.EN, "examples"), elem_id="qa-examples", type="values")
                with gr.Accordion(text(Lang.EN, "settings"), open=False, elem_id="qa-settings") as settings:
                    language = gr.Radio([(name, lang.value) for lang, name in LANG_NAMES.items()],
                                        value=Lang.EN.value, label=text(Lang.EN, "language"),
                                        info=text(Lang.EN, "language_info"), elem_id="qa-lang")
                    k_slider = gr.Slider(1, replies.MAX_K, value=default_k, step=1, label=text(Lang.EN, "k"),
                                         info=text(Lang.EN, "k_info"), elem_id="qa-k")
                    scores = gr.Checkbox(value=False, label=text(Lang.EN, "scores"),
                                         info=text(Lang.EN, "scores_info"), elem_id="qa-scores")
                    script = gr.Radio([(text(Lang.EN, f"script_{s.value}"), s.value) for s in SCRIPTS],
                                      value=Script.ORIGINAL.value, label=text(Lang.EN, "script"),
                                      info=text(Lang.EN, "script_info"), elem_id="qa-script")
                    doc_pick = gr.Dropdown(choices=document_choices(engine), multiselect=True, value=[],
                                           label=text(Lang.EN, "filter_docs"), info=text(Lang.EN, "filter_docs_info"),
                                           elem_id="qa-filter-docs")
                    folder_pick = gr.Dropdown(choices=engine.folders(), multiselect=True, value=[],
                                              label=text(Lang.EN, "filter_folders"),
                                              info=text(Lang.EN, "filter_folders_info"), elem_id="qa-filter-folders")
                    with gr.Row():
                        date_from = gr.Textbox(label=text(Lang.EN, "date_from"), info=text(Lang.EN, "date_from_info"),
                                               elem_id="qa-filter-from")
                        date_to = gr.Textbox(label=text(Lang.EN, "date_to"), info=text(Lang.EN, "date_to_info"),
                                             elem_id="qa-filter-to")
                    scope = gr.Markdown(filter_summary(None, engine), elem_id="qa-filter-summary")
            for add_tab in extra_tabs:
                add_tab(language)  # each tab follows the page's language switch

        def relabel(lang: str, shown_version: str) -> list[Any]:
            lang = _lang(lang)
            words = labels(lang)
            current = view.facts()
            return [
                gr.update(value=header_markdown(lang, title, current.documents, current.passages)),
                gr.update(label=words["chat_tab"]),
                gr.update(label=words["chat"], placeholder=words["chat_empty"]),
                gr.update(placeholder=words["placeholder"], submit_btn=words["ask"]),
                gr.update(value=words["clear"]),
                gr.update(label=words["examples"], samples=[[q] for q in current.examples]),
                gr.update(label=words["settings"]),
                gr.update(label=words["language"], info=words["language_info"]),
                gr.update(label=words["k"], info=words["k_info"]),
                gr.update(label=words["scores"], info=words["scores_info"]),
                gr.update(label=words["script"], info=words["script_info"],
                          choices=[(words[f"script_{s.value}"], s.value) for s in SCRIPTS]),
                # Documents added or deleted since the page was built are offered after a rebuild.
                gr.update(label=words["filter_docs"], info=words["filter_docs_info"], choices=document_choices(engine)),
                gr.update(label=words["filter_folders"], info=words["filter_folders_info"], choices=engine.folders()),
                gr.update(label=words["date_from"], info=words["date_from_info"]),
                gr.update(label=words["date_to"], info=words["date_to_info"]),
                current.version,
            ]

        labelled = [header, chat_tab, chatbot, box, clear, examples, settings, language, k_slider, scores, script,
                    doc_pick, folder_pick, date_from, date_to, version]
        controls = [doc_pick, folder_pick, date_from, date_to]

        def on_load(shown_version: str, request: gr.Request) -> list[Any]:
            # Labels in the browser's language, and the counts and examples of the index as it is
            # now (documents may have been added or deleted since the page was built).
            headers = getattr(request, "headers", None) or {}
            lang = pick_language(headers.get("accept-language")).value
            return [lang, *relabel(lang, shown_version)]

        def on_tick(lang: str, shown_version: str) -> list[Any]:
            refresh(engine)
            if engine.version == shown_version:
                return [gr.skip()] * len(labelled)
            return relabel(lang, shown_version)

        def chat_of(request: gr.Request | None) -> Conversation:
            # A caller without a session (no request) gets a chat of its own.
            session = getattr(request, "session_hash", None)
            return sessions.get(session) if session else Conversation()

        def add_question(message: str, request: gr.Request) -> Any:
            if not isinstance(message, str) or not message.strip():
                return gr.skip()  # nothing to send: no empty bubble
            chat = chat_of(request)
            chat.add(message, render_user_message(message))
            return chat.messages()

        def answer_waiting(k: float, show_scores: bool, script_choice: str, lang: str,
                           doc_ids: list[str] | None, folders: list[str] | None, low: str | None,
                           high: str | None, request: gr.Request) -> list[dict[str, str]]:
            chat = chat_of(request)
            titles = view.facts().titles
            filters = filters_from_controls(doc_ids, folders, low, high)
            while (turn := chat.claim()) is not None:
                reply = respond(engine, turn.question, chat.earlier_questions(turn), int(k), bool(show_scores), False,
                                filters, lang=_lang(lang), script=script_choice or Script.ORIGINAL, titles=titles)
                chat.answer(turn, reply)
            return chat.messages()

        def clear_chat(request: gr.Request) -> list[dict[str, str]]:
            chat_of(request).clear()
            return []

        def pick_example(sample: Any) -> str:
            return sample[0] if isinstance(sample, list | tuple) and sample else str(sample or "")

        def ask(question: str, k: int = default_k) -> str:
            """Answer a question with a quote from the documents (Markdown)."""
            return respond(engine, question, None, k, titles=view.facts().titles)

        def ask_as_json(question: str, k: int = default_k) -> dict:
            """Answer a question; the answer as JSON (quote, citation, passages)."""
            return ask_json(engine, question, k)

        demo.load(on_load, version, [language, *labelled], api_visibility="private", queue=False).then(
            None, language, None, js="(lang) => { window.__qaLang = lang; document.documentElement.lang = lang; }",
            api_visibility="private")
        language.change(relabel, [language, version], labelled, api_visibility="private", queue=False).then(
            None, language, None, js="(lang) => { window.__qaLang = lang; document.documentElement.lang = lang; }",
            api_visibility="private")
        gr.Timer(REFRESH_SECONDS).tick(on_tick, [language, version], labelled, api_visibility="private",
                                       show_progress="hidden")
        # Any change of the box (typing, pasting, an example, a submit) updates the counter.
        box.change(None, box, counter, js=COUNTER_JS % limit, api_visibility="private", queue=False)
        # The box is emptied in the browser as the question is sent (no server round trip), so a
        # question typed right after a submit is never cleared by the first one's reply.
        box.submit(add_question, box, chatbot, js=SUBMIT_JS, queue=False, trigger_mode="multiple",
                   api_visibility="private", show_progress="hidden").then(
            answer_waiting, [k_slider, scores, script, language, *controls], chatbot,
            api_visibility="private",
            show_progress="hidden")
        def summarize(doc_ids: Any, folders: Any, low: Any, high: Any, lang: str) -> str:
            return filter_summary(filters_from_controls(doc_ids, folders, low, high), engine, lang=_lang(lang))

        for control in [*controls, language]:
            control.change(summarize, [*controls, language], scope, api_visibility="private", queue=False)
        clear.click(clear_chat, None, chatbot, api_visibility="private", queue=False)
        chatbot.clear(clear_chat, None, chatbot, api_visibility="private", queue=False)
        examples.click(pick_example, examples, box, api_visibility="private", queue=False)
        def forget_chat(request: gr.Request) -> None:
            if getattr(request, "session_hash", None):
                sessions.drop(request.session_hash)

        demo.unload(forget_chat)
        gr.api(ask, api_name="ask")
        gr.api(ask_as_json, api_name="ask_json")
    demo.queue(default_concurrency_limit=concurrency_limit, max_size=max_queue)
    return demo
