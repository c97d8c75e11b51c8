// @ts-check
// "Accès des logiciels partenaires": a professional's personal access tokens
// (docs/PARTNERS.md "Tokens"; GET/POST /tokens, DELETE /tokens/{id}). The list says
// what each access may do, until when, and when it was last used; an access is made
// with the rights and the length the professional ticks (nothing ticked in advance),
// shown once with a copy button (the server keeps only its SHA-256: the page forgets
// it when the screen is left), and withdrawn at once.
import { byId, button, day, el, fill, time } from "./consent-common.js";
import { messageFor } from "./http.js";

/**
 * A token as GET /tokens lists it.
 * @typedef {{id: string, label: string, scopes: string[], created_at: string, expires_at: string, last_used_at: string | null, expired: boolean}} TokenItem
 */

/** @param {import("./types/page").PageHelpers} ctx */
export function createProTokens(ctx) {
  const { api, show, setStatus, showError, busy } = ctx;
  /** @type {Record<string, string>} */
  const T = JSON.parse(byId("pro-tokens-strings").textContent || "{}");
  const form = /** @type {HTMLFormElement} */ (byId("pro-token-form"));
  const shown = /** @type {HTMLInputElement} */ (byId("pro-token-value"));

  /** Forget the code shown once. */
  function forget() {
    shown.value = "";
    byId("pro-token-copied").textContent = "";
  }

  /**
   * One access in the list: its name, what it may do, its dates, a button to withdraw it.
   * @param {TokenItem} token
   */
  function item(token) {
    const rights = el("ul", { className: "rights" });
    for (const scope of token.scopes) rights.append(el("li", { text: T[scope] || scope }));
    const used = token.last_used_at
      ? fill(T.used, { date: day(token.last_used_at), time: time(token.last_used_at) })
      : T.never_used;
    const until = fill(token.expired ? T.ended : T.ends, { date: day(token.expires_at) });
    const revoke = button(fill(T.revoke, { label: token.label }), () => onRevoke(token));
    return el(
      "li",
      { className: "card" },
      el("h2", { text: token.label }),
      rights,
      el("p", { text: fill(T.made, { date: day(token.created_at) }) }),
      el("p", { text: until }),
      el("p", { text: used }),
      el("div", { className: "actions" }, revoke),
    );
  }

  /** @param {string} [status] */
  async function showTokens(status = "") {
    forget();
    showError("pro-tokens-error", "");
    const list = byId("pro-tokens-list");
    try {
      const body = await (await api("GET", "/tokens")).json();
      /** @type {TokenItem[]} */
      const tokens = Array.isArray(body.tokens) ? body.tokens : [];
      list.replaceChildren(tokens.length ? el("ul", { className: "cards" }, ...tokens.map(item)) : el("p", { text: T.none }));
    } catch (error) {
      list.replaceChildren();
      showError("pro-tokens-error", messageFor(error, T.unexpected));
    }
    show("pro-tokens", { status });
  }

  function showNew() {
    forget();
    form.reset();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    showError("pro-token-error", "");
    show("pro-token-new");
  }

  /**
   * A field refused: the sentence, the field marked and focused.
   * @param {string} fieldId
   * @param {string} message
   */
  function refuse(fieldId, message) {
    showError("pro-token-error", message);
    const field = byId(fieldId);
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }

  /** @param {SubmitEvent} event */
  async function onCreate(event) {
    event.preventDefault();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    showError("pro-token-error", "");
    const label = /** @type {HTMLInputElement} */ (byId("pro-token-label")).value.trim();
    const scopes = [...form.querySelectorAll("input[name=scope]:checked")].map((n) => /** @type {HTMLInputElement} */ (n).value);
    const length = /** @type {HTMLInputElement | null} */ (form.querySelector("input[name=days]:checked"));
    if (!label) return refuse("pro-token-label", T.need_label);
    if (!scopes.length) return refuse("pro-token-scope-1", T.need_scope);
    if (!length) return refuse("pro-token-days-7", T.need_days);
    busy(form, true);
    try {
      const made = await (await api("POST", "/tokens", { json: { label, scopes, days: Number(length.value) } })).json();
      busy(form, false);
      form.reset();
      shown.value = String(made.token);
      show("pro-token-shown");
    } catch (error) {
      busy(form, false);
      setStatus("");
      showError("pro-token-error", messageFor(error, T.unexpected));
    }
  }

  async function onCopy() {
    const said = byId("pro-token-copied");
    try {
      await navigator.clipboard.writeText(shown.value);
      said.textContent = T.copied;
    } catch {
      shown.select();
      said.textContent = T.copy_failed;
    }
  }

  /** @param {TokenItem} token */
  async function onRevoke(token) {
    if (!window.confirm(fill(T.revoke_confirm, { label: token.label }))) return;
    try {
      await api("DELETE", `/tokens/${encodeURIComponent(token.id)}`);
      await showTokens(fill(T.revoked, { label: token.label }));
    } catch (error) {
      showError("pro-tokens-error", messageFor(error, T.unexpected));
    }
  }

  form.addEventListener("submit", onCreate);
  byId("pro-token-copy").addEventListener("click", onCopy);
  // Shown once: the code leaves the page as soon as its screen is left, whichever way
  // (a menu item, the back button, a log-out), not only by "J'ai copié le code".
  const shownScreen = /** @type {HTMLElement} */ (document.querySelector('[data-screen="pro-token-shown"]'));
  new MutationObserver(() => {
    if (shownScreen.hidden) forget();
  }).observe(shownScreen, { attributes: true, attributeFilter: ["hidden"] });

  /** Back (or forward) to the code's screen: never again; the list instead. */
  function backToShown() {
    forget();
    history.replaceState({ screen: "pro-tokens" }, "", "#pro-tokens");
    return showTokens();
  }

  return {
    screens: ["pro-tokens", "pro-token-new", "pro-token-shown"],
    enter: { "pro-tokens": showTokens, "pro-token-new": showNew, "pro-token-shown": backToShown },
    actions: {},
    wipe() {
      forget();
      form.reset();
      byId("pro-tokens-list").replaceChildren();
    },
  };
}
