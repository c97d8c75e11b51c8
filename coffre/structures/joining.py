"""A professional's account made from a member invitation, inside the caller's unit
of work: the account, its profile and its membership of the invitation's structure,
the invitation spent, all in one transaction with whatever the caller adds.

Used by a professional who joins with an invitation (``StructureService.accept``)
or with ProConnect (coffre/accounts/proconnect.py: the account and its ProConnect link
are made together or not at all). The invitation
is checked by the caller (``usable_member_invitation``) and spent here, by the
database (``use_invitation``'s conditional UPDATE): of parallel joins with one
code, one succeeds and the others are rolled back with their account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.accounts.service import AccountService, SignupData
from coffre.ids import new_id
from coffre.policy import Role
from coffre.structures import repository
from coffre.structures.errors import InvalidInvitation
from coffre.structures.models import Invitation, Membership, ProfessionalProfile

# The invitations that make a member of a structure (not a charter officer, a person).
MEMBER_INVITATIONS = frozenset({"professional", "structure_admin"})


def usable_member_invitation(invitation: Invitation | None, now: datetime) -> bool:
    return (
        invitation is not None
        and invitation.kind in MEMBER_INVITATIONS
        and invitation.structure_id is not None
        and invitation.used_at is None
        and invitation.expires_at > now
    )


def add_member(
    db: DbSession,
    accounts: AccountService,
    invitation: Invitation,
    data: SignupData,
    now: datetime,
) -> Account:
    """The professional's account in the invitation's structure; ``login_taken`` and
    the sign-up material checks as at any sign-up (``AccountService.add_account``)."""
    if not usable_member_invitation(invitation, now) or invitation.structure_id is None:
        raise InvalidInvitation()
    account = accounts.add_account(db, data, Role.PROFESSIONAL)
    db.add(
        ProfessionalProfile(
            account_id=account.id,
            display_name=invitation.display_name or "",
            profession=invitation.profession or "autre",
        )
    )
    db.add(
        Membership(
            id=new_id(),
            structure_id=invitation.structure_id,
            account_id=account.id,
            role=invitation.kind,
            joined_at=now,
        )
    )
    if not repository.use_invitation(db, invitation.id, account.id, now):
        raise InvalidInvitation()
    return account
