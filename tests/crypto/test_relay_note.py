"""Liaison notes (SPEC §29): every vector of crypto/vectors/relay_note.json has its
outcome, the file is reproduced by its generator, and a note round-trips to each
reader whose key it is sealed to, and to no one else."""

import json
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import errors, relay_note
from crypto.vectors import relay_note as relay_note_vectors

VECTORS_FILE = Path(crypto.__file__).parent / "vectors" / "relay_note.json"
DOCUMENT = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS = DOCUMENT["vectors"]

Vector = dict[str, Any]


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def run(v: Vector) -> None:
    """SPEC §29.4 in order: signature, sealed key, decryption, plaintext."""
    i = v["inputs"]
    where = {"relay_id": i["relay_id"], "which": i["which"], "author_id": i["author_id"]}
    envelope = h(i["envelope"])
    relay_note.verify_note(envelope, author_sign_public=h(i["author_sign_public"]), **where)
    key = relay_note.open_note_key(
        h(i["sealed_key"]), h(i["reader_box_public"]), h(i["reader_box_secret"])
    )
    text = relay_note.open_note(
        envelope, author_sign_public=h(i["author_sign_public"]), note_key=key, **where
    )
    if v["outcome"] != "ok":
        return
    e = v["expected"]
    assert text == e["text"]
    assert key == h(e["note_key"])
    assert relay_note.note_context(**where) == h(e["context"])
    assert relay_note.note_plaintext(text) == h(e["plaintext"])
    assert relay_note.signed_message(h(e["context"]), envelope[:-64]) == h(e["signed_message"])
    assert len(envelope) == 105 + e["bucket"]
    # A writer reproduces the envelope byte for byte from the same inputs.
    again = relay_note.seal_note(
        i["text"],
        author_sign_seed=h(i["author_sign_seed"]),
        note_key=h(i["note_key"]),
        nonce=h(i["nonce"]),
        **where,
    )
    assert again == envelope


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_relay_note_vector_has_its_expected_outcome(vector: Vector) -> None:
    error_name = DOCUMENT["outcomes"][vector["outcome"]]
    if error_name is None:
        run(vector)
        return
    with pytest.raises(errors.CryptoError) as caught:
        run(vector)
    assert type(caught.value) is getattr(errors, error_name), str(caught.value)


def test_the_vectors_file_is_what_its_generator_writes() -> None:
    assert VECTORS_FILE.read_text(encoding="utf-8") == relay_note_vectors.render()
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))
    assert all(v["construction"] == "relay_note" and v["deterministic"] for v in VECTORS)


def test_a_note_opens_for_each_reader_sealed_to_and_for_no_one_else() -> None:
    author, taker, person, other = (crypto.generate_account_keys() for _ in range(4))
    relay_id, author_id = "a" * 32, "b" * 32
    key = relay_note.new_note_key()
    envelope = relay_note.seal_note(
        "Besoin : ouverture des droits RSA.\nAppeler le matin.",
        relay_id=relay_id,
        which="note",
        author_id=author_id,
        author_sign_seed=author.sign_seed,
        note_key=key,
    )
    for reader in (taker, person):
        sealed = relay_note.seal_note_key(key, reader.box_public)
        assert len(sealed) == 80
        opened = relay_note.open_note_key(sealed, reader.box_public, reader.box_secret)
        text = relay_note.open_note(
            envelope,
            relay_id=relay_id,
            which="note",
            author_id=author_id,
            author_sign_public=author.sign_public,
            note_key=opened,
        )
        assert text.startswith("Besoin")
    sealed = relay_note.seal_note_key(key, taker.box_public)
    with pytest.raises(errors.DecryptionError):
        relay_note.open_note_key(sealed, other.box_public, other.box_secret)
    # Two notes of the same text differ (random nonce) but have the same size (bucket).
    second = relay_note.seal_note(
        "Besoin : ouverture des droits RSA.\nAppeler le matin.",
        relay_id=relay_id,
        which="note",
        author_id=author_id,
        author_sign_seed=author.sign_seed,
        note_key=key,
    )
    assert second != envelope and len(second) == len(envelope) == 105 + 256


def test_a_note_over_2000_characters_is_refused_before_encryption() -> None:
    author = crypto.generate_account_keys()
    with pytest.raises(errors.InvalidInputError):
        relay_note.seal_note(
            "x" * 2001,
            relay_id="a" * 32,
            which="note",
            author_id="b" * 32,
            author_sign_seed=author.sign_seed,
            note_key=relay_note.new_note_key(),
        )
