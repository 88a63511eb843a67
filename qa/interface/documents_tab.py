"""The Documents tab and the document API endpoints of the app (Gradio).

The tab lists the indexed documents, takes uploads (several files, drag and drop) and
deletes; a timer shows the background indexing until the new index is swapped in. The
same actions are API endpoints for ``gradio_client``: ``/upload_documents`` (files ->
summary), ``/list_documents`` (-> list), ``/delete_document`` (id -> summary) and
``/index_status``. Where managing is not allowed (a ``--share`` link without ``--auth``)
the tab is read-only and says why, and the changing endpoints refuse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from qa.interface.chat_render import escape_text
from qa.interface.documents import ADDED, DELETED, REFUSED, SHARE_WITHOUT_LOGIN, SKIPPED, DocumentManager
from qa.interface.i18n import Lang, labels, text
from qa.interface.reindexing import FAILED, IndexStatus

WIDTHS = ["27%", "20%", "8%", "11%", "13%", "8%", "13%"]
POLL_SECONDS = 1.0
OUTCOMES = (ADDED, DELETED, SKIPPED, REFUSED)
# Runs in the browser before the delete: a cancelled confirmation sends no id. The question is
# asked in the page's language (``%s``: the "docs_confirm" template of each language, as JSON).
CONFIRM_DELETE = ("(docId, lang) => { const asks = %s; const ask = asks[lang] || asks.en;"
                  " return [(docId && confirm(ask.replace('{id}', docId))) ? docId : null, lang]; }")


def _lang(value: Any) -> str:
    return value if value in {lang.value for lang in Lang} else Lang.EN.value


def columns(lang: str) -> list[str]:
    """The table's column headers in ``lang``."""
    return text(lang, "docs_columns").split("|")


def _table(manager: DocumentManager, lang: str) -> dict[str, Any]:
    rows = [[r.title, r.file, r.format, r.date[:10], r.source, r.chunks, r.id] for r in manager.list_documents()]
    return {"data": rows, "headers": columns(lang)}


def _choices(manager: DocumentManager) -> list[tuple[str, str]]:
    return [(f"{r.title} ({r.file})" if r.title else r.file, r.id) for r in manager.list_documents()]


def status_sentence(status: IndexStatus, lang: str = Lang.EN) -> str:
    """What the background indexing is doing, in ``lang`` (plain text; a failure keeps its error)."""
    if status.running:
        if status.to_embed:
            return text(lang, "docs_embedding", done=status.embedded, total=status.to_embed,
                        share=f"{status.embedded / status.to_embed:.0%}")
        return text(lang, "docs_reading")
    if status.state == FAILED:
        return status.message  # the error itself, as the indexer reported it
    return text(lang, "docs_holds", documents=f"{status.documents:,}", passages=f"{status.chunks:,}")


def status_markdown(status: IndexStatus, lang: str = Lang.EN) -> str:
    """The indexing line shown above the upload box (Markdown, document text escaped)."""
    label = "docs_indexing" if status.running else "docs_failed" if status.state == FAILED else "docs_ready"
    line = f"**{text(lang, label)}** {escape_text(status_sentence(status, lang))}"
    if status.running:
        return line
    skipped = "".join(f"\n- {text(lang, 'docs_skipped')}: {escape_text(w)}" for w in status.warnings)
    return line + (f"\n{skipped}" if skipped else "")


def summary_markdown(summary: dict[str, Any], lang: str = Lang.EN) -> str:
    """An upload or delete summary as a short Markdown list in ``lang`` (file names escaped).

    The reasons are the manager's own (English) words: they name the file's problem exactly.
    """
    counts = [text(lang, f"docs_n_{o}", n=len(summary[o])) for o in OUTCOMES if summary.get(o)]
    if not counts:
        return text(lang, "docs_no_file")
    ending = "docs_background" if summary.get("indexing") else "docs_end"
    lines = [text(lang, "docs_sep").join(counts) + text(lang, ending)]
    for outcome in OUTCOMES:
        for item in summary.get(outcome, []):
            lines.append(f"- **{text(lang, f'docs_{outcome}')}** {escape_text(item['file'])}: "
                         f"{escape_text(item['reason'])}")
    return "\n".join(lines)


