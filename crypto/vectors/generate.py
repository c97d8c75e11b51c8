"""Generate crypto/vectors/v1.json (SPEC §13) and v2.json (SPEC §27).

    .venv/bin/python -m crypto.vectors.generate              # rewrite v1.json and v2.json
    .venv/bin/python -m crypto.vectors.generate --only v2    # rewrite v2.json alone
    .venv/bin/python -m crypto.vectors.generate --check      # compare deterministic vectors

The v2 vectors are built in crypto/vectors/v2.py; all of them are deterministic,
so --check compares v2.json byte for byte. What follows is about v1.json.

All inputs are fixed (derived from labels, written out in full in the file).
Everything is deterministic except what libsodium randomises by design: the
secretstream header of a content stream and the ephemeral key of a sealed box.
Those vectors are recorded as produced and marked "deterministic": false, with
the negative vectors derived from them; rewriting the file draws new ones.
"""

import argparse
import hashlib
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Final

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    crypto_secretstream_xchacha20poly1305_TAG_PUSH,
)

from crypto import aead, purposes
from crypto.document_key import content_key, metadata_key
from crypto.encoding import b64decode, b64encode, canonical_json
from crypto.fingerprint import fingerprint
from crypto.kdf import KdfParams, encode_passphrase, passphrase_root
from crypto.keyring import account_keys_from_secrets, wrap_keyring
from crypto.master_key import Wrapper, wrap_master_key
from crypto.metadata import DocumentMetadata, encrypt_metadata, metadata_plaintext
from crypto.recovery import ALPHABET, derive_recovery_keys, format_recovery_code
from crypto.sealed import seal_document_key
from crypto.statements import sign_statement, signed_message
from crypto.stream import CHUNK_OVERHEAD, HEADER_BYTES, encrypt_bytes
from crypto.subkeys import subkey

Vector = dict[str, Any]

VECTORS_PATH: Final = Path(__file__).with_name("v1.json")
VECTORS_V2_PATH: Final = Path(__file__).with_name("v2.json")

# What each outcome means; "ok" is success, every other one names the error
# a conforming implementation must raise (SPEC §13).
OUTCOMES: Final = {
    "ok": None,
    "tampered": "DecryptionError",
    "truncated": "DecryptionError",
    "reordered": "DecryptionError",
    "duplicated": "DecryptionError",
    "appended": "DecryptionError",
    "early_final": "DecryptionError",
    "unexpected_tag": "DecryptionError",
    "wrong_key": "DecryptionError",
    "wrong_purpose": "DecryptionError",
    "wrong_public_key": "DecryptionError",
    "mismatched_keys": "DecryptionError",
    "wrong_version": "UnsupportedVersionError",
    "bad_magic": "UnsupportedVersionError",
    "bad_check": "InvalidInputError",
    "invalid_input": "InvalidInputError",
    "weak_params": "WeakParametersError",
    "bad_signature": "SignatureError",
    "unexpected_signer": "SignatureError",
}

MIB: Final = 1024 * 1024


def fixed(label: str, size: int) -> bytes:
    """A fixed test input: BLAKE2b(label) truncated to `size` bytes (any value would do)."""
    return hashlib.blake2b(label.encode("utf-8"), digest_size=size).digest()


def _vector(
    name: str,
    construction: str,
    inputs: dict[str, Any],
    outcome: str,
    expected: dict[str, Any] | None = None,
    *,
    deterministic: bool = True,
) -> Vector:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome}")
    vector: Vector = {
        "name": name,
        "construction": construction,
        "deterministic": deterministic,
        "inputs": inputs,
        "outcome": outcome,
    }
    if expected is not None:
        vector["expected"] = expected
    return vector


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


# --- §1 ---------------------------------------------------------------------------


