"""The page's module (web/static/js/crypto-organiser.js) and Python (crypto/organiser.py)
interoperate both ways with fresh random keys, nonces and ephemeral keys (the vectors
fix them all): what the page seals, Python opens, and the other way round; and neither
opens what was sealed to someone else."""

from __future__ import annotations

import pytest

import crypto
from crypto import b64decode, b64encode, errors, organiser
from tests.organiser.helpers import APPOINTMENT, CONTACT
from tests.web.node import run_module

SCRIPT = """
import sodium from "libsodium-wrappers-sumo";
import { createOrganiser } from "%s";
await sodium.ready;
const org = createOrganiser(sodium);
const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => done(text));
}));
const h = (x) => sodium.from_hex(x);
const b64 = (x) => sodium.to_base64(x, sodium.base64_variants.URLSAFE_NO_PADDING);
const unb64 = (x) => sodium.from_base64(x, sodium.base64_variants.URLSAFE_NO_PADDING);
const k = input.keys;
const sealed = {
  item: b64(org.sealItem({ item: input.item, ownerId: input.owner, itemId: input.item_id,
    boxPublic: h(k.box_public), signSeed: h(k.sign_seed) })),
  reminder: b64(org.sealReminderText({ text: input.text, boxPublic: h(k.box_public),
    signSeed: h(k.sign_seed) })),
};
const opened = {
  item: org.openItem({ data: unb64(input.python_item), ownerId: input.owner, itemId: input.item_id,
    signPublic: h(k.sign_public), boxPublic: h(k.box_public), boxSecret: h(k.box_secret) }),
  reminder: org.openReminderText({ sealed: unb64(input.python_reminder), boxPublic: h(k.box_public),
    boxSecret: h(k.box_secret), signPublic: h(k.sign_public) }),
};
process.stdout.write(JSON.stringify({ sealed, opened }));
"""


def test_the_page_and_python_open_what_the_other_sealed() -> None:
    keys, other = crypto.generate_account_keys(), crypto.generate_account_keys()
    owner, item_id = "a" * 32, "c" * 32
    text = "Rendez-vous mercredi 16/12 à 14:30, Mission locale"
    python_item = organiser.seal_item(
        CONTACT,
        owner_id=owner,
        item_id=item_id,
        box_public=keys.box_public,
        sign_seed=keys.sign_seed,
    )
    python_reminder = organiser.seal_reminder_text(
        text, box_public=keys.box_public, sign_seed=keys.sign_seed
    )
    out = run_module(
        "crypto-organiser.js",
        SCRIPT,
        {
            "keys": {
                "box_public": keys.box_public.hex(),
                "box_secret": keys.box_secret.hex(),
                "sign_public": keys.sign_public.hex(),
                "sign_seed": keys.sign_seed.hex(),
            },
            "owner": owner,
            "item_id": item_id,
            "item": APPOINTMENT,
            "text": text,
            "python_item": b64encode(python_item),
            "python_reminder": b64encode(python_reminder),
        },
    )
    assert out["opened"] == {"item": CONTACT, "reminder": text}
    page_item = b64decode(out["sealed"]["item"])
    page_reminder = b64decode(out["sealed"]["reminder"])
    mine = {"box_public": keys.box_public, "box_secret": keys.box_secret}
    assert (
        organiser.open_item(
            page_item, owner_id=owner, item_id=item_id, sign_public=keys.sign_public, **mine
        )
        == APPOINTMENT
    )
    assert organiser.open_reminder_text(page_reminder, sign_public=keys.sign_public, **mine) == text
    theirs = {"box_public": other.box_public, "box_secret": other.box_secret}
    with pytest.raises(errors.DecryptionError):
        organiser.open_item(
            page_item, owner_id=owner, item_id=item_id, sign_public=keys.sign_public, **theirs
        )
    with pytest.raises(errors.DecryptionError):
        organiser.open_reminder_text(page_reminder, sign_public=keys.sign_public, **theirs)
