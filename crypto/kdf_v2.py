"""Format v2 passphrase KDF (SPEC §19): a salt the server cannot share.

The server stores and returns only a random part; the client derives the
Argon2id salt from it together with the territory and the login:

    salt = BLAKE2b-128("coffre/v2/kdf-salt\\n" || uint32be(len T) || T
                        || uint32be(len L) || L || salt_random)

so two accounts (different logins, or different territories) never share a
salt, whatever the server sends. Costs, floor and ceiling are v1's (SPEC §3.1),
with memlimit a multiple of 1024 and a version inside the parameters.
"""

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final

from nacl.bindings import (
    crypto_generichash_blake2b_salt_personal,
    crypto_pwhash_alg,
    crypto_pwhash_ALG_ARGON2ID13,
)
from nacl.utils import random

from crypto import purposes
from crypto._checks import require_bytes
from crypto.encoding import b64encode
from crypto.errors import InvalidInputError, WeakParametersError
from crypto.fields import V2, read_code, read_int, read_key, read_object, read_text
from crypto.kdf import (
    ALG_ARGON2ID13,
    MEMLIMIT,
    MEMLIMIT_MAX,
    MEMLIMIT_MIN,
    OPSLIMIT,
    OPSLIMIT_MAX,
    OPSLIMIT_MIN,
    ROOT_BYTES,
    SALT_BYTES,
    encode_passphrase,
)
from crypto.subkeys import subkey

SALT_RANDOM_BYTES: Final = 16
LOGIN_MAX_BYTES: Final = 255
_MEMBERS: Final = frozenset({"v", "alg", "salt_random", "opslimit", "memlimit"})


@dataclass(frozen=True)
class KdfParamsV2:
    """Per-account v2 parameters as the server stores them (SPEC §19.1)."""

    salt_random: bytes
    opslimit: int = OPSLIMIT
    memlimit: int = MEMLIMIT
    alg: str = ALG_ARGON2ID13

    def to_json(self) -> dict[str, Any]:
        return {
            "v": V2,
            "alg": self.alg,
            "salt_random": b64encode(self.salt_random),
            "opslimit": self.opslimit,
            "memlimit": self.memlimit,
        }

    @classmethod
    def from_json(cls, obj: object) -> "KdfParamsV2":
        """Parse the JSON form (SPEC §19.1 steps 1-2); check_kdf_params_v2 does the rest."""
        params = read_object(obj, _MEMBERS, "")
        if not isinstance(params["alg"], str):
            raise InvalidInputError("alg must be a string")
        return cls(
            salt_random=read_key(params["salt_random"], "salt_random", SALT_RANDOM_BYTES),
            opslimit=read_int(params["opslimit"], "opslimit"),
            memlimit=read_int(params["memlimit"], "memlimit"),
            alg=params["alg"],
        )


@dataclass(frozen=True)
class PassphraseKeysV2:
    """auth_key (sent at login) and wrap_key (wraps the master key, SPEC §5)."""

    auth_key: bytes = field(repr=False)
    wrap_key: bytes = field(repr=False)


def new_kdf_params_v2() -> KdfParamsV2:
    """Fresh v2 parameters: a random part and the floor costs."""
    return KdfParamsV2(salt_random=random(SALT_RANDOM_BYTES))


def check_kdf_params_v2(params: KdfParamsV2) -> None:
    """SPEC §19.1 step 3 onwards, in order: salt_random 16 bytes, integer costs
    and memlimit a multiple of 1024 (InvalidInputError); alg argon2id13 and the
    floor (WeakParametersError); the ceiling (InvalidInputError)."""
    if not isinstance(params, KdfParamsV2):
        raise InvalidInputError("params must be KdfParamsV2")
    require_bytes(params.salt_random, "salt_random", SALT_RANDOM_BYTES)
    opslimit = read_int(params.opslimit, "opslimit")
    memlimit = read_int(params.memlimit, "memlimit")
    if memlimit % 1024:
        raise InvalidInputError("memlimit must be a multiple of 1024 bytes")
    if params.alg != ALG_ARGON2ID13:
        raise WeakParametersError("KDF algorithm must be argon2id13")
    if opslimit < OPSLIMIT_MIN or memlimit < MEMLIMIT_MIN:
        raise WeakParametersError("KDF parameters are below the floor (opslimit 3, 64 MiB)")
    if opslimit > OPSLIMIT_MAX or memlimit > MEMLIMIT_MAX:
        raise InvalidInputError("KDF parameters are above the ceiling (opslimit 10, 256 MiB)")


def encode_login(login: str) -> bytes:
    """UTF-8 of the NFC form of the canonical login, 1..255 bytes (SPEC §19.2)."""
    text = read_text(login, "login", 4 * LOGIN_MAX_BYTES)
    data = unicodedata.normalize("NFC", text).encode("utf-8")
    if len(data) > LOGIN_MAX_BYTES:
        raise InvalidInputError(f"login must be at most {LOGIN_MAX_BYTES} bytes of UTF-8")
    return data


def derive_salt(territory: str, login: str, salt_random: bytes) -> bytes:
    """The 16-byte Argon2id salt of SPEC §19.2. libsodium.js:
    crypto_generichash(16, prefix || uint32be(|T|) || T || uint32be(|L|) || L || salt_random)."""
    t = read_code(territory, "territory").encode("ascii")
    name = encode_login(login)
    part = require_bytes(salt_random, "salt_random", SALT_RANDOM_BYTES)
    message = (
        purposes.KDF_SALT_PREFIX_V2
        + len(t).to_bytes(4, "big")
        + t
        + len(name).to_bytes(4, "big")
        + name
        + part
    )
    return crypto_generichash_blake2b_salt_personal(message, digest_size=SALT_BYTES)


def passphrase_root_v2(
    passphrase: str, params: KdfParamsV2, *, territory: str, login: str
) -> bytes:
    """Argon2id13 root (SPEC §19.3) after checking the parameters."""
    check_kdf_params_v2(params)
    salt = derive_salt(territory, login, params.salt_random)
    return crypto_pwhash_alg(
        ROOT_BYTES,
        encode_passphrase(passphrase),
        salt,
        params.opslimit,
        params.memlimit,
        crypto_pwhash_ALG_ARGON2ID13,
    )


def derive_passphrase_keys_v2(
    passphrase: str, params: KdfParamsV2, *, territory: str, login: str
) -> PassphraseKeysV2:
    """auth_key = subkey(root, "coffre/v2/login"), wrap_key =
    subkey(root, "coffre/v2/passphrase-wrap") (SPEC §19.3)."""
    root = passphrase_root_v2(passphrase, params, territory=territory, login=login)
    return PassphraseKeysV2(
        auth_key=subkey(root, purposes.LOGIN_V2),
        wrap_key=subkey(root, purposes.PASSPHRASE_WRAP_V2),
    )
