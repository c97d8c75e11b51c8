"""The real ``coffre worker`` processes of tests/jobs/ (its fixtures), for the worker's
own metrics port."""

from tests.jobs.conftest import queue_settings, workers  # noqa: F401
