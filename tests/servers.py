"""Servers a test starts for itself: a Redis on a free port, gone with the test."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def own_redis(folder):
    """(process, "redis://127.0.0.1:<port>") of a redis-server keeping nothing on disk;
    skips the test without the redis extra or redis-server."""
    pytest.importorskip("redis", reason="the redis extra (pip install sivuvirta[redis]) is not installed")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield server, f"redis://127.0.0.1:{port}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
