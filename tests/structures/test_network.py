"""Structures, invitations, memberships and certified keys, end to end through the API."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from client.network import invite_person, signup_with_invitation, trusted_keys
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import SignatureError, fingerprint
from crypto.pins import pin_qr_payload
from tests.structures.world import (
    TERRITORY,
    bootstrap_territory,
    build_world,
    invite,
    log_in,
    material,
    pinned_root,
)


@pytest.fixture
def world(api: TestClient):  # type: ignore[no-untyped-def]
    return build_world(api)


def _swap(settings: Settings, sql: str, **params: object) -> None:
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text(sql), params)
    engine.dispose()


def test_a_person_verifies_a_professionals_keys_up_to_the_pinned_root(
    api: TestClient, world
) -> None:  # type: ignore[no-untyped-def]
    keys = trusted_keys(
        world.person.client(api), world.professional.account_id, pinned_root(world.admin)
    )
    assert keys.box_public == world.professional.keys.box_public
    assert keys.display_name == "Mme Dupont"
    assert keys.role == "professional"
    assert keys.structure_id == world.structure_id
    # The fingerprint a person compares with the professional, as digits and as a QR code.
    chain = api.get(
        f"/api/v1/professionals/{world.professional.account_id}/keys", headers=world.person.headers
    ).json()
    assert re.fullmatch(r"\d{4}( \d{4}){5}", chain["fingerprint"])
    assert chain["fingerprint_qr_svg"].startswith("<svg")


def test_a_public_key_swapped_by_the_server_is_caught_by_the_client(
    api: TestClient, settings: Settings, world
) -> None:  # type: ignore[no-untyped-def]
    intruder = material(15, "intrus")
    _swap(
        settings,
        "UPDATE accounts SET box_public_key = :key WHERE id = :id",
        key=intruder.keys.box_public,
        id=world.professional.account_id,
    )
    with pytest.raises(SignatureError):
        trusted_keys(
            world.person.client(api), world.professional.account_id, pinned_root(world.admin)
        )


def test_a_root_swapped_by_the_server_is_caught_by_the_client(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    other_root = "0000 0000 0000 0000 0000 0000"
    with pytest.raises(SignatureError):
        trusted_keys(world.person.client(api), world.professional.account_id, other_root)


def test_the_structure_admins_keys_are_certified_by_the_root(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    keys = trusted_keys(
        world.person.client(api), world.structure_admin.account_id, pinned_root(world.admin)
    )
    assert keys.role == "structure_admin"


def test_an_uncertified_professional_has_no_trusted_keys(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    code = invite(api, world.structure_admin, world.structure_id, "professional", "M. Nouveau")
    newcomer = material(16, "nouveau")
    api.post("/api/v1/invitations/accept", json={"code": code, "account": newcomer.signup_body})
    log_in(api, newcomer)
    response = api.get(
        f"/api/v1/professionals/{newcomer.account_id}/keys", headers=world.person.headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "professional_not_found"
    # ...and cannot invite persons before being certified.
    refused = api.post("/api/v1/invitations/person", headers=newcomer.headers)
    assert refused.status_code == 403


def test_a_certificate_over_other_keys_is_refused(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    from crypto.certificates import certificate_statement, sign_certificate

    code = invite(api, world.structure_admin, world.structure_id, "professional", "M. Autre")
    newcomer = material(17, "autre")
    api.post("/api/v1/invitations/accept", json={"code": code, "account": newcomer.signup_body})
    members = api.get(
        f"/api/v1/structures/{world.structure_id}/members", headers=world.structure_admin.headers
    ).json()["members"]
    [member] = [m for m in members if m["display_name"] == "M. Autre"]
    wrong_keys = certificate_statement(
        subject=member["account_id"],
        role="professional",
        structure_id=world.structure_id,
        display_name="M. Autre",
        profession="assistant-service-social",
        box_public=world.person.keys.box_public,
        sign_public=world.person.keys.sign_public,
        issuer=world.structure_admin.account_id,
        issued_at="2026-01-15T09:00:00+00:00",
    )
    response = api.post(
        f"/api/v1/memberships/{member['membership_id']}/certificate",
        json={"certificate": sign_certificate(wrong_keys, world.structure_admin.keys.sign_seed)},
        headers=world.structure_admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_certificate"
    right_keys_wrong_signer = certificate_statement(
        subject=member["account_id"],
        role="professional",
        structure_id=world.structure_id,
        display_name="M. Autre",
        profession="assistant-service-social",
        box_public=newcomer.keys.box_public,
        sign_public=newcomer.keys.sign_public,
        issuer=world.structure_admin.account_id,
        issued_at="2026-01-15T09:00:00+00:00",
    )
    response = api.post(
        f"/api/v1/memberships/{member['membership_id']}/certificate",
        json={
            "certificate": sign_certificate(right_keys_wrong_signer, world.person.keys.sign_seed)
        },
        headers=world.structure_admin.headers,
    )
    assert response.json()["error"]["code"] == "invalid_certificate"


def test_an_invitation_serves_once_and_expires(api: TestClient, clock: FrozenClock, world) -> None:  # type: ignore[no-untyped-def]
    code = invite(api, world.structure_admin, world.structure_id, "professional", "Mme Une")
    first = material(18, "une")
    assert (
        api.post(
            "/api/v1/invitations/accept", json={"code": code, "account": first.signup_body}
        ).status_code
        == 201
    )
    again = material(19, "deux")
    reused = api.post(
        "/api/v1/invitations/accept", json={"code": code, "account": again.signup_body}
    )
    assert reused.status_code == 403
    assert reused.json()["error"]["code"] == "invalid_invitation"
    late = invite(api, world.structure_admin, world.structure_id, "professional", "Mme Tard")
    clock.advance(days=8)
    log_in(api, world.structure_admin)
    expired = api.post(
        "/api/v1/invitations/accept", json={"code": late, "account": again.signup_body}
    )
    assert expired.json()["error"]["code"] == "invalid_invitation"
    garbage = api.post(
        "/api/v1/invitations/accept", json={"code": "nope", "account": again.signup_body}
    )
    assert garbage.json() == expired.json()


def test_a_professional_who_leaves_loses_their_standing_at_once(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    membership = world.memberships["professional"]
    response = api.post(f"/api/v1/memberships/{membership}/end", headers=world.professional.headers)
    assert response.status_code == 204
    keys = api.get(
        f"/api/v1/professionals/{world.professional.account_id}/keys", headers=world.person.headers
    )
    assert keys.status_code == 404
    assert (
        api.post("/api/v1/invitations/person", headers=world.professional.headers).status_code
        == 403
    )


def test_assisted_sign_up_lets_the_person_choose_their_own_passphrase(
    api: TestClient, world
) -> None:  # type: ignore[no-untyped-def]
    invitation = invite_person(world.professional.client(api))
    assert invitation["url"].endswith(f"#invitation={invitation['code']}")
    assert invitation["qr_svg"].startswith("<svg")
    # On the person's own phone: keys and passphrase are made there.
    from client import CoffreClient

    phone = CoffreClient("http://testserver", http=api)  # type: ignore[arg-type]
    recovery = signup_with_invitation(phone, invitation["code"], "yasmine", "ma phrase à moi seule")
    assert len(recovery.replace("-", "")) == 27
    logged = phone.login("yasmine", "ma phrase à moi seule")
    assert logged.login == "yasmine"
    twice = CoffreClient("http://testserver", http=api)  # type: ignore[arg-type]
    from client import ApiError

    with pytest.raises(ApiError) as refused:
        signup_with_invitation(
            twice, invitation["code"], "autre-personne", "une autre phrase longue"
        )
    assert refused.value.code == "invalid_invitation"


def test_a_charter_officer_joins_with_the_territory_admins_invitation(
    api: TestClient, world
) -> None:  # type: ignore[no-untyped-def]
    me = api.get("/api/v1/me", headers=world.officer.headers).json()
    assert me["account"]["kind"] == "charter_officer"


def test_structures_are_admitted_with_clear_errors(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    bad = api.post(
        "/api/v1/structures",
        json={"name": "X", "kind": "banque", "address": "a", "territory": TERRITORY},
        headers=world.admin.headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_structure"
    body = {
        "name": "CAF du Puy-de-Dôme",
        "kind": "caf",
        "address": "b",
        "territory": TERRITORY,
        "siret": "534 083 466 00019",
    }
    assert api.post("/api/v1/structures", json=body, headers=world.admin.headers).status_code == 201
    twice = api.post("/api/v1/structures", json=body, headers=world.admin.headers)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "siret_taken"
    listing = api.get("/api/v1/structures", headers=world.person.headers).json()["structures"]
    assert {s["name"] for s in listing} == {"CCAS de Clermont-Ferrand", "CAF du Puy-de-Dôme"}


def test_a_territory_has_one_root(api: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    from coffre.structures.service import TerritoryExists

    with pytest.raises(TerritoryExists):
        bootstrap_territory(api.app.state.coffre, slot=20)  # type: ignore[attr-defined]
    root = api.get("/api/v1/trust/root").json()
    assert root["pin"] == pinned_root(world.admin)
    assert root["pin_qr"] == pin_qr_payload(world.admin.keys.sign_public)
    assert root["fingerprint"] == fingerprint(world.admin.keys.sign_public)  # v1, kept
