// Accounts, encodings, metadata, statements and the worker protocol, beyond the vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { coffre, module, errorOf, pattern, toHex } from "./helpers.mjs";

const PASSPHRASE_NFC = "Café fort 7 mots".normalize("NFC");
const PASSPHRASE_NFD = PASSPHRASE_NFC.normalize("NFD");
const hexOf = (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toHex(v)]));

// One account for the tests below: Argon2id (64 MiB) runs a few times only.
const account = coffre.createAccount(PASSPHRASE_NFD);

test("a new account opens with its passphrase, typed in NFC or NFD", () => {
  assert.equal(account.wrappedMasterPassphrase.length, 73);
  assert.equal(account.wrappedMasterRecovery.length, 73);
  assert.equal(account.wrappedKeyring.length, 105);
  assert.deepEqual(account.kdfParams.opslimit, 3);
  assert.deepEqual(account.kdfParams.memlimit, 64 * 1024 * 1024);
  const keys = coffre.openAccount(
    PASSPHRASE_NFC,
    account.kdfParams,
    account.wrappedMasterPassphrase,
    account.wrappedKeyring,
    account.keys.boxPublic,
    account.keys.signPublic,
  );
  assert.deepEqual(hexOf(keys), hexOf(account.keys));
});

test("the passphrase keys from before login open the keyring without Argon2id again", () => {
  const { authKey, wrapKey } = coffre.derivePassphraseKeys(PASSPHRASE_NFC, account.kdfParams);
  assert.deepEqual(authKey, account.authKey);
  const { masterKey, keys } = coffre.openAccountWithWrapKey(
    wrapKey,
    account.wrappedMasterPassphrase,
    account.wrappedKeyring,
    account.keys.boxPublic,
    account.keys.signPublic,
  );
  assert.equal(masterKey.length, 32);
  assert.deepEqual(hexOf(keys), hexOf(account.keys));
  assert.throws(
    () => coffre.openMasterKey("wrong passphrase", account.kdfParams, account.wrappedMasterPassphrase),
    errorOf(module.DecryptionError),
  );
});

test("the recovery code opens the account and a new passphrase replaces the old one", () => {
  const code = coffre.formatRecoveryCode(account.recoverySecret);
  assert.match(code, /^([A-Z2-7]{4}-){6}[A-Z2-7]{3}$/);
  const secret = coffre.parseRecoveryCode(code.toLowerCase().replaceAll("-", " "));
  assert.deepEqual(coffre.deriveRecoveryKeys(secret).authKey, account.recoveryAuthKey);
  const { masterKey, keys } = coffre.openAccountWithRecovery(
    secret,
    account.wrappedMasterRecovery,
    account.wrappedKeyring,
    account.keys.boxPublic,
    account.keys.signPublic,
  );
  assert.deepEqual(hexOf(keys), hexOf(account.keys));
  const changed = coffre.rewrapForNewPassphrase(masterKey, "sept mots tout neufs pour le coffre");
  assert.notDeepEqual(changed.kdfParams.salt, account.kdfParams.salt);
  assert.equal(changed.wrappedMasterPassphrase.length, 73);
  const reopened = coffre.openMasterKey("sept mots tout neufs pour le coffre", changed.kdfParams, changed.wrappedMasterPassphrase);
  assert.deepEqual(reopened, masterKey);
  assert.throws(
    () => coffre.openAccountWithRecovery(secret, account.wrappedMasterPassphrase, account.wrappedKeyring, keys.boxPublic, keys.signPublic),
    errorOf(module.DecryptionError),
  );
});

