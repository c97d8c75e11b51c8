// Content streams (SPEC §8): round trips at several chunk sizes, incremental
// encryption and decryption over network-like streams, nothing released early.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { coffre, module, readableOf, errorOf, pattern, concatAll, toHex } from "./helpers.mjs";

const docKey = coffre.newDocumentKey();
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

for (const chunkSize of [1024, 1500, 4096, 65536]) {
  const sizes = [0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize, 3 * chunkSize + 5];
  test(`streams round-trip at chunk size ${chunkSize}, including empty and exact multiples`, () => {
    for (const size of sizes) {
      const plaintext = pattern(size, chunkSize);
      const stream = coffre.encryptBytes(docKey, plaintext, chunkSize);
      assert.equal(stream.length, coffre.ciphertextSize(size, chunkSize), `size ${size}`);
      assert.deepEqual(coffre.decryptBytes(docKey, stream), plaintext);
    }
  });
}

test("the header carries the magic, the version and the chunk size", () => {
  const stream = coffre.encryptBytes(docKey, pattern(10), 4096);
  assert.deepEqual([...stream.subarray(0, 9)], [0x43, 0x46, 0x44, 0x43, 0x01, 0x00, 0x00, 0x10, 0x00]);
  assert.equal(coffre.encryptBytes(docKey, pattern(0)).length, 33 + 17);
});

test("two encryptions of the same document differ", () => {
  const a = coffre.encryptBytes(docKey, pattern(100));
  const b = coffre.encryptBytes(docKey, pattern(100));
  assert.notDeepEqual(a, b);
  assert.equal(a.length, b.length);
});

test("the incremental encryptor cuts pieces of any sizes into exact chunks", () => {
  const chunkSize = 1024;
  const plaintext = pattern(5 * chunkSize + 528);
  const encryptor = coffre.createStreamEncryptor(docKey, chunkSize);
  const out = [encryptor.header];
  let offset = 0;
  for (const n of [1, 1023, 1024, 7, 2000, 500, 1093]) {
    out.push(...encryptor.push(plaintext.subarray(offset, offset + n)));
    offset += n;
  }
  assert.equal(offset, plaintext.length);
  out.push(...encryptor.finish());
  assert.equal(encryptor.size, plaintext.length);
  assert.equal(encryptor.sha256, sha256(plaintext));
  const lengths = out.slice(1).map((c) => c.length);
  assert.deepEqual(lengths, [1041, 1041, 1041, 1041, 1041, 545]);
  assert.deepEqual(coffre.decryptBytes(docKey, concatAll(out)), plaintext);
  assert.throws(() => encryptor.push(pattern(1)), errorOf(module.InvalidInputError));
});

test("an encryptor whose plaintext ends on a chunk boundary ends with an empty final chunk", () => {
  const encryptor = coffre.createStreamEncryptor(docKey, 1024);
  const full = encryptor.push(pattern(2048));
  assert.equal(full.length, 2);
  const last = encryptor.push(new Uint8Array(0), true);
  assert.deepEqual(last.map((c) => c.length), [17]);
  assert.deepEqual(coffre.decryptBytes(docKey, concatAll([encryptor.header, ...full, ...last])), pattern(2048));
});

test("the encryptor does not keep references to buffers the caller reuses", () => {
  const encryptor = coffre.createStreamEncryptor(docKey, 1024);
  const buffer = new Uint8Array(700);
  const expected = [];
  const out = [encryptor.header];
  for (let round = 0; round < 4; round++) {
    buffer.fill(round + 1);
    expected.push(...buffer);
    out.push(...encryptor.push(buffer));
  }
  out.push(...encryptor.finish());
  assert.deepEqual([...coffre.decryptBytes(docKey, concatAll(out))], expected);
});

test("a JS-made stream of a ReadableStream decrypts with the JS stream decryptor", async () => {
  const plaintext = pattern(3 * 1024 + 17, 3);
  const encrypted = coffre.encryptStream(docKey, readableOf(plaintext, [100, 3000, 1]), 1024);
  assert.equal(encrypted.size, null);
  const parts = [];
  for await (const part of encrypted) parts.push(part);
  assert.equal(encrypted.size, plaintext.length);
  assert.equal(encrypted.sha256, sha256(plaintext));
  const stream = concatAll(parts);
  assert.equal(stream.length, coffre.ciphertextSize(plaintext.length, 1024));
  const result = await coffre.decryptToChunks(docKey, readableOf(stream, [5, 1041, 2000]));
  assert.deepEqual(concatAll(result.chunks), plaintext);
  assert.equal(result.size, plaintext.length);
  assert.equal(result.sha256, sha256(plaintext));
});

test("streams encrypt from and decrypt to Blobs", async () => {
  const plaintext = pattern(70000, 9);
  const { blob, size, sha256: digest } = await coffre.encryptToBlob(docKey, new Blob([plaintext]));
  assert.equal(blob.size, coffre.ciphertextSize(plaintext.length));
  assert.equal(size, plaintext.length);
  assert.equal(digest, sha256(plaintext));
  const decrypted = await coffre.decryptToBlob(docKey, blob, "application/pdf");
  assert.equal(decrypted.blob.type, "application/pdf");
  assert.deepEqual(new Uint8Array(await decrypted.blob.arrayBuffer()), plaintext);
  assert.equal(decrypted.sha256, digest);
});

