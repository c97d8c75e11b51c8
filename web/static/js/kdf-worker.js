// @ts-check
// Module Web Worker running Argon2id (64 MiB) off the main thread: SPEC §3, §19.
//
//   const worker = new Worker(new URL("./kdf-worker.js", import.meta.url), { type: "module" });
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
import { createCoffreCrypto, handleWorkerRequest } from "./coffre-crypto.js";
import { createKdfOpsV2, handleKdfV2Request, KDF_V2_OPS } from "./kdf-v2.js";

// libsodium at its one URL under /static/vendor/: this worker runs under the page's
// versioned prefix (/static/<version>/js/, web/assets.py), where vendor/ is not served,
// and the page imports this same URL, so the file is downloaded once and kept.
const SODIUM = "/static/vendor/libsodium-wrappers-sumo-0.8.4.mjs";
// The vendored file is the package's ESM build; its types are the package's (types/vendor.d.ts).
const sodium = import(SODIUM).then(async (module) => {
  const typed = /** @type {import("./types/vendor").Sodium} */ (module.default);
  await typed.ready;
  return typed;
});
const coffre = sodium.then((typed) => createCoffreCrypto(typed));
const opsV2 = sodium.then((typed) => /** @type {Record<string, (...args: any[]) => unknown>} */ (createKdfOpsV2(typed)));

self.addEventListener("message", async (event) => {
  const request = event.data;
  const v2 = request && typeof request === "object" && KDF_V2_OPS.includes(request.op);
  self.postMessage(v2 ? await handleKdfV2Request(opsV2, request) : await handleWorkerRequest(coffre, request));
});
