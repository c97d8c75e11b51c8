"""The référent de parcours: the rules (docs/NETWORK.md, "Référent de parcours").

A person designates their référent among the certified professionals, or accepts a
professional's proposal; one active référent at a time (the database decides: a
partial unique index), the history kept; changing is ending the current link and
starting the new one in ONE transaction; ending is one step.

Hand-over: when a référent leaves, is replaced or is absent, they (or an admin of the
link's structure) name a successor. The person is asked, in plain words; nothing
moves without them. Accepting moves the link (the old one ends ``handed_over``, the
successor's starts) and the open relays the old référent was responsible for; the
answer lists the grants the person's page re-shares with the successor in one tap.
The successor sees the person, and what is pending, only from then on: never before
(the seeds' replacement who "n'avait pas eu connaissance").

Concurrency: every change for a person holds the person's lock (``hold``, write units
of work) and is decided by one conditional UPDATE; the partial unique indexes are the
last word (an IntegrityError is ``referent_already_active``). Anything that is not the
caller's answers exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository as accounts
from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository as consent
from coffre.consent.errors import PersonNotFound
from coffre.consent.gate import CLOCK_SKEW
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.ids import is_valid_id, new_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, PersonLink, Role, Standing, can
from coffre.policy.referents import Candidate, Followed, HandoverNaming, OwnedLink
from coffre.referents import handovers, relays, view
from coffre.referents import repository as rows
from coffre.referents.errors import (
    InvalidFollowedCursor,
    InvalidHandover,
    ReferentAlreadyActive,
    ReferentAlreadyProposed,
    ReferentHandoverAlreadyAnswered,
    ReferentHandoverNotFound,
    ReferentNotFound,
    ReferentProposalAlreadyAnswered,
    ReferentProposalNotFound,
)
from coffre.referents.models import (
    EndReason,
    HandoverReason,
    HandoverStatus,
    LinkStatus,
    ProposedBy,
    ReferentHandover,
    ReferentLink,
)
from coffre.structures import repository as structures
from coffre.structures.errors import NotAllowed, ProfessionalNotFound
from coffre.structures.models import Membership, ProfessionalProfile, Structure
from coffre.structures.standing import standing_of

FOLLOWED_PAGE = 50
FOLLOWED_PAGE_MAX = 100
HANDOVER_PERSONS_MAX = 1000
ABSENCE_MAX_DAYS = 366
SWEEP_BATCH = 500


@dataclass(frozen=True)
class LinkView:
    id: str
    professional: view.ProfessionalRef
    structure: view.Named
    status: str
    proposed_by: str
    show_expiry_count: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None


@dataclass(frozen=True)
class Regrant:
    """A grant the person made to the old référent, to make again to the successor
    (same purpose, documents and end) with one tap on their page."""

    grant_id: str
    purpose: str
    not_after: datetime
    document_ids: tuple[str, ...]


@dataclass(frozen=True)
class HandoverView:
    id: str
    from_professional: view.Named
    successor: view.ProfessionalRef
    structure: view.Named  # the successor's
    reason: str
    until: date | None
    regrants: tuple[Regrant, ...]


@dataclass(frozen=True)
class MyReferent:
    current: LinkView | None
    proposals: tuple[LinkView, ...]
    handover: HandoverView | None
    history: tuple[LinkView, ...]


@dataclass(frozen=True)
class HandoverAccepted:
    link: LinkView
    regrants: tuple[Regrant, ...]


@dataclass(frozen=True)
class NewHandover:
    from_professional_id: str
    successor_id: str
    reason: str
    until: date | None = None
    person_ids: Sequence[str] | None = None


class ReferentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- the person ----------------------------------------------------------------
    def mine(self, actor: Actor) -> MyReferent:
        """The caller's référent, proposals waiting, the hand-over waiting, the past."""
        if not can(actor, Action.REFERENT_READ):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            current = rows.active_link(db, actor.account_id)
            handover = rows.pending_handover(db, current.id) if current is not None else None
            return MyReferent(
                current=_link(db, current) if current is not None else None,
                proposals=tuple(_link(db, p) for p in rows.proposals_to(db, actor.account_id)),
                handover=_handover(db, handover, now) if handover is not None else None,
                history=tuple(_link(db, p) for p in rows.past_links(db, actor.account_id)),
            )

    def designate(
        self,
        actor: Actor,
        professional_id: str,
        structure_id: str,
        show_expiry_count: bool = False,
    ) -> LinkView:
        """Choose (or change, in one step) the caller's référent."""
        if not is_valid_id(professional_id) or not is_valid_id(structure_id):
            raise ProfessionalNotFound()
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            account = accounts.account_by_id(db, professional_id)
            membership = structures.active_membership(db, professional_id, structure_id)
            candidate = Candidate(
                professional_id=professional_id,
                account_kind=(
                    account.kind if account is not None and account.deleted_at is None else ""
                ),
                standing=standing_of(membership),
            )
            if not can(actor, Action.REFERENT_DESIGNATE, candidate):
                raise ProfessionalNotFound()
            current = rows.active_link(db, actor.account_id)
            if (
                current is not None
                and current.professional_id == professional_id
                and current.structure_id == structure_id
            ):
                raise ReferentAlreadyActive()
            replaced = self._end_current(db, current, now, EndReason.CHANGED)
            proposal = rows.proposal_from(db, professional_id, actor.account_id)
            if proposal is not None and proposal.structure_id == structure_id:
                # The professional had offered: choosing them answers the offer.
                if not rows.activate_proposal(db, proposal.id, now):
                    raise ReferentAlreadyActive()
                rows.set_show_expiry_count(db, proposal.id, show_expiry_count)
                db.refresh(proposal)
                link = proposal
            else:
                link = ReferentLink(
                    id=new_id(),
                    person_id=actor.account_id,
                    professional_id=professional_id,
                    structure_id=structure_id,
                    status=LinkStatus.ACTIVE.value,
                    proposed_by=ProposedBy.PERSON.value,
                    show_expiry_count=show_expiry_count,
                    created_at=now,
                    started_at=now,
                )
                db.add(link)
            _flush_one_active(db)
            self._designated(db, actor, link, now, via="person", replaced=replaced)
            return _link(db, link)

    def end(self, actor: Actor) -> None:
        """End the caller's référent link (one step)."""
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            current = rows.active_link(db, actor.account_id)
            if current is None or not can(
                actor, Action.REFERENT_MANAGE, OwnedLink(current.person_id, current.status)
            ):
                raise ReferentNotFound()
            self._end_current(db, current, now, EndReason.ENDED_BY_PERSON)
            audit.append(
                db,
                audit.by(
                    actor,
                    "referent.ended",
                    structure_id=current.structure_id,
                    object_type="referent_link",
                    object_id=current.id,
                    details={
                        "professional": current.professional_id,
                        "reason": EndReason.ENDED_BY_PERSON.value,
                    },
                ),
                now,
            )
            notify(
                db,
                current.professional_id,
                Kind.REFERENT_ENDED,
                {"link": current.id, "person": _login(db, actor.account_id)},
                now,
            )

    def set_options(self, actor: Actor, show_expiry_count: bool) -> LinkView:
        """Whether the référent sees how many documents are about to expire."""
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            current = rows.active_link(db, actor.account_id)
            if current is None or not can(
                actor, Action.REFERENT_MANAGE, OwnedLink(current.person_id, current.status)
            ):
                raise ReferentNotFound()
            if current.show_expiry_count != show_expiry_count:
                rows.set_show_expiry_count(db, current.id, show_expiry_count)
                audit.append(
                    db,
                    audit.by(
                        actor,
                        (
                            "referent.expiry_count_shown"
                            if show_expiry_count
                            else "referent.expiry_count_hidden"
                        ),
                        structure_id=current.structure_id,
                        object_type="referent_link",
                        object_id=current.id,
                        details={
                            "professional": current.professional_id,
                        },
                    ),
                    now,
                )
                db.refresh(current)
            return _link(db, current)

    def accept_proposal(self, actor: Actor, proposal_id: str) -> LinkView:
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            proposal = self._proposal(db, actor, proposal_id)
            membership = structures.active_membership(
                db, proposal.professional_id, proposal.structure_id
            )
            if not standing_of(membership).is_member:
                # The professional left the structure since: the offer no longer holds.
                raise ReferentProposalNotFound()
            current = rows.active_link(db, actor.account_id)
            replaced = self._end_current(db, current, now, EndReason.CHANGED)
            if not rows.activate_proposal(db, proposal.id, now):
                raise ReferentProposalAlreadyAnswered()
            _flush_one_active(db)
            db.refresh(proposal)
            self._designated(db, actor, proposal, now, via="proposal", replaced=replaced)
            return _link(db, proposal)

    def decline_proposal(self, actor: Actor, proposal_id: str) -> LinkView:
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            proposal = self._proposal(db, actor, proposal_id)
            if not rows.decline_proposal(db, proposal.id, now):
                raise ReferentProposalAlreadyAnswered()
            db.refresh(proposal)
            audit.append(
                db,
                audit.by(
                    actor,
                    "referent.declined",
                    structure_id=proposal.structure_id,
                    object_type="referent_link",
                    object_id=proposal.id,
                    details={"professional": proposal.professional_id},
                ),
                now,
            )
            notify(
                db,
                proposal.professional_id,
                Kind.REFERENT_DECLINED,
                {"link": proposal.id, "person": _login(db, actor.account_id)},
                now,
            )
            return _link(db, proposal)

    def accept_handover(self, actor: Actor, handover_id: str) -> HandoverAccepted:
        """Move the link to the successor; the answer lists the grants to re-share."""
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            handover = self._pending_handover(db, actor, handover_id)
            old = db.get(ReferentLink, handover.link_id)
            if old is None or old.status != LinkStatus.ACTIVE.value:
                raise ReferentHandoverNotFound()
            membership = structures.active_membership(
                db, handover.successor_id, handover.successor_structure_id
            )
            if not standing_of(membership).is_member:
                # The successor left that structure since they were named.
                raise ReferentHandoverNotFound()
            if not rows.answer_handover(db, handover.id, now, HandoverStatus.ACCEPTED.value):
                raise ReferentHandoverAlreadyAnswered()
            rows.end_link(db, old.id, now, EndReason.HANDED_OVER.value)
            link = ReferentLink(
                id=new_id(),
                person_id=actor.account_id,
                professional_id=handover.successor_id,
                structure_id=handover.successor_structure_id,
                status=LinkStatus.ACTIVE.value,
                proposed_by=ProposedBy.PROFESSIONAL.value,
                # Consent given to the old référent is not carried over: the person
                # may turn the count on again for the successor.
                show_expiry_count=False,
                created_at=now,
                started_at=now,
            )
            db.add(link)
            _flush_one_active(db)
            moved = relays.move_responsibility(
                db, actor.account_id, old.professional_id, handover.successor_id, now
            )
            audit.append(
                db,
                audit.by(
                    actor,
                    "referent.handover_accepted",
                    structure_id=link.structure_id,
                    object_type="referent_handover",
                    object_id=handover.id,
                    details={
                        "professional": handover.successor_id,
                        "from": old.professional_id,
                        "relays_moved": moved,
                    },
                ),
                now,
            )
            notify(
                db,
                handover.successor_id,
                Kind.REFERENT_DESIGNATED,
                {"link": link.id, "person": _login(db, actor.account_id), "via": "handover"},
                now,
            )
            regrants = _regrants(db, actor.account_id, old.professional_id, now)
            return HandoverAccepted(_link(db, link), regrants)

    def refuse_handover(self, actor: Actor, handover_id: str) -> LinkView:
        """Keep the current référent link as it is; returns it."""
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, actor.account_id)
            handover = self._pending_handover(db, actor, handover_id)
            old = db.get(ReferentLink, handover.link_id)
            if old is None:
                raise ReferentHandoverNotFound()
            if not rows.answer_handover(db, handover.id, now, HandoverStatus.REFUSED.value):
                raise ReferentHandoverAlreadyAnswered()
            audit.append(
                db,
                audit.by(
                    actor,
                    "referent.handover_refused",
                    structure_id=handover.successor_structure_id,
                    object_type="referent_handover",
                    object_id=handover.id,
                    details={
                        "professional": handover.successor_id,
                        "from": old.professional_id,
                    },
                ),
                now,
            )
            return _link(db, old)

    # -- the professional ------------------------------------------------------------
    def propose(self, actor: Actor, person_id: str, structure_id: str) -> LinkView:
        """Offer to be a linked person's référent; the person answers."""
        if not is_valid_id(person_id) or not is_valid_id(structure_id):
            raise PersonNotFound()
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            handovers.person_lock(db, person_id)
            person = accounts.account_by_id(db, person_id)
            membership = structures.active_membership(db, actor.account_id, structure_id)
            linked = (
                person is not None
                and person.kind == Role.PERSON.value
                and person.deleted_at is None
                and consent.has_link(db, actor.account_id, person_id)
            )
            facts = PersonLink(standing=standing_of(membership), linked=linked)
            if not can(actor, Action.REFERENT_PROPOSE, facts):
                raise PersonNotFound()
            if rows.active_link_between(db, actor.account_id, person_id) is not None:
                raise ReferentAlreadyActive()
            if rows.proposal_from(db, actor.account_id, person_id) is not None:
                raise ReferentAlreadyProposed()
            link = ReferentLink(
                id=new_id(),
                person_id=person_id,
                professional_id=actor.account_id,
                structure_id=structure_id,
                status=LinkStatus.PROPOSED.value,
                proposed_by=ProposedBy.PROFESSIONAL.value,
                show_expiry_count=False,
                created_at=now,
            )
            db.add(link)
            try:
                db.flush()
            except IntegrityError as exc:
                raise ReferentAlreadyProposed() from exc
            audit.append(
                db,
                audit.by(
                    actor,
                    "referent.proposed",
                    person_id=person_id,
                    structure_id=structure_id,
                    object_type="referent_link",
                    object_id=link.id,
                ),
                now,
            )
            profile = db.get(ProfessionalProfile, actor.account_id)
            structure = db.get(Structure, structure_id)
            notify(
                db,
                person_id,
                Kind.REFERENT_PROPOSED,
                {
                    "link": link.id,
                    "professional": profile.display_name if profile is not None else "",
                    "structure": structure.name if structure is not None else "",
                },
                now,
            )
            return _link(db, link)

    def name_successor(self, actor: Actor, new: NewHandover) -> int:
        """Name a successor for the persons the professional follows (all of them, or
        those listed). Each person is asked; returns how many were. Someone who may name
        a successor for none of them is answered ``professional_not_found``."""
        until = _check_handover(new, self._clock.now())
        if (
            not is_valid_id(new.from_professional_id)
            or not is_valid_id(new.successor_id)
            or new.successor_id == new.from_professional_id
        ):
            raise ProfessionalNotFound()
        now = self._clock.now()
        with self._db.unit_of_work(write=True) as db:
            successor = accounts.account_by_id(db, new.successor_id)
            successor_membership = structures.current_certified(db, new.successor_id)
            if (
                successor is None
                or successor.kind != Role.PROFESSIONAL.value
                or successor.deleted_at is not None
                or successor_membership is None
            ):
                raise ProfessionalNotFound()
            successor_standing = standing_of(successor_membership)
            standings: dict[str, Standing] = {}
            allowed: list[ReferentLink] = []
            for link in rows.active_links_of(db, new.from_professional_id, new.person_ids):
                if link.structure_id not in standings:
                    standings[link.structure_id] = standing_of(
                        structures.active_membership(db, actor.account_id, link.structure_id)
                    )
                facts = HandoverNaming(
                    referent_id=link.professional_id,
                    actor_standing=standings[link.structure_id],
                    successor_id=new.successor_id,
                    successor_standing=successor_standing,
                )
                if can(actor, Action.REFERENT_HANDOVER_NAME, facts):
                    allowed.append(link)
            if not allowed and actor.account_id != new.from_professional_id:
                raise ProfessionalNotFound()
            # Every person's lock first, in one order (then the audit head's): two
            # namings, or a naming and a person's answer, cannot wait on each other.
            allowed.sort(key=lambda link: link.person_id)
            for link in allowed:
                handovers.person_lock(db, link.person_id)
            count = 0
            for link in allowed:
                db.refresh(link)
                if link.status != LinkStatus.ACTIVE.value:
                    continue  # the person changed or ended it meanwhile
                rows.cancel_handovers(db, link.id, now)
                handover = handovers.ask(
                    db,
                    link,
                    successor_id=new.successor_id,
                    successor_structure_id=successor_membership.structure_id,
                    reason=new.reason,
                    until=until,
                    named_by=actor.account_id,
                    now=now,
                )
                audit.append(
                    db,
                    audit.by(
                        actor,
                        "referent.handover_named",
                        person_id=link.person_id,
                        structure_id=link.structure_id,
                        object_type="referent_handover",
                        object_id=handover.id,
                        details={
                            "professional": link.professional_id,
                            "successor": new.successor_id,
                            "reason": new.reason,
                            "until": until.isoformat() if until is not None else None,
                        },
                    ),
                    now,
                )
                handovers.tell(db, handover, now)
                count += 1
            return count

    # -- jobs ----------------------------------------------------------------------------
    def sweep(self, now: datetime | None = None, *, batch: int = SWEEP_BATCH) -> int:
        """Job: ask the persons whose référent's absence is over whether the absent
        référent takes the link back (``handovers.sweep_absences``)."""
        return handovers.sweep_absences(self._db, now or self._clock.now(), batch)

    def run_sweep(self) -> None:
        """The background job's entry (coffre/jobs/registry.py)."""
        self.sweep()

    def followed(self, actor: Actor, cursor: str | None, limit: int) -> view.FollowedPage:
        """The persons the caller follows as their active référent, a page at a time."""
        if not can(actor, Action.REFERENT_FOLLOWED):
            raise NotAllowed()
        if cursor is not None and not is_valid_id(cursor):
            raise InvalidFollowedCursor()
        limit = max(1, min(limit, FOLLOWED_PAGE_MAX))
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            # Only the links of structures the caller is still a certified member of.
            member_of = {
                m.structure_id
                for m in structures.memberships_of(db, actor.account_id)
                if standing_of(m).is_member
            }
            links = [
                (link, login)
                for link, login in rows.followed_links(db, actor.account_id, cursor, limit + 1)
            ]
            more = len(links) > limit
            links = links[:limit]
            shown = [(link, login) for link, login in links if link.structure_id in member_of]
            items = view.summaries(db, actor.account_id, shown, now)
            return view.FollowedPage(tuple(items), links[-1][0].id if more else None)

    def followed_person(self, actor: Actor, person_id: str) -> view.FollowedDetail:
        """One person's view; ``person_not_found`` unless the caller is their référent."""
        if not is_valid_id(person_id):
            raise PersonNotFound()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            link = rows.active_link(db, person_id)
            standing = (
                standing_of(structures.active_membership(db, actor.account_id, link.structure_id))
                if link is not None
                else Standing(structure_id="")
            )
            facts = Followed(link.professional_id if link is not None else "", standing)
            if link is None or not can(actor, Action.REFERENT_VIEW, facts):
                raise PersonNotFound()
            return view.detail(db, actor.account_id, link, _login(db, person_id), now)

    # -- the structures area's hook ----------------------------------------------------
    def end_for_membership(self, db: DbSession, membership: Membership, now: datetime) -> None:
        """A professional left a structure (``StructureService.end_membership``, same unit
        of work): the links made with them in that structure end (``membership_ended``),
        their waiting hand-overs with them; each person is told and may choose another."""
        for link in rows.active_links_of(db, membership.account_id):
            if link.structure_id != membership.structure_id:
                continue
            if not rows.end_link(db, link.id, now, EndReason.MEMBERSHIP_ENDED.value):
                continue
            rows.cancel_handovers(db, link.id, now)
            audit.append(
                db,
                audit.Entry(
                    action="referent.membership_ended",
                    person_id=link.person_id,
                    structure_id=link.structure_id,
                    object_type="referent_link",
                    object_id=link.id,
                    details={"professional": link.professional_id},
                ),
                now,
            )
            notify(
                db,
                link.person_id,
                Kind.REFERENT_ENDED,
                {"link": link.id, "reason": EndReason.MEMBERSHIP_ENDED.value},
                now,
            )

    def end_for_erased(self, db: DbSession, account_id: str, now: datetime) -> None:
        """Erasure's hook (a person erases their account, same unit of work): their
        référent link ends as if they ended it, their waiting proposals are declined."""
        current = rows.active_link(db, account_id)
        if current is not None:
            self._end_current(db, current, now, EndReason.ENDED_BY_PERSON)
        for proposal in rows.proposals_to(db, account_id):
            rows.decline_proposal(db, proposal.id, now)

    # -- shared steps -----------------------------------------------------------------
    def _end_current(
        self, db: DbSession, current: ReferentLink | None, now: datetime, reason: EndReason
    ) -> str | None:
        """End the active link (if any) and cancel its pending hand-over; returns the
        professional it named."""
        if current is None:
            return None
        rows.end_link(db, current.id, now, reason.value)
        rows.cancel_handovers(db, current.id, now)
        return current.professional_id

    def _designated(
        self,
        db: DbSession,
        actor: Actor,
        link: ReferentLink,
        now: datetime,
        *,
        via: str,
        replaced: str | None,
    ) -> None:
        audit.append(
            db,
            audit.by(
                actor,
                "referent.designated",
                structure_id=link.structure_id,
                object_type="referent_link",
                object_id=link.id,
                details={"professional": link.professional_id, "via": via, "replaced": replaced},
            ),
            now,
        )
        notify(
            db,
            link.professional_id,
            Kind.REFERENT_DESIGNATED,
            {"link": link.id, "person": _login(db, actor.account_id), "via": via},
            now,
        )

    def _proposal(self, db: DbSession, actor: Actor, proposal_id: str) -> ReferentLink:
        proposal = db.get(ReferentLink, proposal_id) if is_valid_id(proposal_id) else None
        if proposal is None or not can(
            actor, Action.REFERENT_ANSWER, OwnedLink(proposal.person_id, proposal.status)
        ):
            raise ReferentProposalNotFound()
        if proposal.proposed_by != ProposedBy.PROFESSIONAL.value:
            raise ReferentProposalNotFound()
        if proposal.status != LinkStatus.PROPOSED.value:
            raise ReferentProposalAlreadyAnswered()
        return proposal

    def _pending_handover(self, db: DbSession, actor: Actor, handover_id: str) -> ReferentHandover:
        handover = db.get(ReferentHandover, handover_id) if is_valid_id(handover_id) else None
        if handover is None or not can(
            actor,
            Action.REFERENT_HANDOVER_ANSWER,
            OwnedLink(handover.person_id, handover.status),
        ):
            raise ReferentHandoverNotFound()
        if handover.status == HandoverStatus.CANCELLED.value:
            raise ReferentHandoverNotFound()
        if handover.status != HandoverStatus.PENDING.value:
            raise ReferentHandoverAlreadyAnswered()
        return handover


