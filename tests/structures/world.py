"""A small territory for the tests: its admin (the root), a structure, its admin, a
professional, a charter officer and a person, each with real keys (made once per
session: Argon2id is slow by design) and a session token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from client import CoffreClient
from client.network import (
    certify,
    certify_v2,
    first_root_v2,
    members,
    revocation_list,
    sign_revocations,
)
from coffre.accounts.service import SignupData
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from coffre.structures.first_root import FirstTrust
from crypto import AccountKeys, KdfParams, b64encode
from crypto.certificates import root_statement, sign_root
from crypto.pins import pin_spoken
from tests.accounts.factories import enrol_if_required
from tests.factories import _material

TERRITORY = "63"


@dataclass
class Who:
    login: str
    keys: AccountKeys
    auth_key: bytes
    signup_body: dict[str, object]
    account_id: str = ""
    token: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, api: TestClient) -> CoffreClient:
        return CoffreClient("http://testserver", http=api, token=self.token)  # type: ignore[arg-type]


def material(slot: int, login: str) -> Who:
    new, _ = _material(slot)
    body: dict[str, object] = {
        "login": login,
        "kdf": new.kdf_params.to_json(),
        "auth_key": b64encode(new.auth_key),
        "recovery_auth_key": b64encode(new.recovery_auth_key),
        "wrapped_master_passphrase": b64encode(new.wrapped_master_passphrase),
        "wrapped_master_recovery": b64encode(new.wrapped_master_recovery),
        "wrapped_keyring": b64encode(new.wrapped_keyring),
        "box_public_key": b64encode(new.keys.box_public),
        "sign_public_key": b64encode(new.keys.sign_public),
    }
    return Who(login, new.keys, new.auth_key, body)


def log_in(api: TestClient, who: Who) -> Who:
    response = api.post(
        "/api/v1/auth/login", json={"login": who.login, "auth_key": b64encode(who.auth_key)}
    )
    assert response.status_code == 200, response.text
    who.token = response.json()["token"]
    who.account_id = response.json()["account"]["id"]
    # Territory admins and charter officers must enrol TOTP before anything else.
    enrol_if_required(api, response.json(), who.headers)
    return who


def bootstrap_territory(
    coffre: Coffre,
    slot: int = 10,
    *,
    v2: bool = False,
    now: datetime | None = None,
    login: str = "admin-63",
) -> Who:
    """The territory admin and their self-signed root. ``v2=True``: what `coffre
    territory bootstrap` does now (also the v2 root and a first revocation list,
    signed at ``now``); ``v2=False``: a territory made before v2 (v1 root only), the
    start of the tests of v1 certificates and of ``publish-root``."""
    admin = material(slot, login)
    new, _ = _material(slot)
    data = SignupData(
        login=admin.login,
        kdf=KdfParams(
            salt=new.kdf_params.salt,
            opslimit=new.kdf_params.opslimit,
            memlimit=new.kdf_params.memlimit,
            alg=new.kdf_params.alg,
        ),
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
    first = None
    if v2:
        moment = now or datetime.now(UTC)
        first = FirstTrust(
            root=first_root_v2(new.keys, TERRITORY, moment),
            revocations=revocation_list(
                new.keys, territory=TERRITORY, sequence=1, revoked=[], now=moment
            ),
        )
    account = coffre.structures.bootstrap_territory(
        data, "Département du Puy-de-Dôme", TERRITORY, root, first
    )
    admin.account_id = account.id
    return admin


def pinned_root(admin: Who) -> str:
    """The root as a v2 client pins it: its spoken pin (SPEC §25.3)."""
    return pin_spoken(admin.keys.sign_public)


@dataclass
class World:
    admin: Who
    structure_id: str
    structure_admin: Who
    professional: Who
    officer: Who
    person: Who
    memberships: dict[str, str]


def admit(api: TestClient, admin: Who, name: str = "CCAS de Clermont-Ferrand") -> str:
    response = api.post(
        "/api/v1/structures",
        json={
            "name": name,
            "kind": "ccas",
            "address": "1 rue Exemple, 63000 Clermont-Ferrand",
            "territory": TERRITORY,
        },
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def join(api: TestClient, code: str, who: Who) -> Who:
    response = api.post(
        "/api/v1/invitations/accept", json={"code": code, "account": who.signup_body}
    )
    assert response.status_code == 201, response.text
    return log_in(api, who)


def invite(api: TestClient, by: Who, structure_id: str, kind: str, name: str) -> str:
    response = api.post(
        f"/api/v1/structures/{structure_id}/invitations",
        json={"kind": kind, "display_name": name, "profession": "assistant-service-social"},
        headers=by.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def certify_member(api: TestClient, by: Who, structure_id: str, member_id: str) -> str:
    listing = members(by.client(api), structure_id)
    [member] = [m for m in listing if m["account_id"] == member_id]
    certify(by.client(api), by.account_id, by.keys, structure_id, member)
    return str(member["membership_id"])


def member_row(api: TestClient, by: Who, structure_id: str, who: Who) -> dict[str, Any]:
    """``who``'s row in the structure's members list, as ``by`` reads it."""
    [member] = [
        m for m in members(by.client(api), structure_id) if m["account_id"] == who.account_id
    ]
    return member


def go_v2(
    api: TestClient, world: World, now: datetime, root_keys: Any = None, days: int = 365
) -> None:
    """The root certifies the structure admin, who certifies the professional (for
    ``days``), with v2 certificates; the root signs the revocation list."""
    root_keys = root_keys or world.admin.keys
    admin_client = world.admin.client(api)
    sa_row = member_row(api, world.admin, world.structure_id, world.structure_admin)
    certify_v2(
        admin_client,
        world.admin.account_id,
        root_keys,
        world.structure_id,
        sa_row,
        territory=TERRITORY,
        now=now,
    )
    certify_v2(
        world.structure_admin.client(api),
        world.structure_admin.account_id,
        world.structure_admin.keys,
        world.structure_id,
        member_row(api, world.structure_admin, world.structure_id, world.professional),
        territory=TERRITORY,
        days=days,
        now=now,
    )
    sign_revocations(admin_client, root_keys, now=now)


def sessions_outlive_certificates(settings: Settings) -> Settings:
    """The test's settings with sessions that outlive a certificate (a year and more):
    the clock moves past a certificate's end and the territory admin cannot log in
    again without their authenticator."""
    return settings.model_copy(
        update={"session_ttl_seconds": 500 * 86400, "session_idle_seconds": 500 * 86400}
    )


def structure_admin_certificate(
    w: World, member: dict[str, Any], clock: FrozenClock, minutes: int
) -> dict[str, Any]:
    """A v2 certificate for ``member`` (a members-list row) signed by the world's
    structure admin, issued ``minutes`` ago, for a year."""
    from crypto import b64decode
    from crypto.certificates_v2 import certificate_statement_v2
    from crypto.statements_v2 import sign_statement_v2

    issued = clock.now() - timedelta(minutes=minutes)
    statement = certificate_statement_v2(
        territory=TERRITORY,
        subject=member["account_id"],
        role=member["role"],
        structure=w.structure_id,
        display_name=member["display_name"],
        profession=member["profession"],
        box_public=b64decode(member["box_public_key"]),
        sign_public=b64decode(member["sign_public_key"]),
        issuer=w.structure_admin.account_id,
        issued_at=issued,
        not_after=issued + timedelta(days=365),
    )
    return sign_statement_v2(statement, w.structure_admin.keys.sign_seed)


def build_world(api: TestClient) -> World:
    """A territory made before v2 (v1 root, v1 certificates): the authorisation
    matrix's scene and the v1 tests expect it (``trust_root_missing`` until
    ``publish_root_v2``; ``go_v2`` moves it to v2 certificates)."""
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    admin = log_in(api, bootstrap_territory(coffre, v2=False))
    structure_id = admit(api, admin)
    structure_admin = join(
        api,
        invite(api, admin, structure_id, "structure_admin", "M. Bernard"),
        material(11, "bernard"),
    )
    sa_membership = certify_member(api, admin, structure_id, structure_admin.account_id)
    professional = join(
        api,
        invite(api, structure_admin, structure_id, "professional", "Mme Dupont"),
        material(12, "dupont"),
    )
    pro_membership = certify_member(api, structure_admin, structure_id, professional.account_id)
    officer_code = api.post(
        "/api/v1/invitations/charter-officer",
        json={"display_name": "Mme Charte"},
        headers=admin.headers,
    ).json()["code"]
    officer = join(api, officer_code, material(13, "charte"))
    person = material(14, "amina")
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    log_in(api, person)
    return World(
        admin,
        structure_id,
        structure_admin,
        professional,
        officer,
        person,
        {"structure_admin": sa_membership, "professional": pro_membership},
    )
