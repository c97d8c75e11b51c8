"""Reaching an account outside the app (coffre/notifications/reach.py,
docs/NOTIFICATIONS.md): the account's choices, its devices for Web Push, its delivery
log; the charter officer's delivery log (persons by pseudonym)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import ActorDep, CoffreDep
from api.schemas.notifications_out import (
    DeliveryBody,
    DeliveryList,
    OfficerDeliveryBody,
    OfficerDeliveryList,
    PushKeyBody,
    SettingsBody,
    SettingsReminders,
    SettingsUpdate,
    SubscriptionBody,
    SubscriptionList,
    SubscriptionRequest,
)
from api.types import PathId, Text
from coffre.notifications.reach import SettingsView

router = APIRouter(tags=["notifications"])

# Fields whose null means "none" (the others: null means unchanged).
_NULLABLE = frozenset({"email", "quiet_start", "quiet_end"})


def _settings(view: SettingsView) -> SettingsBody:
    prefs = view.prefs
    return SettingsBody(
        language=prefs.language,
        timezone=prefs.timezone,
        push=prefs.push,
        sms=prefs.sms,
        email=prefs.email,
        email_on=prefs.email_on,
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
        digest=prefs.digest,
        reminders=SettingsReminders(
            documents_expiring=prefs.documents_expiring,
            grants_ending=prefs.grants_ending,
            requests_waiting=prefs.requests_waiting,
            relays_not_taken=prefs.relays_not_taken,
            own=prefs.own,
        ),
        chosen=list(view.chosen),
        sms_possible=view.sms_possible,
        email_possible=view.desk,
        digest_possible=view.desk,
    )


@router.get("/notifications/settings")
def get_settings(actor: ActorDep, coffre: CoffreDep) -> SettingsBody:
    """The caller's choices (defaults for what they never set, listed in ``chosen``)."""
    return _settings(coffre.reach.settings(actor))


@router.put("/notifications/settings")
def put_settings(body: SettingsUpdate, actor: ActorDep, coffre: CoffreDep) -> SettingsBody:
    """Change the fields the body names; all are checked before anything is saved."""
    changes: dict[str, Any] = {}
    for name in body.model_fields_set:
        if name == "reminders":
            if body.reminders is not None:
                given = body.reminders.model_dump(exclude_unset=True)
                changes.update({k: v for k, v in given.items() if v is not None})
            continue
        value = getattr(body, name)
        if value is not None or name in _NULLABLE:
            changes[name] = value
    return _settings(coffre.reach.update(actor, changes))


@router.get("/notifications/push-key")
def push_key(actor: ActorDep, coffre: CoffreDep) -> PushKeyBody:
    """The server's VAPID public key (base64url, uncompressed P-256 point)."""
    return PushKeyBody(public_key=coffre.reach.push_key(actor))


@router.get("/notifications/push-subscriptions")
def list_subscriptions(actor: ActorDep, coffre: CoffreDep) -> SubscriptionList:
    rows = coffre.reach.subscriptions(actor)
    return SubscriptionList(subscriptions=[SubscriptionBody.model_validate(r) for r in rows])


@router.post("/notifications/push-subscriptions", status_code=201)
def add_subscription(
    body: SubscriptionRequest, actor: ActorDep, coffre: CoffreDep
) -> SubscriptionBody:
    """This device receives the caller's notifications (the same endpoint again: updated)."""
    subscription = {"endpoint": body.endpoint, "keys": body.keys.model_dump()}
    row = coffre.reach.subscribe(actor, subscription, body.label)
    return SubscriptionBody.model_validate(row)


@router.delete("/notifications/push-subscriptions/{subscription_id}", status_code=204)
def remove_subscription(subscription_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.reach.unsubscribe(actor, subscription_id)
    return Response(status_code=204)


@router.get("/notifications/deliveries")
def list_deliveries(actor: ActorDep, coffre: CoffreDep) -> DeliveryList:
    """The caller's own delivery log: what left Coffre for them, how, and how it went."""
    rows = coffre.reach.deliveries(actor)
    return DeliveryList(deliveries=[DeliveryBody.model_validate(r) for r in rows])


@router.get("/console/deliveries")
def console_deliveries(
    actor: ActorDep,
    coffre: CoffreDep,
    state: Annotated[list[Text] | None, Query(max_length=5)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> OfficerDeliveryList:
    """The territory's newest deliveries (charter officer; persons by pseudonym)."""
    rows = coffre.reach.console_deliveries(actor, tuple(state or ()), limit)
    return OfficerDeliveryList(deliveries=[OfficerDeliveryBody.model_validate(r) for r in rows])
