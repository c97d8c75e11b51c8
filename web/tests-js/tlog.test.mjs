// web/static/js/tlog.js against the audit log's vectors (auditlog/vectors/*.json), as
// tests/audit checks auditlog/ in Python: proofs, leaves, notes and checkpoints,
// cosignatures (and a cosignature made here verifies with the Python vectors' key).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sodium, h, toHex } from "./helpers.mjs";
import { createTlog, TlogError } from "../static/js/tlog.js";

const tlog = createTlog(sodium);
/** @param {string} name */
const vectors = (name) => JSON.parse(readFileSync(new URL(`../../auditlog/vectors/${name}.json`, import.meta.url), "utf8"));
const PROOFS = vectors("proofs");
const EVENTS = vectors("events");
const NOTES = vectors("notes");
const COSIGNATURES = vectors("cosignature");

/** @param {() => void} run @param {string} expected */
function outcome(run, expected) {
  if (expected === "ok") {
    run();
    return;
  }
  assert.throws(run, (error) => error instanceof TlogError && error.code === expected);
}

test("leaf hashes and roots of the proofs' tree", () => {
  PROOFS.leaf_data.forEach((data, i) => assert.equal(toHex(tlog.leafHash(h(data))), PROOFS.leaf_hashes[i]));
});

test("every inclusion proof vector", () => {
  for (const v of PROOFS.inclusion) {
    outcome(() => tlog.verifyInclusion(h(v.leaf_hash), v.index, v.size, v.proof.map(h), h(v.root)), v.expected);
  }
});

test("every consistency proof vector", () => {
  for (const v of PROOFS.consistency) {
    outcome(() => tlog.verifyConsistency(v.old, v.new, h(v.old_root), h(v.new_root), v.proof.map(h)), v.expected);
  }
});

test("an event's leaf hash is recomputed from the event and its salt", () => {
  for (const v of EVENTS.vectors) {
    const computed = toHex(tlog.eventLeafHash(v.event, h(v.salt)));
    if (v.expected === "ok") assert.equal(computed, v.leaf_hash, v.name);
    else assert.notEqual(computed, v.leaf_hash, v.name);
  }
});

test("signed checkpoints open with their trusted keys only", () => {
  const keys = Object.fromEntries(Object.entries(NOTES.keys).map(([k, vkey]) => [k, tlog.parseKey(vkey)]));
  for (const v of NOTES.checkpoints) {
    // Key histories (rotation statements) are followed by auditlog.keys, not by the page:
    // it trusts the keys the server lists (docs/AUDIT.md).
    if (v.history.length) continue;
    outcome(() => {
      const checkpoint = tlog.openCheckpoint(v.note, v.trusted.map((name) => keys[name]), NOTES.origin);
      if (v.size !== undefined) {
        assert.equal(checkpoint.size, v.size);
        assert.equal(toHex(checkpoint.root), v.root);
      }
    }, v.expected);
  }
});

test("every cosignature vector", () => {
  const key = tlog.parseCosignerKey(COSIGNATURES.cosigner_key);
  for (const v of COSIGNATURES.vectors) {
    const note = `${v.body}\n${v.line}`;
    if (v.outcome === "ok") assert.deepEqual(tlog.verifyCosignatures(note, [key]), new Map([[key.name, v.time]]));
    else if (v.outcome === "ignored" || v.outcome === "cosignature_malformed") assert.equal(tlog.verifyCosignatures(note, [key]).size, 0, v.name);
    else outcome(() => tlog.verifyCosignatures(note, [key]), v.outcome);
  }
  assert.deepEqual(tlog.verifyCosignatures(COSIGNATURES.cosigned_note, [key]), new Map([[key.name, 1765000123]]));
});

test("the page derives the same cosigner key and its cosignature verifies", () => {
  const seed = tlog.deriveCosignerSeed(h(COSIGNATURES.account_sign_seed));
  assert.equal(toHex(seed), COSIGNATURES.cosigner_seed);
  const signer = tlog.cosigner(COSIGNATURES.cosigner_name, seed);
  assert.equal(signer.vkey, COSIGNATURES.cosigner_key);
  const body = COSIGNATURES.vectors[0].body;
  const line = signer.cosign(body, 1765000123);
  assert.equal(`${line}\n`, COSIGNATURES.vectors[0].line); // Ed25519 is deterministic
  signer.wipe();
});
