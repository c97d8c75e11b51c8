// @ts-check
// Coffre crypto format v2, key pins (crypto/SPEC.md §25; mirrors crypto/pins.py): the
// digest of a signing key, its QR payload (what a camera scans), its spoken form (what
// people read aloud or type), and matching a pin against a key. Part of
// createCoffreStatementsV2 (coffre-statements-v2.js), which checks a trust root by its pin.
import { base32, BASE32_ALPHABET as ALPHABET, concat, InvalidInputError, requireBytes, unbase32, utf8 } from "./crypto-base.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {import("./crypto-base.js").BytesLike} BytesLike */

const KEY_PIN_PREFIX = "coffre/v2/key-pin\n";
export const PIN_QR_PREFIX = "COFFRE:V2:PIN:";
const PIN_IGNORED = new Set([" ", "\t", "\r", "\n", "-"]);
/** @type {Record<string, string>} */
const PIN_FORGIVEN = { 0: "O", 1: "I", 8: "B" };

/**
 * The key pin functions (SPEC §25) bound to a ready libsodium.js.
 * @param {Sodium} sodium
 */
export function createKeyPins(sodium) {
  /** d = BLAKE2b-256("coffre/v2/key-pin\n" || key) (SPEC §25.1). @param {BytesLike} signPublicKey */
  const pinDigest = (signPublicKey) => sodium.crypto_generichash(32, concat(utf8(KEY_PIN_PREFIX), requireBytes(signPublicKey, "sign public key", 32)), null);
  /** @param {string} body */
  const checkChar = (body) => ALPHABET[sodium.crypto_generichash(32, utf8(body), null)[0] % 32];
  /** "COFFRE:V2:PIN:" || Base32(d) (SPEC §25.2). @param {BytesLike} signPublicKey */
  const pinQrPayload = (signPublicKey) => PIN_QR_PREFIX + base32(pinDigest(signPublicKey));

  /**
   * The 27 characters to read aloud, in 9 groups of 3 (SPEC §25.3).
   * @param {BytesLike} signPublicKey
   */
  function pinSpoken(signPublicKey) {
    const body = base32(pinDigest(signPublicKey)).slice(0, 26);
    return /** @type {RegExpMatchArray} */ ((body + checkChar(body)).match(/.{3}/g)).join(" ");
  }

  /**
   * The 32-byte digest of a QR payload (SPEC §25.2).
   * @param {string} payload
   */
  function parsePinQr(payload) {
    if (typeof payload !== "string" || !payload.startsWith(PIN_QR_PREFIX)) throw new InvalidInputError("not a Coffre v2 pin");
    const body = payload.slice(PIN_QR_PREFIX.length);
    if (body.length !== 52 || [...body].some((c) => !ALPHABET.includes(c))) throw new InvalidInputError("a pin QR payload holds 52 Base32 characters");
    const digest = unbase32(body, 32);
    if (base32(digest) !== body) throw new InvalidInputError("pin QR payload is not canonical");
    return digest;
  }

  /**
   * The 26 body characters of a typed pin (SPEC §25.3).
   * @param {string} text
   */
  function parsePinSpoken(text) {
    if (typeof text !== "string") throw new InvalidInputError("pin must be a string");
    const kept = [...text].filter((c) => !PIN_IGNORED.has(c)).join("");
    // eslint-disable-next-line no-control-regex -- every character outside ASCII
    if (/[^\u0000-\u007f]/.test(kept)) throw new InvalidInputError("a pin is written with ASCII letters and digits only");
    const cleaned = Array.from(kept.toUpperCase(), (c) => PIN_FORGIVEN[c] ?? c).join("");
    if (cleaned.length !== 27 || [...cleaned].some((c) => !ALPHABET.includes(c))) throw new InvalidInputError("a pin has 27 characters of A-Z and 2-7");
    const body = cleaned.slice(0, 26);
    if (checkChar(body) !== cleaned[26]) throw new InvalidInputError("pin check character does not match");
    return body;
  }

  /**
   * True when `pin` (QR payload or spoken form) names this key (SPEC §25.4); malformed pins: InvalidInputError.
   * @param {BytesLike} signPublicKey
   * @param {string} pin
   */
  function matchesPin(signPublicKey, pin) {
    const digest = pinDigest(signPublicKey);
    if (typeof pin === "string" && pin.startsWith(PIN_QR_PREFIX)) return sodium.memcmp(parsePinQr(pin), digest);
    return sodium.memcmp(utf8(parsePinSpoken(pin)), utf8(base32(digest).slice(0, 26)));
  }

  return { pinDigest, pinQrPayload, pinSpoken, parsePinQr, parsePinSpoken, matchesPin };
}
