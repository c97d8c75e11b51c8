// The page's SIRET rule (web/static/js/admin-siret.js) on the vectors the server's and
// the client's Python modules are tested with (tests/admin/siret_cases.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { siretProblem } from "../static/js/admin-siret.js";

const { cases } = JSON.parse(readFileSync(new URL("../../tests/admin/siret_cases.json", import.meta.url), "utf-8"));

test("the page's SIRET rule gives what the shared vectors expect", () => {
  assert.ok(cases.length > 10);
  for (const { siret, expected, why } of cases) {
    assert.equal(siretProblem(siret), expected, `${siret} (${why})`);
  }
});
