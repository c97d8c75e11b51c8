"""Subkeys (SPEC §2)."""

import hashlib

import pytest

from crypto import InvalidInputError, subkey
from crypto.purposes import ALL_PURPOSES


def test_subkey_is_keyed_blake2b_256_of_the_purpose() -> None:
    parent = bytes(range(32))
    for purpose in ALL_PURPOSES:
        expected = hashlib.blake2b(purpose.encode(), key=parent, digest_size=32).digest()
        assert subkey(parent, purpose) == expected


def test_each_purpose_gives_a_different_key() -> None:
    keys = {subkey(bytes(32), purpose) for purpose in ALL_PURPOSES}
    assert len(keys) == len(ALL_PURPOSES)


@pytest.mark.parametrize("size", [0, 15, 65])
def test_parent_key_outside_16_to_64_bytes_is_refused(size: int) -> None:
    with pytest.raises(InvalidInputError):
        subkey(bytes(size), "coffre/v1/content")


def test_an_unknown_purpose_is_refused_so_a_typo_cannot_make_a_new_key() -> None:
    with pytest.raises(InvalidInputError):
        subkey(bytes(32), "coffre/v1/contents")
