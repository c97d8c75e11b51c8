// Every vector of crypto/vectors/v2.json has its expected outcome in JavaScript
// (SPEC §27), checked as tests/crypto/test_vectors_v2.py checks it in Python:
// once from the objects JSON.parse gives, once more from the raw JSON text read by
// the page's strict reader (coffre-json.js), so that what the page signs, hashes and
// compares never depends on JSON.parse (member order by UTF-16 code units, no
// duplicate, no fraction).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { module, sodium, h, toHex, errorOf } from "./helpers.mjs";
import { createCoffreCryptoV2, BindingError, StaleError } from "../static/js/coffre-crypto-v2.js";
import { createCoffreStatementsV2 } from "../static/js/coffre-statements-v2.js";
import { parseStrictJson } from "../static/js/coffre-json.js";
import { createContactRecovery } from "../static/js/contact-recovery.js";

const TEXT = readFileSync(new URL("../../crypto/vectors/v2.json", import.meta.url), "utf8");
const PARSED = JSON.parse(TEXT);
const STRICT = parseStrictJson(new Uint8Array(readFileSync(new URL("../../crypto/vectors/v2.json", import.meta.url))));
const v2 = createCoffreCryptoV2(sodium);
const st = createCoffreStatementsV2(sodium, v2);
const contact = createContactRecovery(sodium);
const ERRORS = {
  DecryptionError: module.DecryptionError,
  UnsupportedVersionError: module.UnsupportedVersionError,
  InvalidInputError: module.InvalidInputError,
  WeakParametersError: module.WeakParametersError,
  SignatureError: module.SignatureError,
  BindingError,
  StaleError,
};

/** `data` cut into pieces of 7, 1, 1500 and 33 bytes, cycled (as the Python test cuts it). */
function oddPieces(data) {
  const sizes = [7, 1, 1500, 33];
  const out = [];
  for (let position = 0; position < data.length; ) {
    const size = sizes[out.length % sizes.length];
    out.push(data.subarray(position, position + size));
    position += size;
  }
  return out;
}

function decryptInPieces(docKey, stream) {
  const decryptor = v2.createStreamDecryptorV2(docKey);
  const pieces = oddPieces(stream).flatMap((piece) => decryptor.push(piece));
  pieces.push(decryptor.finish());
  return toHex(new Uint8Array(pieces.flatMap((p) => [...p])));
}

