"""Running the territory's network: structures, invitations, memberships, certified keys.

Who may do what is decided by ``coffre.policy.can``; this module loads the facts
the policy needs (the actor's standing in a structure) and applies the rules.
Certificates are made and signed by the certifier's client (the server has no
private key); the server only checks that what it stores verifies and matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.accounts.service import AccountService, SignupData
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.errors import Conflict
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, MembershipTarget, Role, Standing, can
from coffre.structures import repository
from coffre.structures.certificates import (
    CertificateRevoked,
    certified_keys,
    check_v2_certificate,
    is_v2_envelope,
    root_in_force,
)
from coffre.structures.codes import code_hash, new_code
from coffre.structures.errors import (
    InvalidCertificate,
    InvalidInvitation,
    InvalidProfession,
    InvalidSiret,
    InvalidStructure,
    MembershipNotFound,
    NotAllowed,
    ProfessionalNotFound,
    SiretTaken,
    StructureNotFound,
)
from coffre.structures.first_root import FirstTrust, first_list_row, first_root_row
from coffre.structures.joining import MEMBER_INVITATIONS, add_member
from coffre.structures.kinds import PROFESSIONS, STRUCTURE_KINDS
from coffre.structures.models import (
    Invitation,
    Membership,
    ProfessionalProfile,
    Structure,
    TrustRoot,
)
from coffre.structures.siret import normalise as normalise_siret
from coffre.structures.siret import siret_problem
from coffre.structures.standing import standing_of
from coffre.text import check_text
from crypto import CryptoError, b64encode, fingerprint, verify_statement
from crypto.certificates import ROOT_TYPE, certificate_statement
from crypto.pins import pin_qr_payload

PROFESSIONAL_INVITATION_DAYS = 7
PERSON_INVITATION_DAYS = 3
MEMBER_KINDS = {"professional", "structure_admin"}
_TERRITORY = re.compile(r"^[0-9][0-9AB][0-9]?$")  # département codes: 01..95, 2A, 2B, 971..976


class TerritoryExists(Conflict):
    code = "territory_exists"
    message_fr = "Ce territoire a déjà son administrateur ou administratrice."


@dataclass(frozen=True)
class NewStructure:
    name: str
    kind: str
    address: str
    territory: str
    siret: str | None = None


@dataclass(frozen=True)
class IssuedInvitation:
    code: str
    invitation: Invitation


@dataclass(frozen=True)
class Member:
    membership: Membership
    profile: ProfessionalProfile
    account: Account


@dataclass(frozen=True)
class KeyChain:
    """What a client needs to verify a professional's keys up to the pinned root."""

    account: Account
    profile: ProfessionalProfile
    membership: Membership | None
    certificates: list[dict[str, Any]]
    root: dict[str, Any]


