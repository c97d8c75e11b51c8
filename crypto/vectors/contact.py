"""The trusted-contact vectors of crypto/vectors/v2.json (SPEC §28.5)."""

from typing import Any

from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519

from crypto import aead
from crypto.contact_recovery import (
    auth_hash,
    contact_auth_key,
    contact_seal_public,
    contact_wrap_key,
    wrap_master_key_for_contact,
)
from crypto.purposes import AD_MASTER_KEY_RECOVERY
from crypto.vectors.generate import Vector, _flip, fixed
from crypto.vectors.v2 import keys, seal, v

CONTACT = keys("trusted contact (a person)")
OTHER_CONTACT = keys("another trusted contact")
MASTER_KEY = fixed("coffre vectors v2: contact master key", 32)
KEY = fixed("coffre vectors v2: contact-recovery key", 32)
SERVER_SHARE = fixed("coffre vectors v2: contact server share", 32)
OTHER_SERVER_SHARE = fixed("coffre vectors v2: another arrangement's server share", 32)
NONCE = fixed("coffre vectors v2: contact wrap nonce", 24)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _inputs(**changes: Any) -> dict[str, Any]:
    contact_share = _xor(KEY, SERVER_SHARE)
    seal_to = crypto_sign_ed25519_pk_to_curve25519(CONTACT.sign_public)
    values: dict[str, Any] = {
        "master_key": MASTER_KEY,
        "key": KEY,
        "server_share": SERVER_SHARE,
        "nonce": NONCE,
        "contact_sign_public": CONTACT.sign_public,
        "contact_sign_seed": CONTACT.sign_seed,
        "sealed_share": seal(contact_share, seal_to, "contact share"),
        "wrapped_master_contact": wrap_master_key_for_contact(MASTER_KEY, KEY, nonce=NONCE),
    }
    values.update(changes)
    return {name: value.hex() for name, value in values.items()}


def contact_vectors() -> list[Vector]:
    name = "contact_recovery"
    auth = contact_auth_key(KEY)
    ok = v(
        "contact recovery: the share and the server share rebuild K and open the master key",
        name,
        _inputs(),
        "ok",
        {
            "key": KEY.hex(),
            "contact_share": _xor(KEY, SERVER_SHARE).hex(),
            "seal_public": contact_seal_public(CONTACT.sign_public).hex(),
            "wrap_key": contact_wrap_key(KEY).hex(),
            "auth_key": auth.hex(),
            "auth_hash": auth_hash(auth).hex(),
            "master_key": MASTER_KEY.hex(),
        },
    )
    other_seal = crypto_sign_ed25519_pk_to_curve25519(OTHER_CONTACT.sign_public)
    wrapped = wrap_master_key_for_contact(MASTER_KEY, KEY, nonce=NONCE)
    recovery_ad = aead.seal_blob(
        contact_wrap_key(KEY), MASTER_KEY, AD_MASTER_KEY_RECOVERY, nonce=NONCE
    )
    # A sign key that is not a point: y = 2 has no x on the curve.
    not_a_point = (2).to_bytes(32, "little")
    return [
        ok,
        v(
            "contact recovery: a share sealed to another contact does not open",
            name,
            _inputs(sealed_share=seal(_xor(KEY, SERVER_SHARE), other_seal, "contact share other")),
            "wrong_key",
        ),
        v(
            "contact recovery: the server share of another arrangement",
            name,
            _inputs(server_share=OTHER_SERVER_SHARE),
            "wrong_key",
        ),
        v(
            "contact recovery: right key, wrong purpose (the recovery wrapping's associated data)",
            name,
            _inputs(wrapped_master_contact=recovery_ad),
            "wrong_purpose",
        ),
        v(
            "contact recovery: wrapped master key with a flipped tag bit",
            name,
            _inputs(wrapped_master_contact=_flip(wrapped, len(wrapped) - 1)),
            "tampered",
        ),
        v(
            "contact recovery: a 31-byte server share",
            name,
            _inputs(server_share=SERVER_SHARE[:31]),
            "invalid_input",
        ),
        v(
            "contact recovery: a 79-byte sealed share",
            name,
            _inputs(sealed_share=bytes.fromhex(_inputs()["sealed_share"])[:79]),
            "invalid_input",
        ),
        v(
            "contact recovery: a contact sign key that is not a point",
            name,
            _inputs(contact_sign_public=not_a_point),
            "invalid_input",
        ),
        v(
            "contact recovery: wrapped master key of blob version 2",
            name,
            _inputs(wrapped_master_contact=b"\x02" + wrapped[1:]),
            "wrong_version",
        ),
    ]
