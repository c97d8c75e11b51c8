"""The format v2 test vectors, crypto/vectors/v2.json (SPEC §27).

Written by `python -m crypto.vectors.generate` with v1.json. Every v2 vector is
deterministic: nonces, secretstream headers (set through init_pull) and sealed
boxes (built as crypto_box_seal builds them, from a fixed ephemeral key) come
from labels, so regenerating reproduces the file byte for byte.
"""

import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from nacl.bindings import (
    crypto_box,
    crypto_box_seed_keypair,
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    crypto_secretstream_xchacha20poly1305_TAG_PUSH,
)

from crypto import aead, purposes
from crypto.binding import bound_parts, deposit_statement, sign_binding
from crypto.certificates_v2 import (
    certificate_statement_v2,
    revocation_list_statement,
    root_statement_v2,
)
from crypto.commitment import content_key_v2, key_commitment, metadata_key_v2
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2
from crypto.document_key import content_key
from crypto.encoding import b64decode, b64encode, canonical_json
from crypto.fields import format_time
from crypto.jsontext import parse_json
from crypto.kdf_v2 import KdfParamsV2, derive_salt, passphrase_root_v2
from crypto.keyring import AccountKeys, account_keys_from_secrets
from crypto.metadata import DocumentMetadata, encrypt_metadata
from crypto.metadata_v2 import DocumentMetadataV2, encrypt_metadata_v2, metadata_plaintext_v2
from crypto.padding import pad_metadata, padme
from crypto.pins import pin_digest, pin_qr_payload, pin_spoken
from crypto.recovery import format_recovery_code
from crypto.statements import signed_message as signed_message_v1
from crypto.statements_v2 import sign_statement_v2, signed_message_v2, statement_id
from crypto.stream import MAGIC
from crypto.stream_v2 import HEADER_BYTES_V2, encrypt_bytes_v2
from crypto.subkeys import subkey
from crypto.vectors.generate import OUTCOMES, Vector, _flip, _vector, fixed
from crypto.vectors.two_key import craft_two_key_chunk

# v1's outcomes (less the keyring's, which v2 leaves unchanged), and v2's own.
OUTCOMES_V2: Final = {
    **{k: e for k, e in OUTCOMES.items() if k not in ("wrong_public_key", "mismatched_keys")},
    "spliced": "DecryptionError",
    "dropped_chunk": "DecryptionError",
    "swapped_header": "DecryptionError",
    "two_key_stream": "DecryptionError",
    "bad_padding": "InvalidInputError",
    "not_canonical": "InvalidInputError",
    "swapped_parts": "BindingError",
    "wrong_commitment": "BindingError",
    "rolled_back": "StaleError",
    "expired": "StaleError",
    "not_yet_valid": "StaleError",
    "revoked": "StaleError",
}

MIB: Final = 1024 * 1024
TERRITORY: Final = "puy-de-dome"
NOW: Final = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def v(
    name: str, construction: str, inputs: dict[str, Any], outcome: str, expected: Any = None
) -> Vector:
    if outcome not in OUTCOMES_V2:
        raise ValueError(f"unknown outcome {outcome}")
    vector = _vector(name, construction, inputs, "ok", expected)
    vector["outcome"] = outcome
    return vector


def ident(label: str) -> str:
    return fixed(f"coffre vectors v2: id {label}", 16).hex()


def keys(label: str) -> AccountKeys:
    return account_keys_from_secrets(
        fixed(f"coffre vectors v2: {label} box secret", 32),
        fixed(f"coffre vectors v2: {label} sign seed", 32),
    )


OWNER: Final = keys("owner (a person)")
GRANTEE: Final = keys("grantee (a professional)")
SERVER: Final = keys("a hostile server")
ADMIN: Final = keys("structure admin")
OFFICER: Final = keys("charter officer")
ROOT: Final = keys("territory root")
OTHER_ADMIN: Final = keys("another structure admin")


def seal(doc_key: bytes, recipient: bytes, label: str) -> bytes:
    """crypto_box_seal with a fixed ephemeral key: epk || crypto_box_easy(m,
    BLAKE2b-192(epk || pk), pk, esk) — what libsodium does with a random one."""
    epk, esk = crypto_box_seed_keypair(fixed(f"coffre vectors v2: ephemeral {label}", 32))
    nonce = hashlib.blake2b(epk + recipient, digest_size=24).digest()
    return epk + crypto_box(doc_key, nonce, recipient, esk)


def ss_header(label: str) -> bytes:
    return fixed(f"coffre vectors v2: secretstream header {label}", 24)


def raw_stream(key: bytes, prefix: bytes, header: bytes, pieces: list[tuple[bytes, int]]) -> bytes:
    """prefix || header || chunks pushed with the given tags (init_pull sets
    the state init_push would set for `header`)."""
    state = crypto_secretstream_xchacha20poly1305_state()
    crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    out = prefix + header
    for piece, tag in pieces:
        out += crypto_secretstream_xchacha20poly1305_push(state, piece, prefix, tag)
    return out


def v2_prefix(doc_key: bytes, chunk_size: int) -> bytes:
    return MAGIC + b"\x02" + chunk_size.to_bytes(4, "big") + key_commitment(doc_key)


def cut(body: bytes, chunk_size: int) -> list[tuple[bytes, int]]:
    """Chunking of SPEC §8.1/§21.3."""
    pieces = []
    position = 0
    while True:
        piece = body[position : position + chunk_size]
        position += len(piece)
        if len(piece) == chunk_size:
            pieces.append((piece, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE))
        else:
            pieces.append((piece, crypto_secretstream_xchacha20poly1305_TAG_FINAL))
            return pieces


def v1_stream(doc_key: bytes, plaintext: bytes, label: str, chunk_size: int = 1024) -> bytes:
    prefix = MAGIC + b"\x01" + chunk_size.to_bytes(4, "big")
    return raw_stream(content_key(doc_key), prefix, ss_header(label), cut(plaintext, chunk_size))


def chunks_of(stream: bytes, header_bytes: int, chunk_size: int) -> list[bytes]:
    body = stream[header_bytes:]
    step = chunk_size + 17
    return [body[i : i + step] for i in range(0, len(body), step)]


def text(size: int, label: str) -> bytes:
    seed = label.encode()
    return bytes((i * 7 + seed[i % len(seed)]) % 256 for i in range(size))


# --- strict JSON (§18) ----------------------------------------------------------------


def json_vectors() -> list[Vector]:
    cases = [
        ("an object", '{"a":1,"b":[true,null,"é"]}', "ok"),
        ("a duplicate member name", '{"a":1,"a":2}', "invalid_input"),
        ("a nested duplicate member name", '{"a":{"b":1,"b":1}}', "invalid_input"),
        ("an integer written with a fraction", '{"size":28.0}', "invalid_input"),
        ("an integer written with an exponent", '{"size":1e3}', "invalid_input"),
        ("NaN", '{"size":NaN}', "invalid_input"),
        ("an integer beyond 2^53 - 1", '{"size":9007199254740992}', "invalid_input"),
        ("a lone surrogate", '{"name":"\\ud800"}', "invalid_input"),
        ("a lone surrogate in a member name", '{"\\udc00":1}', "invalid_input"),
    ]
    out = [
        v(
            f"strict json {label}",
            "strict_json",
            {"text": t},
            outcome,
            {"value": {"a": 1, "b": [True, None, "é"]}} if outcome == "ok" else None,
        )
        for label, t, outcome in cases
    ]
    out.append(
        v(
            "strict json with a byte order mark",
            "strict_json",
            {"bytes": ("\ufeff" + '{"a":1}').encode().hex()},
            "invalid_input",
        )
    )
    return out


