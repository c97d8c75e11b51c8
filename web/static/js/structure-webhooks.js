// @ts-check
// The structure admin's automatic sendings (webhooks, docs/WEBHOOKS.md) on /structure:
// the addresses where Coffre tells the structure's software that a share arrived, that
// a request was answered or that a relay arrived; adding one (https address and the
// events, none chosen in advance), its key shown ONCE (never again: the page keeps it
// in that screen only and wipes it when leaving), deleting one after a question, and
// an address's log (state, attempts, the partner's last answer, the next try) with
// "Renvoyer" on each line (a new attempt of the same message).
//
// structure-admin.js owns the log-in, the screens and the menu; it calls `open()` for
// the menu's "Envois automatiques", `onClick(element)` for this module's buttons, and
// `wipe()` when the session ends.

import { day, time } from "./dates.js";
import { fill } from "./consent-common.js";
import { byId, el, formOf } from "./desk.js";

const EVENTS = ["grant.created", "request.answered", "relay.arrived"];

/**
 * @typedef {object} Webhook
 * @property {string} id
 * @property {string} url
 * @property {string[]} events
 * @property {string} created_at
 * @property {string | null} [secret]
 */

/**
 * @typedef {object} Delivery
 * @property {string} id
 * @property {string} event_type
 * @property {string} state
 * @property {number} attempts
 * @property {number} replays
 * @property {number | null} last_status
 * @property {string | null} next_attempt_at
 * @property {string} created_at
 * @property {string | null} sent_at
 */

/**
 * What this section needs of the page (structure-admin.js's desk).
 * @typedef {object} WebhookPage
 * @property {Record<string, string>} STRINGS
 * @property {{structure: string}} state
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string, options?: {status?: string}) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLFormElement, on: boolean) => void} busy
 * @property {(error: unknown) => string} problem
 */

