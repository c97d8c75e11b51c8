// @ts-check
// Certificates with a life, checked by the page before anything is sealed to a
// professional (crypto/SPEC.md §26.4, §26.5; the Python client's twin is
// client/trust.py):
//
// - the territory's root in force, reached from the root the person pinned through
//   rotations signed by the old key (GET /trust/root/v2). A rotation followed
//   replaces the pin (the person is told, in plain words, by the caller); a root the
//   pinned one does not lead to is refused ("unchained": nothing is sealed);
// - the revocation list signed by the root (GET /trust/revocations), never older than
//   the highest sequence this device has seen (kept in localStorage as min_sequence),
//   and in date;
// - the professional's chain (v2 certificates: expired, revoked, another root).
//
// What is kept in localStorage: two numbers, the same for everyone of the territory
// (the highest list sequence and rotation sequence seen), under fixed names, beside
// the pin trust.js keeps. Nothing about the person.
import { InvalidInputError, SignatureError } from "./coffre-crypto.js";
import { StaleError } from "./coffre-crypto-v2.js";
import { ApiError } from "./http.js";
import { createCertificatesV2 } from "./certificates-v2.js";

export const MIN_SEQUENCE_KEY = "coffre.revocationSequence";
export const MIN_ROTATION_KEY = "coffre.rotationSequence";

/**
 * Why the page refuses to seal to a professional.
 * "unchained": the server's root is not reached from the pinned one; "list": the
 * revocation list is missing, forged, rolled back or out of date; "expired",
 * "revoked": the professional's certificate; "not_certified": anything else.
 * @typedef {"unchained" | "list" | "expired" | "revoked" | "not_certified"} TrustProblem
 */

/**
 * The root chain and the revocation list served at one moment, fetched on first use.
 * @typedef {{chain: () => Promise<any>, listing: () => Promise<any>}} TrustSnapshot
 */

export class TrustRefused extends Error {
  /** @param {TrustProblem} problem @param {string} message */
  constructor(problem, message) {
    super(message);
    this.problem = problem;
  }
}

/** @type {Map<unknown, ReturnType<typeof createCertificatesV2>>} */
const made = new Map();
/** @param {import("./types/vendor").Sodium} sodium */
export function certificatesOf(sodium) {
  if (!made.has(sodium)) made.set(sodium, createCertificatesV2(sodium));
  return /** @type {ReturnType<typeof createCertificatesV2>} */ (made.get(sodium));
}

/** True when `certificates` is a v2 chain (SPEC §26.2). @param {unknown} certificates */
export function isV2Chain(certificates) {
  const first = Array.isArray(certificates) ? certificates[0] : null;
  return Boolean(first && typeof first === "object" && first.statement && first.statement.v === 2);
}

const ROOT_CERTIFIES = ["structure_admin", "charter_officer"];

/**
 * The signatures of a v2 chain (GET /professionals/{id}/keys) up to the key `pin`
 * names, synchronously, for READING what a professional signed (a deposit, a liaison
 * note): the top certificate signed by the pinned root key, the leaf by its structure
 * admin, over the keys offered. No date and no revocation list here: sealing anything
 * to a professional goes through createTrustV2().checkChain. Returns the leaf
 * statement, or SignatureError / InvalidInputError.
 * @param {import("./types/vendor").Sodium} sodium
 * @param {any} keys
 * @param {unknown} pin
 * @returns {Record<string, any>}
 */
