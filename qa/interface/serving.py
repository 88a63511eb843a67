"""Serve the chat: ``python app.py`` or ``python -m qa serve`` (the same options).

Builds (or updates) the index of the corpus first, then serves the Gradio chat from
:mod:`qa.interface.ui`: options, the index, the share-link probe and the launch.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import USER_ERRORS
from qa.index.stores import INDEX_HELP, is_milvus
from qa.settings import DEFAULT_MODEL

logger = logging.getLogger(__name__)

AUTH_ENV = "QA_AUTH"
# Where Gradio asks for a tunnel; probed first so a machine without internet gets one
# clear line at once instead of Gradio's waits (up to 30 s per step) and its long notes.
SHARE_PROBE_URL = "https://api.gradio.app/v3/tunnel-request"
SHARE_PROBE_TIMEOUT = 5.0


def _auth(text: str) -> tuple[str, str]:
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        # The value is a secret: the message must not repeat it.
        raise argparse.ArgumentTypeError("use user:password (both parts non-empty)")
    return user, password


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; use 0..65535")
    return value


def _k(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; use 1..10")
    return value


def add_options(parser: argparse.ArgumentParser, *, verbose: bool = True) -> argparse.ArgumentParser:
    """Add the app's options to ``parser`` (``python app.py`` and ``python -m qa serve``, whose
    ``-v`` comes before the command)."""
    parser.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus)")
    parser.add_argument("--index", default="index", help=INDEX_HELP)
    parser.add_argument("--model", default=None,
                        help=f"sentence-transformers model name or local folder (default: {DEFAULT_MODEL})")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=7860, help="port (default: 7860; 0 picks a free one)")
    parser.add_argument("--k", type=_k, default=5, help="passages per answer, 1..10 (default: 5)")
    parser.add_argument("--title", default=None, help="page title (default: in the page's language)")
    parser.add_argument("--share", action="store_true", help="also ask Gradio for a temporary public link")
    parser.add_argument("--auth", type=_auth, default=None, metavar="USER:PASSWORD",
                        help=f"require this login (default: from ${AUTH_ENV}, if set)")
    if verbose:
        parser.add_argument("-v", "--verbose", action="store_true", help="log details")
    return parser


def parse_args(argv: Sequence[str] | None = None, *, prog: str = "python app.py") -> argparse.Namespace:
    """Options of the app; ``auth`` comes from ``--auth`` or else the ``QA_AUTH`` variable."""
    parser = add_options(argparse.ArgumentParser(prog=prog, description="Chat with a folder of Chinese documents."))
    return finish_args(parser, parser.parse_args(argv))


def finish_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """Complete parsed options: ``auth`` from ``$QA_AUTH`` when not given, port 0 made concrete."""
    if args.auth is None and os.environ.get(AUTH_ENV):
        try:
            args.auth = _auth(os.environ[AUTH_ENV])
        except argparse.ArgumentTypeError as exc:
            parser.error(f"${AUTH_ENV}: {exc}")
    if args.port == 0:
        import socket

        with socket.socket() as sock:
            sock.bind((args.host, 0))
            args.port = sock.getsockname()[1]
    return args


def open_engine(args: argparse.Namespace) -> Any:
    """Build or update the index of ``--corpus`` (progress on the terminal) and open it.

    Without a corpus folder, an existing index is opened as it is.
    """
    from qa.engine import QA

    if not Path(args.corpus).is_dir() and (is_milvus(args.index) or Path(args.index).is_dir()):
        print(f"Corpus folder '{args.corpus}' not found; serving the existing index '{args.index}'.")
        return QA.open(args.index, model=args.model)
    engine, report = QA.build_with_report(args.corpus, args.index, model=args.model, show_progress=True)
    print(report.summary())
    return engine


def share_reachable(timeout: float = SHARE_PROBE_TIMEOUT) -> bool:
    """Whether Gradio's share service answers within ``timeout`` seconds."""
    if os.environ.get("GRADIO_SHARE_SERVER_ADDRESS"):
        return True  # a self-hosted share server: Gradio talks to it directly
    import httpx

    try:
        httpx.get(SHARE_PROBE_URL, timeout=timeout)
    except httpx.HTTPError:
        return False
    return True


