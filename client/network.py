"""The network side of the client: structures, invitations, certification, trusted keys.

Certificates are made here, on the certifier's machine, with their signing key; and
before anything is sealed to a professional, ``trusted_keys`` verifies their chain up
to the territory's root, whose fingerprint the caller pins (published out of band).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from client.api import ApiError, CoffreClient
from client.bundle import account_bundle
from client.trust import is_v2_chain, memory_for, verify_v2_chain
from crypto import AccountKeys, b64decode, format_recovery_code
from crypto.certificates import (
    CertifiedKeys,
    certificate_statement,
    sign_certificate,
    verify_chain,
)
from crypto.certificates_v2 import (
    certificate_statement_v2,
    revocation_list_statement,
    root_statement_v2,
)
from crypto.pins import pin_qr_payload, pin_spoken
from crypto.root_rotation import root_rotation_statement
from crypto.statements_v2 import sign_statement_v2


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
    """Sign a member's public keys (after comparing ``member["fingerprint"]`` in person).

    A territory that published its v2 root gets v2 certificates, with an end
    (SPEC §26.2; COFFRE_CERTIFICATE_DAYS): a structure admin's, signed by the root,
    and a professional's once the certifying admin's own certificate is v2 (a
    chain never mixes formats). Otherwise a v1 certificate (SPEC §15)."""
    v2 = _v2_issuance(client, certifier_id, member)
    if v2 is not None:
        territory, days = v2
        certify_v2(
            client,
            certifier_id,
            certifier_keys,
            structure_id,
            member,
            territory=territory,
            days=days,
        )
        return
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


def _v2_issuance(
    client: CoffreClient, certifier_id: str, member: dict[str, Any]
) -> tuple[str, int] | None:
    """(territory, days) when this certification is a v2 one, else None."""
    try:
        chain = client.call("GET", "/trust/root/v2").json()
    except ApiError as exc:
        if exc.code == "trust_root_missing":
            return None
        raise
    if member["role"] != "structure_admin":
        mine = client.call("GET", f"/professionals/{certifier_id}/keys").json()
        if not is_v2_chain(mine["certificates"]):
            return None
    return str(chain["root"]["statement"]["territory"]), int(chain["certificate_days"])


def certify_v2(
    client: CoffreClient,
    certifier_id: str,
    certifier_keys: AccountKeys,
    structure_id: str,
    member: dict[str, Any],
    *,
    territory: str,
    days: int = 365,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Issue (or renew, before it ends) a member's v2 certificate (SPEC §26.2), after
    comparing the member's pin face to face: ``not_after`` is ``days`` from now (the
    territory's COFFRE_CERTIFICATE_DAYS; the server refuses more)."""
    issued_at = (now or datetime.now(UTC)).replace(microsecond=0)
    statement = certificate_statement_v2(
        territory=territory,
        subject=member["account_id"],
        role=member["role"],
        structure=structure_id,
        display_name=member["display_name"],
        profession=member["profession"],
        box_public=b64decode(member["box_public_key"]),
        sign_public=b64decode(member["sign_public_key"]),
        issuer=certifier_id,
        issued_at=issued_at,
        not_after=issued_at + timedelta(days=days),
    )
    envelope = sign_statement_v2(statement, certifier_keys.sign_seed)
    client.call(
        "POST",
        f"/memberships/{member['membership_id']}/certificate",
        json={"certificate": envelope},
    )
    return envelope


# Renewing is issuing a new certificate over the same keys before the old one ends.
renew = certify_v2


def revoke(client: CoffreClient, membership_id: str, reason: str) -> dict[str, Any]:
    """Revoke a membership's certificate now (key_lost, left, device_stolen,
    key_rotated, other): the server refuses at once; a signed list follows."""
    result: dict[str, Any] = client.call(
        "POST", f"/memberships/{membership_id}/certificate/revoke", json={"reason": reason}
    ).json()
    return result


def publish_root_v2(
    client: CoffreClient, root_keys: AccountKeys, territory: str, now: datetime | None = None
) -> dict[str, Any]:
    """The territory admin's client publishes the first v2 root, self-signed by the
    root key (the territory admin's own sign key), and signs the first revocation list.
    For a territory made before v2: ``coffre territory bootstrap`` now publishes both."""
    root = first_root_v2(root_keys, territory, now)
    result: dict[str, Any] = client.call("PUT", "/trust/root/v2", json={"root": root}).json()
    # Clients check a v2 chain against a list signed by the root: sign the first one.
    sign_revocations(client, root_keys, now=now)
    return result


