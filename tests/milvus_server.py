"""``python -m milvus_lite server`` as a separate process: a Milvus reached over TCP, as a cluster would be."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MilvusServer:
    """A running Milvus Lite server process and its address (``http://127.0.0.1:PORT``)."""

    uri: str
    process: subprocess.Popen

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self.uri.rsplit(":", 1)[1])

    def stop(self) -> None:
        """Stop the server (as an operator, a crash or a network cut would) and wait for it to exit."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(data_dir: Path, *, port: int | None = None, timeout: float = 60.0) -> MilvusServer:
    """Start a server on ``port`` (default: a free one) with its data in ``data_dir``.

    Returns once it accepts connections; starting again on a stopped server's port and data
    folder brings that server back.
    """
    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                                "--host", "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    return MilvusServer(f"http://127.0.0.1:{port}", process)
