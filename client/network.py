"""The network side of the client: structures, invitations, certification, trusted keys.

Certificates are made here, on the certifier's machine, with their signing key; and
before anything is sealed to a professional, ``trusted_keys`` verifies their chain up
to the territory's root, whose fingerprint the caller pins (published out of band).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from client.api import CoffreClient
from client.bundle import account_bundle
from crypto import AccountKeys, b64decode, format_recovery_code
from crypto.certificates import (
    CertifiedKeys,
    certificate_statement,
    sign_certificate,
    verify_chain,
)
from crypto.pins import pin_spoken


def signup_body(login: str, passphrase: str, territory: str) -> tuple[dict[str, Any], str]:
    """A new account's public bundle (keys made here, KDF v2) and its recovery code."""
    body, new = account_bundle(login, passphrase, territory)
    return body, format_recovery_code(new.recovery_secret)


def accept_invitation(client: CoffreClient, code: str, login: str, passphrase: str) -> str:
    """Join with a professional, structure admin or charter officer invitation."""
    body, _recovery = signup_body(login, passphrase, client.territory)
    answer = client.call("POST", "/invitations/accept", json={"code": code, "account": body})
    return str(answer.json()["id"])


def signup_with_invitation(client: CoffreClient, code: str, login: str, passphrase: str) -> str:
    """Assisted sign-up of a person: returns the recovery code to keep."""
    body, recovery = signup_body(login, passphrase, client.territory)
    body["invitation_code"] = code
    client.call("POST", "/accounts", json=body)
    return recovery


def admit_structure(client: CoffreClient, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.call("POST", "/structures", json=fields).json()
    return result


def invite(
    client: CoffreClient, structure_id: str, kind: str, display_name: str, profession: str
) -> dict[str, Any]:
    body = {"kind": kind, "display_name": display_name, "profession": profession}
    result: dict[str, Any] = client.call(
        "POST", f"/structures/{structure_id}/invitations", json=body
    ).json()
    return result


def invite_person(client: CoffreClient) -> dict[str, Any]:
    result: dict[str, Any] = client.call("POST", "/invitations/person").json()
    return result


def members(client: CoffreClient, structure_id: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = client.call("GET", f"/structures/{structure_id}/members").json()[
        "members"
    ]
    return result


def certify(
    client: CoffreClient,
    certifier_id: str,
    certifier_keys: AccountKeys,
    structure_id: str,
    member: dict[str, Any],
) -> None:
    """Sign a member's public keys (after comparing ``member["fingerprint"]`` in person)."""
    statement = certificate_statement(
        subject=member["account_id"],
        role=member["role"],
        structure_id=structure_id,
        display_name=member["display_name"],
        profession=member["profession"],
        box_public=b64decode(member["box_public_key"]),
        sign_public=b64decode(member["sign_public_key"]),
        issuer=certifier_id,
        issued_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    envelope = sign_certificate(statement, certifier_keys.sign_seed)
    client.call(
        "POST",
        f"/memberships/{member['membership_id']}/certificate",
        json={"certificate": envelope},
    )


def trusted_keys(client: CoffreClient, account_id: str, pinned_root: str) -> CertifiedKeys:
    """A professional's keys, verified up to the pinned root; raises SignatureError if not."""
    chain = client.call("GET", f"/professionals/{account_id}/keys").json()
    return verify_chain(
        account_id=account_id,
        box_public=b64decode(chain["box_public_key"]),
        sign_public=b64decode(chain["sign_public_key"]),
        certificates=chain["certificates"],
        root=chain["root"],
        pinned_fingerprint=pinned_root,
    )


def root_fingerprint(keys: AccountKeys) -> str:
    """The root's pin as people compare it: the spoken v2 pin (SPEC §25.3)."""
    return pin_spoken(keys.sign_public)
