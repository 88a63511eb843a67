"""Command line: ``python -m qa inspect|build|search|ask|serve``.

Heavy libraries load inside the commands, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence

from qa.errors import USER_ERRORS
from qa.index.stores import INDEX_HELP
from qa.interface.serving import add_options
from qa.interface.terminal import configure_logging
from qa.settings import DEFAULT_MODEL, Backend, SearchMode
from qa.types import Answer


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; use a whole number >= 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m qa", description="Question answering over a folder of Chinese documents."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every detail (for a bug report)")
    # The same flag after the command (`python -m qa ask -v ...`); SUPPRESS keeps a flag given
    # before the command from being reset to False by the sub-parser's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log every detail (for a bug report)")
    sub = parser.add_subparsers(dest="command", required=True)

    inspect = sub.add_parser("inspect", parents=[common],
                             help="show files, documents, metadata and chunks before indexing")
    inspect.add_argument("corpus", nargs="?", default="corpus", help="corpus folder (default: corpus)")
    inspect.add_argument("--chunks", action="store_true", help="print every chunk")

    build = sub.add_parser("build", parents=[common], help="build or update the index of a corpus folder")
    build.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus)")
    build.add_argument("--index", default="index", help=INDEX_HELP)
    build.add_argument("--model", default=None,
                       help=f"sentence-transformers model name or local folder (default: {DEFAULT_MODEL})")
    build.add_argument("--backend", choices=[b.value for b in Backend], default=None,
                       help="how the model runs: onnx-int8 (default, faster) or torch (float32)")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")

    for name, helptext in (("search", "rank the passages that match a query"),
                           ("ask", "answer a question with a quote from the documents")):
        cmd = sub.add_parser(name, parents=[common], help=helptext)
        cmd.add_argument("question", help="question or query text ('-' reads it from standard input)")
        cmd.add_argument("--index", default="index", help=INDEX_HELP)
        cmd.add_argument("--k", type=_positive_int, default=5, help="number of passages (default: 5)")
        cmd.add_argument("--mode", choices=[m.value for m in SearchMode], default=None,
                         help="ranking (default: hybrid)")
        cmd.add_argument("--json", action="store_true", help="print JSON")
        cmd.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                         help="search only some documents: doc_id=ID, source=NAME, folder=SUB/DIR, "
                              "date=FROM..TO (YYYY[-MM[-DD]], either side open); repeat to combine "
                              "(same key: any of the values; different keys: all)")

    serve = sub.add_parser("serve", parents=[common], help="serve the chat in a browser (what app.py does)",
                           description="Build or update the index, then serve the chat.")
    add_options(serve, verbose=False)
    serve.set_defaults(parser=serve)
    return parser


def _inspect(args: argparse.Namespace) -> int:
    from qa.ingest.chunking import chunk_documents
    from qa.ingest.corpus import load_corpus
    from qa.interface.inspection import format_inspection

    loaded = load_corpus(args.corpus)
    chunks = chunk_documents(loaded.documents)
    print(format_inspection(loaded.documents, chunks, show_chunks=args.chunks, files=loaded.files))
    return 0


def _build(args: argparse.Namespace) -> int:
    from qa.engine import QA
    from qa.settings import Settings

    settings = Settings(encoder_backend=args.backend) if args.backend else None
    engine, report = QA.build_with_report(args.corpus, args.index, model=args.model, settings=settings,
                                          show_progress=True)
    print(report.summary())
    # The span reader is exported once per machine (half a minute): better here than at the first question.
    from qa.answer.span_loading import span_reader_for

    span_reader_for(engine.settings)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from qa.interface.serving import finish_args, run

    return run(finish_args(args.parser, args))


def _question_text(text: str) -> str:
    """The question argument as text that can be printed.

    Bytes that are not UTF-8 reach ``sys.argv`` as lone surrogates (``surrogateescape``);
    they become U+FFFD here, and the rest of the question is kept.
    """
    if text == "-":
        text = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that did not come from undecodable bytes
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


def _print_json(data: object) -> None:
    # Plain ASCII escapes when the terminal cannot show every character.
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    print(json.dumps(data, ensure_ascii=not encoding.startswith("utf"), indent=2))


def _query(args: argparse.Namespace) -> int:
    from qa.engine import QA
    from qa.index.filters import parse_filter_args, parse_filters
    from qa.interface.citation import answer_json, cite, hits_json
    from qa.interface.titles import titles_for
    from qa.settings import Settings

    question = _question_text(args.question)
    filters = parse_filters(parse_filter_args(args.filter))  # checked before the index opens
    engine = QA.open(args.index, settings=Settings(mode=args.mode) if args.mode else None)
    if args.command == "search":
        retrieval = engine.retrieve(question, k=args.k, embed_question=False, filters=filters)
        hits = retrieval.hits
        if args.json:  # the keys of `ask --json` that a search has
            _print_json({"question": retrieval.question, "passages": hits_json(engine, hits),
                         "notice": retrieval.notice})
            return 0
        if retrieval.notice:
            print(f"Note: {retrieval.notice}")
        titles = titles_for(engine, [h.chunk for h in hits])
        for hit in hits:
            print(f"[{hit.rank}] {hit.score:.4f}  {cite(hit.chunk, title=titles.get(hit.chunk.doc_id))}\n"
                  f"    {hit.chunk.text}\n")
        return 0
    answer = engine.ask(question, k=args.k, filters=filters)
    if args.json:
        _print_json(answer_json(engine, answer))
        return 0
    titles = titles_for(engine, [h.chunk for h in answer.passages] + ([answer.quote.chunk] if answer.quote else []))
    print(_answer_text(answer, titles=titles))
    return 0


def _answer_text(answer: Answer, *, titles: dict[str, str] | None = None) -> str:
    """The plain-text reply: the quote and its citation, then every other passage once."""
    from qa.interface.citation import cite, file_name
    from qa.interface.confidence import confidence_level
    from qa.interface.i18n import EN

    titles = titles or {}
    lines = [f"Note: {answer.notice}"] if answer.notice else []
    if answer.quote is not None:
        word = EN[confidence_level(answer.quote.score).value]
        title = titles.get(answer.quote.chunk.doc_id)
        lines.append(f"「{answer.quote.text}」\n    — {cite(answer.quote.chunk, title=title)} · "
                     f"{file_name(answer.quote.chunk)}  "
                     f"(confidence: {word}, {answer.quote.score:.2f})\n")
    else:
        lines.append("The documents do not seem to answer this. Possibly related passages (low confidence):")
    quoted = answer.quote.chunk.id if answer.quote is not None else None
    others = [hit for hit in answer.passages if hit.chunk.id != quoted]
    if quoted is not None and others:
        lines.append("Other passages:")
    lines += [f"[{hit.rank}] {cite(hit.chunk, title=titles.get(hit.chunk.doc_id))}\n    {hit.chunk.text[:200]}"
              for hit in others]
    return "\n".join(lines)


def _tolerant_output() -> None:
    """Print what a terminal cannot show as escapes instead of failing (ASCII or Latin-1 locales)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _tolerant_output()
    args = _parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    handlers = {"inspect": _inspect, "build": _build, "search": _query, "ask": _query, "serve": _serve}
    try:
        return handlers[args.command](args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # for example --index naming a file, or a folder we may not write
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
