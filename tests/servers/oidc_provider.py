"""A local OpenID provider configured like ProConnect (tests/servers/oidc_provider.mjs).

Runs the npm ``oidc-provider`` package (node_modules, installed by scripts/install) with
Debian's node on a free 127.0.0.1 port; ``stop`` ends it. ``forge`` sets the test knob
that re-makes the next ID tokens (wrong audience, foreign key, expired).
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.servers.ports import assert_loopback, free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
START_TIMEOUT = 30


@dataclass
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def forge(self, mode: str) -> None:
        """ "none", "wrong_audience", "foreign_key" or "expired" for the next ID tokens."""
        response = httpx.post(f"{self.issuer}/__test/forge", content=mode, timeout=5)
        response.raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def _ready(issuer: str, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            found = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
            if found.status_code == 200 and found.json().get("issuer") == issuer:
                return True
        time.sleep(0.1)
    return False


def start_provider(log_path: Path) -> OidcProvider:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("node and node_modules/oidc-provider are needed: run scripts/install")
    for _ in range(3):
        port = free_port()
        issuer = f"http://127.0.0.1:{port}"
        assert_loopback(issuer)
        log = log_path.open("ab")
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            [node, str(SCRIPT), str(port), "coffre-test", secrets.token_urlsafe(24)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        provider = OidcProvider(issuer, "coffre-test", str(process.args[-1]), process, log)  # type: ignore[index]
        if _ready(issuer, process):
            return provider
        provider.stop()
    raise RuntimeError(f"the OpenID provider did not start; see {log_path}")


@contextlib.contextmanager
def running_provider(log: Path) -> Iterator[OidcProvider]:
    provider = start_provider(log)
    try:
        yield provider
    finally:
        provider.stop()
