"""Passphrase key derivation: Argon2id parameters, their floor, and the two
keys a passphrase yields (SPEC §3)."""

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final

from nacl.bindings import crypto_pwhash_alg, crypto_pwhash_ALG_ARGON2ID13
from nacl.utils import random

from crypto import purposes
from crypto._checks import require_bytes, require_int
from crypto.encoding import b64decode, b64encode
from crypto.errors import InvalidInputError, WeakParametersError
from crypto.subkeys import subkey

ALG_ARGON2ID13: Final = "argon2id13"
SALT_BYTES: Final = 16
ROOT_BYTES: Final = 32

# Defaults = floor (SPEC §3): RFC 9106 §4 second recommended option, OWASP.
OPSLIMIT: Final = 3
MEMLIMIT: Final = 64 * 1024 * 1024  # 67108864 bytes
OPSLIMIT_MIN: Final = OPSLIMIT
MEMLIMIT_MIN: Final = MEMLIMIT
# Ceiling: beyond this a server could make a phone hang or run out of memory.
OPSLIMIT_MAX: Final = 10
MEMLIMIT_MAX: Final = 256 * 1024 * 1024


@dataclass(frozen=True)
class KdfParams:
    """Per-account Argon2id parameters, stored by the server (SPEC §3)."""

    salt: bytes
    opslimit: int = OPSLIMIT
    memlimit: int = MEMLIMIT
    alg: str = ALG_ARGON2ID13

    def to_json(self) -> dict[str, Any]:
        """JSON form: {"alg", "salt" (base64url), "opslimit", "memlimit"} (SPEC §3)."""
        return {
            "alg": self.alg,
            "salt": b64encode(self.salt),
            "opslimit": self.opslimit,
            "memlimit": self.memlimit,
        }

    @classmethod
    def from_json(cls, obj: object) -> "KdfParams":
        """Parse the JSON form; does not check the floor (call check_kdf_params)."""
        if not isinstance(obj, dict) or set(obj) != {"alg", "salt", "opslimit", "memlimit"}:
            raise InvalidInputError("KDF params must have exactly alg, salt, opslimit, memlimit")
        alg, salt = obj["alg"], obj["salt"]
        if not isinstance(alg, str) or not isinstance(salt, str):
            raise InvalidInputError("KDF params alg and salt must be strings")
        return cls(
            salt=b64decode(salt),
            opslimit=require_int(obj["opslimit"], "opslimit"),
            memlimit=require_int(obj["memlimit"], "memlimit"),
            alg=alg,
        )


@dataclass(frozen=True)
class PassphraseKeys:
    """The two keys derived from a passphrase (SPEC §3). repr hides them."""

    auth_key: bytes = field(repr=False)  # sent at login; the server keeps a keyed hash
    wrap_key: bytes = field(repr=False)  # wraps the master key; never leaves the client


def new_kdf_params() -> KdfParams:
    """Fresh parameters for a new account or a new passphrase: random salt, floor costs."""
    return KdfParams(salt=random(SALT_BYTES))


def check_kdf_params(params: KdfParams) -> None:
    """Refuse parameters a client must not use (SPEC §3).

    WeakParametersError: alg is not "argon2id13", or costs are below the floor
    (opslimit 3, memlimit 64 MiB) — a hostile server could downgrade them.
    InvalidInputError: salt is not 16 bytes, or costs are above the ceiling
    (opslimit 10, memlimit 256 MiB).
    """
    if not isinstance(params, KdfParams):
        raise InvalidInputError("params must be KdfParams")
    require_bytes(params.salt, "salt", SALT_BYTES)
    opslimit = require_int(params.opslimit, "opslimit")
    memlimit = require_int(params.memlimit, "memlimit")
    if params.alg != ALG_ARGON2ID13:
        raise WeakParametersError("KDF algorithm must be argon2id13")
    if opslimit < OPSLIMIT_MIN or memlimit < MEMLIMIT_MIN:
        raise WeakParametersError("KDF parameters are below the floor (opslimit 3, 64 MiB)")
    if opslimit > OPSLIMIT_MAX or memlimit > MEMLIMIT_MAX:
        raise InvalidInputError("KDF parameters are above the ceiling (opslimit 10, 256 MiB)")


def encode_passphrase(passphrase: str) -> bytes:
    """UTF-8 of the NFC normalisation of `passphrase` (SPEC §3)."""
    if not isinstance(passphrase, str):
        raise InvalidInputError("passphrase must be a str")
    if passphrase == "":
        raise InvalidInputError("passphrase must not be empty")
    try:
        return unicodedata.normalize("NFC", passphrase).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInputError("passphrase is not valid Unicode text") from exc


def passphrase_root(passphrase: str, params: KdfParams) -> bytes:
    """Argon2id13 root of a passphrase (SPEC §3), after checking `params`.

    libsodium.js: crypto_pwhash(32, nfc_utf8, salt, opslimit, memlimit,
    crypto_pwhash_ALG_ARGON2ID13).
    """
    check_kdf_params(params)
    return crypto_pwhash_alg(
        ROOT_BYTES,
        encode_passphrase(passphrase),
        params.salt,
        params.opslimit,
        params.memlimit,
        crypto_pwhash_ALG_ARGON2ID13,
    )


def derive_passphrase_keys(passphrase: str, params: KdfParams) -> PassphraseKeys:
    """auth_key and wrap_key of a passphrase (SPEC §3)."""
    root = passphrase_root(passphrase, params)
    return PassphraseKeys(
        auth_key=subkey(root, purposes.LOGIN),
        wrap_key=subkey(root, purposes.PASSPHRASE_WRAP),
    )
