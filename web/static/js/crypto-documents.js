// @ts-check
// Coffre crypto format v1, the documents (crypto/SPEC.md): a document's keys (§7), SHA-256,
// the content stream (§8), the metadata (§9). One part of createCoffreCrypto
// (coffre-crypto.js).
import { asBytes, ByteQueue, canonicalJson, concat, DecryptionError, EMPTY, hasExactly, InvalidInputError, isPlainObject, iterateBytes, KEY_BYTES, requireBytes, requireInt, SIZE_MAX, UnsupportedVersionError, utf8, sodiumTools } from "./crypto-base.js";
import { createBlobs, PURPOSES } from "./crypto-keys.js";

/** @typedef {import("./crypto-base.js").ByteSource} ByteSource */
/** @typedef {import("./crypto-base.js").BytesLike} BytesLike */
/** @typedef {import("./crypto-base.js").DocumentMeta} DocumentMeta */
/** @typedef {import("./crypto-base.js").EncryptingStream} EncryptingStream */
/** @typedef {import("./crypto-base.js").NonceOption} NonceOption */
/** @typedef {import("./crypto-base.js").Sha256} Sha256 */
/** @typedef {import("./crypto-base.js").StateAddress} StateAddress */
/** @typedef {import("./crypto-base.js").Sodium} Sodium */

const AD_METADATA = "coffre/v1/metadata";
const METADATA_FIELDS = ["mime", "name", "sha256", "size", "v"];
const SHA256_HEX = /^[0-9a-f]{64}$/;

const STREAM_MAGIC = [0x43, 0x46, 0x44, 0x43]; // "CFDC"
const STREAM_VERSION = 0x01;
const PREFIX_BYTES = 9;
export const HEADER_BYTES = 33;
export const CHUNK_OVERHEAD = 17;
export const DEFAULT_CHUNK_SIZE = 65536;
export const CHUNK_SIZE_MIN = 1024;
export const CHUNK_SIZE_MAX = 4 * 1024 * 1024;

/**
 * The document functions (SPEC §7–§9) bound to a ready libsodium.js.
 * @param {Sodium} sodium
 * @param {ReturnType<typeof import("./crypto-keys.js").createKeyCrypto>} keys
 */
export function createDocumentCrypto(sodium, keys) {
  const TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  const TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  const { wipe, random, hex } = sodiumTools(sodium);
  const { subkey } = keys;
  const { sealBlob, openBlob } = createBlobs(sodium);

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

  return {
    newDocumentKey,
    contentKey,
    metadataKey,
    createSha256,
    sha256Hex,
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
    documentMetadata,
    metadataPlaintext,
    encryptMetadata,
    decryptMetadata,
  };
}
