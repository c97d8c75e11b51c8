// The KDF worker's libsodium import matches the installed, vendored version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { REPO, VECTORS_DOCUMENT, module, toHex, h } from "./helpers.mjs";

const installed = JSON.parse(readFileSync(join(REPO, "node_modules/libsodium-wrappers-sumo/package.json"), "utf8")).version;
const worker = readFileSync(join(REPO, "web/static/js/kdf-worker.js"), "utf8");
const vendored = join(REPO, "web/static/vendor", `libsodium-wrappers-sumo-${installed}.mjs`);

test("package.json pins libsodium-wrappers-sumo to the installed version", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  assert.equal(pkg.dependencies["libsodium-wrappers-sumo"], installed);
});

test("the KDF worker imports the vendored libsodium of the installed version", () => {
  const imports = [...worker.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assert.deepEqual(imports, [`../vendor/libsodium-wrappers-sumo-${installed}.mjs`, "./coffre-crypto.js"]);
});

test("the vendored libsodium loads as a plain ES module and computes a vector", { skip: !existsSync(vendored) && "run scripts/install-js to vendor libsodium" }, async () => {
  const source = readFileSync(vendored, "utf8");
  assert.doesNotMatch(source, /"libsodium-sumo"/);
  const { default: vendoredSodium } = await import(pathToFileURL(vendored).href);
  await vendoredSodium.ready;
  const coffre = module.createCoffreCrypto(vendoredSodium);
  const vector = VECTORS_DOCUMENT.vectors.find((v) => v.construction === "subkey" && v.outcome === "ok");
  assert.equal(toHex(coffre.subkey(h(vector.inputs.parent), vector.inputs.purpose)), vector.expected.subkey);
});

// worker_threads stands in for a browser's module worker: `self` is shimmed onto parentPort.
const WORKER_SHIM = `
const { parentPort, workerData } = require("node:worker_threads");
globalThis.self = {
  addEventListener: (type, listener) => parentPort.on(type, (data) => listener({ data })),
  postMessage: (message) => parentPort.postMessage(message),
};
import(workerData.url);
`;

test("the KDF worker answers derivePassphraseKeys and createAccount requests", { skip: !existsSync(vendored) && "run scripts/install-js to vendor libsodium" }, async () => {
  const { Worker } = await import("node:worker_threads");
  const url = pathToFileURL(join(REPO, "web/static/js/kdf-worker.js")).href;
  const thread = new Worker(WORKER_SHIM, { eval: true, workerData: { url } });
  const answers = new Map();
  const waiters = new Map();
  thread.on("message", (message) => {
    answers.set(message.id, message);
    waiters.get(message.id)?.();
  });
  const ask = (id, op, args) =>
    new Promise((resolve) => {
      waiters.set(id, () => resolve(answers.get(id)));
      thread.postMessage({ id, op, args });
    });
  try {
    const vector = VECTORS_DOCUMENT.vectors.find((v) => v.construction === "passphrase_kdf" && v.outcome === "ok");
    const i = vector.inputs;
    const params = { alg: i.alg, salt: h(i.salt), opslimit: i.opslimit, memlimit: i.memlimit };
    const [derived, weak, created] = await Promise.all([
      ask(1, "derivePassphraseKeys", [i.passphrase, params]),
      ask(2, "derivePassphraseKeys", [i.passphrase, { ...params, memlimit: 1024 }]),
      ask(3, "createAccount", ["sept mots pour ouvrir le coffre"]),
    ]);
    assert.equal(derived.ok, true);
    assert.equal(toHex(derived.result.authKey), vector.expected.auth_key);
    assert.equal(toHex(derived.result.wrapKey), vector.expected.wrap_key);
    assert.deepEqual(weak.error.name, "WeakParametersError");
    assert.equal(created.ok, true);
    assert.equal(created.result.wrappedKeyring.length, 105);
    assert.equal(created.result.recoverySecret.length, 16);
  } finally {
    await thread.terminate();
  }
});
