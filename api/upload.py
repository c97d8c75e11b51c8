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
from coffre.vault.errors import (
    InvalidExpiryDate,
    InvalidMetadata,
    InvalidSealedKey,
    UploadInterrupted,
)
from coffre.vault.service import NewDocument
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


def new_document(
    category: str,
    metadata: str,
    sealed_key: str,
    content_length: int | None,
    expires_on: str | None,
) -> NewDocument:
    """The document an upload's headers describe, from their raw values (base64url, an
    ISO date or nothing): a person's own upload or a deposit."""
    return NewDocument(
        category=category,
        encrypted_metadata=decode_header(metadata, InvalidMetadata),
        sealed_key=decode_header(sealed_key, InvalidSealedKey),
        declared_size=content_length,
        expires_on=header_date(expires_on),
    )


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
