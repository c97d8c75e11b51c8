"""A webhook URL aimed at the server's own network, as an attacker would spell it: IPv6
forms that carry an IPv4 address inside (IPv4-compatible ``::a.b.c.d``, IPv4-translated
``::ffff:0:a.b.c.d``, NAT64 ``64:ff9b::/96`` and its local-use ``64:ff9b:1::/48``, 6to4
``2002::/16``), a DNS name resolving to them, a redirect to another address. In
production each is refused when registered and never connected to when delivered; a
redirect is never followed, in any environment.

Only the DNS is faked (``socket.getaddrinfo``), as tests/webhooks and
tests/attack/test_reach_inputs.py do: a resolver answering what an attacker's name
server would cannot run here."""

from __future__ import annotations

import socket
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coffre import outbound
from coffre.errors import CoffreError
from coffre.policy import Actor, Role
from coffre.webhooks import EventType, emit
from coffre.webhooks.delivery import Deliverer
from coffre.webhooks.service import WebhookService
from tests.consent.world import ConsentWorld, build_consent_world
from tests.webhooks.receiver import Receiver, receiver  # noqa: F401 - fixture
from tests.webhooks.world import coffre_of

BASE = "/api/v1/structures/{}/webhooks"
# Each carries 127.0.0.1, 10.0.0.1, 169.254.169.254 or 192.168.1.1 inside.
EMBEDDING = (
    "::127.0.0.1",
    "::7f00:1",
    "::ffff:0:127.0.0.1",
    "::ffff:0:a00:1",
    "64:ff9b::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a00:1",
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:c0a8:101::",
)


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def test_an_ipv6_address_carrying_a_private_ipv4_is_the_servers_own_network() -> None:
    for address in EMBEDDING:
        assert outbound.own_network(address), address
        with pytest.raises(ValueError, match=outbound.OWN_NETWORK):
            outbound.check_url(f"https://[{address}]/hook", production=True)
    # The same forms carrying a public address stay public.
    for address in ("64:ff9b::5db8:d822", "2002:5db8:d822::1", "2606:4700::1111"):
        assert not outbound.own_network(address), address


def test_production_refuses_to_register_them(api: TestClient, cw: ConsentWorld) -> None:
    coffre = coffre_of(api)
    production = WebhookService(
        coffre.db, coffre.clock, coffre.settings.model_copy(update={"environment": "production"})
    )
    w = cw.world
    admin = Actor(w.structure_admin.account_id, Role.PROFESSIONAL, "session")
    for address in EMBEDDING:
        with pytest.raises(CoffreError) as raised:
            production.create(admin, w.structure_id, f"https://[{address}]/hook", ["grant.created"])
        assert raised.value.code == "webhook_url_refused", address
    assert production.endpoints(admin, w.structure_id) == []


def test_production_never_connects_to_a_name_resolving_to_them(
    api: TestClient, cw: ConsentWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = cw.world
    made = api.post(
        BASE.format(w.structure_id),
        json={"url": "https://hook.nat64.test/coffre", "events": ["grant.created"]},
        headers=w.structure_admin.headers,
    )
    assert made.status_code == 201, made.text
    coffre = coffre_of(api)
    real = socket.getaddrinfo
    asked = Counter[str]()

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hook.nat64.test":
            return real(host, port, *args, **kwargs)
        address = EMBEDDING[asked[host] % len(EMBEDDING)]
        asked[host] += 1
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port), 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    production = coffre.settings.model_copy(update={"environment": "production"})
    for _ in EMBEDDING:
        with coffre.db.unit_of_work() as db:
            emit(
                db,
                w.structure_id,
                EventType.GRANT_CREATED,
                {"grant_id": "1" * 32},
                coffre.clock.now(),
            )
        report = Deliverer(coffre.db, coffre.clock, production).deliver()
        # Refused before any connection (outbound._open checks the address first).
        assert report.outcomes == {"failed": 1}
    assert asked["hook.nat64.test"] == len(EMBEDDING)
    log = api.get(
        BASE.format(w.structure_id) + f"/{made.json()['id']}/deliveries",
        headers=w.structure_admin.headers,
    ).json()["deliveries"]
    assert {entry["reason"] for entry in log} == {"endpoint_refused"}


