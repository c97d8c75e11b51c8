// @ts-check
// The person's appointments as an iCalendar file (RFC 5545), for the page's full
// export ("rendez-vous.ics" beside organiser.json, person-export.js), the same events
// as the CLI's export (client/organiser.py, through the icalendar library):
//
//   - lines end with CRLF and are folded at 75 octets (a CRLF and one space), never
//     inside a UTF-8 character (§3.1);
//   - TEXT values escape backslash, semicolon, comma and line feed (§3.3.11);
//   - times are UTC ("20270302T083000Z", §3.3.5 form 2), as the items hold them
//     (crypto/SPEC.md §30.2);
//   - one UID per item ("<item id>@organiser.coffre"), so a calendar that imports the
//     file twice updates the events rather than doubling them; SEQUENCE follows the
//     item's version.
// No DOM, no libsodium: web/tests-js/organiser-ics.test.mjs and
// tests/organiser/test_ics.py (which parses this module's output with icalendar).

/** @typedef {import("./crypto-organiser.js").OrganiserItem} OrganiserItem */
/**
 * An item as organiser.json lists it: its id and version, and the opened item.
 * @typedef {{id: string, version: number, item: OrganiserItem}} ListedItem
 */
/**
 * The words the person reads in their calendar (page strings, in their language).
 * @typedef {{summary: string, summaryWith: string}} IcsWords
 */

export const PRODID = "-//Coffre//Carnet//FR";
export const UID_DOMAIN = "organiser.coffre";
/** French, as the CLI's export writes them: the page passes the person's language. */
export const FRENCH = Object.freeze({ summary: "Rendez-vous", summaryWith: "Rendez-vous avec {name}" });
const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/**
 * A TEXT value escaped as RFC 5545 §3.3.11 says.
 * @param {string} text
 */
export function escapeText(text) {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

/**
 * One content line folded at 75 octets (§3.1): continuation lines start with a space,
 * and a character's UTF-8 bytes are never cut.
 * @param {string} line
 */
export function foldLine(line) {
  const out = [];
  let current = "";
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      out.push(current);
      current = " ";
      octets = 1;
      limit = MAX_OCTETS;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n");
}

/**
 * A UTC time of the items ("2027-03-02T08:30:00Z") or a Date, in iCalendar's UTC form.
 * @param {string | Date} moment
 */
export function icsTime(moment) {
  const iso = typeof moment === "string" ? moment : moment.toISOString().replace(/\.\d{3}Z$/, "Z");
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(iso);
  if (!m) throw new TypeError("expected a UTC time YYYY-MM-DDTHH:MM:SSZ");
  return `${m[1]}${m[2]}${m[3]}T${m[4]}${m[5]}${m[6]}Z`;
}

/**
 * The appointments among `entries` as one VCALENDAR (other kinds are skipped).
 * @param {ListedItem[]} entries
 * @param {Date} now the export's time (DTSTAMP)
 * @param {IcsWords} [words]
 * @returns {string}
 */
export function icsCalendar(entries, now, words = FRENCH) {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:${PRODID}`, "CALSCALE:GREGORIAN"];
  const stamp = icsTime(new Date(Math.floor(now.getTime() / 1000) * 1000));
  for (const { id, version, item } of entries) {
    if (item.kind !== "appointment") continue;
    const summary = item.with_whom ? words.summaryWith.replace("{name}", item.with_whom) : words.summary;
    lines.push("BEGIN:VEVENT", `UID:${id}@${UID_DOMAIN}`, `DTSTAMP:${stamp}`, `DTSTART:${icsTime(item.starts_at)}`);
    if (item.ends_at) lines.push(`DTEND:${icsTime(item.ends_at)}`);
    lines.push(`SUMMARY:${escapeText(summary)}`);
    if (item.place) lines.push(`LOCATION:${escapeText(item.place)}`);
    if (item.note) lines.push(`DESCRIPTION:${escapeText(item.note)}`);
    lines.push(`SEQUENCE:${Math.max(version - 1, 0)}`, "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
