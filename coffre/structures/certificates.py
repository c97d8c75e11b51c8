"""Certificates with a life (crypto/SPEC.md §26): they end, they are renewed, they
can be revoked, and the root that certifies them can be replaced.

The server holds no private key. What it decides on its own, at once, is its gate:
a membership whose certificate has ended or was revoked receives no new share,
deposit, request answer or relay grant, and grants held by a revoked key stop
being pullable (``live_problem``). What clients check is signed by the territory
admin's client: the v2 trust root and its rotations (§26.1, §26.5) and the
revocation list (§26.3), which the server accepts only when it is signed by the
root in force, newer than the one it holds, and names exactly the certificates it
knows to be revoked and not yet ended.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.errors import CoffreError, Conflict, Invalid, NotFound, Refused
from coffre.ids import is_valid_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, MembershipTarget, Role, can
from coffre.structures import repository
from coffre.structures.errors import InvalidCertificate, MembershipNotFound, NotAllowed
from coffre.structures.models import (
    CertificateRevocation,
    Membership,
    ProfessionalProfile,
    RevocationList,
    TrustRootV2,
)
from coffre.structures.standing import standing_of
from crypto import CryptoError, b64decode
from crypto.certificates_v2 import (
    certificate_statement_v2,
    verify_revocation_list,
    verify_root_v2,
)
from crypto.fields import read_time
from crypto.pins import pin_qr_payload
from crypto.root_rotation import follow_root_rotations
from crypto.statements_v2 import KEY_CERTIFICATE, statement_id, verify_statement_v2

# A client's clock may be off by a few minutes; a certificate's issued_at farther
# from the server's time than this is refused (a certificate made in the past or
# for later is not what the certifier just compared face to face).
ISSUE_SKEW: Final = timedelta(minutes=10)
REASONS: Final = frozenset({"key_lost", "left", "device_stolen", "key_rotated", "other"})
# The territory admin is told a revocation list is due this long before its end.
LIST_DUE_NOTICE: Final = timedelta(days=7)


class CertificateExpired(Refused):
    code = "certificate_expired"
    message_fr = (
        "Le certificat de ce ou cette professionnel·le a expiré : rien de nouveau ne peut "
        "lui être confié. Son administrateur ou administratrice de structure doit le "
        "renouveler."
    )


class CertificateRevoked(Refused):
    code = "certificate_revoked"
    message_fr = (
        "Le certificat de ce ou cette professionnel·le a été révoqué (clé perdue, départ, "
        "appareil volé) : rien ne peut plus être confié à cette clé. Adressez-vous à sa "
        "structure."
    )


class CertificateTooLong(Invalid):
    code = "certificate_too_long"
    message_fr = (
        "Ce certificat dure plus longtemps que ce que permet le territoire. Recommencez "
        "la certification depuis une page ou un client à jour."
    )


class InvalidRevocationList(Invalid):
    code = "invalid_revocation_list"
    message_fr = (
        "Cette liste de révocation n'est pas signée par la racine de confiance du "
        "territoire, ou elle ne nomme pas exactement les certificats révoqués. "
        "Signez-la de nouveau depuis votre poste."
    )


class StaleRevocationList(Conflict):
    code = "revocation_list_stale"
    message_fr = (
        "Une liste de révocation aussi récente (ou plus) est déjà publiée. Rechargez la "
        "liste publiée, puis signez la suivante."
    )


class TrustRootMissing(NotFound):
    code = "trust_root_missing"
    message_fr = (
        "La racine de confiance du territoire (format 2) n'est pas encore publiée. "
        "L'administration du territoire doit la publier depuis son poste."
    )


class InvalidTrustRoot(Invalid):
    code = "invalid_trust_root"
    message_fr = (
        "Cette racine de confiance n'est pas signée par la racine en vigueur (ou par "
        "votre propre clé pour la première). Rien n'a été changé."
    )


class TrustRootExists(Conflict):
    code = "trust_root_exists"
    message_fr = (
        "La racine de confiance (format 2) de ce territoire est déjà publiée : rien n'a "
        "été changé. Pour la remplacer, faites une rotation (coffre territory rotate-root)."
    )


def v1_certificate_id(certificate: str) -> str:
    """The id a v1 certificate is revoked by: SHA-256 of its stored JSON."""
    return hashlib.sha256(certificate.encode("utf-8")).hexdigest()


def certified_keys(certificate: str | None) -> tuple[bytes, bytes] | None:
    """The (box, sign) keys a stored certificate (v1 or v2) names."""
    if certificate is None:
        return None
    try:
        statement = json.loads(certificate)["statement"]
        return (
            b64decode(str(statement["box_public_key"])),
            b64decode(str(statement["sign_public_key"])),
        )
    except (ValueError, KeyError, TypeError, CryptoError):
        return None


def awaiting_new_key(membership: Membership, member: Account) -> bool:
    """The membership's certificate was revoked and the member has other keys since
    (a key rotation): the new key waits for its certification, face to face."""
    if membership.revoked_at is None or membership.left_at is not None:
        return False
    certified = certified_keys(membership.certificate)
    return certified is not None and certified != (member.box_public_key, member.sign_public_key)


def revoked_since(db: DbSession, membership: Membership, made_at: datetime) -> bool:
    """A key of this membership was revoked at or after ``made_at``: what was sealed
    then (a grant) was sealed to a revoked key."""
    found = db.scalars(
        select(CertificateRevocation.certificate_id)
        .where(
            CertificateRevocation.membership_id == membership.id,
            CertificateRevocation.revoked_at >= made_at,
        )
        .limit(1)
    ).first()
    return found is not None


def live_problem(membership: Membership | None, now: datetime) -> CoffreError | None:
    """Why nothing new may be sealed to this membership's key now (None: nothing)."""
    if membership is None or membership.certificate is None:
        return None
    if membership.revoked_at is not None:
        return CertificateRevoked()
    if membership.not_after is not None and now >= membership.not_after:
        return CertificateExpired()
    return None


