"""Organiser items and reminder texts (SPEC §30, §31): every vector of
crypto/vectors/organiser.json has its outcome, the file is reproduced by its
generator, an item opens for its owner only, and each write draws a fresh key."""

import json
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import errors, organiser
from crypto.vectors import organiser as organiser_vectors

VECTORS_FILE = Path(crypto.__file__).parent / "vectors" / "organiser.json"
DOCUMENT = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS = DOCUMENT["vectors"]

Vector = dict[str, Any]


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def run_item(v: Vector) -> None:
    """SPEC §30.4 in order: shape, signature, sealed key, stream, plaintext."""
    i = v["inputs"]
    item = organiser.open_item(
        h(i["item"]),
        owner_id=i["owner_id"],
        item_id=i["item_id"],
        sign_public=h(i["sign_public"]),
        box_public=h(i["box_public"]),
        box_secret=h(i["box_secret"]),
    )
    if v["outcome"] != "ok":
        return
    e = v["expected"]
    assert item == e["item"]
    assert organiser.item_context(i["owner_id"], i["item_id"]) == h(e["context"])
    assert organiser.item_plaintext(item) == h(e["plaintext"])
    assert len(h(i["item"])) == organiser.ITEM_SIZES[organiser.ITEM_BUCKETS.index(e["bucket"])]
    again = organiser.seal_item(
        i["plaintext_item"],
        owner_id=i["owner_id"],
        item_id=i["item_id"],
        box_public=h(i["box_public"]),
        sign_seed=h(i["sign_seed"]),
        doc_key=h(i["doc_key"]),
        secretstream_header=h(i["secretstream_header"]),
        sealed_key=h(i["sealed_key"]),
    )
    assert again == h(i["item"])


def run_reminder(v: Vector) -> None:
    """SPEC §31.3 in order."""
    i = v["inputs"]
    text = organiser.open_reminder_text(
        h(i["sealed"]),
        box_public=h(i["box_public"]),
        box_secret=h(i["box_secret"]),
        sign_public=h(i["sign_public"]),
    )
    if v["outcome"] != "ok":
        return
    assert text == v["expected"]["text"] == i["text"]
    assert organiser.reminder_plaintext(text, h(i["sign_seed"])) == h(v["expected"]["inner"])


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_organiser_vector_has_its_expected_outcome(vector: Vector) -> None:
    run = run_item if vector["construction"] == "organiser_item" else run_reminder
    error_name = DOCUMENT["outcomes"][vector["outcome"]]
    if error_name is None:
        run(vector)
        return
    with pytest.raises(errors.CryptoError) as caught:
        run(vector)
    assert type(caught.value) is getattr(errors, error_name), str(caught.value)


def test_the_vectors_file_is_what_its_generator_writes() -> None:
    assert VECTORS_FILE.read_text(encoding="utf-8") == organiser_vectors.render()
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))
    assert {v["construction"] for v in VECTORS} == {"organiser_item", "reminder_text"}
    assert all(v["deterministic"] for v in VECTORS)


def test_an_item_opens_for_its_owner_only_and_each_write_has_a_fresh_key() -> None:
    owner, other = crypto.generate_account_keys(), crypto.generate_account_keys()
    where = {"owner_id": "a" * 32, "item_id": "b" * 32}
    first = organiser.seal_item(
        organiser_vectors.CONTACT, box_public=owner.box_public, sign_seed=owner.sign_seed, **where
    )
    second = organiser.seal_item(
        organiser_vectors.CONTACT, box_public=owner.box_public, sign_seed=owner.sign_seed, **where
    )
    assert first != second and len(first) == len(second) == 771
    assert first[1:81] != second[1:81]  # a new sealed document key at every write
    assert first[145 + 9 : 145 + 41] != second[145 + 9 : 145 + 41]  # a new key commitment
    opened = organiser.open_item(
        first,
        sign_public=owner.sign_public,
        box_public=owner.box_public,
        box_secret=owner.box_secret,
        **where,
    )
    assert opened == organiser_vectors.CONTACT
    with pytest.raises(errors.DecryptionError):
        organiser.open_item(
            first,
            sign_public=owner.sign_public,
            box_public=other.box_public,
            box_secret=other.box_secret,
            **where,
        )


def test_the_kind_is_not_visible_in_the_size() -> None:
    """A short note, a contact and an appointment all fill the first bucket."""
    owner = crypto.generate_account_keys()
    sizes = {
        len(
            organiser.seal_item(
                item,
                owner_id="a" * 32,
                item_id="b" * 32,
                box_public=owner.box_public,
                sign_seed=owner.sign_seed,
            )
        )
        for item in (
            organiser_vectors.NOTE,
            organiser_vectors.CONTACT,
            organiser_vectors.APPOINTMENT,
        )
    }
    assert sizes == {organiser.ITEM_SIZES[0]}


def test_the_server_checks_only_the_shape() -> None:
    owner = crypto.generate_account_keys()
    data = organiser.seal_item(
        organiser_vectors.NOTE,
        owner_id="a" * 32,
        item_id="b" * 32,
        box_public=owner.box_public,
        sign_seed=owner.sign_seed,
    )
    assert organiser.check_item_shape(data) == data
    with pytest.raises(errors.InvalidInputError):
        organiser.check_item_shape(data + b"\x00")
    with pytest.raises(errors.UnsupportedVersionError):
        organiser.check_item_shape(b"\x02" + data[1:])
    sealed = organiser.seal_reminder_text(
        "RDV CAF", box_public=owner.box_public, sign_seed=owner.sign_seed
    )
    assert organiser.check_reminder_shape(sealed) == sealed and len(sealed) == 369
    with pytest.raises(errors.InvalidInputError):
        organiser.check_reminder_shape(sealed[:-1])


def test_a_reminder_text_over_200_characters_is_refused_before_sealing() -> None:
    owner = crypto.generate_account_keys()
    with pytest.raises(errors.InvalidInputError):
        organiser.seal_reminder_text(
            "x" * 201, box_public=owner.box_public, sign_seed=owner.sign_seed
        )
