"""The account's choices and devices through the API: defaults, partial changes, bad
input refused with a stable code and nothing changed, one row per device, the device
limit under 20 parallel requests, the delivery logs (own, and the charter officer's
with persons by pseudonym)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.audit.models import AuditEntry
from tests.concurrency import answer, burst
from tests.notifications.outbox.reach import choose, coffre_of, person, subscribe, tell
from tests.notifications.outbox.reach import deliveries as deliveries_of
from tests.notifications.servers import PushEndpoint
from tests.structures.world import Who, log_in, material

SETTINGS = "/api/v1/notifications/settings"
DEVICES = "/api/v1/notifications/push-subscriptions"


def _professional(api: TestClient | httpx.Client) -> Who:
    """A professional: the world's (tests/structures/world.py) is heavy; the kind is
    what the rules read, so an invited one is made the short way."""
    from sqlalchemy import update

    from coffre.accounts.models import Account

    who = person(api, slot=23, login="pro-dupont")  # type: ignore[arg-type]
    coffre = coffre_of(api)  # type: ignore[arg-type]
    with coffre.db.unit_of_work() as db:
        db.execute(update(Account).where(Account.id == who.account_id).values(kind="professional"))
    return log_in(api, who)  # type: ignore[arg-type]


def test_an_account_that_chose_nothing_has_the_defaults_and_nothing_chosen(
    reach_api: TestClient,
) -> None:
    amina = person(reach_api, login="amina-d")
    body = reach_api.get(SETTINGS, headers=amina.headers).json()
    assert body == {
        "language": "fr",
        "timezone": "Europe/Paris",
        "push": True,
        "sms": False,
        "email": None,
        "email_on": False,
        "quiet_start": None,
        "quiet_end": None,
        "digest": "each",
        "reminders": {
            "documents_expiring": True,
            "grants_ending": True,
            "requests_waiting": True,
            "relays_not_taken": True,
            "own": True,
        },
        "chosen": [],
        "sms_possible": False,
        "email_possible": False,
        "digest_possible": False,
    }


def test_a_change_sets_only_the_fields_it_names(reach_api: TestClient) -> None:
    fatou = person(reach_api)
    choose(reach_api, fatou, sms=True, language="en")
    body = choose(
        reach_api,
        fatou,
        quiet_start="21:30",
        quiet_end="07:00",
        reminders={"grants_ending": False},
    )
    assert (body["sms"], body["language"], body["push"]) == (True, "en", True)
    assert (body["quiet_start"], body["quiet_end"]) == ("21:30", "07:00")
    assert body["reminders"]["grants_ending"] is False
    assert body["reminders"]["own"] is True
    assert body["chosen"] == ["language", "sms", "quiet_start", "quiet_end", "grants_ending"]
    assert body["sms_possible"] is True
    # Quiet hours off: both null.
    assert choose(reach_api, fatou, quiet_start=None, quiet_end=None)["quiet_start"] is None


BAD_CHOICES: list[tuple[dict[str, Any], str]] = [
    ({"timezone": "Mars/Olympus_Mons"}, "invalid_timezone"),
    ({"timezone": "../../etc/passwd"}, "invalid_timezone"),
    ({"timezone": "Europe/Paris\u0000"}, "invalid_text"),
    ({"quiet_start": "22:00", "quiet_end": None}, "invalid_quiet_hours"),
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "invalid_quiet_hours"),
    ({"quiet_start": "9:00", "quiet_end": "17:00"}, "invalid_quiet_hours"),
    ({"quiet_start": "08:00", "quiet_end": "08:00"}, "invalid_quiet_hours"),
    ({"quiet_start": "22:00\u202e", "quiet_end": "07:00"}, "invalid_text"),
    ({"language": "xx"}, "invalid_notification_language"),
    ({"sms": True}, "sms_needs_phone_login"),
    ({"email": "amina@example.org"}, "email_not_offered"),
    ({"email_on": True}, "email_not_offered"),
    ({"digest": "daily"}, "digest_not_offered"),
    ({"digest": "hourly"}, "digest_not_offered"),
    ({"push": False, "timezone": "Nowhere/Land"}, "invalid_timezone"),
]


def test_bad_choices_are_refused_with_a_stable_code_and_nothing_changes(
    reach_api: TestClient,
) -> None:
    amina = person(reach_api, login="amina-d")
    choose(reach_api, amina, quiet_start="21:00", quiet_end="08:00")
    before = reach_api.get(SETTINGS, headers=amina.headers).json()
    seen = []
    for change, _code in BAD_CHOICES:
        refused = reach_api.put(SETTINGS, json=change, headers=amina.headers)
        seen.append((change, refused.status_code, refused.json().get("error", {}).get("code")))
        assert reach_api.get(SETTINGS, headers=amina.headers).json() == before, change
    assert seen == [(change, 422, code) for change, code in BAD_CHOICES]


BAD_DESK_CHOICES: list[tuple[dict[str, Any], str]] = [
    ({"email": "pas-une-adresse"}, "invalid_email"),
    ({"email": "a@b"}, "invalid_email"),
    ({"email": "c.dupont@ccas.example\r\nBcc: x@y.example"}, "invalid_text"),
    ({"email_on": True}, "invalid_email"),
    ({"sms": True}, "sms_needs_phone_login"),
]


def test_a_professionals_bad_email_is_refused(reach_api: TestClient) -> None:
    pro = _professional(reach_api)
    seen = []
    for change, _code in BAD_DESK_CHOICES:
        refused = reach_api.put(SETTINGS, json=change, headers=pro.headers)
        seen.append((change, refused.status_code, refused.json().get("error", {}).get("code")))
    assert seen == [(change, 422, code) for change, code in BAD_DESK_CHOICES]
    assert reach_api.get(SETTINGS, headers=pro.headers).json()["chosen"] == []


def test_a_professional_chooses_email_and_the_daily_digest(reach_api: TestClient) -> None:
    pro = _professional(reach_api)
    body = choose(reach_api, pro, email=" c.dupont@ccas.example ", email_on=True, digest="daily")
    assert (body["email"], body["email_on"], body["digest"]) == (
        "c.dupont@ccas.example",
        True,
        "daily",
    )
    assert body["email_possible"] and body["digest_possible"]
    # Removing the address turns e-mail off first.
    refused = reach_api.put(SETTINGS, json={"email": None}, headers=pro.headers)
    assert refused.json()["error"]["code"] == "invalid_email"
    assert choose(reach_api, pro, email=None, email_on=False)["email"] is None


def test_the_push_key_is_the_servers_vapid_public_key(reach_api: TestClient) -> None:
    amina = person(reach_api, login="amina-d")
    key = reach_api.get("/api/v1/notifications/push-key", headers=amina.headers).json()
    channel = coffre_of(reach_api).outbox.channels["push"]
    assert key == {"public_key": channel.public_key}  # type: ignore[attr-defined]
    assert len(key["public_key"]) == 87  # 65 bytes, base64url without padding


def test_one_device_is_one_row_and_a_shared_phone_follows_the_last_account(
    reach_api: TestClient, push_endpoint: PushEndpoint
) -> None:
    amina = person(reach_api, login="amina-d")
    fatou = person(reach_api)
    phone = subscribe(reach_api, amina, push_endpoint)
    first = reach_api.get(DEVICES, headers=amina.headers).json()["subscriptions"]
    again = reach_api.post(DEVICES, json={**phone, "label": "Mon téléphone"}, headers=amina.headers)
    assert again.status_code == 201 and again.json()["id"] == first[0]["id"]
    assert again.json()["label"] == "Mon téléphone"
    # Fatou logs in on the same phone's browser and turns notifications on.
    moved = reach_api.post(DEVICES, json=phone, headers=fatou.headers)
    assert moved.status_code == 201
    assert reach_api.get(DEVICES, headers=amina.headers).json()["subscriptions"] == []
    [mine] = reach_api.get(DEVICES, headers=fatou.headers).json()["subscriptions"]
    # Amina cannot remove it (as an unknown id); Fatou can.
    refused = reach_api.delete(f"{DEVICES}/{mine['id']}", headers=amina.headers)
    assert refused.json()["error"]["code"] == "push_subscription_not_found"
    assert reach_api.delete(f"{DEVICES}/{mine['id']}", headers=fatou.headers).status_code == 204
    assert reach_api.delete(f"{DEVICES}/{mine['id']}", headers=fatou.headers).status_code == 404


BAD_DEVICES: list[tuple[dict[str, Any], str]] = [
    ({"endpoint": "http://push.example.org/push/abc"}, "invalid_push_subscription"),
    ({"endpoint": "ftp://127.0.0.1/push/abc"}, "invalid_push_subscription"),
    ({"endpoint": "https://push.example.org/\u0007"}, "invalid_text"),
    (
        {"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
        "invalid_push_subscription",
    ),
    ({"label": "Téléphone\u0000"}, "invalid_text"),
]


def test_a_bad_subscription_is_refused_and_nothing_is_kept(
    reach_api: TestClient, push_endpoint: PushEndpoint
) -> None:
    amina = person(reach_api, login="amina-d")
    seen = []
    for change, _code in BAD_DEVICES:
        subscription = {**push_endpoint.subscribe(), **change}
        refused = reach_api.post(DEVICES, json=subscription, headers=amina.headers)
        seen.append((change, refused.status_code, refused.json().get("error", {}).get("code")))
    assert seen == [(change, 422, code) for change, code in BAD_DEVICES]
    assert reach_api.get(DEVICES, headers=amina.headers).json()["subscriptions"] == []


def test_twenty_devices_at_once_keep_the_limit(http: httpx.Client) -> None:
    who = material(24, "amina-parallel")
    assert http.post("/api/v1/accounts", json=who.signup_body).status_code == 201
    log_in(http, who)  # type: ignore[arg-type]
    endpoint = PushEndpoint()
    try:
        subscriptions = [endpoint.subscribe() for _ in range(20)]
        answers = burst(
            20, lambda i: answer(http.post(DEVICES, json=subscriptions[i], headers=who.headers))
        )
    finally:
        endpoint.close()
    assert Counter(answers) == {(201, ""): 10, (409, "too_many_push_subscriptions"): 10}
    listed = http.get(DEVICES, headers=who.headers).json()["subscriptions"]
    assert len(listed) == 10  # COFFRE_PUSH_MAX_DEVICES


def test_the_delivery_logs_of_the_person_and_of_the_charter_officer(
    reach_api: TestClient, push_endpoint: PushEndpoint
) -> None:
    from tests.structures.world import build_world

    world = build_world(reach_api)
    fatou = person(reach_api)
    subscribe(reach_api, fatou, push_endpoint)
    tell(reach_api, fatou)
    coffre = coffre_of(reach_api)
    coffre.outbox.deliver()

    [own] = reach_api.get("/api/v1/notifications/deliveries", headers=fatou.headers).json()[
        "deliveries"
    ]
    assert (own["kind"], own["channel"], own["state"], own["attempts"]) == (
        "document.pulled",
        "push",
        "sent",
        1,
    )
    assert reach_api.get(
        "/api/v1/notifications/deliveries", headers=world.person.headers
    ).json() == {"deliveries": []}
    officer = reach_api.get("/api/v1/console/deliveries", headers=world.officer.headers)
    [row] = officer.json()["deliveries"]
    assert row["recipient"] == coffre.console.pseudonym(fatou.account_id)
    assert row["recipient"].startswith("p-") and row["recipient_role"] == "person"
    assert "0612345678" not in officer.text and "endpoint" not in officer.text
    assert reach_api.get(
        "/api/v1/console/deliveries", params={"state": "failed"}, headers=world.officer.headers
    ).json() == {"deliveries": []}
    bad = reach_api.get(
        "/api/v1/console/deliveries", params={"state": "lost"}, headers=world.officer.headers
    )
    assert bad.json()["error"]["code"] == "invalid_delivery_filter"
    refused = reach_api.get("/api/v1/console/deliveries", headers=fatou.headers)
    assert refused.json()["error"]["code"] == "not_allowed"
    with coffre.db.unit_of_work() as db:
        views = [
            (e.actor_id, e.outcome)
            for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "audit.console"))
        ]
    assert (world.officer.account_id, "ok") in views and (fatou.account_id, "refused") in views


def test_an_erased_persons_devices_and_choices_go_and_nothing_more_leaves(
    reach_api: TestClient, push_endpoint: PushEndpoint
) -> None:
    from coffre.notifications.models import NotificationSettings, PushSubscription
    from crypto import b64encode

    fatou = person(reach_api)
    phone = subscribe(reach_api, fatou, push_endpoint)
    choose(reach_api, fatou, sms=True)
    tell(reach_api, fatou)
    coffre = coffre_of(reach_api)
    coffre.outbox.dispatch()
    erased = reach_api.request(
        "DELETE",
        "/api/v1/me",
        json={"auth_key": b64encode(fatou.auth_key)},
        headers=fatou.headers,
    )
    assert erased.status_code in (200, 204), erased.text
    with coffre.db.unit_of_work() as db:
        assert db.scalars(select(PushSubscription)).all() == []
        assert db.get(NotificationSettings, fatou.account_id) is None
    assert coffre.outbox.deliver().claimed == 0
    assert push_endpoint.messages_for(phone) == []
    states = {(d.state, d.reason) for d in deliveries_of(reach_api)}
    assert states == {("failed", "account_gone")}
