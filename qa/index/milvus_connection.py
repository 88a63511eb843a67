"""The process's connections to Milvus: one client per URI, with errors a user can act on.

Milvus Lite (a local path) runs its server inside the process that opens the file first;
it holds a lock on the file, so a second process cannot open it until the first lets go
(:func:`disconnect`). A server URI can be opened by any number of processes.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from qa.errors import IndexUnavailableError

CONNECT_TIMEOUT = 5.0
_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def connect(uri: str) -> Any:
    """One MilvusClient per URI and process (Milvus Lite runs its server once per file).

    Raises:
        IndexUnavailableError: The server does not answer, or another process holds the Lite file.
    """
    with _clients_lock:
        if uri in _clients:
            return _clients[uri]
        from pymilvus import MilvusClient

        lite = not uri.startswith(("http://", "https://"))
        try:
            if lite:
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
            client = MilvusClient(uri=uri, timeout=CONNECT_TIMEOUT)
            client.list_collections()
        except Exception as exc:  # pymilvus raises several kinds; all mean "cannot use it"
            if lite and _held_by_another_process(Path(uri)):
                raise IndexUnavailableError(
                    f"Milvus Lite file '{uri}' is open in another process: Milvus Lite allows one process "
                    f"at a time; stop that process, or serve the index from a Milvus server "
                    f"(milvus:http://HOST:19530) that any number of processes can open"
                ) from exc
            what = f"Milvus Lite file '{uri}'" if lite else f"Milvus at {uri}"
            raise IndexUnavailableError(f"{what} cannot be reached ({exc}); start it or check the address") from exc
        _clients[uri] = client
        return client


def disconnect(uri: str) -> None:
    """Close this process's client of ``uri``; for Milvus Lite also stop its server, freeing the file."""
    with _clients_lock:
        client = _clients.pop(uri, None)
    if client is None:
        return
    client.close()
    if not uri.startswith(("http://", "https://")):
        from milvus_lite import server_manager_instance

        server_manager_instance.release_server(os.path.abspath(uri))




def _held_by_another_process(data_dir: Path) -> bool:
    """True when Milvus Lite's lock file in ``data_dir`` is locked (pymilvus hides that reason)."""
    import fcntl

    try:
        fd = os.open(data_dir / "LOCK", os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)
