"""The organiser vectors, crypto/vectors/organiser.json (SPEC §30.6).

    .venv/bin/python -m crypto.vectors.organiser            # rewrite organiser.json
    .venv/bin/python -m crypto.vectors.organiser --check    # compare byte for byte

Every vector is deterministic: fixed keys and secretstream headers derived from
labels, sealed boxes built from a fixed ephemeral key as §27 builds them (Ed25519 is
deterministic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from nacl.bindings import sodium_pad
from nacl.signing import SigningKey

from crypto.encoding import canonical_json
from crypto.organiser import (
    ITEM_CHUNK_SIZE,
    NOTE_TEXT_MAX,
    REMINDER_DOMAIN,
    item_bucket,
    item_context,
    item_plaintext,
    item_signed_message,
    reminder_bucket,
    reminder_plaintext,
    seal_item,
)
from crypto.stream_v2 import encrypt_bytes_v2
from crypto.vectors import generate
from crypto.vectors.generate import Vector, _flip, fixed
from crypto.vectors.v2 import OUTCOMES_V2, ident, keys, seal, v

PATH: Final = Path(__file__).with_name("organiser.json")
ITEM: Final = "organiser_item"
REMINDER: Final = "reminder_text"

OWNER = keys("organiser: the person")
STRANGER = keys("organiser: someone else")
OWNER_ID: Final = ident("organiser owner")
OTHER_OWNER_ID: Final = ident("organiser another account")
ITEM_ID: Final = ident("organiser item")
OTHER_ITEM_ID: Final = ident("organiser another item")
DOC_KEY: Final = fixed("coffre vectors organiser: document key", 32)
OTHER_DOC_KEY: Final = fixed("coffre vectors organiser: another document key", 32)
HEADER: Final = fixed("coffre vectors organiser: secretstream header", 24)
SEALED: Final = seal(DOC_KEY, OWNER.box_public, "organiser item")

NOTE: Final = {"v": 1, "kind": "note", "text": "Rappeler la CAF avant le 15.\nNuméro : 3230"}
CONTACT: Final = {
    "v": 1,
    "kind": "contact",
    "name": "Mme Dupont",
    "relation": "professional",
    "phone": "04 73 00 00 00",
    "email": "a.dupont@ccas.example",
    "structure": "CCAS de Clermont-Ferrand",
    "note": 'Le mardi matin. Dire "RSA".',
}
FRIEND: Final = {
    "v": 1,
    "kind": "contact",
    "name": "Karim",
    "relation": "volunteer",
    "phone": "",
    "email": "",
    "structure": "",
    "note": "",
}
APPOINTMENT: Final = {
    "v": 1,
    "kind": "appointment",
    "starts_at": "2027-03-02T08:30:00Z",
    "ends_at": "2027-03-02T09:00:00Z",
    "place": "Mission locale, 12 rue Blatin",
    "with_whom": "M. Martin (conseiller)",
    "note": "Apporter la pièce d'identité",
    "reminder_id": ident("organiser reminder"),
}
OPEN_APPOINTMENT: Final = {
    **APPOINTMENT,
    "ends_at": None,
    "reminder_id": None,
    "place": "",
    "with_whom": "",
    "note": "",
}
REMINDER_TEXT: Final = "Déclaration trimestrielle CAF"


def _stream(padded: bytes, key: bytes = DOC_KEY) -> bytes:
    return encrypt_bytes_v2(key, padded, ITEM_CHUNK_SIZE, secretstream_header=HEADER)


def _raw_item(
    padded: bytes,
    *,
    sealed: bytes = SEALED,
    key: bytes = DOC_KEY,
    owner_id: str = OWNER_ID,
    item_id: str = ITEM_ID,
) -> bytes:
    """An item around any padded plaintext, signed by the owner as §30.3 says (for the
    vectors an owner could write but a reader must refuse)."""
    stream = _stream(padded, key)
    message = item_signed_message(item_context(owner_id, item_id), sealed, stream)
    return b"\x01" + sealed + SigningKey(OWNER.sign_seed).sign(message).signature + stream


def _pad(json: bytes, bucket: int | None = None) -> bytes:
    return bytes(sodium_pad(json, bucket or item_bucket(len(json))))


def _item_inputs(
    data: bytes,
    *,
    owner_id: str = OWNER_ID,
    item_id: str = ITEM_ID,
    sign_public: bytes | None = None,
    reader: Any = OWNER,
) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "item_id": item_id,
        "sign_public": (sign_public or OWNER.sign_public).hex(),
        "box_public": reader.box_public.hex(),
        "box_secret": reader.box_secret.hex(),
        "item": data.hex(),
    }


def _good(item: dict[str, Any]) -> bytes:
    return seal_item(
        item,
        owner_id=OWNER_ID,
        item_id=ITEM_ID,
        box_public=OWNER.box_public,
        sign_seed=OWNER.sign_seed,
        doc_key=DOC_KEY,
        secretstream_header=HEADER,
        sealed_key=SEALED,
    )


def _ok_item(label: str, item: dict[str, Any]) -> Vector:
    data = _good(item)
    context = item_context(OWNER_ID, ITEM_ID)
    plaintext = item_plaintext(item)
    inputs = _item_inputs(data) | {
        "plaintext_item": item,
        "sign_seed": OWNER.sign_seed.hex(),
        "doc_key": DOC_KEY.hex(),
        "secretstream_header": HEADER.hex(),
        "sealed_key": SEALED.hex(),
    }
    expected = {
        "item": item,
        "context": context.hex(),
        "plaintext": plaintext.hex(),
        "bucket": item_bucket(len(plaintext)),
        "signed_message": item_signed_message(context, SEALED, data[145:]).hex(),
    }
    return v(label, ITEM, inputs, "ok", expected)


def item_vectors() -> list[Vector]:
    good = _good(NOTE)
    plaintext = item_plaintext(NOTE)

    def bad(label: str, outcome: str, data: bytes, **kw: Any) -> Vector:
        return v(label, ITEM, _item_inputs(data, **kw), outcome)

    def bad_json(label: str, outcome: str, obj: dict[str, Any]) -> Vector:
        return bad(label, outcome, _raw_item(_pad(canonical_json(obj))))

    return [
        _ok_item("organiser: a note with a line feed", NOTE),
        _ok_item("organiser: a professional's contact, quotes escaped", CONTACT),
        _ok_item("organiser: a bénévole with only a name", FRIEND),
        _ok_item("organiser: an appointment with its reminder", APPOINTMENT),
        _ok_item("organiser: an appointment with no end, place or reminder", OPEN_APPOINTMENT),
        _ok_item("organiser: an empty note", {"v": 1, "kind": "note", "text": ""}),
        _ok_item(
            "organiser: 8000 characters of four UTF-8 bytes each fill the 32768 bucket",
            {"v": 1, "kind": "note", "text": "\U0001f600" * NOTE_TEXT_MAX},
        ),
        bad(
            "organiser: read as another account's (the server moved it)",
            "bad_signature",
            good,
            owner_id=OTHER_OWNER_ID,
        ),
        bad(
            "organiser: read under another item id (the server swapped them)",
            "bad_signature",
            good,
            item_id=OTHER_ITEM_ID,
        ),
        bad(
            "organiser: signed by someone else than the owner",
            "bad_signature",
            good,
            sign_public=STRANGER.sign_public,
        ),
        bad("organiser: a flipped stream bit", "bad_signature", _flip(good, len(good) - 1)),
        bad("organiser: a flipped sealed-key bit", "bad_signature", _flip(good, 10)),
        bad("organiser: a flipped signature bit", "bad_signature", _flip(good, 100)),
        bad(
            "organiser: opened by someone else (sealed to the owner only)",
            "wrong_key",
            good,
            reader=STRANGER,
        ),
        bad(
            "organiser: the owner signed a stream under another key than the sealed one",
            "wrong_key",
            _raw_item(_pad(plaintext), key=OTHER_DOC_KEY),
        ),
        bad("organiser: item version 2", "wrong_version", b"\x02" + good[1:]),
        bad("organiser: a truncated item", "invalid_input", good[:-1]),
        bad("organiser: shorter than its head", "invalid_input", good[:144]),
        bad(
            "organiser: padded beyond its smallest bucket",
            "bad_padding",
            _raw_item(_pad(plaintext, 1024)),
        ),
        bad(
            "organiser: padding that is not 0x80 then zeros",
            "bad_padding",
            _raw_item(plaintext + b"\x00" * (512 - len(plaintext))),
        ),
        bad(
            "organiser: JSON members not in canonical order",
            "not_canonical",
            _raw_item(_pad(b'{"v":1,"kind":"note","text":"x"}')),
        ),
        bad_json(
            'organiser: inner "v" is 2', "wrong_version", {"v": 2, "kind": "note", "text": "x"}
        ),
        bad_json(
            "organiser: an unknown kind", "invalid_input", {"v": 1, "kind": "task", "text": "x"}
        ),
        bad_json(
            "organiser: an extra member",
            "invalid_input",
            {"v": 1, "kind": "note", "text": "x", "title": "y"},
        ),
        bad_json(
            "organiser: a contact without its email member",
            "invalid_input",
            {k: val for k, val in CONTACT.items() if k != "email"},
        ),
        bad_json(
            "organiser: a tab in a contact's name",
            "invalid_input",
            {**CONTACT, "name": "Mme\tDupont"},
        ),
        bad_json(
            "organiser: a line feed in a phone number",
            "invalid_input",
            {**CONTACT, "phone": "04\n73"},
        ),
        bad_json(
            "organiser: a contact with an empty name", "invalid_input", {**FRIEND, "name": ""}
        ),
        bad_json(
            "organiser: an unknown relation", "invalid_input", {**FRIEND, "relation": "cousin"}
        ),
        bad_json(
            "organiser: an appointment ending before it starts",
            "invalid_input",
            {**APPOINTMENT, "ends_at": "2027-03-02T08:00:00Z"},
        ),
        bad_json(
            "organiser: an appointment time with an offset",
            "invalid_input",
            {**APPOINTMENT, "starts_at": "2027-03-02T09:30:00+01:00"},
        ),
        bad_json(
            "organiser: a reminder id that is not an id",
            "invalid_input",
            {**APPOINTMENT, "reminder_id": "R1"},
        ),
        bad_json(
            "organiser: 8001 characters",
            "invalid_input",
            {"v": 1, "kind": "note", "text": "a" * (NOTE_TEXT_MAX + 1)},
        ),
    ]


# --- §31 -----------------------------------------------------------------------------


def _reminder_inputs(
    sealed: bytes, *, reader: Any = OWNER, sign_public: bytes | None = None
) -> dict[str, Any]:
    return {
        "sealed": sealed.hex(),
        "box_public": reader.box_public.hex(),
        "box_secret": reader.box_secret.hex(),
        "sign_public": (sign_public or OWNER.sign_public).hex(),
    }


def _inner(
    json: bytes, *, bucket: int | None = None, version: int = 1, padded: bytes | None = None
) -> bytes:
    body = (
        padded
        if padded is not None
        else bytes(sodium_pad(json, bucket or reminder_bucket(len(json))))
    )
    signature = SigningKey(OWNER.sign_seed).sign(REMINDER_DOMAIN + body).signature
    return bytes([version]) + body + signature


def _ok_reminder(label: str, text: str) -> Vector:
    inner = reminder_plaintext(text, OWNER.sign_seed)
    sealed = seal(inner, OWNER.box_public, f"reminder {label}")
    inputs = _reminder_inputs(sealed) | {"text": text, "sign_seed": OWNER.sign_seed.hex()}
    return v(label, REMINDER, inputs, "ok", {"text": text, "inner": inner.hex()})


def reminder_vectors() -> list[Vector]:
    good_inner = reminder_plaintext(REMINDER_TEXT, OWNER.sign_seed)
    good = seal(good_inner, OWNER.box_public, "reminder good")
    json = canonical_json({"v": 1, "text": REMINDER_TEXT})

    def bad(label: str, outcome: str, sealed: bytes, **kw: Any) -> Vector:
        return v(label, REMINDER, _reminder_inputs(sealed, **kw), outcome)

    def sealed_inner(inner: bytes, label: str) -> bytes:
        return seal(inner, OWNER.box_public, f"reminder {label}")

    forged = (
        bytes([1])
        + good_inner[1:-64]
        + SigningKey(STRANGER.sign_seed).sign(REMINDER_DOMAIN + good_inner[1:-64]).signature
    )
    return [
        _ok_reminder("reminder text: a CAF declaration", REMINDER_TEXT),
        _ok_reminder("reminder text: 200 characters of four UTF-8 bytes each", "\U0001f4c5" * 200),
        bad("reminder text: opened by someone else", "wrong_key", good, reader=STRANGER),
        bad(
            "reminder text: sealed by the server, signed by another key",
            "bad_signature",
            sealed_inner(forged, "forged"),
        ),
        bad("reminder text: a truncated box", "invalid_input", good[:-1]),
        bad("reminder text: a flipped bit", "wrong_key", _flip(good, 60)),
        bad(
            "reminder text: inner version 2",
            "wrong_version",
            sealed_inner(_inner(json, version=2), "v2"),
        ),
        bad(
            "reminder text: padded beyond its smallest bucket",
            "bad_padding",
            sealed_inner(_inner(json, bucket=1024), "big bucket"),
        ),
        bad(
            "reminder text: JSON members not in canonical order",
            "not_canonical",
            sealed_inner(_inner(b'{"v":1,"text":"x"}'), "order"),
        ),
        bad(
            "reminder text: a line feed in the text",
            "invalid_input",
            sealed_inner(_inner(canonical_json({"v": 1, "text": "a\nb"})), "line feed"),
        ),
        bad(
            "reminder text: an empty text",
            "invalid_input",
            sealed_inner(_inner(canonical_json({"v": 1, "text": ""})), "empty"),
        ),
    ]


def build() -> dict[str, Any]:
    vectors = item_vectors() + reminder_vectors()
    outcomes = sorted({vec["outcome"] for vec in vectors})
    return {
        "format": "Coffre organiser v1 and reminder text v1 (crypto/SPEC.md §30, §31)",
        "description": (
            "Test vectors for crypto/SPEC.md §30 (organiser items) and §31 (reminder texts). "
            "Bytes are lowercase hex. Every vector is deterministic. Generated by "
            "crypto/vectors/organiser.py."
        ),
        "outcomes": {name: OUTCOMES_V2[name] for name in outcomes},
        "vectors": vectors,
    }


def render() -> str:
    return generate.render(build())


def main(argv: list[str] | None = None) -> int:
    return generate.rewrite_or_check(PATH, render(), argv, __doc__)


if __name__ == "__main__":
    raise SystemExit(main())
