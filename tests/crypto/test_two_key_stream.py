"""A secretstream crafted to open under two keys (SPEC §14.6): v1 accepts it
under both, v2 refuses the second key at the stream and at the document."""

import hashlib
from datetime import UTC, datetime

import pytest
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
)

import crypto
from crypto.binding import BoundParts, open_document, sign_binding
from crypto.commitment import commits_to, content_key_v2, key_commitment
from crypto.document_key import content_key
from crypto.errors import BindingError, DecryptionError
from crypto.keyring import generate_account_keys
from crypto.metadata import DocumentMetadata, encrypt_metadata
from crypto.vectors.two_key import craft_two_key_chunk

KEY_1 = bytes(range(32))
KEY_2 = bytes(range(32, 64))
OWNER_ID = "0" * 31 + "1"
DOCUMENT_ID = "a" * 32


def _pull(secretstream_key: bytes, header24: bytes, chunk: bytes, ad: bytes) -> tuple[bytes, int]:
    state = crypto_secretstream_xchacha20poly1305_state()
    crypto_secretstream_xchacha20poly1305_init_pull(state, header24, secretstream_key)
    return crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad)


@pytest.fixture(scope="module")
def v1_two_key_stream() -> bytes:
    prefix = b"CFDC\x01" + (65536).to_bytes(4, "big")
    header, chunk = craft_two_key_chunk(
        content_key(KEY_1), content_key(KEY_2), prefix, b"Attestation: OK.", label="test v1"
    )
    return prefix + header + chunk


@pytest.fixture(scope="module")
def v2_two_key_stream() -> bytes:
    prefix = b"CFDC\x02" + (65536).to_bytes(4, "big") + key_commitment(KEY_1)
    first = (24).to_bytes(8, "big") + b"Attestat"  # a well-padded body under KEY_1
    header, chunk = craft_two_key_chunk(
        content_key_v2(KEY_1), content_key_v2(KEY_2), prefix, first, label="test v2"
    )
    return prefix + header + chunk


def test_v1_reader_opens_the_crafted_stream_under_two_keys_to_two_plaintexts(
    v1_two_key_stream: bytes,
) -> None:
    # The weakness v2 fixes: a ciphertext hash in a v1 receipt does not fix the plaintext.
    first = crypto.decrypt_bytes(KEY_1, v1_two_key_stream)
    second = crypto.decrypt_bytes(KEY_2, v1_two_key_stream)
    assert first.startswith(b"Attestation: OK.")
    assert first != second


def test_the_crafted_v2_chunk_authenticates_under_both_keys(v2_two_key_stream: bytes) -> None:
    prefix, header = v2_two_key_stream[:41], v2_two_key_stream[41:65]
    chunk = v2_two_key_stream[65:]
    for key in (KEY_1, KEY_2):
        _, tag = _pull(content_key_v2(key), header, chunk, prefix)
        assert tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL


def test_v2_reader_opens_it_under_the_committed_key_only(v2_two_key_stream: bytes) -> None:
    assert crypto.decrypt_bytes_v2(KEY_1, v2_two_key_stream).startswith(b"Attestat")
    with pytest.raises(DecryptionError):
        crypto.decrypt_bytes_v2(KEY_2, v2_two_key_stream)


def test_the_commitment_refuses_a_second_key_for_the_same_commitment() -> None:
    assert commits_to(KEY_1, key_commitment(KEY_1))
    assert not commits_to(KEY_2, key_commitment(KEY_1))


def test_a_bound_v1_stream_refuses_the_second_key_at_the_document(
    v1_two_key_stream: bytes,
) -> None:
    """A migrated v1 stream has no commitment in its header; the binding's does
    the work: a sealed key opening to the second key is refused."""
    owner = generate_account_keys()
    plaintext = crypto.decrypt_bytes(KEY_1, v1_two_key_stream)
    meta = encrypt_metadata(
        KEY_1,
        DocumentMetadata("a.pdf", "application/pdf", len(plaintext), _sha(plaintext)),
    )
    parts = crypto.bound_parts(
        document=DOCUMENT_ID,
        version=1,
        owner=OWNER_ID,
        doc_key=KEY_1,
        stream=v1_two_key_stream,
        metadata_blob=meta,
    )
    binding = sign_binding(parts, datetime(2026, 1, 1, tzinfo=UTC), owner.sign_seed)

    def open_with(doc_key: bytes) -> bytes:
        return open_document(
            envelope=binding,
            signer=owner.sign_public,
            document=DOCUMENT_ID,
            owner=OWNER_ID,
            min_version=1,
            sealed_key=crypto.seal_document_key(doc_key, owner.box_public),
            box_public=owner.box_public,
            box_secret=owner.box_secret,
            metadata_blob=meta,
            stream=v1_two_key_stream,
        ).plaintext

    assert open_with(KEY_1) == plaintext
    with pytest.raises(BindingError):
        open_with(KEY_2)
    assert isinstance(parts, BoundParts)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
