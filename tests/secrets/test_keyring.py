"""The keyring (COFFRE_SECRET_KEYS) as the settings read it: its format, the development
secret accepted only where COFFRE_ENVIRONMENT=development is set, derivation per purpose
and per entry, boxes bound to their row and their key id; never a secret in a message."""

from __future__ import annotations

import secrets

import pytest
from pydantic import ValidationError

from coffre.secrets.keyring import Keyring, SecretKeyRetired, parse_keyring
from coffre.settings import DEVELOPMENT_SECRET_KEY, Settings, WeakSecret

A, B = secrets.token_urlsafe(40), secrets.token_urlsafe(40)


def test_the_development_secret_needs_the_environment_set_to_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COFFRE_SECRET_KEY", raising=False)
    monkeypatch.delenv("COFFRE_ENVIRONMENT", raising=False)
    # "development" by default is not "development" set: refused once a secret is used
    # (a command that uses none, `coffre audit verify --file`, still runs).
    unset = Settings()
    with pytest.raises(WeakSecret, match="COFFRE_ENVIRONMENT=development"):
        unset.keyring  # noqa: B018
    with pytest.raises(WeakSecret):
        Settings(environment="test", secret_key=DEVELOPMENT_SECRET_KEY).keyring  # noqa: B018
    with pytest.raises(ValidationError, match="COFFRE_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET_KEY)  # at start
    monkeypatch.setenv("COFFRE_ENVIRONMENT", "development")
    assert Settings().keyring.kids == ("k0",)
    assert Settings(environment="development").keyring.kids == ("k0",)


def test_every_entry_of_the_ring_is_checked_and_no_secret_is_shown() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(environment="production", secret_keys=f"k2:{A},k1:short-{B[:10]}")
    assert "'k1'" in str(refused.value) and B[:10] not in str(refused.value)
    for bad in (f"K1:{A}", f"k1{A}", f"k1:{A},k1:{B}", f"k1:,k2:{A}", " , "):
        with pytest.raises(ValidationError) as refused:
            Settings(environment="production", secret_keys=bad)
        assert A not in str(refused.value) and B not in str(refused.value)
    settings = Settings(environment="production", secret_keys=f"k2:{A}, k1:{B}", secret_key=A)
    assert settings.keyring.kids == ("k2", "k1") and settings.keyring.newest == "k2"
    for shown in (
        repr(settings),
        str(settings),
        repr(settings.keyring),
        repr(settings.keyring_entries),
    ):
        assert A not in shown and B not in shown


def test_derived_keys_differ_per_purpose_and_per_entry_and_old_entries_verify() -> None:
    ring = Keyring(parse_keyring(f"b:{B},a:{A}"))
    only_a = Keyring(parse_keyring(f"a:{A}"))
    assert ring.derive("coffre/csrf/v2") == ring.derive("coffre/csrf/v2", "b")
    assert ring.derive("coffre/csrf/v2", "a") == only_a.derive("coffre/csrf/v2")
    assert ring.derive("coffre/csrf/v2") != ring.derive("coffre/login-throttle/v2")
    assert ring.derive_all("x") == [ring.derive("x", "b"), ring.derive("x", "a")]
    assert len(set(ring.derive_all("x"))) == 2


def test_a_box_opens_under_its_key_id_for_its_row_only() -> None:
    old = Keyring(parse_keyring(f"a:{A}"))
    kid, box = old.seal("label", b"row-1", b"seed")
    assert kid == "a"
    both = Keyring(parse_keyring(f"b:{B},a:{A}"))
    assert both.open("label", "a", b"row-1", box) == b"seed"
    with pytest.raises(SecretKeyRetired):
        both.open("label", "a", b"row-2", box)  # moved to another row
    with pytest.raises(SecretKeyRetired):
        both.open("other-label", "a", b"row-1", box)
    with pytest.raises(SecretKeyRetired) as retired:
        Keyring(parse_keyring(f"b:{B}")).open("label", "a", b"row-1", box)
    assert retired.value.code == "secret_key_retired" and "« a »" in retired.value.message_fr
    assert both.seal("label", b"row-1", b"seed")[0] == "b"