def canonical_vectors() -> list[Vector]:
    """RFC 8785 from raw JSON text: member order by UTF-16 code units (U+1F600,
    a surrogate pair D83D DE00, sorts before U+E000, unlike code points),
    minimal escapes, "-0" as "0", the largest safe integer."""
    cases = [
        (
            "members sorted by UTF-16 code units",
            '{"\\ue000":2,"\\ud83d\\ude00":1,"a":0,"A":0,"\\u00e9":0}',
        ),
        (
            "strings escaped minimally",
            '{"s":"\u2028\\u000F\\\\\\"\\/\\u00e9\\t"}',
        ),
        ("integers", '{"a":-0,"b":9007199254740991,"c":-9007199254740991,"d":[0,1,-1]}'),
        ("nested objects and whitespace", '{ "b" : { "z" : 1 , "y" : [ ] } , "a" : null }'),
    ]
    return [
        v(
            f"canonical json {label}",
            "canonical_json",
            {"text": text_},
            "ok",
            {"canonical": canonical_json(parse_json(text_)).hex()},
        )
        for label, text_ in cases
    ]


# --- subkeys, KDF (§19, §20) ----------------------------------------------------------

DOC_KEY: Final = fixed("coffre vectors v2: document key", 32)


def subkey_vectors() -> list[Vector]:
    short = v(
        "v2 subkey with a 15-byte parent is refused",
        "subkey_v2",
        {"parent": DOC_KEY[:15].hex(), "purpose": purposes.COMMITMENT_V2},
        "invalid_input",
    )
    return [short] + [
        v(
            f"v2 subkey {purpose}",
            "subkey_v2",
            {"parent": DOC_KEY.hex(), "purpose": purpose},
            "ok",
            {"subkey": subkey(DOC_KEY, purpose).hex()},
        )
        for purpose in purposes.V2_PURPOSES
    ]


SALT_RANDOM: Final = fixed("coffre vectors v2: salt random", 16)


def _params(**changes: Any) -> dict[str, Any]:
    params = KdfParamsV2(salt_random=SALT_RANDOM).to_json()
    params.update(changes)
    return params


def kdf_vectors() -> list[Vector]:
    out = []
    nfc = unicodedata.normalize("NFC", "josé.martin")
    nfd = unicodedata.normalize("NFD", "josé.martin")
    ok_cases = [
        ("at the floor", _params(), "marie.dupont"),
        ("at the ceiling", _params(opslimit=10, memlimit=256 * MIB), "marie.dupont"),
        ("with memlimit 64 MiB + 1024", _params(memlimit=64 * MIB + 1024), "marie.dupont"),
        ("for another login", _params(), "0612345678"),
        ("for a non-ASCII login in NFC", _params(), nfc),
        ("for the same login in NFD (same salt)", _params(), nfd),
    ]
    for label, params, login in ok_cases:
        out.append(
            v(
                f"v2 kdf params {label}",
                "kdf_params_v2",
                {"params": params, "territory": TERRITORY, "login": login},
                "ok",
                {"salt": derive_salt(TERRITORY, login, SALT_RANDOM).hex()},
            )
        )
    refused: list[tuple[str, Any, str, str]] = [
        ("opslimit 2 is below the floor", _params(opslimit=2), "marie.dupont", "weak_params"),
        (
            "memlimit 64 MiB - 1024 is below the floor",
            _params(memlimit=64 * MIB - 1024),
            "marie.dupont",
            "weak_params",
        ),
        ("argon2i13 is refused", _params(alg="argon2i13"), "marie.dupont", "weak_params"),
        ("opslimit 11 is above the ceiling", _params(opslimit=11), "marie.dupont", "invalid_input"),
        (
            "memlimit 256 MiB + 1024 is above the ceiling",
            _params(memlimit=256 * MIB + 1024),
            "marie.dupont",
            "invalid_input",
        ),
        (
            "memlimit not a multiple of 1024",
            _params(memlimit=64 * MIB + 1),
            "marie.dupont",
            "invalid_input",
        ),
        (
            "a 15-byte salt_random",
            _params(salt_random=b64encode(SALT_RANDOM[:15])),
            "marie.dupont",
            "invalid_input",
        ),
        (
            "a salt chosen by the server",
            {**_params(), "salt": b64encode(SALT_RANDOM)},
            "marie.dupont",
            "invalid_input",
        ),
        (
            "without memlimit",
            {k: x for k, x in _params().items() if k != "memlimit"},
            "marie.dupont",
            "invalid_input",
        ),
        ("opslimit true", _params(opslimit=True), "marie.dupont", "invalid_input"),
        ("version 1 parameters", _params(v=1), "marie.dupont", "wrong_version"),
        (
            "without a version",
            {k: x for k, x in _params().items() if k != "v"},
            "marie.dupont",
            "invalid_input",
        ),
        ("an empty login", _params(), "", "invalid_input"),
        ("a 256-byte login", _params(), "a" * 256, "invalid_input"),
    ]
    for label, params, login, outcome in refused:
        out.append(
            v(
                f"v2 kdf params {label}",
                "kdf_params_v2",
                {"params": params, "territory": TERRITORY, "login": login},
                outcome,
            )
        )
    out.append(
        v(
            "v2 kdf params with a territory that is not a code",
            "kdf_params_v2",
            {"params": _params(), "territory": "Puy de Dôme", "login": "marie.dupont"},
            "invalid_input",
        )
    )
    for label, passphrase, login in [
        ("ascii", "correct horse battery staple", "marie.dupont"),
        ("non-ascii", unicodedata.normalize("NFD", "Café fort 7 mots"), nfc),
    ]:
        kdf_params = KdfParamsV2(salt_random=SALT_RANDOM)
        root = passphrase_root_v2(passphrase, kdf_params, territory=TERRITORY, login=login)
        out.append(
            v(
                f"v2 passphrase kdf {label}",
                "passphrase_kdf_v2",
                {
                    "passphrase": passphrase,
                    "params": kdf_params.to_json(),
                    "territory": TERRITORY,
                    "login": login,
                },
                "ok",
                {
                    "salt": derive_salt(TERRITORY, login, SALT_RANDOM).hex(),
                    "root": root.hex(),
                    "auth_key": subkey(root, purposes.LOGIN_V2).hex(),
                    "wrap_key": subkey(root, purposes.PASSPHRASE_WRAP_V2).hex(),
                },
            )
        )
    return out