test("the signup body carries every field of POST /api/v1/accounts in base64url", () => {
  const body = coffre.signupBody("lea.martin", account);
  assert.deepEqual(Object.keys(body).sort(), [
    "auth_key",
    "box_public_key",
    "kdf",
    "login",
    "recovery_auth_key",
    "sign_public_key",
    "wrapped_keyring",
    "wrapped_master_passphrase",
    "wrapped_master_recovery",
  ]);
  assert.equal(body.login, "lea.martin");
  assert.deepEqual(body.kdf, { alg: "argon2id13", salt: coffre.b64encode(account.kdfParams.salt), opslimit: 3, memlimit: 67108864 });
  assert.deepEqual(coffre.b64decode(body.wrapped_keyring), account.wrappedKeyring);
  assert.deepEqual(coffre.b64decode(body.sign_public_key), account.keys.signPublic);
  for (const value of Object.values(body)) if (typeof value === "string") assert.doesNotMatch(value, /[=+/]/);
  const params = coffre.kdfParamsFromJson(body.kdf);
  assert.deepEqual(params, account.kdfParams);
});

test("account results cross postMessage (structured clone) intact", () => {
  const copy = structuredClone(account);
  assert.deepEqual(hexOf(copy.keys), hexOf(account.keys));
  assert.deepEqual(copy.kdfParams, account.kdfParams);
});

test("KDF parameters below the floor are weak, above the ceiling or malformed are invalid", () => {
  const salt = pattern(16);
  const ok = { alg: "argon2id13", salt, opslimit: 3, memlimit: 67108864 };
  coffre.checkKdfParams(ok);
  coffre.checkKdfParams({ ...ok, opslimit: 10, memlimit: 256 * 1024 * 1024 });
  const weak = [{ opslimit: 2 }, { memlimit: 67108863 }, { alg: "argon2i13" }, { alg: "ARGON2ID13" }];
  for (const change of weak) {
    assert.throws(() => coffre.checkKdfParams({ ...ok, ...change }), errorOf(module.WeakParametersError));
    assert.throws(() => coffre.derivePassphraseKeys("x", { ...ok, ...change }), errorOf(module.WeakParametersError));
  }
  const invalid = [{ opslimit: 11 }, { memlimit: 2 ** 29 }, { salt: pattern(15) }, { salt: "AAAA" }, { opslimit: 3.5 }, { memlimit: "67108864" }];
  for (const change of invalid) {
    assert.throws(() => coffre.checkKdfParams({ ...ok, ...change }), errorOf(module.InvalidInputError));
  }
  assert.throws(() => coffre.checkKdfParams(null), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.kdfParamsFromJson({ alg: "argon2id13", salt: "AAAA" }), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.kdfParamsFromJson({ ...coffre.kdfParamsToJson(ok), extra: 1 }), errorOf(module.InvalidInputError));
});

test("empty and ill-formed passphrases are invalid input", () => {
  assert.throws(() => coffre.encodePassphrase(""), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.encodePassphrase("abc\ud800"), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.encodePassphrase(42), errorOf(module.InvalidInputError));
  assert.deepEqual(coffre.encodePassphrase(PASSPHRASE_NFD), coffre.encodePassphrase(PASSPHRASE_NFC));
});

test("subkeys take only the purposes of SPEC §2 and parents of 16 to 64 bytes", () => {
  assert.throws(() => coffre.subkey(pattern(32), "coffre/v1/other"), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.subkey(pattern(65), "coffre/v1/content"), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.subkey("not bytes", "coffre/v1/content"), errorOf(module.InvalidInputError));
  assert.equal(coffre.subkey(pattern(64), "coffre/v1/content").length, 32);
});

test("recovery codes round-trip and refuse bad input", () => {
  for (let i = 0; i < 50; i++) {
    const secret = coffre.newRecoverySecret();
    const code = coffre.formatRecoveryCode(secret);
    assert.deepEqual(coffre.parseRecoveryCode(code), secret);
    assert.deepEqual(coffre.parseRecoveryCode(`  ${code.toLowerCase()}\n`), secret);
  }
  assert.throws(() => coffre.formatRecoveryCode(pattern(15)), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.parseRecoveryCode(null), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.parseRecoveryCode("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"), errorOf(module.InvalidInputError));
});

