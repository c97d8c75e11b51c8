"""All queries of the référent de parcours: links, hand-overs, and the référent's view.

Every change of state is one conditional UPDATE (``WHERE status = …``) that must
change one row: of two answers racing, one wins. The view's figures for a page of
persons are a handful of grouped queries over the page (``person_id IN (…)``), each
served by an index of the table it reads (bench/referent_view.py shows the plans), so
the page costs the same at 10^4 and 10^5 rows around it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import (
    CursorResult,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from coffre.accounts.models import Account
from coffre.consent.models import AccessRequest, Grant, GrantDocument
from coffre.referents.models import (
    HandoverReason,
    HandoverStatus,
    LinkStatus,
    ReferentHandover,
    ReferentLink,
)
from coffre.structures.models import Membership, ProfessionalProfile, Structure
from coffre.vault.models import Document

HISTORY_LIMIT = 50


# The persons of a page travel as ONE expanding parameter: the statement is built from
# a handful of elements whatever the page's size (no per-id bind object), and its
# compiled form is cached once.
IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)


def _changed(result: object) -> bool:
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


# -- links -------------------------------------------------------------------------


def active_link(db: DbSession, person_id: str) -> ReferentLink | None:
    query = select(ReferentLink).where(
        ReferentLink.person_id == person_id, ReferentLink.status == LinkStatus.ACTIVE.value
    )
    return db.scalars(query).one_or_none()


def active_referents(db: DbSession, person_ids: Collection[str]) -> dict[str, str]:
    """Per person: their active référent, for the persons that have one."""
    if not person_ids:
        return {}
    query = select(ReferentLink.person_id, ReferentLink.professional_id).where(
        ReferentLink.person_id.in_(IDS), ReferentLink.status == LinkStatus.ACTIVE.value
    )
    return {str(p): str(r) for p, r in db.execute(query, {"ids": list(person_ids)}).all()}


def followed_persons(professional_id: str) -> Select[str]:
    """The persons whose active référent the professional is, as a subquery (the
    relays' ``followed`` box): never loaded whole into a list."""
    return select(ReferentLink.person_id).where(
        ReferentLink.professional_id == professional_id,
        ReferentLink.status == LinkStatus.ACTIVE.value,
    )


def active_link_between(db: DbSession, professional_id: str, person_id: str) -> ReferentLink | None:
    link = active_link(db, person_id)
    return link if link is not None and link.professional_id == professional_id else None


def proposals_to(db: DbSession, person_id: str) -> Sequence[ReferentLink]:
    query = select(ReferentLink).where(
        ReferentLink.person_id == person_id, ReferentLink.status == LinkStatus.PROPOSED.value
    )
    return db.scalars(query.order_by(ReferentLink.created_at.desc(), ReferentLink.id)).all()


def proposal_from(db: DbSession, professional_id: str, person_id: str) -> ReferentLink | None:
    query = select(ReferentLink).where(
        ReferentLink.person_id == person_id,
        ReferentLink.professional_id == professional_id,
        ReferentLink.status == LinkStatus.PROPOSED.value,
    )
    return db.scalars(query).first()


def past_links(db: DbSession, person_id: str) -> Sequence[ReferentLink]:
    query = select(ReferentLink).where(
        ReferentLink.person_id == person_id,
        ReferentLink.status.in_((LinkStatus.ENDED.value, LinkStatus.DECLINED.value)),
    )
    order = (func.coalesce(ReferentLink.ended_at, ReferentLink.created_at).desc(), ReferentLink.id)
    return db.scalars(query.order_by(*order).limit(HISTORY_LIMIT)).all()


def end_link(db: DbSession, link_id: str, now: datetime, reason: str) -> bool:
    """End an active link once (of parallel ends, one is recorded)."""
    query = (
        update(ReferentLink)
        .where(ReferentLink.id == link_id, ReferentLink.status == LinkStatus.ACTIVE.value)
        .values(status=LinkStatus.ENDED.value, ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return _changed(db.execute(query))


def activate_proposal(db: DbSession, link_id: str, now: datetime) -> bool:
    query = (
        update(ReferentLink)
        .where(ReferentLink.id == link_id, ReferentLink.status == LinkStatus.PROPOSED.value)
        .values(status=LinkStatus.ACTIVE.value, started_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(db.execute(query))


def decline_proposal(db: DbSession, link_id: str, now: datetime) -> bool:
    query = (
        update(ReferentLink)
        .where(ReferentLink.id == link_id, ReferentLink.status == LinkStatus.PROPOSED.value)
        .values(status=LinkStatus.DECLINED.value, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(db.execute(query))


def set_show_expiry_count(db: DbSession, link_id: str, value: bool) -> bool:
    query = (
        update(ReferentLink)
        .where(ReferentLink.id == link_id, ReferentLink.status == LinkStatus.ACTIVE.value)
        .values(show_expiry_count=value)
        .execution_options(synchronize_session=False)
    )
    return _changed(db.execute(query))


def followed_links(
    db: DbSession, professional_id: str, after: str | None, limit: int
) -> Sequence[tuple[ReferentLink, str]]:
    """A page of the professional's active links and each person's login, by link id
    (``ix_referent_links_followed``)."""
    query = (
        select(ReferentLink, Account.login)
        .join(Account, Account.id == ReferentLink.person_id)
        .where(
            ReferentLink.professional_id == professional_id,
            ReferentLink.status == LinkStatus.ACTIVE.value,
            Account.deleted_at.is_(None),
        )
    )
    if after is not None:
        query = query.where(ReferentLink.id > after)
    rows = db.execute(query.order_by(ReferentLink.id).limit(limit)).all()
    return [(link, login) for link, login in rows]


def active_links_of(
    db: DbSession, professional_id: str, person_ids: Collection[str] | None = None
) -> Sequence[ReferentLink]:
    query = select(ReferentLink).where(
        ReferentLink.professional_id == professional_id,
        ReferentLink.status == LinkStatus.ACTIVE.value,
    )
    if person_ids is not None:
        query = query.where(ReferentLink.person_id.in_(list(person_ids)))
    return db.scalars(query.order_by(ReferentLink.id)).all()


# -- hand-overs ----------------------------------------------------------------------


def pending_handover(db: DbSession, link_id: str) -> ReferentHandover | None:
    query = select(ReferentHandover).where(
        ReferentHandover.link_id == link_id,
        ReferentHandover.status == HandoverStatus.PENDING.value,
    )
    return db.scalars(query).one_or_none()


def cancel_handovers(db: DbSession, link_id: str, now: datetime) -> int:
    """Cancel the pending hand-over of a link (named again, or the link ended)."""
    query = (
        update(ReferentHandover)
        .where(
            ReferentHandover.link_id == link_id,
            ReferentHandover.status == HandoverStatus.PENDING.value,
        )
        .values(status=HandoverStatus.CANCELLED.value, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def answer_handover(db: DbSession, handover_id: str, now: datetime, status: str) -> bool:
    """Answer a hand-over once: True for the one caller whose conditional UPDATE found
    it pending (an accept and a refusal at the same moment: one wins)."""
    query = (
        update(ReferentHandover)
        .where(
            ReferentHandover.id == handover_id,
            ReferentHandover.status == HandoverStatus.PENDING.value,
        )
        .values(status=status, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(db.execute(query))


# -- the person's grants (the consent the view is built on) ----------------------------


def _active_grant(now: datetime, skew: timedelta) -> ColumnElement[bool]:
    """The consent gate's notion of an active grant: not revoked, started, not expired,
    pulls left (coffre/consent/gate.py)."""
    return and_(
        Grant.revoked_at.is_(None),
        Grant.not_before <= now + skew,
        Grant.not_after > now,
        or_(Grant.max_pulls.is_(None), Grant.pulls < Grant.max_pulls),
    )


def grant_counts(
    db: DbSession, person_ids: Collection[str], now: datetime, skew: timedelta, ending: datetime
) -> dict[str, tuple[int, int]]:
    """Per person: active grants, and those of them ending by ``ending``."""
    if not person_ids:
        return {}
    query = (
        select(
            Grant.person_id,
            func.count(Grant.id),
            func.sum(case((Grant.not_after <= ending, 1), else_=0)),
        )
        .where(Grant.person_id.in_(IDS), _active_grant(now, skew))
        .group_by(Grant.person_id)
    )
    found = db.execute(query, {"ids": list(person_ids)}).all()
    return {pid: (int(n), int(e or 0)) for pid, n, e in found}


def waiting_request_counts(
    db: DbSession, person_ids: Collection[str], now: datetime
) -> dict[str, int]:
    if not person_ids:
        return {}
    query = (
        select(AccessRequest.person_id, func.count(AccessRequest.id))
        .where(
            AccessRequest.person_id.in_(IDS),
            AccessRequest.status == "pending",
            AccessRequest.expires_at > now,
        )
        .group_by(AccessRequest.person_id)
    )
    return {str(pid): int(n) for pid, n in db.execute(query, {"ids": list(person_ids)}).all()}


def expiring_shared_with(
    db: DbSession,
    professional_id: str,
    person_ids: Collection[str],
    now: datetime,
    skew: timedelta,
    window: tuple[date, date],
) -> Sequence[tuple[str, str, str, date]]:
    """(person, document, category, expires_on) of the persons' live documents about to
    expire that an active grant shares with the professional (its key still there)."""
    if not person_ids:
        return []
    query = (
        select(Document.owner_id, Document.id, Document.category, Document.expires_on)
        .join(GrantDocument, GrantDocument.document_id == Document.id)
        .join(Grant, Grant.id == GrantDocument.grant_id)
        .where(
            Grant.professional_id == professional_id,
            Grant.person_id.in_(IDS),
            _active_grant(now, skew),
            GrantDocument.sealed_key.is_not(None),
            Document.deleted_at.is_(None),
            Document.expires_on.is_not(None),
            Document.expires_on >= window[0],
            Document.expires_on <= window[1],
        )
        .distinct()
        .order_by(Document.expires_on, Document.id)
    )
    found = db.execute(query, {"ids": list(person_ids)}).all()
    return [(o, d, c, e) for o, d, c, e in found if e is not None]


def expiring_counts(
    db: DbSession, person_ids: Collection[str], window: tuple[date, date]
) -> dict[str, int]:
    """Per person: how many live documents are about to expire (the count a person may
    choose to show their référent; never which ones)."""
    if not person_ids:
        return {}
    query = (
        select(Document.owner_id, func.count(Document.id))
        .where(
            Document.owner_id.in_(IDS),
            Document.deleted_at.is_(None),
            Document.expires_on >= window[0],
            Document.expires_on <= window[1],
        )
        .group_by(Document.owner_id)
    )
    return {str(pid): int(n) for pid, n in db.execute(query, {"ids": list(person_ids)}).all()}


def active_grants_of(
    db: DbSession, person_id: str, now: datetime, skew: timedelta
) -> Sequence[tuple[Grant, ProfessionalProfile | None, Structure | None]]:
    query = (
        select(Grant, ProfessionalProfile, Structure)
        .outerjoin(ProfessionalProfile, ProfessionalProfile.account_id == Grant.professional_id)
        .outerjoin(Structure, Structure.id == Grant.structure_id)
        .where(Grant.person_id == person_id, _active_grant(now, skew))
        .order_by(Grant.not_after, Grant.id)
    )
    return [(g, p, s) for g, p, s in db.execute(query).all()]


def open_documents(db: DbSession, grant_ids: Collection[str]) -> dict[str, list[str]]:
    """Per grant: the live documents it still opens (key present)."""
    if not grant_ids:
        return {}
    query = (
        select(GrantDocument.grant_id, GrantDocument.document_id)
        .join(Document, Document.id == GrantDocument.document_id)
        .where(
            GrantDocument.grant_id.in_(list(grant_ids)),
            GrantDocument.sealed_key.is_not(None),
            Document.deleted_at.is_(None),
        )
        .order_by(GrantDocument.grant_id, GrantDocument.document_id)
    )
    found: dict[str, list[str]] = {}
    for grant_id, document_id in db.execute(query).all():
        found.setdefault(grant_id, []).append(document_id)
    return found


def waiting_requests_of(
    db: DbSession, person_id: str, now: datetime
) -> Sequence[tuple[AccessRequest, ProfessionalProfile | None, Structure | None]]:
    query = (
        select(AccessRequest, ProfessionalProfile, Structure)
        .outerjoin(
            ProfessionalProfile, ProfessionalProfile.account_id == AccessRequest.professional_id
        )
        .outerjoin(Structure, Structure.id == AccessRequest.structure_id)
        .where(
            AccessRequest.person_id == person_id,
            AccessRequest.status == "pending",
            AccessRequest.expires_at > now,
        )
        .order_by(AccessRequest.expires_at, AccessRequest.id)
    )
    return [(r, p, s) for r, p, s in db.execute(query).all()]


def active_grants_to(
    db: DbSession, person_id: str, professional_id: str, now: datetime, skew: timedelta
) -> Sequence[Grant]:
    """The person's active grants to one professional (the hand-over's regrants)."""
    query = select(Grant).where(
        Grant.person_id == person_id,
        Grant.professional_id == professional_id,
        _active_grant(now, skew),
    )
    return db.scalars(query.order_by(Grant.not_after, Grant.id)).all()


# -- the end of an absence (ReferentService.sweep) ---------------------------------


def _absences_ended(today: date) -> Select[ReferentHandover, ReferentLink, Membership]:
    """Accepted ``absent`` hand-overs whose date has come, with the person's active link
    still to the successor (the one the acceptance started), the absent référent's
    current certified membership, and no ``back`` hand-over on that link yet (asked
    once: a refusal is the person's answer) nor any other pending one."""
    later = aliased(ReferentHandover)
    asked = exists().where(
        later.link_id == ReferentLink.id,
        or_(
            later.reason == HandoverReason.BACK.value, later.status == HandoverStatus.PENDING.value
        ),
    )
    return (
        select(ReferentHandover, ReferentLink, Membership)
        .join(
            ReferentLink,
            and_(
                ReferentLink.person_id == ReferentHandover.person_id,
                ReferentLink.professional_id == ReferentHandover.successor_id,
                ReferentLink.status == LinkStatus.ACTIVE.value,
                ReferentLink.started_at >= ReferentHandover.answered_at,
            ),
        )
        .join(
            Membership,
            and_(
                Membership.account_id == ReferentHandover.from_professional_id,
                Membership.left_at.is_(None),
                Membership.certificate.is_not(None),
            ),
        )
        .where(
            ReferentHandover.reason == HandoverReason.ABSENT.value,
            ReferentHandover.status == HandoverStatus.ACCEPTED.value,
            ReferentHandover.until <= today,
            ~asked,
        )
        .order_by(ReferentHandover.until, ReferentHandover.id, Membership.certified_at.desc())
    )


def absences_ended(db: DbSession, today: date, limit: int) -> Sequence[ReferentHandover]:
    found: dict[str, ReferentHandover] = {}
    for row in db.execute(_absences_ended(today).limit(limit)):
        found.setdefault(row[0].id, row[0])
    return list(found.values())


def absence_ended(
    db: DbSession, handover_id: str, today: date
) -> tuple[ReferentLink, Membership] | None:
    """The link to hand back and the structure to go back to, if still due."""
    row = db.execute(_absences_ended(today).where(ReferentHandover.id == handover_id)).first()
    return None if row is None else (row[1], row[2])
