"""Recovery through a trusted contact interoperates both ways (SPEC §28): an
arrangement the page's contact-recovery.js makes opens in Python (crypto/
contact_recovery.py), and one Python makes opens in the page's module, under Node."""

from __future__ import annotations

from typing import Any

import pytest

import crypto
from crypto import contact_recovery as cr
from crypto.errors import DecryptionError
from tests.web.node import run_module

SCRIPT = """
import sodium from "libsodium-wrappers-sumo";
import { createContactRecovery } from "%s";
await sodium.ready;
const contact = createContactRecovery(sodium);
const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => done(text));
}));
const h = (x) => sodium.from_hex(x);
const hex = (x) => sodium.to_hex(x);
let out;
if (input.mode === "make") {
  const made = contact.nameContact(h(input.master_key), h(input.contact_sign_public));
  out = { key: hex(made.key), wrapped: hex(made.wrappedMasterKey), auth: hex(made.authKey),
          server: hex(made.serverShare), sealed: hex(made.sealedShare) };
} else {
  const key = contact.rebuildContactKey(h(input.sealed), h(input.server), h(input.seed));
  out = { master_key: hex(contact.openMasterKeyForContact(key, h(input.wrapped))),
          auth: hex(contact.contactAuthKey(key)) };
}
process.stdout.write(JSON.stringify(out));
"""


def _node(payload: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = run_module("contact-recovery.js", SCRIPT, payload)
    return result


def test_an_arrangement_made_in_javascript_opens_in_python() -> None:
    master_key = crypto.new_master_key()
    contact = crypto.generate_account_keys()
    made = _node(
        {
            "mode": "make",
            "master_key": master_key.hex(),
            "contact_sign_public": contact.sign_public.hex(),
        }
    )
    h = bytes.fromhex
    key = cr.rebuild_contact_key(h(made["sealed"]), h(made["server"]), contact.sign_seed)
    assert key.hex() == made["key"]
    assert cr.open_master_key_for_contact(key, h(made["wrapped"])) == master_key
    assert cr.contact_auth_key(key).hex() == made["auth"]
    # The JavaScript share is sealed to the contact, not to anyone else.
    with pytest.raises(DecryptionError):
        cr.rebuild_contact_key(
            h(made["sealed"]), h(made["server"]), crypto.generate_account_keys().sign_seed
        )


def test_an_arrangement_made_in_python_opens_in_javascript() -> None:
    master_key = crypto.new_master_key()
    contact = crypto.generate_account_keys()
    named = cr.name_contact(master_key, contact.sign_public)
    opened = _node(
        {
            "mode": "open",
            "sealed": named.sealed_share.hex(),
            "server": named.server_share.hex(),
            "seed": contact.sign_seed.hex(),
            "wrapped": named.wrapped_master_key.hex(),
        }
    )
    assert opened == {"master_key": master_key.hex(), "auth": named.auth_key.hex()}