def encoding_vectors() -> list[Vector]:
    out = []
    for label, data in [
        ("empty", b""),
        ("one byte", b"\xfb"),
        ("two bytes", b"\xfb\xff"),
        ("three bytes", b"\xfb\xff\xbf"),
        ("ascii text", b"Coffre"),
    ]:
        out.append(
            _vector(
                f"base64url {label}",
                "base64url",
                {"text": b64encode(data)},
                "ok",
                {"bytes": data.hex()},
            )
        )
    for label, text in [
        ("padding is refused", "-w=="),
        ("standard alphabet is refused", "+/8"),
        ("non-canonical trailing bits are refused", "-x"),
        ("impossible length is refused", "AAAAA"),
    ]:
        out.append(_vector(f"base64url {label}", "base64url", {"text": text}, "invalid_input"))
    return out


# --- §2 ---------------------------------------------------------------------------


def subkey_vectors() -> list[Vector]:
    parent = fixed("coffre vectors: subkey parent", 32)
    out = [
        _vector(
            f"subkey {purpose}",
            "subkey",
            {"parent": parent.hex(), "purpose": purpose},
            "ok",
            {"subkey": subkey(parent, purpose).hex()},
        )
        for purpose in purposes.ALL_PURPOSES
    ]
    for size in (16, 64):
        p = fixed(f"coffre vectors: subkey parent {size}", size)
        out.append(
            _vector(
                f"subkey with a {size}-byte parent",
                "subkey",
                {"parent": p.hex(), "purpose": purposes.CONTENT},
                "ok",
                {"subkey": subkey(p, purposes.CONTENT).hex()},
            )
        )
    out.append(
        _vector(
            "subkey with a 15-byte parent is refused",
            "subkey",
            {"parent": fixed("short", 15).hex(), "purpose": purposes.CONTENT},
            "invalid_input",
        )
    )
    return out


# --- §3 ---------------------------------------------------------------------------

PASSPHRASES: Final = [
    ("ascii", "correct horse battery staple"),
    ("non-ascii NFC", unicodedata.normalize("NFC", "Café fort 7 mots")),
    ("non-ascii NFD (normalised to NFC)", unicodedata.normalize("NFD", "Café fort 7 mots")),
]
KDF_SALT: Final = fixed("coffre vectors: kdf salt", 16)


def _kdf_inputs(passphrase: str, params: KdfParams) -> dict[str, Any]:
    return {
        "passphrase": passphrase,
        "passphrase_nfc_utf8": encode_passphrase(passphrase).hex(),
        "alg": params.alg,
        "salt": params.salt.hex(),
        "opslimit": params.opslimit,
        "memlimit": params.memlimit,
    }


def passphrase_keys(passphrase: str) -> tuple[bytes, bytes, bytes]:
    root = passphrase_root(passphrase, KdfParams(salt=KDF_SALT))
    return root, subkey(root, purposes.LOGIN), subkey(root, purposes.PASSPHRASE_WRAP)


def kdf_vectors() -> list[Vector]:
    out = []
    for label, passphrase in PASSPHRASES:
        root, auth, wrap = passphrase_keys(passphrase)
        out.append(
            _vector(
                f"passphrase kdf {label}",
                "passphrase_kdf",
                _kdf_inputs(passphrase, KdfParams(salt=KDF_SALT)),
                "ok",
                {"root": root.hex(), "auth_key": auth.hex(), "wrap_key": wrap.hex()},
            )
        )
    passphrase = PASSPHRASES[0][1]
    refused = [
        ("opslimit 2 is below the floor", KdfParams(KDF_SALT, opslimit=2), "weak_params"),
        (
            "memlimit 32 MiB is below the floor",
            KdfParams(KDF_SALT, memlimit=32 * MIB),
            "weak_params",
        ),
        ("argon2i13 is refused", KdfParams(KDF_SALT, alg="argon2i13"), "weak_params"),
        ("opslimit 11 is above the ceiling", KdfParams(KDF_SALT, opslimit=11), "invalid_input"),
        (
            "memlimit 512 MiB is above the ceiling",
            KdfParams(KDF_SALT, memlimit=512 * MIB),
            "invalid_input",
        ),
        ("an 8-byte salt is refused", KdfParams(KDF_SALT[:8]), "invalid_input"),
    ]
    for label, params, outcome in refused:
        out.append(
            _vector(
                f"passphrase kdf {label}",
                "passphrase_kdf",
                _kdf_inputs(passphrase, params),
                outcome,
            )
        )
    return out