def test_a_redirect_is_never_followed(
    api: TestClient,
    cw: ConsentWorld,
    receiver: Receiver,  # noqa: F811 - fixture
) -> None:
    elsewhere = Receiver()
    try:
        w = cw.world
        made = api.post(
            BASE.format(w.structure_id),
            json={"url": receiver.url, "events": ["grant.created"]},
            headers=w.structure_admin.headers,
        )
        assert made.status_code == 201, made.text
        receiver.secret = elsewhere.secret = made.json()["secret"]
        for status in (301, 302, 303, 307, 308):
            with receiver.lock:
                receiver._script.append((status, {"Location": elsewhere.url}, 0.0))
        coffre = coffre_of(api)
        for _ in range(5):
            with coffre.db.unit_of_work() as db:
                emit(
                    db,
                    w.structure_id,
                    EventType.GRANT_CREATED,
                    {"grant_id": "2" * 32},
                    coffre.clock.now(),
                )
        Deliverer(coffre.db, coffre.clock, coffre.settings).deliver()
        assert elsewhere.accepted == [] and elsewhere.refused == [] and elsewhere.forged == 0
        log = api.get(
            BASE.format(w.structure_id) + f"/{made.json()['id']}/deliveries",
            headers=w.structure_admin.headers,
        ).json()["deliveries"]
        assert len(log) == 5 and all(entry["state"] != "sent" for entry in log)
    finally:
        elsewhere.close()


def test_a_slow_name_server_never_holds_the_database_while_a_webhook_is_registered(
    api: TestClient, cw: ConsentWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Production resolves a new endpoint's name when it is registered. An attacker's
    name server answering slowly must not hold a transaction open meanwhile: on SQLite
    the registration's write lock would stop every other write of the server."""
    import threading
    import time

    coffre = coffre_of(api)
    production = WebhookService(
        coffre.db, coffre.clock, coffre.settings.model_copy(update={"environment": "production"})
    )
    w = cw.world
    admin = Actor(w.structure_admin.account_id, Role.PROFESSIONAL, "session")
    real = socket.getaddrinfo
    resolving = threading.Event()

    def slow(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "slow.partner.test":
            return real(host, port, *args, **kwargs)
        resolving.set()
        time.sleep(2.0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    made: list[Any] = []
    slow_one = threading.Thread(
        target=lambda: made.append(
            production.create(
                admin, w.structure_id, "https://slow.partner.test/h", ["grant.created"]
            )
        )
    )
    slow_one.start()
    try:
        assert resolving.wait(timeout=10)
        started = time.monotonic()
        other = production.create(
            admin, w.structure_id, "https://93.184.216.34/hook", ["grant.created"]
        )
        waited = time.monotonic() - started
    finally:
        slow_one.join(timeout=30)
    assert other.id and len(made) == 1
    assert waited < 1.0, f"another write waited {waited:.1f} s for a name server"


@pytest.mark.parametrize("retry_after", ["\u00b2", "1" * 5000, "\u00b9\u00b2\u00b3"])
def test_a_hostile_retry_after_is_read_as_unreadable_and_the_delivery_retried(
    api: TestClient,
    cw: ConsentWorld,
    receiver: Receiver,  # noqa: F811 - fixture
    retry_after: str,
) -> None:
    """A partner's Retry-After that str.isdigit() accepts but int() refuses (a
    superscript digit, more digits than Python converts) must not stop the deliverer:
    read as absent, the delivery is retried with the usual back-off."""
    w = cw.world
    made = api.post(
        BASE.format(w.structure_id),
        json={"url": receiver.url, "events": ["grant.created"]},
        headers=w.structure_admin.headers,
    )
    assert made.status_code == 201, made.text
    receiver.secret = made.json()["secret"]
    with receiver.lock:
        receiver._script.append((503, {"Retry-After": retry_after}, 0.0))
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        emit(
            db, w.structure_id, EventType.GRANT_CREATED, {"grant_id": "3" * 32}, coffre.clock.now()
        )

    report = Deliverer(coffre.db, coffre.clock, coffre.settings).deliver()

    assert report.outcomes == {"pending": 1}
    [entry] = api.get(
        BASE.format(w.structure_id) + f"/{made.json()['id']}/deliveries",
        headers=w.structure_admin.headers,
    ).json()["deliveries"]
    assert (entry["state"], entry["last_status"]) == ("pending", 503)
