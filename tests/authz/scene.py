"""The territory the authorisation matrix runs against, built once per area and backend
through the real API (tests/structures/world.py, tests/consent/world.py).

Roles are the callers the expectations name (``ROLES``); each state a professional
can be in towards the person is a role of its own, so one territory holds them all:

- ``person``: the owner of the documents, grants and requests of the scene;
- ``other_person``: another person, with nothing shared with anyone;
- ``pro_active``: a certified professional the person shares with (grant active);
- ``pro_revoked`` / ``pro_expired``: the person's grant to them was revoked / expired;
- ``pro_none``: a certified member of the same structure the person never shared with;
  (``pro_active`` also holds an exhausted grant: one pull allowed, made);
- ``structure_admin``, ``territory_admin``, ``charter_officer``; ``anonymous``;
- ``pro_token``: a personal access token of ``pro_active`` holding every scope (its
  expectation is derived from api/token_scopes.py unless a case names it:
  ``tests.authz.matrix.token_expectation``).

The territory is one made before v2 (``build_world``: v1 root and certificates, no v2
root published), on purpose: the trust routes' expectations (``trust_root_missing``, a
first root refused as unsigned) are those of such a territory; ``coffre territory
bootstrap`` now makes territories with their v2 root (tests/structures/test_bootstrap_v2.py).

Objects are named (``Scene.ids``): the expectations refer to them by name, never by
value. ``Scene.make(name)`` makes a fresh one for calls that consume their target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from client import consent
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from tests.consent.world import ConsentWorld, build_consent_world
from tests.directory.factories import SOURCE, as_bytes, territory
from tests.factories import Person, encrypted_document
from tests.structures.world import Who, certify_member, invite, join, log_in, material, pinned_root
from tests.tokens.world import ALL as ALL_SCOPES
from tests.tokens.world import make_token
from web.page_strings import page_strings
from web.pages.app import pro_screens

ROLES = (
    "anonymous",
    "person",
    "other_person",
    "pro_active",
    "pro_revoked",
    "pro_expired",
    "pro_none",
    "structure_admin",
    "territory_admin",
    "charter_officer",
    "pro_token",
)
TOKEN = "pro_token"

# The value standing for "an id that does not exist", per kind of path parameter.
UNKNOWN_ID = "0" * 32
UNKNOWN_VERSION = "999"
# Over COFFRE_DIRECTORY_STALE_DAYS (365) before the scene's day.
STALE_DAY = "2025-06-01"


@dataclass
class Scene:
    api: TestClient
    clock: FrozenClock
    cw: ConsentWorld
    who: dict[str, Who]
    # Named objects: ids, and a few values bodies carry (a login, a signup body).
    ids: dict[str, Any] = field(default_factory=dict)
    makers: dict[str, Callable[[], str]] = field(default_factory=dict)
    bodies: dict[str, Callable[[], dict[str, Any]]] = field(default_factory=dict)
    counter: int = 0

    def headers(self, role: str) -> dict[str, str]:
        if role == TOKEN:
            return {"Authorization": f"Bearer {self.ids[TOKEN]}"}
        who = self.who.get(role)
        return who.headers if who is not None else {}

    def make(self, name: str) -> str:
        """A fresh object of the kind ``name`` names (for calls that consume it)."""
        return self.makers[name]()


def _long_sessions(settings: Settings) -> Settings:
    # The scene moves the clock two days to expire a grant; sessions outlive it, so
    # every role keeps the one session it logged in with (the TOTP roles cannot log in
    # again without their authenticator).
    # Requests: the scene makes one per role and call; the daily limit is not what the
    # matrix is about (tests/consent/test_requests_deposits.py).
    return settings.model_copy(
        update={
            "session_ttl_seconds": 30 * 86400,
            "session_idle_seconds": 30 * 86400,
            "requests_per_person_per_day": 50,
            # The token role's requests all fall in one window (the clock is frozen), and
            # it is one more caller making fresh objects (one per role: push devices, tokens).
            "token_rate_limit": 100_000,
            "push_max_devices": 20,
            "tokens_per_professional": 50,
            # The delivery jobs are not what the matrix (nor the schemathesis walk) is
            # about, and they would post to the scene's push endpoints and webhooks
            # (example.org: each send waits for the name to fail, ~1 s) while the calls
            # run, and the app's shutdown waits for a round in flight: 60-110 s of the
            # matrix's time on a loaded machine. Their first round is an hour away.
            "notifications_deliver_seconds": 3600,
            "webhooks_deliver_seconds": 3600,
        }
    )


@contextmanager
def scene_client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(_long_sessions(settings), clock=clock)) as client:
        yield client


def _member(api: TestClient, cw: ConsentWorld, slot: int, login: str, name: str) -> Who:
    w = cw.world
    who = join(
        api,
        invite(api, w.structure_admin, w.structure_id, "professional", name),
        material(slot, login),
    )
    certify_member(api, w.structure_admin, w.structure_id, who.account_id)
    return who


def _share(
    scene: Scene, pro: Who, documents: list[str], days: int = 30, max_pulls: int | None = None
) -> str:
    cw = scene.cw
    grant = consent.share(
        cw.person.client(scene.api),
        cw.person.keys,
        person_id=cw.person.account_id,
        professional_id=pro.account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose="ouverture-droits-rsa",
        document_ids=documents,
        days=days,
        max_pulls=max_pulls,
        now=scene.clock.now(),
    )
    return str(grant["id"])


def _upload(scene: Scene, tmp_path: Path, category: str, text: bytes) -> str:
    person = scene.cw.person
    path = tmp_path / f"{category}-{len(scene.ids)}.txt"
    path.write_bytes(text * 50)
    return str(
        person.client(scene.api).upload(
            path, category, box_public_key=person.keys.box_public, mime="text/plain"
        )
    )


def _request(scene: Scene, pro: Who, login: str) -> str:
    response = scene.api.post(
        "/api/v1/requests",
        json={
            "person_login": login,
            "structure_id": scene.cw.world.structure_id,
            "purpose": "ouverture-droits-rsa",
            "category": "domicile",
            "message": "Pour votre dossier RSA",
        },
        headers=pro.headers,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _directory(api: TestClient, cw: ConsentWorld) -> dict[str, str]:
    """The test directory, its CCAS entries naming the scene's structure (not verified
    for long: its admin sees them as stale); returns a service of the structure and
    one of another structure."""
    document = territory()
    ccas = f"{SOURCE}--ccas"
    for row in document["structures"]:
        if row["id"] == ccas:
            row["id"] = cw.world.structure_id
            row.pop("siret")
    for row in document["services"]:
        if row["structure_id"] == ccas:
            row["structure_id"] = cw.world.structure_id
            row["date_maj"] = STALE_DAY
    imported = api.post(
        "/api/v1/directory/imports",
        content=as_bytes(document),
        headers={**cw.world.admin.headers, "Content-Type": "application/json"},
    )
    assert imported.status_code == 200, imported.text
    found = api.get("/api/v1/directory/services", params={"limit": 50}).json()["services"]
    ours = next(
        s["id"] for s in found if s["structure"]["coffre_structure_id"] == cw.world.structure_id
    )
    other = next(
        s["id"] for s in found if s["structure"]["coffre_structure_id"] != cw.world.structure_id
    )
    return {"service": str(ours), "other_service": str(other)}


def _membership_of(api: TestClient, admin: Who, structure_id: str, who: Who) -> str:
    listing = api.get(f"/api/v1/structures/{structure_id}/members", headers=admin.headers)
    return str(
        next(
            m["membership_id"]
            for m in listing.json()["members"]
            if m["account_id"] == who.account_id
        )
    )


def _new_member(scene: Scene) -> str:
    """A professional invited to the structure who joined (not certified): their
    membership id."""
    w = scene.cw.world
    scene.counter += 1
    who = join(
        scene.api,
        invite(scene.api, w.structure_admin, w.structure_id, "professional", "M. Nouveau"),
        material(44, f"pro-nouveau-{scene.counter}"),
    )
    return _membership_of(scene.api, w.structure_admin, w.structure_id, who)


def _person_session(scene: Scene) -> str:
    """A second session of the person (the one the calls end)."""
    person = scene.cw.person
    response = scene.api.post(
        "/api/v1/auth/login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    )
    assert response.status_code == 200, response.text
    listed = scene.api.get("/api/v1/sessions", headers=person.headers).json()["sessions"]
    return str(next(s["id"] for s in listed if not s["current"]))


def _encrypted_upload(scene: Scene) -> dict[str, Any]:
    owner = scene.cw.person
    document = encrypted_document(
        Person(owner.login, "", owner.keys, {}, owner.auth_key), b"x" * 2000
    )
    return {"content": document.ciphertext, "headers": document.headers}


def build_scene(api: TestClient, clock: FrozenClock, tmp_path: Path) -> Scene:
    cw = build_consent_world(api, tmp_path)
    w = cw.world
    revoked = _member(api, cw, 40, "pro-revoque", "M. Révoqué")
    expired = _member(api, cw, 41, "pro-expire", "Mme Expirée")
    none = _member(api, cw, 42, "pro-aucun", "M. Aucun")
    other = material(43, "bilal")
    assert api.post("/api/v1/accounts", json=other.signup_body).status_code == 201
    log_in(api, other)
    who = {
        "person": w.person,
        "other_person": other,
        "pro_active": w.professional,
        "pro_revoked": revoked,
        "pro_expired": expired,
        "pro_none": none,
        "structure_admin": w.structure_admin,
        "territory_admin": w.admin,
        "charter_officer": w.officer,
    }
    scene = Scene(api, clock, cw, who)
    ids = scene.ids
    ids[TOKEN] = make_token(api, w.professional, list(ALL_SCOPES), days=90)["token"]
    ids["grant_expired"] = _share(scene, expired, [cw.identity], days=1)
    clock.advance(days=2)
    ids["grant_active"] = _share(scene, w.professional, [cw.identity, cw.address])
    ids["grant_revoked"] = _share(scene, revoked, [cw.identity])
    # One pull allowed, and made: the grant is exhausted (to the same professional).
    ids["grant_exhausted"] = _share(scene, w.professional, [cw.identity], max_pulls=1)
    pulled = api.post(
        f"/api/v1/grants/{ids['grant_exhausted']}/documents/{cw.identity}/pull",
        json={"reason": "Instruction RSA"},
        headers=w.professional.headers,
    )
    assert pulled.status_code == 200, pulled.text
    revoke = api.post(f"/api/v1/grants/{ids['grant_revoked']}/revoke", headers=w.person.headers)
    assert revoke.status_code == 200, revoke.text
    ids.update(
        document=cw.identity,
        address=cw.address,
        health=cw.health,
        structure=w.structure_id,
        person_id=w.person.account_id,
        other_person_id=other.account_id,
        pro_active_id=w.professional.account_id,
        pro_none_id=none.account_id,
        membership_pro=w.memberships["professional"],
        membership_pro_none=_membership_of(api, w.structure_admin, w.structure_id, none),
        request=_request(scene, w.professional, w.person.login),
        version="1",
        notification=api.get("/api/v1/notifications", headers=w.person.headers).json()[
            "notifications"
        ][0]["id"],
        person_login=w.person.login,
        taken_signup={**w.person.signup_body},
        static_file="favicon.svg",
        strings_file=page_strings("fr").url("fr").rpartition("/")[2],
        screens_file=f"fr-{pro_screens('fr').version}.html",
        pro_none_login=none.login,
        unknown=UNKNOWN_ID,
        **_directory(api, cw),
    )
    scene.makers.update(
        document=lambda: _upload(scene, tmp_path, "identite", b"piece"),
        grant_active=lambda: _share(scene, w.professional, [cw.identity]),
        request=lambda: _request(scene, w.professional, w.person.login),
        membership=lambda: _new_member(scene),
        person_session=lambda: _person_session(scene),
    )
    scene.bodies.update(upload=lambda: _encrypted_upload(scene))
    return scene
