// The KDF worker's libsodium import matches the installed, vendored version.
// The worker runs under the page's versioned prefix (/static/<hash>/js/, web/assets.py),
// where vendor/ is not served: it imports libsodium from the one absolute URL
// /static/vendor/libsodium-wrappers-sumo-<version>.mjs (web/vendor.py's URL, the page's too).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { REPO, VECTORS_DOCUMENT, coffre, module, toHex, h } from "./helpers.mjs";

const installed = JSON.parse(readFileSync(join(REPO, "node_modules/libsodium-wrappers-sumo/package.json"), "utf8")).version;
const worker = readFileSync(join(REPO, "web/static/js/kdf-worker.js"), "utf8");
const vendored = join(REPO, "web/static/vendor", `libsodium-wrappers-sumo-${installed}.mjs`);
const SODIUM_URL = `/static/vendor/libsodium-wrappers-sumo-${installed}.mjs`;

test("package.json pins libsodium-wrappers-sumo to the installed version", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  assert.equal(pkg.dependencies["libsodium-wrappers-sumo"], installed);
});

test("the KDF worker imports the vendored libsodium of the installed version", () => {
  // Static imports: only its own modules, relative (they follow the versioned prefix).
  const imports = [...worker.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assert.deepEqual(imports, ["./coffre-crypto.js", "./kdf-v2.js"]);
  // libsodium: one dynamic import of exactly the vendored file's URL, nothing else imported.
  const urls = [...worker.matchAll(/^const SODIUM = "([^"]+)";$/gm)].map((m) => m[1]);
  assert.deepEqual(urls, [SODIUM_URL]);
  const code = worker.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, ""); // JSDoc types name import("…") too
  assert.deepEqual([...code.matchAll(/\bimport\(([^)]*)\)/g)].map((m) => m[1]), ["SODIUM"]);
});

test("the vendored libsodium loads as a plain ES module and computes a vector", { skip: !existsSync(vendored) && "run scripts/install-js to vendor libsodium" }, async () => {
  const source = readFileSync(vendored, "utf8");
  assert.doesNotMatch(source, /"libsodium-sumo"/);
  const { default: vendoredSodium } = await import(pathToFileURL(vendored).href);
  await vendoredSodium.ready;
  const vendoredCoffre = module.createCoffreCrypto(vendoredSodium);
  const vector = VECTORS_DOCUMENT.vectors.find((v) => v.construction === "subkey" && v.outcome === "ok");
  assert.equal(toHex(vendoredCoffre.subkey(h(vector.inputs.parent), vector.inputs.purpose)), vector.expected.subkey);
});

// worker_threads stands in for a browser's module worker: `self` is shimmed onto parentPort,
// and a resolve hook serves the absolute /static/vendor/ URLs from web/static/vendor/ as the
// app's /static mount does (any other absolute URL stays unresolvable, as it is not served).
const VENDOR_HOOKS = `
const VENDOR = ${JSON.stringify(pathToFileURL(join(REPO, "web/static/vendor")).href)};
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("/static/vendor/")) return next(VENDOR + specifier.slice("/static/vendor".length), context);
  return next(specifier, context);
}`;
const WORKER_SHIM = `
const { parentPort, workerData } = require("node:worker_threads");
require("node:module").register("data:text/javascript," + encodeURIComponent(workerData.hooks));
globalThis.self = {
  addEventListener: (type, listener) => parentPort.on(type, (data) => listener({ data })),
  postMessage: (message) => parentPort.postMessage(message),
};
import(workerData.url);
`;

test("the KDF worker answers derivePassphraseKeys, createAccount and the v2 requests", { skip: !existsSync(vendored) && "run scripts/install-js to vendor libsodium" }, async () => {
  const { Worker } = await import("node:worker_threads");
  const url = pathToFileURL(join(REPO, "web/static/js/kdf-worker.js")).href;
  const thread = new Worker(WORKER_SHIM, { eval: true, workerData: { url, hooks: VENDOR_HOOKS } });
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

    // KDF v2 (SPEC §19): the parameters are read and checked in the worker, the salt is
    // derived there from the territory and the login; a v1 JSON still derives as v1.
    const v2doc = JSON.parse(readFileSync(join(REPO, "crypto/vectors/v2.json"), "utf8"));
    const kdfV2 = v2doc.vectors.find((v) => v.construction === "passphrase_kdf_v2" && v.outcome === "ok");
    const who = { territory: kdfV2.inputs.territory, login: kdfV2.inputs.login };
    const v1json = { alg: i.alg, salt: coffre.b64encode(h(i.salt)), opslimit: i.opslimit, memlimit: i.memlimit };
    const [any2, any1, weak2, extra, newV2, rewrapped] = await Promise.all([
      ask(4, "derivePassphraseKeysAny", [kdfV2.inputs.passphrase, kdfV2.inputs.params, who]),
      ask(5, "derivePassphraseKeysAny", [i.passphrase, v1json, who]),
      ask(6, "derivePassphraseKeysAny", [kdfV2.inputs.passphrase, { ...kdfV2.inputs.params, opslimit: 2 }, who]),
      ask(7, "derivePassphraseKeysAny", [kdfV2.inputs.passphrase, { ...kdfV2.inputs.params, salt: "AAAAAAAAAAAAAAAAAAAAAA" }, who]),
      ask(8, "createAccountV2", ["sept mots pour ouvrir le coffre", who]),
      ask(9, "rewrapV2", [new Uint8Array(32).fill(1), "sept mots pour ouvrir le coffre", who]),
    ]);
    assert.equal(any2.ok, true);
    assert.equal(any2.result.version, 2);
    assert.equal(toHex(any2.result.authKey), kdfV2.expected.auth_key);
    assert.equal(toHex(any2.result.wrapKey), kdfV2.expected.wrap_key);
    assert.equal(any1.result.version, 1);
    assert.equal(toHex(any1.result.authKey), vector.expected.auth_key);
    assert.equal(weak2.error.name, "WeakParametersError");
    assert.equal(extra.error.name, "InvalidInputError");
    assert.deepEqual(Object.keys(newV2.result.kdf), ["v", "alg", "salt_random", "opslimit", "memlimit"]);
    assert.equal(newV2.result.wrappedKeyring.length, 105);
    assert.equal(rewrapped.result.kdf.v, 2);
    assert.equal(rewrapped.result.wrappedMasterPassphrase.length, 73);
  } finally {
    await thread.terminate();
  }
});
