// Every vector of crypto/vectors/organiser.json (SPEC §30, §31) has its expected
// outcome in the page's module (web/static/js/crypto-organiser.js), as
// tests/crypto/test_organiser.py checks it in Python; an `ok` item is written again
// byte for byte from the writer's inputs, and a reminder text's sealed plaintext too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { module, sodium, h, toHex } from "./helpers.mjs";
import { ITEM_SIZES, createOrganiser } from "../static/js/crypto-organiser.js";

const DOCUMENT = JSON.parse(readFileSync(new URL("../../crypto/vectors/organiser.json", import.meta.url), "utf8"));
const org = createOrganiser(sodium);

function runItem(v) {
  const i = v.inputs;
  const item = org.openItem({
    data: h(i.item),
    ownerId: i.owner_id,
    itemId: i.item_id,
    signPublic: h(i.sign_public),
    boxPublic: h(i.box_public),
    boxSecret: h(i.box_secret),
  });
  if (v.outcome !== "ok") return;
  assert.deepEqual(item, v.expected.item);
  assert.equal(toHex(org.itemContext(i.owner_id, i.item_id)), v.expected.context);
  assert.equal(toHex(org.itemPlaintext(item)), v.expected.plaintext);
  const again = org.sealItem({
    item: i.plaintext_item,
    ownerId: i.owner_id,
    itemId: i.item_id,
    boxPublic: h(i.box_public),
    signSeed: h(i.sign_seed),
    docKey: h(i.doc_key),
    secretstreamHeader: h(i.secretstream_header),
    sealedKey: h(i.sealed_key),
  });
  assert.equal(toHex(again), i.item);
}

function runReminder(v) {
  const i = v.inputs;
  const text = org.openReminderText({ sealed: h(i.sealed), boxPublic: h(i.box_public), boxSecret: h(i.box_secret), signPublic: h(i.sign_public) });
  if (v.outcome !== "ok") return;
  assert.equal(text, v.expected.text);
  assert.equal(toHex(org.reminderPlaintext(text, h(i.sign_seed))), v.expected.inner);
}

test("every organiser vector has its outcome in the page", () => {
  assert.ok(DOCUMENT.vectors.length > 30);
  for (const v of DOCUMENT.vectors) {
    const run = v.construction === "organiser_item" ? runItem : runReminder;
    const errorName = DOCUMENT.outcomes[v.outcome];
    if (errorName === null) {
      run(v);
      continue;
    }
    assert.throws(
      () => run(v),
      (error) => error instanceof module.CryptoError && error.constructor.name === errorName,
      v.name,
    );
  }
});

test("an item the page writes opens for its owner and has a fresh key each time", () => {
  const box = sodium.crypto_box_keypair();
  const signSeed = sodium.randombytes_buf(32);
  const signPublic = sodium.crypto_sign_seed_keypair(signSeed).publicKey;
  const ownerId = org.newItemId();
  const itemId = org.newItemId();
  assert.match(itemId, /^[0-9a-f]{32}$/);
  const item = { v: 1, kind: "appointment", starts_at: "2027-03-02T08:30:00Z", ends_at: null, place: "CCAS", with_whom: "Mme Dupont", note: "", reminder_id: null };
  const one = org.sealItem({ item, ownerId, itemId, boxPublic: box.publicKey, signSeed });
  const two = org.sealItem({ item, ownerId, itemId, boxPublic: box.publicKey, signSeed });
  assert.equal(one.length, ITEM_SIZES[0]);
  assert.notEqual(toHex(one.subarray(1, 81)), toHex(two.subarray(1, 81)));
  assert.deepEqual(org.openItem({ data: one, ownerId, itemId, signPublic, boxPublic: box.publicKey, boxSecret: box.privateKey }), item);
  assert.throws(() => org.openItem({ data: one, ownerId, itemId: org.newItemId(), signPublic, boxPublic: box.publicKey, boxSecret: box.privateKey }), module.SignatureError);
  const sealed = org.sealReminderText({ text: "Rendez-vous CAF demain", boxPublic: box.publicKey, signSeed });
  assert.equal(sealed.length, 369);
  assert.equal(org.openReminderText({ sealed, boxPublic: box.publicKey, boxSecret: box.privateKey, signPublic }), "Rendez-vous CAF demain");
});
