// @ts-check
// What every part of Coffre crypto format v1 in the page shares (crypto/SPEC.md): the
// types, the error kinds of SPEC "Conventions", RFC 8785 canonical JSON (§1) and the
// byte helpers that need no libsodium. The parts: crypto-keys.js (§1–§6),
// crypto-accounts.js (the account flows), crypto-documents.js (§7–§9),
// crypto-sharing.js (§10–§12); coffre-crypto.js puts them together (createCoffreCrypto)
// and is what the page imports. Nothing here is a new primitive (SPEC §14.5), nothing is
// logged, and error messages never contain keys, passphrases, plaintext or file names.

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

export const ERROR_CLASSES = {
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
export const SIZE_MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1
/** Every symmetric key, public key and seed of the format (SPEC §2, §5–§12). */
export const KEY_BYTES = 32;
export const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// --- Helpers that need no libsodium ---------------------------------------------------

export const EMPTY = new Uint8Array(0);
const utf8Encoder = new TextEncoder();

/**
 * @param {string} text
 */
export function utf8(text) {
  return utf8Encoder.encode(text);
}

/**
 * @param {string} text
 */
export function isWellFormed(text) {
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
export function concat(...parts) {
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
export function asBytes(value, name) {
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
export function requireBytes(value, name, length) {
  const bytes = asBytes(value, name);
  if (bytes.length !== length) throw new InvalidInputError(`${name} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {number}
 */
export function requireInt(value, name) {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new InvalidInputError(`${name} must be an integer`);
  return value;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
export function isPlainObject(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * @param {object} obj
 * @param {string[]} sortedNames
 */
export function hasExactly(obj, sortedNames) {
  const keys = Object.keys(obj).sort();
  return keys.length === sortedNames.length && keys.every((k, i) => k === sortedNames[i]);
}

/**
 * Base32 (RFC 4648 §6) without padding, most significant bits first: the recovery code
 * (SPEC §4.2) and the v2 key pins (SPEC §25.2).
 * @param {Uint8Array} bytes
 */
export function base32(bytes) {
  let out = "";
  let value = 0;
  let bits = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The `length` bytes of Base32 `text` (characters of BASE32_ALPHABET, checked by the
 * caller), most significant bits first; the caller checks the text was canonical.
 * @param {string} text
 * @param {number} length
 */
export function unbase32(text, length) {
  const out = new Uint8Array(length);
  let value = 0;
  let bits = 0;
  let i = 0;
  for (const c of text) {
    value = ((value << 5) | BASE32_ALPHABET.indexOf(c)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      if (i < length) out[i++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
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
export class ByteQueue {
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
export async function* iterateBytes(source) {
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

/**
 * The small libsodium helpers every part uses.
 * @param {Sodium} sodium
 */
export function sodiumTools(sodium) {
  return {
    /** @param {...unknown} arrays */
    wipe: (...arrays) => {
      for (const a of arrays) if (a instanceof Uint8Array) sodium.memzero(a);
    },
    /** @param {number} n */
    random: (n) => sodium.randombytes_buf(n),
    /** @param {Uint8Array} bytes */
    hex: (bytes) => sodium.to_hex(bytes),
  };
}
