"""The partner library's manners against the real server (client/partner_http.py): a 429
is waited out as Retry-After says within bounds, and past them the caller gets
``RateLimited`` instead of a hang; a retried POST sends the same Idempotency-Key and
creates nothing twice; a polled read reuses its answer on 304. The transport below is
httpx's real one; it only writes down what went out and what came back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from client import consent
from client.partner import PartnerClient, RateLimited, RetryPolicy
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.client.test_partner_cli import make_token
from tests.consent.world import RSA, ConsentWorld, build_consent_world
from tests.structures.world import pinned_root

LIMIT = 3  # token requests per window in these tests
WINDOW = 60


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"token_rate_limit": LIMIT, "token_rate_window_seconds": WINDOW}
    )


@dataclass
class Wire:
    """(method, path, Idempotency-Key, If-None-Match, status) of every exchange."""

    seen: list[tuple[str, str, str | None, str | None, int]] = field(default_factory=list)


class RecordingTransport(httpx.HTTPTransport):
    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self.wire = wire

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.wire.seen.append(
            (
                request.method,
                request.url.path,
                request.headers.get("idempotency-key"),
                request.headers.get("if-none-match"),
                response.status_code,
            )
        )
        return response


@dataclass
class Scene:
    cw: ConsentWorld
    wire: Wire
    waits: list[float]
    coffre: PartnerClient
    grant_id: str
    server: str
    token: str


@pytest.fixture
def scene(api: TestClient, live_server: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Scene]:
    cw = build_consent_world(api, tmp_path)
    grant = consent.share(
        cw.person.client(api),
        cw.person.keys,
        person_id=cw.person.account_id,
        professional_id=cw.professional.account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose=RSA,
        document_ids=[cw.identity],
        days=30,
    )
    wire, waits = Wire(), []

    def wait(seconds: float) -> None:  # the server's clock moves instead of this test
        waits.append(seconds)
        clock.advance(seconds=seconds)

    token = make_token(api, cw.professional.headers)
    http = httpx.Client(base_url=live_server, transport=RecordingTransport(wire), timeout=30)
    coffre = PartnerClient(
        live_server,
        token,
        http=http,
        retry=RetryPolicy(attempts=3, max_wait=WINDOW),
        sleep=wait,
    )
    with coffre:
        yield Scene(cw, wire, waits, coffre, str(grant["id"]), live_server, token)


def test_a_429_is_waited_out_as_retry_after_says_and_the_call_goes_through(
    scene: Scene, clock: FrozenClock
) -> None:
    for _ in range(LIMIT):
        scene.coffre.grant(scene.grant_id)
    assert scene.waits == []
    assert scene.coffre.grant(scene.grant_id).id == scene.grant_id  # the 4th: 429, then ok
    statuses = [status for *_, status in scene.wire.seen]
    assert statuses[-2:][0] == 429 and statuses[-1] in (200, 304)
    [waited] = scene.waits
    assert 0 < waited <= WINDOW


def test_past_the_bounds_the_caller_gets_rate_limited_without_waiting(
    scene: Scene,
) -> None:
    impatient = PartnerClient(
        scene.server,
        scene.token,
        retry=RetryPolicy(attempts=3, max_wait=0.5),
        sleep=scene.waits.append,
    )
    with impatient:
        for _ in range(LIMIT):
            impatient.grant(scene.grant_id)
        with pytest.raises(RateLimited) as limited:
            impatient.grant(scene.grant_id)
    assert limited.value.code == "rate_limited" and limited.value.retry_after > 0.5
    assert scene.waits == []


def test_a_report_retried_after_a_429_sends_the_same_key_and_is_recorded_once(
    scene: Scene,
) -> None:
    for _ in range(LIMIT):
        scene.coffre.grant(scene.grant_id)
    scene.coffre.report_outcome(scene.grant_id, "document_missing")  # 429, waited, sent again
    posts = [s for s in scene.wire.seen if s[0] == "POST"]
    assert [s[4] for s in posts] == [429, 200]
    assert posts[0][2] is not None and posts[0][2] == posts[1][2]
    scene.coffre.report_outcome(scene.grant_id, "right_opened")
    later = [s for s in scene.wire.seen if s[0] == "POST"][2:]
    assert later and later[0][2] not in (None, posts[0][2])  # a new call, a new key
    history = scene.cw.api.get("/api/v1/me/history", headers=scene.cw.person.headers).json()[
        "items"
    ]
    reports = [item["report"] for item in history if item["action"] == "grant.outcome"]
    assert sorted(reports) == ["document_missing", "right_opened"]


def test_a_polled_read_sends_its_etag_and_reuses_the_answer_on_304(scene: Scene) -> None:
    first, _ = scene.coffre.grants_page()
    again, _ = scene.coffre.grants_page()
    gets = [s for s in scene.wire.seen if s[1].endswith("/grants/received")]
    assert gets[0][3] is None and gets[1][3] is not None
    assert gets[1][4] == 304
    assert [g.id for g in again] == [g.id for g in first] == [scene.grant_id]
