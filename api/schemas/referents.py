"""Bodies of the référent de parcours (api/routes/referents.py, docs/NETWORK.md).

Responses read the domain's views (coffre/referents/service.py, view.py) through
pydantic's ``from_attributes``: no hand-written converter.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.types import Date, Text

Id = Annotated[Text, Field(min_length=1, max_length=64)]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class NamedBody(_Read):
    id: str
    name: str


class ProfessionalBody(_Read):
    id: str
    name: str
    profession: str


class PurposeBody(_Read):
    code: str
    label: str


class LinkBody(_Read):
    id: str
    professional: ProfessionalBody
    structure: NamedBody
    status: str  # proposed | active | ended | declined
    proposed_by: str  # person | professional
    show_expiry_count: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None  # ended_by_person | changed | handed_over | membership_ended


class RegrantBody(_Read):
    grant_id: str
    purpose: str
    not_after: datetime
    document_ids: list[str]


class HandoverBody(_Read):
    id: str
    from_professional: NamedBody = Field(serialization_alias="from")
    successor: ProfessionalBody
    structure: NamedBody
    reason: str  # left | replaced | absent
    until: date | None
    regrants: list[RegrantBody]


class MyReferentResponse(_Read):
    current: LinkBody | None
    proposals: list[LinkBody]
    handover: HandoverBody | None
    history: list[LinkBody]


class HandoverAcceptedResponse(LinkBody):
    """The new link, and the grants the page re-shares with the successor in one tap."""

    regrants: list[RegrantBody]


class DesignateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    professional_id: Id
    structure_id: Id
    show_expiry_count: bool = False


class OptionsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    show_expiry_count: bool


class ProposeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: Id
    structure_id: Id


class NameSuccessorRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_professional_id: Id
    successor_id: Id
    reason: Annotated[Text, Field(min_length=1, max_length=16)]
    until: Date | None = None
    person_ids: Annotated[list[Id], Field(max_length=1000)] | None = None


class CountResponse(BaseModel):
    count: int


class ExpiringDocumentBody(_Read):
    document_id: str
    category: str
    expires_on: date


class FollowedItemBody(_Read):
    link_id: str
    person: NamedBody  # name: the person's login
    since: datetime
    grants_active: int
    grants_ending: int
    requests_waiting: int
    documents_expiring: list[ExpiringDocumentBody]
    documents_expiring_count: int | None
    relays_open: int


class FollowedPageResponse(_Read):
    items: list[FollowedItemBody]
    next: str | None


class GrantLineBody(_Read):
    grant_id: str | None
    professional: ProfessionalBody
    structure: NamedBody
    purpose: PurposeBody
    not_after: datetime
    ending: bool
    document_ids: list[str]


class RequestLineBody(_Read):
    professional: ProfessionalBody
    structure: NamedBody
    purpose: PurposeBody
    due_on: date | None
    expires_at: datetime


class RelayLineBody(_Read):
    id: str
    state: str
    purpose: PurposeBody
    target_structure: NamedBody
    created_at: datetime


class NetworkMemberBody(_Read):
    professional: ProfessionalBody
    structure: NamedBody


class FollowedPersonResponse(FollowedItemBody):
    grants: list[GrantLineBody]
    requests: list[RequestLineBody]
    relays: list[RelayLineBody]
    network: list[NetworkMemberBody]
