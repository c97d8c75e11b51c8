"""Coffre's app on a real uvicorn server in a thread on loopback: the one starter used by
the ``live_server`` fixture, the ProConnect tests (at the redirect URI's port) and the
benches that measure over HTTP."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from api.app import create_app
from cli.server import server_config
from coffre.clock import Clock
from coffre.settings import Settings
from tests.servers.ports import free_port


@contextlib.contextmanager
def serving(settings: Settings, clock: Clock, port: int | None = None) -> Iterator[str]:
    """The app configured as in production (cli/server.py: the proxies trusted come from
    the settings), on ``port`` or a free one; yields its base URL."""
    port = port or free_port()
    config = server_config(
        settings,
        create_app(settings, clock=clock),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
