"""Bad input on issue 20's partner surface, as a careless or hostile partner sends it:
odd cursors and limits, huge and negative numbers, tile paths in every spelling a URL
allows, control characters in every text, bodies past any size. Each is refused with a
stable 4xx and its code (the same answer twice), never a 500, and nothing is made.

Real requests against the real application on both backends (the ``api`` fixture)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.token_models import AccessToken
from coffre.clock import FrozenClock
from coffre.webhooks.models import WebhookEndpoint
from tests.consent.world import ConsentWorld, build_consent_world
from tests.tokens.world import ALL, bearer, token_of

UNKNOWN = "0" * 32
HUGE = [
    "-1",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "1" + "0" * 400,
    "1e3",
    "0x10",
    " 5",
    "5\x00",
    "NaN",
    "",
]
_CODE = re.compile(r"[a-z][a-z0-9_]*")


@pytest.fixture
def cw(api: TestClient, tmp_path: Path, clock: FrozenClock) -> ConsentWorld:
    world = build_consent_world(api, tmp_path)
    world.share(now=clock.now())  # a grant, and entries in the audit log
    return world


def _refused(answer: Any) -> tuple[int, str]:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    code = answer.json()["error"]["code"]
    assert _CODE.fullmatch(code), code
    return answer.status_code, str(code)


def _stable(api: TestClient, method: str, url: str, **kwargs: Any) -> tuple[int, str]:
    first = _refused(api.request(method, url, **kwargs))
    assert _refused(api.request(method, url, **kwargs)) == first, url
    return first


JSON = {"Content-Type": "application/json"}


def _json(body: Any) -> str:
    """JSON as a client may write it: a lone surrogate escaped (``\\ud800``)."""
    return json.dumps(body)


def _counts(cw: ConsentWorld) -> tuple[int, int]:
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return (
            int(db.scalar(select(func.count()).select_from(AccessToken)) or 0),
            int(db.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0),
        )


def test_odd_numbers_in_every_partner_query_are_a_stable_4xx(cw: ConsentWorld) -> None:
    token = bearer(token_of(cw, ALL))
    for value in HUGE:
        for url, params in (
            ("/api/v1/grants/received", {"limit": value}),
            ("/api/v1/grants/received", {"cursor": value}),
            ("/api/v1/grants/received", {"ending_before": value}),
            ("/api/v1/audit/proof/inclusion", {"index": value, "size": "1"}),
            ("/api/v1/audit/proof/inclusion", {"index": "0", "size": value}),
            ("/api/v1/audit/proof/consistency", {"old": value, "new": "1"}),
            ("/api/v1/audit/proof/consistency", {"old": "0", "new": value}),
        ):
            answer = cw.api.get(url, params=params, headers=token)
            if answer.status_code == 200:
                continue  # a value the route reads as a good one ("" as no cursor)
            _stable(cw.api, "GET", url, params=params, headers=token)


def test_a_proof_outside_the_tree_is_a_stable_4xx(api: TestClient, cw: ConsentWorld) -> None:
    for params in (
        {"index": 5, "size": 5},
        {"index": 0, "size": 2**40},
        {"index": 2**62, "size": 2**63 - 1},
        {"index": 2**63, "size": 2**63},
    ):
        _stable(api, "GET", "/api/v1/audit/proof/inclusion", params=params)
    for params in (
        {"old": 3, "new": 2},
        {"old": 0, "new": 2**40},
        {"old": 2**62, "new": 2**63 - 1},
        {"old": -5, "new": 1},
    ):
        _stable(api, "GET", "/api/v1/audit/proof/consistency", params=params)


# Dot segments ("../checkpoint", "./0/000") are not here: HTTP clients resolve them
# before sending (RFC 3986 §5.2.4); their encoded spelling is.
TILE_PATHS = (
    "0/000.p/0",
    "0/000.p/256",
    "0/000.p/-1",
    "0/000.p/01",
    "0/000.p/" + "9" * 40,
    "0/x000",
    "0/x001/002/003",
    "0/0000",
    "0/00",
    "0/-01",
    "00/000",
    "64/000",
    "-1/000",
    "9" * 40 + "/000",
    "0/" + "x999/" * 10 + "999",
    "0/%2e%2e/000",
    "0%2F000",
    "0/000%00",
    "0/000%0a",
    "0/00%31",
    "0/000/",
    "0//000",
    "entries/000.p/0",
    "entries/000.p/300",
    "entries/x999/999",
    "entries",
    "entries/",
    "0/\u0660\u0660\u0661",
    "0/\uff10\uff10\uff10",
    "\u0660/000",
    "0/000.p/\u0661",
    "0/000.P/1",
    "0/000.p1",
    "data/000",
    "",
)


def test_a_tile_path_in_any_spelling_is_a_stable_4xx(api: TestClient, cw: ConsentWorld) -> None:
    for path in TILE_PATHS:
        answer = _stable(api, "GET", "/api/v1/audit/log/tile/" + path)
        # A control character: the text rule first. (A trailing "%0a" never reaches the
        # route: Starlette's path pattern ends with "$", which matches before a final
        # newline, so "0/000%0a" is read as "0/000", a tile not in the tree.)
        if "%00" in path:
            assert answer == (422, "invalid_text"), path
        else:
            assert answer == (404, "audit_tile_not_found"), path


def test_control_characters_in_every_partner_text_are_refused_with_invalid_text(
    cw: ConsentWorld,
) -> None:
    w = cw.world
    before = _counts(cw)
    for bad in ("a\x00b", "a\x1bb", "a\u202eb", "a\nb", "a\x7fb", "\ud800"):
        token = cw.api.post(
            "/api/v1/tokens",
            content=_json({"label": bad, "scopes": ["grants:read"], "days": 1}),
            headers={**cw.professional.headers, **JSON},
        )
        assert _refused(token) == (422, "invalid_text"), repr(bad)
        for body in (
            {"url": f"https://partner.example/{bad}", "events": ["grant.created"]},
            {"url": "https://partner.example/hook", "events": [f"grant.{bad}"]},
        ):
            hook = cw.api.post(
                f"/api/v1/structures/{w.structure_id}/webhooks",
                content=_json(body),
                headers={**w.structure_admin.headers, **JSON},
            )
            assert _refused(hook) == (422, "invalid_text"), repr(bad)
        outcome = cw.api.post(
            f"/api/v1/grants/{UNKNOWN}/outcome",
            content=_json({"outcome": f"right_opened{bad}"}),
            headers={**cw.professional.headers, **JSON},
        )
        assert _refused(outcome)[1] == "invalid_text", repr(bad)
    for key in ("k\x7f", "k x", "k,x", "k" * 256, "k\xe9"):
        answer = cw.api.post(
            f"/api/v1/grants/{UNKNOWN}/outcome",
            json={"outcome": "right_opened"},
            headers={**cw.professional.headers, "Idempotency-Key": key.encode("latin-1")},
        )
        assert _refused(answer) == (422, "idempotency_key_invalid"), repr(key)
    assert _counts(cw) == before


def test_bodies_past_any_size_are_refused_before_anything_is_made(cw: ConsentWorld) -> None:
    w = cw.world
    before = _counts(cw)
    big = "a" * (2 * 1024 * 1024)
    for method, url, body, who in (
        ("POST", "/api/v1/tokens", {"label": big, "scopes": ["grants:read"], "days": 1}, None),
        (
            "POST",
            f"/api/v1/structures/{w.structure_id}/webhooks",
            {"url": "https://p.example/" + big, "events": ["grant.created"]},
            w.structure_admin,
        ),
        (
            "POST",
            f"/api/v1/structures/{w.structure_id}/webhooks",
            {"url": "https://p.example/h", "events": ["grant.created"] * 200_000},
            w.structure_admin,
        ),
        ("POST", f"/api/v1/grants/{UNKNOWN}/outcome", {"outcome": big}, None),
        ("POST", "/api/v1/audit/cosignatures", {"size": 1, "cosignature": big}, w.officer),
        ("PUT", "/api/v1/audit/cosigner", {"key": big}, w.officer),
    ):
        headers = (who or cw.professional).headers
        status, _ = _refused(cw.api.request(method, url, json=body, headers=headers))
        assert status in (413, 422), url
    # Long but under the body limit: refused by the field's bound.
    long_url = "https://p.example/" + "a" * 3000
    hook = cw.api.post(
        f"/api/v1/structures/{w.structure_id}/webhooks",
        json={"url": long_url, "events": ["grant.created"]},
        headers=w.structure_admin.headers,
    )
    assert _refused(hook)[0] == 422
    assert _counts(cw) == before


def test_a_malformed_cosignature_or_cosigner_key_is_a_stable_4xx(cw: ConsentWorld) -> None:
    officer = cw.world.officer.headers
    for body in (
        {"size": -1, "cosignature": "— x"},
        {"size": 2**63, "cosignature": "— x"},
        {"size": 10**6, "cosignature": "— officer AAAA"},
        {"size": 1, "cosignature": "— officer " + "A" * 200},
        {"size": 1, "cosignature": "no dash"},
        {"size": 1, "cosignature": ""},
        {"size": "1", "cosignature": ["x"]},
        {},
    ):
        _stable(cw.api, "POST", "/api/v1/audit/cosignatures", json=body, headers=officer)
    for key in ("", "x", "officer+zzzz+AAAA", "a" * 4000, "officer+00000000+" + "A" * 44, "\x00"):
        _stable(cw.api, "PUT", "/api/v1/audit/cosigner", json={"key": key}, headers=officer)


PATH_IDS = ("x" * 65, "%00", "a%2Fb", "%E2%80%AE", "%20", "\u0660" * 10, "%0a")


def test_odd_path_ids_on_partner_routes_are_a_stable_4xx(cw: ConsentWorld) -> None:
    token = bearer(token_of(cw, ALL))
    w = cw.world
    admin = w.structure_admin.headers
    for path_id in PATH_IDS:
        for method, url, headers in (
            ("GET", f"/api/v1/grants/{path_id}", token),
            ("GET", f"/api/v1/grants/{path_id}/receipt", token),
            ("POST", f"/api/v1/grants/{path_id}/outcome", token),
            ("DELETE", f"/api/v1/tokens/{path_id}", cw.professional.headers),
            ("GET", f"/api/v1/structures/{path_id}/webhooks", admin),
            ("GET", f"/api/v1/structures/{w.structure_id}/webhooks/{path_id}/deliveries", admin),
        ):
            body = {"outcome": "right_opened"} if method == "POST" else None
            _stable(cw.api, method, url, json=body, headers=headers)
