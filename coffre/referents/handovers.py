"""Hand-overs put to the person: asking them (a successor named, or an absence over)
and the job that notices an absence is over (docs/NETWORK.md "Passage de relais",
"Fin d'une absence").

A link has at most one hand-over waiting (the partial unique index
``uq_referent_handovers_pending_link``); each is made under the person's lock
(``person_lock``, write units of work) and the person is told in the same transaction.
Answering a hand-over is the person's part (``coffre.referents.service``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database, hold
from coffre.ids import new_id
from coffre.notifications.service import Kind, notify
from coffre.referents import repository as rows
from coffre.referents.models import HandoverReason, HandoverStatus, ReferentHandover, ReferentLink
from coffre.structures.models import ProfessionalProfile

log = logging.getLogger(__name__)


def person_lock(db: DbSession, person_id: str) -> None:
    """Every change of a person's référent holds this lock until commit."""
    hold(db, "referent", person_id)


def ask(
    db: DbSession,
    link: ReferentLink,
    *,
    successor_id: str,
    successor_structure_id: str,
    reason: str,
    until: date | None,
    named_by: str,
    now: datetime,
) -> ReferentHandover:
    """A hand-over of ``link`` to ``successor_id``, waiting for the person's answer."""
    handover = ReferentHandover(
        id=new_id(),
        link_id=link.id,
        person_id=link.person_id,
        from_professional_id=link.professional_id,
        successor_id=successor_id,
        successor_structure_id=successor_structure_id,
        reason=reason,
        until=until,
        named_by=named_by,
        created_at=now,
        status=HandoverStatus.PENDING.value,
    )
    db.add(handover)
    db.flush()
    return handover


def tell(db: DbSession, handover: ReferentHandover, now: datetime) -> None:
    """The person is asked, in plain words: who hands over to whom, and why."""
    current = db.get(ProfessionalProfile, handover.from_professional_id)
    successor = db.get(ProfessionalProfile, handover.successor_id)
    notify(
        db,
        handover.person_id,
        Kind.REFERENT_HANDOVER,
        {
            "handover": handover.id,
            "professional": current.display_name if current else "",
            "successor": successor.display_name if successor else "",
            "reason": handover.reason,
        },
        now,
    )


def sweep_absences(database: Database, now: datetime, batch: int) -> int:
    """An absence is over. For each hand-over ``absent`` the person accepted, whose
    ``until`` date has come, while the successor is still their référent and the
    absent référent still a certified member: the person is asked, in plain words,
    whether the absent référent takes the link back (a hand-over ``back``, answered
    like any other). Nothing moves without the person. Each person in a write unit of
    work of its own, under the person's lock, checked again there: parallel sweeps ask
    once. Returns how many persons were asked."""
    today = now.astimezone(TERRITORY_ZONE).date()
    asked = 0
    with database.unit_of_work() as db:
        due = [h.id for h in rows.absences_ended(db, today, batch)]
    for handover_id in due:
        with database.unit_of_work(write=True) as db:
            absence = db.get(ReferentHandover, handover_id)
            if absence is None:
                continue
            person_lock(db, absence.person_id)
            found = rows.absence_ended(db, handover_id, today)
            if found is None:
                continue  # a parallel sweep asked, or the person moved meanwhile
            link, membership = found
            back = ask(
                db,
                link,
                successor_id=absence.from_professional_id,
                successor_structure_id=membership.structure_id,
                reason=HandoverReason.BACK.value,
                until=None,
                named_by=absence.named_by,
                now=now,
            )
            audit.append(
                db,
                audit.by(
                    None,
                    "referent.absence_ended",
                    person_id=link.person_id,
                    structure_id=membership.structure_id,
                    object_type="referent_handover",
                    object_id=back.id,
                    details={
                        "professional": absence.from_professional_id,
                        "successor": link.professional_id,
                        "absence": absence.id,
                    },
                ),
                now,
            )
            tell(db, back, now)
            asked += 1
    if asked:
        log.info("absences ended: %d persons asked", asked)
    return asked