/** @param {WebhookPage} page */
export function createWebhooks({ STRINGS, state, api, show, showError, busy, problem }) {
  /** @type {Webhook[]} */
  let hooks = [];
  /** @type {Webhook | null} */
  let current = null;

  const base = () => `/structures/${state.structure}/webhooks`;

  /** @param {string} event */
  function eventName(event) {
    return STRINGS[`webhook_event_${event.replace(".", "_")}`] || event;
  }

  /** @param {string} status */
  async function open(status = "") {
    showError("webhooks-error", "");
    const answer = await (await api("GET", base())).json();
    hooks = answer.webhooks;
    const list = byId("webhooks-list");
    list.replaceChildren();
    for (const hook of hooks) {
      const item = el("li", { className: "adhesion" });
      item.dataset.webhook = hook.id;
      const url = el("h2", { text: hook.url });
      url.setAttribute("translate", "no");
      item.append(
        url,
        el("p", { text: fill(STRINGS.webhook_events_are, { events: hook.events.map(eventName).join(", ") }) }),
        el("p", { className: "hint", text: fill(STRINGS.webhook_added_on, { date: day(hook.created_at) }) }),
      );
      const actions = el("div", { className: "actions" });
      const logButton = el("button", { text: STRINGS.webhook_log });
      logButton.type = "button";
      logButton.dataset.webhookLog = hook.id;
      logButton.setAttribute("aria-label", `${STRINGS.webhook_log} — ${hook.url}`);
      const remove = el("button", { text: STRINGS.webhook_delete });
      remove.type = "button";
      remove.dataset.webhookDelete = hook.id;
      remove.setAttribute("aria-label", `${STRINGS.webhook_delete} — ${hook.url}`);
      actions.append(logButton, remove);
      item.append(actions);
      list.append(item);
    }
    if (!hooks.length) list.append(el("li", { text: STRINGS.webhooks_none }));
    show("webhooks", { status });
  }

  function openAdd() {
    showError("webhook-add-error", "");
    const form = formOf("webhook-form");
    form.reset();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    show("webhook-add");
  }

  /**
   * A field refused: the sentence, the field marked and focused (what was typed stays).
   * @param {string} fieldId
   * @param {string} message
   */
  function refuse(fieldId, message) {
    showError("webhook-add-error", message);
    const field = byId(fieldId);
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }

  /** @param {SubmitEvent} event */
  async function onAdd(event) {
    event.preventDefault();
    const form = formOf("webhook-form");
    const url = /** @type {HTMLInputElement} */ (byId("webhook-url")).value.trim();
    const events = EVENTS.filter((name) => /** @type {HTMLInputElement} */ (form.querySelector(`input[value="${name}"]`)).checked);
    showError("webhook-add-error", "");
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    if (!url) return refuse("webhook-url", STRINGS.webhook_url_missing);
    if (!events.length) return refuse("webhook-event-grant", STRINGS.webhook_events_missing);
    busy(form, true);
    try {
      /** @type {Webhook} */
      const made = await (await api("POST", base(), { json: { url, events } })).json();
      busy(form, false);
      form.reset();
      byId("webhook-secret-for").textContent = fill(STRINGS.webhook_secret_for, { url: made.url });
      /** @type {HTMLInputElement} */ (byId("webhook-secret")).value = made.secret || "";
      show("webhook-secret");
    } catch (error) {
      busy(form, false);
      showError("webhook-add-error", problem(error));
    }
  }

  /** The key leaves the page when its screen is left. */
  function forgetSecret() {
    /** @type {HTMLInputElement} */ (byId("webhook-secret")).value = "";
    byId("webhook-secret-for").textContent = "";
    byId("webhook-secret-copied").textContent = "";
  }

  /** "Copier la clé": to the clipboard, or selected for the admin to copy. */
  async function copySecret() {
    const field = /** @type {HTMLInputElement} */ (byId("webhook-secret"));
    const said = byId("webhook-secret-copied");
    try {
      await navigator.clipboard.writeText(field.value);
      said.textContent = STRINGS.webhook_secret_copied;
    } catch {
      field.select();
      said.textContent = STRINGS.webhook_secret_copy_failed;
    }
  }

  byId("webhook-secret-copy").addEventListener("click", copySecret);
  // Shown once: whichever way its screen is left (a menu item, "J'ai copié la clé",
  // a log-out), the key leaves the page at once.
  const secretScreen = /** @type {HTMLElement} */ (document.querySelector('[data-screen="webhook-secret"]'));
  new MutationObserver(() => {
    if (secretScreen.hidden) forgetSecret();
  }).observe(secretScreen, { attributes: true, attributeFilter: ["hidden"] });

  /** @param {string} id */
  function askDelete(id) {
    current = hooks.find((hook) => hook.id === id) || null;
    if (!current) return;
    byId("webhook-delete-who").textContent = current.url;
    showError("webhook-delete-error", "");
    show("webhook-delete");
  }

  async function confirmDelete() {
    if (!current) return;
    try {
      await api("DELETE", `${base()}/${current.id}`);
      const url = current.url;
      current = null;
      await open(fill(STRINGS.webhook_deleted, { url }));
    } catch (error) {
      showError("webhook-delete-error", problem(error));
    }
  }

  /** @param {Delivery} d */
  function stateLine(d) {
    const when = d.next_attempt_at ? { date: day(d.next_attempt_at), time: time(d.next_attempt_at) } : { date: "", time: "" };
    switch (d.state) {
      case "sent": return STRINGS.delivery_sent;
      case "pending": return d.next_attempt_at ? fill(STRINGS.delivery_pending, when) : STRINGS.delivery_sending;
      case "sending": return STRINGS.delivery_sending;
      case "failed": return STRINGS.delivery_failed;
      case "given_up": return STRINGS.delivery_given_up;
      default: return d.state;
    }
  }

  /** @param {string} id @param {string} [status] */
  async function openLog(id, status = "") {
    current = hooks.find((hook) => hook.id === id) || current;
    if (!current) return;
    showError("webhook-log-error", "");
    const answer = await (await api("GET", `${base()}/${current.id}/deliveries`)).json();
    /** @type {Delivery[]} */
    const deliveries = answer.deliveries;
    byId("webhook-log-for").textContent = current.url;
    const list = byId("webhook-log-list");
    list.replaceChildren();
    for (const d of deliveries) {
      const item = el("li", { className: "adhesion" });
      item.dataset.delivery = d.id;
      item.dataset.state = d.state;
      item.append(
        el("h2", { text: `${eventName(d.event_type)} — ${day(d.created_at)} ${time(d.created_at)}` }),
        el("p", { className: `delivery delivery-${d.state}`, text: stateLine(d) }),
        el("p", {
          className: "hint",
          text: fill(d.last_status === null ? STRINGS.delivery_attempts_no_answer : STRINGS.delivery_attempts, {
            n: String(d.attempts),
            status: String(d.last_status ?? ""),
          }),
        }),
      );
      if (d.state !== "sending") {
        const again = el("button", { text: STRINGS.delivery_replay });
        again.type = "button";
        again.dataset.deliveryReplay = d.id;
        again.setAttribute("aria-label", `${STRINGS.delivery_replay} — ${eventName(d.event_type)} ${day(d.created_at)} ${time(d.created_at)}`);
        const actions = el("div", { className: "actions" });
        actions.append(again);
        item.append(actions);
      }
      list.append(item);
    }
    if (!deliveries.length) list.append(el("li", { text: STRINGS.deliveries_none }));
    show("webhook-log", { status });
  }

  /** @param {string} id */
  async function replay(id) {
    if (!current) return;
    try {
      await api("POST", `${base()}/${current.id}/deliveries/${id}/replay`);
      await openLog(current.id, STRINGS.delivery_replayed);
    } catch (error) {
      showError("webhook-log-error", problem(error));
    }
  }

  /**
   * This section's buttons; true when the click was one of them.
   * @param {Element} clicked
   * @param {(run: () => unknown) => void} guarded runs a click's work, its error shown
   */
  function onClick(clicked, guarded) {
    const log = /** @type {HTMLElement | null} */ (clicked.closest("[data-webhook-log]"));
    const remove = /** @type {HTMLElement | null} */ (clicked.closest("[data-webhook-delete]"));
    const again = /** @type {HTMLElement | null} */ (clicked.closest("[data-delivery-replay]"));
    if (log) guarded(() => openLog(log.dataset.webhookLog || ""));
    else if (remove) guarded(() => askDelete(remove.dataset.webhookDelete || ""));
    else if (again) guarded(() => replay(again.dataset.deliveryReplay || ""));
    return Boolean(log || remove || again);
  }

  function wipe() {
    hooks = [];
    current = null;
    forgetSecret();
    for (const id of ["webhooks-list", "webhook-log-list"]) byId(id).replaceChildren();
    for (const id of ["webhook-log-for", "webhook-delete-who"]) byId(id).textContent = "";
    for (const id of ["webhooks-error", "webhook-add-error", "webhook-delete-error", "webhook-log-error"]) showError(id, "");
  }

  return { open, openAdd, onAdd, confirmDelete, forgetSecret, onClick, wipe, refreshLog: () => (current ? openLog(current.id) : open()) };
}
