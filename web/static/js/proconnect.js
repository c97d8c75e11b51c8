// @ts-check
// Back from ProConnect (docs/PROCONNECT.md): ProConnect said who the professional is;
// the vault opens only with their passphrase. The "proconnect" screen greets them by
// the names ProConnect gave, asks for the passphrase (and, at a first login, their
// login: the invitation links that account), derives the login value and the wrap key
// in the KDF worker, and sends only the login value. The session opens on the
// server's answer and the keyring is unwrapped here, as at a passphrase login.
//
// Joining: a professional invited by their structure, without an account yet, clicks
// "Rejoindre avec ProConnect" on the invitation page. The code goes to the server,
// which keeps it (hashed) in the login's flow for the round trip; back here, the
// "proconnect-join" screen asks for a pseudonym and a passphrase, makes the keys and
// the recovery kit on this device exactly as at a sign-up, and sends only the public
// bundle (POST /auth/proconnect/join).
//
// Logging out of a session opened through ProConnect ends ProConnect's session too:
// this tab remembers (sessionStorage, a flag, no secret) that its session came from
// ProConnect; the logout then goes through /auth/proconnect/logout, which holds the
// ID token in an HttpOnly cookie. The "pro-proconnect" screen shows the link and
// undoes it, the passphrase asked again.
import { ApiError, messageFor } from "./http.js";
import { canonicalLogin, signupBodyV2 } from "./kdf-v2.js";
import { passphraseProblem } from "./passphrase.js";
import { day } from "./dates.js";

const SESSION_FLAG = "coffre.proconnectSession";

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
 * @property {any} state the page's state (the invitation code from the URL, the login)
 * @property {(account: any, me: any) => Promise<void>} signedUp keys in memory, recovery kit
 */

