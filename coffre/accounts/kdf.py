"""An account's passphrase KDF parameters, v1 (SPEC §3) or v2 (SPEC §19), on the server.

The server stores what the client chose and returns it at login; it checks new
parameters exactly as a client would (SPEC §3.1, §19.1), so a client never meets
parameters it must refuse. The columns are the same for both versions:
``kdf_salt`` holds the v1 salt, or the v2 ``salt_random`` (16 bytes either way;
the v2 salt itself is derived by the client from the territory, the login and
this random part, never by the server). ``kdf_version`` says which.

Once an account's KDF is v2 it never goes back: a v1 passphrase (a page or a
client of an older version) is refused with ``format_v1_refused``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from coffre.accounts.errors import InvalidKeyMaterial, KdfV1Refused, WeakKdfParameters
from coffre.accounts.models import Account
from crypto import InvalidInputError as CryptoInvalidInput
from crypto import KdfParams, WeakParametersError, b64encode, check_kdf_params
from crypto.kdf_v2 import KdfParamsV2, check_kdf_params_v2

AccountKdf = KdfParams | KdfParamsV2
KDF_V1: Final = 1
KDF_V2: Final = 2
SALT_SIZE: Final = 16


def version_of(params: AccountKdf) -> int:
    return KDF_V2 if isinstance(params, KdfParamsV2) else KDF_V1


def check_kdf(params: AccountKdf) -> None:
    """New parameters, checked as a client checks them: ``weak_kdf_parameters`` below
    the floor or another algorithm, ``invalid_key_material`` for anything malformed."""
    try:
        if isinstance(params, KdfParamsV2):
            check_kdf_params_v2(params)
        else:
            check_kdf_params(params)
    except WeakParametersError as exc:
        raise WeakKdfParameters() from exc
    except CryptoInvalidInput as exc:
        raise InvalidKeyMaterial() from exc


def refuse_downgrade(account: Account, params: AccountKdf) -> None:
    """``format_v1_refused`` for v1 parameters on an account whose KDF is already v2."""
    if account.kdf_version >= KDF_V2 and version_of(params) < KDF_V2:
        raise KdfV1Refused()


def kdf_of(account: Account) -> AccountKdf:
    """The account's stored parameters, in the version they were made in."""
    if account.kdf_version >= KDF_V2:
        return KdfParamsV2(
            salt_random=account.kdf_salt,
            opslimit=account.kdf_opslimit,
            memlimit=account.kdf_memlimit,
            alg=account.kdf_alg,
        )
    return KdfParams(
        salt=account.kdf_salt,
        opslimit=account.kdf_opslimit,
        memlimit=account.kdf_memlimit,
        alg=account.kdf_alg,
    )


def store_kdf(account: Account, params: AccountKdf) -> None:
    """Write new (already checked) parameters into the account's columns."""
    account.kdf_version = version_of(params)
    account.kdf_alg = params.alg
    account.kdf_salt = params.salt_random if isinstance(params, KdfParamsV2) else params.salt
    account.kdf_opslimit = params.opslimit
    account.kdf_memlimit = params.memlimit


def fake_kdf(secret: bytes, login: str) -> KdfParamsV2:
    """Parameters for a login no account holds: v2, like every new account's, with a
    random part that is the same at every ask (a keyed hash of the login), so
    asking twice does not tell an unknown login from a real one."""
    digest = hmac.new(
        secret, b"coffre/v2/fake-salt-random\n" + login.encode(), hashlib.sha256
    ).digest()
    return KdfParamsV2(salt_random=digest[:SALT_SIZE])


def kdf_fields(params: AccountKdf) -> dict[str, str | int]:
    """The parameters as the pending reset's JSON bundle keeps them."""
    salt = params.salt_random if isinstance(params, KdfParamsV2) else params.salt
    return {
        "kdf_version": version_of(params),
        "kdf_alg": params.alg,
        "kdf_salt": b64encode(salt),
        "kdf_opslimit": params.opslimit,
        "kdf_memlimit": params.memlimit,
    }