# --- padding (§21.2) ------------------------------------------------------------------


def padme_vectors() -> list[Vector]:
    lengths = [2, 8, 9, 36, 100, 1000, 1024, 1025, 65536 + 8, 10**6, 10**7, 2**50 + 8]
    return [v(f"padme {n}", "padme", {"length": n}, "ok", {"padded": padme(n)}) for n in lengths]


# --- content stream (§21) ---------------------------------------------------------------


def stream_vectors() -> list[Vector]:
    out = []
    cases = [
        ("empty", b"", 65536),
        ("one byte", b"\x00", 65536),
        ("short text", b"Attestation de domiciliation", 65536),
        ("filling one chunk exactly (then an empty final chunk)", text(1016, "one chunk"), 1024),
        ("several chunks", text(2500, "several"), 1024),
    ]
    streams = {}
    for label, plaintext, chunk_size in cases:
        header = ss_header(label)
        stream = encrypt_bytes_v2(DOC_KEY, plaintext, chunk_size, secretstream_header=header)
        streams[label] = stream
        out.append(
            v(
                f"v2 content stream {label}",
                "content_stream_v2",
                {
                    "doc_key": DOC_KEY.hex(),
                    "plaintext": plaintext.hex(),
                    "chunk_size": chunk_size,
                    "secretstream_header": header.hex(),
                    "stream": stream.hex(),
                },
                "ok",
                {
                    "plaintext": plaintext.hex(),
                    "content_key": content_key_v2(DOC_KEY).hex(),
                    "key_commitment": key_commitment(DOC_KEY).hex(),
                    "padded_size": padme(8 + len(plaintext)),
                },
            )
        )
    stream = streams["several chunks"]
    plaintext = text(2500, "several")
    header = stream[:HEADER_BYTES_V2]
    c = chunks_of(
        stream, HEADER_BYTES_V2, 1024
    )  # padme(2508) = 2560: two full chunks and a 512-byte final one
    other = encrypt_bytes_v2(
        DOC_KEY, plaintext, 1024, secretstream_header=ss_header("other stream")
    )
    o = chunks_of(other, HEADER_BYTES_V2, 1024)
    longer = encrypt_bytes_v2(
        DOC_KEY, text(5000, "longer"), 1024, secretstream_header=ss_header("longer")
    )
    lc = chunks_of(longer, HEADER_BYTES_V2, 1024)
    other_key = fixed("coffre vectors v2: other document key", 32)
    prefix = v2_prefix(DOC_KEY, 1024)
    body = (2500).to_bytes(8, "big") + plaintext + bytes(padme(2508) - 2508)
    wrong_purpose = raw_stream(
        subkey(DOC_KEY, purposes.CONTENT), prefix, ss_header("several chunks"), cut(body, 1024)
    )
    bad_padding = raw_stream(
        content_key_v2(DOC_KEY), prefix, ss_header("bad padding"), cut(body[:-1] + b"\x01", 1024)
    )
    short_body = (2500).to_bytes(
        8, "big"
    ) + plaintext  # padding left out: 2508 bytes instead of 2560
    long_body = body + bytes(16)
    three = (3).to_bytes(8, "big") + b"abc"
    full = b"\x00" * 1024
    key1, key2 = DOC_KEY, fixed("coffre vectors v2: second key of a two-key stream", 32)
    two_prefix = v2_prefix(key1, 1024)
    two_header, two_chunk = craft_two_key_chunk(
        content_key_v2(key1),
        content_key_v2(key2),
        two_prefix,
        (24).to_bytes(8, "big") + b"Attestat",
        label="coffre vectors v2: two-key header",
    )
    two_key = two_prefix + two_header + two_chunk
    negatives = [
        ("with the wrong key", stream, other_key, "wrong_key"),
        (
            "with the v1 content subkey (right key, wrong purpose)",
            wrong_purpose,
            DOC_KEY,
            "wrong_purpose",
        ),
        (
            "with a flipped bit in the second chunk",
            header + c[0] + _flip(c[1], 100) + c[2],
            DOC_KEY,
            "tampered",
        ),
        (
            "with a flipped tag bit",
            header + c[0] + c[1] + _flip(c[2], len(c[2]) - 1),
            DOC_KEY,
            "tampered",
        ),
        ("with a flipped bit in the key commitment", _flip(stream, 20), DOC_KEY, "wrong_key"),
        ("with a flipped bit in the secretstream header", _flip(stream, 50), DOC_KEY, "tampered"),
        (
            "with chunk_size changed to 2048",
            stream[:5] + (2048).to_bytes(4, "big") + stream[9:],
            DOC_KEY,
            "tampered",
        ),
        (
            "with chunk_size over the limit (4 MiB + 1)",
            stream[:5] + (4 * MIB + 1).to_bytes(4, "big") + stream[9:],
            DOC_KEY,
            "invalid_input",
        ),
        ("with its middle chunk dropped", header + c[0] + c[2], DOC_KEY, "dropped_chunk"),
        (
            "with a chunk spliced from another stream under the same key",
            header + c[0] + o[1] + c[2],
            DOC_KEY,
            "spliced",
        ),
        (
            "with the header of another stream under the same key",
            other[:HEADER_BYTES_V2] + b"".join(c),
            DOC_KEY,
            "swapped_header",
        ),
        ("with a whole chunk appended", stream + lc[1], DOC_KEY, "appended"),
        ("with bytes after the final chunk", stream + b"\x00", DOC_KEY, "appended"),
        ("without its final chunk", header + c[0] + c[1], DOC_KEY, "truncated"),
        ("cut inside the header", stream[:40], DOC_KEY, "truncated"),
        ("with two chunks swapped", header + c[1] + c[0] + c[2], DOC_KEY, "reordered"),
        ("with a chunk duplicated", header + c[0] + c[0] + c[1] + c[2], DOC_KEY, "duplicated"),
        ("with version byte 1", stream[:4] + b"\x01" + stream[5:], DOC_KEY, "wrong_version"),
        ("with version byte 3", stream[:4] + b"\x03" + stream[5:], DOC_KEY, "wrong_version"),
        ("with a wrong magic", b"CFDX" + stream[4:], DOC_KEY, "bad_magic"),
        ("whose padding is not zeros", bad_padding, DOC_KEY, "bad_padding"),
        (
            "whose padding is missing",
            raw_stream(
                content_key_v2(DOC_KEY), prefix, ss_header("short body"), cut(short_body, 1024)
            ),
            DOC_KEY,
            "bad_padding",
        ),
        (
            "with padding beyond padme(8 + L)",
            raw_stream(
                content_key_v2(DOC_KEY), prefix, ss_header("long body"), cut(long_body, 1024)
            ),
            DOC_KEY,
            "bad_padding",
        ),
        (
            "whose length prefix is cut",
            raw_stream(
                content_key_v2(DOC_KEY), prefix, ss_header("cut prefix"), cut(b"\x00\x00\x00", 1024)
            ),
            DOC_KEY,
            "bad_padding",
        ),
        (
            "whose length prefix names more than 2^50 bytes",
            raw_stream(
                content_key_v2(DOC_KEY),
                prefix,
                ss_header("huge"),
                cut((2**50 + 1).to_bytes(8, "big"), 1024),
            ),
            DOC_KEY,
            "bad_padding",
        ),
        (
            "with a full-size chunk tagged final",
            raw_stream(
                content_key_v2(DOC_KEY),
                prefix,
                ss_header("early final"),
                [
                    (
                        three + full[: 1024 - len(three)],
                        crypto_secretstream_xchacha20poly1305_TAG_FINAL,
                    )
                ],
            ),
            DOC_KEY,
            "early_final",
        ),
        (
            "with a chunk tagged PUSH",
            raw_stream(
                content_key_v2(DOC_KEY),
                prefix,
                ss_header("push"),
                [
                    (body[:1024], crypto_secretstream_xchacha20poly1305_TAG_PUSH),
                    (body[1024:2048], crypto_secretstream_xchacha20poly1305_TAG_MESSAGE),
                    (body[2048:], crypto_secretstream_xchacha20poly1305_TAG_FINAL),
                ],
            ),
            DOC_KEY,
            "unexpected_tag",
        ),
        ("with a 31-byte document key", stream, DOC_KEY[:31], "invalid_input"),
        ("with a 33-byte document key", stream, DOC_KEY + b"\x00", "invalid_input"),
        ("crafted to open under two keys, read with the committed key", two_key, key1, "ok"),
        (
            "crafted to open under two keys, read with the second key",
            two_key,
            key2,
            "two_key_stream",
        ),
    ]
    for label, data, key, outcome in negatives:
        expected = None
        if outcome == "ok":
            expected = {
                "plaintext": _two_key_plaintext(key1, two_header, two_chunk, two_prefix).hex()
            }
        out.append(
            v(
                f"v2 content stream {label}",
                "content_stream_v2",
                {"doc_key": key.hex(), "stream": data.hex()},
                outcome,
                expected,
            )
        )
    return out


