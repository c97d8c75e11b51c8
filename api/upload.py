"""Streamed uploads: the request body as a blocking iterator for the storage code, the
base64url / date headers that travel with it (documents, deposits), and the threads
uploads run on, with how many one account or one address may have open.

How many uploads one account or one address may have open is decided in the database,
across every app process (``coffre.uploads.slots``); the threads are this process's own.

The body's size and pace (read timeout, minimum rate) are ``api.body_limits``' rules:
its ``receive()`` raises while ``BlockingBody`` reads, and the storage code removes
the partial object on the way out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from typing import Annotated, TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import Depends, Request
from starlette.requests import ClientDisconnect

from api.deps import authenticate_request, client_address, session_token
from coffre.container import Coffre
from coffre.errors import CoffreError, Unavailable
from coffre.policy import Actor
from coffre.settings import Settings
from coffre.uploads.slots import RENEW_SECONDS, TooManyUploads, UploadCaps
from coffre.vault.errors import (
    InvalidBinding,
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


def header_text(value: str | None, error: type[CoffreError] = InvalidBinding) -> str | None:
    """A JSON envelope sent as base64url of its UTF-8 text (a binding, a deposit): the
    text exactly as the client signed it, never re-serialised (SPEC §18.1)."""
    if value is None or not value.strip():
        return None
    try:
        return decode_header(value, error).decode("utf-8")
    except UnicodeDecodeError as exc:
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
    *,
    document_id: str | None = None,
    binding: str | None = None,
) -> NewDocument:
    """The document an upload's headers describe, from their raw values (base64url, an
    ISO date or nothing): a person's own upload or a deposit. In v2, the id the client
    chose and its binding (base64url of the envelope's JSON text)."""
    return NewDocument(
        category=category,
        encrypted_metadata=decode_header(metadata, InvalidMetadata),
        sealed_key=decode_header(sealed_key, InvalidSealedKey),
        declared_size=content_length,
        expires_on=header_date(expires_on),
        document_id=document_id.strip() if document_id is not None else None,
        binding=header_text(binding),
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


T = TypeVar("T")

# Threads that check the sessions of upload requests (short database reads), apart
# from the default pool: a burst of uploads queues its own authentications there.
UPLOAD_AUTH_THREADS = 4


__all__ = ["TooManyUploads", "UploadSlots", "UploadsBusy"]


class UploadsBusy(Unavailable):
    code = "uploads_busy"
    message_fr = (
        "Le serveur reçoit beaucoup de documents en ce moment. Rien n'a été enregistré : "
        "réessayez dans une minute."
    )


class UploadSlots:
    """The threads uploads run on in this process, and the shared caps they pass first.

    An upload holds a thread for as long as its body streams to the object store, so
    uploads get threads of their own (``COFFRE_UPLOAD_THREADS``): however many are
    stalled or slow, anyio's default thread pool, which every other request needs
    (authentication, the database), stays free. An upload waits at most
    ``COFFRE_UPLOAD_WAIT_SECONDS`` for one of these threads (503 ``uploads_busy``), and
    one account or one address (IPv6: its /64) may have only so many uploads open,
    waiting or running (429 ``too_many_uploads``), so that no one takes them all.

    The threads are this process's; the caps are every process's: a slot is a row of
    the database, taken by one deciding statement before the upload waits for a thread,
    renewed while it streams and released when it ends (``coffre.uploads.slots``).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._wait = settings.upload_wait_seconds
        # The semaphore gives the bounded wait; the limiter, of the same size, is what
        # anyio's threads need: a holder of a turn never waits for it.
        self._turns = anyio.Semaphore(settings.upload_threads)
        self._threads = anyio.CapacityLimiter(settings.upload_threads)
        self._sessions = anyio.CapacityLimiter(UPLOAD_AUTH_THREADS)

    async def authenticate(self, request: Request, coffre: Coffre, token: str) -> Actor:
        """``api.deps.authenticate_request`` (a session or a personal access token, its
        scope checked), on the upload requests' own threads."""
        return await anyio.to_thread.run_sync(
            authenticate_request, request, coffre, token, limiter=self._sessions
        )

    async def run(
        self,
        coffre: Coffre,
        account_id: str,
        address: str | None,
        work: Callable[..., T],
        *args: object,
    ) -> T:
        """Run ``work(*args)`` on an upload thread, within the caps."""
        caps = UploadCaps(coffre.db, self._settings, coffre.clock)
        # The database's short statements run on the upload requests' own threads too.
        slot = await anyio.to_thread.run_sync(
            caps.take, account_id, address, limiter=self._sessions
        )
        try:
            failed: Exception | None = None
            result: list[T] = []
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._renew, caps, slot)
                try:
                    result.append(await self._on_thread(work, *args))
                # Re-raised unchanged below: raised inside the task group, anyio would
                # wrap it in an ExceptionGroup and the error handlers would not know it.
                except Exception as exc:  # noqa: BLE001
                    failed = exc
                tasks.cancel_scope.cancel()
            if failed is not None:
                raise failed
            return result[0]
        finally:
            # Even when the request is cancelled (the client went away): shielded.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(caps.release, slot, limiter=self._sessions)

    async def _on_thread(self, work: Callable[..., T], *args: object) -> T:
        got_turn = False
        with anyio.move_on_after(self._wait):
            await self._turns.acquire()
            got_turn = True
        if not got_turn:
            raise UploadsBusy()
        try:
            return await anyio.to_thread.run_sync(work, *args, limiter=self._threads)
        finally:
            self._turns.release()

    async def _renew(self, caps: UploadCaps, slot: str) -> None:
        """Keep the slot's lease while the upload runs (cancelled when it ends)."""
        while True:
            await anyio.sleep(RENEW_SECONDS)
            try:
                await anyio.to_thread.run_sync(caps.renew, slot, limiter=self._sessions)
            except CoffreError:
                # The database is away: the upload's own commit will say so; the lease
                # is tried again at the next turn.
                continue


async def run_upload(request: Request, actor: Actor, work: Callable[..., T], *args: object) -> T:
    """Run an upload's ``work(*args)`` within the caller's caps, on an upload thread."""
    slots: UploadSlots = request.app.state.upload_slots
    coffre: Coffre = request.app.state.coffre
    return await slots.run(coffre, actor.account_id, client_address(request), work, *args)


async def upload_actor(request: Request) -> Actor:
    """The caller of an upload route (``ActorDep``'s rules), authenticated apart.

    ``ActorDep`` checks the session on anyio's default thread pool: 200 uploads opened
    at once would queue 200 checks in front of every other request. Upload routes
    check theirs on threads of their own (``UPLOAD_AUTH_THREADS``) instead.
    """
    coffre: Coffre = request.app.state.coffre
    slots: UploadSlots = request.app.state.upload_slots
    return await slots.authenticate(request, coffre, session_token(request))


UploadActorDep = Annotated[Actor, Depends(upload_actor)]
