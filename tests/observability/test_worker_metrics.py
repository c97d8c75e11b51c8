"""``coffre worker`` serves its own metrics on its private port (the queue's depth read
from PostgreSQL at each scrape) and logs one JSON object per line."""

from __future__ import annotations

import json
import time

import httpx

from tests.jobs.conftest import PATIENCE, Workers
from tests.servers.ports import free_port


def test_a_worker_serves_the_queue_depth_on_its_metrics_port(workers: Workers) -> None:
    port = free_port()
    process = workers.start(COFFRE_METRICS_PORT=str(port))
    deadline = time.monotonic() + PATIENCE
    while True:
        assert process.poll() is None, workers.output(process)
        try:
            scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, workers.output(process)
            time.sleep(0.2)
    assert scraped.status_code == 200
    depth = [line for line in scraped.text.splitlines() if line.startswith("coffre_jobs_queue_")]
    assert [line.split()[0] for line in depth] == [
        'coffre_jobs_queue_depth{state="todo"}',
        'coffre_jobs_queue_depth{state="doing"}',
        'coffre_jobs_queue_depth{state="failed"}',
    ]
    # The worker's own counters (a failed job round would add its series).
    assert "# TYPE coffre_job_failures_total counter" in scraped.text
    workers.stop_all()
    lines = [line for line in workers.output(process).splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "logger", "event"} <= set(r) for r in records)
