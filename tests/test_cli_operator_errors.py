"""An operator command whose server side refuses to start says why in one line.

In production a missing checkpoint key file or Web Push key file stops the server from
being built (coffre/audit/keys.py, coffre/notifications/channels/): ``coffre doctor``,
``coffre audit verify``, ``coffre jobs ...`` then print the refusal's message and exit 1,
never a traceback (whose frames could show a setting's value).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from tests.cli_in_process import run


def _production(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "COFFRE_ENVIRONMENT": "production",
        "COFFRE_SECRET_KEYS": "k1:" + secrets.token_urlsafe(48),
        "COFFRE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "COFFRE_STORAGE_DIR": str(tmp_path / "objects"),
        "HOME": str(tmp_path),
        **extra,
    }


def test_a_missing_checkpoint_key_is_said_without_a_traceback(tmp_path: Path) -> None:
    env = _production(tmp_path, COFFRE_AUDIT_KEY_FILE=str(tmp_path / "none.key"))
    done = run(["doctor"], env=env)
    assert done.returncode == 1
    assert "COFFRE_AUDIT_KEY_FILE" in done.stderr and "(audit_key_invalid)" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert env["COFFRE_SECRET_KEYS"].split(":", 1)[1] not in done.stderr + done.stdout


def test_a_missing_push_key_is_said_without_a_traceback(tmp_path: Path) -> None:
    key = tmp_path / "audit.key"
    env = _production(
        tmp_path,
        COFFRE_AUDIT_KEY_FILE=str(key),
        COFFRE_PUSH_VAPID_KEY_FILE=str(tmp_path / "none.pem"),
    )
    assert run(["audit", "key", "new", str(key)], env=env).returncode == 0
    assert run(["db", "upgrade"], env=env).returncode == 0
    # The real command in its own process too: what an operator sees.
    done = subprocess.run(
        [str(Path(sys.executable).parent / "coffre"), "doctor"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "COFFRE_PUSH_VAPID_KEY_FILE" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
