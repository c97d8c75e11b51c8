"""Recovery through a trusted contact (SPEC §28): the two shares, and nothing less,
open the master key; each share alone is refused; a fresh arrangement shares nothing
with the last."""

import pytest

import crypto
from crypto import contact_recovery as cr
from crypto.errors import DecryptionError, InvalidInputError


def _keys(label: str) -> crypto.AccountKeys:
    return crypto.generate_account_keys()


def test_the_contact_and_the_server_share_together_open_the_master_key() -> None:
    master_key = crypto.new_master_key()
    contact = _keys("contact")
    named = cr.name_contact(master_key, contact.sign_public)
    assert len(named.wrapped_master_key) == 73 and len(named.sealed_share) == 80
    key = cr.rebuild_contact_key(named.sealed_share, named.server_share, contact.sign_seed)
    assert key == named.key
    assert cr.open_master_key_for_contact(key, named.wrapped_master_key) == master_key
    assert cr.same_auth(cr.contact_auth_key(key), cr.auth_hash(named.auth_key))


def test_the_server_share_alone_does_not_open_the_master_key() -> None:
    master_key = crypto.new_master_key()
    named = cr.name_contact(master_key, _keys("contact").sign_public)
    with pytest.raises(DecryptionError):
        cr.open_master_key_for_contact(named.server_share, named.wrapped_master_key)


def test_the_contact_without_the_server_share_does_not_open_it() -> None:
    master_key = crypto.new_master_key()
    contact = _keys("contact")
    named = cr.name_contact(master_key, contact.sign_public)
    wrong = cr.rebuild_contact_key(named.sealed_share, bytes(32), contact.sign_seed)
    with pytest.raises(DecryptionError):
        cr.open_master_key_for_contact(wrong, named.wrapped_master_key)


def test_another_account_cannot_open_the_sealed_share() -> None:
    named = cr.name_contact(crypto.new_master_key(), _keys("contact").sign_public)
    with pytest.raises(DecryptionError):
        cr.rebuild_contact_key(named.sealed_share, named.server_share, _keys("x").sign_seed)


def test_the_contact_wrapping_is_not_a_passphrase_or_recovery_wrapping() -> None:
    master_key = crypto.new_master_key()
    named = cr.name_contact(master_key, _keys("contact").sign_public)
    with pytest.raises(DecryptionError):
        crypto.unwrap_master_key(
            named.wrapped_master_key, cr.contact_wrap_key(named.key), "recovery"
        )


def test_naming_again_draws_a_fresh_key_and_fresh_shares() -> None:
    master_key = crypto.new_master_key()
    contact = _keys("contact")
    first = cr.name_contact(master_key, contact.sign_public)
    second = cr.name_contact(master_key, contact.sign_public)
    assert first.key != second.key and first.server_share != second.server_share
    assert first.auth_key != second.auth_key
    key = cr.rebuild_contact_key(first.sealed_share, second.server_share, contact.sign_seed)
    with pytest.raises(DecryptionError):
        cr.open_master_key_for_contact(key, second.wrapped_master_key)


@pytest.mark.parametrize("size", [0, 31, 33])
def test_a_sign_key_of_the_wrong_length_is_invalid_input(size: int) -> None:
    with pytest.raises(InvalidInputError):
        cr.name_contact(crypto.new_master_key(), bytes(size))


def test_an_authenticator_of_another_arrangement_does_not_match() -> None:
    contact = _keys("contact")
    first = cr.name_contact(crypto.new_master_key(), contact.sign_public)
    second = cr.name_contact(crypto.new_master_key(), contact.sign_public)
    assert not cr.same_auth(second.auth_key, cr.auth_hash(first.auth_key))