const RUNNERS = {
  strict_json(v) {
    const i = v.inputs;
    const value = parseStrictJson("bytes" in i ? h(i.bytes) : i.text);
    if (v.outcome === "ok") assert.deepEqual(value, v.expected.value);
  },

  canonical_json(v) {
    assert.equal(toHex(module.canonicalJson(parseStrictJson(v.inputs.text))), v.expected.canonical);
  },

  subkey_v2(v) {
    const { parent, purpose } = v.inputs;
    const key = v2.subkey(h(parent), purpose);
    assert.equal(toHex(key), v.expected.subkey);
  },

  kdf_params_v2(v) {
    const i = v.inputs;
    const params = v2.kdfParamsV2FromJson(i.params);
    v2.checkKdfParamsV2(params);
    const salt = v2.deriveSalt(i.territory, i.login, params.saltRandom);
    if (v.outcome === "ok") {
      assert.equal(toHex(salt), v.expected.salt);
      assert.deepEqual(v2.kdfParamsV2ToJson(params), i.params);
    }
  },

  passphrase_kdf_v2(v) {
    const i = v.inputs;
    const e = v.expected;
    const params = v2.kdfParamsV2FromJson(i.params);
    assert.equal(toHex(v2.deriveSalt(i.territory, i.login, params.saltRandom)), e.salt);
    const root = v2.passphraseRootV2(i.passphrase, params, i);
    assert.equal(toHex(root), e.root);
    const keys = v2.derivePassphraseKeysV2(i.passphrase, params, i);
    assert.equal(toHex(keys.authKey), e.auth_key);
    assert.equal(toHex(keys.wrapKey), e.wrap_key);
    assert.equal(toHex(v2.subkey(root, "coffre/v2/login")), e.auth_key);
  },

  padme(v) {
    assert.equal(v2.padme(v.inputs.length), v.expected.padded);
  },

  content_stream_v2(v) {
    const i = v.inputs;
    const docKey = h(i.doc_key);
    const stream = h(i.stream);
    if ("plaintext" in i) {
      const plaintext = h(i.plaintext);
      const written = v2.encryptBytesV2(docKey, plaintext, i.chunk_size, { secretstreamHeader: h(i.secretstream_header) });
      assert.equal(toHex(written), i.stream);
      assert.equal(stream.length, v2.ciphertextSizeV2(plaintext.length, i.chunk_size));
      assert.equal(toHex(v2.contentKeyV2(docKey)), v.expected.content_key);
      assert.equal(toHex(v2.keyCommitment(docKey)), v.expected.key_commitment);
      assert.equal(v2.padme(8 + plaintext.length), v.expected.padded_size);
    }
    let whole;
    let pieces;
    let wholeError = null;
    try {
      whole = toHex(v2.decryptBytesV2(docKey, stream));
    } catch (error) {
      wholeError = error;
    }
    try {
      pieces = decryptInPieces(docKey, stream);
    } catch (error) {
      // However the bytes arrive, the same error kind (SPEC §18.9).
      assert.equal(error?.constructor, wholeError?.constructor);
    }
    if (wholeError) throw wholeError;
    assert.equal(pieces, whole);
    if (v.outcome === "ok") assert.equal(whole, v.expected.plaintext);
  },

  metadata_v2(v) {
    const i = v.inputs;
    const docKey = h(i.doc_key);
    if (v.outcome === "ok") {
      const e = v.expected;
      const meta = { name: i.name, mime: i.mime, size: i.size, sha256: i.sha256 };
      assert.equal(toHex(v2.metadataPlaintextV2(meta)), e.plaintext);
      assert.equal(toHex(sodium.pad(h(e.plaintext), v2.metadataBucket(h(e.plaintext).length))), e.padded);
      const blob = v2.encryptMetadataV2(docKey, meta, { nonce: h(i.nonce) });
      assert.equal(toHex(blob), e.blob);
      assert.deepEqual(v2.decryptMetadataV2(docKey, blob), meta);
    } else {
      v2.decryptMetadataV2(docKey, h(i.blob));
    }
  },

  statement_v2(v) {
    const i = v.inputs;
    const statement = st.verifyStatementV2(i.envelope, h(i.expected_signer), i.expected_type);
    if (v.outcome === "ok") {
      const e = v.expected;
      assert.deepEqual(statement, e.statement);
      assert.equal(toHex(st.signedMessageV2(statement)), e.signed_message);
      assert.equal(st.statementId(statement), e.statement_id);
    }
  },

  document_v2(v) {
    const i = v.inputs;
    const opened = st.openDocument({
      envelope: i.envelope,
      signer: h(i.signer),
      document: i.document,
      owner: i.owner,
      minVersion: i.min_version,
      sealedKey: h(i.sealed_key),
      boxPublic: h(i.box_public),
      boxSecret: h(i.box_secret),
      metadataBlob: h(i.metadata_blob),
      stream: h(i.stream),
    });
    if (v.outcome === "ok") {
      assert.equal(toHex(opened.plaintext), v.expected.plaintext);
      assert.equal(opened.parts.version, v.expected.version);
      assert.equal(toHex(opened.parts.keyCommitment), v.expected.key_commitment);
    }
  },

  consent_receipt_v2(v) {
    const receipt = st.readReceiptV2(v.inputs.statement);
    if (v.outcome === "ok") assert.deepEqual(receipt.documents.map((d) => [d.id, d.version]), v.expected.documents);
  },

  key_pin(v) {
    const i = v.inputs;
    const key = h(i.sign_public_key);
    if (!("pin" in i)) {
      const e = v.expected;
      assert.equal(toHex(st.pinDigest(key)), e.digest);
      assert.equal(st.pinQrPayload(key), e.qr);
      assert.equal(st.pinSpoken(key), e.spoken);
      assert.equal(st.matchesPin(key, e.qr), true);
      assert.equal(st.matchesPin(key, e.spoken), true);
      return;
    }
    const matches = st.matchesPin(key, i.pin);
    if (v.outcome === "ok") assert.equal(matches, v.expected.matches);
  },

  recovery_code_parse(v) {
    const secret = v2.parseRecoveryCode(v.inputs.text);
    if (v.outcome === "ok") assert.equal(toHex(secret), v.expected.secret);
  },

  trust_chain_v2(v) {
    const i = v.inputs;
    const certified = st.verifyChainV2({
      accountId: i.account_id,
      boxPublic: h(i.box_public),
      signPublic: h(i.sign_public),
      certificates: i.certificates,
      root: i.root,
      pin: i.pin,
      revocationList: i.revocation_list,
      now: new Date(i.now),
      minSequence: i.min_sequence,
    });
    if (v.outcome === "ok") assert.equal(certified.role, v.expected.role);
  },

  contact_recovery(v) {
    const i = v.inputs;
    const sealPublic = contact.contactSealPublic(h(i.contact_sign_public));
    const key = contact.rebuildContactKey(h(i.sealed_share), h(i.server_share), h(i.contact_sign_seed));
    const masterKey = contact.openMasterKeyForContact(key, h(i.wrapped_master_contact));
    if (v.outcome !== "ok") return;
    const e = v.expected;
    const authKey = contact.contactAuthKey(key);
    assert.equal(toHex(key), e.key);
    assert.equal(toHex(sealPublic), e.seal_public);
    assert.equal(toHex(contact.contactWrapKey(key)), e.wrap_key);
    assert.equal(toHex(authKey), e.auth_key);
    assert.equal(toHex(contact.authHash(authKey)), e.auth_hash);
    assert.equal(toHex(masterKey), e.master_key);
    assert.equal(toHex(contact.wrapMasterKeyForContact(masterKey, key, { nonce: h(i.nonce) })), i.wrapped_master_contact);
  },
};

