"""Passphrase KDF parameters and their floor (SPEC §3)."""

import unicodedata
from dataclasses import replace

import pytest

from crypto import (
    InvalidInputError,
    KdfParams,
    WeakParametersError,
    check_kdf_params,
    derive_passphrase_keys,
    new_kdf_params,
)

SALT = bytes(range(16))
MIB = 1024 * 1024


def test_new_params_are_the_floor_with_a_fresh_16_byte_salt() -> None:
    params = new_kdf_params()
    assert (params.alg, params.opslimit, params.memlimit) == ("argon2id13", 3, 64 * MIB)
    assert len(params.salt) == 16
    assert new_kdf_params().salt != params.salt
    check_kdf_params(params)


@pytest.mark.parametrize(
    "weak",
    [
        KdfParams(SALT, opslimit=2),
        KdfParams(SALT, opslimit=1, memlimit=8 * MIB),
        KdfParams(SALT, memlimit=64 * MIB - 1),
        KdfParams(SALT, alg="argon2i13"),
        KdfParams(SALT, alg="scrypt"),
    ],
)
def test_params_below_the_floor_are_refused_as_a_downgrade(weak: KdfParams) -> None:
    with pytest.raises(WeakParametersError):
        derive_passphrase_keys("correct horse battery staple", weak)


@pytest.mark.parametrize(
    "absurd",
    [
        KdfParams(SALT, opslimit=11),
        KdfParams(SALT, memlimit=256 * MIB + 1),
        KdfParams(SALT[:8]),
        KdfParams(SALT, opslimit=True),
    ],
)
def test_absurd_params_are_refused_as_invalid(absurd: KdfParams) -> None:
    with pytest.raises(InvalidInputError):
        check_kdf_params(absurd)


def test_the_ceiling_itself_is_accepted() -> None:
    check_kdf_params(KdfParams(SALT, opslimit=10, memlimit=256 * MIB))


def test_passphrase_is_normalised_to_nfc_before_hashing() -> None:
    params = KdfParams(SALT)
    nfc = derive_passphrase_keys(unicodedata.normalize("NFC", "Café fort 7 mots"), params)
    nfd = derive_passphrase_keys(unicodedata.normalize("NFD", "Café fort 7 mots"), params)
    assert nfc == nfd
    assert nfc.auth_key != nfc.wrap_key


def test_an_empty_passphrase_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        derive_passphrase_keys("", KdfParams(SALT))


def test_derived_keys_are_hidden_from_repr() -> None:
    keys = derive_passphrase_keys("correct horse battery staple", KdfParams(SALT))
    assert keys.auth_key.hex() not in repr(keys) and str(keys.auth_key) not in repr(keys)
    assert str(keys.wrap_key) not in repr(keys)


def test_params_round_trip_through_their_json_form() -> None:
    params = KdfParams(SALT)
    assert params.to_json() == {
        "alg": "argon2id13",
        "salt": "AAECAwQFBgcICQoLDA0ODw",
        "opslimit": 3,
        "memlimit": 67108864,
    }
    assert KdfParams.from_json(params.to_json()) == params


def test_params_json_with_a_missing_field_is_refused() -> None:
    obj = KdfParams(SALT).to_json()
    del obj["memlimit"]
    with pytest.raises(InvalidInputError):
        KdfParams.from_json(obj)


def test_params_json_from_a_hostile_server_is_still_checked_before_use() -> None:
    weak = KdfParams.from_json(replace(KdfParams(SALT), opslimit=1).to_json())
    with pytest.raises(WeakParametersError):
        check_kdf_params(weak)
