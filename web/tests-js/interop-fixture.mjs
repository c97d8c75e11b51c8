// Not a test file: prints, as JSON, objects made by the JavaScript implementation
// so that tests/web/test_js_crypto.py can open them with the Python one (crypto/).
// Every value here is test data made up on the spot.
import { coffre, pattern } from "./helpers.mjs";

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const passphrase = "Café fort 7 mots".normalize("NFD"); // Python gets the NFC form

const account = coffre.createAccount(passphrase);
const docKey = coffre.newDocumentKey();
const plaintext = pattern(2500, 1);
const streamed = [];
const encrypted = coffre.encryptStream(docKey, [plaintext.subarray(0, 1), plaintext.subarray(1)], 1024);
for await (const part of encrypted) streamed.push(...part);
const meta = { name: "Avis d'impôt 2024 — Mme Exemple.pdf", mime: "application/pdf", size: encrypted.size, sha256: encrypted.sha256 };
const signSeed = pattern(32, 7);
const statement = { v: 1, type: "deposit", subject: "Élodie Martin", serial: 42, nested: { b: [1, "é"], a: null } };

process.stdout.write(
  JSON.stringify({
    passphrase: passphrase.normalize("NFC"),
    signup: coffre.signupBody("lea.martin", account),
    recovery_code: coffre.formatRecoveryCode(account.recoverySecret),
    box_secret: hex(account.keys.boxSecret),
    sign_seed: hex(account.keys.signSeed),
    doc_key: hex(docKey),
    plaintext: hex(plaintext),
    stream: hex(Uint8Array.from(streamed)),
    stream_default_chunks: hex(coffre.encryptBytes(docKey, plaintext)),
    metadata: meta,
    metadata_blob: hex(coffre.encryptMetadata(docKey, meta)),
    sealed: hex(coffre.sealDocumentKey(docKey, account.keys.boxPublic)),
    envelope: coffre.signStatement(statement, signSeed),
    sign_seed_statement: hex(signSeed),
    fingerprint: coffre.fingerprint(account.keys.boxPublic),
  }),
);
