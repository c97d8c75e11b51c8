// @ts-check
// The audit log checked in the page (auditlog/SPEC.md), as auditlog/ checks it in Python:
// RFC 9162 §2.1 Merkle hashes and the step-by-step verification of inclusion (§2.1.3.2)
// and consistency (§2.1.4.2) proofs, Coffre's leaf of an event (SPEC §1), C2SP signed
// notes with Ed25519 keys (Go sumdb/note key strings), checkpoints, and C2SP
// tlog-cosignature v1 (type 0x04: verify, and sign for the officer's console). Checked
// against auditlog/vectors/*.json by web/tests-js/tlog.test.mjs.
//
// Sizes and indexes are Numbers (exact up to 2^53 - 1, far beyond any Coffre log); the
// proofs' shifts are divisions, not 32-bit bitwise operators.
import { canonicalJsonText, concat, utf8 } from "./crypto-base.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {{name: string, keyId: number, publicKey: Uint8Array}} NoteKey a note or cosigner key */
/** @typedef {{origin: string, size: number, root: Uint8Array, extensions: string[]}} Checkpoint */
/** @typedef {{name: string, keyId: number, time: number, signature: Uint8Array}} Cosignature */

export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;
export const LEAF_DATA_PREFIX = "coffre/audit/v1\u0000";
export const COSIGNER_SEED_LABEL = "coffre/audit/cosigner/v1";
const SIG_PREFIX = "\u2014 ";
const HEX8 = /^[0-9a-f]{8}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** A proof, note, checkpoint or cosignature that does not verify; `code` as auditlog/SPEC.md §7. */
export class TlogError extends Error {
  /**
   * @param {string} message
   * @param {string} code
   */
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** @param {string} text */
function b64decode(text) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new TlogError("invalid base64", "note_invalid");
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** @param {Uint8Array} bytes */
export function b64encode(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function equal(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** @param {Uint8Array} bytes */
function uint32(bytes) {
  return ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
}

/** @param {string} name */
function validName(name) {
  return typeof name === "string" && name !== "" && !name.includes("+") && !/\s/u.test(name) && !hasControl(name, false);
}

/**
 * True when `text` holds an ASCII control character (newline allowed when `newline`).
 * @param {string} text @param {boolean} newline
 */
function hasControl(text, newline) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(newline && c === 0x0a)) return true;
  }
  return false;
}

/** @param {number} x */
const odd = (x) => x % 2 === 1;
/** @param {number} x */
const half = (x) => Math.floor(x / 2);
/** @param {number} x */
function powerOfTwo(x) {
  let y = x;
  while (y > 1 && y % 2 === 0) y /= 2;
  return y === 1;
}

/**
 * The log's checks bound to a ready libsodium.js.
 * @param {Sodium} sodium
 */
