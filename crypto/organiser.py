"""The person's organiser: notes, contacts and appointments (SPEC §30), and the
texts of the person's own reminders (SPEC §31).

An organiser item is stored end to end encrypted as a document v2 is: a random
document key sealed to the owner (§10), a content stream v2 (§21: key commitment,
Padmé) of the item's canonical JSON, padded first to a bucket; the owner signs
where the item belongs and what it holds:

    context   = "coffre/organiser/v1\\n" || owner_id || "\\n" || item_id
    json      = RFC8785({"v": 1, "kind": ..., <the kind's members>})
    padded    = sodium_pad(json, bucket), bucket = 512, 1024, ..., 32768
    stream    = content stream v2 of padded under doc_key (one chunk)
    sealed    = crypto_box_seal(doc_key, owner box public)            ; 80 bytes
    signature = Ed25519(context || "\\n" || SHA-256(sealed || stream)) ; owner's key
    item      = 0x01 || sealed || signature || stream

The kind and every field are inside the ciphertext: the server learns the bucket.

A reminder text is sealed to the person, signed by the person:

    padded  = sodium_pad(RFC8785({"text": text, "v": 1}), 256 or 1024)
    inner   = 0x01 || padded || Ed25519("coffre/reminder-text/v1\\n" || padded)
    sealed  = crypto_box_seal(inner, owner box public)

Nothing here is a new primitive: sodium_pad, the §21 stream, the §10 sealed box,
SHA-256 and Ed25519 detached signatures (verified as §18.8 says).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final

from nacl.bindings import (
    crypto_box_seal,
    crypto_box_seal_open,
    crypto_box_SEALBYTES,
    crypto_sign_BYTES,
    sodium_pad,
    sodium_unpad,
)
from nacl.exceptions import BadSignatureError
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.signing import SigningKey, VerifyKey
from nacl.utils import random

from crypto._checks import require_bytes, require_bytes_like
from crypto.document_key import DOC_KEY_BYTES
from crypto.encoding import canonical_json
from crypto.errors import (
    DecryptionError,
    InvalidInputError,
    SignatureError,
    UnsupportedVersionError,
)
from crypto.fields import format_time, read_id, read_object, read_time
from crypto.jsontext import check_text, parse_json
from crypto.sealed import SEALED_KEY_BYTES, open_sealed_key, seal_document_key
from crypto.stream_v2 import ciphertext_size_v2, decrypt_bytes_v2, encrypt_bytes_v2

ITEM_VERSION: Final = 1  # the item's first byte and the JSON's "v"
KINDS: Final = ("note", "contact", "appointment")
RELATIONS: Final = ("professional", "family", "friend", "volunteer", "other")
ITEM_BUCKETS: Final = (512, 1024, 2048, 4096, 8192, 16384, 32768)
SIGNATURE_BYTES: Final = crypto_sign_BYTES  # 64
ITEM_HEAD_BYTES: Final = 1 + SEALED_KEY_BYTES + SIGNATURE_BYTES  # 145
ITEM_CHUNK_SIZE: Final = 65536  # every bucket fits one (final) chunk
ITEM_SIZES: Final = tuple(
    ITEM_HEAD_BYTES + ciphertext_size_v2(b, ITEM_CHUNK_SIZE) for b in ITEM_BUCKETS
)
ITEM_MAX_BYTES: Final = max(ITEM_SIZES)  # 35043
CONTEXT_PREFIX: Final = b"coffre/organiser/v1\n"

# Limits in Unicode scalar values (JavaScript: Array.from(text).length).
NOTE_TEXT_MAX: Final = 8000
LONG_TEXT_MAX: Final = 2000  # a contact's or an appointment's note
NAME_MAX: Final = 200  # a name, a structure, a place, with whom
PHONE_MAX: Final = 40
EMAIL_MAX: Final = 254

_MEMBERS: Final = {
    "note": frozenset({"v", "kind", "text"}),
    "contact": frozenset({"v", "kind", "name", "relation", "phone", "email", "structure", "note"}),
    "appointment": frozenset(
        {"v", "kind", "starts_at", "ends_at", "place", "with_whom", "note", "reminder_id"}
    ),
}
# LINE: no C0 control at all, no DEL. MULTILINE: line feed allowed.
_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_MULTILINE_FORBIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")

REMINDER_VERSION: Final = 1
REMINDER_TEXT_MAX: Final = 200
REMINDER_BUCKETS: Final = (256, 1024)
REMINDER_DOMAIN: Final = b"coffre/reminder-text/v1\n"
REMINDER_SIZES: Final = tuple(
    crypto_box_SEALBYTES + 1 + b + SIGNATURE_BYTES for b in REMINDER_BUCKETS
)  # 369, 1137
_REMINDER_MEMBERS: Final = frozenset({"v", "text"})


# --- text fields ---------------------------------------------------------------------


def _string(value: object, name: str, max_chars: int, *, multiline: bool, empty: bool) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a string")
    check_text(value, name)
    if not empty and value == "":
        raise InvalidInputError(f"{name} must not be empty")
    if len(value) > max_chars:  # Python counts Unicode scalar values
        raise InvalidInputError(f"{name} must be at most {max_chars} characters")
    forbidden = _MULTILINE_FORBIDDEN if multiline else _LINE_FORBIDDEN
    if forbidden.search(value):
        raise InvalidInputError(f"{name} must not contain control characters")
    return value


def _line(value: object, name: str, max_chars: int, *, empty: bool = True) -> str:
    return _string(value, name, max_chars, multiline=False, empty=empty)


def _multiline(value: object, name: str, max_chars: int) -> str:
    return _string(value, name, max_chars, multiline=True, empty=True)


# --- §30.2 plaintext -----------------------------------------------------------------


def read_item(value: object) -> dict[str, Any]:
    """An item's plaintext object, checked as SPEC §30.2 says; returns a new dict."""
    if isinstance(value, dict) and value.get("v") == ITEM_VERSION:
        kind = value.get("kind")
        if kind not in KINDS:
            raise InvalidInputError(
                'an organiser item\'s "kind" must be note, contact or appointment'
            )
        members = _MEMBERS[str(kind)]
    else:
        members = _MEMBERS["note"]  # read_object names the version or shape error
    obj = read_object(value, members, "", version=ITEM_VERSION)
    kind = obj["kind"]
    if kind == "note":
        return {
            "v": ITEM_VERSION,
            "kind": kind,
            "text": _multiline(obj["text"], "note text", NOTE_TEXT_MAX),
        }
    if kind == "contact":
        relation = obj["relation"]
        if relation not in RELATIONS:
            raise InvalidInputError("contact relation must be one of " + ", ".join(RELATIONS))
        return {
            "v": ITEM_VERSION,
            "kind": kind,
            "name": _line(obj["name"], "contact name", NAME_MAX, empty=False),
            "relation": relation,
            "phone": _line(obj["phone"], "contact phone", PHONE_MAX),
            "email": _line(obj["email"], "contact email", EMAIL_MAX),
            "structure": _line(obj["structure"], "contact structure", NAME_MAX),
            "note": _multiline(obj["note"], "contact note", LONG_TEXT_MAX),
        }
    starts = read_time(obj["starts_at"], "starts_at")
    ends_at = obj["ends_at"]
    if ends_at is not None and read_time(ends_at, "ends_at") <= starts:
        raise InvalidInputError("ends_at must be after starts_at")
    reminder_id = obj["reminder_id"]
    return {
        "v": ITEM_VERSION,
        "kind": kind,
        "starts_at": format_time(starts),
        "ends_at": ends_at,
        "place": _line(obj["place"], "place", NAME_MAX),
        "with_whom": _line(obj["with_whom"], "with whom", NAME_MAX),
        "note": _multiline(obj["note"], "appointment note", LONG_TEXT_MAX),
        "reminder_id": None if reminder_id is None else read_id(reminder_id, "reminder id"),
    }


