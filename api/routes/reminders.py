"""The person's own reminders (coffre/reminders/service.py, docs/REMINDERS.md):
``GET/POST /reminders``, ``PUT/DELETE /reminders/{id}``. The server knows when a
reminder is due and how it repeats; its text is sealed to the person (SPEC §31)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.reminders import ReminderBody, ReminderList, ReminderRequest
from api.types import PathId
from coffre.reminders.errors import ReminderDatePast, ReminderLimitReached, ReminderTextTooBig
from coffre.reminders.models import Reminder
from coffre.reminders.service import ReminderInput

router = APIRouter(tags=["reminders"])


def _input(body: ReminderRequest) -> ReminderInput:
    return ReminderInput(
        due_at=body.due_at, repeat=body.repeat, sealed=body.sealed, active=body.active
    )


def _body(reminder: Reminder) -> ReminderBody:
    return ReminderBody(
        id=reminder.id,
        due_at=reminder.due_at,
        repeat=reminder.repeat,
        sealed=reminder.sealed,
        active=reminder.active,
        done=reminder.done_at is not None,
        last_sent_at=reminder.last_sent_at,
        created_at=reminder.created_at,
        updated_at=reminder.updated_at,
    )


@router.get("/reminders")
def list_reminders(actor: ActorDep, coffre: CoffreDep) -> ReminderList:
    """The caller's reminders, by due time, and how many they may keep."""
    items = [_body(r) for r in coffre.reminders.list(actor)]
    return ReminderList(items=items, max=coffre.reminders.max_per_person)


@router.post(
    "/reminders",
    status_code=201,
    responses=errors(ReminderLimitReached, ReminderTextTooBig, ReminderDatePast),
)
def create_reminder(body: ReminderRequest, actor: ActorDep, coffre: CoffreDep) -> ReminderBody:
    """A new reminder: ``due_at`` ISO 8601 with its offset, to come; ``repeat`` none,
    monthly, quarterly or yearly; ``sealed`` the SPEC §31 text."""
    return _body(coffre.reminders.create(actor, _input(body)))


@router.put("/reminders/{reminder_id}", responses=errors(ReminderTextTooBig, ReminderDatePast))
def update_reminder(
    reminder_id: PathId, body: ReminderRequest, actor: ActorDep, coffre: CoffreDep
) -> ReminderBody:
    """Replace the reminder's date, repeat, text and state (``active``)."""
    return _body(coffre.reminders.update(actor, reminder_id, _input(body)))


@router.delete("/reminders/{reminder_id}", status_code=204)
def delete_reminder(reminder_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.reminders.delete(actor, reminder_id)
    return Response(status_code=204)