def first_root_v2(
    root_keys: AccountKeys, territory: str, now: datetime | None = None
) -> dict[str, Any]:
    """A territory's first v2 root (SPEC §26.1), self-signed by the root key."""
    statement = root_statement_v2(
        territory=territory,
        box_public=root_keys.box_public,
        sign_public=root_keys.sign_public,
        issued_at=(now or datetime.now(UTC)).replace(microsecond=0),
    )
    return sign_statement_v2(statement, root_keys.sign_seed)


def revocation_list(
    root_keys: AccountKeys,
    *,
    territory: str,
    sequence: int,
    revoked: list[str],
    days: int = 31,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A revocation list (SPEC §26.3) signed by the root key, valid ``days`` (<= 31)."""
    issued_at = (now or datetime.now(UTC)).replace(microsecond=0)
    statement = revocation_list_statement(
        territory=territory,
        sequence=sequence,
        issued_at=issued_at,
        next_update=issued_at + timedelta(days=days),
        revoked=sorted(revoked),
    )
    return sign_statement_v2(statement, root_keys.sign_seed)


def rotate_root(
    client: CoffreClient,
    old_keys: AccountKeys,
    new_keys: AccountKeys,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Replace the root in force (signed by ``old_keys``) by one of ``new_keys``,
    signed by the old one (SPEC §26.5); returns the new chain (its ``pin_qr``)."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    chain = client.call("GET", "/trust/root/v2").json()
    current = chain["root"]
    new_statement = root_statement_v2(
        territory=current["statement"]["territory"],
        box_public=new_keys.box_public,
        sign_public=new_keys.sign_public,
        issued_at=moment,
    )
    new_root = sign_statement_v2(new_statement, new_keys.sign_seed)
    rotation = root_rotation_statement(
        previous_root=current["statement"],
        next_root=new_statement,
        sequence=int(chain["sequence"]) + 1,
        issued_at=moment,
    )
    link = {"rotation": sign_statement_v2(rotation, old_keys.sign_seed), "root": new_root}
    result: dict[str, Any] = client.call(
        "PUT", "/trust/root/v2", json={"root": new_root, "link": link}
    ).json()
    return result


def sign_revocations(
    client: CoffreClient, root_keys: AccountKeys, *, days: int = 31, now: datetime | None = None
) -> dict[str, Any]:
    """The territory admin's client signs the next revocation list (SPEC §26.3) with
    the root key: every certificate the server knows revoked and not yet ended, a
    larger sequence, valid ``days`` (at most 31); uploads it and returns the answer."""
    status = client.call("GET", "/trust/revocations/status").json()
    envelope = revocation_list(
        root_keys,
        territory=client.call("GET", "/trust/root/v2").json()["root"]["statement"]["territory"],
        sequence=int(status["sequence"]) + 1,
        revoked=list(status["revoked"]),
        days=days,
        now=now,
    )
    result: dict[str, Any] = client.call(
        "PUT", "/trust/revocations", json={"list": envelope}
    ).json()
    return result


def root_pin_qr(keys: AccountKeys) -> str:
    """The root's QR pin payload (SPEC §25.2)."""
    return pin_qr_payload(keys.sign_public)


def trusted_keys(client: CoffreClient, account_id: str, pinned_root: str) -> CertifiedKeys:
    """A professional's keys, verified up to the pinned root; raises SignatureError if not.

    The one check every path that seals to a professional goes through (shares,
    deposits opened, relays, référent hand-overs). v2 certificates (SPEC §26): the
    root in force reached from the pin through its rotations, the root-signed
    revocation list, each certificate valid now and not revoked (StaleError when
    expired or revoked). v1 certificates, stored before v2: SPEC §15, until renewed."""
    chain = client.call("GET", f"/professionals/{account_id}/keys").json()
    if is_v2_chain(chain["certificates"]):
        v2 = verify_v2_chain(client, account_id, chain, memory_for(client, pinned_root))
        return CertifiedKeys(
            account_id=v2.account_id,
            role=v2.role,
            structure_id=v2.structure_id,
            display_name=v2.display_name,
            profession=v2.profession,
            box_public=v2.box_public,
            sign_public=v2.sign_public,
        )
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