def _two_key_plaintext(key: bytes, header: bytes, chunk: bytes, prefix: bytes) -> bytes:
    from crypto.stream_v2 import decrypt_bytes_v2

    return decrypt_bytes_v2(key, prefix + header + chunk)


# --- metadata (§22) -------------------------------------------------------------------


def _seal_v2_metadata(
    doc_key: bytes, padded: bytes, label: str, *, key: bytes | None = None
) -> bytes:
    return aead.seal_blob(
        metadata_key_v2(doc_key) if key is None else key,
        padded,
        purposes.AD_METADATA_V2,
        nonce=fixed(f"coffre vectors v2: metadata nonce {label}", 24),
        version=aead.VERSION_V2,
    )


def _raw_padded(json_text: str, bucket: int | None = None) -> bytes:
    data = json_text.encode("utf-8")
    if bucket is None:
        return pad_metadata(data)
    return data + b"\x80" + bytes(bucket - len(data) - 1)


def metadata_vectors() -> list[Vector]:
    content = b"Attestation de domiciliation"
    sha = hashlib.sha256(content).hexdigest()
    metas = [
        (
            "a short name (256-byte bucket)",
            DocumentMetadataV2("Avis d'impôt 2024.pdf", "application/pdf", len(content), sha),
        ),
        (
            "a long name (512-byte bucket)",
            DocumentMetadataV2(
                "Attestation de la Caisse d'allocations familiales — " * 4 + ".pdf",
                "application/pdf",
                len(content),
                sha,
            ),
        ),
        (
            "the longest name, all quotes (1024-byte bucket)",
            DocumentMetadataV2(
                '"' * 255,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                2**50,
                sha,
            ),
        ),
    ]
    out = []
    for label, meta in metas:
        nonce = fixed(f"coffre vectors v2: metadata nonce {label}", 24)
        blob = encrypt_metadata_v2(DOC_KEY, meta, nonce=nonce)
        out.append(
            v(
                f"v2 metadata {label}",
                "metadata_v2",
                {
                    "doc_key": DOC_KEY.hex(),
                    "nonce": nonce.hex(),
                    "name": meta.name,
                    "mime": meta.mime,
                    "size": meta.size,
                    "sha256": meta.sha256,
                    "blob": blob.hex(),
                },
                "ok",
                {
                    "metadata_key": metadata_key_v2(DOC_KEY).hex(),
                    "plaintext": metadata_plaintext_v2(meta).hex(),
                    "padded": pad_metadata(metadata_plaintext_v2(meta)).hex(),
                    "blob": blob.hex(),
                },
            )
        )
    meta = metas[0][1]
    good = metadata_plaintext_v2(meta).decode()
    blob = encrypt_metadata_v2(
        DOC_KEY, meta, nonce=fixed("coffre vectors v2: metadata nonce x", 24)
    )
    obj = meta.to_json()

    def j(o: dict[str, Any]) -> str:
        return canonical_json(o).decode()

    crafted = [
        (
            "with members not in canonical order",
            '{"v":2,"name":'
            + j({"a": meta.name})[5:-1]
            + ',"mime":"application/pdf","size":28,"sha256":"'
            + sha
            + '"}',
            "not_canonical",
        ),
        ("with insignificant whitespace", good.replace(",", ", "), "not_canonical"),
        ("with an extra member", j({**obj, "owner": "x"}), "invalid_input"),
        (
            "without the sha256 member",
            j({k: x for k, x in obj.items() if k != "sha256"}),
            "invalid_input",
        ),
        ("with inner version 1", j({**obj, "v": 1}), "wrong_version"),
        ("with inner version 3", j({**obj, "v": 3}), "wrong_version"),
        ("with a duplicate member", good[:-1] + ',"v":2}', "invalid_input"),
        ("with size written 28.0", good.replace('"size":28', '"size":28.0'), "invalid_input"),
        (
            "with a control character in the name",
            j({**obj, "name": "a\u0007b.pdf"}),
            "invalid_input",
        ),
        ("with a lone surrogate in the name", good.replace("Avis", "\\ud800vis"), "invalid_input"),
        ("with an upper-case mime", j({**obj, "mime": "Application/PDF"}), "invalid_input"),
        ("with an empty name", j({**obj, "name": ""}), "invalid_input"),
        ("with a 256-byte name", j({**obj, "name": "é" * 128}), "invalid_input"),
    ]
    negatives: list[tuple[str, bytes, bytes, str]] = []
    for label, json_text, outcome in crafted:
        negatives.append(
            (label, _seal_v2_metadata(DOC_KEY, _raw_padded(json_text), label), DOC_KEY, outcome)
        )
    negatives += [
        (
            "with the wrong key",
            blob,
            fixed("coffre vectors v2: other document key", 32),
            "wrong_key",
        ),
        (
            "under the v1 metadata subkey (right key, wrong purpose)",
            _seal_v2_metadata(
                DOC_KEY,
                pad_metadata(good.encode()),
                "purpose",
                key=subkey(DOC_KEY, purposes.METADATA),
            ),
            DOC_KEY,
            "wrong_purpose",
        ),
        ("with a flipped ciphertext bit", _flip(blob, 60), DOC_KEY, "tampered"),
        ("with a flipped tag bit", _flip(blob, len(blob) - 1), DOC_KEY, "tampered"),
        ("with version byte 1", b"\x01" + blob[1:], DOC_KEY, "wrong_version"),
        (
            "padded to a larger bucket than needed",
            _seal_v2_metadata(DOC_KEY, _raw_padded(good, 512), "bucket"),
            DOC_KEY,
            "not_canonical",
        ),
        (
            "whose padding lacks the 0x80 marker",
            _seal_v2_metadata(DOC_KEY, good.encode() + bytes(256 - len(good)), "marker"),
            DOC_KEY,
            "invalid_input",
        ),
        (
            "of a length that is no bucket",
            _seal_v2_metadata(
                DOC_KEY, good.encode() + b"\x80" + bytes(300 - len(good) - 1), "length"
            ),
            DOC_KEY,
            "invalid_input",
        ),
        ("one byte short", blob[:-1], DOC_KEY, "invalid_input"),
        ("with a 16-byte document key", blob, DOC_KEY[:16], "invalid_input"),
    ]
    for label, b, key, outcome in negatives:
        out.append(
            v(
                f"v2 metadata {label}",
                "metadata_v2",
                {"doc_key": key.hex(), "blob": b.hex()},
                outcome,
            )
        )
    return out


