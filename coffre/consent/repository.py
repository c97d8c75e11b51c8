"""All queries of the consent area: charter versions, grants, requests.

The lists read through ``*_visible_to(actor)``: each filters by the policy's scope of
that list (coffre/policy/consent.py), the function its row rules are built from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    and_,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.consent.models import (
    AccessRequest,
    Grant,
    GrantDocument,
    GrantOutcome,
    PublishedCharter,
)
from coffre.db.statements import upsert_insert
from coffre.policy import Action, Actor, scope
from coffre.referents.models import LinkStatus, ReferentLink
from coffre.structures.models import ProfessionalProfile, Structure
from coffre.vault.models import Document


def latest_charter(db: DbSession) -> PublishedCharter | None:
    query = select(PublishedCharter).order_by(PublishedCharter.version.desc()).limit(1)
    return db.scalars(query).first()


def charter_version(db: DbSession, version: int) -> PublishedCharter | None:
    """A published version, read once per unit of work: a published version never
    changes (a list of grants asks for the same few versions again and again)."""
    known: dict[int, PublishedCharter] = db.info.setdefault("consent.charter_versions", {})
    if version in known:
        return known[version]
    query = select(PublishedCharter).where(PublishedCharter.version == version)
    found = db.scalars(query).one_or_none()
    if found is not None:
        known[version] = found
    return found


def charter_in_force(db: DbSession, on: date) -> PublishedCharter | None:
    """The highest version whose effective date has come."""
    query = (
        select(PublishedCharter)
        .where(PublishedCharter.effective_on <= on)
        .order_by(PublishedCharter.version.desc())
        .limit(1)
    )
    return db.scalars(query).first()


# -- what each actor sees (coffre/policy/consent.py, SCOPES) ------------------------


def _scoped(column: InstrumentedAttribute[str], account_id: str | None) -> ColumnElement[bool]:
    """The rows whose ``column`` is the scope's account; none without a scope."""
    return false() if account_id is None else column == account_id


def grants_visible_to(actor: Actor) -> Select[Grant]:
    """The grants a person made (``GRANT_LIST_OWN``); none for anyone else."""
    return select(Grant).where(_scoped(Grant.person_id, scope(actor, Action.GRANT_LIST_OWN)))


def shared_visible_to(actor: Actor) -> Select[Grant]:
    """The grants made to a professional (``SHARED_WITH_ME``); none for anyone else."""
    owner = scope(actor, Action.SHARED_WITH_ME)
    return select(Grant).where(_scoped(Grant.professional_id, owner))


def requests_visible_to(actor: Actor) -> Select[AccessRequest]:
    """A person's requests (``REQUEST_LIST_OWN``), a professional's requests sent
    (``REQUEST_LIST_SENT``); none for anyone else."""
    person = scope(actor, Action.REQUEST_LIST_OWN)
    if person is not None:
        return select(AccessRequest).where(AccessRequest.person_id == person)
    sender = scope(actor, Action.REQUEST_LIST_SENT)
    return select(AccessRequest).where(_scoped(AccessRequest.professional_id, sender))


# -- grants ------------------------------------------------------------------------


def grants_of_person(db: DbSession, actor: Actor) -> Sequence[Grant]:
    query = grants_visible_to(actor)
    return db.scalars(query.order_by(Grant.created_at.desc(), Grant.id)).all()


def grants_to(db: DbSession, actor: Actor, now: datetime) -> Sequence[Grant]:
    """Grants to the professional that are not revoked or expired (exhausted ones are
    filtered by the caller, which knows the state rules)."""
    query = shared_visible_to(actor).where(Grant.revoked_at.is_(None), Grant.not_after > now)
    return db.scalars(query.order_by(Grant.not_after, Grant.id)).all()


def received_visible_to(actor: Actor) -> Select[Grant]:
    """The grants made to a professional (``GRANTS_RECEIVED``); none for anyone else."""
    owner = scope(actor, Action.GRANTS_RECEIVED)
    return select(Grant).where(_scoped(Grant.professional_id, owner))


def _in_state(state: str, now: datetime) -> ColumnElement[bool]:
    """The SQL of ``coffre.consent.gate.grant_state``'s states, as the partner list
    groups them: ``active``; ``ended`` (expired, or every pull made); ``revoked``."""
    exhausted = and_(Grant.max_pulls.is_not(None), Grant.pulls >= Grant.max_pulls)
    if state == "revoked":
        return Grant.revoked_at.is_not(None)
    if state == "ended":
        return and_(Grant.revoked_at.is_(None), or_(Grant.not_after <= now, exhausted))
    return and_(Grant.revoked_at.is_(None), Grant.not_after > now, ~exhausted)


