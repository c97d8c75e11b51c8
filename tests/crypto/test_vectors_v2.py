"""Every vector of crypto/vectors/v2.json is checked by its outcome (SPEC §27),
and the file is reproduced byte for byte by its generator."""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import contact_recovery, errors
from crypto.certificates_v2 import verify_chain_v2
from crypto.commitment import content_key_v2, key_commitment
from crypto.consent_v2 import read_receipt_v2
from crypto.jsontext import parse_json
from crypto.kdf_v2 import KdfParamsV2, check_kdf_params_v2, derive_salt, passphrase_root_v2
from crypto.metadata_v2 import DocumentMetadataV2, metadata_plaintext_v2
from crypto.padding import pad_metadata, padme
from crypto.pins import matches_pin, pin_digest, pin_qr_payload, pin_spoken
from crypto.purposes import LOGIN_V2, PASSPHRASE_WRAP_V2
from crypto.statements_v2 import signed_message_v2, statement_id
from crypto.stream_v2 import ciphertext_size_v2
from crypto.vectors import generate
from crypto.vectors.v2 import build_vectors_v2

VECTORS_FILE = Path(crypto.__file__).parent / "vectors" / "v2.json"
TEXT = VECTORS_FILE.read_text(encoding="utf-8")
DOCUMENT = json.loads(TEXT)
VECTORS = DOCUMENT["vectors"]

Vector = dict[str, Any]


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def run_strict_json(v: Vector) -> None:
    i = v["inputs"]
    value = parse_json(h(i["bytes"]) if "bytes" in i else i["text"])
    if v["outcome"] == "ok":
        assert value == v["expected"]["value"]


def run_canonical_json(v: Vector) -> None:
    canonical = crypto.canonical_json(parse_json(v["inputs"]["text"]))
    assert canonical == h(v["expected"]["canonical"])


def run_subkey_v2(v: Vector) -> None:
    i = v["inputs"]
    key = crypto.subkey(h(i["parent"]), i["purpose"])
    assert key == h(v["expected"]["subkey"])
    assert (
        key == hashlib.blake2b(i["purpose"].encode(), key=h(i["parent"]), digest_size=32).digest()
    )


def run_kdf_params_v2(v: Vector) -> None:
    i = v["inputs"]
    params = KdfParamsV2.from_json(i["params"])
    check_kdf_params_v2(params)
    salt = derive_salt(i["territory"], i["login"], params.salt_random)
    if v["outcome"] == "ok":
        assert salt == h(v["expected"]["salt"])


def run_passphrase_kdf_v2(v: Vector) -> None:
    i, e = v["inputs"], v["expected"]
    params = KdfParamsV2.from_json(i["params"])
    assert derive_salt(i["territory"], i["login"], params.salt_random) == h(e["salt"])
    root = passphrase_root_v2(i["passphrase"], params, territory=i["territory"], login=i["login"])
    assert root == h(e["root"])
    keys = crypto.derive_passphrase_keys_v2(
        i["passphrase"], params, territory=i["territory"], login=i["login"]
    )
    assert keys.auth_key == crypto.subkey(root, LOGIN_V2) == h(e["auth_key"])
    assert keys.wrap_key == crypto.subkey(root, PASSPHRASE_WRAP_V2) == h(e["wrap_key"])


def run_padme(v: Vector) -> None:
    assert padme(v["inputs"]["length"]) == v["expected"]["padded"]


def run_content_stream_v2(v: Vector) -> None:
    i = v["inputs"]
    doc_key, stream = h(i["doc_key"]), h(i["stream"])
    if "plaintext" in i:  # a positive vector that also fixes the writer's bytes
        written = crypto.encrypt_bytes_v2(
            doc_key,
            h(i["plaintext"]),
            i["chunk_size"],
            secretstream_header=h(i["secretstream_header"]),
        )
        assert written == stream
        assert len(stream) == ciphertext_size_v2(len(h(i["plaintext"])), i["chunk_size"])
        assert content_key_v2(doc_key) == h(v["expected"]["content_key"])
        assert key_commitment(doc_key) == h(v["expected"]["key_commitment"])
        assert padme(8 + len(h(i["plaintext"]))) == v["expected"]["padded_size"]
    plaintext = crypto.decrypt_bytes_v2(doc_key, stream)
    pieces = b"".join(crypto.decrypt_stream_v2(doc_key, _odd_pieces(stream)))
    assert pieces == plaintext
    if v["outcome"] == "ok":
        assert plaintext == h(v["expected"]["plaintext"])


