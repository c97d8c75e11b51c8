"""An attacker's review of issue 19's new routes and inputs (the notifications'
settings and devices, the reminders, the organiser): every bad input refused with a
stable code and nothing changed, another account's thing answered exactly as an
unknown one, parallel requests never a server error, and a push endpoint never
reaching the server's own network in production.

Only the DNS is faked (``socket.getaddrinfo``, a resolver that changes its answer
between two look-ups, as an attacker's name server does): it cannot run here.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.notifications.channels.base import Outcome, Outgoing
from coffre.notifications.channels.webpush import WebPushChannel, load_vapid_key
from coffre.notifications.preferences import Preferences, quiet_until
from coffre.settings import Settings
from crypto import b64encode
from tests.concurrency import PARALLEL, answer, burst
from tests.factories import Person, make_person, person_material
from tests.notifications.servers import PushEndpoint, b64url
from tests.organiser.helpers import CONTACT, new_body
from tests.reminders.helpers import body as reminder_body
from tests.reminders.helpers import coffre_of, told

SETTINGS = "/api/v1/notifications/settings"
DEVICES = "/api/v1/notifications/push-subscriptions"
REMINDERS = "/api/v1/reminders"
ITEMS = "/api/v1/organiser/items"
ORGANISER_CAP = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"organiser_items_per_person": ORGANISER_CAP})


def account_id(api: TestClient | httpx.Client, person: Person) -> str:
    me = api.get("/api/v1/me", headers=person.headers)
    assert me.status_code == 200, me.text
    return str(me.json()["account"]["id"])


def signed_up(http: httpx.Client, slot: int, login: str) -> Person:
    """A person signed up and logged in through a live server."""
    person = person_material(slot, login)
    assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    logged = http.post(
        "/api/v1/auth/login", json={"login": login, "auth_key": b64encode(person.auth_key)}
    )
    assert logged.status_code == 200, logged.text
    return Person(
        login,
        person.passphrase,
        person.keys,
        person.signup_body,
        person.auth_key,
        logged.json()["token"],
    )


def same_answer(a: httpx.Response, b: httpx.Response) -> tuple[int, Any]:
    """What a client sees of a refusal: its status and its whole body."""
    assert (a.status_code, a.json()) == (b.status_code, b.json())
    return a.status_code, a.json()


def new_device(endpoint: str) -> dict[str, Any]:
    """A subscription as a browser's ``toJSON()`` gives it (fresh keys), at ``endpoint``."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    keys = {"p256dh": b64url(point), "auth": b64url(secrets.token_bytes(16))}
    return {"endpoint": endpoint, "expirationTime": None, "keys": keys}


# -- dates at the ends of the calendar -------------------------------------------------


@pytest.mark.parametrize(
    "due_at",
    [
        "0001-01-01T00:00:00+01:00",  # before year 1 once in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 once in UTC
        "0001-01-01T00:30:00+23:59",
    ],
)
def test_a_reminder_date_past_the_calendars_ends_is_refused_and_nothing_kept(
    api: TestClient, clock: FrozenClock, due_at: str
) -> None:
    person = make_person(api)
    created = api.post(
        REMINDERS,
        json=reminder_body(person, clock.now() + timedelta(days=2)),
        headers=person.headers,
    )
    assert created.status_code == 201, created.text
    before = api.get(REMINDERS, headers=person.headers).json()

    new = api.post(REMINDERS, json=reminder_body(person, due_at), headers=person.headers)
    moved = api.put(
        f"{REMINDERS}/{created.json()['id']}",
        json=reminder_body(person, due_at),
        headers=person.headers,
    )

    assert answer(new) == (422, "reminder_date_invalid")
    assert answer(moved) == (422, "reminder_date_invalid")
    assert api.get(REMINDERS, headers=person.headers).json() == before


# -- another account's things answer exactly as unknown ones -------------------------


