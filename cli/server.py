"""The web server's process: uvicorn, configured from Coffre's settings.

Every way Coffre is served goes through ``server_config``: ``coffre serve`` (which
``scripts/serve`` and the image's command run) and the tests' live server, so the
tests see the production configuration.

Why it exists: uvicorn alone believes ``X-Forwarded-For`` and ``X-Forwarded-Proto``
from 127.0.0.1 (or from whatever ``$FORWARDED_ALLOW_IPS`` names). A client on the same
host could then write any address in that header, a new one per attempt, and escape
the per-address login limit (issue 14). Here the trusted proxies come from
``COFFRE_FORWARDED_ALLOW_IPS`` only; by default nobody is trusted and the header is
ignored: the connection's peer is the client (docs/OPERATIONS.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import uvicorn
from prometheus_client import start_http_server

from coffre.settings import Settings


def server_config(
    settings: Settings, app: Any, *, host: str, port: int, **options: Any
) -> uvicorn.Config:
    """uvicorn's configuration for ``app`` (an ASGI app, or an import string with
    ``factory=True``); ``options`` go to ``uvicorn.Config`` unchanged."""
    proxies = settings.trusted_proxies
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        # Off unless a proxy is named: its middleware is not even installed then.
        proxy_headers=bool(proxies),
        # Always given, so uvicorn never falls back to $FORWARDED_ALLOW_IPS or 127.0.0.1.
        forwarded_allow_ips=proxies,
        # Logging is Coffre's (coffre/logs.py, set up by ``run``): uvicorn installs no
        # handler of its own, and its access log, which writes the path as sent (ids)
        # and the client's address, is off: api/observability.py writes the route's
        # template instead.
        log_config=None,
        access_log=False,
        **options,
    )


def serve_metrics(settings: Settings) -> Callable[[], None]:
    """Serve the process's Prometheus metrics (coffre/metrics.py) at /metrics on
    COFFRE_METRICS_HOST:COFFRE_METRICS_PORT, on a thread of its own, apart from the
    public app (nothing of it is reachable through the proxy); returns what stops it.
    COFFRE_METRICS_PORT=0: nothing is served."""
    if not settings.metrics_port:
        return lambda: None
    import coffre.metrics  # noqa: F401  (its collectors registered before the first scrape)

    server, thread = start_http_server(settings.metrics_port, addr=settings.metrics_host)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return stop


def run(settings: Settings, *, host: str, port: int) -> bool:
    """Serve ``api.app:create_app_from_env`` until stopped; False if it never started."""
    from coffre.logs import configure

    configure(settings.log_output, level=settings.log_level)
    config = server_config(
        settings, "api.app:create_app_from_env", host=host, port=port, factory=True
    )
    server = uvicorn.Server(config)
    try:
        stop_metrics = serve_metrics(settings)
    except OSError as exc:
        # The metrics port taken (another process, a second server on this host).
        logging.getLogger(__name__).error(
            "metrics port %s:%d unavailable: %s",
            settings.metrics_host,
            settings.metrics_port,
            exc.strerror,
        )
        return False
    try:
        server.run()
    finally:
        stop_metrics()
    return server.started
