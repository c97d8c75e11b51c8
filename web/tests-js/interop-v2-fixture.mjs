// Not a test file: the JavaScript side of tests/web/test_js_crypto_v2.py (format v2
// interoperability, SPEC Part II). Every value here is test data made up on the spot.
//
//   node web/tests-js/interop-v2-fixture.mjs make   prints, as JSON, a v2 document, a
//       consent receipt, pins and KDF v2 keys made in JavaScript, for Python to open;
//   node web/tests-js/interop-v2-fixture.mjs open   reads, on stdin, what Python made
//       (tests/web/test_js_crypto_v2.py) and prints what JavaScript reads from it;
//   node web/tests-js/interop-v2-fixture.mjs compare   reads JSON texts (hex) and
//       lengths on stdin, prints what the strict reader and padme make of them.
// Both read JSON text with the page's strict reader.
import { readFileSync } from "node:fs";
import { sodium, pattern } from "./helpers.mjs";
import { createCoffreCryptoV2 } from "../static/js/coffre-crypto-v2.js";
import { createCoffreStatementsV2 } from "../static/js/coffre-statements-v2.js";
import { parseStrictJson } from "../static/js/coffre-json.js";

const v2 = createCoffreCryptoV2(sodium);
const st = createCoffreStatementsV2(sodium, v2);
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const unhex = (text) => new Uint8Array(Buffer.from(text, "hex"));

function make() {
  const owner = v2.v1.accountKeysFromSecrets(pattern(32, 3), pattern(32, 5));
  const docKey = v2.v1.newDocumentKey();
  const plaintext = pattern(3000, 1);
  const encryptor = v2.createStreamEncryptorV2(docKey, plaintext.length, 1024);
  const pieces = [encryptor.header];
  for (let i = 0; i < plaintext.length; i += 777) pieces.push(...encryptor.push(plaintext.subarray(i, i + 777)));
  pieces.push(...encryptor.finish());
  const stream = new Uint8Array(pieces.flatMap((p) => [...p]));
  const meta = { name: "Attestation CAF — Léa \u{1F600}.pdf", mime: "application/pdf", size: plaintext.length, sha256: v2.v1.sha256Hex(plaintext) };
  const metadataBlob = v2.encryptMetadataV2(docKey, meta);
  const document = "0123456789abcdef0123456789abcdef";
  const ownerId = "fedcba9876543210fedcba9876543210";
  const parts = st.boundParts({ document, version: 3, owner: ownerId, docKey, stream, metadataBlob });
  const binding = st.signStatementV2(st.bindingStatement(parts, new Date("2026-03-01T10:00:00Z")), owner.signSeed);
  const receipt = st.signStatementV2(
    {
      v: 2,
      type: "coffre/consent-receipt",
      grant: "11111111111111111111111111111111",
      person: ownerId,
      professional: "22222222222222222222222222222222",
      structure: "33333333333333333333333333333333",
      purpose: "ouverture-droits-rsa",
      charter_version: 2,
      documents: [{ id: document, version: 3, key_commitment: v2.v1.b64encode(parts.keyCommitment), ciphertext_sha256: parts.ciphertextSha256 }],
      not_before: "2026-03-01T10:00:00Z",
      not_after: "2026-03-31T10:00:00Z",
      max_pulls: 5,
      request: null,
    },
    owner.signSeed,
  );
  const params = v2.newKdfParamsV2();
  const who = { territory: "puy-de-dome", login: "Élodie.Martin".normalize("NFD") };
  const keys = v2.derivePassphraseKeysV2("Café fort 7 mots".normalize("NFD"), params, who);
  return {
    document,
    owner: ownerId,
    sign_public: hex(owner.signPublic),
    box_public: hex(owner.boxPublic),
    box_secret: hex(owner.boxSecret),
    doc_key: hex(docKey),
    plaintext: hex(plaintext),
    stream: hex(stream),
    metadata: meta,
    metadata_blob: hex(metadataBlob),
    sealed_key: hex(v2.sealDocumentKeyV2(docKey, owner.boxPublic)),
    binding,
    receipt,
    pin_qr: st.pinQrPayload(owner.signPublic),
    pin_spoken: st.pinSpoken(owner.signPublic),
    kdf: { params: v2.kdfParamsV2ToJson(params), ...who, passphrase: "Café fort 7 mots", auth_key: hex(keys.authKey), wrap_key: hex(keys.wrapKey) },
  };
}

