"""Document keys, metadata and sealed keys (SPEC §7, §9, §10)."""

import hashlib

import pytest

import crypto
from crypto import (
    DecryptionError,
    DocumentMetadata,
    InvalidInputError,
    UnsupportedVersionError,
    aead,
)
from crypto.purposes import AD_METADATA

CONTENT = "Notification CAF — mars".encode()
META = DocumentMetadata(
    name="notification-caf-mars.pdf",
    mime="application/pdf",
    size=len(CONTENT),
    sha256=hashlib.sha256(CONTENT).hexdigest(),
)


def test_document_keys_are_random_and_drive_two_distinct_subkeys() -> None:
    doc_key = crypto.new_document_key()
    assert len(doc_key) == 32 and doc_key != crypto.new_document_key()
    assert crypto.content_key(doc_key) != crypto.metadata_key(doc_key)


def test_metadata_round_trips() -> None:
    doc_key = crypto.new_document_key()
    blob = crypto.encrypt_metadata(doc_key, META)
    assert crypto.decrypt_metadata(doc_key, blob) == META


def test_metadata_of_another_document_does_not_decrypt() -> None:
    blob = crypto.encrypt_metadata(crypto.new_document_key(), META)
    with pytest.raises(DecryptionError):
        crypto.decrypt_metadata(crypto.new_document_key(), blob)


def test_tampered_metadata_does_not_decrypt() -> None:
    doc_key = crypto.new_document_key()
    blob = bytearray(crypto.encrypt_metadata(doc_key, META))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        crypto.decrypt_metadata(doc_key, bytes(blob))


def test_metadata_blob_of_another_version_is_unsupported() -> None:
    doc_key = crypto.new_document_key()
    blob = crypto.encrypt_metadata(doc_key, META)
    with pytest.raises(UnsupportedVersionError):
        crypto.decrypt_metadata(doc_key, b"\x07" + blob[1:])


def test_authenticated_but_non_canonical_metadata_is_refused() -> None:
    doc_key = crypto.new_document_key()
    loose = b'{"v": 1, "name": "a", "mime": "b", "size": 1, "sha256": "' + b"0" * 64 + b'"}'
    blob = aead.seal_blob(crypto.metadata_key(doc_key), loose, AD_METADATA)
    with pytest.raises(InvalidInputError):
        crypto.decrypt_metadata(doc_key, blob)


@pytest.mark.parametrize(
    "fields",
    [
        {"size": -1},
        {"size": 2**53},
        {"size": True},
        {"sha256": "ABC"},
        {"sha256": "A" * 64},
        {"name": None},
    ],
)
def test_invalid_metadata_fields_are_refused(fields: dict[str, object]) -> None:
    values: dict[str, object] = {
        "name": META.name,
        "mime": META.mime,
        "size": META.size,
        "sha256": META.sha256,
    }
    values.update(fields)
    with pytest.raises(InvalidInputError):
        DocumentMetadata(**values)  # type: ignore[arg-type]


def test_a_sealed_document_key_opens_only_for_its_recipient() -> None:
    doc_key = crypto.new_document_key()
    recipient, other = crypto.generate_account_keys(), crypto.generate_account_keys()
    sealed = crypto.seal_document_key(doc_key, recipient.box_public)
    assert len(sealed) == 80
    assert crypto.open_sealed_key(sealed, recipient.box_public, recipient.box_secret) == doc_key
    with pytest.raises(DecryptionError):
        crypto.open_sealed_key(sealed, other.box_public, other.box_secret)


def test_a_sealed_key_of_the_wrong_length_is_refused() -> None:
    keys = crypto.generate_account_keys()
    with pytest.raises(InvalidInputError):
        crypto.open_sealed_key(bytes(79), keys.box_public, keys.box_secret)