def test_another_accounts_reminders_items_and_devices_answer_exactly_as_unknown_ones(
    api: TestClient, clock: FrozenClock, push_endpoint: PushEndpoint
) -> None:
    amina = make_person(api, 0)
    eve = make_person(api, 1)
    amina_id = account_id(api, amina)
    due = clock.now() + timedelta(days=3)
    reminder = api.post(REMINDERS, json=reminder_body(amina, due), headers=amina.headers).json()
    item = new_body(amina, amina_id, CONTACT)
    assert api.post(ITEMS, json=item, headers=amina.headers).status_code == 201
    device = api.post(DEVICES, json=push_endpoint.subscribe(), headers=amina.headers).json()
    kept = [api.get(path, headers=amina.headers).json() for path in (REMINDERS, ITEMS, DEVICES)]
    unknown = secrets.token_hex(16)
    eve_item = new_body(eve, account_id(api, eve), CONTACT)["ciphertext"]

    probes = [
        ("PUT", REMINDERS, reminder_body(eve, due + timedelta(days=1))),
        ("DELETE", REMINDERS, None),
        ("PUT", ITEMS, {"ciphertext": eve_item, "version": 1}),
        ("DELETE", ITEMS, None),
        ("DELETE", DEVICES, None),
    ]
    seen = []
    for method, base, payload in probes:
        theirs_id = {REMINDERS: reminder["id"], ITEMS: item["id"], DEVICES: device["id"]}[base]
        theirs = api.request(method, f"{base}/{theirs_id}", json=payload, headers=eve.headers)
        nobodys = api.request(method, f"{base}/{unknown}", json=payload, headers=eve.headers)
        seen.append(same_answer(theirs, nobodys)[0])

    assert seen == [404] * len(probes)
    after = [api.get(path, headers=amina.headers).json() for path in (REMINDERS, ITEMS, DEVICES)]
    assert after == kept


# -- control characters in every new text field ----------------------------------------

BAD_TEXT = ["\x00", "\u202e", "\x1b[31m", "\u2066", "\x85", "\ud800"]


def _settings_changes(bad: str) -> list[dict[str, Any]]:
    return [
        {"timezone": f"Europe/Paris{bad}"},
        {"language": f"fr{bad}"},
        {"quiet_start": f"2{bad}:00", "quiet_end": "08:00"},
        {"quiet_start": "21:00", "quiet_end": f"08:0{bad}"},
        {"digest": f"each{bad}"},
    ]


@pytest.mark.parametrize("bad", BAD_TEXT)
def test_control_characters_in_any_new_text_field_are_refused_and_nothing_changes(
    api: TestClient, clock: FrozenClock, push_endpoint: PushEndpoint, bad: str
) -> None:
    amina = make_person(api, 0)
    amina_id = account_id(api, amina)
    due = clock.now() + timedelta(days=3)
    reminder = api.post(REMINDERS, json=reminder_body(amina, due), headers=amina.headers).json()
    device = push_endpoint.subscribe()
    before = [
        api.get(path, headers=amina.headers).json()
        for path in (SETTINGS, REMINDERS, ITEMS, DEVICES)
    ]

    calls: list[tuple[str, str, Any]] = [
        *(("PUT", SETTINGS, change) for change in _settings_changes(bad)),
        ("POST", DEVICES, {**device, "label": f"Téléphone{bad}"}),
        ("POST", DEVICES, {**device, "endpoint": device["endpoint"] + bad}),
        ("POST", DEVICES, {**device, "keys": {**device["keys"], "auth": bad + "A" * 21}}),
        ("POST", REMINDERS, reminder_body(amina, (due.isoformat() + bad))),
        ("POST", REMINDERS, reminder_body(amina, due, repeat=f"none{bad}")),
        ("PUT", f"{REMINDERS}/{reminder['id']}", reminder_body(amina, due, repeat=f"yearly{bad}")),
        ("POST", ITEMS, {**new_body(amina, amina_id, CONTACT), "id": secrets.token_hex(15) + bad}),
    ]
    seen = []
    for method, path, payload in calls:
        response = api.request(
            method,
            path,
            content=json.dumps(payload),
            headers={**amina.headers, "Content-Type": "application/json"},
        )
        seen.append((path, answer(response)))

    assert seen == [(path, (422, "invalid_text")) for _method, path, _payload in calls]
    after = [
        api.get(path, headers=amina.headers).json()
        for path in (SETTINGS, REMINDERS, ITEMS, DEVICES)
    ]
    assert after == before


