// @ts-check
// The officer console's delivery log (GET /console/deliveries, docs/NOTIFICATIONS.md):
// what left Coffre outside the app, to whom (a person by reference, a professional by
// name), by which way, how it went. Metadata only, as the API gives it.
import { fill } from "./consent-common.js";
import { messageFor } from "./http.js";

/** A delivery as GET /console/deliveries gives it. @typedef {Record<string, any>} Delivery */

/**
 * @typedef {object} DeliveriesContext
 * @property {Record<string, string>} STRINGS
 * @property {{signedIn: boolean}} state
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(params: Record<string, unknown>) => string} query
 * @property {(value: string | number | Date) => string} when
 * @property {<K extends keyof HTMLElementTagNameMap>(tag: K, options?: {className?: string, text?: string, lang?: string}, ...children: (Node | null)[]) => HTMLElementTagNameMap[K]} el
 */

/** @param {string} id */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/** @param {DeliveriesContext} ctx */
export function createDeliveries(ctx) {
  const { STRINGS, state, api, show, showError, busy, query, when, el } = ctx;
  /** @type {Record<string, any>} */
  const LABELS = JSON.parse(byId("console-delivery-labels").textContent || "{}");
  const form = /** @type {HTMLFormElement & Record<string, any>} */ (byId("deliveries-form"));

  /**
   * @param {string} kind
   * @param {string} code
   */
  function label(kind, code) {
    return (LABELS[kind] || {})[code] || code;
  }

  /** @param {Event} [event] */
  async function showDeliveries(event) {
    if (event) event.preventDefault();
    showError("deliveries-error", "");
    busy(form, true);
    try {
      const response = await api("GET", `/console/deliveries${query({ state: form.state.value })}`);
      render((await response.json()).deliveries);
      show("deliveries");
    } catch (error) {
      if (state.signedIn) {
        show("deliveries");
        showError("deliveries-error", messageFor(error, STRINGS.unexpected_error));
      }
    } finally {
      busy(form, false);
    }
  }

  /** @param {Delivery[]} deliveries */
  function render(deliveries) {
    const list = byId("deliveries-list");
    list.replaceChildren(...deliveries.map(row));
    byId("deliveries-summary").textContent = deliveries.length
      ? fill(LABELS.shown, { n: deliveries.length })
      : LABELS.empty;
  }

  /** @param {Delivery} d */
  function row(d) {
    const bad = d.state === "failed" || d.state === "given_up";
    const item = el("li", { className: `entry ${bad ? "failed" : d.state === "sent" ? "ok" : ""}` });
    const at = el("time", { text: when(d.created_at) });
    at.dateTime = d.created_at;
    item.append(el("p", { className: "entry-when" }, at));
    item.append(el("p", { className: "entry-head" },
      el("span", { className: "entry-action", text: (LABELS.kinds || {})[d.kind] || LABELS.other_kind }),
      el("span", { className: `outcome ${bad ? "failed" : d.state === "sent" ? "ok" : ""}`, text: label("states", d.state) })));
    item.append(el("p", { text: fill(LABELS.to, { who: d.recipient, role: label("roles", d.recipient_role) }) }));
    item.append(el("p", { text: `${label("channels", d.channel)} · ${fill(LABELS.attempts, { state: label("states", d.state), n: d.attempts })}` }));
    if (d.sent_at) item.append(el("p", { text: fill(LABELS.sent_at, { when: when(d.sent_at) }) }));
    if (bad && d.reason) item.append(el("p", { text: fill(LABELS.reason, { reason: d.reason }) }));
    return item;
  }

  function clear() {
    byId("deliveries-list").replaceChildren();
    byId("deliveries-summary").textContent = "";
    showError("deliveries-error", "");
  }

  form.addEventListener("submit", showDeliveries);
  return { showDeliveries, clear };
}