function open(made) {
  const doc = made.document;
  const opened = st.openDocument({
    envelope: doc.binding,
    signer: unhex(doc.sign_public),
    document: doc.document,
    owner: doc.owner,
    minVersion: doc.min_version,
    sealedKey: unhex(doc.sealed_key),
    boxPublic: unhex(doc.box_public),
    boxSecret: unhex(doc.box_secret),
    metadataBlob: unhex(doc.metadata_blob),
    stream: unhex(doc.stream),
  });
  const reader = st.createDocumentReader({
    envelope: doc.binding,
    signer: unhex(doc.sign_public),
    document: doc.document,
    owner: doc.owner,
    minVersion: doc.min_version,
    sealedKey: unhex(doc.sealed_key),
    boxPublic: unhex(doc.box_public),
    boxSecret: unhex(doc.box_secret),
    metadataBlob: unhex(doc.metadata_blob),
  });
  const pieces = [];
  const stream = unhex(doc.stream);
  for (let i = 0; i < stream.length; i += 1000) pieces.push(...reader.push(stream.subarray(i, i + 1000)));
  pieces.push(reader.finish());
  const chain = made.chain;
  /** @param {string} now */
  const verify = (now) =>
    st.verifyChainV2({
      accountId: chain.account_id,
      boxPublic: unhex(chain.box_public),
      signPublic: unhex(chain.sign_public),
      certificates: chain.certificates,
      root: chain.root,
      pin: chain.pin,
      revocationList: chain.revocation_list,
      now: new Date(now),
      minSequence: chain.min_sequence,
    });
  const certified = verify(chain.now);
  let staleName = null;
  try {
    verify(chain.later);
  } catch (error) {
    staleName = error.name;
  }
  const kdf = made.kdf;
  const params = v2.kdfParamsV2FromJson(kdf.params);
  return {
    plaintext: hex(opened.plaintext),
    streamed: hex(new Uint8Array(pieces.flatMap((p) => [...p]))),
    metadata: opened.metadata,
    version: opened.parts.version,
    key_commitment: hex(opened.parts.keyCommitment),
    role: certified.role,
    revocation_sequence: certified.revocationSequence,
    later: staleName,
    salt: hex(v2.deriveSalt(kdf.territory, kdf.login, params.saltRandom)),
    auth_key: hex(v2.derivePassphraseKeysV2(kdf.passphrase, params, kdf).authKey),
    pin_spoken: st.pinSpoken(unhex(chain.sign_public)),
    receipt_documents: st.readReceiptV2(st.verifyStatementV2(made.receipt, unhex(doc.sign_public), "coffre/consent-receipt")).documents.length,
  };
}

/** Strict JSON and Padmé on the inputs Python sends: each text's value or error kind. */
function compare(inputs) {
  const json = inputs.json.map((text) => {
    try {
      return { value: parseStrictJson(unhex(text)) };
    } catch (error) {
      return { error: error.name };
    }
  });
  return { json, padme: inputs.padme.map((n) => v2.padme(n)) };
}

const mode = process.argv[2];
if (mode === "make") process.stdout.write(JSON.stringify(make()));
else if (mode === "open") process.stdout.write(JSON.stringify(open(parseStrictJson(new Uint8Array(readFileSync(0))))));
else if (mode === "compare") process.stdout.write(JSON.stringify(compare(JSON.parse(readFileSync(0, "utf8")))));
else throw new Error("usage: interop-v2-fixture.mjs make | open | compare");
