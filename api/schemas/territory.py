"""Bodies of the territory admin's routes: charter preview, adhesions, ending one."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.types import Date, Text


class ProblemBody(BaseModel):
    # Where in the file (``finalites[2].duree_max_jours``, ``ligne 4, colonne 7``) and what.
    location: str
    message: str


class ComparedWithBody(BaseModel):
    version: int
    effective_on: date
    sha256: str


class CharterPreviewBody(BaseModel):
    """What publishing the file would do; nothing is published."""

    # SHA-256 of the bytes received: send it back with the publish (X-Coffre-Charter-Sha256).
    sha256: str
    valid: bool
    version: int | None
    effective_on: date | None
    problems: list[ProblemBody]
    # The latest published version the differences are against (None: the first charter);
    # send its version back with the publish (X-Coffre-Charter-Base, 0 for none).
    compared_with: ComparedWithBody | None
    # coffre.consent.charter_diff.CharterDiff: purposes, structures, relays (codes).
    differences: dict[str, Any] | None
    # The charter as /charte shows it (HTML, escaped, headings from h2); None if invalid.
    rendering_html: str | None


class AdhesionStructureBody(BaseModel):
    id: str
    kind: str
    address: str


class AdhesionLineBody(BaseModel):
    name: str
    siret: str | None
    structure: AdhesionStructureBody | None
    since: date | None
    until: date | None
    adheres: bool


class AdhesionsBody(BaseModel):
    in_force_version: int | None
    in_force_since: date | None
    latest_version: int | None
    adhesions: list[AdhesionLineBody]


class EndAdhesionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    structure_id: Text
    # The first day the structure no longer adheres (today by default).
    until: Date | None = None


class CharterDraftBody(BaseModel):
    source: str
    sha256: str
    version: int
    effective_on: date
    compared_with: int
