// The page's strict JSON reader and member syntax (SPEC §18; coffre-json.js) on what
// JSON.parse reads differently. tests/web/test_js_crypto_v2.py also compares it with
// crypto/jsontext.py text by text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { module, errorOf } from "./helpers.mjs";
import { parseStrictJson, readObject, readTime, readText, formatTime } from "../static/js/coffre-json.js";

const invalid = errorOf(module.InvalidInputError);
const utf8 = (text) => new TextEncoder().encode(text);

test("what JSON.parse accepts and the strict reader refuses", () => {
  for (const text of ['{"a":1,"a":2}', '{"size":28.0}', '{"size":1e3}', "[9007199254740992]", '"\\ud800"', '{"\\udc00":1}', "NaN", "[1,]", "01", '"\\ud83d"']) {
    assert.throws(() => parseStrictJson(text), invalid, text);
    assert.throws(() => parseStrictJson(utf8(text)), invalid, text);
  }
  assert.throws(() => parseStrictJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), invalid);
  assert.throws(() => parseStrictJson("\ufeff{}"), invalid);
  assert.throws(() => parseStrictJson(new Uint8Array([0x22, 0xff, 0x22])), invalid);
  assert.throws(() => parseStrictJson("[".repeat(600) + "]".repeat(600)), invalid);
});

test("values read the same as JSON.parse reads them, __proto__ as an own member", () => {
  for (const text of ['{"a":[1,-2,{"b":null}],"c":"é\\u2028\\n"}', ' [ true , false ] ', '"\\ud83d\\ude00"', "-9007199254740991"]) {
    assert.deepEqual(parseStrictJson(text), JSON.parse(text));
  }
  const proto = parseStrictJson('{"__proto__":{"polluted":1}}');
  assert.deepEqual(Object.keys(proto), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.equal({}.polluted, undefined);
  assert.ok(Object.is(parseStrictJson("-0"), 0));
});

test("reading order: an object, then v, then type, then the exact members", () => {
  assert.throws(() => readObject({ v: 3 }, ["v", "name"], ""), errorOf(module.UnsupportedVersionError));
  assert.throws(() => readObject({ v: true }, ["v"], ""), invalid);
  assert.throws(() => readObject({ name: "x" }, ["v", "name"], ""), invalid);
  assert.throws(() => readObject({ v: 2, type: "other" }, ["v", "type"], "coffre/deposit"), invalid);
  assert.throws(() => readObject({ v: 2, extra: 1 }, ["v"], ""), invalid);
  assert.throws(() => readObject([2], ["v"], ""), invalid);
  assert.deepEqual(readObject({ name: "x", v: 2 }, ["v", "name"], ""), { v: 2, name: "x" });
});

test("times are real UTC dates with whole seconds; texts have no control characters", () => {
  assert.equal(readTime("2028-02-29T23:59:59Z", "t"), Date.UTC(2028, 1, 29, 23, 59, 59));
  assert.equal(readTime("0001-01-01T00:00:00Z", "t"), new Date("0001-01-01T00:00:00Z").getTime());
  for (const bad of ["2026-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00+00:00", "2026-1-01T00:00:00Z"]) {
    assert.throws(() => readTime(bad, "t"), invalid, bad);
  }
  assert.equal(formatTime(new Date(Date.UTC(2026, 0, 10, 9, 30, 0, 999))), "2026-01-10T09:30:00Z");
  assert.equal(readText("é".repeat(127), "name", 255).length, 127);
  assert.throws(() => readText("é".repeat(128), "name", 255), invalid);
  assert.throws(() => readText("a\u007fb", "name", 255), invalid);
  assert.throws(() => readText("", "name", 255), invalid);
});