# -- helpers ------------------------------------------------------------------------


def _flush_one_active(db: DbSession) -> None:
    """Write the new active link now: the partial unique index decides."""
    try:
        db.flush()
    except IntegrityError as exc:
        raise ReferentAlreadyActive() from exc


def _check_handover(new: NewHandover, now: datetime) -> date | None:
    if new.reason not in {r.value for r in HandoverReason} - {HandoverReason.BACK.value}:
        raise InvalidHandover()
    if new.person_ids is not None and (
        len(new.person_ids) > HANDOVER_PERSONS_MAX
        or not all(is_valid_id(p) for p in new.person_ids)
    ):
        raise InvalidHandover()
    if new.reason != HandoverReason.ABSENT.value:
        if new.until is not None:
            raise InvalidHandover()
        return None
    today = now.astimezone(TERRITORY_ZONE).date()
    if new.until is None or not today < new.until <= today + timedelta(days=ABSENCE_MAX_DAYS):
        raise InvalidHandover()
    return new.until


def _login(db: DbSession, account_id: str) -> str:
    account = db.get(Account, account_id)
    return account.login if account is not None else ""


def _link(db: DbSession, link: ReferentLink) -> LinkView:
    profile = db.get(ProfessionalProfile, link.professional_id)
    structure = db.get(Structure, link.structure_id)
    return LinkView(
        id=link.id,
        professional=view.ProfessionalRef(
            link.professional_id,
            profile.display_name if profile is not None else "",
            profile.profession if profile is not None else "",
        ),
        structure=view.Named(link.structure_id, structure.name if structure is not None else ""),
        status=link.status,
        proposed_by=link.proposed_by,
        show_expiry_count=link.show_expiry_count,
        created_at=link.created_at,
        started_at=link.started_at,
        ended_at=link.ended_at,
        end_reason=link.end_reason,
    )


