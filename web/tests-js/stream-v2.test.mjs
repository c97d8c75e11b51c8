// The v2 content stream (SPEC §21) beyond the vectors: every length around the
// chunk and Padmé boundaries round-trips, in any cut, with the exact size; the
// writer refuses a plaintext of another length than announced; a decryptor that
// failed stays failed; a key that is not the committed one is refused before any
// chunk is decrypted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sodium, module, pattern, errorOf } from "./helpers.mjs";
import { createCoffreCryptoV2 } from "../static/js/coffre-crypto-v2.js";

const v2 = createCoffreCryptoV2(sodium);
const CHUNK = 1024;

function roundTrip(docKey, plaintext, cut) {
  const encryptor = v2.createStreamEncryptorV2(docKey, plaintext.length, CHUNK);
  const parts = [encryptor.header];
  for (let i = 0; i < plaintext.length; i += cut) parts.push(...encryptor.push(plaintext.subarray(i, i + cut)));
  parts.push(...encryptor.finish());
  const stream = new Uint8Array(parts.flatMap((p) => [...p]));
  assert.equal(stream.length, v2.ciphertextSizeV2(plaintext.length, CHUNK));
  const decryptor = v2.createStreamDecryptorV2(docKey);
  const out = [];
  for (let i = 0; i < stream.length; i += cut + 3) out.push(...decryptor.push(stream.subarray(i, i + cut + 3)));
  out.push(decryptor.finish());
  return { stream, plaintext: new Uint8Array(out.flatMap((p) => [...p])) };
}

test("lengths around chunk and Padmé boundaries round-trip in any cut", () => {
  const docKey = sodium.randombytes_buf(32);
  for (const size of [0, 1, 7, 8, 9, 1007, 1008, 1015, 1016, 1017, 1024, 2040, 2047, 2048, 4089, 5000]) {
    const plaintext = pattern(size, size);
    for (const cut of [1, 5, 1024, 4096]) {
      const { stream, plaintext: back } = roundTrip(docKey, plaintext, cut);
      assert.deepEqual(back, plaintext, `size ${size}, cut ${cut}`);
      assert.equal(stream.length - 65 - 17 * (Math.floor(v2.padme(8 + size) / CHUNK) + 1), v2.padme(8 + size));
    }
  }
});

test("the writer refuses a plaintext longer or shorter than announced", () => {
  const docKey = sodium.randombytes_buf(32);
  const longer = v2.createStreamEncryptorV2(docKey, 10, CHUNK);
  assert.throws(() => longer.push(new Uint8Array(11)), errorOf(module.InvalidInputError));
  const shorter = v2.createStreamEncryptorV2(docKey, 10, CHUNK);
  shorter.push(new Uint8Array(9));
  assert.throws(() => shorter.finish(), errorOf(module.InvalidInputError));
  assert.throws(() => v2.createStreamEncryptorV2(docKey, 2 ** 50 + 1, CHUNK), errorOf(module.InvalidInputError));
  assert.throws(() => v2.createStreamEncryptorV2(docKey, 1, 1023), errorOf(module.InvalidInputError));
  assert.throws(() => v2.createStreamEncryptorV2(new Uint8Array(31), 1, CHUNK), errorOf(module.InvalidInputError));
});

test("another key is refused at the header, and a failed decryptor stays failed", () => {
  const docKey = sodium.randombytes_buf(32);
  const stream = v2.encryptBytesV2(docKey, pattern(3000), CHUNK);
  const other = v2.createStreamDecryptorV2(sodium.randombytes_buf(32));
  assert.throws(() => other.push(stream.subarray(0, 65)), errorOf(module.DecryptionError));
  assert.throws(() => other.push(stream.subarray(65)), errorOf(module.DecryptionError));
  assert.throws(() => other.finish(), errorOf(module.DecryptionError));
  const tampered = stream.slice();
  tampered[100] ^= 1;
  const decryptor = v2.createStreamDecryptorV2(docKey);
  assert.throws(() => decryptor.push(tampered), errorOf(module.DecryptionError));
  assert.throws(() => decryptor.finish(), errorOf(module.DecryptionError));
});

test("a v1 stream given to the v2 reader is named as such, whatever its length", () => {
  const docKey = sodium.randombytes_buf(32);
  const v1Stream = v2.v1.encryptBytes(docKey, pattern(10));
  for (const length of [5, 33, v1Stream.length]) {
    assert.throws(() => v2.decryptBytesV2(docKey, v1Stream.subarray(0, length)), errorOf(module.UnsupportedVersionError));
  }
  assert.throws(() => v2.decryptBytesV2(docKey, v1Stream.subarray(0, 4)), errorOf(module.DecryptionError));
});

test("metadata of every bucket round-trips, and a name too long for 1024 bytes is refused", () => {
  const docKey = sodium.randombytes_buf(32);
  const base = { mime: "application/pdf", size: 1, sha256: "ab".repeat(32) };
  for (const [name, size] of [["a.pdf", 297], ["é".repeat(100), 553], ['"'.repeat(255), 1065]]) {
    const blob = v2.encryptMetadataV2(docKey, { ...base, name });
    assert.equal(blob.length, size);
    assert.deepEqual(v2.decryptMetadataV2(docKey, blob), { ...base, name });
  }
  assert.throws(() => v2.encryptMetadataV2(docKey, { ...base, name: "x".repeat(256) }), errorOf(module.InvalidInputError));
  assert.throws(() => v2.encryptMetadataV2(docKey, { ...base, mime: "Application/PDF", name: "a" }), errorOf(module.InvalidInputError));
});
