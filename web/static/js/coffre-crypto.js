// @ts-check
// Coffre crypto format v1 for the browser (and Node, for tests): crypto/SPEC.md.
//
// Mirrors the Python package `crypto/` (PyNaCl) function by function, in
// camelCase, on top of libsodium.js (`libsodium-wrappers-sumo`). This module
// does not import libsodium: the caller passes the ready `sodium` object.
//
//     import sodium from "/static/vendor/libsodium-wrappers-sumo-0.8.4.mjs";
//     await sodium.ready;
//     const coffre = createCoffreCrypto(sodium);
//
// Nothing here is a new primitive: each step is one libsodium construction
// (SPEC §14.5). Bytes are Uint8Array. Errors are the classes exported below,
// one per error kind of SPEC "Conventions"; their messages never contain keys,
// passphrases, recovery codes, plaintext or file names. Nothing is logged.

// --- Types (JSDoc, checked by tsc: tsconfig.json) ------------------------------------

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {import("./types/vendor").StateAddress} StateAddress */
/** Bytes as callers hand them in (checked and viewed as Uint8Array by asBytes). @typedef {Uint8Array | ArrayBufferView | ArrayBuffer} BytesLike */
/** What the stream functions read: bytes, a Blob, a ReadableStream or an (async) iterable of bytes. @typedef {BytesLike | Blob | ReadableStream<Uint8Array> | Iterable<BytesLike> | AsyncIterable<BytesLike>} ByteSource */
/** SPEC §3.1. @typedef {{alg: string, salt: Uint8Array, opslimit: number, memlimit: number}} KdfParams */
/** SPEC §3.1, the JSON form (salt in base64url). @typedef {{alg: string, salt: string, opslimit: number, memlimit: number}} KdfParamsJson */
/** @typedef {{authKey: Uint8Array, wrapKey: Uint8Array}} DerivedKeys */
/** SPEC §6. @typedef {{boxPublic: Uint8Array, boxSecret: Uint8Array, signPublic: Uint8Array, signSeed: Uint8Array}} AccountKeys */
/** SPEC §9. @typedef {{name: string, mime: string, size: number, sha256: string}} DocumentMeta */
/** A signed statement (SPEC §11): a JSON object with an integer "v" and a string "type". @typedef {Record<string, any>} Statement */
/** @typedef {{statement: Statement, signer: string, signature: string}} Envelope */
/** `nonce`: test vectors only. @typedef {{nonce?: BytesLike | null}} NonceOption */
/** @typedef {{update(data: BytesLike): Sha256, digest(): Uint8Array, hexdigest(): string}} Sha256 */
/** encryptStream's generator, with the plaintext's `size` and `sha256` once exhausted. @typedef {AsyncGenerator<Uint8Array, void, undefined> & {readonly size: number | null, readonly sha256: string | null}} EncryptingStream */
/**
 * createAccount's result (structured-cloneable).
 * @typedef {object} NewAccount
 * @property {KdfParams} kdfParams
 * @property {Uint8Array} authKey
 * @property {Uint8Array} recoveryAuthKey
 * @property {Uint8Array} wrappedMasterPassphrase
 * @property {Uint8Array} wrappedMasterRecovery
 * @property {Uint8Array} wrappedKeyring
 * @property {AccountKeys} keys
 * @property {Uint8Array} recoverySecret
 */
/** The object createCoffreCrypto returns. @typedef {ReturnType<typeof createCoffreCrypto>} CoffreCrypto */
/** The KDF worker's answer. @typedef {{id: unknown, ok: true, result: unknown} | {id: unknown, ok: false, error: {name: string, message: string}}} WorkerAnswer */

// --- Errors (SPEC "Conventions", §13) -----------------------------------------------

/** Base of every error this module raises on purpose. */
export class CryptoError extends Error {}
/** Authentication failed: wrong key, tampered, truncated, reordered, duplicated or misplaced data. */
export class DecryptionError extends CryptoError {}
/** Unknown magic or version. */
export class UnsupportedVersionError extends CryptoError {}
/** Malformed sizes, encodings, values. */
export class InvalidInputError extends CryptoError {}
/** KDF parameters below the floor of SPEC §3 (a downgrade attempt, or a bug). */
export class WeakParametersError extends CryptoError {}
/** A signature does not verify, or was made by an unexpected key. */
export class SignatureError extends CryptoError {}

const ERROR_CLASSES = {
  CryptoError,
  DecryptionError,
  UnsupportedVersionError,
  InvalidInputError,
  WeakParametersError,
  SignatureError,
};
// Explicit names, so that they survive minification and cross postMessage.
for (const [name, cls] of Object.entries(ERROR_CLASSES)) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/**
 * Rebuild an error sent as {name, message} (e.g. by the KDF worker). Unknown names give CryptoError.
 * @param {any} error an {name, message} object, or anything
 * @returns {CryptoError}
 */
export function errorFromJson(error) {
  const classes = /** @type {Record<string, typeof CryptoError>} */ (ERROR_CLASSES);
  const cls = (error && Object.hasOwn(classes, error.name) && classes[error.name]) || CryptoError;
  return new cls(String((error && error.message) || "crypto error"));
}

// --- Constants ----------------------------------------------------------------------

export const FORMAT_NAME = "Coffre crypto format v1";
export const FORMAT_VERSION = 1;

export const PURPOSES = Object.freeze({
  LOGIN: "coffre/v1/login",
  PASSPHRASE_WRAP: "coffre/v1/passphrase-wrap",
  RECOVERY_LOGIN: "coffre/v1/recovery-login",
  RECOVERY_WRAP: "coffre/v1/recovery-wrap",
  KEYRING: "coffre/v1/keyring",
  CONTENT: "coffre/v1/content",
  METADATA: "coffre/v1/metadata",
});
/** @type {Set<string>} */
const ALL_PURPOSES = new Set(Object.values(PURPOSES));

const AD_MASTER_KEY = Object.freeze({
  passphrase: "coffre/v1/master-key/passphrase",
  recovery: "coffre/v1/master-key/recovery",
});
const AD_KEYRING_PREFIX = "coffre/v1/keyring";
const AD_METADATA = "coffre/v1/metadata";
const STATEMENT_PREFIX = "coffre/v1/statement\n";
const FINGERPRINT_PREFIX = "coffre/v1/fingerprint\n";

export const ALG_ARGON2ID13 = "argon2id13";
export const SALT_BYTES = 16;
export const OPSLIMIT = 3;
export const MEMLIMIT = 64 * 1024 * 1024;
export const OPSLIMIT_MAX = 10;
export const MEMLIMIT_MAX = 256 * 1024 * 1024;

export const RECOVERY_SECRET_BYTES = 16;
export const RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const RECOVERY_CODE_CHARS = 27;
const RECOVERY_IGNORED = new Set([" ", "\t", "\r", "\n", "-"]);
/** @type {Record<string, string>} */
const RECOVERY_FORGIVEN = { 0: "O", 1: "I", 8: "B" };

const KEY_BYTES = 32;
const BLOB_VERSION = 0x01;
const NONCE_BYTES = 24;
const BLOB_OVERHEAD = 41; // version 1 + nonce 24 + tag 16
export const WRAPPED_MASTER_KEY_BYTES = 73;
export const WRAPPED_KEYRING_BYTES = 105;
export const SEALED_KEY_BYTES = 80;
const SIGNATURE_BYTES = 64;