def require_live(membership: Membership | None, now: datetime) -> None:
    """The gate: refuse at once a new share, deposit or grant to an ended or revoked key."""
    problem = live_problem(membership, now)
    if problem is not None:
        raise problem


CertificateState = Literal["none", "valid", "ending", "expired", "revoked"]
ENDING_SOON: Final = timedelta(days=30)


def certificate_state(membership: Membership, now: datetime) -> CertificateState:
    """none, valid, ending (within 30 days), expired or revoked (a v1 one never ends):
    what the members list shows."""
    if membership.certificate is None:
        return "none"
    if membership.revoked_at is not None:
        return "revoked"
    if membership.not_after is None:
        return "valid"
    if membership.not_after <= now:
        return "expired"
    return "ending" if membership.not_after - now <= ENDING_SOON else "valid"


@dataclass(frozen=True)
class CheckedV2:
    certificate_id: str
    not_after: datetime


def check_v2_certificate(
    envelope: dict[str, Any],
    *,
    signer: bytes,
    certifier: Account,
    member: Account,
    membership: Membership,
    profile: ProfessionalProfile,
    territory: str,
    now: datetime,
    max_days: int,
) -> CheckedV2:
    """A v2 certificate (SPEC §26.2) over exactly this member's keys and names, signed
    by ``signer`` (the certifier's key, or the root in force for a structure admin),
    issued now, lasting at most ``max_days``."""
    try:
        statement = verify_statement_v2(envelope, signer, KEY_CERTIFICATE)
        issued_at = read_time(statement.get("issued_at"), "issued_at")
        not_after = read_time(statement.get("not_after"), "not_after")
        expected = certificate_statement_v2(
            territory=territory,
            subject=member.id,
            role=membership.role,
            structure=membership.structure_id,
            display_name=profile.display_name,
            profession=profile.profession,
            box_public=member.box_public_key,
            sign_public=member.sign_public_key,
            issuer=certifier.id,
            issued_at=issued_at,
            not_after=not_after,
        )
    except (CryptoError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidCertificate() from exc
    if statement != expected or abs(issued_at - now) > ISSUE_SKEW:
        raise InvalidCertificate()
    if not_after - issued_at > timedelta(days=max_days):
        raise CertificateTooLong()
    return CheckedV2(statement_id(statement), not_after)


def is_v2_envelope(envelope: object) -> bool:
    if not isinstance(envelope, dict):
        return False
    statement = envelope.get("statement")
    return isinstance(statement, dict) and statement.get("v") == 2


@dataclass(frozen=True)
class RevocationStatus:
    """The list in force (if any) and what the territory admin must know about it."""

    envelope: dict[str, Any] | None
    sequence: int
    next_update: datetime | None
    revoked: list[str]  # what the next list must name (ids, sorted)
    due: bool  # no list yet while something is revoked, the list ends within 7 days,
    # or it no longer names exactly the revoked certificates


@dataclass(frozen=True)
class RootChain:
    root: dict[str, Any]  # the root in force
    links: list[dict[str, Any]]  # every rotation, oldest first
    sequence: int
    pin: str
    first: dict[str, Any]  # the territory's first v2 root (where the links start)


@dataclass(frozen=True)
class HeldGrant:
    grant_id: str
    person_id: str
    professional_id: str
    structure_id: str
    purpose: str
    not_after: datetime


class CertificateService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- revocation ------------------------------------------------------------
    def revoke(self, actor: Actor, membership_id: str, reason: str) -> Membership:
        """Revoke a membership's certificate now (key lost, professional gone, device
        stolen, key rotated). The server's gate refuses at once; the territory admin is
        told a signed list is due; each person whose grants the key held is told."""
        if reason not in REASONS:
            raise InvalidCertificate()
        with self._db.unit_of_work() as db:
            membership = db.get(Membership, membership_id) if is_valid_id(membership_id) else None
            if membership is None:
                raise MembershipNotFound()
            own = repository.active_membership(db, actor.account_id, membership.structure_id)
            target = MembershipTarget(
                member_id=membership.account_id,
                member_role=membership.role,
                standing=standing_of(own),
            )
            if not can(actor, Action.CERTIFICATE_REVOKE, target):
                raise MembershipNotFound()
            if membership.certificate is None:
                raise MembershipNotFound()
            self.revoke_in(db, actor, membership, reason, self._clock.now())
            return membership

    def revoke_in(
        self, db: DbSession, actor: Actor, membership: Membership, reason: str, now: datetime
    ) -> bool:
        """Revoke ``membership``'s certificate inside the caller's unit of work (the
        caller decided who may): True for the one caller that revoked it. Also used by
        a professional's key rotation (coffre/structures/rotation.py)."""
        # Decided by the database: of parallel revocations, one changes the row
        # and records it; the others find it revoked and change nothing. A renewal
        # racing with it either lands first (then its certificate is the one
        # revoked, read below after the row is ours) or finds it revoked.
        result = db.execute(
            update(Membership)
            .where(
                Membership.id == membership.id,
                Membership.revoked_at.is_(None),
                Membership.certificate.is_not(None),
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        db.refresh(membership)
        if int(result.rowcount) != 1 or membership.certificate is None:
            return False
        certificate_id = membership.certificate_id or v1_certificate_id(membership.certificate)
        db.add(
            CertificateRevocation(
                certificate_id=certificate_id,
                membership_id=membership.id,
                account_id=membership.account_id,
                not_after=membership.not_after,
                revoked_at=now,
                revoked_by=actor.account_id,
                reason=reason,
            )
        )
        audit.append(
            db,
            audit.by(
                actor,
                "certificate.revoke",
                structure_id=membership.structure_id,
                object_type="account",
                object_id=membership.account_id,
                reason=reason,
                details={"role": membership.role, "certificate": certificate_id},
            ),
            now,
        )
        for admin in _territory_admins(db):
            notify(
                db,
                admin,
                Kind.REVOCATIONS_DUE,
                {"why": "revoked", "certificate": certificate_id},
                now,
            )
        self._tell_holders(db, actor, membership, now)
        return True

    def _tell_holders(
        self, db: DbSession, actor: Actor, membership: Membership, now: datetime
    ) -> None:
        from coffre.consent.models import Grant  # the consent area builds on this one

        grants = db.scalars(
            select(Grant)
            .where(
                Grant.professional_id == membership.account_id,
                Grant.structure_id == membership.structure_id,
                Grant.revoked_at.is_(None),
                Grant.not_after > now,
            )
            .order_by(Grant.person_id, Grant.id)
        ).all()
        by_person: dict[str, list[str]] = {}
        for grant in grants:
            by_person.setdefault(grant.person_id, []).append(grant.id)
        for person_id, ids in by_person.items():
            notify(
                db,
                person_id,
                Kind.GRANT_KEY_REVOKED,
                {"grants": ids, "professional": membership.account_id},
                now,
            )
            audit.append(
                db,
                audit.by(
                    actor,
                    "grant.key_revoked",
                    person_id=person_id,
                    structure_id=membership.structure_id,
                    object_type="account",
                    object_id=membership.account_id,
                    details={"professional": membership.account_id, "grants": ids},
                ),
                now,
            )

    def held_by_revoked_keys(self, actor: Actor) -> list[HeldGrant]:
        """The person's grants still in force whose professional's key was revoked:
        what the page offers to share again once the professional has a new key."""
        from coffre.consent.models import Grant

        if not can(actor, Action.GRANT_LIST_OWN):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            # Made before a revocation of the professional's key in that structure:
            # sealed to the revoked key (after a key rotation too).
            rows = db.execute(
                select(Grant)
                .join(
                    CertificateRevocation,
                    (CertificateRevocation.account_id == Grant.professional_id)
                    & (CertificateRevocation.revoked_at >= Grant.created_at),
                )
                .join(Membership, Membership.id == CertificateRevocation.membership_id)
                .where(
                    Grant.person_id == actor.account_id,
                    Grant.revoked_at.is_(None),
                    Grant.not_after > now,
                    Membership.structure_id == Grant.structure_id,
                )
                .order_by(Grant.created_at, Grant.id)
            ).scalars()
            seen: dict[str, HeldGrant] = {}
            for g in rows:
                seen.setdefault(
                    g.id,
                    HeldGrant(
                        g.id, g.person_id, g.professional_id, g.structure_id, g.purpose, g.not_after
                    ),
                )
            return list(seen.values())

    # -- the revocation list ---------------------------------------------------
    def revoked_now(self, db: DbSession, now: datetime) -> list[str]:
        rows = db.scalars(
            select(CertificateRevocation.certificate_id).where(
                (CertificateRevocation.not_after.is_(None))
                | (CertificateRevocation.not_after > now)
            )
        ).all()
        return sorted(rows)

    def revocation_status_for(self, actor: Actor) -> RevocationStatus:
        """The status with what the next list must name: the territory admin's."""
        if not can(actor, Action.REVOCATIONS_PUBLISH):
            raise NotAllowed()
        return self.revocation_status()

    def revocation_status(self) -> RevocationStatus:
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            return self._status(db, now)

    def _status(self, db: DbSession, now: datetime) -> RevocationStatus:
        latest = _latest_list(db)
        revoked = self.revoked_now(db, now)
        if latest is None:
            return RevocationStatus(None, 0, None, revoked, due=bool(revoked))
        envelope = json.loads(latest.envelope)
        named = sorted(envelope["statement"]["revoked"])
        due = latest.next_update - now <= LIST_DUE_NOTICE or named != revoked
        return RevocationStatus(envelope, latest.sequence, latest.next_update, revoked, due)

    def publish_revocations(self, actor: Actor, envelope: dict[str, Any]) -> RevocationStatus:
        """Store a list signed by the root in force, newer than the one held, naming
        exactly the certificates revoked and not yet ended."""
        if not can(actor, Action.REVOCATIONS_PUBLISH):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            root = _root_in_force(db)
            if root is None:
                raise TrustRootMissing()
            latest = _latest_list(db)
            try:
                checked = verify_revocation_list(
                    envelope,
                    root_sign_public=root.sign_public_key,
                    territory=root.territory,
                    now=now,
                    min_sequence=1,
                )
            except CryptoError as exc:
                raise InvalidRevocationList() from exc
            if latest is not None and checked.sequence <= latest.sequence:
                raise StaleRevocationList()
            if sorted(checked.revoked) != self.revoked_now(db, now):
                raise InvalidRevocationList()
            db.add(
                RevocationList(
                    sequence=checked.sequence,
                    envelope=json.dumps(envelope),
                    issued_at=checked.issued_at,
                    next_update=checked.next_update,
                    uploaded_at=now,
                    uploaded_by=actor.account_id,
                )
            )
            try:
                db.flush()
            except IntegrityError as exc:  # the same sequence sent twice at once
                raise StaleRevocationList() from exc
            audit.append(
                db,
                audit.by(
                    actor,
                    "revocations.publish",
                    details={"sequence": checked.sequence, "revoked": len(checked.revoked)},
                ),
                now,
            )
            return self._status(db, now)

    def remind_if_due(self) -> int:
        """Tell the territory admin that a list is due (a revocation waits to be
        signed, or the list ends within 7 days): each time it runs while it is due
        (``coffre jobs remind-revocations``, daily). Returns how many were told."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            status = self._status(db, now)
            if not status.due:
                return 0
            told = 0
            for admin in _territory_admins(db):
                notify(
                    db,
                    admin,
                    Kind.REVOCATIONS_DUE,
                    {"why": "due", "sequence": status.sequence},
                    now,
                )
                told += 1
            return told

    # -- the v2 trust root and its rotations ---------------------------------------
    def root_chain(self) -> RootChain:
        with self._db.unit_of_work() as db:
            rows = db.scalars(select(TrustRootV2).order_by(TrustRootV2.sequence)).all()
            if not rows:
                raise TrustRootMissing()
            links = [json.loads(r.link) for r in rows if r.link is not None]
            last = rows[-1]
            return RootChain(
                json.loads(last.root),
                links,
                last.sequence,
                pin_qr_payload(last.sign_public_key),
                json.loads(rows[0].root),
            )

    def publish_root(
        self, actor: Actor, root: dict[str, Any], link: dict[str, Any] | None
    ) -> RootChain:
        """The first v2 root (self-signed by the territory admin's own key, the v1
        root's key), or a rotation: a link signed by the root in force (SPEC §26.5)."""
        if not can(actor, Action.TRUST_ROOT_PUBLISH):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            current = _root_in_force(db)
            v1 = repository.trust_root(db)
            me = db.get(Account, actor.account_id)
            if v1 is None or me is None:
                raise TrustRootMissing()
            try:
                if current is None:
                    if link is not None or v1.account_id != me.id:
                        raise InvalidTrustRoot()
                    statement = verify_root_v2(root, pin_qr_payload(me.sign_public_key))
                    sequence, territory = 0, str(statement["territory"])
                    if territory != v1.territory:
                        raise InvalidTrustRoot()
                    sign_public = me.sign_public_key
                else:
                    if link is None:  # a second first root (bootstrap published one)
                        raise TrustRootExists()
                    if link.get("root") != root:
                        raise InvalidTrustRoot()
                    followed = follow_root_rotations(
                        pin=pin_qr_payload(current.sign_public_key),
                        root=json.loads(current.root),
                        links=[link],
                        now=now,
                        min_rotation=current.sequence,
                    )
                    if not followed.changed:
                        raise InvalidTrustRoot()
                    sequence, territory = followed.sequence, followed.territory
                    sign_public = followed.sign_public
            except CryptoError as exc:
                raise InvalidTrustRoot() from exc
            db.add(
                TrustRootV2(
                    sequence=sequence,
                    territory=territory,
                    root=json.dumps(root),
                    link=json.dumps(link) if link is not None else None,
                    sign_public_key=sign_public,
                    created_at=now,
                )
            )
            try:
                db.flush()
            except IntegrityError as exc:  # the same sequence published at once
                raise (InvalidTrustRoot() if link is not None else TrustRootExists()) from exc
            audit.append(
                db,
                audit.by(
                    actor,
                    "trust_root.rotate" if link is not None else "trust_root.publish",
                    details={"sequence": sequence, "pin": pin_qr_payload(sign_public)},
                ),
                now,
            )
        return self.root_chain()


def _territory_admins(db: DbSession) -> Sequence[str]:
    return db.scalars(
        select(Account.id).where(Account.kind == Role.TERRITORY_ADMIN.value).order_by(Account.id)
    ).all()


def _latest_list(db: DbSession) -> RevocationList | None:
    return db.scalars(select(RevocationList).order_by(RevocationList.sequence.desc())).first()


def _root_in_force(db: DbSession) -> TrustRootV2 | None:
    return db.scalars(select(TrustRootV2).order_by(TrustRootV2.sequence.desc())).first()


def root_in_force(db: DbSession) -> TrustRootV2 | None:
    """The v2 root certificates are checked against (None before it is published)."""
    return _root_in_force(db)
