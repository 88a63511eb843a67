"""Entry point of ``python -m qa``."""

from __future__ import annotations

import sys

from qa.interface.cli import main

if __name__ == "__main__":
    sys.exit(main())
