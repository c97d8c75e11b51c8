"""The owner's Python client in format v2 against a live server, and a hostile server
that changes its own database and object store (SPEC §14.6, §24.4; issue 15 "done
when"): it cannot swap a document's parts with another's, mint a document, or roll one
back to a version this device has seen superseded, and a crafted two-key stream stored
as a document does not open under its second key. Each time the client refuses and
writes nothing out."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import CoffreClient
from coffre.settings import Settings
from crypto import (
    b64encode,
    decrypt_bytes,
    decrypt_bytes_v2,
    new_document_key,
    seal_document_key,
)
from crypto.binding import BoundParts, bound_parts, sign_binding
from crypto.commitment import content_key_v2, key_commitment
from crypto.document_key import content_key
from crypto.errors import BindingError, SignatureError, StaleError
from crypto.metadata import DocumentMetadata, encrypt_metadata
from crypto.vectors.two_key import craft_two_key_chunk
from tests.client.hostile import STREAM, HostileServer, client_on
from tests.factories import Person, make_person
from tests.factories_v2 import document_v2, envelope_text, header_of, metadata_v2, now_utc


@pytest.fixture
def hostile(settings: Settings) -> Iterator[HostileServer]:
    server = HostileServer(settings)
    yield server
    server.close()


@pytest.fixture
def owner(api: TestClient) -> Person:
    return make_person(api)


@pytest.fixture
def client(live_server: str, owner: Person, tmp_path: Path) -> Iterator[CoffreClient]:
    with client_on(live_server, str(owner.token), tmp_path / "memory.json") as c:
        c.migrate_to_v2(owner.keys)  # an empty vault switches at once
        yield c


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _nothing_written(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == []


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_a_v2_vault_uploads_renames_rekeys_and_reads_back_byte_for_byte(
    client: CoffreClient, owner: Person, hostile: HostileServer, tmp_path: Path, out: Path
) -> None:
    content = secrets.token_bytes(300_000)
    source = _file(tmp_path, "avis-imposition.pdf", content)
    assert client.crypto_format() == 2
    document_id = client.upload(source, "impots", keys=owner.keys)

    row = hostile.row(document_id)
    assert (row["format"], row["version"]) == (2, 1)
    [entry] = client.list_documents(owner.keys)
    assert (entry.metadata.name, entry.version) == ("avis-imposition.pdf", 1)

    assert client.rename(document_id, "avis-2025.pdf", owner.keys) == 2
    assert client.rekey(document_id, owner.keys) == 3
    client.download(document_id, out / "back.pdf", owner.keys)
    assert (out / "back.pdf").read_bytes() == content
    assert client.document(document_id, owner.keys).metadata.name == "avis-2025.pdf"
    assert hostile.row(document_id)["version"] == 3


@pytest.mark.parametrize("part", ["stream", "metadata", "sealed_key", "binding"])
def test_the_server_cannot_swap_a_part_between_two_documents_of_the_owner(
    part: str,
    client: CoffreClient,
    owner: Person,
    hostile: HostileServer,
    tmp_path: Path,
    out: Path,
) -> None:
    first = client.upload(
        _file(tmp_path, "a.pdf", b"attestation CAF " * 500), "caf", keys=owner.keys
    )
    second = client.upload(
        _file(tmp_path, "b.pdf", b"avis d'imposition " * 500), "impots", keys=owner.keys
    )
    if part == "stream":
        hostile.swap(first, second, *STREAM)
    elif part == "metadata":
        hostile.swap(first, second, "encrypted_metadata")
    elif part == "sealed_key":
        hostile.swap_sealed_keys(first, second, client.account_id())
    else:
        hostile.swap(first, second, "binding", "version")

    with pytest.raises(BindingError):
        client.download(first, out / "a.pdf", owner.keys)
    _nothing_written(out)
    if part != "stream":  # the listing checks all but the content itself
        with pytest.raises(BindingError):
            client.list_documents(owner.keys)


def test_the_server_cannot_mint_a_document_that_opens_like_the_owners_own(
    client: CoffreClient,
    owner: Person,
    hostile: HostileServer,
    tmp_path: Path,
    out: Path,
) -> None:
    """It knows the owner's public box key, so it can seal a key to it and write a
    stream and metadata; it cannot sign the binding with the owner's key."""
    owner_id = client.account_id()
    document_id = client.upload(_file(tmp_path, "vrai.pdf", b"vrai"), "caf", keys=owner.keys)
    forged = document_v2(owner, owner_id, b"RIB du fraudeur", document_id=document_id)
    attacker_seed = secrets.token_bytes(32)
    binding = envelope_text(sign_binding(forged.parts, now_utc(), attacker_seed))
    object_key = f"doc/{secrets.token_hex(16)}"
    hostile.store.put_stream(object_key, [forged.ciphertext])
    hostile.set(
        document_id,
        object_key=object_key,
        ciphertext_size=len(forged.ciphertext),
        ciphertext_sha256=forged.parts.ciphertext_sha256,
        encrypted_metadata=forged.metadata_blob,
        binding=binding,
    )
    hostile.set_sealed_key(document_id, owner_id, forged.sealed_key)
    with pytest.raises(SignatureError):  # signed, but not by the owner
        client.download(document_id, out / "minted.pdf", owner.keys)
    _nothing_written(out)

    # Without any binding (a "v1" document) in a vault this device knows is v2.
    hostile.set(document_id, binding=None, version=None, format=1)
    with pytest.raises(BindingError):
        client.download(document_id, out / "minted.pdf", owner.keys)
    _nothing_written(out)


