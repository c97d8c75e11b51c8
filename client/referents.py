"""The référent de parcours from a client (docs/NETWORK.md): typed calls for the person
(choose, change, end, answer a proposal or a hand-over, re-share with the successor in
one step) and for the professional (propose, name a successor, the persons followed).

The re-share after a hand-over is an ordinary grant (``client.consent.share``): the
successor's keys are verified up to the pinned root and each document key is sealed
to them here, exactly as for any share. Nothing is re-shared without the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from client.api import CoffreClient
from client.consent import share
from crypto import AccountKeys

DAY = timedelta(days=1)


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value is not None else None


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value is not None else None


@dataclass(frozen=True)
class Named:
    id: str
    name: str

    @classmethod
    def of(cls, body: dict[str, Any]) -> Named:
        return cls(str(body["id"]), str(body["name"]))


@dataclass(frozen=True)
class Professional:
    id: str
    name: str
    profession: str

    @classmethod
    def of(cls, body: dict[str, Any]) -> Professional:
        return cls(str(body["id"]), str(body["name"]), str(body["profession"]))


@dataclass(frozen=True)
class Link:
    id: str
    professional: Professional
    structure: Named
    status: str  # proposed | active | ended | declined
    proposed_by: str
    show_expiry_count: bool
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None

    @classmethod
    def of(cls, body: dict[str, Any]) -> Link:
        return cls(
            id=str(body["id"]),
            professional=Professional.of(body["professional"]),
            structure=Named.of(body["structure"]),
            status=str(body["status"]),
            proposed_by=str(body["proposed_by"]),
            show_expiry_count=bool(body["show_expiry_count"]),
            started_at=_when(body.get("started_at")),
            ended_at=_when(body.get("ended_at")),
            end_reason=body.get("end_reason"),
        )


@dataclass(frozen=True)
class Regrant:
    grant_id: str
    purpose: str
    not_after: datetime
    document_ids: tuple[str, ...]

    @classmethod
    def of(cls, body: dict[str, Any]) -> Regrant:
        return cls(
            grant_id=str(body["grant_id"]),
            purpose=str(body["purpose"]),
            not_after=datetime.fromisoformat(str(body["not_after"])),
            document_ids=tuple(str(d) for d in body["document_ids"]),
        )


@dataclass(frozen=True)
class Handover:
    id: str
    from_professional: Named
    successor: Professional
    structure: Named
    reason: str
    until: date | None
    regrants: tuple[Regrant, ...]

    @classmethod
    def of(cls, body: dict[str, Any]) -> Handover:
        return cls(
            id=str(body["id"]),
            from_professional=Named.of(body["from"]),
            successor=Professional.of(body["successor"]),
            structure=Named.of(body["structure"]),
            reason=str(body["reason"]),
            until=_day(body.get("until")),
            regrants=tuple(Regrant.of(r) for r in body["regrants"]),
        )


@dataclass(frozen=True)
class MyReferent:
    current: Link | None
    proposals: tuple[Link, ...]
    handover: Handover | None
    history: tuple[Link, ...]


@dataclass(frozen=True)
class HandoverAccepted:
    link: Link
    regrants: tuple[Regrant, ...]


@dataclass(frozen=True)
class ExpiringDocument:
    document_id: str
    category: str
    expires_on: date


@dataclass(frozen=True)
class Followed:
    link_id: str
    person: Named  # name: the person's login
    since: datetime
    grants_active: int
    grants_ending: int
    requests_waiting: int
    documents_expiring: tuple[ExpiringDocument, ...]
    documents_expiring_count: int | None
    relays_open: int

    @classmethod
    def of(cls, body: dict[str, Any]) -> Followed:
        return cls(
            link_id=str(body["link_id"]),
            person=Named.of(body["person"]),
            since=datetime.fromisoformat(str(body["since"])),
            grants_active=int(body["grants_active"]),
            grants_ending=int(body["grants_ending"]),
            requests_waiting=int(body["requests_waiting"]),
            documents_expiring=tuple(
                ExpiringDocument(
                    str(d["document_id"]), str(d["category"]), date.fromisoformat(d["expires_on"])
                )
                for d in body["documents_expiring"]
            ),
            documents_expiring_count=body.get("documents_expiring_count"),
            relays_open=int(body["relays_open"]),
        )


@dataclass(frozen=True)
class FollowedPage:
    items: tuple[Followed, ...]
    next: str | None


@dataclass(frozen=True)
class GrantLine:
    grant_id: str | None
    professional: Professional
    structure: Named
    purpose: str
    purpose_label: str
    not_after: datetime
    ending: bool
    document_ids: tuple[str, ...]


@dataclass(frozen=True)
class RequestLine:
    professional: Professional
    structure: Named
    purpose: str
    purpose_label: str
    due_on: date | None


@dataclass(frozen=True)
class FollowedPerson:
    summary: Followed
    grants: tuple[GrantLine, ...]
    requests: tuple[RequestLine, ...]
    relays: tuple[dict[str, Any], ...]
    network: tuple[tuple[Professional, Named], ...]


# -- the person ------------------------------------------------------------------


def my_referent(client: CoffreClient) -> MyReferent:
    body = client.call("GET", "/referent").json()
    return MyReferent(
        current=Link.of(body["current"]) if body["current"] is not None else None,
        proposals=tuple(Link.of(p) for p in body["proposals"]),
        handover=Handover.of(body["handover"]) if body["handover"] is not None else None,
        history=tuple(Link.of(p) for p in body["history"]),
    )


def designate(
    client: CoffreClient,
    professional_id: str,
    structure_id: str,
    *,
    show_expiry_count: bool = False,
) -> Link:
    """Choose (or change, in one step) one's référent."""
    body = {
        "professional_id": professional_id,
        "structure_id": structure_id,
        "show_expiry_count": show_expiry_count,
    }
    return Link.of(client.call("POST", "/referent", json=body).json())


