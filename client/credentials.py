"""Regaining access and leaving, on the client side: every secret step happens here.

- ``recover``: the recovery code is parsed and turned into a login value and a
  wrap key here (SPEC §4); the master key is unwrapped here and wrapped again under
  the new passphrase (SPEC §5.2), with KDF v2 (SPEC §19, client/kdf.py) like every
  new passphrase. The server gets login values and wrapped keys.
- ``change_passphrase``: the same re-wrap, proven by the current passphrase.
- ``reset_with_code``: a brand-new account bundle (SPEC §3–§6) under the same
  login, authorised by a reset code; it replaces the old keys after a waiting
  period (the old passphrase or kit can cancel meanwhile), and the old documents
  are destroyed then.
- ``delete_account``: erasure, confirmed by the current passphrase.
- ``rotate_keys``: a professional's new keys (device lost or stolen, key possibly
  seen): a brand-new bundle under the same login and passphrase, proven by the
  current passphrase; the certificates of the old key are revoked at once and the
  new key waits for the structure admin's certification, face to face.

A reset code travels to the server, a recovery code must never: ``reset_code``
refuses to pass on anything that is not shaped like a reset code (32 hexadecimal
digits), and says so when it is a recovery code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from client.api import ApiError, CoffreClient, LoginOutcome, ResetOutcome
from client.bundle import account_bundle
from client.kdf import derive, read_kdf, rewrap_v2
from crypto import (
    AccountKeys,
    b64decode,
    b64encode,
    derive_recovery_keys,
    format_recovery_code,
    open_account_with_recovery,
    parse_recovery_code,
    unwrap_master_key,
)
from crypto.errors import InvalidInputError
from crypto.pins import pin_spoken

_HEX = frozenset("0123456789ABCDEF")
_IGNORED = frozenset(" \t\r\n-")
_FORGIVEN = str.maketrans({"O": "0", "I": "1", "L": "1"})
RESET_CODE_DIGITS = 32

NOT_A_RESET_CODE_FR = (
    "Ceci est votre code de récupération, pas un code de réinitialisation. Gardez-le "
    "pour vous et utilisez-le pour récupérer votre coffre (« coffre recover » ou "
    "« J'ai oublié ma phrase secrète ») : vous garderez tous vos documents."
)
MALFORMED_RESET_CODE_FR = (
    "Ce code de réinitialisation est mal écrit : il compte 32 chiffres ou lettres de A à F, "
    "en groupes de 4. Vérifiez-le."
)


def reset_code(text: str) -> str:
    """The typed reset code in its canonical form (32 hex digits), or ``ApiError``.

    Nothing that could be a recovery code is ever returned, so it is never sent.
    """
    cleaned = "".join(c for c in text if c not in _IGNORED).upper().translate(_FORGIVEN)
    if len(cleaned) == RESET_CODE_DIGITS and set(cleaned) <= _HEX:
        return "-".join(cleaned[i : i + 4] for i in range(0, RESET_CODE_DIGITS, 4))
    try:
        parse_recovery_code(text)
    except InvalidInputError:
        raise ApiError(0, "invalid_reset_code", MALFORMED_RESET_CODE_FR) from None
    raise ApiError(0, "not_a_reset_code", NOT_A_RESET_CODE_FR)


def recover(
    client: CoffreClient,
    login: str,
    recovery_code: str,
    new_passphrase: str,
    *,
    totp_code: str | None = None,
) -> LoginOutcome:
    """Open the account with the recovery code, set a new passphrase, and log in.

    The master key and key pairs do not change: every document stays readable.
    A mistyped code raises ``InvalidInputError`` before anything is sent.
    """
    secret = parse_recovery_code(recovery_code)
    body: dict[str, Any] = {
        "login": login,
        "recovery_auth_key": b64encode(derive_recovery_keys(secret).auth_key),
    }
    if totp_code is not None:
        body["totp_code"] = totp_code
    started = client.call("POST", "/auth/recover", json=body).json()
    wrapped = started["recovery"]
    # Unwrapping checks the keyring against the account's public keys (SPEC §6).
    master_key, keys = open_account_with_recovery(
        secret,
        b64decode(wrapped["wrapped_master_recovery"]),
        b64decode(wrapped["wrapped_keyring"]),
        b64decode(wrapped["box_public_key"]),
        b64decode(wrapped["sign_public_key"]),
    )
    new = rewrap_v2(master_key, new_passphrase, territory=client.territory, login=login)
    result = client.call(
        "POST",
        "/auth/recover/passphrase",
        json={"token": started["recovery_token"], **new.body()},
    ).json()
    client.token = result["token"]
    account = result["account"]
    return LoginOutcome(
        token=result["token"],
        account_id=account["id"],
        login=account["login"],
        keys=keys,
        totp_enrolment_required=bool(result.get("totp_enrolment_required", False)),
    )


def change_passphrase(client: CoffreClient, current: str, new_passphrase: str) -> int:
    """Re-wrap the master key under a new passphrase; returns how many other sessions
    ended. A wrong current passphrase fails here (``DecryptionError``) before sending."""
    me = client.call("GET", "/me").json()
    keyring, login = me["keyring"], client.salt_login(me["account"]["login"])
    params = read_kdf(keyring["kdf"])  # refused below the floor (SPEC §3, §19.1)
    current_keys = derive(current, params, territory=client.territory, login=login)
    master_key = unwrap_master_key(
        b64decode(keyring["wrapped_master_passphrase"]), current_keys.wrap_key, "passphrase"
    )
    new = rewrap_v2(master_key, new_passphrase, territory=client.territory, login=login)
    answer = client.call(
        "POST",
        "/me/passphrase",
        json={"current_auth_key": b64encode(current_keys.auth_key), **new.body()},
    ).json()
    return int(answer["revoked_sessions"])


def reset_with_code(
    client: CoffreClient, login: str, code: str, new_passphrase: str
) -> ResetOutcome:
    """A fresh, empty vault under the same login, once the waiting period has passed;
    returns the new recovery code and when the new vault opens.

    The old documents are destroyed then: nobody can open them any more.
    """
    canonical = reset_code(code)
    body, new = account_bundle(login, new_passphrase, client.territory)
    body["reset_code"] = canonical
    answer = client.call("POST", "/auth/reset", json=body).json()
    return ResetOutcome(
        account_id=answer["account"]["id"],
        recovery_code=format_recovery_code(new.recovery_secret),
        completes_at=datetime.fromisoformat(answer["completes_at"]),
        message=str(answer["message"]),
    )


def delete_account(client: CoffreClient, passphrase: str) -> None:
    """Erase the account and every document in it; the session ends."""
    me = client.call("GET", "/me").json()
    params = read_kdf(me["keyring"]["kdf"])
    login = client.salt_login(me["account"]["login"])
    auth_key = derive(passphrase, params, territory=client.territory, login=login).auth_key
    client.call("DELETE", "/me", json={"auth_key": b64encode(auth_key)})
    client.token = None


@dataclass(frozen=True)
class RotatedKeys:
    """A professional's new keys: the pin to compare face to face with the structure
    admin, the new recovery code to keep (the old one opens nothing any more), and
    the memberships whose certificate now waits for the new key's certification."""

    keys: AccountKeys
    pin: str
    recovery_code: str
    revoked_memberships: list[str]


def rotate_keys(client: CoffreClient, passphrase: str) -> RotatedKeys:
    """Replace the account's keys (POST /me/keys/rotate): a new master key, keyring and
    recovery code, the same passphrase under a fresh salt (SPEC §3–§6, §19). A wrong
    passphrase fails here (``DecryptionError``) before anything is sent."""
    me = client.call("GET", "/me").json()
    keyring, login = me["keyring"], client.salt_login(me["account"]["login"])
    params = read_kdf(keyring["kdf"])  # refused below the floor (SPEC §3, §19.1)
    current = derive(passphrase, params, territory=client.territory, login=login)
    unwrap_master_key(
        b64decode(keyring["wrapped_master_passphrase"]), current.wrap_key, "passphrase"
    )
    body, new = account_bundle(login, passphrase, client.territory)
    answer = client.call(
        "POST",
        "/me/keys/rotate",
        json={"current_auth_key": b64encode(current.auth_key), **body},
    ).json()
    return RotatedKeys(
        keys=new.keys,
        pin=pin_spoken(new.keys.sign_public),
        recovery_code=format_recovery_code(new.recovery_secret),
        revoked_memberships=[str(m) for m in answer["revoked_memberships"]],
    )
