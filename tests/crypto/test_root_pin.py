"""The v1 trust root (SPEC §15) pinned by its v2 pin (§25): the spoken form, the QR
payload, or a v1 fingerprint a client kept from before v2; anything else is refused."""

from __future__ import annotations

import pytest

from crypto import fingerprint
from crypto.certificates import root_pinned, root_statement, sign_root, verify_root
from crypto.errors import InvalidInputError, SignatureError
from crypto.keyring import generate_account_keys
from crypto.pins import pin_qr_payload, pin_spoken

ROOT = generate_account_keys()
OTHER = generate_account_keys()
ENVELOPE = sign_root(
    root_statement(
        territory="63",
        box_public=ROOT.box_public,
        sign_public=ROOT.sign_public,
        issued_at="2026-01-01T00:00:00Z",
    ),
    ROOT.sign_seed,
)


@pytest.mark.parametrize(
    "pin",
    [
        pin_spoken(ROOT.sign_public),
        pin_spoken(ROOT.sign_public).lower().replace(" ", "-"),
        pin_qr_payload(ROOT.sign_public),
        fingerprint(ROOT.sign_public),
    ],
    ids=["spoken", "spoken-lowercase-dashes", "qr", "v1-fingerprint"],
)
def test_the_root_is_pinned_by_its_v2_pin_or_a_kept_v1_fingerprint(pin: str) -> None:
    assert root_pinned(ROOT.sign_public, pin)
    assert verify_root(ENVELOPE, pin)["type"] == "coffre/trust-root"


@pytest.mark.parametrize(
    "pin",
    [
        pin_spoken(OTHER.sign_public),
        pin_qr_payload(OTHER.sign_public),
        fingerprint(OTHER.sign_public),
    ],
    ids=["spoken", "qr", "v1-fingerprint"],
)
def test_another_key_s_pin_is_refused(pin: str) -> None:
    with pytest.raises(SignatureError):
        verify_root(ENVELOPE, pin)


@pytest.mark.parametrize("pin", ["", "1234", "0123 4567 8901 2345 6789 012", "COFFRE:V2:PIN:AAAA"])
def test_a_malformed_pin_is_invalid_input(pin: str) -> None:
    with pytest.raises(InvalidInputError):
        verify_root(ENVELOPE, pin)