@dataclass
class Served:
    """A launched app: its local address and public link (``None`` when not shared)."""

    demo: Any
    local_url: str
    share_url: str | None


def serve(demo: Any, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
          auth: tuple[str, str] | None = None, block: bool = True, api: Any | None = None,
          max_file_size: int | None = None, on_ready: Callable[[], Any] | None = None) -> Served:
    """Launch ``demo``; with ``share``, print the public link or one line saying there is none.

    Args:
        demo: The app from :func:`qa.interface.ui.build_ui`.
        host: Address to listen on.
        port: Port to listen on.
        share: Ask Gradio for a temporary public link.
        auth: ``(user, password)`` required by the page and the API.
        block: Serve until interrupted; ``False`` returns once the server runs (tests).
        api: The JSON API (:func:`qa.interface.http_api.build_api`), served at ``/api`` on the
            same port.
        max_file_size: Largest upload Gradio accepts at all, in bytes (``None``: no limit).
        on_ready: Called once the server answers (background warm-ups that would otherwise
            compete with the start for the CPU).
    """
    if share and auth is None:
        print("Warning: sharing without --auth: anyone with the public link can use this app.")
    local = f"http://{host}:{port}"
    if share and not share_reachable():
        print(f"Could not create a public share link (no internet access?); serving locally at {local}")
        share = False
    launch = dict(server_name=host, server_port=port, share=share, auth=auth, max_threads=16,
                  prevent_thread_lock=True, show_error=False, footer_links=["api"], quiet=True,
                  max_file_size=max_file_size)
    if api is not None:
        from starlette.routing import Mount

        # Routes given to the app Gradio creates come before its own, so /api/* reaches ours.
        launch["app_kwargs"] = {"routes": [Mount("/api", app=api)]}
    if share:
        # Gradio prints a multi-line note when the tunnel fails; keep it for the log only.
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            demo.launch(**launch)
        logger.debug("Gradio said: %s", captured.getvalue())
    else:
        demo.launch(**launch)
    share_url = getattr(demo, "share_url", None) if share else None
    print(f"Serving on {local}" + (" (login required)" if auth else ""))
    if share and share_url:
        print(f"Public link (temporary): {share_url}")
    elif share:
        print(f"Could not create a public share link (the tunnel did not open); serving locally at {local}")
    sys.stdout.flush()
    if on_ready is not None:
        on_ready()
    if block:
        try:
            demo.block_thread()
        except KeyboardInterrupt:
            pass
        finally:
            demo.close()
    return Served(demo, local, share_url)


def main(argv: Sequence[str] | None = None, *, prog: str = "python app.py") -> int:
    """Run the app; returns the exit status."""
    return run(parse_args(argv, prog=prog))


def run(args: argparse.Namespace) -> int:
    """Build or open the index named by ``args``, then serve the chat until interrupted."""
    from qa.interface.terminal import configure_logging

    configure_logging(verbose=args.verbose)
    try:
        engine = open_engine(args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import threading

    from qa.answer.question_parts import warm_up
    from qa.index.bridge import warm_english
    from qa.interface.documents import manager_for
    from qa.interface.documents_tab import documents_tab
    from qa.interface.http_api import build_api
    from qa.interface.index_view import IndexView
    from qa.interface.ui import build_ui

    manager = manager_for(engine, args.corpus, share=args.share, auth=args.auth is not None)
    view = IndexView(engine)
    demo = build_ui(engine, title=args.title, default_k=args.k, extra_tabs=[documents_tab(manager)], view=view)

    def warm_once_serving() -> None:
        # Checking the example questions and loading jieba's tag table take seconds of CPU;
        # started before the server is up, they would slow the start by as much.
        view.warm()
        threading.Thread(target=warm_up, name="warm-up-follow-ups", daemon=True).start()
        threading.Thread(target=warm_english, args=(engine,), name="warm-up-english", daemon=True).start()

    # Gradio refuses uploads far over the limit before they reach the disk; those just over it
    # get the Documents tab's own message.
    serve(demo, host=args.host, port=args.port, share=args.share, auth=args.auth,
          api=build_api(engine, auth=args.auth), max_file_size=2 * manager.max_bytes, on_ready=warm_once_serving)
    return 0

