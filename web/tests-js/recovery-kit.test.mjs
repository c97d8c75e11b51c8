// web/static/js/recovery-kit.js: the kit check (issue 18). A group typed back is read as
// the recovery code's parser reads a code (SPEC §4.3: spaces and dashes ignored, ASCII
// upper case, 0/1/8 read as O/I/B); the two groups asked are two different ones among
// the six groups of four characters, in order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanGroup, pickGroups } from "../static/js/recovery-kit.js";
import { placeOf } from "../static/js/person-nav.js";

test("a group typed back is read as the code's parser reads it", () => {
  assert.equal(cleanGroup(" ajy3 "), "AJY3");
  assert.equal(cleanGroup("a-j y3"), "AJY3");
  assert.equal(cleanGroup("H01B"), "HOIB");
  assert.equal(cleanGroup("8IO2"), "BIO2");
  // Only ASCII is upper-cased (SPEC §18.6): a dotless ı stays what it is.
  assert.equal(cleanGroup("ıjy3"), "ıJY3");
});

test("two different groups among the first six are asked, in order", () => {
  const seen = new Set();
  for (let i = 0; i < 200; i += 1) {
    const [a, b] = pickGroups();
    assert.ok(a >= 1 && a < b && b <= 6, `${a}, ${b}`);
    seen.add(`${a}-${b}`);
  }
  assert.equal(seen.size, 15); // every pair can come up
  assert.deepEqual(pickGroups(() => 0), [1, 2]);
  assert.deepEqual(pickGroups(() => 0.999), [5, 6]);
});

test("each screen belongs to one place of the bottom bar", () => {
  assert.equal(placeOf("documents"), "documents");
  assert.equal(placeOf("share-confirm"), "documents");
  assert.equal(placeOf("requests"), "shares");
  assert.equal(placeOf("notifications"), "history");
  assert.equal(placeOf("recovery-again"), "more");
  assert.equal(placeOf("referent-handover"), "more");
  assert.equal(placeOf("recovery"), "");
});