# --- documents (§23, §24) -------------------------------------------------------------

BOUND_AT: Final = datetime(2026, 1, 10, 9, 30, 0, tzinfo=UTC)
DOC_A: Final = ident("document A")
DOC_B: Final = ident("document B")
DOC_D: Final = ident("deposited document")
DOC_M: Final = ident("migrated document")
OWNER_ID: Final = ident("owner")
DEPOSITOR_ID: Final = ident("depositor")
STRUCTURE_ID: Final = ident("structure")


class _Doc:
    """One version of one document, every part fixed by labels."""

    def __init__(
        self,
        label: str,
        document: str,
        version: int,
        content: bytes,
        name: str,
        *,
        v1: bool = False,
    ) -> None:
        self.key = fixed(f"coffre vectors v2: doc key {label}", 32)
        self.document, self.version, self.content = document, version, content
        sha = hashlib.sha256(content).hexdigest()
        nonce = fixed(f"coffre vectors v2: doc metadata nonce {label}", 24)
        if v1:
            self.stream = v1_stream(self.key, content, f"doc {label}")
            self.metadata = encrypt_metadata(
                self.key, DocumentMetadata(name, "application/pdf", len(content), sha), nonce=nonce
            )
        else:
            self.stream = encrypt_bytes_v2(
                self.key, content, 1024, secretstream_header=ss_header(f"doc {label}")
            )
            self.metadata = encrypt_metadata_v2(
                self.key,
                DocumentMetadataV2(name, "application/pdf", len(content), sha),
                nonce=nonce,
            )
        self.parts = bound_parts(
            document=document,
            version=version,
            owner=OWNER_ID,
            doc_key=self.key,
            stream=self.stream,
            metadata_blob=self.metadata,
        )
        self.binding = sign_binding(self.parts, BOUND_AT, OWNER.sign_seed)
        self.label = label

    def sealed(self, recipient: AccountKeys) -> bytes:
        return seal(
            self.key, recipient.box_public, f"{self.label} to {recipient.box_public.hex()[:8]}"
        )


def _doc_inputs(
    doc: _Doc,
    reader: AccountKeys,
    *,
    envelope: dict[str, Any] | None = None,
    signer: bytes | None = None,
    document: str | None = None,
    min_version: int = 1,
    sealed: bytes | None = None,
    metadata: bytes | None = None,
    stream: bytes | None = None,
) -> dict[str, Any]:
    return {
        "envelope": doc.binding if envelope is None else envelope,
        "signer": (OWNER.sign_public if signer is None else signer).hex(),
        "document": doc.document if document is None else document,
        "owner": OWNER_ID,
        "min_version": min_version,
        "sealed_key": (doc.sealed(reader) if sealed is None else sealed).hex(),
        "box_public": reader.box_public.hex(),
        "box_secret": reader.box_secret.hex(),
        "metadata_blob": (doc.metadata if metadata is None else metadata).hex(),
        "stream": (doc.stream if stream is None else stream).hex(),
    }


def document_vectors() -> list[Vector]:
    a1 = _Doc(
        "A version 1",
        DOC_A,
        1,
        b"Attestation de domiciliation, version 1",
        "Attestation.pdf",
    )
    a2 = _Doc(
        "A version 2 (re-keyed)",
        DOC_A,
        2,
        b"Attestation de domiciliation, version 2",
        "Attestation.pdf",
    )
    b = _Doc("B", DOC_B, 1, text(1500, "document B"), "Avis d'imposition.pdf")
    m = _Doc("migrated", DOC_M, 3, "Un document de v1, lié en v2".encode(), "Ancien.pdf", v1=True)
    d = _Doc(
        "deposited", DOC_D, 1, "Attestation de domiciliation déposée".encode(), "Domiciliation.pdf"
    )
    deposit = sign_statement_v2(
        deposit_statement(
            d.parts,
            depositor=DEPOSITOR_ID,
            structure=STRUCTURE_ID,
            category="domiciliation",
            deposited_at=BOUND_AT,
        ),
        GRANTEE.sign_seed,
    )
    altered = dict(a2.binding, statement=dict(a2.binding["statement"], version=3))
    by_server = sign_binding(a2.parts, BOUND_AT, SERVER.sign_seed)
    b_for_a = sign_binding(
        bound_parts(
            document=DOC_A,
            version=1,
            owner=OWNER_ID,
            doc_key=b.key,
            stream=b.stream,
            metadata_blob=b.metadata,
        ),
        BOUND_AT,
        OWNER.sign_seed,
    )

    def ok(label: str, doc: _Doc, reader: AccountKeys, **kw: Any) -> Vector:
        return v(
            f"v2 document {label}",
            "document_v2",
            _doc_inputs(doc, reader, **kw),
            "ok",
            {
                "plaintext": doc.content.hex(),
                "version": doc.version,
                "key_commitment": key_commitment(doc.key).hex(),
            },
        )

    def bad(label: str, outcome: str, doc: _Doc, reader: AccountKeys, **kw: Any) -> Vector:
        return v(f"v2 document {label}", "document_v2", _doc_inputs(doc, reader, **kw), outcome)

    return [
        ok("opened by its owner", a2, OWNER, min_version=2),
        ok("opened by a grantee", a2, GRANTEE, min_version=2),
        ok("version 1 opened before any re-keying was seen", a1, OWNER),
        ok("migrated from v1 (v1 stream and metadata, v2 binding)", m, OWNER, min_version=3),
        ok(
            "deposited, bound by the depositor's deposit",
            d,
            OWNER,
            envelope=deposit,
            signer=GRANTEE.sign_public,
        ),
        bad(
            "with the stream of another document",
            "swapped_parts",
            a2,
            OWNER,
            stream=b.stream,
            min_version=2,
        ),
        bad(
            "with the metadata of another document",
            "swapped_parts",
            a2,
            OWNER,
            metadata=b.metadata,
            min_version=2,
        ),
        bad(
            "with the header of another document's stream",
            "swapped_parts",
            a2,
            OWNER,
            stream=b.stream[:HEADER_BYTES_V2] + a2.stream[HEADER_BYTES_V2:],
            min_version=2,
        ),
        bad(
            "with the sealed key of another document",
            "wrong_commitment",
            a2,
            OWNER,
            sealed=b.sealed(OWNER),
            min_version=2,
        ),
        bad(
            "with the binding of another document",
            "swapped_parts",
            a2,
            OWNER,
            envelope=b.binding,
            min_version=2,
        ),
        bad(
            "with another document's parts bound under this id, asked as B",
            "swapped_parts",
            b,
            OWNER,
            envelope=b_for_a,
        ),
        bad("served in its old version after re-keying", "rolled_back", a1, OWNER, min_version=2),
        bad(
            "with the old sealed key after re-keying",
            "wrong_commitment",
            a2,
            GRANTEE,
            sealed=a1.sealed(GRANTEE),
            min_version=2,
        ),
        bad(
            "with a binding signed by the server's key",
            "unexpected_signer",
            a2,
            GRANTEE,
            envelope=by_server,
            min_version=2,
        ),
        bad(
            "with a binding signed by the server's key, expected as such",
            "swapped_parts",
            a2,
            GRANTEE,
            envelope=by_server,
            signer=SERVER.sign_public,
            document=DOC_B,
        ),
        bad("with an altered binding", "bad_signature", a2, OWNER, envelope=altered, min_version=2),
        bad(
            "with a flipped bit in the stream",
            "swapped_parts",
            a2,
            OWNER,
            stream=_flip(a2.stream, 100),
            min_version=2,
        ),
        bad(
            "with a sealed key for someone else",
            "wrong_key",
            a2,
            GRANTEE,
            sealed=a2.sealed(OWNER),
            min_version=2,
        ),
        bad(
            "with a deposit checked against the owner's key",
            "unexpected_signer",
            d,
            OWNER,
            envelope=deposit,
        ),
        bad(
            "with a 79-byte sealed key",
            "invalid_input",
            a2,
            OWNER,
            sealed=a2.sealed(OWNER)[:79],
            min_version=2,
        ),
        bad(
            "with a 31-byte expected signer",
            "invalid_input",
            a2,
            OWNER,
            signer=OWNER.sign_public[:31],
            min_version=2,
        ),
    ]


