"""The demo's second factors: the TOTP secrets of the territory admin and the charter
officer, kept in a small file next to the demo's server (``var/demo-totp.json`` by
default, mode 0600), so that the demo can log them in again and ``coffre demo codes``
can print the codes to type in the console.

These two roles must use TOTP (coffre/policy/core.py ``TOTP_REQUIRED``); the server
makes the secret at enrolment, so the demo has to keep it. Demo accounts only: a real
secret lives in an authenticator app, never in a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pyotp


class TotpBook:
    """Secrets by login, read from and written to ``path``; codes at ``now()``."""

    def __init__(self, path: Path, now: Callable[[], datetime]) -> None:
        self.path = path
        self._now = now

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()}

    def secret(self, login: str) -> str | None:
        return self._read().get(login)

    def keep(self, login: str, secret: str) -> None:
        data = {**self._read(), login: secret}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        os.replace(tmp, self.path)

    def code(self, login: str, *, steps: int = 0) -> str | None:
        """The code an authenticator app shows now (``steps`` periods of 30 s later)."""
        secret = self.secret(login)
        if secret is None:
            return None
        totp = pyotp.TOTP(secret)
        return totp.at(self._now().timestamp() + totp.interval * steps)

    def codes(self) -> dict[str, str]:
        return {
            login: pyotp.TOTP(s).at(self._now().timestamp()) for login, s in self._read().items()
        }
