"""Format v2 constructions one by one: stream and padding (SPEC §21), metadata
(§22), KDF salt (§19), strict JSON (§18), pins (§25)."""

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import crypto
from crypto.errors import (
    DecryptionError,
    InvalidInputError,
    UnsupportedVersionError,
    WeakParametersError,
)
from crypto.jsontext import parse_json
from crypto.kdf_v2 import KdfParamsV2, check_kdf_params_v2, derive_salt
from crypto.metadata_v2 import DocumentMetadataV2, decrypt_metadata_v2, encrypt_metadata_v2
from crypto.padding import padded_content_size, padme
from crypto.pins import matches_pin, parse_pin_spoken, pin_qr_payload, pin_spoken
from crypto.stream_v2 import ciphertext_size_v2, encrypt_stream_v2

KEY = bytes(range(32))


@pytest.mark.parametrize("size", [0, 1, 7, 8, 1015, 1016, 1017, 4096, 70000])
@pytest.mark.parametrize("chunk_size", [1024, 65536])
def test_v2_stream_round_trips_and_has_its_padded_length(size: int, chunk_size: int) -> None:
    data = os.urandom(size)
    stream = crypto.encrypt_bytes_v2(KEY, data, chunk_size)
    assert len(stream) == ciphertext_size_v2(size, chunk_size)
    assert crypto.decrypt_bytes_v2(KEY, stream) == data


def test_v2_stream_reveals_only_the_padme_length() -> None:
    # 1000 and 1010 bytes pad to the same length: the server cannot tell them apart.
    assert padded_content_size(1000) == padded_content_size(1010) == 1024
    assert len(crypto.encrypt_bytes_v2(KEY, bytes(1000))) == len(
        crypto.encrypt_bytes_v2(KEY, bytes(1010))
    )


def test_padme_never_adds_more_than_12_percent_and_never_shrinks() -> None:
    for length in list(range(2, 5000)) + [10**6, 10**7 + 3, 2**40 + 1]:
        padded = padme(length)
        assert length <= padded <= length * 1.12 + 1
        assert padme(padded) == padded


def test_v2_stream_encrypts_a_plaintext_given_in_odd_pieces() -> None:
    data = os.urandom(5000)
    pieces = [data[i : i + 333] for i in range(0, 5000, 333)]
    stream = b"".join(encrypt_stream_v2(KEY, pieces, 5000, 1024))
    assert crypto.decrypt_bytes_v2(KEY, stream) == data


@pytest.mark.parametrize("declared", [4999, 5001])
def test_v2_stream_refuses_a_plaintext_of_another_length_than_declared(declared: int) -> None:
    with pytest.raises(InvalidInputError):
        b"".join(encrypt_stream_v2(KEY, [bytes(5000)], declared, 1024))


def test_v2_stream_is_refused_by_the_v1_reader_and_v1_by_the_v2_reader() -> None:
    with pytest.raises(UnsupportedVersionError):
        crypto.decrypt_bytes(KEY, crypto.encrypt_bytes_v2(KEY, b"x"))
    with pytest.raises(UnsupportedVersionError):
        crypto.decrypt_bytes_v2(KEY, crypto.encrypt_bytes(KEY, b"x"))


def test_v2_stream_refuses_another_key_before_decrypting() -> None:
    stream = crypto.encrypt_bytes_v2(KEY, b"secret")
    with pytest.raises(DecryptionError):
        crypto.decrypt_bytes_v2(bytes(32), stream)


def test_v2_stream_refuses_wrong_key_lengths() -> None:
    with pytest.raises(InvalidInputError):
        crypto.encrypt_bytes_v2(bytes(31), b"x")
    with pytest.raises(InvalidInputError):
        crypto.decrypt_bytes_v2(bytes(33), crypto.encrypt_bytes_v2(KEY, b"x"))


@pytest.mark.parametrize(
    ("name", "blob_size"), [("a.pdf", 297), ("n" * 200, 553), ('"' * 255, 1065)]
)
def test_metadata_blob_shows_only_its_bucket(name: str, blob_size: int) -> None:
    meta = DocumentMetadataV2(name, "image/jpeg", 10, hashlib.sha256(b"x").hexdigest())
    blob = encrypt_metadata_v2(KEY, meta)
    assert len(blob) == blob_size
    assert decrypt_metadata_v2(KEY, blob) == meta


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": ""},
        {"name": "a\nb"},
        {"name": "é" * 128},
        {"mime": "PDF"},
        {"size": -1},
        {"size": 2**50 + 1},
        {"size": True},
        {"sha256": "A" * 64},
    ],
)
def test_metadata_v2_limits_are_enforced_when_writing(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "name": "a.pdf",
        "mime": "application/pdf",
        "size": 1,
        "sha256": "0" * 64,
    }
    fields.update(kwargs)
    with pytest.raises(InvalidInputError):
        DocumentMetadataV2(**fields)  # type: ignore[arg-type]


