// web/static/js/dates.js in the page's languages (issue 18): a date reads like the one on
// the person's French papers, day first, Gregorian calendar, Latin digits, whatever the
// language (Dari's own default is the Solar Hijri calendar in Persian digits).
import { test } from "node:test";
import assert from "node:assert/strict";

globalThis.document = { documentElement: { lang: "fr", dataset: { timeZone: "Europe/Paris" } } };
const { calendarDay, day, time } = await import("../static/js/dates.js");

/** The same instant and calendar day, the page in `lang`. */
function inLanguage(lang) {
  globalThis.document.documentElement.lang = lang;
  // Strip the bidirectional marks Arabic puts around the slashes: the digits are the point.
  const clean = (text) => text.replace(/[\u200e\u200f\u061c]/g, "");
  return [clean(calendarDay("2031-06-30")), clean(day("2026-12-05T23:30:00Z")), clean(time("2026-12-05T23:30:00Z"))];
}

test("every language writes the day first, in the Gregorian calendar, with Latin digits", () => {
  assert.deepEqual(inLanguage("fr"), ["30/06/2031", "06/12/2026", "00:30"]);
  assert.deepEqual(inLanguage("en"), ["30/06/2031", "06/12/2026", "00:30"]);
  assert.deepEqual(inLanguage("fa-AF"), ["30/06/2031", "06/12/2026", "00:30"]);
  assert.deepEqual(inLanguage("ps"), ["30/06/2031", "06/12/2026", "00:30"]);
  assert.deepEqual(inLanguage("ar"), ["30/06/2031", "06/12/2026", "00:30"]);
  assert.deepEqual(inLanguage("uk"), ["30.06.2031", "06.12.2026", "00:30"]);
  for (const lang of ["ru", "ro", "es", "pt"]) {
    const [validity] = inLanguage(lang);
    assert.match(validity, /^30\D06\D2031$/, lang);
  }
});
