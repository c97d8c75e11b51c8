"""The server cannot swap, mint or roll back a v2 document without the reader
refusing it (SPEC §24, issue 15 item 1).

The "server" here is what it really holds: every stored part, and every
account's public keys. The readers are the owner and a grantee.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest

import crypto
from crypto.binding import bound_parts, deposit_statement, open_document, sign_binding
from crypto.errors import (
    BindingError,
    DecryptionError,
    InvalidInputError,
    SignatureError,
    StaleError,
)
from crypto.keyring import AccountKeys, generate_account_keys
from crypto.metadata_v2 import DocumentMetadataV2, encrypt_metadata_v2

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
OWNER_ID = "1" * 32
OWNER = generate_account_keys()
GRANTEE = generate_account_keys()
SERVER = generate_account_keys()


@dataclass(frozen=True)
class Stored:
    """One version of a document as the server stores it."""

    document: str
    version: int
    binding: dict[str, Any]
    metadata: bytes
    stream: bytes
    sealed: dict[bytes, bytes]  # recipient box public key -> sealed key
    content: bytes


def upload(
    document: str, content: bytes, *, version: int = 1, signer: AccountKeys = OWNER
) -> Stored:
    """What the owner's client does (or, with another signer, a forger)."""
    doc_key = crypto.new_document_key()
    stream = crypto.encrypt_bytes_v2(doc_key, content, 1024)
    meta = DocumentMetadataV2(
        f"{document[:6]}.pdf", "application/pdf", len(content), hashlib.sha256(content).hexdigest()
    )
    blob = encrypt_metadata_v2(doc_key, meta)
    parts = bound_parts(
        document=document,
        version=version,
        owner=OWNER_ID,
        doc_key=doc_key,
        stream=stream,
        metadata_blob=blob,
    )
    return Stored(
        document=document,
        version=version,
        binding=sign_binding(parts, NOW, signer.sign_seed),
        metadata=blob,
        stream=stream,
        sealed={
            k.box_public: crypto.seal_document_key(doc_key, k.box_public) for k in (OWNER, GRANTEE)
        },
        content=content,
    )


def read(stored: Stored, reader: AccountKeys, *, asked: str, min_version: int = 1) -> bytes:
    """What a reader's client does with what the server serves for `asked`."""
    return open_document(
        envelope=stored.binding,
        signer=OWNER.sign_public,  # the owner's key: the reader's own, or pinned (SPEC §25)
        document=asked,
        owner=OWNER_ID,
        min_version=min_version,
        sealed_key=stored.sealed[reader.box_public],
        box_public=reader.box_public,
        box_secret=reader.box_secret,
        metadata_blob=stored.metadata,
        stream=stored.stream,
    ).plaintext


A = "a" * 32
B = "b" * 32


@pytest.fixture(scope="module")
def documents() -> tuple[Stored, Stored]:
    return upload(A, b"Avis d'imposition 2025" * 50), upload(B, b"Attestation CAF" * 70)


@pytest.mark.parametrize("reader", [OWNER, GRANTEE], ids=["owner", "grantee"])
def test_each_reader_opens_a_document_whose_parts_belong_together(
    documents: tuple[Stored, Stored], reader: AccountKeys
) -> None:
    a, _ = documents
    assert read(a, reader, asked=A) == a.content


@pytest.mark.parametrize(
    "part", ["stream", "metadata", "sealed", "binding", "stream header"], ids=str
)
@pytest.mark.parametrize("reader", [OWNER, GRANTEE], ids=["owner", "grantee"])
def test_a_part_swapped_between_two_documents_is_refused(
    documents: tuple[Stored, Stored], part: str, reader: AccountKeys
) -> None:
    a, b = documents
    swapped = {
        "stream": replace(a, stream=b.stream),
        "metadata": replace(a, metadata=b.metadata),
        "sealed": replace(a, sealed=b.sealed),
        "binding": replace(a, binding=b.binding),
        "stream header": replace(a, stream=b.stream[:65] + a.stream[65:]),
    }[part]
    with pytest.raises(BindingError):
        read(swapped, reader, asked=A)


def test_a_whole_other_document_served_under_this_id_is_refused(
    documents: tuple[Stored, Stored],
) -> None:
    _, b = documents
    with pytest.raises(BindingError):
        read(b, GRANTEE, asked=A)


def test_a_document_minted_by_the_server_is_refused() -> None:
    """The server knows the owner's and the grantee's box public keys: it can
    seal a key of its own and sign a binding, but not with the owner's key."""
    forged = upload(A, b"Faux document", signer=SERVER)
    with pytest.raises(SignatureError):
        read(forged, GRANTEE, asked=A)


def test_an_old_version_served_after_re_keying_is_refused() -> None:
    old = upload(A, b"version 1" * 20, version=1)
    new = upload(A, b"version 2" * 20, version=2)
    assert read(new, GRANTEE, asked=A, min_version=2) == new.content
    with pytest.raises(StaleError):
        read(old, GRANTEE, asked=A, min_version=2)
    # Mixing the old sealed key (which the server may have kept) into the new version:
    with pytest.raises(BindingError):
        read(replace(new, sealed=old.sealed), GRANTEE, asked=A, min_version=2)


def test_a_sealed_key_for_another_reader_does_not_open(documents: tuple[Stored, Stored]) -> None:
    a, _ = documents
    wrong = replace(a, sealed={GRANTEE.box_public: a.sealed[OWNER.box_public]})
    with pytest.raises(DecryptionError):
        read(wrong, GRANTEE, asked=A)


