// @ts-check
// What the person's "Être prévenu" (person-alerts.js) and the professional's e-mail
// settings (pro-alerts.js) share: the settings as the page reads them from
// GET /notifications/settings and writes them back (one adapter, the only place that
// knows the server's field names), the hours without message, and the delivery log
// (GET /notifications/deliveries) in plain words. No text lives here: every sentence is
// a template from the server (web/alerts_strings.py).
//
// A setting the person never chose is `null` here and shows nothing ticked (DESIGN.md:
// nothing chosen on their behalf), even where the server applies a default meanwhile.
import { day, el, fill, time } from "./consent-common.js";

/** The evening-to-morning hours offered as one choice ("entre 21 h et 8 h"). */
export const NIGHT = { from: 21, to: 8 };

/** The reminders a person can turn on or off (H2's preferences `reminder_enabled`). */
export const REMINDER_KINDS = ["documents_expiring", "grants_ending", "requests_waiting", "own"];

/**
 * The settings as the page uses them; `null`: never chosen.
 * @typedef {object} Settings
 * @property {"night" | "own" | "none" | null} quiet the hours without message
 * @property {number | null} from quiet from this hour (0-23), when `quiet` is night/own
 * @property {number | null} to quiet until this hour (0-23)
 * @property {boolean | null} sms also by SMS (a person whose login is a phone number)
 * @property {string | null} email a professional's address
 * @property {"each" | "daily" | null} digest a professional's rhythm
 * @property {Record<string, boolean | null>} reminders which reminders, by REMINDER_KINDS
 * @property {string | null} language the language messages are written in
 * @property {boolean | null} smsPossible the server offers SMS to this account (a phone login)
 */

/**
 * "21:00" → 21; anything else → null.
 * @param {unknown} value
 */
function hourOf(value) {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < 24) return value;
  const match = /^(\d{1,2})(?::00)?(?::00)?$/.exec(String(value ?? ""));
  if (!match) return null;
  const hour = Number(match[1]);
  return hour < 24 ? hour : null;
}

/** @param {unknown} value */
const flag = (value) => (value === true || value === false ? value : null);

/**
 * The server's settings (GET /notifications/settings) as the page uses them.
 * @param {Record<string, any>} body
 * @returns {Settings}
 */
export function settingsFrom(body) {
  const s = body.settings || body;
  // The fields the account ever set (H2's `chosen`); the others are the server's
  // defaults, which the page does not show as the person's answer.
  /** @type {Set<string> | null} */
  const chosenSet = Array.isArray(s.chosen) ? new Set(s.chosen.map(String)) : null;
  const chosen = (/** @type {string[]} */ ...names) => !chosenSet || names.some((name) => chosenSet.has(name));
  const from = hourOf(s.quiet_start);
  const to = hourOf(s.quiet_end);
  /** @type {Settings["quiet"]} */
  let quiet = null;
  if (chosen("quiet_start", "quiet_end", "quiet")) {
    if (from !== null && to !== null && from !== to) quiet = from === NIGHT.from && to === NIGHT.to ? "night" : "own";
    else if (chosenSet && s.quiet_start === null) quiet = "none";
  }
  const wanted = s.reminders || {};
  /** @type {Record<string, boolean | null>} */
  const reminders = {};
  for (const which of REMINDER_KINDS) {
    reminders[which] = chosen(which, `reminders.${which}`, `remind_${which}`) ? flag(wanted[which] ?? s[which]) : null;
  }
  const digest = chosen("digest") && (s.digest === "daily" || s.digest === "each") ? s.digest : null;
  return {
    quiet,
    from: quiet === "night" || quiet === "own" ? from : null,
    to: quiet === "night" || quiet === "own" ? to : null,
    sms: chosen("sms") ? flag(s.sms) : null,
    email: typeof s.email === "string" && s.email ? s.email : null,
    digest,
    reminders,
    language: typeof s.language === "string" ? s.language : null,
    smsPossible: flag(s.sms_possible),
  };
}

/**
 * What PUT /notifications/settings is sent for the fields the person just chose
 * (only those: what they did not answer stays unanswered), with the page's language.
 * @param {Partial<Settings>} changed
 */
export function settingsBody(changed) {
  /** @type {Record<string, unknown>} */
  const body = { language: document.documentElement.lang || "fr" };
  if (changed.quiet === "none") Object.assign(body, { quiet_start: null, quiet_end: null });
  else if (changed.quiet) Object.assign(body, { quiet_start: hh(changed.from ?? 0), quiet_end: hh(changed.to ?? 0) });
  if (changed.sms !== undefined && changed.sms !== null) body.sms = changed.sms;
  if (changed.email !== undefined) Object.assign(body, { email: changed.email, email_on: Boolean(changed.email) });
  if (changed.digest) body.digest = changed.digest;
  if (changed.reminders) {
    /** @type {Record<string, boolean>} */
    const reminders = {};
    for (const [which, on] of Object.entries(changed.reminders)) if (on !== null) reminders[which] = on;
    body.reminders = reminders;
  }
  return body;
}

/** @param {number} hour */
function hh(hour) {
  return `${String(hour).padStart(2, "0")}:00`;
}

