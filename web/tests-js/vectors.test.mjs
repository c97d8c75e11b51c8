// Every vector of crypto/vectors/v1.json has its expected outcome in JavaScript
// (SPEC §13), checked as tests/crypto/test_vectors.py checks it in Python.
import { test } from "node:test";
import assert from "node:assert/strict";
import { coffre, module, sodium, VECTORS_DOCUMENT, h, toHex, readableOf, errorOf } from "./helpers.mjs";

const VECTORS = VECTORS_DOCUMENT.vectors;
const ERRORS = {
  CryptoError: module.CryptoError,
  DecryptionError: module.DecryptionError,
  UnsupportedVersionError: module.UnsupportedVersionError,
  InvalidInputError: module.InvalidInputError,
  WeakParametersError: module.WeakParametersError,
  SignatureError: module.SignatureError,
};
const utf8 = (text) => new TextEncoder().encode(text);

const RUNNERS = {
  base64url(v) {
    const data = coffre.b64decode(v.inputs.text);
    if (v.outcome === "ok") {
      assert.equal(toHex(data), v.expected.bytes);
      assert.equal(coffre.b64encode(data), v.inputs.text);
    }
  },

  subkey(v) {
    const { parent, purpose } = v.inputs;
    const key = coffre.subkey(h(parent), purpose);
    if (v.outcome === "ok") {
      assert.equal(toHex(key), v.expected.subkey);
      // The same BLAKE2b through libsodium's incremental interface.
      const state = sodium.crypto_generichash_init(h(parent), 32);
      sodium.crypto_generichash_update(state, utf8(purpose));
      assert.equal(toHex(sodium.crypto_generichash_final(state, 32)), v.expected.subkey);
    }
  },

  passphrase_kdf(v) {
    const i = v.inputs;
    const params = { salt: h(i.salt), opslimit: i.opslimit, memlimit: i.memlimit, alg: i.alg };
    const keys = coffre.derivePassphraseKeys(i.passphrase, params);
    if (v.outcome === "ok") {
      const e = v.expected;
      assert.equal(toHex(coffre.encodePassphrase(i.passphrase)), i.passphrase_nfc_utf8);
      const root = coffre.passphraseRoot(i.passphrase, params);
      assert.equal(toHex(root), e.root);
      assert.equal(toHex(coffre.subkey(root, "coffre/v1/login")), e.auth_key);
      assert.equal(toHex(coffre.subkey(root, "coffre/v1/passphrase-wrap")), e.wrap_key);
      assert.equal(toHex(keys.authKey), e.auth_key);
      assert.equal(toHex(keys.wrapKey), e.wrap_key);
    }
  },

  recovery_code(v) {
    const secret = h(v.inputs.secret);
    const e = v.expected;
    assert.equal(coffre.formatRecoveryCode(secret), e.code);
    const keys = coffre.deriveRecoveryKeys(secret);
    assert.equal(toHex(keys.authKey), e.auth_key);
    assert.equal(toHex(keys.wrapKey), e.wrap_key);
  },

  recovery_code_parse(v) {
    const secret = coffre.parseRecoveryCode(v.inputs.text);
    if (v.outcome === "ok") assert.equal(toHex(secret), v.expected.secret);
  },

  master_key_wrap(v) {
    const i = v.inputs;
    if (v.outcome === "ok") {
      const blob = coffre.wrapMasterKey(h(i.master_key), h(i.wrap_key), i.which, { nonce: h(i.nonce) });
      assert.equal(toHex(blob), v.expected.blob);
      assert.equal(blob.length, 73);
      assert.equal(toHex(coffre.unwrapMasterKey(blob, h(i.wrap_key), i.which)), i.master_key);
    } else {
      coffre.unwrapMasterKey(h(i.blob), h(i.wrap_key), i.which);
    }
  },

  keyring_wrap(v) {
    const i = v.inputs;
    if (v.outcome === "ok") {
      const e = v.expected;
      const keys = coffre.accountKeysFromSecrets(h(i.box_secret), h(i.sign_seed));
      assert.equal(toHex(keys.boxPublic), e.box_public);
      assert.equal(toHex(keys.signPublic), e.sign_public);
      assert.equal(toHex(coffre.subkey(h(i.master_key), "coffre/v1/keyring")), e.keyring_key);
      const blob = coffre.wrapKeyring(keys, h(i.master_key), { nonce: h(i.nonce) });
      assert.equal(toHex(blob), e.blob);
      assert.equal(blob.length, 105);
      const opened = coffre.unwrapKeyring(blob, h(i.master_key), keys.boxPublic, keys.signPublic);
      assert.deepEqual(
        Object.fromEntries(Object.entries(opened).map(([k, b]) => [k, toHex(b)])),
        Object.fromEntries(Object.entries(keys).map(([k, b]) => [k, toHex(b)])),
      );
    } else {
      coffre.unwrapKeyring(h(i.blob), h(i.master_key), h(i.box_public), h(i.sign_public));
    }
  },

  document_key(v) {
    const docKey = h(v.inputs.doc_key);
    assert.equal(toHex(coffre.contentKey(docKey)), v.expected.content_key);
    assert.equal(toHex(coffre.metadataKey(docKey)), v.expected.metadata_key);
  },

  content_stream(v) {
    const i = v.inputs;
    const plaintext = coffre.decryptBytes(h(i.doc_key), h(i.stream));
    if (v.outcome === "ok") {
      assert.equal(toHex(plaintext), v.expected.plaintext);
      assert.equal(toHex(coffre.contentKey(h(i.doc_key))), i.content_key);
      assert.equal(h(i.stream).length, coffre.ciphertextSize(plaintext.length, i.chunk_size));
    }
  },

  metadata(v) {
    const i = v.inputs;
    if (v.outcome === "ok") {
      const e = v.expected;
      const meta = { name: i.name, mime: i.mime, size: i.size, sha256: i.sha256 };
      assert.equal(toHex(coffre.metadataKey(h(i.doc_key))), e.metadata_key);
      assert.equal(toHex(coffre.metadataPlaintext(meta)), e.plaintext);
      const blob = coffre.encryptMetadata(h(i.doc_key), meta, { nonce: h(i.nonce) });
      assert.equal(toHex(blob), e.blob);
      assert.deepEqual(coffre.decryptMetadata(h(i.doc_key), blob), meta);
    } else {
      coffre.decryptMetadata(h(i.doc_key), h(i.blob));
    }
  },

  sealed_key(v) {
    const i = v.inputs;
    const docKey = coffre.openSealedKey(h(i.sealed), h(i.box_public), h(i.box_secret));
    if (v.outcome === "ok") assert.equal(toHex(docKey), v.expected.doc_key);
  },

  statement(v) {
    const i = v.inputs;
    if ("sign_seed" in i) {
      const e = v.expected;
      const envelope = coffre.signStatement(i.statement, h(i.sign_seed));
      assert.deepEqual(envelope, e.envelope);
      assert.equal(toHex(coffre.canonicalJson(i.statement)), e.canonical_json);
      assert.equal(toHex(coffre.signedMessage(i.statement)), e.signed_message);
      assert.deepEqual(coffre.verifyStatement(envelope, h(e.signer)), i.statement);
      return;
    }
    const signer = "expected_signer" in i ? h(i.expected_signer) : null;
    const statement = coffre.verifyStatement(i.envelope, signer);
    if (v.outcome === "ok") assert.deepEqual(statement, v.expected.statement);
  },

  fingerprint(v) {
    const key = h(v.inputs.public_key);
    const prefixed = new Uint8Array([...utf8("coffre/v1/fingerprint\n"), ...key]);
    assert.equal(toHex(sodium.crypto_generichash(32, prefixed)), v.expected.digest);
    assert.equal(coffre.fingerprint(key), v.expected.fingerprint);
  },
};