def statement_vectors() -> list[Vector]:
    a = _Doc("statement", DOC_A, 1, b"statement vectors", "s.pdf")
    statement = a.binding["statement"]
    envelope = a.binding
    sig = b64decode(envelope["signature"])
    # S + L: the same signature with a non-canonical S, which libsodium refuses (§18.8).
    order = 2**252 + 27742317777372353535851937790883648493
    s_plus_l = sig[:32] + (int.from_bytes(sig[32:], "little") + order).to_bytes(32, "little")
    v1_signed = dict(envelope)
    from nacl.signing import SigningKey

    v1_signed["signature"] = b64encode(
        SigningKey(OWNER.sign_seed).sign(signed_message_v1({**statement, "v": 1})).signature
    )
    small_order = bytes([1]) + bytes(31)  # the identity point: small order
    cases: list[tuple[str, Any, bytes, str, str]] = [
        ("a document binding", envelope, OWNER.sign_public, "coffre/document-binding", "ok"),
        (
            "with an altered member",
            dict(envelope, statement=dict(statement, version=2)),
            OWNER.sign_public,
            "coffre/document-binding",
            "bad_signature",
        ),
        (
            "with a flipped signature bit",
            dict(envelope, signature=b64encode(_flip(sig, 0))),
            OWNER.sign_public,
            "coffre/document-binding",
            "bad_signature",
        ),
        (
            "with a non-canonical S (S + L)",
            dict(envelope, signature=b64encode(s_plus_l)),
            OWNER.sign_public,
            "coffre/document-binding",
            "bad_signature",
        ),
        (
            "signed over the v1 prefix",
            v1_signed,
            OWNER.sign_public,
            "coffre/document-binding",
            "bad_signature",
        ),
        (
            "from an unexpected signer",
            envelope,
            SERVER.sign_public,
            "coffre/document-binding",
            "unexpected_signer",
        ),
        (
            "with a small-order signer key",
            dict(envelope, signer=b64encode(small_order)),
            small_order,
            "coffre/document-binding",
            "bad_signature",
        ),
        (
            "of another type than expected",
            envelope,
            OWNER.sign_public,
            "coffre/deposit",
            "invalid_input",
        ),
        (
            "of an unknown type",
            dict(envelope, statement=dict(statement, type="key-certification")),
            OWNER.sign_public,
            "coffre/document-binding",
            "invalid_input",
        ),
        (
            "with statement version 1",
            dict(envelope, statement=dict(statement, v=1)),
            OWNER.sign_public,
            "coffre/document-binding",
            "wrong_version",
        ),
        (
            "with a version written as a string",
            dict(envelope, statement=dict(statement, v="2")),
            OWNER.sign_public,
            "coffre/document-binding",
            "invalid_input",
        ),
        (
            "without a signature",
            {"statement": statement, "signer": envelope["signer"]},
            OWNER.sign_public,
            "coffre/document-binding",
            "invalid_input",
        ),
        (
            "with a 63-byte signature",
            dict(envelope, signature=b64encode(sig[:63])),
            OWNER.sign_public,
            "coffre/document-binding",
            "invalid_input",
        ),
    ]
    out = []
    for label, env, signer, kind, outcome in cases:
        expected = (
            {
                "statement": statement,
                "signed_message": signed_message_v2(statement).hex(),
                "statement_id": statement_id(statement),
            }
            if outcome == "ok"
            else None
        )
        out.append(
            v(
                f"v2 statement {label}",
                "statement_v2",
                {"envelope": env, "expected_signer": signer.hex(), "expected_type": kind},
                outcome,
                expected,
            )
        )
    return out


