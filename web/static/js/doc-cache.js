// @ts-check
// The ciphertext of a document opened once, kept in the browser's Cache Storage while
// the person's vault is open, so that opening it again costs a revalidation (a 304 with
// no body), not its bytes again (issue 18: prepaid data plans, 1.6 Mbps).
//
// What is kept: the document's stream exactly as the server sent it (SPEC §8, §21),
// under its own URL, with the server's ETag (the ciphertext's SHA-256: api/routes/
// documents.py). Never the plaintext, never a key, never the metadata: without the
// person's keys the copy reads as noise, and it is checked again (SPEC §24.4, §8) each
// time it is opened. Only a copy that decrypted and checked whole is kept.
// One cache per account ("coffre-ciphertexts-<account id>"): another account opening
// its vault in this browser removes the others'.
//
// When it goes (docs/THREATS.md "The page"; DESIGN.md: nothing kept after log-out):
// every cache of this module is deleted when the page wipes its keys (log-out, the idle
// lock, leaving the page: `pagehide`), and at page load when no session is open (a tab
// closed on a shared computer whose deletion did not finish); a document's copy goes
// when it is deleted or re-keyed, when the server no longer serves it, and when it does
// not decrypt. Where the browser has no Cache Storage (a page not served over HTTPS, a
// browser that refuses it), every opening downloads, as before.
import { ApiError } from "./http.js";
import { download } from "./transfer.js";

/** The names of this module's caches start with this (one per account). */
export const CACHE_PREFIX = "coffre-ciphertexts-";

/** @returns {CacheStorage | null} */
function storage() {
  return globalThis.caches ?? null;
}

/**
 * Delete every cache of this module (all accounts). Never throws: a browser that
 * refuses storage has kept nothing.
 * @returns {Promise<void>}
 */
export async function clearCiphertexts() {
  const caches = storage();
  if (!caches) return;
  try {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX)).map((name) => caches.delete(name)));
  } catch {
    // Storage refused: nothing was kept.
  }
}

/** The URL a document's copy is kept under (its download's). @param {string} id */
const contentPath = (id) => `/documents/${id}/content`;
/** @param {string} id */
const keyOf = (id) => new URL(`/api/v1${contentPath(id)}`, location.origin).href;

/**
 * The copy of document `id` kept for `accountId`, if any, goes (the document was
 * re-keyed or deleted elsewhere in the page: rekey-v2.js). Never throws.
 * @param {string | null} accountId
 * @param {string} id
 * @returns {Promise<void>}
 */
export async function forgetCiphertext(accountId, id) {
  const caches = storage();
  if (!caches || !accountId) return;
  try {
    if (!(await caches.has(CACHE_PREFIX + accountId))) return;
    await (await caches.open(CACHE_PREFIX + accountId)).delete(keyOf(id));
  } catch {
    // Storage refused: nothing was kept.
  }
}

/**
 * A document's ciphertext being read, from the network or this device's copy.
 * @typedef {object} Ciphertext
 * @property {ReadableStream<Uint8Array>} body the stream to decrypt
 * @property {boolean} kept true when `body` is this device's copy (the server said 304)
 * @property {() => Promise<void>} keep call once the whole stream decrypted and checked:
 *   a downloaded stream is kept (a kept one stays)
 * @property {() => Promise<void>} discard call when it did not: the copy, if any, goes
 */

/**
 * @param {{api: import("./types/page").PageHelpers["api"], accountId: () => string | null}} deps
 */
export function createDocCache({ api, accountId }) {
  /** The account whose cache is open, and the others' already removed. @type {string | null} */
  let current = null;

  /** This account's cache, or null (no storage, no account). @returns {Promise<Cache | null>} */
  async function open() {
    const caches = storage();
    const account = accountId();
    if (!caches || !account) return null;
    try {
      const name = CACHE_PREFIX + account;
      if (current !== account) {
        // Another account's copies on this browser go before this one keeps any.
        const names = await caches.keys();
        await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== name).map((n) => caches.delete(n)));
        current = account;
      }
      return await caches.open(name);
    } catch {
      return null; // storage refused: download each time
    }
  }

  /**
   * The document `id`'s ciphertext: the copy kept here when the server says it is still
   * the document's (304 to its ETag), else the download (kept by `keep()`). Both under
   * transfer.js's watchdog (`stallMs`). Throws as the download does (ApiError,
   * StallError); a document the server no longer serves loses its copy.
   * @param {string} id
   * @param {number} stallMs
   * @returns {Promise<Ciphertext>}
   */
  async function read(id, stallMs) {
    return fetchCiphertext(id, stallMs, true);
  }

  /**
   * The document `id`'s ciphertext downloaded whole, whatever this device kept (kept by
   * `keep()` in place of that copy): after a kept copy failed its checks.
   * @param {string} id
   * @param {number} stallMs
   * @returns {Promise<Ciphertext>}
   */
  async function downloadWhole(id, stallMs) {
    return fetchCiphertext(id, stallMs, false);
  }

  /**
   * @param {string} id
   * @param {number} stallMs
   * @param {boolean} useCopy
   * @returns {Promise<Ciphertext>}
   */
  async function fetchCiphertext(id, stallMs, useCopy) {
    const cache = await open();
    const copy = cache && useCopy ? await cache.match(keyOf(id)).catch(() => undefined) : undefined;
    const etag = copy?.headers.get("ETag") || "";
    /** @type {Record<string, string>} */
    const headers = copy && etag && copy.body ? { "If-None-Match": etag } : {};
    let answer;
    try {
      answer = await download((signal) => api("GET", contentPath(id), { signal, headers }), stallMs);
    } catch (error) {
      // http.js's request() turns every answer that is not 2xx into an ApiError: a 304
      // is the server saying the copy is the document's.
      if (copy?.body && error instanceof ApiError && error.status === 304) {
        return { body: copy.body, kept: true, keep: async () => {}, discard: () => forget(id) };
      }
      if (error instanceof ApiError && error.status === 404) await forget(id);
      throw error;
    }
    const sent = answer.response.headers.get("ETag") || "";
    /** @type {Uint8Array[]} */
    const read = [];
    const source = answer.body.getReader();
    // The bytes as they arrive, also set aside to be kept once they checked.
    const body = new ReadableStream({
      async pull(controller) {
        const { done, value } = await source.read();
        if (done) return controller.close();
        read.push(value);
        controller.enqueue(value);
      },
      cancel(reason) {
        return source.cancel(reason);
      },
    });
    return {
      body,
      kept: false,
      async keep() {
        const chunks = read.splice(0);
        if (!cache || !sent) return;
        const blob = new Blob(/** @type {BlobPart[]} */ (chunks), { type: "application/octet-stream" });
        try {
          await cache.put(keyOf(id), new Response(blob, { headers: { ETag: sent, "Content-Type": "application/octet-stream" } }));
        } catch {
          // Storage full or refused: the next opening downloads again.
        }
      },
      async discard() {
        read.length = 0;
        await forget(id);
      },
    };
  }

  /**
   * The copy of document `id` goes (deleted, re-keyed, not the document's any more).
   * @param {string} id
   */
  async function forget(id) {
    const cache = await open();
    if (!cache) return;
    try {
      await cache.delete(keyOf(id));
    } catch {
      // Storage refused: nothing was kept.
    }
  }

  return { read, download: downloadWhole, forget };
}
