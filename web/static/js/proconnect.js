// @ts-check
// Back from ProConnect (docs/PROCONNECT.md): ProConnect said who the professional is;
// the vault opens only with their passphrase. The "proconnect" screen greets them by
// the names ProConnect gave, asks for the passphrase (and, at a first login, their
// login: the invitation links that account), derives the login value and the wrap key
// in the KDF worker, and sends only the login value. The session opens on the
// server's answer and the keyring is unwrapped here, as at a passphrase login.
import { ApiError, messageFor } from "./http.js";
import { canonicalLogin } from "./kdf-v2.js";

/**
 * @typedef {object} ProConnectHelpers
 * @property {Record<string, string>} STRINGS
 * @property {Record<string, any>} CONFIG
 * @property {any} C createCoffreCrypto(sodium)
 * @property {any} sodium
 * @property {(method: string, path: string, options?: any) => Promise<Response>} api
 * @property {(op: string, ...args: any[]) => Promise<any>} kdf
 * @property {(login: string) => Promise<{territory: string, login: string}>} saltFor
 * @property {(form: HTMLFormElement, on: boolean) => void} busy
 * @property {(id: string, text: string) => void} showError
 * @property {(text?: string) => void} setStatus
 * @property {(name: string, options?: {push?: boolean, status?: string}) => void} show
 * @property {(keyring: any, wrapKey: Uint8Array, account: any) => Promise<void>} openVault
 * @property {(status?: string) => Promise<unknown>} home
 */

/** @param {ProConnectHelpers} h */
export function createProConnect(h) {
  const { STRINGS, CONFIG, C, sodium, api, kdf, saltFor, busy, showError, setStatus, show, openVault, home } = h;
  /** @type {any} */
  let pending = null;

  /** @param {string} code */
  function refusal(code) {
    return code === "proconnect_not_linked" ? STRINGS.proconnect_not_linked : STRINGS.proconnect_refused;
  }

  // Called at boot: true when the URL says the browser comes back from ProConnect.
  async function resume() {
    const error = /^#proconnect-error=([a-z_]{1,64})$/.exec(location.hash);
    if (error) {
      history.replaceState({ screen: "login" }, "", "#login");
      show("login", { push: false });
      showError("login-error", refusal(error[1]));
      return true;
    }
    if (location.hash !== "#proconnect") return false;
    history.replaceState({ screen: "proconnect" }, "", "#proconnect");
    try {
      pending = await (await api("GET", "/auth/proconnect/pending")).json();
    } catch (error) {
      history.replaceState({ screen: "login" }, "", "#login");
      show("login", { push: false });
      showError("login-error", error instanceof ApiError ? refusal(String(error.code)) : messageFor(error, STRINGS.unexpected_error));
      return true;
    }
    const hello = /** @type {HTMLElement} */ (document.getElementById("proconnect-hello"));
    hello.textContent = STRINGS.proconnect_hello.replace("{name}", `${pending.given_name} ${pending.usual_name}`);
    const login = /** @type {HTMLElement} */ (document.getElementById("proconnect-login-field"));
    login.hidden = !pending.linking;
    const username = /** @type {HTMLInputElement} */ (document.getElementById("proconnect-username"));
    username.value = pending.login || "";
    show("proconnect", { push: false });
    return true;
  }

  /** @param {SubmitEvent} event */
  async function onSubmit(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const passphrase = form.passphrase.value;
    showError("proconnect-error", "");
    if (!pending) return show("login");
    busy(form, true);
    try {
      /** @type {any} */
      let keys;
      /** @type {Record<string, string>} */
      const body = {};
      if (pending.linking) {
        const typed = form.login.value.trim();
        if (!typed) return showError("proconnect-error", STRINGS.login_missing);
        const who = await saltFor(typed);
        const pre = await (await api("POST", "/auth/prelogin", { json: { login: typed } })).json();
        keys = await kdf("derivePassphraseKeysAny", passphrase, pre.kdf, who);
        body.login = typed;
      } else {
        const who = { territory: CONFIG.territory, login: canonicalLogin(pending.login) || pending.login };
        keys = await kdf("derivePassphraseKeysAny", passphrase, pending.kdf, who);
      }
      body.auth_key = C.b64encode(keys.authKey);
      sodium.memzero(keys.authKey);
      const me = await (await api("POST", "/auth/proconnect/complete", { json: body })).json();
      pending = null;
      await openVault(me.keyring, keys.wrapKey, me.account);
      await home();
    } catch (error) {
      const code = error instanceof ApiError ? String(error.code) : "";
      const text = code === "invalid_credentials"
        ? STRINGS.wrong_credentials
        : code.startsWith("proconnect_") ? refusal(code) : messageFor(error, STRINGS.unexpected_error);
      showError("proconnect-error", text);
      setStatus("");
    } finally {
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  return { resume, onSubmit };
}

/**
 * A first ProConnect login with an invitation code (for the invitation page): the
 * code is posted (never put in a URL), then the browser goes to ProConnect.
 * @param {(method: string, path: string, options?: any) => Promise<Response>} api
 * @param {string} code the invitation code as printed
 */
export async function startProConnectWithInvitation(api, code) {
  const started = await (await api("POST", "/auth/proconnect/start", { json: { invitation: code } })).json();
  location.assign(started.authorization_url);
}