const STREAM_MAGIC = [0x43, 0x46, 0x44, 0x43]; // "CFDC"
const STREAM_VERSION = 0x01;
const PREFIX_BYTES = 9;
export const HEADER_BYTES = 33;
export const CHUNK_OVERHEAD = 17;
export const DEFAULT_CHUNK_SIZE = 65536;
export const CHUNK_SIZE_MIN = 1024;
export const CHUNK_SIZE_MAX = 4 * 1024 * 1024;

const SIZE_MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const METADATA_FIELDS = ["mime", "name", "sha256", "size", "v"];
const ENVELOPE_FIELDS = ["signature", "signer", "statement"];
const SHA256_HEX = /^[0-9a-f]{64}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

// --- Helpers that need no libsodium ---------------------------------------------------

const EMPTY = new Uint8Array(0);
const utf8Encoder = new TextEncoder();

/**
 * @param {string} text
 */
function utf8(text) {
  return utf8Encoder.encode(text);
}

/**
 * @param {string} text
 */
function isWellFormed(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * @param {...Uint8Array} parts
 */
function concat(...parts) {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {Uint8Array}
 */
function asBytes(value, name) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new InvalidInputError(`${name} must be bytes`);
}

/**
 * @param {unknown} value
 * @param {string} name
 * @param {number} length
 */
function requireBytes(value, name, length) {
  const bytes = asBytes(value, name);
  if (bytes.length !== length) throw new InvalidInputError(`${name} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {number}
 */
function requireInt(value, name) {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new InvalidInputError(`${name} must be an integer`);
  return value;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isPlainObject(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * @param {object} obj
 * @param {string[]} sortedNames
 */
function hasExactly(obj, sortedNames) {
  const keys = Object.keys(obj).sort();
  return keys.length === sortedNames.length && keys.every((k, i) => k === sortedNames[i]);
}

/**
 * RFC 8785 (JCS) text of a JSON value: objects (plain, string keys sorted by
 * UTF-16 code units), arrays, strings, finite numbers, booleans, null (SPEC §1).
 * Integers beyond ±(2^53 − 1), NaN, infinities, lone surrogates, undefined and
 * any other type are invalid input.
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJsonText(value) {
  /** @type {string[]} */
  const out = [];
  const ancestors = new Set();
  /** @param {unknown} v */
  const write = (v) => {
    if (v === null) {
      out.push("null");
      return;
    }
    switch (typeof v) {
      case "boolean":
        out.push(v ? "true" : "false");
        return;
      case "number":
        if (!Number.isFinite(v)) throw new InvalidInputError("not canonicalisable as JSON: non-finite number");
        if (Number.isInteger(v) && Math.abs(v) > SIZE_MAX) {
          throw new InvalidInputError("not canonicalisable as JSON: integer beyond 2^53 - 1");
        }
        out.push(JSON.stringify(v)); // ECMAScript Number serialisation; -0 gives "0"
        return;
      case "string":
        if (!isWellFormed(v)) throw new InvalidInputError("not canonicalisable as JSON: lone surrogate");
        out.push(JSON.stringify(v)); // ES2019 JSON.stringify escapes exactly as RFC 8785 §3.2.2.2
        return;
      case "object": {
        const isArray = Array.isArray(v);
        if (!isArray && !isPlainObject(v)) throw new InvalidInputError("not canonicalisable as JSON: unsupported object");
        if (ancestors.has(v)) throw new InvalidInputError("not canonicalisable as JSON: cycle");
        ancestors.add(v);
        if (isArray) {
          out.push("[");
          for (let i = 0; i < v.length; i++) {
            if (i > 0) out.push(",");
            write(v[i]);
          }
          out.push("]");
        } else {
          out.push("{");
          const keys = Object.keys(v).sort(); // default sort: UTF-16 code units
          keys.forEach((key, i) => {
            if (i > 0) out.push(",");
            write(key);
            out.push(":");
            write(v[key]);
          });
          out.push("}");
        }
        ancestors.delete(v);
        return;
      }
      default:
        throw new InvalidInputError(`not canonicalisable as JSON: ${typeof v}`);
    }
  };
  try {
    write(value);
  } catch (err) {
    if (err instanceof CryptoError) throw err;
    throw new InvalidInputError("not canonicalisable as JSON: too deep");
  }
  return out.join("");
}

/**
 * RFC 8785 canonical JSON of `value`, UTF-8 encoded (SPEC §1).
 * @param {unknown} value
 */
export function canonicalJson(value) {
  return utf8(canonicalJsonText(value));
}

/** Plaintext bytes of a stream, re-cut into reads of exact sizes without quadratic copying. */
class ByteQueue {
  constructor() {
    /** @type {Uint8Array[]} */
    this.parts = [];
    this.offset = 0; // into parts[0]
    this.length = 0;
  }

  /**
   * @param {Uint8Array} bytes
   */
  push(bytes) {
    if (bytes.length > 0) {
      this.parts.push(bytes);
      this.length += bytes.length;
    }
  }

  /**
   * Exactly n bytes (n <= length); a view when one part holds them, else a copy.
   * @param {number} n
   * @returns {Uint8Array}
   */
  take(n) {
    if (n === 0) return EMPTY;
    const head = this.parts[0];
    if (head.length - this.offset >= n) {
      const out = head.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === head.length) {
        this.parts.shift();
        this.offset = 0;
      }
      this.length -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const part = this.parts[0];
      const k = Math.min(part.length - this.offset, n - filled);
      out.set(part.subarray(this.offset, this.offset + k), filled);
      filled += k;
      this.offset += k;
      if (this.offset === part.length) {
        this.parts.shift();
        this.offset = 0;
      }
    }
    this.length -= n;
    return out;
  }

  /** Copy what is left, so the caller may reuse the buffers it pushed. */
  detach() {
    if (this.length > 0) {
      const rest = this.take(this.length);
      this.parts = [rest.slice()];
      this.offset = 0;
      this.length = rest.length;
    }
  }

  clear() {
    this.parts = [];
    this.offset = 0;
    this.length = 0;
  }
}

/**
 * Async iteration over a Uint8Array, ArrayBuffer, Blob, ReadableStream, or (async) iterable of bytes.
 * @param {ByteSource} source
 * @returns {AsyncGenerator<Uint8Array, void, undefined>}
 */
async function* iterateBytes(source) {
  if (source instanceof Uint8Array || ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
    yield asBytes(source, "source");
    return;
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) source = source.stream();
  if (source && typeof (/** @type {any} */ (source).getReader) === "function") {
    const reader = /** @type {ReadableStream<Uint8Array>} */ (source).getReader();
    let done = false;
    try {
      while (!done) {
        const next = await reader.read();
        done = next.done;
        if (!done) yield asBytes(next.value, "stream piece");
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    return;
  }
  if (source && typeof source !== "string" && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    for await (const piece of source) yield asBytes(piece, "stream piece");
    return;
  }
  throw new InvalidInputError("source must be bytes, a Blob, a ReadableStream or an iterable of bytes");
}

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
  const B64 = sodium.base64_variants.URLSAFE_NO_PADDING;
  const TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  const TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

  /** @param {...unknown} arrays */
  const wipe = (...arrays) => {
    for (const a of arrays) if (a instanceof Uint8Array) sodium.memzero(a);
  };
  /** @param {number} n */
  const random = (n) => sodium.randombytes_buf(n);
  /** @param {Uint8Array} bytes */
  const hex = (bytes) => sodium.to_hex(bytes);

  // §1 -------------------------------------------------------------------------

  /**
   * base64url without padding (SPEC §1).
   * @param {BytesLike} data
   */
  function b64encode(data) {
    return sodium.to_base64(asBytes(data, "b64encode input"), B64);
  }

  /**
   * Strict base64url without padding: refuses padding, other characters, impossible lengths, non-canonical text (SPEC §1).
   * @param {string} text
   * @returns {Uint8Array}
   */
  function b64decode(text) {
    if (typeof text !== "string") throw new InvalidInputError("b64decode takes a string");
    if (!B64URL.test(text)) throw new InvalidInputError("invalid base64url: unexpected character or padding");
    if (text.length % 4 === 1) throw new InvalidInputError("invalid base64url: impossible length");
    let data;
    try {
      data = sodium.from_base64(text, B64);
    } catch {
      throw new InvalidInputError("invalid base64url");
    }
    if (sodium.to_base64(data, B64) !== text) throw new InvalidInputError("invalid base64url: non-canonical encoding");
    return data;
  }

  // §2 -------------------------------------------------------------------------

  /**
   * BLAKE2b-256(key = parent, message = purpose), only for the purposes of SPEC §2.
   * @param {BytesLike} parent
   * @param {string} purpose
   * @returns {Uint8Array}
   */
  function subkey(parent, purpose) {
    const key = asBytes(parent, "parent key");
    if (key.length < 16 || key.length > 64) {
      throw new InvalidInputError(`parent key must be 16..64 bytes, got ${key.length}`);
    }
    if (!ALL_PURPOSES.has(purpose)) throw new InvalidInputError("unknown subkey purpose");
    return sodium.crypto_generichash(32, utf8(purpose), key);
  }

  // §3 -------------------------------------------------------------------------

  /**
   * Fresh parameters for a new passphrase: random 16-byte salt, floor costs.
   * @returns {KdfParams}
   */
  function newKdfParams() {
    return { alg: ALG_ARGON2ID13, salt: random(SALT_BYTES), opslimit: OPSLIMIT, memlimit: MEMLIMIT };
  }

  /**
   * JSON form {alg, salt (base64url), opslimit, memlimit} (SPEC §3.1).
   * @param {KdfParams} params
   * @returns {KdfParamsJson}
   */
  function kdfParamsToJson(params) {
    return {
      alg: params.alg,
      salt: b64encode(params.salt),
      opslimit: params.opslimit,
      memlimit: params.memlimit,
    };
  }

  /**
   * Parse the JSON form; does not check the floor (checkKdfParams does, before deriving).
   * @param {unknown} obj
   * @returns {KdfParams}
   */
  function kdfParamsFromJson(obj) {
    if (!isPlainObject(obj) || !hasExactly(obj, ["alg", "memlimit", "opslimit", "salt"])) {
      throw new InvalidInputError("KDF params must have exactly alg, salt, opslimit, memlimit");
    }
    if (typeof obj.alg !== "string" || typeof obj.salt !== "string") {
      throw new InvalidInputError("KDF params alg and salt must be strings");
    }
    return {
      alg: obj.alg,
      salt: b64decode(obj.salt),
      opslimit: requireInt(obj.opslimit, "opslimit"),
      memlimit: requireInt(obj.memlimit, "memlimit"),
    };
  }

  /**
   * SPEC §3.1: InvalidInputError (salt, types, above the ceiling), WeakParametersError (alg, below the floor).
   * @param {KdfParams} params
   */
  function checkKdfParams(params) {
    if (params === null || typeof params !== "object") throw new InvalidInputError("params must be KDF parameters");
    requireBytes(params.salt, "salt", SALT_BYTES);
    const opslimit = requireInt(params.opslimit, "opslimit");
    const memlimit = requireInt(params.memlimit, "memlimit");
    if (params.alg !== ALG_ARGON2ID13) throw new WeakParametersError("KDF algorithm must be argon2id13");
    if (opslimit < OPSLIMIT || memlimit < MEMLIMIT) {
      throw new WeakParametersError("KDF parameters are below the floor (opslimit 3, 64 MiB)");
    }
    if (opslimit > OPSLIMIT_MAX || memlimit > MEMLIMIT_MAX) {
      throw new InvalidInputError("KDF parameters are above the ceiling (opslimit 10, 256 MiB)");
    }
  }

  /**
   * UTF-8 of NFC(passphrase); the empty passphrase and lone surrogates are invalid input (SPEC §3.2).
   * @param {string} passphrase
   */
  function encodePassphrase(passphrase) {
    if (typeof passphrase !== "string") throw new InvalidInputError("passphrase must be a string");
    if (passphrase === "") throw new InvalidInputError("passphrase must not be empty");
    if (!isWellFormed(passphrase)) throw new InvalidInputError("passphrase is not valid Unicode text");
    return utf8(passphrase.normalize("NFC"));
  }

  /**
   * Argon2id13 root of a passphrase, after checking the parameters (SPEC §3.2).
   * @param {string} passphrase
   * @param {KdfParams} params
   */
  function passphraseRoot(passphrase, params) {
    checkKdfParams(params);
    const p = encodePassphrase(passphrase);
    try {
      return sodium.crypto_pwhash(
        32,
        p,
        asBytes(params.salt, "salt"),
        params.opslimit,
        params.memlimit,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
      );
    } finally {
      wipe(p);
    }
  }

  /**
   * {authKey, wrapKey} of a passphrase (SPEC §3.2). Runs Argon2id: call it in a Web Worker.
   * @param {string} passphrase
   * @param {KdfParams} params
   * @returns {DerivedKeys}
   */
  function derivePassphraseKeys(passphrase, params) {
    const root = passphraseRoot(passphrase, params);
    try {
      return { authKey: subkey(root, PURPOSES.LOGIN), wrapKey: subkey(root, PURPOSES.PASSPHRASE_WRAP) };
    } finally {
      wipe(root);
    }
  }

  // §4 -------------------------------------------------------------------------

  /**
   * @param {Uint8Array} bytes
   */
  function base32(bytes) {
    let out = "";
    let value = 0;
    let bits = 0;
    for (const b of bytes) {
      value = ((value << 8) | b) & 0xfff;
      bits += 8;
      while (bits >= 5) {
        out += RECOVERY_ALPHABET[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) out += RECOVERY_ALPHABET[(value << (5 - bits)) & 31];
    return out;
  }

  /**
   * @param {string} text
   * @param {number} length
   */
  function unbase32(text, length) {
    const out = new Uint8Array(length);
    let value = 0;
    let bits = 0;
    let i = 0;
    for (const c of text) {
      value = ((value << 5) | RECOVERY_ALPHABET.indexOf(c)) & 0xfff;
      bits += 5;
      if (bits >= 8) {
        if (i < length) out[i++] = (value >>> (bits - 8)) & 0xff;
        bits -= 8;
      }
    }
    return out;
  }

  /**
   * @param {Uint8Array} secret
   */
  function checkChar(secret) {
    return RECOVERY_ALPHABET[sodium.crypto_generichash(32, secret, null)[0] % 32];
  }

  /** 16 random bytes (SPEC §4.1). */
  function newRecoverySecret() {
    return random(RECOVERY_SECRET_BYTES);
  }

  /**
   * {authKey, wrapKey} of the recovery secret (SPEC §4.1).
   * @param {BytesLike} secret
   * @returns {DerivedKeys}
   */
  function deriveRecoveryKeys(secret) {
    const key = requireBytes(secret, "recovery secret", RECOVERY_SECRET_BYTES);
    return { authKey: subkey(key, PURPOSES.RECOVERY_LOGIN), wrapKey: subkey(key, PURPOSES.RECOVERY_WRAP) };
  }

  /**
   * Printed code: 26 Base32 characters + check character, groups of 4 joined by "-" (SPEC §4.2).
   * @param {BytesLike} secret
   * @returns {string}
   */
  function formatRecoveryCode(secret) {
    const key = requireBytes(secret, "recovery secret", RECOVERY_SECRET_BYTES);
    const code = base32(key) + checkChar(key);
    return /** @type {RegExpMatchArray} */ (code.match(/.{1,4}/g)).join("-");
  }

  /**
   * The secret of a typed code; forgives case, spaces, dashes, 0/1/8 for O/I/B (SPEC §4.3).
   * @param {string} text
   * @returns {Uint8Array}
   */
  function parseRecoveryCode(text) {
    if (typeof text !== "string") throw new InvalidInputError("recovery code must be a string");
    let cleaned = "";
    for (const c of text) if (!RECOVERY_IGNORED.has(c)) cleaned += c;
    // ASCII-only upper-casing (SPEC §18.6, as crypto/recovery.py): toUpperCase() would
    // read "ı" as "I" and "ß" as "SS", codes Python refuses.
    // eslint-disable-next-line no-control-regex -- every character outside ASCII
    if (/[^\u0000-\u007f]/.test(cleaned)) throw new InvalidInputError("recovery code contains a character outside A-Z, 2-7");
    cleaned = Array.from(cleaned.toUpperCase(), (c) => RECOVERY_FORGIVEN[c] ?? c).join("");
    if (cleaned.length !== RECOVERY_CODE_CHARS) {
      throw new InvalidInputError(`recovery code must have ${RECOVERY_CODE_CHARS} characters`);
    }
    for (const c of cleaned) {
      if (!RECOVERY_ALPHABET.includes(c)) throw new InvalidInputError("recovery code contains a character outside A-Z, 2-7");
    }
    const body = cleaned.slice(0, 26);
    const secret = unbase32(body, RECOVERY_SECRET_BYTES);
    if (base32(secret) !== body) throw new InvalidInputError("recovery code is not canonical");
    if (checkChar(secret) !== cleaned[26]) throw new InvalidInputError("recovery code check character does not match");
    return secret;
  }

  // §5.1 -----------------------------------------------------------------------

  /**
   * @param {BytesLike} key
   * @param {BytesLike} plaintext
   * @param {Uint8Array} ad
   * @param {NonceOption} [options]
   */
  function sealBlob(key, plaintext, ad, { nonce = null } = {}) {
    const k = requireBytes(key, "key", KEY_BYTES);
    const n = nonce == null ? random(NONCE_BYTES) : requireBytes(nonce, "nonce", NONCE_BYTES);
    const body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(asBytes(plaintext, "plaintext"), ad, null, n, k);
    return concat(Uint8Array.of(BLOB_VERSION), n, body);
  }

  /**
   * @param {BytesLike} key
   * @param {BytesLike} blob
   * @param {Uint8Array} ad
   * @param {number | null} [plaintextBytes]
   * @returns {Uint8Array}
   */
  function openBlob(key, blob, ad, plaintextBytes = null) {
    const k = requireBytes(key, "key", KEY_BYTES);
    const data = asBytes(blob, "blob");
    if (data.length < BLOB_OVERHEAD) throw new InvalidInputError("blob is too short");
    if (data[0] !== BLOB_VERSION) throw new UnsupportedVersionError(`unsupported blob version ${data[0]}`);
    if (plaintextBytes !== null && data.length !== BLOB_OVERHEAD + plaintextBytes) {
      throw new InvalidInputError(`blob must be ${BLOB_OVERHEAD + plaintextBytes} bytes`);
    }
    try {
      return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        data.subarray(1 + NONCE_BYTES),
        ad,
        data.subarray(1, 1 + NONCE_BYTES),
        k,
      );
    } catch {
      throw new DecryptionError("blob does not authenticate: wrong key or tampered");
    }
  }

  // §5 -------------------------------------------------------------------------

  /**
   * @param {string} which
   */
  function masterKeyAd(which) {
    if (which !== "passphrase" && which !== "recovery") {
      throw new InvalidInputError('which must be "passphrase" or "recovery"');
    }
    return utf8(AD_MASTER_KEY[which]);
  }

  /** 32 random bytes (SPEC §5). */
  function newMasterKey() {
    return random(KEY_BYTES);
  }

  /**
   * 73-byte blob (SPEC §5). `which`: "passphrase" | "recovery". `nonce`: test vectors only.
   * @param {BytesLike} masterKey
   * @param {BytesLike} wrapKey
   * @param {"passphrase" | "recovery"} which
   * @param {NonceOption} [options]
   */
  function wrapMasterKey(masterKey, wrapKey, which, { nonce = null } = {}) {
    const ad = masterKeyAd(which);
    const key = requireBytes(masterKey, "master key", KEY_BYTES);
    return sealBlob(wrapKey, key, ad, { nonce });
  }

  /**
   * Inverse of wrapMasterKey; DecryptionError on a wrong key, tampering or the other wrapper.
   * @param {BytesLike} blob
   * @param {BytesLike} wrapKey
   * @param {"passphrase" | "recovery"} which
   */
  function unwrapMasterKey(blob, wrapKey, which) {
    return openBlob(wrapKey, blob, masterKeyAd(which), KEY_BYTES);
  }

  // §6 -------------------------------------------------------------------------

  /**
   * {boxPublic, boxSecret, signPublic, signSeed} from the two 32-byte secrets (SPEC §6).
   * @param {BytesLike} boxSecret
   * @param {BytesLike} signSeed
   * @returns {AccountKeys}
   */
  function accountKeysFromSecrets(boxSecret, signSeed) {
    const boxSk = requireBytes(boxSecret, "box secret", KEY_BYTES);
    const seed = requireBytes(signSeed, "sign seed", KEY_BYTES);
    const pair = sodium.crypto_sign_seed_keypair(seed);
    wipe(pair.privateKey);
    return {
      boxPublic: sodium.crypto_scalarmult_base(boxSk),
      boxSecret: boxSk,
      signPublic: pair.publicKey,
      signSeed: seed,
    };
  }

  /** Two independent fresh key pairs: crypto_box_keypair, and Ed25519 from a random seed (SPEC §6). */
  function generateAccountKeys() {
    const box = sodium.crypto_box_keypair();
    return accountKeysFromSecrets(box.privateKey, random(KEY_BYTES));
  }

  /**
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function keyringAd(boxPublic, signPublic) {
    return concat(
      utf8(AD_KEYRING_PREFIX),
      requireBytes(boxPublic, "box public key", KEY_BYTES),
      requireBytes(signPublic, "sign public key", KEY_BYTES),
    );
  }

  /**
   * 105-byte blob of boxSecret || signSeed under subkey(master, "coffre/v1/keyring") (SPEC §6).
   * @param {AccountKeys} keys
   * @param {BytesLike} masterKey
   * @param {NonceOption} [options]
   */
  function wrapKeyring(keys, masterKey, { nonce = null } = {}) {
    const master = requireBytes(masterKey, "master key", KEY_BYTES);
    const plaintext = concat(
      requireBytes(keys.boxSecret, "box secret", KEY_BYTES),
      requireBytes(keys.signSeed, "sign seed", KEY_BYTES),
    );
    const ad = keyringAd(keys.boxPublic, keys.signPublic);
    const key = subkey(master, PURPOSES.KEYRING);
    try {
      return sealBlob(key, plaintext, ad, { nonce });
    } finally {
      wipe(key, plaintext);
    }
  }

  /**
   * Inverse of wrapKeyring; DecryptionError also when the secrets do not match the public keys (SPEC §6).
   * @param {BytesLike} blob
   * @param {BytesLike} masterKey
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   * @returns {AccountKeys}
   */
  function unwrapKeyring(blob, masterKey, boxPublic, signPublic) {
    const master = requireBytes(masterKey, "master key", KEY_BYTES);
    const ad = keyringAd(boxPublic, signPublic);
    const key = subkey(master, PURPOSES.KEYRING);
    let plaintext;
    try {
      plaintext = openBlob(key, blob, ad, 64);
    } finally {
      wipe(key);
    }
    const keys = accountKeysFromSecrets(plaintext.slice(0, 32), plaintext.slice(32));
    wipe(plaintext);
    const matchesBox = sodium.memcmp(keys.boxPublic, asBytes(boxPublic, "box public key"));
    const matchesSign = sodium.memcmp(keys.signPublic, asBytes(signPublic, "sign public key"));
    if (!(matchesBox && matchesSign)) {
      wipe(keys.boxSecret, keys.signSeed);
      throw new DecryptionError("keyring secrets do not match the account's public keys");
    }
    return keys;
  }

  // Account flows (SPEC §3–§6, as crypto/account.py) -------------------------------

  /**
   * Fresh salt, master key, key pairs and recovery secret, all wrapped. Runs Argon2id.
   * Returns plain data (structured-cloneable): {kdfParams, authKey, recoveryAuthKey,
   * wrappedMasterPassphrase, wrappedMasterRecovery, wrappedKeyring, keys, recoverySecret}.
   * @param {string} passphrase
   */
  function createAccount(passphrase) {
    const kdfParams = newKdfParams();
    const passphraseKeys = derivePassphraseKeys(passphrase, kdfParams);
    const recoverySecret = newRecoverySecret();
    const recoveryKeys = deriveRecoveryKeys(recoverySecret);
    const masterKey = newMasterKey();
    const keys = generateAccountKeys();
    try {
      return {
        kdfParams,
        authKey: passphraseKeys.authKey,
        recoveryAuthKey: recoveryKeys.authKey,
        wrappedMasterPassphrase: wrapMasterKey(masterKey, passphraseKeys.wrapKey, "passphrase"),
        wrappedMasterRecovery: wrapMasterKey(masterKey, recoveryKeys.wrapKey, "recovery"),
        wrappedKeyring: wrapKeyring(keys, masterKey),
        keys,
        recoverySecret,
      };
    } finally {
      wipe(masterKey, passphraseKeys.wrapKey, recoveryKeys.wrapKey);
    }
  }

  /**
   * JSON body of POST /api/v1/accounts for a createAccount() result, bytes as base64url.
   * @param {string} login
   * @param {NewAccount} account
   */
  function signupBody(login, account) {
    return {
      login,
      kdf: kdfParamsToJson(account.kdfParams),
      auth_key: b64encode(account.authKey),
      recovery_auth_key: b64encode(account.recoveryAuthKey),
      wrapped_master_passphrase: b64encode(account.wrappedMasterPassphrase),
      wrapped_master_recovery: b64encode(account.wrappedMasterRecovery),
      wrapped_keyring: b64encode(account.wrappedKeyring),
      box_public_key: b64encode(account.keys.boxPublic),
      sign_public_key: b64encode(account.keys.signPublic),
    };
  }

  /**
   * The master key from the passphrase. Refuses weak params before Argon2id; wrong passphrase: DecryptionError.
   * @param {string} passphrase
   * @param {KdfParams} params
   * @param {BytesLike} wrappedMasterPassphrase
   */
  function openMasterKey(passphrase, params, wrappedMasterPassphrase) {
    const { authKey, wrapKey } = derivePassphraseKeys(passphrase, params);
    try {
      return unwrapMasterKey(wrappedMasterPassphrase, wrapKey, "passphrase");
    } finally {
      wipe(authKey, wrapKey);
    }
  }

  /**
   * The account's key pairs from the passphrase (SPEC §3, §5, §6). Runs Argon2id.
   * @param {string} passphrase
   * @param {KdfParams} params
   * @param {BytesLike} wrappedMasterPassphrase
   * @param {BytesLike} wrappedKeyring
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function openAccount(passphrase, params, wrappedMasterPassphrase, wrappedKeyring, boxPublic, signPublic) {
    const masterKey = openMasterKey(passphrase, params, wrappedMasterPassphrase);
    try {
      return unwrapKeyring(wrappedKeyring, masterKey, boxPublic, signPublic);
    } finally {
      wipe(masterKey);
    }
  }

  /**
   * {masterKey, keys} from a wrap key already derived (derivePassphraseKeys, e.g. in
   * the worker before login): no Argon2id here, so it may run on the main thread.
   * @param {BytesLike} wrapKey
   * @param {BytesLike} wrappedMasterPassphrase
   * @param {BytesLike} wrappedKeyring
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function openAccountWithWrapKey(wrapKey, wrappedMasterPassphrase, wrappedKeyring, boxPublic, signPublic) {
    const masterKey = unwrapMasterKey(wrappedMasterPassphrase, wrapKey, "passphrase");
    return { masterKey, keys: unwrapKeyring(wrappedKeyring, masterKey, boxPublic, signPublic) };
  }

  /**
   * {masterKey, keys} from the recovery secret (SPEC §4, §5, §6); masterKey lets the caller set a new passphrase.
   * @param {BytesLike} secret
   * @param {BytesLike} wrappedMasterRecovery
   * @param {BytesLike} wrappedKeyring
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function openAccountWithRecovery(secret, wrappedMasterRecovery, wrappedKeyring, boxPublic, signPublic) {
    const { authKey, wrapKey } = deriveRecoveryKeys(secret);
    wipe(authKey);
    let masterKey;
    try {
      masterKey = unwrapMasterKey(wrappedMasterRecovery, wrapKey, "recovery");
    } finally {
      wipe(wrapKey);
    }
    return { masterKey, keys: unwrapKeyring(wrappedKeyring, masterKey, boxPublic, signPublic) };
  }

  /**
   * {kdfParams, authKey, wrappedMasterPassphrase} for a new passphrase; fresh salt (SPEC §3, §5). Runs Argon2id.
   * @param {BytesLike} masterKey
   * @param {string} newPassphrase
   */
  function rewrapForNewPassphrase(masterKey, newPassphrase) {
    const master = requireBytes(masterKey, "master key", KEY_BYTES);
    const kdfParams = newKdfParams();
    const keys = derivePassphraseKeys(newPassphrase, kdfParams);
    try {
      return {
        kdfParams,
        authKey: keys.authKey,
        wrappedMasterPassphrase: wrapMasterKey(master, keys.wrapKey, "passphrase"),
      };
    } finally {
      wipe(keys.wrapKey);
    }
  }

  // §7 -------------------------------------------------------------------------

  /** 32 random bytes, one per document (SPEC §7). */
  function newDocumentKey() {
    return random(KEY_BYTES);
  }

  /**
   * subkey(docKey, "coffre/v1/content"): the secretstream key (SPEC §7, §8).
   * @param {BytesLike} docKey
   */
  function contentKey(docKey) {
    return subkey(requireBytes(docKey, "document key", KEY_BYTES), PURPOSES.CONTENT);
  }

  /**
   * subkey(docKey, "coffre/v1/metadata"): the metadata AEAD key (SPEC §7, §9).
   * @param {BytesLike} docKey
   */
  function metadataKey(docKey) {
    return subkey(requireBytes(docKey, "document key", KEY_BYTES), PURPOSES.METADATA);
  }

  // SHA-256 (for DocumentMetadata.sha256) ------------------------------------------

  /**
   * Incremental SHA-256 (libsodium crypto_hash_sha256_*): {update(bytes), digest() → Uint8Array, hexdigest()}.
   * @returns {Sha256}
   */
  function createSha256() {
    /** @type {StateAddress | null} */
    let state = sodium.crypto_hash_sha256_init();
    const finish = () => {
      if (state === null) throw new InvalidInputError("SHA-256 already finished");
      const digest = sodium.crypto_hash_sha256_final(state);
      state = null;
      return digest;
    };
    return {
      update(data) {
        if (state === null) throw new InvalidInputError("SHA-256 already finished");
        const bytes = asBytes(data, "data");
        if (bytes.length > 0) sodium.crypto_hash_sha256_update(state, bytes);
        return this;
      },
      digest: finish,
      hexdigest: () => hex(finish()),
    };
  }

  /**
   * Lowercase hex SHA-256 of bytes.
   * @param {BytesLike} data
   */
  function sha256Hex(data) {
    return hex(sodium.crypto_hash_sha256(asBytes(data, "data")));
  }

  // §8 -------------------------------------------------------------------------

  /**
   * @param {number} chunkSize
   */
  function checkChunkSize(chunkSize) {
    const size = requireInt(chunkSize, "chunkSize");
    if (size < CHUNK_SIZE_MIN || size > CHUNK_SIZE_MAX) {
      throw new InvalidInputError(`chunkSize must be ${CHUNK_SIZE_MIN}..${CHUNK_SIZE_MAX}`);
    }
    return size;
  }

  /**
   * @param {number} chunkSize
   */
  function streamPrefix(chunkSize) {
    const prefix = new Uint8Array(PREFIX_BYTES);
    prefix.set(STREAM_MAGIC, 0);
    prefix[4] = STREAM_VERSION;
    new DataView(prefix.buffer).setUint32(5, chunkSize, false);
    return prefix;
  }

  /**
   * Exact stream length: 33 + p + 17 × (floor(p / chunkSize) + 1) (SPEC §8.1).
   * @param {number} plaintextSize
   * @param {number} [chunkSize]
   */
  function ciphertextSize(plaintextSize, chunkSize = DEFAULT_CHUNK_SIZE) {
    const size = requireInt(plaintextSize, "plaintextSize");
    if (size < 0) throw new InvalidInputError("plaintextSize must not be negative");
    const chunks = Math.floor(size / checkChunkSize(chunkSize)) + 1;
    return HEADER_BYTES + size + CHUNK_OVERHEAD * chunks;
  }

  /**
   * Incremental encryptor (SPEC §8). `header` (33 bytes) comes first; then
   * `push(data, isLast = false)` takes plaintext pieces of any sizes and returns
   * the ciphertext chunks now complete (Uint8Array[]); the call with isLast = true
   * returns the final chunk too. `size` and `sha256` (hex) describe the plaintext
   * once finished (for DocumentMetadata). Pushed buffers may be reused after push returns.
   * @param {BytesLike} docKey
   * @param {number} [chunkSize]
   */
  function createStreamEncryptor(docKey, chunkSize = DEFAULT_CHUNK_SIZE) {
    const key = contentKey(docKey);
    const size = checkChunkSize(chunkSize);
    const prefix = streamPrefix(size);
    let state;
    let header;
    try {
      ({ state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key));
    } finally {
      wipe(key);
    }
    const queue = new ByteQueue();
    const hash = createSha256();
    let plaintextSize = 0;
    /** @type {string | null} */
    let sha256 = null;
    let finished = false;
    return {
      header: concat(prefix, header),
      chunkSize: size,
      get finished() {
        return finished;
      },
      /** Plaintext bytes pushed so far. */
      get size() {
        return plaintextSize;
      },
      /** Hex SHA-256 of the plaintext, once finished; null before. */
      get sha256() {
        return sha256;
      },
      /**
       * @param {BytesLike} data
       * @param {boolean} [isLast]
       * @returns {Uint8Array[]}
       */
      push(data, isLast = false) {
        if (finished) throw new InvalidInputError("the stream is already finished");
        const bytes = asBytes(data, "data");
        hash.update(bytes);
        plaintextSize += bytes.length;
        queue.push(bytes);
        const out = [];
        // A full chunk is never final: a plaintext that is a multiple of
        // chunkSize (including empty) ends with an empty final chunk.
        while (queue.length >= size) {
          out.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, queue.take(size), prefix, TAG_MESSAGE));
        }
        if (isLast) {
          out.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, queue.take(queue.length), prefix, TAG_FINAL));
          finished = true;
          sha256 = hash.hexdigest();
        } else {
          queue.detach();
        }
        return out;
      },
      /** Same as push(empty, true): the final chunk(s). */
      finish() {
        return this.push(EMPTY, true);
      },
    };
  }

  /**
   * Async generator: the header, then the ciphertext chunks of `source` (bytes, Blob,
   * ReadableStream, or (async) iterable of Uint8Array of any sizes). Arguments are
   * checked now; the source is read lazily. The returned generator also has `size`
   * and `sha256` (hex) getters, set once it is exhausted.
   * @param {BytesLike} docKey
   * @param {ByteSource} source
   * @param {number} [chunkSize]
   * @returns {EncryptingStream}
   */
  function encryptStream(docKey, source, chunkSize = DEFAULT_CHUNK_SIZE) {
    const encryptor = createStreamEncryptor(docKey, chunkSize);
    async function* run() {
      yield encryptor.header;
      for await (const piece of iterateBytes(source)) yield* encryptor.push(piece);
      yield* encryptor.finish();
    }
    const generator = /** @type {EncryptingStream} */ (run());
    Object.defineProperties(generator, {
      size: { get: () => (encryptor.finished ? encryptor.size : null) },
      sha256: { get: () => encryptor.sha256 },
    });
    return generator;
  }

  /**
   * {blob, size, sha256}: the whole stream of `source` as a Blob (type application/octet-stream).
   * @param {BytesLike} docKey
   * @param {ByteSource} source
   * @param {number} [chunkSize]
   */
  async function encryptToBlob(docKey, source, chunkSize = DEFAULT_CHUNK_SIZE) {
    const stream = encryptStream(docKey, source, chunkSize);
    const parts = [];
    for await (const chunk of stream) parts.push(chunk);
    return { blob: new Blob(/** @type {BlobPart[]} */ (parts), { type: "application/octet-stream" }), size: stream.size, sha256: stream.sha256 };
  }

  /**
   * The whole stream of an in-memory plaintext (SPEC §8).
   * @param {BytesLike} docKey
   * @param {BytesLike} data
   * @param {number} [chunkSize]
   */
  function encryptBytes(docKey, data, chunkSize = DEFAULT_CHUNK_SIZE) {
    const bytes = asBytes(data, "data");
    const encryptor = createStreamEncryptor(docKey, chunkSize);
    return concat(encryptor.header, ...encryptor.push(bytes, true));
  }

  /**
   * Incremental decryptor (SPEC §8.2), low level. `push(bytes)` takes ciphertext of
   * any cut and returns the plaintext pieces decrypted so far: UNVERIFIED until
   * `finish()` returns (the end of the data; it returns the last piece, maybe empty).
   * On any error the caller MUST discard every piece it got. Prefer decryptToChunks /
   * decryptToBlob / decryptBytes, which release nothing before the final tag.
   * @param {BytesLike} docKey
   */
  function createStreamDecryptor(docKey) {
    /** @type {Uint8Array | null} */
    let key = contentKey(docKey);
    const queue = new ByteQueue();
    /** @type {StateAddress | null} */
    let state = null;
    /** @type {Uint8Array | null} */
    let prefix = null;
    let full = 0;
    /** @type {Error | null} */
    let failed = null;
    let finished = false;

    /** @type {(error: Error) => never} */
    const fail = (error) => {
      failed = error;
      queue.clear();
      wipe(key);
      throw error;
    };

    const readHeader = () => {
      const header = queue.take(HEADER_BYTES);
      for (let i = 0; i < 4; i++) {
        if (header[i] !== STREAM_MAGIC[i]) fail(new UnsupportedVersionError("not a Coffre content stream (bad magic)"));
      }
      if (header[4] !== STREAM_VERSION) fail(new UnsupportedVersionError(`unsupported content stream version ${header[4]}`));
      const chunkSize = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(5, false);
      if (chunkSize < CHUNK_SIZE_MIN || chunkSize > CHUNK_SIZE_MAX) {
        fail(new InvalidInputError(`chunkSize must be ${CHUNK_SIZE_MIN}..${CHUNK_SIZE_MAX}`));
      }
      prefix = header.slice(0, PREFIX_BYTES);
      full = chunkSize + CHUNK_OVERHEAD;
      try {
        state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header.slice(PREFIX_BYTES), /** @type {Uint8Array} */ (key));
      } catch {
        fail(new DecryptionError("stream header is invalid"));
      } finally {
        wipe(key);
        key = null;
      }
    };

    /**
     * @param {Uint8Array} chunk
     * @param {boolean} isFull
     * @returns {Uint8Array}
     */
    const pull = (chunk, isFull) => {
      if (chunk.length < CHUNK_OVERHEAD) fail(new DecryptionError("stream is truncated: no final chunk"));
      /** @type {{message: Uint8Array, tag: number} | false} */
      let result;
      try {
        // Called once the header is read: state is set.
        result = sodium.crypto_secretstream_xchacha20poly1305_pull(/** @type {StateAddress} */ (state), chunk, prefix);
      } catch {
        result = false;
      }
      if (!result) fail(new DecryptionError("chunk does not authenticate: wrong key or tampered"));
      if (isFull && result.tag !== TAG_MESSAGE) fail(new DecryptionError("full-size chunk must carry TAG_MESSAGE"));
      if (!isFull && result.tag !== TAG_FINAL) fail(new DecryptionError("stream is truncated: last chunk is not final"));
      return result.message;
    };

    const guard = () => {
      if (failed) throw failed;
      if (finished) throw new InvalidInputError("the stream is already finished");
    };

    return {
      /**
       * @param {BytesLike} data
       * @returns {Uint8Array[]}
       */
      push(data) {
        guard();
        queue.push(asBytes(data, "data"));
        const out = [];
        if (state === null && queue.length >= HEADER_BYTES) readHeader();
        if (state !== null) {
          while (queue.length >= full) out.push(pull(queue.take(full), true));
        }
        queue.detach();
        return out;
      },
      finish() {
        guard();
        if (state === null) fail(new DecryptionError("stream is truncated: incomplete header"));
        const last = pull(queue.take(queue.length), false); // fewer than `full` bytes remain
        finished = true;
        return last;
      },
      get finished() {
        return finished;
      },
    };
  }

  /**
   * Async generator of plaintext pieces (SPEC §8.2), mirroring Python decrypt_stream:
   * UNVERIFIED until the generator ends without error. Prefer decryptToChunks.
   * @param {BytesLike} docKey
   * @param {ByteSource} source
   * @returns {AsyncGenerator<Uint8Array, void, undefined>}
   */
  async function* decryptStream(docKey, source) {
    const decryptor = createStreamDecryptor(docKey);
    for await (const piece of iterateBytes(source)) yield* decryptor.push(piece);
    const last = decryptor.finish();
    if (last.length > 0) yield last;
  }

  /**
   * {chunks, size, sha256}: the plaintext of `source` (e.g. `(await fetch(url)).body`),
   * buffered and released only after the final tag has been verified (SPEC §8.2).
   * The caller SHOULD compare size and sha256 with the document's metadata (SPEC §9).
   * @param {BytesLike} docKey
   * @param {ByteSource} source
   * @returns {Promise<{chunks: Uint8Array[], size: number, sha256: string}>}
   */
  async function decryptToChunks(docKey, source) {
    const chunks = [];
    const hash = createSha256();
    let size = 0;
    try {
      for await (const piece of decryptStream(docKey, source)) {
        chunks.push(piece);
        hash.update(piece);
        size += piece.length;
      }
    } catch (error) {
      for (const c of chunks) wipe(c);
      chunks.length = 0;
      throw error;
    }
    return { chunks, size, sha256: hash.hexdigest() };
  }

  /**
   * {blob, size, sha256}: like decryptToChunks, as a Blob of the given media type.
   * @param {BytesLike} docKey
   * @param {ByteSource} source
   * @param {string} [type]
   */
  async function decryptToBlob(docKey, source, type = "application/octet-stream") {
    const { chunks, size, sha256 } = await decryptToChunks(docKey, source);
    return { blob: new Blob(/** @type {BlobPart[]} */ (chunks), { type }), size, sha256 };
  }

  /**
   * The whole plaintext of an in-memory stream, or an error and nothing (SPEC §8).
   * @param {BytesLike} docKey
   * @param {BytesLike} data
   */
  function decryptBytes(docKey, data) {
    const bytes = asBytes(data, "data");
    const decryptor = createStreamDecryptor(docKey);
    const pieces = decryptor.push(bytes);
    pieces.push(decryptor.finish());
    return concat(...pieces);
  }

  // §9 -------------------------------------------------------------------------

  /**
   * Check and copy {name, mime, size, sha256} (SPEC §9).
   * @param {Record<string, unknown>} meta
   * @returns {DocumentMeta}
   */
  function documentMetadata({ name, mime, size, sha256 }) {
    if (typeof name !== "string" || typeof mime !== "string") {
      throw new InvalidInputError("metadata name and mime must be strings");
    }
    if (typeof size !== "number" || !Number.isInteger(size)) throw new InvalidInputError("metadata size must be an integer");
    if (size < 0 || size > SIZE_MAX) throw new InvalidInputError("metadata size is out of range");
    if (typeof sha256 !== "string" || !SHA256_HEX.test(sha256)) {
      throw new InvalidInputError("metadata sha256 must be 64 lowercase hex digits");
    }
    return { name, mime, size, sha256 };
  }

  /**
   * RFC 8785 canonical JSON of {"v": 1, name, mime, size, sha256} (SPEC §9).
   * @param {DocumentMeta} meta
   */
  function metadataPlaintext(meta) {
    const m = documentMetadata(meta);
    return canonicalJson({ v: 1, name: m.name, mime: m.mime, size: m.size, sha256: m.sha256 });
  }

  /**
   * §5.1 blob of the metadata under metadataKey(docKey), ad "coffre/v1/metadata". `nonce`: vectors only.
   * @param {BytesLike} docKey
   * @param {DocumentMeta} meta
   * @param {NonceOption} [options]
   */
  function encryptMetadata(docKey, meta, { nonce = null } = {}) {
    const plaintext = metadataPlaintext(meta);
    const key = metadataKey(docKey);
    try {
      return sealBlob(key, plaintext, utf8(AD_METADATA), { nonce });
    } finally {
      wipe(key);
    }
  }

  /**
   * Inverse of encryptMetadata: {name, mime, size, sha256} (SPEC §9).
   * @param {BytesLike} docKey
   * @param {BytesLike} blob
   * @returns {DocumentMeta}
   */
  function decryptMetadata(docKey, blob) {
    const key = metadataKey(docKey);
    let plaintext;
    try {
      plaintext = openBlob(key, blob, utf8(AD_METADATA));
    } finally {
      wipe(key);
    }
    let obj;
    try {
      obj = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(plaintext));
    } catch {
      throw new InvalidInputError("metadata plaintext is not JSON");
    }
    if (!isPlainObject(obj) || !hasExactly(obj, METADATA_FIELDS)) {
      throw new InvalidInputError("metadata must have exactly v, name, mime, size, sha256");
    }
    if (obj.v !== 1) throw new UnsupportedVersionError("unsupported metadata version");
    const meta = documentMetadata(obj);
    const canonical = metadataPlaintext(meta);
    if (canonical.length !== plaintext.length || !canonical.every((b, i) => b === plaintext[i])) {
      throw new InvalidInputError("metadata plaintext is not canonical JSON");
    }
    return meta;
  }

  // §10 ------------------------------------------------------------------------

  /**
   * crypto_box_seal(docKey, recipientBoxPublic): 80 bytes (SPEC §10).
   * @param {BytesLike} docKey
   * @param {BytesLike} recipientBoxPublic
   */
  function sealDocumentKey(docKey, recipientBoxPublic) {
    const key = requireBytes(docKey, "document key", KEY_BYTES);
    const pub = requireBytes(recipientBoxPublic, "recipient box public key", KEY_BYTES);
    return sodium.crypto_box_seal(key, pub);
  }

  /**
   * crypto_box_seal_open; InvalidInputError unless 80 bytes, DecryptionError if it does not open (SPEC §10).
   * @param {BytesLike} sealed
   * @param {BytesLike} boxPublic
   * @param {BytesLike} boxSecret
   * @returns {Uint8Array}
   */
  function openSealedKey(sealed, boxPublic, boxSecret) {
    const data = requireBytes(sealed, "sealed key", SEALED_KEY_BYTES);
    const pub = requireBytes(boxPublic, "box public key", KEY_BYTES);
    const secret = requireBytes(boxSecret, "box secret key", KEY_BYTES);
    let key;
    try {
      key = sodium.crypto_box_seal_open(data, pub, secret);
    } catch {
      throw new DecryptionError("sealed key does not open: wrong key or tampered");
    }
    if (key.length !== KEY_BYTES) throw new DecryptionError("sealed key has the wrong length");
    return key;
  }

  // §11 ------------------------------------------------------------------------

  /**
   * @param {unknown} statement
   * @returns {Statement}
   */
  function checkStatement(statement) {
    if (!isPlainObject(statement)) throw new InvalidInputError("statement must be a JSON object");
    const version = statement.v;
    if (typeof version !== "number" || !Number.isInteger(version)) {
      throw new InvalidInputError('statement must contain an integer "v"');
    }
    if (version !== 1) throw new UnsupportedVersionError(`unsupported statement version ${version}`);
    if (typeof statement.type !== "string" || statement.type === "") {
      throw new InvalidInputError('statement must contain a non-empty string "type"');
    }
    return statement;
  }

  /**
   * "coffre/v1/statement\n" || RFC8785(statement): the signed bytes (SPEC §11).
   * @param {unknown} statement
   */
  function signedMessage(statement) {
    return concat(utf8(STATEMENT_PREFIX), canonicalJson(checkStatement(statement)));
  }

  /**
   * {statement, signer, signature} with base64url signer key and Ed25519 signature (SPEC §11).
   * @param {Statement} statement
   * @param {BytesLike} signSeed
   * @returns {Envelope}
   */
  function signStatement(statement, signSeed) {
    const seed = requireBytes(signSeed, "sign seed", KEY_BYTES);
    const message = signedMessage(statement);
    const pair = sodium.crypto_sign_seed_keypair(seed);
    try {
      const signature = sodium.crypto_sign_detached(message, pair.privateKey);
      return { statement, signer: b64encode(pair.publicKey), signature: b64encode(signature) };
    } finally {
      wipe(pair.privateKey);
    }
  }

  /**
   * The statement, if the envelope's signature verifies (SPEC §11). SignatureError:
   * bad signature, or `expectedSigner` given and different. InvalidInputError: malformed.
   * Without expectedSigner this only proves that *someone* holding `signer` signed it.
   * @param {unknown} envelope
   * @param {BytesLike | null} [expectedSigner]
   * @returns {Statement}
   */
  function verifyStatement(envelope, expectedSigner = null) {
    if (!isPlainObject(envelope) || !hasExactly(envelope, ENVELOPE_FIELDS)) {
      throw new InvalidInputError("envelope must have exactly statement, signer, signature");
    }
    if (typeof envelope.signer !== "string" || typeof envelope.signature !== "string") {
      throw new InvalidInputError("envelope signer and signature must be strings");
    }
    const signer = requireBytes(b64decode(envelope.signer), "signer", KEY_BYTES);
    const signature = requireBytes(b64decode(envelope.signature), "signature", SIGNATURE_BYTES);
    const message = signedMessage(envelope.statement);
    if (expectedSigner !== null && expectedSigner !== undefined) {
      const expected = requireBytes(expectedSigner, "expected signer", KEY_BYTES);
      if (!sodium.memcmp(expected, signer)) throw new SignatureError("statement was signed by an unexpected key");
    }
    let valid;
    try {
      valid = sodium.crypto_sign_verify_detached(signature, message, signer);
    } catch {
      valid = false;
    }
    if (!valid) throw new SignatureError("statement signature does not verify");
    return checkStatement(envelope.statement);
  }

  // §12 ------------------------------------------------------------------------

  /**
   * 24 decimal digits in 6 groups of 4 (SPEC §12).
   * @param {BytesLike} publicKey
   * @returns {string}
   */
  function fingerprint(publicKey) {
    const key = requireBytes(publicKey, "public key", KEY_BYTES);
    const digest = sodium.crypto_generichash(32, concat(utf8(FINGERPRINT_PREFIX), key), null);
    let n = 0n;
    for (const b of digest.subarray(0, 10)) n = (n << 8n) | BigInt(b);
    const digits = (n % 10n ** 24n).toString().padStart(24, "0");
    return /** @type {RegExpMatchArray} */ (digits.match(/.{4}/g)).join(" ");
  }

  return Object.freeze({
    FORMAT_NAME,
    FORMAT_VERSION,
    DEFAULT_CHUNK_SIZE,
    ...ERROR_CLASSES,
    // §1
    b64encode,
    b64decode,
    canonicalJson,
    canonicalJsonText,
    // §2
    subkey,
    // §3
    newKdfParams,
    kdfParamsToJson,
    kdfParamsFromJson,
    checkKdfParams,
    encodePassphrase,
    passphraseRoot,
    derivePassphraseKeys,
    // §4
    newRecoverySecret,
    deriveRecoveryKeys,
    formatRecoveryCode,
    parseRecoveryCode,
    // §5, §6
    newMasterKey,
    wrapMasterKey,
    unwrapMasterKey,
    accountKeysFromSecrets,
    generateAccountKeys,
    wrapKeyring,
    unwrapKeyring,
    // accounts
    createAccount,
    signupBody,
    openMasterKey,
    openAccount,
    openAccountWithWrapKey,
    openAccountWithRecovery,
    rewrapForNewPassphrase,
    // §7
    newDocumentKey,
    contentKey,
    metadataKey,
    // SHA-256
    createSha256,
    sha256Hex,
    // §8
    ciphertextSize,
    createStreamEncryptor,
    encryptStream,
    encryptToBlob,
    encryptBytes,
    createStreamDecryptor,
    decryptStream,
    decryptToChunks,
    decryptToBlob,
    decryptBytes,
    // §9
    documentMetadata,
    metadataPlaintext,
    encryptMetadata,
    decryptMetadata,
    // §10
    sealDocumentKey,
    openSealedKey,
    // §11
    signedMessage,
    signStatement,
    verifyStatement,
    // §12
    fingerprint,
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
