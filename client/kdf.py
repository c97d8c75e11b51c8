"""The passphrase KDF on the client side: v1 (SPEC §3) or v2 (SPEC §19), and the move to v2.

- ``read_kdf``: the parameters the server sent, read and checked as the format says
  (v2 when they carry ``"v"``; below the floor: ``WeakParametersError``).
- ``derive``: the login value and wrap key. For v2 the salt is derived here from the
  territory, the canonical login and the server's random part (SPEC §19.2): a salt
  sent by the server is never used, so a hostile server cannot give two accounts one
  salt (their logins differ).
- ``new_account_v2`` and ``rewrap_v2``: what sign-up, reset, recovery, a passphrase
  change and the move of a v1 account to v2 send, always v2.
- ``canonical_login``: the login as the server keeps it (coffre/accounts/login.py's
  rule, repeated here because the client never imports the server; a test checks
  that they agree), so the salt is the same on every device.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from crypto import (
    AccountKeys,
    KdfParams,
    KdfParamsV2,
    b64encode,
    check_kdf_params,
    check_kdf_params_v2,
    derive_passphrase_keys,
    derive_passphrase_keys_v2,
    derive_recovery_keys,
    generate_account_keys,
    new_kdf_params_v2,
    new_master_key,
    new_recovery_secret,
    wrap_keyring,
    wrap_master_key,
)
from crypto.errors import InvalidInputError

AnyKdf = KdfParams | KdfParamsV2

_PHONE_CHARS = re.compile(r"^\+?[0-9 .\-()]+$")
_PSEUDONYM = re.compile(r"^[\w.\-]{3,40}$")


def canonical_login(raw: str) -> str:
    """The canonical login (coffre/accounts/login.py ``normalise_login``); a login the
    server would refuse is ``InvalidInputError`` here."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if _PHONE_CHARS.match(text):
        digits = re.sub(r"[^0-9+]", "", text)
        if digits.startswith("+33"):
            digits = "0" + digits[3:]
        if 8 <= len(digits.lstrip("+")) <= 15 and "+" not in digits[1:]:
            return digits
        raise InvalidInputError("not a valid login")
    folded = text.casefold()
    if not _PSEUDONYM.match(folded):
        raise InvalidInputError("not a valid login")
    return folded


def read_kdf(obj: object) -> AnyKdf:
    """The server's parameters (SPEC §3.1 or §19.1), checked before any derivation."""
    if isinstance(obj, dict) and "v" in obj:
        params_v2 = KdfParamsV2.from_json(obj)
        # derive_passphrase_keys_v2 checks them again; checked here so a weak set is
        # refused before anything is derived or sent.
        check_kdf_params_v2(params_v2)
        return params_v2
    params = KdfParams.from_json(obj)
    check_kdf_params(params)
    return params


@dataclass(frozen=True)
class DerivedKeys:
    auth_key: bytes = field(repr=False)
    wrap_key: bytes = field(repr=False)


def derive(passphrase: str, params: AnyKdf, *, territory: str, login: str) -> DerivedKeys:
    """auth_key and wrap_key under v1 or v2 parameters (v2: the salt from territory and login)."""
    if isinstance(params, KdfParamsV2):
        keys = derive_passphrase_keys_v2(
            passphrase, params, territory=territory, login=canonical_login(login)
        )
        return DerivedKeys(keys.auth_key, keys.wrap_key)
    v1 = derive_passphrase_keys(passphrase, params)
    return DerivedKeys(v1.auth_key, v1.wrap_key)


@dataclass(frozen=True)
class NewPassphraseV2:
    """A passphrase under v2 parameters: what a change, a recovery or the move to v2 sends."""

    kdf_params: KdfParamsV2
    auth_key: bytes = field(repr=False)
    wrapped_master_passphrase: bytes

    def body(self) -> dict[str, object]:
        return {
            "kdf": self.kdf_params.to_json(),
            "auth_key": b64encode(self.auth_key),
            "wrapped_master_passphrase": b64encode(self.wrapped_master_passphrase),
        }


def rewrap_v2(master_key: bytes, passphrase: str, *, territory: str, login: str) -> NewPassphraseV2:
    """A fresh random part, the v2 keys, and the master key wrapped under them (SPEC §5, §19)."""
    params = new_kdf_params_v2()
    keys = derive(passphrase, params, territory=territory, login=login)
    return NewPassphraseV2(
        kdf_params=params,
        auth_key=keys.auth_key,
        wrapped_master_passphrase=wrap_master_key(master_key, keys.wrap_key, "passphrase"),
    )


@dataclass(frozen=True)
class NewAccountV2:
    """A new account under v2 parameters (as crypto.create_account, SPEC §3-§6, §19)."""

    kdf_params: KdfParamsV2
    auth_key: bytes = field(repr=False)
    recovery_auth_key: bytes = field(repr=False)
    wrapped_master_passphrase: bytes
    wrapped_master_recovery: bytes
    wrapped_keyring: bytes
    keys: AccountKeys
    recovery_secret: bytes = field(repr=False)


def new_account_v2(passphrase: str, *, territory: str, login: str) -> NewAccountV2:
    master_key = new_master_key()
    passphrase_part = rewrap_v2(master_key, passphrase, territory=territory, login=login)
    recovery_secret = new_recovery_secret()
    recovery_keys = derive_recovery_keys(recovery_secret)
    keys = generate_account_keys()
    return NewAccountV2(
        kdf_params=passphrase_part.kdf_params,
        auth_key=passphrase_part.auth_key,
        recovery_auth_key=recovery_keys.auth_key,
        wrapped_master_passphrase=passphrase_part.wrapped_master_passphrase,
        wrapped_master_recovery=wrap_master_key(master_key, recovery_keys.wrap_key, "recovery"),
        wrapped_keyring=wrap_keyring(keys, master_key),
        keys=keys,
        recovery_secret=recovery_secret,
    )
