// The professional's reading of format v2 (web/static/js/pro-v2.js): a receipt checked
// under the person's key, a shared document opened only under the receipt's terms
// (SPEC §24.4, §24.5), the person's key remembered on first use, pins compared, and a
// v2 deposit that opens for the person. Everything is made here, in JavaScript; the
// Python side of the deposit is tests/web/test_pro_v2.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { coffre, errorOf, module, pattern, sodium } from "./helpers.mjs";
import { BindingError, StaleError } from "../static/js/coffre-crypto-v2.js";
import { createPersonKeys, createProV2, headerText, PERSON_KEYS } from "../static/js/pro-v2.js";

const pro = createProV2(sodium, coffre);
const { v2, st } = pro;
const PERSON = "fedcba9876543210fedcba9876543210";
const PROFESSIONAL = "22222222222222222222222222222222";
const GRANT = "11111111111111111111111111111111";
const DOC_A = "0123456789abcdef0123456789abcdef";
const DOC_B = "0123456789abcdef0123456789abcdf0";

const person = coffre.accountKeysFromSecrets(pattern(32, 3), pattern(32, 5));
const professional = coffre.accountKeysFromSecrets(pattern(32, 7), pattern(32, 9));
const stranger = coffre.accountKeysFromSecrets(pattern(32, 11), pattern(32, 13));

/** A v2 document of the person, bound at `version`, with its key sealed to the professional. */
function documentOf(id, seed, version = 1) {
  const docKey = coffre.newDocumentKey();
  const plaintext = pattern(2500 + seed, seed);
  const stream = v2.encryptBytesV2(docKey, plaintext, 1024);
  const meta = { name: `Pièce ${seed}.pdf`, mime: "application/pdf", size: plaintext.length, sha256: coffre.sha256Hex(plaintext) };
  const metadataBlob = v2.encryptMetadataV2(docKey, meta);
  const parts = st.boundParts({ document: id, version, owner: PERSON, docKey, stream, metadataBlob });
  const binding = st.signStatementV2(st.bindingStatement(parts, new Date("2026-03-01T10:00:00Z")), person.signSeed);
  const sealedKey = v2.sealDocumentKeyV2(docKey, professional.boxPublic);
  return { id, plaintext, stream, metadataBlob, parts, binding, sealedKey };
}

const a = documentOf(DOC_A, 1, 2);
const b = documentOf(DOC_B, 2);

function receiptText(signSeed = person.signSeed, changes = {}, docs = [a, b]) {
  const statement = {
    v: 2,
    type: "coffre/consent-receipt",
    grant: GRANT,
    person: PERSON,
    professional: PROFESSIONAL,
    structure: "33333333333333333333333333333333",
    purpose: "ouverture-droits-rsa",
    charter_version: 1,
    documents: docs.map((d) => ({ id: d.id, version: d.parts.version, key_commitment: coffre.b64encode(d.parts.keyCommitment), ciphertext_sha256: d.parts.ciphertextSha256 })),
    not_before: "2026-03-01T10:00:00Z",
    not_after: "2026-03-31T10:00:00Z",
    max_pulls: null,
    request: null,
    ...changes,
  };
  return JSON.stringify(st.signStatementV2(statement, signSeed));
}

const grantOf = (receipt = receiptText(), key = person.signPublic) => ({
  id: GRANT,
  person_id: PERSON,
  receipt,
  person_sign_public_key: coffre.b64encode(key),
});

const open = (check, doc, overrides = {}) =>
  pro.openShared({
    check,
    documentId: doc.id,
    envelope: doc.binding,
    signer: person.signPublic,
    sealedKey: doc.sealedKey,
    metadataBlob: doc.metadataBlob,
    stream: doc.stream,
    boxPublic: professional.boxPublic,
    boxSecret: professional.boxSecret,
    ...overrides,
  });

