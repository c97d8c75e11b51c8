"""Response bodies of the charter routes (the request body is the TOML text itself)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from api.schemas.common import FromDomain


class PurposeBody(FromDomain):
    code: str
    label: str
    description: str
    # Optional (docs/CHARTER.md): the everyday name and a one-line example for persons.
    everyday_name: str | None = None
    example: str | None = None
    categories: list[str]
    professions: list[str]
    max_days: int
    reason_required: bool


class AdhesionBody(FromDomain):
    name: str
    siret: str | None
    structure_id: str | None
    since: date
    until: date | None


class RelaySettingsBody(FromDomain):
    """The charter's ``[relais]`` block: the purposes that may carry a relay, the delays."""

    purposes: list[str]
    remind_after_days: int
    expire_after_days: int


class CharterBody(BaseModel):
    version: int
    territory: str
    title: str
    preamble: str
    effective_on: date
    purposes: list[PurposeBody]
    structures: list[AdhesionBody]
    published_at: datetime
    # SHA-256 (hex) of the UTF-8 source: anyone can check a copy of the file against it.
    sha256: str
    source: str
    # None: the charter allows no relay (no ``[relais]`` block).
    relays: RelaySettingsBody | None = None
