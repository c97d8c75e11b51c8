"""Running one of the page's modules under Node from a Python test: a script (an ES
module that imports web/static/js/<module> where it says ``%s``) reads a JSON payload
on stdin and prints its results as JSON. Shared by the interop tests that check the
page's crypto against Python and the vectors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
TIMEOUT = 120


def run_module(module: str, script: str, payload: dict[str, Any]) -> Any:
    """Run ``script`` with ``%s`` replaced by the URI of web/static/js/``module``, the
    payload on stdin; its stdout as JSON (the test fails with Node's stderr if it fails)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js 20+ is needed for the browser crypto tests")
    uri = (ROOT / "web/static/js" / module).as_uri()
    done = subprocess.run(
        [node, "--input-type=module", "-e", script % uri],
        cwd=ROOT,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)
