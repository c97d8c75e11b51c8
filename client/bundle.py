"""A new account's public bundle: what sign-up, assisted sign-up and reset send.

The keys are made here (SPEC §3–§6, KDF v2 of SPEC §19: the salt comes from the
territory, the login and a fresh random part); only public keys, wrapped secrets
and the two login values leave the machine.
"""

from __future__ import annotations

from typing import Any

from client.kdf import NewAccountV2, new_account_v2
from crypto import b64encode


def account_bundle(
    login: str, passphrase: str, territory: str
) -> tuple[dict[str, Any], NewAccountV2]:
    """The JSON body of ``POST /api/v1/accounts`` for a fresh account, and the account."""
    new = new_account_v2(passphrase, territory=territory, login=login)
    body: dict[str, Any] = {
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
    return body, new