def documents_tab(manager: DocumentManager) -> Callable[[Any], None]:
    """A hook for :func:`qa.interface.ui.build_ui` (``extra_tabs``) adding the Documents tab.

    The hook gets the page's language control, so the tab's words follow the chat's language.

    Example:
        >>> demo = build_ui(engine, extra_tabs=[documents_tab(manager)])  # doctest: +SKIP
    """

    def add(language: Any) -> None:
        import gradio as gr

        allowed = manager.permission.allowed
        types = ", ".join(sorted(manager.suffixes))
        megabytes = manager.max_bytes // 1_000_000

        def readonly(lang: str) -> str:
            reason = manager.permission.reason
            shown = text(lang, "docs_share_readonly") if reason == SHARE_WITHOUT_LOGIN else escape_text(reason)
            return f"**{text(lang, 'docs_readonly')}** {shown}"

        def refreshed(watching: bool, lang: str) -> tuple[Any, ...]:
            lang = _lang(lang)
            status = manager.reindexer.status()
            if watching and not status.running:
                (gr.Warning if status.state == FAILED else gr.Info)(status_sentence(status, lang))
            return (status_markdown(status, lang), gr.Dataframe(value=_table(manager, lang)),
                    gr.Dropdown(choices=_choices(manager), value=None), gr.Timer(active=status.running),
                    status.running)

        def on_upload(files: list[str] | None, lang: str) -> tuple[Any, ...]:
            summary = manager.upload(files or []).to_dict()
            return (summary_markdown(summary, _lang(lang)), None, *refreshed(False, lang)[:4], summary["indexing"])

        def on_delete(doc_id: str | None, lang: str) -> tuple[Any, ...]:
            if not doc_id:
                return (text(_lang(lang), "docs_nothing_deleted"), *refreshed(False, lang)[:4], False)
            summary = manager.delete(doc_id).to_dict()
            return (summary_markdown(summary, _lang(lang)), *refreshed(False, lang)[:4], summary["indexing"])

        def relabel(lang: str) -> list[Any]:
            lang = _lang(lang)
            words = labels(lang)
            return [gr.update(label=words["docs_tab"]), gr.update(value=readonly(lang)),
                    gr.update(value=status_markdown(manager.reindexer.status(), lang)),
                    gr.update(label=text(lang, "docs_upload", types=types, mb=megabytes)),
                    gr.update(value=_table(manager, lang), label=words["docs_table"]),
                    gr.update(label=words["docs_pick"]), gr.update(value=words["docs_delete"])]

        en = Lang.EN.value
        with gr.Tab(text(en, "docs_tab"), id="documents", elem_id="qa-documents-tab") as tab:
            notice = gr.Markdown(readonly(en), visible=not allowed, elem_id="qa-doc-readonly")
            status = gr.Markdown(status_markdown(manager.reindexer.status(), en), elem_id="qa-doc-status")
            upload = gr.File(label=text(en, "docs_upload", types=types, mb=megabytes), file_count="multiple",
                             file_types=sorted(manager.suffixes), type="filepath", interactive=allowed,
                             height=150, elem_id="qa-doc-upload")
            result = gr.Markdown(elem_id="qa-doc-result")
            table = gr.Dataframe(value=_table(manager, en), headers=columns(en), interactive=False, wrap=True,
                                 column_widths=WIDTHS, label=text(en, "docs_table"), elem_id="qa-doc-table")
            with gr.Row():
                pick = gr.Dropdown(choices=_choices(manager), value=None, label=text(en, "docs_pick"),
                                   interactive=allowed, elem_id="qa-doc-pick")
                delete = gr.Button(text(en, "docs_delete"), variant="stop", interactive=allowed,
                                   elem_id="qa-doc-delete")
            timer = gr.Timer(POLL_SECONDS, active=manager.reindexer.status().running)
            watching = gr.State(False)
            _endpoints(gr, manager)  # hidden components: inside the tab, as gr.Tabs holds only tabs
        view = [status, table, pick, timer, watching]
        asks = json.dumps({lang.value: labels(lang)["docs_confirm"] for lang in Lang}, ensure_ascii=False)
        upload.upload(on_upload, [upload, language], [result, upload, *view[:4], watching], api_visibility="private")
        delete.click(on_delete, [pick, language], [result, *view[:4], watching], api_visibility="private",
                     js=CONFIRM_DELETE % asks)
        timer.tick(refreshed, [watching, language], view, api_visibility="private", show_progress="hidden")
        tab.select(refreshed, [watching, language], view, api_visibility="private", show_progress="hidden")
        language.change(relabel, language, [tab, notice, status, upload, table, pick, delete],
                        api_visibility="private", queue=False)

    return add


def _endpoints(gr: Any, manager: DocumentManager) -> None:
    """The API endpoints; the upload one takes files, so it needs (hidden) components."""

    def upload_documents(files: list[str] | None) -> dict[str, Any]:
        """Add files to the corpus: each is checked, saved under a safe name, then indexed in the background."""
        return manager.upload(files or []).to_dict()

    def list_documents() -> list[dict[str, Any]]:
        """The indexed documents: id, title, file, format, date, source, chunks."""
        return [row.to_dict() for row in manager.list_documents()]

    def delete_document(doc_id: str) -> dict[str, Any]:
        """Delete a document's file from the corpus (by id, see /list_documents), then re-index."""
        return manager.delete(doc_id).to_dict()

    def index_status() -> dict[str, Any]:
        """Background indexing: state (idle/running/done/failed), message, progress, documents served, skipped files."""
        status = manager.reindexer.status()
        return {"state": status.state, "message": status.message, "embedded": status.embedded,
                "to_embed": status.to_embed, "documents": status.documents, "chunks": status.chunks,
                "warnings": list(status.warnings)}

    files = gr.File(file_count="multiple", type="filepath", visible=False)
    summary = gr.JSON(visible=False)
    trigger = gr.Button(visible=False)
    trigger.click(upload_documents, files, summary, api_name="upload_documents",
                  api_description=upload_documents.__doc__)
    gr.api(list_documents, api_name="list_documents")
    gr.api(delete_document, api_name="delete_document")
    gr.api(index_status, api_name="index_status")
