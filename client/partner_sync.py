"""Pulling every new granted document into a folder, resumably (``coffre pull --into``,
examples/partner.py).

Layout of the folder::

    <folder>/.coffre-pull.json            what is already here (the state file)
    <folder>/<grant id>/receipt.json      the grant's consent receipt (GET .../receipt)
    <folder>/<grant id>/<doc id>-<name>   each document, decrypted after every check

Resumable: a document is written to a temporary file (``.coffre-*.part``) and renamed
only once complete and verified (crypto.stream.write_verified), and recorded in the
state file (written atomically) right after, so an interrupted run leaves either a
whole, recorded file or a temporary one that the next run removes first; the next run
skips what the state file records and is still on disk, and pulls the rest. A pull
that was counted by the server but never written (killed mid-stream) is pulled again.

One run at a time per folder: a run holds an exclusive lock on ``.coffre-pull.lock``
(``flock``, released by the system even when the process is killed); a second run on
the same folder waits for it, then finds the documents recorded and skips them, so two
runs started together never pull a document twice.

What stops the run at once (nothing more is pulled, the state is kept): a receipt that
does not verify, a person's key that changed, a document that is not the one the
person signed (``ReceiptRefused``, ``PersonKeyChanged``, ``crypto.errors.CryptoError``:
a server that lies). A refusal by the server for one grant (ended, revoked, no pulls
left, outside the charter: ``ApiError``) is recorded in the report and the run goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from client.api import ApiError
from client.partner import (
    Grant,
    GrantDocument,
    PartnerClient,
    Progress,
    PulledDocument,
    ReceiptRefused,
)
from crypto import b64encode

STATE_FILE = ".coffre-pull.json"
LOCK_FILE = ".coffre-pull.lock"
PART_GLOB = ".coffre-*.part"  # crypto.stream.write_verified's temporary files
NOT_ACTIVE_FR = "Ce partage n'est plus en cours : aucun document ne peut en être récupéré."


@dataclass
class PullState:
    """What a folder already holds: ``done`` maps ``grant/document`` to its record."""

    path: Path
    done: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> PullState:
        path = folder / STATE_FILE
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        done = data.get("done") if isinstance(data, dict) else None
        return cls(path, dict(done) if isinstance(done, dict) else {})

    def has(self, folder: Path, grant_id: str, document_id: str) -> bool:
        record = self.done.get(f"{grant_id}/{document_id}")
        return record is not None and (folder / str(record["file"])).is_file()

    def record(self, folder: Path, pulled: PulledDocument) -> None:
        self.done[f"{pulled.grant_id}/{pulled.document_id}"] = {
            "file": pulled.path.relative_to(folder).as_posix(),
            "size": pulled.size,
            "sha256": pulled.sha256,
            "pulled_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        self.save()

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"v": 1, "done": self.done}, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


@dataclass
class PullReport:
    """What one run did."""

    pulled: list[PulledDocument] = field(default_factory=list)
    skipped: int = 0
    # (grant id, document id, the server's code, its French message)
    refused: list[tuple[str, str, str, str]] = field(default_factory=list)
    removed_parts: int = 0


# Called before each document: returns the progress callback for its bytes (or None).
OnDocument = Callable[[Grant, GrantDocument], Progress | None]


def remove_partial_files(folder: Path) -> int:
    """Remove the temporary files an interrupted run left (never a finished file)."""
    count = 0
    for part in folder.rglob(PART_GLOB):
        if part.is_file():
            part.unlink()
            count += 1
    return count


def pull_into(
    client: PartnerClient,
    folder: Path,
    *,
    grants: Iterable[Grant] | None = None,
    document_id: str | None = None,
    reason: str | None = None,
    on_document: OnDocument | None = None,
) -> PullReport:
    """Pull into ``folder`` every document of ``grants`` (default: every active grant
    made to me) not already there; ``document_id``: only that one."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        return _pull_into(client, folder, grants, document_id, reason, on_document)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """The folder's exclusive lock (waits for a run already in it); POSIX ``flock``,
    none where the system has no ``fcntl``."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: one run at a time is on the caller
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _pull_into(
    client: PartnerClient,
    folder: Path,
    grants: Iterable[Grant] | None,
    document_id: str | None,
    reason: str | None,
    on_document: OnDocument | None,
) -> PullReport:
    report = PullReport(removed_parts=remove_partial_files(folder))
    state = PullState.load(folder)
    chosen = grants if grants is not None else client.grants(state="active")
    for grant in chosen:
        # Grants named by the caller are asked for even when closed: the server's refusal
        # (ended, revoked, outside the charter) is then what the report says.
        wanted = [
            d
            for d in grant.documents
            if (d.open or grants is not None) and (document_id is None or d.id == document_id)
        ]
        if grants is not None and not wanted and document_id is None:
            # A grant named by the caller that covers nothing any more (revoked, or its
            # documents withdrawn): the grantee's view lists no document to ask for.
            report.refused.append(
                (grant.id, "", "grant_not_active", grant.blocked or NOT_ACTIVE_FR)
            )
            continue
        receipt_written = (folder / grant.id / "receipt.json").is_file()
        for document in wanted:
            if state.has(folder, grant.id, document.id):
                report.skipped += 1
                continue
            target = folder / grant.id
            target.mkdir(exist_ok=True)
            progress = on_document(grant, document) if on_document is not None else None
            try:
                pulled = client.pull(
                    grant.id, document.id, target, reason=reason, progress=progress
                )
            except ReceiptRefused:
                raise
            except ApiError as exc:
                if exc.status == 0:  # refused here, by this machine: stop
                    raise
                report.refused.append((grant.id, document.id, exc.code, exc.message))
                continue
            state.record(folder, pulled)
            report.pulled.append(pulled)
            if not receipt_written:
                write_receipt(client, target / "receipt.json", pulled)
                receipt_written = True
    return report


def write_receipt(client: PartnerClient, path: Path, pulled: PulledDocument) -> None:
    """Keep the grant's receipt next to its documents, for ``coffre receipt verify``:
    the receipt endpoint's answer (with the professional's certificates) when the
    token may read it, else the receipt just verified with the person's key."""
    try:
        text = client.receipt(pulled.grant_id).to_json()
    except ApiError:
        key = (
            client.memory.person_key(client.keys.account_id, pulled.person_id)
            if client.keys
            else None
        )
        body: dict[str, Any] = {
            "grant_id": pulled.grant_id,
            "format": json.loads(pulled.receipt)["statement"]["v"],
            "receipt": pulled.receipt,
            "person_key": None if key is None else {"sign_public_key": b64encode(key)},
        }
        text = json.dumps(body, ensure_ascii=False, indent=1)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
