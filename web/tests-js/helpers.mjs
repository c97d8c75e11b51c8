// Shared by the node:test files: libsodium from node_modules, the module under test, the vectors.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sodium from "libsodium-wrappers-sumo";
import * as module from "../static/js/coffre-crypto.js";

await sodium.ready;

export { sodium, module };
export const coffre = module.createCoffreCrypto(sodium);
export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const VECTORS_DOCUMENT = JSON.parse(readFileSync(new URL("../../crypto/vectors/v1.json", import.meta.url), "utf8"));

export const h = (text) => sodium.from_hex(text);
export const toHex = (bytes) => sodium.to_hex(bytes);

/** `bytes` as a ReadableStream of pieces of the given sizes (cycled). */
export function readableOf(bytes, sizes = [7]) {
  let offset = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const n = Math.max(1, sizes[i++ % sizes.length]);
      controller.enqueue(bytes.slice(offset, offset + n));
      offset += n;
    },
  });
}

/** An assert.rejects/throws predicate: exactly this error class, and a CryptoError. */
export function errorOf(cls) {
  return (error) => error instanceof module.CryptoError && error.constructor === cls;
}

/** Deterministic test bytes. */
export function pattern(size, seed = 0) {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i + seed) % 251;
  return out;
}

export function concatAll(parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