def set_show_expiry_count(client: CoffreClient, value: bool) -> Link:
    return Link.of(client.call("PATCH", "/referent", json={"show_expiry_count": value}).json())


def end(client: CoffreClient) -> None:
    client.call("DELETE", "/referent")


def accept_proposal(client: CoffreClient, proposal_id: str) -> Link:
    return Link.of(client.call("POST", f"/referent/proposals/{proposal_id}/accept").json())


def decline_proposal(client: CoffreClient, proposal_id: str) -> Link:
    return Link.of(client.call("POST", f"/referent/proposals/{proposal_id}/decline").json())


def accept_handover(client: CoffreClient, handover_id: str) -> HandoverAccepted:
    body = client.call("POST", f"/referent/handovers/{handover_id}/accept").json()
    return HandoverAccepted(Link.of(body), tuple(Regrant.of(r) for r in body["regrants"]))


def refuse_handover(client: CoffreClient, handover_id: str) -> Link:
    return Link.of(client.call("POST", f"/referent/handovers/{handover_id}/refuse").json())


def reshare(
    client: CoffreClient,
    keys: AccountKeys,
    *,
    person_id: str,
    successor_id: str,
    regrants: Sequence[Regrant],
    pinned_root: str,
    now: datetime,
) -> list[dict[str, Any]]:
    """The one tap after accepting a hand-over: each grant made again to the successor,
    same purpose and documents, ending no later than the old one (whole days, at least
    one). The successor's keys are verified up to ``pinned_root`` first."""
    made = []
    for regrant in regrants:
        days = max(1, int((regrant.not_after - now) / DAY))
        made.append(
            share(
                client,
                keys,
                person_id=person_id,
                professional_id=successor_id,
                pinned_root=pinned_root,
                purpose=regrant.purpose,
                document_ids=list(regrant.document_ids),
                days=days,
                now=now,
            )
        )
    return made


# -- the professional --------------------------------------------------------------


def propose(client: CoffreClient, person_id: str, structure_id: str) -> Link:
    body = {"person_id": person_id, "structure_id": structure_id}
    return Link.of(client.call("POST", "/referent/proposals", json=body).json())


def name_successor(
    client: CoffreClient,
    *,
    from_professional_id: str,
    successor_id: str,
    reason: str,
    until: date | None = None,
    person_ids: Sequence[str] | None = None,
) -> int:
    """Name a successor (reason ``left``, ``replaced`` or ``absent`` with ``until``);
    returns how many persons are asked."""
    body: dict[str, Any] = {
        "from_professional_id": from_professional_id,
        "successor_id": successor_id,
        "reason": reason,
        "until": until.isoformat() if until is not None else None,
    }
    if person_ids is not None:
        body["person_ids"] = list(person_ids)
    return int(client.call("POST", "/referent/handovers", json=body).json()["count"])


def followed(client: CoffreClient, *, cursor: str | None = None, limit: int = 50) -> FollowedPage:
    params: dict[str, Any] = {"limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    body = client.call("GET", "/followed", params=params).json()
    return FollowedPage(tuple(Followed.of(i) for i in body["items"]), body["next"])


def followed_all(client: CoffreClient, *, limit: int = 100) -> list[Followed]:
    found: list[Followed] = []
    cursor: str | None = None
    while True:
        page = followed(client, cursor=cursor, limit=limit)
        found.extend(page.items)
        if page.next is None:
            return found
        cursor = page.next


def followed_person(client: CoffreClient, person_id: str) -> FollowedPerson:
    body = client.call("GET", f"/followed/{person_id}").json()
    return FollowedPerson(
        summary=Followed.of(body),
        grants=tuple(
            GrantLine(
                grant_id=g["grant_id"],
                professional=Professional.of(g["professional"]),
                structure=Named.of(g["structure"]),
                purpose=str(g["purpose"]["code"]),
                purpose_label=str(g["purpose"]["label"]),
                not_after=datetime.fromisoformat(g["not_after"]),
                ending=bool(g["ending"]),
                document_ids=tuple(g["document_ids"]),
            )
            for g in body["grants"]
        ),
        requests=tuple(
            RequestLine(
                professional=Professional.of(r["professional"]),
                structure=Named.of(r["structure"]),
                purpose=str(r["purpose"]["code"]),
                purpose_label=str(r["purpose"]["label"]),
                due_on=_day(r.get("due_on")),
            )
            for r in body["requests"]
        ),
        relays=tuple(body["relays"]),
        network=tuple(
            (Professional.of(n["professional"]), Named.of(n["structure"])) for n in body["network"]
        ),
    )