# -- 20 parallel requests -------------------------------------------------------------


def test_twenty_first_choices_at_once_are_all_kept_never_a_server_error(
    http: httpx.Client,
) -> None:
    """A person's first choices, sent twice by a double tap on several devices: every
    answer is the saved choice, one row; never a 500 or a 503."""
    amina = signed_up(http, 30, "amina-choices")
    hours = [f"{h:02d}:00" for h in range(PARALLEL)]

    answers = burst(
        PARALLEL,
        lambda i: answer(
            http.put(
                SETTINGS,
                json={"quiet_start": hours[i], "quiet_end": "23:30", "push": True},
                headers=amina.headers,
            )
        ),
    )

    assert Counter(answers) == {(200, ""): PARALLEL}
    final = http.get(SETTINGS, headers=amina.headers).json()
    assert final["quiet_start"] in hours and final["quiet_end"] == "23:30"


def test_one_device_claimed_by_several_accounts_at_once_ends_with_one_of_them(
    http: httpx.Client,
) -> None:
    """A shared phone's browser subscribing for several accounts at the same moment:
    every request is answered as a subscription kept (the last one wins), none is a
    server error, and the device belongs to exactly one account."""
    people = [signed_up(http, 31 + i, f"partage-{i}-{secrets.token_hex(2)}") for i in range(4)]
    device = new_device(f"https://push.example.org/push/{secrets.token_urlsafe(16)}")

    answers = burst(
        PARALLEL,
        lambda i: answer(http.post(DEVICES, json=device, headers=people[i % 4].headers)),
    )

    assert Counter(answers) == {(201, ""): PARALLEL}
    owners = [p for p in people if http.get(DEVICES, headers=p.headers).json()["subscriptions"]]
    assert len(owners) == 1


# -- push endpoints in production ------------------------------------------------------

PRIVATE_ENDPOINTS = [
    "https://127.0.0.1/push/x",
    "https://127.0.0.1:8443/push/x",
    "https://localhost/push/x",
    "https://api.localhost/push/x",
    "https://[::1]/push/x",
    "https://10.0.0.7/push/x",
    "https://192.168.1.1/push/x",
    "https://169.254.169.254/latest/meta-data",
    "https://0.0.0.0/push/x",
    "https://[::ffff:127.0.0.1]/push/x",
    "https://[fd00::1]/push/x",
    "https://2130706433/push/x",  # 127.0.0.1 as one decimal number
    "https://0x7f.1/push/x",
    "https://127.1/push/x",
    "https://0/push/x",
    "https://LOCALHOST./push/x",
    "https://127.0.0.1./push/x",
    "https://[::ffff:7f00:1]/push/x",
    "https://100.64.0.1/push/x",  # carrier-grade NAT
]


