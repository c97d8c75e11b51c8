"""The relays the référent's view shows, and the hand-over's move of responsibility.

Relays are another area's rows (coffre/relays/, helper L); they are read here only
through the columns the network contract fixes (``person_id``, ``responsible_id``,
``state``, ``purpose``, ``target_structure_id``, ``created_at``, ``id``). The référent
sees a followed person's relays and their state, as the person does; at an accepted
hand-over the open relays the old référent was responsible for pass to the successor.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.referents.repository import IDS
from coffre.relays.models import Relay
from coffre.structures.models import Structure

# A relay not yet answered for good: proposed (waiting to be taken) or taken (the
# receiving professional follows it; closed ends it).
OPEN_STATES = ("proposed", "taken")
LISTED = 50


@dataclass(frozen=True)
class RelaySummary:
    id: str
    state: str
    purpose: str
    target_structure_id: str
    target_structure_name: str
    created_at: datetime


def open_counts(db: DbSession, person_ids: Collection[str]) -> dict[str, int]:
    if not person_ids:
        return {}
    # Grouped by state too and filtered here: the query then goes by person (one probe
    # of the person index each), not through every open relay of the territory.
    query = (
        select(Relay.person_id, Relay.state, func.count(Relay.id))
        .where(Relay.person_id.in_(IDS))
        .group_by(Relay.person_id, Relay.state)
    )
    counts: dict[str, int] = {}
    for pid, state, n in db.execute(query, {"ids": list(person_ids)}).all():
        if state in OPEN_STATES:
            counts[str(pid)] = counts.get(str(pid), 0) + int(n)
    return counts


def relays_of(db: DbSession, person_id: str) -> Sequence[RelaySummary]:
    query = (
        select(Relay, Structure.name)
        .outerjoin(Structure, Structure.id == Relay.target_structure_id)
        .where(Relay.person_id == person_id)
        .order_by(Relay.created_at.desc(), Relay.id)
        .limit(LISTED)
    )
    return [
        RelaySummary(
            id=relay.id,
            state=relay.state,
            purpose=relay.purpose,
            target_structure_id=relay.target_structure_id,
            target_structure_name=name or "",
            created_at=relay.created_at,
        )
        for relay, name in db.execute(query).all()
    ]


def move_responsibility(
    db: DbSession, person_id: str, from_id: str, to_id: str, now: datetime
) -> int:
    """At an accepted hand-over: the person's open relays the old référent was
    responsible for pass to the successor (in the hand-over's transaction)."""
    query = (
        update(Relay)
        .where(
            Relay.person_id == person_id,
            Relay.responsible_id == from_id,
            Relay.state.in_(OPEN_STATES),
        )
        .values(responsible_id=to_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
