// @ts-check
// Coffre crypto format v2 for the browser (and Node, for tests): crypto/SPEC.md
// Part II, §19–§22 — KDF v2 (a salt the server cannot share), the key commitment,
// Padmé and metadata buckets, the v2 content stream and v2 metadata. Signed
// statements, documents, pins and the trust chain are in coffre-statements-v2.js;
// byte helpers and sizes (Padmé, buckets) in coffre-bytes-v2.js.
//
// Mirrors the Python modules crypto/kdf_v2.py, commitment.py, padding.py,
// stream_v2.py and metadata_v2.py. Every step is one libsodium.js function
// (SPEC §14.5); nothing is a hand-written primitive. The page still writes v1:
// nothing here is wired into its flows yet.
//
//     const v2 = createCoffreCryptoV2(sodium);   // after `await sodium.ready`

import { canonicalJson, createCoffreCrypto, CryptoError, DecryptionError, InvalidInputError, UnsupportedVersionError, WeakParametersError } from "./coffre-crypto.js";
import { V2, INT_MAX, parseStrictJson, readCode, readInt, readObject, readSha256, readText } from "./coffre-json.js";
import { CHUNK_OVERHEAD, CHUNK_SIZE_MAX, CHUNK_SIZE_MIN, CONTENT_SIZE_MAX, DEFAULT_CHUNK_SIZE, EMPTY, HEADER_BYTES_V2, METADATA_BUCKETS, PREFIX_BYTES_V2, Pending, asBytes, checkChunkSize, ciphertextSizeV2, concat, metadataBucket, paddedContentSize, padme, requireBytes, uint32be } from "./coffre-bytes-v2.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {import("./types/vendor").StateAddress} StateAddress */
/** @typedef {Uint8Array | ArrayBufferView | ArrayBuffer} BytesLike */
/** SPEC §19.1. @typedef {{alg: string, saltRandom: Uint8Array, opslimit: number, memlimit: number}} KdfParamsV2 */
/** SPEC §22. @typedef {{name: string, mime: string, size: number, sha256: string}} DocumentMetaV2 */

// --- Errors added by v2 (SPEC §17) ----------------------------------------------------

/** The parts of a document do not belong together (SPEC §24). */
export class BindingError extends CryptoError {}
/** A statement that verifies but no longer holds: expired, not yet valid, revoked, rolled back (SPEC §24, §26). */
export class StaleError extends CryptoError {}
for (const [name, cls] of Object.entries({ BindingError, StaleError })) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

export const FORMAT_NAME_V2 = "Coffre crypto format v2";
export const PURPOSES_V2 = Object.freeze({
  LOGIN: "coffre/v2/login",
  PASSPHRASE_WRAP: "coffre/v2/passphrase-wrap",
  CONTENT: "coffre/v2/content",
  METADATA: "coffre/v2/metadata",
  COMMITMENT: "coffre/v2/commitment",
  CONTACT_WRAP: "coffre/v2/contact-wrap", // SPEC §28 (contact-recovery.js)
  CONTACT_AUTH: "coffre/v2/contact-auth",
});
const V1_PURPOSES = ["coffre/v1/login", "coffre/v1/passphrase-wrap", "coffre/v1/recovery-login", "coffre/v1/recovery-wrap", "coffre/v1/keyring", "coffre/v1/content", "coffre/v1/metadata"];
const ALL_PURPOSES = new Set([...V1_PURPOSES, ...Object.values(PURPOSES_V2)]);
const KDF_SALT_PREFIX = "coffre/v2/kdf-salt\n";
const AD_METADATA_V2 = "coffre/v2/metadata";

export const ALG_ARGON2ID13 = "argon2id13";
export const SALT_RANDOM_BYTES = 16;
const KDF_MEMBERS = ["v", "alg", "salt_random", "opslimit", "memlimit"];
const [OPSLIMIT_MIN, OPSLIMIT_MAX, MEMLIMIT_MIN, MEMLIMIT_MAX] = [3, 10, 64 * 1024 * 1024, 256 * 1024 * 1024];
const LOGIN_MAX_BYTES = 255;

const KEY_BYTES = 32;
const BLOB_OVERHEAD = 41; // version + nonce 24 + tag 16
const BLOB_SIZES = METADATA_BUCKETS.map((b) => BLOB_OVERHEAD + b); // 297, 553, 1065
const NAME_MAX_BYTES = 255;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;
const METADATA_MEMBERS = ["v", "name", "mime", "size", "sha256"];
const MAGIC = [0x43, 0x46, 0x44, 0x43]; // "CFDC"
const STREAM_V2 = 0x02;
const utf8 = (/** @type {string} */ text) => new TextEncoder().encode(text);