def _odd_pieces(data: bytes) -> list[bytes]:
    sizes, out, position = [7, 1, 1500, 33], [], 0
    while position < len(data):
        size = sizes[len(out) % len(sizes)]
        out.append(data[position : position + size])
        position += size
    return out


def run_metadata_v2(v: Vector) -> None:
    i = v["inputs"]
    doc_key = h(i["doc_key"])
    if v["outcome"] == "ok":
        e = v["expected"]
        meta = DocumentMetadataV2(
            name=i["name"], mime=i["mime"], size=i["size"], sha256=i["sha256"]
        )
        assert metadata_plaintext_v2(meta) == h(e["plaintext"])
        assert pad_metadata(h(e["plaintext"])) == h(e["padded"])
        blob = crypto.encrypt_metadata_v2(doc_key, meta, nonce=h(i["nonce"]))
        assert blob == h(e["blob"])
        assert crypto.decrypt_metadata_v2(doc_key, blob) == meta
    else:
        crypto.decrypt_metadata_v2(doc_key, h(i["blob"]))


def run_statement_v2(v: Vector) -> None:
    i = v["inputs"]
    statement = crypto.verify_statement_v2(
        i["envelope"], h(i["expected_signer"]), i["expected_type"]
    )
    if v["outcome"] == "ok":
        e = v["expected"]
        assert statement == e["statement"]
        assert signed_message_v2(statement) == h(e["signed_message"])
        assert statement_id(statement) == e["statement_id"]


def run_document_v2(v: Vector) -> None:
    i = v["inputs"]
    opened = crypto.open_document(
        envelope=i["envelope"],
        signer=h(i["signer"]),
        document=i["document"],
        owner=i["owner"],
        min_version=i["min_version"],
        sealed_key=h(i["sealed_key"]),
        box_public=h(i["box_public"]),
        box_secret=h(i["box_secret"]),
        metadata_blob=h(i["metadata_blob"]),
        stream=h(i["stream"]),
    )
    if v["outcome"] == "ok":
        e = v["expected"]
        assert opened.plaintext == h(e["plaintext"])
        assert opened.parts.version == e["version"]
        assert opened.parts.key_commitment == h(e["key_commitment"])


def run_consent_receipt_v2(v: Vector) -> None:
    receipt = read_receipt_v2(v["inputs"]["statement"])
    if v["outcome"] == "ok":
        assert [[d.id, d.version] for d in receipt.documents] == v["expected"]["documents"]


def run_key_pin(v: Vector) -> None:
    i = v["inputs"]
    key = h(i["sign_public_key"])
    if "pin" not in i:
        e = v["expected"]
        assert pin_digest(key) == h(e["digest"])
        assert pin_qr_payload(key) == e["qr"]
        assert pin_spoken(key) == e["spoken"]
        assert matches_pin(key, e["qr"]) and matches_pin(key, e["spoken"])
        return
    matches = matches_pin(key, i["pin"])
    if v["outcome"] == "ok":
        assert matches is v["expected"]["matches"]


def run_recovery_code_parse(v: Vector) -> None:
    secret = crypto.parse_recovery_code(v["inputs"]["text"])
    if v["outcome"] == "ok":
        assert secret == h(v["expected"]["secret"])


