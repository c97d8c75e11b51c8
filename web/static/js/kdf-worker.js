// @ts-check
// Module Web Worker running Argon2id (64 MiB) off the main thread: SPEC §3.
//
//   const worker = new Worker("/static/js/kdf-worker.js", { type: "module" });
//   worker.postMessage({ id: 1, op: "derivePassphraseKeys", args: [passphrase, kdfParams] });
//   worker.onmessage = ({ data }) => ...  // {id, ok: true, result} | {id, ok: false, error: {name, message}}
//
// Ops: WORKER_OPS in coffre-crypto.js (derivePassphraseKeys, createAccount,
// openAccount, openMasterKey, rewrapForNewPassphrase); args as the functions
// take them (bytes as Uint8Array, kdfParams with a Uint8Array salt). Rebuild
// errors with errorFromJson(error). The page's CSP needs 'wasm-unsafe-eval'.
// The vendored file name follows the libsodium-wrappers-sumo version in
// package-lock.json (scripts/install-js; a test checks that they agree).
import sodium from "../vendor/libsodium-wrappers-sumo-0.8.4.mjs";
import { createCoffreCrypto, handleWorkerRequest } from "./coffre-crypto.js";

// The vendored file is the package's ESM build; its types are the package's (types/vendor.d.ts).
const typedSodium = /** @type {import("./types/vendor").Sodium} */ (/** @type {unknown} */ (sodium));
const coffre = sodium.ready.then(() => createCoffreCrypto(typedSodium));

self.addEventListener("message", async (event) => {
  self.postMessage(await handleWorkerRequest(coffre, event.data));
});
