"""The free-text fields the outside tests named (invitation display name, structure name,
pull reason, request message): a NUL is refused with ``invalid_text`` and nothing is
kept, on both backends; a multi-line message keeps its line breaks. Also the two ways
text reaches the domain without the API's schemas: the charter file and the command
line's territory name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coffre.accounts.service import SignupData
from coffre.container import Coffre
from coffre.errors import NotFound
from coffre.structures.models import Invitation
from coffre.text import InvalidText, check_text, is_clean_text
from crypto.certificates import root_statement, sign_root
from tests.consent.world import TOML, ConsentWorld, build_consent_world, consent_charter
from tests.factories import _material
from tests.structures.world import TERRITORY

NUL_NAME = "Mme\x00Dupont"


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _refused_as_text(response: object, field: str) -> None:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "invalid_text"
    assert field in error["fields"]
    assert "\x00" not in response.text  # type: ignore[attr-defined]  # never echoed


def test_an_invitation_display_name_with_a_nul_is_refused_and_nothing_is_issued(
    cw: ConsentWorld,
) -> None:
    api, world = cw.api, cw.world
    url = f"/api/v1/structures/{world.structure_id}/invitations"
    body = {"kind": "professional", "display_name": NUL_NAME, "profession": "autre"}
    before = _invitations(cw)
    _refused_as_text(
        api.post(url, json=body, headers=world.structure_admin.headers), "body.display_name"
    )
    assert _invitations(cw) == before
    body["display_name"] = "Mme Durand"
    assert api.post(url, json=body, headers=world.structure_admin.headers).status_code == 201
    assert _invitations(cw) == before + 1


def _invitations(cw: ConsentWorld) -> int:
    coffre: Coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return db.query(Invitation).count()


def test_a_structure_name_with_a_nul_is_refused_and_nothing_is_admitted(cw: ConsentWorld) -> None:
    api, admin = cw.api, cw.world.admin
    body = {"name": "CCAS\x00 de Riom", "kind": "ccas", "address": "1 rue", "territory": "63"}
    _refused_as_text(api.post("/api/v1/structures", json=body, headers=admin.headers), "body.name")
    names = [
        s["name"] for s in api.get("/api/v1/structures", headers=admin.headers).json()["structures"]
    ]
    assert not any("Riom" in name for name in names)


def test_a_pull_reason_with_a_nul_is_refused_and_not_counted(cw: ConsentWorld) -> None:
    grant = cw.share(max_pulls=1)
    _refused_as_text(cw.pull(str(grant["id"]), cw.identity, reason="motif\x00"), "body.reason")
    [mine] = cw.api.get("/api/v1/grants", headers=cw.person.headers).json()["grants"]
    assert mine["pulls"] == 0
    # A reason on two lines is text a person may write: accepted, and the one pull counts.
    pulled = cw.pull(str(grant["id"]), cw.identity, reason="Dossier RSA\nrelance du 3")
    assert pulled.status_code == 200, pulled.text


def test_a_request_message_with_a_nul_is_refused_and_nothing_reaches_the_person(
    cw: ConsentWorld,
) -> None:
    body = {
        "person_login": cw.person.login,
        "structure_id": cw.world.structure_id,
        "purpose": "ouverture-droits-rsa",
        "category": "domicile",
        "message": "Bonjour\x00",
    }
    headers = cw.professional.headers
    _refused_as_text(cw.api.post("/api/v1/requests", json=body, headers=headers), "body.message")
    inbox = cw.api.get("/api/v1/requests", headers=cw.person.headers).json()["requests"]
    assert inbox == []
    body["message"] = "Bonjour,\r\nun justificatif de domicile.\tMerci"
    assert cw.api.post("/api/v1/requests", json=body, headers=headers).status_code == 202
    [received] = cw.api.get("/api/v1/requests", headers=cw.person.headers).json()["requests"]
    assert received["message"] == body["message"]


def test_a_one_line_field_refuses_a_line_break(cw: ConsentWorld) -> None:
    url = f"/api/v1/structures/{cw.world.structure_id}/invitations"
    body = {"kind": "professional", "display_name": "Mme\nDupont", "profession": "autre"}
    _refused_as_text(
        cw.api.post(url, json=body, headers=cw.world.structure_admin.headers), "body.display_name"
    )


def test_a_charter_file_with_a_control_character_is_refused(cw: ConsentWorld) -> None:
    api, world = cw.api, cw.world
    text = consent_charter(world.structure_id, version=2)
    raw = text.replace('titre = "Charte de test"', 'titre = "Charte\x00"')
    response = api.post(
        "/api/v1/charters", content=raw.encode(), headers={**world.admin.headers, **TOML}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_text"
    # Escaped inside a TOML string, the NUL is refused at its place in the file.
    escaped = text.replace('titre = "Charte de test"', 'titre = "Charte\\u0000"')
    response = api.post(
        "/api/v1/charters", content=escaped.encode(), headers={**world.admin.headers, **TOML}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_charter"
    assert "titre" in error["message"]


def test_the_command_lines_territory_name_follows_the_same_rule(api: TestClient) -> None:
    # `coffre territory bootstrap --name` reaches the domain without the API's schemas.
    new, _ = _material(10)
    data = SignupData(
        login="admin-63",
        kdf=new.kdf_params,
        auth_key=new.auth_key,
        recovery_auth_key=new.recovery_auth_key,
        wrapped_master_passphrase=new.wrapped_master_passphrase,
        wrapped_master_recovery=new.wrapped_master_recovery,
        wrapped_keyring=new.wrapped_keyring,
        box_public_key=new.keys.box_public,
        sign_public_key=new.keys.sign_public,
    )
    root = sign_root(
        root_statement(
            territory=TERRITORY,
            box_public=new.keys.box_public,
            sign_public=new.keys.sign_public,
            issued_at=datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
        ),
        new.keys.sign_seed,
    )
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with pytest.raises(InvalidText):
        coffre.structures.bootstrap_territory(data, "Puy-de-Dôme\x00", TERRITORY, root)
    with pytest.raises(NotFound):
        coffre.structures.trust_root()
    coffre.structures.bootstrap_territory(data, "Puy-de-Dôme", TERRITORY, root)
    assert coffre.structures.trust_root().territory == TERRITORY


@pytest.mark.parametrize(
    ("text", "multiline", "clean"),
    [
        ("Mme Dupont", False, True),
        ("Zoé Œdipe — 12 €", False, True),
        ("عائشة", False, True),
        ("a\x00b", True, False),
        ("a\x1bb", True, False),
        ("a\x7fb", True, False),
        ("a\x85b", True, False),
        ("a\ud800b", True, False),
        ("a\u202eb", True, False),
        ("a\ufffeb", True, False),
        ("deux\nlignes", False, False),
        ("deux\r\nlignes\tet tab", True, True),
    ],
)
def test_the_text_rule(text: str, multiline: bool, clean: bool) -> None:
    assert is_clean_text(text, multiline=multiline) is clean
    if not clean:
        with pytest.raises(InvalidText):
            check_text(text, multiline=multiline)