def run_trust_chain_v2(v: Vector) -> None:
    i = v["inputs"]
    certified = verify_chain_v2(
        account_id=i["account_id"],
        box_public=h(i["box_public"]),
        sign_public=h(i["sign_public"]),
        certificates=i["certificates"],
        root=i["root"],
        pin=i["pin"],
        revocation_list=i["revocation_list"],
        now=datetime.strptime(i["now"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        min_sequence=i["min_sequence"],
    )
    if v["outcome"] == "ok":
        assert certified.role == v["expected"]["role"]


def run_contact_recovery(v: Vector) -> None:
    i, e = v["inputs"], v.get("expected", {})
    seal_public = contact_recovery.contact_seal_public(h(i["contact_sign_public"]))
    key = contact_recovery.rebuild_contact_key(
        h(i["sealed_share"]), h(i["server_share"]), h(i["contact_sign_seed"])
    )
    master_key = contact_recovery.open_master_key_for_contact(key, h(i["wrapped_master_contact"]))
    if v["outcome"] != "ok":
        return
    auth_key = contact_recovery.contact_auth_key(key)
    assert key == h(e["key"]) == h(i["key"])
    assert seal_public == h(e["seal_public"])
    assert bytes(a ^ b for a, b in zip(key, h(i["server_share"]), strict=True)) == h(
        e["contact_share"]
    )
    assert contact_recovery.contact_wrap_key(key) == h(e["wrap_key"])
    assert auth_key == h(e["auth_key"])
    assert contact_recovery.auth_hash(auth_key) == h(e["auth_hash"])
    assert master_key == h(e["master_key"]) == h(i["master_key"])
    wrapped = contact_recovery.wrap_master_key_for_contact(master_key, key, nonce=h(i["nonce"]))
    assert wrapped == h(i["wrapped_master_contact"])


RUNNERS: dict[str, Callable[[Vector], None]] = {
    "strict_json": run_strict_json,
    "canonical_json": run_canonical_json,
    "subkey_v2": run_subkey_v2,
    "kdf_params_v2": run_kdf_params_v2,
    "passphrase_kdf_v2": run_passphrase_kdf_v2,
    "padme": run_padme,
    "content_stream_v2": run_content_stream_v2,
    "metadata_v2": run_metadata_v2,
    "statement_v2": run_statement_v2,
    "document_v2": run_document_v2,
    "consent_receipt_v2": run_consent_receipt_v2,
    "key_pin": run_key_pin,
    "recovery_code_parse": run_recovery_code_parse,
    "trust_chain_v2": run_trust_chain_v2,
    "contact_recovery": run_contact_recovery,
}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_v2_vector_has_its_expected_outcome(vector: Vector) -> None:
    run = RUNNERS[vector["construction"]]
    error_name = DOCUMENT["outcomes"][vector["outcome"]]
    if error_name is None:
        run(vector)
        return
    with pytest.raises(errors.CryptoError) as caught:
        run(vector)
    assert type(caught.value) is getattr(errors, error_name), str(caught.value)


def test_v2_vector_names_are_unique() -> None:
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))


def test_every_v2_construction_and_outcome_is_covered() -> None:
    assert {v["construction"] for v in VECTORS} == set(RUNNERS)
    assert {v["outcome"] for v in VECTORS} == set(DOCUMENT["outcomes"])


def test_every_v2_vector_is_deterministic_and_names_the_format() -> None:
    assert DOCUMENT["format"] == "Coffre crypto format v2"
    assert all(v["deterministic"] for v in VECTORS)


def test_the_issue_tamper_classes_have_vectors() -> None:
    names = " ".join(v["name"] for v in VECTORS)
    for phrase in (
        "middle chunk dropped",
        "spliced from another stream under the same key",
        "header of another stream",
        "chunk_size over the limit",
        "whole chunk appended",
        "right key, wrong purpose",
        "stream of another document",
        "old version after re-keying",
        "not in canonical order",
        "extra member",
        "without the sha256 member",
        "inner version",
        "below the floor",
        "15-byte salt_random",
        "flipped tag bit",
        "two keys",
    ):
        assert phrase in names, phrase


def test_the_vector_file_itself_is_strict_json() -> None:
    # What the page's "raw JSON text" check reads: no duplicate, no fraction, no surrogate.
    assert parse_json(TEXT) == DOCUMENT


def test_regenerating_reproduces_v2_json_byte_for_byte() -> None:
    assert generate.render(build_vectors_v2()) == TEXT
    assert generate.main(["--check"]) == 0
