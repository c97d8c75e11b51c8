"""Streamed uploads: the request body as a blocking iterator for the storage code,
and the base64url / date headers that travel with it (documents, deposits)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date

import anyio
import anyio.from_thread
from fastapi import Request
from starlette.requests import ClientDisconnect

from coffre.errors import CoffreError
from coffre.vault.errors import InvalidExpiryDate, UploadInterrupted
from crypto import b64decode
from crypto.errors import InvalidInputError


def decode_header(value: str, error: type[CoffreError]) -> bytes:
    try:
        return b64decode(value.strip())
    except InvalidInputError as exc:
        raise error() from exc


def header_date(value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidExpiryDate() from exc


class BlockingBody:
    """The request body as a blocking iterator, for the storage code running in a worker thread."""

    def __init__(self, request: Request) -> None:
        self._stream: AsyncIterator[bytes] = request.stream().__aiter__()

    def __iter__(self) -> Iterator[bytes]:
        return self

    async def _next_chunk(self) -> bytes:
        return await self._stream.__anext__()

    def __next__(self) -> bytes:
        try:
            return anyio.from_thread.run(self._next_chunk)
        except StopAsyncIteration:
            raise StopIteration from None
        except ClientDisconnect as exc:
            raise UploadInterrupted() from exc