async function expectOutcome(document, vector) {
  const errorName = document.outcomes[vector.outcome];
  const run = () => RUNNERS[vector.construction](vector);
  if (errorName === null) {
    await run();
    return;
  }
  assert.ok(ERRORS[errorName], `unknown error ${errorName}`);
  await assert.rejects(async () => run(), errorOf(ERRORS[errorName]));
}

for (const vector of PARSED.vectors) {
  test(vector.name, () => expectOutcome(PARSED, vector));
}

for (const vector of STRICT.vectors) {
  test(`${vector.name}, read from the raw JSON text`, () => expectOutcome(STRICT, vector));
}

// Documents again, their stream read in odd-sized pieces (SPEC §24.4, streaming): the
// same plaintext, and every refused vector refused (a stream whose bytes differ may be
// refused by its chunk's authentication before the whole-stream hash is reached).
for (const vector of PARSED.vectors.filter((v) => v.construction === "document_v2")) {
  test(`${vector.name}, its stream read in pieces`, () => {
    const i = vector.inputs;
    const read = () => {
      const reader = st.createDocumentReader({
        envelope: i.envelope,
        signer: h(i.signer),
        document: i.document,
        owner: i.owner,
        minVersion: i.min_version,
        sealedKey: h(i.sealed_key),
        boxPublic: h(i.box_public),
        boxSecret: h(i.box_secret),
        metadataBlob: h(i.metadata_blob),
      });
      const pieces = oddPieces(h(i.stream)).flatMap((piece) => reader.push(piece));
      pieces.push(reader.finish());
      return toHex(new Uint8Array(pieces.flatMap((p) => [...p])));
    };
    if (vector.outcome === "ok") assert.equal(read(), vector.expected.plaintext);
    else assert.throws(read, (error) => error instanceof module.CryptoError);
  });
}

test("v2.json read by the strict reader is what JSON.parse reads", () => {
  assert.deepEqual(STRICT, PARSED);
  assert.equal(PARSED.format, "Coffre crypto format v2");
  assert.equal(v2.FORMAT_NAME_V2, PARSED.format);
  assert.equal(PARSED.vectors.length, 209);
});

test("every v2 construction and outcome is covered, and every vector name is unique", () => {
  const names = PARSED.vectors.map((v) => v.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(new Set(PARSED.vectors.map((v) => v.construction)), new Set(Object.keys(RUNNERS)));
  assert.deepEqual(new Set(PARSED.vectors.map((v) => v.outcome)), new Set(Object.keys(PARSED.outcomes)));
  for (const name of Object.values(PARSED.outcomes)) if (name !== null) assert.ok(ERRORS[name], name);
});
