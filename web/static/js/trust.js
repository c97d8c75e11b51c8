// @ts-check
// The territory's trust root as the person confirmed it (crypto/SPEC.md §15, §25): the
// pin that every share and every deposit check verifies key chains against.
//
// The root is pinned by the v2 pin of its sign key (SPEC §25: the spoken form, 27
// characters in 9 groups, 130 bits; the charter page also shows it as a QR code).
// Before the first share (or the first deposit check) the person compares it with the
// one printed on the charter page or the structure's notice; what they confirmed is
// kept in localStorage, so that a root that changes between two visits (a server
// swapping the territory's key to certify keys of its own) stops everything: nothing
// is sealed, and no deposit is called verified, unless the chain verifies up to the
// confirmed pin. A v1 fingerprint (80 bits, SPEC §12) kept by an earlier version is
// replaced by the v2 pin of the same key when the root still matches it (what the
// person compared then), else the root reads as changed; no screen shows v1 any more.
// localStorage, although the page keeps nothing else: the pin must outlive the
// session (keys are wiped at log-out) and it is not a secret nor about the person —
// the same public value for everyone on the territory, stored under one fixed name
// (no account id). The page config's `rootPin` (rendered by the server like /charte)
// is what is offered for comparison the first time; it comes from the same server, so
// the person's comparison with the published pin is what makes it a pin.
// The person may scan the published QR code instead of reading the pin (trust-scan.js,
// imported when asked): the whole 256-bit QR payload (SPEC §25.2) is compared with the
// root's key, and a match pins the same spoken pin as "Le code est le même".
import { createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { createCoffreStatementsV2 } from "./coffre-statements-v2.js";
import { verifyChain } from "./network.js";
import { TrustRefused, createTrustV2, isV2Chain, verifyV2Signatures } from "./trust-v2.js";

const PIN_KEY = "coffre.trustRoot";
const SPOKEN_PIN = /^[A-Z2-7]{3}( [A-Z2-7]{3}){8}$/; // SPEC §25.3, as pinSpoken writes it
const V1_FINGERPRINT = /^[0-9]{4}( [0-9]{4}){5}$/; // SPEC §12

/** @type {Map<unknown, any>} */
const statements = new Map();
/**
 * The v2 statements (pins) for this libsodium.js object, made once.
 * @param {import("./types/vendor").Sodium} sodium
 */
function pinsOf(sodium) {
  if (!statements.has(sodium)) statements.set(sodium, createCoffreStatementsV2(sodium, createCoffreCryptoV2(sodium)));
  return statements.get(sodium);
}

/**
 * An account's keys (the body of GET /professionals/{id}/keys) verified up to the
 * root that `pin` names (SPEC §25.4, §15): the leaf certificate statement, or a
 * SignatureError / InvalidInputError. The pin (v2, 130 or 256 bits) is checked here,
 * the chain under that root by network.js.
 * @param {any} C coffre-crypto.js
 * @param {import("./types/vendor").Sodium} sodium
 * @param {any} keys
 * @param {unknown} pin
 */
export function verifyChainToPin(C, sodium, keys, pin) {
  if (isV2Chain(keys?.certificates)) return verifyV2Signatures(sodium, keys, pin); // SPEC §26, trust-v2.js
  const rootSign = C.b64decode(keys?.root?.statement?.sign_public_key);
  if (typeof pin !== "string" || !pinsOf(sodium).matchesPin(rootSign, pin)) {
    throw new C.SignatureError("the trust root is not the pinned one");
  }
  return verifyChain(C, keys, C.fingerprint(rootSign));
}

/**
 * @typedef {object} Asking
 * @property {string} fingerprint
 * @property {() => unknown} onConfirm
 * @property {() => unknown} [onBack]
 * @property {boolean} [scanned] the QR code scanned matched: pinned, "Continuer" goes on
 */

/** @param {import("./types/page").PageHelpers} ctx */
export function createTrust(ctx) {
  const { CONFIG, C, sodium, api, show, S, loadScript } = ctx;
  let rotatedUntold = false; // a rotation followed on this visit, not yet shown to the person
  const v2 = createTrustV2(
    sodium,
    api,
    () => Boolean(CONFIG.rootV2),
    (pin) => {
      writePin(pin);
      rotatedUntold = true;
    },
  );
  /** The spoken pin (SPEC §25.3) of a sign public key. @param {Uint8Array} signPublic */
  const pinOf = (signPublic) => String(pinsOf(sodium).pinSpoken(signPublic));
  /** @type {string | null} */
  let memoryPin = null; // when the browser refuses storage (private mode): this visit only
  /** @type {Asking | null} */
  let asking = null; // {fingerprint, onConfirm, onBack} while the trust screen is shown
  /** @type {Map<string, Uint8Array>} */
  const keyOf = new Map(); // spoken pin -> the root's sign key it was computed from (check)
  /** @type {Promise<ReturnType<import("./trust-scan.js").createTrustScan>> | null} */
  let scanning = null; // trust-scan.js, imported the first time the person scans
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const sameBox = () => /** @type {HTMLInputElement} */ (document.getElementById("share-trust-same"));
  const trustButton = () => /** @type {HTMLButtonElement} */ (document.querySelector("[data-action=share-trust]"));

  function stored() {
    try {
      return localStorage.getItem(PIN_KEY) || memoryPin;
    } catch {
      return memoryPin;
    }
  }

  /** The v2 pin the person confirmed, or null (nothing yet, or a v1 fingerprint not renewed yet). */
  function readPin() {
    const value = stored();
    return value && SPOKEN_PIN.test(value) ? value : null;
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
   * is "pinned" (the same), "rotated" (a new root signed by the pinned one, SPEC §26.5:
   * the pin now names it; tell the person with tellRotated), "unchained" (a v2 root
   * the pinned one does not lead to: share nothing), "changed" (not the one
   * confirmed), "first" (nothing confirmed yet: ask the person) or "mismatch" (the
   * server contradicts itself). `fingerprint` is the root's spoken v2 pin (SPEC
   * §25.3): what the person compares.
   */
  async function check() {
    const confirmed = readPin();
    if (confirmed) {
      try {
        const inForce = await v2.rootInForce(confirmed);
        if (inForce && rotatedUntold) {
          rotatedUntold = false;
          return { state: "rotated", fingerprint: inForce.pin };
        }
        if (inForce) return { state: "pinned", fingerprint: inForce.pin };
      } catch (error) {
        if (error instanceof TrustRefused) return { state: "unchained", fingerprint: confirmed };
        throw error;
      }
    } else if (!stored()) {
      const key = await v2.rootKeyInForce();
      if (key) {
        const inForce = pinOf(key);
        keyOf.set(inForce, key);
        return { state: inForce === CONFIG.rootPin ? "first" : "mismatch", fingerprint: inForce };
      }
    }
    /** @type {{root: {statement: Record<string, any>}}} */
    const trust = await (await api("GET", "/trust/root")).json();
    // The pin is computed here from the root's own key, not taken on trust.
    const signPublic = C.b64decode(trust.root.statement.sign_public_key);
    const fingerprint = pinOf(signPublic);
    keyOf.set(fingerprint, signPublic);
    const pinned = stored();
    if (pinned && SPOKEN_PIN.test(pinned)) return { state: pinned === fingerprint ? "pinned" : "changed", fingerprint };
    if (pinned && V1_FINGERPRINT.test(pinned)) {
      // Kept by an earlier version: the key the person compared then is kept as its v2
      // pin from now on; another key is a changed root.
      if (pinned !== C.fingerprint(signPublic)) return { state: "changed", fingerprint };
      writePin(fingerprint);
      return { state: "pinned", fingerprint };
    }
    if (fingerprint !== CONFIG.rootPin) return { state: "mismatch", fingerprint };
    return { state: "first", fingerprint };
  }

  /**
   * The trust screen: the person compares `fingerprint`; `onConfirm` runs once pinned.
   * @param {string} fingerprint
   * @param {{onConfirm: () => unknown, onBack?: () => unknown, showScreen?: () => void}} options
   */
  function ask(fingerprint, { onConfirm, onBack, showScreen = () => show("share-trust") }) {
    asking = { fingerprint, onConfirm, onBack };
    stopScan(true);
    byId("share-trust-fingerprint").textContent = fingerprint;
    sameBox().checked = false;
    trustButton().disabled = true;
    showScreen();
  }

  /**
   * The screen saying the territory's root changed, signed by the one the person
   * checked (SPEC §26.5); `onConfirm` runs on "Continuer".
   * @param {{onConfirm: () => unknown, showScreen?: () => void}} options
   */
  function tellRotated({ onConfirm, showScreen = () => show("trust-rotated") }) {
    asking = { fingerprint: "", onConfirm };
    showScreen();
  }

  async function onRotatedSeen() {
    if (!asking) return;
    const { onConfirm } = asking;
    asking = null;
    await onConfirm();
  }

  async function onTrusted() {
    if (!asking || !(sameBox().checked || asking.scanned)) return;
    const { fingerprint, onConfirm } = asking;
    asking = null;
    stopScan(false);
    writePin(fingerprint);
    await onConfirm();
  }

  function onBack() {
    const back = asking ? asking.onBack : null;
    asking = null;
    stopScan(true);
    if (back) back();
  }

  /** trust-scan.js on this screen's elements, imported on first use. */
  function scanner() {
    scanning ||= import("./trust-scan.js").then(({ createTrustScan }) =>
      createTrustScan({
        S,
        loadScript,
        jsqr: String(CONFIG.jsqr),
        elements: {
          view: byId("trust-scan-view"),
          video: /** @type {HTMLVideoElement} */ (byId("trust-scan-video")),
          result: byId("trust-scan-result"),
          start: /** @type {HTMLButtonElement} */ (document.querySelector("[data-action=trust-scan]")),
        },
      }),
    );
    scanning.catch(() => {
      scanning = null; // not loaded (the network): the next tap tries again
    });
    return scanning;
  }

  /**
   * Whether a scanned QR payload names the root the person is asked about: the whole
   * 256-bit digest (SPEC §25.2, §25.4), never the shorter spoken form.
   * @param {string} payload
   */
  function matchesAsked(payload) {
    const key = asking ? keyOf.get(asking.fingerprint) : undefined;
    return Boolean(key) && pinsOf(sodium).matchesPin(key, payload);
  }

  /** The scanned code is the root's: pinned now, as "Le code est le même" then "Continuer" would. */
  function onScannedGood() {
    if (!asking) return;
    asking.scanned = true;
    writePin(asking.fingerprint);
    trustButton().disabled = false;
  }

  /** Stop the camera (and, with `clear`, forget what the last scan said). @param {boolean} clear */
  function stopScan(clear) {
    if (!scanning) return;
    scanning.then((scan) => (clear ? scan.reset() : scan.stop())).catch(() => {});
  }

  async function onScan() {
    if (!asking) return;
    (await scanner()).scan(matchesAsked, onScannedGood);
  }

  async function onScanStop() {
    stopScan(false);
  }

  /** A photo of the code (no camera, or refused): read with jsQR. @param {Event} event */
  async function onPhoto(event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const file = input.files && input.files[0];
    input.value = "";
    if (!file || !asking) return;
    (await scanner()).photo(file, matchesAsked, onScannedGood);
  }

  /**
   * A professional's (or a depositor's) keys verified up to the pinned root (or the
   * root of `fingerprint`): the leaf certificate statement and the keys, or null when
   * they do not verify.
   * @param {string} accountId
   * @param {string | null} [fingerprint]
   */
  async function verifiedKeys(accountId, fingerprint = readPin()) {
    try {
      return await checkedKeys(accountId, fingerprint);
    } catch (error) {
      if (error instanceof TrustRefused) return null;
      throw error;
    }
  }

  /**
   * As verifiedKeys, but a refusal says why: TrustRefused with its `problem`
   * ("unchained", "list", "expired", "revoked", "not_certified"). v2 certificates
   * (SPEC §26.4): the root in force reached from the pin, the current revocation list
   * (never older than one this device saw), each certificate in date and not revoked.
   * v1 certificates, stored before v2: SPEC §15 (the server's gate refuses an ended or
   * revoked one at once).
   * @param {string} accountId
   * @param {string | null} [fingerprint]
   * @param {import("./trust-v2.js").TrustSnapshot} [served] from `snapshot()`: several checks at one moment
   * @returns {Promise<{leaf: Record<string, any>, boxPublic: Uint8Array, signPublic: Uint8Array}>}
   */
  async function checkedKeys(accountId, fingerprint = readPin(), served = undefined) {
    const keys = await (await api("GET", `/professionals/${accountId}/keys`)).json();
    if (isV2Chain(keys.certificates)) {
      if (!fingerprint) throw new TrustRefused("not_certified", "no pin confirmed");
      return v2.checkChain(accountId, keys, fingerprint, undefined, served);
    }
    try {
      const leaf = verifyChainToPin(C, sodium, keys, fingerprint);
      return { leaf, boxPublic: C.b64decode(keys.box_public_key), signPublic: C.b64decode(keys.sign_public_key) };
    } catch {
      throw new TrustRefused("not_certified", "the keys do not verify up to the pinned root");
    }
  }

  sameBox().addEventListener("change", (event) => {
    trustButton().disabled = !(/** @type {HTMLInputElement} */ (event.target).checked || asking?.scanned);
  });
  document.getElementById("trust-scan-photo")?.addEventListener("change", onPhoto);

  return {
    readPin,
    pinOf,
    check,
    ask,
    tellRotated,
    verifiedKeys,
    checkedKeys,
    snapshot: v2.snapshot,
    screens: ["share-trust", "trust-rotated"],
    enter: {},
    actions: { "share-trust": onTrusted, "trust-back": onBack, "trust-rotated-ok": onRotatedSeen, "trust-scan": onScan, "trust-scan-stop": onScanStop },
    wipe() {
      asking = null;
      stopScan(true);
      byId("share-trust-fingerprint").textContent = "";
    },
  };
}
