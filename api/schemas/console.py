"""Bodies of the charter officer's console: trail entries (metadata only) and flags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ConsoleActor(BaseModel):
    role: str | None
    # None for a person (they appear as ``person``, a pseudonymous reference) or nobody.
    id: str | None
    name: str


class ConsoleEntryBody(BaseModel):
    seq: int
    at: datetime
    action: str
    outcome: str
    actor: ConsoleActor
    person: str | None
    structure_id: str | None
    structure_name: str | None
    object_type: str | None
    object_id: str | None
    purpose: str | None
    purpose_label: str | None
    reason: str | None
    details: dict[str, Any]


class ConsolePage(BaseModel):
    entries: list[ConsoleEntryBody]
    # Pass it as ``cursor`` for the next (older) page; null on the last page.
    next_cursor: int | None


class FlagBody(BaseModel):
    code: str
    title: str
    explanation: str
    professional_id: str | None
    professional_name: str | None
    structure_id: str | None
    structure_name: str | None
    purpose: str | None
    purpose_label: str | None
    entries: list[ConsoleEntryBody]


class FlagList(BaseModel):
    period_from: datetime
    period_to: datetime
    flags: list[FlagBody]