@pytest.fixture
def production_api(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    load_vapid_key(settings)  # production never makes its key: made here as an operator would
    production = settings.model_copy(
        update={"environment": "production", "secret_key": secrets.token_urlsafe(40)}
    )
    with TestClient(create_app(production, clock=clock)) as client:
        yield client


def test_production_refuses_a_device_whose_endpoint_is_on_a_private_address(
    production_api: TestClient,
) -> None:
    amina = make_person(production_api)

    seen = [
        (
            endpoint,
            answer(production_api.post(DEVICES, json=new_device(endpoint), headers=amina.headers)),
        )
        for endpoint in PRIVATE_ENDPOINTS
    ]

    assert seen == [(e, (422, "invalid_push_subscription")) for e in PRIVATE_ENDPOINTS]
    assert production_api.get(DEVICES, headers=amina.headers).json()["subscriptions"] == []
    public = new_device("https://fcm.googleapis.com/fcm/send/abc")
    assert production_api.post(DEVICES, json=public, headers=amina.headers).status_code == 201


class _Listener:
    """A TCP port on loopback that counts who connects (the server's own network)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_production_push_never_connects_to_a_private_address_a_name_turns_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to a public address when it is checked, then to
    127.0.0.1 when the connection is made. The message must never reach the loopback."""
    key_file = tmp_path / "vapid.pem"
    WebPushChannel(Settings(environment="test", push_vapid_key_file=key_file))  # makes the key
    channel = WebPushChannel(
        Settings(
            environment="production",
            secret_key="x" * 40,
            push_vapid_key_file=key_file,
            channel_timeout_seconds=2,
        )
    )
    listener = _Listener()
    real = socket.getaddrinfo
    asked = Counter[str]()

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "push.rebind.test":
            return real(host, port, *args, **kwargs)
        asked[host] += 1
        address = "93.184.216.34" if asked[host] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    target = json.dumps(new_device(f"https://push.rebind.test:{listener.port}/push/x"))
    try:
        sent = channel.send(target, Outgoing(key="k", title="Coffre", body="Coffre : un rappel"))
    finally:
        listener.close()

    assert listener.accepted == 0
    assert (sent.outcome, sent.reason) == (Outcome.FAILED, "endpoint_refused")


# -- odd JSON ---------------------------------------------------------------------------


ODD_JSON = {
    # Past Python's limit on int digits (4300): FastAPI answered an English 400.
    "number_of_5000_digits": '{"version": 1' + "0" * 5000 + "}",
    # Deeper than the JSON parser's recursion, within the 64 KiB body limit.
    "nested_30000_deep": "[" * 30000 + "]" * 30000,
    "object_nested_10000_deep": '{"a":' * 10000 + "1" + "}" * 10000,
}


@pytest.mark.parametrize("odd", sorted(ODD_JSON))
@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", SETTINGS), ("POST", DEVICES), ("POST", REMINDERS), ("POST", ITEMS)],
)
def test_json_the_parser_cannot_read_is_a_malformed_request_like_any_bad_json(
    api: TestClient, method: str, path: str, odd: str
) -> None:
    """Bodies within the size limit that the JSON parser gives up on (not a syntax
    error): the stable invalid_request, not an English 400 "http_error"."""
    person = make_person(api)

    response = api.request(
        method,
        path,
        content=ODD_JSON[odd],
        headers={**person.headers, "Content-Type": "application/json"},
    )

    assert answer(response) == (422, "invalid_request")
    assert "There was an error" not in response.text


# -- quiet hours across the autumn's change --------------------------------------------


@pytest.mark.parametrize(
    ("quiet", "at", "ends"),
    [
        # 01:15 UTC on 25 October 2026 is 02:15 in Paris the second time (CET).
        (("21:00", "02:30"), "2026-10-25T01:15:00+00:00", "2026-10-25T01:30:00+00:00"),
        (("02:00", "02:30"), "2026-10-25T01:15:00+00:00", "2026-10-25T01:30:00+00:00"),
        # The first pass (CEST) ends at the first 02:30.
        (("02:00", "02:30"), "2026-10-25T00:15:00+00:00", "2026-10-25T00:30:00+00:00"),
        # Spring: 02:30 does not exist; the quiet hours end at 03:00 CEST.
        (("01:00", "02:30"), "2026-03-29T00:30:00+00:00", "2026-03-29T01:30:00+00:00"),
    ],
)
def test_quiet_hours_always_end_after_the_moment_they_hold(
    quiet: tuple[str, str], at: str, ends: str
) -> None:
    """A delivery inside quiet hours waits until they end: never until a moment already
    past (it would be claimed again and again, and a retry would lose its back-off)."""
    prefs = Preferences(quiet_start=quiet[0], quiet_end=quiet[1])
    moment = datetime.fromisoformat(at)

    end = quiet_until(prefs, moment)

    assert end is not None and end > moment
    assert end == datetime.fromisoformat(ends)


def test_one_device_removed_twenty_times_at_once_is_removed_once_the_others_not_found(
    http: httpx.Client,
) -> None:
    """A double tap on "turn off on this phone", many times over: one 204, every other
    answer exactly "not found", never a server error."""
    amina = signed_up(http, 35, "amina-remove")
    device = new_device(f"https://push.example.org/push/{secrets.token_urlsafe(16)}")
    made = http.post(DEVICES, json=device, headers=amina.headers)
    assert made.status_code == 201, made.text
    path = f"{DEVICES}/{made.json()['id']}"

    answers = burst(PARALLEL, lambda _i: answer(http.delete(path, headers=amina.headers)))

    assert Counter(answers) == {(204, ""): 1, (404, "push_subscription_not_found"): PARALLEL - 1}
    assert http.get(DEVICES, headers=amina.headers).json()["subscriptions"] == []


