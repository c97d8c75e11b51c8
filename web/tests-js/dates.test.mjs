// web/static/js/dates.js: one time zone rule for every screen and the console (issue 14,
// item 7): the territory's zone from <html data-time-zone>, never the device's nor UTC.
// The console's period filters start at the territory's midnight, on both sides of a
// change of clocks.
import { test } from "node:test";
import assert from "node:assert/strict";

// The page's <html lang="fr" data-time-zone="Europe/Paris">, as dates.js reads it.
globalThis.document = { documentElement: { lang: "fr", dataset: { timeZone: "Europe/Paris" } } };
const { day, dayKey, dayStart, time } = await import("../static/js/dates.js");

test("a day starts at the territory's midnight, summer and winter time", () => {
  assert.equal(dayStart("2026-01-15"), "2026-01-14T23:00:00.000Z");
  assert.equal(dayStart("2026-07-01"), "2026-06-30T22:00:00.000Z");
  // 29 March 2026: the clocks go forward at 02:00; the day still starts at 00:00 (UTC+1).
  assert.equal(dayStart("2026-03-29"), "2026-03-28T23:00:00.000Z");
  assert.equal(dayStart("2026-03-29", 1), "2026-03-29T22:00:00.000Z");
  // 25 October 2026: the clocks go back; the next day starts at 00:00 UTC+1.
  assert.equal(dayStart("2026-10-25", 1), "2026-10-25T23:00:00.000Z");
  // A period's end (the next day's start) minus one millisecond is its last day again.
  assert.equal(dayKey(new Date(dayStart("2026-03-29", 1)).getTime() - 1), "2026-03-29");
});

test("an instant just after midnight in Paris is the next day, whatever the device's zone", () => {
  const lateUtc = "2026-12-05T23:30:00Z";
  assert.equal(day(lateUtc), "06/12/2026");
  assert.equal(dayKey(lateUtc), "2026-12-06");
  assert.equal(time(lateUtc), "00:30");
});
