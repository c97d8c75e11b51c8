// @ts-check
// The officer console's "Cosigner" screen (docs/AUDIT.md, "Cosignatures"): how recently
// the log was cosigned, and cosigning the latest checkpoint after checking it here.
//
// Cosigning: the passphrase opens the officer's keyring in memory (desk-signing.js: the
// KDF worker, then every secret but the signing seed wiped); the cosigner seed is
// derived one-way from it (auditlog/cosignature.py, tlog.js) and the signing seed wiped.
// The page then checks, itself, before signing: the latest checkpoint is signed by the
// log's key; the last checkpoint this officer cosigned carries their own valid line
// (so its root is what they attested, whatever the server says); the consistency proof
// from it to the latest verifies (RFC 9162 §2.1.4.2). Only then it signs and posts. A
// smaller log or a failed proof: it refuses and says to report it. Nothing is stored.
import { createDeskSigning } from "./desk-signing.js";
import { fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { createTlog, TlogError } from "./tlog.js";

/**
 * @typedef {object} CosignContext
 * @property {Record<string, string>} STRINGS the console's strings (errors)
 * @property {Record<string, any>} config the console's config (sodium, territory)
 * @property {{signedIn: boolean}} state
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(value: string | number | Date) => string} when
 * @property {<K extends keyof HTMLElementTagNameMap>(tag: K, options?: {className?: string, text?: string, lang?: string}, ...children: (Node | null)[]) => HTMLElementTagNameMap[K]} el
 */

const RECENT_MS = 7 * 24 * 3600 * 1000; // coffre/audit/cosigning.py RECENT

/** @param {string} id */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/** @param {CosignContext} ctx */
export function createCosign(ctx) {
  const { STRINGS, config, state, api, show, showError, busy, when, el } = ctx;
  /** @type {Record<string, string>} */
  const S = JSON.parse(byId("console-cosign-strings").textContent || "{}");
  const form = /** @type {HTMLFormElement & Record<string, any>} */ (byId("cosign-form"));
  const signing = createDeskSigning(config);

  /** @param {string} path */
  const text = async (path) => (await api("GET", path)).text();
  /** @param {string} path */
  const json = async (path) => (await api("GET", path)).json();

  /** @param {any} tlog */
  async function logKeys(tlog) {
    try {
      const data = await json("/audit/log/keys");
      const vkeys = [data.current, ...(data.history || []).map((/** @type {any} */ h) => h.verifier_key)];
      return { origin: String(data.origin), keys: [...new Set(vkeys)].filter(Boolean).map((k) => tlog.parseKey(k)) };
    } catch {
      const key = tlog.parseKey((await text("/audit/key")).trim());
      return { origin: key.name, keys: [key] };
    }
  }

  async function latestNote() {
    try {
      return await text("/audit/log/checkpoint");
    } catch {
      return text("/audit/checkpoint");
    }
  }

  /** @param {Record<string, any>} status @param {string} name */
  function render(status, name) {
    const facts = byId("cosign-facts");
    facts.replaceChildren();
    /** @param {string} line */
    const fact = (line) => facts.append(el("li", { text: line }));
    if (status.latest_at) fact(fill(S.latest, { size: status.latest_size, when: when(status.latest_at) }));
    const mine = status.cosigners.find((/** @type {any} */ c) => c.name === name);
    if (mine && mine.last_time) fact(fill(S.mine, { size: mine.last_size, when: when(mine.last_time) }));
    else fact(S.mine_none);
    const note = byId("cosign-state");
    if (!status.cosigned_at) note.textContent = S.never;
    else {
      const values = { size: status.cosigned_size, when: when(status.cosigned_at) };
      const recent = status.recent && Date.now() - new Date(status.cosigned_at).getTime() <= RECENT_MS;
      note.textContent = fill(recent ? S.recent : S.not_recent, values);
      note.dataset.recent = String(recent);
    }
  }

  async function showCosign() {
    showError("cosign-error", "");
    byId("cosign-done").textContent = "";
    const [status, name] = await Promise.all([json("/audit/cosigners"), text("/audit/cosigner/name")]);
    render(status, name.trim());
    show("cosign");
  }

  /**
   * Check then cosign; returns the sentence to show, or throws a TlogError to refuse.
   * @param {any} tlog
   * @param {ReturnType<any>} cosigner
   */
  async function checkAndCosign(tlog, cosigner) {
    const status = await json("/audit/cosigners");
    const mine = status.cosigners.find((/** @type {any} */ c) => c.name === cosigner.key.name);
    if (!mine || mine.key !== cosigner.vkey) {
      await api("PUT", "/audit/cosigner", { json: { key: cosigner.vkey } });
    }
    const { origin, keys } = await logKeys(tlog);
    const note = await latestNote();
    let latest;
    try {
      latest = tlog.openCheckpoint(note, keys, origin);
    } catch (error) {
      throw new TlogError(S.bad_checkpoint, error instanceof TlogError ? error.code : "note_invalid");
    }
    let first = true;
    if (mine && mine.key === cosigner.vkey && mine.last_checkpoint) {
      // The officer's own line on it is what makes the old root trustworthy.
      const old = tlog.openCheckpoint(mine.last_checkpoint, keys, origin);
      if (!tlog.verifyCosignatures(mine.last_checkpoint, [cosigner.key]).has(cosigner.key.name)) {
        throw new TlogError(S.inconsistent, "cosignature_invalid");
      }
      if (latest.size < old.size) throw new TlogError(S.rollback, "rollback");
      const proof = latest.size === old.size ? { proof: [] } : await json(`/audit/proof/consistency?old=${old.size}&new=${latest.size}`);
      try {
        tlog.verifyConsistency(old.size, latest.size, old.root, latest.root, proof.proof.map((/** @type {string} */ p) => tlog.b64decode(p)));
      } catch {
        throw new TlogError(S.inconsistent, "proof_invalid");
      }
      first = false;
    }
    const body = tlog.splitNote(note).text;
    const line = cosigner.cosign(body, Math.floor(Date.now() / 1000));
    await api("POST", "/audit/cosignatures", { json: { size: latest.size, cosignature: line } });
    return fill(first ? S.done_first : S.done, { size: latest.size });
  }

  /**
   * The passphrase is missing or does not open the key: said, the field marked and
   * focused for another try (nothing else on the screen changes).
   * @param {string} message
   */
  function refusePassphrase(message) {
    busy(form, false); // a disabled field takes no focus
    showError("cosign-error", message);
    form.passphrase.setAttribute("aria-invalid", "true");
    form.passphrase.focus();
  }

  /** @param {SubmitEvent} event */
  async function onCosign(event) {
    event.preventDefault();
    showError("cosign-error", "");
    byId("cosign-done").textContent = "";
    form.passphrase.removeAttribute("aria-invalid");
    const passphrase = form.passphrase.value;
    form.passphrase.value = "";
    if (!passphrase) return refusePassphrase(S.need_passphrase);
    busy(form, true);
    /** @type {any} */
    let cosigner = null;
    try {
      const sodium = await signing.loadSodium();
      const tlog = createTlog(sodium);
      const me = await json("/me");
      const seed = await signing.openSignSeed(passphrase, me);
      if (!seed) {
        refusePassphrase(S.wrong_passphrase);
        return;
      }
      const cosignerSeed = tlog.deriveCosignerSeed(seed);
      signing.wipe(seed);
      const name = (await text("/audit/cosigner/name")).trim();
      cosigner = tlog.cosigner(name, cosignerSeed);
      sodium.memzero(cosignerSeed);
      byId("cosign-done").textContent = S.checking;
      const done = await checkAndCosign(tlog, cosigner);
      await showCosign();
      byId("cosign-done").textContent = done;
    } catch (error) {
      byId("cosign-done").textContent = "";
      if (!state.signedIn) return;
      if (error instanceof TlogError) showError("cosign-error", error.message);
      else showError("cosign-error", messageFor(error, STRINGS.unexpected_error));
    } finally {
      if (cosigner) cosigner.wipe();
      signing.end();
      busy(form, false);
    }
  }

  form.addEventListener("submit", onCosign);

  return {
    showCosign,
    wipe() {
      form.reset();
      for (const id of ["cosign-state", "cosign-done"]) byId(id).textContent = "";
      byId("cosign-facts").replaceChildren();
      showError("cosign-error", "");
    },
  };
}
