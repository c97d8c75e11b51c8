// @ts-check
// The page's side of the professional network's trust (crypto/SPEC.md §15, §16):
// verifying a key chain up to the pinned trust root before sealing anything to a
// professional, building the consent receipt and deposit statements the client
// signs, and verifying a deposit's proof of origin.
//
// Mirrors crypto/certificates.py (`verify_chain`) and the statement shapes of
// crypto/consent.py. The caller passes `coffre`, the object made by
// `createCoffreCrypto(sodium)`; this module imports no library and keeps no state.
// Failures raise the crypto module's errors: SignatureError when something does not
// prove what it should, InvalidInputError when the input is malformed. Messages
// never contain keys or document contents.

import { InvalidInputError, SignatureError } from "./coffre-crypto.js";

/** @typedef {import("./coffre-crypto.js").CoffreCrypto} CoffreCrypto */
/** @typedef {import("./coffre-crypto.js").Statement} Statement */
/**
 * consentReceipt's fields (checked there).
 * @typedef {object} ReceiptFields
 * @property {string} grant
 * @property {string} person
 * @property {string} professional
 * @property {string} structure
 * @property {string} purpose
 * @property {number} charterVersion
 * @property {{id: string, ciphertextSha256: string}[]} documents
 * @property {Date} notBefore
 * @property {Date} notAfter
 * @property {number | null} maxPulls
 * @property {string | null} request
 */
/**
 * depositStatement's fields (checked there).
 * @typedef {object} DepositFields
 * @property {string} document
 * @property {string} person
 * @property {string} depositor
 * @property {string} structure
 * @property {string} category
 * @property {string} ciphertextSha256
 * @property {Date} depositedAt
 */

export const ROOT_TYPE = "coffre/trust-root";
export const CERTIFICATE_TYPE = "coffre/key-certificate";
export const RECEIPT_TYPE = "coffre/consent-receipt";
export const DEPOSIT_TYPE = "coffre/deposit";
export const MAX_DOCUMENTS = 20;
export const MAX_PULLS = 100;

const ROOT_CERTIFIES = new Set(["structure_admin", "charter_officer"]);
const ADMIN_CERTIFIES = new Set(["professional"]);
const KEY_BYTES = 32;
const ID = /^[0-9a-f]{32}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
const DEPOSIT_FIELDS = [
  "category",
  "ciphertext_sha256",
  "deposited_at",
  "depositor",
  "document",
  "person",
  "structure",
  "type",
  "v",
];

