"""The ``coffre`` command starts without importing the server.

A person's and a professional's commands speak HTTP through ``client/``: starting
``coffre`` (``--help`` included) must not import the server's modules (SQLAlchemy,
alembic, the object stores, uvicorn, the API). The operator commands import them
inside their own function (cli/admin.py, cli/audit.py...). Each run of the command
is a new process, so this is what every ``coffre`` call pays before doing anything.
"""

from __future__ import annotations

import json
import subprocess
import sys

SERVER_SIDE = (
    "alembic",
    "api",
    "boto3",
    "botocore",
    "coffre.container",
    "coffre.db",
    "coffre.settings",
    "data_inclusion",
    "fastapi",
    "minio",
    "pydantic_settings",
    "sqlalchemy",
    "uvicorn",
    "web",
)

PROBE = """
import json, sys
import cli.main
print(json.dumps(sorted(sys.modules)))
"""


def test_the_command_line_starts_without_the_server() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout)
    heavy = sorted(
        name
        for name in loaded
        if any(name == top or name.startswith(top + ".") for top in SERVER_SIDE)
    )
    assert heavy == []
    assert "cli.admin" in loaded and "client.api" in loaded
