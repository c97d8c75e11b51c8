// @ts-check
// Liaison notes of a relay, "fiches de liaison" (crypto/SPEC.md §29), for the page:
// the person's (person-relays.js) and the professional's (pro-relays.js). Mirrors
// crypto/relay_note.py byte for byte; tests/web/test_js_relay_note.py runs every vector
// of crypto/vectors/relay_note.json through this module under Node.
//
//     const notes = createRelayNote(sodium);       // after `await sodium.ready` (sumo)
//     const key = notes.newNoteKey();
//     const envelope = notes.sealNote({ text, relayId, which: "note", authorId, authorSignSeed, noteKey: key });
//     const sealed = notes.sealNoteKey(key, readerBoxPublic);        // one per reader
//     const text = notes.readNote({ envelope, relayId, which: "note", authorId,
//                                   authorSignPublic, sealedKey, boxPublic, boxSecret });
//
// Nothing here is a new primitive (SPEC §29): the §5.1 blob (XChaCha20-Poly1305-IETF),
// sodium_pad, SHA-256, Ed25519 detached signatures (libsodium's strict verification,
// §18.8) and the §10 sealed box. The author's signature is checked before any key is
// used. Errors are coffre-crypto.js's: SignatureError, DecryptionError,
// UnsupportedVersionError, InvalidInputError; their messages never hold a key or text.
import { DecryptionError, InvalidInputError, SignatureError, UnsupportedVersionError, canonicalJson, createCoffreCrypto } from "./coffre-crypto.js";
import { isWellFormed, parseStrictJson, readObject } from "./coffre-json.js";
import { asBytes, concat, requireBytes } from "./coffre-bytes-v2.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {Uint8Array | ArrayBufferView | ArrayBuffer} BytesLike */
/** "note": the orienting professional's; "return": the taker's answer. @typedef {"note" | "return"} Which */
/**
 * Who wrote a note, and where it belongs: what the reader expects (from the relay it asked for).
 * @typedef {object} NotePlace
 * @property {string} relayId 32 lowercase hex
 * @property {Which} which
 * @property {string} authorId 32 lowercase hex
 */
/**
 * The writer's inputs.
 * @typedef {NotePlace & {text: string, authorSignSeed: BytesLike, noteKey: BytesLike, nonce?: BytesLike | null}} NoteToSeal
 */
/**
 * A reader's inputs, with the note key already opened.
 * @typedef {NotePlace & {envelope: BytesLike, authorSignPublic: BytesLike, noteKey: BytesLike}} NoteToOpen
 */
/**
 * A reader's inputs (SPEC §29.4 in full): the sealed key and the reader's box key pair.
 * @typedef {NotePlace & {envelope: BytesLike, authorSignPublic: BytesLike, sealedKey: BytesLike,
 *   boxPublic: BytesLike, boxSecret: BytesLike}} NoteToRead
 */
/**
 * The module's functions (see createRelayNote).
 * @typedef {object} RelayNote
 * @property {() => Uint8Array} newNoteKey
 * @property {(text: unknown) => string} readNoteText
 * @property {(relayId: string, which: string, authorId: string) => Uint8Array} noteContext
 * @property {(text: string) => Uint8Array} notePlaintext
 * @property {(note: NoteToSeal) => Uint8Array} sealNote
 * @property {(note: NotePlace & {envelope: BytesLike, authorSignPublic: BytesLike}) => void} verifyNote
 * @property {(note: NoteToOpen) => string} openNote
 * @property {(note: NoteToRead) => string} readNote
 * @property {(noteKey: BytesLike, readerBoxPublic: BytesLike) => Uint8Array} sealNoteKey
 * @property {(sealed: BytesLike, boxPublic: BytesLike, boxSecret: BytesLike) => Uint8Array} openNoteKey
 */