test("base64url is strict and canonical", () => {
  for (const bytes of [[], [0], [251, 255], [251, 255, 191], [1, 2, 3, 4, 5]]) {
    const data = Uint8Array.from(bytes);
    const text = coffre.b64encode(data);
    assert.doesNotMatch(text, /[=+/]/);
    assert.deepEqual(coffre.b64decode(text), data);
  }
  for (const bad of ["-w==", "+/8", "-x", "AAAAA", " -w", "-w\n", "é", 3]) {
    assert.throws(() => coffre.b64decode(bad), errorOf(module.InvalidInputError), String(bad));
  }
});

test("canonical JSON follows RFC 8785 for the values the format uses", () => {
  const text = coffre.canonicalJsonText;
  // RFC 8785 §3.2.3: members sorted by UTF-16 code units.
  const sorted = { "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", 1: "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis" };
  assert.equal(
    text(sorted),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  assert.equal(text({ b: [1, true, null, "é\n\u001f\"\\/"], a: {} }), '{"a":{},"b":[1,true,null,"é\\n\\u001f\\"\\\\/"]}');
  assert.equal(text([-0, 1.5, 9007199254740991, -9007199254740991, 1e-7, 123456.789e-3]), "[0,1.5,9007199254740991,-9007199254740991,1e-7,123.456789]");
  assert.equal(text("\u2028"), '"\u2028"');
  // Integral numbers beyond 2^53 - 1 (1e21 included: JavaScript cannot tell it from an integer).
  const invalid = [NaN, Infinity, 2 ** 53, -(2 ** 53), 1e21, "\ud800", { a: undefined }, [undefined], new Date(0), 1n, () => 1, new Uint8Array(1), new Map()];
  for (const value of invalid) assert.throws(() => text(value), errorOf(module.InvalidInputError));
  const cycle = {};
  cycle.self = cycle;
  assert.throws(() => text(cycle), errorOf(module.InvalidInputError));
  const shared = { x: 1 };
  assert.equal(text({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
  assert.deepEqual(coffre.canonicalJson({ é: 1 }), new TextEncoder().encode('{"é":1}'));
});

test("metadata round-trips and refuses values outside SPEC §9", () => {
  const docKey = coffre.newDocumentKey();
  const meta = { name: "Avis d'impôt 2024.pdf", mime: "application/pdf", size: 12, sha256: "0".repeat(64) };
  assert.deepEqual(coffre.decryptMetadata(docKey, coffre.encryptMetadata(docKey, meta)), meta);
  const bad = [{ size: -1 }, { size: 2 ** 53 }, { size: 1.5 }, { sha256: "A".repeat(64) }, { name: 3 }, { mime: null }];
  for (const change of bad) {
    assert.throws(() => coffre.encryptMetadata(docKey, { ...meta, ...change }), errorOf(module.InvalidInputError));
  }
});

test("signed statements verify, and refuse other signers and altered statements", () => {
  const seed = pattern(32, 5);
  const signer = coffre.accountKeysFromSecrets(pattern(32, 1), seed).signPublic;
  const statement = { v: 1, type: "deposit", document: "d1", serial: 2 };
  const envelope = coffre.signStatement(statement, seed);
  assert.deepEqual(coffre.verifyStatement(envelope, signer), statement);
  assert.deepEqual(coffre.verifyStatement(JSON.parse(JSON.stringify(envelope))), statement);
  const reordered = { signature: envelope.signature, signer: envelope.signer, statement: { serial: 2, document: "d1", type: "deposit", v: 1 } };
  assert.deepEqual(coffre.verifyStatement(reordered), reordered.statement);
  assert.throws(() => coffre.verifyStatement(envelope, pattern(32)), errorOf(module.SignatureError));
  assert.throws(() => coffre.verifyStatement({ ...envelope, statement: { ...statement, serial: 3 } }), errorOf(module.SignatureError));
  assert.throws(() => coffre.signStatement({ v: 1, type: "" }, seed), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.signStatement({ v: "1", type: "x" }, seed), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.signStatement({ v: 2, type: "x" }, seed), errorOf(module.UnsupportedVersionError));
  assert.throws(() => coffre.verifyStatement({ ...envelope, extra: 1 }), errorOf(module.InvalidInputError));
  assert.throws(() => coffre.verifyStatement({ ...envelope, signer: "AAAA" }), errorOf(module.InvalidInputError));
});

test("document keys sealed to a box key open only with its secret", () => {
  const recipient = coffre.generateAccountKeys();
  const docKey = coffre.newDocumentKey();
  const sealed = coffre.sealDocumentKey(docKey, recipient.boxPublic);
  assert.equal(sealed.length, 80);
  assert.deepEqual(coffre.openSealedKey(sealed, recipient.boxPublic, recipient.boxSecret), docKey);
  const other = coffre.generateAccountKeys();
  assert.throws(() => coffre.openSealedKey(sealed, other.boxPublic, other.boxSecret), errorOf(module.DecryptionError));
  assert.throws(() => coffre.sealDocumentKey(docKey, pattern(31)), errorOf(module.InvalidInputError));
});

test("fingerprints are 24 digits in 6 groups of 4", () => {
  assert.match(coffre.fingerprint(pattern(32)), /^(\d{4} ){5}\d{4}$/);
  assert.throws(() => coffre.fingerprint(pattern(33)), errorOf(module.InvalidInputError));
});

test("the worker handler answers with results or with named errors", async () => {
  const params = { ...account.kdfParams, opslimit: 2 };
  const weak = await module.handleWorkerRequest(coffre, { id: 7, op: "derivePassphraseKeys", args: ["x", params] });
  assert.deepEqual(weak, { id: 7, ok: false, error: { name: "WeakParametersError", message: weak.error.message } });
  assert.ok(module.errorFromJson(weak.error) instanceof module.WeakParametersError);
  const unknown = await module.handleWorkerRequest(coffre, { id: 8, op: "decryptBytes", args: [] });
  assert.equal(unknown.error.name, "InvalidInputError");
  const broken = await module.handleWorkerRequest(coffre, { id: 9, op: "openAccount", args: [] });
  assert.equal(broken.ok, false);
  const done = await module.handleWorkerRequest(Promise.resolve(coffre), {
    id: 10,
    op: "derivePassphraseKeys",
    args: [PASSPHRASE_NFC, structuredClone(account.kdfParams)],
  });
  assert.equal(done.ok, true);
  assert.deepEqual(structuredClone(done).result.authKey, account.authKey);
  assert.ok(module.errorFromJson({ name: "Nope", message: "m" }) instanceof module.CryptoError);
});

test("errors are named after their kind and carry no secret", () => {
  for (const name of ["CryptoError", "DecryptionError", "UnsupportedVersionError", "InvalidInputError", "WeakParametersError", "SignatureError"]) {
    const error = new module[name]("m");
    assert.equal(error.name, name);
    assert.ok(error instanceof module.CryptoError);
    assert.ok(error instanceof Error);
  }
  const secret = "correct horse battery staple";
  try {
    coffre.openMasterKey(secret, { ...account.kdfParams, opslimit: 1 }, account.wrappedMasterPassphrase);
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(!String(error.message).includes(secret));
  }
});

test("the crypto modules log nothing and import only each other (not libsodium: it is passed in)", () => {
  const parts = ["crypto-base.js", "crypto-keys.js", "crypto-accounts.js", "crypto-documents.js", "crypto-sharing.js"];
  for (const name of ["coffre-crypto.js", ...parts]) {
    const source = readFileSync(new URL(`../static/js/${name}`, import.meta.url), "utf8");
    assert.doesNotMatch(source, /\bconsole\./, name);
    for (const [, from] of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom "([^"]+)";$/gms)) {
      assert.ok(parts.includes(from.replace(/^\.\//, "")), `${name} imports ${from}`);
    }
    // import("…") appears in JSDoc types only: the parts, and libsodium's declarations.
    for (const [, from] of source.matchAll(/\bimport\("([^"]+)"\)/g)) {
      assert.ok(parts.includes(from.replace(/^\.\//, "")) || from === "./types/vendor", `${name} imports ${from}`);
    }
  }
});
