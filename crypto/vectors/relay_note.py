"""The liaison-note vectors, crypto/vectors/relay_note.json (SPEC §29.6).

    .venv/bin/python -m crypto.vectors.relay_note            # rewrite relay_note.json
    .venv/bin/python -m crypto.vectors.relay_note --check    # compare byte for byte

Every vector is deterministic: fixed keys and nonces derived from labels, sealed
keys built from a fixed ephemeral key as §27 builds them (Ed25519 is deterministic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from nacl.bindings import sodium_pad
from nacl.signing import SigningKey

from crypto import aead
from crypto.encoding import canonical_json
from crypto.relay_note import (
    TEXT_MAX_CHARS,
    note_bucket,
    note_context,
    note_plaintext,
    seal_note,
    signed_message,
)
from crypto.vectors import generate
from crypto.vectors.generate import Vector, _flip, fixed
from crypto.vectors.v2 import OUTCOMES_V2, ident, keys, seal, v

PATH: Final = Path(__file__).with_name("relay_note.json")
NAME: Final = "relay_note"

AUTHOR = keys("relay: orienting professional")
TAKER = keys("relay: taking professional")
PERSON = keys("relay: person")
STRANGER = keys("relay: someone else")
RELAY_ID: Final = ident("relay")
OTHER_RELAY_ID: Final = ident("another relay")
AUTHOR_ID: Final = ident("relay author")
TAKER_ID: Final = ident("relay taker")
NOTE_KEY: Final = fixed("coffre vectors relay note: note key", 32)
OTHER_NOTE_KEY: Final = fixed("coffre vectors relay note: another note key", 32)
NONCE: Final = fixed("coffre vectors relay note: nonce", 24)

TEXT_FR: Final = (
    "Monsieur Martin sort d'hospitalisation le 12 mars.\n"
    "Il a besoin d'un hébergement d'urgence ; il préfère être appelé l'après-midi."
)


def _raw(padded: bytes, context: bytes, seed: bytes, key: bytes = NOTE_KEY) -> bytes:
    """An envelope around any padded plaintext, signed as §29.3 says (for the
    vectors an author could write but a reader must refuse)."""
    blob = aead.seal_blob(key, padded, context, nonce=NONCE)
    return blob + SigningKey(seed).sign(signed_message(context, blob)).signature


def _pad(plaintext: bytes, bucket: int | None = None) -> bytes:
    return bytes(sodium_pad(plaintext, bucket or note_bucket(len(plaintext))))


def _inputs(
    envelope: bytes,
    *,
    which: str = "note",
    author_id: str = AUTHOR_ID,
    reader: Any = TAKER,
    sealed_key: bytes | None = None,
    author_sign_public: bytes | None = None,
    relay_id: str = RELAY_ID,
    text: str | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "relay_id": relay_id,
        "which": which,
        "author_id": author_id,
        "author_sign_public": (author_sign_public or AUTHOR.sign_public).hex(),
        "reader_box_public": reader.box_public.hex(),
        "reader_box_secret": reader.box_secret.hex(),
        "sealed_key": (sealed_key or seal(NOTE_KEY, reader.box_public, "relay note")).hex(),
        "envelope": envelope.hex(),
    }
    if text is not None:  # what a writer needs to reproduce the envelope
        values["text"] = text
        values["author_sign_seed"] = (
            AUTHOR.sign_seed if author_id == AUTHOR_ID else TAKER.sign_seed
        ).hex()
        values["note_key"] = NOTE_KEY.hex()
        values["nonce"] = NONCE.hex()
    return values


def _ok(label: str, text: str, *, which: str = "note", reader: Any = TAKER) -> Vector:
    author = AUTHOR if which == "note" else TAKER
    author_id = AUTHOR_ID if which == "note" else TAKER_ID
    envelope = seal_note(
        text,
        relay_id=RELAY_ID,
        which=which,  # type: ignore[arg-type]
        author_id=author_id,
        author_sign_seed=author.sign_seed,
        note_key=NOTE_KEY,
        nonce=NONCE,
    )
    context = note_context(RELAY_ID, which, author_id)
    plaintext = note_plaintext(text)
    return v(
        label,
        NAME,
        _inputs(
            envelope,
            which=which,
            author_id=author_id,
            reader=reader,
            author_sign_public=author.sign_public,
            text=text,
        ),
        "ok",
        {
            "text": text,
            "note_key": NOTE_KEY.hex(),
            "context": context.hex(),
            "plaintext": plaintext.hex(),
            "bucket": note_bucket(len(plaintext)),
            "signed_message": signed_message(context, envelope[:-64]).hex(),
        },
    )


def relay_note_vectors() -> list[Vector]:
    context = note_context(RELAY_ID, "note", AUTHOR_ID)
    good = seal_note(
        TEXT_FR,
        relay_id=RELAY_ID,
        which="note",
        author_id=AUTHOR_ID,
        author_sign_seed=AUTHOR.sign_seed,
        note_key=NOTE_KEY,
        nonce=NONCE,
    )
    plaintext = note_plaintext(TEXT_FR)

    def bad(label: str, outcome: str, envelope: bytes, **kw: Any) -> Vector:
        return v(label, NAME, _inputs(envelope, **kw), outcome)

    return [
        _ok("relay note: a French note with a line feed opens for the taker", TEXT_FR),
        _ok("relay note: the same note opens for the person", TEXT_FR, reader=PERSON),
        _ok("relay note: an empty note", ""),
        _ok(
            "relay note: 2000 characters of four UTF-8 bytes each fill the 8192 bucket",
            "\U0001f600" * TEXT_MAX_CHARS,
        ),
        _ok(
            "relay note: quotes and a backslash, escaped as RFC 8785 says",
            'Dossier "RSA" \\ suivi\nà rappeler',
        ),
        _ok(
            "relay note: a return from the taker", "Relais pris, rendez-vous le 14.", which="return"
        ),
        bad(
            "relay note: signed by someone else than the expected author",
            "bad_signature",
            good,
            author_sign_public=STRANGER.sign_public,
        ),
        bad(
            "relay note: a note of another relay (the server moved it)",
            "bad_signature",
            good,
            relay_id=OTHER_RELAY_ID,
        ),
        bad(
            "relay note: the note read as a return",
            "bad_signature",
            good,
            which="return",
        ),
        bad(
            "relay note: a flipped ciphertext bit (the signature covers it)",
            "bad_signature",
            _flip(good, 40),
        ),
        bad(
            "relay note: a flipped signature bit",
            "bad_signature",
            _flip(good, len(good) - 1),
        ),
        bad(
            "relay note: the author signed the right context but encrypted under another",
            "wrong_purpose",
            _sign_other_ad(plaintext),
        ),
        bad(
            "relay note: the key sealed to another reader",
            "wrong_key",
            good,
            sealed_key=seal(NOTE_KEY, STRANGER.box_public, "relay note stranger"),
        ),
        bad(
            "relay note: the sealed key of another note",
            "wrong_key",
            good,
            sealed_key=seal(OTHER_NOTE_KEY, TAKER.box_public, "relay note other key"),
        ),
        bad(
            "relay note: a 79-byte sealed key",
            "invalid_input",
            good,
            sealed_key=seal(NOTE_KEY, TAKER.box_public, "relay note")[:79],
        ),
        bad("relay note: envelope version 2", "wrong_version", b"\x02" + good[1:]),
        bad("relay note: a truncated envelope", "invalid_input", good[:-1]),
        bad(
            "relay note: padded beyond its smallest bucket",
            "bad_padding",
            _raw(_pad(plaintext, 512), context, AUTHOR.sign_seed),
        ),
        bad(
            "relay note: padding that is not 0x80 then zeros",
            "bad_padding",
            _raw(plaintext + b"\x00" * (256 - len(plaintext)), context, AUTHOR.sign_seed),
        ),
        bad(
            "relay note: JSON members not in canonical order",
            "not_canonical",
            _raw(_pad(b'{"v":1,"text":"x"}'), context, AUTHOR.sign_seed),
        ),
        bad(
            'relay note: inner "v" is 2',
            "wrong_version",
            _raw(_pad(canonical_json({"v": 2, "text": "x"})), context, AUTHOR.sign_seed),
        ),
        bad(
            "relay note: an extra member",
            "invalid_input",
            _raw(_pad(canonical_json({"v": 1, "text": "x", "to": "y"})), context, AUTHOR.sign_seed),
        ),
        bad(
            "relay note: a tab in the text",
            "invalid_input",
            _raw(_pad(canonical_json({"v": 1, "text": "a\tb"})), context, AUTHOR.sign_seed),
        ),
        bad(
            "relay note: 2001 characters",
            "invalid_input",
            _raw(
                _pad(canonical_json({"v": 1, "text": "a" * (TEXT_MAX_CHARS + 1)})),
                context,
                AUTHOR.sign_seed,
            ),
        ),
    ]


def _sign_other_ad(plaintext: bytes) -> bytes:
    """Encrypted with the "return" context as associated data, signed over the
    "note" context: the signature verifies, decryption fails."""
    blob = aead.seal_blob(
        NOTE_KEY, _pad(plaintext), note_context(RELAY_ID, "return", AUTHOR_ID), nonce=NONCE
    )
    message = signed_message(note_context(RELAY_ID, "note", AUTHOR_ID), blob)
    return blob + SigningKey(AUTHOR.sign_seed).sign(message).signature


def build() -> dict[str, Any]:
    vectors = relay_note_vectors()
    outcomes = sorted({vec["outcome"] for vec in vectors})
    return {
        "format": "Coffre relay note v1 (crypto/SPEC.md §29)",
        "description": (
            "Test vectors for crypto/SPEC.md §29 (liaison notes of a relay). Bytes are "
            "lowercase hex. Every vector is deterministic. Generated by "
            "crypto/vectors/relay_note.py."
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
