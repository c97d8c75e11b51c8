// @ts-check
// "Être prévenu" (issue 19), the person's side: how Coffre tells them outside the app
// and when. A first screen sums up what they chose and leads to one screen a question:
// messages on this phone (Web Push through push.js; it says first what a locked phone
// will show: never a document's name), an SMS too (only when their login is a phone
// number), the hours without message, which reminders they want, and what Coffre sent
// them ("Ce qui vous a été envoyé": sent, not yet, given up).
//
// Nothing is ticked for the person: a question they never answered shows no answer
// (alerts-common.js keeps `null` for it), and saving sends only what they answered.
// The page's language goes with every save: the messages come in the language they
// read Coffre in.
import { byId, checked, el, fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { REMINDER_KINDS, hourOptions, quietAnswer, quietSentence, renderDeliveries, deliveriesOf, settingsBody, settingsFrom } from "./alerts-common.js";

/** A phone number as the server keeps a login (coffre/accounts/login.py). */
const PHONE_LOGIN = /^\+?[0-9]{8,15}$/;

/**
 * "0612345678" → "06 12 34 56 78" (read on the screen as the person writes it).
 * @param {string} login
 */
function spaced(login) {
  return /^0[0-9]{9}$/.test(login) ? login.replace(/(\d{2})(?=\d)/g, "$1 ") : login;
}

/** The language of the page, named as the language menu names it ("Français"). */
function languageName() {
  const current = document.querySelector(".languages a[aria-current]");
  return current ? String(current.textContent).trim() : document.documentElement.lang;
}

/** push.js (H7), fetched when first needed; `null` when it cannot be. */
async function pushModule() {
  try {
    return await import("./push.js");
  } catch {
    return null;
  }
}

/** @param {import("./types/page").PersonHelpers} P */
export function createAlerts(P) {
  const { S, state, api, show, setStatus, showError, busy } = P;
  /** @type {import("./alerts-common.js").Settings | null} */
  let settings = null;

  // SMS is offered when the login is a phone number (the server says so too: sms_possible).
  const phoneLogin = () => (state.login && PHONE_LOGIN.test(state.login) && settings?.smsPossible !== false ? state.login : "");

  async function load() {
    settings = settingsFrom(await (await api("GET", "/notifications/settings")).json());
    return settings;
  }

  /**
   * Save what the person just answered; `settings` becomes the server's answer.
   * @param {Partial<import("./alerts-common.js").Settings>} changed
   */
  async function save(changed) {
    const response = await api("PUT", "/notifications/settings", { json: settingsBody(changed) });
    settings = settingsFrom(await response.json());
  }

  /**
   * A screen's settings fetched (or the error said on `errorId`), then the screen shown.
   * @param {string} name
   * @param {string} errorId
   * @param {(s: import("./alerts-common.js").Settings) => void | Promise<void>} fillScreen
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function enterWith(name, errorId, fillScreen, status = "", options = {}) {
    showError(errorId, "");
    try {
      await fillScreen(settings || (await load()));
    } catch (error) {
      showError(errorId, messageFor(error, S.unexpected_error));
    }
    show(name, { status, ...options });
  }

  /** Which state this phone's messages are in: on, off, denied, unsupported. */
  async function phoneState() {
    const push = await pushModule();
    if (!push || !push.pushSupported()) return "unsupported";
    try {
      return await push.pushState();
    } catch {
      return "off";
    }
  }

  /** @param {string} phone */
  function phoneSentence(phone) {
    /** @type {Record<string, string>} */
    const lines = { on: S.alerts_phone_on, off: S.alerts_phone_off, denied: S.alerts_phone_denied, unsupported: S.alerts_phone_unsupported };
    return lines[phone] || S.alerts_phone_off;
  }

  /**
   * The messages outside the app go in the language the person reads Coffre in: the
   * page's, sent when the server has another (once the vault is open, and on the summary).
   * A convenience: a failure is tried again next time.
   */
  async function syncLanguage() {
    const page = document.documentElement.lang || "fr";
    try {
      const current = settings || (await load());
      if (current.language !== page) await save({});
    } catch {
      // Tried again at the next opening of the vault.
    }
  }

  // ------------------------------------------------------------------ the summary

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showAlerts(status = "", options = {}) {
    if (!status) settings = null; // fetched afresh when the person comes from "Plus"
    const summary = byId("alerts-summary");
    summary.replaceChildren();
    byId("alerts-sms-item").hidden = true;
    await enterWith("alerts", "alerts-error", async (s) => {
      const phone = phoneLogin();
      byId("alerts-sms-item").hidden = !phone;
      const lines = [phoneSentence(await phoneState())];
      if (phone) {
        const sms = s.sms === null ? S.alerts_sms_unset : s.sms ? S.alerts_sms_on : S.alerts_sms_off;
        lines.push(fill(sms, { phone: spaced(phone) }));
      }
      if (s.language !== (document.documentElement.lang || "fr")) await syncLanguage();
      lines.push(quietSentence(s, S), fill(S.alerts_language, { language: languageName() }));
      summary.replaceChildren(...lines.map((text) => el("li", { className: "notice", text })));
    }, status, options);
  }

  // ------------------------------------------------------------------ this phone

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showPhone(status = "", options = {}) {
    showError("alerts-phone-error", "");
    const now = await phoneState();
    byId("alerts-phone-state").textContent = phoneSentence(now);
    byId("alerts-phone-on").hidden = now !== "off";
    byId("alerts-phone-off").hidden = now !== "on";
    show("alerts-phone", { status, ...options });
  }

  /** @param {boolean} on */
  async function switchPhone(on) {
    const push = await pushModule();
    const buttons = /** @type {HTMLElement} */ (byId("alerts-phone-on").parentElement);
    busy(buttons, true);
    try {
      if (!push) throw new Error("push.js");
      if (on) {
        const result = await push.enablePush();
        if (result === "failed") showError("alerts-phone-error", S.alerts_phone_failed);
        await showPhone(result === "on" ? S.alerts_phone_done : "");
      } else {
        await push.disablePush();
        await showPhone(S.alerts_phone_stopped);
      }
    } catch (error) {
      showError("alerts-phone-error", messageFor(error, S.alerts_phone_failed));
    } finally {
      busy(buttons, false);
    }
  }

  // ------------------------------------------------------------------ SMS

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showSms(status = "", options = {}) {
    const phone = phoneLogin();
    if (!phone) return showAlerts(status, options);
    byId("alerts-sms-number").textContent = fill(S.alerts_sms_to, { phone: spaced(phone) });
    await enterWith("alerts-sms", "alerts-sms-error", (s) => {
      /** @type {HTMLInputElement} */ (byId("alerts-sms-yes")).checked = s.sms === true;
      /** @type {HTMLInputElement} */ (byId("alerts-sms-no")).checked = s.sms === false;
    }, status, options);
  }

  /** @param {SubmitEvent} event */
  async function onSms(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.currentTarget);
    const answer = checked(form, "sms");
    if (!answer) return showError("alerts-sms-error", S.alerts_choose_sms);
    await submit(form, "alerts-sms-error", { sms: answer === "yes" });
  }

  // ------------------------------------------------------------------ quiet hours

  /** Show the two hour lists only when the person chose their own hours. */
  function quietHoursShown() {
    byId("alerts-quiet-hours").hidden = checked(/** @type {HTMLFormElement} */ (byId("alerts-quiet-form")), "quiet") !== "own";
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showQuiet(status = "", options = {}) {
    await enterWith("alerts-quiet", "alerts-quiet-error", (s) => {
      for (const value of ["night", "own", "none"]) {
        /** @type {HTMLInputElement} */ (byId(`alerts-quiet-${value}`)).checked = s.quiet === value;
      }
      // The lists start on nothing the person did not pick: their own hours, or none.
      hourOptions(/** @type {HTMLSelectElement} */ (byId("alerts-quiet-from")), S, s.quiet === "own" ? s.from : null);
      hourOptions(/** @type {HTMLSelectElement} */ (byId("alerts-quiet-to")), S, s.quiet === "own" ? s.to : null);
      quietHoursShown();
    }, status, options);
  }

  /** @param {SubmitEvent} event */
  async function onQuiet(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.currentTarget);
    const answer = quietAnswer(form, S);
    if (!answer.ok) return showError("alerts-quiet-error", answer.message);
    await submit(form, "alerts-quiet-error", { quiet: answer.quiet, from: answer.from, to: answer.to });
  }

  // ------------------------------------------------------------------ which reminders

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showReminderChoices(status = "", options = {}) {
    await enterWith("alerts-reminders", "alerts-reminders-error", (s) => {
      for (const which of REMINDER_KINDS) {
        /** @type {HTMLInputElement} */ (byId(`alerts-rem-${which}-yes`)).checked = s.reminders[which] === true;
        /** @type {HTMLInputElement} */ (byId(`alerts-rem-${which}-no`)).checked = s.reminders[which] === false;
      }
    }, status, options);
  }

  /** @param {SubmitEvent} event */
  async function onReminderChoices(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.currentTarget);
    /** @type {Record<string, boolean | null>} */
    const reminders = {};
    for (const which of REMINDER_KINDS) {
      const answer = checked(form, which);
      reminders[which] = answer ? answer === "yes" : null;
    }
    if (Object.values(reminders).every((on) => on === null)) return showError("alerts-reminders-error", S.alerts_choose_reminders);
    await submit(form, "alerts-reminders-error", { reminders });
  }

  /**
   * Send one screen's answer; back to the summary, which says it is saved.
   * @param {HTMLFormElement} form
   * @param {string} errorId
   * @param {Partial<import("./alerts-common.js").Settings>} changed
   */
  async function submit(form, errorId, changed) {
    showError(errorId, "");
    busy(form, true);
    try {
      await save(changed);
      busy(form, false);
      await showAlerts(S.alerts_saved);
    } catch (error) {
      busy(form, false);
      showError(errorId, messageFor(error, S.unexpected_error));
      setStatus("");
    }
  }

  // ------------------------------------------------------------------ the delivery log

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showLog(status = "", options = {}) {
    showError("alerts-log-error", "");
    const list = byId("alerts-log-list");
    list.replaceChildren();
    try {
      renderDeliveries(list, deliveriesOf(await (await api("GET", "/notifications/deliveries")).json()), S);
    } catch (error) {
      showError("alerts-log-error", messageFor(error, S.unexpected_error));
    }
    show("alerts-log", { status, ...options });
  }

  byId("alerts-sms-form").addEventListener("submit", onSms);
  byId("alerts-quiet-form").addEventListener("submit", onQuiet);
  byId("alerts-quiet-form").addEventListener("change", quietHoursShown);
  byId("alerts-reminders-form").addEventListener("submit", onReminderChoices);
  // An answer given: the sentence asking for it goes.
  for (const id of ["alerts-sms", "alerts-quiet", "alerts-reminders"]) {
    byId(`${id}-form`).addEventListener("change", () => showError(`${id}-error`, ""));
  }

  return {
    syncLanguage,
    screens: ["alerts", "alerts-phone", "alerts-sms", "alerts-quiet", "alerts-reminders", "alerts-log"],
    enter: {
      alerts: showAlerts,
      "alerts-phone": showPhone,
      "alerts-sms": showSms,
      "alerts-quiet": showQuiet,
      "alerts-reminders": showReminderChoices,
      "alerts-log": showLog,
    },
    actions: {
      "alerts-phone-on": () => switchPhone(true),
      "alerts-phone-off": () => switchPhone(false),
    },
    wipe() {
      settings = null;
      for (const id of ["alerts-summary", "alerts-log-list", "alerts-sms-number", "alerts-phone-state"]) byId(id).replaceChildren();
    },
  };
}
