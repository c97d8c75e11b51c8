"""Liaison notes of a relay, "fiches de liaison" (SPEC §29).

A relay (prise de relais) carries a short note from the orienting professional to
the professional who takes it and to the person; the taker may send a return.
Each note is end-to-end encrypted and signed by its author:

    context  = "coffre/relay-note/v1\\n" || relay_id || "\\n" || which || "\\n" || author_id
    json     = RFC8785({"text": text, "v": 1})
    padded   = sodium_pad(json, bucket), bucket = 256, 512, ..., 8192
    blob     = 0x01 || nonce (24) || XChaCha20-Poly1305-IETF(note_key, nonce, ad = context, padded)
    message  = context || "\\n" || SHA-256(blob[1..])          ; nonce || ciphertext
    envelope = blob || Ed25519(message, author sign key)      ; 64 bytes
    sealed   = crypto_box_seal(note_key, reader box key)      ; 80 bytes, one per reader (§10)

Nothing here is a new primitive: the §5.1 blob, sodium_pad (§22), SHA-256, Ed25519
detached signatures (§11) and the §10 sealed box. The server stores the envelope and
the sealed keys; it learns the bucket, never the text.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final, Literal

from nacl.bindings import crypto_sign_BYTES, sodium_pad, sodium_unpad
from nacl.exceptions import BadSignatureError
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.signing import SigningKey, VerifyKey
from nacl.utils import random

from crypto import aead
from crypto._checks import require_bytes
from crypto.encoding import canonical_json
from crypto.errors import InvalidInputError, SignatureError, UnsupportedVersionError
from crypto.fields import read_id, read_object
from crypto.jsontext import check_text, parse_json
from crypto.sealed import open_sealed_key, seal_document_key

NOTE_VERSION: Final = 1  # the envelope's first byte and the JSON's "v"
NOTE_KEY_BYTES: Final = 32
SIGN_KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = crypto_sign_BYTES  # 64
SEALED_NOTE_KEY_BYTES: Final = 80  # §10
TEXT_MAX_CHARS: Final = 2000  # Unicode scalar values
BUCKETS: Final = (256, 512, 1024, 2048, 4096, 8192)
ENVELOPE_SIZES: Final = tuple(aead.OVERHEAD + b + SIGNATURE_BYTES for b in BUCKETS)
CONTEXT_PREFIX: Final = b"coffre/relay-note/v1\n"
WHICH: Final = ("note", "return")
_MEMBERS: Final = frozenset({"v", "text"})
# Text: any Unicode scalar value but C0 controls other than LF, and DEL.
_FORBIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")

Which = Literal["note", "return"]


def new_note_key() -> bytes:
    """A random 32-byte note key, one per note (SPEC §29.1)."""
    return random(NOTE_KEY_BYTES)


def read_note_text(text: object) -> str:
    """The note's text (SPEC §29.2): a string of at most 2000 Unicode scalar values,
    without C0 controls other than line feed, nor DEL; it may be empty."""
    if not isinstance(text, str):
        raise InvalidInputError("note text must be a string")
    check_text(text, "note text")
    if len(text) > TEXT_MAX_CHARS:
        raise InvalidInputError(f"note text must be at most {TEXT_MAX_CHARS} characters")
    if _FORBIDDEN.search(text):
        raise InvalidInputError("note text must not contain control characters")
    return text


def note_context(relay_id: str, which: str, author_id: str) -> bytes:
    """The associated data of the note (SPEC §29.3)."""
    rid = read_id(relay_id, "relay id")
    aid = read_id(author_id, "author id")
    if which not in WHICH:
        raise InvalidInputError('which must be "note" or "return"')
    return CONTEXT_PREFIX + f"{rid}\n{which}\n{aid}".encode("ascii")


def note_plaintext(text: str) -> bytes:
    """RFC 8785 of {"text": text, "v": 1} (SPEC §29.2)."""
    return canonical_json({"v": NOTE_VERSION, "text": read_note_text(text)})


def note_bucket(size: int) -> int:
    """The smallest bucket holding `size` bytes and the 0x80 marker (SPEC §29.2)."""
    for bucket in BUCKETS:
        if size + 1 <= bucket:
            return bucket
    raise InvalidInputError("note is too long for the largest bucket (8192 bytes)")


def signed_message(context: bytes, blob: bytes) -> bytes:
    """context || "\\n" || SHA-256(nonce || ciphertext) (SPEC §29.3)."""
    return context + b"\n" + hashlib.sha256(blob[1:]).digest()


def seal_note(
    text: str,
    *,
    relay_id: str,
    which: Which,
    author_id: str,
    author_sign_seed: bytes,
    note_key: bytes,
    nonce: bytes | None = None,
) -> bytes:
    """The note envelope (SPEC §29.3). `nonce`: test vectors only."""
    key = require_bytes(note_key, "note key", NOTE_KEY_BYTES)
    seed = require_bytes(author_sign_seed, "author sign seed", 32)
    context = note_context(relay_id, which, author_id)
    plaintext = note_plaintext(text)
    padded = bytes(sodium_pad(plaintext, note_bucket(len(plaintext))))
    blob = aead.seal_blob(key, padded, context, nonce=nonce, version=aead.VERSION)
    signature = SigningKey(seed).sign(signed_message(context, blob)).signature
    return blob + signature


def _split(envelope: bytes) -> tuple[bytes, bytes]:
    if not isinstance(envelope, bytes | bytearray | memoryview):
        raise InvalidInputError("note envelope must be bytes")
    data = bytes(envelope)
    if len(data) < aead.OVERHEAD + SIGNATURE_BYTES:
        raise InvalidInputError("note envelope is too short")
    if data[0] != NOTE_VERSION:
        raise UnsupportedVersionError(f"unsupported note version {data[0]}")
    if len(data) not in ENVELOPE_SIZES:
        raise InvalidInputError("note envelope is not of a bucket size")
    return data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]


def verify_note(
    envelope: bytes, *, relay_id: str, which: Which, author_id: str, author_sign_public: bytes
) -> None:
    """Steps 1-2 of SPEC §29.4: the envelope's shape and the author's signature.
    The server may run this too (it knows the author's public key)."""
    blob, signature = _split(envelope)  # step 1 first: the envelope's own shape
    public = require_bytes(author_sign_public, "author sign public key", SIGN_KEY_BYTES)
    context = note_context(relay_id, which, author_id)
    try:
        VerifyKey(public).verify(signed_message(context, blob), signature)
    except (BadSignatureError, NaclCryptoError):
        raise SignatureError("note signature does not verify under the author's key") from None


def open_note(
    envelope: bytes,
    *,
    relay_id: str,
    which: Which,
    author_id: str,
    author_sign_public: bytes,
    note_key: bytes,
) -> str:
    """Verify then decrypt a note (SPEC §29.4); returns its text.

    SignatureError before any key is used; DecryptionError on a wrong key or a
    note of another relay, kind or author; InvalidInputError for a malformed
    envelope, padding or JSON; UnsupportedVersionError for another version."""
    verify_note(
        envelope,
        relay_id=relay_id,
        which=which,
        author_id=author_id,
        author_sign_public=author_sign_public,
    )
    key = require_bytes(note_key, "note key", NOTE_KEY_BYTES)
    context = note_context(relay_id, which, author_id)
    blob, _ = _split(envelope)
    padded = aead.open_blob(key, blob, context, version=aead.VERSION)
    try:
        plaintext = bytes(sodium_unpad(padded, len(padded)))
    except NaclCryptoError:
        raise InvalidInputError("note padding is not 0x80 followed by zeros") from None
    if note_bucket(len(plaintext)) != len(padded):
        raise InvalidInputError("note is padded beyond its smallest bucket")
    obj = read_object(parse_json(plaintext), _MEMBERS, "", version=NOTE_VERSION)
    text = read_note_text(obj["text"])
    if note_plaintext(text) != plaintext:
        raise InvalidInputError("note plaintext is not canonical JSON")
    return text


def seal_note_key(note_key: bytes, reader_box_public: bytes) -> bytes:
    """crypto_box_seal(note_key, reader_box_public): 80 bytes (SPEC §29.1, §10)."""
    return seal_document_key(require_bytes(note_key, "note key", NOTE_KEY_BYTES), reader_box_public)


def open_note_key(sealed: bytes, box_public: bytes, box_secret: bytes) -> bytes:
    """crypto_box_seal_open of a sealed note key (SPEC §10)."""
    return open_sealed_key(sealed, box_public, box_secret)