# --- §4 ---------------------------------------------------------------------------


def recovery_secret() -> bytes:
    """The first fixed secret whose code contains an O, I or B, so that the
    forgiving parse (0, 1, 8) is exercised."""
    i = 0
    while True:
        secret = fixed(f"coffre vectors: recovery secret {i}", 16)
        if set(format_recovery_code(secret)) & set("OIB"):
            return secret
        i += 1


def recovery_vectors() -> list[Vector]:
    secret = recovery_secret()
    code = format_recovery_code(secret)
    keys = derive_recovery_keys(secret)
    out = [
        _vector(
            "recovery code format and keys",
            "recovery_code",
            {"secret": secret.hex()},
            "ok",
            {"code": code, "auth_key": keys.auth_key.hex(), "wrap_key": keys.wrap_key.hex()},
        )
    ]
    forgiving = code.replace("-", " ").lower().replace("o", "0").replace("i", "1").replace("b", "8")
    parses = [
        ("as printed", code, "ok"),
        ("without dashes", code.replace("-", ""), "ok"),
        ("lower case, spaces, 0 for O, 1 for I, 8 for B", forgiving, "ok"),
    ]
    bad_check = code[:-1] + next(c for c in "ABCDEFG" if c != code[-1])
    compact = code.replace("-", "")
    last = ALPHABET.index(compact[25])  # 3 data bits then 2 zero bits
    non_canonical = compact[:25] + ALPHABET[last | 1] + compact[26]
    parses += [
        ("with a wrong check character", bad_check, "bad_check"),
        ("one character short", code[:-1], "invalid_input"),
        ("with a character outside the alphabet", "9" + code[1:], "invalid_input"),
        ("with non-zero padding bits", non_canonical, "invalid_input"),
    ]
    out += [
        _vector(
            f"recovery code parse {label}",
            "recovery_code_parse",
            {"text": text},
            outcome,
            {"secret": secret.hex()} if outcome == "ok" else None,
        )
        for label, text, outcome in parses
    ]
    return out


# --- §5 and §6 ----------------------------------------------------------------------

MASTER_KEY: Final = fixed("coffre vectors: master key", 32)


def master_key_vectors() -> list[Vector]:
    _, _, passphrase_wrap = passphrase_keys(PASSPHRASES[1][1])
    recovery_wrap = derive_recovery_keys(recovery_secret()).wrap_key
    out = []
    blobs = {}
    wrappers: list[tuple[Wrapper, bytes]] = [
        ("passphrase", passphrase_wrap),
        ("recovery", recovery_wrap),
    ]
    for which, wrap_key in wrappers:
        nonce = fixed(f"coffre vectors: master key nonce {which}", 24)
        blob = wrap_master_key(MASTER_KEY, wrap_key, which, nonce=nonce)
        blobs[which] = (blob, wrap_key)
        out.append(
            _vector(
                f"master key wrapped by {which}",
                "master_key_wrap",
                {
                    "master_key": MASTER_KEY.hex(),
                    "wrap_key": wrap_key.hex(),
                    "which": which,
                    "nonce": nonce.hex(),
                },
                "ok",
                {"blob": blob.hex()},
            )
        )
    blob, wrap_key = blobs["passphrase"]
    negatives = [
        ("with the wrong key", blob, fixed("other wrap key", 32), "passphrase", "wrong_key"),
        ("with a flipped ciphertext bit", _flip(blob, 30), wrap_key, "passphrase", "tampered"),
        ("with a flipped nonce bit", _flip(blob, 1), wrap_key, "passphrase", "tampered"),
        ("opened as a recovery wrap", blob, wrap_key, "recovery", "wrong_purpose"),
        ("with version byte 2", b"\x02" + blob[1:], wrap_key, "passphrase", "wrong_version"),
        ("one byte short", blob[:-1], wrap_key, "passphrase", "invalid_input"),
    ]
    for label, b, k, which_text, outcome in negatives:
        out.append(
            _vector(
                f"master key unwrap {label}",
                "master_key_wrap",
                {"blob": b.hex(), "wrap_key": k.hex(), "which": which_text},
                outcome,
            )
        )
    return out