/**
 * Format v2 constructions bound to a ready libsodium.js object (sumo build).
 * @param {Sodium} sodium
 */
export function createCoffreCryptoV2(sodium) {
  const v1 = createCoffreCrypto(sodium);
  const TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  const TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

  /**
   * subkey(parent, purpose) = BLAKE2b-256(key = parent, message = purpose) (SPEC §2), v1 and v2 purposes.
   * @param {BytesLike} parent
   * @param {string} purpose
   */
  function subkey(parent, purpose) {
    const key = asBytes(parent, "parent key");
    if (key.length < 16 || key.length > 64) throw new InvalidInputError(`parent key must be 16..64 bytes, got ${key.length}`);
    if (!ALL_PURPOSES.has(purpose)) throw new InvalidInputError("unknown subkey purpose");
    return sodium.crypto_generichash(32, utf8(purpose), key);
  }

  /**
   * 32-byte base64url member (SPEC §1, B64(n)).
   * @param {unknown} value
   * @param {string} name
   * @param {number} [length]
   */
  function readKey(value, name, length = KEY_BYTES) {
    if (typeof value !== "string") throw new InvalidInputError(`${name} must be a base64url string`);
    return requireBytes(v1.b64decode(value), name, length);
  }

  // §19 ---------------------------------------------------------------------------

  /**
   * Parse the JSON form (SPEC §19.1, reading order and member syntax); checkKdfParamsV2 does the rest.
   * @param {unknown} obj
   * @returns {KdfParamsV2}
   */
  function kdfParamsV2FromJson(obj) {
    const p = readObject(obj, KDF_MEMBERS, "");
    if (typeof p.alg !== "string") throw new InvalidInputError("alg must be a string");
    return {
      saltRandom: readKey(p.salt_random, "salt_random", SALT_RANDOM_BYTES),
      opslimit: readInt(p.opslimit, "opslimit"),
      memlimit: readInt(p.memlimit, "memlimit"),
      alg: p.alg,
    };
  }

  /**
   * {"v": 2, alg, salt_random, opslimit, memlimit} (SPEC §19.1).
   * @param {KdfParamsV2} params
   */
  function kdfParamsV2ToJson(params) {
    return { v: V2, alg: params.alg, salt_random: v1.b64encode(params.saltRandom), opslimit: params.opslimit, memlimit: params.memlimit };
  }

  /** Fresh v2 parameters: a random part and the floor costs. @returns {KdfParamsV2} */
  function newKdfParamsV2() {
    return { alg: ALG_ARGON2ID13, saltRandom: sodium.randombytes_buf(SALT_RANDOM_BYTES), opslimit: OPSLIMIT_MIN, memlimit: MEMLIMIT_MIN };
  }

  /**
   * SPEC §19.1 in order: salt_random, integers, memlimit % 1024 (invalid input); alg and
   * floor (weak parameters); ceiling (invalid input).
   * @param {KdfParamsV2} params
   */
  function checkKdfParamsV2(params) {
    if (params === null || typeof params !== "object") throw new InvalidInputError("params must be KDF v2 parameters");
    requireBytes(params.saltRandom, "salt_random", SALT_RANDOM_BYTES);
    const opslimit = readInt(params.opslimit, "opslimit");
    const memlimit = readInt(params.memlimit, "memlimit");
    if (memlimit % 1024 !== 0) throw new InvalidInputError("memlimit must be a multiple of 1024 bytes");
    if (params.alg !== ALG_ARGON2ID13) throw new WeakParametersError("KDF algorithm must be argon2id13");
    if (opslimit < OPSLIMIT_MIN || memlimit < MEMLIMIT_MIN) throw new WeakParametersError("KDF parameters are below the floor (opslimit 3, 64 MiB)");
    if (opslimit > OPSLIMIT_MAX || memlimit > MEMLIMIT_MAX) throw new InvalidInputError("KDF parameters are above the ceiling (opslimit 10, 256 MiB)");
  }

  /**
   * salt = BLAKE2b-128(prefix || uint32be(|T|) || T || uint32be(|L|) || L || salt_random) (SPEC §19.2).
   * `login` is the canonical login (as the server normalised it at signup).
   * @param {string} territory
   * @param {string} login
   * @param {BytesLike} saltRandom
   */
  function deriveSalt(territory, login, saltRandom) {
    const t = utf8(readCode(territory, "territory"));
    const l = utf8(readText(login, "login", 4 * LOGIN_MAX_BYTES).normalize("NFC"));
    if (l.length > LOGIN_MAX_BYTES) throw new InvalidInputError(`login must be at most ${LOGIN_MAX_BYTES} bytes of UTF-8`);
    const part = requireBytes(saltRandom, "salt_random", SALT_RANDOM_BYTES);
    return sodium.crypto_generichash(16, concat(utf8(KDF_SALT_PREFIX), uint32be(t.length), t, uint32be(l.length), l, part), null);
  }

  /**
   * Argon2id13 root (SPEC §19.3) after checking the parameters. Runs Argon2id: call it in a Web Worker.
   * @param {string} passphrase
   * @param {KdfParamsV2} params
   * @param {{territory: string, login: string}} who
   */
  function passphraseRootV2(passphrase, params, { territory, login }) {
    checkKdfParamsV2(params);
    const salt = deriveSalt(territory, login, params.saltRandom);
    const p = v1.encodePassphrase(passphrase);
    try {
      return sodium.crypto_pwhash(32, p, salt, params.opslimit, params.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
    } finally {
      sodium.memzero(p);
    }
  }

  /**
   * {authKey, wrapKey} of SPEC §19.3. Runs Argon2id.
   * @param {string} passphrase
   * @param {KdfParamsV2} params
   * @param {{territory: string, login: string}} who
   */
  function derivePassphraseKeysV2(passphrase, params, who) {
    const root = passphraseRootV2(passphrase, params, who);
    try {
      return { authKey: subkey(root, PURPOSES_V2.LOGIN), wrapKey: subkey(root, PURPOSES_V2.PASSPHRASE_WRAP) };
    } finally {
      sodium.memzero(root);
    }
  }

  // §20 ---------------------------------------------------------------------------

  /** @param {BytesLike} docKey @param {string} purpose */
  const docSubkey = (docKey, purpose) => subkey(requireBytes(docKey, "document key", KEY_BYTES), purpose);
  /** subkey(docKey, "coffre/v2/content"). @param {BytesLike} docKey */
  const contentKeyV2 = (docKey) => docSubkey(docKey, PURPOSES_V2.CONTENT);
  /** subkey(docKey, "coffre/v2/metadata"). @param {BytesLike} docKey */
  const metadataKeyV2 = (docKey) => docSubkey(docKey, PURPOSES_V2.METADATA);
  /** subkey(docKey, "coffre/v2/commitment"): 32 public bytes fixing the key (SPEC §20). @param {BytesLike} docKey */
  const keyCommitment = (docKey) => docSubkey(docKey, PURPOSES_V2.COMMITMENT);

  /**
   * True when `commitment` is the key commitment of `docKey` (constant time).
   * @param {BytesLike} docKey
   * @param {BytesLike} commitment
   */
  function commitsTo(docKey, commitment) {
    return sodium.memcmp(keyCommitment(docKey), requireBytes(commitment, "key commitment", KEY_BYTES));
  }

  // §21 ---------------------------------------------------------------------------

  /**
   * Incremental v2 encryptor (SPEC §21) of exactly `plaintextSize` bytes: `header`
   * (65 bytes) first, then `push(data)` returns the chunks now complete, and
   * `finish()` the last ones (InvalidInputError if the plaintext had another length).
   * `secretstreamHeader`: test vectors only (a repeated header repeats the keystream).
   * @param {BytesLike} docKey
   * @param {number} plaintextSize
   * @param {number} [chunkSize]
   * @param {{secretstreamHeader?: BytesLike | null}} [options]
   */
  function createStreamEncryptorV2(docKey, plaintextSize, chunkSize = DEFAULT_CHUNK_SIZE, { secretstreamHeader = null } = {}) {
    const key = contentKeyV2(docKey);
    const size = readInt(plaintextSize, "plaintextSize", 0, CONTENT_SIZE_MAX);
    const padded = paddedContentSize(size);
    const cs = checkChunkSize(chunkSize);
    const prefix = concat(Uint8Array.from(MAGIC), Uint8Array.of(STREAM_V2), uint32be(cs), keyCommitment(docKey));
    let state, header;
    if (secretstreamHeader == null) {
      ({ state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key));
    } else {
      // init_pull sets the state init_push would set for this header (SPEC §27).
      header = requireBytes(secretstreamHeader, "secretstream header", 24);
      state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    }
    sodium.memzero(key);
    const queue = new Pending();
    const lengthPrefix = new Uint8Array(8);
    new DataView(lengthPrefix.buffer).setUint32(0, Math.floor(size / 2 ** 32), false);
    new DataView(lengthPrefix.buffer).setUint32(4, size % 2 ** 32, false);
    queue.push(lengthPrefix);
    let seen = 0;
    const drain = () => {
      const out = [];
      while (queue.length >= cs) out.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, queue.take(cs), prefix, TAG_MESSAGE));
      return out;
    };
    return {
      header: concat(prefix, header),
      /** @param {BytesLike} data @returns {Uint8Array[]} */
      push(data) {
        const bytes = asBytes(data, "data");
        seen += bytes.length;
        if (seen > size) throw new InvalidInputError("the plaintext is longer than plaintextSize");
        queue.push(bytes);
        return drain();
      },
      /** @returns {Uint8Array[]} */
      finish() {
        if (seen !== size) throw new InvalidInputError("the plaintext is shorter than plaintextSize");
        queue.push(new Uint8Array(padded - 8 - size));
        const out = drain();
        out.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, queue.take(queue.length), prefix, TAG_FINAL));
        return out;
      },
    };
  }

  /**
   * The whole v2 stream of an in-memory plaintext (SPEC §21).
   * @param {BytesLike} docKey
   * @param {BytesLike} data
   * @param {number} [chunkSize]
   * @param {{secretstreamHeader?: BytesLike | null}} [options]
   */
  function encryptBytesV2(docKey, data, chunkSize = DEFAULT_CHUNK_SIZE, options = {}) {
    const bytes = asBytes(data, "data");
    const encryptor = createStreamEncryptorV2(docKey, bytes.length, chunkSize, options);
    return concat(encryptor.header, ...encryptor.push(bytes), ...encryptor.finish());
  }

  /**
   * Incremental v2 decryptor (SPEC §21.4): `push(bytes)` takes ciphertext of any cut
   * and returns plaintext pieces, UNVERIFIED until `finish()` returns (it returns the
   * last piece). On any error the caller MUST discard every piece it got.
   * @param {BytesLike} docKey
   */
  function createStreamDecryptorV2(docKey) {
    const doc = requireBytes(docKey, "document key", KEY_BYTES).slice();
    const queue = new Pending();
    /** @type {StateAddress | null} */
    let state = null;
    let prefix = EMPTY;
    let full = 0;
    // The padded body (SPEC §21.4 step 8): 8-byte length, L bytes out, zeros to padme(8 + L).
    const lengthBytes = new Pending();
    let size = -1;
    let padded = -1;
    let position = 0;
    /** @type {Error | null} */
    let failed = null;
    let finished = false;
    /** @type {(error: Error) => never} */
    const fail = (error) => {
      failed = error;
      sodium.memzero(doc);
      throw error;
    };

    const checkVersion = (/** @type {Uint8Array} */ head) => {
      if (MAGIC.some((b, i) => head[i] !== b)) fail(new UnsupportedVersionError("not a Coffre content stream (bad magic)"));
      if (head[4] !== STREAM_V2) fail(new UnsupportedVersionError(`unsupported content stream version ${head[4]}`));
    };

    const readHeader = () => {
      const header = queue.take(HEADER_BYTES_V2);
      checkVersion(header);
      const chunkSize = new DataView(header.buffer, header.byteOffset, HEADER_BYTES_V2).getUint32(5, false);
      if (chunkSize < CHUNK_SIZE_MIN || chunkSize > CHUNK_SIZE_MAX) fail(new InvalidInputError(`chunkSize must be ${CHUNK_SIZE_MIN}..${CHUNK_SIZE_MAX}`));
      if (!commitsTo(doc, header.subarray(9, PREFIX_BYTES_V2))) fail(new DecryptionError("the stream commits to another document key"));
      prefix = header.slice(0, PREFIX_BYTES_V2);
      full = chunkSize + CHUNK_OVERHEAD;
      const key = contentKeyV2(doc);
      try {
        state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header.slice(PREFIX_BYTES_V2), key);
      } catch {
        fail(new DecryptionError("stream header is invalid"));
      } finally {
        sodium.memzero(key);
      }
    };

    /** @param {Uint8Array} piece decrypted body bytes @returns {Uint8Array} the plaintext among them */
    const unpad = (piece) => {
      let view = piece;
      if (size < 0) {
        const take = Math.min(8 - lengthBytes.length, view.length);
        lengthBytes.push(view.subarray(0, take));
        position += take;
        view = view.subarray(take);
        if (lengthBytes.length < 8) return EMPTY;
        const word = new DataView(lengthBytes.take(8).slice().buffer);
        const [hi, lo] = [word.getUint32(0, false), word.getUint32(4, false)];
        if (hi > 2 ** 18 || (hi === 2 ** 18 && lo > 0)) fail(new InvalidInputError("padded content names an impossible length"));
        size = hi * 2 ** 32 + lo;
        padded = paddedContentSize(size);
      }
      const data = Math.min(view.length, Math.max(0, 8 + size - position));
      if (position + view.length > padded) fail(new InvalidInputError("padded content is longer than padme(8 + L)"));
      if (view.subarray(data).some((b) => b !== 0)) fail(new InvalidInputError("content padding must be zeros"));
      position += view.length;
      return view.subarray(0, data);
    };

    /** @param {Uint8Array} chunk @param {boolean} isFull */
    const pull = (chunk, isFull) => {
      if (chunk.length < CHUNK_OVERHEAD) fail(new DecryptionError("stream is truncated: no final chunk"));
      /** @type {{message: Uint8Array, tag: number} | false} */
      let result;
      try {
        result = sodium.crypto_secretstream_xchacha20poly1305_pull(/** @type {StateAddress} */ (state), chunk, prefix);
      } catch {
        result = false;
      }
      if (!result) fail(new DecryptionError("chunk does not authenticate: wrong key or tampered"));
      if (isFull && result.tag !== TAG_MESSAGE) fail(new DecryptionError("full-size chunk must carry TAG_MESSAGE"));
      if (!isFull && result.tag !== TAG_FINAL) fail(new DecryptionError("stream is truncated: last chunk is not final"));
      return unpad(result.message);
    };

    const guard = () => {
      if (failed) throw failed;
      if (finished) throw new InvalidInputError("the stream is already finished");
    };

    return {
      /** @param {BytesLike} data @returns {Uint8Array[]} */
      push(data) {
        guard();
        queue.push(asBytes(data, "data"));
        const out = [];
        if (state === null && queue.length >= HEADER_BYTES_V2) readHeader();
        if (state !== null) {
          while (queue.length >= full) {
            const piece = pull(queue.take(full), true);
            if (piece.length) out.push(piece);
          }
        }
        return out;
      },
      /** @returns {Uint8Array} */
      finish() {
        guard();
        if (state === null) {
          if (queue.length < 5) fail(new DecryptionError("stream is truncated: incomplete header"));
          checkVersion(queue.take(5));
          fail(new DecryptionError("stream is truncated: incomplete header"));
        }
        const last = pull(queue.take(queue.length), false);
        if (size < 0 || position !== padded) fail(new InvalidInputError("padded content is shorter than padme(8 + L)"));
        finished = true;
        sodium.memzero(doc);
        return last;
      },
    };
  }

  /**
   * The whole plaintext of an in-memory v2 stream, or an error and nothing (SPEC §21.4).
   * @param {BytesLike} docKey
   * @param {BytesLike} data
   */
  function decryptBytesV2(docKey, data) {
    const decryptor = createStreamDecryptorV2(docKey);
    const pieces = decryptor.push(asBytes(data, "data"));
    pieces.push(decryptor.finish());
    return concat(...pieces);
  }

  // §22 ---------------------------------------------------------------------------

  /**
   * Check {name, mime, size, sha256} (SPEC §22).
   * @param {Record<string, unknown>} meta
   * @returns {DocumentMetaV2}
   */
  function documentMetadataV2({ name, mime, size, sha256 }) {
    readText(name, "metadata name", NAME_MAX_BYTES);
    if (typeof mime !== "string" || !MIME.test(mime)) throw new InvalidInputError("metadata mime must be a lower-case type/subtype");
    return {
      name: /** @type {string} */ (name),
      mime,
      size: readInt(size, "metadata size", 0, CONTENT_SIZE_MAX),
      sha256: readSha256(sha256, "metadata sha256"),
    };
  }

  /**
   * RFC 8785 of {"v": 2, name, mime, size, sha256}, before padding (SPEC §22).
   * @param {DocumentMetaV2} meta
   */
  function metadataPlaintextV2(meta) {
    const m = documentMetadataV2(meta);
    return canonicalJson({ v: V2, name: m.name, mime: m.mime, size: m.size, sha256: m.sha256 });
  }

  /**
   * The v2 metadata blob: 0x02 || nonce || AEAD(sodium_pad(json, bucket)) (SPEC §22). `nonce`: vectors only.
   * @param {BytesLike} docKey
   * @param {DocumentMetaV2} meta
   * @param {{nonce?: BytesLike | null}} [options]
   */
  function encryptMetadataV2(docKey, meta, { nonce = null } = {}) {
    const json = metadataPlaintextV2(meta);
    const padded = sodium.pad(json, metadataBucket(json.length));
    const n = nonce == null ? sodium.randombytes_buf(24) : requireBytes(nonce, "nonce", 24);
    const key = metadataKeyV2(docKey);
    try {
      return concat(Uint8Array.of(2), n, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, utf8(AD_METADATA_V2), null, n, key));
    } finally {
      sodium.memzero(key);
    }
  }

  /**
   * Open a v2 metadata blob (SPEC §22, reading steps 1–4).
   * @param {BytesLike} docKey
   * @param {BytesLike} blob
   * @returns {DocumentMetaV2}
   */
  function decryptMetadataV2(docKey, blob) {
    const key = metadataKeyV2(docKey);
    const data = asBytes(blob, "blob");
    let padded;
    try {
      if (data.length < BLOB_OVERHEAD) throw new InvalidInputError("blob is too short");
      if (data[0] !== 2) throw new UnsupportedVersionError(`unsupported blob version ${data[0]}`);
      if (!BLOB_SIZES.includes(data.length)) throw new InvalidInputError("a v2 metadata blob is 297, 553 or 1065 bytes");
      try {
        padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, data.subarray(25), utf8(AD_METADATA_V2), data.subarray(1, 25), key);
      } catch {
        throw new DecryptionError("blob does not authenticate: wrong key or tampered");
      }
    } finally {
      sodium.memzero(key);
    }
    let json;
    try {
      json = sodium.unpad(padded, padded.length);
    } catch {
      throw new InvalidInputError("metadata padding is not 0x80 followed by zeros");
    }
    if (metadataBucket(json.length) !== padded.length) throw new InvalidInputError("metadata is padded beyond its smallest bucket");
    const obj = readObject(parseStrictJson(json), METADATA_MEMBERS, "");
    const meta = documentMetadataV2(obj);
    const canonical = metadataPlaintextV2(meta);
    if (canonical.length !== json.length || !sodium.memcmp(canonical, json)) {
      throw new InvalidInputError("metadata plaintext is not canonical JSON");
    }
    return meta;
  }

  /**
   * crypto_box_seal(docKey, recipient): 80 bytes (SPEC §10); a small-order recipient key is invalid input (SPEC §18.7).
   * @param {BytesLike} docKey
   * @param {BytesLike} recipientBoxPublic
   */
  function sealDocumentKeyV2(docKey, recipientBoxPublic) {
    const key = requireBytes(docKey, "document key", KEY_BYTES);
    const pub = requireBytes(recipientBoxPublic, "recipient box public key", KEY_BYTES);
    try {
      return sodium.crypto_box_seal(key, pub);
    } catch {
      throw new InvalidInputError("recipient box public key is not a usable X25519 key");
    }
  }

  return Object.freeze({
    FORMAT_NAME_V2,
    v1,
    BindingError,
    StaleError,
    subkey,
    readKey,
    // §19
    kdfParamsV2FromJson,
    kdfParamsV2ToJson,
    newKdfParamsV2,
    checkKdfParamsV2,
    deriveSalt,
    passphraseRootV2,
    derivePassphraseKeysV2,
    // §20
    contentKeyV2,
    metadataKeyV2,
    keyCommitment,
    commitsTo,
    // §21
    padme,
    paddedContentSize,
    ciphertextSizeV2,
    createStreamEncryptorV2,
    encryptBytesV2,
    createStreamDecryptorV2,
    decryptBytesV2,
    // §22
    metadataBucket,
    documentMetadataV2,
    metadataPlaintextV2,
    encryptMetadataV2,
    decryptMetadataV2,
    // §10 with §18.7
    sealDocumentKeyV2,
    // §4.3 with §18.6: the v1 parser, ASCII-only upper-casing
    parseRecoveryCode: v1.parseRecoveryCode,
    INT_MAX,
  });
}
