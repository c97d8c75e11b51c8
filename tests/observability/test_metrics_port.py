"""``coffre serve`` as the image runs it: the metrics on their own private port, not on
the public one; the log on stderr, one JSON object per line, with the request's id."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.servers.ports import free_port

HEALTH = "/api/v1/health"


def test_metrics_are_served_on_their_private_port_and_not_by_the_public_app(
    sqlite_template: Path, audit_key_file: Path, vapid_key_file: Path, tmp_path: Path
) -> None:
    database = tmp_path / "coffre.sqlite3"
    shutil.copyfile(sqlite_template, database)
    public, private = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COFFRE_") and key != "FORWARDED_ALLOW_IPS"
    }
    env.update(
        COFFRE_ENVIRONMENT="test",
        COFFRE_SECRET_KEY="s" * 48,
        COFFRE_DATABASE_URL=f"sqlite:///{database}",
        COFFRE_STORAGE_DIR=str(tmp_path / "objects"),
        COFFRE_AUDIT_KEY_FILE=str(audit_key_file),
        COFFRE_PUSH_VAPID_KEY_FILE=str(vapid_key_file),
        COFFRE_METRICS_PORT=str(private),
    )
    coffre = str(Path(sys.executable).with_name("coffre"))
    server = subprocess.Popen(
        [coffre, "serve", "--port", str(public)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{public}"
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                httpx.get(base + HEALTH, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "coffre serve did not start"
                time.sleep(0.1)
        rid = "probe-4b1d6a0c9e"
        answer = httpx.get(base + HEALTH, headers={"X-Request-ID": rid})
        assert answer.status_code == 200
        assert answer.headers["X-Request-ID"] == rid
        assert httpx.get(base + "/metrics").status_code == 404

        scraped = httpx.get(f"http://127.0.0.1:{private}/metrics")
        assert scraped.status_code == 200
        lines = scraped.text.splitlines()
        counted = f'coffre_http_requests_total{{method="GET",route="{HEALTH}",status="200"}}'
        [health] = [line for line in lines if line.startswith(counted)]
        assert float(health.split()[-1]) >= 2
        assert (
            'coffre_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in lines
        )
        assert any(line.startswith("coffre_audit_checkpoint_age_seconds ") for line in lines)
        # The scrape itself is no request of the public app.
        assert not any("/metrics" in line for line in lines)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    mine = [r for r in records if r.get("request_id") == rid]
    assert [(r["event"], r["route"], r["status"]) for r in mine] == [("request", HEALTH, 200)]
    assert any(r["logger"].startswith("uvicorn") for r in records)