test("a v2 receipt verified under the person's key names each document's version, commitment and hash", () => {
  const check = pro.checkGrant(grantOf(), PROFESSIONAL);
  assert.equal(check.format, 2);
  assert.equal(check.personId, PERSON);
  assert.deepEqual([...check.entries.keys()], [DOC_A, DOC_B]);
  assert.equal(check.entries.get(DOC_A).version, 2);
});

test("a receipt signed by another key, for another professional, or not strict JSON is refused", () => {
  assert.throws(() => pro.checkGrant(grantOf(receiptText(stranger.signSeed)), PROFESSIONAL), errorOf(module.SignatureError));
  // Signed by the key the server hands out with it: it verifies; what stops it is the
  // key remembered for this person (createPersonKeys) and the pin.
  assert.equal(pro.checkGrant(grantOf(receiptText(stranger.signSeed), stranger.signPublic), PROFESSIONAL).format, 2);
  assert.throws(() => pro.checkGrant(grantOf(), "44444444444444444444444444444444"), errorOf(module.SignatureError));
  const doubled = receiptText().replace('"grant":', '"grant":"99999999999999999999999999999999","grant":');
  assert.throws(() => pro.checkGrant(grantOf(doubled), PROFESSIONAL), errorOf(module.InvalidInputError));
});

test("a server without receipt text gives format 0 (as before v2), and a v1 receipt is verified as v1", () => {
  assert.equal(pro.checkGrant({ id: GRANT, person_id: PERSON, documents: [] }, PROFESSIONAL).format, 0);
  const v1 = { v: 1, type: "coffre/consent-receipt", grant: GRANT, person: PERSON, professional: PROFESSIONAL };
  const text = JSON.stringify(coffre.signStatement(v1, person.signSeed));
  assert.equal(pro.checkGrant(grantOf(text), PROFESSIONAL).format, 1);
  const forged = JSON.stringify(coffre.signStatement(v1, stranger.signSeed));
  assert.throws(() => pro.checkGrant(grantOf(forged), PROFESSIONAL), errorOf(module.SignatureError));
});

test("a shared document opens under the receipt's terms", () => {
  const check = pro.checkGrant(grantOf(), PROFESSIONAL);
  const opened = open(check, a);
  assert.deepEqual(opened.plaintext, a.plaintext);
  assert.equal(opened.metadata.name, "Pièce 1.pdf");
});

test("a stream, binding, sealed key or metadata of another document is a binding failure", () => {
  const check = pro.checkGrant(grantOf(), PROFESSIONAL);
  assert.throws(() => open(check, a, { stream: b.stream }), errorOf(BindingError));
  assert.throws(() => open(check, a, { envelope: b.binding }), errorOf(BindingError));
  assert.throws(() => open(check, a, { sealedKey: b.sealedKey }), errorOf(BindingError));
  assert.throws(() => open(check, a, { metadataBlob: b.metadataBlob }), errorOf(BindingError));
  assert.throws(() => open(check, a, { signer: stranger.signPublic }), errorOf(module.SignatureError));
});

test("a binding the person signed for other contents than the receipt's, or an older version, is refused", () => {
  // The person signed a newer version of A (re-keyed): not the contents the receipt names.
  const newer = documentOf(DOC_A, 5, 3);
  const check = pro.checkGrant(grantOf(), PROFESSIONAL);
  assert.throws(() => open(check, newer), errorOf(BindingError));
  // A receipt naming version 3 refuses the version-2 binding served by the server.
  const later = pro.checkGrant(grantOf(receiptText(person.signSeed, {}, [newer, b])), PROFESSIONAL);
  assert.throws(() => open(later, a), errorOf(StaleError));
  // A document the receipt does not name.
  const onlyB = pro.checkGrant(grantOf(receiptText(person.signSeed, {}, [b])), PROFESSIONAL);
  assert.throws(() => open(onlyB, a), errorOf(BindingError));
});

