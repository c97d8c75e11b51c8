"""The secrets' tests: a partner's webhook receiver on loopback (tests/webhooks/receiver.py)."""

from tests.webhooks.receiver import receiver  # noqa: F401 - fixture