export const NOTE_VERSION = 1; // the envelope's first byte and the JSON's "v"
export const NOTE_KEY_BYTES = 32;
export const SEALED_NOTE_KEY_BYTES = 80;
export const TEXT_MAX_CHARS = 2000; // Unicode scalar values, not UTF-16 units
export const BUCKETS = Object.freeze([256, 512, 1024, 2048, 4096, 8192]);
const BLOB_OVERHEAD = 41; // version 1 + nonce 24 + tag 16 (§5.1)
const SIGNATURE_BYTES = 64;
const NONCE_BYTES = 24;
export const ENVELOPE_SIZES = Object.freeze(BUCKETS.map((b) => BLOB_OVERHEAD + b + SIGNATURE_BYTES));
export const WHICH = Object.freeze(["note", "return"]);
const CONTEXT_PREFIX = "coffre/relay-note/v1\n";
const ID = /^[0-9a-f]{32}$/;
const MEMBERS = ["v", "text"];
// Any Unicode scalar value but C0 controls other than line feed, and DEL (SPEC §29.2).
const forbidden = (/** @type {string} */ text) => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return true;
  }
  return false;
};
const utf8 = (/** @type {string} */ text) => new TextEncoder().encode(text);

/**
 * The note's text (SPEC §29.2): at most 2000 Unicode scalar values, no lone surrogate,
 * no C0 control but line feed, no DEL; it may be empty.
 * @param {unknown} text
 * @returns {string}
 */
export function readNoteText(text) {
  if (typeof text !== "string") throw new InvalidInputError("note text must be a string");
  if (!isWellFormed(text)) throw new InvalidInputError("note text holds a lone surrogate");
  if (Array.from(text).length > TEXT_MAX_CHARS) throw new InvalidInputError(`note text must be at most ${TEXT_MAX_CHARS} characters`);
  if (forbidden(text)) throw new InvalidInputError("note text must not contain control characters");
  return text;
}

/**
 * The smallest bucket holding `size` bytes and the 0x80 marker (SPEC §29.2).
 * @param {number} size
 */
export function noteBucket(size) {
  for (const bucket of BUCKETS) if (size + 1 <= bucket) return bucket;
  throw new InvalidInputError("note is too long for the largest bucket (8192 bytes)");
}

/**
 * The associated data and signed prefix (SPEC §29.3): "coffre/relay-note/v1\n" ||
 * relay_id || "\n" || which || "\n" || author_id.
 * @param {string} relayId
 * @param {string} which
 * @param {string} authorId
 */
export function noteContext(relayId, which, authorId) {
  if (typeof relayId !== "string" || !ID.test(relayId)) throw new InvalidInputError("relay id must be 32 lowercase hex characters");
  if (typeof authorId !== "string" || !ID.test(authorId)) throw new InvalidInputError("author id must be 32 lowercase hex characters");
  if (!WHICH.includes(which)) throw new InvalidInputError('which must be "note" or "return"');
  return utf8(`${CONTEXT_PREFIX}${relayId}\n${which}\n${authorId}`);
}

/**
 * RFC 8785 of {"text": text, "v": 1} (SPEC §29.2).
 * @param {string} text
 */
export function notePlaintext(text) {
  return canonicalJson({ v: NOTE_VERSION, text: readNoteText(text) });
}

/**
 * The notes of relays, bound to a ready libsodium.js object (sumo build).
 * @param {Sodium} sodium
 * @returns {RelayNote}
 */