// --- Helpers ------------------------------------------------------------------------------

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Public keys are not secret: a plain comparison is enough.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 */
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A 32-byte public key given as bytes or as base64url text (the API's form).
 * @param {CoffreCrypto} coffre
 * @param {unknown} value
 * @param {string} name
 * @returns {Uint8Array}
 */
function publicKey(coffre, value, name) {
  let bytes = value;
  if (typeof value === "string") bytes = coffre.b64decode(value);
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (!(bytes instanceof Uint8Array)) throw new InvalidInputError(`${name} must be bytes or base64url text`);
  if (bytes.length !== KEY_BYTES) throw new InvalidInputError(`${name} must be ${KEY_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

/**
 * The (box, sign) public keys a certificate or root statement names (certificates.py `_keys`).
 * @param {CoffreCrypto} coffre
 * @param {Record<string, any>} statement
 * @returns {[Uint8Array, Uint8Array]}
 */
function statementKeys(coffre, statement) {
  const box = statement.box_public_key;
  const sign = statement.sign_public_key;
  if (typeof box !== "string" || typeof sign !== "string") {
    throw new InvalidInputError("a certificate names both public keys");
  }
  return [publicKey(coffre, box, "box public key"), publicKey(coffre, sign, "sign public key")];
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
function requireId(value, name) {
  if (typeof value !== "string" || !ID.test(value)) throw new InvalidInputError(`${name} must be 32 lowercase hex characters`);
  return value;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
function requireSha256(value, name) {
  if (typeof value !== "string" || !SHA256_HEX.test(value)) {
    throw new InvalidInputError(`${name} must be 64 lowercase hex characters`);
  }
  return value;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
function requireCode(value, name) {
  if (typeof value !== "string" || !CODE.test(value)) throw new InvalidInputError(`${name} must be a short lowercase code`);
  return value;
}

/**
 * A Date as UTC `YYYY-MM-DDTHH:MM:SSZ`, whole seconds (SPEC §16); fractions are dropped.
 * @param {unknown} moment a Date
 * @param {string} [name]
 * @returns {string}
 */
export function formatTime(moment, name = "time") {
  if (!(moment instanceof Date) || Number.isNaN(moment.getTime())) throw new InvalidInputError(`${name} must be a valid Date`);
  const year = moment.getUTCFullYear();
  if (year < 1 || year > 9999) throw new InvalidInputError(`${name} must be in the years 1 to 9999`);
  return `${moment.toISOString().slice(0, 19)}Z`;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
function requireTime(value, name) {
  if (typeof value !== "string" || !TIME.test(value)) {
    throw new InvalidInputError(`${name} must be a UTC time YYYY-MM-DDTHH:MM:SSZ`);
  }
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime()) || formatTime(parsed, name) !== value) {
    throw new InvalidInputError(`${name} is not a real date`);
  }
  return value;
}

// --- §15 Key certificates and the trust chain -------------------------------------------------

/**
 * The root statement, if self-signed by the key whose fingerprint is pinned (SPEC §15 step 1).
 * @param {CoffreCrypto} coffre
 * @param {unknown} envelope
 * @param {string} pinnedFingerprint
 * @returns {Statement}
 */
export function verifyRoot(coffre, envelope, pinnedFingerprint) {
  const statement = isObject(envelope) ? envelope.statement : undefined;
  if (!isObject(statement) || statement.type !== ROOT_TYPE) throw new InvalidInputError("not a trust root statement");
  const [, signPublic] = statementKeys(coffre, statement);
  if (coffre.fingerprint(signPublic) !== pinnedFingerprint) throw new SignatureError("the trust root is not the pinned one");
  return coffre.verifyStatement(envelope, signPublic);
}

/**
 * Check that an account's keys are certified up to the pinned root (SPEC §15), as
 * crypto/certificates.py `verify_chain` does, and return the verified leaf
 * certificate statement. `chain` takes camelCase names, or the snake_case body of
 * `GET /api/v1/professionals/{id}/keys` as served; keys are Uint8Array or base64url.
 * `certificates` starts with the account's own; a professional's has a second one,
 * their structure admin's. Throws SignatureError (InvalidInputError when malformed).
 * @param {CoffreCrypto} coffre
 * @param {unknown} chain
 * @param {unknown} pinnedFingerprint
 * @returns {Statement}
 */
export function verifyChain(coffre, chain, pinnedFingerprint) {
  if (!isObject(chain)) throw new InvalidInputError("the chain must be an object");
  const accountId = chain.accountId ?? chain.account_id;
  const box = publicKey(coffre, chain.boxPublicKey ?? chain.box_public_key, "box public key");
  const sign = publicKey(coffre, chain.signPublicKey ?? chain.sign_public_key, "sign public key");
  const { certificates, root } = chain;
  if (typeof accountId !== "string") throw new InvalidInputError("the account id must be a string");
  if (typeof pinnedFingerprint !== "string") throw new InvalidInputError("the pinned fingerprint must be a string");
  if (!Array.isArray(certificates)) throw new InvalidInputError("certificates must be a list");

  const rootStatement = verifyRoot(coffre, root, pinnedFingerprint);
  const [, rootSign] = statementKeys(coffre, rootStatement);
  if (certificates.length === 0 || certificates.length > 2) throw new SignatureError("a chain holds one or two certificates");
  const leaf = coffre.verifyStatement(certificates[0]);
  if (leaf.type !== CERTIFICATE_TYPE || leaf.subject !== accountId) {
    throw new SignatureError("the certificate is not about this account");
  }
  const [leafBox, leafSign] = statementKeys(coffre, leaf);
  if (!sameBytes(leafBox, box) || !sameBytes(leafSign, sign)) {
    throw new SignatureError("the keys offered are not the certified keys");
  }
  const leafSigner = coffre.b64decode(certificates[0].signer);
  const role = leaf.role;
  if (sameBytes(leafSigner, rootSign)) {
    // Step 3: the root certifies structure admins and charter officers, directly.
    if (!ROOT_CERTIFIES.has(role) || certificates.length !== 1) {
      throw new SignatureError("the root does not certify this role directly");
    }
  } else {
    // Step 4: a professional, through a root-certified admin of the same structure.
    if (!ADMIN_CERTIFIES.has(role) || certificates.length !== 2) {
      throw new SignatureError("a professional's chain goes through their structure admin");
    }
    const admin = coffre.verifyStatement(certificates[1], rootSign);
    if (admin.type !== CERTIFICATE_TYPE || admin.role !== "structure_admin") {
      throw new SignatureError("the issuer is not a certified structure admin");
    }
    if (!sameBytes(statementKeys(coffre, admin)[1], leafSigner) || admin.subject !== leaf.issuer) {
      throw new SignatureError("the certificate was not signed by its stated issuer");
    }
    if ((admin.structure ?? null) !== (leaf.structure ?? null)) {
      throw new SignatureError("the issuer administers another structure");
    }
  }
  return leaf;
}

// --- §16 Consent receipts and deposits ------------------------------------------------------------

/**
 * A new identifier: 16 bytes from libsodium's CSPRNG as 32 lowercase hex characters.
 * @param {import("./types/vendor").Sodium} sodium
 * @returns {string}
 */
export function newId(sodium) {
  if (!sodium || typeof sodium.randombytes_buf !== "function") {
    throw new InvalidInputError("newId needs the ready libsodium object");
  }
  return sodium.to_hex(sodium.randombytes_buf(16));
}

/**
 * The consent receipt statement (SPEC §16) for the person to sign with
 * `coffre.signStatement`. Documents are sorted by id; duplicates, empty or oversized
 * lists, a time box that ends before it starts and out-of-range values are refused.
 * @param {Partial<ReceiptFields>} [fields]
 * @returns {Statement}
 */
export function consentReceipt({
  grant,
  person,
  professional,
  structure,
  purpose,
  charterVersion,
  documents,
  notBefore,
  notAfter,
  maxPulls = null,
  request = null,
} = {}) {
  if (!Array.isArray(documents) || documents.length < 1 || documents.length > MAX_DOCUMENTS) {
    throw new InvalidInputError(`documents must list 1 to ${MAX_DOCUMENTS} documents`);
  }
  const shared = documents.map((item) => {
    if (!isObject(item)) throw new InvalidInputError("each document is {id, ciphertextSha256}");
    return {
      id: requireId(item.id, "document id"),
      ciphertext_sha256: requireSha256(item.ciphertextSha256, "ciphertextSha256"),
    };
  });
  // Sorted by UTF-16 code units, as Python sorts these ASCII ids.
  shared.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < shared.length; i++) {
    if (shared[i].id === shared[i - 1].id) throw new InvalidInputError("documents must not repeat a document");
  }
  if (typeof charterVersion !== "number" || !Number.isSafeInteger(charterVersion) || charterVersion < 1) {
    throw new InvalidInputError("charterVersion must be a positive integer");
  }
  if (
    maxPulls !== null &&
    (typeof maxPulls !== "number" || !Number.isInteger(maxPulls) || maxPulls < 1 || maxPulls > MAX_PULLS)
  ) {
    throw new InvalidInputError(`maxPulls must be null or 1 to ${MAX_PULLS}`);
  }
  const start = formatTime(notBefore, "notBefore");
  const end = formatTime(notAfter, "notAfter");
  if (end <= start) throw new InvalidInputError("notAfter must come after notBefore");
  return {
    v: 1,
    type: RECEIPT_TYPE,
    grant: requireId(grant, "grant"),
    person: requireId(person, "person"),
    professional: requireId(professional, "professional"),
    structure: requireId(structure, "structure"),
    purpose: requireCode(purpose, "purpose"),
    charter_version: charterVersion,
    documents: shared,
    not_before: start,
    not_after: end,
    max_pulls: maxPulls,
    request: request === null ? null : requireId(request, "request"),
  };
}

/**
 * The deposit statement (SPEC §16) for the depositing professional to sign.
 * @param {Partial<DepositFields>} [fields]
 * @returns {Statement}
 */
export function depositStatement({ document, person, depositor, structure, category, ciphertextSha256, depositedAt } = {}) {
  return {
    v: 1,
    type: DEPOSIT_TYPE,
    document: requireId(document, "document"),
    person: requireId(person, "person"),
    depositor: requireId(depositor, "depositor"),
    structure: requireId(structure, "structure"),
    category: requireCode(category, "category"),
    ciphertext_sha256: requireSha256(ciphertextSha256, "ciphertextSha256"),
    deposited_at: formatTime(depositedAt, "depositedAt"),
  };
}

/**
 * The deposit statement in `envelope`, if signed by `depositorSignKey` (which the
 * caller verified first with `verifyChain`), addressed to `personId`, and about the
 * ciphertext whose SHA-256 (lowercase hex) the person's client computed on download.
 * `depositorId`, when given, must be the statement's depositor.
 * @param {CoffreCrypto} coffre
 * @param {unknown} envelope
 * @param {{depositorSignKey?: Uint8Array | string, personId?: string, ciphertextSha256?: string, depositorId?: string | null}} [expected]
 * @returns {Statement}
 */
export function verifyDeposit(coffre, envelope, { depositorSignKey, personId, ciphertextSha256, depositorId = null } = {}) {
  const signer = publicKey(coffre, depositorSignKey, "depositor sign key");
  requireId(personId, "personId");
  requireSha256(ciphertextSha256, "ciphertextSha256");
  const statement = coffre.verifyStatement(envelope, signer);
  const names = Object.keys(statement).sort();
  if (names.length !== DEPOSIT_FIELDS.length || names.some((n, i) => n !== DEPOSIT_FIELDS[i])) {
    throw new InvalidInputError(`a deposit statement has exactly: ${DEPOSIT_FIELDS.join(", ")}`);
  }
  if (statement.type !== DEPOSIT_TYPE) throw new InvalidInputError("not a version 1 deposit statement");
  for (const name of ["document", "person", "depositor", "structure"]) requireId(statement[name], name);
  requireCode(statement.category, "category");
  requireSha256(statement.ciphertext_sha256, "ciphertext_sha256");
  requireTime(statement.deposited_at, "deposited_at");
  if (statement.person !== personId) throw new SignatureError("the deposit was made for another person");
  if (statement.ciphertext_sha256 !== ciphertextSha256) {
    throw new SignatureError("the deposit's signature does not cover this ciphertext");
  }
  if (depositorId !== null && statement.depositor !== depositorId) {
    throw new SignatureError("the deposit names another depositor");
  }
  return statement;
}
