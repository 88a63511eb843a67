"""The Documents tab and the document API endpoints of the app (Gradio).

The tab lists the indexed documents, takes uploads (several files, drag and drop) and
deletes; a timer shows the background indexing until the new index is swapped in. The
same actions are API endpoints for ``gradio_client``: ``/upload_documents`` (files ->
summary), ``/list_documents`` (-> list), ``/delete_document`` (id -> summary) and
``/index_status``. Where managing is not allowed (a ``--share`` link without ``--auth``)
the tab is read-only and says why, and the changing endpoints refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qa.interface.chat_render import escape_text
from qa.interface.documents import DocumentManager
from qa.interface.reindexing import FAILED, IndexStatus

COLUMNS = ["Title", "File", "Format", "Date", "Source", "Chunks", "Id"]
WIDTHS = ["27%", "20%", "8%", "11%", "13%", "8%", "13%"]
POLL_SECONDS = 1.0
# Runs in the browser before the delete: a cancelled confirmation sends no id.
CONFIRM_DELETE = ("(docId) => (docId && confirm(`Delete document ${docId} and its file from the corpus?`))"
                  " ? docId : null")


def _rows(manager: DocumentManager) -> list[list[Any]]:
    return [[r.title, r.file, r.format, r.date[:10], r.source, r.chunks, r.id] for r in manager.list_documents()]


def _choices(manager: DocumentManager) -> list[tuple[str, str]]:
    return [(f"{r.title} ({r.file})" if r.title else r.file, r.id) for r in manager.list_documents()]


def status_markdown(status: IndexStatus) -> str:
    """The indexing line shown above the upload box (Markdown, document text escaped)."""
    if status.running:
        share = f" ({status.embedded / status.to_embed:.0%})" if status.to_embed else ""
        return f"**Indexing…** {escape_text(status.message)}{share}"
    label = "Indexing failed." if status.state == FAILED else "Ready."
    skipped = "".join(f"\n- skipped: {escape_text(w)}" for w in status.warnings)
    return f"**{label}** {escape_text(status.message)}" + (f"\n{skipped}" if skipped else "")


def summary_markdown(summary: dict[str, Any]) -> str:
    """An upload or delete summary as a short Markdown list (file names escaped)."""
    lines = [escape_text(summary["message"])]
    for outcome in ("added", "deleted", "skipped", "refused"):
        for item in summary.get(outcome, []):
            lines.append(f"- **{outcome}** {escape_text(item['file'])}: {escape_text(item['reason'])}")
    return "\n".join(lines)


def documents_tab(manager: DocumentManager) -> Callable[[], None]:
    """A hook for :func:`qa.interface.ui.build_ui` (``extra_tabs``) adding the Documents tab.

    Example:
        >>> demo = build_ui(engine, extra_tabs=[documents_tab(manager)])  # doctest: +SKIP
    """

    def add() -> None:
        import gradio as gr

        allowed = manager.permission.allowed

        def refreshed(watching: bool) -> tuple[Any, ...]:
            status = manager.reindexer.status()
            if watching and not status.running:
                (gr.Warning if status.state == FAILED else gr.Info)(status.message)
            return (status_markdown(status), gr.Dataframe(value=_rows(manager)),
                    gr.Dropdown(choices=_choices(manager), value=None), gr.Timer(active=status.running),
                    status.running)

        def on_upload(files: list[str] | None) -> tuple[Any, ...]:
            summary = manager.upload(files or []).to_dict()
            return (summary_markdown(summary), None, *refreshed(False)[:4], summary["indexing"])

        def on_delete(doc_id: str | None) -> tuple[Any, ...]:
            if not doc_id:
                return ("Nothing deleted (choose a document, then confirm).", *refreshed(False)[:4], False)
            summary = manager.delete(doc_id).to_dict()
            return (summary_markdown(summary), *refreshed(False)[:4], summary["indexing"])

        with gr.Tab("Documents", id="documents", elem_id="qa-documents-tab") as tab:
            if not allowed:
                gr.Markdown(f"**Read-only.** {escape_text(manager.permission.reason)}", elem_id="qa-doc-readonly")
            status = gr.Markdown(status_markdown(manager.reindexer.status()), elem_id="qa-doc-status")
            upload = gr.File(label="Add documents (drop files here or click; " + ", ".join(sorted(manager.suffixes))
                             + f"; up to {manager.max_bytes // 1_000_000} MB each)", file_count="multiple",
                             file_types=sorted(manager.suffixes), type="filepath", interactive=allowed,
                             height=150, elem_id="qa-doc-upload")
            result = gr.Markdown(elem_id="qa-doc-result")
            table = gr.Dataframe(value=_rows(manager), headers=COLUMNS, interactive=False, wrap=True,
                                 column_widths=WIDTHS, label="Indexed documents", elem_id="qa-doc-table")
            with gr.Row():
                pick = gr.Dropdown(choices=_choices(manager), value=None, label="Document to delete",
                                   interactive=allowed, elem_id="qa-doc-pick")
                delete = gr.Button("Delete document", variant="stop", interactive=allowed, elem_id="qa-doc-delete")
            timer = gr.Timer(POLL_SECONDS, active=manager.reindexer.status().running)
            watching = gr.State(False)
            _endpoints(gr, manager)  # hidden components: inside the tab, as gr.Tabs holds only tabs
        view = [status, table, pick, timer, watching]
        upload.upload(on_upload, upload, [result, upload, *view[:4], watching], api_visibility="private")
        delete.click(on_delete, pick, [result, *view[:4], watching], api_visibility="private", js=CONFIRM_DELETE)
        timer.tick(refreshed, watching, view, api_visibility="private", show_progress="hidden")
        tab.select(refreshed, watching, view, api_visibility="private", show_progress="hidden")

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
