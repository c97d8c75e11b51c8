// @ts-check
// The way into the vault (the entry screens, vault/_person_entry.html): sign up, log in,
// unlock a session that is still open, and the vault opened with the keys so derived.
// Also the salt's owner for the other ways in (regain-access.js, proconnect.js). Loaded
// with the vault's modules (app.js loadVault); the page gives it what it needs (ctx).
//
// Argon2id runs in the KDF worker (ctx.kdf); the keys go into ctx.state.keys only, and the
// secrets met on the way (auth keys, wrap keys, the master key, the recovery secret) are
// wiped as soon as they are used.
import { ApiError, messageFor } from "./http.js";
import { canonicalLogin, signupBodyV2 } from "./kdf-v2.js";
import { passphraseProblem } from "./passphrase.js";

/**
 * What the entry needs of the page (app.js).
 * @typedef {object} EntryContext
 * @property {import("./types/page").Strings} S
 * @property {import("./types/page").PageConfig} CONFIG
 * @property {import("./coffre-crypto.js").CoffreCrypto} C
 * @property {import("./types/vendor").Sodium} sodium
 * @property {import("./types/page").PageState} state the session in memory
 * @property {import("./types/page").PageHelpers["api"]} api
 * @property {(op: string, ...args: unknown[]) => Promise<any>} kdf the KDF worker
 * @property {import("./types/page").PageHelpers["show"]} show
 * @property {(text?: string) => void} setStatus
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(status?: string) => Promise<unknown>} home the first screen once the vault is open
 * @property {(account: any) => void} setAccount the session's account (GET /me's account)
 * @property {() => void} touch restarts the wait before the idle log-out
 * @property {() => void} wipeKeys
 * @property {(code: string, login: string, status?: string) => Promise<void>} showRecoveryKit
 */

