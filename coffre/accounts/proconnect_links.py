"""A professional's ProConnect link once made: whose organisation it may log in for
(the ``siret`` claim against the structures' SIRET), what the professional sees of
it, and undoing it from their page (docs/PROCONNECT.md).

The SIRET rule. ProConnect names the organisation the agent logged in for (its
``siret`` claim, chosen by the agent at ProConnect for agents of several). A link is
made for the invitation's structure, and a later login is for a structure the account
is still an active member of: the claim must be the SIRET recorded for that
structure. A structure admitted without a SIRET cannot be compared: the invitation
stays the only check there (as it was before the rule), which docs/THREATS.md states.

Undoing the link asks the passphrase again (as a passphrase change or an erasure
does): a session alone, stolen or left open, cannot remove the account's second way
in, nor make room for another identity to be linked with a new invitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.credentials import Credentials, Proven
from coffre.accounts.proconnect_errors import ProConnectLinkNotFound
from coffre.accounts.proconnect_models import ProConnectLink
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.policy import Actor
from coffre.structures.models import Membership, Structure


@dataclass(frozen=True)
class LinkStatus:
    """What the professional's page shows: linked or not, since when, for which SIRET."""

    linked: bool
    siret: str | None = None
    created_at: datetime | None = None
    last_login_at: datetime | None = None


def siret_fits_structure(db: DbSession, structure_id: str, siret: str) -> bool:
    """The invitation's structure: its recorded SIRET, or none recorded."""
    recorded = db.scalar(select(Structure.siret).where(Structure.id == structure_id))
    return recorded is None or recorded == siret


def siret_fits_account(db: DbSession, account_id: str, siret: str) -> bool:
    """A linked account: one of the structures it is still an active member of. An
    account that left them all logs in for no structure."""
    query = (
        select(Structure.siret)
        .join(Membership, Membership.structure_id == Structure.id)
        .where(Membership.account_id == account_id, Membership.left_at.is_(None))
    )
    recorded = list(db.scalars(query))
    return siret in recorded or None in recorded


def link_of_account(db: DbSession, account_id: str) -> ProConnectLink | None:
    query = select(ProConnectLink).where(ProConnectLink.account_id == account_id)
    return db.scalars(query).one_or_none()


class ProConnectLinks:
    def __init__(self, db: Database, credentials: Credentials, clock: Clock) -> None:
        self._db = db
        self._credentials = credentials
        self._clock = clock

    def status(self, actor: Actor) -> LinkStatus:
        with self._db.unit_of_work() as db:
            link = link_of_account(db, actor.account_id)
            if link is None:
                return LinkStatus(linked=False)
            return LinkStatus(
                linked=True,
                siret=link.siret,
                created_at=link.created_at,
                last_login_at=link.last_login_at,
            )

    def unlink(self, actor: Actor, auth_key: bytes, *, address: str | None = None) -> None:
        """Remove the caller's link, the passphrase proven again (``wrong_passphrase``,
        counted like a failed login, otherwise). The Coffre sessions stay: the
        passphrase still opens the account, which the professional just proved."""
        credentials = self._credentials
        now = self._clock.now()

        def refused(db: DbSession, _account: object) -> None:
            entry = audit.by(
                actor, "proconnect.unlink", outcome="refused", details={"code": "wrong_passphrase"}
            )
            audit.append(db, entry, now)

        def unlink(proven: Proven) -> None:
            db = proven.db
            credentials.succeeded(db, proven.attempt)
            link = link_of_account(db, proven.account.id)
            if link is None:
                raise ProConnectLinkNotFound()
            db.delete(link)
            entry = audit.by(
                actor, "proconnect.unlink", object_type="proconnect_link", object_id=link.id
            )
            audit.append(db, entry, now)

        credentials.proven(
            self._db,
            actor.account_id,
            auth_key,
            unlink,
            address=address,
            now=now,
            on_wrong=refused,
        )