export function createTlog(sodium) {
  const sha256 = (/** @type {Uint8Array} */ data) => sodium.crypto_hash_sha256(data);

  /** SHA-256(0x00 || data) — RFC 9162 §2.1.1. @param {Uint8Array} data */
  const leafHash = (data) => sha256(concat(new Uint8Array([0]), data));
  /** SHA-256(0x01 || left || right). @param {Uint8Array} left @param {Uint8Array} right */
  const nodeHash = (left, right) => sha256(concat(new Uint8Array([1]), left, right));

  /** @param {Uint8Array[]} hashes @param {string} what */
  function checkHashes(hashes, what) {
    for (const h of hashes) {
      if (!(h instanceof Uint8Array) || h.length !== 32) throw new TlogError(`${what}: every hash must be 32 bytes`, "proof_invalid");
    }
  }

  /**
   * RFC 9162 §2.1.3.2, step by step; throws TlogError (proof_invalid) unless `leaf` is
   * the leaf at `index` of the tree of `size` leaves whose root is `root`.
   * @param {Uint8Array} leaf @param {number} index @param {number} size @param {Uint8Array[]} proof @param {Uint8Array} root
   */
  function verifyInclusion(leaf, index, size, proof, root) {
    checkHashes([leaf, root, ...proof], "inclusion");
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
      throw new TlogError("inclusion: index outside the tree", "proof_invalid");
    }
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new TlogError("inclusion: proof too long", "proof_invalid");
      if (odd(fn) || fn === sn) {
        r = nodeHash(p, r);
        if (!odd(fn)) {
          while (!odd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) throw new TlogError("inclusion: proof too short", "proof_invalid");
    if (!equal(r, root)) throw new TlogError("inclusion: root mismatch", "proof_invalid");
  }

  /**
   * RFC 9162 §2.1.4.2, step by step (edge cases as auditlog.merkle settles them);
   * throws TlogError (proof_invalid) unless the tree of `newSize` extends `oldSize`'s.
   * @param {number} oldSize @param {number} newSize @param {Uint8Array} oldRoot @param {Uint8Array} newRoot @param {Uint8Array[]} proof
   */
  function verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof) {
    checkHashes([oldRoot, newRoot, ...proof], "consistency");
    if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || newSize < oldSize) {
      throw new TlogError("consistency: the new tree is smaller than the old one", "proof_invalid");
    }
    if (oldSize === newSize) {
      if (proof.length) throw new TlogError("consistency: same size needs an empty proof", "proof_invalid");
      if (!equal(oldRoot, newRoot)) throw new TlogError("consistency: same size, different roots", "proof_invalid");
      return;
    }
    if (oldSize === 0) {
      if (proof.length) throw new TlogError("consistency: from the empty tree needs an empty proof", "proof_invalid");
      return;
    }
    if (!proof.length) throw new TlogError("consistency: empty proof", "proof_invalid");
    const path = [...proof];
    if (powerOfTwo(oldSize)) path.unshift(oldRoot);
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (odd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) throw new TlogError("consistency: proof too long", "proof_invalid");
      if (odd(fn) || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if (!odd(fn)) {
          while (!odd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) throw new TlogError("consistency: proof too short", "proof_invalid");
    if (!equal(fr, oldRoot)) throw new TlogError("consistency: old root mismatch", "proof_invalid");
    if (!equal(sr, newRoot)) throw new TlogError("consistency: new root mismatch", "proof_invalid");
  }

  /**
   * The leaf hash of an event and its salt (auditlog/SPEC.md §1):
   * SHA-256(0x00 || "coffre/audit/v1" 0x00 || SHA-256(salt || JCS(event))).
   * @param {unknown} event @param {Uint8Array} salt
   */
  function eventLeafHash(event, salt) {
    const commitment = sha256(concat(salt, utf8(canonicalJsonText(event))));
    return leafHash(concat(utf8(LEAF_DATA_PREFIX), commitment));
  }

  /** @param {string} name @param {number} alg @param {Uint8Array} publicKey */
  const keyIdOf = (name, alg, publicKey) => uint32(sha256(concat(utf8(name), new Uint8Array([0x0a, alg]), publicKey)));

  /**
   * `<name>+<hex key ID>+<base64(alg || public key)>` read as a key of type `alg`.
   * @param {string} vkey @param {number} [alg]
   * @returns {NoteKey}
   */
  function parseKey(vkey, alg = ALG_ED25519) {
    const parts = typeof vkey === "string" ? vkey.split("+") : [];
    if (parts.length < 3) throw new TlogError("malformed key", "note_invalid");
    const [name, hexId] = parts;
    const raw = b64decode(parts.slice(2).join("+"));
    if (!validName(name) || !HEX8.test(hexId) || raw.length !== 33 || raw[0] !== alg) {
      throw new TlogError("malformed key", "note_invalid");
    }
    const publicKey = raw.slice(1);
    const keyId = keyIdOf(name, alg, publicKey);
    if (keyId !== parseInt(hexId, 16)) throw new TlogError("key ID does not match", "note_invalid");
    return { name, keyId, publicKey };
  }

  /** @param {string} note @returns {{text: string, lines: {name: string, raw: Uint8Array}[]}} */
  function splitNote(note) {
    if (typeof note !== "string" || hasControl(note, true)) throw new TlogError("malformed note", "note_invalid");
    const cut = note.lastIndexOf("\n\n");
    if (cut < 0 || !note.endsWith("\n")) throw new TlogError("malformed note", "note_invalid");
    const text = note.slice(0, cut + 1);
    const lines = note.slice(cut + 2, -1).split("\n").map((line) => {
      if (!line.startsWith(SIG_PREFIX)) throw new TlogError("malformed note: signature line", "note_invalid");
      const rest = line.slice(SIG_PREFIX.length);
      const space = rest.indexOf(" ");
      const name = rest.slice(0, space);
      if (space < 1 || !validName(name)) throw new TlogError("malformed note: signature line", "note_invalid");
      const raw = b64decode(rest.slice(space + 1));
      if (raw.length < 5) throw new TlogError("malformed note: signature too short", "note_invalid");
      return { name, raw };
    });
    return { text, lines };
  }

  /**
   * c2sp.org/signed-note §Signatures, as auditlog.note.open_note: lines of unknown keys
   * are ignored; a known key's signature that fails rejects the note (note_invalid); at
   * least one known key must have signed (note_unknown_key). Returns the text.
   * @param {string} note @param {NoteKey[]} keys
   */
  function openNote(note, keys) {
    const { text, lines } = splitNote(note);
    const message = utf8(text);
    let verified = 0;
    for (const { name, raw } of lines) {
      const key = keys.find((k) => k.name === name && k.keyId === uint32(raw));
      if (!key) continue;
      const signature = raw.slice(4);
      if (signature.length !== 64 || !sodium.crypto_sign_verify_detached(signature, message, key.publicKey)) {
        throw new TlogError(`invalid signature for key ${name}`, "note_invalid");
      }
      verified += 1;
    }
    if (!verified) throw new TlogError("no signature by a known key", "note_unknown_key");
    return text;
  }

  /** c2sp.org/tlog-checkpoint note text. @param {string} text @returns {Checkpoint} */
  function parseCheckpoint(text) {
    if (!text.endsWith("\n")) throw new TlogError("malformed checkpoint", "note_invalid");
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || lines.some((l) => l === "") || !DECIMAL.test(lines[1])) {
      throw new TlogError("malformed checkpoint", "note_invalid");
    }
    const root = b64decode(lines[2]);
    if (root.length !== 32) throw new TlogError("malformed checkpoint: root", "note_invalid");
    return { origin: lines[0], size: Number(lines[1]), root, extensions: lines.slice(3) };
  }

  /**
   * A signed checkpoint of the log `origin`, verified with the log's keys.
   * @param {string} note @param {NoteKey[]} keys @param {string} origin
   */
  function openCheckpoint(note, keys, origin) {
    const checkpoint = parseCheckpoint(openNote(note, keys));
    if (checkpoint.origin !== origin) throw new TlogError("checkpoint of another log", "checkpoint_origin");
    return checkpoint;
  }

  // ---------------------------------------------------------------- cosignatures (0x04)

  /** @param {string} body @param {number} time */
  function cosignedMessage(body, time) {
    if (!Number.isSafeInteger(time) || time < 0) throw new TlogError("cosignature: bad time", "cosignature_malformed");
    if (!body.endsWith("\n") || body.includes("\n\n")) throw new TlogError("cosignature: bad body", "cosignature_malformed");
    return utf8(`cosignature/v1\ntime ${time}\n${body}`);
  }

  /** @param {{raw: Uint8Array, name: string}} line @returns {Cosignature | null} */
  function asCosignature({ name, raw }) {
    if (raw.length !== 76) return null;
    const high = uint32(raw.subarray(4, 8));
    const low = uint32(raw.subarray(8, 12));
    if (high >= 2 ** 21) return null; // beyond 2^53: not a time of this world
    return { name, keyId: uint32(raw), time: high * 2 ** 32 + low, signature: raw.slice(12) };
  }

  /**
   * The pinned cosigners whose v1 cosignature of the note's checkpoint verifies: name ->
   * time (POSIX seconds). A line naming a known key that fails: cosignature_invalid.
   * @param {string} note @param {NoteKey[]} keys
   * @returns {Map<string, number>}
   */
  function verifyCosignatures(note, keys) {
    const { text, lines } = splitNote(note);
    /** @type {Map<string, number>} */
    const found = new Map();
    for (const line of lines) {
      const c = asCosignature(line);
      if (!c) continue;
      const key = keys.find((k) => k.name === c.name && k.keyId === c.keyId);
      if (!key) continue;
      if (!sodium.crypto_sign_verify_detached(c.signature, cosignedMessage(text, c.time), key.publicKey)) {
        throw new TlogError(`invalid cosignature by ${c.name}`, "cosignature_invalid");
      }
      found.set(c.name, Math.max(found.get(c.name) || 0, c.time));
    }
    return found;
  }

  /**
   * Coffre's cosigner seed, derived one-way from the account's signing seed.
   * @param {Uint8Array} signSeed
   */
  const deriveCosignerSeed = (signSeed) => sodium.crypto_generichash(32, utf8(COSIGNER_SEED_LABEL), signSeed);

  /**
   * The cosigner's key string and the function that cosigns with it.
   * @param {string} name @param {Uint8Array} seed the cosigner seed (the caller wipes it)
   */
  function cosigner(name, seed) {
    if (!validName(name)) throw new TlogError("cosigner: invalid name", "cosignature_malformed");
    const pair = sodium.crypto_sign_seed_keypair(seed);
    const keyId = keyIdOf(name, ALG_COSIGNATURE_V1, pair.publicKey);
    const vkey = `${name}+${keyId.toString(16).padStart(8, "0")}+${b64encode(concat(new Uint8Array([ALG_COSIGNATURE_V1]), pair.publicKey))}`;
    return {
      vkey,
      key: /** @type {NoteKey} */ ({ name, keyId, publicKey: pair.publicKey }),
      /**
       * The cosignature line (without its final newline) of the checkpoint `body` at `time`.
       * @param {string} body @param {number} time
       */
      cosign(body, time) {
        const signature = sodium.crypto_sign_detached(cosignedMessage(body, time), pair.privateKey);
        const head = new Uint8Array(12);
        const view = new DataView(head.buffer);
        view.setUint32(0, keyId);
        view.setUint32(4, Math.floor(time / 2 ** 32));
        view.setUint32(8, time % 2 ** 32);
        return `${SIG_PREFIX}${name} ${b64encode(concat(head, signature))}`;
      },
      wipe() {
        sodium.memzero(pair.privateKey);
      },
    };
  }

  return {
    leafHash,
    nodeHash,
    verifyInclusion,
    verifyConsistency,
    eventLeafHash,
    parseKey,
    parseCosignerKey: (/** @type {string} */ vkey) => parseKey(vkey, ALG_COSIGNATURE_V1),
    splitNote,
    openNote,
    parseCheckpoint,
    openCheckpoint,
    verifyCosignatures,
    deriveCosignerSeed,
    cosigner,
    b64decode,
  };
}