test("streams accept sync and async iterables of bytes", async () => {
  const plaintext = pattern(2500);
  const parts = [];
  for await (const p of coffre.encryptStream(docKey, [plaintext.subarray(0, 10), plaintext.subarray(10)], 1024)) parts.push(p);
  async function* pieces() {
    for (const p of parts) yield p;
  }
  assert.deepEqual(concatAll((await coffre.decryptToChunks(docKey, pieces())).chunks), plaintext);
  await assert.rejects(async () => {
    for await (const _ of coffre.encryptStream(docKey, "text")) void _;
  }, errorOf(module.InvalidInputError));
});

test("a damaged stream releases no plaintext from the buffered decryptor", async () => {
  const plaintext = pattern(5000);
  const stream = coffre.encryptBytes(docKey, plaintext, 1024);
  const damaged = stream.slice();
  damaged[damaged.length - 3] ^= 1; // in the final chunk's MAC
  // The low-level generator has already yielded full chunks when it fails ...
  const seen = [];
  await assert.rejects(async () => {
    for await (const piece of coffre.decryptStream(docKey, readableOf(damaged, [1041]))) seen.push(piece);
  }, errorOf(module.DecryptionError));
  assert.equal(seen.length, 4);
  // ... the buffered one gives nothing at all.
  let result = null;
  await assert.rejects(async () => {
    result = await coffre.decryptToChunks(docKey, readableOf(damaged, [1041]));
  }, errorOf(module.DecryptionError));
  assert.equal(result, null);
  await assert.rejects(() => coffre.decryptToBlob(docKey, damaged.subarray(0, damaged.length - 20)), errorOf(module.DecryptionError));
});

test("a decryptor stays failed after an error", () => {
  const stream = coffre.encryptBytes(docKey, pattern(3000), 1024);
  const decryptor = coffre.createStreamDecryptor(coffre.newDocumentKey());
  assert.throws(() => decryptor.push(stream), errorOf(module.DecryptionError));
  assert.throws(() => decryptor.push(new Uint8Array(0)), errorOf(module.DecryptionError));
  assert.throws(() => decryptor.finish(), errorOf(module.DecryptionError));
});

test("a decryptor needs the end of the data to release the last piece", () => {
  const plaintext = pattern(1500);
  const stream = coffre.encryptBytes(docKey, plaintext, 1024);
  const decryptor = coffre.createStreamDecryptor(docKey);
  const pieces = decryptor.push(stream);
  assert.equal(pieces.length, 1); // the full chunk; the short one waits for finish()
  pieces.push(decryptor.finish());
  assert.ok(decryptor.finished);
  assert.deepEqual(concatAll(pieces), plaintext);
  assert.throws(() => decryptor.push(new Uint8Array(1)), errorOf(module.InvalidInputError));
});

test("a stream shorter than its header is truncated, and one without its header has no magic", () => {
  assert.throws(() => coffre.decryptBytes(docKey, new Uint8Array(0)), errorOf(module.DecryptionError));
  const stream = coffre.encryptBytes(docKey, pattern(100));
  assert.throws(() => coffre.decryptBytes(docKey, stream.subarray(0, 32)), errorOf(module.DecryptionError));
  assert.throws(() => coffre.decryptBytes(docKey, stream.subarray(33)), errorOf(module.UnsupportedVersionError));
});

test("chunk sizes outside 1024..4 MiB and negative sizes are invalid input", () => {
  for (const bad of [1023, 4 * 1024 * 1024 + 1, 1024.5, "1024"]) {
    assert.throws(() => coffre.createStreamEncryptor(docKey, bad), errorOf(module.InvalidInputError));
    assert.throws(() => coffre.ciphertextSize(10, bad), errorOf(module.InvalidInputError));
  }
  assert.throws(() => coffre.ciphertextSize(-1), errorOf(module.InvalidInputError));
  assert.equal(coffre.ciphertextSize(0), 50);
  assert.equal(coffre.ciphertextSize(65536), 33 + 65536 + 34);
  assert.throws(() => coffre.encryptBytes(new Uint8Array(31), pattern(1)), errorOf(module.InvalidInputError));
});

test("SHA-256 is computed incrementally with libsodium", () => {
  const data = pattern(200000);
  const hash = coffre.createSha256();
  for (let i = 0; i < data.length; i += 7777) hash.update(data.subarray(i, i + 7777));
  hash.update(new Uint8Array(0));
  assert.equal(hash.hexdigest(), sha256(data));
  assert.equal(coffre.sha256Hex(data), sha256(data));
  assert.equal(coffre.sha256Hex(new Uint8Array(0)), sha256(new Uint8Array(0)));
  assert.throws(() => hash.update(data), errorOf(module.InvalidInputError));
  assert.equal(toHex(coffre.createSha256().digest()), sha256(new Uint8Array(0)));
});