def receipt_vectors() -> list[Vector]:
    a = _Doc("receipt", DOC_A, 4, b"receipt vectors", "r.pdf")
    receipt = ConsentReceiptV2(
        grant=ident("grant"),
        person=OWNER_ID,
        professional=ident("professional"),
        structure=STRUCTURE_ID,
        purpose="ouverture-droits-rsa",
        charter_version=3,
        documents=(SharedDocumentV2(DOC_A, 4, key_commitment(a.key), a.parts.ciphertext_sha256),),
        not_before=BOUND_AT,
        not_after=BOUND_AT + timedelta(days=30),
        max_pulls=None,
        request=None,
    ).statement()
    entry = receipt["documents"][0]
    cases = [
        ("as signed by the person", receipt, "ok"),
        (
            "with documents out of order",
            dict(
                receipt,
                documents=sorted(
                    [dict(entry, id=DOC_B), entry], key=lambda d: d["id"], reverse=True
                ),
            ),
            "invalid_input",
        ),
        (
            "with a document named without its commitment",
            dict(receipt, documents=[{k: x for k, x in entry.items() if k != "key_commitment"}]),
            "invalid_input",
        ),
        ("with an extra member", dict(receipt, note="x"), "invalid_input"),
        ("with max_pulls true", dict(receipt, max_pulls=True), "invalid_input"),
        (
            "with not_after equal to not_before",
            dict(receipt, not_after=receipt["not_before"]),
            "invalid_input",
        ),
        ("with version 1", dict(receipt, v=1), "wrong_version"),
        (
            "with a time that is not a real date",
            dict(receipt, not_after="2026-02-30T00:00:00Z"),
            "invalid_input",
        ),
    ]
    return [
        v(
            f"v2 consent receipt {label}",
            "consent_receipt_v2",
            {"statement": s},
            outcome,
            {"documents": [[DOC_A, 4]]} if outcome == "ok" else None,
        )
        for label, s, outcome in cases
    ]


# --- pins (§25) -----------------------------------------------------------------------


def pin_vectors() -> list[Vector]:
    out = []
    for label, k in [("a trust root", ROOT.sign_public), ("a person", OWNER.sign_public)]:
        out.append(
            v(
                f"key pin of {label}",
                "key_pin",
                {"sign_public_key": k.hex()},
                "ok",
                {"digest": pin_digest(k).hex(), "qr": pin_qr_payload(k), "spoken": pin_spoken(k)},
            )
        )
    k = ROOT.sign_public
    spoken, qr = pin_spoken(k), pin_qr_payload(k)
    forgiving = (
        spoken.lower().replace(" ", "-").replace("o", "0").replace("i", "1").replace("b", "8")
    )
    compact = spoken.replace(" ", "")
    bad_check = compact[:-1] + next(c for c in "ABCDEFG" if c != compact[-1])
    last = qr[-1]
    from crypto.recovery import ALPHABET

    non_canonical = (
        qr[:-1] + ALPHABET[ALPHABET.index(last) | 1]
        if ALPHABET.index(last) % 2 == 0
        else qr[:-1] + ALPHABET[ALPHABET.index(last) & ~1]
    )
    dotless = compact.replace("I", "ı") if "I" in compact else None
    parses: list[tuple[str, str, bytes, str, bool | None]] = [
        ("spoken, as printed", spoken, k, "ok", True),
        ("spoken, lower case with dashes and 0/1/8", forgiving, k, "ok", True),
        ("QR payload", qr, k, "ok", True),
        ("spoken, of another key", pin_spoken(OWNER.sign_public), k, "ok", False),
        ("QR payload of another key", pin_qr_payload(OWNER.sign_public), k, "ok", False),
        ("spoken, with a wrong check character", bad_check, k, "bad_check", None),
        ("spoken, one character short", compact[:-1], k, "invalid_input", None),
        (
            "spoken, with a non-ASCII letter",
            compact[:-1].replace(compact[0], "É", 1) + compact[-1],
            k,
            "invalid_input",
            None,
        ),
        ("QR payload in lower case", qr[:14] + qr[14:].lower(), k, "invalid_input", None),
        ("QR payload with non-zero trailing bits", non_canonical, k, "invalid_input", None),
        ("QR payload of format v1", qr.replace("V2", "V1"), k, "invalid_input", None),
    ]
    parses.append(("for a 31-byte key", spoken, k[:31], "invalid_input", None))
    if dotless:
        parses.append(("spoken, with a dotless i for I", dotless, k, "invalid_input", None))
    for label, pin, key, outcome, matches in parses:
        out.append(
            v(
                f"key pin parse {label}",
                "key_pin",
                {"pin": pin, "sign_public_key": key.hex()},
                outcome,
                {"matches": matches} if outcome == "ok" else None,
            )
        )
    return out


def recovery_vectors() -> list[Vector]:
    secret = fixed("coffre vectors v2: recovery secret", 16)
    code = format_recovery_code(secret).replace("-", "")
    spot = next(i for i, c in enumerate(code) if c in "IS")
    unicode_variant = code[:spot] + ("ı" if code[spot] == "I" else "ſ") + code[spot + 1 :]
    return [
        v(
            "recovery code parse, ASCII only: a Unicode letter that upper-cases into the alphabet",
            "recovery_code_parse",
            {"text": unicode_variant},
            "invalid_input",
        ),
        v(
            "recovery code parse, ASCII only: a full-width letter",
            "recovery_code_parse",
            {"text": "Ａ" + code[1:]},
            "invalid_input",
        ),
    ]


# --- trust chain (§26) ----------------------------------------------------------------

ISSUED: Final = datetime(2026, 1, 1, 8, 0, 0, tzinfo=UTC)


def _cert(
    keys_: AccountKeys,
    subject: str,
    role: str,
    structure: str | None,
    issuer: str,
    signer: AccountKeys,
    *,
    territory: str = TERRITORY,
    issued_at: datetime = ISSUED,
    days: int = 365,
) -> dict[str, Any]:
    statement = certificate_statement_v2(
        territory=territory,
        subject=subject,
        role=role,
        structure=structure,
        display_name=f"{role} de test",
        profession="conseillère en économie sociale et familiale"
        if role == "professional"
        else None,
        box_public=keys_.box_public,
        sign_public=keys_.sign_public,
        issuer=issuer,
        issued_at=issued_at,
        not_after=issued_at + timedelta(days=days),
    )
    return sign_statement_v2(statement, signer.sign_seed)


def _revocations(
    revoked: list[str],
    *,
    sequence: int = 5,
    issued_at: datetime = ISSUED,
    days: int = 30,
    signer: AccountKeys = ROOT,
    territory: str = TERRITORY,
) -> dict[str, Any]:
    statement = revocation_list_statement(
        territory=territory,
        sequence=sequence,
        issued_at=issued_at,
        next_update=issued_at + timedelta(days=days),
        revoked=revoked,
    )
    return sign_statement_v2(statement, signer.sign_seed)