def item_plaintext(item: Mapping[str, Any]) -> bytes:
    """RFC 8785 of the checked item (SPEC §30.2)."""
    return canonical_json(read_item(dict(item)))


def item_bucket(size: int) -> int:
    """The smallest bucket holding `size` bytes and the 0x80 marker (SPEC §30.2)."""
    for bucket in ITEM_BUCKETS:
        if size + 1 <= bucket:
            return bucket
    raise InvalidInputError("organiser item is too long for the largest bucket")


def item_context(owner_id: str, item_id: str) -> bytes:
    """Where the item belongs (SPEC §30.3)."""
    owner = read_id(owner_id, "owner id")
    item = read_id(item_id, "item id")
    return CONTEXT_PREFIX + f"{owner}\n{item}".encode("ascii")


def item_signed_message(context: bytes, sealed_key: bytes, stream: bytes) -> bytes:
    """context || "\\n" || SHA-256(sealed_key || stream) (SPEC §30.3)."""
    return context + b"\n" + hashlib.sha256(sealed_key + stream).digest()


# --- §30.3 envelope ------------------------------------------------------------------


def seal_item(
    item: Mapping[str, Any],
    *,
    owner_id: str,
    item_id: str,
    box_public: bytes,
    sign_seed: bytes,
    doc_key: bytes | None = None,
    secretstream_header: bytes | None = None,
    sealed_key: bytes | None = None,
) -> bytes:
    """The encrypted item (SPEC §30.3). A fresh document key at every write;
    `doc_key`, `secretstream_header`, `sealed_key`: test vectors only."""
    context = item_context(owner_id, item_id)
    seed = require_bytes(sign_seed, "sign seed", 32)
    plaintext = item_plaintext(item)
    padded = bytes(sodium_pad(plaintext, item_bucket(len(plaintext))))
    key = random(DOC_KEY_BYTES) if doc_key is None else require_bytes(doc_key, "document key", 32)
    stream = encrypt_bytes_v2(key, padded, ITEM_CHUNK_SIZE, secretstream_header=secretstream_header)
    if sealed_key is None:
        sealed = seal_document_key(key, box_public)
    else:
        sealed = require_bytes(sealed_key, "sealed key", SEALED_KEY_BYTES)
    signature = SigningKey(seed).sign(item_signed_message(context, sealed, stream)).signature
    return bytes([ITEM_VERSION]) + sealed + signature + stream


