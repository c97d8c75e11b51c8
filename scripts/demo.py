"""The demo of the README's first command (scripts/serve), against the running server.

Waits for the server, then loads the demo territory around Clermont-Ferrand exactly as
``coffre demo`` does (cli/demo.py, client/demo/): the territory's trust root on the
server's database, then everything else over HTTP through the real client (keys,
encryption, signatures and certificates made here). Loading it again changes nothing.
The demo passphrase is public: never use it for real.
"""

from __future__ import annotations

import sys
import time

import httpx
import typer

from cli.demo import DEFAULT_STATE, demo
from client import ApiError


def wait_for(base_url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer on {base_url}")


def main(base_url: str) -> None:
    wait_for(base_url)
    try:
        demo(server=base_url, state=DEFAULT_STATE, codes=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ApiError as exc:
        sys.exit(f"Erreur : {exc.message} ({exc.code})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
