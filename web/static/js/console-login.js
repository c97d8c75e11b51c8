// @ts-check
// The officer console's log-in (console.js keeps the rest): the passphrase gives the
// login value in the KDF worker (Argon2id, kdf-worker.js); it is sent, kept only until
// the 6-digit code is given (CODE_WAIT_MS at most), then wiped, and the worker is ended.
// A person's or a professional's account, or an officer without a second factor, is
// turned away here.
import { createKdfClient } from "./kdf-client.js";
import { canonicalLogin } from "./kdf-v2.js";
import { messageFor } from "./http.js";

export const OFFICER = "charter_officer";
const CODE_WAIT_MS = 3 * 60 * 1000; // the login value waits this long for the code

/** The login value between the passphrase and the code. @typedef {{login: string, authKey: Uint8Array, timer: ReturnType<typeof setTimeout>}} Pending */

/**
 * What the log-in needs of the console.
 * @typedef {object} LoginContext
 * @property {Record<string, string>} STRINGS
 * @property {{signedIn: boolean, pending: Pending | null}} state
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string, options?: {status?: string}) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(text?: string) => void} setStatus
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(id: string) => HTMLFormElement & Record<string, any>} formOf
 * @property {() => Promise<void>} enterConsole
 * @property {string} [kind] the account kind the page is for (the officer's by default;
 *   the territory admin's page, admin.js, reuses this log-in)
 * @property {string} [configId] the id of the page's JSON config block (console-config)
 */

/** @param {LoginContext} ctx */
export function createLogin(ctx) {
  const { STRINGS, state, api, show, showError, setStatus, busy, formOf, enterConsole } = ctx;

  // ------------------------------------------------------------ base64url, KDF worker

  /** @param {Uint8Array} bytes */
  function b64encode(bytes) {
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const kdfClient = createKdfClient();
  const kdf = kdfClient.call;
  const endWorker = kdfClient.end;

  // ----------------------------------------------------------------------- log in / out

  function dropPending() {
    if (!state.pending) return;
    clearTimeout(state.pending.timer);
    state.pending.authKey.fill(0);
    state.pending = null;
  }

  /** @param {SubmitEvent} event */
  async function onLogin(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement & Record<string, any>} */ (event.target);
    const login = form.login.value.trim();
    const passphrase = form.passphrase.value;
    showError("login-error", "");
    if (!login || !passphrase) return showError("login-error", STRINGS.login_missing);
    busy(form, true);
    let authKey = null;
    try {
      const pre = await (await api("POST", "/auth/prelogin", { json: { login } })).json();
      // v1 or v2 parameters, checked in the worker; a v2 salt holds the territory and
      // the login as typed, made canonical (SPEC §19.2). The console never moves an
      // account to v2: it does not open the master key (the vault page does).
      const config = JSON.parse(document.getElementById(ctx.configId || "console-config")?.textContent || "{}");
      const who = { territory: config.territory, login: canonicalLogin(login) || login };
      const keys = await kdf("derivePassphraseKeysAny", passphrase, pre.kdf, who);
      keys.wrapKey.fill(0); // nothing to unwrap here: the console reads metadata only
      authKey = keys.authKey;
      form.passphrase.value = "";
      await finishLogin(login, authKey, null);
      authKey = null; // finishLogin owns it now
    } catch (error) {
      if (authKey) authKey.fill(0);
      showError("login-error", loginMessage(error));
      setStatus("");
    } finally {
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  /** @param {SubmitEvent} event */
  async function onCode(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement & Record<string, any>} */ (event.target);
    const code = form.code.value.replace(/\s+/g, "");
    showError("code-error", "");
    if (!/^[0-9]{6}$/.test(code)) return showError("code-error", STRINGS.code_format);
    if (!state.pending) return backToLogin(STRINGS.code_timeout);
    busy(form, true);
    try {
      const { login, authKey } = state.pending;
      await finishLogin(login, authKey, code);
    } catch (error) {
      showError("code-error", error.code === "invalid_totp" ? STRINGS.wrong_code : loginMessage(error));
      setStatus("");
    } finally {
      busy(form, false);
      form.code.value = "";
    }
  }

  /** @param {any} error */
  function loginMessage(error) {
    if (error.code === "invalid_credentials") return STRINGS.wrong_credentials;
    return messageFor(error, STRINGS.unexpected_error);
  }

  // The login value is sent; then the code is asked for if the account has one (an
  // officer always does). The login value is wiped once a session is open.
  /**
   * @param {string} login
   * @param {Uint8Array} authKey
   * @param {string | null} code
   */
  async function finishLogin(login, authKey, code) {
    /** @type {{login: string, auth_key: string, totp_code?: string}} */
    const body = { login, auth_key: b64encode(authKey) };
    if (code) body.totp_code = code;
    let response;
    try {
      response = await api("POST", "/auth/web-login", { json: body });
    } catch (error) {
      if (error.code === "totp_required" && !code) {
        dropPending();
        state.pending = { login, authKey, timer: setTimeout(() => backToLogin(STRINGS.code_timeout), CODE_WAIT_MS) };
        endWorker();
        formOf("code-form").reset();
        showError("code-error", "");
        show("code");
        return;
      }
      if (!state.pending || state.pending.authKey !== authKey) authKey.fill(0);
      throw error;
    }
    dropPending();
    authKey.fill(0);
    endWorker();
    const me = await response.json();
    if (me.account.kind !== (ctx.kind || OFFICER)) {
      await quietLogout();
      return backToLogin("", STRINGS.not_officer);
    }
    // A charter officer without a second factor yet gets a session good for enrolment
    // only: the page does not enrol (the CLI does), so it says how and ends it.
    try {
      await api("GET", "/me");
    } catch (error) {
      if (error.code === "totp_enrolment_required") {
        await quietLogout();
        return show("enrol");
      }
      throw error;
    }
    await enterConsole();
  }

  function backToLogin(status = "", error = "") {
    dropPending();
    endWorker();
    formOf("login-form").reset();
    show("login", { status });
    showError("login-error", error);
  }

  async function quietLogout() {
    try {
      await api("POST", "/auth/logout");
    } catch {
      // An expired session is already over on the server.
    }
  }

  /**
   * At the page's start: a session still open for this page's kind of account enters
   * the page; an account that must enrol its authenticator first is sent there;
   * anything else shows the log-in.
   */
  async function resume() {
    let me = null;
    try {
      me = await (await api("GET", "/me")).json();
    } catch (error) {
      if (/** @type {any} */ (error).code === "totp_enrolment_required") {
        await quietLogout();
        return show("enrol");
      }
    }
    if (me && me.account.kind === (ctx.kind || OFFICER)) {
      try {
        await enterConsole();
        return;
      } catch {
        // Fall back to the login below.
      }
    }
    backToLogin();
  }

  return { onLogin, onCode, backToLogin, dropPending, quietLogout, endWorker, resume };
}
