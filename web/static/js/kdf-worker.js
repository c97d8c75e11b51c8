// @ts-check
// Module Web Worker running Argon2id (64 MiB) off the main thread: SPEC §3, §19.
//
//   const worker = new Worker("/static/js/kdf-worker.js", { type: "module" });
//   worker.postMessage({ id: 1, op: "derivePassphraseKeysAny", args: [passphrase, kdfJson, who] });
//   worker.onmessage = ({ data }) => ...  // {id, ok: true, result} | {id, ok: false, error: {name, message}}
//
// Ops: WORKER_OPS in coffre-crypto.js (derivePassphraseKeys, createAccount,
// openAccount, openMasterKey, rewrapForNewPassphrase: format v1) and KDF_V2_OPS in
// kdf-v2.js (derivePassphraseKeysAny, createAccountV2, rewrapV2: what the page uses);
// args as the functions take them (bytes as Uint8Array). Rebuild errors with
// errorFromJson(error). The page's CSP needs 'wasm-unsafe-eval'.
// The vendored file name follows the libsodium-wrappers-sumo version in
// package-lock.json (scripts/install-js; a test checks that they agree).
import sodium from "../vendor/libsodium-wrappers-sumo-0.8.4.mjs";
import { createCoffreCrypto, handleWorkerRequest } from "./coffre-crypto.js";
import { createKdfOpsV2, handleKdfV2Request, KDF_V2_OPS } from "./kdf-v2.js";

// The vendored file is the package's ESM build; its types are the package's (types/vendor.d.ts).
const typedSodium = /** @type {import("./types/vendor").Sodium} */ (/** @type {unknown} */ (sodium));
const coffre = sodium.ready.then(() => createCoffreCrypto(typedSodium));
const opsV2 = sodium.ready.then(() => /** @type {Record<string, (...args: any[]) => unknown>} */ (createKdfOpsV2(typedSodium)));

self.addEventListener("message", async (event) => {
  const request = event.data;
  const v2 = request && typeof request === "object" && KDF_V2_OPS.includes(request.op);
  self.postMessage(v2 ? await handleKdfV2Request(opsV2, request) : await handleWorkerRequest(coffre, request));
});
