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

from typing import Any

import uvicorn

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
        **options,
    )


def run(settings: Settings, *, host: str, port: int) -> bool:
    """Serve ``api.app:create_app_from_env`` until stopped; False if it never started."""
    config = server_config(
        settings, "api.app:create_app_from_env", host=host, port=port, factory=True
    )
    server = uvicorn.Server(config)
    server.run()
    return server.started
