"""Account flows (SPEC §3–§6): create, open, recover, change the passphrase."""

import pytest

import crypto
from crypto import (
    DecryptionError,
    InvalidInputError,
    KdfParams,
    UnsupportedVersionError,
    WeakParametersError,
)

PASSPHRASE = "Café fort 7 mots"


@pytest.fixture(scope="module")
def account() -> crypto.NewAccount:
    return crypto.create_account(PASSPHRASE)


def open_with(account: crypto.NewAccount, passphrase: str) -> crypto.AccountKeys:
    return crypto.open_account(
        passphrase,
        account.kdf_params,
        account.wrapped_master_passphrase,
        account.wrapped_keyring,
        account.keys.box_public,
        account.keys.sign_public,
    )


def test_a_new_account_opens_with_its_passphrase(account: crypto.NewAccount) -> None:
    assert open_with(account, PASSPHRASE) == account.keys


def test_a_new_account_has_blobs_of_the_specified_sizes(account: crypto.NewAccount) -> None:
    assert len(account.wrapped_master_passphrase) == 73
    assert len(account.wrapped_master_recovery) == 73
    assert len(account.wrapped_keyring) == 105
    assert account.auth_key != account.recovery_auth_key


def test_a_wrong_passphrase_gives_a_decryption_error(account: crypto.NewAccount) -> None:
    with pytest.raises(DecryptionError):
        open_with(account, "Café fort 7 mot")


def test_the_auth_key_is_the_one_derived_from_the_passphrase(account: crypto.NewAccount) -> None:
    keys = crypto.derive_passphrase_keys(PASSPHRASE, account.kdf_params)
    assert keys.auth_key == account.auth_key


def test_weak_params_from_the_server_are_refused_before_any_unwrap(
    account: crypto.NewAccount,
) -> None:
    weak = KdfParams(account.kdf_params.salt, opslimit=1, memlimit=8 * 1024 * 1024)
    with pytest.raises(WeakParametersError):
        crypto.open_account(
            PASSPHRASE,
            weak,
            account.wrapped_master_passphrase,
            account.wrapped_keyring,
            account.keys.box_public,
            account.keys.sign_public,
        )


def test_the_recovery_code_opens_the_account_and_sets_a_new_passphrase(
    account: crypto.NewAccount,
) -> None:
    secret = crypto.parse_recovery_code(crypto.format_recovery_code(account.recovery_secret))
    master, keys = crypto.open_account_with_recovery(
        secret,
        account.wrapped_master_recovery,
        account.wrapped_keyring,
        account.keys.box_public,
        account.keys.sign_public,
    )
    assert keys == account.keys
    assert crypto.derive_recovery_keys(secret).auth_key == account.recovery_auth_key
    change = crypto.rewrap_for_new_passphrase(master, "une toute nouvelle phrase")
    assert change.kdf_params.salt != account.kdf_params.salt
    reopened = crypto.open_account(
        "une toute nouvelle phrase",
        change.kdf_params,
        change.wrapped_master_passphrase,
        account.wrapped_keyring,
        account.keys.box_public,
        account.keys.sign_public,
    )
    assert reopened == account.keys


def test_a_wrong_recovery_secret_gives_a_decryption_error(account: crypto.NewAccount) -> None:
    with pytest.raises(DecryptionError):
        crypto.open_account_with_recovery(
            bytes(16),
            account.wrapped_master_recovery,
            account.wrapped_keyring,
            account.keys.box_public,
            account.keys.sign_public,
        )


def test_the_master_key_opened_with_the_passphrase_can_be_rewrapped(
    account: crypto.NewAccount,
) -> None:
    master = crypto.open_master_key(
        PASSPHRASE, account.kdf_params, account.wrapped_master_passphrase
    )
    assert (
        crypto.unwrap_keyring(
            account.wrapped_keyring, master, account.keys.box_public, account.keys.sign_public
        )
        == account.keys
    )


def test_secrets_never_appear_in_reprs(account: crypto.NewAccount) -> None:
    text = repr(account)
    for secret in (
        account.auth_key,
        account.recovery_auth_key,
        account.recovery_secret,
        account.keys.box_secret,
        account.keys.sign_seed,
    ):
        assert str(secret) not in text
        assert secret.hex() not in text
    assert str(account.keys.box_public) in repr(account.keys)


def test_a_master_key_wrapped_for_one_purpose_does_not_open_as_the_other() -> None:
    master, wrap_key = crypto.new_master_key(), bytes(range(32))
    blob = crypto.wrap_master_key(master, wrap_key, "passphrase")
    assert crypto.unwrap_master_key(blob, wrap_key, "passphrase") == master
    with pytest.raises(DecryptionError):
        crypto.unwrap_master_key(blob, wrap_key, "recovery")


def test_an_unknown_wrapper_name_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        crypto.wrap_master_key(bytes(32), bytes(32), "password")  # type: ignore[arg-type]


def test_a_wrapped_master_key_of_another_version_is_unsupported() -> None:
    blob = crypto.wrap_master_key(bytes(32), bytes(32), "recovery")
    with pytest.raises(UnsupportedVersionError):
        crypto.unwrap_master_key(b"\x02" + blob[1:], bytes(32), "recovery")


def test_a_keyring_presented_with_another_accounts_public_keys_is_refused() -> None:
    keys, other = crypto.generate_account_keys(), crypto.generate_account_keys()
    master = crypto.new_master_key()
    blob = crypto.wrap_keyring(keys, master)
    with pytest.raises(DecryptionError):
        crypto.unwrap_keyring(blob, master, other.box_public, keys.sign_public)


def test_generated_key_pairs_are_consistent_and_independent() -> None:
    keys = crypto.generate_account_keys()
    assert crypto.account_keys_from_secrets(keys.box_secret, keys.sign_seed) == keys
    assert keys.box_secret != keys.sign_seed
