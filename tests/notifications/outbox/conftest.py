"""The outbox's tests: an app whose channels point at the far sides on loopback
(tests/notifications/outbox/reach.py; the far sides come from the parent conftest)."""

from tests.notifications.outbox.reach import reach_api, reach_settings  # noqa: F401 - fixtures
