"""The charter officer's console over HTTP: entries, flags, the CSV export, the signed log.

The server records every call in the trail. Filters are passed as the API names them:
``structure``, ``professional``, ``purpose``, ``action``, ``outcome``, ``person`` (a
pseudonymous reference), ``from`` and ``to`` (ISO-8601 times), ``cursor``, ``limit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from client.api import CoffreClient

Filters = Mapping[str, str | int | None]


def _params(filters: Filters) -> dict[str, str | int]:
    return {key: value for key, value in filters.items() if value is not None}


def entries(client: CoffreClient, **filters: str | int | None) -> dict[str, Any]:
    """One page: ``{"entries": [...], "next_cursor": N | None}``, newest first."""
    page: dict[str, Any] = client.call("GET", "/console/entries", params=_params(filters)).json()
    return page


def all_entries(client: CoffreClient, **filters: str | int | None) -> list[dict[str, Any]]:
    """Every page, following ``next_cursor``."""
    found: list[dict[str, Any]] = []
    cursor: str | int | None = None
    while True:
        page = entries(client, **{**filters, "cursor": cursor})
        found += page["entries"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def flags(client: CoffreClient, start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """``{"period_from", "period_to", "flags": [...]}`` (default period: the last 30 days)."""
    report: dict[str, Any] = client.call(
        "GET", "/console/flags", params=_params({"from": start, "to": end})
    ).json()
    return report


def _save(client: CoffreClient, path: str, params: dict[str, str | int], dest: Path) -> int:
    """Stream the answer to ``dest`` (written whole or not at all)."""
    tmp = dest.with_name(dest.name + ".part")
    written = 0
    try:
        with client.stream("GET", path, params=params) as response, tmp.open("wb") as out:
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
    return written


def save_csv(client: CoffreClient, dest: Path, **filters: str | int | None) -> int:
    """Write every entry the filters select as CSV (UTF-8 with BOM, ``;``); returns bytes."""
    params = _params({k: v for k, v in filters.items() if k not in ("cursor", "limit")})
    return _save(client, "/console/entries.csv", params, dest)


def save_log(client: CoffreClient, dest: Path) -> int:
    """Write the verifiable signed log (JSON lines); ``coffre audit verify --file`` checks it."""
    return _save(client, "/console/log", {}, dest)