def received_page(
    db: DbSession,
    actor: Actor,
    now: datetime,
    *,
    person_id: str | None,
    purpose: str | None,
    state: str | None,
    ending_before: datetime | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> Sequence[Grant]:
    """One page of the grants made to the caller, oldest first then by id (a total
    order: a grant's creation time and id never change), strictly after ``after``."""
    query = received_visible_to(actor)
    if person_id is not None:
        query = query.where(Grant.person_id == person_id)
    if purpose is not None:
        query = query.where(Grant.purpose == purpose)
    if state is not None:
        query = query.where(_in_state(state, now))
    if ending_before is not None:
        query = query.where(Grant.not_after < ending_before)
    if after is not None:
        created_at, grant_id = after
        query = query.where(
            or_(
                Grant.created_at > created_at,
                and_(Grant.created_at == created_at, Grant.id > grant_id),
            )
        )
    return db.scalars(query.order_by(Grant.created_at, Grant.id).limit(limit)).all()


def add_outcome(db: DbSession, grant_id: str, outcome: str, by: str, now: datetime) -> bool:
    """Record one outcome of a grant, once: True for the one caller whose INSERT made the
    row (parallel identical reports: the primary key lets exactly one through)."""
    statement = (
        upsert_insert(db, GrantOutcome)
        .values(grant_id=grant_id, outcome=outcome, reported_by=by, reported_at=now)
        .on_conflict_do_nothing(index_elements=[GrantOutcome.grant_id, GrantOutcome.outcome])
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT.
    return db.execute(statement.returning(GrantOutcome.grant_id)).first() is not None


def parties_of(db: DbSession, grants: Sequence[Grant]) -> list[object]:
    """The accounts, professional profiles and structures a page of grants names, read
    in three queries. The caller keeps the list while it builds the page: the session's
    identity map holds objects weakly, and with them held each later ``db.get`` of one
    of them is answered without a query."""
    if not grants:
        return []
    accounts = {g.person_id for g in grants} | {g.professional_id for g in grants}
    structures = {g.structure_id for g in grants}
    held: list[object] = []
    held += db.scalars(select(Account).where(Account.id.in_(accounts))).all()
    held += db.scalars(
        select(ProfessionalProfile).where(ProfessionalProfile.account_id.in_(accounts))
    ).all()
    held += db.scalars(select(Structure).where(Structure.id.in_(structures))).all()
    return held


def outcomes_of(db: DbSession, grant_ids: Sequence[str]) -> dict[str, list[GrantOutcome]]:
    """The outcomes reported for each grant named, oldest first."""
    found: dict[str, list[GrantOutcome]] = {grant_id: [] for grant_id in grant_ids}
    if not grant_ids:
        return found
    query = (
        select(GrantOutcome)
        .where(GrantOutcome.grant_id.in_(list(grant_ids)))
        .order_by(GrantOutcome.reported_at, GrantOutcome.outcome)
    )
    for row in db.scalars(query):
        found[row.grant_id].append(row)
    return found


def grant_documents(db: DbSession, grant_id: str) -> Sequence[GrantDocument]:
    query = select(GrantDocument).where(GrantDocument.grant_id == grant_id)
    return db.scalars(query.order_by(GrantDocument.document_id)).all()


def shared_documents(db: DbSession, grant_id: str) -> Sequence[tuple[GrantDocument, Document]]:
    """The documents of a grant the professional can still open (key present, live)."""
    query = (
        select(GrantDocument, Document)
        .join(Document, Document.id == GrantDocument.document_id)
        .where(
            GrantDocument.grant_id == grant_id,
            GrantDocument.sealed_key.is_not(None),
            Document.deleted_at.is_(None),
        )
        .order_by(Document.id)
    )
    return [(gd, doc) for gd, doc in db.execute(query).all()]


def all_documents(db: DbSession, grant_id: str) -> Sequence[tuple[GrantDocument, Document]]:
    """Every document a grant named, still open or not (what the person shared)."""
    query = (
        select(GrantDocument, Document)
        .join(Document, Document.id == GrantDocument.document_id)
        .where(GrantDocument.grant_id == grant_id)
        .order_by(Document.id)
    )
    return [(gd, doc) for gd, doc in db.execute(query).all()]


def withdraw_keys(db: DbSession, grant_id: str, now: datetime) -> None:
    """Delete every key of a grant (revocation, expiry clean-up)."""
    db.execute(
        update(GrantDocument)
        .where(GrantDocument.grant_id == grant_id, GrantDocument.sealed_key.is_not(None))
        .values(sealed_key=None, withdrawn_at=now)
    )


def count_pull(db: DbSession, grant_id: str, now: datetime) -> bool:
    """Count one pull if the grant still allows it: True for a caller whose one
    conditional UPDATE changed the row, so parallel pulls cannot pass the limit
    (PostgreSQL re-checks the WHERE clause once the row lock is its own)."""
    query = (
        update(Grant)
        .where(
            Grant.id == grant_id,
            Grant.revoked_at.is_(None),
            Grant.not_after > now,
            (Grant.max_pulls.is_(None)) | (Grant.pulls < Grant.max_pulls),
        )
        .values(pulls=Grant.pulls + 1)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def mark_revoked(db: DbSession, grant_id: str, now: datetime) -> bool:
    """Revoke a grant once: True for the one caller whose conditional UPDATE found it
    unrevoked (parallel revocations record and tell the professional once)."""
    query = (
        update(Grant)
        .where(Grant.id == grant_id, Grant.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def answer_request(
    db: DbSession,
    request_id: str,
    now: datetime,
    *,
    status: str,
    grant_id: str | None = None,
    decline_word: str | None = None,
) -> bool:
    """Answer a request once: True for the one caller whose conditional UPDATE found it
    pending and unexpired (a decline and a share at the same moment: one wins)."""
    query = (
        update(AccessRequest)
        .where(
            AccessRequest.id == request_id,
            AccessRequest.status == "pending",
            AccessRequest.expires_at > now,
        )
        .values(status=status, answered_at=now, grant_id=grant_id, decline_word=decline_word)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def expired_grants_with_keys(db: DbSession, now: datetime, limit: int) -> Sequence[str]:
    query = (
        select(Grant.id)
        .join(GrantDocument, GrantDocument.grant_id == Grant.id)
        .where(Grant.not_after <= now, GrantDocument.sealed_key.is_not(None))
        .distinct()
        .limit(limit)
    )
    return db.scalars(query).all()


def has_link(db: DbSession, professional_id: str, person_id: str) -> bool:
    """Whether the person ever granted the professional something, answered one of
    their requests, or chose them as their référent de parcours (an active link): what
    lets a professional deposit, orient the person, or fetch the person's box key."""
    granted = select(Grant.id).where(
        Grant.professional_id == professional_id, Grant.person_id == person_id
    )
    answered = select(AccessRequest.id).where(
        AccessRequest.professional_id == professional_id,
        AccessRequest.person_id == person_id,
        AccessRequest.status != "pending",
    )
    referent = _referent_persons(professional_id).where(ReferentLink.person_id == person_id)
    return any(
        db.scalars(query.limit(1)).first() is not None for query in (granted, answered, referent)
    )


def _referent_persons(professional_id: str) -> Select[str]:
    """The persons whose active référent de parcours the professional is: they chose them."""
    return select(ReferentLink.person_id).where(
        ReferentLink.professional_id == professional_id,
        ReferentLink.status == LinkStatus.ACTIVE.value,
    )


def linked_persons(db: DbSession, actor: Actor) -> Sequence[Account]:
    """Live person accounts linked with the professional (see ``has_link``), by login;
    none for anyone else (``DEPOSIT_PERSONS``)."""
    professional_id = scope(actor, Action.DEPOSIT_PERSONS)
    if professional_id is None:
        return []
    granted = select(Grant.person_id).where(Grant.professional_id == professional_id)
    answered = select(AccessRequest.person_id).where(
        AccessRequest.professional_id == professional_id,
        AccessRequest.status != "pending",
        AccessRequest.person_id.is_not(None),
    )
    query = (
        select(Account)
        .where(
            Account.id.in_(
                granted.union(answered, _referent_persons(professional_id)).scalar_subquery()
            ),
            Account.kind == "person",
            Account.deleted_at.is_(None),
        )
        .order_by(Account.login)
    )
    return db.scalars(query).all()


# -- requests ----------------------------------------------------------------------


def requests_to(db: DbSession, actor: Actor, now: datetime) -> Sequence[AccessRequest]:
    """The person's requests still waiting for an answer."""
    query = requests_visible_to(actor).where(
        AccessRequest.status == "pending",
        AccessRequest.expires_at > now,
    )
    return db.scalars(query.order_by(AccessRequest.created_at.desc())).all()


def requests_from(db: DbSession, actor: Actor) -> Sequence[AccessRequest]:
    """The professional's requests sent, newest first (the last 200)."""
    query = requests_visible_to(actor)
    return db.scalars(query.order_by(AccessRequest.created_at.desc()).limit(200)).all()


def count_recent_requests(
    db: DbSession, professional_id: str, login_digest: str, since: datetime
) -> int:
    query = select(func.count(AccessRequest.id)).where(
        AccessRequest.professional_id == professional_id,
        AccessRequest.login_digest == login_digest,
        AccessRequest.created_at > since,
    )
    return int(db.scalar(query) or 0)