/** @param {ProConnectHelpers} h */
export function createProConnect(h) {
  const { STRINGS, CONFIG, C, sodium, api, kdf, saltFor, busy, showError, setStatus, show, openVault, home, state, signedUp } = h;
  /** @type {any} */
  let pending = null;

  /** @param {string} code */
  function refusal(code) {
    if (code === "proconnect_not_linked") return STRINGS.proconnect_not_linked;
    if (code === "proconnect_siret_mismatch") return STRINGS.proconnect_siret_mismatch;
    return STRINGS.proconnect_refused;
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
    const hello = STRINGS.proconnect_hello.replace("{name}", `${pending.given_name} ${pending.usual_name}`);
    /** @type {HTMLElement} */ (document.getElementById("proconnect-hello")).textContent = hello;
    const login = /** @type {HTMLElement} */ (document.getElementById("proconnect-login-field"));
    login.hidden = !pending.linking;
    const username = /** @type {HTMLInputElement} */ (document.getElementById("proconnect-username"));
    username.value = pending.login || "";
    if (pending.joining) {
      // An invitation that can make an account: choose a pseudonym and a passphrase here.
      /** @type {HTMLElement} */ (document.getElementById("proconnect-join-hello")).textContent = hello;
      history.replaceState({ screen: "proconnect-join" }, "", "#proconnect-join");
      show("proconnect-join", { push: false });
      return true;
    }
    show("proconnect", { push: false });
    return true;
  }

  // "Rejoindre avec ProConnect" on the invitation page.
  async function join() {
    showError("signup-proconnect-error", "");
    if (!state.invitation) return;
    try {
      await startProConnectWithInvitation(api, state.invitation);
    } catch (error) {
      const code = error instanceof ApiError ? String(error.code) : "";
      showError("signup-proconnect-error", code === "proconnect_link_refused" ? STRINGS.proconnect_invitation_refused : messageFor(error, STRINGS.unexpected_error));
    }
  }

  /** @param {SubmitEvent} event */
  async function onJoin(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const login = form.login.value.trim();
    const passphrase = form.passphrase.value;
    showError("proconnect-join-error", "");
    if (!pending) return show("login");
    if (!login) return showError("proconnect-join-error", STRINGS.login_missing);
    const problem = passphraseProblem(passphrase, form.confirm.value, STRINGS, CONFIG.passphraseExamples || []);
    if (problem) return showError("proconnect-join-error", problem);
    busy(form, true);
    try {
      const account = await kdf("createAccountV2", passphrase, await saltFor(login));
      const body = signupBodyV2(C, login, account);
      const me = await (await api("POST", "/auth/proconnect/join", { json: { account: body } })).json();
      pending = null;
      state.invitation = null;
      sessionStorage.setItem(SESSION_FLAG, "1");
      await signedUp(account, me);
    } catch (error) {
      const code = error instanceof ApiError ? String(error.code) : "";
      showError("proconnect-join-error", code.startsWith("proconnect_") ? refusal(code) : messageFor(error, STRINGS.unexpected_error));
      setStatus("");
    } finally {
      busy(form, false);
      form.passphrase.value = "";
      form.confirm.value = "";
    }
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
      sessionStorage.setItem(SESSION_FLAG, "1");
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

  // The professional's "ProConnect" screen: the link, and undoing it.
  async function showLink() {
    const form = /** @type {HTMLFormElement} */ (document.getElementById("pro-proconnect-form"));
    const note = /** @type {HTMLElement} */ (document.getElementById("pro-proconnect-state"));
    showError("pro-proconnect-error", "");
    note.textContent = "";
    form.hidden = true;
    show("pro-proconnect");
    try {
      const link = await (await api("GET", "/auth/proconnect/link")).json();
      note.textContent = link.linked ? STRINGS.proconnect_linked.replace("{date}", day(link.created_at)) : STRINGS.proconnect_unlinked;
      form.hidden = !link.linked;
    } catch (error) {
      showError("pro-proconnect-error", messageFor(error, STRINGS.unexpected_error));
    }
  }

  /** @param {SubmitEvent} event */
  async function onUnlink(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const passphrase = form.passphrase.value;
    showError("pro-proconnect-error", "");
    busy(form, true);
    try {
      const pre = await (await api("POST", "/auth/prelogin", { json: { login: state.login } })).json();
      const keys = await kdf("derivePassphraseKeysAny", passphrase, pre.kdf, await saltFor(state.login));
      sodium.memzero(keys.wrapKey);
      const authKey = C.b64encode(keys.authKey);
      sodium.memzero(keys.authKey);
      await api("POST", "/auth/proconnect/unlink", { json: { auth_key: authKey } });
      /** @type {HTMLElement} */ (document.getElementById("pro-proconnect-state")).textContent = STRINGS.proconnect_unlinked;
      form.hidden = true;
      setStatus(STRINGS.proconnect_unlink_done);
    } catch (error) {
      const code = error instanceof ApiError ? String(error.code) : "";
      showError("pro-proconnect-error", code === "wrong_passphrase" ? STRINGS.proconnect_wrong_passphrase : messageFor(error, STRINGS.unexpected_error));
      if (code) setStatus("");
    } finally {
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  const joinForm = document.getElementById("proconnect-join-form");
  if (joinForm) joinForm.addEventListener("submit", onJoin);
  const unlinkForm = document.getElementById("pro-proconnect-form");
  if (unlinkForm) unlinkForm.addEventListener("submit", onUnlink);
  const form = document.getElementById("proconnect-form");
  if (form) form.addEventListener("submit", onSubmit);

  // As a module of the page (app.js): screens, entry, actions, wipe.
  return {
    resume,
    onSubmit,
    screens: ["pro-proconnect"],
    enter: { "pro-proconnect": showLink },
    actions: {
      "proconnect-join": join,
      "proconnect-have-account": () => show("proconnect"),
    },
    wipe() {
      const note = document.getElementById("pro-proconnect-state");
      if (note) note.textContent = "";
    },
  };
}

/**
 * After Coffre's logout: when this tab's session came from ProConnect, go end
 * ProConnect's session too (the server holds the ID token in an HttpOnly cookie);
 * true if the page is leaving.
 */
export function endProConnectSession() {
  if (!sessionStorage.getItem(SESSION_FLAG)) return false;
  sessionStorage.removeItem(SESSION_FLAG);
  location.assign("/api/v1/auth/proconnect/logout");
  return true;
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