def test_two_accounts_never_share_a_salt_even_if_the_server_sends_the_same_random_part() -> None:
    part = bytes(16)
    salts = {derive_salt("puy-de-dome", login, part) for login in ("marie", "marie2", "0612345678")}
    salts.add(derive_salt("cantal", "marie", part))
    assert len(salts) == 4


def test_the_length_prefixes_keep_territory_and_login_apart() -> None:
    assert derive_salt("ab", "c", bytes(16)) != derive_salt("a", "bc", bytes(16))


def test_kdf_params_v2_json_round_trip_and_checks() -> None:
    params = crypto.new_kdf_params_v2()
    assert KdfParamsV2.from_json(params.to_json()) == params
    check_kdf_params_v2(params)
    with pytest.raises(WeakParametersError):
        check_kdf_params_v2(KdfParamsV2(bytes(16), opslimit=2))
    with pytest.raises(InvalidInputError):
        check_kdf_params_v2(KdfParamsV2(bytes(16), memlimit=64 * 1024 * 1024 + 512))


@pytest.mark.parametrize(
    "text",
    ['{"a":1,"a":1}', '{"a":1.5}', '{"a":-0.0}', '{"a":Infinity}', '"\\udfff"', "[1,]", ""],
)
def test_strict_json_refuses(text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_json(text)


def test_pins_match_their_key_in_both_forms_and_refuse_another() -> None:
    key, other = crypto.generate_account_keys().sign_public, bytes(range(32))
    assert matches_pin(key, pin_qr_payload(key))
    assert matches_pin(key, pin_spoken(key))
    assert not matches_pin(other, pin_spoken(key))
    assert not matches_pin(other, pin_qr_payload(key))


def test_the_spoken_pin_check_character_catches_most_single_typos() -> None:
    spoken = pin_spoken(bytes(range(32))).replace(" ", "")
    caught = 0
    typos = 0
    for position in range(26):
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
            if letter == spoken[position]:
                continue
            typos += 1
            try:
                parse_pin_spoken(spoken[:position] + letter + spoken[position + 1 :])
            except InvalidInputError:
                caught += 1
    assert caught / typos > 0.9  # 31 in 32 expected


def test_the_spoken_pin_has_130_bits_and_the_qr_256() -> None:
    key = bytes(range(32))
    digest = crypto.pins.pin_digest(key)
    assert crypto.pins.parse_pin_qr(pin_qr_payload(key)) == digest
    assert len(parse_pin_spoken(pin_spoken(key))) * 5 == 130


def test_receipt_v2_names_commitment_and_version() -> None:
    doc_key = crypto.new_document_key()
    receipt = crypto.ConsentReceiptV2(
        grant="1" * 32,
        person="2" * 32,
        professional="3" * 32,
        structure="4" * 32,
        purpose="dossier-mdph",
        charter_version=1,
        documents=(crypto.SharedDocumentV2("5" * 32, 2, crypto.key_commitment(doc_key), "6" * 64),),
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2026, 2, 1, tzinfo=UTC),
        max_pulls=3,
        request=None,
    )
    statement = receipt.statement()
    assert crypto.read_receipt_v2(statement) == receipt
    assert statement["documents"][0]["key_commitment"] == crypto.b64encode(
        crypto.key_commitment(doc_key)
    )


def test_the_spec_example_pin_is_the_pin_of_bytes_0_to_31() -> None:
    spec = (Path(crypto.__file__).parent / "SPEC.md").read_text(encoding="utf-8")
    key = bytes(range(32))
    assert f"`{pin_spoken(key)}`" in spec
    assert f"`{pin_qr_payload(key)}`" in spec


@pytest.mark.parametrize(
    "small_order",
    [
        bytes(32),
        bytes([1]) + bytes(31),
        bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    ],
    ids=["zero", "one", "order 8"],
)
def test_sealing_to_a_small_order_box_key_is_invalid_input(small_order: bytes) -> None:
    with pytest.raises(InvalidInputError):
        crypto.seal_document_key(bytes(32), small_order)
