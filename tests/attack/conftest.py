"""The far sides the attack tests need (tests/notifications/servers.py)."""

from tests.notifications.servers import push_endpoint  # noqa: F401 - fixture