export function verifyV2Signatures(sodium, keys, pin) {
  const st = certificatesOf(sodium).statements;
  const b64 = (/** @type {unknown} */ text) => {
    if (typeof text !== "string") throw new InvalidInputError("a key is base64url text");
    return sodium.from_base64(text, sodium.base64_variants.URLSAFE_NO_PADDING);
  };
  const list = keys && keys.certificates;
  if (!Array.isArray(list) || list.length < 1 || list.length > 2) throw new SignatureError("a chain holds one or two certificates");
  const top = list[list.length - 1];
  const rootSign = b64(top && top.signer);
  if (typeof pin !== "string" || !st.matchesPin(rootSign, pin)) throw new SignatureError("the chain is not signed by the pinned root");
  const upper = st.readCertificate(st.verifyStatementV2(top, rootSign, "coffre/key-certificate"));
  let leaf = upper;
  if (list.length === 1) {
    if (!ROOT_CERTIFIES.includes(upper.role)) throw new SignatureError("the root certifies structure admins and charter officers only");
  } else {
    if (upper.role !== "structure_admin") throw new SignatureError("the issuer is not a certified structure admin");
    leaf = st.readCertificate(st.verifyStatementV2(list[0], upper.signPublic, "coffre/key-certificate"));
    if (leaf.role !== "professional" || leaf.issuer !== upper.subject || leaf.structure !== upper.structure) throw new SignatureError("the certificate was not issued by its structure's admin");
  }
  if (leaf.territory !== upper.territory || leaf.subject !== keys.account_id) throw new SignatureError("the certificate is not about this account");
  if (!sodium.memcmp(leaf.boxPublic, b64(keys.box_public_key)) || !sodium.memcmp(leaf.signPublic, b64(keys.sign_public_key))) throw new SignatureError("the keys offered are not the certified keys");
  return list[0].statement;
}