def _regrants(
    db: DbSession, person_id: str, professional_id: str, now: datetime
) -> tuple[Regrant, ...]:
    grants = rows.active_grants_to(db, person_id, professional_id, now, CLOCK_SKEW)
    documents = rows.open_documents(db, [g.id for g in grants])
    return tuple(
        Regrant(g.id, g.purpose, g.not_after, tuple(documents.get(g.id, ())))
        for g in grants
        if documents.get(g.id)
    )


def _handover(db: DbSession, handover: ReferentHandover, now: datetime) -> HandoverView:
    from_profile = db.get(ProfessionalProfile, handover.from_professional_id)
    successor = db.get(ProfessionalProfile, handover.successor_id)
    structure = db.get(Structure, handover.successor_structure_id)
    return HandoverView(
        id=handover.id,
        from_professional=view.Named(
            handover.from_professional_id, from_profile.display_name if from_profile else ""
        ),
        successor=view.ProfessionalRef(
            handover.successor_id,
            successor.display_name if successor else "",
            successor.profession if successor else "",
        ),
        structure=view.Named(
            handover.successor_structure_id, structure.name if structure is not None else ""
        ),
        reason=handover.reason,
        until=handover.until,
        regrants=_regrants(db, handover.person_id, handover.from_professional_id, now),
    )