/**
 * The 24 hours as the options of `select` ("21 h"), `chosen` selected; first, an empty
 * "Choisir l'heure", selected while nothing was chosen (a list with no option selected
 * shows its first hour, "0 h", as if the person had picked it: DESIGN.md, nothing
 * chosen on their behalf).
 * @param {HTMLSelectElement} select
 * @param {Record<string, string>} S
 * @param {number | null} chosen
 */
export function hourOptions(select, S, chosen) {
  const pick = el("option", { text: S.alerts_hour_pick });
  pick.value = "";
  pick.defaultSelected = true; // what a form's reset() comes back to
  pick.selected = chosen === null;
  select.replaceChildren(
    pick,
    ...Array.from({ length: 24 }, (_, hour) => {
      const option = el("option", { text: fill(S.alerts_hour, { hour }) });
      option.value = String(hour);
      option.selected = hour === chosen;
      return option;
    }),
  );
}

/**
 * The quiet hours form's answer: {quiet, from, to}, or the message saying what to do.
 * @param {HTMLFormElement} form with radios `quiet` and selects `from`, `to`
 * @param {Record<string, string>} S
 * @returns {{ok: true, quiet: "night" | "own" | "none", from: number | null, to: number | null} | {ok: false, message: string}}
 */
export function quietAnswer(form, S) {
  const picked = /** @type {HTMLInputElement | null} */ (form.querySelector("input[name=quiet]:checked"));
  if (!picked) return { ok: false, message: S.alerts_choose_quiet };
  if (picked.value === "none") return { ok: true, quiet: "none", from: null, to: null };
  if (picked.value === "night") return { ok: true, quiet: "night", ...NIGHT };
  const fromValue = /** @type {HTMLSelectElement} */ (form.elements.namedItem("from")).value;
  const toValue = /** @type {HTMLSelectElement} */ (form.elements.namedItem("to")).value;
  if (fromValue === "" || toValue === "") return { ok: false, message: S.alerts_choose_hours };
  const from = Number(fromValue);
  const to = Number(toValue);
  if (from === to) return { ok: false, message: S.alerts_same_hours };
  return { ok: true, quiet: "own", from, to };
}

/**
 * One line of the summary: the hours without message, as chosen.
 * @param {Settings} settings
 * @param {Record<string, string>} S
 */
export function quietSentence(settings, S) {
  if (settings.quiet === "none") return S.alerts_quiet_none;
  if (settings.quiet) return fill(S.alerts_quiet_night, { from: settings.from, to: settings.to });
  return S.alerts_quiet_unset;
}

/**
 * What a delivery was about, in a few words (the message itself said no more).
 * @param {string} kind
 * @param {Record<string, string>} S
 */
function whatOf(kind, S) {
  /** @type {Record<string, string>} */
  const words = {
    "document.pulled": S.alerts_what_pulled,
    "reminder.due": S.alerts_what_reminder,
    "document.expiring": S.alerts_what_expiring,
    "grant.ending": S.alerts_what_ending,
    "request.waiting": S.alerts_what_request,
    "request.received": S.alerts_what_request,
    digest: S.alerts_what_digest,
  };
  return words[kind] || S.alerts_what_other;
}

/**
 * A delivery as GET /notifications/deliveries lists it, in one plain sentence:
 * "Le 06/12/2026 à 09:00 : un rappel, par SMS. Envoyé."
 * @param {Record<string, any>} delivery
 * @param {Record<string, string>} S
 */
export function deliverySentence(delivery, S) {
  /** @type {Record<string, string>} */
  const channels = { push: S.alerts_log_push, sms: S.alerts_log_sms, email: S.alerts_log_email };
  /** @type {Record<string, string>} */
  const states = {
    sent: S.alerts_log_sent,
    given_up: S.alerts_log_given_up,
    failed: S.alerts_log_given_up,
    gone: S.alerts_log_gone,
  };
  let state = String(delivery.state || delivery.status || delivery.outcome || "");
  // A push service that answered 404/410: the phone left (its subscription is removed).
  if (state === "failed" && delivery.channel === "push" && /^http_(404|410)$/.test(String(delivery.reason || ""))) state = "gone";
  const at = delivery.sent_at || delivery.updated_at || delivery.created_at;
  return fill(S.alerts_log_line, {
    date: day(at),
    time: time(at),
    what: whatOf(String(delivery.kind || ""), S),
    channel: channels[delivery.channel] || S.alerts_log_other,
    state: states[state] || S.alerts_log_waiting,
  });
}

/**
 * The delivery log in its list (the most recent first), or the sentence saying it is empty.
 * @param {HTMLElement} list
 * @param {Record<string, any>[]} deliveries
 * @param {Record<string, string>} S
 */
export function renderDeliveries(list, deliveries, S) {
  if (!deliveries.length) return list.replaceChildren(el("p", { text: S.alerts_log_empty }));
  const sorted = [...deliveries].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  list.replaceChildren(el("ul", { className: "notices" }, ...sorted.map((d) => el("li", { className: "notice", text: deliverySentence(d, S) }))));
}

/**
 * GET /notifications/deliveries' list, whatever its envelope.
 * @param {Record<string, any>} body
 * @returns {Record<string, any>[]}
 */
export function deliveriesOf(body) {
  return Array.isArray(body) ? body : body.deliveries || body.items || [];
}
