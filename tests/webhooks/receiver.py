"""A partner's webhook receiver on loopback: it verifies each request with the
``standardwebhooks`` package (the partner's side of the Standard Webhooks
specification, not our code) and records what it accepted. It can be told to answer a
status (500, 429 with ``Retry-After``...) for the next requests, or to stay silent for
a while (a timeout)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tests.servers.ports import LOOPBACK, assert_loopback, free_port


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]  # lower-case names
    body: bytes
    payload: dict[str, Any]  # what Webhook.verify returned

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # 20 deliverers connect at once
    daemon_threads = True
    receiver: Receiver


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        receiver = self.server.receiver
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, delay = receiver.next_answer()
        if delay:
            receiver.stopping.wait(delay)
        try:
            payload = Webhook(receiver.secret).verify(body, headers)
        except WebhookVerificationError:
            receiver.record_forged(headers)
            status, extra = 401, {}
        else:
            if status < 300:
                receiver.record(Received(headers, body, payload))
            else:
                receiver.record_refused(headers)
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Receiver:
    """``url`` to register; set ``secret`` to the one the registration returned."""

    def __init__(self) -> None:
        self.port = free_port()
        self.httpd = _Server((LOOPBACK, self.port), _Handler)
        self.httpd.receiver = self
        self.url = f"http://{LOOPBACK}:{self.port}/coffre/webhooks"
        assert_loopback(self.url)
        self.secret = "whsec_" + "A" * 43
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.accepted: list[Received] = []
        self.refused: list[str] = []  # the webhook-ids answered with an error status
        self.forged = 0
        self._script: list[tuple[int, dict[str, str], float]] = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def answer(self, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        """Answer ``status`` to the next ``times`` requests (then 204 again)."""
        extra = {"Retry-After": retry_after} if retry_after is not None else {}
        with self.lock:
            self._script += [(status, extra, 0.0)] * times

    def stay_silent(self, seconds: float, *, times: int = 1) -> None:
        with self.lock:
            self._script += [(204, {}, seconds)] * times

    def next_answer(self) -> tuple[int, dict[str, str], float]:
        with self.lock:
            return self._script.pop(0) if self._script else (204, {}, 0.0)

    def record(self, received: Received) -> None:
        with self.lock:
            self.accepted.append(received)

    def record_refused(self, headers: dict[str, str]) -> None:
        with self.lock:
            self.refused.append(headers.get("webhook-id", ""))

    def record_forged(self, headers: dict[str, str]) -> None:
        with self.lock:
            self.forged += 1

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.accepted]

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    far = Receiver()
    try:
        yield far
    finally:
        far.close()
