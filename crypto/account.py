"""Account-level flows composed from SPEC §3–§6: create an account, open it
with the passphrase or the recovery secret, change the passphrase.

Nothing here is a new construction; each step cites the section it follows.
"""

from dataclasses import dataclass, field

from crypto._checks import require_bytes
from crypto.kdf import (
    KdfParams,
    PassphraseKeys,
    check_kdf_params,
    derive_passphrase_keys,
    new_kdf_params,
)
from crypto.keyring import AccountKeys, generate_account_keys, unwrap_keyring, wrap_keyring
from crypto.master_key import MASTER_KEY_BYTES, new_master_key, unwrap_master_key, wrap_master_key
from crypto.recovery import (
    derive_recovery_keys,
    format_recovery_code,
    new_recovery_secret,
    parse_recovery_code,
)

__all__ = [
    "AccountKeys",
    "KdfParams",
    "NewAccount",
    "NewPassphrase",
    "PassphraseKeys",
    "check_kdf_params",
    "create_account",
    "derive_passphrase_keys",
    "derive_recovery_keys",
    "format_recovery_code",
    "generate_account_keys",
    "new_kdf_params",
    "new_master_key",
    "new_recovery_secret",
    "open_account",
    "open_account_with_recovery",
    "open_master_key",
    "parse_recovery_code",
    "rewrap_for_new_passphrase",
    "unwrap_keyring",
    "unwrap_master_key",
    "wrap_keyring",
    "wrap_master_key",
]


@dataclass(frozen=True)
class NewAccount:
    """Everything a new account produces. The server receives kdf_params,
    auth_key, recovery_auth_key, the three wrapped blobs and the public keys;
    recovery_secret goes on paper (format_recovery_code); keys stay on the client."""

    kdf_params: KdfParams
    auth_key: bytes = field(repr=False)
    recovery_auth_key: bytes = field(repr=False)
    wrapped_master_passphrase: bytes
    wrapped_master_recovery: bytes
    wrapped_keyring: bytes
    keys: AccountKeys
    recovery_secret: bytes = field(repr=False)


@dataclass(frozen=True)
class NewPassphrase:
    """What a passphrase change sends to the server (SPEC §3, §5)."""

    kdf_params: KdfParams
    auth_key: bytes = field(repr=False)
    wrapped_master_passphrase: bytes


def create_account(passphrase: str) -> NewAccount:
    """Fresh salt, master key, key pairs and recovery secret, all wrapped (SPEC §3–§6)."""
    params = new_kdf_params()
    passphrase_keys = derive_passphrase_keys(passphrase, params)
    recovery_secret = new_recovery_secret()
    recovery_keys = derive_recovery_keys(recovery_secret)
    master_key = new_master_key()
    keys = generate_account_keys()
    return NewAccount(
        kdf_params=params,
        auth_key=passphrase_keys.auth_key,
        recovery_auth_key=recovery_keys.auth_key,
        wrapped_master_passphrase=wrap_master_key(
            master_key, passphrase_keys.wrap_key, "passphrase"
        ),
        wrapped_master_recovery=wrap_master_key(master_key, recovery_keys.wrap_key, "recovery"),
        wrapped_keyring=wrap_keyring(keys, master_key),
        keys=keys,
        recovery_secret=recovery_secret,
    )


def open_master_key(passphrase: str, params: KdfParams, wrapped_master_passphrase: bytes) -> bytes:
    """The master key from the passphrase (SPEC §3, §5). Refuses weak params
    (WeakParametersError) before running Argon2id; a wrong passphrase gives
    DecryptionError."""
    wrap_key = derive_passphrase_keys(passphrase, params).wrap_key
    return unwrap_master_key(wrapped_master_passphrase, wrap_key, "passphrase")


def open_account(
    passphrase: str,
    params: KdfParams,
    wrapped_master_passphrase: bytes,
    wrapped_keyring: bytes,
    box_public: bytes,
    sign_public: bytes,
) -> AccountKeys:
    """The account's key pairs from the passphrase (SPEC §3, §5, §6)."""
    master_key = open_master_key(passphrase, params, wrapped_master_passphrase)
    return unwrap_keyring(wrapped_keyring, master_key, box_public, sign_public)


def open_account_with_recovery(
    secret: bytes,
    wrapped_master_recovery: bytes,
    wrapped_keyring: bytes,
    box_public: bytes,
    sign_public: bytes,
) -> tuple[bytes, AccountKeys]:
    """(master_key, keys) from the recovery secret (SPEC §4, §5, §6); the
    master key is returned so the caller can set a new passphrase."""
    wrap_key = derive_recovery_keys(secret).wrap_key
    master_key = unwrap_master_key(wrapped_master_recovery, wrap_key, "recovery")
    return master_key, unwrap_keyring(wrapped_keyring, master_key, box_public, sign_public)


def rewrap_for_new_passphrase(master_key: bytes, new_passphrase: str) -> NewPassphrase:
    """Fresh salt, new auth_key, and the master key wrapped under the new
    passphrase (SPEC §3, §5). The keyring and documents are untouched."""
    master = require_bytes(master_key, "master key", MASTER_KEY_BYTES)
    params = new_kdf_params()
    keys = derive_passphrase_keys(new_passphrase, params)
    return NewPassphrase(
        kdf_params=params,
        auth_key=keys.auth_key,
        wrapped_master_passphrase=wrap_master_key(master, keys.wrap_key, "passphrase"),
    )
