"""Every vector of crypto/vectors/v1.json is checked by its outcome (SPEC §13)."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import errors
from crypto.kdf import KdfParams, encode_passphrase, passphrase_root
from crypto.metadata import metadata_plaintext
from crypto.purposes import FINGERPRINT_PREFIX, KEYRING, LOGIN, PASSPHRASE_WRAP
from crypto.statements import signed_message
from crypto.vectors import generate

VECTORS_FILE = Path(crypto.__file__).parent / "vectors" / "v1.json"
DOCUMENT = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS = DOCUMENT["vectors"]

Vector = dict[str, Any]


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def run_base64url(v: Vector) -> None:
    data = crypto.b64decode(v["inputs"]["text"])
    if v["outcome"] == "ok":
        assert data == h(v["expected"]["bytes"])
        assert crypto.b64encode(data) == v["inputs"]["text"]


def run_subkey(v: Vector) -> None:
    i = v["inputs"]
    key = crypto.subkey(h(i["parent"]), i["purpose"])
    if v["outcome"] == "ok":
        assert key == h(v["expected"]["subkey"])
        independent = hashlib.blake2b(i["purpose"].encode(), key=h(i["parent"]), digest_size=32)
        assert key == independent.digest()


def run_passphrase_kdf(v: Vector) -> None:
    i = v["inputs"]
    params = KdfParams(
        salt=h(i["salt"]), opslimit=i["opslimit"], memlimit=i["memlimit"], alg=i["alg"]
    )
    keys = crypto.derive_passphrase_keys(i["passphrase"], params)
    if v["outcome"] == "ok":
        e = v["expected"]
        assert encode_passphrase(i["passphrase"]) == h(i["passphrase_nfc_utf8"])
        root = passphrase_root(i["passphrase"], params)
        assert root == h(e["root"])
        assert crypto.subkey(root, LOGIN) == keys.auth_key == h(e["auth_key"])
        assert crypto.subkey(root, PASSPHRASE_WRAP) == keys.wrap_key == h(e["wrap_key"])


def run_recovery_code(v: Vector) -> None:
    secret, e = h(v["inputs"]["secret"]), v["expected"]
    assert crypto.format_recovery_code(secret) == e["code"]
    keys = crypto.derive_recovery_keys(secret)
    assert (keys.auth_key, keys.wrap_key) == (h(e["auth_key"]), h(e["wrap_key"]))


def run_recovery_code_parse(v: Vector) -> None:
    secret = crypto.parse_recovery_code(v["inputs"]["text"])
    if v["outcome"] == "ok":
        assert secret == h(v["expected"]["secret"])


def run_master_key_wrap(v: Vector) -> None:
    i = v["inputs"]
    if v["outcome"] == "ok":
        blob = crypto.wrap_master_key(
            h(i["master_key"]), h(i["wrap_key"]), i["which"], nonce=h(i["nonce"])
        )
        assert blob == h(v["expected"]["blob"])
        assert len(blob) == 73
        assert crypto.unwrap_master_key(blob, h(i["wrap_key"]), i["which"]) == h(i["master_key"])
    else:
        crypto.unwrap_master_key(h(i["blob"]), h(i["wrap_key"]), i["which"])


def run_keyring_wrap(v: Vector) -> None:
    i = v["inputs"]
    if v["outcome"] == "ok":
        e = v["expected"]
        keys = crypto.account_keys_from_secrets(h(i["box_secret"]), h(i["sign_seed"]))
        assert keys.box_public == h(e["box_public"])
        assert keys.sign_public == h(e["sign_public"])
        assert crypto.subkey(h(i["master_key"]), KEYRING) == h(e["keyring_key"])
        blob = crypto.wrap_keyring(keys, h(i["master_key"]), nonce=h(i["nonce"]))
        assert blob == h(e["blob"])
        assert len(blob) == 105
        opened = crypto.unwrap_keyring(blob, h(i["master_key"]), keys.box_public, keys.sign_public)
        assert opened == keys
    else:
        crypto.unwrap_keyring(
            h(i["blob"]), h(i["master_key"]), h(i["box_public"]), h(i["sign_public"])
        )


def run_document_key(v: Vector) -> None:
    doc_key, e = h(v["inputs"]["doc_key"]), v["expected"]
    assert crypto.content_key(doc_key) == h(e["content_key"])
    assert crypto.metadata_key(doc_key) == h(e["metadata_key"])


def run_content_stream(v: Vector) -> None:
    i = v["inputs"]
    plaintext = crypto.decrypt_bytes(h(i["doc_key"]), h(i["stream"]))
    if v["outcome"] == "ok":
        assert plaintext == h(v["expected"]["plaintext"])
        assert crypto.content_key(h(i["doc_key"])) == h(i["content_key"])
        assert len(h(i["stream"])) == crypto.ciphertext_size(len(plaintext), i["chunk_size"])


def run_metadata(v: Vector) -> None:
    i = v["inputs"]
    if v["outcome"] == "ok":
        e = v["expected"]
        meta = crypto.DocumentMetadata(
            name=i["name"], mime=i["mime"], size=i["size"], sha256=i["sha256"]
        )
        assert crypto.metadata_key(h(i["doc_key"])) == h(e["metadata_key"])
        assert metadata_plaintext(meta) == h(e["plaintext"])
        blob = crypto.encrypt_metadata(h(i["doc_key"]), meta, nonce=h(i["nonce"]))
        assert blob == h(e["blob"])
        assert crypto.decrypt_metadata(h(i["doc_key"]), blob) == meta
    else:
        crypto.decrypt_metadata(h(i["doc_key"]), h(i["blob"]))


def run_sealed_key(v: Vector) -> None:
    i = v["inputs"]
    doc_key = crypto.open_sealed_key(h(i["sealed"]), h(i["box_public"]), h(i["box_secret"]))
    if v["outcome"] == "ok":
        assert doc_key == h(v["expected"]["doc_key"])


def run_statement(v: Vector) -> None:
    i = v["inputs"]
    if "sign_seed" in i:
        e = v["expected"]
        envelope = crypto.sign_statement(i["statement"], h(i["sign_seed"]))
        assert envelope == e["envelope"]
        assert crypto.canonical_json(i["statement"]) == h(e["canonical_json"])
        assert signed_message(i["statement"]) == h(e["signed_message"])
        assert crypto.verify_statement(envelope, h(e["signer"])) == i["statement"]
        return
    signer = h(i["expected_signer"]) if "expected_signer" in i else None
    statement = crypto.verify_statement(i["envelope"], signer)
    if v["outcome"] == "ok":
        assert statement == v["expected"]["statement"]


def run_fingerprint(v: Vector) -> None:
    key, e = h(v["inputs"]["public_key"]), v["expected"]
    assert hashlib.blake2b(FINGERPRINT_PREFIX + key, digest_size=32).digest() == h(e["digest"])
    assert crypto.fingerprint(key) == e["fingerprint"]


RUNNERS: dict[str, Callable[[Vector], None]] = {
    "base64url": run_base64url,
    "subkey": run_subkey,
    "passphrase_kdf": run_passphrase_kdf,
    "recovery_code": run_recovery_code,
    "recovery_code_parse": run_recovery_code_parse,
    "master_key_wrap": run_master_key_wrap,
    "keyring_wrap": run_keyring_wrap,
    "document_key": run_document_key,
    "content_stream": run_content_stream,
    "metadata": run_metadata,
    "sealed_key": run_sealed_key,
    "statement": run_statement,
    "fingerprint": run_fingerprint,
}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_has_its_expected_outcome(vector: Vector) -> None:
    run = RUNNERS[vector["construction"]]
    error_name = DOCUMENT["outcomes"][vector["outcome"]]
    if error_name is None:
        run(vector)
        return
    expected_error = getattr(errors, error_name)
    with pytest.raises(errors.CryptoError) as caught:
        run(vector)
    assert type(caught.value) is expected_error


def test_vector_names_are_unique() -> None:
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))


def test_every_construction_and_outcome_is_covered_by_vectors() -> None:
    assert {v["construction"] for v in VECTORS} == set(RUNNERS)
    assert {v["outcome"] for v in VECTORS} == set(DOCUMENT["outcomes"])


def test_vectors_name_the_format_version() -> None:
    assert DOCUMENT["format"] == "Coffre crypto format v1"


def test_generator_reproduces_every_deterministic_vector() -> None:
    regenerated = generate.build_vectors()
    recorded = {v["name"]: v for v in VECTORS}
    fresh = regenerated["vectors"]
    assert [v["name"] for v in fresh] == [v["name"] for v in VECTORS]
    for vector in fresh:
        if vector["deterministic"]:
            assert vector == recorded[vector["name"]], vector["name"]
    assert regenerated["outcomes"] == DOCUMENT["outcomes"]


def test_generator_check_mode_accepts_the_checked_in_file() -> None:
    assert generate.main(["--check"]) == 0