def check_item_shape(data: object) -> bytes:
    """Step 1 of SPEC §30.4, what the server can check: the version byte and one of
    the bucket sizes."""
    raw = require_bytes_like(data, "organiser item")
    if len(raw) < ITEM_HEAD_BYTES:
        raise InvalidInputError("organiser item is too short")
    if raw[0] != ITEM_VERSION:
        raise UnsupportedVersionError(f"unsupported organiser item version {raw[0]}")
    if len(raw) not in ITEM_SIZES:
        raise InvalidInputError("organiser item is not of a bucket size")
    return raw


def _parts(raw: bytes) -> tuple[bytes, bytes, bytes]:
    sealed = raw[1 : 1 + SEALED_KEY_BYTES]
    signature = raw[1 + SEALED_KEY_BYTES : ITEM_HEAD_BYTES]
    return sealed, signature, raw[ITEM_HEAD_BYTES:]


def verify_item(data: bytes, *, owner_id: str, item_id: str, sign_public: bytes) -> None:
    """Steps 1-2 of SPEC §30.4: shape, then the owner's signature over where the item
    belongs and what it holds."""
    raw = check_item_shape(data)
    context = item_context(owner_id, item_id)
    public = require_bytes(sign_public, "sign public key", 32)
    sealed, signature, stream = _parts(raw)
    try:
        VerifyKey(public).verify(item_signed_message(context, sealed, stream), signature)
    except (BadSignatureError, NaclCryptoError):
        raise SignatureError(
            "organiser item signature does not verify under the owner's key"
        ) from None


def open_item(
    data: bytes,
    *,
    owner_id: str,
    item_id: str,
    sign_public: bytes,
    box_public: bytes,
    box_secret: bytes,
) -> dict[str, Any]:
    """Verify then decrypt an item (SPEC §30.4); returns its plaintext object.

    SignatureError before any key is used; DecryptionError for a key that does not
    open or a stream that does not authenticate; InvalidInputError for a malformed
    item, padding or JSON; UnsupportedVersionError for another version."""
    verify_item(data, owner_id=owner_id, item_id=item_id, sign_public=sign_public)
    sealed, _, stream = _parts(bytes(data))
    key = open_sealed_key(sealed, box_public, box_secret)
    padded = decrypt_bytes_v2(key, stream)
    try:
        json = bytes(sodium_unpad(padded, len(padded)))
    except NaclCryptoError:
        raise InvalidInputError("organiser item padding is not 0x80 followed by zeros") from None
    if len(padded) not in ITEM_BUCKETS or item_bucket(len(json)) != len(padded):
        raise InvalidInputError("organiser item is padded beyond its smallest bucket")
    item = read_item(parse_json(json))
    if canonical_json(item) != json:
        raise InvalidInputError("organiser item plaintext is not canonical JSON")
    return item


