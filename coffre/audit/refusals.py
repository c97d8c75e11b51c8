"""Refused attempts on someone else's documents, kept for the charter officer.

A caller who asks for a document that is not theirs (or an id that does not exist),
or pulls through a grant that is not theirs, gets "not found" and nothing changes;
the attempt is still written to the trail, in a transaction of its own, so that the
officer's console can flag repeated refusals (``coffre.audit.console_flags``). The
entry names the document's owner when there is one, never to the caller.

The owner asking for their own document that is gone (deleted, a stale page) is no
attempt on anyone: nothing is written then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.ids import is_valid_id
from coffre.policy import Actor

ACTION = "document.access"

# What was attempted (``details.attempt``).
READ, DOWNLOAD, UPDATE, REENCRYPT, DELETE, PULL = (
    "read",
    "download",
    "update",
    "reencrypt",
    "delete",
    "pull",
)


def record(
    db: DbSession,
    actor: Actor,
    attempt: str,
    now: datetime,
    *,
    owner_id: str | None,
    object_type: str,
    object_id: str,
) -> None:
    """Append the refused attempt (in the caller's own, separate unit of work)."""
    if owner_id is not None and owner_id == actor.account_id:
        return
    entry = audit.Entry(
        action=ACTION,
        actor_id=actor.account_id,
        actor_role=actor.role.value,
        # The person concerned is the owner (or nobody), never the caller.
        person_id=owner_id,
        outcome="refused",
        object_type=object_type,
        # An id that is not even well formed is not kept: it is whatever was typed.
        object_id=object_id if is_valid_id(object_id) else None,
        details={"attempt": attempt},
    )
    audit.append(db, entry, now)
