// @ts-check
// Coffre crypto format v1, what sharing is made of (crypto/SPEC.md): a document key sealed
// to a recipient (§10), signed statements (§11), fingerprints (§12). One part of
// createCoffreCrypto (coffre-crypto.js).
import { canonicalJson, concat, DecryptionError, hasExactly, InvalidInputError, isPlainObject, KEY_BYTES, requireBytes, SignatureError, UnsupportedVersionError, utf8, sodiumTools } from "./crypto-base.js";

/** @typedef {import("./crypto-base.js").BytesLike} BytesLike */
/** @typedef {import("./crypto-base.js").Envelope} Envelope */
/** @typedef {import("./crypto-base.js").Statement} Statement */
/** @typedef {import("./crypto-base.js").Sodium} Sodium */

const STATEMENT_PREFIX = "coffre/v1/statement\n";
const FINGERPRINT_PREFIX = "coffre/v1/fingerprint\n";
const ENVELOPE_FIELDS = ["signature", "signer", "statement"];
export const SEALED_KEY_BYTES = 80;
const SIGNATURE_BYTES = 64;

/**
 * The sharing functions (SPEC §10–§12) bound to a ready libsodium.js.
 * @param {Sodium} sodium
 * @param {ReturnType<typeof import("./crypto-keys.js").createKeyCrypto>} keys
 */
export function createSharingCrypto(sodium, keys) {
  const { wipe } = sodiumTools(sodium);
  const { b64encode, b64decode } = keys;

  // §10 ------------------------------------------------------------------------

  /**
   * crypto_box_seal(docKey, recipientBoxPublic): 80 bytes (SPEC §10).
   * @param {BytesLike} docKey
   * @param {BytesLike} recipientBoxPublic
   */
  function sealDocumentKey(docKey, recipientBoxPublic) {
    const key = requireBytes(docKey, "document key", KEY_BYTES);
    const pub = requireBytes(recipientBoxPublic, "recipient box public key", KEY_BYTES);
    return sodium.crypto_box_seal(key, pub);
  }

  /**
   * crypto_box_seal_open; InvalidInputError unless 80 bytes, DecryptionError if it does not open (SPEC §10).
   * @param {BytesLike} sealed
   * @param {BytesLike} boxPublic
   * @param {BytesLike} boxSecret
   * @returns {Uint8Array}
   */
  function openSealedKey(sealed, boxPublic, boxSecret) {
    const data = requireBytes(sealed, "sealed key", SEALED_KEY_BYTES);
    const pub = requireBytes(boxPublic, "box public key", KEY_BYTES);
    const secret = requireBytes(boxSecret, "box secret key", KEY_BYTES);
    let key;
    try {
      key = sodium.crypto_box_seal_open(data, pub, secret);
    } catch {
      throw new DecryptionError("sealed key does not open: wrong key or tampered");
    }
    if (key.length !== KEY_BYTES) throw new DecryptionError("sealed key has the wrong length");
    return key;
  }

  // §11 ------------------------------------------------------------------------

  /**
   * @param {unknown} statement
   * @returns {Statement}
   */
  function checkStatement(statement) {
    if (!isPlainObject(statement)) throw new InvalidInputError("statement must be a JSON object");
    const version = statement.v;
    if (typeof version !== "number" || !Number.isInteger(version)) {
      throw new InvalidInputError('statement must contain an integer "v"');
    }
    if (version !== 1) throw new UnsupportedVersionError(`unsupported statement version ${version}`);
    if (typeof statement.type !== "string" || statement.type === "") {
      throw new InvalidInputError('statement must contain a non-empty string "type"');
    }
    return statement;
  }

  /**
   * "coffre/v1/statement\n" || RFC8785(statement): the signed bytes (SPEC §11).
   * @param {unknown} statement
   */
  function signedMessage(statement) {
    return concat(utf8(STATEMENT_PREFIX), canonicalJson(checkStatement(statement)));
  }

  /**
   * {statement, signer, signature} with base64url signer key and Ed25519 signature (SPEC §11).
   * @param {Statement} statement
   * @param {BytesLike} signSeed
   * @returns {Envelope}
   */
  function signStatement(statement, signSeed) {
    const seed = requireBytes(signSeed, "sign seed", KEY_BYTES);
    const message = signedMessage(statement);
    const pair = sodium.crypto_sign_seed_keypair(seed);
    try {
      const signature = sodium.crypto_sign_detached(message, pair.privateKey);
      return { statement, signer: b64encode(pair.publicKey), signature: b64encode(signature) };
    } finally {
      wipe(pair.privateKey);
    }
  }

  /**
   * The statement, if the envelope's signature verifies (SPEC §11). SignatureError:
   * bad signature, or `expectedSigner` given and different. InvalidInputError: malformed.
   * Without expectedSigner this only proves that *someone* holding `signer` signed it.
   * @param {unknown} envelope
   * @param {BytesLike | null} [expectedSigner]
   * @returns {Statement}
   */
  function verifyStatement(envelope, expectedSigner = null) {
    if (!isPlainObject(envelope) || !hasExactly(envelope, ENVELOPE_FIELDS)) {
      throw new InvalidInputError("envelope must have exactly statement, signer, signature");
    }
    if (typeof envelope.signer !== "string" || typeof envelope.signature !== "string") {
      throw new InvalidInputError("envelope signer and signature must be strings");
    }
    const signer = requireBytes(b64decode(envelope.signer), "signer", KEY_BYTES);
    const signature = requireBytes(b64decode(envelope.signature), "signature", SIGNATURE_BYTES);
    const message = signedMessage(envelope.statement);
    if (expectedSigner !== null && expectedSigner !== undefined) {
      const expected = requireBytes(expectedSigner, "expected signer", KEY_BYTES);
      if (!sodium.memcmp(expected, signer)) throw new SignatureError("statement was signed by an unexpected key");
    }
    let valid;
    try {
      valid = sodium.crypto_sign_verify_detached(signature, message, signer);
    } catch {
      valid = false;
    }
    if (!valid) throw new SignatureError("statement signature does not verify");
    return checkStatement(envelope.statement);
  }

  // §12 ------------------------------------------------------------------------

  /**
   * 24 decimal digits in 6 groups of 4 (SPEC §12).
   * @param {BytesLike} publicKey
   * @returns {string}
   */
  function fingerprint(publicKey) {
    const key = requireBytes(publicKey, "public key", KEY_BYTES);
    const digest = sodium.crypto_generichash(32, concat(utf8(FINGERPRINT_PREFIX), key), null);
    let n = 0n;
    for (const b of digest.subarray(0, 10)) n = (n << 8n) | BigInt(b);
    const digits = (n % 10n ** 24n).toString().padStart(24, "0");
    return /** @type {RegExpMatchArray} */ (digits.match(/.{4}/g)).join(" ");
  }

  return {
    sealDocumentKey,
    openSealedKey,
    signedMessage,
    signStatement,
    verifyStatement,
    fingerprint,
  };
}