def test_the_server_cannot_roll_back_a_renamed_document_for_a_reader_that_saw_the_rename(
    client: CoffreClient,
    owner: Person,
    hostile: HostileServer,
    live_server: str,
    tmp_path: Path,
    out: Path,
) -> None:
    document_id = client.upload(
        _file(tmp_path, "cni.jpg", b"\xff\xd8 CNI"), "identite", keys=owner.keys
    )
    before = hostile.row(document_id)
    assert client.rename(document_id, "carte-identite.jpg", owner.keys) == 2
    assert client.document(document_id, owner.keys).version == 2  # seen, and remembered

    hostile.set(
        document_id,
        binding=before["binding"],
        version=before["version"],
        encrypted_metadata=before["encrypted_metadata"],
    )
    with pytest.raises(StaleError):
        client.download(document_id, out / "cni.jpg", owner.keys)
    _nothing_written(out)
    # The memory is a file: the next run of the client refuses it too.
    with client_on(live_server, str(owner.token), tmp_path / "memory.json") as later:
        with pytest.raises(StaleError):
            later.list_documents(owner.keys)
    # What this device remembers is what refuses it: a device that never saw version 2
    # (a new phone) is served version 1, which the owner did sign (SPEC §14.6 (a)).
    with client_on(live_server, str(owner.token), tmp_path / "new-phone.json") as fresh:
        assert [e.version for e in fresh.list_documents(owner.keys)] == [1]


def _v1_two_key(key_1: bytes, key_2: bytes) -> tuple[bytes, bytes]:
    prefix = b"CFDC\x01" + (65536).to_bytes(4, "big")
    header, chunk = craft_two_key_chunk(
        content_key(key_1), content_key(key_2), prefix, b"Attestation: OK.", label="client v1"
    )
    stream = prefix + header + chunk
    return stream, decrypt_bytes(key_1, stream)  # the message, then the free block


def _v2_two_key(key_1: bytes, key_2: bytes) -> tuple[bytes, bytes]:
    prefix = b"CFDC\x02" + (65536).to_bytes(4, "big") + key_commitment(key_1)
    # 8 + 24 = padme(32): with the 16-byte free block, a well-padded body under key 1.
    body = (24).to_bytes(8, "big") + b"Attestat"
    header, chunk = craft_two_key_chunk(
        content_key_v2(key_1), content_key_v2(key_2), prefix, body, label="client v2"
    )
    stream = prefix + header + chunk
    return stream, decrypt_bytes_v2(key_1, stream)


