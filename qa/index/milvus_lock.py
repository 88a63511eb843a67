"""One build at a time per Milvus index, across processes and machines (see :func:`build_lock`)."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qa.errors import BuildLockedError, IndexUnavailableError
from qa.index.milvus_schema import create_small_collection

logger = logging.getLogger(__name__)


@contextmanager
def build_lock(client: Any, name: str, location: str) -> Iterator[None]:
    """Hold the build lock of index ``name``: a row in ``NAME_lock`` naming this process.

    A second build, from any process that reaches the same Milvus, is refused with
    :class:`~qa.errors.BuildLockedError`; a lock whose process is gone (same host, pid not
    running) is taken over. This is a lock row, not a consensus protocol: two builds started
    within the same instant can both run; each still writes its own collection and the alias
    switches to complete versions only.
    """
    table = f"{name}_lock"
    if not client.has_collection(table):
        create_small_collection(client, table, key_type="str")
    client.load_collection(table)
    token = uuid.uuid4().hex
    mine = {"token": token, "host": socket.gethostname(), "pid": os.getpid(), "started": time.time()}
    held = client.query(table, filter='pk == "lock"', output_fields=["part"])
    if held:
        holder = json.loads(held[0]["part"])
        if not _dead(holder):
            raise BuildLockedError(
                f"Another build of '{location}' is running (process {holder.get('pid')} on "
                f"{holder.get('host')}); wait for it to finish and try again"
            )
    client.upsert(table, [{"pk": "lock", "part": json.dumps(mine), "dummy": [0.0, 0.0]}])
    client.flush(table)
    now = client.query(table, filter='pk == "lock"', output_fields=["part"])
    if not now or json.loads(now[0]["part"]).get("token") != token:
        raise BuildLockedError(f"Another build of '{location}' started at the same moment; try again")
    try:
        yield
    except BaseException:
        # The build failed (perhaps because Milvus went away): report that failure, not a
        # second one from releasing the lock; a lock left behind by a dead process is taken over.
        try:
            _release(client, table, token)
        except IndexUnavailableError as exc:
            logger.warning("Could not release the build lock of '%s': %s", location, exc)
        raise
    _release(client, table, token)


def _release(client: Any, table: str, token: str) -> None:
    still = client.query(table, filter='pk == "lock"', output_fields=["part"])
    if still and json.loads(still[0]["part"]).get("token") == token:
        client.delete(table, filter='pk == "lock"')
        client.flush(table)


def _dead(holder: dict[str, Any]) -> bool:
    if holder.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(holder.get("pid", 0)), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, OverflowError):
        return False
    return False
