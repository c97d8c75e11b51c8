"""The channels' far sides (tests/notifications/servers.py) as fixtures for this folder."""

from tests.notifications.servers import (  # noqa: F401 - fixtures
    push_endpoint,
    sms_provider,
    smtp_server,
    smtp_server_implicit_tls,
    smtp_server_tls,
)
