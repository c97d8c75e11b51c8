"""The référent's view: the persons a professional follows, built from their consent.

What a référent sees of a person they follow (issue 16, DESIGN.md "Network views"):

- the person's grants in force and those ending within ``ENDING_DAYS`` (how many; in
  the detail, to whom, from which structure, for what, until when: the person
  consented to each of those professionals) — the documents of a grant only when the
  grant is made to the référent themself;
- the requests waiting for the person's answer (who, which structure, for what, by
  when: never the professional's message);
- the documents about to expire (``EXPIRING_BEFORE_DAYS`` ago to ``EXPIRING_AFTER_DAYS``
  ahead, from the expiry date the person set, never from contents): only those an
  active grant shares with the référent, plus a bare count of all of them when the
  person chose to show it (``show_expiry_count``);
- the relays and their state (coffre/referents/relays.py);
- the person's network: the professionals who hold an active grant from them now.

Nothing else: no document id the référent was not granted, no revoked or expired
grant, no message. A référent reads no document without a grant, like anyone else
(the pull goes through the consent gate as always).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session as DbSession

from coffre.consent.charter import Charter
from coffre.consent.gate import CLOCK_SKEW, charter_in_force
from coffre.consent.service import TERRITORY_ZONE
from coffre.referents import relays
from coffre.referents import repository as rows
from coffre.referents.models import ReferentLink
from coffre.structures.models import ProfessionalProfile, Structure

ENDING_DAYS = 7
EXPIRING_BEFORE_DAYS = 30
EXPIRING_AFTER_DAYS = 60


@dataclass(frozen=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True)
class ProfessionalRef:
    id: str
    name: str
    profession: str


@dataclass(frozen=True)
class PurposeRef:
    code: str
    label: str


@dataclass(frozen=True)
class ExpiringDocument:
    document_id: str
    category: str
    expires_on: date


@dataclass(frozen=True)
class FollowedSummary:
    link_id: str
    person: Named  # the person's login: persons have no display name here
    since: datetime
    grants_active: int
    grants_ending: int
    requests_waiting: int
    documents_expiring: tuple[ExpiringDocument, ...]
    documents_expiring_count: int | None  # only when the person chose to show it
    relays_open: int


@dataclass(frozen=True)
class FollowedPage:
    items: tuple[FollowedSummary, ...]
    next: str | None


@dataclass(frozen=True)
class GrantLine:
    grant_id: str | None  # only for a grant made to the référent
    professional: ProfessionalRef
    structure: Named
    purpose: PurposeRef
    not_after: datetime
    ending: bool
    document_ids: tuple[str, ...]  # only for a grant made to the référent


@dataclass(frozen=True)
class RequestLine:
    professional: ProfessionalRef
    structure: Named
    purpose: PurposeRef
    due_on: date | None
    expires_at: datetime


@dataclass(frozen=True)
class NetworkMember:
    professional: ProfessionalRef
    structure: Named


@dataclass(frozen=True)
class RelayLine:
    id: str
    state: str
    purpose: PurposeRef
    target_structure: Named
    created_at: datetime


@dataclass(frozen=True)
class FollowedDetail:
    summary: FollowedSummary
    grants: tuple[GrantLine, ...]
    requests: tuple[RequestLine, ...]
    relays: tuple[RelayLine, ...]
    network: tuple[NetworkMember, ...]


def expiry_window(now: datetime) -> tuple[date, date]:
    today = now.astimezone(TERRITORY_ZONE).date()
    return (
        today - timedelta(days=EXPIRING_BEFORE_DAYS),
        today + timedelta(days=EXPIRING_AFTER_DAYS),
    )


def summaries(
    db: DbSession,
    referent_id: str,
    links: Sequence[tuple[ReferentLink, str]],
    now: datetime,
) -> list[FollowedSummary]:
    """One summary per (link, login), in a fixed number of grouped queries."""
    person_ids = [link.person_id for link, _ in links]
    window = expiry_window(now)
    grants = rows.grant_counts(db, person_ids, now, CLOCK_SKEW, now + timedelta(days=ENDING_DAYS))
    requests = rows.waiting_request_counts(db, person_ids, now)
    shared: dict[str, list[ExpiringDocument]] = {}
    for owner, document_id, category, expires_on in rows.expiring_shared_with(
        db, referent_id, person_ids, now, CLOCK_SKEW, window
    ):
        shared.setdefault(owner, []).append(ExpiringDocument(document_id, category, expires_on))
    counted = [link.person_id for link, _ in links if link.show_expiry_count]
    counts = rows.expiring_counts(db, counted, window)
    open_relays = relays.open_counts(db, person_ids)
    found = []
    for link, login in links:
        active, ending = grants.get(link.person_id, (0, 0))
        found.append(
            FollowedSummary(
                link_id=link.id,
                person=Named(link.person_id, login),
                since=link.started_at or link.created_at,
                grants_active=active,
                grants_ending=ending,
                requests_waiting=requests.get(link.person_id, 0),
                documents_expiring=tuple(shared.get(link.person_id, ())),
                documents_expiring_count=(
                    counts.get(link.person_id, 0) if link.show_expiry_count else None
                ),
                relays_open=open_relays.get(link.person_id, 0),
            )
        )
    return found


def _professional(account_id: str, profile: ProfessionalProfile | None) -> ProfessionalRef:
    if profile is None:
        return ProfessionalRef(account_id, "", "")
    return ProfessionalRef(account_id, profile.display_name, profile.profession)


def _structure(structure_id: str, structure: Structure | None) -> Named:
    return Named(structure_id, structure.name if structure is not None else "")


class _Purposes:
    def __init__(self, charter: Charter | None) -> None:
        self._charter = charter

    def __call__(self, code: str) -> PurposeRef:
        found = self._charter.purpose(code) if self._charter is not None else None
        return PurposeRef(code, found.label if found is not None else code)


def detail(
    db: DbSession, referent_id: str, link: ReferentLink, login: str, now: datetime
) -> FollowedDetail:
    [summary] = summaries(db, referent_id, [(link, login)], now)
    purposes = _Purposes(charter_in_force(db, now.astimezone(TERRITORY_ZONE).date()))
    ending = now + timedelta(days=ENDING_DAYS)
    granted = rows.active_grants_of(db, link.person_id, now, CLOCK_SKEW)
    mine = [grant.id for grant, _, _ in granted if grant.professional_id == referent_id]
    documents = rows.open_documents(db, mine)
    grants = []
    network: dict[tuple[str, str], NetworkMember] = {}
    for grant, profile, structure in granted:
        to_me = grant.professional_id == referent_id
        professional = _professional(grant.professional_id, profile)
        where = _structure(grant.structure_id, structure)
        grants.append(
            GrantLine(
                grant_id=grant.id if to_me else None,
                professional=professional,
                structure=where,
                purpose=purposes(grant.purpose),
                not_after=grant.not_after,
                ending=grant.not_after <= ending,
                document_ids=tuple(documents.get(grant.id, ())) if to_me else (),
            )
        )
        network.setdefault(
            (grant.professional_id, grant.structure_id), NetworkMember(professional, where)
        )
    requests = tuple(
        RequestLine(
            professional=_professional(request.professional_id, profile),
            structure=_structure(request.structure_id, structure),
            purpose=purposes(request.purpose),
            due_on=request.due_on,
            expires_at=request.expires_at,
        )
        for request, profile, structure in rows.waiting_requests_of(db, link.person_id, now)
    )
    relay_lines = tuple(
        RelayLine(
            id=relay.id,
            state=relay.state,
            purpose=purposes(relay.purpose),
            target_structure=Named(relay.target_structure_id, relay.target_structure_name),
            created_at=relay.created_at,
        )
        for relay in relays.relays_of(db, link.person_id)
    )
    return FollowedDetail(
        summary=summary,
        grants=tuple(grants),
        requests=requests,
        relays=relay_lines,
        network=tuple(network.values()),
    )
