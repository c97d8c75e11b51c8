// web/static/js/person-reminders.js dueAt: the day the person picks, at 9:00 on the
// territory's clock, written with its offset as the server wants it (summer and winter
// time, the days the clocks change). web/static/js/alerts-common.js: what the person
// never chose shows no answer; what they chose comes back as they chose it; a save
// sends only what they answered, with the page's language.
import { test } from "node:test";
import assert from "node:assert/strict";

globalThis.document = { documentElement: { lang: "uk", dataset: { timeZone: "Europe/Paris" } } };
const { dueAt } = await import("../static/js/person-reminders.js");
const { settingsBody, settingsFrom } = await import("../static/js/alerts-common.js");

test("a reminder is due at 9:00 in Paris, with the offset of that day", () => {
  assert.equal(dueAt("2027-01-15", 9), "2027-01-15T09:00:00+01:00");
  assert.equal(dueAt("2027-07-15", 9), "2027-07-15T09:00:00+02:00");
  // 28 March 2027: the clocks go forward at 02:00; 9:00 is already summer time.
  assert.equal(dueAt("2027-03-28", 9), "2027-03-28T09:00:00+02:00");
  // 31 October 2027: the clocks go back at 03:00; 9:00 is winter time.
  assert.equal(dueAt("2027-10-31", 9), "2027-10-31T09:00:00+01:00");
  assert.equal(new Date(dueAt("2027-03-28", 9)).toISOString(), "2027-03-28T07:00:00.000Z");
});

const DEFAULTS = {
  language: "fr", timezone: "Europe/Paris", push: true, sms: false, email: null, email_on: false,
  quiet_start: null, quiet_end: null, digest: "each",
  reminders: { documents_expiring: true, grants_ending: true, requests_waiting: true, relays_not_taken: true, own: true },
  chosen: [], sms_possible: false, email_possible: false,
};

test("the server's defaults are no answer of the person's", () => {
  const s = settingsFrom(DEFAULTS);
  assert.equal(s.quiet, null);
  assert.equal(s.sms, null);
  assert.equal(s.digest, null);
  assert.deepEqual(s.reminders, { documents_expiring: null, grants_ending: null, requests_waiting: null, own: null });
});

test("what the person chose comes back: the night, their own hours, none, each reminder", () => {
  const night = settingsFrom({ ...DEFAULTS, quiet_start: "21:00", quiet_end: "08:00", chosen: ["quiet_start", "quiet_end"] });
  assert.deepEqual([night.quiet, night.from, night.to], ["night", 21, 8]);
  const own = settingsFrom({ ...DEFAULTS, quiet_start: "22:00", quiet_end: "07:00", chosen: ["quiet_start", "quiet_end"] });
  assert.deepEqual([own.quiet, own.from, own.to], ["own", 22, 7]);
  const none = settingsFrom({ ...DEFAULTS, chosen: ["quiet_start", "quiet_end"] });
  assert.equal(none.quiet, "none");
  const some = settingsFrom({ ...DEFAULTS, reminders: { ...DEFAULTS.reminders, documents_expiring: false }, chosen: ["documents_expiring", "own"] });
  assert.deepEqual(some.reminders, { documents_expiring: false, grants_ending: null, requests_waiting: null, own: true });
});

test("a save sends only what was answered, with the page's language", () => {
  assert.deepEqual(settingsBody({ quiet: "night", from: 21, to: 8 }), { language: "uk", quiet_start: "21:00", quiet_end: "08:00" });
  assert.deepEqual(settingsBody({ quiet: "none", from: null, to: null }), { language: "uk", quiet_start: null, quiet_end: null });
  assert.deepEqual(settingsBody({ reminders: { documents_expiring: false, grants_ending: null, requests_waiting: null, own: true } }), {
    language: "uk",
    reminders: { documents_expiring: false, own: true },
  });
  assert.deepEqual(settingsBody({ email: "a@b.fr", digest: "daily" }), { language: "uk", email: "a@b.fr", email_on: true, digest: "daily" });
});

test("the delivery log says each delivery in plain words", async () => {
  const { deliverySentence } = await import("../static/js/alerts-common.js");
  const S = {
    alerts_log_line: "Le {date} à {time} : {what}, {channel}. {state}",
    alerts_log_push: "sur le téléphone", alerts_log_sms: "par SMS", alerts_log_email: "par e-mail", alerts_log_other: "autrement",
    alerts_log_sent: "Envoyé.", alerts_log_waiting: "Pas encore envoyé.", alerts_log_given_up: "Abandonné.", alerts_log_gone: "Téléphone parti.",
    alerts_what_reminder: "un rappel", alerts_what_digest: "le résumé du jour", alerts_what_other: "une nouvelle",
  };
  const at = "2027-01-15T08:00:00Z";
  const line = (/** @type {Record<string, string>} */ d) => deliverySentence({ created_at: at, updated_at: at, sent_at: null, ...d }, S);
  globalThis.document.documentElement.lang = "fr";
  assert.equal(line({ kind: "reminder.due", channel: "sms", state: "sent", sent_at: at }), "Le 15/01/2027 à 09:00 : un rappel, par SMS. Envoyé.");
  assert.equal(line({ kind: "digest", channel: "email", state: "pending" }), "Le 15/01/2027 à 09:00 : le résumé du jour, par e-mail. Pas encore envoyé.");
  assert.equal(line({ kind: "x", channel: "push", state: "sending" }), "Le 15/01/2027 à 09:00 : une nouvelle, sur le téléphone. Pas encore envoyé.");
  assert.equal(line({ kind: "x", channel: "push", state: "failed", reason: "http_410" }), "Le 15/01/2027 à 09:00 : une nouvelle, sur le téléphone. Téléphone parti.");
  assert.equal(line({ kind: "x", channel: "sms", state: "given_up", reason: "timeout" }), "Le 15/01/2027 à 09:00 : une nouvelle, par SMS. Abandonné.");
});