export function createRelayNote(sodium) {
  const C = createCoffreCrypto(sodium);

  /**
   * context || "\n" || SHA-256(nonce || ciphertext) (SPEC §29.3).
   * @param {Uint8Array} context
   * @param {Uint8Array} blob
   */
  const signedMessage = (context, blob) => concat(context, utf8("\n"), sodium.crypto_hash_sha256(blob.subarray(1)));

  /**
   * Steps 1 of SPEC §29.4: the blob and the signature, or an error.
   * @param {BytesLike} envelope
   */
  function split(envelope) {
    const data = asBytes(envelope, "note envelope");
    if (data.length < BLOB_OVERHEAD + SIGNATURE_BYTES) throw new InvalidInputError("note envelope is too short");
    if (data[0] !== NOTE_VERSION) throw new UnsupportedVersionError(`unsupported note version ${data[0]}`);
    if (!ENVELOPE_SIZES.includes(data.length)) throw new InvalidInputError("note envelope is not of a bucket size");
    return { blob: data.subarray(0, data.length - SIGNATURE_BYTES), signature: data.subarray(data.length - SIGNATURE_BYTES) };
  }

  /** @type {RelayNote["newNoteKey"]} */
  const newNoteKey = () => sodium.randombytes_buf(NOTE_KEY_BYTES);

  /** @type {RelayNote["sealNote"]} */
  function sealNote({ text, relayId, which, authorId, authorSignSeed, noteKey, nonce = null }) {
    const key = requireBytes(noteKey, "note key", NOTE_KEY_BYTES);
    const seed = requireBytes(authorSignSeed, "author sign seed", 32);
    const context = noteContext(relayId, which, authorId);
    const plaintext = notePlaintext(text);
    const padded = sodium.pad(plaintext, noteBucket(plaintext.length));
    const n = nonce == null ? sodium.randombytes_buf(NONCE_BYTES) : requireBytes(nonce, "nonce", NONCE_BYTES);
    const blob = concat(Uint8Array.of(NOTE_VERSION), n, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, context, null, n, key));
    const pair = sodium.crypto_sign_seed_keypair(seed);
    try {
      return concat(blob, sodium.crypto_sign_detached(signedMessage(context, blob), pair.privateKey));
    } finally {
      sodium.memzero(pair.privateKey);
    }
  }

  /** @type {RelayNote["verifyNote"]} */
  function verifyNote({ envelope, relayId, which, authorId, authorSignPublic }) {
    const publicKey = requireBytes(authorSignPublic, "author sign public key", 32);
    const context = noteContext(relayId, which, authorId);
    const { blob, signature } = split(envelope);
    let valid;
    try {
      valid = sodium.crypto_sign_verify_detached(signature, signedMessage(context, blob), publicKey);
    } catch {
      valid = false;
    }
    if (!valid) throw new SignatureError("note signature does not verify under the author's key");
  }

  /**
   * Steps 4–6 of SPEC §29.4, the signature already verified.
   * @param {Uint8Array} blob
   * @param {Uint8Array} context
   * @param {Uint8Array} key
   */
  function decrypt(blob, context, key) {
    let padded;
    try {
      padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, blob.subarray(1 + NONCE_BYTES), context, blob.subarray(1, 1 + NONCE_BYTES), key);
    } catch {
      throw new DecryptionError("note does not authenticate: wrong key, or another relay, kind or author");
    }
    let json;
    try {
      json = sodium.unpad(padded, padded.length);
    } catch {
      throw new InvalidInputError("note padding is not 0x80 followed by zeros");
    }
    if (noteBucket(json.length) !== padded.length) throw new InvalidInputError("note is padded beyond its smallest bucket");
    const obj = readObject(parseStrictJson(json), MEMBERS, "", NOTE_VERSION);
    const text = readNoteText(obj.text);
    const canonical = notePlaintext(text);
    if (canonical.length !== json.length || !sodium.memcmp(canonical, json)) {
      throw new InvalidInputError("note plaintext is not canonical JSON");
    }
    return text;
  }

  /** @type {RelayNote["openNote"]} */
  function openNote({ envelope, relayId, which, authorId, authorSignPublic, noteKey }) {
    verifyNote({ envelope, relayId, which, authorId, authorSignPublic });
    const key = requireBytes(noteKey, "note key", NOTE_KEY_BYTES);
    return decrypt(split(envelope).blob, noteContext(relayId, which, authorId), key);
  }

  /** @type {RelayNote["sealNoteKey"]} */
  function sealNoteKey(noteKey, readerBoxPublic) {
    return C.sealDocumentKey(requireBytes(noteKey, "note key", NOTE_KEY_BYTES), readerBoxPublic);
  }

  /** @type {RelayNote["openNoteKey"]} */
  function openNoteKey(sealed, boxPublic, boxSecret) {
    return C.openSealedKey(asBytes(sealed, "sealed note key"), boxPublic, boxSecret);
  }

  /** @type {RelayNote["readNote"]} */
  function readNote({ envelope, relayId, which, authorId, authorSignPublic, sealedKey, boxPublic, boxSecret }) {
    verifyNote({ envelope, relayId, which, authorId, authorSignPublic });
    const key = openNoteKey(sealedKey, boxPublic, boxSecret);
    try {
      return decrypt(split(envelope).blob, noteContext(relayId, which, authorId), key);
    } finally {
      sodium.memzero(key);
    }
  }

  return Object.freeze({
    newNoteKey,
    readNoteText,
    noteContext,
    notePlaintext,
    sealNote,
    verifyNote,
    openNote,
    readNote,
    sealNoteKey,
    openNoteKey,
  });
}
