// @ts-check
// "Mes rappels" (issue 19): the person's own reminders. The server knows the day a
// reminder is due, how it comes back and whether it is on; its text is sealed to the
// person in the page (crypto-organiser.js, SPEC §31) and opened here only: the message
// on the phone says "Coffre : vous avez un rappel", the page says what about.
//
// Adding one: the preset "Déclaration CAF tous les 3 mois" (the text and the repeat
// filled in because the person pressed it; the day is theirs to pick) or their own;
// the day is on the territory's calendar, the morning (9:00). A reminder is turned
// off and on, or deleted after a question. The "reminder.due" notices of "Historique"
// open their text through `textOf` (person-notifications.js).
import { button, byId, checked, day, el, fill } from "./consent-common.js";
import { territoryZone } from "./dates.js";
import { ShownError, messageFor } from "./http.js";

/** The hour of the morning a reminder is due, on the territory's clock. */
const MORNING = 9;

/**
 * A reminder as GET /reminders lists it (H4).
 * @typedef {{id: string, due_at: string, repeat: string, sealed: string, active: boolean, done?: boolean, last_sent_at?: string | null}} Reminder
 */

/**
 * "2027-01-15" at `hour` on the territory's clock, as ISO 8601 with its offset
 * ("2027-01-15T09:00:00+01:00"), the form the server wants.
 * @param {string} date
 * @param {number} hour
 */
export function dueAt(date, hour) {
  const [y, m, d] = date.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d, hour);
  // The zone's offset at that wall time: read twice, so a change of summer time that
  // day is taken into account.
  let utc = wall - offsetAt(wall);
  utc = wall - offsetAt(utc);
  const offset = Math.round((wall - utc) / 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${date}T${pad(hour)}:00:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Milliseconds the territory's clock is ahead of UTC at the instant `utcMs`.
 * @param {number} utcMs
 */
function offsetAt(utcMs) {
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
  });
  for (const part of format.formatToParts(new Date(utcMs))) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return wall - Math.floor(utcMs / 60000) * 60000;
}