async function expectOutcome(vector, run) {
  const errorName = VECTORS_DOCUMENT.outcomes[vector.outcome];
  if (errorName === null) {
    await run();
    return;
  }
  assert.ok(ERRORS[errorName], `unknown error ${errorName}`);
  await assert.rejects(async () => run(), errorOf(ERRORS[errorName]));
}

for (const vector of VECTORS) {
  test(vector.name, async () => {
    await expectOutcome(vector, () => RUNNERS[vector.construction](vector));
  });
}

// Content streams again, read as a network stream cut at odd places.
for (const vector of VECTORS.filter((v) => v.construction === "content_stream")) {
  test(`${vector.name}, read as a ReadableStream in odd-sized pieces`, async () => {
    await expectOutcome(vector, async () => {
      const i = vector.inputs;
      const { chunks, size, sha256 } = await coffre.decryptToChunks(h(i.doc_key), readableOf(h(i.stream), [7, 1, 1500, 33]));
      if (vector.outcome === "ok") {
        const plaintext = h(vector.expected.plaintext);
        assert.equal(toHex(new Uint8Array(chunks.flatMap((c) => [...c]))), vector.expected.plaintext);
        assert.equal(size, plaintext.length);
        assert.equal(sha256, coffre.sha256Hex(plaintext));
      }
    });
  });
}

test("vector names are unique", () => {
  const names = VECTORS.map((v) => v.name);
  assert.equal(new Set(names).size, names.length);
});

test("every construction and outcome is covered by the vectors", () => {
  assert.deepEqual(new Set(VECTORS.map((v) => v.construction)), new Set(Object.keys(RUNNERS)));
  assert.deepEqual(new Set(VECTORS.map((v) => v.outcome)), new Set(Object.keys(VECTORS_DOCUMENT.outcomes)));
  for (const name of Object.values(VECTORS_DOCUMENT.outcomes)) {
    if (name !== null) assert.ok(ERRORS[name], name);
  }
});

test("the vectors name the format version the module implements", () => {
  assert.equal(VECTORS_DOCUMENT.format, "Coffre crypto format v1");
  assert.equal(module.FORMAT_NAME, VECTORS_DOCUMENT.format);
});
