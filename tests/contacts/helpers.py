"""Recovery through a trusted contact, as the clients do it (SPEC §28), for the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crypto import (
    b64decode,
    b64encode,
    derive_recovery_keys,
    new_recovery_secret,
    open_account_with_recovery,
    rewrap_for_new_passphrase,
    wrap_master_key,
)
from crypto.contact_recovery import (
    ContactArrangement,
    contact_auth_key,
    name_contact,
    open_master_key_for_contact,
    rebuild_contact_key,
)
from tests.factories import Person, _material

NEW_PASSPHRASE = "girafe velo tulipe orage marbre"


def master_key_of(slot: int) -> bytes:
    """The master key of the person made from factory slot ``slot`` (their kit opens it)."""
    new, _ = _material(slot)
    master_key, _keys = open_account_with_recovery(
        new.recovery_secret,
        new.wrapped_master_recovery,
        new.wrapped_keyring,
        new.keys.box_public,
        new.keys.sign_public,
    )
    return master_key


def naming_body(arrangement: ContactArrangement, contact_id: str) -> dict[str, str]:
    return {
        "contact_id": contact_id,
        "wrapped_master_key": b64encode(arrangement.wrapped_master_key),
        "sealed_share": b64encode(arrangement.sealed_share),
        "server_share": b64encode(arrangement.server_share),
        "auth_key": b64encode(arrangement.auth_key),
    }


@dataclass(frozen=True)
class Naming:
    arrangement: ContactArrangement
    body: dict[str, str]


def make_naming(slot: int, contact_id: str, contact_sign_public: bytes) -> Naming:
    arrangement = name_contact(master_key_of(slot), contact_sign_public)
    return Naming(arrangement, naming_body(arrangement, contact_id))


def account_id(api: Any, person: Person) -> str:
    return str(api.get("/api/v1/me", headers=person.headers).json()["account"]["id"])


def recovery_body(material: dict[str, Any], contact: Person) -> tuple[dict[str, Any], bytes]:
    """The contact's client: rebuild K, open the master key, wrap it under a new
    passphrase and a new recovery code (SPEC §28.3). Returns the body and the new
    recovery secret."""
    key = rebuild_contact_key(
        b64decode(material["sealed_share"]),
        b64decode(material["server_share"]),
        contact.keys.sign_seed,
    )
    master_key = open_master_key_for_contact(key, b64decode(material["wrapped_master_key"]))
    rewrap = rewrap_for_new_passphrase(master_key, NEW_PASSPHRASE)
    secret = new_recovery_secret()
    recovery = derive_recovery_keys(secret)
    body = {
        "kdf": rewrap.kdf_params.to_json(),
        "auth_key": b64encode(rewrap.auth_key),
        "wrapped_master_passphrase": b64encode(rewrap.wrapped_master_passphrase),
        "contact_auth_key": b64encode(contact_auth_key(key)),
        "recovery_auth_key": b64encode(recovery.auth_key),
        "wrapped_master_recovery": b64encode(
            wrap_master_key(master_key, recovery.wrap_key, "recovery")
        ),
    }
    return body, secret


def fresh(api: Any, who: Person) -> Person:
    """``who`` logged in again (sessions end while the clock moves days ahead)."""
    answer = api.post(
        "/api/v1/auth/login", json={"login": who.login, "auth_key": b64encode(who.auth_key)}
    )
    assert answer.status_code == 200, answer.text
    return Person(
        who.login, who.passphrase, who.keys, who.signup_body, who.auth_key, answer.json()["token"]
    )