/** @param {import("./types/page").PersonHelpers} P */
export function createReminders(P) {
  const { S, C, sodium, state, api, show, setStatus, showError, busy } = P;
  /** @type {Reminder[]} */
  let reminders = [];
  /** @type {Map<string, string>} reminder id → its text, opened in the page */
  const texts = new Map();
  /** @type {Reminder | null} */
  let current = null; // the reminder the delete question is about
  /** @type {any} */
  let organiser = null; // crypto-organiser.js, fetched when first needed

  async function crypto() {
    if (!organiser) organiser = (await import("./crypto-organiser.js")).createOrganiser(sodium);
    return organiser;
  }

  /**
   * The text sealed to the person (SPEC §31), as base64 for the server.
   * @param {string} text
   */
  async function seal(text) {
    const keys = state.keys;
    if (!keys) throw new ShownError(S.unexpected_error);
    const sealed = (await crypto()).sealReminderText({ text, boxPublic: keys.boxPublic, signSeed: keys.signSeed });
    return C.b64encode(sealed);
  }

  /**
   * The reminder's text, or "" when it does not open here.
   * @param {Reminder} reminder
   */
  async function open(reminder) {
    const keys = state.keys;
    if (!keys) return "";
    try {
      const org = await crypto();
      return org.openReminderText({ sealed: C.b64decode(reminder.sealed), boxPublic: keys.boxPublic, boxSecret: keys.boxSecret, signPublic: keys.signPublic });
    } catch {
      return "";
    }
  }

  /** GET /reminders, each text opened. */
  async function load() {
    const body = await (await api("GET", "/reminders")).json();
    reminders = Array.isArray(body) ? body : body.items || body.reminders || [];
    texts.clear();
    for (const reminder of reminders) texts.set(reminder.id, await open(reminder));
    return reminders;
  }

  /**
   * A reminder's opened text ("" when it does not open; undefined when not listed).
   * @param {string} id
   */
  function textOf(id) {
    return texts.get(id);
  }

  // ------------------------------------------------------------------ the list

  /**
   * @param {Reminder} reminder
   */
  function row(reminder) {
    const text = texts.get(reminder.id) || "";
    const repeat = S[`reminder_repeat_${reminder.repeat}`] || "";
    const item = el(
      "li",
      { className: "notice" },
      el("p", { className: "choice-label", text: text || S.reminder_unreadable }),
      el("p", { text: `${fill(S.reminder_when, { date: day(reminder.due_at) })}. ${repeat}` }),
    );
    if (reminder.done) item.append(el("p", { className: "hint", text: S.reminder_done }));
    else if (!reminder.active) item.append(el("p", { className: "hint", text: S.reminder_off }));
    const actions = el("div", { className: "actions" });
    // A reminder already sent once and for all cannot come back: it can only go.
    if (!reminder.done) actions.append(button(reminder.active ? S.reminder_stop : S.reminder_restart, () => switchOne(reminder, !reminder.active)));
    actions.append(button(S.reminder_delete, () => askDelete(reminder), "danger"));
    item.append(actions);
    return item;
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showList(status = "", options = {}) {
    showError("reminders-error", "");
    const list = byId("reminders-list");
    list.replaceChildren();
    try {
      await load();
      const sorted = [...reminders].sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
      if (!sorted.length) list.append(el("p", { text: S.reminders_empty }));
      else list.append(el("ul", { className: "notices" }, ...sorted.map(row)));
    } catch (error) {
      showError("reminders-error", messageFor(error, S.unexpected_error));
    }
    show("reminders", { status, ...options });
  }

  /**
   * Turn a reminder off or on again.
   * @param {Reminder} reminder
   * @param {boolean} active
   */
  async function switchOne(reminder, active) {
    const list = byId("reminders-list");
    busy(list, true);
    try {
      // The server replaces the whole reminder: its date (even past), repeat and text as they are.
      const { due_at, repeat, sealed } = reminder;
      await api("PUT", `/reminders/${encodeURIComponent(reminder.id)}`, { json: { due_at, repeat, sealed, active } });
      busy(list, false);
      await showList(active ? S.reminder_restarted : S.reminder_stopped);
    } catch (error) {
      busy(list, false);
      setStatus("");
      showError("reminders-error", messageFor(error, S.unexpected_error));
    }
  }

  // ------------------------------------------------------------------ delete

  /** @param {Reminder} reminder */
  function askDelete(reminder) {
    current = reminder;
    showError("reminder-delete-error", "");
    byId("reminder-delete-what").textContent = fill(S.reminder_delete_what, { text: texts.get(reminder.id) || S.reminder_unreadable });
    show("reminder-delete");
  }

  async function deleteCurrent() {
    if (!current) return showList();
    const screen = byId("reminder-delete-what").parentElement || byId("reminder-delete-what");
    busy(/** @type {HTMLElement} */ (screen), true);
    try {
      await api("DELETE", `/reminders/${encodeURIComponent(current.id)}`);
      current = null;
      busy(/** @type {HTMLElement} */ (screen), false);
      await showList(S.reminder_deleted);
    } catch (error) {
      busy(/** @type {HTMLElement} */ (screen), false);
      setStatus("");
      showError("reminder-delete-error", messageFor(error, S.unexpected_error));
    }
  }

  // ------------------------------------------------------------------ add one

  /**
   * The form, empty or with the CAF preset the person pressed.
   * @param {boolean} caf
   */
  function startForm(caf) {
    const form = /** @type {HTMLFormElement} */ (byId("reminder-form"));
    form.reset();
    showError("reminder-form-error", "");
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    // The date input offers no day before tomorrow (the server refuses a past one).
    const tomorrow = new Date(Date.now() + 86400000);
    /** @type {HTMLInputElement} */ (form.elements.namedItem("date")).min = tomorrow.toISOString().slice(0, 10);
    if (caf) {
      /** @type {HTMLInputElement} */ (form.elements.namedItem("text")).value = S.reminder_caf_text;
      /** @type {HTMLInputElement} */ (byId("reminder-repeat-quarterly")).checked = true;
    }
    show("reminder-form");
  }

  /**
   * A field refused: its message, the field marked and focused.
   * @param {string} fieldId
   * @param {string} message
   */
  function refuse(fieldId, message) {
    showError("reminder-form-error", message);
    const field = byId(fieldId);
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", "reminder-form-error");
    field.focus();
  }

  /** @param {SubmitEvent} event */
  async function onSubmit(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.currentTarget);
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    showError("reminder-form-error", "");
    const text = /** @type {HTMLInputElement} */ (form.elements.namedItem("text")).value.trim().replace(/\s+/g, " ");
    const date = /** @type {HTMLInputElement} */ (form.elements.namedItem("date")).value;
    const repeat = checked(form, "repeat");
    if (!text) return refuse("reminder-text", S.reminder_need_text);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return refuse("reminder-date", S.reminder_need_date);
    const due = dueAt(date, MORNING);
    if (new Date(due).getTime() <= Date.now()) return refuse("reminder-date", S.reminder_past_date);
    if (!repeat) return refuse("reminder-repeat-none", S.reminder_need_repeat);
    busy(form, true);
    try {
      const sealed = await seal(text);
      await api("POST", "/reminders", { json: { due_at: due, repeat, sealed, active: true } });
      busy(form, false);
      form.reset();
      await showList(fill(S.reminder_added, { date: day(due) }));
    } catch (error) {
      busy(form, false);
      setStatus("");
      showError("reminder-form-error", messageFor(error, S.unexpected_error));
    }
  }

  byId("reminder-form").addEventListener("submit", onSubmit);

  return {
    load,
    textOf,
    screens: ["reminders", "reminder-add", "reminder-form", "reminder-delete"],
    enter: { reminders: showList },
    actions: {
      "reminder-caf": () => startForm(true),
      "reminder-own": () => startForm(false),
      "reminder-delete-yes": deleteCurrent,
    },
    wipe() {
      reminders = [];
      texts.clear();
      current = null;
      byId("reminders-list").replaceChildren();
      byId("reminder-delete-what").replaceChildren();
    },
  };
}
