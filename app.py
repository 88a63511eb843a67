"""Chat with the documents in a browser: ``python app.py [--corpus corpus] [--share] ...``.

The thin launcher of :mod:`qa.interface.serving` (``python -m qa serve`` does the same).
"""

from __future__ import annotations

import sys

from qa.interface.serving import main

if __name__ == "__main__":
    sys.exit(main())
