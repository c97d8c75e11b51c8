"""The relays the référent's view shows, and the hand-over's move of responsibility.

INTEGRATION POINT with coffre/relays/ (helper L, issue 16): relays are another area's
rows. They are read here through ``coffre.relays.models.Relay`` imported by name, and
only through the columns the network contract fixes (``person_id``, ``responsible_id``,
``state``, ``purpose``, ``target_structure_id``, ``created_at``, ``id``). While that
module does not exist, the view shows no relay (``relays_open`` 0, ``relays`` empty)
and a hand-over moves no relay: nothing else changes when it lands.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.structures.models import Structure

# A relay not yet answered for good: proposed (waiting to be taken) or taken (the
# receiving professional follows it; closed ends it).
OPEN_STATES = ("proposed", "taken")


@dataclass(frozen=True)
class RelaySummary:
    id: str
    state: str
    purpose: str
    target_structure_id: str
    target_structure_name: str
    created_at: datetime


def _relay_model() -> Any | None:
    try:
        module = importlib.import_module("coffre.relays.models")
    except ModuleNotFoundError:
        return None
    return getattr(module, "Relay", None)


def open_counts(db: DbSession, person_ids: Collection[str]) -> dict[str, int]:
    relay = _relay_model()
    if relay is None or not person_ids:
        return {}
    # Grouped by state too and filtered here: the query then goes by person (one probe
    # of the person index each), not through every open relay of the territory.
    query = (
        select(relay.person_id, relay.state, func.count(relay.id))
        .where(relay.person_id.in_(list(person_ids)))
        .group_by(relay.person_id, relay.state)
    )
    counts: dict[str, int] = {}
    for pid, state, n in db.execute(query).all():
        if state in OPEN_STATES:
            counts[str(pid)] = counts.get(str(pid), 0) + int(n)
    return counts


def relays_of(db: DbSession, person_id: str) -> Sequence[RelaySummary]:
    relay = _relay_model()
    if relay is None:
        return []
    query = (
        select(relay, Structure.name)
        .outerjoin(Structure, Structure.id == relay.target_structure_id)
        .where(relay.person_id == person_id)
        .order_by(relay.created_at.desc(), relay.id)
        .limit(50)
    )
    return [
        RelaySummary(
            id=row.id,
            state=row.state,
            purpose=row.purpose,
            target_structure_id=row.target_structure_id,
            target_structure_name=name or "",
            created_at=row.created_at,
        )
        for row, name in db.execute(query).all()
    ]


def move_responsibility(db: DbSession, person_id: str, from_id: str, to_id: str) -> int:
    """At an accepted hand-over: the person's open relays the old référent was
    responsible for pass to the successor (in the hand-over's transaction)."""
    relay = _relay_model()
    if relay is None:
        return 0
    query = (
        update(relay)
        .where(
            relay.person_id == person_id,
            relay.responsible_id == from_id,
            relay.state.in_(OPEN_STATES),
        )
        .values(responsible_id=to_id)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