# -- reminders across the changes of time -----------------------------------------------


def _night(start: str, hours: int = 6) -> list[datetime]:
    """Every quarter of an hour for ``hours`` from ``start`` (UTC)."""
    first = datetime.fromisoformat(start)
    return [first + timedelta(minutes=15 * i) for i in range(hours * 4)]


def test_a_monthly_reminder_at_half_past_two_is_sent_once_on_each_night_the_time_changes(
    api: TestClient,
) -> None:
    """02:30 in Paris does not exist on 28 March 2027 and happens twice on 31 October
    2027: the job, run every quarter of an hour through those nights, sends each of the
    two reminders exactly once there, and moves each to the right next date."""
    person = make_person(api)
    owner = account_id(api, person)
    coffre = coffre_of(api)
    spring = api.post(
        REMINDERS,
        json=reminder_body(person, "2027-02-28T02:30:00+01:00", "monthly"),
        headers=person.headers,
    ).json()
    autumn = api.post(
        REMINDERS,
        json=reminder_body(person, "2027-08-31T02:30:00+02:00", "monthly"),
        headers=person.headers,
    ).json()
    sent: list[Counter[str]] = []
    due: list[dict[str, str]] = []
    # In time order: the occurrences before each night (28 February; 31 August and 30
    # September, where the spring one's missed months are recalled once), then the night.
    for earlier, night in (
        (["2027-02-28T02:00:00+00:00"], "2027-03-27T22:00:00+00:00"),
        (["2027-08-31T01:00:00+00:00", "2027-09-30T01:00:00+00:00"], "2027-10-30T22:00:00+00:00"),
    ):
        for moment in earlier:
            coffre.reminders.run(datetime.fromisoformat(moment))
        before = Counter(n["reminder_id"] for n in told(api, owner, "reminder.due"))
        for moment in _night(night):
            coffre.reminders.run(moment)
        after = Counter(n["reminder_id"] for n in told(api, owner, "reminder.due"))
        sent.append(after - before)
        items = api.get(REMINDERS, headers=person.headers).json()["items"]
        due.append({r["id"]: r["due_at"] for r in items})

    # Spring: once that night, then 28 April 02:30 summer time (00:30 UTC).
    assert sent[0] == {spring["id"]: 1}
    assert due[0][spring["id"]] == "2027-04-28T00:30:00Z"
    # Autumn: once that night, then 30 November 02:30 winter time (01:30 UTC). (The
    # spring one's 28 October, already past at the night's first run, goes once too.)
    assert sent[1] == {autumn["id"]: 1, spring["id"]: 1}
    assert due[1][autumn["id"]] == "2027-11-30T01:30:00Z"


# -- the organiser: one item sent twenty times at once ---------------------------------


def test_one_item_posted_twenty_times_at_once_is_kept_once_and_counted_once(
    http: httpx.Client,
) -> None:
    """A page that sends its POST again and again (a flaky network): one 201, the others
    organiser_item_exists, never a server error; the count moved by one only."""
    amina = signed_up(http, 36, "amina-carnet")
    owner = account_id(http, amina)
    item = new_body(amina, owner, CONTACT)

    answers = burst(PARALLEL, lambda _i: answer(http.post(ITEMS, json=item, headers=amina.headers)))

    assert Counter(answers) == {(201, ""): 1, (409, "organiser_item_exists"): PARALLEL - 1}
    listed = http.get(ITEMS, headers=amina.headers).json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    # Counted once: the cap (ORGANISER_CAP) leaves room for exactly two more.
    assert listed["limit"] == ORGANISER_CAP
    more = [new_body(amina, owner, CONTACT) for _ in range(ORGANISER_CAP)]
    kept = [answer(http.post(ITEMS, json=b, headers=amina.headers)) for b in more]
    assert kept == [(201, ""), (201, ""), (409, "organiser_full")]
