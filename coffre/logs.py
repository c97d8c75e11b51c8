"""The processes' logs: one JSON object per line on stderr (structlog renders Python's
``logging``), collected and rotated by the platform (Docker's log driver, journald).

Every module keeps writing with ``logging.getLogger(__name__)``; ``configure`` (called
once by ``coffre serve`` and ``coffre worker``) puts structlog's formatter on the root
logger, so each line carries: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``event``
(the message), the ``request_id`` of the request it was written for (bound by
api/observability.py), and for the access log the route's template, method, status and
duration. A traceback comes as ``exception``.

What never reaches a line (docs/THREATS.md, "Logs"): a passphrase, a key, a token, a
login, a person's id, a document's name or bytes. The code logs stable codes, counts
and job names only; paths are logged as route templates; the SQL errors' parameters are
hidden by the engine (coffre/db/engine.py, ``hide_parameters``); only the fields named
in ``_EXTRA_FIELDS`` are taken from a record's ``extra`` (a library's extras, such as
procrastinate's job arguments, are left out). A test runs a whole journey with known
values and looks for each of them in the log (tests/observability/).
"""

from __future__ import annotations

import logging
import sys
from typing import Literal, TextIO

import structlog

# The access log's fields (api/observability.py): the only ``extra`` a line keeps.
_EXTRA_FIELDS = ("route", "method", "status", "duration_ms")

LogFormat = Literal["json", "console"]


def configure(
    log_format: LogFormat, *, level: int | str = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """Send every ``logging`` record of the process to ``stream`` (stderr), one line
    each, JSON or (development) plain text; returns the handler put on the root logger
    (replacing any other)."""
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(allow=_EXTRA_FIELDS),
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    ]
    renderer: structlog.typing.Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
        shared.append(structlog.processors.format_exc_info)
    else:
        # Plain tracebacks: the default (rich's) prints every frame's local variables,
        # and a local may be a passphrase, a key or a login.
        renderer = structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # uvicorn's loggers write through the root's handler (cli/server.py gives uvicorn no
    # logging configuration of its own); its access log stays off: ours replaces it.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # Alembic names each of its plugins at every start (the readiness check reads the
    # migrations' head): noise, not events.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return handler
