// @ts-check
// "Être prévenu par e-mail" (issue 19), a professional's side: the address e-mails go
// to, each news or one summary a day, the hours without e-mail, and what Coffre sent
// (GET /notifications/deliveries). Reached from "Mes notifications" (pro-notifications.js
// puts it together). The settings' server shape stays in alerts-common.js. Like the
// person's screens, nothing is ticked until the professional chose it.
import { byId, checked, fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { deliveriesOf, hourOptions, quietAnswer, renderDeliveries, settingsBody, settingsFrom } from "./alerts-common.js";

/** An address the server will try: something@domain.tld, no space (the server decides). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** @param {import("./types/page").PageHelpers} ctx */
export function createProAlerts(ctx) {
  const { S, api, show, setStatus, showError, busy } = ctx;
  const form = () => /** @type {HTMLFormElement} */ (byId("pro-alerts-form"));

  function hoursShown() {
    byId("pro-alerts-hours").hidden = checked(form(), "quiet") !== "own";
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showSettings(status = "", options = {}) {
    showError("pro-alerts-error", "");
    const f = form();
    try {
      const s = settingsFrom(await (await api("GET", "/notifications/settings")).json());
      /** @type {HTMLInputElement} */ (byId("pro-alerts-email")).value = s.email || "";
      /** @type {HTMLInputElement} */ (byId("pro-alerts-each")).checked = s.digest === "each";
      /** @type {HTMLInputElement} */ (byId("pro-alerts-daily")).checked = s.digest === "daily";
      for (const value of ["night", "own", "none"]) {
        /** @type {HTMLInputElement} */ (byId(`pro-alerts-quiet-${value}`)).checked = s.quiet === value;
      }
      hourOptions(/** @type {HTMLSelectElement} */ (byId("pro-alerts-from")), S, s.quiet === "own" ? s.from : null);
      hourOptions(/** @type {HTMLSelectElement} */ (byId("pro-alerts-to")), S, s.quiet === "own" ? s.to : null);
      hoursShown();
    } catch (error) {
      showError("pro-alerts-error", messageFor(error, S.unexpected_error));
    }
    try {
      renderDeliveries(byId("pro-alerts-log"), deliveriesOf(await (await api("GET", "/notifications/deliveries")).json()), S);
    } catch {
      byId("pro-alerts-log").replaceChildren();
    }
    for (const input of f.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    show("pro-alerts", { status, ...options });
  }

  /**
   * A field refused: its message, the field marked and focused.
   * @param {string} fieldId
   * @param {string} message
   */
  function refuse(fieldId, message) {
    showError("pro-alerts-error", message);
    const field = byId(fieldId);
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", "pro-alerts-error");
    field.focus();
  }

  /** @param {SubmitEvent} event */
  async function onSubmit(event) {
    event.preventDefault();
    const f = form();
    for (const input of f.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    showError("pro-alerts-error", "");
    const email = /** @type {HTMLInputElement} */ (byId("pro-alerts-email")).value.trim();
    if (!email) return refuse("pro-alerts-email", S.pro_alerts_need_email);
    if (!EMAIL.test(email)) return refuse("pro-alerts-email", S.pro_alerts_bad_email);
    const digest = checked(f, "digest");
    if (digest !== "each" && digest !== "daily") return refuse("pro-alerts-each", S.pro_alerts_choose_rhythm);
    const quiet = quietAnswer(f, S);
    if (!quiet.ok) return refuse("pro-alerts-quiet-night", quiet.message);
    busy(f, true);
    try {
      await api("PUT", "/notifications/settings", {
        json: settingsBody({ email, digest, quiet: quiet.quiet, from: quiet.from, to: quiet.to }),
      });
      busy(f, false);
      await showSettings(fill(digest === "daily" ? S.pro_alerts_saved_daily : S.pro_alerts_saved_each, { email }));
    } catch (error) {
      busy(f, false);
      setStatus("");
      showError("pro-alerts-error", messageFor(error, S.unexpected_error));
    }
  }

  form().addEventListener("submit", onSubmit);
  form().addEventListener("change", hoursShown);
  // A choice made: the sentence asking for it goes (a typed address is checked when sent).
  form().addEventListener("change", (event) => {
    if (/** @type {HTMLElement} */ (event.target).matches("input[type=radio], select")) showError("pro-alerts-error", "");
  });

  return {
    screens: ["pro-alerts"],
    enter: { "pro-alerts": showSettings },
    actions: {},
    wipe() {
      form().reset();
      byId("pro-alerts-log").replaceChildren();
    },
  };
}
