// @ts-check
// Coffre crypto format v1 for the browser (and Node, for tests): crypto/SPEC.md.
//
// Mirrors the Python package `crypto/` (PyNaCl) function by function, in
// camelCase, on top of libsodium.js (`libsodium-wrappers-sumo`). This module
// does not import libsodium: the caller passes the ready `sodium` object. It
// puts together the parts, one per group of SPEC sections: crypto-base.js (types,
// errors, canonical JSON), crypto-keys.js (§1–§6), crypto-accounts.js (the account
// flows), crypto-documents.js (§7–§9) and crypto-sharing.js (§10–§12); and it answers
// the KDF worker.
//
//     import sodium from "/static/vendor/libsodium-wrappers-sumo-0.8.4.mjs";
//     await sodium.ready;
//     const coffre = createCoffreCrypto(sodium);
//
// Nothing here is a new primitive: each step is one libsodium construction
// (SPEC §14.5). Bytes are Uint8Array. Errors are the classes exported below,
// one per error kind of SPEC "Conventions"; their messages never contain keys,
// passphrases, recovery codes, plaintext or file names. Nothing is logged.
import { CryptoError, ERROR_CLASSES, FORMAT_NAME, FORMAT_VERSION, InvalidInputError, canonicalJson, canonicalJsonText } from "./crypto-base.js";
import { createKeyCrypto } from "./crypto-keys.js";
import { createAccountCrypto } from "./crypto-accounts.js";
import { createDocumentCrypto, DEFAULT_CHUNK_SIZE } from "./crypto-documents.js";
import { createSharingCrypto } from "./crypto-sharing.js";

// What the page imports from here (importers do not know the parts).
export {
  CryptoError,
  DecryptionError,
  UnsupportedVersionError,
  InvalidInputError,
  WeakParametersError,
  SignatureError,
  errorFromJson,
  FORMAT_NAME,
  FORMAT_VERSION,
  canonicalJson,
  canonicalJsonText,
} from "./crypto-base.js";
export {
  PURPOSES,
  ALG_ARGON2ID13,
  SALT_BYTES,
  OPSLIMIT,
  MEMLIMIT,
  OPSLIMIT_MAX,
  MEMLIMIT_MAX,
  RECOVERY_SECRET_BYTES,
  RECOVERY_ALPHABET,
  WRAPPED_MASTER_KEY_BYTES,
  WRAPPED_KEYRING_BYTES,
} from "./crypto-keys.js";
export { HEADER_BYTES, CHUNK_OVERHEAD, DEFAULT_CHUNK_SIZE, CHUNK_SIZE_MIN, CHUNK_SIZE_MAX } from "./crypto-documents.js";
export { SEALED_KEY_BYTES } from "./crypto-sharing.js";

// --- Types (JSDoc, checked by tsc: tsconfig.json; defined in crypto-base.js, those the
// page names through this module) ------------------------------------------------------

/** @typedef {import("./crypto-base.js").Sodium} Sodium */
/** @typedef {import("./crypto-base.js").AccountKeys} AccountKeys */
/** @typedef {import("./crypto-base.js").DocumentMeta} DocumentMeta */
/** @typedef {import("./crypto-base.js").Statement} Statement */
/** The object createCoffreCrypto returns. @typedef {ReturnType<typeof createCoffreCrypto>} CoffreCrypto */
/** The KDF worker's answer. @typedef {{id: unknown, ok: true, result: unknown} | {id: unknown, ok: false, error: {name: string, message: string}}} WorkerAnswer */

// --- The API over libsodium -------------------------------------------------------------

/** @type {(keyof Sodium)[]} */
const REQUIRED_SODIUM = [
  "crypto_pwhash",
  "crypto_pwhash_ALG_ARGON2ID13",
  "crypto_generichash",
  "crypto_aead_xchacha20poly1305_ietf_encrypt",
  "crypto_secretstream_xchacha20poly1305_init_push",
  "crypto_box_seal",
  "crypto_sign_seed_keypair",
  "crypto_hash_sha256_init",
  "to_base64",
];

/**
 * The Coffre crypto API bound to a ready libsodium.js object (sumo build, after `await sodium.ready`).
 * @param {Sodium} sodium
 */
export function createCoffreCrypto(sodium) {
  for (const name of REQUIRED_SODIUM) {
    if (!sodium || sodium[name] === undefined) {
      throw new TypeError(`createCoffreCrypto needs libsodium-wrappers-sumo after "await sodium.ready" (missing ${name})`);
    }
  }
  const keys = createKeyCrypto(sodium);
  return Object.freeze({
    FORMAT_NAME,
    FORMAT_VERSION,
    DEFAULT_CHUNK_SIZE,
    ...ERROR_CLASSES,
    canonicalJson, // §1 (b64encode, b64decode: crypto-keys.js)
    canonicalJsonText,
    ...keys, // §1–§6
    ...createAccountCrypto(sodium, keys), // the account flows (§3–§6)
    ...createDocumentCrypto(sodium, keys), // §7–§9
    ...createSharingCrypto(sodium, keys), // §10–§12
  });
}

// --- KDF worker protocol -------------------------------------------------------------

/** Operations the KDF worker runs (those that run Argon2id). */
export const WORKER_OPS = Object.freeze([
  "derivePassphraseKeys",
  "createAccount",
  "openAccount",
  "openMasterKey",
  "rewrapForNewPassphrase",
]);

/**
 * Answer one worker request {id, op, args} with {id, ok: true, result} or
 * {id, ok: false, error: {name, message}}; never throws. `coffre` is a
 * createCoffreCrypto() object or a promise of one.
 * @param {CoffreCrypto | Promise<CoffreCrypto>} coffre
 * @param {any} request a message from the page: checked here
 * @returns {Promise<WorkerAnswer>}
 */
export async function handleWorkerRequest(coffre, request) {
  const id = request && typeof request === "object" ? request.id : undefined;
  try {
    if (!request || typeof request !== "object" || !WORKER_OPS.includes(request.op)) {
      throw new InvalidInputError("unknown worker operation");
    }
    const args = Array.isArray(request.args) ? request.args : [];
    const api = /** @type {Record<string, (...args: unknown[]) => unknown>} */ (/** @type {unknown} */ (await coffre));
    return { id, ok: true, result: api[request.op](...args) };
  } catch (error) {
    const known = error instanceof CryptoError;
    return {
      id,
      ok: false,
      error: { name: known ? error.name : "CryptoError", message: known ? error.message : "internal error in the crypto worker" },
    };
  }
}