def keyring_vectors() -> list[Vector]:
    keys = account_keys_from_secrets(
        fixed("coffre vectors: box secret", 32), fixed("coffre vectors: sign seed", 32)
    )
    other = account_keys_from_secrets(
        fixed("coffre vectors: other box secret", 32), fixed("coffre vectors: other sign seed", 32)
    )
    nonce = fixed("coffre vectors: keyring nonce", 24)
    blob = wrap_keyring(keys, MASTER_KEY, nonce=nonce)
    out = [
        _vector(
            "keyring wrap",
            "keyring_wrap",
            {
                "master_key": MASTER_KEY.hex(),
                "box_secret": keys.box_secret.hex(),
                "sign_seed": keys.sign_seed.hex(),
                "nonce": nonce.hex(),
            },
            "ok",
            {
                "keyring_key": subkey(MASTER_KEY, purposes.KEYRING).hex(),
                "box_public": keys.box_public.hex(),
                "sign_public": keys.sign_public.hex(),
                "blob": blob.hex(),
            },
        )
    ]
    # Correctly authenticated, but the secrets inside are not those of the
    # public keys in the associated data: a reader must still refuse it.
    mismatched = aead.seal_blob(
        subkey(MASTER_KEY, purposes.KEYRING),
        other.box_secret + other.sign_seed,
        purposes.AD_KEYRING_PREFIX + keys.box_public + keys.sign_public,
        nonce=nonce,
    )
    negatives = [
        ("with the wrong master key", blob, fixed("other master", 32), keys, "wrong_key"),
        ("with a flipped ciphertext bit", _flip(blob, 40), MASTER_KEY, keys, "tampered"),
        (
            "with another sign public key",
            blob,
            MASTER_KEY,
            account_keys_from_secrets(keys.box_secret, other.sign_seed),
            "wrong_public_key",
        ),
        ("holding secrets of other public keys", mismatched, MASTER_KEY, keys, "mismatched_keys"),
        ("with version byte 2", b"\x02" + blob[1:], MASTER_KEY, keys, "wrong_version"),
    ]
    for label, b, master, k, outcome in negatives:
        out.append(
            _vector(
                f"keyring unwrap {label}",
                "keyring_wrap",
                {
                    "blob": b.hex(),
                    "master_key": master.hex(),
                    "box_public": k.box_public.hex(),
                    "sign_public": k.sign_public.hex(),
                },
                outcome,
            )
        )
    return out


# --- §7 and §8 ----------------------------------------------------------------------

DOC_KEY: Final = fixed("coffre vectors: document key", 32)


def document_key_vectors() -> list[Vector]:
    return [
        _vector(
            "document subkeys",
            "document_key",
            {"doc_key": DOC_KEY.hex()},
            "ok",
            {
                "content_key": content_key(DOC_KEY).hex(),
                "metadata_key": metadata_key(DOC_KEY).hex(),
            },
        )
    ]


def _plaintext(size: int) -> bytes:
    return bytes(i % 251 for i in range(size))


def _chunks(stream: bytes, chunk_size: int) -> list[bytes]:
    body = stream[HEADER_BYTES:]
    step = chunk_size + CHUNK_OVERHEAD
    return [body[i : i + step] for i in range(0, len(body), step)]


def _crafted_stream(chunk_size: int, chunks: list[tuple[bytes, int]]) -> bytes:
    """A stream a conforming writer never produces (valid keys, invalid tags)."""
    prefix = b"CFDC\x01" + chunk_size.to_bytes(4, "big")
    state = crypto_secretstream_xchacha20poly1305_state()
    out = prefix + crypto_secretstream_xchacha20poly1305_init_push(state, content_key(DOC_KEY))
    for plaintext, tag in chunks:
        out += crypto_secretstream_xchacha20poly1305_push(state, plaintext, prefix, tag)
    return out


