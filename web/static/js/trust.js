// @ts-check
// The territory's trust root as the person confirmed it (crypto/SPEC.md §15): the
// pin that every share and every deposit check verifies key chains against.
//
// The root is pinned by the fingerprint of its sign key. Before the first share (or
// the first deposit check) the person compares it with the one printed on the charter
// page or the structure's notice; what they confirmed is kept in localStorage, so
// that a root that changes between two visits (a server swapping the territory's key
// to certify keys of its own) stops everything: nothing is sealed, and no deposit is
// called verified, unless the chain verifies up to the confirmed fingerprint.
// localStorage, although the page keeps nothing else: the pin must outlive the
// session (keys are wiped at log-out) and it is not a secret nor about the person —
// the same public value for everyone on the territory, stored under one fixed name
// (no account id). The page config's `rootFingerprint` (rendered by the server like
// /charte) is what is offered for comparison the first time; it comes from the same
// server, so the person's comparison with the published fingerprint is what makes it
// a pin.
import { verifyChain } from "./network.js";

const PIN_KEY = "coffre.trustRoot";

/**
 * @typedef {object} Asking
 * @property {string} fingerprint
 * @property {() => unknown} onConfirm
 * @property {() => unknown} [onBack]
 */

/** @param {import("./types/page").PageHelpers} ctx */
export function createTrust(ctx) {
  const { CONFIG, C, api, show } = ctx;
  /** @type {string | null} */
  let memoryPin = null; // when the browser refuses storage (private mode): this visit only
  /** @type {Asking | null} */
  let asking = null; // {fingerprint, onConfirm, onBack} while the trust screen is shown
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const sameBox = () => /** @type {HTMLInputElement} */ (document.getElementById("share-trust-same"));
  const trustButton = () => /** @type {HTMLButtonElement} */ (document.querySelector("[data-action=share-trust]"));

  function readPin() {
    try {
      return localStorage.getItem(PIN_KEY) || memoryPin;
    } catch {
      return memoryPin;
    }
  }

  /** @param {string} fingerprint */
  function writePin(fingerprint) {
    memoryPin = fingerprint;
    try {
      localStorage.setItem(PIN_KEY, fingerprint);
    } catch {
      // Storage refused: the pin lasts for this visit only.
    }
  }

  /**
   * The root the server shows, compared with the pin: {state, fingerprint} where state
   * is "pinned" (the same), "changed" (not the one confirmed), "first" (nothing
   * confirmed yet: ask the person) or "mismatch" (the server contradicts itself).
   */
  async function check() {
    /** @type {{root: {statement: Record<string, any>}, fingerprint: string}} */
    const trust = await (await api("GET", "/trust/root")).json();
    // The fingerprint is computed here from the root's own key, not taken on trust.
    const fingerprint = C.fingerprint(C.b64decode(trust.root.statement.sign_public_key));
    const pinned = readPin();
    if (pinned) return { state: pinned === fingerprint ? "pinned" : "changed", fingerprint };
    if (fingerprint !== CONFIG.rootFingerprint || fingerprint !== trust.fingerprint) {
      return { state: "mismatch", fingerprint };
    }
    return { state: "first", fingerprint };
  }

  /**
   * The trust screen: the person compares `fingerprint`; `onConfirm` runs once pinned.
   * @param {string} fingerprint
   * @param {{onConfirm: () => unknown, onBack?: () => unknown, showScreen?: () => void}} options
   */
  function ask(fingerprint, { onConfirm, onBack, showScreen = () => show("share-trust") }) {
    asking = { fingerprint, onConfirm, onBack };
    byId("share-trust-fingerprint").textContent = fingerprint;
    sameBox().checked = false;
    trustButton().disabled = true;
    showScreen();
  }

  async function onTrusted() {
    if (!asking || !sameBox().checked) return;
    const { fingerprint, onConfirm } = asking;
    asking = null;
    writePin(fingerprint);
    await onConfirm();
  }

  function onBack() {
    const back = asking ? asking.onBack : null;
    asking = null;
    if (back) back();
  }

  /**
   * A professional's (or a depositor's) keys verified up to the pinned root (or the
   * root of `fingerprint`): the leaf certificate statement and the keys, or null when
   * they do not verify.
   * @param {string} accountId
   * @param {string | null} [fingerprint]
   */
  async function verifiedKeys(accountId, fingerprint = readPin()) {
    const keys = await (await api("GET", `/professionals/${accountId}/keys`)).json();
    try {
      const leaf = verifyChain(C, keys, fingerprint);
      return { leaf, boxPublic: C.b64decode(keys.box_public_key), signPublic: C.b64decode(keys.sign_public_key) };
    } catch {
      return null;
    }
  }

  sameBox().addEventListener("change", (event) => {
    trustButton().disabled = !(/** @type {HTMLInputElement} */ (event.target).checked);
  });

  return {
    readPin,
    check,
    ask,
    verifiedKeys,
    screens: ["share-trust"],
    enter: {},
    actions: { "share-trust": onTrusted, "trust-back": onBack },
    wipe() {
      asking = null;
      byId("share-trust-fingerprint").textContent = "";
    },
  };
}
