// web/static/js/zip.js and the file names of the full export (person-export.js), the
// same as the CLI's (client/export.py `safe_name`, `unique_name`; tests/audit).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fflate from "fflate";
import { createZip } from "../static/js/zip.js";
import { safeName, uniqueName } from "../static/js/person-export.js";

test("a ZIP lists its files in the central directory, with UTF-8 names", async () => {
  const zip = createZip(fflate);
  const one = new TextEncoder().encode("bonjour");
  zip.add("documents/identite/carte d'identité.jpg", one, new Date(2026, 10, 25, 16, 4, 6));
  zip.add("manifest.json", new Uint8Array([123, 125]), new Date(), { deflate: true });
  const bytes = new Uint8Array(await zip.finish().arrayBuffer());
  const view = new DataView(bytes.buffer);
  const end = bytes.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  assert.equal(view.getUint16(end + 10, true), 2);
  let at = view.getUint32(end + 16, true);
  const names = [];
  for (let i = 0; i < 2; i++) {
    assert.equal(view.getUint32(at, true), 0x02014b50);
    // The UTF-8 flag on the non-ASCII name (an ASCII name needs none).
    if (i === 0) assert.equal(view.getUint16(at + 8, true) & 0x0800, 0x0800);
    const length = view.getUint16(at + 28, true);
    names.push(new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + length)));
    at += 46 + length;
  }
  assert.deepEqual(names, ["documents/identite/carte d'identité.jpg", "manifest.json"]);
  // Stored, not deflated: the bytes follow the first local header as they are.
  const name = new TextEncoder().encode(names[0]).length;
  assert.equal(view.getUint32(0, true), 0x04034b50);
  const extra = view.getUint16(28, true);
  assert.equal(view.getUint16(8, true), 0); // method 0: stored
  const start = 30 + name + extra;
  assert.equal(new TextDecoder().decode(bytes.subarray(start, start + 7)), "bonjour");
});

test("file names are made safe as the CLI does", () => {
  const cases = [
    ["avis.pdf", "avis.pdf"],
    ["../../etc/passwd", "passwd"],
    ["..\\..\\windows\\system32\\x.dll", "x.dll"],
    ["..", "document"],
    ["", "document"],
    ["  . ", "document"],
    ["con", "_con"],
    ["NUL.txt", "_NUL.txt"],
    ["com1.tar.gz", "_com1.tar.gz"],
    ["LPT9", "_LPT9"],
    ["console.txt", "console.txt"],
    ["a:b*c?.pdf", "a_b_c_.pdf"],
    ["facture\u202efdp.exe", "facturefdp.exe"],
    ["ligne\nretour.pdf", "ligne_retour.pdf"],
    ["fin. . .", "fin"],
    [".bashrc", "bashrc"],
    ["e\u0301te\u0301.pdf", "été.pdf"],
  ];
  for (const [given, safe] of cases) assert.equal(safeName(given), safe, given);
  const long = safeName(`${"é".repeat(300)}.pdf`);
  assert.ok(long.endsWith(".pdf") && new TextEncoder().encode(long).length <= 180);
  const taken = new Set();
  assert.deepEqual(
    ["a.pdf", "A.pdf", "a.pdf", "b"].map((n) => uniqueName(n, taken)),
    ["a.pdf", "A (2).pdf", "a (3).pdf", "b"],
  );
});
