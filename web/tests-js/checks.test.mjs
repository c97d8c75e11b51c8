// The page's JavaScript is under the static checks (issue 14): scripts/check runs eslint
// over every module and tsc over the JSDoc-typed ones, and the modules that handle
// keys, HTTP and the export are among them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { REPO } from "./helpers.mjs";

const JS = join(REPO, "web/static/js");
const TYPED = [
  "coffre-crypto.js",
  "crypto-base.js",
  "crypto-keys.js",
  "crypto-accounts.js",
  "crypto-documents.js",
  "crypto-sharing.js",
  "ui.js",
  "kdf-client.js",
  "kdf-worker.js",
  "network.js",
  "trust.js",
  "zip.js",
  "http.js",
  "person-export.js",
];

test("scripts/check runs eslint over the repository and tsc over the page's modules", () => {
  const check = readFileSync(join(REPO, "scripts/check"), "utf8");
  assert.match(check, /^npx --no-install eslint --max-warnings 0 \.$/m);
  assert.match(check, /^npx --no-install tsc --noEmit -p \.$/m);
  const tsconfig = readFileSync(join(REPO, "tsconfig.json"), "utf8");
  assert.match(tsconfig, /"web\/static\/js\/\*\*\/\*\.js"/);
});

test("the crypto, HTTP and export modules are type-checked (// @ts-check)", () => {
  const modules = readdirSync(JS).filter((name) => name.endsWith(".js"));
  for (const name of TYPED) {
    assert.ok(modules.includes(name), `${name} is missing`);
    const first = readFileSync(join(JS, name), "utf8").split("\n", 1)[0];
    assert.equal(first, "// @ts-check", `${name} must start with // @ts-check`);
  }
});

test("eslint refuses a statement glued onto the end of a comment, and the name it hid", async () => {
  const eslint = new ESLint({ cwd: REPO });
  const glued = [
    "export function done(listed, setStatus) {",
    '  listed.sort(); // one main action      const deposits = listed.filter((d) => d.deposit);',
    '  setStatus(deposits.length ? "!" : "");',
    "}",
    "",
  ].join("\n");
  const [result] = await eslint.lintText(glued, { filePath: join(JS, "probe.js") });
  const rules = result.messages.map((m) => m.ruleId).sort();
  assert.deepEqual(rules, ["local/no-statement-in-comment", "no-undef"]);
  const fixed = glued.replace("action      const", "action\n  const");
  const [clean] = await eslint.lintText(fixed, { filePath: join(JS, "probe.js") });
  assert.deepEqual(clean.messages, []);
});
