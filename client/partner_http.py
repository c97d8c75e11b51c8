"""How a partner's client talks to Coffre: a personal access token, bounded retries,
idempotency keys and ETags (docs/PARTNERS.md, "Client").

- Every request carries ``Authorization: Bearer coffre_pat_…``; the token is never
  logged, printed or put in an error.
- ``429 rate_limited`` is waited out as ``Retry-After`` says, at most
  ``RetryPolicy.attempts`` tries in all and never a single wait longer than
  ``RetryPolicy.max_wait`` seconds: past either bound the caller gets
  ``RateLimited`` (with the server's ``retry_after``) instead of a hang.
- A POST that creates something carries one ``Idempotency-Key``, chosen once per
  logical call and sent again with every retry, so a retry after a lost answer
  (a network cut, a 429) never creates a second request, outcome or deposit.
  ``409 idempotency_in_progress`` (the first try still running) is retried too.
- A polled read (``poll=True``) sends ``If-None-Match`` with the ETag of the last
  answer and reuses that answer on ``304``.
"""

from __future__ import annotations

import email.utils
import platform
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from client.api import ApiError

USER_AGENT = f"coffre-partner/0.1 ({platform.system() or 'unknown'})"
PREFIX = "/api/v1"
Body = bytes | Iterable[bytes] | None


class RateLimited(ApiError):
    """``429 rate_limited`` after the bounded retries: try again after ``retry_after``
    seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(429, "rate_limited", message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts``: tries in all for one call (1 = never retry); ``max_wait``: the
    longest single wait in seconds (a longer ``Retry-After`` is not waited out)."""

    attempts: int = 4
    max_wait: float = 60.0


def retry_after(response: httpx.Response, default: float = 1.0) -> float:
    """Seconds to wait from ``Retry-After`` (delta-seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if value is None:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def raise_for(response: httpx.Response) -> None:
    """``ApiError`` (code and French message from the shared error shape) on refusal."""
    if response.is_success or response.status_code == 304:
        return
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", f"HTTP {response.status_code}"
    if response.status_code == 429:
        raise RateLimited(message, retry_after(response))
    raise ApiError(response.status_code, code, message)


class TokenTransport:
    """The HTTP side of ``PartnerClient``: one httpx client, one token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        http: httpx.Client | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http or httpx.Client(base_url=base_url, timeout=timeout)
        self._token = token
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        # ETag and body of the last answer to each polled read (method, path, query).
        self._etags: dict[str, tuple[str, Any]] = {}

    def __repr__(self) -> str:  # never the token
        return f"TokenTransport({self._http.base_url!s})"

    def close(self) -> None:
        self._http.close()

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {
            "User-Agent": USER_AGENT,
            "Authorization": f"Bearer {self._token}",
            **(extra or {}),
        }

    def _should_retry(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None to answer now."""
        if attempt + 1 >= self.retry.attempts:
            return None
        if response.status_code == 429:
            wait = retry_after(response)
        elif response.status_code == 409 and _code(response) == "idempotency_in_progress":
            wait = min(retry_after(response), 2.0**attempt)
        else:
            return None
        return wait if wait <= self.retry.max_wait else None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        body: Callable[[], Body] | None = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
        poll: bool = False,
    ) -> tuple[httpx.Response, Any]:
        """One logical call: (response, its JSON or None). ``body`` makes the raw body
        again for each try (a stream is re-read from its start)."""
        extra = dict(headers or {})
        if idempotent:
            extra["Idempotency-Key"] = secrets.token_urlsafe(24)
        query = {k: v for k, v in (params or {}).items() if v is not None}
        cache_key = f"{method} {path}?{sorted(query.items())!r}"
        cached = self._etags.get(cache_key) if poll else None
        if cached is not None:
            extra["If-None-Match"] = cached[0]
        for attempt in range(self.retry.attempts):
            try:
                response = self._http.request(
                    method,
                    PREFIX + path,
                    params=query or None,
                    json=json,
                    content=body() if body is not None else None,
                    headers=self._headers(extra),
                )
            except httpx.TransportError:
                # Safe to send again only when the server cannot act twice on it: a
                # read, or a POST with its idempotency key.
                if (method != "GET" and not idempotent) or attempt + 1 >= self.retry.attempts:
                    raise
                self._sleep(min(2.0**attempt, self.retry.max_wait))
                continue
            wait = self._should_retry(response, attempt)
            if wait is not None:
                self._sleep(wait)
                continue
            break
        if response.status_code == 304 and cached is not None:
            return response, cached[1]
        raise_for(response)
        data = response.json() if response.content else None
        etag = response.headers.get("etag")
        if poll and etag:
            self._etags[cache_key] = (etag, data)
        return response, data

    @contextmanager
    def stream(self, method: str, path: str, *, json: Any = None) -> Iterator[httpx.Response]:
        """A call whose body is read piece by piece; a 429 (answered before anything
        happened) is waited out like any other call, nothing else is retried."""
        for attempt in range(self.retry.attempts):
            with self._http.stream(
                method, PREFIX + path, json=json, headers=self._headers(None)
            ) as response:
                if not response.is_success:
                    response.read()
                    wait = self._should_retry(response, attempt)
                    if wait is not None:
                        self._sleep(wait)
                        continue
                    raise_for(response)
                yield response
                return


def _code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None
