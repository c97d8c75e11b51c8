// @ts-check
// The pages' side of the KDF worker (kdf-worker.js): Argon2id runs off the main
// thread; `call(op, ...args)` resolves with its result. `end()` stops the worker and
// fails the calls in flight (log-out: nothing derived stays in a live worker).

import { errorFromJson } from "./coffre-crypto.js";

/**
 * @typedef {object} KdfClient
 * @property {(op: string, ...args: unknown[]) => Promise<any>} call one of WORKER_OPS (coffre-crypto.js)
 * @property {() => void} end stop the worker; the calls in flight fail
 */

/** @returns {KdfClient} */
export function createKdfClient() {
  /** @type {Worker | null} */
  let worker = null;
  let nextCall = 1;
  /** @type {Map<number, {resolve: (value: any) => void, reject: (error: Error) => void}>} */
  const calls = new Map();

  /**
   * @param {string} op
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  function call(op, ...args) {
    if (!worker) {
      // Beside this module, under the same versioned prefix (web/assets.py).
      worker = new Worker(new URL("./kdf-worker.js", import.meta.url), { type: "module" });
      worker.addEventListener("message", ({ data }) => {
        const pending = calls.get(data.id);
        if (!pending) return;
        calls.delete(data.id);
        if (data.ok) pending.resolve(data.result);
        else pending.reject(errorFromJson(data.error));
      });
    }
    const id = nextCall++;
    const started = worker;
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      started.postMessage({ id, op, args });
    });
  }

  function end() {
    if (worker) {
      worker.terminate();
      worker = null;
    }
    for (const pending of calls.values()) pending.reject(new Error("ended"));
    calls.clear();
  }

  return { call, end };
}