def test_a_deposit_binds_the_parts_to_the_depositor() -> None:
    depositor = generate_account_keys()
    stored = upload(A, b"Attestation de domiciliation")
    parts = crypto.verify_binding(
        stored.binding, signer=OWNER.sign_public, document=A, owner=OWNER_ID
    )
    deposit = crypto.sign_statement_v2(
        deposit_statement(
            parts,
            depositor="d" * 32,
            structure="e" * 32,
            category="domiciliation",
            deposited_at=NOW,
        ),
        depositor.sign_seed,
    )
    as_deposit = replace(stored, binding=deposit)
    assert (
        open_document(
            envelope=deposit,
            signer=depositor.sign_public,
            document=A,
            owner=OWNER_ID,
            min_version=1,
            sealed_key=stored.sealed[OWNER.box_public],
            box_public=OWNER.box_public,
            box_secret=OWNER.box_secret,
            metadata_blob=stored.metadata,
            stream=stored.stream,
        ).plaintext
        == stored.content
    )
    with pytest.raises(SignatureError):  # checked against the owner's key: not the depositor's
        read(as_deposit, OWNER, asked=A)


def test_metadata_that_does_not_describe_the_content_is_refused() -> None:
    """An owner's client bug (or a signed lie) about size and digest is caught."""
    doc_key = crypto.new_document_key()
    stream = crypto.encrypt_bytes_v2(doc_key, b"contenu", 1024)
    blob = encrypt_metadata_v2(doc_key, DocumentMetadataV2("x.pdf", "application/pdf", 3, "0" * 64))
    parts = bound_parts(
        document=A, version=1, owner=OWNER_ID, doc_key=doc_key, stream=stream, metadata_blob=blob
    )
    stored = Stored(
        A,
        1,
        sign_binding(parts, NOW, OWNER.sign_seed),
        blob,
        stream,
        {OWNER.box_public: crypto.seal_document_key(doc_key, OWNER.box_public)},
        b"contenu",
    )
    with pytest.raises(BindingError):
        read(stored, OWNER, asked=A)


def test_a_binding_with_an_extra_member_is_refused(documents: tuple[Stored, Stored]) -> None:
    a, _ = documents
    statement = dict(a.binding["statement"], note="x")
    resigned = crypto.sign_statement_v2(statement, OWNER.sign_seed)
    with pytest.raises(InvalidInputError):
        read(replace(a, binding=resigned), OWNER, asked=A)


def test_bound_parts_refuse_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        bound_parts(
            document="not an id",
            version=1,
            owner=OWNER_ID,
            doc_key=bytes(32),
            stream=b"CFDC\x02" + bytes(60),
            metadata_blob=b"",
        )
    with pytest.raises(InvalidInputError):
        bound_parts(
            document=A,
            version=0,
            owner=OWNER_ID,
            doc_key=bytes(32),
            stream=b"CFDC\x02" + bytes(60),
            metadata_blob=b"",
        )
    with pytest.raises(InvalidInputError):
        bound_parts(
            document=A,
            version=1,
            owner=OWNER_ID,
            doc_key=bytes(31),
            stream=b"CFDC\x02" + bytes(60),
            metadata_blob=b"",
        )


def _stream_open(stored: Stored, reader: AccountKeys, pieces: list[bytes]) -> bytes:
    opened = crypto.open_document_stream(
        envelope=stored.binding,
        signer=OWNER.sign_public,
        document=stored.document,
        owner=OWNER_ID,
        min_version=1,
        sealed_key=stored.sealed[reader.box_public],
        box_public=reader.box_public,
        box_secret=reader.box_secret,
        metadata_blob=stored.metadata,
        stream=pieces,
    )
    return b"".join(opened.plaintext)


def _odd(data: bytes) -> list[bytes]:
    return [data[i : i + 37] for i in range(0, len(data), 37)]


def test_a_document_opens_as_a_stream_cut_anywhere(documents: tuple[Stored, Stored]) -> None:
    a, _ = documents
    assert _stream_open(a, GRANTEE, _odd(a.stream)) == a.content


def test_a_streamed_document_with_another_header_is_refused_before_decrypting(
    documents: tuple[Stored, Stored],
) -> None:
    a, b = documents
    opened = crypto.open_document_stream(
        envelope=a.binding,
        signer=OWNER.sign_public,
        document=A,
        owner=OWNER_ID,
        min_version=1,
        sealed_key=a.sealed[OWNER.box_public],
        box_public=OWNER.box_public,
        box_secret=OWNER.box_secret,
        metadata_blob=a.metadata,
        stream=_odd(b.stream),
    )
    with pytest.raises(BindingError):
        next(opened.plaintext)


def test_content_rewritten_by_a_key_holder_under_the_same_header_is_refused(
    documents: tuple[Stored, Stored],
) -> None:
    """A grantee holds the document key: with the server's help it could write
    other content under the very same header (same secretstream state). The
    stream authenticates; only the bound ciphertext hash catches it."""
    a, _ = documents
    doc_key = crypto.open_sealed_key(
        a.sealed[GRANTEE.box_public], GRANTEE.box_public, GRANTEE.box_secret
    )
    forged_content = b"Dette envers la CAF : 9 000 euros".ljust(len(a.content), b" ")
    forged = crypto.encrypt_bytes_v2(
        doc_key, forged_content, 1024, secretstream_header=a.stream[41:65]
    )
    assert forged[:65] == a.stream[:65]
    assert crypto.decrypt_bytes_v2(doc_key, forged) == forged_content
    with pytest.raises(BindingError):
        read(replace(a, stream=forged), OWNER, asked=A)
    with pytest.raises(BindingError):
        _stream_open(replace(a, stream=forged), OWNER, _odd(forged))