test("the binding comes as header text, parsed strictly; a deposit names its depositor", () => {
  const text = JSON.stringify(a.binding);
  const header = coffre.b64encode(new TextEncoder().encode(text));
  assert.equal(headerText(coffre, header), text);
  assert.equal(headerText(coffre, null), null);
  assert.equal(pro.readBinding(text).signedBy, "person");
  assert.throws(() => pro.readBinding(null), errorOf(BindingError));
  assert.throws(() => pro.readBinding(text.replace('"v":2', '"v":2,"v":2')), errorOf(module.InvalidInputError));
});

test("a v2 deposit opens for the person, bound to the depositor's key and the person", async () => {
  const bytes = pattern(5000, 4);
  const meta = { name: "Attestation.pdf", mime: "application/pdf", size: bytes.length, sha256: coffre.sha256Hex(bytes) };
  const { blob, headers, documentId } = pro.depositV2({
    bytes,
    meta,
    category: "domicile",
    expiresOn: null,
    personId: PERSON,
    personBox: person.boxPublic,
    depositorId: PROFESSIONAL,
    structureId: "33333333333333333333333333333333",
    signSeed: professional.signSeed,
    newId: () => DOC_B,
  });
  assert.equal(documentId, DOC_B);
  assert.equal(headers["Coffre-Document-Id"], DOC_B);
  assert.equal(headers["Coffre-Person"], PERSON);
  const envelope = JSON.parse(headerText(coffre, headers["Coffre-Deposit"]));
  assert.equal(envelope.statement.type, "coffre/deposit");
  assert.equal(pro.readBinding(JSON.stringify(envelope)).signedBy, PROFESSIONAL);
  const stream = new Uint8Array(await blob.arrayBuffer());
  const opened = st.openDocument({
    envelope,
    signer: professional.signPublic,
    document: DOC_B,
    owner: PERSON,
    minVersion: 1,
    sealedKey: coffre.b64decode(headers["Coffre-Sealed-Key"]),
    boxPublic: person.boxPublic,
    boxSecret: person.boxSecret,
    metadataBlob: coffre.b64decode(headers["Coffre-Metadata"]),
    stream,
  });
  assert.deepEqual(opened.plaintext, bytes);
  assert.equal(opened.parts.version, 1);
});

test("a person's key is trusted on first use, kept, and a changed key stays changed until confirmed", () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const keys = createPersonKeys(PROFESSIONAL, storage);
  assert.equal(keys.status(PERSON, "first-key"), "first");
  assert.equal(keys.status(PERSON, "first-key"), "known");
  assert.equal(keys.status(PERSON, "other-key"), "changed");
  assert.equal(keys.status(PERSON, "other-key"), "changed");
  keys.confirm(PERSON, "other-key");
  assert.equal(keys.status(PERSON, "other-key"), "verified");
  assert.equal(keys.status(PERSON, "first-key"), "changed");
  assert.deepEqual([...store.keys()], [PERSON_KEYS + PROFESSIONAL]);
  // Another professional on the same browser has a memory of their own.
  assert.equal(createPersonKeys(PERSON, storage).status(PERSON, "first-key"), "first");
});

test("the person's pin: the same code matches, another key's code does not, a typing error is invalid", () => {
  const pin = pro.pinOf(person.signPublic);
  assert.match(pin, /^([A-Z2-7]{3} ){8}[A-Z2-7]{3}$/);
  assert.equal(pro.comparePin(person.signPublic, pin), "match");
  assert.equal(pro.comparePin(person.signPublic, pin.toLowerCase().replaceAll(" ", "")), "match");
  assert.equal(pro.comparePin(person.signPublic, pro.pinOf(stranger.signPublic)), "mismatch");
  const typo = pin.slice(0, 4) + (pin[4] === "A" ? "B" : "A") + pin.slice(5);
  assert.equal(pro.comparePin(person.signPublic, typo), "invalid");
  assert.equal(pro.comparePin(person.signPublic, pin.slice(0, 20)), "invalid");
});