def chain_vectors() -> list[Vector]:
    root = sign_statement_v2(
        root_statement_v2(
            territory=TERRITORY,
            box_public=ROOT.box_public,
            sign_public=ROOT.sign_public,
            issued_at=ISSUED,
        ),
        ROOT.sign_seed,
    )
    not_self = sign_statement_v2(root["statement"], SERVER.sign_seed)
    admin_id, pro_id, officer_id = ident("admin"), ident("professional"), ident("officer")
    admin = _cert(ADMIN, admin_id, "structure_admin", STRUCTURE_ID, ident("territory admin"), ROOT)
    pro = _cert(GRANTEE, pro_id, "professional", STRUCTURE_ID, admin_id, ADMIN)
    officer = _cert(OFFICER, officer_id, "charter_officer", None, ident("territory admin"), ROOT)
    unrelated = _cert(
        OTHER_ADMIN,
        ident("other admin"),
        "structure_admin",
        ident("other structure"),
        ident("territory admin"),
        ROOT,
    )
    revocations = _revocations([statement_id(unrelated["statement"])])
    pin = pin_qr_payload(ROOT.sign_public)
    other_structure_admin = _cert(
        OTHER_ADMIN,
        ident("other admin"),
        "structure_admin",
        ident("other structure"),
        ident("territory admin"),
        ROOT,
    )
    pro_by_other = _cert(
        GRANTEE, pro_id, "professional", STRUCTURE_ID, ident("other admin"), OTHER_ADMIN
    )

    def case(
        label: str,
        outcome: str,
        account: str,
        k: AccountKeys,
        certs: list[dict[str, Any]],
        *,
        root_: dict[str, Any] = root,
        pin_: str = pin,
        revs: dict[str, Any] = revocations,
        now: datetime = NOW,
        min_sequence: int = 1,
        role: str | None = None,
    ) -> Vector:
        inputs = {
            "account_id": account,
            "box_public": k.box_public.hex(),
            "sign_public": k.sign_public.hex(),
            "certificates": certs,
            "root": root_,
            "pin": pin_,
            "revocation_list": revs,
            "now": format_time(now),
            "min_sequence": min_sequence,
        }
        return v(
            f"v2 trust chain {label}",
            "trust_chain_v2",
            inputs,
            outcome,
            {"role": role} if outcome == "ok" else None,
        )

    return [
        case("of a structure admin", "ok", admin_id, ADMIN, [admin], role="structure_admin"),
        case("of a professional", "ok", pro_id, GRANTEE, [pro, admin], role="professional"),
        case("of a charter officer", "ok", officer_id, OFFICER, [officer], role="charter_officer"),
        case(
            "of a professional, root pinned by its spoken form",
            "ok",
            pro_id,
            GRANTEE,
            [pro, admin],
            pin_=pin_spoken(ROOT.sign_public),
            role="professional",
        ),
        case(
            "with the pin of another root",
            "bad_signature",
            admin_id,
            ADMIN,
            [admin],
            pin_=pin_qr_payload(SERVER.sign_public),
        ),
        case(
            "whose root is signed by another key",
            "unexpected_signer",
            admin_id,
            ADMIN,
            [admin],
            root_=not_self,
        ),
        case(
            "of a professional certified by the root directly",
            "bad_signature",
            pro_id,
            GRANTEE,
            [_cert(GRANTEE, pro_id, "professional", STRUCTURE_ID, admin_id, ROOT)],
        ),
        case(
            "of a professional certified by another structure's admin",
            "bad_signature",
            pro_id,
            GRANTEE,
            [pro_by_other, other_structure_admin],
        ),
        case(
            "of a structure admin signed by the server",
            "unexpected_signer",
            admin_id,
            ADMIN,
            [
                _cert(
                    ADMIN,
                    admin_id,
                    "structure_admin",
                    STRUCTURE_ID,
                    ident("territory admin"),
                    SERVER,
                )
            ],
        ),
        case(
            "offering other keys than the certified ones",
            "bad_signature",
            admin_id,
            SERVER,
            [admin],
        ),
        case(
            "of another territory",
            "bad_signature",
            admin_id,
            ADMIN,
            [
                _cert(
                    ADMIN,
                    admin_id,
                    "structure_admin",
                    STRUCTURE_ID,
                    ident("territory admin"),
                    ROOT,
                    territory="cantal",
                )
            ],
        ),
        case(
            "whose certificate has expired",
            "expired",
            admin_id,
            ADMIN,
            [admin],
            now=ISSUED + timedelta(days=365, minutes=6),
            revs=_revocations([], issued_at=ISSUED + timedelta(days=360)),
        ),
        case(
            "whose certificate expired within the clock skew",
            "ok",
            admin_id,
            ADMIN,
            [admin],
            now=ISSUED + timedelta(days=365, minutes=4),
            revs=_revocations([], issued_at=ISSUED + timedelta(days=360)),
            role="structure_admin",
        ),
        case(
            "whose certificate is not valid yet",
            "not_yet_valid",
            admin_id,
            ADMIN,
            [
                _cert(
                    ADMIN,
                    admin_id,
                    "structure_admin",
                    STRUCTURE_ID,
                    ident("territory admin"),
                    ROOT,
                    issued_at=NOW + timedelta(minutes=6),
                )
            ],
        ),
        case(
            "whose certificate is revoked",
            "revoked",
            admin_id,
            ADMIN,
            [admin],
            revs=_revocations([statement_id(admin["statement"])]),
        ),
        case(
            "whose structure admin is revoked",
            "revoked",
            pro_id,
            GRANTEE,
            [pro, admin],
            revs=_revocations([statement_id(admin["statement"])]),
        ),
        case(
            "with an out-of-date revocation list",
            "expired",
            admin_id,
            ADMIN,
            [admin],
            revs=_revocations([], days=10),
        ),
        case(
            "with an older revocation list than one seen",
            "rolled_back",
            admin_id,
            ADMIN,
            [admin],
            min_sequence=6,
        ),
        case(
            "with a revocation list signed by the structure admin",
            "unexpected_signer",
            pro_id,
            GRANTEE,
            [pro, admin],
            revs=_revocations([], signer=ADMIN),
        ),
        case(
            "with a revocation list of another territory",
            "bad_signature",
            admin_id,
            ADMIN,
            [admin],
            revs=_revocations([], territory="cantal"),
        ),
        case(
            "with a certificate lasting 401 days",
            "invalid_input",
            admin_id,
            ADMIN,
            [_raw_long_cert(admin_id)],
        ),
        case(
            "with a certificate of version 1",
            "wrong_version",
            admin_id,
            ADMIN,
            [{**admin, "statement": dict(admin["statement"], v=1)}],
        ),
    ]


def _raw_long_cert(admin_id: str) -> dict[str, Any]:
    good = _cert(ADMIN, admin_id, "structure_admin", STRUCTURE_ID, ident("territory admin"), ROOT)
    statement = dict(good["statement"], not_after=format_time(ISSUED + timedelta(days=401)))
    return sign_statement_v2(statement, ROOT.sign_seed)


def build_vectors_v2() -> dict[str, Any]:
    """The whole v2.json document."""
    from crypto.vectors.contact import contact_vectors  # imports this module

    vectors = (
        json_vectors()
        + canonical_vectors()
        + subkey_vectors()
        + kdf_vectors()
        + padme_vectors()
        + stream_vectors()
        + metadata_vectors()
        + statement_vectors()
        + document_vectors()
        + receipt_vectors()
        + pin_vectors()
        + recovery_vectors()
        + chain_vectors()
        + contact_vectors()
    )
    return {
        "format": purposes.FORMAT_NAME_V2,
        "description": (
            "Test vectors for crypto/SPEC.md Part II (format v2). Bytes are lowercase hex "
            "unless SPEC §27 says otherwise. Every vector is deterministic. Generated by "
            "crypto/vectors/generate.py (crypto/vectors/v2.py)."
        ),
        "outcomes": OUTCOMES_V2,
        "vectors": vectors,
    }