def test_a_crafted_two_key_stream_stored_as_a_document_does_not_open_under_its_second_key(
    api: TestClient,
    live_server: str,
    hostile: HostileServer,
    tmp_path: Path,
    out: Path,
) -> None:
    """Whoever crafted it knows both keys; with the sealed key swapped for the second
    one, v1 would open it to another plaintext. The binding's commitment refuses it,
    for a v2 stream and for a v1 stream bound at migration."""
    owner = make_person(api)
    key_1, key_2 = new_document_key(), new_document_key()
    v1_stream, v1_plain = _v1_two_key(key_1, key_2)
    v1_meta = encrypt_metadata(
        key_1,
        DocumentMetadata("a.pdf", "application/pdf", len(v1_plain), _sha(v1_plain)),
    )
    v1 = api.post(
        "/api/v1/documents",
        content=v1_stream,
        headers={
            **owner.headers,
            "Content-Type": "application/octet-stream",
            "Coffre-Category": "caf",
            "Coffre-Metadata": b64encode(v1_meta),
            "Coffre-Sealed-Key": b64encode(seal_document_key(key_1, owner.keys.box_public)),
        },
    )
    assert v1.status_code == 201, v1.text
    with client_on(live_server, str(owner.token), tmp_path / "memory.json") as client:
        client.migrate_to_v2(owner.keys)  # binds the v1 stream under key 1's commitment
        owner_id = client.account_id()
        v2_stream, v2_plain = _v2_two_key(key_1, key_2)
        v2_meta = metadata_v2(key_1, v2_plain, "b.pdf")
        v2_id = secrets.token_hex(16)
        parts: BoundParts = bound_parts(
            document=v2_id,
            version=1,
            owner=owner_id,
            doc_key=key_1,
            stream=v2_stream,
            metadata_blob=v2_meta,
        )
        v2 = api.post(
            "/api/v1/documents",
            content=v2_stream,
            headers={
                **owner.headers,
                "Content-Type": "application/octet-stream",
                "Coffre-Category": "caf",
                "Coffre-Document-Id": v2_id,
                "Coffre-Metadata": b64encode(v2_meta),
                "Coffre-Sealed-Key": b64encode(seal_document_key(key_1, owner.keys.box_public)),
                "Coffre-Binding": header_of(
                    envelope_text(sign_binding(parts, now_utc(), owner.keys.sign_seed))
                ),
            },
        )
        assert v2.status_code == 201, v2.text

        for document_id, plaintext in ((v1.json()["id"], v1_plain), (v2_id, v2_plain)):
            client.download(document_id, out / "ok", owner.keys)  # under key 1: it opens
            assert (out / "ok").read_bytes() == plaintext
            (out / "ok").unlink()
            hostile.set_sealed_key(
                document_id, owner_id, seal_document_key(key_2, owner.keys.box_public)
            )
            with pytest.raises(BindingError):
                client.download(document_id, out / "second", owner.keys)
            _nothing_written(out)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_v2_document_served_without_its_binding_is_refused_even_before_migration(
    api: TestClient, live_server: str, hostile: HostileServer, tmp_path: Path, out: Path
) -> None:
    """A vault still in v1 may hold v2 documents (uploaded by a v2 client); stripped of
    their binding they are not read as v1."""
    owner = make_person(api)
    with client_on(live_server, str(owner.token), tmp_path / "memory.json") as client:
        document = document_v2(owner, client.account_id(), b"quittance")
        answer = api.post(
            "/api/v1/documents",
            content=document.ciphertext,
            headers={**owner.headers, **document.headers},
        )
        assert answer.status_code == 201, answer.text
        assert client.crypto_format() == 1
        client.download(document.document_id, out / "ok", owner.keys)
        (out / "ok").unlink()
        hostile.set(document.document_id, binding=None, version=None)
        with pytest.raises(BindingError):
            client.download(document.document_id, out / "stripped", owner.keys)
        _nothing_written(out)
