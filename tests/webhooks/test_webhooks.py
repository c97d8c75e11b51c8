"""A structure's webhooks end to end, on both backends: the structure admin registers
an endpoint (the secret shown once), events of the structure (a grant, a request's
answer) reach a partner's receiver on loopback that verifies each signature with the
``standardwebhooks`` package; a 500 is retried with back-off, ``Retry-After`` is
honoured, a silent partner is cut at the timeout and retried, a delivery is given up
after the last attempt and replayed from the log with the same ``webhook-id``; refused
URLs answer stable codes; 20 deliverers at once send each delivery exactly once."""

from __future__ import annotations

import socket
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import consent
from client import relays as relay_client
from coffre.clock import FrozenClock
from coffre.errors import CoffreError
from coffre.policy import Actor, Role
from coffre.webhooks import EventType, emit, repository
from coffre.webhooks.delivery import Deliverer
from coffre.webhooks.service import WebhookService
from tests.concurrency import burst
from tests.consent.world import ConsentWorld, build_consent_world
from tests.relays.world import RSA, build_relay_world
from tests.structures.world import Who, pinned_root
from tests.webhooks.receiver import Receiver
from tests.webhooks.world import coffre_of

BASE = "/api/v1/structures/{}/webhooks"


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def register(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, events: list[str] | None = None
) -> dict[str, Any]:
    w = cw.world
    made = api.post(
        BASE.format(w.structure_id),
        json={"url": receiver.url, "events": events or ["grant.created", "request.answered"]},
        headers=w.structure_admin.headers,
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    receiver.secret = body["secret"]
    return body


def share(api: TestClient, cw: ConsentWorld, clock: FrozenClock, pro: Who | None = None) -> str:
    grant = consent.share(
        cw.person.client(api),
        cw.person.keys,
        person_id=cw.person.account_id,
        professional_id=(pro or cw.world.professional).account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose="ouverture-droits-rsa",
        document_ids=[cw.identity],
        days=30,
        now=clock.now(),
    )
    return str(grant["id"])


def log(api: TestClient, cw: ConsentWorld, webhook_id: str) -> list[dict[str, Any]]:
    w = cw.world
    answer = api.get(
        BASE.format(w.structure_id) + f"/{webhook_id}/deliveries",
        headers=w.structure_admin.headers,
    )
    assert answer.status_code == 200, answer.text
    deliveries: list[dict[str, Any]] = answer.json()["deliveries"]
    return deliveries


def deliverer(api: TestClient, **settings: Any) -> Deliverer:
    coffre = coffre_of(api)
    return Deliverer(coffre.db, coffre.clock, coffre.settings.model_copy(update=settings))


# -- delivered and verified ------------------------------------------------------------


def test_a_grant_reaches_the_structures_receiver_signed_and_thin(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    assert hook["secret"].startswith("whsec_") and hook["events"] == [
        "grant.created",
        "request.answered",
    ]
    grant_id = share(api, cw, clock)

    report = coffre_of(api).webhook_deliverer.deliver()

    assert report.outcomes == {"sent": 1}
    [received] = receiver.accepted
    assert receiver.forged == 0
    assert received.payload["type"] == "grant.created"
    # Thin: ids and dates only, never a name, a purpose or a document's title.
    assert received.payload["data"] == {
        "grant_id": grant_id,
        "professional_id": cw.world.professional.account_id,
        "created_at": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "not_after": (clock.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for word in (cw.person.login, "ouverture-droits-rsa", "Dupont", "identite"):
        assert word not in received.body.decode()
    [entry] = log(api, cw, hook["id"])
    assert entry["message_id"] == received.id and received.id.startswith("msg_")
    assert (entry["state"], entry["attempts"], entry["last_status"]) == ("sent", 1, 204)
    assert entry["event_type"] == "grant.created" and entry["next_attempt_at"] is None
    # Nothing is sent twice.
    assert coffre_of(api).webhook_deliverer.deliver().claimed == 0


def test_the_secret_is_shown_once_and_never_listed(
    api: TestClient, cw: ConsentWorld, receiver: Receiver
) -> None:
    hook = register(api, cw, receiver)
    listed = api.get(
        BASE.format(cw.world.structure_id), headers=cw.world.structure_admin.headers
    ).json()["webhooks"]
    assert [(h["id"], h["secret"]) for h in listed] == [(hook["id"], None)]
    assert hook["secret"] not in str(listed)


def test_a_declined_request_reaches_the_requesting_structure(
    api: TestClient, cw: ConsentWorld, receiver: Receiver
) -> None:
    register(api, cw, receiver, ["request.answered"])
    w = cw.world
    asked = api.post(
        "/api/v1/requests",
        json={
            "person_login": w.person.login,
            "structure_id": w.structure_id,
            "purpose": "ouverture-droits-rsa",
            "category": "domicile",
            "message": "Pour votre dossier RSA",
        },
        headers=w.professional.headers,
    )
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["id"]
    declined = api.post(
        f"/api/v1/requests/{request_id}/decline",
        json={"word": "Je passerai"},
        headers=w.person.headers,
    )
    assert declined.status_code == 200, declined.text

    coffre_of(api).webhook_deliverer.deliver()

    [received] = receiver.accepted
    assert received.payload["type"] == "request.answered"
    data = received.payload["data"]
    assert (data["request_id"], data["answer"]) == (request_id, "declined")
    assert "Je passerai" not in received.body.decode()


def test_an_event_nobody_chose_writes_nothing(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    register(api, cw, receiver, ["relay.arrived"])
    share(api, cw, clock)
    assert coffre_of(api).webhook_deliverer.deliver().claimed == 0
    assert receiver.accepted == []


# -- retries ---------------------------------------------------------------------------


def test_a_500_is_retried_with_back_off_then_delivered_once(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    receiver.answer(500, times=2)
    deliver = coffre_of(api).webhook_deliverer.deliver

    waits = []
    for _ in range(2):
        before = clock.now()
        assert deliver().outcomes == {"pending": 1}
        [entry] = log(api, cw, hook["id"])
        assert (entry["state"], entry["last_status"], entry["reason"]) == (
            "pending",
            500,
            "http_500",
        )
        nxt = entry["next_attempt_at"]
        waits.append(
            (clock.now().fromisoformat(nxt.replace("Z", "+00:00")) - before).total_seconds()
        )
        assert deliver().claimed == 0  # not due yet
        clock.advance(seconds=waits[-1])

    assert waits == [30, 60]  # COFFRE_WEBHOOKS_RETRY_SECONDS, doubled
    assert deliver().outcomes == {"sent": 1}
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["attempts"], entry["last_status"]) == ("sent", 3, 204)
    # The same message id on every attempt.
    assert len(receiver.accepted) == 1 and receiver.refused == [receiver.accepted[0].id] * 2


def test_a_retry_waits_as_long_as_the_partner_asks(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    receiver.answer(429, retry_after="900")
    deliver = coffre_of(api).webhook_deliverer.deliver

    deliver()
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["last_status"]) == ("pending", 429)
    clock.advance(seconds=899)
    assert deliver().claimed == 0
    clock.advance(seconds=1)
    assert deliver().outcomes == {"sent": 1}


def test_a_silent_partner_is_cut_at_the_timeout_and_retried(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    receiver.stay_silent(10)
    run = deliverer(api, webhooks_timeout_seconds=1)

    started = time.monotonic()
    report = run.deliver()
    took = time.monotonic() - started

    assert report.outcomes == {"pending": 1}
    assert took < 4  # the whole exchange is cut at twice the timeout
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["reason"], entry["last_status"]) == (
        "pending",
        "timeout",
        None,
    )
    clock.advance(seconds=30)
    assert run.deliver().outcomes == {"sent": 1}


def test_a_delivery_is_given_up_after_the_last_attempt_then_replayed_from_the_log(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    receiver.answer(503, times=3)
    run = deliverer(api, webhooks_max_attempts=3)
    for _ in range(3):
        run.deliver()
        clock.advance(minutes=5)
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["attempts"], entry["last_status"]) == ("given_up", 3, 503)
    assert run.deliver().claimed == 0  # given up stays given up

    w = cw.world
    replayed = api.post(
        BASE.format(w.structure_id) + f"/{hook['id']}/deliveries/{entry['id']}/replay",
        headers=w.structure_admin.headers,
    )
    assert replayed.status_code == 200, replayed.text
    assert (replayed.json()["state"], replayed.json()["replays"]) == ("pending", 1)
    assert run.deliver().outcomes == {"sent": 1}
    [received] = receiver.accepted
    assert received.id == entry["message_id"]  # a new attempt of the same message
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["attempts"], entry["replays"]) == ("sent", 1, 1)


def test_a_delivered_message_replayed_arrives_again_under_the_same_id(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    deliver = coffre_of(api).webhook_deliverer.deliver
    deliver()
    [entry] = log(api, cw, hook["id"])
    w = cw.world
    path = BASE.format(w.structure_id) + f"/{hook['id']}/deliveries/{entry['id']}/replay"
    assert api.post(path, headers=w.structure_admin.headers).status_code == 200
    deliver()
    first, second = receiver.accepted
    assert first.id == second.id and first.body == second.body


def test_a_deleted_endpoint_gets_nothing_more(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    w = cw.world
    gone = api.delete(
        BASE.format(w.structure_id) + f"/{hook['id']}", headers=w.structure_admin.headers
    )
    assert gone.status_code == 204
    assert coffre_of(api).webhook_deliverer.deliver().claimed == 0
    assert receiver.accepted == []
    again = api.get(
        BASE.format(w.structure_id) + f"/{hook['id']}/deliveries",
        headers=w.structure_admin.headers,
    )
    assert again.status_code == 404 and again.json()["error"]["code"] == "webhook_not_found"


# -- refused ---------------------------------------------------------------------------


# Each refused registration is checked in one test per backend against one world (a
# world per case built 14 worlds for requests refused before anything is written).
NOT_WEB_ADDRESSES = [
    "ftp://partner.example/hook",
    "partner.example/hook",
    "https://user:pass@partner.example/hook",
    "javascript:alert(1)",
]
EVENTS_NOT_OFFERED: list[list[str]] = [[], ["grant.deleted"], ["grant.created", "tout"]]


def _refusals(api: TestClient, cw: ConsentWorld, bodies: list[dict[str, Any]]) -> list[Any]:
    """(body, status, code) of each registration attempt, as the structure admin."""
    w = cw.world
    answers = []
    for body in bodies:
        answer = api.post(BASE.format(w.structure_id), json=body, headers=w.structure_admin.headers)
        answers.append((body, answer.status_code, answer.json()["error"]["code"]))
    return answers


def test_a_url_that_is_not_a_web_address_is_refused_with_its_code(
    api: TestClient, cw: ConsentWorld
) -> None:
    bodies = [{"url": url, "events": ["grant.created"]} for url in NOT_WEB_ADDRESSES]
    answers = _refusals(api, cw, bodies)
    assert [a for a in answers if a[1:] != (422, "invalid_webhook_url")] == []


def test_events_must_be_chosen_among_those_offered(api: TestClient, cw: ConsentWorld) -> None:
    bodies = [{"url": "https://partner.example/hook", "events": e} for e in EVENTS_NOT_OFFERED]
    answers = _refusals(api, cw, bodies)
    assert [a for a in answers if a[1:] != (422, "invalid_webhook_events")] == []


def test_production_refuses_plain_http_and_the_servers_own_network(
    api: TestClient, cw: ConsentWorld, receiver: Receiver
) -> None:
    coffre = coffre_of(api)
    production = WebhookService(
        coffre.db, coffre.clock, coffre.settings.model_copy(update={"environment": "production"})
    )
    w = cw.world
    admin = Actor(w.structure_admin.account_id, Role.PROFESSIONAL, "session")
    refused = {
        "http://partner.example/hook": "invalid_webhook_url",
        receiver.url: "invalid_webhook_url",
        "https://127.0.0.1/hook": "webhook_url_refused",
        "https://127.1/hook": "webhook_url_refused",
        "https://10.0.0.7/hook": "webhook_url_refused",
        "https://[::1]/hook": "webhook_url_refused",
        "https://[::ffff:192.168.1.1]/hook": "webhook_url_refused",
        "https://localhost./hook": "webhook_url_refused",
        "https://2130706433/hook": "webhook_url_refused",
    }
    for url, code in refused.items():
        with pytest.raises(CoffreError) as raised:
            production.create(admin, w.structure_id, url, ["grant.created"])
        assert raised.value.code == code, url
    assert production.endpoints(admin, w.structure_id) == []


def test_production_never_posts_to_a_loopback_endpoint_registered_before(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)

    report = deliverer(api, environment="production").deliver()

    assert report.outcomes == {"failed": 1}
    assert receiver.accepted == [] and receiver.refused == []
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["reason"]) == ("failed", "endpoint_refused")


def test_a_structure_has_at_most_its_number_of_endpoints(api: TestClient, cw: ConsentWorld) -> None:
    w = cw.world
    answers = [
        api.post(
            BASE.format(w.structure_id),
            json={"url": f"https://partner.example/{n}", "events": ["grant.created"]},
            headers=w.structure_admin.headers,
        )
        for n in range(6)  # COFFRE_WEBHOOKS_PER_STRUCTURE: 5
    ]
    assert [a.status_code for a in answers] == [201] * 5 + [409]
    assert answers[-1].json()["error"]["code"] == "webhook_limit_reached"


# -- at once ---------------------------------------------------------------------------


def test_twenty_deliverers_at_once_send_each_delivery_exactly_once(
    api: TestClient, cw: ConsentWorld, receiver: Receiver
) -> None:
    register(api, cw, receiver)
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        for n in range(30):
            emit(
                db,
                cw.world.structure_id,
                EventType.GRANT_CREATED,
                {"grant_id": f"{n:032x}"},
                coffre.clock.now(),
            )
    runs = [deliverer(api, webhooks_batch=5) for _ in range(20)]

    reports = burst(20, lambda i: runs[i].deliver())

    assert sum(r.outcomes.get("sent", 0) for r in reports) == 30
    counted = Counter(r.id for r in receiver.accepted)
    assert len(counted) == 30 and set(counted.values()) == {1}
    assert receiver.forged == 0


def test_a_relay_the_person_agreed_to_reaches_the_target_structure(
    api: TestClient, tmp_path: Path, receiver: Receiver
) -> None:
    rw = build_relay_world(api, tmp_path)
    made = api.post(
        BASE.format(rw.caf_id),
        json={"url": receiver.url, "events": ["relay.arrived"]},
        headers=rw.caf_admin.headers,
    )
    assert made.status_code == 201, made.text
    receiver.secret = made.json()["secret"]
    proposed = rw.propose()
    deliver = coffre_of(api).webhook_deliverer.deliver
    assert deliver().claimed == 0  # not before the person agreed

    relay_client.agree(rw.person.client(api), proposed["id"], [rw.cw.identity, rw.cw.address])
    deliver()

    [received] = receiver.accepted
    assert received.payload["type"] == "relay.arrived"
    assert received.payload["data"]["relay_id"] == proposed["id"]
    assert RSA not in received.body.decode()  # never the purpose nor the liaison note


def test_twenty_admins_calls_at_once_register_no_more_than_the_limit(
    api: TestClient, cw: ConsentWorld
) -> None:
    coffre = coffre_of(api)
    admin = Actor(cw.world.structure_admin.account_id, Role.PROFESSIONAL, "session")

    def create(n: int) -> str:
        try:
            coffre.webhooks.create(
                admin, cw.world.structure_id, f"https://partner.example/{n}", ["grant.created"]
            )
        except CoffreError as error:
            return error.code
        return "created"

    answers = Counter(burst(20, create))

    assert answers == {"created": 5, "webhook_limit_reached": 15}
    assert len(coffre.webhooks.endpoints(admin, cw.world.structure_id)) == 5


def test_a_deliverer_killed_mid_send_leaves_a_lease_that_runs_out_then_it_is_sent_once(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    coffre = coffre_of(api)
    # A deliverer claims it and dies before posting (its claim is all that happened).
    with coffre.db.unit_of_work(write=True) as db:
        [claimed] = repository.claim(db, clock.now(), 10, clock.now() + timedelta(seconds=120))
    assert coffre.webhook_deliverer.deliver().claimed == 0  # held by the lease

    clock.advance(seconds=120)  # COFFRE_WEBHOOKS_LEASE_SECONDS
    assert coffre.webhook_deliverer.deliver().outcomes == {"sent": 1}

    assert len(receiver.accepted) == 1
    [entry] = log(api, cw, hook["id"])
    assert (entry["id"], entry["state"], entry["attempts"]) == (claimed.id, "sent", 2)


def test_a_delivery_being_sent_cannot_be_replayed(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, clock: FrozenClock
) -> None:
    hook = register(api, cw, receiver)
    share(api, cw, clock)
    coffre = coffre_of(api)
    with coffre.db.unit_of_work(write=True) as db:
        [claimed] = repository.claim(db, clock.now(), 10, clock.now() + timedelta(seconds=120))
    w = cw.world
    answer = api.post(
        BASE.format(w.structure_id) + f"/{hook['id']}/deliveries/{claimed.id}/replay",
        headers=w.structure_admin.headers,
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        409,
        "webhook_delivery_in_flight",
    )
    [entry] = log(api, cw, hook["id"])
    assert (entry["state"], entry["replays"]) == ("sending", 0)


def test_production_never_connects_to_a_partners_name_that_resolves_to_its_own_network(
    api: TestClient, cw: ConsentWorld, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partner's name that resolves to 127.0.0.1 (registered outside production, or a
    DNS record changed since): production resolves it once per send, refuses it and
    connects nowhere. Only the DNS is faked (as tests/attack/test_reach_inputs.py does
    for Web Push), so nothing leaves the machine."""
    w = cw.world
    made = api.post(
        BASE.format(w.structure_id),
        json={
            "url": f"https://hook.rebind.test:{receiver.port}/coffre",
            "events": ["grant.created"],
        },
        headers=w.structure_admin.headers,
    )
    assert made.status_code == 201, made.text
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        emit(
            db, w.structure_id, EventType.GRANT_CREATED, {"grant_id": "1" * 32}, coffre.clock.now()
        )
    real = socket.getaddrinfo
    asked = Counter[str]()

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hook.rebind.test":
            return real(host, port, *args, **kwargs)
        asked[host] += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    report = deliverer(api, environment="production").deliver()

    assert report.outcomes == {"failed": 1}
    assert asked["hook.rebind.test"] == 1  # resolved once, then refused
    assert receiver.accepted == [] and receiver.refused == [] and receiver.forged == 0
    [entry] = log(api, cw, made.json()["id"])
    assert (entry["state"], entry["reason"], entry["last_status"]) == (
        "failed",
        "endpoint_refused",
        None,
    )
