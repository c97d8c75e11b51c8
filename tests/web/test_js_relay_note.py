"""The page's liaison notes (web/static/js/relay-note.js) against SPEC §29's vectors,
under Node: every vector of crypto/vectors/relay_note.json has its outcome (the error
class of the vectors' table), an `ok` vector is written again byte for byte from the
writer's inputs, and a note the page writes opens in Python (crypto/relay_note.py)
for each reader it is sealed to, and for no one else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import relay_note
from crypto.errors import DecryptionError
from tests.web.node import run_module

VECTORS = json.loads((Path(crypto.__file__).parent / "vectors/relay_note.json").read_text("utf-8"))

# Reads stdin: {"vectors": [...]} or {"write": {...}}; prints one result per vector.
SCRIPT = """
import sodium from "libsodium-wrappers-sumo";
import { createRelayNote } from "%s";
await sodium.ready;
const notes = createRelayNote(sodium);
const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => done(text));
}));
const h = (x) => sodium.from_hex(x);
const hex = (x) => sodium.to_hex(x);
let out;
if (input.write) {
  const w = input.write;
  const key = notes.newNoteKey();
  const place = { relayId: w.relay_id, which: w.which, authorId: w.author_id };
  const envelope = notes.sealNote(
    { ...place, text: w.text, authorSignSeed: h(w.seed), noteKey: key });
  const sealed = w.readers.map((pub) => hex(notes.sealNoteKey(key, h(pub))));
  out = { envelope: hex(envelope), sealed };
} else {
  out = input.vectors.map((v) => {
    const i = v.inputs;
    const place = { relayId: i.relay_id, which: i.which, authorId: i.author_id };
    try {
      const reader = { boxPublic: h(i.reader_box_public), boxSecret: h(i.reader_box_secret) };
      const text = notes.readNote({ ...place, ...reader, envelope: h(i.envelope),
        authorSignPublic: h(i.author_sign_public), sealedKey: h(i.sealed_key) });
      const result = { error: null, text };
      if (i.text !== undefined) {
        const again = notes.sealNote({ ...place, text: i.text,
          authorSignSeed: h(i.author_sign_seed), noteKey: h(i.note_key), nonce: h(i.nonce) });
        result.again = hex(again);
        result.context = hex(notes.noteContext(i.relay_id, i.which, i.author_id));
        result.plaintext = hex(notes.notePlaintext(i.text));
        const key = notes.openNoteKey(h(i.sealed_key), reader.boxPublic, reader.boxSecret);
        result.key = hex(key);
      }
      return result;
    } catch (error) {
      return { error: error.constructor.name };
    }
  });
}
process.stdout.write(JSON.stringify(out));
"""


def _node(payload: dict[str, Any]) -> Any:
    return run_module("relay-note.js", SCRIPT, payload)


def test_every_vector_has_its_outcome_in_the_page() -> None:
    results = _node({"vectors": VECTORS["vectors"]})
    assert len(results) == len(VECTORS["vectors"]) > 20
    outcomes = VECTORS["outcomes"]
    for vector, result in zip(VECTORS["vectors"], results, strict=True):
        assert result["error"] == outcomes[vector["outcome"]], vector["name"]
        if vector["outcome"] != "ok":
            continue
        expected, inputs = vector["expected"], vector["inputs"]
        assert result["text"] == expected["text"], vector["name"]
        # The writer gives the same envelope byte for byte from the same inputs.
        assert result["again"] == inputs["envelope"], vector["name"]
        assert result["context"] == expected["context"]
        assert result["plaintext"] == expected["plaintext"]
        assert result["key"] == expected["note_key"]


def test_a_note_written_in_the_page_opens_in_python_for_its_readers_only() -> None:
    author, person, taker, stranger = (crypto.generate_account_keys() for _ in range(4))
    place = {"relay_id": "ab" * 16, "which": "note", "author_id": "cd" * 16}
    text = "Madame B. arrive lundi.\nElle préfère être appelée le matin. 🏠"
    written = _node(
        {
            "write": {
                **place,
                "text": text,
                "seed": author.sign_seed.hex(),
                "readers": [person.box_public.hex(), taker.box_public.hex()],
            }
        }
    )
    envelope = bytes.fromhex(written["envelope"])
    for reader, sealed in zip((person, taker), written["sealed"], strict=True):
        key = relay_note.open_note_key(bytes.fromhex(sealed), reader.box_public, reader.box_secret)
        opened = relay_note.open_note(
            envelope, author_sign_public=author.sign_public, note_key=key, **place
        )
        assert opened == text
    with pytest.raises(DecryptionError):
        relay_note.open_note_key(
            bytes.fromhex(written["sealed"][0]), stranger.box_public, stranger.box_secret
        )
