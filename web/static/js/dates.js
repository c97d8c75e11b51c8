// @ts-check
// Dates as every screen shows them: one rule, the territory's time zone (the server's
// TERRITORY_ZONE, coffre/consent/service.py, given to the page on
// <html data-time-zone>), never the device's zone nor UTC. The server decides a
// share's or a request's days in that zone; the page says the same day: a document
// added at 23:30 UTC on 5 December is "06/12" in Paris on every screen, whatever the
// phone's own setting.

/** The territory's IANA zone ("Europe/Paris"), as the page was given it. */
export function territoryZone() {
  return document.documentElement.dataset.timeZone || "Europe/Paris";
}

/**
 * The page's language as Intl wants it ("fr", "en-GB", "fa-AF"), with the Gregorian
 * calendar and Latin digits in every language: a date on the screen reads like the one on
 * the person's French papers (Dari would otherwise get the Solar Hijri calendar, Arabic
 * and Pashto other digits; docs/TRANSLATIONS.md).
 */
export function pageLocale() {
  const lang = document.documentElement.lang || "fr";
  return `${DAY_FIRST[lang] || lang}-u-ca-gregory-nu-latn`;
}

/**
 * Languages whose own numeric date puts the month or the year first (English "06/30",
 * Dari "06/30/2031", Pashto "2031-06-30"): their dates are written day first, as on
 * French papers, with en-GB's numbers (dates here are digits only, no month names).
 * @type {Record<string, string>}
 */
const DAY_FIRST = { en: "en-GB", "fa-AF": "en-GB", ps: "en-GB" };

/** @param {string | number | Date} value */
function instant(value) {
  return value instanceof Date ? value : new Date(value);
}

/** "dd/mm/yyyy": the territory's calendar day of an instant (ISO text, Date or ms). */
export function day(/** @type {string | number | Date} */ value) {
  return new Intl.DateTimeFormat(pageLocale(), {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    timeZone: territoryZone(),
  }).format(instant(value));
}

/** "HH:MM" on the territory's clock. */
export function time(/** @type {string | number | Date} */ value) {
  // 24-hour clock in every language, as in France (Arabic would say "12:30 ص").
  return new Intl.DateTimeFormat(pageLocale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: territoryZone() }).format(
    instant(value),
  );
}

/**
 * "dd/mm/yyyy" for a calendar day that is no instant ("2031-06-30": a validity date,
 * a "wanted before" day): written as it is, in no time zone.
 */
export function calendarDay(/** @type {string} */ iso) {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(pageLocale(), { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** "yyyy-mm-dd": the territory's calendar day of an instant (to compare with a calendar day). */
export function dayKey(/** @type {string | number | Date} */ value) {
  /** @type {Record<string, string>} */
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    timeZone: territoryZone(),
  });
  for (const part of format.formatToParts(instant(value))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * Milliseconds the territory's clock is ahead of UTC at `utcMs`.
 * @param {number} utcMs
 */
function zoneOffset(utcMs) {
  /** @type {Record<string, number>} */
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: territoryZone(),
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  for (const part of format.formatToParts(new Date(utcMs))) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * "2026-03-04" (a day on the territory's calendar, as a date input holds it) → the ISO
 * instant that day starts at there; `plusDays` 1 gives the start of the next day (a
 * period's last day is included). The console's period filters.
 * @param {string} text
 * @param {number} [plusDays]
 */
export function dayStart(text, plusDays = 0) {
  const [y, m, d] = text.split("-").map(Number);
  const utc = Date.UTC(y, m - 1, d + plusDays);
  return new Date(utc - zoneOffset(utc)).toISOString();
}