def stream_vectors() -> list[Vector]:
    cases = [
        ("empty", 0, 65536),
        ("one byte", 1, 65536),
        ("short text, default chunk size", len(b"Attestation de domiciliation"), 65536),
        ("shorter than one chunk", 1000, 1024),
        ("exactly one chunk (then an empty final chunk)", 1024, 1024),
        ("several chunks", 2500, 1024),
    ]
    out = []
    streams = {}
    for label, size, chunk_size in cases:
        plaintext = _plaintext(size)
        if label.startswith("short text"):
            plaintext = b"Attestation de domiciliation"
        stream = encrypt_bytes(DOC_KEY, plaintext, chunk_size)
        streams[label] = stream
        out.append(
            _vector(
                f"content stream {label}",
                "content_stream",
                {
                    "doc_key": DOC_KEY.hex(),
                    "content_key": content_key(DOC_KEY).hex(),
                    "chunk_size": chunk_size,
                    "stream": stream.hex(),
                },
                "ok",
                {"plaintext": plaintext.hex()},
                deterministic=False,
            )
        )
    stream = streams["several chunks"]
    header, (c0, c1, final) = stream[:HEADER_BYTES], _chunks(stream, 1024)
    full = b"\x00" * 1024
    negatives = [
        ("with the wrong key", stream, fixed("other doc key", 32), "wrong_key"),
        (
            "with a flipped bit in the second chunk",
            header + c0 + _flip(c1, 100) + final,
            DOC_KEY,
            "tampered",
        ),
        ("with a flipped bit in the secretstream header", _flip(stream, 20), DOC_KEY, "tampered"),
        (
            "with chunk_size changed to 2048",
            header[:5] + (2048).to_bytes(4, "big") + stream[9:],
            DOC_KEY,
            "tampered",
        ),
        ("without its final chunk", header + c0 + c1, DOC_KEY, "truncated"),
        ("cut inside the final chunk", stream[:-1], DOC_KEY, "truncated"),
        ("cut inside the header", stream[:20], DOC_KEY, "truncated"),
        ("with only its header", header, DOC_KEY, "truncated"),
        ("with two chunks swapped", header + c1 + c0 + final, DOC_KEY, "reordered"),
        ("with a chunk duplicated", header + c0 + c0 + c1 + final, DOC_KEY, "duplicated"),
        ("with bytes after the final chunk", stream + b"\x00", DOC_KEY, "appended"),
        ("with version byte 2", stream[:4] + b"\x02" + stream[5:], DOC_KEY, "wrong_version"),
        ("with a wrong magic", b"CFDX" + stream[4:], DOC_KEY, "bad_magic"),
        (
            "with chunk_size 512",
            header[:5] + (512).to_bytes(4, "big") + stream[9:],
            DOC_KEY,
            "invalid_input",
        ),
        (
            "with a full-size chunk tagged final before more data",
            _crafted_stream(
                1024,
                [
                    (full, crypto_secretstream_xchacha20poly1305_TAG_FINAL),
                    (b"x", crypto_secretstream_xchacha20poly1305_TAG_FINAL),
                ],
            ),
            DOC_KEY,
            "early_final",
        ),
        (
            "ending with a full-size chunk tagged final",
            _crafted_stream(1024, [(full, crypto_secretstream_xchacha20poly1305_TAG_FINAL)]),
            DOC_KEY,
            "early_final",
        ),
        (
            "with a chunk tagged PUSH",
            _crafted_stream(
                1024,
                [
                    (full, crypto_secretstream_xchacha20poly1305_TAG_PUSH),
                    (b"x", crypto_secretstream_xchacha20poly1305_TAG_FINAL),
                ],
            ),
            DOC_KEY,
            "unexpected_tag",
        ),
        (
            "whose short last chunk is tagged MESSAGE",
            _crafted_stream(
                1024,
                [
                    (full, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE),
                    (b"x", crypto_secretstream_xchacha20poly1305_TAG_MESSAGE),
                ],
            ),
            DOC_KEY,
            "truncated",
        ),
    ]
    for label, data, key, outcome in negatives:
        out.append(
            _vector(
                f"content stream {label}",
                "content_stream",
                {"doc_key": key.hex(), "stream": data.hex()},
                outcome,
                deterministic=False,
            )
        )
    return out


# --- §9 ---------------------------------------------------------------------------


