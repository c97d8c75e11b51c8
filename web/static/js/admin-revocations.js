// @ts-check
// The territory admin signs the revocation list (crypto/SPEC.md §26.3) from the
// /administration page: when a certificate was revoked and the list does not name it
// yet, or when the list in force ends within 7 days (GET /trust/revocations/status,
// "due"). The list is signed by the ROOT key, which is the territory admin's own
// account sign key: the page asks for the passphrase at the moment of signing, opens
// the keyring in memory (Argon2id in the KDF worker, then the master key), signs, sends
// (PUT /trust/revocations) and wipes every secret at once. Nothing is stored. After a
// root rotation whose new key is not this account's (kept offline), the page says so
// and the CLI signs (`coffre territory revocations sign`).
import { createCoffreCrypto } from "./coffre-crypto.js";
import { createCertificatesV2 } from "./certificates-v2.js";
import { createDeskSigning } from "./desk-signing.js";
import { fill } from "./consent-common.js";
import { day, time } from "./dates.js";

/**
 * @typedef {object} AdminContext
 * @property {Record<string, string>} strings
 * @property {Record<string, any>} config
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string, options?: {status?: string}) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(error: unknown) => string} problem
 */

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {AdminContext} ctx */
export function createRevocations(ctx) {
  const { strings: S, config, api, show, showError, busy, problem } = ctx;
  const signing = createDeskSigning(config);

  /** What the status says, in one sentence. @param {Record<string, any>} status */
  function stateText(status) {
    const waiting = status.list ? status.revoked.filter((/** @type {string} */ id) => !status.list.statement.revoked.includes(id)).length : status.revoked.length;
    if (!status.list && !status.revoked.length) return S.revocations_none;
    if (waiting > 0) return fill(S.revocations_waiting, { n: waiting });
    const end = { date: day(status.next_update), time: time(status.next_update) };
    if (status.due) return fill(S.revocations_ending, end);
    return fill(S.revocations_fine, { ...end, sequence: status.sequence });
  }

  async function showRevocations(status = "") {
    showError("revocations-error", "");
    const view = await (await api("GET", "/trust/revocations/status")).json();
    byId("revocations-state").textContent = stateText(view);
    byId("revocations-count").textContent = fill(S.revocations_count, { n: view.revoked.length });
    const form = /** @type {HTMLFormElement} */ (byId("revocations-form"));
    form.hidden = !view.due;
    show("revocations", { status });
  }

  /**
   * Open the admin's keyring with the passphrase, sign the next list, send it; wipe.
   * @param {SubmitEvent} event
   */
  async function onSign(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement & Record<string, any>} */ (event.target);
    const passphrase = form.passphrase.value;
    showError("revocations-error", "");
    if (!passphrase) return showError("revocations-error", S.revocations_passphrase);
    busy(form, true);
    /** @type {Uint8Array | null} */
    let signSeed = null;
    let done = "";
    try {
      const na = await signing.loadSodium();
      const C = createCoffreCrypto(na);
      const certs = createCertificatesV2(na);
      const me = await (await api("GET", "/me")).json();
      signSeed = await signing.openSignSeed(passphrase, me);
      form.passphrase.value = "";
      if (!signSeed) return showError("revocations-error", S.revocations_wrong_passphrase);
      const chain = await (await api("GET", "/trust/root/v2")).json();
      const rootSign = C.b64decode(chain.root.statement.sign_public_key);
      if (!na.memcmp(rootSign, C.b64decode(me.keyring.sign_public_key))) {
        showError("revocations-error", S.revocations_not_root);
        return;
      }
      const status = await (await api("GET", "/trust/revocations/status")).json();
      const envelope = certs.signRevocationList(
        { territory: chain.root.statement.territory, sequence: status.sequence + 1, revoked: status.revoked },
        signSeed,
      );
      const saved = await (await api("PUT", "/trust/revocations", { json: { list: envelope } })).json();
      done = fill(S.revocations_signed, { sequence: saved.sequence, date: day(saved.next_update), time: time(saved.next_update) });
    } catch (error) {
      showError("revocations-error", problem(error));
    } finally {
      signing.wipe(signSeed);
      form.passphrase.value = "";
      busy(form, false);
    }
    if (done) await showRevocations(done).catch((error) => showError("revocations-error", problem(error)));
  }

  return { showRevocations, onSign, end: signing.end };
}
