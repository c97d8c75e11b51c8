"""Bodies of the reminders routes (coffre/reminders/, docs/REMINDERS.md).

``due_at`` arrives as text and is read by the domain (coffre/reminders/schedule.py),
so a date without its offset or a malformed one is refused with the reminders' own
code (``reminder_date_invalid``) rather than a generic validation error. ``sealed`` is
the SPEC §31 sealed text, base64url without padding like every byte field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import B64Bytes, FromDomain
from api.types import Text


class ReminderRequest(BaseModel):
    due_at: Annotated[Text, Field(max_length=64)]
    repeat: Annotated[Text, Field(max_length=16)] = "none"
    sealed: B64Bytes
    active: bool = True


class ReminderBody(FromDomain):
    id: str
    due_at: datetime
    repeat: str
    sealed: B64Bytes
    active: bool
    done: bool
    last_sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ReminderList(BaseModel):
    items: list[ReminderBody]
    max: int