def metadata_vectors() -> list[Vector]:
    content = b"Attestation de domiciliation"
    meta = DocumentMetadata(
        name="Avis d'impôt 2024 — Mme Exemple.pdf",
        mime="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    nonce = fixed("coffre vectors: metadata nonce", 24)
    blob = encrypt_metadata(DOC_KEY, meta, nonce=nonce)
    out = [
        _vector(
            "metadata",
            "metadata",
            {
                "doc_key": DOC_KEY.hex(),
                "nonce": nonce.hex(),
                "name": meta.name,
                "mime": meta.mime,
                "size": meta.size,
                "sha256": meta.sha256,
            },
            "ok",
            {
                "metadata_key": metadata_key(DOC_KEY).hex(),
                "plaintext": metadata_plaintext(meta).hex(),
                "blob": blob.hex(),
            },
        )
    ]
    for label, b, key, outcome in [
        ("with the wrong key", blob, fixed("other doc key", 32), "wrong_key"),
        ("with a flipped ciphertext bit", _flip(blob, 50), DOC_KEY, "tampered"),
        ("with version byte 2", b"\x02" + blob[1:], DOC_KEY, "wrong_version"),
        ("shorter than its overhead", blob[:40], DOC_KEY, "invalid_input"),
    ]:
        out.append(
            _vector(
                f"metadata {label}", "metadata", {"doc_key": key.hex(), "blob": b.hex()}, outcome
            )
        )
    return out


# --- §10 --------------------------------------------------------------------------


def sealed_vectors() -> list[Vector]:
    recipient = account_keys_from_secrets(
        fixed("coffre vectors: recipient box secret", 32), fixed("coffre vectors: unused", 32)
    )
    sealed = seal_document_key(DOC_KEY, recipient.box_public)
    other = fixed("coffre vectors: other box secret", 32)
    out = [
        _vector(
            "sealed document key",
            "sealed_key",
            {
                "box_public": recipient.box_public.hex(),
                "box_secret": recipient.box_secret.hex(),
                "sealed": sealed.hex(),
            },
            "ok",
            {"doc_key": DOC_KEY.hex()},
            deterministic=False,
        )
    ]
    for label, s, secret, outcome in [
        ("opened with the wrong secret key", sealed, other, "wrong_key"),
        ("with a flipped bit", _flip(sealed, 60), recipient.box_secret, "tampered"),
        ("one byte short", sealed[:-1], recipient.box_secret, "invalid_input"),
    ]:
        out.append(
            _vector(
                f"sealed document key {label}",
                "sealed_key",
                {
                    "box_public": recipient.box_public.hex(),
                    "box_secret": secret.hex(),
                    "sealed": s.hex(),
                },
                outcome,
                deterministic=False,
            )
        )
    return out


# --- §11 --------------------------------------------------------------------------


def statement_vectors() -> list[Vector]:
    admin_seed = fixed("coffre vectors: structure admin sign seed", 32)
    professional = account_keys_from_secrets(
        fixed("coffre vectors: professional box secret", 32),
        fixed("coffre vectors: professional sign seed", 32),
    )
    statement = {
        "v": 1,
        "type": "key-certification",
        "structure": "CCAS de Clermont-Ferrand",
        "subject": "Élodie Martin, conseillère",
        "box_public": b64encode(professional.box_public),
        "sign_public": b64encode(professional.sign_public),
        "issued_at": "2025-01-15T10:00:00Z",
        "serial": 42,
    }
    envelope = sign_statement(statement, admin_seed)
    signer = account_keys_from_secrets(professional.box_secret, admin_seed).sign_public
    out = [
        _vector(
            "statement key certification",
            "statement",
            {"sign_seed": admin_seed.hex(), "statement": statement},
            "ok",
            {
                "signer": signer.hex(),
                "canonical_json": canonical_json(statement).hex(),
                "signed_message": signed_message(statement).hex(),
                "envelope": envelope,
            },
        )
    ]
    altered = dict(envelope, statement=dict(statement, serial=43))
    sig = bytearray(b64decode(envelope["signature"]))
    sig[0] ^= 0x01
    flipped = dict(envelope, signature=b64encode(bytes(sig)))
    negatives: list[tuple[str, Any, bytes | None, str]] = [
        ("verified against its signer", envelope, signer, "ok"),
        ("with an altered statement", altered, None, "bad_signature"),
        ("with a flipped signature bit", flipped, None, "bad_signature"),
        ("from an unexpected signer", envelope, professional.sign_public, "unexpected_signer"),
        (
            "without a signature",
            {"statement": statement, "signer": envelope["signer"]},
            None,
            "invalid_input",
        ),
        (
            "with statement version 2",
            dict(envelope, statement=dict(statement, v=2)),
            None,
            "wrong_version",
        ),
    ]
    for label, env, expected_signer, outcome in negatives:
        inputs: dict[str, Any] = {"envelope": env}
        if expected_signer is not None:
            inputs["expected_signer"] = expected_signer.hex()
        out.append(
            _vector(
                f"statement {label}",
                "statement",
                inputs,
                outcome,
                {"statement": statement} if outcome == "ok" else None,
            )
        )
    return out


# --- §12 --------------------------------------------------------------------------


def fingerprint_vectors() -> list[Vector]:
    out = []
    for label in ("box", "sign"):
        key = fixed(f"coffre vectors: fingerprint {label} key", 32)
        out.append(
            _vector(
                f"fingerprint of a {label} public key",
                "fingerprint",
                {"public_key": key.hex()},
                "ok",
                {
                    "digest": hashlib.blake2b(purposes.FINGERPRINT_PREFIX + key, digest_size=32)
                    .digest()
                    .hex(),
                    "fingerprint": fingerprint(key),
                },
            )
        )
    return out


def build_vectors() -> dict[str, Any]:
    """The whole v1.json document."""
    vectors = (
        encoding_vectors()
        + subkey_vectors()
        + kdf_vectors()
        + recovery_vectors()
        + master_key_vectors()
        + keyring_vectors()
        + document_key_vectors()
        + stream_vectors()
        + metadata_vectors()
        + sealed_vectors()
        + statement_vectors()
        + fingerprint_vectors()
    )
    return {
        "format": purposes.FORMAT_NAME,
        "description": (
            "Test vectors for crypto/SPEC.md. Bytes are lowercase hex unless SPEC §13 "
            "says otherwise. Generated by crypto/vectors/generate.py."
        ),
        "outcomes": OUTCOMES,
        "vectors": vectors,
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def rewrite_or_check(path: Path, text: str, argv: list[str] | None, doc: str | None) -> int:
    """The command line of a one-file generator (relay_note.py, root_rotation.py):
    write ``text`` to ``path``, or with ``--check`` compare it byte for byte."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if args.check:
        if path.read_text(encoding="utf-8") != text:
            print(f"crypto/vectors/{path.name} differs from its generator", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Imported here: v2.py builds on this module's helpers.
    from crypto.vectors.v2 import build_vectors_v2

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare deterministic vectors")
    parser.add_argument("--only", choices=["v1", "v2"], help="rewrite one file only")
    args = parser.parse_args(argv)
    document = build_vectors()
    document_v2 = build_vectors_v2()
    text_v2 = render(document_v2)
    if args.check:
        recorded = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
        by_name = {v["name"]: v for v in recorded["vectors"]}
        fresh = [v for v in document["vectors"] if v["deterministic"]]
        differing = [v["name"] for v in fresh if by_name.get(v["name"]) != v]
        for name in differing:
            print(f"differs: {name}", file=sys.stderr)
        v2_differs = VECTORS_V2_PATH.read_text(encoding="utf-8") != text_v2
        if v2_differs:
            print(f"differs: {VECTORS_V2_PATH.name}", file=sys.stderr)
        return 1 if differing or v2_differs else 0
    if args.only != "v2":
        # Draws new secretstream headers and sealed-box keys for v1's non-deterministic vectors.
        VECTORS_PATH.write_text(render(document), encoding="utf-8")
        print(f"wrote {len(document['vectors'])} vectors to {VECTORS_PATH}")
    if args.only != "v1":
        VECTORS_V2_PATH.write_text(text_v2, encoding="utf-8")
        print(f"wrote {len(document_v2['vectors'])} vectors to {VECTORS_V2_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
