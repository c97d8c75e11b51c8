// @ts-check
// Bytes and sizes of format v2 (crypto/SPEC.md §21.2, §21.3, §22), without libsodium:
// byte helpers, Padmé, the metadata buckets and the exact v2 stream length. Used by
// coffre-crypto-v2.js and coffre-statements-v2.js; mirrors crypto/padding.py.

import { InvalidInputError } from "./coffre-crypto.js";
import { concat } from "./crypto-base.js";
import { CHUNK_OVERHEAD, CHUNK_SIZE_MAX, CHUNK_SIZE_MIN, DEFAULT_CHUNK_SIZE } from "./crypto-documents.js";
import { readInt } from "./coffre-json.js";

export const CONTENT_SIZE_MAX = 2 ** 50;
export const METADATA_BUCKETS = Object.freeze([256, 512, 1024]);
export const PREFIX_BYTES_V2 = 41; // magic, version, chunk size, key commitment
export const HEADER_BYTES_V2 = 65;
// The byte helpers and the stream sizes v2 shares with v1 (crypto-base.js, crypto-documents.js).
export { asBytes, concat, EMPTY, requireBytes } from "./crypto-base.js";
export { CHUNK_OVERHEAD, CHUNK_SIZE_MAX, CHUNK_SIZE_MIN, DEFAULT_CHUNK_SIZE } from "./crypto-documents.js";

/** @param {number} n */
export const uint32be = (n) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
};

/**
 * Padmé (SPEC §21.2): `length` (≥ 2) rounded up to a multiple of 2^(E − S),
 * E = floor(log2 length), S = floor(log2 E) + 1. Number arithmetic, exact below 2^53.
 * @param {number} length
 */
export function padme(length) {
  const n = readInt(length, "length");
  if (n < 2) throw new InvalidInputError("padme is defined for lengths of 2 or more");
  let e = 0; // floor(log2 n): bit length of n, minus 1
  while (2 ** (e + 1) <= n) e++;
  let s = 0; // floor(log2 e) + 1: bit length of e
  while (2 ** s <= e) s++;
  const step = 2 ** (e - s);
  return Math.ceil(n / step) * step;
}

/**
 * padme(8 + L): the length of the padded content a v2 stream encrypts (SPEC §21.2).
 * @param {number} plaintextSize
 */
export function paddedContentSize(plaintextSize) {
  return padme(8 + readInt(plaintextSize, "plaintextSize", 0, CONTENT_SIZE_MAX));
}

/**
 * The smallest metadata bucket holding `jsonSize` bytes and the 0x80 marker (SPEC §22).
 * @param {number} jsonSize
 */
export function metadataBucket(jsonSize) {
  const bucket = METADATA_BUCKETS.find((b) => jsonSize + 1 <= b);
  if (bucket === undefined) throw new InvalidInputError("metadata is too long for the largest bucket (1024 bytes)");
  return bucket;
}

/**
 * Exact v2 stream length: 65 + T + 17 × (floor(T / chunkSize) + 1), T = padme(8 + L) (SPEC §21.3).
 * @param {number} plaintextSize
 * @param {number} [chunkSize]
 */
export function ciphertextSizeV2(plaintextSize, chunkSize = DEFAULT_CHUNK_SIZE) {
  const padded = paddedContentSize(plaintextSize);
  return HEADER_BYTES_V2 + padded + CHUNK_OVERHEAD * (Math.floor(padded / checkChunkSize(chunkSize)) + 1);
}

/** @param {number} chunkSize */
export function checkChunkSize(chunkSize) {
  return readInt(chunkSize, "chunkSize", CHUNK_SIZE_MIN, CHUNK_SIZE_MAX);
}

/** Bytes of any cut, taken back in exact sizes. */
export class Pending {
  constructor() {
    /** @type {Uint8Array[]} */
    this.parts = [];
    this.length = 0;
  }

  /** @param {Uint8Array} bytes */
  push(bytes) {
    if (bytes.length) this.parts.push(bytes.slice());
    this.length += bytes.length;
  }

  /** @param {number} n at most `length` */
  take(n) {
    const all = this.parts.length === 1 ? this.parts[0] : concat(...this.parts);
    const out = all.subarray(0, n);
    this.parts = n < all.length ? [all.subarray(n)] : [];
    this.length -= n;
    return out;
  }
}
