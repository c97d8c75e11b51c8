// @ts-check
// Regaining access to a vault (SPEC §4, §5.2): with the recovery code (the keys stay,
// every document opens as before), or without it, with a reset code (a brand-new
// vault under the same login after a waiting period). The forms of app.js's
// "forgot" and "reset" screens; app.js gives the session helpers.
import { messageFor } from "./http.js";
import { signupBodyV2 } from "./kdf-v2.js";
import { fill } from "./consent-common.js";
import { opensOn } from "./person-reset.js";
import { passphraseProblem } from "./passphrase.js";

/**
 * @typedef {object} AccessHelpers
 * @property {Record<string, string>} STRINGS
 * @property {Record<string, any>} CONFIG
 * @property {any} C createCoffreCrypto(sodium)
 * @property {any} sodium
 * @property {Record<string, any>} state
 * @property {(method: string, path: string, options?: any) => Promise<Response>} api
 * @property {(op: string, ...args: any[]) => Promise<any>} kdf
 * @property {(login: string) => Promise<{territory: string, login: string}>} saltFor
 * @property {(form: HTMLFormElement, on: boolean) => void} busy
 * @property {(id: string, text: string) => void} showError
 * @property {(text?: string) => void} setStatus
 * @property {(account: any) => void} setAccount
 * @property {() => void} touch
 * @property {(status?: string) => Promise<unknown>} home
 * @property {(code: string, login: string, status?: string) => Promise<void>} showRecoveryKit
 */

/**
 * The submit handlers of the "forgot" and "reset" forms.
 * @param {AccessHelpers} h
 */
export function createRegainAccess(h) {
  const { STRINGS, CONFIG, C, sodium, state, api, kdf, saltFor, busy, showError, setStatus, setAccount, touch, home, showRecoveryKit } = h;

  // The login, or null after showing what is missing (same rules as at sign-up).
  /**
   * @param {HTMLFormElement} form
   * @param {string} errorId
   */
  function checkNewPassphrase(form, errorId) {
    const login = form.login.value.trim();
    const problem = login
      ? passphraseProblem(form.passphrase.value, form.confirm.value, STRINGS, CONFIG.passphraseExamples || [])
      : STRINGS.login_missing;
    if (!problem) return login;
    showError(errorId, problem);
    return null;
  }

  // Forgot the passphrase, have the recovery code: the code is parsed here and never
  // sent; the master key is unwrapped here and wrapped under the new passphrase. The
  // keys do not change, so every document opens as before.
  /** @param {SubmitEvent} event */
  async function onForgot(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    showError("forgot-error", "");
    const login = checkNewPassphrase(form, "forgot-error");
    if (!login) return;
    let secret;
    try {
      secret = C.parseRecoveryCode(form.code.value);
    } catch {
      return showError("forgot-error", STRINGS.recovery_code_invalid);
    }
    busy(form, true);
    try {
      const recoveryKeys = C.deriveRecoveryKeys(secret);
      sodium.memzero(recoveryKeys.wrapKey);
      const started = await (await api("POST", "/auth/recover", {
        json: { login, recovery_auth_key: C.b64encode(recoveryKeys.authKey) },
      })).json();
      sodium.memzero(recoveryKeys.authKey);
      const wrapped = started.recovery;
      const opened = C.openAccountWithRecovery(
        secret,
        C.b64decode(wrapped.wrapped_master_recovery),
        C.b64decode(wrapped.wrapped_keyring),
        C.b64decode(wrapped.box_public_key),
        C.b64decode(wrapped.sign_public_key),
      );
      const rewrap = await kdf("rewrapV2", opened.masterKey, form.passphrase.value, await saltFor(login));
      sodium.memzero(opened.masterKey);
      const response = await api("POST", "/auth/web-recover/passphrase", {
        json: {
          token: started.recovery_token,
          kdf: rewrap.kdf,
          auth_key: C.b64encode(rewrap.authKey),
          wrapped_master_passphrase: C.b64encode(rewrap.wrappedMasterPassphrase),
        },
      });
      sodium.memzero(rewrap.authKey);
      const me = await response.json();
      state.keys = opened.keys;
      setAccount(me.account);
      touch();
      await home(STRINGS.recovered);
    } catch (error) {
      const wrong = error.code === "invalid_credentials" || error instanceof C.DecryptionError;
      showError("forgot-error", wrong ? STRINGS.wrong_recovery : messageFor(error, STRINGS.unexpected_error));
      setStatus("");
    } finally {
      sodium.memzero(secret);
      busy(form, false);
      form.code.value = "";
      form.passphrase.value = "";
      form.confirm.value = "";
    }
  }

  // A reset code travels to the server; a recovery code must never. Only 32 hex digits
  // (O, I, L read as 0, 1, 1) are sent; a recovery code typed here is named as such.
  /** @param {string} text */
  function resetCode(text) {
    /** @type {Record<string, string>} */
    const map = { O: "0", I: "1", L: "1" };
    const cleaned = Array.from(text.replace(/[\s-]/g, "").toUpperCase(), (c) => map[c] ?? c).join("");
    if (/^[0-9A-F]{32}$/.test(cleaned)) return { code: (cleaned.match(/.{4}/g) || []).join("-") };
    try {
      sodium.memzero(C.parseRecoveryCode(text));
      return { error: STRINGS.not_a_reset_code };
    } catch {
      return { error: STRINGS.reset_code_invalid };
    }
  }

  // Without the kit: a brand-new account under the same login and a new recovery kit to
  // keep now. The new vault opens after a waiting period (the old passphrase or kit can
  // cancel meanwhile); the server destroys the old documents then, not before.
  /** @param {SubmitEvent} event */
  async function onReset(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    showError("reset-error", "");
    const login = checkNewPassphrase(form, "reset-error");
    if (!login) return;
    const { code, error: codeError } = resetCode(form.code.value);
    if (codeError) return showError("reset-error", codeError);
    if (!form.understood.checked) return showError("reset-error", STRINGS.reset_not_understood);
    busy(form, true);
    try {
      const account = await kdf("createAccountV2", form.passphrase.value, await saltFor(login));
      const answer = await (
        await api("POST", "/auth/reset", { json: { ...signupBodyV2(C, login, account), reset_code: code } })
      ).json();
      // Nothing to open yet: the new keys wait on the server; only the kit is kept now.
      sodium.memzero(account.authKey);
      for (const key of Object.values(account.keys)) if (key instanceof Uint8Array) sodium.memzero(key);
      const kit = C.formatRecoveryCode(account.recoverySecret);
      sodium.memzero(account.recoverySecret);
      const opens = fill(STRINGS.reset_requested, opensOn(answer.completes_at));
      await showRecoveryKit(kit, answer.account.login, opens);
    } catch (error) {
      showError("reset-error", messageFor(error, STRINGS.unexpected_error));
      setStatus("");
    } finally {
      busy(form, false);
      form.code.value = "";
      form.passphrase.value = "";
      form.confirm.value = "";
    }
  }
  return { onForgot, onReset };
}
