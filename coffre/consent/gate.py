"""The checks every pull passes, and the grant's state, gathered in one place.

A pull is allowed only if the grant is active (not revoked, not expired, pulls
left), the professional is still a certified member of the grant's structure, the
structure still adheres to the charter in force, and both the charter version the
grant was made under and the one in force permit sharing that document's category
with that profession for that purpose (a new version narrows, never widens).
``assess`` gathers those facts; ``coffre.policy.can(GRANT_PULL)`` decides; the
refusal's French text is only ever shown to the grant's own professional.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from sqlalchemy.orm import Session as DbSession

from coffre.consent import repository
from coffre.consent.charter import Charter, permitted_under_both
from coffre.consent.charter_file import read_charter
from coffre.consent.models import Grant, PublishedCharter
from coffre.policy import GrantAccess
from coffre.structures import repository as structures
from coffre.structures.certificates import revoked_since
from coffre.structures.models import ProfessionalProfile, Structure

# Clocks differ: a grant whose not_before is a little ahead of the server is active.
CLOCK_SKEW = timedelta(minutes=10)


class GrantState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    EXHAUSTED = "exhausted"


STATE_FR = {
    GrantState.ACTIVE: "en cours",
    GrantState.EXPIRED: (
        "Ce partage a expiré : la personne peut vous partager le document à nouveau."
    ),
    GrantState.REVOKED: "La personne a retiré ce partage.",
    GrantState.EXHAUSTED: (
        "Ce partage a atteint le nombre de consultations prévu par la personne."
    ),
}
LEFT_STRUCTURE_FR = (
    "Vous n'êtes plus membre certifié·e de la structure à laquelle ce partage a été fait."
)
REVOKED_KEY_FR = (
    "Le certificat de votre clé a été révoqué : les documents partagés avec cette clé ne "
    "s'ouvrent plus. La personne pourra vous les partager de nouveau avec votre nouvelle clé."
)
NOT_ADHERING_FR = (
    "La structure à laquelle ce partage a été fait n'adhère plus à la charte du territoire."
)


def grant_state(grant: Grant, now: datetime) -> GrantState:
    if grant.revoked_at is not None:
        return GrantState.REVOKED
    if now >= grant.not_after:
        return GrantState.EXPIRED
    if grant.max_pulls is not None and grant.pulls >= grant.max_pulls:
        return GrantState.EXHAUSTED
    return GrantState.ACTIVE


def grant_days(not_before: datetime, not_after: datetime) -> int:
    """A grant's length in days, rounded up (what the charter's maximum bounds)."""
    return max(1, math.ceil((not_after - not_before) / timedelta(days=1)))


@lru_cache(maxsize=32)
def _parsed(source: str) -> Charter:
    return read_charter(source)


def charter_of(row: PublishedCharter) -> Charter:
    """A published version, parsed once per process (the text never changes)."""
    return _parsed(row.source)


def charter_in_force(db: DbSession, today: date) -> Charter | None:
    row = repository.charter_in_force(db, today)
    return charter_of(row) if row is not None else None


@dataclass(frozen=True)
class Assessment:
    access: GrantAccess
    state: GrantState
    refusal_fr: str | None


def assess(db: DbSession, grant: Grant, category: str, now: datetime, today: date) -> Assessment:
    """Every fact a pull of a document of ``category`` under ``grant`` depends on."""
    state = grant_state(grant, now)
    refusal = _refusal(db, grant, state, category, today)
    return Assessment(
        access=GrantAccess(grantee_id=grant.professional_id, open=refusal is None),
        state=state,
        refusal_fr=refusal,
    )


def refusals_for(
    db: DbSession, grant: Grant, categories: list[str], now: datetime, today: date
) -> list[str | None]:
    """``assess(...).refusal_fr`` for documents of each of ``categories`` under one
    grant, the grant's own checks made once (a list of grants asks for every document
    of each: the grantee's ``blocked``)."""
    checked = _grant_checks(db, grant, grant_state(grant, now), today)
    if isinstance(checked, str):
        return [checked for _ in categories]
    return [_category_refusal(checked, grant, category) for category in categories]


@dataclass(frozen=True)
class _Checked:
    """What a category's check needs once the grant's own checks passed."""

    old: Charter
    current: Charter
    profession: str
    days: int


def _refusal(
    db: DbSession, grant: Grant, state: GrantState, category: str, today: date
) -> str | None:
    checked = _grant_checks(db, grant, state, today)
    return checked if isinstance(checked, str) else _category_refusal(checked, grant, category)


def _category_refusal(checked: _Checked, grant: Grant, category: str) -> str | None:
    decision = permitted_under_both(
        checked.old, checked.current, grant.purpose, category, checked.profession, checked.days
    )
    return None if decision else decision.reason_fr


def _grant_checks(db: DbSession, grant: Grant, state: GrantState, today: date) -> str | _Checked:
    """The refusal that holds whatever the document (its state, the professional's
    membership and key, the structure's adhesion), or the facts for each category."""
    if state is not GrantState.ACTIVE:
        return STATE_FR[state]
    membership = structures.active_membership(db, grant.professional_id, grant.structure_id)
    if membership is None or membership.certificate is None:
        return LEFT_STRUCTURE_FR
    if membership.revoked_at is not None or revoked_since(db, membership, grant.created_at):
        return REVOKED_KEY_FR
    structure = db.get(Structure, grant.structure_id)
    current = charter_in_force(db, today)
    if (
        structure is None
        or current is None
        or not current.adheres(structure.id, today, siret=structure.siret)
    ):
        return NOT_ADHERING_FR
    old_row = repository.charter_version(db, grant.charter_version)
    profile = db.get(ProfessionalProfile, grant.professional_id)
    if old_row is None or profile is None:
        return NOT_ADHERING_FR
    days = grant_days(grant.not_before, grant.not_after)
    return _Checked(charter_of(old_row), current, profile.profession, days)