# --- §31 reminder texts --------------------------------------------------------------


def read_reminder_text(text: object) -> str:
    """A reminder's text (SPEC §31.1): 1 to 200 Unicode scalar values, one line."""
    return _line(text, "reminder text", REMINDER_TEXT_MAX, empty=False)


def reminder_bucket(size: int) -> int:
    for bucket in REMINDER_BUCKETS:
        if size + 1 <= bucket:
            return bucket
    raise InvalidInputError("reminder text is too long for the largest bucket")


def reminder_plaintext(text: str, sign_seed: bytes) -> bytes:
    """What is sealed (SPEC §31.2): 0x01 || padded || Ed25519 signature."""
    seed = require_bytes(sign_seed, "sign seed", 32)
    json = canonical_json({"v": REMINDER_VERSION, "text": read_reminder_text(text)})
    padded = bytes(sodium_pad(json, reminder_bucket(len(json))))
    signature = SigningKey(seed).sign(REMINDER_DOMAIN + padded).signature
    return bytes([REMINDER_VERSION]) + padded + signature


def seal_reminder_text(text: str, *, box_public: bytes, sign_seed: bytes) -> bytes:
    """crypto_box_seal of the signed, padded text to the person (SPEC §31.2)."""
    public = require_bytes(box_public, "box public key", 32)
    inner = reminder_plaintext(text, sign_seed)
    try:
        return crypto_box_seal(inner, public)
    except NaclCryptoError:
        raise InvalidInputError("box public key is not a usable X25519 key") from None


def check_reminder_shape(data: object) -> bytes:
    """What the server can check (SPEC §31.3 step 1): one of the two sizes."""
    raw = require_bytes_like(data, "sealed reminder text")
    if len(raw) not in REMINDER_SIZES:
        raise InvalidInputError("sealed reminder text is not of a bucket size")
    return raw


def open_reminder_text(
    sealed: bytes, *, box_public: bytes, box_secret: bytes, sign_public: bytes
) -> str:
    """Open, verify and read a sealed reminder text (SPEC §31.3)."""
    raw = check_reminder_shape(sealed)
    public = require_bytes(box_public, "box public key", 32)
    secret = require_bytes(box_secret, "box secret key", 32)
    verify = require_bytes(sign_public, "sign public key", 32)
    try:
        inner = crypto_box_seal_open(raw, public, secret)
    except NaclCryptoError:
        raise DecryptionError("sealed reminder text does not open: wrong key or tampered") from None
    if inner[0] != REMINDER_VERSION:
        raise UnsupportedVersionError(f"unsupported reminder text version {inner[0]}")
    padded, signature = inner[1:-SIGNATURE_BYTES], inner[-SIGNATURE_BYTES:]
    try:
        VerifyKey(verify).verify(REMINDER_DOMAIN + padded, signature)
    except (BadSignatureError, NaclCryptoError):
        raise SignatureError(
            "reminder text signature does not verify under the person's key"
        ) from None
    try:
        json = bytes(sodium_unpad(padded, len(padded)))
    except NaclCryptoError:
        raise InvalidInputError("reminder text padding is not 0x80 followed by zeros") from None
    if reminder_bucket(len(json)) != len(padded):
        raise InvalidInputError("reminder text is padded beyond its smallest bucket")
    obj = read_object(parse_json(json), _REMINDER_MEMBERS, "", version=REMINDER_VERSION)
    text = read_reminder_text(obj["text"])
    if canonical_json({"v": REMINDER_VERSION, "text": text}) != json:
        raise InvalidInputError("reminder text plaintext is not canonical JSON")
    return text