/** @param {EntryContext} ctx */
export function createEntry(ctx) {
  const { S, CONFIG, C, sodium, state, api, kdf, show, setStatus, showError, busy, home, setAccount, touch, wipeKeys, showRecoveryKit } = ctx;

  // Who a v2 passphrase salt is for (SPEC §19.2): the territory of the page's
  // configuration and the login as the server keeps it, from what the person typed
  // (never the server's word for it). A login the server would refuse goes to
  // prelogin, whose answer says why in the person's words.
  /** @param {string} login */
  async function saltFor(login) {
    const canonical = canonicalLogin(login);
    if (!canonical) {
      await api("POST", "/auth/prelogin", { json: { login } });
      throw new ApiError(422, "invalid_login", S.unexpected_error);
    }
    return { territory: /** @type {string} */ (CONFIG.territory), login: canonical };
  }

  // A v1 account opened with its passphrase moves to KDF v2 now (SPEC §19): the master
  // key is wrapped again under v2 keys of the same passphrase and sent with the v1
  // login value; the sessions stay. A failure changes nothing: it is tried again at
  // the next log-in, and the vault opens anyway.
  /**
   * @param {Uint8Array} masterKey
   * @param {Uint8Array} v1AuthKey
   * @param {string} passphrase
   * @param {{territory: string, login: string}} who
   */
  async function moveToKdfV2(masterKey, v1AuthKey, passphrase, who) {
    try {
      const rewrap = await kdf("rewrapV2", masterKey, passphrase, who);
      await api("POST", "/me/kdf-upgrade", {
        json: {
          current_auth_key: C.b64encode(v1AuthKey),
          kdf: rewrap.kdf,
          auth_key: C.b64encode(rewrap.authKey),
          wrapped_master_passphrase: C.b64encode(rewrap.wrappedMasterPassphrase),
        },
      });
      sodium.memzero(rewrap.authKey);
    } catch {
      // Kept as v1 until the next log-in.
    }
  }

  /**
   * @param {any} keyring
   * @param {Uint8Array} wrapKey
   * @param {any} account
   * @param {((masterKey: Uint8Array) => Promise<void>) | null} [then] with the master key, before it is wiped
   */
  async function openVault(keyring, wrapKey, account, then = null) {
    const opened = C.openAccountWithWrapKey(
      wrapKey,
      C.b64decode(keyring.wrapped_master_passphrase),
      C.b64decode(keyring.wrapped_keyring),
      C.b64decode(keyring.box_public_key),
      C.b64decode(keyring.sign_public_key),
    );
    sodium.memzero(wrapKey);
    try {
      if (then) await then(opened.masterKey);
    } finally {
      sodium.memzero(opened.masterKey);
    }
    state.keys = opened.keys;
    setAccount(account);
    touch();
  }

  /** @param {SubmitEvent} event */
  async function onSignup(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const login = form.login.value.trim();
    const passphrase = form.passphrase.value;
    showError("signup-error", "");
    if (!login) return showError("signup-error", S.login_missing);
    const examples = /** @type {string[]} */ (CONFIG.passphraseExamples || []);
    const problem = passphraseProblem(passphrase, form.confirm.value, S, examples);
    if (problem) return showError("signup-error", problem);
    busy(form, true);
    try {
      const account = await kdf("createAccountV2", passphrase, await saltFor(login));
      const body = signupBodyV2(C, login, account);
      if (state.invitation) body.invitation_code = state.invitation; // assisted sign-up
      try {
        await api("POST", "/accounts", { json: body });
      } catch (error) {
        // Not a person's code: a professional's invitation to join a structure (a link
        // or a CSV file's link from the structure admin's page) makes a professional's
        // account in that structure (POST /invitations/accept), same keys, same kit.
        if (!state.invitation || error.code !== "invalid_invitation") throw error;
        const { invitation_code: code, ...account } = body;
        await api("POST", "/invitations/accept", { json: { code, account } });
      }
      state.invitation = null;
      const response = await api("POST", "/auth/web-login", {
        json: { login, auth_key: C.b64encode(account.authKey) },
      });
      await signedUp(account, await response.json());
    } catch (error) {
      showError("signup-error", messageFor(error, S.unexpected_error));
      setStatus("");
    } finally {
      busy(form, false);
      form.passphrase.value = "";
      form.confirm.value = "";
    }
  }

  /**
   * A new account's session is open: its keys (made here) in memory, then its recovery
   * kit. Also after a professional joins with ProConnect (proconnect.js).
   * @param {any} account createAccountV2's result
   * @param {any} me the session's answer ({account})
   */
  async function signedUp(account, me) {
    state.keys = account.keys;
    setAccount(me.account);
    touch();
    const code = C.formatRecoveryCode(account.recoverySecret);
    sodium.memzero(account.recoverySecret);
    await showRecoveryKit(code, me.account.login);
  }

  /** @param {SubmitEvent} event */
  async function onLogin(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const login = form.login.value.trim();
    const passphrase = form.passphrase.value;
    showError("login-error", "");
    if (!login) return showError("login-error", S.login_missing);
    busy(form, true);
    try {
      const who = await saltFor(login);
      const pre = await (await api("POST", "/auth/prelogin", { json: { login } })).json();
      // Checked in the worker before Argon2id (SPEC §3.1, §19.1); v2: the salt is derived there.
      const keys = await kdf("derivePassphraseKeysAny", passphrase, pre.kdf, who);
      const response = await api("POST", "/auth/web-login", {
        json: { login, auth_key: C.b64encode(keys.authKey) },
      });
      const me = await response.json();
      const move = keys.version === 1 && !me.totp_enrolment_required
        ? (/** @type {Uint8Array} */ masterKey) => moveToKdfV2(masterKey, keys.authKey, passphrase, who)
        : null;
      try {
        await openVault(me.keyring, keys.wrapKey, me.account, move);
      } finally {
        sodium.memzero(keys.authKey);
      }
      await home();
    } catch (error) {
      showError("login-error", error.code === "invalid_credentials" ? S.wrong_credentials : messageFor(error, S.unexpected_error));
      setStatus("");
    } finally {
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  /** @param {SubmitEvent} event */
  async function onUnlock(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    showError("unlock-error", "");
    busy(form, true);
    try {
      const me = await (await api("GET", "/me")).json();
      // Only the wrap key is derived here (nothing is sent), so the server's word for the
      // login is enough; a v1 account moves to v2 at its next log-in, where it is typed.
      const who = { territory: CONFIG.territory, login: canonicalLogin(me.account.login) || me.account.login };
      const keys = await kdf("derivePassphraseKeysAny", form.passphrase.value, me.keyring.kdf, who);
      sodium.memzero(keys.authKey);
      await openVault(me.keyring, keys.wrapKey, me.account);
      await home();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        wipeKeys();
        show("welcome");
      } else {
        showError("unlock-error", error instanceof C.DecryptionError ? S.wrong_credentials : messageFor(error, S.unexpected_error));
        setStatus("");
      }
    } finally {
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  return { saltFor, openVault, signedUp, onSignup, onLogin, onUnlock };
}
