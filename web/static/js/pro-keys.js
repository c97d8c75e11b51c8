// @ts-check
// The professional's "Changer mes clés" (POST /me/keys/rotate, docs/ROLES.md "A
// professional's key rotation"): when a device was lost or stolen, or the key may
// have been seen. The screen says plainly what happens (certificates revoked at once,
// the structure admin certifies the new key face to face, persons asked to share
// again), asks the passphrase, and:
//
// 1. derives the current keys (kdf-worker.js) and opens the master key here with
//    them: a mistyped passphrase sends nothing;
// 2. makes a whole new account in the worker (kdf-v2.js createAccountV2: same login
//    and passphrase under a fresh salt, a new master key, new key pairs, a new
//    recovery code; crypto/SPEC.md §3–§6, §19), in the sign-up body's shape;
// 3. sends it with the current login value (re-proving the passphrase, as for a
//    passphrase change); the server replaces the keys and revokes the certificates in
//    one transaction;
// 4. keeps the new keys in memory (the old ones wiped) and shows the new key's code
//    (SPEC §25: spoken form and QR) to compare face to face, then the new recovery kit.
import { documentsV2 } from "./documents-v2.js";
import { canonicalLogin, signupBodyV2 } from "./kdf-v2.js";
import { messageFor } from "./http.js";
import { drawQr } from "./qr-draw.js";

/** @param {any} ctx the professional's helpers (consent-pro.js, from app.js) */
export function createProKeys(ctx) {
  const { C, CONFIG, sodium, state, api, kdf, show, busy, loadScript, setStatus, showRecoveryKit } = ctx;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @type {Record<string, string>} */
  const T = JSON.parse(byId("pro-keys-strings").textContent || "{}");
  const form = /** @type {HTMLFormElement} */ (byId("pro-keys-form"));
  /** @type {{code: string, login: string} | null} */
  let recovery = null; // the new recovery code, until the kit is shown

  /** @param {string} text */
  function error(text) {
    const node = byId("pro-keys-error");
    node.textContent = text;
    node.hidden = !text;
  }

  function showKeys() {
    form.reset();
    error("");
    show("pro-keys");
  }

  /**
   * The current keys from the passphrase, proven here: {authKey} when the passphrase
   * opens the master key, else null (nothing is sent).
   * @param {string} passphrase
   * @param {any} keyring GET /me keyring
   * @param {{territory: string, login: string}} who
   */
  async function currentKeys(passphrase, keyring, who) {
    const keys = await kdf("derivePassphraseKeysAny", passphrase, keyring.kdf, who);
    try {
      sodium.memzero(C.unwrapMasterKey(C.b64decode(keyring.wrapped_master_passphrase), keys.wrapKey, "passphrase"));
      return { authKey: keys.authKey };
    } catch (e) {
      if (e instanceof C.DecryptionError) return null;
      throw e;
    } finally {
      sodium.memzero(keys.wrapKey);
    }
  }

  /** @param {SubmitEvent} event */
  async function onRotate(event) {
    event.preventDefault();
    const passphrase = form.passphrase.value;
    error("");
    if (!form.understood.checked) return error(T.understood_missing);
    if (!passphrase) return error(T.passphrase_missing);
    busy(form, true);
    setStatus(T.working);
    try {
      const me = await (await api("GET", "/me")).json();
      const login = String(me.account.login);
      const who = { territory: CONFIG.territory, login: canonicalLogin(login) || login };
      const current = await currentKeys(passphrase, me.keyring, who);
      if (!current) {
        setStatus("");
        return error(T.wrong_passphrase);
      }
      const account = await kdf("createAccountV2", passphrase, who);
      const body = { ...signupBodyV2(C, login, account), current_auth_key: C.b64encode(current.authKey) };
      sodium.memzero(current.authKey);
      await api("POST", "/me/keys/rotate", { json: body });
      const old = state.keys;
      state.keys = account.keys;
      if (old) for (const value of Object.values(old)) if (value instanceof Uint8Array) sodium.memzero(value);
      recovery = { code: C.formatRecoveryCode(account.recoverySecret), login };
      sodium.memzero(account.recoverySecret);
      await showDone();
    } catch (e) {
      setStatus("");
      error(messageFor(e, T.unexpected));
    } finally {
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  async function showDone() {
    const keys = state.keys;
    show("pro-keys-done", { status: T.done });
    const { st } = documentsV2(ctx);
    byId("pro-keys-pin").textContent = st.pinSpoken(keys.signPublic);
    await drawQr(st.pinQrPayload(keys.signPublic), byId("pro-keys-qr"), "Alphanumeric", { loadScript, src: CONFIG.qrcode });
  }

  async function showKit() {
    if (!recovery) return;
    const { code, login } = recovery;
    recovery = null;
    await showRecoveryKit(code, login);
  }

  form.addEventListener("submit", onRotate);

  return {
    screens: ["pro-keys", "pro-keys-done"],
    enter: { "pro-keys": showKeys },
    actions: { "pro-keys-kit": showKit },
    wipe() {
      recovery = null;
      form.reset();
      byId("pro-keys-qr").replaceChildren();
      byId("pro-keys-pin").textContent = "";
    },
  };
}