class StructureService:
    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        clock: Clock,
        on_membership_end: Sequence[Callable[[DbSession, Membership, datetime], None]] = (),
        *,
        certificate_days: int = 365,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._clock = clock
        self._certificate_days = certificate_days
        # Called in the same unit of work when a membership ends (the référent links
        # made in that structure end with it: coffre/referents/service.py).
        self._on_membership_end = tuple(on_membership_end)

    # -- the root ------------------------------------------------------------
    def bootstrap_territory(
        self,
        data: SignupData,
        display_name: str,
        territory: str,
        root: dict[str, Any],
        v2: FirstTrust | None = None,
    ) -> Account:
        """Create the territory admin and publish their self-signed root (operator command).

        ``v2``: the first v2 root and revocation list, self-signed by the same key
        (``coffre territory bootstrap`` always sends them: a new territory's
        certificates end and can be revoked from the start). Without it, a territory
        as made before v2 (v1 root only; ``coffre territory publish-root`` adds v2)."""
        if not _TERRITORY.match(territory):
            raise InvalidStructure()
        # From the command line, not through the API's schemas: the same text rule.
        check_text(display_name)
        if not display_name.strip() or len(display_name) > 120:
            raise InvalidStructure()
        statement = _verified(root, data.sign_public_key)
        if (
            statement.get("type") != ROOT_TYPE
            or statement.get("territory") != territory
            or statement.get("sign_public_key") != b64encode(data.sign_public_key)
            or statement.get("box_public_key") != b64encode(data.box_public_key)
        ):
            raise InvalidCertificate()
        # Decided by the database: of parallel bootstraps, one makes the territory
        # (held before the check), the others find it made.
        with self._db.unit_of_work(write=True) as db:
            hold(db, "territory.bootstrap")
            if repository.trust_root(db) is not None:
                raise TerritoryExists()
            account = self._accounts.add_account(db, data, Role.TERRITORY_ADMIN)
            db.add(
                ProfessionalProfile(
                    account_id=account.id, display_name=display_name, profession="autre"
                )
            )
            now = self._clock.now()
            db.add(
                TrustRoot(
                    account_id=account.id,
                    territory=territory,
                    statement=json.dumps(root),
                    fingerprint=fingerprint(data.sign_public_key),
                    created_at=now,
                )
            )
            if v2 is not None:
                self._first_trust(db, account, territory, v2, now)
            return account

    def _first_trust(
        self, db: DbSession, account: Account, territory: str, v2: FirstTrust, now: datetime
    ) -> None:
        """The v2 root (rotation 0) and the first revocation list, with the admin."""
        key = account.sign_public_key
        db.add(first_root_row(v2.root, sign_public=key, territory=territory, now=now))
        listed = first_list_row(
            v2.revocations,
            root_sign_public=key,
            territory=territory,
            now=now,
            uploaded_by=account.id,
        )
        db.add(listed)
        for action, details in (
            ("trust_root.publish", {"sequence": 0, "pin": pin_qr_payload(key)}),
            ("revocations.publish", {"sequence": listed.sequence, "revoked": 0}),
        ):
            entry = audit.Entry(
                action,
                actor_id=account.id,
                actor_role=Role.TERRITORY_ADMIN.value,
                details=details,
            )
            audit.append(db, entry, now)

    def trust_root(self) -> TrustRoot:
        with self._db.unit_of_work() as db:
            root = repository.trust_root(db)
            if root is None:
                raise ProfessionalNotFound()
            return root

    # -- structures ----------------------------------------------------------
    def admit(self, actor: Actor, new: NewStructure) -> Structure:
        if not can(actor, Action.STRUCTURE_ADMIT):
            raise NotAllowed()
        siret = normalise_siret(new.siret or "") or None
        if (
            not new.name.strip()
            or not new.address.strip()
            or new.kind not in STRUCTURE_KINDS
            or not _TERRITORY.match(new.territory)
        ):
            raise InvalidStructure()
        # 14 digits and the Luhn key (La Poste's establishments: the sum of the digits),
        # the page's and the client's rule: a mistyped digit never becomes a structure.
        if siret is not None and siret_problem(siret) is not None:
            raise InvalidSiret()
        with self._db.unit_of_work() as db:
            if siret is not None and repository.structure_by_siret(db, siret) is not None:
                raise SiretTaken()
            structure = Structure(
                id=new_id(),
                name=new.name.strip(),
                siret=siret,
                kind=new.kind,
                address=new.address.strip(),
                territory=new.territory,
                admitted_at=self._clock.now(),
                admitted_by=actor.account_id,
            )
            db.add(structure)
            try:
                db.flush()
            except IntegrityError as exc:
                raise SiretTaken() from exc
            entry = audit.by(actor, "structure.admit", structure_id=structure.id)
            audit.append(db, entry, structure.admitted_at)
            return structure

    def directory(self, actor: Actor) -> list[Structure]:
        if not can(actor, Action.STRUCTURE_LIST):
            raise NotAllowed()
        with self._db.unit_of_work() as db:
            return list(repository.structures(db))

    def members(self, actor: Actor, structure_id: str) -> list[Member]:
        with self._db.unit_of_work() as db:
            structure = self._structure(db, structure_id)
            if not can(actor, Action.STRUCTURE_MEMBERS, self._standing(db, actor, structure.id)):
                raise StructureNotFound()
            rows = repository.members(db, structure.id)
            return [
                Member(m, p, account)
                for m, p in rows
                if (account := db.get(Account, m.account_id)) is not None
            ]

    # -- invitations ---------------------------------------------------------
    def invite(
        self,
        actor: Actor,
        kind: str,
        *,
        structure_id: str | None,
        display_name: str,
        profession: str,
    ) -> IssuedInvitation:
        """Invite a professional, a structure admin (into a structure) or a charter officer."""
        if profession not in PROFESSIONS:
            raise InvalidProfession()
        if not display_name.strip() or len(display_name) > 120:
            raise InvalidStructure()
        with self._db.unit_of_work() as db:
            if kind == "charter_officer":
                allowed = can(actor, Action.INVITE_CHARTER_OFFICER)
                structure = None
            elif kind in MEMBER_KINDS and structure_id is not None:
                structure = self._structure(db, structure_id)
                action = (
                    Action.INVITE_STRUCTURE_ADMIN
                    if kind == "structure_admin"
                    else Action.INVITE_PROFESSIONAL
                )
                # A structure one may not invite into answers like one that does not
                # exist (docs/ROLES.md): a refusal never confirms an id.
                if not can(actor, action, self._standing(db, actor, structure.id)):
                    raise StructureNotFound()
                allowed = True
            else:
                raise InvalidStructure()
            if not allowed:
                raise NotAllowed()
            return self._issue(
                db,
                actor,
                kind,
                structure.id if structure is not None else None,
                display_name.strip(),
                profession,
                PROFESSIONAL_INVITATION_DAYS,
            )

    def invite_person(self, actor: Actor) -> IssuedInvitation:
        """Assisted sign-up: a code for the person's own phone, where they choose a passphrase."""
        with self._db.unit_of_work() as db:
            membership = repository.current_certified(db, actor.account_id)
            standing = standing_of(membership)
            if not can(actor, Action.INVITE_PERSON, standing):
                raise NotAllowed()
            return self._issue(db, actor, "person", None, None, None, PERSON_INVITATION_DAYS)

    def accept(self, code: str, data: SignupData) -> Account:
        """Join with an invitation: the account, its profile and membership, in one transaction."""
        with self._db.unit_of_work() as db:
            invitation = self._usable(
                db, code, {"professional", "structure_admin", "charter_officer"}
            )
            if invitation.kind in MEMBER_INVITATIONS:
                # The same as a join with ProConnect (coffre/structures/joining.py).
                return add_member(db, self._accounts, invitation, data, self._clock.now())
            account = self._accounts.add_account(db, data, Role.CHARTER_OFFICER)
            db.add(
                ProfessionalProfile(
                    account_id=account.id,
                    display_name=invitation.display_name or "",
                    profession=invitation.profession or "autre",
                )
            )
            self._consume(db, invitation, account)
            return account

    def accept_person(self, code: str, data: SignupData) -> Account:
        with self._db.unit_of_work() as db:
            invitation = self._usable(db, code, {"person"})
            account = self._accounts.add_account(db, data, Role.PERSON)
            self._consume(db, invitation, account)
            return account

    # -- certification -------------------------------------------------------
    def certify(self, actor: Actor, membership_id: str, envelope: dict[str, Any]) -> Membership:
        with self._db.unit_of_work() as db:
            membership, profile, member = self._membership(db, membership_id)
            certifier = db.get(Account, actor.account_id)
            target = MembershipTarget(
                member_id=member.id,
                member_role=membership.role,
                standing=self._standing(db, actor, membership.structure_id),
            )
            if certifier is None or not can(actor, Action.MEMBERSHIP_CERTIFY, target):
                raise MembershipNotFound()
            if membership.left_at is not None:
                raise MembershipNotFound()
            now = self._clock.now()
            # A revoked certificate is not renewed: the key it certified is lost or
            # gone. Once the member has new keys (key rotation), a certificate over
            # the new keys replaces it and the membership is in force again.
            rotated = membership.revoked_at is not None
            if rotated and certified_keys(membership.certificate) == (
                member.box_public_key,
                member.sign_public_key,
            ):
                raise CertificateRevoked()
            not_after: datetime | None = None
            certificate_id: str | None = None
            if is_v2_envelope(envelope):
                # A certificate with a life (SPEC §26.2): issued or renewed.
                root = repository.trust_root(db)
                if root is None:
                    raise InvalidCertificate()
                # The root certifies structure admins: after a rotation (SPEC §26.5)
                # its key is no longer the territory admin's account key.
                v2_root = root_in_force(db)
                signer = certifier.sign_public_key
                if membership.role == "structure_admin" and v2_root is not None:
                    signer = v2_root.sign_public_key
                checked = check_v2_certificate(
                    envelope,
                    signer=signer,
                    certifier=certifier,
                    member=member,
                    membership=membership,
                    profile=profile,
                    territory=root.territory,
                    now=now,
                    max_days=self._certificate_days,
                )
                not_after, certificate_id = checked.not_after, checked.certificate_id
            else:
                statement = _verified(envelope, certifier.sign_public_key)
                expected = certificate_statement(
                    subject=member.id,
                    role=membership.role,
                    structure_id=membership.structure_id,
                    display_name=profile.display_name,
                    profession=profile.profession,
                    box_public=member.box_public_key,
                    sign_public=member.sign_public_key,
                    issuer=certifier.id,
                    issued_at=str(statement.get("issued_at", "")),
                )
                if statement != expected:
                    raise InvalidCertificate()
            # Decided by the database: of parallel certifications with one certificate,
            # one stores and records it; one ending the membership at the same moment
            # leaves no certificate on an ended membership.
            stored = repository.record_certificate(
                db,
                membership.id,
                certificate=json.dumps(envelope),
                certified_by=certifier.id,
                certifier_fingerprint=fingerprint(certifier.sign_public_key),
                now=now,
                not_after=not_after,
                certificate_id=certificate_id,
                rotated=rotated,
            )
            db.refresh(membership)
            if membership.left_at is not None:
                raise MembershipNotFound()
            if membership.revoked_at is not None:  # revoked meanwhile: nothing renewed
                raise CertificateRevoked()
            if stored:
                entry = _membership_entry(actor, "membership.certify", membership)
                if not_after is not None:
                    entry = audit.by(
                        actor,
                        "membership.certify",
                        structure_id=membership.structure_id,
                        object_type="account",
                        object_id=membership.account_id,
                        details={
                            "role": membership.role,
                            "certificate": certificate_id,
                            "not_after": not_after.isoformat(),
                            "new_keys": rotated,
                        },
                    )
                audit.append(db, entry, now)
            return membership

    def end_membership(self, actor: Actor, membership_id: str) -> Membership:
        """A professional leaves (or is removed from) a structure: effective at once."""
        with self._db.unit_of_work() as db:
            membership, _, member = self._membership(db, membership_id)
            target = MembershipTarget(
                member_id=member.id,
                member_role=membership.role,
                standing=self._standing(db, actor, membership.structure_id),
            )
            if not can(actor, Action.MEMBERSHIP_END, target) or membership.left_at is not None:
                raise MembershipNotFound()
            now = self._clock.now()
            # Decided by the database: of parallel ends, one is recorded; the others
            # answer as a later call would (membership_not_found).
            if not repository.end_membership(db, membership.id, now):
                raise MembershipNotFound()
            db.refresh(membership)
            audit.append(db, _membership_entry(actor, "membership.end", membership), now)
            for hook in self._on_membership_end:
                hook(db, membership, now)
            return membership

    def key_chain(self, actor: Actor, account_id: str) -> KeyChain:
        """The keys and certificates of a professional, structure admin or officer."""
        if not can(actor, Action.PROFESSIONAL_KEYS):
            raise NotAllowed()
        with self._db.unit_of_work() as db:
            account = db.get(Account, account_id) if is_valid_id(account_id) else None
            profile = db.get(ProfessionalProfile, account_id) if account is not None else None
            root = repository.trust_root(db)
            if account is None or profile is None or root is None:
                raise ProfessionalNotFound()
            membership = repository.current_certified(db, account.id)
            certificates: list[dict[str, Any]] = []
            # Charter officers see metadata only: nothing is ever sealed to them, so
            # their keys need no chain here.
            if membership is not None and membership.certificate is not None:
                certificates.append(json.loads(membership.certificate))
                if membership.role == "professional" and membership.certified_by is not None:
                    admin = repository.active_membership(
                        db, membership.certified_by, membership.structure_id
                    )
                    if admin is None or admin.certificate is None:
                        raise ProfessionalNotFound()
                    certificates.append(json.loads(admin.certificate))
            else:
                raise ProfessionalNotFound()
            return KeyChain(account, profile, membership, certificates, json.loads(root.statement))

    # -- internals -----------------------------------------------------------
    def _issue(
        self,
        db: DbSession,
        actor: Actor,
        kind: str,
        structure_id: str | None,
        display_name: str | None,
        profession: str | None,
        days: int,
    ) -> IssuedInvitation:
        code, hashed = new_code()
        now = self._clock.now()
        invitation = Invitation(
            id=new_id(),
            code_hash=hashed,
            kind=kind,
            structure_id=structure_id,
            display_name=display_name,
            profession=profession,
            issuer_id=actor.account_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        db.add(invitation)
        entry = audit.by(
            actor,
            "invitation.create",
            structure_id=structure_id,
            object_type="invitation",
            object_id=invitation.id,
            details={"kind": kind},
        )
        audit.append(db, entry, now)
        return IssuedInvitation(code, invitation)

    def _usable(self, db: DbSession, code: str, kinds: set[str]) -> Invitation:
        hashed = code_hash(code)
        invitation = repository.invitation_by_hash(db, hashed) if hashed is not None else None
        if (
            invitation is None
            or invitation.kind not in kinds
            or invitation.used_at is not None
            or invitation.expires_at <= self._clock.now()
        ):
            raise InvalidInvitation()
        return invitation

    def _consume(self, db: DbSession, invitation: Invitation, account: Account) -> None:
        # Decided by the database: of parallel sign-ups with one code, one spends it
        # and the others are rolled back, their account with them.
        if not repository.use_invitation(db, invitation.id, account.id, self._clock.now()):
            raise InvalidInvitation()

    def _structure(self, db: DbSession, structure_id: str) -> Structure:
        structure = db.get(Structure, structure_id) if is_valid_id(structure_id) else None
        if structure is None:
            raise StructureNotFound()
        return structure

    def _standing(self, db: DbSession, actor: Actor, structure_id: str) -> Standing:
        membership = repository.active_membership(db, actor.account_id, structure_id)
        if membership is None:
            return Standing(structure_id=structure_id)
        return standing_of(membership)

    def _membership(
        self, db: DbSession, membership_id: str
    ) -> tuple[Membership, ProfessionalProfile, Account]:
        membership = db.get(Membership, membership_id) if is_valid_id(membership_id) else None
        profile = db.get(ProfessionalProfile, membership.account_id) if membership else None
        member = db.get(Account, membership.account_id) if membership else None
        if membership is None or profile is None or member is None:
            raise MembershipNotFound()
        return membership, profile, member


def _membership_entry(actor: Actor, action: str, membership: Membership) -> audit.Entry:
    return audit.by(
        actor,
        action,
        structure_id=membership.structure_id,
        object_type="account",
        object_id=membership.account_id,
        details={"role": membership.role},
    )


def _verified(envelope: dict[str, Any], signer: bytes) -> dict[str, Any]:
    try:
        return verify_statement(envelope, expected_signer=signer)
    except (CryptoError, KeyError, TypeError) as exc:
        raise InvalidCertificate() from exc
