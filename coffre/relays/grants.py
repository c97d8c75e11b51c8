"""A grant scoped to a relay (``grants.relay_id``): the checks ``POST /grants`` makes.

The person's page shares the documents chosen for a relay with the professional who
took it, by an ordinary grant (DESIGN.md: grants go to named professionals, never to a
structure). The grant must match the relay: the relay is taken, the grantee is its
taker, in the target structure, the person is the relay's, the purpose is the relay's,
and every document is one the person chose for it. Anything else is
``relay_grant_mismatch``, the same answer for a relay that does not exist.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session as DbSession

from coffre.ids import is_valid_id
from coffre.relays import repository
from coffre.relays.errors import RelayGrantMismatch
from coffre.relays.models import Relay, RelayState


def check_relay_grant(
    db: DbSession,
    relay_id: str,
    *,
    person_id: str,
    professional_id: str,
    structure_id: str,
    purpose: str,
    document_ids: Collection[str],
) -> None:
    relay = db.get(Relay, relay_id) if is_valid_id(relay_id) else None
    if (
        relay is None
        or relay.person_id != person_id
        or relay.state != RelayState.TAKEN.value
        or relay.taken_by != professional_id
        or relay.target_structure_id != structure_id
        or relay.purpose != purpose
        or not set(document_ids) <= set(repository.documents(db, relay.id))
    ):
        raise RelayGrantMismatch()