/** @param {string} key */
function readNumber(key) {
  try {
    const value = Number(localStorage.getItem(key));
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Keep the larger of what is stored and `value`. @param {string} key @param {number} value */
function keepHighest(key, value) {
  if (value <= readNumber(key)) return;
  try {
    localStorage.setItem(key, String(value));
  } catch {
    // Storage refused (private mode): the check still holds for this visit.
  }
}

/**
 * @param {import("./types/vendor").Sodium} sodium
 * @param {(method: string, path: string) => Promise<Response>} api
 * @param {() => boolean} [published] whether the server said (page config) that a v2 root is published
 * @param {(pin: string) => void} [onRotated] keeps the new pin (spoken) when a rotation was followed
 */
export function createTrustV2(sodium, api, published = () => true, onRotated = () => {}) {
  const certs = certificatesOf(sodium);
  const st = certs.statements;
  /** @type {Record<string, number>} */
  const memory = {}; // when storage is refused: this visit only
  const minOf = (/** @type {string} */ key) => Math.max(readNumber(key), memory[key] || 0);
  const keep = (/** @type {string} */ key, /** @type {number} */ value) => {
    memory[key] = Math.max(memory[key] || 0, value);
    keepHighest(key, value);
  };

  /** The v2 root chain the server serves, or null before the territory published one. */
  async function rootChain() {
    if (!published()) return null;
    try {
      return await (await api("GET", "/trust/root/v2")).json();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * The root chain and the revocation list as the server serves them, each fetched at
   * most once: one snapshot serves the checks made at one moment (one screen's list,
   * the shares of one tap). SPEC §26.4: a checked list holds until its next_update, and
   * the server's gate still decides at each request. A later moment (the check right
   * before sealing what the person chose) takes a new one.
   * @returns {TrustSnapshot}
   */
  function snapshot() {
    /** @type {Promise<any> | null} */
    let chain = null;
    /** @type {Promise<any> | null} */
    let listing = null;
    return {
      chain: () => (chain ||= rootChain()),
      listing: () => (listing ||= api("GET", "/trust/revocations").then((r) => r.json())),
    };
  }

  /** @param {any} envelope @param {string} pin */
  function pinned(envelope, pin) {
    try {
      return st.matchesPin(sodium.from_base64(envelope.statement.sign_public_key, sodium.base64_variants.URLSAFE_NO_PADDING), pin);
    } catch {
      return false;
    }
  }

  /**
   * The root in force reached from `pin` (SPEC §26.5), or null when the territory has
   * no v2 root yet. {root, pin (spoken, SPEC §25.3), changed, sequence}. TrustRefused
   * "unchained" when the pinned root does not lead to it (nothing is changed).
   * The caller stores the new pin when `changed`; the rotation sequence is kept here.
   * @param {string} pin the pin the person confirmed (spoken form)
   * @param {Date} [now]
   * @param {TrustSnapshot} [served]
   */
  async function rootInForce(pin, now = new Date(), served = snapshot()) {
    const chain = await served.chain();
    if (!chain) return null;
    const candidates = [chain.first, ...(Array.isArray(chain.links) ? chain.links.map((/** @type {any} */ l) => l && l.root) : [])];
    const start = candidates.find((e) => pinned(e, pin));
    if (!start) throw new TrustRefused("unchained", "the server's trust root is not reached from the pinned one");
    let followed;
    try {
      followed = certs.followRootRotations({ pin, root: start, links: chain.links, now, minRotation: minOf(MIN_ROTATION_KEY) });
    } catch (error) {
      throw new TrustRefused("unchained", error instanceof Error ? error.message : "unchained");
    }
    keep(MIN_ROTATION_KEY, followed.sequence);
    // The pin follows the rotation at once, whoever asked: a later check starts from
    // the root in force (a rotation already followed is never followed again).
    if (followed.changed) onRotated(String(st.pinSpoken(followed.signPublic)));
    return { root: followed.root, pin: String(st.pinSpoken(followed.signPublic)), changed: followed.changed, sequence: followed.sequence };
  }

  /**
   * An account's v2 chain (the body of GET /professionals/{id}/keys) checked under the
   * root in force and the current revocation list (SPEC §26.4): the leaf statement and
   * keys, or TrustRefused with the reason.
   * @param {string} accountId
   * @param {any} keys
   * @param {string} pin
   * @param {Date} [now]
   * @param {TrustSnapshot} [served] what the server serves, fetched once for several checks
   */
  async function checkChain(accountId, keys, pin, now = new Date(), served = snapshot()) {
    const root = await rootInForce(pin, now, served);
    if (!root) throw new TrustRefused("not_certified", "no v2 trust root is published");
    const listing = await served.listing();
    const rootStatement = root.root.statement;
    const rootSign = sodium.from_base64(rootStatement.sign_public_key, sodium.base64_variants.URLSAFE_NO_PADDING);
    let list;
    try {
      if (!listing || !listing.list) throw new InvalidInputError("no revocation list");
      list = certs.verifyRevocationList(listing.list, { rootSignPublic: rootSign, territory: rootStatement.territory, now, minSequence: Math.max(1, minOf(MIN_SEQUENCE_KEY)) });
    } catch {
      throw new TrustRefused("list", "the revocation list is missing, forged, rolled back or out of date");
    }
    keep(MIN_SEQUENCE_KEY, list.sequence);
    const b64 = (/** @type {string} */ text) => sodium.from_base64(text, sodium.base64_variants.URLSAFE_NO_PADDING);
    try {
      const certified = certs.verifyChain({
        accountId,
        boxPublic: b64(keys.box_public_key),
        signPublic: b64(keys.sign_public_key),
        certificates: keys.certificates,
        root: root.root,
        pin: st.pinQrPayload(rootSign),
        revocationList: listing.list,
        now,
        minSequence: list.sequence,
      });
      return { leaf: keys.certificates[0].statement, boxPublic: certified.boxPublic, signPublic: certified.signPublic, notAfter: certified.notAfter };
    } catch (error) {
      if (!(error instanceof StaleError)) throw new TrustRefused("not_certified", error instanceof SignatureError ? "bad chain" : "invalid chain");
      const revoked = keys.certificates.some((/** @type {any} */ c) => {
        try {
          return list.revoked.has(certs.certificateId(c));
        } catch {
          return false;
        }
      });
      throw new TrustRefused(revoked ? "revoked" : "expired", error.message);
    }
  }

  /**
   * The sign key of the root in force as the server serves it (null: no v2 root yet), for
   * a first comparison: its spoken pin (SPEC §25.3) or, scanned, its QR payload (§25.2).
   */
  async function rootKeyInForce() {
    const chain = await rootChain();
    if (!chain) return null;
    return sodium.from_base64(chain.root.statement.sign_public_key, sodium.base64_variants.URLSAFE_NO_PADDING);
  }

  /** The spoken pin of the root in force as the server serves it (null: no v2 root yet), for a first comparison. */
  async function pinInForce() {
    const key = await rootKeyInForce();
    return key ? String(st.pinSpoken(key)) : null;
  }

  return { snapshot, rootInForce, rootKeyInForce, pinInForce, checkChain, minSequence: () => minOf(MIN_SEQUENCE_KEY), minRotation: () => minOf(MIN_ROTATION_KEY) };
}
